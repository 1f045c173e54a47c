"""Cases and risk areas from outside (issue 17, item 4): a public case list matched to our buildings, risk areas
drawn or buffered around buildings, and the state of any day for the overview's time slider.

A list's rows match a building by name (compound, then building, as the register and footprint imports read
them: 314号楼A座, 永宁花园（一期）) or by distance (within [cases] match_m); the rest are listed with why. A file is
checked whole before anything is written, and written all or nothing; case number and date are the key, so the
same file brought in again adds nothing.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import numpy as np
import pandas as pd
import shapely
from shapely import wkt as shapely_wkt

from geo import chinese_coords, distance
from resilient.core import audit, config, db, queries, reference, roles
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.imports import sheets
from resilient.imports.register import Problem
from resilient.imports.sheets import COLUMNS_FILE, REGISTER_FIELDS, normalise_header
from resilient.imports.values import (
    WORDS_FILE,
    building_key,
    find_name,
    name_key,
    nfkc,
    normalise_sex,
    parse_date,
)
from resilient.places import measures

KINDS = ("confirmed", "asymptomatic", "suspected", "other")
COORDS = ("wgs84", "gcj02", "bd09")
LEVELS = ("high", "medium")
MAX_AGE = 130
FAR_FILE_M = 20_000.0   # every located row farther than this from the community: a list of another city
CASE_FIELDS: dict[str, list[str]] = reference.fields_from(COLUMNS_FILE, "case", [
    "case_date", "case_no", "kind", "sex", "age", "city", "district", "residence", "lon", "lat"], REGISTER_FIELDS)
KIND_WORDS = reference.word_index(WORDS_FILE, "cases.kind", KINDS, normalise_header)
REQUIRED = ("case_date", "case_no", "residence")


class CasesError(ValueError):
    """A refusal to show the person: `code` is a translation key, `values` fill it in."""

    def __init__(self, code: str, /, **values):
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True)
@reference.defaults_from("defaults.toml", "cases")
class CaseSettings:
    """How near a case's point must be to a building, the datum lists come in, a buffer's default width."""

    match_m: float
    coords: str
    buffer_m: float

    def __post_init__(self):
        bad = [name for name, wrong in [("match_m", not 10 <= float(self.match_m) <= 1000),
                                        ("coords", self.coords not in COORDS),
                                        ("buffer_m", not 5 <= float(self.buffer_m) <= 2000)] if wrong]
        if bad:
            raise CasesError("cases.error.settings", field=", ".join(bad))


reference.check_defaults(CaseSettings, "defaults.toml", "cases")


def need(actor: User | None, action: str) -> None:
    roles.need(actor, action, CasesError("cases.error.not_allowed"))


def _retrying(con, work):
    return db.retrying(con, work, lambda: CasesError("cases.error.busy"))


def _in_community(scope: Scope, community_id: int) -> None:
    if scope.community_ids is not None and int(community_id) not in scope.community_ids:
        raise CasesError("cases.error.community_out_of_scope", community_id=community_id)


# --- the case list ---------------------------------------------------------------------------------------------

def match_case_headers(columns) -> dict[str, str]:
    """{source column: field} for the columns of a case list (first column per field wins)."""
    return sheets.match_headers(columns, CASE_FIELDS)[0]


@dataclass
class CaseRow:
    """One row as it will be stored: the list's values and the building it matched (or why it did not)."""

    row: int
    case_date: date
    case_no: str
    kind: str
    sex: str | None
    age: int | None
    city: str | None
    district: str | None
    residence: str
    lon_given: float | None
    lat_given: float | None
    lon: float | None = None
    lat: float | None = None
    building_id: int | None = None
    building: str | None = None
    matched_by: str = "none"
    distance_m: float | None = None
    reason: str | None = None
    reason_values: dict = field(default_factory=dict)
    known: bool = False  # already stored (case number and date): not written again


@dataclass
class CasePreview:
    """A case list checked whole: the rows with their matches, every problem (nothing written yet)."""

    rows: list[CaseRow]
    problems: list[Problem]
    community_id: int
    coords: str
    file_name: str

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def new_rows(self) -> list[CaseRow]:
        return [r for r in self.rows if not r.known]

    def counts(self) -> dict[str, int]:
        new = self.new_rows
        return {"rows": len(self.rows), "new": len(new), "already": len(self.rows) - len(new),
                "by_name": sum(r.matched_by == "name" for r in new),
                "by_distance": sum(r.matched_by == "distance" for r in new),
                "unmatched": sum(r.matched_by == "none" for r in new)}


def validate_cases(con: duckdb.DuckDBPyConnection, actor: User | None, frame: pd.DataFrame, community_id: int,
                   today: date, coords: str | None = None, file_name: str = "",
                   settings: CaseSettings | None = None) -> CasePreview:
    """Every row checked and matched; problems named by spreadsheet row and column. Nothing is written."""
    need(actor, "import_cases")
    settings = settings or CaseSettings()
    coords = coords or settings.coords
    if coords not in COORDS:
        raise CasesError("cases.error.coords", value=coords)
    scope = roles.scope_for(con, actor, today)
    _in_community(scope, community_id)
    if frame.index.name != "row":
        frame = frame.reset_index(drop=True)
        frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    source = {f: c for c, f in match_case_headers(frame.columns).items()}
    header = int(frame.attrs.get("header_row", 1))
    problems = [Problem(header, "", "cases.error.missing_column", {"field": f}) for f in REQUIRED if f not in source]
    if ("lon" in source) != ("lat" in source):
        problems.append(Problem(header, "", "cases.error.missing_column", {"field": "lat" if "lon" in source
                                                                           else "lon"}))
    if problems:
        return CasePreview([], problems, int(community_id), coords, file_name)
    rows, seen = [], {}
    for row, rec in frame.iterrows():
        cell = {f: _cell(rec[c]) for f, c in source.items()}
        parsed = _row(int(row), cell, source, today, problems)
        if parsed is None:
            continue
        key = (parsed.case_no, parsed.case_date)
        if key in seen:
            problems.append(Problem(int(row), source["case_no"], "cases.error.duplicate",
                                    {"value": parsed.case_no, "first": seen[key]}))
            continue
        seen[key] = int(row)
        rows.append(parsed)
    if problems:
        return CasePreview([], sorted(problems, key=lambda p: (p.row, p.column)), int(community_id), coords,
                           file_name)
    _to_wgs84(rows, coords)
    buildings = queries.fetch_df(con, "cases_buildings", **scope.params(), community_id=int(community_id))
    _match(rows, buildings, settings.match_m)
    located = [r for r in rows if r.lon is not None]
    if located and all(r.matched_by == "none" for r in rows) and \
            min(r.distance_m if r.distance_m is not None else np.inf for r in located) > FAR_FILE_M:
        nearest = min(r.distance_m for r in located if r.distance_m is not None) if any(
            r.distance_m is not None for r in located) else None
        cities = sorted({r.city for r in rows if r.city})
        return CasePreview([], [Problem(0, "", "cases.error.far_file", {
            "km": None if nearest is None else round(nearest / 1000), "cities": "、".join(cities) or "-"})],
            int(community_id), coords, file_name)
    stored = queries.fetch_all(con, "cases_existing_keys", case_nos=sorted({r.case_no for r in rows}))
    known = {(no, pd.Timestamp(day).date()) for no, day in stored}
    for r in rows:
        r.known = (r.case_no, r.case_date) in known
    return CasePreview(rows, [], int(community_id), coords, file_name)


def _cell(value) -> str:
    return "" if value is None or value != value else str(value).strip()


def _row(row: int, cell: dict, source: dict, today: date, problems: list[Problem]) -> CaseRow | None:
    """One row's values checked one by one; None when any is wrong (problems appended)."""
    before = len(problems)

    def problem(name, code, **values):
        problems.append(Problem(row, source.get(name, ""), code, values))

    for name in REQUIRED:
        if not cell.get(name):
            problem(name, "cases.error.required", field=name)
    day = None
    if cell.get("case_date"):
        try:
            day = parse_date(cell["case_date"], today)
            if isinstance(day, tuple):
                raise ValueError("import.error.date")
        except ValueError as error:
            problem("case_date", str(error.args[0]), value=cell["case_date"])
    kind = "confirmed"
    if cell.get("kind"):
        kind = KIND_WORDS.get(normalise_header(cell["kind"]))
        if kind is None:
            problem("kind", "cases.error.kind", value=cell["kind"])
    sex = None
    if cell.get("sex"):
        try:
            sex = normalise_sex(cell["sex"])
        except ValueError as error:
            problem("sex", str(error.args[0]), value=cell["sex"])
    age = None
    if cell.get("age"):
        text = nfkc(cell["age"]).removesuffix("岁")
        age = int(text) if text.isdigit() else None
        if age is None or age > MAX_AGE:
            problem("age", "cases.error.age", value=cell["age"], max=MAX_AGE)
    lon = lat = None
    if cell.get("lon") or cell.get("lat"):
        try:
            lon, lat = float(nfkc(cell.get("lon", ""))), float(nfkc(cell.get("lat", "")))
            if not (np.isfinite(lon) and np.isfinite(lat) and chinese_coords.in_china(lon, lat)):
                raise ValueError
        except ValueError:
            problem("lon", "cases.error.coordinates", lon=cell.get("lon", ""), lat=cell.get("lat", ""))
    if len(problems) > before:
        return None
    return CaseRow(row, day, nfkc(cell["case_no"]), kind, sex, age, cell.get("city") or None,
                   cell.get("district") or None, cell["residence"], lon, lat)


def _to_wgs84(rows: list[CaseRow], coords: str) -> None:
    located = [r for r in rows if r.lon_given is not None]
    if not located:
        return
    xy = np.array([(r.lon_given, r.lat_given) for r in located], dtype=float)
    convert = {"gcj02": chinese_coords.gcj02_to_wgs84_xy, "bd09": chinese_coords.bd09_to_wgs84_xy}.get(coords)
    out = convert(xy) if convert is not None else xy
    for r, (lon, lat) in zip(located, out):
        r.lon, r.lat = float(lon), float(lat)


def _match(rows: list[CaseRow], buildings: pd.DataFrame, match_m: float) -> None:
    """Each row's building: by name (compound, then building), else the nearest within `match_m`."""
    on_map = buildings[buildings["wkt"].notna()].reset_index(drop=True)
    shapes = np.array([shapely_wkt.loads(w) for w in on_map["wkt"]], dtype=object)
    compounds = buildings.drop_duplicates("compound_id")[["compound_id", "compound"]].reset_index(drop=True)
    names = list(compounds["compound"])
    for r in rows:
        at = find_name(r.residence, names)
        compound_id = None if at is None else int(compounds.iloc[at]["compound_id"])
        point = None if r.lon is None else shapely.Point(r.lon, r.lat)
        nearest_m, nearest = (None, None)
        if point is not None and len(shapes):
            metres, index = distance.nearest_m([point], shapes)
            nearest_m, nearest = float(metres[0]), int(index[0])
        if compound_id is not None:
            found = _by_name(r.residence, names[at], buildings[buildings["compound_id"] == compound_id],
                             on_map, shapes, point)
            if found is not None:
                r.building_id, r.building, r.matched_by = found
                if point is not None:
                    own = on_map.index[on_map["building_id"] == r.building_id]
                    r.distance_m = float(distance.distances_m([point], [shapes[own[0]]])[0]) if len(own) else None
                continue
        if nearest_m is not None and nearest_m <= match_m:
            r.building_id = int(on_map.iloc[nearest]["building_id"])
            r.building = f"{on_map.iloc[nearest]['compound']}{on_map.iloc[nearest]['name']}"
            r.matched_by, r.distance_m = "distance", round(nearest_m, 1)
            continue
        r.distance_m = None if nearest_m is None else round(nearest_m, 1)
        if nearest_m is not None:
            r.reason, r.reason_values = "cases.unmatched.far", {"metres": round(nearest_m), "match_m": match_m}
        elif compound_id is not None:
            r.reason, r.reason_values = "cases.unmatched.no_building", {"value": r.residence}
        else:
            r.reason, r.reason_values = "cases.unmatched.no_compound", {"value": r.residence}


def _by_name(residence: str, compound: str, of_compound: pd.DataFrame, on_map: pd.DataFrame, shapes: np.ndarray,
             point) -> tuple[int, str, str] | None:
    """The compound's building the residence names (314号楼A座 as the register reads it), or, with the compound
    only, the one nearest the case's point or else nearest the compound's middle; None when it names a building
    the compound does not have."""
    text = nfkc(residence)
    rest = text
    key = name_key(compound)
    for candidate in (compound, key):
        if candidate and candidate in text:
            rest = text.split(candidate, 1)[1]
            break
    else:
        rest = ""
    rest = re.sub(r"^[（(][^）)]*[）)]", "", rest)  # 永宁花园（一期）314号楼
    wanted = building_key(rest) if rest else None
    if wanted:
        hits = of_compound[of_compound["name"].map(building_key) == wanted]
        if hits.empty:
            return None
        return int(hits.iloc[0]["building_id"]), f"{compound}{hits.iloc[0]['name']}", "name"
    located = on_map[on_map["compound_id"] == of_compound["compound_id"].iloc[0]] if len(of_compound) else on_map[:0]
    if located.empty:
        if of_compound.empty:
            return None
        first = of_compound.iloc[0]
        return int(first["building_id"]), f"{compound}{first['name']}", "name"
    parts = shapes[located.index.to_numpy()]
    centre = point if point is not None else shapely.centroid(shapely.union_all(parts))
    metres = distance.distances_m(np.array([centre] * len(parts), dtype=object), parts)
    chosen = located.iloc[int(np.argmin(metres))]
    return int(chosen["building_id"]), f"{compound}{chosen['name']}", "name"


def commit_cases(con: duckdb.DuckDBPyConnection, actor: User | None, preview: CasePreview,
                 now: datetime | None = None) -> dict:
    """Store a clean preview's new rows and the batch in one transaction; rows already stored are counted."""
    need(actor, "import_cases")
    if not preview.ok:
        raise CasesError("cases.error.file_problems", n=len(preview.problems))
    now = now or config.now()
    _in_community(roles.scope_for(con, actor, now.date()), preview.community_id)
    counts = preview.counts()

    def work():
        batch_id = int(queries.fetch_all(
            con, "cases_insert_batch", community_id=preview.community_id, file_name=preview.file_name or "-",
            coords=preview.coords, rows_read=counts["rows"], rows_new=counts["new"], imported_by=actor.username,
            imported_at=now)[0][0])
        for r in preview.new_rows:
            queries.fetch_all(
                con, "cases_insert", batch_id=batch_id, community_id=preview.community_id, case_date=r.case_date,
                case_no=r.case_no, kind=r.kind, sex=r.sex, age=r.age, city=r.city, district=r.district,
                residence=r.residence, lon_given=r.lon_given, lat_given=r.lat_given, lon=r.lon, lat=r.lat,
                building_id=r.building_id, matched_by=r.matched_by, distance_m=r.distance_m,
                unmatched_reason=r.reason)
        audit.record(con, actor, "cases_imported", f"file:{preview.file_name or '-'}", new={**counts,
                     "batch_id": batch_id, "community_id": preview.community_id, "coords": preview.coords})
        return {**counts, "batch_id": batch_id}

    return _retrying(con, work)


PREVIEW_COLUMNS = ["row", "case_date", "case_no", "kind", "residence", "building", "matched_by", "distance_m",
                   "reason", "reason_values", "known"]


def preview_rows(preview: CasePreview) -> pd.DataFrame:
    """A checked list's rows as they will be stored, for the page's table."""
    return pd.DataFrame([{c: getattr(r, c) for c in PREVIEW_COLUMNS} for r in preview.rows], columns=PREVIEW_COLUMNS)


def unmatched_rows(preview: CasePreview) -> pd.DataFrame:
    """The rows of a checked list that match no building, with the reason key and its values."""
    frame = preview_rows(preview)
    return frame[frame["matched_by"] == "none"].reset_index(drop=True)


def cases(con: duckdb.DuckDBPyConnection, scope: Scope, until: date | None = None) -> pd.DataFrame:
    """Cases in scope reported by `until` (None: all), newest first, with their building and map position."""
    return queries.fetch_df(con, "cases_list", **scope.params(), until=until)


def unmatched(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Stored cases that matched no building, with the reason key (its values are recomputed by the page)."""
    frame = cases(con, scope)
    return frame[frame["matched_by"] == "none"].reset_index(drop=True)


# --- risk areas ------------------------------------------------------------------------------------------------

def create_risk_area(con: duckdb.DuckDBPyConnection, actor: User | None, community_id: int, name: str, level: str,
                     start_date: date, *, shape=None, building_ids: list[int] | None = None,
                     buffer_m: float | None = None, source: str | None = None, now: datetime | None = None) -> int:
    """A risk area from a drawn polygon (GeoJSON dict or shapely, WGS-84) or as a buffer of `buffer_m` metres
    around chosen buildings; refused when neither or both are given, or the shape is not near the community."""
    need(actor, "import_cases")
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())
    _in_community(scope, community_id)
    name = (name or "").strip()
    if not name:
        raise CasesError("cases.error.area_name")
    if level not in LEVELS:
        raise CasesError("cases.error.level", value=level)
    if start_date > now.date():
        raise CasesError("cases.error.area_future", value=start_date)
    if (shape is None) == (not building_ids):
        raise CasesError("cases.error.area_shape")
    width = None
    if shape is not None:
        geom = shapely.geometry.shape(shape) if isinstance(shape, dict) else shape
        if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
            raise CasesError("cases.error.area_not_polygon")
        geom = shapely.make_valid(geom)
        kind = "drawn"
    else:
        width = float(buffer_m if buffer_m is not None else CaseSettings().buffer_m)
        if not 5 <= width <= 2000:
            raise CasesError("cases.error.buffer", value=width)
        found = queries.fetch_df(con, "cases_area_buildings", **scope.params(), community_id=int(community_id),
                                 building_ids=[int(b) for b in building_ids])
        if found.empty:
            raise CasesError("cases.error.area_no_buildings")
        geom = buffer_around([shapely_wkt.loads(w) for w in found["wkt"]], width)
        building_ids = [int(b) for b in found["building_id"]]
        kind = "buffer"
    centre = queries.fetch_all(con, "cases_community_centre", **scope.params(), community_id=int(community_id))
    if centre and centre[0][0] is not None:
        middle = geom.representative_point()
        far = distance.geodesic_m(middle.x, middle.y, centre[0][0], centre[0][1])
        if far > FAR_FILE_M:
            raise CasesError("cases.error.area_far", km=round(far / 1000))

    def work():
        area_id = int(queries.fetch_all(
            con, "cases_insert_area", community_id=int(community_id), area_name=name, level=level, shape=kind,
            buffer_m=width, wkt=geom.wkt, start_date=start_date, source=(source or "").strip() or None,
            created_by=actor.username, created_at=now)[0][0])
        for building_id in building_ids or []:
            queries.fetch_all(con, "cases_insert_area_building", area_id=area_id, building_id=building_id)
        audit.record(con, actor, "risk_area_created", f"risk_area:{area_id}",
                     new={"name": name, "level": level, "shape": kind, "buffer_m": width,
                          "buildings": building_ids or [], "start_date": start_date, "source": source})
        return area_id

    return _retrying(con, work)


def buffer_around(shapes: list, metres: float):
    """The area within `metres` of any of the lon/lat shapes: buffered in a local metric frame and back."""
    union = shapely.union_all(shapes)
    centre = union.centroid
    flat = distance.to_metres(union, centre.x, centre.y)
    return distance.to_lonlat(flat.buffer(metres, quad_segs=8), centre.x, centre.y)


def end_risk_area(con: duckdb.DuckDBPyConnection, actor: User | None, area_id: int, end_date: date,
                  now: datetime | None = None) -> None:
    """A risk area lifted: `end_date` its last day in force."""
    need(actor, "import_cases")
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())

    def work():
        found = queries.fetch_all(con, "cases_end_area", community_ids=scope.params()["community_ids"],
                                  area_id=int(area_id), end_date=end_date, ended_by=actor.username)
        if not found:
            raise CasesError("cases.error.unknown_area", area_id=area_id)
        if pd.Timestamp(found[0][2]).date() > end_date:
            raise CasesError("cases.error.area_end_before_start", value=end_date)
        audit.record(con, actor, "risk_area_ended", f"risk_area:{area_id}", new={"end_date": end_date})

    _retrying(con, work)


def risk_areas(con: duckdb.DuckDBPyConnection, scope: Scope, day: date | None = None) -> pd.DataFrame:
    """Risk areas of the viewer's communities (in force on `day`, or all), with their buildings counted."""
    return queries.fetch_df(con, "cases_areas", **scope.params(), day=day)


def area_buildings(con: duckdb.DuckDBPyConnection, scope: Scope, area_id: int) -> pd.DataFrame:
    return queries.fetch_df(con, "cases_area_buildings_inside", **scope.params(), area_id=int(area_id))


# --- a day on the time slider, and the day's figures -------------------------------------------------------------

@dataclass
class DayState:
    """What the map shows for one day: measures active per building, cases reported by then, areas in force."""

    day: date
    buildings: pd.DataFrame
    cases: pd.DataFrame
    areas: pd.DataFrame


def state_on(con: duckdb.DuckDBPyConnection, scope: Scope, day: date,
             filters: measures.Filters | None = None) -> DayState:
    """The slider's day: a measure counts from its start until it was released (measures.building_density)."""
    return DayState(day, measures.building_density(con, scope, filters or measures.Filters(), day),
                    cases(con, scope, day), risk_areas(con, scope, day))


def kpis(con: duckdb.DuckDBPyConnection, scope: Scope, today: date) -> dict[str, int]:
    """Cases matched to the viewer's buildings (all, new today), contacts linked to residents, and placed."""
    row = queries.fetch_df(con, "cases_kpis", **scope.params(), today=today).iloc[0]
    return {k: int(row[k]) for k in ("cases_matched", "cases_new", "contacts_linked", "contacts_placed")}
