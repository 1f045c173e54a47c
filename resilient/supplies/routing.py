"""Door-to-door delivery rounds as frames in, frames out: requests grouped per volunteer, then walked in order.

A volunteer's capacity counts doors (households) a round, not bags: the time goes in walking, climbing and
handing over at each door, and a household's food and medicine go in one visit. With every door weighing one,
grouping is exact and fast by the slot matching volunteer coverage uses (resilient/coverage/volunteers.match:
a minimum-weight full bipartite matching, LAPJVsp): the most households served within reach and capacity, then
the least sum of metres from each volunteer's home to the doors they take. Counting requests instead makes it a
knapsack: HiGHS (scipy.optimize.milp) needed 1-2 s for 500 requests and 50 volunteers on this machine and its
LP rounding left requests behind. The home-to-door sum stands in for the route's length, which is a
vehicle-routing problem: exact enough for walks of a few streets; the routes are then ordered for real.

Each volunteer's doors are ordered by the door-to-door sampling's routing (resilient/testing/planner.py:
nearest neighbour, then 2-opt, in the same local metres) over the distinct buildings from the volunteer's home.
The walk is open: it starts at the volunteer's home, where they set out (fetching the goods from the shop or the
pick-up point is not part of it: where those are differs by request), and ends at the last door; the way home
is not counted, as in the sampling's door-to-door list.
Requests of one building are consecutive stops, 0 m apart; a household's requests stay together.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo import distance
from resilient.coverage.volunteers import match
from resilient.testing.planner import nearest_neighbour, two_opt

ROUTE_COLUMNS = ["request_id", "volunteer_id", "route_stop", "leg_m", "household_id", "building_id"]
UNASSIGNED_COLUMNS = ["request_id", "reason"]
# Why a request is not routed: its building is on no map, no volunteer lives within reach, or all in reach are full.
WHY = ("no_location", "out_of_reach", "all_full")


@dataclass
class Routes:
    """A round: one row per routed request in walking order per volunteer, and the requests left with why."""

    routes: pd.DataFrame      # request_id, volunteer_id, route_stop, leg_m
    unassigned: pd.DataFrame  # request_id, reason (one of WHY)

    @property
    def total_m(self) -> float:
        return float(self.routes["leg_m"].sum())

    def per_volunteer(self) -> pd.DataFrame:
        """volunteer_id, requests, households, buildings walked to, metres."""
        return self.routes.groupby("volunteer_id", sort=True).agg(
            requests=("request_id", "size"), households=("household_id", "nunique"),
            buildings=("building_id", "nunique"), metres=("leg_m", "sum")).reset_index()


def empty_routes() -> Routes:
    return Routes(pd.DataFrame({c: pd.Series(dtype=float if c == "leg_m" else "int64") for c in ROUTE_COLUMNS}),
                  pd.DataFrame({"request_id": pd.Series(dtype="int64"), "reason": pd.Series(dtype=object)}))


def _located(stops: pd.DataFrame) -> pd.Series:
    return stops["lon"].notna() & stops["lat"].notna()


def _households(stops: pd.DataFrame) -> pd.DataFrame:
    """One row per household: its building, where it is, how many requests it has."""
    return stops.groupby("household_id", sort=True).agg(
        building_id=("building_id", "first"), lon=("lon", "first"), lat=("lat", "first"),
        requests=("request_id", "size")).reset_index()


def _walk(home: tuple[float, float], building: np.ndarray, household: np.ndarray, request: np.ndarray,
          lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One volunteer's requests (as arrays) in walking order from `home`: the positions in order, and each one's
    leg in metres (0 after the first of a building)."""
    places, first = np.unique(building, return_index=True)
    xs = np.concatenate([[home[0]], lon[first]])
    ys = np.concatenate([[home[1]], lat[first]])
    dist = distance.local_matrix(xs, ys, xs, ys, home)
    order = two_opt(nearest_neighbour(dist), dist) if len(places) > 1 else [1]
    rank = np.empty(len(places), dtype=np.int64)
    rank[np.asarray(order) - 1] = np.arange(len(places))
    legs = np.empty(len(places))
    path = [0, *order]
    legs[np.asarray(order) - 1] = dist[path[:-1], path[1:]]
    where = np.searchsorted(places, building)
    walked = np.lexsort((request, household, rank[where]))
    leg = legs[where[walked]]
    leg[1:][where[walked][1:] == where[walked][:-1]] = 0.0
    return walked, leg


def _frames(rows: list[pd.DataFrame], left: list[tuple[int, str]]) -> Routes:
    empty = empty_routes()
    routes = pd.concat(rows, ignore_index=True)[ROUTE_COLUMNS] if rows else empty.routes
    unassigned = pd.DataFrame(left, columns=UNASSIGNED_COLUMNS) if left else empty.unassigned
    kinds = {c: "int64" for c in ROUTE_COLUMNS} | {"leg_m": float}
    return Routes(routes.astype(kinds).reset_index(drop=True),
                  unassigned.sort_values("request_id").reset_index(drop=True))


def plan_routes(stops: pd.DataFrame, volunteers: pd.DataFrame, *, capacity_col: str = "capacity",
                reach_m: float = 800.0, first_stop: dict | None = None) -> Routes:
    """Group `stops` (request_id, household_id, building_id, lon, lat) among `volunteers` (volunteer_id, lon, lat,
    capacity: doors a round) and order each one's walk. `first_stop` gives a volunteer's first route_stop
    (after what they already carry); 1 otherwise."""
    located = _located(stops)
    left = [(int(r), "no_location") for r in stops.loc[~located, "request_id"]]
    stops = stops[located]
    vols = volunteers[volunteers["lon"].notna() & volunteers["lat"].notna()].reset_index(drop=True)
    if stops.empty:
        return _frames([], left)
    homes = _households(stops)
    if vols.empty:
        return _frames([], left + [(int(r), "out_of_reach") for r in stops["request_id"]])
    dist = distance.local_matrix(homes["lon"], homes["lat"], vols["lon"], vols["lat"])
    cap = pd.to_numeric(vols[capacity_col], errors="coerce").fillna(0).clip(lower=0).to_numpy(dtype=np.int64)
    chosen = np.full(len(homes), -1)
    for i, j in match(np.where(np.isnan(dist), np.inf, dist), cap, reach_m):
        chosen[i] = j
    in_reach = (dist <= reach_m).any(axis=1)
    reason = {int(h): ("all_full" if in_reach[i] else "out_of_reach")
              for i, h in enumerate(homes["household_id"]) if chosen[i] < 0}
    for request, household in zip(stops["request_id"], stops["household_id"]):
        if int(household) in reason:
            left.append((int(request), reason[int(household)]))
    of_household = dict(zip(homes["household_id"].astype(int), chosen))
    column = stops["household_id"].astype(int).map(of_household).to_numpy()
    arrays = {c: stops[c].to_numpy() for c in ("request_id", "household_id", "building_id", "lon", "lat")}
    first_stop = first_stop or {}
    parts = []
    for j in sorted(set(chosen[chosen >= 0])):
        mine = np.flatnonzero(column == j)
        vid = int(vols["volunteer_id"].iloc[j])
        walked, leg = _walk((float(vols["lon"].iloc[j]), float(vols["lat"].iloc[j])),
                            *(arrays[c][mine] for c in ("building_id", "household_id", "request_id", "lon", "lat")))
        taken = mine[walked]
        parts.append(pd.DataFrame({"request_id": arrays["request_id"][taken], "volunteer_id": vid,
                                   "route_stop": np.arange(len(taken)) + int(first_stop.get(vid, 1)), "leg_m": leg,
                                   "household_id": arrays["household_id"][taken],
                                   "building_id": arrays["building_id"][taken]}))
    rows = [pd.concat(parts, ignore_index=True)] if parts else []
    return _frames(rows, left)


def in_arrival_order(stops: pd.DataFrame, volunteers: pd.DataFrame, *, capacity_col: str = "capacity") -> Routes:
    """The paper list: requests in the order they came in (created_at, else request_id), each volunteer in turn
    (volunteer_id order) taking the next ones until they have `capacity` doors, a later request of a household
    they already have going along, and walking them in that order from home; reach is not known on paper.
    What the planned round is measured against."""
    located = _located(stops)
    left = [(int(r), "no_location") for r in stops.loc[~located, "request_id"]]
    keys = ["created_at", "request_id"] if "created_at" in stops else ["request_id"]
    queue = stops[located].sort_values(keys).reset_index(drop=True)
    vols = volunteers[volunteers["lon"].notna() & volunteers["lat"].notna()].sort_values("volunteer_id")
    taker = np.full(len(queue), -1)
    doors: dict[int, int] = {}  # household -> position of the volunteer who has it
    turn, mine = 0, set()
    capacity = [max(int(c), 0) for c in vols[capacity_col]]
    for k, household in enumerate(queue["household_id"].astype(int)):
        if household not in doors:
            while turn < len(capacity) and len(mine) >= capacity[turn]:
                turn, mine = turn + 1, set()
            if turn == len(capacity):
                continue
            doors[household] = turn
            mine.add(household)
        taker[k] = doors[household]
    rows = []
    for position, vol in enumerate(vols.itertuples(index=False)):
        take = queue[taker == position]
        if take.empty:
            continue
        lon = np.concatenate([[float(vol.lon)], take["lon"].to_numpy(float)])
        lat = np.concatenate([[float(vol.lat)], take["lat"].to_numpy(float)])
        x, y = distance.metres_xy(lon, lat, float(vol.lon), float(vol.lat))
        rows.append(take.assign(volunteer_id=int(vol.volunteer_id), route_stop=np.arange(1, len(take) + 1),
                                leg_m=np.hypot(np.diff(x), np.diff(y))))
    left += [(int(r), "all_full") for r in queue.loc[taker < 0, "request_id"]]
    return _frames(rows, left)
