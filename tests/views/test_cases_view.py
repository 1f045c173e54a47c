"""The cases page under AppTest (import checked then confirmed, unmatched list, risk areas, contacts and placing
them under measures) and the overview's layers and day slider."""

from datetime import timedelta

import pytest
import streamlit_folium

from resilient.core import db
from tests.conftest import demo_day, open_page
from views.maps import overview_outside

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database

PAGE = "views/edge/cases.py"
OVERVIEW = "views/maps/overview.py"


def capture(calls: list):
    def shown(fig, *args, key=None, **kwargs):
        calls.append({"key": key, "fig": fig, **kwargs})
        return None
    return shown


def timeline_calls(calls):
    return [c for c in calls if c["key"] == overview_outside.MAP_KEY]


def layer_names(call) -> list[str]:
    return [g.layer_name for g in call["feature_group_to_add"]]


def markers(call, name) -> int:
    group = next(g for g in call["feature_group_to_add"] if g.layer_name == name)
    return len(group._children)


def test_the_overview_shows_cases_and_risk_areas_as_layers_and_a_day_slider(page_db, monkeypatch):
    calls = []
    monkeypatch.setattr(streamlit_folium, "st_folium", capture(calls))
    monkeypatch.setattr(overview_outside, "st_folium", capture(calls))
    at = open_page(page_db, monkeypatch, "leader", OVERVIEW)
    assert not at.exception, at.exception
    last = timeline_calls(calls)[-1]
    assert layer_names(last) == ["管控人数（按楼栋）", "风险区", "病例"]
    assert last["layer_control"] is not None
    cases_today, areas_today = markers(last, "病例"), markers(last, "风险区")
    assert cases_today >= 4 and areas_today == 1
    slider = at.select_slider(key="overview_day.zh")
    con = db.connect(page_db)
    today = demo_day(con)
    con.close()
    slider.set_value(today - timedelta(days=10)).run()
    assert not at.exception, at.exception
    early = timeline_calls(calls)[-1]
    assert markers(early, "病例") == 0 and markers(early, "风险区") == 0
    slider.set_value(today - timedelta(days=4)).run()
    assert markers(timeline_calls(calls)[-1], "病例") == 2  # reported 6 and 4 days before the demo's day


def test_the_overview_section_reads_in_english(page_db, monkeypatch):
    calls = []
    monkeypatch.setattr(streamlit_folium, "st_folium", capture(calls))
    monkeypatch.setattr(overview_outside, "st_folium", capture(calls))
    at = open_page(page_db, monkeypatch, "leader", OVERVIEW, "en")
    assert not at.exception, at.exception
    assert layer_names(timeline_calls(calls)[-1]) == ["Under measures (by building)", "Risk areas", "Cases"]


def case_csv(rows):
    return ("日期,病例号,分型,性别,年龄,市,区,居住地,经度,纬度\n" + "\n".join(rows) + "\n").encode()


def test_a_list_is_checked_then_confirmed_and_bad_rows_named(page_db, monkeypatch):
    con = db.connect(page_db)
    today = demo_day(con)
    compound = con.execute("SELECT name FROM compound WHERE community_id = 1 ORDER BY compound_id").fetchone()[0]
    con.close()
    at = open_page(page_db, monkeypatch, "leader", PAGE)
    assert not at.exception, at.exception
    bad = [f"{today},X001,确诊,男,300,常州市,天宁区,{compound}1栋,,"]
    at.file_uploader(key="cases_upload").set_value(("病例.csv", case_csv(bad), "text/csv")).run()
    assert not at.exception, at.exception
    assert any("名单有 1 处问题" in e.value for e in at.error)
    assert any("年龄不可能：300" in m.value for m in at.markdown)
    good = [f"{today},X001,确诊,男,30,常州市,天宁区,{compound}1栋,,",
            f"{today},X002,确诊,女,40,常州市,天宁区,无名小区,,"]
    at.file_uploader(key="cases_upload").set_value(("病例.csv", case_csv(good), "text/csv")).run()
    assert not at.exception, at.exception
    assert any("新病例 2 例" in s.value for s in at.success)
    next(b for b in at.button if b.label == "确认导入").click().run()
    assert not at.exception, at.exception
    assert any("已导入 2 例新病例" in s.value for s in at.success)
    next(g for g in at.get("button_group") if g.key == "cases_section").set_value("list").run()
    assert not at.exception, at.exception
    assert any("未匹配到楼栋的病例 2 例" in h.value for h in at.subheader)  # X002 and the demo's far case
    reasons = at.dataframe[0].value
    assert "本社区没有这个小区：无名小区" in set(reasons.iloc[:, -1])


@pytest.mark.parametrize("username", ["admin", "leader", "doctor"])
def test_every_section_opens_for_who_may_see_it(page_db, monkeypatch, username):
    monkeypatch.setattr(streamlit_folium, "st_folium", capture([]))
    at = open_page(page_db, monkeypatch, username, PAGE)
    assert not at.exception, at.exception
    group = next(g for g in at.get("button_group") if g.key == "cases_section")
    for section in group.options:
        group.set_value(section.content if hasattr(section, "content") else section).run()
        assert not at.exception, (section, at.exception)


def test_a_grid_worker_is_not_offered_the_page(page_db, monkeypatch):
    at = open_page(page_db, monkeypatch, "grid1", OVERVIEW)
    assert not at.exception, at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)


def test_a_leader_records_a_contact_and_puts_the_household_under_measures(page_db, monkeypatch):
    con = db.connect(page_db)
    resident = con.execute("""
        SELECT r.name, c.name || b.name || s.unit_no || '单元' || h.room, r.household_id
        FROM resident r JOIN household h USING (household_id) JOIN stairwell s USING (stairwell_id)
        JOIN building b USING (building_id) JOIN compound c USING (compound_id)
        WHERE c.community_id = 1 AND NOT EXISTS (
            SELECT 1 FROM control_measure m JOIN resident x USING (resident_id)
            WHERE x.household_id = r.household_id AND m.released_at IS NULL)
          AND (SELECT count(*) FROM resident y WHERE y.household_id = r.household_id AND y.name = r.name) = 1
        ORDER BY r.resident_id LIMIT 1""").fetchone()
    members = con.execute("SELECT count(*) FROM resident WHERE household_id = $h", {"h": resident[2]}).fetchone()[0]
    con.close()
    at = open_page(page_db, monkeypatch, "leader", PAGE)
    next(g for g in at.get("button_group") if g.key == "cases_section").set_value("contacts").run()
    assert not at.exception, at.exception
    at.text_input(key="cases_contact_name").input(resident[0])
    at.text_input(key="cases_contact_flat").input(resident[1])
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception, at.exception
    assert any("密接已登记" in s.value for s in at.success)
    assert any("按姓名和住址" in str(v) for v in at.dataframe[0].value.iloc[:, 4])
    at.checkbox(key=next(c.key for c in at.checkbox if c.key.startswith("cases_place_sure_"))).check().run()
    next(b for b in at.button if b.label == "落实管控").click().run()
    assert not at.exception, at.exception
    assert any(f"已为 {members} 人落实管控" in s.value for s in at.success)
    con = db.connect(page_db)
    placed = con.execute("""SELECT count(*) FROM control_measure m JOIN resident r USING (resident_id)
                            WHERE r.household_id = $h AND m.origin = 'close_contact' AND m.released_at IS NULL""",
                         {"h": resident[2]}).fetchone()[0]
    con.close()
    assert placed == members
