"""The gate page and arrivals to visit under AppTest, on the demo: choose the gate, scan a pass out (green) and
again (double scan, red), an unknown code (red), the manager's part, and a new arrival on the team's list."""

import pytest

from resilient.core import db
from resilient.daily import arrivals
from resilient.daily.arrivals import Arrival
from tests import conftest
from tests.conftest import demo_account

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database


def query(path, sql, params=None):
    con = db.connect(path)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def gate_page(path, monkeypatch, username, lang="zh"):
    return conftest.open_page(path, monkeypatch, username, "views/edge/gate.py", lang)


def choose_gate(at, gate_id: int):
    at.selectbox(key="gate_pick").set_value(gate_id).run()
    next(b for b in at.button if b.key == "gate_keep").click().run()
    assert not at.exception, at.exception
    return at


def scan(at, code: str, label: str = "核验"):
    at.text_input(key="gate_code").input(code)
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_scan_out_then_double_scan_then_unknown(page_db, monkeypatch, lang):
    code, gate = query(page_db, "SELECT p.code, g.gate_id FROM gate_pass p JOIN household h USING (household_id) "
                                "JOIN stairwell s USING (stairwell_id) JOIN building b USING (building_id) "
                                "JOIN gate g ON g.compound_id = b.compound_id WHERE p.kind = 'person' AND "
                                "NOT EXISTS (SELECT 1 FROM pass_movement m WHERE m.pass_id = p.pass_id) "
                                "ORDER BY p.pass_id, g.gate_id LIMIT 1")[0]
    at = choose_gate(gate_page(page_db, monkeypatch, "grid1" if lang == "zh" else "leader", lang), gate)
    assert at.session_state["gate_id"] == gate
    check = "核验" if lang == "zh" else "Check"
    scan(at, code, check)
    assert [s.value for s in at.success] == (["放行：外出"] if lang == "zh" else ["Let through: going out"])
    scan(at, code, check)
    assert at.error[0].value == ("重复扫码：刚刚已登记，本次不记录" if lang == "zh"
                                 else "Double scan: just recorded, this one is not")
    scan(at, "RC-P0000000000", check)
    assert at.error[0].value.startswith("拒绝" if lang == "zh" else "Refused")
    assert query(page_db, "SELECT count(*) FROM pass_movement m JOIN gate_pass p USING (pass_id) "
                          "WHERE p.code = ?", [code]) == [(1,)]


def test_the_managers_part_runs_with_the_map_and_issues_nothing_twice(page_db, monkeypatch):
    at = gate_page(page_db, monkeypatch, "leader")
    at.toggle(key="gate_manage").set_value(True).run()
    assert not at.exception, at.exception
    assert any(b.key == "gate_issue" for b in at.button)
    assert len(at.dataframe) >= 1 and len(at.dataframe[0].value) == 4   # the demo's four gates with their counts


def test_a_page_without_gates_says_so(page_db, monkeypatch):
    query(page_db, "DELETE FROM gate")
    at = gate_page(page_db, monkeypatch, "grid1")
    assert at.info[0].value.startswith("还没有门岗")


def test_a_doctor_has_no_gate_but_sees_arrivals_to_visit(page_db, monkeypatch):
    at = conftest.open_page(page_db, monkeypatch, "doctor", "views/edge/visits.py")
    assert not at.exception, at.exception
    assert at.title[0].value == "到达待访"
    assert any("截至" in c.value for c in at.caption)


def test_a_new_arrival_shows_on_the_grid_workers_list(page_db, monkeypatch):
    con = db.connect(page_db)
    try:
        grid1 = demo_account(con, "grid1")
        leader = demo_account(con, "leader")
        resident = con.execute(
            "SELECT r.resident_id FROM resident r JOIN household h USING (household_id) JOIN stairwell s "
            "USING (stairwell_id) JOIN building b USING (building_id) JOIN grid_cell g USING (grid_id) "
            "WHERE g.grid_worker_id = ? AND NOT EXISTS (SELECT 1 FROM control_measure m WHERE "
            "m.resident_id = r.resident_id) AND NOT EXISTS (SELECT 1 FROM team_household t WHERE "
            "t.household_id = r.household_id) ORDER BY r.resident_id LIMIT 1", [grid1.staff_id]).fetchone()[0]
        arrival_id = arrivals.register(con, leader, Arrival(arrival_date=conftest.demo_day(con), origin="key_area",
                                                            resident_id=resident))["arrival_id"]
    finally:
        con.close()
    at = conftest.open_page(page_db, monkeypatch, "grid1", "views/edge/visits.py")
    assert not at.exception, at.exception
    assert any(e.key == f"visit_{arrival_id}_save" for e in at.button)
    next(c for c in at.checkbox if c.key == f"visit_{arrival_id}_notice").check()
    next(b for b in at.button if b.key == f"visit_{arrival_id}_save").click().run()
    assert not at.exception, at.exception
    assert query(page_db, "SELECT notice_given, recorded_by FROM arrival_visit WHERE arrival_id = ?",
                 [arrival_id]) == [(True, "grid1")]
