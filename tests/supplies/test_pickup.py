"""Pick-up points (issue 16): the fewest points within the walk, each building at its nearest, saved whole or not
at all and audited, read in the viewer's scope, and each household told its point."""

import itertools
import json

import numpy as np
import pandas as pd
import pytest

from geo import distance
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.supplies import pickup
from resilient.supplies.pickup import PickupError
from tests.conftest import TODAY, square

pytestmark = pytest.mark.both_backends

ADMIN = User(90, "admin", "管理员", "street_admin")
LEADER = User(91, "leader", "社区书记", "community_leader", community_id=1)
GRID_WORKER = User(93, "gw", "网格员甲", "grid_worker", community_id=1, staff_id=1)
ALL = Scope()
HOURS = "每天 9:00-11:00, 15:00-17:00"


def on_a_line(positions_m: list[float]) -> np.ndarray:
    """Distances between buildings standing at these metres along a street."""
    x = np.asarray(positions_m, dtype=float)
    return np.abs(x[:, None] - x[None, :])


def minimum_cover(dist: np.ndarray, walk: float) -> int:
    """The fewest candidates covering every row, by trying every set (for small hand-made layouts)."""
    n, m = dist.shape
    reach = dist <= walk
    for k in range(1, m + 1):
        if any(reach[:, list(c)].any(axis=1).all() for c in itertools.combinations(range(m), k)):
            return k
    raise AssertionError("no cover")


def covered(dist: np.ndarray, chosen: np.ndarray, walk: float) -> bool:
    return bool((dist[:, chosen].min(axis=1) <= walk).all())


@pytest.mark.parametrize(("positions", "walk", "fewest"), [
    ([0, 100, 200, 300, 400, 500, 600], 150, 3),      # each point serves itself and both neighbours
    ([0, 100, 200, 300, 400, 500, 600], 99, 7),       # nobody shares: a point at every door
    ([0, 10, 20, 1000, 1010], 50, 2),                 # two clusters far apart
    ([0, 100, 200, 300, 400, 500, 600], 600, 1),
])
def test_the_fewest_points_that_keep_everyone_within_the_walk(positions, walk, fewest):
    dist = on_a_line(positions)
    chosen = pickup.fewest_points(dist, walk)
    assert len(chosen) == fewest and covered(dist, chosen, walk)


def test_the_milp_matches_the_true_minimum_where_greedy_does_not():
    """Greedy takes the middle building (it reaches five) and then needs three; two at 100 and 500 suffice."""
    dist = on_a_line([0, 100, 200, 300, 400, 500, 600])
    walk = 200
    assert minimum_cover(dist, walk) == 2
    chosen = pickup.fewest_points(dist, walk)
    assert len(chosen) == 2 and covered(dist, chosen, walk)


@pytest.mark.parametrize("seed", range(6))
def test_random_layouts_use_no_more_points_than_needed(seed):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 500, size=(9, 2))
    dist = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    chosen = pickup.fewest_points(dist, 180, rng.integers(1, 300, 9))
    assert covered(dist, chosen, 180) and len(chosen) == minimum_cover(dist, 180)


def test_among_the_fewest_points_the_least_walking_wins():
    """Three buildings in a row, one point reaches all from the middle or from either end: the middle walks least."""
    dist = on_a_line([0, 100, 200])
    assert pickup.fewest_points(dist, 250, np.array([10, 10, 10])).tolist() == [1]


def test_a_tie_goes_to_the_point_serving_more_residents():
    # building 1 stands halfway between the points at buildings 0 and 2; building 3 sits at point 2 with many
    dist = on_a_line([0, 100, 200, 200])
    chosen = np.array([0, 2])
    nearest = pickup.nearest_assignment(dist, chosen, np.array([5, 5, 5, 400]))
    assert nearest.tolist() == [0, 1, 1, 1]
    nearest = pickup.nearest_assignment(dist, chosen, np.array([400, 5, 5, 1]))
    assert nearest[1] == 0


# --- on the database ------------------------------------------------------------------------------------------

def test_suggestion_on_the_small_community_follows_the_walk(small):
    """Buildings 1-2 stand about 95 m apart, 2-3 about 190 m."""
    for walk, fewest in ((50, 3), (100, 2), (200, 1)):
        suggestion = pickup.suggest(small, ALL, walk)
        assert len(suggestion.points) == fewest, walk
        assert suggestion.farthest_m <= walk
        served = sorted(b for ids in suggestion.points["building_ids"] for b in ids)
        assert served == [1, 2, 3]
    whole = pickup.suggest(small, ALL, 200).points.iloc[0]
    assert whole["at_building_id"] == 2 and whole["households"] == 5 and whole["residents"] == 9


def test_buildings_without_outline_or_point_are_listed_not_placed(small):
    small.execute("UPDATE building SET geom = NULL WHERE building_id = 3")
    suggestion = pickup.suggest(small, ALL, 100)
    assert suggestion.unplaced["building_id"].tolist() == [3]
    assert suggestion.unplaced["name"].tolist() == ["3栋"]
    assert 3 not in {b for ids in suggestion.points["building_ids"] for b in ids}


def test_a_building_known_by_a_point_only_is_placed(small):
    small.execute("UPDATE building SET geom = ST_Centroid(geom) WHERE building_id = 3")
    assert pickup.suggest(small, ALL, 100).unplaced.empty


def test_walks_are_those_of_the_distance_module(small):
    suggestion = pickup.suggest(small, ALL, 100)
    frame = pickup.buildings(small, ALL).set_index("building_id")
    for row in suggestion.points.itertuples():
        for b in row.building_ids:
            metres = distance.local_matrix([frame.loc[b, "lon"]], [frame.loc[b, "lat"]], [row.lon], [row.lat])[0, 0]
            assert metres <= row.farthest_m + 1e-6


def plan(small, walk=100) -> pd.DataFrame:
    return pickup.named(pickup.suggest(small, ALL, walk), "{place}门口取货点", HOURS)


def audit_rows(con, action):
    return con.execute("SELECT username, target, old_value, new_value FROM audit_log WHERE action = $a "
                       "ORDER BY audit_id", {"a": action}).fetchall()


def test_a_saved_plan_tells_every_building_its_point_and_is_audited(small):
    written = pickup.save(small, LEADER, ALL, plan(small))
    assert written == {"points": 2, "buildings": 3}
    points = pickup.points(small, ALL)
    assert len(points) == 2 and points["buildings"].sum() == 3 and points["households"].sum() == 5
    assert set(points["hours"]) == {HOURS}
    (who, target, old, new), = audit_rows(small, "pickup_plan_saved")
    assert who == "leader" and target == "community:1"
    assert json.loads(old) == {"points": 0} and json.loads(new) == {"points": 2, "buildings": 3}


def test_a_new_plan_replaces_the_old_one_whole(small):
    pickup.save(small, LEADER, ALL, plan(small, 100))
    pickup.save(small, LEADER, ALL, plan(small, 200))
    assert len(pickup.points(small, ALL)) == 1
    assert small.execute("SELECT count(*) FILTER (WHERE active), count(*) FROM pickup_point").fetchone() == (1, 3)
    assert small.execute("SELECT count(DISTINCT point_id), count(*) FROM pickup_building").fetchone() == (1, 3)
    assert json.loads(audit_rows(small, "pickup_plan_saved")[-1][2]) == {"points": 2}


@pytest.mark.parametrize("spoil", ["building_twice", "hours_required", "outside_china"])
def test_a_plan_with_one_bad_row_writes_nothing(small, spoil):
    pickup.save(small, LEADER, ALL, plan(small, 50))
    bad = plan(small, 100)
    if spoil == "building_twice":
        bad.at[1, "building_ids"] = bad.at[1, "building_ids"] + [bad.at[0, "building_ids"][0]]
    elif spoil == "hours_required":
        bad.at[1, "hours"] = "  "
    else:
        bad.at[1, "lon"] = 2.35
    with pytest.raises(PickupError) as refused:
        pickup.save(small, LEADER, ALL, bad)
    assert refused.value.code == f"pickup.error.{spoil}"
    assert len(pickup.points(small, ALL)) == 3 and len(audit_rows(small, "pickup_plan_saved")) == 1


def test_only_managers_save_and_only_for_a_whole_community_of_theirs(small):
    with pytest.raises(PickupError) as refused:
        pickup.save(small, GRID_WORKER, ALL, plan(small))
    assert refused.value.code == "pickup.error.not_allowed"
    with pytest.raises(PickupError) as refused:
        pickup.save(small, LEADER, Scope(grid_ids=(1,)), plan(small))
    assert refused.value.code == "pickup.error.whole_community"
    other = User(92, "other", "别的书记", "community_leader", community_id=2)
    with pytest.raises(PickupError) as refused:
        pickup.save(small, other, ALL, plan(small))
    assert refused.value.code == "pickup.error.out_of_scope"
    assert small.execute("SELECT count(*) FROM pickup_point").fetchone()[0] == 0


def test_a_point_renamed_given_hours_and_moved_by_hand_is_audited(small):
    pickup.save(small, LEADER, ALL, plan(small, 200))
    point_id = int(pickup.points(small, ALL)["point_id"].iloc[0])
    pickup.rename(small, LEADER, ALL, point_id, "  东门  取货点 ")
    pickup.set_hours(small, LEADER, ALL, point_id, "每天 8:00-10:00")
    pickup.move(small, LEADER, ALL, point_id, 119.9505, 31.7002)
    row = pickup.points(small, ALL).iloc[0]
    assert (row["name"], row["hours"], row["lon"], row["lat"]) == ("东门 取货点", "每天 8:00-10:00", 119.9505, 31.7002)
    changes = audit_rows(small, "pickup_point_changed")
    assert [json.loads(old) for _, _, old, _ in changes][:2] == [{"name": "A苑2栋门口取货点"}, {"hours": HOURS}]
    assert set(json.loads(changes[2][2])) == {"lon", "lat"}
    assert json.loads(changes[2][3]) == {"lon": 119.9505, "lat": 31.7002}
    assert {target for _, target, _, _ in changes} == {f"pickup_point:{point_id}"}


@pytest.mark.parametrize(("change", "code"), [
    (lambda con, pid: pickup.rename(con, LEADER, ALL, pid, " "), "pickup.error.name_required"),
    (lambda con, pid: pickup.set_hours(con, LEADER, ALL, pid, "x" * 81), "pickup.error.hours_too_long"),
    (lambda con, pid: pickup.move(con, LEADER, ALL, pid, 2.35, 48.85), "pickup.error.outside_china"),
    (lambda con, pid: pickup.rename(con, LEADER, ALL, pid + 99, "东门"), "pickup.error.no_point"),
    (lambda con, pid: pickup.rename(con, GRID_WORKER, ALL, pid, "东门"), "pickup.error.not_allowed"),
])
def test_a_bad_change_by_hand_is_refused_and_changes_nothing(small, change, code):
    pickup.save(small, LEADER, ALL, plan(small, 200))
    point_id = int(pickup.points(small, ALL)["point_id"].iloc[0])
    with pytest.raises(PickupError) as refused:
        change(small, point_id)
    assert refused.value.code == code
    assert pickup.points(small, ALL)["name"].tolist() == ["A苑2栋门口取货点"]
    assert audit_rows(small, "pickup_point_changed") == []


def test_reads_follow_the_scope(small):
    pickup.save(small, LEADER, ALL, plan(small, 100))
    grid_one = Scope(community_ids=(1,), grid_ids=(1,))       # building 1 only
    points = pickup.points(small, grid_one)
    assert len(points) == 1 and points["buildings"].tolist() == [1] and points["households"].tolist() == [3]
    assert set(pickup.household_points(small, grid_one, TODAY)["household_id"]) == {11, 12, 13}
    assert pickup.point_of_household(small, grid_one, 31) is None
    assert pickup.points(small, Scope(community_ids=(2,))).empty


def test_each_household_is_told_its_point_and_the_door_households_are_marked(small):
    assert pickup.point_of_household(small, ALL, 31)["point"] is None    # no plan yet
    pickup.save(small, LEADER, ALL, plan(small, 200))
    told = pickup.point_of_household(small, ALL, 31)
    assert (told["point"], told["hours"], told["building"], told["unit_no"], told["room"]) == \
        ("A苑2栋门口取货点", HOURS, "3栋", 1, "502")
    sheet = pickup.household_points(small, ALL, TODAY).set_index("household_id")
    assert sorted(sheet.index) == [11, 12, 13, 21, 31] and set(sheet["point"]) == {"A苑2栋门口取货点"}
    assert sheet.loc[11, "at_door"] and not sheet.loc[31, "at_door"]   # 11: resident 1 in home isolation


def test_kpis_count_points_households_and_the_door(small):
    assert pickup.kpis(small, ALL, TODAY) == {"points": 0, "households_told": 0, "households_without_point": 5,
                                              "door_households": 1, "farthest_m": 0.0}
    pickup.save(small, LEADER, ALL, plan(small, 200))
    kpi = pickup.kpis(small, ALL, TODAY)
    assert kpi["points"] == 1 and kpi["households_told"] == 5 and 150 < kpi["farthest_m"] <= 200


def test_a_merged_building_keeps_one_point(small):
    from resilient.ops import integrity
    from resilient.places import setup

    pickup.save(small, LEADER, ALL, plan(small, 50))
    small.execute("INSERT INTO building VALUES (4, 2, 2, '4栋', 6, TRUE, ST_GeomFromText($w))",
                  {"w": square(119.9531, 31.7001)})
    small.execute("INSERT INTO pickup_building SELECT 4, point_id, now() FROM pickup_building WHERE building_id = 1")
    setup.merge_buildings(small, LEADER, 4, 3)
    assert small.execute("SELECT count(*) FROM pickup_building WHERE building_id IN (3, 4)").fetchone()[0] == 1
    assert {k: n for k, n in integrity.reference_problems(small).items() if k.startswith("pickup")} == {}
