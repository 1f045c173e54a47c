"""Supervisor's view (issue 7): per grid worker and per team, checks this week, alerts, overload, reassignment."""

from datetime import date, datetime

import pytest

from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.daily import checks, supervision, teams
from resilient.daily.rules import DailyError, DailySettings
from tests.daily.test_checks import add_home_measures

pytestmark = pytest.mark.both_backends

LEADER = User(1, "leader", "社区书记", "community_leader", community_id=1)
GRID1 = User(2, "grid1", "网格员甲", "grid_worker", community_id=1, staff_id=1)
GRID2 = User(5, "grid2", "网格员乙", "grid_worker", community_id=1, staff_id=2)
ALL = Scope()
SUNDAY = date(2026, 11, 22)          # the week runs Monday 16 Nov to Sunday 22 Nov
EVENING = datetime(2026, 11, 22, 20, 0)


@pytest.fixture
def week(small):
    """Measures of test_checks; on Sunday evening grid worker 1 follows measures 1 (14 slots this week), 2 (12,
    released Sunday 10:00, its term ended Saturday) and 6 (6 slots from Friday); grid worker 2 follows 7 (Sunday
    afternoon only). Readings: measure 6 Saturday am 38.0 (alert open), Sunday am on time, Sunday pm late."""
    add_home_measures(small)
    small.execute("INSERT INTO staff VALUES (4, 1, 'police', '民警丁', NULL)")
    small.execute("INSERT INTO team VALUES (1, 1, 1, 3, 4), (2, 1, 2, 3, 4)")
    small.execute("INSERT INTO team_household VALUES (1, 12, DATE '2026-11-20', NULL), "
                  "(2, 21, DATE '2026-11-22', NULL)")
    checks.record_check(small, GRID1, 6, date(2026, 11, 21), "am", 38.0, now=datetime(2026, 11, 21, 9))
    checks.record_check(small, GRID1, 6, SUNDAY, "am", 36.5, now=datetime(2026, 11, 22, 9))
    checks.record_check(small, GRID1, 6, SUNDAY, "pm", 36.6, now=datetime(2026, 11, 22, 18, 30))
    return small


def test_per_worker_counts_this_week(week):
    frame = supervision.workers(week, ALL, SUNDAY, EVENING).set_index("staff_id")
    assert frame.loc[1, ["followed", "min_days_left", "done_week", "late_week", "missed_week", "open_alerts"]] \
        .tolist() == [2, 1, 2, 1, 29, 1]
    assert frame.loc[2, ["followed", "min_days_left", "done_week", "late_week", "missed_week", "open_alerts"]] \
        .tolist() == [1, 14, 0, 0, 1, 0]
    assert frame.loc[1, "grid_ids"] == [1] and not frame["overloaded"].any()
    tight = supervision.workers(week, ALL, SUNDAY, EVENING, DailySettings(worker_standard_load=1))
    assert tight.set_index("staff_id")["overloaded"].to_dict() == {1: True, 2: False}
    # A grid worker's scope shows themselves; counts match their own check list for the day.
    mine = supervision.workers(week, Scope(community_ids=(1,), grid_ids=(1,)), SUNDAY, EVENING)
    assert mine["staff_id"].tolist() == [1]
    listed = supervision.followed(week, ALL, 1, SUNDAY, EVENING)
    assert sorted(listed["measure_id"]) == [1, 6]
    assert listed.set_index("measure_id").loc[6, "days_left"] == 12


def test_per_team_counts(week):
    frame = supervision.team_view(week, ALL, SUNDAY, EVENING).set_index("team_id")
    assert frame.loc[1, ["households", "isolated_people", "min_days_left", "done_week", "late_week",
                         "missed_week", "open_alerts", "overloaded"]].tolist() == [1, 1, 12, 2, 1, 3, 1, False]
    assert frame.loc[2, ["households", "isolated_people", "done_week", "missed_week", "open_alerts"]].tolist() \
        == [1, 0, 0, 1, 0]


def test_reassigning_a_person_moves_their_checks_and_keeps_history(week):
    assert supervision.reassign_many(week, LEADER, [6], 2, "网格员甲超负荷", now=EVENING) == [1]
    frame = supervision.workers(week, ALL, SUNDAY, EVENING).set_index("staff_id")
    assert frame.loc[1, "followed"] == 1 and frame.loc[2, "followed"] == 2
    assert frame.loc[2, "open_alerts"] == 1
    # Grid worker 2 now sees and records measure 6 although flat 12 is in grid 1.
    listed = checks.check_list(week, Scope(community_ids=(1,), grid_ids=(2,)), date(2026, 11, 23),
                               datetime(2026, 11, 23, 9), own_staff_id=2)
    assert sorted(listed["measure_id"]) == [6, 7]
    checks.record_check(week, GRID2, 6, date(2026, 11, 23), "am", 36.4, now=datetime(2026, 11, 23, 9))
    assert week.execute("SELECT kind, reason FROM measure_event WHERE measure_id = 6").fetchall() == [
        ("reassigned", "网格员甲超负荷")]
    cases = [(LEADER, 6, 2, "supervision.error.same"), (LEADER, 6, 4, "supervision.error.staff"),
             (GRID1, 6, 1, "daily.error.not_allowed"), (LEADER, 2, 1, "releases.error.ended")]
    before = week.execute("SELECT * FROM measure_follower").fetchall()
    for actor, measure, staff, code in cases:
        with pytest.raises(DailyError) as refused:
            supervision.reassign_many(week, actor, [measure], staff, now=EVENING)
        assert refused.value.code == code
    assert week.execute("SELECT * FROM measure_follower").fetchall() == before


def test_handing_several_people_over_is_all_or_nothing(week):
    before = week.execute("SELECT * FROM measure_follower ORDER BY measure_id").fetchall()
    with pytest.raises(DailyError) as refused:   # measure 6 could move; measure 2 has ended
        supervision.reassign_many(week, LEADER, [6, 2], 2, "均衡", now=EVENING)
    assert refused.value.code == "releases.error.ended" and refused.value.values["measure_id"] == 2
    assert week.execute("SELECT * FROM measure_follower ORDER BY measure_id").fetchall() == before
    assert week.execute("SELECT count(*) FROM measure_event WHERE kind = 'reassigned'").fetchone()[0] == 0
    assert supervision.reassign_many(week, LEADER, [6, 1], 2, "均衡", now=EVENING) == [1, 1]
    assert supervision.workers(week, ALL, SUNDAY, EVENING).set_index("staff_id").loc[2, "followed"] == 3


def test_households_move_between_teams_from_the_supervisor_view(week):
    teams.assign_team(week, LEADER, 12, 2, SUNDAY, now=EVENING)
    frame = supervision.team_view(week, ALL, SUNDAY, EVENING).set_index("team_id")
    assert frame.loc[1, "households"] == 0 and frame.loc[2, "households"] == 2
    assert frame.loc[2, "isolated_people"] == 1 and frame.loc[2, "open_alerts"] == 1


def test_followed_names_the_flat_and_compound(week):
    listed = supervision.followed(week, ALL, 1, SUNDAY, EVENING).set_index("measure_id")
    assert listed.loc[[1, 6], ["household_id", "compound", "building"]].values.tolist() == [
        [11, "A苑", "1栋"], [12, "A苑", "1栋"]]
    assert supervision.followed(week, ALL, 3, SUNDAY, EVENING).empty   # the doctor follows nobody yet
