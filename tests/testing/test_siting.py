"""Where to put k sites: the p-median MILP against brute force, and the suggestion on a community."""

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from bench import planner as bench_planner
from resilient.testing import siting
from tests.testing.test_desk import desk_town  # noqa: F401 (a fixture)

pytestmark = pytest.mark.both_backends


def brute_force(people: np.ndarray, dist: np.ndarray, k: int, capacity: float | None) -> float:
    """Least person-metres over every k candidates, each stairwell's people shared out by an LP."""
    n, m = dist.shape
    best = np.inf
    for chosen in itertools.combinations(range(m), k):
        sub = dist[:, chosen]
        if capacity is None:
            best = min(best, float(people @ sub.min(axis=1)))
            continue
        a_eq = np.kron(np.eye(n), np.ones(k))
        a_ub = np.hstack([np.diag(np.full(k, p)) for p in people])
        res = linprog((people[:, None] * sub).ravel(), A_ub=a_ub, b_ub=np.full(k, capacity), A_eq=a_eq,
                      b_eq=np.ones(n), bounds=(0, 1), method="highs")
        if res.status == 0:
            best = min(best, float(res.fun))
    return best


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("capacitated", [False, True])
def test_p_median_matches_brute_force(seed, capacitated):
    rng = np.random.default_rng(seed)
    n, m, k = 9, 6, int(rng.integers(1, 4))
    people = rng.integers(5, 60, n).astype(float)
    points = rng.uniform(0, 800, (n, 2))
    candidates = rng.uniform(0, 800, (m, 2))
    dist = np.hypot(*(points[:, None, :] - candidates[None, :, :]).transpose(2, 0, 1))
    capacity = people.sum() / k * 1.2 if capacitated else None
    chosen, walking = siting.p_median(people, dist, k, capacity, reach=None)
    assert len(chosen) == k
    assert walking == pytest.approx(brute_force(people, dist, k, capacity), rel=1e-6)


def test_too_few_sites_are_refused():
    with pytest.raises(ValueError):
        siting.p_median(np.array([2000.0, 2000.0]), np.ones((2, 2)), 1, capacity=3000)


def test_suggestion_on_a_community_walks_less_than_one_site_per_compound_area():
    stairwells, _ = bench_planner.synthetic_round(15_000, seed=42)
    buildings = stairwells.groupby("building_id", as_index=False)[["lon", "lat"]].mean()
    suggested = siting.suggest(stairwells, buildings)
    assert len(suggested) == 6 and set(suggested["building_id"]) <= set(buildings["building_id"])
    assert suggested["people"].sum() == 15_000 and (suggested["desks"] >= 1).all()
    by_hand = buildings.sample(6, random_state=1)
    assert siting.mean_walk_to_nearest(stairwells, suggested) < siting.mean_walk_to_nearest(stairwells, by_hand)


def test_nobody_gets_no_suggestion():
    empty = pd.DataFrame(columns=["stairwell_id", "building_id", "lon", "lat", "people"])
    assert siting.suggest(empty, pd.DataFrame(columns=["building_id", "lon", "lat"])).empty


def test_a_clicked_site_is_named_after_the_nearest_building_or_numbered(desk_town):  # noqa: F811
    from tests.testing.test_desk import ADMIN
    from tests.testing.test_testing import scope_of

    con, round_id, _, _ = desk_town
    scope = scope_of(con, ADMIN)
    # Next to B苑's 1栋 (square at 119.955, 31.70; its entrance is the footprint's centre): named after it.
    near = siting.clicked_site(con, scope, round_id, 119.9552, 31.7001)
    assert near == {"building": "B苑1栋", "number": 3}
    far = siting.clicked_site(con, scope, round_id, 119.97, 31.71)   # a field 1.5 km off
    assert far == {"building": None, "number": 3}
    bounds = siting.area_bounds(con, scope)   # the entrances' extent: 1栋 A苑 in the west to 1栋 B苑 in the east
    assert bounds == pytest.approx((119.9502, 31.7001, 119.9552, 31.7001))
