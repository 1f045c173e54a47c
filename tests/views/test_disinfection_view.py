"""The disinfection page under AppTest: a building's areas as buttons, one tap marks a round, a second is said."""

import pytest

from resilient.core import db
from tests import conftest

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database

PAGE = "views/edge/disinfection.py"


def count(path, sql):
    con = db.connect(path)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_a_grid_worker_taps_an_area_done_and_a_second_tap_is_not_written(page_db, monkeypatch):
    at = conftest.open_page(page_db, monkeypatch, "grid1", PAGE)
    assert at.title[0].value == "公共区域消杀"
    buttons = [b for b in at.button if b.key and b.key.startswith("dis_")]
    assert buttons and all("·" in b.label for b in buttons)
    due = next(b for b in buttons if "已消杀" not in b.label)       # its current round not yet done
    before = count(page_db, "SELECT count(*) FROM disinfection_mark")
    due.click().run()
    assert not at.exception, at.exception
    assert count(page_db, "SELECT count(*) FROM disinfection_mark") == before + 1
    assert "已消杀" in next(b for b in at.button if b.key == due.key).label
    next(b for b in at.button if b.key == due.key).click().run()     # a double tap
    assert not at.exception, at.exception
    assert count(page_db, "SELECT count(*) FROM disinfection_mark") == before + 1
    assert any("未重复记录" in m.value for m in [*at.info, *at.success])


def test_the_map_of_missed_rounds_at_a_desk_in_english(page_db, monkeypatch):
    at = conftest.open_page(page_db, monkeypatch, "leader", PAGE, lang="en")
    conftest.choose(at, "disinfection_section", "map")
    labels = {m.label for m in at.metric}
    assert {"Rounds done today", "Rounds missed today"} <= labels
    assert all(m.help for m in at.metric)
    conftest.choose(at, "disinfection_section", "areas")
    assert any(b.label == "Make the public areas of every building" for b in at.button)


def test_the_overview_counts_health_codes_by_colour(page_db, monkeypatch):
    at = conftest.open_page(page_db, monkeypatch, "leader", "views/maps/overview.py")
    shown = {m.label: int(m.value.replace(",", "")) for m in at.metric}
    assert shown["绿码人数"] > shown["黄码人数"] > 0
    assert not at.exception


def test_a_code_alert_is_on_the_doctors_list_with_the_fevers(page_db, monkeypatch):
    at = conftest.open_page(page_db, monkeypatch, "leader", "views/daily/checks.py")
    conftest.choose(at, "checks_section", "alerts")
    assert any("健康码转为" in m.value for m in at.markdown)
