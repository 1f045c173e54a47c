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


# --- the plan's tubes -------------------------------------------------------------------------------------------

TUBE_ORDER = ["slot_start", "unit_no", "stairwell_id", "group_no"]


def tube_pieces(households: pd.DataFrame, pool: int, household_tubes: bool) -> tuple[np.ndarray, ...]:
    """(household position, tube number in its building, swabs) for each part of a household in a tube.

    A building's households at one site in the order the plan calls them (slot, stairwell, group, then as the
    call-down lists them) go into tubes of `pool` one after another: a household that does not fit the tube in
    hand opens the next, so it stays whole unless alone it is more than a tube (it then fills tubes of its own and
    its rest opens the next). A stairwell's last tube takes the first households of the building's next stairwell
    at that site while they fit, so tubes run stairwell by stairwell and mix two only where one ends. One tube per
    household when `household_tubes`."""
    pool = max(int(pool), 1)
    frame = households.assign(_at=np.arange(len(households)))
    site = "site_id" if "site_id" in frame else "site"
    frame = frame.sort_values([*TUBE_ORDER, "_at"], kind="stable")
    first_call = frame.groupby(["building_id", site], sort=False)["slot_start"].transform("min")
    frame = frame.assign(_first=first_call).sort_values(["building_id", "_first", site, *TUBE_ORDER, "_at"],
                                                        kind="stable")
    at, tubes, swabs = [], [], []
    building, run, tube, fill = None, None, 0, 0
    for position, b, s, size in zip(frame["_at"], frame["building_id"], frame[site], frame["people"]):
        if b != building:
            building, run, tube, fill = b, s, 1, 0
        elif s != run:                      # the building's stairwells at another site: a tube of their own
            run, tube, fill = s, tube + (fill > 0), 0
        left = int(size)
        if fill and (fill + left > pool or household_tubes):
            tube, fill = tube + 1, 0
        while left:
            take = min(left, pool - fill)
            at.append(position), tubes.append(tube), swabs.append(take)
            left, fill = left - take, fill + take
            if fill == pool and (left or not household_tubes):
                tube, fill = tube + 1, 0
    return np.asarray(at, dtype=int), np.asarray(tubes, dtype=int), np.asarray(swabs, dtype=int)


def plan_tubes(households: pd.DataFrame, pool: int, household_tubes: bool = False) -> pd.DataFrame:
    """Per household (same index) its planned tube and, when it fills more than one, its last: numbered from 1
    within its building, so the call-down sheet and the desk name them alike (管 3, or 管 3–4).

    `households`: building_id, site_id (or site), stairwell_id, unit_no, slot_start, group_no, people, in the
    order the call-down lists a group's flats. Deterministic: the same plan and register give the same tubes."""
    if households.empty:
        return pd.DataFrame({"tube": pd.Series(dtype=int), "tube_last": pd.Series(dtype=int)},
                            index=households.index)
    at, tubes, _ = tube_pieces(households, pool, household_tubes)
    spans = pd.DataFrame({"at": at, "tube": tubes}).groupby("at")["tube"].agg(["min", "max"])
    out = pd.DataFrame({"tube": 0, "tube_last": 0}, index=households.index)
    out.iloc[spans.index.to_numpy(), 0] = spans["min"].to_numpy()
    out.iloc[spans.index.to_numpy(), 1] = spans["max"].to_numpy()
    return out


def planned_stairwells_per_tube(households: pd.DataFrame, pool: int, household_tubes: bool = False) -> float:
    """stairwells_per_tube for the plan's own tubes (plan_tubes), each swab where the packing put it."""
    if households.empty:
        return 0.0
    at, tubes, swabs = tube_pieces(households, pool, household_tubes)
    building = households["building_id"].to_numpy()[at]
    tube_ids = pd.factorize(pd.MultiIndex.from_arrays([building, tubes]))[0]
    stairwell = households["stairwell_id"].to_numpy()[at]
    return stairwells_per_tube(pd.Series(np.repeat(stairwell, swabs)), np.repeat(tube_ids, swabs))


def tube_label(first: int, last: int) -> str:
    """A planned tube as printed: 3, or 3–4 for a household that fills more than one."""
    return "" if not first else str(first) if first == last else f"{first}–{last}"
