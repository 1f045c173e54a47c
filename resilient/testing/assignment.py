"""Stairwells to sites at a given finish, as the linear program it is (HiGHS through scipy), then made whole.

The assignment at a finish time is a transportation problem: every stairwell's people to sites, no site past what
its slots hold by then, least person-metres. Its LP optimum splits at most one stairwell fewer than there are
sites; those few are placed whole by a small MILP that first keeps the overflow (in slots) least, then walking.

Solved at stairwell level with every column (3,600 stairwells × 40 sites) the LP takes seconds, so it is solved
coarse to fine: stairwells pooled into square cells, the cells' LP gives each site's price (the dual of its
capacity), and the finer level keeps only the sites within a margin of each row's cheapest priced site. Columns
the prices say would pay (negative reduced cost) are added until none would: the last level is the exact LP.
"""

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

CELLS_M = (200.0, 50.0)  # coarse to fine; each level's margin is its cell's size
TOLERANCE = 1e-6


@dataclass
class Fractional:
    """The LP's answer: x[k] of stairwell rows[k] at site cols[k], total person-metres, site prices (m/person)."""

    rows: np.ndarray
    cols: np.ndarray
    x: np.ndarray
    walking: float
    prices: np.ndarray


def _lp(people: np.ndarray, cost_m: np.ndarray, capacity: np.ndarray, rows: np.ndarray, cols: np.ndarray,
        penalty: float) -> tuple:
    """One restricted LP with an 'unplaced' column per row at `penalty` metres, so it is always feasible."""
    n, m = cost_m.shape
    k = len(rows)
    c = np.concatenate([people[rows] * cost_m[rows, cols], people * penalty])
    a_eq = sparse.csr_array((np.ones(k + n), (np.concatenate([rows, np.arange(n)]), np.arange(k + n))),
                            shape=(n, k + n))
    a_ub = sparse.csr_array((people[rows].astype(float), (cols, np.arange(k))), shape=(m, k + n))
    result = linprog(c, A_ub=a_ub, b_ub=capacity, A_eq=a_eq, b_eq=np.ones(n), bounds=(0, None), method="highs-ds")
    if result.status != 0:
        raise RuntimeError(f"HiGHS: {result.message}")
    return result


def _level(people: np.ndarray, cost_m: np.ndarray, capacity: np.ndarray, prices: np.ndarray | None,
           margin: float) -> Fractional:
    """The exact LP of one level, starting from the columns near each row's cheapest site at the given prices."""
    n, m = cost_m.shape
    open_ = capacity > 0
    if prices is None:
        rows, cols = np.nonzero(np.broadcast_to(open_, (n, m)))
    else:
        priced = np.where(open_, cost_m + prices, np.inf)
        rows, cols = np.nonzero(priced <= priced.min(axis=1, keepdims=True) + margin)
    penalty = 10 * float(cost_m.max(initial=0)) + 1000
    while True:
        result = _lp(people, cost_m, capacity, rows, cols, penalty)
        u, v = result.eqlin.marginals, result.ineqlin.marginals
        reduced = people[:, None] * (cost_m - v[None, :]) - u[:, None]
        reduced[:, ~open_] = np.inf
        reduced[rows, cols] = np.inf
        best = reduced.argmin(axis=1)
        pays = reduced[np.arange(n), best] < -TOLERANCE * np.maximum(people, 1)
        if not pays.any():
            break
        rows, cols = np.concatenate([rows, np.flatnonzero(pays)]), np.concatenate([cols, best[pays]])
    x = result.x[:len(rows)]
    if result.x[len(rows):].max(initial=0) > TOLERANCE:
        raise ValueError("the sites cannot take everyone by this finish")
    used = x > TOLERANCE
    return Fractional(rows[used], cols[used], x[used], float(people[rows] @ (cost_m[rows, cols] * x)), -v)


def _cells(xy: np.ndarray, size: float) -> np.ndarray:
    """Cell number of each point on a square grid of `size` metres."""
    key = np.floor(xy / size).astype(np.int64)
    return np.unique(key, axis=0, return_inverse=True)[1].ravel()


def solve_lp(people: np.ndarray, dist: np.ndarray, capacity: np.ndarray, xy: np.ndarray | None = None,
             cells_m: tuple[float, ...] = CELLS_M) -> Fractional:
    """The LP optimum of stairwells (people, metres to each site) within site capacities; coarse to fine when the
    stairwells' local metres `xy` are given, every column at once when not."""
    people = np.asarray(people, dtype=float)
    cost_m = np.nan_to_num(np.asarray(dist, dtype=float), nan=0.0)  # a stairwell without a place walks nowhere
    capacity = np.asarray(capacity, dtype=float)
    if people.sum() > capacity.sum() * (1 + 1e-9) + TOLERANCE:
        raise ValueError("the sites cannot take everyone by this finish")
    prices, margin = None, 0.0
    if xy is not None and len(people) > 500:
        for size in cells_m:
            cell = _cells(xy, size)
            weight = np.bincount(cell, weights=people)
            pooled = np.column_stack([np.bincount(cell, weights=people * cost_m[:, j], minlength=len(weight))
                                      for j in range(cost_m.shape[1])]) / np.maximum(weight, 1e-9)[:, None]
            prices, margin = _level(weight, pooled, capacity, prices, margin).prices, size
    return _level(people, cost_m, capacity, prices, margin)


def split_rows(lp: Fractional) -> np.ndarray:
    """Stairwells the LP puts at more than one site."""
    return np.unique(lp.rows[lp.x < 1 - TOLERANCE])


def make_whole(lp: Fractional, people: np.ndarray, dist: np.ndarray, capacity: np.ndarray, per_slot: np.ndarray,
               may_run_over: np.ndarray, nearest: int = 3) -> np.ndarray:
    """A site per stairwell: the LP's where it is whole; the split ones placed by a MILP over their LP sites and
    their `nearest` open sites, least overflow first (slots past the finish, only where a site stays open), then
    least walking."""
    n, m = dist.shape
    cost_m = np.nan_to_num(np.asarray(dist, dtype=float), nan=0.0)
    site = np.full(n, -1)
    whole = lp.x >= 1 - TOLERANCE
    site[lp.rows[whole]] = lp.cols[whole]
    split = split_rows(lp)
    if not len(split):
        return site
    room = capacity - np.bincount(site[site >= 0], weights=people[site >= 0], minlength=m)
    open_ = np.flatnonzero(capacity > 0)
    pairs = set(zip(lp.rows[~whole].tolist(), lp.cols[~whole].tolist()))
    for i in split:
        near = open_[np.argsort(cost_m[i, open_], kind="stable")[:nearest]]
        pairs.update((int(i), int(j)) for j in near)
    pairs = sorted(pairs)
    rows = np.array([p[0] for p in pairs])
    cols = np.array([p[1] for p in pairs])
    index = {i: k for k, i in enumerate(split)}
    k = len(pairs)
    walking = people[rows] * cost_m[rows, cols]
    weight = (walking.sum() + 1) * 10  # one slot of overflow outweighs any walking among these few
    c = np.append(walking, weight)
    assign = sparse.csr_array((np.ones(k), ([index[i] for i in rows], np.arange(k))), shape=(len(split), k + 1))
    over = np.where(may_run_over, -per_slot, 0.0)
    load = sparse.hstack([sparse.csr_array((people[rows].astype(float), (cols, np.arange(k))), shape=(m, k)),
                          sparse.csr_array(over[:, None])]).tocsr()
    result = milp(c, constraints=[LinearConstraint(assign, 1, 1), LinearConstraint(load, -np.inf, room)],
                  integrality=np.append(np.ones(k), 0), bounds=Bounds(0, np.append(np.ones(k), np.inf)))
    if result.status != 0 or result.x is None:
        raise ValueError("the split stairwells cannot be placed whole")
    chosen = result.x[:k] > 0.5
    site[rows[chosen]] = cols[chosen]
    return site
