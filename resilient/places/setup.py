"""Setting up an office's places from nothing: communities, grid cells, compounds, buildings and their outlines.

A real street office starts from an empty database: these functions are the only way places come to exist besides
a census import, and the demo is made through them too. Each write checks the actor's role and scope, refuses
with a translation key naming what is wrong, and lands in one transaction with its audit row.
"""

import json
import re
import unicodedata
from dataclasses import dataclass

import duckdb
import pandas as pd
import shapely
from pyproj import Geod

from geo.footprints import MAX_AREA_M2, MAX_FLOORS, MIN_AREA_M2
from resilient.core import audit, config, db, queries, roles
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.places import geometry

MAX_NAME = 60
MAX_UNITS = 30                      # stairwells of one building; a long slab has a dozen at most
NEAR_COMMUNITY_M = 3_000.0          # an outline drawn farther from the community's other buildings is a slip
CHINA = (73.0, 18.0, 135.5, 53.6)   # lon/lat box: a shape outside it came from the wrong file or the wrong datum
GEOD = Geod(ellps="WGS84")



class SetupError(ValueError):
    """A set-up step refused: `code` is a translation key, `values` fill it in."""

    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code = code
        self.values = values


def _need(actor: User | None, action: str) -> None:
    roles.need(actor, action, SetupError("setup.error.not_allowed", role=getattr(actor, "role", "")))


def _scope(con: duckdb.DuckDBPyConnection, actor: User) -> Scope:
    return roles.scope_for(con, actor, config.today())


def _in_scope(con: duckdb.DuckDBPyConnection, actor: User, community_id: int) -> None:
    """Leaders set up their own community only; administrators any."""
    allowed = _scope(con, actor).community_ids
    if allowed is not None and int(community_id) not in allowed:
        raise SetupError("setup.error.out_of_scope", community_id=int(community_id))


def name_key(text) -> str:
    """Names compared as people read them: width, spaces and case set aside."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).lower()


def _clean_name(text, field: str) -> str:
    name = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(text or ""))).strip()
    if not name:
        raise SetupError("setup.error.name_required", field=field)
    if len(name) > MAX_NAME:
        raise SetupError("setup.error.name_too_long", field=field, limit=MAX_NAME)
    return name


def _unique(name: str, taken, field: str) -> None:
    if name_key(name) in {name_key(t) for t in taken}:
        raise SetupError("setup.error.name_taken", field=field, name=name)


def _one(con: duckdb.DuckDBPyConnection, query: str, code: str, **params) -> dict:
    frame = queries.fetch_df(con, query, **params)
    if frame.empty:
        raise SetupError(code, **{k: v for k, v in params.items()})
    return frame.iloc[0].to_dict()


# --- communities, grid cells, compounds ------------------------------------------------------------------------

def create_community(con: duckdb.DuckDBPyConnection, actor: User | None, name: str, street: str,
                     district: str | None = None) -> int:
    """A community under a street office; a second one of the same name in the same street is refused."""
    _need(actor, "create_community")
    name, street = _clean_name(name, "community"), _clean_name(street, "street")
    district = _clean_name(district, "district") if district and str(district).strip() else None
    with db.transaction(con):
        existing = queries.fetch_df(con, "setup_communities", community_ids=None)
        same_street = existing[existing["street"].map(name_key) == name_key(street)]
        _unique(name, same_street["name"], "community")
        (community_id,), = queries.fetch_all(con, "setup_insert_community", new_name=name, street=street,
                                             district=district)
        audit.record(con, actor, "setup_community", f"community:{community_id}",
                     new={"name": name, "street": street, "district": district})
    return int(community_id)


def create_grid_cell(con: duckdb.DuckDBPyConnection, actor: User | None, community_id: int, name: str,
                     grid_worker_id: int | None = None) -> int:
    """A grid cell of a community, with its grid worker when they are on the staff list already."""
    _need(actor, "set_up_places")
    name = _clean_name(name, "grid")
    with db.transaction(con):
        _in_scope(con, actor, community_id)
        _unique(name, grid_cells(con, _scope(con, actor), community_id)["name"], "grid")
        if grid_worker_id is not None:
            _check_grid_worker(con, int(community_id), int(grid_worker_id))
        (grid_id,), = queries.fetch_all(con, "setup_insert_grid_cell", community_id=int(community_id), new_name=name,
                                        grid_worker_id=None if grid_worker_id is None else int(grid_worker_id))
        audit.record(con, actor, "setup_grid_cell", f"grid_cell:{grid_id}",
                     new={"community_id": int(community_id), "name": name, "grid_worker_id": grid_worker_id})
    return int(grid_id)


def set_grid_worker(con: duckdb.DuckDBPyConnection, actor: User | None, grid_id: int,
                    staff_id: int | None) -> None:
    """Who looks after a grid cell; None leaves it without a worker (the set-up page then lists it)."""
    _need(actor, "set_up_places")
    with db.transaction(con):
        grid = _one(con, "setup_grid_cell", "setup.error.no_grid", grid_id=int(grid_id))
        _in_scope(con, actor, grid["community_id"])
        if staff_id is not None:
            _check_grid_worker(con, int(grid["community_id"]), int(staff_id))
        queries.fetch_all(con, "setup_set_grid_worker", grid_id=int(grid_id),
                          staff_id=None if staff_id is None else int(staff_id))
        audit.record(con, actor, "setup_grid_worker", f"grid_cell:{grid_id}",
                     old={"grid_worker_id": _plain(grid["grid_worker_id"])}, new={"grid_worker_id": staff_id})


def _check_grid_worker(con: duckdb.DuckDBPyConnection, community_id: int, staff_id: int) -> None:
    staff = _one(con, "setup_staff_member", "setup.error.no_staff", staff_id=staff_id)
    if int(staff["community_id"]) != community_id or staff["role"] != "grid_worker":
        raise SetupError("setup.error.not_a_grid_worker", name=staff["name"])


def create_compound(con: duckdb.DuckDBPyConnection, actor: User | None, community_id: int, name: str) -> int:
    """A compound (小区) of a community; its buildings come from a census import, a footprint file or by hand."""
    _need(actor, "set_up_places")
    name = _clean_name(name, "compound")
    with db.transaction(con):
        _in_scope(con, actor, community_id)
        _unique(name, compounds(con, _scope(con, actor), community_id)["name"], "compound")
        (compound_id,), = queries.fetch_all(con, "setup_insert_compound", community_id=int(community_id),
                                            new_name=name)
        audit.record(con, actor, "setup_compound", f"compound:{compound_id}",
                     new={"community_id": int(community_id), "name": name})
    return int(compound_id)


STAFF_ROLES = ("grid_worker", "doctor", "police")
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def create_staff(con: duckdb.DuckDBPyConnection, actor: User | None, community_id: int, role: str, name: str,
                 phone: str | None = None) -> int:
    """One staff member by hand (the staff sheet brings many): a grid worker can then be given a grid cell."""
    _need(actor, "set_up_places")
    if role not in STAFF_ROLES:
        raise SetupError("setup.error.staff_role", role=role)
    name = _clean_name(name, "staff")
    phone = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", str(phone or ""))) or None
    if phone is not None and not MOBILE.match(phone):
        raise SetupError("setup.error.phone", phone=phone)
    with db.transaction(con):
        _in_scope(con, actor, community_id)
        (staff_id,), = queries.fetch_all(con, "setup_insert_staff", community_id=int(community_id), role=role,
                                         new_name=name, phone=phone)
        audit.record(con, actor, "setup_staff", f"staff:{staff_id}",
                     new={"community_id": int(community_id), "role": role, "name": name})
    return int(staff_id)


def staff(con: duckdb.DuckDBPyConnection, scope: Scope, community_id: int) -> pd.DataFrame:
    """Staff of a community (staff_id, role, name), for choosing a grid cell's worker."""
    return queries.fetch_df(con, "setup_staff", **scope.params(), community_id=int(community_id))


# --- buildings -------------------------------------------------------------------------------------------------

def create_building(con: duckdb.DuckDBPyConnection, actor: User | None, compound_id: int, name: str, *,
                    units: int = 1, floors: int | None = None, grid_id: int | None = None) -> int:
    """A building by hand, with its stairwells and no outline yet (it is listed as not on the map)."""
    _need(actor, "set_up_places")
    name = _clean_name(name, "building")
    if not 1 <= int(units) <= MAX_UNITS:
        raise SetupError("setup.error.units", limit=MAX_UNITS)
    if floors is not None and not 1 <= int(floors) <= MAX_FLOORS:
        raise SetupError("setup.error.floors", limit=MAX_FLOORS)
    with db.transaction(con):
        compound = _one(con, "setup_compound", "setup.error.no_compound", compound_id=int(compound_id))
        _in_scope(con, actor, compound["community_id"])
        _unique(name, queries.fetch_df(con, "setup_building_names", compound_id=int(compound_id))["name"],
                "building")
        if grid_id is not None:
            _check_grid(con, int(compound["community_id"]), int(grid_id))
        (building_id,), = queries.fetch_all(con, "setup_insert_building", compound_id=int(compound_id),
                                            grid_id=None if grid_id is None else int(grid_id), new_name=name,
                                            floors=None if floors is None else int(floors))
        queries.fetch_all(con, "setup_insert_stairwells", building_id=int(building_id), units=int(units))
        audit.record(con, actor, "setup_building", f"building:{building_id}",
                     new={"compound_id": int(compound_id), "name": name, "units": int(units), "floors": floors,
                          "grid_id": grid_id})
    return int(building_id)


def _check_grid(con: duckdb.DuckDBPyConnection, community_id: int, grid_id: int) -> None:
    grid = _one(con, "setup_grid_cell", "setup.error.no_grid", grid_id=grid_id)
    if int(grid["community_id"]) != community_id:
        raise SetupError("setup.error.other_community_grid", grid=grid["name"])


def _building(con: duckdb.DuckDBPyConnection, actor: User, building_id: int) -> dict:
    building = _one(con, "setup_building", "setup.error.no_building", building_id=int(building_id))
    _in_scope(con, actor, building["community_id"])
    return building


def rename_building(con: duckdb.DuckDBPyConnection, actor: User | None, building_id: int, name: str) -> None:
    _need(actor, "set_up_places")
    name = _clean_name(name, "building")
    with db.transaction(con):
        building = _building(con, actor, building_id)
        others = queries.fetch_df(con, "setup_building_names", compound_id=int(building["compound_id"]))
        _unique(name, others[others["building_id"] != int(building_id)]["name"], "building")
        queries.fetch_all(con, "setup_rename_building", building_id=int(building_id), new_name=name)
        audit.record(con, actor, "setup_rename_building", f"building:{building_id}",
                     old={"name": building["name"]}, new={"name": name})


def move_building(con: duckdb.DuckDBPyConnection, actor: User | None, building_id: int, *,
                  compound_id: int | None = None, grid_id: int | None = None) -> None:
    """Another compound or grid cell of the same community; a name the new compound has already is refused."""
    _need(actor, "set_up_places")
    with db.transaction(con):
        building = _building(con, actor, building_id)
        community = int(building["community_id"])
        new_compound = int(building["compound_id"] if compound_id is None else compound_id)
        new_grid = _plain(building["grid_id"]) if grid_id is None else int(grid_id)
        if new_compound != int(building["compound_id"]):
            target = _one(con, "setup_compound", "setup.error.no_compound", compound_id=new_compound)
            if int(target["community_id"]) != community:
                raise SetupError("setup.error.other_community_compound", compound=target["name"])
            _unique(building["name"], queries.fetch_df(con, "setup_building_names",
                                                       compound_id=new_compound)["name"], "building")
        if new_grid is not None:
            _check_grid(con, community, int(new_grid))
        queries.fetch_all(con, "setup_move_building", building_id=int(building_id), compound_id=new_compound,
                          grid_id=new_grid)
        audit.record(con, actor, "setup_move_building", f"building:{building_id}",
                     old={"compound_id": int(building["compound_id"]), "grid_id": _plain(building["grid_id"])},
                     new={"compound_id": new_compound, "grid_id": new_grid})


def delete_building(con: duckdb.DuckDBPyConnection, actor: User | None, building_id: int) -> None:
    """Only an empty building goes: one with households is refused with their count (merge it instead)."""
    _need(actor, "set_up_places")
    with db.transaction(con):
        building = _building(con, actor, building_id)
        if int(building["households"]):
            raise SetupError("setup.error.building_not_empty", building=building["name"],
                             households=int(building["households"]))
        used = {ref: n for ref, n in queries.fetch_all(con, "setup_building_uses", building_id=int(building_id))
                if n}
        if used:
            raise SetupError("setup.error.building_in_use", building=building["name"],
                             uses=", ".join(f"{ref} {n}" for ref, n in used.items()))
        queries.fetch_all(con, "setup_delete_building_stairwells", building_id=int(building_id))
        for query in ("setup_drop_disinfection_marks", "setup_drop_disinfection_areas"):  # its public areas
            queries.fetch_all(con, query, source_id=int(building_id))
        queries.fetch_all(con, "setup_delete_building", building_id=int(building_id))
        audit.record(con, actor, "setup_delete_building", f"building:{building_id}",
                     old={"name": building["name"], "compound_id": int(building["compound_id"])})


# Every column the migrations mark `-- ref: building` or `-- ref: stairwell`; a test keeps this complete, so a new
# reference cannot be left pointing at a merged-away building.
BUILDING_REFERENCES = ("stairwell.building_id", "volunteer.home_building_id", "sampling_site.building_id",
                       "building_leader.building_id", "pickup_building.building_id", "disinfection_area.building_id",
                       "external_case.building_id", "risk_area_building.building_id", "firm.building_id")
STAIRWELL_REFERENCES = ("household.stairwell_id", "batch.stairwell_id", "building_leader.stairwell_id",
                        "plan_version_batch.stairwell_id", "plan_proposal.stairwell_id")
BUILDING_REPOINTS = ("setup_repoint_volunteer_homes", "setup_repoint_sites", "setup_repoint_building_leaders",
                     "setup_drop_twin_pickup", "setup_repoint_pickup", "setup_repoint_disinfection_areas",
                     "setup_drop_disinfection_marks", "setup_drop_disinfection_areas", "cases_repoint_cases",
                     "cases_repoint_risk_buildings", "firms_repoint_building")
STAIRWELL_REPOINTS = ("setup_repoint_households", "setup_repoint_batches", "setup_repoint_stairwell_leaders",
                      "setup_repoint_plan_versions", "setup_repoint_plan_proposals")


def merge_buildings(con: duckdb.DuckDBPyConnection, actor: User | None, source_id: int, target_id: int) -> dict:
    """Two records of one building become the target: stairwells of the same number join, others move over.

    A room both twins have (two households behind one door) is refused, naming it; everything that named the
    source (volunteers' homes, sampling sites, building leaders, testing plans) names the target afterwards.
    """
    _need(actor, "set_up_places")
    if int(source_id) == int(target_id):
        raise SetupError("setup.error.merge_itself")
    with db.transaction(con):
        source, target = _building(con, actor, source_id), _building(con, actor, target_id)
        if int(source["community_id"]) != int(target["community_id"]):
            raise SetupError("setup.error.merge_communities", source=source["name"], target=target["name"])
        twins = {unit: sid for sid, unit in queries.fetch_all(con, "setup_stairwells", building_id=int(target_id))}
        joined = moved = 0
        for stairwell_id, unit_no in queries.fetch_all(con, "setup_stairwells", building_id=int(source_id)):
            twin = twins.get(unit_no)
            if twin is None:
                queries.fetch_all(con, "setup_move_stairwell", stairwell_id=stairwell_id, target_id=int(target_id))
                moved += 1
                continue
            clashes = [r for r, in queries.fetch_all(con, "setup_room_clashes", source_stairwell_id=stairwell_id,
                                                      target_stairwell_id=twin)]
            if clashes:
                raise SetupError("setup.error.merge_rooms", unit=unit_no, rooms="、".join(clashes[:10]),
                                 count=len(clashes))
            for query in STAIRWELL_REPOINTS:
                queries.fetch_all(con, query, source_id=stairwell_id, target_id=twin)
            queries.fetch_all(con, "setup_delete_stairwell", stairwell_id=stairwell_id)
            joined += 1
        for query in BUILDING_REPOINTS:
            queries.fetch_all(con, query, source_id=int(source_id), target_id=int(target_id))
        if _rank(source) > _rank(target):  # an outline over a point, a point over nothing
            queries.fetch_all(con, "setup_take_outline", source_id=int(source_id), target_id=int(target_id))
        queries.fetch_all(con, "setup_delete_building", building_id=int(source_id))
        _recut(con, int(target_id))
        counts = {"stairwells_joined": joined, "stairwells_moved": moved, "households": int(source["households"])}
        audit.record(con, actor, "setup_merge_buildings", f"building:{target_id}",
                     old={"source_id": int(source_id), "source": source["name"]}, new=counts)
    return counts


def set_outline(con: duckdb.DuckDBPyConnection, actor: User | None, building_id: int, shape) -> dict:
    """A building's outline from a drawn or picked polygon (GeoJSON dict or shapely), its stairwells recut.

    Only a valid polygon of a building's size, in China and near the community's other buildings, is stored.
    """
    _need(actor, "set_up_places")
    polygon = outline_from(shape)
    with db.transaction(con):
        building = _building(con, actor, building_id)
        distance = _distance_to(community_centre(con, int(building["community_id"])), polygon)
        if distance is not None and distance > NEAR_COMMUNITY_M:
            raise SetupError("setup.error.outline_far", building=building["name"], km=round(distance / 1000, 1))
        queries.fetch_all(con, "setup_set_outline", building_id=int(building_id), wkb=shapely.to_wkb(polygon))
        recut = _recut(con, int(building_id))
        audit.record(con, actor, "setup_outline", f"building:{building_id}",
                     old={"had_outline": bool(building["has_outline"]), "had_point": bool(building["has_point"])},
                     new={"area_m2": round(area_m2(polygon)), "stairwells_recut": recut})
    return {"area_m2": round(area_m2(polygon)), "stairwells_recut": recut, "distance_m": distance}


def _rank(building: dict) -> int:
    return 2 if building["has_outline"] else int(bool(building["has_point"]))


def set_point(con: duckdb.DuckDBPyConnection, actor: User | None, building_id: int, lon, lat) -> dict:
    """A point where the building stands, for an office that knows where it is but not its shape yet.

    A stopgap: the building is on the maps as a dot and still listed as lacking its outline; a later outline
    replaces the point, and a point never replaces an outline. Stored WGS-84 in the building's geom, as outlines.
    """
    _need(actor, "set_up_places")
    point = point_from(lon, lat)
    with db.transaction(con):
        building = _building(con, actor, building_id)
        if building["has_outline"]:
            raise SetupError("setup.error.point_over_outline", building=building["name"])
        distance = _distance_to(community_centre(con, int(building["community_id"])), point)
        if distance is not None and distance > NEAR_COMMUNITY_M:
            raise SetupError("setup.error.point_far", building=building["name"], km=round(distance / 1000, 1))
        queries.fetch_all(con, "setup_set_outline", building_id=int(building_id), wkb=shapely.to_wkb(point))
        _recut(con, int(building_id))  # a point has no stairwell shapes: those of an old outline go
        audit.record(con, actor, "setup_point", f"building:{building_id}",
                     old={"had_point": bool(building["has_point"])},
                     new={"lon": round(point.x, 6), "lat": round(point.y, 6)})
    return {"lon": point.x, "lat": point.y, "distance_m": distance}


def point_from(lon, lat):
    """Typed or clicked WGS-84 coordinates as a point, or a refusal: numbers, and inside China's box."""
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        raise SetupError("setup.error.point_missing") from None
    if x != x or y != y:
        raise SetupError("setup.error.point_missing")
    if not (CHINA[0] <= x <= CHINA[2] and CHINA[1] <= y <= CHINA[3]):
        raise SetupError("setup.error.point_outside_china", lon=round(x, 4), lat=round(y, 4))
    return shapely.Point(x, y)


def outline_from(shape):
    """A drawn shape as a clean WGS-84 polygon, or a refusal saying what is wrong with it."""
    if isinstance(shape, str):
        shape = json.loads(shape)
    if isinstance(shape, dict):
        shape = shapely.geometry.shape(shape.get("geometry", shape))
    if shape is None or shape.is_empty or shape.geom_type not in ("Polygon", "MultiPolygon"):
        raise SetupError("setup.error.outline_not_polygon", kind=getattr(shape, "geom_type", ""))
    if not shape.is_valid:
        shape = shapely.make_valid(shape)
        polygons = [g for g in getattr(shape, "geoms", [shape]) if g.geom_type in ("Polygon", "MultiPolygon")]
        if not polygons:
            raise SetupError("setup.error.outline_not_polygon", kind=shape.geom_type)
        shape = shapely.union_all(polygons)
    west, south, east, north = shape.bounds
    if not (CHINA[0] <= west and east <= CHINA[2] and CHINA[1] <= south and north <= CHINA[3]):
        raise SetupError("setup.error.outline_outside_china", lon=round(shape.centroid.x, 4),
                         lat=round(shape.centroid.y, 4))
    size = area_m2(shape)
    if not MIN_AREA_M2 <= size <= MAX_AREA_M2:
        raise SetupError("setup.error.outline_size", area=round(size))
    return shape


def area_m2(shape) -> float:
    return abs(GEOD.geometry_area_perimeter(shape)[0])


def _distance_to(centre: tuple[float, float] | None, shape) -> float | None:
    """Metres from the community's centre to the shape's; None when the community has no located building yet."""
    if centre is None:
        return None
    lon, lat = centre
    point = shape.centroid
    return float(GEOD.inv(lon, lat, point.x, point.y)[2])


def _recut(con: duckdb.DuckDBPyConnection, building_id: int) -> int:
    """Stairwell shapes cut afresh from the building's outline (none while it has no outline)."""
    queries.fetch_all(con, "setup_reset_stairwell_shapes", building_id=building_id)
    rows = queries.fetch_df(con, "stairwells_to_cut", building_ids=[building_id], community_ids=None,
                            grid_ids=None, household_ids=None)
    return geometry.write_stairwell_shapes(con, geometry.stairwell_shapes(rows))


def _plain(value):
    return None if value is None or (isinstance(value, float) and value != value) or value is pd.NA else int(value)


# --- what is there, and what is missing ------------------------------------------------------------------------

STEPS = ("community", "grid_cells", "compounds", "outlines", "register", "staff")


@dataclass
class Step:
    """One step of setting up a community: done or not, its figure, and what is still missing."""

    step: str
    done: bool
    count: int
    missing: int = 0


def status(con: duckdb.DuckDBPyConnection, scope: Scope, community_id: int) -> list[Step]:
    """Step by step what a community has; the set-up page and its 'still missing' list read this only."""
    found = queries.fetch_df(con, "setup_status_counts", **scope.params(), community_id=int(community_id))
    if found.empty:
        raise SetupError("setup.error.out_of_scope", community_id=int(community_id))
    c = found.iloc[0].to_dict()
    c = {k: int(v) for k, v in c.items()}
    return [
        Step("community", True, 1),
        Step("grid_cells", c["grid_cells"] > 0 and c["grid_cells_without_worker"] == 0, c["grid_cells"],
             c["grid_cells_without_worker"]),
        Step("compounds", c["compounds"] > 0, c["compounds"]),
        Step("outlines", c["buildings"] > 0 and c["buildings_without_outline"] == 0,
             c["buildings"] - c["buildings_without_outline"], c["buildings_without_outline"]),
        Step("register", c["residents"] > 0 and c["households_empty"] == 0, c["residents"], c["households_empty"]),
        Step("staff", c["grid_workers"] > 0 and c["volunteers"] > 0, c["staff"] + c["volunteers"],
             int(c["grid_workers"] == 0) + int(c["volunteers"] == 0)),
    ]


def communities(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    return queries.fetch_df(con, "setup_communities", community_ids=scope.params()["community_ids"])


def grid_cells(con: duckdb.DuckDBPyConnection, scope: Scope, community_id: int) -> pd.DataFrame:
    return queries.fetch_df(con, "setup_grid_cells", **scope.params(), community_id=int(community_id))


def compounds(con: duckdb.DuckDBPyConnection, scope: Scope, community_id: int) -> pd.DataFrame:
    return queries.fetch_df(con, "setup_compounds", **scope.params(), community_id=int(community_id))


def buildings_without_outline(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Buildings without an outline (compound, name, grid, households, point_only): the set-up page lists them all,
    the note beside every map only those not on it at all (point_only ones are on it as a dot)."""
    return queries.fetch_df(con, "setup_buildings_without_outline", **scope.params())


def community_buildings(con: duckdb.DuckDBPyConnection, scope: Scope, community_id: int) -> pd.DataFrame:
    """Every building of a community named with its compound (label), its grid cell, households and outline."""
    frame = queries.fetch_df(con, "setup_community_buildings", **scope.params(), community_id=int(community_id))
    return frame.assign(label=frame["compound"] + " " + frame["name"])


def community_centre(con: duckdb.DuckDBPyConnection, community_id: int) -> tuple[float, float] | None:
    """Where the community's located buildings are (lon, lat); None before any has an outline or a point."""
    found = queries.fetch_all(con, "setup_community_centre", community_id=int(community_id))
    return None if not found or found[0][0] is None else (float(found[0][0]), float(found[0][1]))
