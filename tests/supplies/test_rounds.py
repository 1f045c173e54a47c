"""Delivery rounds (issue 16): grouping per volunteer within capacity, walking order, and the audited dispatch."""

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from geo.distance import offset
from resilient.core import audit
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.supplies import rounds
from resilient.supplies.rounds import RoundsError, RoundSettings
from resilient.supplies.routing import in_arrival_order, plan_routes
from tests.conftest import NOW, TODAY
from tests.coverage.test_coverage import needy  # noqa: F401  (the fixture)

pytestmark = pytest.mark.both_backends

LON, LAT = 119.95, 31.70
ALL = Scope()
ONE = Scope(community_ids=(1,))   # the leader's community
ADMIN = User(9, "admin", "街道", "street_admin")
LEADER = User(1, "leader", "社区书记", "community_leader", community_id=1)
GRID2 = User(4, "gw2", "网格员乙", "grid_worker", community_id=1, staff_id=2)   # grid 2: households 21, 31
DOCTOR = User(6, "doc", "医生", "doctor", community_id=1, staff_id=3)
VOLUNTEER = User(3, "vol1", "志愿者一", "volunteer", community_id=1, volunteer_id=1)


def at(east_m: float, north_m: float = 0.0) -> tuple[float, float]:
    return offset(LON, LAT, east_m, north_m)


def stops(rows) -> pd.DataFrame:
    """(request_id, household_id, building_id, east_m) -> the frame plan_routes takes, arriving in that order."""
    frame = pd.DataFrame([(r, h, b, *at(x)) for r, h, b, x in rows],
                         columns=["request_id", "household_id", "building_id", "lon", "lat"])
    frame["created_at"] = [pd.Timestamp(NOW) + pd.Timedelta(minutes=k) for k in range(len(frame))]
    return frame


def volunteers(rows) -> pd.DataFrame:
    """(volunteer_id, east_m, capacity) -> volunteers at their homes."""
    return pd.DataFrame([(v, *at(x), c) for v, x, c in rows], columns=["volunteer_id", "lon", "lat", "capacity"])


# --- the algorithm ----------------------------------------------------------------------------------------------

def test_capacity_counts_doors_and_the_rest_are_full():
    plan = plan_routes(stops([(1, 1, 1, 50), (2, 2, 2, 60), (3, 2, 2, 60), (4, 3, 3, 70)]),
                       volunteers([(7, 0, 2)]))
    assert plan.routes.groupby("volunteer_id")["household_id"].nunique().to_dict() == {7: 2}
    assert plan.routes["request_id"].tolist() == [1, 2, 3]   # the two nearest doors, household 2's requests both
    assert plan.unassigned.to_dict("records") == [{"request_id": 4, "reason": "all_full"}]


def test_the_nearest_volunteer_takes_it():
    plan = plan_routes(stops([(1, 1, 1, 280), (2, 2, 2, 20)]), volunteers([(7, 0, 5), (8, 300, 5)]))
    assert dict(zip(plan.routes["request_id"], plan.routes["volunteer_id"])) == {1: 8, 2: 7}
    assert plan.routes["leg_m"].round().tolist() == [20, 20]


def test_one_household_and_one_building_are_one_stop():
    # Household 1 asks three times, household 2 lives in the same building (10), household 3 next door.
    plan = plan_routes(stops([(1, 1, 10, 100), (5, 3, 11, 150), (2, 2, 10, 100), (3, 1, 10, 100), (4, 2, 10, 100)]),
                       volunteers([(7, 0, 5)]))
    routes = plan.routes
    assert routes["route_stop"].tolist() == [1, 2, 3, 4, 5]
    assert routes["request_id"].tolist() == [1, 3, 2, 4, 5]   # household 1's both, then 2's, then next door
    assert routes["leg_m"].round().tolist() == [100, 0, 0, 0, 50]


def test_planned_walk_beats_a_zig_zag_arrival_order():
    requests = stops([(1, 1, 1, 400), (2, 2, 2, 100), (3, 3, 3, 300), (4, 4, 4, 200)])
    team = volunteers([(7, 0, 10)])
    plan, paper = plan_routes(requests, team), in_arrival_order(requests, team)
    assert plan.routes["request_id"].tolist() == [2, 4, 3, 1]
    assert plan.total_m == pytest.approx(400, abs=1)
    assert paper.total_m == pytest.approx(400 + 300 + 200 + 100, abs=1)
    assert plan.total_m <= paper.total_m


def test_arrival_order_gives_each_volunteer_the_next_doors_in_turn():
    requests = stops([(1, 1, 1, 10), (2, 2, 2, 20), (3, 1, 1, 10), (4, 3, 3, 30)])
    paper = in_arrival_order(requests, volunteers([(8, 0, 2), (7, 0, 1)]))
    # Volunteer 7 comes first on the list; household 1's second request goes with its first.
    assert dict(zip(paper.routes["request_id"], paper.routes["volunteer_id"])) == {1: 7, 3: 7, 2: 8, 4: 8}


def test_the_unrouted_say_why():
    requests = stops([(1, 1, 1, 100), (2, 2, 2, 5000), (3, 3, 3, 120), (4, 4, 4, 0)])
    requests.loc[requests["request_id"] == 4, ["lon", "lat"]] = np.nan
    plan = plan_routes(requests, volunteers([(7, 0, 1)]), reach_m=800)
    assert dict(zip(plan.unassigned["request_id"], plan.unassigned["reason"])) == {
        2: "out_of_reach", 3: "all_full", 4: "no_location"}
    assert plan_routes(requests.iloc[:1], volunteers([])).unassigned["reason"].tolist() == ["out_of_reach"]


def test_stops_continue_after_what_a_volunteer_already_has():
    plan = plan_routes(stops([(1, 1, 1, 100), (2, 2, 2, 200)]), volunteers([(7, 0, 5)]), first_stop={7: 4})
    assert plan.routes["route_stop"].tolist() == [4, 5]


# --- the dispatch on a small database -------------------------------------------------------------------------

def request(con, rid, household, status="new", minutes=0, volunteer=None, stop=None):
    con.execute("""INSERT INTO supply_request (request_id, household_id, kind, status, volunteer_id, route_stop,
                   created_at, created_by, updated_at) VALUES ($r, $h, 'food', $s, $v, $p, $t, 'grid1', $t)""",
                {"r": rid, "h": household, "s": status, "v": volunteer, "p": stop,
                 "t": NOW - timedelta(hours=3) + timedelta(minutes=minutes)})


@pytest.fixture
def day(needy):  # noqa: F811
    """Door households 11, 12 (building 1), 21 (building 2), 31 (building 3); 13 fetches from the pick-up point.
    Volunteer 1 lives in building 1, volunteer 2 in building 3, volunteer 3 nowhere on the map."""
    for vid, building, phone in [(1, 1, "13800000001"), (2, 3, "13800000002"), (3, None, None)]:
        needy.execute("INSERT INTO volunteer VALUES ($v, 1, $n, $p, $b, 5, TRUE)",
                      {"v": vid, "n": f"志愿者{vid}", "p": phone, "b": building})
    for rid, household in [(1, 11), (2, 11), (3, 12), (4, 21), (5, 31), (6, 13)]:
        request(needy, rid, household, minutes=rid)
    return needy


def state(con) -> dict:
    return {r: (s, v, p) for r, s, v, p in con.execute(
        "SELECT request_id, status, volunteer_id, route_stop FROM supply_request ORDER BY 1").fetchall()}


def test_the_proposal_routes_door_households_and_counts_the_pick_up(day):
    proposal = rounds.propose(day, ONE, TODAY, NOW)
    routed = dict(zip(proposal.planned.routes["request_id"], proposal.planned.routes["volunteer_id"]))
    assert routed == {1: 1, 2: 1, 3: 1, 4: 1, 5: 2}     # building 2 is nearer volunteer 1's building 1
    assert proposal.at_pickup == 1
    assert proposal.left_out.to_dict("records") == [{"volunteer_id": 3, "name": "志愿者3", "reason": "no_home"}]
    assert proposal.arrival.total_m >= proposal.planned.total_m > 0
    assert state(day)[1] == ("new", None, None)          # nothing written yet


def test_dispatch_writes_requests_events_and_one_audit_row(day):
    written = rounds.dispatch(day, LEADER, ONE, TODAY, NOW)
    assert written == 5
    now = state(day)
    assert {r: now[r] for r in (1, 2, 3, 4, 5)} == {1: ("assigned", 1, 1), 2: ("assigned", 1, 2),
                                                     3: ("assigned", 1, 3), 4: ("assigned", 1, 4),
                                                     5: ("assigned", 2, 1)}
    assert now[6] == ("new", None, None)                 # the pick-up point's, not routed
    events = day.execute("SELECT request_id, status, volunteer_id, by_user, event_at FROM supply_request_event "
                         "ORDER BY 1").fetchall()
    assert [(r, s, v, u) for r, s, v, u, _ in events] == [(1, "assigned", 1, "leader"), (2, "assigned", 1, "leader"),
                                                          (3, "assigned", 1, "leader"), (4, "assigned", 1, "leader"),
                                                          (5, "assigned", 2, "leader")]
    assert {e[4] for e in events} == {NOW}
    logged = day.execute("SELECT action, target, new_value FROM audit_log").fetchall()
    assert len(logged) == 1 and logged[0][:2] == ("dispatch_deliveries", "supply_rounds:2026-11-23")
    # Dispatching again with nothing moved changes nothing and writes no history.
    assert rounds.dispatch(day, LEADER, ONE, TODAY, NOW) == 0
    assert day.execute("SELECT count(*) FROM supply_request_event").fetchone()[0] == 5


def test_dispatch_is_all_or_nothing(day, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        rounds.dispatch(day, LEADER, ONE, TODAY, NOW)
    assert all(s == ("new", None, None) for s in state(day).values())
    assert day.execute("SELECT count(*) FROM supply_request_event").fetchone()[0] == 0


def test_a_proposal_overtaken_by_events_is_refused(day):
    proposal = rounds.propose(day, ONE, TODAY, NOW)
    day.execute("UPDATE supply_request SET status = 'failed' WHERE request_id = 4")
    with pytest.raises(RoundsError) as refused:
        rounds.dispatch(day, LEADER, ONE, TODAY, NOW, proposal)
    assert refused.value.code == "rounds.error.changed"
    assert state(day)[1] == ("new", None, None)


def test_a_later_dispatch_keeps_what_set_out_and_plans_the_rest(day):
    rounds.dispatch(day, LEADER, ONE, TODAY, NOW)
    day.execute("UPDATE supply_request SET status = 'on_the_way' WHERE request_id IN (1, 2)")   # household 11
    day.execute("UPDATE supply_request SET status = 'delivered', delivered_at = $t WHERE request_id = 5",
                {"t": NOW})
    request(day, 7, 31, minutes=200)
    later = NOW + timedelta(hours=2)
    small = RoundSettings(deliveries_per_volunteer=2, reach_m=800.0)
    rounds.dispatch(day, LEADER, ONE, TODAY, later, settings=small)
    now = state(day)
    assert now[1] == ("on_the_way", 1, 1) and now[2] == ("on_the_way", 1, 2) and now[5] == ("delivered", 2, 1)
    # Volunteer 1 carries household 11 already: one door left, the nearer of 12 and 21 (12, same building).
    assert now[3] == ("assigned", 1, 3)
    # Household 21 goes to volunteer 2, whose stops go on after the one delivered; 31's new request with it.
    assert {now[4][1], now[7][1]} == {2} and sorted([now[4][2], now[7][2]]) == [2, 3]
    assert day.execute("SELECT count(*) FROM audit_log WHERE action = 'dispatch_deliveries'").fetchone()[0] == 2


def test_an_assigned_request_that_now_finds_nobody_goes_back_to_new(day):
    rounds.dispatch(day, LEADER, ONE, TODAY, NOW)
    day.execute("UPDATE volunteer SET active = FALSE WHERE volunteer_id = 2")
    rounds.dispatch(day, LEADER, ONE, TODAY, NOW, settings=RoundSettings(deliveries_per_volunteer=2, reach_m=800.0))
    now = state(day)
    assert sum(1 for r in (1, 2, 3, 4, 5) if now[r][0] == "assigned") == 3   # 11 (two requests) and one more
    back = [r for r in (3, 4, 5) if now[r] == ("new", None, None)]
    assert len(back) == 2
    notes = dict(day.execute("SELECT request_id, note FROM supply_request_event WHERE status = 'new'").fetchall())
    assert set(notes) == set(back) and set(notes.values()) == {"rounds:all_full"}


def test_an_unwell_volunteer_is_not_routed(day):
    # Resident 1 of household 11 (building 1, home isolation today) has volunteer 1's phone: it is them.
    day.execute("UPDATE resident SET phone = '13800000001' WHERE resident_id = 1")
    proposal = rounds.propose(day, ONE, TODAY, NOW)
    assert set(proposal.planned.routes["volunteer_id"]) == {2}
    assert dict(zip(proposal.left_out["volunteer_id"], proposal.left_out["reason"])) == {1: "under_measure",
                                                                                          3: "no_home"}


def test_a_volunteer_with_a_fever_alert_today_is_not_routed(day):
    day.execute("UPDATE resident SET phone = '13800000002' WHERE resident_id = 9")   # household 31, building 3
    day.execute("INSERT INTO control_measure VALUES (9, 9, 'health_monitoring', 'other_area', DATE '2026-11-01', "
                "DATE '2026-11-10', TIMESTAMP '2026-11-10 18:00', TIMESTAMP '2026-11-01 09:00')")
    day.execute("INSERT INTO health_check (check_id, measure_id, resident_id, day, period, temperature, symptoms, "
                "recorded_at) VALUES (1, 9, 9, $d, 'am', 38.2, $none, $t)", {"d": TODAY, "t": NOW, "none": []})
    day.execute("INSERT INTO fever_alert (alert_id, check_id, resident_id, raised_at) VALUES (1, 1, 9, $t)",
                {"t": NOW - timedelta(hours=1)})
    left = rounds.propose(day, ALL, TODAY, NOW).left_out
    assert dict(zip(left["volunteer_id"], left["reason"]))[2] == "fever"


def test_a_grid_worker_dispatches_their_cells_only(day):
    mine = Scope(community_ids=(1,), grid_ids=(2,))
    rounds.dispatch(day, GRID2, mine, TODAY, NOW)
    now = state(day)
    assert {r for r, s in now.items() if s[0] == "assigned"} == {4, 5}
    with pytest.raises(RoundsError) as refused:
        rounds.dispatch(day, GRID2, ALL, TODAY, NOW)
    assert refused.value.code == "rounds.error.out_of_scope"


@pytest.mark.parametrize("who", [DOCTOR, VOLUNTEER, None])
def test_only_dispatchers_dispatch(day, who):
    with pytest.raises(RoundsError) as refused:
        rounds.dispatch(day, who, ALL, TODAY, NOW)
    assert refused.value.code == "rounds.error.not_allowed"
    assert all(s[0] == "new" for s in state(day).values())


def test_nothing_to_route_is_an_empty_proposal(needy):  # noqa: F811
    proposal = rounds.propose(needy, ALL, TODAY, NOW)
    assert proposal.planned.routes.empty and proposal.at_pickup == 0 and proposal.ratio is None
    assert rounds.dispatch(needy, ADMIN, ALL, TODAY, NOW) == 0
