"""The places sheet: a community's grid cells, compounds and buildings from one sheet, one row per building.

An office sets up a community in one go (网格, 小区, 楼栋, 单元数, 层数) instead of form by form, and may bring the
same sheet again later: places already there are matched by name (buildings by building_key, so 1号楼 is 1栋)
and only filled in where they lack a grid cell, floors or stairwells; nothing they have is changed. Same four
steps as the other sheets (resilient/imports/register.py): read, match headers, validate, commit.
"""

import json
import re
from collections.abc import Callable
from dataclasses import replace

import duckdb
import pandas as pd
import pyarrow as pa

from geo.footprints import MAX_FLOORS
from resilient.core import audit, config, db, queries, roles
from resilient.core.scope import Scope
from resilient.imports.register import (
    ImportProblemError,
    Preview,
    Problem,
    _apply,
    _check_references,
    _community_wide,
    _cut_stairwells,
    _field,
    _header_problems,
    _put,
    _refuse_preview,
    _row_numbers,
    _scope_params,
    _sources,
)
from resilient.imports.sheets import PLACES_FIELDS
from resilient.imports.values import building_key, chinese_number, name_key, nfkc, parse_grid_names, split_building
from resilient.ops import integrity
from resilient.places.setup import MAX_NAME, MAX_UNITS

__all__ = ["PLACES_FIELDS", "commit_places", "validate_places"]

REQUIRED = [("compound",), ("building",)]
# Problems whose message states a limit: the limit is added to their values once, here.
LIMITS = {"import.error.name_too_long": MAX_NAME, "import.error.units_count": MAX_UNITS,
          "import.error.floors_count": MAX_FLOORS}
COUNT_SUFFIXES = re.compile(r"(个单元|单元|个|层|楼)$")
ROWS_SCHEMA = pa.schema([("row", pa.int64()), ("compound_name", pa.string()), ("building_name", pa.string()),
                         ("grid_name", pa.string()), ("units", pa.int64()), ("floors", pa.int64()),
                         ("new_building", pa.bool_())])


# --- cells -----------------------------------------------------------------------------------------------------


def _name(text: str) -> str:
    name = re.sub(r"\s+", " ", nfkc(text)).strip()
    if len(name) > MAX_NAME:
        raise ValueError("import.error.name_too_long")
    return name


def _grid(text: str) -> str:
    """One grid cell per building: '第1网格' or '1'; spaces typed inside a name do not split it."""
    names = parse_grid_names(re.sub(r"\s+", "", nfkc(text)))
    if len(names) != 1:
        raise ValueError("import.error.one_grid")
    return _name(names[0])


def _count(limit: int, code: str):
    """A whole number from 1 to `limit`, as offices write it: 2, 2个, 两单元, 18层."""
    def parse(text: str) -> int:
        value = COUNT_SUFFIXES.sub("", re.sub(r"\s+", "", nfkc(text)))
        try:
            number = chinese_number(value)
        except ValueError:
            raise ValueError(code) from None
        if not 1 <= number <= limit:
            raise ValueError(code)
        return number
    return parse


def _building(text: str) -> tuple[str, str]:
    prefix, name = split_building(text)
    if len(name) > MAX_NAME:
        raise ValueError("import.error.name_too_long")
    return prefix, name


# --- validation ------------------------------------------------------------------------------------------------


def validate_places(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, mapping: dict[str, str], *,
                    community_id: int, scope: Scope) -> Preview:
    """Every row checked against the community's places, nothing written, so the page can show it all first."""
    _community_wide(con, community_id, scope)
    frame = _row_numbers(frame)
    problems = _header_problems(frame, mapping, PLACES_FIELDS, REQUIRED)
    if problems:
        return Preview("places", pd.DataFrame(), problems, {}, (community_id,), scope=scope)
    source = _sources(mapping)
    rows = _cells(frame, source, problems)
    rows = _match(con, rows, source, problems, community_id, scope)
    problems[:] = sorted((replace(p, values={**p.values, "limit": LIMITS[p.code]}) if p.code in LIMITS else p
                          for p in problems), key=lambda p: (p.row, p.column))
    return Preview("places", rows, problems, _counts(rows), (community_id,), scope=scope)


def _cells(frame: pd.DataFrame, source: dict[str, str], problems: list[Problem]) -> pd.DataFrame:
    """Each cell read on its own; a building written with its compound (永宁花园3栋) gives the compound too."""
    rows = pd.DataFrame(index=frame.index)
    buildings = _apply(frame, source["building"], _building, problems, required="building")
    compounds = _apply(frame, source["compound"], _name, problems)
    for position, (row, compound, building) in enumerate(zip(frame.index, compounds, buildings)):
        if compound:
            continue
        prefix = building[0] if building else ""
        if prefix and len(prefix) <= MAX_NAME:
            compounds[position] = _name(prefix)
        elif not any(p.row == row and p.column == source["compound"] for p in problems):
            problems.append(Problem(int(row), source["compound"], "import.error.required", _field("compound")))
    _put(rows, "compound", compounds)
    _put(rows, "building", [b[1] if b else None for b in buildings])
    _put(rows, "grid", _apply(frame, source.get("grid"), _grid, problems))
    _put(rows, "units", _apply(frame, source.get("units"), _count(MAX_UNITS, "import.error.units_count"), problems))
    _put(rows, "floors", _apply(frame, source.get("floors"), _count(MAX_FLOORS, "import.error.floors_count"),
                                problems))
    return rows


def _match(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, source: dict[str, str], problems: list[Problem],
           community_id: int, scope: Scope) -> pd.DataFrame:
    """Each row's compound, grid cell and building: the stored one of the same name, or one to be made."""
    communities = [int(community_id)]
    compounds = queries.fetch_df(con, "import_compounds", communities=communities)
    compound_of = {name_key(n): (int(i), n) for i, n in zip(compounds["compound_id"], compounds["name"])}
    grids = queries.fetch_df(con, "import_grids", communities=communities)
    grid_of = {name_key(n): n for n in grids["name"]}
    stored = queries.fetch_df(con, "places_buildings", community_id=int(community_id), **scope.params())
    stored["key"] = [building_key(n) for n in stored["name"]]
    by_key = {key: group for key, group in stored.groupby(["compound_id", "key"])}
    new_names: dict[tuple, str] = {}        # one spelling per new place: the first row's
    first_row: dict[tuple, int] = {}
    out = []
    for row, r in rows.to_dict("index").items():
        place = {"compound_name": None, "building_name": None, "grid_name": None, "units": r["units"],
                 "floors": r["floors"], "new_compound": False, "new_grid": False, "new_building": False,
                 "new_stairwells": 0, "updated": False, "has_outline": False}
        out.append(place)
        compound_key, compound_id = name_key(r["compound"]), None
        if r["compound"]:
            compound_id, place["compound_name"] = compound_of.get(
                compound_key, (None, new_names.setdefault(("compound", compound_key), r["compound"])))
            place["new_compound"] = compound_id is None
        if r["grid"]:
            grid_key = name_key(r["grid"])
            place["new_grid"] = grid_key not in grid_of
            place["grid_name"] = grid_of.get(grid_key) or new_names.setdefault(("grid", grid_key), r["grid"])
        if not (r["compound"] and r["building"]):
            continue
        key = (compound_key, building_key(r["building"]))
        if key in first_row:
            problems.append(Problem(int(row), source["building"], "import.error.building_twice",
                                    {"value": r["building"], "first_row": first_row[key]}))
            continue
        first_row[key] = int(row)
        found = by_key.get((compound_id, key[1])) if compound_id is not None else None
        if found is None:
            place.update(building_name=r["building"], new_building=True, units=r["units"] or 1,
                         new_stairwells=r["units"] or 1)
        elif len(found) > 1:
            problems.append(Problem(int(row), source["building"], "import.error.building_stored_twice",
                                    {"value": r["building"], "names": "、".join(found["name"])}))
        else:
            _fill_in(int(row), r, place, found.iloc[0].to_dict(), source, problems)
    places = pd.DataFrame(out, index=rows.index)
    return rows.drop(columns=["units", "floors"]).join(places)


def _fill_in(row: int, r: dict, place: dict, building: dict, source: dict[str, str], problems: list[Problem]) -> None:
    """A stored building keeps what it has: the sheet may only add a grid cell, floors or stairwells it lacks."""
    place["building_name"] = building["name"]
    stored_grid = None if pd.isna(building["grid_id"]) else building["grid"]
    if place["grid_name"] and stored_grid is not None and name_key(stored_grid) != name_key(place["grid_name"]):
        problems.append(Problem(row, source["grid"], "import.error.grid_differs",
                                {"value": r["grid"], "grid": stored_grid}))
    stored_floors = None if pd.isna(building["floors"]) else int(building["floors"])
    if r["floors"] and stored_floors is not None and r["floors"] != stored_floors:
        problems.append(Problem(row, source["floors"], "import.error.floors_differ",
                                {"value": r["floors"], "floors": stored_floors}))
    if r["units"] and r["units"] < int(building["top_unit"]):
        problems.append(Problem(row, source["units"], "import.error.units_below",
                                {"value": r["units"], "units": int(building["top_unit"])}))
    place["new_stairwells"] = max(0, (r["units"] or 0) - int(building["units"]))
    place["updated"] = bool(place["new_stairwells"] or (place["grid_name"] and stored_grid is None)
                            or (r["floors"] and stored_floors is None))


def _counts(rows: pd.DataFrame) -> dict[str, int]:
    """What the commit is expected to do, for the page to show first and the commit to be held to."""
    created = int(rows["new_building"].sum())
    updated = int(rows["updated"].sum())
    return {
        "rows": len(rows),
        "grid_cells_created": rows.loc[rows["new_grid"], "grid_name"].nunique(),
        "compounds_created": rows.loc[rows["new_compound"], "compound_name"].nunique(),
        "buildings_created": created,
        "buildings_updated": updated,
        "stairwells_created": int(rows["new_stairwells"].sum()),
        "unchanged": len(rows) - created - updated,
    }


# --- commit ----------------------------------------------------------------------------------------------------


def commit_places(con: duckdb.DuckDBPyConnection, actor, preview: Preview, *, source_name: str,
                  progress: Callable[[float], None] | None = None) -> dict[str, int]:
    """All of the preview or nothing, in one transaction with one audit entry; returns what was done."""
    roles.need(actor, "set_up_places", ImportProblemError("import.error.not_allowed"))
    _refuse_preview(preview, "places")
    community_id = int(preview.community_ids[0])
    _community_wide(con, community_id, roles.scope_for(con, actor, config.today()))
    progress = progress or (lambda fraction: None)
    scope = {**_scope_params(preview.scope), "community_id": community_id}
    table = pa.Table.from_pandas(_rows_frame(preview.rows), schema=ROWS_SCHEMA, preserve_index=False)
    with db.transaction(con):
        before = integrity.reference_problems(con)
        con.register("places_rows", table)
        try:
            counts = {"rows": len(preview.rows),
                      "grid_cells_created": len(queries.fetch_all(con, "places_insert_grid_cells", **scope)),
                      "compounds_created": len(queries.fetch_all(con, "places_insert_compounds", **scope))}
            updated = {int(b) for b, in queries.fetch_all(con, "places_update_buildings", **scope)}
            created = {int(b) for b, in queries.fetch_all(con, "places_insert_buildings", **scope)}
            progress(0.4)
            stairwells = queries.fetch_all(con, "places_insert_stairwells", **scope)
        finally:
            con.unregister("places_rows")
        grown = sorted({int(b) for _, b in stairwells} - created)
        if grown:
            queries.fetch_all(con, "places_reset_stairwell_shapes", building_ids=grown, **scope)
            _cut_stairwells(con, grown, preview.scope)
        progress(0.8)
        updated |= set(grown)
        counts |= {"buildings_created": len(created), "buildings_updated": len(updated),
                   "stairwells_created": len(stairwells), "unchanged": len(preview.rows) - len(created) - len(updated)}
        if counts != preview.counts:  # the database changed since the preview: undo rather than half-do
            raise ImportProblemError("import.error.changed_since_preview")
        _check_references(con, before)
        audit.record(con, actor, "import", f"file:{source_name}", detail=json.dumps({"kind": "places", **counts}))
    progress(1.0)
    return counts


def _rows_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per building by natural keys: the stored names of places already there, else the sheet's."""
    def whole(column: str) -> pd.array:
        return pd.array([None if v is None or pd.isna(v) else int(v) for v in rows[column]], dtype="Int64")
    return pd.DataFrame({"row": rows.index.astype("int64"), "compound_name": rows["compound_name"].to_numpy(),
                         "building_name": rows["building_name"].to_numpy(), "grid_name": rows["grid_name"].to_numpy(),
                         "units": whole("units"), "floors": whole("floors"),
                         "new_building": rows["new_building"].astype(bool).to_numpy()})
