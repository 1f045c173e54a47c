"""Stairwells to sites at a given finish, as the linear program it is (HiGHS through scipy), then made whole.

The assignment at a finish time is a transportation problem: every stairwell's people to sites, no site past what
its slots hold by then, least person-metres. Its LP optimum splits at most one stairwell fewer than there are
sites; those few are placed whole by a small MILP that first keeps the overflow (in slots) least, then walking.
The greedy placement then leaves a few per cent of walking on the table (2.6 % on a street of 40 sites): pairs of
whole stairwells exchanged between neighbouring sites (swap_whole) take back most of it within the same finish.

Solved at stairwell level with every column (3,600 stairwells × 40 sites) the LP takes seconds, so it is solved
coarse to fine: stairwells pooled into square cells, the cells' LP gives each site's price (the dual of its
capacity), and the finer level keeps only the sites within a margin of each row's cheapest priced site. Columns
the prices say would pay (negative reduced cost) are added until none would: the last level is the exact LP.
"""

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

CELLS_M = (200.0, 50.0)  # coarse to fine; each level's margin is its cell's size
TOLERANCE = 1e-6
SLACK = 0.003  # more time the split stairwells may take to be placed whole


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


def _place(people: np.ndarray, priced: np.ndarray, room: np.ndarray, order: np.ndarray) -> np.ndarray | None:
    """Each in `order` to its cheapest priced site with room; None when one fits nowhere."""
    room = room.copy()
    site = np.full(len(people), -1)
    preference = np.argsort(priced, axis=1, kind="stable")
    for i in order:
        fits = room[preference[i]] >= people[i] - TOLERANCE
        if not fits.any():
            return None
        site[i] = preference[i][np.argmax(fits)]
        room[site[i]] -= people[i]
    return site


def make_whole(lp: Fractional, people: np.ndarray, dist: np.ndarray, capacity_at, k: float, *, share: float = 0.2,
               slack: float = SLACK, most: float = 0.05) -> tuple[np.ndarray, float]:
    """(site per stairwell, slots it needs): the LP's whole stairwells kept, except the share that would lose least
    by moving (by the LP's prices); those and the split ones placed again at the priced-cheapest site with room,
    the big and the choosy first, within `slack` more time (more, up to `most`, only if they would not fit).
    `capacity_at(k)` is what each site holds within k slots."""
    n, m = dist.shape
    people = np.asarray(people, dtype=float)
    open_ = capacity_at(k * (1 + most)) > 0
    priced = np.where(open_[None, :], np.nan_to_num(dist, nan=0.0) + lp.prices[None, :], np.inf)
    ranked = np.sort(priced, axis=1)
    regret = ranked[:, 1] - ranked[:, 0] if m > 1 else np.zeros(n)
    regret = np.nan_to_num(regret, posinf=1e9)
    site = np.full(n, -1)
    whole = lp.x >= 1 - TOLERANCE
    site[lp.rows[whole]] = lp.cols[whole]
    free = site < 0
    free[np.argsort(regret, kind="stable")[:int(share * n)]] = True
    kept = ~free
    base = np.bincount(site[kept], weights=people[kept], minlength=m)
    moving = np.flatnonzero(free)
    order = np.argsort(-people[moving] * (regret[moving] + 10), kind="stable")

    def fits(extra: float) -> np.ndarray | None:
        return _place(people[moving], priced[moving], capacity_at(k * (1 + extra)) - base, order)

    placed, used = fits(slack), slack
    if placed is None:
        low, high = slack, 2 * slack
        while fits(high) is None:
            if high >= most:
                raise ValueError("the split stairwells cannot be placed whole")
            low, high = high, min(2 * high, most)
        for _ in range(10):
            middle = (low + high) / 2
            low, high = (middle, high) if fits(middle) is None else (low, middle)
        placed, used = fits(high), high
    site[moving] = placed
    return site, k * (1 + used)


def swap_whole(site: np.ndarray, people: np.ndarray, dist: np.ndarray, capacity: np.ndarray, *,
               candidates: int = 32, neighbours: int = 6, sweeps: int = 8) -> np.ndarray:
    """Whole stairwells exchanged between two sites (or one moved) where that walks less and both sites stay
    within what they hold by the finish (`capacity`, people per site): the repair's greedy choices undone where
    they cost most. Only sites that are among a stairwell's `neighbours` nearest are paired, and per pair the
    `candidates` stairwells that would gain most by crossing; sweeps repeat while any exchange pays."""
    site = site.copy()
    n, m = dist.shape
    if m < 2 or n < 2:
        return site
    p = np.asarray(people, dtype=float)
    cost = np.nan_to_num(np.asarray(dist, dtype=float), nan=0.0)
    load = np.bincount(site, weights=p, minlength=m)
    near = np.argsort(cost, axis=1, kind="stable")[:, :neighbours + 1]
    tolerance = 1e-9 * float(p @ cost[np.arange(n), site]) + 1e-6

    def best_exchange(a: int, b: int):
        at_a, at_b = np.flatnonzero(site == a), np.flatnonzero(site == b)
        gain_a = p[at_a] * (cost[at_a, a] - cost[at_a, b])   # metres saved moving each of a's to b
        gain_b = p[at_b] * (cost[at_b, b] - cost[at_b, a])
        top_a = at_a[np.argsort(-gain_a, kind="stable")[:candidates]]
        top_b = at_b[np.argsort(-gain_b, kind="stable")[:candidates]]
        g = np.concatenate([p[top_a] * (cost[top_a, a] - cost[top_a, b]), [0.0]])   # the last: nobody
        h = np.concatenate([p[top_b] * (cost[top_b, b] - cost[top_b, a]), [0.0]])
        pa, pb = np.concatenate([p[top_a], [0.0]]), np.concatenate([p[top_b], [0.0]])
        delta = pb[None, :] - pa[:, None]   # what a gains in load
        fits = (load[a] + delta <= capacity[a] + TOLERANCE) & (load[b] - delta <= capacity[b] + TOLERANCE)
        total = np.where(fits, g[:, None] + h[None, :], -np.inf)
        i, j = np.unravel_index(np.argmax(total), total.shape)
        if total[i, j] <= tolerance:
            return None
        return (top_a[i] if i < len(top_a) else None), (top_b[j] if j < len(top_b) else None)

    for _ in range(sweeps):
        pairs = {(min(s, t), max(s, t)) for s, row in zip(site, near) for t in row if t != s}
        changed = False
        for a, b in sorted(pairs):
            for _ in range(4 * candidates):
                exchange = best_exchange(a, b)
                if exchange is None:
                    break
                i, j = exchange
                if i is not None:
                    site[i] = b
                    load[a] -= p[i]
                    load[b] += p[i]
                if j is not None:
                    site[j] = a
                    load[b] -= p[j]
                    load[a] += p[j]
                changed = True
        if not changed:
            break
    return site
