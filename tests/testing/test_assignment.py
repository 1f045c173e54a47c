"""The planner's assignment as a linear program: against brute force, near its LP optimum, finish or walk."""

import itertools
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from bench import planner as bench_planner
from geo.distance import offset
from resilient.testing import assignment, planner
from resilient.testing.planner import plan_round

pytestmark = pytest.mark.both_backends

START = datetime(2026, 11, 23, 6, 0)
LON, LAT = 119.95, 31.70


def brute_force(people: np.ndarray, dist: np.ndarray, capacity: np.ndarray) -> float:
    """Least person-metres over every whole assignment within capacity (inf when none fits)."""
    best = np.inf
    for choice in itertools.product(range(dist.shape[1]), repeat=len(people)):
        choice = np.array(choice)
        if (np.bincount(choice, weights=people, minlength=dist.shape[1]) <= capacity + 1e-9).all():
            best = min(best, float(people @ dist[np.arange(len(people)), choice]))
    return best


@pytest.mark.parametrize("seed", range(12))
def test_lp_is_a_lower_bound_and_equals_brute_force_when_whole(seed):
    rng = np.random.default_rng(seed)
    n, m = rng.integers(3, 7), rng.integers(2, 4)
    people = rng.integers(1, 30, n).astype(float)
    dist = rng.uniform(10, 900, (n, m))
    capacity = np.full(m, people.sum() / m * rng.uniform(1.0, 1.6))
    lp = assignment.solve_lp(people, dist, capacity)
    best = brute_force(people, dist, capacity)
    assert lp.walking <= best + 1e-6
    assert len(assignment.split_rows(lp)) <= m - 1
    if not len(assignment.split_rows(lp)):
        assert lp.walking == pytest.approx(best)


@pytest.mark.parametrize("seed", range(12))
def test_made_whole_fits_its_time_and_is_no_better_than_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    n, m = 6, 3
    people = rng.integers(1, 30, n).astype(float)
    dist = rng.uniform(10, 900, (n, m))
    capacity = np.full(m, people.sum() / m * 1.1)
    lp = assignment.solve_lp(people, dist, capacity)
    try:
        site, k = assignment.make_whole(lp, people, dist, lambda slots: capacity * slots, 1.0, most=0.5)
    except ValueError:
        return  # nothing whole fits within half as long again; the planner falls back to its greedy
    assert (site >= 0).all() and k >= 1.0
    assert (np.bincount(site, weights=people, minlength=m) <= capacity * k + 1e-9).all()
    assert float(people @ dist[np.arange(n), site]) >= brute_force(people, dist, capacity * k) - 1e-6


def test_lp_matches_brute_force_on_divisible_case():
    people = np.array([10.0, 10, 10, 10])
    dist = np.array([[1.0, 9], [2, 8], [9, 1], [8, 2]])
    lp = assignment.solve_lp(people, dist, np.array([20.0, 20.0]))
    assert lp.walking == pytest.approx(brute_force(people, dist, np.array([20.0, 20.0]))) == pytest.approx(60)


def test_coarse_to_fine_reaches_the_full_lp():
    stairwells, sites = bench_planner.synthetic_round(30_000, seed=3)
    sites = sites.assign(lon=sites["lon"] + np.linspace(0, 0.004, len(sites)))  # off the people's centre
    people = stairwells["people"].to_numpy(float)
    dist = planner.distance_matrix(stairwells, sites)
    capacity = planner.site_rates(sites) / planner.site_rates(sites).sum() * people.sum() * 1.001
    full = assignment.solve_lp(people, dist, capacity)
    fine = assignment.solve_lp(people, dist, capacity, planner.local_xy(stairwells, sites))
    assert fine.walking == pytest.approx(full.walking, rel=1e-7)


def test_too_little_capacity_is_refused():
    with pytest.raises(ValueError):
        assignment.solve_lp(np.array([10.0]), np.array([[1.0]]), np.array([5.0]))


# --- the planner on it ------------------------------------------------------------------------------------------

def test_a_swap_of_whole_stairwells_that_walks_less_is_made_within_capacity():
    # Two full sites, each holding the other's near stairwell of the same size: only an exchange helps.
    people = np.array([10.0, 10.0, 5.0])
    dist = np.array([[900.0, 100.0], [100.0, 900.0], [50.0, 60.0]])
    capacity = np.array([15.0, 10.0])
    site = np.array([0, 1, 0])
    swapped = assignment.swap_whole(site, people, dist, capacity)
    assert list(swapped) == [1, 0, 0]


@pytest.mark.parametrize("seed", range(12))
def test_swaps_never_walk_more_nor_overfill_a_site(seed):
    rng = np.random.default_rng(300 + seed)
    n, m = 7, 3
    people = rng.integers(1, 30, n).astype(float)
    dist = rng.uniform(10, 900, (n, m))
    capacity = np.full(m, people.sum() / m * 1.15)
    lp = assignment.solve_lp(people, dist, capacity)
    try:
        site, k = assignment.make_whole(lp, people, dist, lambda slots: capacity * slots, 1.0, most=0.5)
    except ValueError:
        return
    swapped = assignment.swap_whole(site, people, dist, capacity * k)
    assert (np.bincount(swapped, weights=people, minlength=m) <= capacity * k + 1e-9).all()
    walked = float(people @ dist[np.arange(n), swapped])
    assert walked <= float(people @ dist[np.arange(n), site]) + 1e-9
    assert walked >= brute_force(people, dist, capacity * k) - 1e-6


def skewed_round(residents: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The benchmark's round with its sites pulled towards one corner, so capacity and people do not match."""
    stairwells, sites = bench_planner.synthetic_round(residents, seed)
    return stairwells, sites.assign(lon=LON + (sites["lon"] - LON) * 0.6 - 0.002, lat=LAT + (sites["lat"] - LAT) * 0.6)


def walking(plan: planner.Plan) -> float:
    return float((plan.batches["people"] * plan.batches["walk_m"]).sum())


def lp_at_finish(stairwells, sites, plan: planner.Plan) -> float:
    """The LP optimum of the same assignment at the plan's own finish."""
    people = stairwells["people"].to_numpy(float)
    rates = planner.site_rates(sites)
    per_slot = np.floor(rates * plan.slot_minutes + 1e-9)
    first, stop = planner.site_windows(sites, START, plan.slot_minutes)
    k = (plan.finish - START).total_seconds() / 60 / plan.slot_minutes
    capacity = planner.capacities(per_slot, first, stop, k)
    return assignment.solve_lp(people, planner.distance_matrix(stairwells, sites), capacity).walking


@pytest.mark.parametrize("maker, residents", [(bench_planner.synthetic_round, 15_000), (skewed_round, 15_000),
                                              (bench_planner.synthetic_round, 100_000)])
def test_walking_within_two_percent_of_the_lp_and_finish_within_one_of_the_bound(maker, residents):
    stairwells, sites = maker(residents, 42)
    plan = plan_round(stairwells, sites, START)
    assert walking(plan) <= 1.02 * lp_at_finish(stairwells, sites, plan)
    assert (plan.finish - START) <= 1.01 * (plan.lower_bound - START)


def test_one_desk_site_has_a_slot_of_a_few_minutes():
    sites = pd.DataFrame([(1, LON, LAT, 1, 120)], columns=["site_id", "lon", "lat", "desks", "swabs_per_desk_hour"])
    stairwells = pd.DataFrame([(1, 1, *offset(LON, LAT, 50, 0), 60)],
                              columns=["stairwell_id", "building_id", "lon", "lat", "people"])
    plan = plan_round(stairwells, sites, START)
    assert plan.slot_minutes <= 5 and plan.max_wait_minutes <= 5
    assert plan.batches["people"].max() <= 10


@pytest.mark.parametrize("later", [0.05, 0.2])
def test_finish_up_to_n_percent_later_walks_less_and_keeps_the_finish(later):
    stairwells, sites = skewed_round(15_000, 42)
    fastest = plan_round(stairwells, sites, START)
    relaxed = plan_round(stairwells, sites, START, later=later)
    assert (relaxed.finish - START) <= (1 + later) * (relaxed.lower_bound - START) * 1.001
    assert walking(relaxed) < walking(fastest)
    assert relaxed.batches["people"].sum() == fastest.batches["people"].sum() == stairwells["people"].sum()


def test_the_trade_off_curve_falls_as_the_finish_grows():
    stairwells, sites = skewed_round(15_000, 42)
    curve = planner.trade_off(stairwells, sites, START, later=(0, 0.1, 0.3))
    assert list(curve.columns) == ["later", "finish", "mean_walk_m", "longest_walk_m"]
    assert curve["later"].tolist() == [0, 0.1, 0.3]
    assert curve["finish"].is_monotonic_increasing
    assert curve["mean_walk_m"].is_monotonic_decreasing
