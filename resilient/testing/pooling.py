"""How many swabs to a tube, and how tubes fill at a site, so a positive tube names few stairwells.

Dorfman's two-stage pooling: a tube of k swabs is tested once, and each of its k people again when it is positive,
so with prevalence p the tests per person are 1/k + 1 - (1 - p)^k (one test each at k = 1). Low prevalence
favours big tubes (p = 1 % → 11 swabs, 0.196 tests a person), a rising one small tubes or none.

At a site people arrive as the plan calls them: a stairwell's groups one after another, each stairwell household
by household. Desks take the queue in turn; a desk that takes each arriving person in turn mixes stairwells in
every tube, one that takes the queue in runs of a tube's size fills its tube from one stairwell where it can.
"""

import numpy as np
import pandas as pd

from resilient.testing.rounds import POOL_SIZES  # what a round may choose

LARGEST = 30  # tubes beyond this dilute a swab past what labs accept


def tests_per_person(prevalence: float, pool: int) -> float:
    """Expected tests per person with Dorfman pooling in tubes of `pool` (no pooling at 1)."""
    if pool <= 1:
        return 1.0
    return 1 / pool + 1 - (1 - prevalence) ** pool


def optimum(prevalence: float, largest: int = LARGEST) -> tuple[int, float]:
    """(tube size, tests per person) with the fewest tests per person, whatever the size."""
    sizes = np.arange(1, largest + 1)
    tests = np.array([tests_per_person(prevalence, int(k)) for k in sizes])
    best = int(np.argmin(tests))
    return int(sizes[best]), float(tests[best])


def pool_table(prevalence: float, sizes: tuple[int, ...] = POOL_SIZES) -> pd.DataFrame:
    """Per allowed tube size: tests per person and per 1,000 people at this prevalence, and the best one marked."""
    tests = [tests_per_person(prevalence, k) for k in sizes]
    frame = pd.DataFrame({"pool_size": list(sizes), "tests_per_person": tests})
    frame["tests_per_1000"] = (frame["tests_per_person"] * 1000).round().astype(int)
    frame["best"] = frame["tests_per_person"] == frame["tests_per_person"].min()
    return frame


def suggest_pool(prevalence: float, sizes: tuple[int, ...] = POOL_SIZES) -> int:
    """The allowed tube size with the fewest tests per person (the smaller one on a tie)."""
    table = pool_table(prevalence, sizes)
    return int(table.loc[table["tests_per_person"].idxmin(), "pool_size"])


def fill_tubes(queue: pd.Series, pool: int, desks: int, runs: bool = True) -> np.ndarray:
    """Tube number per person of one site's queue (`queue` = the stairwell of each person in arrival order):
    desks in turn take `pool` people at a time when `runs`, else one person at a time."""
    n = len(queue)
    if n == 0:
        return np.zeros(0, dtype=int)
    step = pool if runs else 1
    desk = (np.arange(n) // step) % max(desks, 1)
    order = np.zeros(n, dtype=int)
    for d in range(max(desks, 1)):
        mine = np.flatnonzero(desk == d)
        order[mine] = d + max(desks, 1) * (np.arange(len(mine)) // pool)
    return np.unique(order, return_inverse=True)[1]


def stairwells_per_tube(stairwell: pd.Series, tube: np.ndarray) -> float:
    """Distinct stairwells per tube, weighted by the swabs in it (a full tube is the likelier positive)."""
    frame = pd.DataFrame({"stairwell": np.asarray(stairwell), "tube": tube})
    per = frame.groupby("tube")["stairwell"].agg(["nunique", "size"])
    return float((per["nunique"] * per["size"]).sum() / per["size"].sum()) if len(per) else 0.0


def queue_of(batches: pd.DataFrame) -> pd.DataFrame:
    """Per site the stairwell of each person in the order the plan calls them (by slot, in the plan's order)."""
    ordered = batches.sort_values(["site_id", "slot_start"], kind="stable")
    return pd.DataFrame({"site_id": np.repeat(ordered["site_id"].to_numpy(), ordered["people"].to_numpy()),
                         "stairwell_id": np.repeat(ordered["stairwell_id"].to_numpy(), ordered["people"].to_numpy())})


def plan_stairwells_per_tube(batches: pd.DataFrame, sites: pd.DataFrame, pool: int, runs: bool = True) -> float:
    """stairwells_per_tube over a whole plan, each site's desks filling tubes as fill_tubes does."""
    if pool <= 1 or batches.empty:
        return 1.0
    desks = sites.set_index("site_id")["desks"].astype(int)
    stairwell, tube, offset = [], [], 0
    for site_id, queue in queue_of(batches).groupby("site_id", sort=True):
        tubes = fill_tubes(queue["stairwell_id"], pool, int(desks.get(site_id, 1)), runs)
        stairwell.append(queue["stairwell_id"].to_numpy())
        tube.append(tubes + offset)
        offset += int(tubes.max()) + 1
    return stairwells_per_tube(pd.Series(np.concatenate(stairwell)), np.concatenate(tube))
