"""The batch planner: guide sizing, queue groups per stairwell at one site, waits, bounds, hours, routes."""

import itertools
import math
import random
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from bench import planner as bench_planner
from geo.distance import metres_xy, offset
from resilient.testing import planner
from resilient.testing.planner import plan_round, suggest_sizing, walking_route

pytestmark = pytest.mark.both_backends

START = datetime(2026, 11, 23, 6, 0)
LON, LAT = 119.95, 31.70


def sites_frame(rows: list[tuple], opens=None, closes=None) -> pd.DataFrame:
    """Sites from (site_id, east_m, north_m, desks), open-ended unless told."""
    frame = pd.DataFrame([(sid, *offset(LON, LAT, e, n), desks, 120) for sid, e, n, desks in rows],
                         columns=["site_id", "lon", "lat", "desks", "swabs_per_desk_hour"])
    frame["opens"] = pd.to_datetime(pd.Series(opens or [pd.NaT] * len(rows), dtype="object"))
    frame["closes"] = pd.to_datetime(pd.Series(closes or [pd.NaT] * len(rows), dtype="object"))
    return frame


def stairwells_frame(rows: list[tuple]) -> pd.DataFrame:
    """Stairwells from (stairwell_id, east_m, north_m, people), each its own building."""
    return pd.DataFrame([(sid, sid, *offset(LON, LAT, e, n), people) for sid, e, n, people in rows],
                        columns=["stairwell_id", "building_id", "lon", "lat", "people"])


@pytest.fixture(scope="module")
def community():
    """The demo-sized community (about 15,000 people, 6 sites) and its plan."""
    stairwells, sites = bench_planner.synthetic_round(15_000, seed=42)
    return stairwells, sites, plan_round(stairwells, sites, START)


@pytest.fixture(scope="module")
def street():
    """A street of 100,000 people at 40 sites and its plan."""
    stairwells, sites = bench_planner.synthetic_round(100_000, seed=42)
    return stairwells, sites, plan_round(stairwells, sites, START)


def slot_index(plan: planner.Plan) -> pd.Series:
    """Each group's slot number on the round's grid."""
    return ((plan.batches["slot_start"] - pd.Timestamp(START)) / pd.Timedelta(minutes=plan.slot_minutes)).round()


# --- sizing -------------------------------------------------------------------------------------------------

def test_sizing_follows_the_national_guide():
    sized = suggest_sizing(15_000)
    assert (sized["sites"], sized["desks"], sized["desks_per_site"]) == (6, 22, 4)
    assert sized["finish_hours"] == pytest.approx(15_000 / (22 * 120))
    assert sized["finish_hours"] <= 6


def test_sizing_adds_desks_when_the_round_must_be_shorter():
    assert suggest_sizing(15_000, hours=4)["desks"] == math.ceil(15_000 / 480)
    assert suggest_sizing(100_000)["sites"] == 40
    assert suggest_sizing(0) == {"residents": 0, "hours": 6, "sites": 0, "desks": 0, "desks_per_site": 0,
                                 "finish_hours": 0.0}


# --- building blocks ----------------------------------------------------------------------------------------

def test_metres_and_distances_match_offsets():
    lon, lat = offset(LON, LAT, 300, -400)
    x, y = metres_xy([lon], [lat], LON, LAT)
    assert (x[0], y[0]) == (pytest.approx(300, abs=0.01), pytest.approx(-400, abs=0.01))
    dist = planner.distance_matrix(stairwells_frame([(1, 300, 400, 5)]), sites_frame([(1, 0, 0, 2), (2, 300, 0, 2)]))
    assert dist[0] == pytest.approx([500, 400], abs=0.1)


def test_site_rates_default_to_the_guide():
    sites = sites_frame([(1, 0, 0, 3), (2, 0, 0, 0)])
    sites.loc[0, "swabs_per_desk_hour"] = np.nan
    assert planner.site_rates(sites).tolist() == [6.0, 0.0]
    assert planner.site_rates(sites.drop(columns="swabs_per_desk_hour")).tolist() == [6.0, 0.0]


def test_slot_length_fits_a_full_group_at_the_slowest_site_within_a_few_minutes_and_the_wait():
    assert planner.slot_length(np.array([6.0, 10.0]), 20, 20) == 4
    assert planner.slot_length(np.array([2.0]), 20, 20) == 5  # one desk: groups of 10 every 5 minutes
    assert planner.slot_length(np.array([0.5]), 20, 20) == 5
    assert planner.slot_length(np.array([0.1]), 20, 20) == 10  # at least one person a slot
    assert planner.slot_length(np.array([0.5]), 20, 4) == 4
    assert planner.slot_length(np.array([0.0]), 20, 15) == 15


def test_minutes_from_and_site_windows():
    opens = pd.Series([pd.Timestamp(START) + timedelta(minutes=10), pd.NaT])
    assert planner.minutes_from(opens, START, 0.0).tolist() == [10.0, 0.0]
    sites = sites_frame([(1, 0, 0, 2), (2, 0, 0, 2)], opens=[START + timedelta(minutes=10), None],
                        closes=[None, START + timedelta(minutes=31)])
    first, stop = planner.site_windows(sites, START, 4)
    assert first.tolist() == [3, 0] and stop.tolist() == [np.inf, 7]


def test_capacities_count_open_slots_pro_rata():
    caps = planner.capacities(np.array([10.0, 20.0]), np.array([0, 2]), np.array([np.inf, 3]), 4.5)
    assert caps.tolist() == [45.0, 20.0]


def test_greedy_places_high_regret_first_and_fails_when_nothing_fits():
    dist = np.array([[10.0, 100.0], [10.0, 12.0]])
    assert planner.assign_greedy(np.array([5, 5]), dist, np.array([5.0, 5.0])).tolist() == [0, 1]
    assert planner.assign_greedy(np.array([5, 6]), dist, np.array([5.0, 5.0])) is None


def test_move_nearer_uses_room_at_a_nearer_site():
    dist = np.array([[10.0, 100.0]])
    assert planner.move_nearer(np.array([1]), np.array([5]), dist, np.array([5.0, 5.0])).tolist() == [0]
    assert planner.move_nearer(np.array([1]), np.array([5]), dist, np.array([4.0, 5.0])).tolist() == [1]


def test_swap_nearer_sends_a_neighbour_on_when_both_walk_less():
    dist = np.array([[10.0, 500.0, 900.0], [50.0, 60.0, 900.0]])  # 0 is far from its site 1; 1 barely minds
    moved = planner.swap_nearer(np.array([1, 0]), np.array([5, 5]), dist, np.array([5.0, 5.0, 0.0]))
    assert moved.tolist() == [0, 1]
    kept = planner.swap_nearer(np.array([1, 0]), np.array([5, 5]), np.array([[10.0, 20.0], [5.0, 900.0]]),
                               np.array([5.0, 5.0]))
    assert kept.tolist() == [1, 0]  # the swap would cost the neighbour more than it saves


CHAIN = np.array([[10.0, 2000.0, 1000.0],  # stairwell 0 waits at far site 2 for full site 0
                  [10.0, 20.0, 1000.0],  # stairwell 1 at site 0 minds site 1 little
                  [500.0, 10.0, 30.0]])  # stairwell 2 at site 1 minds site 2 little


def test_cheapest_eviction_follows_a_chain_to_a_site_with_room():
    site, people = np.array([2, 0, 1]), np.array([5, 5, 5])
    room = np.array([0.0, 0.0, 5.0])  # site 2 once stairwell 0 has left
    assert planner.cheapest_eviction(site, people, CHAIN, room, 0, 5, frozenset(), depth=2) == (30.0, [(1, 1), (2, 2)])
    cost, moves = planner.cheapest_eviction(site, people, CHAIN, room, 0, 5, frozenset(), depth=1)
    assert (cost, moves) == (990.0, [(1, 2)])
    assert planner.cheapest_eviction(site, people, CHAIN, room, 0, 6, frozenset(), depth=2)[0] == np.inf


def test_swap_nearer_moves_a_chain_when_that_saves_walking():
    capacity = np.array([5.0, 5.0, 5.0])
    site, people = np.array([2, 0, 1]), np.array([5, 5, 5])
    assert planner.swap_nearer(site, people, CHAIN, capacity).tolist() == [0, 1, 2]
    assert planner.swap_nearer(site, people, CHAIN, capacity, depth=1).tolist() == [2, 0, 1]


def test_swap_nearer_never_overfills_a_site():
    rng = np.random.default_rng(42)
    dist = rng.uniform(0, 1000, size=(200, 8))
    people = rng.integers(5, 60, size=200)
    capacity = np.full(8, people.sum() / 8 * 1.02)
    site = planner.assign_greedy(people, dist, capacity)
    better = planner.swap_nearer(site, people, dist, capacity)
    assert (np.bincount(better, weights=people, minlength=8) <= capacity).all()
    assert dist[np.arange(200), better].sum() <= dist[np.arange(200), site].sum()


def test_assign_finds_the_shortest_round():
    dist = np.array([[1.0, 9.0], [1.0, 9.0], [1.0, 9.0], [1.0, 9.0]])
    site = planner.assign(np.array([10, 10, 10, 10]), dist, np.array([10.0, 10.0]), np.zeros(2),
                          np.full(2, np.inf))
    assert sorted(np.bincount(site, minlength=2).tolist()) == [2, 2]


def test_assign_refuses_when_opening_hours_are_too_short():
    with pytest.raises(ValueError):
        planner.assign(np.array([50]), np.array([[1.0]]), np.array([10.0]), np.zeros(1), np.array([3.0]))


def test_groups_fill_slots_and_respect_the_cap():
    rows = planner.groups_for_site(np.array([30, 15]), per_slot=24, group_cap=20)
    assert rows == [(0, 0, 12, 0), (0, 0, 12, 12), (0, 1, 6, 0), (1, 1, 15, 6)]
    assert planner.groups_for_site(np.array([41]), per_slot=100, group_cap=20) == [
        (0, 0, 14, 0), (0, 0, 14, 14), (0, 0, 13, 28)]


def test_empty_plan_has_the_columns():
    plan = planner.empty_plan(START, 4)
    assert list(plan.batches.columns) == planner.BATCH_COLUMNS and plan.finish == START


# --- the plan -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", ["community", "street"])
def test_every_group_within_the_cap(size, request):
    _, _, plan = request.getfixturevalue(size)
    assert plan.batches["people"].between(1, 20).all()


def test_a_smaller_cap_is_kept():
    stairwells, sites = bench_planner.synthetic_round(3_000, seed=1)
    assert plan_round(stairwells, sites, START, group_cap=8).batches["people"].max() <= 8


@pytest.mark.parametrize("size", ["community", "street"])
def test_nobody_queues_longer_than_allowed(size, request):
    _, sites, plan = request.getfixturevalue(size)
    assert plan.max_wait_minutes <= 20 and plan.slot_minutes <= 20
    rate = sites.set_index("site_id")["desks"] * 120 / 60
    per_slot = plan.batches.groupby(["site_id", "slot_start"])["people"].sum().reset_index()
    assert (per_slot["people"] <= per_slot["site_id"].map(rate) * plan.slot_minutes).all()


def test_a_slow_site_gets_short_slots_and_small_groups():
    sites = sites_frame([(1, 0, 0, 1)])
    sites["swabs_per_desk_hour"] = 30  # half a person a minute
    plan = plan_round(stairwells_frame([(1, 10, 0, 25)]), sites, START, max_wait_minutes=4)
    assert plan.slot_minutes == 4 and plan.max_wait_minutes <= 4
    assert plan.batches["people"].tolist() == [2] * 12 + [1]


@pytest.mark.parametrize("size", ["community", "street"])
def test_every_stairwell_once_at_one_site_in_consecutive_slots(size, request):
    stairwells, _, plan = request.getfixturevalue(size)
    batches = plan.batches.assign(slot=slot_index(plan))
    assert set(batches["stairwell_id"]) == set(stairwells.loc[stairwells["people"] > 0, "stairwell_id"])
    per = batches.groupby("stairwell_id")
    assert (per["site_id"].nunique() == 1).all()
    assert per["people"].sum().sort_index().tolist() == stairwells.set_index("stairwell_id")["people"].sort_index(
    ).loc[lambda s: s > 0].tolist()
    assert (per["group_no"].apply(lambda g: g.tolist() == list(range(1, len(g) + 1)))).all()
    assert per["slot"].apply(lambda s: s.diff().dropna().isin([0, 1]).all()).all()


@pytest.mark.parametrize("size", ["community", "street"])
def test_the_round_ends_near_the_lower_bound(size, request):
    _, _, plan = request.getfixturevalue(size)
    best = plan.lower_bound - START
    assert plan.lower_bound <= plan.finish
    assert plan.finish - START <= best * 1.05 + timedelta(minutes=plan.slot_minutes)


@pytest.mark.parametrize("size", ["community", "street"])
def test_sites_finish_close_together(size, request):
    _, sites, plan = request.getfixturevalue(size)
    finishes = list(plan.site_finish.values())
    assert len(finishes) == len(sites)
    assert max(finishes) - min(finishes) <= (plan.finish - START) * 0.05
    assert max(finishes) == plan.finish


def test_with_equal_loads_everyone_goes_to_the_nearest_site():
    rng = random.Random(42)
    rows = [(k + 1, rng.uniform(-300, -50) * side, rng.uniform(-100, 100), 30)
            for k, side in enumerate([1, -1] * 20)]
    plan = plan_round(stairwells_frame(rows), sites_frame([(1, -200, 0, 4), (2, 200, 0, 4)]), START)
    chosen = plan.batches.groupby("stairwell_id")["site_id"].first()
    nearest = {sid: 1 if east < 0 else 2 for sid, east, _, _ in rows}
    assert chosen.to_dict() == nearest


def test_a_stairwell_next_to_an_under_used_site_goes_there():
    crowd = [(k + 1, -20 + k % 5, k // 5, 40) for k in range(40)]  # all around site 1
    lone = (99, 450, 0, 40)  # nearer to site 2, which nobody else uses
    plan = plan_round(stairwells_frame([*crowd, lone]), sites_frame([(1, 0, 0, 4), (2, 500, 0, 4)]), START)
    chosen = plan.batches.groupby("stairwell_id")["site_id"].first()
    assert chosen[99] == 2
    assert (chosen == 2).sum() > 1  # the crowd spills over to keep the round short, yet site 1 stays nearest


def test_opening_hours_are_respected():
    opens_late = START + timedelta(hours=1)
    closes_early = START + timedelta(minutes=30)
    sites = sites_frame([(1, 0, 0, 4), (2, 100, 0, 4), (3, 200, 0, 4)], opens=[None, opens_late, None],
                        closes=[None, None, closes_early])
    rows = [(k + 1, 10 * (k % 20), 5 * (k // 20), 40) for k in range(60)]
    plan = plan_round(stairwells_frame(rows), sites, START)
    by_site = plan.batches.groupby("site_id")
    assert by_site["slot_start"].min()[2] >= opens_late
    assert by_site["slot_end"].max()[3] <= closes_early
    assert (plan.batches["slot_start"] >= START).all()


def test_too_little_opening_time_is_refused():
    sites = sites_frame([(1, 0, 0, 1)], closes=[START + timedelta(minutes=20)])
    with pytest.raises(ValueError):
        plan_round(stairwells_frame([(1, 0, 0, 500)]), sites, START)


def test_sites_without_desks_are_refused():
    with pytest.raises(ValueError):
        plan_round(stairwells_frame([(1, 0, 0, 5)]), sites_frame([(1, 0, 0, 0)]), START)


def test_one_site_takes_everyone_in_order():
    plan = plan_round(stairwells_frame([(1, 0, 0, 45), (2, 10, 0, 0), (3, 20, 0, 7)]), sites_frame([(1, 0, 0, 3)]),
                      START)
    assert plan.slot_minutes == 4  # 6 a minute: a full group of 20 in 4 minutes, 24 people a slot
    assert plan.batches["stairwell_id"].tolist() == [1, 1, 1, 1, 3, 3]  # the empty stairwell is skipped
    assert plan.batches["people"].tolist() == [12, 12, 11, 10, 3, 4]  # slots of 24: 12+12 | 11+10+3 | 4
    assert plan.batches["group_no"].tolist() == [1, 2, 3, 4, 1, 2]
    assert plan.batches["slot_start"].tolist() == [START + timedelta(minutes=m) for m in [0, 0, 4, 4, 4, 8]]
    assert abs(plan.finish - (START + timedelta(minutes=52 / 6))) <= timedelta(seconds=1)
    assert abs(plan.finish - plan.lower_bound) <= timedelta(seconds=1)


def test_optional_columns_may_be_missing():
    sites = sites_frame([(1, 0, 0, 2)]).drop(columns=["swabs_per_desk_hour", "opens", "closes"])
    stairwells = stairwells_frame([(1, 0, 0, 30)]).drop(columns="building_id")
    plan = plan_round(stairwells, sites, START)
    assert plan.batches["people"].sum() == 30 and plan.slot_minutes == 5


def test_nobody_to_sample_gives_an_empty_plan():
    plan = plan_round(stairwells_frame([]), sites_frame([(1, 0, 0, 3)]), START)
    assert plan.batches.empty and plan.finish == plan.lower_bound == START and plan.site_finish == {}
    assert plan_round(stairwells_frame([(1, 0, 0, 0)]), sites_frame([(1, 0, 0, 3)]), START).batches.empty


# --- door-to-door route -------------------------------------------------------------------------------------

def random_points(n: int, seed: int) -> pd.DataFrame:
    """Doors scattered over 300 m around the start."""
    rng = np.random.default_rng(seed)
    coords = [offset(LON, LAT, float(e), float(n_)) for e, n_ in rng.uniform(-300, 300, size=(n, 2))]
    return pd.DataFrame({"id": [f"h{k}" for k in range(n)], "lon": [c[0] for c in coords],
                         "lat": [c[1] for c in coords]})


def matrix(points: pd.DataFrame) -> np.ndarray:
    """Metres between the start (index 0) and the doors, as the planner measures them."""
    x, y = metres_xy([LON, *points["lon"]], [LAT, *points["lat"]], LON, LAT)
    return np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])


def test_route_length_and_nearest_neighbour():
    dist = np.array([[0, 1, 5], [1, 0, 2], [5, 2, 0]], dtype=float)
    assert planner.nearest_neighbour(dist) == [1, 2]
    assert planner.route_length([1, 2], dist) == 3 and planner.route_length([2, 1], dist) == 7


def test_two_opt_never_lengthens_nearest_neighbour():
    for seed in range(5):
        dist = matrix(random_points(60, seed))
        greedy = planner.nearest_neighbour(dist)
        improved = planner.two_opt(greedy, dist)
        assert sorted(improved) == list(range(1, 61))
        assert planner.route_length(improved, dist) <= planner.route_length(greedy, dist) + 1e-9


def test_route_is_optimal_on_a_tiny_case():
    points = random_points(7, seed=3)
    dist = matrix(points)
    route = walking_route(points, (LON, LAT))
    ids = points["id"].tolist()
    length = planner.route_length([ids.index(i) + 1 for i in route], dist)
    best = min(planner.route_length(list(p), dist) for p in itertools.permutations(range(1, 8)))
    assert sorted(route) == sorted(ids)
    assert length == pytest.approx(best)


def test_route_of_nobody_is_empty():
    assert walking_route(pd.DataFrame(columns=["id", "lon", "lat"]), (LON, LAT)) == []


# --- benchmark helpers --------------------------------------------------------------------------------------

def test_synthetic_round_counts_everyone():
    stairwells, sites = bench_planner.synthetic_round(15_000, seed=42)
    assert stairwells["people"].sum() == 15_000 and len(sites) == 6
    assert 300 <= len(stairwells) <= 420
    assert stairwells["lat"].between(31.69, 31.71).all() and stairwells["lon"].between(119.94, 119.96).all()


def test_measure_reports_the_figures():
    figures = bench_planner.measure(3_000, seed=1)
    assert figures["longest wait (min)"] <= 20 and figures["finish / lower bound"] >= 1
    assert figures["groups"] >= 3_000 / 20
