"""三包一 teams (issue 7): load against the standard of 9, the least loaded team of the grid cell, assignment."""

from datetime import timedelta

import pytest

from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.coverage import volunteers as coverage
from resilient.coverage.volunteers import CoverageSettings
from resilient.daily import teams
from resilient.daily.rules import DailyError
from tests.conftest import NOW, TODAY

LEADER = User(1, "leader", "社区书记", "community_leader", community_id=1)
GRID1 = User(2, "grid1", "网格员甲", "grid_worker", community_id=1, staff_id=1)
GRID2 = User(5, "grid2", "网格员乙", "grid_worker", community_id=1, staff_id=2)
ALL = Scope()

TEAM_FLATS = "SELECT * FROM team_household ORDER BY team_id, household_id, start_date"  # every row, in a fixed order


@pytest.fixture
def crews(small):
    """Staff 3 doctor, 4 police; teams 1 and 2 of grid worker 1 (grid 1), team 3 of grid worker 2 (grid 2).
    Team 1 looks after flat 11 (resident 1 isolated: 1 person) since 20 Nov; team 3 after flat 21 (nobody
    isolated). Flat 13: resident 5's isolation starts tomorrow; resident 6 is isolated from today."""
    small.execute("INSERT INTO staff VALUES (3, 1, 'doctor', '医生丙', NULL), (4, 1, 'police', '民警丁', NULL)")
    small.execute("INSERT INTO team VALUES (1, 1, 1, 3, 4), (2, 1, 1, 3, 4), (3, 1, 2, 3, 4)")
    small.execute("INSERT INTO team_household VALUES (1, 11, DATE '2026-11-20', NULL), "
                  "(3, 21, DATE '2026-11-20', NULL)")
    small.execute("""INSERT INTO control_measure VALUES
        (6, 6, 'home_isolation', 'close_contact', DATE '2026-11-23', DATE '2026-12-07', NULL,
         TIMESTAMP '2026-11-23 08:00')""")
    return small


def loads(con, scope=ALL, day=TODAY) -> dict:
    frame = teams.team_load(con, scope, day)
    return {int(t): (int(h), int(p), bool(o)) for t, h, p, o in
            zip(frame["team_id"], frame["households"], frame["isolated_people"], frame["overloaded"])}


def test_load_counts_isolated_people_against_the_standard(crews):
    assert loads(crews) == {1: (1, 1, False), 2: (0, 0, False), 3: (1, 0, False)}
    frame = teams.team_load(crews, ALL, TODAY)
    assert frame.loc[0, "grid_ids"] == [1] and frame.loc[2, "grid_ids"] == [2]
    assert frame.loc[0, "standard"] == 9 and frame.loc[0, "doctor"] == "医生丙"
    # The same load coverage shows; a lower standard makes team 1 overloaded.
    cover = coverage.team_load(crews, Scope(community_ids=(1,)), CoverageSettings(), TODAY)
    assert dict(zip(cover["team_id"], cover["team_load"])) == {t: v[1] for t, v in loads(crews).items()}
    coverage.save_settings(crews, LEADER, CoverageSettings(team_standard_load=0 + 1))
    teams.assign_team(crews, LEADER, 13, 1, TODAY, now=NOW)
    assert loads(crews)[1] == (2, 2, True)
    # A grid worker sees the teams of their own cells.
    assert set(loads(crews, Scope(community_ids=(1,), grid_ids=(2,)))) == {3}


@pytest.mark.both_backends
def test_unassigned_isolated_households_are_listed_with_a_suggestion(crews):
    frame = teams.unassigned(crews, ALL, TODAY)
    assert frame[["household_id", "isolated_people", "suggested_team_id"]].values.tolist() == [[13, 1, 2]]
    # Tomorrow resident 5 is isolated too; resident 1's measure (flat 11, team 1) ended today.
    tomorrow = teams.unassigned(crews, ALL, TODAY + timedelta(days=1))
    assert tomorrow[["household_id", "isolated_people"]].values.tolist() == [[13, 2]]
    teams.assign_team(crews, GRID1, 13, 2, TODAY, now=NOW)
    assert teams.unassigned(crews, ALL, TODAY).empty


@pytest.mark.both_backends
def test_assignment_moves_the_flat_keeps_history_and_checks_rights(crews):
    assert teams.assign_team(crews, LEADER, 11, 2, TODAY, now=NOW, reason="均衡负荷") == 1
    assert loads(crews)[1] == (0, 0, False) and loads(crews)[2] == (1, 1, False)
    assert loads(crews, day=TODAY - timedelta(days=1))[1] == (1, 1, False)   # yesterday unchanged
    events = crews.execute("SELECT resident_id, kind, reason FROM measure_event").fetchall()
    assert events == [(1, "team_assigned", "均衡负荷")]
    # Back to team 1 the same day, then to team 2 again: the day's row is reopened, not duplicated.
    teams.assign_team(crews, LEADER, 11, 1, TODAY, now=NOW)
    teams.assign_team(crews, LEADER, 11, 2, TODAY, now=NOW)
    assert loads(crews)[2] == (1, 1, False) and loads(crews)[1] == (0, 0, False)
    before = crews.execute(TEAM_FLATS).fetchall()
    cases = [(LEADER, 11, 2, "teams.error.already"), (LEADER, 11, 99, "teams.error.unknown_team"),
             (GRID1, 21, 1, "teams.error.household_out_of_scope"), (GRID1, 12, 3, "teams.error.other_grid"),
             (User(9, "v", "v", "viewer", community_id=1), 12, 1, "daily.error.not_allowed")]
    for actor, household, team, code in cases:
        with pytest.raises(DailyError) as refused:
            teams.assign_team(crews, actor, household, team, TODAY, now=NOW)
        assert refused.value.code == code
    assert crews.execute(TEAM_FLATS).fetchall() == before


@pytest.mark.both_backends
def test_assigning_several_flats_is_all_or_nothing(crews):
    before = crews.execute(TEAM_FLATS).fetchall()
    events = crews.execute("SELECT count(*) FROM measure_event").fetchone()
    with pytest.raises(DailyError) as refused:   # flat 13 is fine, flat 11 already with team 1
        teams.assign_teams(crews, LEADER, [(13, 1), (11, 1)], TODAY, now=NOW)
    assert refused.value.code == "teams.error.already" and refused.value.values["household_id"] == 11
    assert crews.execute(TEAM_FLATS).fetchall() == before
    assert crews.execute("SELECT count(*) FROM measure_event").fetchone() == events
    assert teams.assign_teams(crews, LEADER, [(13, 1), (11, 2)], TODAY, now=NOW) == [None, 1]
    assert loads(crews)[1] == (1, 1, False) and loads(crews)[2] == (1, 1, False)


@pytest.mark.both_backends
def test_create_team_checks_each_member_post(crews):
    assert teams.create_team(crews, LEADER, 1, 2, 3, 4, TODAY) == 4
    with pytest.raises(DailyError) as refused:
        teams.create_team(crews, LEADER, 1, 3, 3, 4, TODAY)
    assert refused.value.code == "teams.error.member" and refused.value.values["role"] == "grid_worker"
    with pytest.raises(DailyError):
        teams.create_team(crews, GRID1, 1, 1, 3, 4, TODAY)
    assert crews.execute("SELECT count(*) FROM team").fetchone()[0] == 4


def test_demo_database_has_teams_for_its_isolated_households(demo_db):
    con, _ = demo_db
    frame = teams.team_load(con, ALL, TODAY)
    assert len(frame) >= 8
    assert frame["isolated_people"].sum() > 0
    assert teams.unassigned(con, ALL, TODAY).empty
    grids = con.execute("SELECT count(*) FROM grid_cell").fetchone()[0]
    assert set(frame["grid_worker_id"]) == {r[0] for r in con.execute(
        "SELECT DISTINCT grid_worker_id FROM grid_cell").fetchall()} and grids == 8


@pytest.mark.both_backends
def test_suggestions_spread_a_cells_flats_over_its_teams(crews):
    """Flats 12 and 13 of grid 1 both need a team: team 2 (empty) gets the first, then team 1 and team 2 hold one
    isolated person each and the tie goes to the lower id; assigning every suggestion leaves nobody without one."""
    crews.execute("""INSERT INTO control_measure VALUES
        (7, 3, 'home_isolation', 'close_contact', DATE '2026-11-23', DATE '2026-12-07', NULL,
         TIMESTAMP '2026-11-23 08:00')""")
    frame = teams.unassigned(crews, ALL, TODAY)
    assert frame[["household_id", "compound", "building", "suggested_team_id"]].values.tolist() == [
        [12, "A苑", "1栋", 2], [13, "A苑", "1栋", 1]]
    for household, team in zip(frame["household_id"], frame["suggested_team_id"]):
        teams.assign_team(crews, LEADER, int(household), int(team), TODAY, now=NOW)
    assert teams.unassigned(crews, ALL, TODAY).empty
    assert loads(crews) == {1: (2, 2, False), 2: (1, 1, False), 3: (1, 0, False)}


@pytest.mark.both_backends
def test_team_households_and_staff_choices(crews):
    flats = teams.team_households(crews, ALL, TODAY)
    assert flats[["team_id", "household_id", "compound", "building", "unit_no", "room", "isolated_people"]] \
        .values.tolist() == [[1, 11, "A苑", "1栋", 1, "101", 1], [3, 21, "A苑", "2栋", 1, "101", 0]]
    assert teams.team_households(crews, Scope(community_ids=(1,), grid_ids=(2,)), TODAY)["household_id"] \
        .tolist() == [21]
    assert teams.team_households(crews, ALL, TODAY - timedelta(days=5)).empty   # teams start on 20 Nov
    found = teams.staff(crews, ALL)
    assert found[["staff_id", "role"]].values.tolist() == [[3, "doctor"], [1, "grid_worker"], [2, "grid_worker"],
                                                           [4, "police"]]
    assert teams.staff(crews, Scope(community_ids=(2,))).empty
