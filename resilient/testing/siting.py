"""Where to put k sampling sites so people walk least: a capacitated p-median, solved as a MILP with HiGHS.

Demand points are stairwells weighted by the people who walk to a site; candidates are the buildings (a site
stands at one). Each open site serves at most the national guide's upper 3,000 residents; a stairwell may be
shared between two sites here (the planner makes it whole later), only which sites open is an integer choice.
Each stairwell may go to its `reach` nearest candidates only, which keeps the MILP small.
"""

import math

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from geo import distance
from resilient.testing import planner

RESIDENTS_PER_SITE_MAX = 3_000  # national guide: one site per 2,000-3,000 residents
REACH = 25
MOST_POINTS = 250  # past this many buildings, demand and candidates are pooled into square cells first


def p_median(people: np.ndarray, dist: np.ndarray, k: int, capacity: float | None = None,
             reach: int | None = REACH, time_limit: float = 10.0) -> tuple[np.ndarray, float]:
    """(open candidate columns, person-metres) of the best k candidates, each serving at most `capacity`."""
    people = np.asarray(people, dtype=float)
    n, m = dist.shape
    k = min(k, m)
    if capacity is not None and capacity * k < people.sum():
        raise ValueError("k sites of this size cannot serve everyone")
    if reach is None or reach >= m:
        rows, cols = np.repeat(np.arange(n), m), np.tile(np.arange(m), n)
    else:
        near = np.argsort(dist, axis=1, kind="stable")[:, :reach]
        rows, cols = np.repeat(np.arange(n), reach), near.ravel()
    e = len(rows)  # variables: x (stairwell-candidate shares) then y (candidate open)
    c = np.concatenate([people[rows] * dist[rows, cols], np.zeros(m)])
    each = sparse.csr_array((np.ones(e), (rows, np.arange(e))), shape=(n, e + m))
    link = sparse.hstack([sparse.identity(e, format="csr"),
                          sparse.csr_array((-np.ones(e), (np.arange(e), cols)), shape=(e, m))]).tocsr()
    count = sparse.csr_array(np.concatenate([np.zeros(e), np.ones(m)])[None, :])
    constraints = [LinearConstraint(each, 1, 1), LinearConstraint(link, -np.inf, 0), LinearConstraint(count, k, k)]
    if capacity is not None:
        load = sparse.hstack([sparse.csr_array((people[rows], (cols, np.arange(e))), shape=(m, e)),
                              sparse.diags(np.full(m, -float(capacity)), format="csr")]).tocsr()
        constraints.append(LinearConstraint(load, -np.inf, 0))
    result = milp(c, constraints=constraints, integrality=np.concatenate([np.zeros(e), np.ones(m)]),
                  bounds=Bounds(0, 1), options={"time_limit": time_limit, "mip_rel_gap": 1e-4})
    if result.x is None:
        raise ValueError("no placement of k sites serves everyone within reach")
    chosen = np.flatnonzero(result.x[e:] > 0.5)
    return chosen, float(result.fun)


def site_count(residents: int) -> int:
    """Sites the guide asks for (planner.suggest_sizing), enough that none serves more than its upper limit."""
    return max(planner.suggest_sizing(residents)["sites"], math.ceil(residents / RESIDENTS_PER_SITE_MAX), 1)


def suggest(stairwells: pd.DataFrame, buildings: pd.DataFrame, k: int | None = None,
            time_limit: float = 3.0) -> pd.DataFrame:
    """The buildings to put k sites at (guide's count by default): building_id, the people each would serve if
    everyone went to the nearest suggested site with room, desks for them (one per 700) and their mean walk."""
    people = stairwells["people"].to_numpy(dtype=float)
    if not len(people) or buildings.empty:
        return pd.DataFrame(columns=["building_id", "lon", "lat", "people", "desks", "mean_walk_m"])
    k = k or site_count(int(people.sum()))
    buildings = thinned(stairwells, buildings)
    dist = np.nan_to_num(distance.local_matrix(stairwells["lon"], stairwells["lat"], buildings["lon"],
                                               buildings["lat"]), nan=0.0)
    capacity = max(RESIDENTS_PER_SITE_MAX, people.sum() / k * 1.05)
    # A building's stairwells stand metres apart: one demand point per building keeps the MILP a page's wait.
    group = pd.factorize(stairwells["building_id"])[0] if "building_id" in stairwells else np.arange(len(people))
    weight = np.bincount(group, weights=people)
    pooled = np.vstack([np.bincount(group, weights=people * dist[:, j]) for j in range(dist.shape[1])]).T
    chosen, _ = p_median(weight, pooled / np.maximum(weight, 1e-9)[:, None], k, capacity, time_limit=time_limit)
    open_dist = dist[:, chosen]
    share = np.zeros(len(chosen))
    walk = np.zeros(len(chosen))
    nearest = open_dist.argmin(axis=1)
    np.add.at(share, nearest, people)
    np.add.at(walk, nearest, people * open_dist[np.arange(len(people)), nearest])
    frame = buildings.iloc[chosen][["building_id", "lon", "lat"]].reset_index(drop=True)
    frame["people"] = share.astype(int)
    frame["desks"] = np.maximum(1, np.ceil(share / planner.GUIDE_RESIDENTS_PER_DESK)).astype(int)
    frame["mean_walk_m"] = np.where(share > 0, walk / np.maximum(share, 1), 0.0).round()
    return frame.sort_values("people", ascending=False, kind="stable").reset_index(drop=True)


def thinned(stairwells: pd.DataFrame, buildings: pd.DataFrame, most: int = MOST_POINTS) -> pd.DataFrame:
    """At most about `most` candidate buildings: on a grid sized so, the building of most people in each cell
    (a street's 2,000 buildings would make the MILP too big to wait for)."""
    if len(buildings) <= most:
        return buildings
    x, y = distance.metres_xy(buildings["lon"], buildings["lat"], float(buildings["lon"].mean()),
                              float(buildings["lat"].mean()))
    x, y = np.asarray(x), np.asarray(y)
    weight = buildings["building_id"].map(stairwells.groupby("building_id")["people"].sum()).fillna(0).to_numpy()
    size = max(np.ptp(x), np.ptp(y), 1.0) / np.sqrt(most)
    for _ in range(20):
        cell = pd.Series(list(zip(np.floor(x / size), np.floor(y / size))))
        if cell.nunique() <= most:
            break
        size *= 1.2
    keep = pd.DataFrame({"cell": cell, "weight": weight}).groupby("cell")["weight"].idxmax()
    return buildings.iloc[np.sort(keep.to_numpy())]


def mean_walk_to_nearest(stairwells: pd.DataFrame, sites: pd.DataFrame) -> float:
    """Metres a person walks on average to the nearest of `sites` (capacity aside)."""
    if sites.empty or stairwells.empty:
        return float("nan")
    dist = distance.local_matrix(stairwells["lon"], stairwells["lat"], sites["lon"], sites["lat"])
    people = stairwells["people"].to_numpy(dtype=float)
    return float(np.nansum(people * np.nanmin(dist, axis=1)) / people.sum())


# --- for the testing page ---------------------------------------------------------------------------------------

def suggested_sites(con, scope, round_id: int, today, k: int | None = None) -> pd.DataFrame:
    """suggest() for a round's stairwells in the viewer's scope, with each building's name and compound."""
    from resilient.testing import rounds

    load = rounds.stairwell_load(con, scope, round_id, today)
    buildings = load.groupby("building_id", as_index=False)[["lon", "lat"]].mean()
    frame = suggest(load, buildings, k)
    names = rounds.stairwell_names(con, scope)[["building_id", "building", "compound"]].drop_duplicates("building_id")
    return frame.merge(names, on="building_id", how="left")


def walks_compared(con, scope, round_id: int, today, suggested: pd.DataFrame) -> dict[str, float]:
    """Mean walk to the nearest site: the round's sites as they stand, and the suggestion."""
    from resilient.testing import rounds

    load = rounds.stairwell_load(con, scope, round_id, today)
    return {"current": mean_walk_to_nearest(load, rounds.sites_frame(con, round_id)),
            "suggested": mean_walk_to_nearest(load, suggested)}


def finish_or_walk(con, scope, round_id: int, today, later: tuple[float, ...] = (0, 0.05, 0.1, 0.2, 0.5)):
    """planner.trade_off() for the round as it stands: finish against mean and longest walk."""
    from resilient.testing import rounds

    start = pd.Timestamp(rounds.round_info(con, round_id)["start_at"]).to_pydatetime()
    return planner.trade_off(rounds.stairwell_load(con, scope, round_id, today), rounds.sites_frame(con, round_id),
                             start, later=later)


NAMED_WITHIN_M = 60  # a site clicked this close to a building's entrance is named after that building


def clicked_site(con, scope, round_id: int, lon: float, lat: float) -> dict:
    """What a site clicked on the map is called: the nearest building within NAMED_WITHIN_M ('building' is its
    compound and name, the page says "…采样点"), else None and the site's number in the round ('number')."""
    from resilient.testing import rounds

    number = len(rounds.sites_frame(con, round_id)) + 1
    places = rounds.stairwell_names(con, scope).dropna(subset=["lon", "lat"])
    if places.empty:
        return {"building": None, "number": number}
    dist = distance.local_matrix([lon], [lat], places["lon"], places["lat"])[0]
    nearest = int(np.nanargmin(dist))
    if not dist[nearest] <= NAMED_WITHIN_M:
        return {"building": None, "number": number}
    row = places.iloc[nearest]
    return {"building": f"{row['compound']}{row['building']}", "number": number}


def area_bounds(con, scope) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the stairwells the viewer may see: where a map to click a site opens."""
    from resilient.testing import rounds

    places = rounds.stairwell_names(con, scope).dropna(subset=["lon", "lat"])
    if places.empty:
        return None
    return (float(places["lon"].min()), float(places["lat"].min()), float(places["lon"].max()),
            float(places["lat"].max()))
