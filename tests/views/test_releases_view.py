"""The releases page under AppTest: release a ready measure, see why another is not ready, extend, transfer."""

from datetime import datetime, time, timedelta

import pytest

from resilient.core import config, db
from resilient.daily import releases
from tests import conftest
from tests.conftest import button, button_group, choose
from tests.views.test_arrivals_view import counts, query, user_and_scope

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database


@pytest.fixture
def database(page_db, monkeypatch):
    """The clock stopped at 20:00 on the demo's day: by then the day's morning and afternoon checks are due, so
    which measures are blocked by a missing check does not depend on the hour the tests run."""
    con = db.connect(page_db)
    evening = datetime.combine(conftest.demo_day(con), time(20, 0))
    con.close()
    monkeypatch.setattr(config, "now", lambda: evening)
    return page_db


def open_page(path, monkeypatch, username, lang="zh"):
    return conftest.open_page(path, monkeypatch, username, "views/daily/releases.py", lang)


def section(at, name):
    choose(at, "releases_section", name)


def due_now(path, username):
    _, scope, day = user_and_scope(path, username)
    con = db.connect(path)
    frame = releases.due(con, scope, day, config.now())
    con.close()
    return frame


def measure(path, measure_id):
    return query(path, "SELECT category, start_date, planned_end, released_at FROM control_measure "
                       "WHERE measure_id = $m", {"m": measure_id})[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("username", ["leader", "grid1"])
def test_every_section_runs_for_leader_and_grid_worker(database, monkeypatch, username, lang):
    at = open_page(database, monkeypatch, username, lang)
    title = {"zh": "解除与变更", "en": "Releases and changes"}[lang]
    assert at.title[0].value == title
    due = due_now(database, username)
    ready = int(due["ready"].sum())
    assert button_group(at, f"rel_show.{lang}").options[0] == {"zh": f"可解除 {ready}", "en": f"Ready {ready}"}[lang]
    assert int(next(m.value for m in at.metric if m.label == {"zh": "今日到期", "en": "Due today"}[lang])) == \
        int((due["due"] == "today").sum())
    for name in ("change", "history", "due"):
        section(at, name)
        assert at.title[0].value == title
    # A search in the change and history sections finds people and shows the choice.
    row = due.iloc[0]
    room = f"{int(row['building'].removesuffix('栋'))}-{row['unit_no']}-{row['room']}"
    section(at, "change")
    at.text_input(key="chg_find_0").input(room).run()
    assert not at.exception, at.exception
    assert at.radio(key=f"chg_pick_0_{room}.{lang}").options
    section(at, "history")
    at.text_input(key="hist_find").input(room).run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) >= 1


def test_releasing_a_ready_measure_through_the_page(database, monkeypatch):
    at = open_page(database, monkeypatch, "grid1")
    due = due_now(database, "grid1")
    ready = int(due[due["ready"]]["measure_id"].iloc[0])
    assert measure(database, ready)[3] is None
    at.button(key=f"rel_{ready}").click().run()           # first tap: asks to confirm
    assert measure(database, ready)[3] is None
    assert any("确认解除" in w.value for w in at.warning)
    at.button(key=f"rel_yes_{ready}").click().run()       # second: released
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert measure(database, ready)[3] is not None
    assert any("已解除" in s.value for s in at.success)
    assert query(database, "SELECT by_user FROM measure_event WHERE measure_id = $m AND kind = 'released'",
                 {"m": ready}) == [("grid1",)]
    assert not [b for b in at.button if b.key == f"rel_{ready}"]


def test_a_measure_not_ready_shows_why_and_has_no_button(database, monkeypatch):
    at = open_page(database, monkeypatch, "leader")
    due = due_now(database, "leader")
    blocked = due[(~due["ready"]) & (due["problem"] == "releases.error.missing_check")]
    assert not blocked.empty, "the demo has a measure ending by tomorrow with a check missing"
    row = blocked.sort_values("due", key=lambda d: d.map(releases.DUE_ORDER.index)).iloc[0]
    button_group(at, "rel_show.zh").set_value("blocked").run()
    assert not at.exception, at.exception
    day = row["problem_day"]
    period = {"am": "上午", "pm": "下午"}[row["problem_period"]]
    expected = f"不能解除：{day.year}年{day.month}月{day.day}日 {period} 的体温未录入。"
    assert any(expected in m.value and row["room"] in m.value for m in at.markdown)
    assert not [b for b in at.button if b.key == f"rel_{int(row['measure_id'])}"]


def pick_measure(at, database, username, category=None):
    """Search the change section for a resident under a measure and choose that measure."""
    due = due_now(database, username)
    if category:
        due = due[due["category"] == category]
    row = due.iloc[0]
    room = f"{int(row['building'].removesuffix('栋'))}-{row['unit_no']}-{row['room']}"
    section(at, "change")
    at.text_input(key="chg_find_0").input(room).run()
    at.radio(key=f"chg_pick_0_{room}.zh").set_value(int(row["measure_id"])).run()
    assert not at.exception, at.exception
    return int(row["measure_id"])


def test_extend_needs_a_reason_then_moves_the_end(database, monkeypatch):
    at = open_page(database, monkeypatch, "grid1")
    measure_id = pick_measure(at, database, "grid1")
    _, _, end, _ = measure(database, measure_id)
    at.number_input(key="chg_days_0").set_value(5).run()
    assert any("延长到" in i.value for i in at.info)      # what will happen, before it does
    before = counts(database)
    button(at, "确认延长").click().run()
    assert any("请填写原因" in e.value for e in at.error)
    assert counts(database) == before and measure(database, measure_id)[2] == end
    at.text_area(key="chg_reason_0").input("复测结果未出").run()
    button(at, "确认延长").click().run()
    assert not at.error, [e.value for e in at.error]
    assert measure(database, measure_id)[2] == end + timedelta(days=5)
    assert query(database, "SELECT reason FROM measure_event WHERE measure_id = $m AND kind = 'extended'",
                 {"m": measure_id}) == [("复测结果未出",)]
    assert any("已延长" in s.value for s in at.success)
    # The history section tells it, in words.
    section(at, "history")
    row = query(database, """SELECT b.name, s.unit_no, h.room, r.resident_id FROM control_measure m
        JOIN resident r USING (resident_id) JOIN household h USING (household_id) JOIN stairwell s USING (stairwell_id)
        JOIN building b USING (building_id) WHERE m.measure_id = $m""", {"m": measure_id})[0]
    room = f"{int(row[0].removesuffix('栋'))}-{row[1]}-{row[2]}"
    at.text_input(key="hist_find").input(room).run()
    at.radio(key=f"hist_pick_{room}.zh").set_value(row[3]).run()
    steps = at.dataframe[0].value
    assert "延长管控" in set(steps.iloc[:, 1]) and "复测结果未出" in set(steps.iloc[:, 4])


@pytest.mark.parametrize("to", ["centralised_quarantine", "hospital"])
def test_transfer_ends_the_measure_and_opens_centralised_quarantine(database, monkeypatch, to):
    at = open_page(database, monkeypatch, "leader")
    measure_id = pick_measure(at, database, "leader", category="home_observation")
    at.radio(key="chg_action_0.zh").set_value(to).run()
    at.text_area(key="chg_reason_0").input("同住人核酸阳性").run()
    before = counts(database)
    button(at, {"centralised_quarantine": "确认转集中隔离", "hospital": "确认转送医院"}[to]).click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert measure(database, measure_id)[3] is not None
    resident = query(database, "SELECT resident_id FROM control_measure WHERE measure_id = $m", {"m": measure_id})
    opened = query(database, "SELECT category, start_date, planned_end FROM control_measure WHERE resident_id = $r "
                             "AND released_at IS NULL", {"r": resident[0][0]})
    _, _, day = user_and_scope(database, "leader")
    if to == "centralised_quarantine":
        assert opened == [("centralised_quarantine", day, day + timedelta(days=14))]
        assert counts(database)["control_measure"] == before["control_measure"] + 1
    else:
        assert opened == [] and counts(database)["control_measure"] == before["control_measure"]
    assert query(database, "SELECT reason FROM measure_event WHERE measure_id = $m AND kind = 'transferred'",
                 {"m": measure_id}) == [("同住人核酸阳性",)]
