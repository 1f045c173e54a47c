"""Pick-up points: the fewest places, at buildings' doors, so that nobody walks farther than a set distance to
fetch their supplies (the Wuhan advice: a fixed point per building or few buildings), and which point each
household is told.

A saved plan REPLACES the community's current one, whole: its points are retired (kept, inactive, so a notice
already handed out can be traced) and every building of the new plan is told its new point. A plan is made for
whole communities only; a view narrowed to grid cells could otherwise drop the other cells' points.
"""

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from geo import distance
from resilient.core import audit, config, db, queries, reference, roles
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.supplies import door

MAX_NAME = 40
MAX_HOURS = 80
CHINA = (73.0, 18.0, 135.5, 53.6)   # lon/lat box, as the set-up functions check places
TIE_M = 0.5                          # two points closer to a building than this apart in distance are a tie
SOLVE_SECONDS = 20.0


@dataclass(frozen=True)
@reference.defaults_from("defaults.toml", "pickup")
class PickupSettings:
    """How far a resident may walk to their point, and the hours a new point opens."""

    max_walk_m: float
    hours: str

    def __post_init__(self):
        if not 50 <= self.max_walk_m <= 2000:
            raise PickupError("pickup.error.walk_range", low=50, high=2000)
        clean_hours(self.hours)


class PickupError(ValueError):
    """A pick-up change refused: `code` is a translation key, `values` fill it in."""

    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass
class Suggestion:
    """`points`: community_id, at_building_id, compound, building, lon, lat, building_ids (list), buildings,
    households, residents, farthest_m, one row per point; `unplaced`: buildings with neither outline nor point."""

    points: pd.DataFrame
    unplaced: pd.DataFrame
    max_walk_m: float

    @property
    def farthest_m(self) -> float:
        return float(self.points["farthest_m"].max()) if len(self.points) else 0.0


POINT_COLUMNS = ["community_id", "at_building_id", "compound", "building", "lon", "lat", "building_ids",
                 "buildings", "households", "residents", "farthest_m"]


# --- reading --------------------------------------------------------------------------------------------------

def buildings(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Buildings in scope: where they stand (lon/lat NaN for neither outline nor point), GeoJSON, households,
    residents and their active point (point_id, point)."""
    return queries.fetch_df(con, "pickup_buildings", **scope.params())


def points(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Active points in scope with the buildings, households and residents of the scope they serve and the
    farthest walk to them."""
    found = queries.fetch_df(con, "pickup_points", **scope.params())
    served = buildings(con, scope)
    served = served[served["point_id"].notna()].astype({"point_id": int})
    frame = found.merge(served.groupby("point_id").agg(buildings=("building_id", "size"),
                                                       households=("households", "sum"),
                                                       residents=("residents", "sum")),
                        left_on="point_id", right_index=True, how="left")
    walks = _walks(served.merge(found[["point_id", "lon", "lat"]], on="point_id", suffixes=("", "_point")))
    frame["farthest_m"] = frame["point_id"].map(walks.groupby(level=0).max() if len(walks) else {})
    for column in ("buildings", "households", "residents"):
        frame[column] = frame[column].fillna(0).astype(int)
    return frame


def _walks(pairs: pd.DataFrame) -> pd.Series:
    """Metres from each located building to its point, indexed by point_id."""
    pairs = pairs.dropna(subset=["lon", "lat", "lon_point", "lat_point"])
    if pairs.empty:
        return pd.Series(dtype=float)
    metres = distance.distances_m(shapely.points(pairs["lon"], pairs["lat"]),
                                  shapely.points(pairs["lon_point"], pairs["lat_point"]))
    return pd.Series(metres, index=pairs["point_id"].to_numpy())


def household_points(con: duckdb.DuckDBPyConnection, scope: Scope, today: date) -> pd.DataFrame:
    """Each household in scope with building, stairwell, room, the point it is told and its hours, and whether
    it is served at the door instead (door.door_households, the one definition)."""
    frame = queries.fetch_df(con, "pickup_household_points", **scope.params(), household_id=None)
    at_door = set(door.door_households(con, scope, today)["household_id"])
    return frame.assign(at_door=frame["household_id"].isin(at_door))


def point_of_household(con: duckdb.DuckDBPyConnection, scope: Scope, household_id: int) -> dict | None:
    """The point a household in scope is told (point_id, point, hours, lon, lat with its building, unit, room);
    None for a household outside scope; point None while its building has none."""
    frame = queries.fetch_df(con, "pickup_household_points", **scope.params(), household_id=int(household_id))
    if frame.empty:
        return None
    row = frame.iloc[0].to_dict()
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}


def kpis(con: duckdb.DuckDBPyConnection, scope: Scope, today: date) -> dict[str, float]:
    """What the page's cards and the daily report count: active points, households told a point and not yet,
    households served at the door, the farthest walk to a point (metres, 0 without points)."""
    found = points(con, scope)
    told = buildings(con, scope)
    has = told["point_id"].notna()
    return {"points": len(found), "households_told": int(told.loc[has, "households"].sum()),
            "households_without_point": int(told.loc[~has, "households"].sum()),
            "door_households": len(door.door_households(con, scope, today)),
            "farthest_m": float(found["farthest_m"].max()) if found["farthest_m"].notna().any() else 0.0}


# --- suggesting -----------------------------------------------------------------------------------------------

def fewest_points(dist: np.ndarray, max_walk_m: float, residents: np.ndarray | None = None,
                  time_limit: float = SOLVE_SECONDS) -> np.ndarray:
    """Columns (candidates) to open so every row is within `max_walk_m` of one, as few as possible; among those,
    the least resident-metres walked to the nearest. A set-cover MILP (HiGHS) whose walking term weighs less
    than one point, so it only breaks ties between covers of the fewest points."""
    n, m = dist.shape
    if n == 0:
        return np.zeros(0, dtype=int)
    weight = np.ones(n) if residents is None else np.maximum(np.asarray(residents, dtype=float), 1.0)
    rows, cols = np.nonzero(np.nan_to_num(dist, nan=np.inf) <= max_walk_m)
    if len(set(rows)) < n:
        raise ValueError("a building cannot reach any candidate")
    e = len(rows)  # variables: x (building -> candidate) then y (candidate open)
    walk = weight[rows] * dist[rows, cols]
    scale = float(walk.sum()) + 1.0
    c = np.concatenate([walk / scale, np.ones(m)])
    each = sparse.csr_array((np.ones(e), (rows, np.arange(e))), shape=(n, e + m))
    link = sparse.hstack([sparse.identity(e, format="csr"),
                          sparse.csr_array((-np.ones(e), (np.arange(e), cols)), shape=(e, m))]).tocsr()
    result = milp(c, constraints=[LinearConstraint(each, 1, 1), LinearConstraint(link, -np.inf, 0)],
                  integrality=np.concatenate([np.zeros(e), np.ones(m)]), bounds=Bounds(0, 1),
                  options={"time_limit": time_limit, "mip_rel_gap": 1e-6})
    if result.x is None:
        raise ValueError("no cover found in time")
    return np.flatnonzero(result.x[e:] > 0.5)


def nearest_assignment(dist: np.ndarray, chosen: np.ndarray, residents: np.ndarray) -> np.ndarray:
    """For each row, the position in `chosen` of its nearest open point; a tie (within TIE_M) goes to the point
    that the untied buildings already bring more residents to."""
    sub = dist[:, chosen]
    best = sub.min(axis=1)
    tied = (sub <= best[:, None] + TIE_M).sum(axis=1) > 1
    nearest = sub.argmin(axis=1)
    load = np.bincount(nearest[~tied], weights=np.asarray(residents, dtype=float)[~tied], minlength=len(chosen))
    for i in np.flatnonzero(tied):
        options = np.flatnonzero(sub[i] <= best[i] + TIE_M)
        nearest[i] = options[np.argmax(load[options])]   # argmax keeps the first of equal loads: deterministic
    return nearest


def suggest(con: duckdb.DuckDBPyConnection, scope: Scope, max_walk_m: float | None = None) -> Suggestion:
    """The fewest points at buildings' doors, per community in scope, so that no located building is farther
    than `max_walk_m` (the setting by default) from its point; each building then goes to its nearest point."""
    max_walk_m = float(max_walk_m or PickupSettings().max_walk_m)
    found = buildings(con, scope)
    located = found["lon"].notna() & found["lat"].notna()
    frames = [_community_plan(group.reset_index(drop=True), max_walk_m)
              for _, group in found[located].groupby("community_id", sort=True)]
    plan = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=POINT_COLUMNS)
    unplaced = found.loc[~located, ["building_id", "community_id", "compound", "name", "households"]]
    return Suggestion(plan, unplaced.reset_index(drop=True), max_walk_m)


def _community_plan(group: pd.DataFrame, max_walk_m: float) -> pd.DataFrame:
    dist = distance.local_matrix(group["lon"], group["lat"], group["lon"], group["lat"])
    residents = group["residents"].to_numpy(dtype=float)
    chosen = fewest_points(dist, max_walk_m, residents)
    nearest = nearest_assignment(dist, chosen, residents)
    rows = []
    for k, j in enumerate(chosen):
        members = np.flatnonzero(nearest == k)
        at = group.iloc[j]
        rows.append({"community_id": int(at["community_id"]), "at_building_id": int(at["building_id"]),
                     "compound": at["compound"], "building": at["name"], "lon": float(at["lon"]),
                     "lat": float(at["lat"]), "building_ids": group["building_id"].iloc[members].astype(int).tolist(),
                     "buildings": len(members), "households": int(group["households"].iloc[members].sum()),
                     "residents": int(residents[members].sum()), "farthest_m": float(dist[members, j].max())})
    frame = pd.DataFrame(rows, columns=POINT_COLUMNS)
    return frame.sort_values(["compound", "building"], kind="stable").reset_index(drop=True)


def map_buildings(con: duckdb.DuckDBPyConnection, scope: Scope, today: date) -> pd.DataFrame:
    """buildings() with `door`: the households of each served at the door (door.door_households), for the map."""
    frame = buildings(con, scope)
    at_door = door.door_households(con, scope, today)["building_id"].value_counts()
    return frame.assign(door=frame["building_id"].map(at_door).fillna(0).astype(int))


def named(suggestion: Suggestion, pattern: str, hours: str | None = None) -> pd.DataFrame:
    """The suggestion as a plan to save or preview: each point named by `pattern` ({place}: the compound and
    building at whose door it stands), opening at `hours` (the setting by default), numbered -1, -2, ... until
    saved."""
    plan = suggestion.points.copy()
    plan["name"] = [pattern.format(place=f"{c}{b}") for c, b in zip(plan["compound"], plan["building"])]
    plan["hours"] = hours or PickupSettings().hours
    plan["point_id"] = -(np.arange(len(plan)) + 1)
    return plan


def preview_buildings(con: duckdb.DuckDBPyConnection, scope: Scope, plan: pd.DataFrame, today: date) -> pd.DataFrame:
    """map_buildings() as the plan would leave them: each building with the plan's point instead of today's."""
    frame = map_buildings(con, scope, today)
    members = plan[["point_id", "name", "building_ids"]].explode("building_ids").dropna(subset=["building_ids"])
    told = dict(zip(members["building_ids"].astype(int), zip(members["point_id"], members["name"])))
    frame["point_id"] = frame["building_id"].map(lambda b: told.get(b, (None, None))[0])
    frame["point"] = frame["building_id"].map(lambda b: told.get(b, (None, None))[1])
    return frame


# --- writing --------------------------------------------------------------------------------------------------

def _need(actor: User | None) -> None:
    roles.need(actor, "manage_pickup", PickupError("pickup.error.not_allowed", role=getattr(actor, "role", "")))


def _scope(con: duckdb.DuckDBPyConnection, actor: User, scope: Scope) -> Scope:
    return roles.scope_for(con, actor, config.today()).narrow(scope)


def clean_name(text) -> str:
    name = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(text or ""))).strip()
    if not name:
        raise PickupError("pickup.error.name_required")
    if len(name) > MAX_NAME:
        raise PickupError("pickup.error.name_too_long", limit=MAX_NAME)
    return name


def clean_hours(text) -> str:
    """Hours as the office writes them, spaces tidied: the notice prints them as written."""
    hours = re.sub(r"\s+", " ", str(text or "")).strip()
    if not hours:
        raise PickupError("pickup.error.hours_required")
    if len(hours) > MAX_HOURS:
        raise PickupError("pickup.error.hours_too_long", limit=MAX_HOURS)
    return hours


reference.check_defaults(PickupSettings, "defaults.toml", "pickup")


def _place(lon, lat) -> tuple[float, float]:
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise PickupError("pickup.error.no_place") from None
    if not (CHINA[0] <= lon <= CHINA[2] and CHINA[1] <= lat <= CHINA[3]):
        raise PickupError("pickup.error.outside_china", lon=round(lon, 5), lat=round(lat, 5))
    return lon, lat


def save(con: duckdb.DuckDBPyConnection, actor: User | None, scope: Scope, plan: pd.DataFrame) -> dict[str, int]:
    """Write `plan` (rows of community_id, name, hours, lon, lat, building_ids) as the whole plan of each of its
    communities, all or nothing: the old points retired, every listed building told its new point."""
    _need(actor)
    allowed = _scope(con, actor, scope)
    if allowed.grid_ids is not None or allowed.household_ids is not None:
        raise PickupError("pickup.error.whole_community")
    if plan.empty:
        raise PickupError("pickup.error.empty_plan")
    now = config.now()
    known = buildings(con, allowed).set_index("building_id")
    seen: set[int] = set()
    rows = []
    for row in plan.itertuples(index=False):
        community_id = int(row.community_id)
        if allowed.community_ids is not None and community_id not in allowed.community_ids:
            raise PickupError("pickup.error.out_of_scope", community_id=community_id)
        name, hours, (lon, lat) = clean_name(row.name), clean_hours(row.hours), _place(row.lon, row.lat)
        ids = [int(b) for b in row.building_ids]
        for building_id in ids:
            if building_id not in known.index or int(known.loc[building_id, "community_id"]) != community_id:
                raise PickupError("pickup.error.building_out_of_scope", building_id=building_id)
            if building_id in seen:
                raise PickupError("pickup.error.building_twice", building=known.loc[building_id, "name"])
            seen.add(building_id)
        rows.append((community_id, name, hours, lon, lat, ids))
    written = {"points": 0, "buildings": 0}
    with db.transaction(con):
        for community_id in sorted({r[0] for r in rows}):
            before = queries.fetch_all(con, "pickup_community_points", community_id=community_id)[0][0]
            queries.fetch_all(con, "pickup_clear_community", community_id=community_id)
            queries.fetch_all(con, "pickup_retire_community", community_id=community_id, now=now)
            mine = [r for r in rows if r[0] == community_id]
            for _, name, hours, lon, lat, ids in mine:
                point_id = queries.fetch_all(con, "pickup_insert_point", community_id=community_id, point_name=name,
                                             lon=lon, lat=lat, hours=hours, now=now,
                                             by_user=actor.username)[0][0]
                for building_id in ids:
                    queries.fetch_all(con, "pickup_assign_building", building_id=building_id, point_id=point_id,
                                      now=now)
            counts = {"points": len(mine), "buildings": sum(len(r[5]) for r in mine)}
            audit.record(con, actor, "pickup_plan_saved", f"community:{community_id}", old={"points": int(before)},
                         new=counts)
            written = {k: written[k] + v for k, v in counts.items()}
    return written


def _change(con: duckdb.DuckDBPyConnection, actor: User | None, scope: Scope, point_id: int, **change) -> dict:
    """One point changed by hand (name, hours or place), audited with what it was."""
    _need(actor)
    allowed = _scope(con, actor, scope)
    with db.transaction(con):
        found = queries.fetch_df(con, "pickup_point_row", **allowed.params(), point_id=int(point_id))
        if found.empty:
            raise PickupError("pickup.error.no_point", point_id=int(point_id))
        old = found.iloc[0].to_dict()
        new = {k: old[k] for k in ("name", "hours", "lon", "lat")} | change
        queries.fetch_all(con, "pickup_update_point", point_id=int(point_id), now=config.now(),
                          point_name=new["name"], hours=new["hours"], lon=float(new["lon"]), lat=float(new["lat"]))
        audit.record(con, actor, "pickup_point_changed", f"pickup_point:{int(point_id)}",
                     old={k: old[k] for k in change}, new=change)
    return new


def rename(con: duckdb.DuckDBPyConnection, actor: User | None, scope: Scope, point_id: int, name: str) -> dict:
    return _change(con, actor, scope, point_id, name=clean_name(name))


def set_hours(con: duckdb.DuckDBPyConnection, actor: User | None, scope: Scope, point_id: int, hours: str) -> dict:
    return _change(con, actor, scope, point_id, hours=clean_hours(hours))


def move(con: duckdb.DuckDBPyConnection, actor: User | None, scope: Scope, point_id: int, lon: float,
         lat: float) -> dict:
    lon, lat = _place(lon, lat)
    return _change(con, actor, scope, point_id, lon=lon, lat=lat)
