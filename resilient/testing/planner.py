"""Mass-testing round planner: sizing, stairwells to sampling sites in timed queue groups, door-to-door routes.

Pure functions on DataFrames, no database. Time runs on one grid of slots from the round's start. A site swabs
`desks * swabs_per_desk_hour / 60` people a minute; each of its slots takes at most what it can swab within the
slot, so a group called at its slot's start is done before the slot ends and nobody queues longer than a slot.

Assignment (finish first, walking second): the shortest round T0 is where the sites' slots (pro rata, so every
site's load is held to the same T and the sites finish together) first hold everyone; the office may allow it to
end up to N % later to walk less. At T = T0·(1 + N %) the stairwells go to sites as the linear program of least
total walking says (resilient/testing/assignment.py, HiGHS), its few split stairwells placed whole, then whole
stairwells exchanged between sites where that walks less within the same finish. Should that
fail, the older greedy takes over: stairwells by regret to the nearest site with room at the shortest T it
manages, then moved nearer or swapped along chains while that saves walking.

A site's stairwells come down building by building; their people fill its slots in order, cut into groups of at
most `group_cap` at slot boundaries, so a stairwell's groups are consecutive at one site.
"""

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from geo import distance
from resilient.testing import assignment

GUIDE_RESIDENTS_PER_SITE = 2_500  # national guide: one site per 2,000-3,000 residents
GUIDE_RESIDENTS_PER_DESK = 700  # one desk per 600-800 residents
DESK_SWABS_PER_HOUR = 120
FEW_MINUTES = 5  # the longest slot when a site is slow: a one-desk site calls groups of 10, not 20 every 10 min
BATCH_COLUMNS = ["stairwell_id", "site_id", "group_no", "people", "slot_start", "slot_end", "walk_m"]


@dataclass
class Plan:
    """One round: a row per queue group, when it ends, how close to the best possible, how long anyone waits."""

    batches: pd.DataFrame
    finish: datetime
    lower_bound: datetime
    site_finish: dict
    max_wait_minutes: float
    slot_minutes: float


def suggest_sizing(residents: int, hours: float = 6, *, desk_rate: float = DESK_SWABS_PER_HOUR) -> dict:
    """Sites and desks the national guide asks for, so an office knows what to set up before planning."""
    sites = math.ceil(residents / GUIDE_RESIDENTS_PER_SITE)
    desks = max(math.ceil(residents / GUIDE_RESIDENTS_PER_DESK), math.ceil(residents / (desk_rate * hours)))
    finish_hours = residents / (desks * desk_rate) if desks else 0.0
    return {"residents": residents, "hours": hours, "sites": sites, "desks": desks,
            "desks_per_site": math.ceil(desks / sites) if sites else 0, "finish_hours": finish_hours}


def distance_matrix(stairwells: pd.DataFrame, sites: pd.DataFrame) -> np.ndarray:
    """Metres from every stairwell (rows) to every site (columns), in the local frame around the sites."""
    origin = (float(sites["lon"].mean()), float(sites["lat"].mean()))
    return distance.local_matrix(stairwells["lon"], stairwells["lat"], sites["lon"], sites["lat"], origin)


def site_rates(sites: pd.DataFrame) -> np.ndarray:
    """People a minute each site swabs; a missing rate means the guide's 120 swabs an hour per desk."""
    rate = pd.to_numeric(sites.get("swabs_per_desk_hour", pd.Series(index=sites.index, dtype=float)),
                         errors="coerce").fillna(DESK_SWABS_PER_HOUR)
    desks = pd.to_numeric(sites["desks"], errors="coerce").fillna(0)
    return (desks * rate / 60).clip(lower=0).to_numpy(dtype=float)


def slot_length(rates: np.ndarray, group_cap: int, max_wait_minutes: float, few: float = FEW_MINUTES) -> float:
    """Whole minutes in which the slowest site swabs a full group, but no more than a few minutes (slow sites call
    smaller groups; at least one person a slot) and never longer than the longest wait allowed."""
    working = rates[rates > 0]
    if not len(working):
        return float(max_wait_minutes)
    full_group = math.ceil(group_cap / working.min() - 1e-9)
    one_person = math.ceil(1 / working.min() - 1e-9)
    return float(min(full_group, max(few, one_person), max_wait_minutes))


def minutes_from(values: pd.Series, start: datetime, missing: float) -> np.ndarray:
    """Minutes from `start` to each datetime, `missing` where there is none."""
    times = pd.to_datetime(values)
    minutes = (times - pd.Timestamp(start)) / pd.Timedelta(minutes=1)
    return minutes.astype(float).fillna(missing).to_numpy()


def site_windows(sites: pd.DataFrame, start: datetime, slot: float) -> tuple[np.ndarray, np.ndarray]:
    """First slot each site may use and the slot it must stop before (a slot must end by closing time)."""
    n = len(sites)
    opens = minutes_from(sites["opens"], start, 0.0) if "opens" in sites else np.zeros(n)
    closes = minutes_from(sites["closes"], start, np.inf) if "closes" in sites else np.full(n, np.inf)
    first = np.ceil(np.maximum(opens, 0) / slot - 1e-9)
    stop = np.where(np.isinf(closes), np.inf, np.floor(closes / slot + 1e-9))
    return first, stop


def capacities(per_slot: np.ndarray, first: np.ndarray, stop: np.ndarray, k: float) -> np.ndarray:
    """People each site can take when the round must end within `k` slots (a fraction counts pro rata)."""
    return per_slot * np.clip(np.minimum(stop, k) - first, 0, None)


def assign_greedy(people: np.ndarray, dist: np.ndarray, capacity: np.ndarray) -> np.ndarray | None:
    """Site per stairwell, highest regret first, nearest site with room; None when some stairwell fits nowhere."""
    order_sites = np.argsort(dist, axis=1, kind="stable")
    if dist.shape[1] > 1:
        ranked = np.take_along_axis(dist, order_sites[:, :2], axis=1)
        regret = ranked[:, 1] - ranked[:, 0]
    else:
        regret = np.zeros(len(people))
    room = capacity.astype(float).copy()
    site = np.full(len(people), -1)
    for i in np.lexsort((-people, -regret)):
        choices = order_sites[i]
        fits = room[choices] >= people[i]
        if not fits.any():
            return None
        chosen = choices[np.argmax(fits)]
        room[chosen] -= people[i]
        site[i] = chosen
    return site


def move_nearer(site: np.ndarray, people: np.ndarray, dist: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Stairwells moved to a nearer site that still has room, so no one walks past a site with space."""
    site = site.copy()
    load = np.bincount(site, weights=people, minlength=dist.shape[1])
    current = dist[np.arange(len(site)), site]
    for i in np.argsort(dist.min(axis=1) - current):
        nearer = np.flatnonzero((dist[i] < dist[i, site[i]]) & (capacity - load >= people[i]))
        if len(nearer):
            best = nearer[np.argmin(dist[i, nearer])]
            load[site[i]] -= people[i]
            load[best] += people[i]
            site[i] = best
    return site


def cheapest_eviction(site: np.ndarray, people: np.ndarray, dist: np.ndarray, room: np.ndarray, full: int,
                      need: float, visited: frozenset, depth: int, fan: int = 4) -> tuple[float, list]:
    """(extra metres, [(stairwell, site)]) to free `need` people at a full site through up to `depth` moves."""
    others = np.flatnonzero((site == full) & (people >= need))
    if not len(others):
        return np.inf, []
    extra = dist[others] - dist[others, full][:, None]
    blocked = list(visited | {full})
    direct = np.where(room[None, :] >= people[others][:, None], extra, np.inf)
    direct[:, blocked] = np.inf
    j, c = np.unravel_index(np.argmin(direct), direct.shape)
    best = (direct[j, c], [(others[j], c)])
    if depth > 1:
        onward = extra.copy()
        onward[:, blocked] = np.inf
        for flat in np.argsort(onward, axis=None)[:fan]:
            j, c = np.unravel_index(flat, onward.shape)
            if onward[j, c] >= best[0] or room[c] >= people[others[j]]:
                continue
            cost, moves = cheapest_eviction(site, people, dist, room, c, people[others[j]] - room[c],
                                            visited | {full}, depth - 1, fan)
            if onward[j, c] + cost < best[0]:
                best = (onward[j, c] + cost, [(others[j], c), *moves])
    return best


def swap_nearer(site: np.ndarray, people: np.ndarray, dist: np.ndarray, capacity: np.ndarray, *, rounds: int = 3,
                nearer_sites: int = 5, depth: int = 2) -> np.ndarray:
    """Stairwells moved into full nearer sites that send others on, whenever the moved walk less in all."""
    site = site.copy()
    room = capacity - np.bincount(site, weights=people, minlength=dist.shape[1])
    everyone = np.arange(len(site))
    for _ in range(rounds):
        changed = False
        excess = dist[everyone, site] - dist.min(axis=1)
        for i in np.argsort(-excess)[:np.count_nonzero(excess > 0)]:
            a = site[i]
            for b in np.argsort(dist[i])[:nearer_sites]:
                if dist[i, b] >= dist[i, a]:
                    break
                room[a] += people[i]
                cost, moves = cheapest_eviction(site, people, dist, room, b, people[i] - room[b], frozenset(), depth)
                room[a] -= people[i]
                if dist[i, a] - dist[i, b] - cost > 1e-6:
                    for j, c in [(i, b), *moves]:
                        room[site[j]] += people[j]
                        room[c] -= people[j]
                        site[j] = c
                    changed = True
                    break
        if not changed:
            break
    return site


def assign(people: np.ndarray, dist: np.ndarray, per_slot: np.ndarray, first: np.ndarray, stop: np.ndarray,
           tolerance: float = 1e-3) -> np.ndarray:
    """Sites for stairwells within the shortest round the greedy manages (bisection over a real number of slots)."""
    def fits(k: float) -> np.ndarray | None:
        return assign_greedy(people, dist, capacities(per_slot, first, stop, k))

    total = people.sum()
    longest = stop.max()
    high = max(total / per_slot.sum(), 1.0)
    while fits(high) is None:
        if high > longest:
            raise ValueError("the sites' opening hours cannot take everyone; open a site longer or add one")
        high *= 2
    low = 0.0
    while high - low > tolerance * high:
        middle = (low + high) / 2
        if fits(middle) is None:
            low = middle
        else:
            high = middle
    capacity = capacities(per_slot, first, stop, high)
    return swap_nearer(move_nearer(fits(high), people, dist, capacity), people, dist, capacity)


def local_xy(stairwells: pd.DataFrame, sites: pd.DataFrame) -> np.ndarray:
    """Stairwells' metres east and north in the frame distance_matrix uses, for the coarse-to-fine LP."""
    origin = (float(sites["lon"].mean()), float(sites["lat"].mean()))
    x, y = distance.metres_xy(stairwells["lon"], stairwells["lat"], *origin)
    return np.nan_to_num(np.column_stack([x, y]))


def shortest_slots(total: float, per_slot: np.ndarray, first: np.ndarray, stop: np.ndarray) -> float:
    """The fewest slots (a real number) in which the sites' capacities hold `total` people."""
    longest = float(np.max(np.where(np.isinf(stop), -np.inf, stop), initial=-np.inf))
    if np.isinf(stop).any() and (per_slot[np.isinf(stop)] > 0).any():
        longest = np.inf
    elif capacities(per_slot, first, stop, longest).sum() < total - 1e-9:
        raise ValueError("the sites' opening hours cannot take everyone; open a site longer or add one")
    low, high = 0.0, max(total / per_slot.sum(), 1.0)
    while capacities(per_slot, first, stop, high).sum() < total:
        high *= 2
    while high - low > 1e-9 * high:
        middle = (low + high) / 2
        low, high = (middle, high) if capacities(per_slot, first, stop, middle).sum() < total else (low, middle)
    return high


def assign_lp(people: np.ndarray, dist: np.ndarray, per_slot: np.ndarray, first: np.ndarray, stop: np.ndarray,
              xy: np.ndarray | None = None, later: float = 0.0) -> np.ndarray:
    """Sites for stairwells: the LP of least walking at the shortest finish (or `later` that much later), split
    stairwells made whole; raises ValueError when that fails."""
    shortest = shortest_slots(float(people.sum()), per_slot, first, stop)
    k = max(shortest, shortest * (1 + max(later, 0.0)) / (1 + assignment.SLACK))  # the slack inside what is allowed

    def capacity_at(slots: float) -> np.ndarray:
        return capacities(per_slot, first, stop, slots)

    lp = assignment.solve_lp(people, dist, capacity_at(k), xy)
    site, used = assignment.make_whole(lp, people, dist, capacity_at, k)
    site = assignment.swap_whole(site, people, dist, capacity_at(used))
    return move_nearer(site, people, dist, capacity_at(used))


def groups_for_site(people: np.ndarray, per_slot: int, group_cap: int) -> list[tuple[int, int, int, int]]:
    """(stairwell, slot, people, people before it in the slot): slots filled in order, near-equal groups (11+10)."""
    rows = []
    filled = 0
    for position, count in enumerate(people):
        left = int(count)
        while left:
            slot, used = divmod(filled, per_slot)
            share = min(left, per_slot - used)
            pieces = -(-share // group_cap)
            for size in [share // pieces + (k < share % pieces) for k in range(pieces)]:
                rows.append((position, slot, size, filled - slot * per_slot))
                filled += size
            left -= share
    return rows


def empty_plan(start: datetime, slot: float) -> Plan:
    """The plan for nobody to sample."""
    frame = pd.DataFrame({column: pd.Series(dtype=kind) for column, kind in zip(
        BATCH_COLUMNS, ["int64", "int64", "int64", "int64", "datetime64[ns]", "datetime64[ns]", "float64"])})
    return Plan(frame, start, start, {}, 0.0, slot)


def plan_round(stairwells: pd.DataFrame, sites: pd.DataFrame, start: datetime, *, group_cap: int = 20,
               max_wait_minutes: float = 20, later: float = 0.0) -> Plan:
    """Queue groups per stairwell at one site each, ending the round as early as the sites' capacity allows, or up
    to `later` (0.1 = 10 %) after that so fewer walk far."""
    rates = site_rates(sites) if len(sites) else np.zeros(0)
    slot = slot_length(rates, group_cap, max_wait_minutes)
    wanted = stairwells[pd.to_numeric(stairwells["people"], errors="coerce").fillna(0) > 0]
    if wanted.empty:
        return empty_plan(start, slot)
    per_slot = np.floor(rates * slot + 1e-9)
    if not (per_slot > 0).any():
        raise ValueError("no site can swab anyone: give the sites desks")
    first, stop = site_windows(sites, start, slot)
    stop = np.where(per_slot > 0, stop, first)  # a site that cannot swab one person in a slot takes nobody
    people = wanted["people"].to_numpy(dtype=np.int64)
    dist = distance_matrix(wanted, sites)
    try:
        site = assign_lp(people, dist, per_slot, first, stop, local_xy(wanted, sites), later)
    except ValueError:
        site = assign(people, dist, per_slot, first, stop)

    site_ids = sites["site_id"].to_numpy()
    stair_ids = wanted["stairwell_id"].to_numpy()
    buildings = wanted["building_id"].to_numpy() if "building_id" in wanted else stair_ids
    columns = {name: [] for name in ["stairwell_id", "site_id", "group_no", "people", "slot", "walk_m", "done"]}
    for s in np.unique(site):
        members = np.flatnonzero(site == s)
        members = members[np.lexsort((stair_ids[members], buildings[members]))]
        group_no = 0
        previous = -1
        for position, k, size, before in groups_for_site(people[members], int(per_slot[s]), group_cap):
            i = members[position]
            group_no = group_no + 1 if position == previous else 1
            previous = position
            columns["stairwell_id"].append(stair_ids[i])
            columns["site_id"].append(site_ids[s])
            columns["group_no"].append(group_no)
            columns["people"].append(size)
            columns["slot"].append(first[s] + k)
            columns["walk_m"].append(dist[i, s])
            columns["done"].append((first[s] + k) * slot + (before + size) / rates[s])
    slot_no = np.asarray(columns.pop("slot"))
    done = np.asarray(columns.pop("done"))
    batches = pd.DataFrame(columns)
    origin = pd.Timestamp(start)
    batches["slot_start"] = origin + pd.to_timedelta(slot_no * slot, unit="min")
    batches["slot_end"] = origin + pd.to_timedelta((slot_no + 1) * slot, unit="min")
    batches["walk_m"] = batches["walk_m"].round(1)
    waits = done - slot_no * slot
    finish_at = (origin + pd.to_timedelta(done, unit="min")).ceil("s")
    site_finish = pd.Series(finish_at).groupby(batches["site_id"].to_numpy()).max()
    lower = (origin + pd.Timedelta(minutes=float(people.sum() / rates.sum()))).floor("s")
    return Plan(batches[BATCH_COLUMNS], finish_at.max().to_pydatetime(), lower.to_pydatetime(),
                {key: value.to_pydatetime() for key, value in site_finish.items()}, float(waits.max()), slot)


def trade_off(stairwells: pd.DataFrame, sites: pd.DataFrame, start: datetime, *,
              later: tuple[float, ...] = (0, 0.05, 0.1, 0.2, 0.5), **options) -> pd.DataFrame:
    """Finish against walking: per share `later` the plan's finish, mean walk (per person) and longest walk."""
    rows = []
    for share in later:
        plan = plan_round(stairwells, sites, start, later=share, **options)
        batches = plan.batches
        people = batches["people"].sum()
        mean = float((batches["people"] * batches["walk_m"]).sum() / people) if people else 0.0
        rows.append((share, plan.finish, mean, float(batches["walk_m"].max()) if people else 0.0))
    return pd.DataFrame(rows, columns=["later", "finish", "mean_walk_m", "longest_walk_m"])


def route_length(order: list[int], dist: np.ndarray) -> float:
    """Metres along an open path through matrix indices, starting at index 0."""
    path = [0, *order]
    return float(sum(dist[a, b] for a, b in zip(path[:-1], path[1:])))


def nearest_neighbour(dist: np.ndarray) -> list[int]:
    """Greedy open path from index 0: always walk to the closest door not yet visited."""
    n = len(dist)
    seen = np.zeros(n, dtype=bool)
    seen[0] = True
    order, here = [], 0
    for _ in range(n - 1):
        candidates = np.where(seen, np.inf, dist[here])
        here = int(np.argmin(candidates))
        seen[here] = True
        order.append(here)
    return order


def two_opt(order: list[int], dist: np.ndarray) -> list[int]:
    """Open path with segment reversals applied until none shortens it (the start stays fixed)."""
    path = np.array([0, *order])
    n = len(path)
    improved = True
    while improved:
        improved = False
        for i in range(1, n - 1):
            j = np.arange(i + 1, n)
            a, b = path[i - 1], path[i]
            c = path[j]
            after = np.append(path[j[:-1] + 1], -1)
            tail_old = np.where(after >= 0, dist[c, np.maximum(after, 0)], 0.0)
            tail_new = np.where(after >= 0, dist[b, np.maximum(after, 0)], 0.0)
            gain = dist[a, b] + tail_old - dist[a, c] - tail_new
            best = int(np.argmax(gain))
            if gain[best] > 1e-9:
                path[i:j[best] + 1] = path[i:j[best] + 1][::-1].copy()
                improved = True
    return [int(p) for p in path[1:]]


def walking_route(points: pd.DataFrame, start: tuple[float, float]) -> list:
    """Door-to-door visits in a short walking order from `start` (nearest neighbour, then 2-opt)."""
    if points.empty:
        return []
    lon = np.concatenate([[start[0]], points["lon"].to_numpy(dtype=float)])
    lat = np.concatenate([[start[1]], points["lat"].to_numpy(dtype=float)])
    dist = distance.local_matrix(lon, lat, lon, lat, start)
    order = two_opt(nearest_neighbour(dist), dist)
    ids = points["id"].tolist()
    return [ids[k - 1] for k in order]
