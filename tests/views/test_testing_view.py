"""The mass-testing page driven under AppTest: a round planned, a person sampled at the desk, progress, trace."""

import pytest
from streamlit.testing.v1 import AppTest

from resilient.core import db
from resilient.demo import database as demo_database
from tests.conftest import ROOT, button
from tests.views.test_views import sign_in


@pytest.fixture
def page(tmp_path, monkeypatch):
    path = tmp_path / "community.duckdb"
    demo_database.ensure_database(path, residents=2_000, seed=9)
    monkeypatch.setenv("RC_DB_PATH", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    sign_in(at, "leader")
    at.switch_page("views/maps/testing.py").run()
    assert not at.exception, at.exception
    return at, path


def test_plan_record_and_watch_a_round(page):
    at, path = page
    button(at, "创建").click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="round_id").value is not None
    for index in (0, 5):
        at.selectbox[next(i for i, s in enumerate(at.selectbox) if s.label == "设在楼栋旁")].select_index(index)
        button(at, "添加采样点").click().run()
        assert not at.exception, at.exception
    button(at, "生成分批计划").click().run()
    assert not at.exception, at.exception
    assert any("计划完成" in s.value for s in at.success)
    con = db.connect(path)
    room = con.execute("""SELECT b.name, s.unit_no, h.room, r.resident_id FROM resident r JOIN household h
        USING (household_id) JOIN stairwell s USING (stairwell_id) JOIN building b USING (building_id)
        WHERE b.compound_id = 1 AND NOT r.bedridden ORDER BY r.resident_id LIMIT 1""").fetchone()
    con.close()
    at.get("button_group")[0].set_value("desk").run()
    at.text_input(key="desk_tube_code").input("T0001").run()
    button(at, "开管").click().run()
    assert not at.exception, at.exception
    assert any("T0001" in m.value for m in at.markdown)
    number = int(room[0].removesuffix("栋"))
    at.text_input(key="desk_find").input(f"{number}-{room[1]}-{room[2]}").run()
    button_key = f"sample_{room[3]}"
    at.button(key=button_key).click().run()
    assert not at.exception, at.exception
    con = db.connect(path)
    assert con.execute("SELECT count(*) FROM sample WHERE resident_id = $r", {"r": room[3]}).fetchone()[0] == 1
    con.close()
    at.get("button_group")[0].set_value("progress").run()
    assert not at.exception, at.exception
    assert any(m.label == "已采样" and m.value.startswith("1 /") for m in at.metric)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_runs_in_both_languages(page, lang):
    at, _ = page
    at.sidebar.selectbox(key="lang").set_value(lang).run()
    assert not at.exception, at.exception
    assert at.title[0].value in ("全员核酸检测（按楼栋分批）", "Mass testing by building batches")


def test_suggested_site_added_with_one_click_and_the_plan_finishes_later_to_walk_less(page):
    at, path = page
    button(at, "创建").click().run()
    at.number_input(key="prevalence").set_value(1.0).run()
    assert any("10混1" in c.value and "11" in c.value for c in at.caption)
    button(at, "按步行最少给出建议").click().run()
    assert not at.exception, at.exception
    adds = [b for b in at.button if b.key and b.key.startswith("suggest_add_")]
    assert adds
    adds[0].click().run()
    assert not at.exception, at.exception
    con = db.connect(path)
    building = int(adds[0].key.removeprefix("suggest_add_"))
    assert con.execute("SELECT count(*) FROM sampling_site WHERE building_id = $b", {"b": building}).fetchone()[0] == 1
    con.close()
    button(at, "查看完成时间与步行距离").click().run()
    assert not at.exception, at.exception
    at.slider(key="plan_later").set_value(20).run()
    button(at, "生成分批计划").click().run()
    assert not at.exception, at.exception
    assert any("计划完成" in s.value for s in at.success)
