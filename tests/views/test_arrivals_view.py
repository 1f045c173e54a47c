"""The arrivals page under AppTest: one person registered at the gate, a gate sheet all or nothing, the rules."""

from datetime import timedelta

import pytest

from resilient.core import db, ids, roles
from resilient.daily import arrivals
from tests import conftest
from tests.conftest import button, button_group, choose, demo_account, demo_day

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database


@pytest.fixture
def database(page_db):
    return page_db


def open_page(path, monkeypatch, username, lang="zh"):
    return conftest.open_page(path, monkeypatch, username, "views/daily/arrivals.py", lang)


def query(path, sql, params=None):
    con = db.connect(path)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def user_and_scope(path, username):
    con = db.connect(path)
    user = demo_account(con, username)
    day = demo_day(con)
    scope = roles.scope_for(con, user, day)
    con.close()
    return user, scope, day


def counts(path):
    return {t: query(path, f"SELECT count(*) FROM {t}")[0][0]
            for t in ("arrival", "control_measure", "resident", "measure_event", "arrival_rule")}


def section(at, name):
    choose(at, "arrivals_section", name)


def free_resident(path, username):
    """A resident in the user's scope with no measure running, and the room query that finds them."""
    _, scope, day = user_and_scope(path, username)
    con = db.connect(path)
    frame = arrivals.find_residents(con, scope, "张", day, limit=200)
    con.close()
    row = frame[frame["measure_id"].isna()].iloc[0]
    number = int(row["building"].removesuffix("栋"))
    return int(row["resident_id"]), f"{number}-{row['unit_no']}-{row['room']}"


def id_number(birth: str, seq: int) -> str:
    first = f"320411{birth}{seq:03d}"
    return first + ids.check_digit(first)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("username", ["leader", "grid1"])
def test_every_section_runs_for_leader_and_grid_worker(database, monkeypatch, username, lang):
    at = open_page(database, monkeypatch, username, lang)
    assert at.title[0].value == {"zh": "返回人员登记", "en": "Arrivals"}[lang]
    expected = ["register", "sheet", "list", "rules"] if username == "leader" else ["register", "sheet", "list"]
    assert len(button_group(at, "arrivals_section").options) == len(expected)
    for name in expected:
        section(at, name)
        assert at.title[0].value == {"zh": "返回人员登记", "en": "Arrivals"}[lang]
    section(at, "list")
    assert at.metric[0].label == {"zh": "合计", "en": "Total"}[lang]
    # The demo's gate records show, masked.
    assert int(at.metric[0].value) > 0 and "*" in at.dataframe[0].value["name"].iloc[0]


def test_registering_one_arrival_writes_the_arrival_and_its_measure(database, monkeypatch):
    at = open_page(database, monkeypatch, "grid1")
    _, _, day = user_and_scope(database, "grid1")
    resident_id, room = free_resident(database, "grid1")
    before = counts(database)
    at.text_input(key="arr_find_0").input(room).run()
    at.radio(key=f"arr_pick_0_{room}.zh").set_value(resident_id).run()
    at.text_input(key="arr_from_0").input("武汉市江汉区").run()
    at.radio(key="arr_origin_0.zh").set_value("key_area").run()
    at.radio(key="arr_risk_0.zh").set_value("high").run()
    assert any("居家隔离 14 天" in i.value for i in at.info)          # the rules' suggestion
    button(at, "登记到达").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    end = day + timedelta(days=14)
    assert any("已登记" in s.value and "居家隔离 14 天" in s.value and f"{end.year}年{end.month}月{end.day}日"
               in s.value for s in at.success)
    after = counts(database)
    assert after["arrival"] == before["arrival"] + 1 and after["control_measure"] == before["control_measure"] + 1
    assert after["resident"] == before["resident"] and after["measure_event"] == before["measure_event"] + 2
    arrival = query(database, """SELECT a.resident_id, a.origin, a.risk, a.from_place, a.category, a.days,
        a.suggested_category, a.reason, a.recorded_by, m.category, m.start_date, m.planned_end, m.released_at
        FROM arrival a JOIN control_measure m USING (measure_id) ORDER BY a.arrival_id DESC LIMIT 1""")[0]
    assert arrival == (resident_id, "key_area", "high", "武汉市江汉区", "home_isolation", 14, "home_isolation", None,
                       "grid1", "home_isolation", day, end, None)
    # The form is cleared for the next person.
    assert at.text_input(key="arr_find_1").value == ""


def test_a_changed_decision_without_a_reason_is_refused_and_writes_nothing(database, monkeypatch):
    at = open_page(database, monkeypatch, "grid1")
    resident_id, room = free_resident(database, "grid1")
    at.text_input(key="arr_find_0").input(room).run()
    at.radio(key=f"arr_pick_0_{room}.zh").set_value(resident_id).run()
    at.radio(key="arr_origin_0.zh").set_value("other_area").run()
    at.toggle(key="arr_follow_0").set_value(False).run()
    at.selectbox(key="arr_cat_0_other_area_high.zh").set_value("home_observation").run()
    assert any("必须填写调整原因" in w.value for w in at.warning)   # said before the button is pressed
    before = counts(database)
    button(at, "登记到达").click().run()
    assert not at.exception, at.exception
    assert any("与规则建议（健康监测，14 天）不同，请填写原因" in e.value for e in at.error)
    assert counts(database) == before
    at.text_area(key="arr_reason_0").input("同住人为密接").run()
    button(at, "登记到达").click().run()
    assert not at.error, [e.value for e in at.error]
    assert query(database, "SELECT resident_id, suggested_category, category, reason FROM arrival "
                           "ORDER BY arrival_id DESC LIMIT 1") == [
        (resident_id, "health_monitoring", "home_observation", "同住人为密接")]


def test_a_newcomer_gets_a_resident_row(database, monkeypatch):
    at = open_page(database, monkeypatch, "leader")
    before = counts(database)
    at.radio(key="arr_who_0.zh").set_value("newcomer").run()
    _, scope, _ = user_and_scope(database, "leader")
    con = db.connect(database)
    household_id = int(arrivals.flats(con, scope, 1)["household_id"].iloc[3])
    con.close()
    at.selectbox(key="arr_flat_0").set_value(household_id).run()
    at.text_input(key="arr_name_0").input("金小明").run()
    at.text_input(key="arr_id_0").input(id_number("19850315", 13)).run()
    at.radio(key="arr_origin_0.zh").set_value("abroad").run()
    button(at, "登记到达").click().run()
    assert not at.error, [e.value for e in at.error]
    after = counts(database)
    assert after["resident"] == before["resident"] + 1 and after["arrival"] == before["arrival"] + 1
    row = query(database, """SELECT r.name, r.household_id, a.newcomer, a.category FROM arrival a
        JOIN resident r USING (resident_id) ORDER BY a.arrival_id DESC LIMIT 1""")[0]
    assert row == ("金小明", household_id, True, "centralised_quarantine")


def gate_csv(rows) -> bytes:
    header = "姓名,身份证号,联系电话,居住地址,到达日期,来源地区,来源类别,风险等级\n"
    return (header + "".join(",".join(r) + "\n" for r in rows)).encode("utf-8")


def unique_flats(path, n):
    """Flats whose building, stairwell and room are unique in the community (a gate sheet names no compound)."""
    rows = query(path, """SELECT b.name, s.unit_no, h.room FROM household h JOIN stairwell s USING (stairwell_id)
        JOIN building b USING (building_id) GROUP BY b.name, s.unit_no, h.room HAVING count(*) = 1
        ORDER BY 1, 2, 3 LIMIT $n""", {"n": n})
    return [f"{int(b.removesuffix('栋'))}-{u}-{r}" for b, u, r in rows]


def test_a_gate_sheet_with_a_bad_row_writes_nothing_and_a_clean_one_writes_all(database, monkeypatch):
    at = open_page(database, monkeypatch, "leader")
    _, _, day = user_and_scope(database, "leader")
    section(at, "sheet")
    assert at.get("download_button")   # the blank template
    flats = unique_flats(database, 3)
    good = [["王一", id_number("19900101", 21), "13900000001", flats[0], str(day), "首尔", "境外", "低"],
            ["王二", id_number("19920202", 22), "", flats[1], str(day), "武汉", "重点地区", "高"]]
    bad = good + [["王三", id_number("19930303", 23)[:-1] + "0", "", flats[2], str(day), "", "火星", ""]]
    before = counts(database)
    at.file_uploader(key="arr_upload").set_value(("卡口.csv", gate_csv(bad), "text/csv")).run()
    assert not at.exception, at.exception
    assert any("3 处问题" in e.value or "处问题" in e.value for e in at.error)
    problems = at.dataframe[0].value
    assert set(problems.iloc[:, 0]) == {4}                       # spreadsheet row 4 is the third person
    assert set(problems.iloc[:, 1]) >= {"身份证号", "来源类别"}
    assert any("火星" in p for p in problems.iloc[:, 2])
    assert not [b for b in at.button if b.label.startswith("登记全部")]
    assert counts(database) == before
    at.file_uploader(key="arr_upload").set_value(("卡口.csv", gate_csv(good), "text/csv")).run()
    assert not at.error, [e.value for e in at.error]
    assert len(at.dataframe[0].value) == 2
    button(at, "登记全部 2 人").click().run()
    assert not at.exception, at.exception
    assert any("已登记 2 人" in s.value for s in at.success)
    after = counts(database)
    assert after["arrival"] == before["arrival"] + 2 and after["resident"] == before["resident"] + 2
    assert query(database, "SELECT category FROM arrival ORDER BY arrival_id DESC LIMIT 2") == [
        ("home_isolation",), ("centralised_quarantine",)]


def test_rules_edit_saves_and_a_bad_edit_names_its_row(database, monkeypatch):
    at = open_page(database, monkeypatch, "leader")
    section(at, "rules")
    editor = at.data_editor[0]
    assert len(editor.value) == len(arrivals.DEFAULT_RULES)
    at.session_state[editor.key] = {"edited_rows": {4: {"days": 0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    button(at, "保存规则").click().run()
    assert not at.exception, at.exception
    assert any("第 5 行" in e.value for e in at.error)
    assert query(database, "SELECT count(*) FROM arrival_rule")[0][0] == 0
    at.session_state[editor.key] = {"edited_rows": {4: {"days": 7}, 3: {"category": "home_isolation"}},
                                    "added_rows": [], "deleted_rows": []}
    at.run()
    button(at, "保存规则").click().run()
    assert not at.exception, at.exception
    assert any("规则已保存" in s.value for s in at.success)
    saved = dict(((o, r), (c, d)) for o, r, c, d in query(
        database, "SELECT origin, risk, category, days FROM arrival_rule WHERE community_id = 1"))
    assert saved[("other_area", "high")] == ("health_monitoring", 7)
    assert saved[("key_area", "low")] == ("home_isolation", 14)
    assert saved[("abroad", "high")] == ("centralised_quarantine", 14)
