"""Arrivals known at once (issue 17): an arrival registered is on its household's 三包一 team's three lists and
nobody else's, with the visit to make, until the visit is recorded."""

from datetime import timedelta
from decimal import Decimal

import pytest

from resilient.core import roles
from resilient.core.accounts import User
from resilient.daily import arrivals
from resilient.daily.arrivals import Arrival
from resilient.edge import visits
from resilient.edge.passes import PassError
from tests.conftest import NOW, TODAY

pytestmark = pytest.mark.both_backends

LEADER = User(1, "leader", "社区书记", "community_leader", community_id=1)
GRID1 = User(2, "grid1", "网格员甲", "grid_worker", community_id=1, staff_id=1)
GRID2 = User(3, "grid2", "网格员乙", "grid_worker", community_id=1, staff_id=2)
DOCTOR = User(4, "doctor", "医生", "doctor", community_id=1, staff_id=3)
OTHER_DOCTOR = User(5, "doctor2", "医生乙", "doctor", community_id=1, staff_id=5)
POLICE = User(6, "police", "民警", "viewer", community_id=1, staff_id=4)   # no police role: a linked account


@pytest.fixture
def teamed(small):
    """A team (grid worker 1, doctor 3, police 4) looking after flat 12; a second doctor with no team."""
    small.execute("INSERT INTO staff VALUES (3, 1, 'doctor', '医生甲', NULL), (4, 1, 'police', '民警甲', NULL), "
                  "(5, 1, 'doctor', '医生乙', NULL)")
    small.execute("INSERT INTO team VALUES (1, 1, 1, 3, 4)")
    small.execute("INSERT INTO team_household VALUES (1, 12, DATE '2026-11-01', NULL)")
    return small


def arrive(con, resident_id: int, at=NOW) -> int:
    return arrivals.register(con, LEADER, Arrival(arrival_date=TODAY, origin="key_area", resident_id=resident_id),
                             at)["arrival_id"]


def due(con, viewer, at=NOW):
    return visits.visits_due(con, roles.scope_for(con, viewer, TODAY), viewer, at)


def test_an_arrival_is_on_its_teams_three_lists_and_no_one_elses(teamed):
    con = teamed
    assert due(con, GRID1).empty
    arrival_id = arrive(con, 3, NOW)   # resident 3 lives in flat 12
    later = NOW + timedelta(seconds=30)
    for member in (GRID1, DOCTOR, POLICE, LEADER):
        assert list(due(con, member, later)["arrival_id"]) == [arrival_id], member.username
    for outsider in (GRID2, OTHER_DOCTOR):
        assert due(con, outsider, later).empty, outsider.username
    row = due(con, GRID1, later).iloc[0]
    assert row["name"] == "居*3" and row["room"] == "201" and row["category"] == "home_isolation"


def test_a_flat_without_a_team_goes_to_its_grid_worker(teamed):
    con = teamed
    arrival_id = arrive(con, 9)    # flat 31, grid 2, no team
    assert list(due(con, GRID2)["arrival_id"]) == [arrival_id]
    assert due(con, GRID1).empty and due(con, DOCTOR).empty


def test_the_visit_recorded_takes_it_off_the_lists(teamed):
    con = teamed
    arrival_id = arrive(con, 3)
    visit_id = visits.record_visit(con, DOCTOR, arrival_id, temperature=36.6, notice_given=True, door_sealed=True,
                                   now=NOW + timedelta(minutes=40))
    assert con.execute("SELECT temperature, notice_given, door_sealed, recorded_by FROM arrival_visit "
                       "WHERE visit_id = ?", [visit_id]).fetchone() == (Decimal("36.6"), True, True, "doctor")
    assert due(con, GRID1, NOW + timedelta(hours=1)).empty
    assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'arrival_visit_recorded'").fetchone()[0] == 1
    with pytest.raises(PassError, match="visited"):
        visits.record_visit(con, GRID1, arrival_id, notice_given=True, door_sealed=False, now=NOW)


def test_a_visit_is_refused_out_of_scope_without_permission_or_with_a_wrong_temperature(teamed):
    con = teamed
    arrival_id = arrive(con, 3)        # flat 12 is in grid 1
    with pytest.raises(PassError, match="out_of_scope"):
        visits.record_visit(con, GRID2, arrival_id, notice_given=True, door_sealed=True, now=NOW)
    with pytest.raises(PassError, match="not_allowed"):
        visits.record_visit(con, User(7, "v", "志愿者", "volunteer", community_id=1), arrival_id,
                            notice_given=True, door_sealed=True, now=NOW)
    with pytest.raises(PassError, match="temperature"):
        visits.record_visit(con, GRID1, arrival_id, temperature=52, notice_given=True, door_sealed=True, now=NOW)
    assert con.execute("SELECT count(*) FROM arrival_visit").fetchone()[0] == 0
