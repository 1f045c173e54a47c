"""The pick-up page under AppTest: the demo's saved points on the map, the figures the domain gives, a suggestion
used, a point's hours changed, each household's sheet, and plain words where there is nothing to show."""

import json

import pytest

from resilient.core import db, roles
from resilient.supplies import pickup
from tests import conftest
from tests.conftest import button, choose, demo_account, demo_day
from tests.views.test_views import map_elements

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database

PAGE = "views/supplies/pickup.py"


def open_page(path, monkeypatch, username="leader", lang="zh"):
    return conftest.open_page(path, monkeypatch, username, PAGE, lang)


def domain(path, username="leader"):
    con = db.connect(path)
    user = demo_account(con, username)
    today = demo_day(con)
    scope = roles.scope_for(con, user, today)
    result = pickup.kpis(con, scope, today), pickup.points(con, scope), pickup.household_points(con, scope, today)
    con.close()
    return result


def test_leader_sees_the_demo_points_on_the_map_with_true_figures(page_db, monkeypatch):
    at = open_page(page_db, monkeypatch)
    kpi, points, _ = domain(page_db)
    assert at.title[0].value == "取货点"
    shown = {m.label: m.value for m in at.metric}
    assert kpi["points"] > 0 and shown["取货点"] == f"{kpi['points']:,}"
    assert shown["已告知取货点的户"] == f"{kpi['households_told']:,}"
    assert shown["上门服务户"] == f"{kpi['door_households']:,}" and kpi["door_households"] > 0
    assert len(map_elements(at)) == 1
    drawn = json.dumps(json.loads(map_elements(at)[0].proto.json_args), ensure_ascii=False)
    assert "rc-pickup" in drawn and points["name"].iloc[0] in drawn


def test_the_household_sheet_lists_every_household_with_its_point(page_db, monkeypatch):
    at = open_page(page_db, monkeypatch)
    _, _, households = domain(page_db)
    choose(at, "pickup_section", "households")
    table = at.dataframe[0].value
    assert len(table) == len(households) > 0 and table["point"].notna().all()
    assert (table["at_door"] == "上门").sum() == int(households["at_door"].sum())
    assert any(b.label == "下载 Excel" or "Excel" in b.label for b in at.get("download_button"))


def test_a_suggestion_is_previewed_then_used(page_db, monkeypatch):
    at = open_page(page_db, monkeypatch)
    choose(at, "pickup_section", "suggest")
    at.number_input(key="pickup_walk").set_value(100).run()
    button(at, "计算建议").click().run()
    assert not at.exception, at.exception
    suggested = int(next(m.value for m in at.metric if m.label == "建议取货点").replace(",", ""))
    assert len(map_elements(at)) == 1                                           # the preview
    next(b for b in at.button if b.label.startswith("采用这")).click().run()
    assert not at.exception, at.exception
    assert any("已保存" in s.value for s in at.success)
    kpi, points, _ = domain(page_db)
    assert kpi["points"] == suggested and (points["farthest_m"] <= 100 + 1e-6).all()
    con = db.connect(page_db)
    assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'pickup_plan_saved' "
                       "AND username = 'leader'").fetchone()[0] == 1
    con.close()


def test_a_points_hours_are_changed_by_hand(page_db, monkeypatch):
    at = open_page(page_db, monkeypatch)
    choose(at, "pickup_section", "points")
    form = at.get("form")[0]
    hours = next(t for t in at.text_input if t.label == "开放时间")
    hours.set_value("每天 8:00-10:00")
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception, at.exception
    _, points, _ = domain(page_db)
    assert "每天 8:00-10:00" in set(points["hours"]) and form is not None


@pytest.mark.parametrize("username", ["grid1", "doctor", "volunteer", "viewer", "admin"])
def test_every_role_sees_the_page_and_only_managers_suggest(page_db, monkeypatch, username):
    at = open_page(page_db, monkeypatch, username)
    assert at.title[0].value == "取货点"
    options = conftest.button_group(at, "pickup_section").options
    assert ("建议布点" in options) == (username == "admin")


def test_no_outlines_and_no_buildings_are_said_plainly(page_db, monkeypatch):
    con = db.connect(page_db)
    con.execute("UPDATE building SET geom = NULL")
    con.close()
    at = open_page(page_db, monkeypatch)
    assert any("还没有轮廓或位置点" in i.value for i in at.info) and not map_elements(at)
    con = db.connect(page_db)
    con.execute("DELETE FROM pickup_building")
    con.execute("DELETE FROM building")
    con.close()
    at = open_page(page_db, monkeypatch)
    assert not at.exception and any(i.value for i in at.info)


def test_no_points_yet_is_said(page_db, monkeypatch):
    con = db.connect(page_db)
    con.execute("UPDATE pickup_point SET active = FALSE")
    con.execute("DELETE FROM pickup_building")
    con.close()
    at = open_page(page_db, monkeypatch)
    assert any("还没有取货点" in i.value for i in at.info)
