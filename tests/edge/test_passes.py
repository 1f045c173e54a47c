"""Gates and passes (issue 17): bulk issue from the register, vehicle plates, the scan and each of its answers,
who is out now, revoking when a household goes under a measure, audit, scope and permissions."""

from datetime import datetime, timedelta

import pytest

from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.edge import passes
from resilient.edge.passes import PassError
from tests.conftest import NOW, TODAY

pytestmark = pytest.mark.both_backends

LEADER = User(1, "leader", "社区书记", "community_leader", community_id=1)
GRID1 = User(2, "grid1", "网格员甲", "grid_worker", community_id=1, staff_id=1)
DOCTOR = User(4, "doctor", "医生", "doctor", community_id=1)
VOLUNTEER = User(5, "vol", "志愿者", "volunteer", community_id=1, volunteer_id=99)
OTHER = User(6, "other", "别的社区", "community_leader", community_id=2)


def count(con, sql: str, params=None) -> int:
    return con.execute(sql, params or {}).fetchone()[0]


def code_of(con, household_id: int, kind: str = "person") -> str:
    return con.execute("SELECT code FROM gate_pass WHERE household_id = ? AND kind = ?",
                       [household_id, kind]).fetchone()[0]


@pytest.fixture
def gated(small):
    """The small community with a gate at each compound and A苑's person passes issued at NOW."""
    small.execute("INSERT INTO community VALUES (2, '别的社区', '测试街道', '测试区')")
    a = passes.add_gate(small, LEADER, 1, "A苑东门", 119.9505, 31.7001, now=NOW)
    b = passes.add_gate(small, LEADER, 2, "B苑北门", now=NOW)
    counts = passes.issue_compound(small, LEADER, 1, now=NOW)
    return small, a, b, counts


def test_bulk_issue_gives_one_pass_a_flat_and_none_to_flats_under_measures(gated):
    con, _, _, counts = gated
    # A苑: flats 11 (resident 1 home isolation), 12, 13 (resident 4 centralised quarantine), 21 (health
    # monitoring only: it may go out).
    assert counts == {"issued": 2, "under_measure": 2, "had_pass": 0, "households": 4}
    assert sorted(r[0] for r in con.execute("SELECT household_id FROM gate_pass").fetchall()) == [12, 21]
    again = passes.issue_compound(con, LEADER, 1, now=NOW)
    assert again["issued"] == 0 and again["had_pass"] == 2
    numbers = [r[0] for r in con.execute("SELECT number FROM gate_pass ORDER BY pass_id").fetchall()]
    assert numbers == ["P001-00001", "P001-00002"]
    assert count(con, "SELECT count(*) FROM audit_log WHERE action = 'passes_issued'") == 2


def test_codes_are_random_and_read_back_from_what_a_scanner_types():
    codes = {passes.new_code() for _ in range(200)}
    assert len(codes) == 200 and all(passes.CODE.match(c) for c in codes)
    code = passes.new_code()
    assert passes.normalise_code(f"  {code.lower()} ") == code
    assert passes.normalise_code(code.replace("-", "")) == code
    assert passes.normalise_code("RC-H123") is None and passes.normalise_code("") is None


def test_a_grid_worker_issues_only_for_the_flats_of_their_cells(small):
    counts = passes.issue_compound(small, GRID1, 1, now=NOW)
    assert counts["households"] == 3 and counts["issued"] == 1   # building 1 only: 11, 12, 13


@pytest.mark.parametrize("typed, stored", [("苏D12345", "苏D12345"), ("苏d·123 45", "苏D12345"),
                                           ("苏AD12345", "苏AD12345"), ("京A1234学", "京A1234学")])
def test_vehicle_plates_are_normalised(typed, stored):
    assert passes.normalise_plate(typed) == stored


@pytest.mark.parametrize("plate", ["", "D12345", "苏I12345", "苏D1234", "苏D1234567", "X D12345", "苏DO2345"])
def test_a_plate_that_is_no_chinese_plate_is_refused_by_name(plate, small):
    with pytest.raises(PassError) as refused:
        passes.issue_vehicle(small, LEADER, 12, plate, now=NOW)
    assert refused.value.code == "passes.error.plate" and refused.value.values["value"] == plate.strip()
    assert count(small, "SELECT count(*) FROM gate_pass") == 0


def test_vehicle_pass_one_active_pass_a_plate_and_none_under_measure(small):
    written = passes.issue_vehicle(small, LEADER, 12, "苏D 12345", holder_name="张三", now=NOW)
    assert written["plate"] == "苏D12345"
    with pytest.raises(PassError, match="plate_held"):
        passes.issue_vehicle(small, LEADER, 21, "苏D12345", now=NOW)
    with pytest.raises(PassError, match="household_under_measure"):
        passes.issue_vehicle(small, LEADER, 11, "苏E11111", now=NOW)
    assert count(small, "SELECT count(*) FROM audit_log WHERE action = 'vehicle_pass_issued'") == 1


def test_scan_out_then_in_alternates_and_is_audited(gated):
    con, gate, _, _ = gated
    code = code_of(con, 12)
    out = passes.scan(con, VOLUNTEER, code, gate, NOW)
    assert out["allowed"] and out["direction"] == "out" and out["holder"] == "居*3"
    back = passes.scan(con, VOLUNTEER, code, gate, NOW + timedelta(hours=1))
    assert back["allowed"] and back["direction"] == "in"
    moves = con.execute("SELECT direction FROM pass_movement ORDER BY moved_at").fetchall()
    assert moves == [("out",), ("in",)]
    assert count(con, "SELECT count(*) FROM audit_log WHERE action = 'pass_scanned'") == 2


def test_double_scan_is_said_and_not_written(gated):
    con, gate, _, _ = gated
    code = code_of(con, 12)
    passes.scan(con, LEADER, code, gate, NOW)
    twice = passes.scan(con, LEADER, code, gate, NOW + timedelta(seconds=20))
    assert not twice["allowed"] and twice["reason"] == "double_scan"
    said_out = passes.scan(con, LEADER, code, gate, NOW + timedelta(hours=1), direction="out")
    assert said_out["reason"] == "double_scan"
    assert count(con, "SELECT count(*) FROM pass_movement") == 1
    assert count(con, "SELECT count(*) FROM audit_log WHERE action = 'pass_scan_refused'") == 2


def test_unknown_code_and_other_compound(gated):
    con, gate, gate_b, _ = gated
    assert passes.scan(con, LEADER, "RC-P0000000000", gate, NOW)["reason"] == "unknown"
    assert passes.scan(con, LEADER, "hello", gate, NOW)["reason"] == "unknown"
    assert passes.scan(con, LEADER, code_of(con, 12), gate_b, NOW)["reason"] == "other_compound"
    assert count(con, "SELECT count(*) FROM pass_movement") == 0


def test_expired_and_revoked_are_refused_going_out(gated):
    con, gate, _, _ = gated
    later = datetime.combine(TODAY + timedelta(days=passes.SETTINGS.valid_days + 1), NOW.time())
    assert passes.scan(con, LEADER, code_of(con, 12), gate, later)["reason"] == "expired"
    con.execute("UPDATE gate_pass SET status = 'revoked', revoked_why = 'by_hand' WHERE household_id = 21")
    assert passes.scan(con, LEADER, code_of(con, 21), gate, NOW)["reason"] == "revoked"


def test_a_household_put_under_a_measure_is_revoked_at_the_scan_but_let_home(gated):
    con, gate, _, _ = gated
    code = code_of(con, 12)
    assert passes.scan(con, LEADER, code, gate, NOW)["allowed"]
    con.execute("INSERT INTO control_measure VALUES (9, 3, 'home_isolation', 'close_contact', DATE '2026-11-23', "
                "DATE '2026-12-07', NULL, TIMESTAMP '2026-11-23 12:30')")
    assert list(passes.under_measures(con, Scope(community_ids=(1,)), NOW)["household_id"]) == [12]
    home = passes.scan(con, LEADER, code, gate, NOW + timedelta(hours=1))
    assert home["allowed"] and home["direction"] == "in"
    again = passes.scan(con, LEADER, code, gate, NOW + timedelta(hours=2))
    assert again["reason"] == "under_measure" and not again["allowed"]
    assert con.execute("SELECT status, revoked_why FROM gate_pass WHERE household_id = 12").fetchone() == \
        ("revoked", "under_measure")
    assert passes.scan(con, LEADER, code, gate, NOW + timedelta(hours=3))["reason"] == "revoked"


def test_revoke_under_measures_at_once(gated):
    con, _, _, _ = gated
    con.execute("INSERT INTO control_measure VALUES (9, 7, 'home_isolation', 'close_contact', DATE '2026-11-23', "
                "DATE '2026-12-07', NULL, TIMESTAMP '2026-11-23 12:30')")
    assert passes.revoke_under_measures(con, LEADER, NOW) == 1
    assert passes.revoke_under_measures(con, LEADER, NOW) == 0
    assert count(con, "SELECT count(*) FROM audit_log WHERE action = 'pass_revoked'") == 1


def test_out_now_flags_the_long_ones_and_gates_count_today(gated):
    con, gate, _, _ = gated
    passes.scan(con, LEADER, code_of(con, 12), gate, NOW - timedelta(hours=5))
    passes.scan(con, LEADER, code_of(con, 21), gate, NOW - timedelta(hours=1))
    scope = Scope(community_ids=(1,))
    out = passes.out_now(con, scope, NOW)
    assert list(out["household_id"]) == [12, 21] and list(out["over"]) == [True, False]
    assert list(out["hours"]) == [5.0, 1.0] and set(out["name"]) == {"居*3", "居*7"}
    counts = passes.gate_counts(con, scope, NOW).set_index("gate_id").loc[gate]
    assert (counts["out_today"], counts["in_today"], counts["out_now"]) == (2, 0, 2)
    figures = passes.kpis(con, scope, NOW)
    assert figures["issued"] == 2 and figures["out_now"] == 2 and figures["out_over"] == 1
    assert figures["scans_today"] == 2


def test_scope_and_permissions(gated):
    con, gate, gate_b, _ = gated
    with pytest.raises(PassError, match="not_allowed"):
        passes.scan(con, DOCTOR, code_of(con, 12), gate, NOW)
    with pytest.raises(PassError, match="not_allowed"):
        passes.issue_compound(con, VOLUNTEER, 1, now=NOW)
    with pytest.raises(PassError, match="gate_unknown"):
        passes.scan(con, OTHER, code_of(con, 12), gate, NOW)
    with pytest.raises(PassError, match="compound_out_of_scope"):
        passes.issue_compound(con, OTHER, 1, now=NOW)
    assert passes.gates(con, Scope(community_ids=(2,))).empty
    assert passes.out_now(con, Scope(community_ids=(2,)), NOW).empty


def test_cards_print_the_code_as_a_qr_and_mask_the_holder(gated):
    con, _, _, _ = gated
    page = passes.cards_html(con, Scope(community_ids=(1,)), 1, "zh")
    assert page.count('class="card"') == 2 and "<svg" in page and code_of(con, 12) in page
    assert "居民3" not in page and "居*3" in page


def test_an_arrival_put_under_home_measures_revokes_the_household_s_pass_at_once(gated):
    """Not only at the next scan: the gate's lists and printed cards stop counting it as soon as the measure is
    written, in the same transaction (a household whose measure lets it out keeps its pass)."""
    from resilient.daily import arrivals
    from resilient.daily.arrivals import Arrival

    con, _, _, _ = gated
    arrivals.register(con, LEADER, Arrival(arrival_date=TODAY, origin="key_area", risk="low", resident_id=8,
                                           category="health_monitoring", days=14, reason="低风险"), now=NOW)
    assert con.execute("SELECT status FROM gate_pass WHERE household_id = 21").fetchone() == ("active",)
    assert con.execute("SELECT status FROM gate_pass WHERE household_id = 12").fetchone() == ("active",)
    arrivals.register(con, LEADER, Arrival(arrival_date=TODAY, origin="key_area", risk="high", resident_id=3),
                      now=NOW + timedelta(minutes=5))
    assert con.execute("SELECT status, revoked_why FROM gate_pass WHERE household_id = 12").fetchone() == \
        ("revoked", "under_measure")
    assert count(con, "SELECT count(*) FROM audit_log WHERE action = 'pass_revoked'") == 1
