"""The coverage page under AppTest: figures match the domain, suggestions apply, a volunteer records a contact."""

import pytest

from resilient.core import db, roles
from resilient.coverage import volunteers as coverage
from tests import conftest
from tests.conftest import button_group, choose, demo_account, demo_day
from tests.views.test_views import map_elements

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database


@pytest.fixture
def database(page_db):
    return page_db


def open_page(path, monkeypatch, username, lang="zh"):
    return conftest.open_page(path, monkeypatch, username, "views/maps/coverage.py", lang)


def figures(path, username):
    con = db.connect(path)
    user = demo_account(con, username)
    today = demo_day(con)
    scope = roles.scope_for(con, user, today)
    settings = coverage.load_settings(con)
    result = (coverage.kpis(con, scope, settings, today), coverage.gap_list(con, scope, settings, today), user)
    con.close()
    return result


def section(at, name):
    choose(at, "coverage_section", name)


def test_leader_sees_the_gap_map_and_true_figures(database, monkeypatch):
    at = open_page(database, monkeypatch, "leader")
    kpi, gaps, _ = figures(database, "leader")
    assert at.title[0].value == "志愿者包保覆盖"
    shown = {m.label: m.value for m in at.metric}
    assert shown["需关照户"] == f"{kpi['vulnerable_households']:,}"
    assert shown["已覆盖"] == f"{kpi['covered_share']:.0%}"
    assert shown["3天未联系"] == f"{kpi['not_contacted']:,}"
    assert len(map_elements(at)) == 1
    section(at, "gaps")
    assert len(at.dataframe[0].value) == len(gaps) > 0
    assert set(at.dataframe[0].value["gap"]) <= {coverage_text for coverage_text in (
        "包保志愿者住得太远", "附近无志愿者", "附近志愿者已满额", "未分配（附近有空位）", "志愿者超负荷",
        "三包一小组超负荷", "多日未联系")}
    assert "*" in at.dataframe[0].value["name"].iloc[0]    # masked


def test_suggestions_apply_and_raise_coverage(database, monkeypatch):
    at = open_page(database, monkeypatch, "leader")
    before, _, _ = figures(database, "leader")
    section(at, "suggest")
    next(b for b in at.button if b.label == "计算建议分配").click().run()
    assert not at.exception, at.exception
    after_label = next(m for m in at.metric if m.label == "采用后覆盖")
    promised = int(after_label.value.split("/")[0].replace(",", ""))
    assert promised > before["covered_households"]
    next(b for b in at.button if b.label.startswith("采用选中的")).click().run()
    assert not at.exception, at.exception
    assert any("已写入" in s.value for s in at.success)
    after, _, _ = figures(database, "leader")
    assert after["covered_households"] == promised


def test_applying_suggestions_refreshes_the_page_in_the_same_run(database, monkeypatch):
    """Issue 15: after applying, the headline still said 7 % and the applied table and its button stayed, until
    another section was opened."""
    at = open_page(database, monkeypatch, "leader")
    section(at, "suggest")
    next(b for b in at.button if b.label == "计算建议分配").click().run()
    shown_before = next(m.value for m in at.metric if m.label == "已覆盖")
    next(b for b in at.button if b.label.startswith("采用选中的")).click().run()
    assert not at.exception, at.exception
    after, _, _ = figures(database, "leader")
    assert next(m.value for m in at.metric if m.label == "已覆盖") == f"{after['covered_share']:.0%}" != shown_before
    assert not [b for b in at.button if b.label.startswith("采用选中的")]   # the applied suggestion is gone
    assert not at.get("arrow_data_frame") or all(                          # and so is its table
        "apply" not in frame.value.columns for frame in at.get("arrow_data_frame"))
    assert any("已写入" in s.value for s in at.success)                    # what happened is said once


def test_volunteer_records_a_contact_in_two_clicks(database, monkeypatch):
    at = open_page(database, monkeypatch, "volunteer")
    _, _, user = figures(database, "volunteer")
    con = db.connect(database)
    before = con.execute("SELECT count(*) FROM contact WHERE volunteer_id = $v", {"v": user.volunteer_id}).fetchone()
    con.close()
    assert button_group(at, "coverage_section").value == "lists"   # a volunteer's page opens on their list
    button_group(at, "cov_kind").set_value("visit").run()           # the first click: the kind
    record = [b for b in at.button if b.key and b.key.startswith(f"cov_rec_{user.volunteer_id}_")]
    assert record, "the volunteer's list has a button per household"
    household_id = int(record[0].key.rsplit("_", 1)[1])
    record[0].click().run()                                  # the second: the household
    assert not at.exception, at.exception
    con = db.connect(database)
    after = con.execute("SELECT count(*) FROM contact WHERE volunteer_id = $v", {"v": user.volunteer_id}).fetchone()
    kind = con.execute("SELECT kind FROM contact WHERE household_id = $h ORDER BY contact_id DESC LIMIT 1",
                       {"h": household_id}).fetchone()[0]
    con.close()
    assert after[0] == before[0] + 1 and kind == "visit"


def test_settings_change_the_rules(database, monkeypatch):
    at = open_page(database, monkeypatch, "leader")
    section(at, "settings")
    next(n for n in at.number_input if n.label == "步行距离（米）").set_value(500)
    next(b for b in at.button if b.label == "保存规则").click().run()
    assert not at.exception, at.exception
    con = db.connect(database)
    assert coverage.load_settings(con).reach_m == 500
    con.close()


@pytest.mark.parametrize(("username", "sections"), [
    ("viewer", ["缺口地图", "缺口清单", "包保名单"]),
    ("doctor", ["缺口地图", "缺口清单", "包保名单"]),
    ("grid1", ["缺口地图", "缺口清单", "建议分配", "包保名单", "规则设置"]),
    ("volunteer", ["包保名单", "缺口地图", "缺口清单"]),
])
def test_each_role_gets_its_sections(database, monkeypatch, username, sections):
    at = open_page(database, monkeypatch, username)
    assert at.title[0].value == "志愿者包保覆盖"
    assert button_group(at, "coverage_section").options == sections


@pytest.mark.parametrize("username", ["leader", "volunteer"])
def test_every_section_runs_in_english(database, monkeypatch, username):
    at = open_page(database, monkeypatch, username, lang="en")
    assert at.title[0].value == "Volunteer coverage"
    keys = ["lists", "map", "gaps"] if username == "volunteer" else ["map", "gaps", "suggest", "lists", "settings"]
    assert len(button_group(at, "coverage_section").options) == len(keys)
    for name in keys:
        section(at, name)
        assert at.title[0].value == "Volunteer coverage"


def test_building_leader_list_and_naming_a_leader(database, monkeypatch):
    at = open_page(database, monkeypatch, "leader")
    section(at, "lists")
    at.radio(key="cov_list_of.zh").set_value("leader").run()
    assert not at.exception, at.exception
    con = db.connect(database)
    leader_id = at.selectbox(key="cov_leader.zh").value
    _, _, user = figures(database, "leader")
    expected = coverage.leader_list(con, roles.scope_for(con, user, demo_day(con)), coverage.load_settings(con),
                                    leader_id, demo_day(con))
    con.close()
    assert len(at.dataframe[0].value) == len(expected) > 0
    at.selectbox(key="cov_lead_volunteer.zh").select_index(3)
    chosen = at.selectbox(key="cov_lead_volunteer.zh").value
    building = at.selectbox(key="cov_lead_building.zh").value
    next(b for b in at.button if b.key == "cov_lead_save").click().run()
    assert not at.exception, at.exception
    assert any("楼长" in s.value for s in at.success)
    con = db.connect(database)
    led = con.execute("SELECT v.name FROM building_leader l JOIN volunteer v USING (volunteer_id) "
                      "WHERE l.building_id = $b AND l.end_date IS NULL", {"b": building}).fetchall()
    con.close()
    assert led == [(chosen,)]          # AppTest hands back the option's label, here the volunteer's name
