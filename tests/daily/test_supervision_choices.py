"""The supervisor page's rules, on the domain: problems first, headline totals, whom to hand people over to,
where a flat can move and who can join a new team."""

import pandas as pd
import pytest

from resilient.daily import supervision, teams
from tests.conftest import TODAY
from tests.daily import test_supervision, test_teams
from tests.daily.test_supervision import ALL, EVENING, SUNDAY

pytestmark = pytest.mark.both_backends

week = test_supervision.week
crews = test_teams.crews


def rows(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


def test_problems_come_first_and_are_named():
    frame = rows(name=["甲", "乙", "丙", "丁", "戊"], overloaded=[False, False, True, False, False],
                 open_alerts=[0, 2, 0, 0, 0], missed_week=[0, 0, 3, 1, 0], late_week=[5, 0, 0, 0, 1])
    ordered = supervision.problems_first(frame, "name")
    assert ordered["name"].tolist() == ["丙", "乙", "丁", "甲", "戊"]   # overloaded, alerts, missed, most late
    assert ordered["problems"].tolist() == [["overloaded", "missed"], ["alerts"], ["missed"], [], []]
    assert supervision.problems_first(frame.iloc[0:0], "name")["problems"].tolist() == []


def test_totals_are_the_headline_figures():
    frame = rows(overloaded=[True, False, True], followed=[31, 2, 40], missed_week=[1, 0, 4], open_alerts=[0, 1, 0])
    assert supervision.totals(frame) == {"overloaded": 2, "followed": 73, "missed_week": 5, "open_alerts": 1}
    assert supervision.totals(frame.drop(columns="followed")) == {"overloaded": 2, "missed_week": 5,
                                                                  "open_alerts": 1}


def test_hand_over_to_the_least_loaded_grid_worker_then_a_doctor(week):
    week.execute("INSERT INTO staff VALUES (5, 1, 'grid_worker', '网格员戊', NULL)")
    loads = supervision.workers(week, ALL, SUNDAY, EVENING)
    found = supervision.handover_candidates(week, ALL, 1, loads)
    # Not worker 1 themselves, nor the police officer; the loads are the people each follows today.
    assert found["staff_id"].tolist() == [5, 2, 3]
    assert found["role"].tolist() == ["grid_worker", "grid_worker", "doctor"]
    followed = dict(zip(loads["staff_id"], loads["followed"]))
    assert found["load"].tolist()[:2] == [followed.get(5, pd.NA), followed[2]]
    assert pd.isna(found["load"].iloc[2])                                  # nobody counts a doctor's load
    # Handing over from worker 2: worker 1 follows two people, more than the new worker 5.
    assert supervision.handover_candidates(week, ALL, 2, loads)["staff_id"].tolist() == [5, 1, 3]


def test_a_flat_moves_to_the_same_workers_teams_first_then_the_least_loaded(crews):
    assert teams.move_candidates(crews, ALL, 1, TODAY)["team_id"].tolist() == [2, 3]
    assert teams.move_candidates(crews, ALL, 2, TODAY)["team_id"].tolist() == [1, 3]
    # Team 3's worker has no other team: team 2 (nobody isolated) before team 1 (one person).
    assert teams.move_candidates(crews, ALL, 3, TODAY)["team_id"].tolist() == [2, 1]
    assert teams.move_candidates(crews, ALL, 99, TODAY).empty


def test_new_team_members_by_post_with_the_teams_they_serve_on(crews):
    found = teams.member_choices(crews, ALL, 1, TODAY)
    assert list(found) == ["grid_worker", "doctor", "police"]
    served = {post: dict(zip(frame["staff_id"], frame["serving"])) for post, frame in found.items()}
    assert served == {"grid_worker": {1: 2, 2: 1}, "doctor": {3: 3}, "police": {4: 3}}
    assert all(frame.empty for frame in teams.member_choices(crews, ALL, 2, TODAY).values())


def test_a_teams_flats(crews):
    assert teams.flats_of(crews, ALL, 1, TODAY)["household_id"].tolist() == [11]
    assert teams.flats_of(crews, ALL, 2, TODAY).empty
