"""Household registers, staff and volunteer lists loaded from the spreadsheets offices keep.

Every import has the same four steps, so the page can show what will happen before anything is written:
read_table (resilient/imports/sheets.py) -> match_headers -> validate_* (a Preview: normalised rows and every
problem by spreadsheet row and column, nothing written) -> commit_* (all or nothing, in one transaction with its
audit entry). Problems and errors carry translation keys (resilient/core/i18n.py) and their values.
"""

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd
import pyarrow as pa

from resilient.core import audit, config, db, ids, queries, roles
from resilient.core.scope import NOTHING, Scope
from resilient.imports.sheets import (
    REGISTER_FIELDS,
    STAFF_FIELDS,
    VOLUNTEER_FIELDS,
    ImportProblemError,
    match_headers,
    read_table,
    sheet_names,
    template_bytes,
)
from resilient.imports.values import (
    SCIENTIFIC,
    address_parts,
    building_key,
    find_name,
    name_key,
    nfkc,
    normalise_phone,
    normalise_room,
    normalise_sex,
    normalise_unit,
    parse_active,
    parse_address,
    parse_capacity,
    parse_date,
    parse_flag,
    parse_floors,
    parse_grid_names,
    parse_staff_role,
    split_building,
)
from resilient.ops import integrity
from resilient.places import geometry

__all__ = [  # the import API the page uses
    "REGISTER_FIELDS", "STAFF_FIELDS", "VOLUNTEER_FIELDS", "ImportProblemError",
    "Preview", "Problem", "commit_register", "commit_staff", "commit_volunteers", "match_headers", "parse_address",
    "read_table", "sheet_names", "template_bytes", "validate_register", "validate_staff", "validate_volunteers",
]

# --- errors, problems, preview ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing to fix, where a person looks for it: spreadsheet row (header = 1) and column header."""

    row: int
    column: str
    code: str
    values: dict = field(default_factory=dict)


@dataclass
class Preview:
    """What an import would write, checked against the database; commit refuses it while `problems` is not empty."""

    kind: str                          # "register", "staff" or "volunteer"
    rows: pd.DataFrame                 # normalised rows, index = spreadsheet row
    problems: list[Problem]
    counts: dict[str, int]             # what the commit is expected to do, for the page to show first
    community_ids: tuple[int, ...] = ()
    census: bool = False
    allow_moves: bool = False
    salt: str | None = None
    salt_is_new: bool = False
    scope: Scope = NOTHING             # the importer's scope, applied again by every write of the commit
    warnings: list[Problem] = field(default_factory=list)  # written as they are, but worth a look first

    @property
    def ok(self) -> bool:
        """Nothing to fix: the commit will accept it."""
        return not self.problems


# --- column helpers --------------------------------------------------------------------------------------------


def _text(frame: pd.DataFrame, column: str | None) -> list[str]:
    """A column as stripped strings ('' for blank); an absent column as blanks."""
    if column is None:
        return [""] * len(frame)
    return ["" if v is None or v != v else str(v).strip() for v in frame[column].tolist()]


def _apply(frame: pd.DataFrame, column: str | None, parse: Callable, problems: list[Problem],
           required: str | None = None) -> list:
    """parse() each distinct value once, so a 100,000-row file costs its distinct cells; errors become Problems."""
    # A blank cell gives None, and a 'required' problem naming the field when `required` is given.
    cache: dict[str, tuple[bool, object]] = {}
    out = []
    for row, text in zip(frame.index.tolist(), _text(frame, column)):
        if not text:
            if required:
                problems.append(Problem(row, column or "", "import.error.required",
                                        _field(required)))
            out.append(None)
            continue
        if text not in cache:
            try:
                cache[text] = (True, parse(text))
            except ValueError as error:
                code = str(error.args[0]) if error.args else ""
                cache[text] = (False, code if code.startswith("import.error.") else "import.error.value")
        ok, result = cache[text]
        if ok:
            out.append(result)
        else:
            problems.append(Problem(row, column or "", result, {"value": text}))
            out.append(None)
    return out


FORMULA_START = ("=", "+", "-", "@")  # what a spreadsheet reads as the start of a formula


def _formula_names(rows: pd.DataFrame, column: str) -> list[Problem]:
    """Names a spreadsheet program would read as a formula: kept as typed (the app's own files write them as
    text), but named by row, since the office's other files may not."""
    return [Problem(int(row), column, "import.warning.formula_name", {"value": name})
            for row, name in rows["name"].items() if isinstance(name, str) and name.startswith(FORMULA_START)]


def _field(name: str) -> dict[str, str]:
    """Problem values naming a field, for 'missing column' and 'required' messages (its label: field.<name>)."""
    return {"field": name}


def _sex_values(sex: str) -> dict[str, str]:
    return {"expected": sex}  # the page names it: import.sex.<M|F>


def _put(rows: pd.DataFrame, name: str, values: list) -> None:
    """A column of Python values kept as they are: None stays None (pandas would turn text columns' None into NaN)."""
    rows[name] = pd.Series(values, index=rows.index, dtype=object)


def _sources(mapping: dict[str, str]) -> dict[str, str]:
    """{field: source column} from {source column: field}."""
    return {f: source for source, f in mapping.items() if f}


def _header_problems(frame: pd.DataFrame, mapping: dict[str, str], fields: dict[str, list[str]],
                     required: list[tuple[str, ...]]) -> list[Problem]:
    """Header-row problems first, since no cell can be read without its column: missing, twice, not in the file."""
    # `required` lists alternatives: ('building', 'address') means either will do.
    header = int(frame.attrs.get("header_row", 1))
    problems = []
    for source, name in mapping.items():
        if name and name not in fields:
            raise ValueError(f"unknown field {name!r}")
        if source not in frame.columns:
            problems.append(Problem(header, source, "import.error.no_such_column", {"value": source}))
    by_field: dict[str, list[str]] = {}
    for source, name in mapping.items():
        if name:
            by_field.setdefault(name, []).append(source)
    for name, sources in by_field.items():
        if len(sources) > 1:
            problems.append(Problem(header, sources[1], "import.error.column_twice",
                                    {**_field(name), "columns": sources}))
    for alternatives in required:
        if not any(a in by_field for a in alternatives):
            problems.append(Problem(header, "", "import.error.missing_column",
                                    _field(alternatives[0])))
    if not problems and frame.empty:
        problems.append(Problem(header, "", "import.error.no_rows", {}))
    return problems


def _row_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame not from read_table gets the row numbers Excel would show (header row 1, data from row 2)."""
    if frame.index.name == "row":
        return frame
    out = frame.reset_index(drop=True)
    out.index = pd.RangeIndex(2, len(out) + 2, name="row")
    out.attrs = dict(frame.attrs)
    return out


def _refuse_unless_may_write(scope: Scope) -> None:
    """Only people who may see every person they import write registers (not doctors, viewers or nobody)."""
    if scope.personal != "all" or scope.community_ids == ():
        raise ImportProblemError("import.error.not_allowed")


def _communities(con: duckdb.DuckDBPyConnection, community_id: int | None, scope: Scope) -> pd.DataFrame:
    """The communities an import may touch: the one chosen, or all in the importer's scope."""
    found = queries.fetch_df(con, "communities_in_scope", community_ids=scope.params()["community_ids"])
    if community_id is not None:
        found = found[found["community_id"] == community_id]
        if found.empty:
            raise ImportProblemError("import.error.community_out_of_scope", community_id=community_id)
    return found.reset_index(drop=True)


_key = name_key


def _problems_at(rows: pd.DataFrame, mask: pd.Series, column: str, code: str,
                 values: Callable[[dict], dict]) -> list[Problem]:
    """One problem per masked row; `values` gets the row as a dict (column types kept, unlike iterrows)."""
    return [Problem(int(row), column, code, values(r)) for row, r in rows[mask].to_dict("index").items()]


def _salt(con: duckdb.DuckDBPyConnection) -> tuple[str, bool]:
    """The database's ID salt; a new one (written by the commit) when the database has none yet."""
    found = queries.fetch_all(con, "import_id_salt")
    return (found[0][0], False) if found else (secrets.token_hex(16), True)


def _hashes(numbers: pd.Series, communities: pd.Series, salt: str, salts: dict[int | None, str]) -> list:
    """Each number hashed with its community's salt: its own where the community joined with one, else `salt`."""
    own = {c: s for c, s in salts.items() if c is not None}
    return [ids.hash_id(n, own.get(None if pd.isna(c) else int(c), salt)) if isinstance(n, str) else None
            for n, c in zip(numbers, communities)]


# --- register: validation --------------------------------------------------------------------------------------

REGISTER_REQUIRED = [("name",), ("id_number",), ("building", "address"), ("room", "address")]
FLAGS = ["disabled", "bedridden", "chronic_illness", "low_income", "pregnant"]
PERSON_COLUMNS = ["name", "sex", "birth_date", "phone", "id_masked", "id_hash", *FLAGS]


def validate_register(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, mapping: dict[str, str], *,
                      community_id: int | None, scope: Scope, census: bool = False, today: date | None = None,
                      allow_moves: bool = False) -> Preview:
    """Every row checked and matched to the database, nothing written, so the page can show it all first.

    community_id None: rows name their community in a 社区 column (a street-wide file). census: missing
    compounds, buildings, stairwells and flats are to be made. allow_moves: an ID number registered in another
    household the importer may see moves to the new one (otherwise that is a problem).
    """
    today = today or config.today()
    _refuse_unless_may_write(scope)
    frame = _row_numbers(frame)
    communities = _communities(con, community_id, scope)
    required = REGISTER_REQUIRED + ([("community",)] if community_id is None else [])
    problems = _header_problems(frame, mapping, REGISTER_FIELDS, required)
    if problems:
        return Preview("register", pd.DataFrame(), problems, {}, tuple(communities["community_id"]), census,
                       allow_moves, scope=scope)
    source = _sources(mapping)
    rows = _people(frame, source, problems, today).join(_addresses(frame, source, problems))
    problems += _duplicate_ids(rows, source.get("id_number", ""))
    salt, salt_is_new = _salt(con)
    numbers = rows.pop("id_number")
    rows = _place_rows(con, rows, source, problems, communities, community_id, census, scope)
    _put(rows, "id_hash", _hashes(numbers.reindex(rows.index), rows["community_id"], salt, ids.salts(con)))
    rows = _match_residents(con, rows, source, problems, scope, allow_moves)
    problems.sort(key=lambda p: (p.row, p.column))
    return Preview("register", rows, problems, _expected_counts(rows), tuple(int(c) for c in
                   communities["community_id"]), census, allow_moves, salt, salt_is_new, scope,
                   _formula_names(rows, source["name"]))


def _people(frame: pd.DataFrame, source: dict[str, str], problems: list[Problem], today: date) -> pd.DataFrame:
    """Name, ID number (its birth date and sex win over the columns, which must agree), phone, flags."""
    names = _apply(frame, source["name"], _person_name, problems, required="name")
    id_column = source["id_number"]
    checked = _apply(frame, id_column, lambda t: _id_number(t, today), problems, required="id_number")
    rows = pd.DataFrame(index=frame.index)
    _put(rows, "name", names)
    _put(rows, "id_number", [c[0] if c else None for c in checked])
    _put(rows, "birth_date", [c[1] if c else None for c in checked])
    _put(rows, "sex", [c[2] if c else None for c in checked])
    _put(rows, "id_masked", [ids.mask_id(n) if n else None for n in rows["id_number"]])
    _put(rows, "phone", _apply(frame, source.get("phone"), normalise_phone, problems))
    if "sex" in source:
        given = _apply(frame, source["sex"], normalise_sex, problems)
        for row, stated, derived, number in zip(rows.index, given, rows["sex"], rows["id_number"]):
            if stated and derived and stated != derived:
                problems.append(Problem(int(row), source["sex"], "import.error.id_sex_mismatch",
                                        {"value": number, **_sex_values(derived)}))
    if "birth_date" in source:
        given = _apply(frame, source["birth_date"], lambda t: parse_date(t, today), problems)
        for row, stated, derived, number in zip(rows.index, given, rows["birth_date"], rows["id_number"]):
            if stated and derived and not _same_birth(stated, derived):
                problems.append(Problem(int(row), source["birth_date"], "import.error.id_birth_mismatch",
                                        {"value": number, "expected": derived}))
    for flag in FLAGS:
        # A flag column that is present says no with a blank cell; an absent column changes nothing (None).
        values = _apply(frame, source.get(flag), parse_flag, problems)
        _put(rows, flag, [(bool(v) if v is not None else False) if flag in source else None for v in values])
    return rows


def _person_name(text: str) -> str:
    """Spaces people type between Chinese characters go; a Latin name keeps single spaces."""
    value = re.sub(r"\s+", " ", nfkc(text))
    return re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", value)


def _id_number(text: str, today: date) -> tuple[str, date, str]:
    """(normalised number, birth date, sex); Excel's scientific form is named as such, not as a bad number."""
    if SCIENTIFIC.match(nfkc(text).replace(" ", "")):
        raise ValueError("import.error.id_scientific")
    birth, sex = ids.validate_id_number(text, today)
    return ids.normalise_id_number(text), birth, sex


def _same_birth(stated: date | tuple[int, int], derived: date) -> bool:
    if isinstance(stated, tuple):
        return stated == (derived.year, derived.month)
    return stated == derived


def _addresses(frame: pd.DataFrame, source: dict[str, str], problems: list[Problem]) -> pd.DataFrame:
    """Community, compound, building, unit, room and floor from their columns, or parsed from the address."""
    rows = pd.DataFrame(index=frame.index)
    rows["community_text"] = _text(frame, source.get("community"))
    rows["compound_text"] = _text(frame, source.get("compound"))
    rows["grid_text"] = _text(frame, source.get("grid"))
    rows["floors"] = _apply(frame, source.get("floors"), parse_floors, problems)
    if "building" in source and "room" in source:
        split = _apply(frame, source["building"], split_building, problems, required="building")
        _put(rows, "prefix", [s[0] if s else "" for s in split])
        _put(rows, "building", [s[1] if s else None for s in split])
        units = _apply(frame, source.get("unit"), normalise_unit, problems)
        _put(rows, "unit_no", [u or 1 for u in units])
        rooms = _apply(frame, source["room"], normalise_room, problems, required="room")
        _put(rows, "room", [r[0] if r else None for r in rooms])
        _put(rows, "floor", [r[1] if r else None for r in rooms])
    else:
        parts = _apply(frame, source["address"], address_parts, problems, required="address")
        for position, name in enumerate(["prefix", "building", "unit_no", "room", "floor"]):
            _put(rows, name, [p[position] if p else None for p in parts])
        rows["prefix"] = rows["prefix"].fillna("")
    for name in ["unit_no", "floor", "floors"]:
        rows[name] = pd.array(rows[name].tolist(), dtype="Int64")
    _put(rows, "building_key", [building_key(b) if b else None for b in rows["building"]])
    return rows


def _duplicate_ids(rows: pd.DataFrame, column: str) -> list[Problem]:
    """The same ID number on two rows of one file: the later rows are named, with the first row."""
    numbers = rows["id_number"]
    known = numbers.notna()
    repeated = known & numbers.duplicated(keep="first")
    first = rows.index.to_series()[known].groupby(numbers[known]).min()
    return [Problem(int(row), column, "import.error.id_duplicate", {"value": n, "first_row": int(first[n])})
            for row, n in numbers[repeated].items()]


def _place_rows(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, source: dict[str, str],
                problems: list[Problem], communities: pd.DataFrame, community_id: int | None, census: bool,
                scope: Scope) -> pd.DataFrame:
    """Each row's community, compound, building, stairwell and flat, found in the database or (census) to be made."""
    where = _Columns(source)
    places = _Places.load(con, communities, scope)
    rows = _row_communities(rows, where, problems, communities, community_id)
    rows = _row_compounds(rows, where, problems, places, census)
    rows = _row_buildings(rows, where, problems, places, census, scope)
    problems += _outside_scope(rows, where, scope)
    return _row_flats(rows, where, problems, places, census, scope)


@dataclass(frozen=True)
class _Columns:
    """Which source column a problem about each part of the address is reported in."""

    source: dict[str, str]

    def of(self, part: str) -> str:
        """The building column answers for the compound and unit too when those have no column of their own."""
        fallback = {"compound": "building", "unit": "building"}.get(part, part)
        return (self.source.get(part) or self.source.get(fallback) or self.source.get("address")
                or self.source.get("building") or "")


@dataclass
class _Places:
    """The places of the communities being imported into, keyed loosely for matching."""

    compounds: pd.DataFrame
    buildings: pd.DataFrame
    stairwells: pd.DataFrame
    households: pd.DataFrame
    grids: pd.DataFrame

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, communities: pd.DataFrame, scope: Scope) -> "_Places":
        """Read once per validation and matched in pandas: one query per table, not one per row."""
        wanted = {"communities": [int(c) for c in communities["community_id"]], **_scope_params(scope)}
        compounds = queries.fetch_df(con, "import_compounds", **wanted)
        compounds["key"] = [_key(n) for n in compounds["name"]]
        buildings = queries.fetch_df(con, "import_buildings", **wanted)
        buildings["key"] = [building_key(n) for n in buildings["name"]]
        households = queries.fetch_df(con, "import_households", **wanted)
        households["room_key"] = [str(r).lstrip("0") for r in households["room"]]
        grids = queries.fetch_df(con, "import_grids", **wanted)
        grids["key"] = [_key(n) for n in grids["name"]]
        return cls(compounds, buildings, queries.fetch_df(con, "import_stairwells", **wanted), households, grids)


def _row_communities(rows: pd.DataFrame, where: _Columns, problems: list[Problem], communities: pd.DataFrame,
                     community_id: int | None) -> pd.DataFrame:
    """The community each row belongs to: the chosen one (a 社区 column must then agree) or the one it names."""
    by_key = {_key(n): int(c) for c, n in zip(communities["community_id"], communities["name"])}
    found = []
    for row, text in zip(rows.index, rows["community_text"]):
        named = by_key.get(_key(text)) if text else None
        if community_id is not None:
            if text and named != community_id:
                problems.append(Problem(int(row), where.of("community"), "import.error.other_community",
                                        {"value": text}))
            found.append(community_id)
        elif not text:
            problems.append(Problem(int(row), where.of("community"), "import.error.required",
                                    _field("community")))
            found.append(None)
        else:
            if named is None:
                problems.append(Problem(int(row), where.of("community"), "import.error.unknown_community",
                                        {"value": text}))
            found.append(named)
    return rows.assign(community_id=pd.array(found, dtype="Int64"))


def _row_compounds(rows: pd.DataFrame, where: _Columns, problems: list[Problem], places: _Places,
                   census: bool) -> pd.DataFrame:
    """The compound a row names (小区 column, else the text before the building in an address), if any."""
    by_key = {(int(c), k): (int(i), n) for c, k, i, n in zip(places.compounds["community_id"], places.compounds["key"],
                                                           places.compounds["compound_id"], places.compounds["name"])}
    per_community = places.compounds.groupby("community_id")
    compound_id, compound_name = [], []
    for row, community, text, prefix in zip(rows.index, rows["community_id"], rows["compound_text"], rows["prefix"]):
        found = None
        if community is not pd.NA and text:
            found = by_key.get((int(community), _key(text)))
            if found is None and int(community) in per_community.groups:
                own = per_community.get_group(int(community))
                position = find_name(text, own["name"].tolist())
                found = None if position is None else (int(own["compound_id"].iloc[position]),
                                                       own["name"].iloc[position])
            if found is None:
                if census:
                    found = (None, nfkc(text))
                else:
                    problems.append(Problem(int(row), where.of("compound"), "import.error.unknown_compound",
                                            {"value": text}))
        elif community is not pd.NA and prefix and int(community) in per_community.groups:
            own = per_community.get_group(int(community))
            hits = [(int(i), n) for i, n, k in zip(own["compound_id"], own["name"], own["key"]) if k and k in
                    _key(prefix)]
            found = hits[0] if len(hits) == 1 else None
        compound_id.append(found[0] if found else None)
        compound_name.append(found[1] if found else None)
    return rows.assign(compound_id=pd.array(compound_id, dtype="Int64"), compound_name=compound_name)


def _row_buildings(rows: pd.DataFrame, where: _Columns, problems: list[Problem], places: _Places, census: bool,
                   scope: Scope) -> pd.DataFrame:
    """The building each row names within its community (and compound, when named); census makes missing ones."""
    candidates = rows[["community_id", "compound_id", "compound_name", "building_key"]].reset_index().merge(
        places.buildings.rename(columns={"compound_id": "b_compound_id", "name": "b_name", "floors": "b_floors",
                                         "compound_name": "b_compound_name"}),
        left_on=["community_id", "building_key"], right_on=["community_id", "key"], how="inner")
    named = candidates["compound_name"].notna()
    candidates = candidates[~named | (candidates["compound_id"] == candidates["b_compound_id"]).fillna(False)]
    hits = candidates.groupby("row").agg(n=("building_id", "size"), building_id=("building_id", "first"),
                                         b_compound_id=("b_compound_id", "first"), b_name=("b_name", "first"),
                                         b_floors=("b_floors", "first"), grid_id=("grid_id", "first"),
                                         in_scope=("in_scope", "first"),
                                         b_compound_name=("b_compound_name", "first"),
                                         compounds=("b_compound_name", lambda s: "、".join(sorted(s))))
    rows = rows.join(hits)
    rows["grid_id"] = rows["grid_id"].astype("Int64")
    single = rows["n"] == 1
    rows["in_scope"] = rows["in_scope"].where(single, False).astype(bool)
    rows["building_id"] = rows["building_id"].where(single).astype("Int64")
    rows["compound_id"] = rows["compound_id"].fillna(rows["b_compound_id"].where(single)).astype("Int64")
    rows["compound_name"] = rows["compound_name"].where(rows["compound_name"].notna(),
                                                        rows["b_compound_name"].where(single))
    rows["building_name"] = rows["b_name"].where(single, rows["building"])
    rows["building_floors"] = rows["b_floors"].where(single)
    ambiguous = (rows["n"] > 1) & ~_compound_problem(rows)  # a compound named but not found is its own problem
    problems += _problems_at(rows, ambiguous, where.of("building"), "import.error.building_ambiguous",
                             lambda r: {"value": r["building"], "compounds": r["compounds"]})
    missing = rows["building"].notna() & rows["community_id"].notna() & rows["n"].isna()
    if not census:
        problems += _problems_at(rows, missing & ~_compound_problem(rows), where.of("building"),
                                 "import.error.unknown_building", lambda r: {"value": r["building"]})
        return rows.drop(columns=["n", "b_compound_id", "b_name", "b_floors", "b_compound_name", "compounds"])
    return _new_buildings(rows, missing, where, problems, places, scope)


def _compound_problem(rows: pd.DataFrame) -> pd.Series:
    """Rows whose named compound was not found (already reported; no second problem about their building)."""
    return (rows["compound_text"] != "") & rows["compound_name"].isna()


def _new_buildings(rows: pd.DataFrame, missing: pd.Series, where: _Columns, problems: list[Problem],
                   places: _Places, scope: Scope) -> pd.DataFrame:
    """Census: an unknown building goes in the compound named or the only one; never made by a grid worker."""
    # Its grid cell comes from a 网格 column when there is one, so the grid worker sees the new building.
    only = places.compounds.groupby("community_id").filter(lambda g: len(g) == 1).set_index("community_id")
    default = rows["community_id"].map(lambda c: only["name"].get(int(c)) if c is not pd.NA else None)
    default_id = rows["community_id"].map(lambda c: only["compound_id"].get(int(c)) if c is not pd.NA else None)
    take_default = missing & rows["compound_name"].isna()
    rows.loc[take_default, "compound_name"] = default[take_default]
    rows.loc[take_default, "compound_id"] = default_id[take_default].astype("Int64")
    if scope.grid_ids is not None:
        problems += _problems_at(rows, missing, where.of("building"), "import.error.no_new_buildings",
                                 lambda r: {"value": r["building"]})
    problems += _problems_at(rows, missing & rows["compound_name"].isna() & (rows["compound_text"] == ""),
                             where.of("compound"), "import.error.compound_needed", lambda r: {"value": r["building"]})
    grid_keys = {(int(c), k): int(g) for c, k, g in zip(places.grids["community_id"], places.grids["key"],
                                                       places.grids["grid_id"])}
    new_grid = []
    for row, is_new, community, text in zip(rows.index, missing, rows["community_id"], rows["grid_text"]):
        grid = None
        if is_new and text:
            name = parse_grid_names(text)[0] if parse_grid_names(text) else text
            grid = grid_keys.get((int(community), _key(name)))
            if grid is None:
                problems.append(Problem(int(row), where.of("grid"), "import.error.unknown_grid", {"value": text}))
        new_grid.append(grid)
    rows["grid_id"] = rows["grid_id"].where(~missing, pd.Series(new_grid, index=rows.index, dtype="Int64"))
    rows["new_building"] = missing
    # One new building per key: 314号楼A座 and 314栋A座 on two rows are one building, named as first written.
    first = rows[missing].groupby(["community_id", "compound_name", "building_key"], dropna=False)[
        "building_name"].transform("first")
    rows.loc[missing, "building_name"] = first
    return rows.drop(columns=["n", "b_compound_id", "b_name", "b_floors", "b_compound_name", "compounds"])


def _row_flats(rows: pd.DataFrame, where: _Columns, problems: list[Problem], places: _Places, census: bool,
               scope: Scope) -> pd.DataFrame:
    """Stairwell by (building, unit), flat by (stairwell, room); census makes missing ones below the top floor."""
    if "new_building" not in rows:
        rows["new_building"] = False
    # A volunteer sees only their own flats: any other flat is 'not yours', whether or not it exists.
    own_flats_only = scope.household_ids is not None
    keyed = rows[["building_id", "unit_no"]].reset_index().merge(
        places.stairwells, on=["building_id", "unit_no"], how="left").set_index("row")
    rows["stairwell_id"] = keyed["stairwell_id"].astype("Int64")
    rooms = rows[["stairwell_id", "room"]].reset_index().merge(
        places.households.rename(columns={"room": "db_room", "floor": "db_floor"}),
        left_on=["stairwell_id", "room"], right_on=["stairwell_id", "room_key"], how="left").set_index("row")
    rows["household_id"] = rooms["household_id"].astype("Int64")
    rows["room"] = rooms["db_room"].where(rooms["db_room"].notna(), rows["room"])
    rows["floor"] = rooms["db_floor"].where(rooms["db_floor"].notna(), rows["floor"])
    placed = rows["building_id"].notna() & rows["in_scope"]
    if own_flats_only:
        outside = placed & rows["room"].notna() & rows["household_id"].isna()
        problems += _problems_at(rows, outside, where.of("room"), "import.error.outside_households",
                                 lambda r: {"building": r["building_name"], "unit": int(r["unit_no"] or 1),
                                            "value": r["room"]})
        return rows
    if not census:
        no_unit = placed & rows["unit_no"].notna() & rows["stairwell_id"].isna()
        problems += _problems_at(rows, no_unit, where.of("unit"), "import.error.unknown_unit",
                                 lambda r: {"building": r["building_name"], "value": int(r["unit_no"])})
        no_room = rows["stairwell_id"].notna() & rows["room"].notna() & rows["household_id"].isna()
        problems += _problems_at(rows, no_room, where.of("room"), "import.error.unknown_room",
                                 lambda r: {"building": r["building_name"], "unit": int(r["unit_no"]),
                                            "value": r["room"]})
        return rows
    top = rows["building_floors"].where(placed, rows["floors"])
    rows["top_floor"] = top
    too_high = rows["household_id"].isna() & top.notna() & rows["floor"].notna() & (rows["floor"] > top)
    problems += _problems_at(rows, too_high, where.of("room"), "import.error.floor_above_building",
                             lambda r: {"value": r["room"], "floors": int(r["top_floor"])})
    return rows


def _outside_scope(rows: pd.DataFrame, where: _Columns, scope: Scope) -> list[Problem]:
    """Rows in buildings the importer may not write: another grid worker's, or none of a volunteer's flats."""
    outside = rows["building_id"].notna() & ~rows["in_scope"]
    if scope.household_ids is not None:
        return _problems_at(rows, outside, where.of("room"), "import.error.outside_households",
                            lambda r: {"building": r["building_name"], "unit": int(r["unit_no"] or 1),
                                       "value": r["room"]})
    return _problems_at(rows, outside, where.of("building"), "import.error.outside_grid",
                        lambda r: {"value": r["building_name"]})


def _match_residents(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, source: dict[str, str],
                     problems: list[Problem], scope: Scope, allow_moves: bool) -> pd.DataFrame:
    """Registered ID numbers: same flat is an update, another flat a problem unless a move the importer may see."""
    hashes = pa.table({"id_hash": pa.array(rows["id_hash"].dropna().unique().tolist(), pa.string())})
    con.register("import_hashes", hashes)
    try:
        known = queries.fetch_df(con, "import_known_residents", **_scope_params(scope))
    finally:
        con.unregister("import_hashes")
    known["birth_date"] = [None if pd.isna(d) else pd.Timestamp(d).date() for d in known["birth_date"]]
    known = known.rename(columns={c: f"db_{c}" for c in known.columns if c != "id_hash"})
    rows = rows.reset_index().merge(known, on="id_hash", how="left").set_index("row")
    moved = rows["db_resident_id"].notna() & (rows["db_household_id"] != rows["household_id"]).fillna(True)
    refused = moved & ~(rows["db_in_scope"].fillna(False).astype(bool) & allow_moves)
    problems += _problems_at(rows, refused, source["id_number"], "import.error.id_other_household",
                             lambda r: {"value": r["id_masked"]})
    return rows


def _scope_params(scope: Scope) -> dict:
    return {k: v for k, v in scope.params().items() if k != "personal"}


def _expected_counts(rows: pd.DataFrame) -> dict[str, int]:
    """What the commit should report, worked out in pandas for the page to show before anyone commits."""
    known = rows["db_resident_id"].notna()
    changed = (rows["db_household_id"] != rows["household_id"]).fillna(True)
    for column in ["name", "sex", "birth_date", "id_masked"]:
        changed |= (rows[column].astype(object) != rows[f"db_{column}"].astype(object)).fillna(True)
    for column in ["phone", *FLAGS]:
        given = rows[column].notna()
        changed |= given & (rows[column].astype(object) != rows[f"db_{column}"].astype(object)).fillna(True)
    new_building = rows["new_building"].fillna(False).astype(bool)
    new_stairwell = rows["stairwell_id"].isna()
    new_household = rows["household_id"].isna()
    return {
        "rows": len(rows),
        "created": int((~known).sum()),
        "updated": int((known & changed).sum()),
        "unchanged": int((known & ~changed).sum()),
        "compounds_created": rows.loc[rows["compound_id"].isna(), ["community_id", "compound_name"]]
        .drop_duplicates().shape[0],
        "buildings_created": rows.loc[new_building, ["community_id", "compound_name", "building_name"]]
        .drop_duplicates().shape[0],
        "stairwells_created": rows.loc[new_stairwell, ["community_id", "compound_name", "building_name", "unit_no"]]
        .drop_duplicates().shape[0],
        "households_created": rows.loc[new_household, ["community_id", "compound_name", "building_name", "unit_no",
                                                       "room"]].drop_duplicates().shape[0],
    }


# --- register: commit ------------------------------------------------------------------------------------------

ROWS_SCHEMA = pa.schema([
    ("row", pa.int64()), ("community_id", pa.int64()), ("compound_name", pa.string()),
    ("building_name", pa.string()), ("grid_id", pa.int64()), ("floors", pa.int64()), ("unit_no", pa.int64()),
    ("room", pa.string()), ("floor", pa.int64()),
])
PEOPLE_SCHEMA = pa.schema([
    ("row", pa.int64()), ("household_id", pa.int64()), ("name", pa.string()), ("sex", pa.string()),
    ("birth_date", pa.date32()), ("phone", pa.string()), ("id_masked", pa.string()), ("id_hash", pa.string()),
    *[(flag, pa.bool_()) for flag in FLAGS],
])
COMMIT_STEPS = ["import_insert_compounds", "import_insert_buildings", "import_insert_stairwells",
                "import_insert_households"]


def commit_register(con: duckdb.DuckDBPyConnection, actor, preview: Preview, *, source_name: str,
                    progress: Callable[[float], None] | None = None) -> dict[str, int]:
    """One transaction with its audit entry, so any error leaves the database as it was; returns what was done."""
    # Places first, each by its natural key, then residents by ID hash: updates, then inserts. An import never
    # deletes: people missing from the file stay as they are.
    _refuse_actor(actor)
    _refuse_preview(preview, "register")
    progress = progress or (lambda fraction: None)
    scope = _scope_params(preview.scope)
    places = pa.Table.from_pandas(_place_frame(preview.rows), schema=ROWS_SCHEMA, preserve_index=False)
    counts: dict[str, int] = {"rows": len(preview.rows)}
    with db.transaction(con):
        before = integrity.reference_problems(con)
        _store_salt(con, preview)
        con.register("import_rows", places)
        try:
            new_stairwells = _insert_places(con, scope, counts, progress)
            placed = queries.fetch_df(con, "import_placed_rows", **scope)
        finally:
            con.unregister("import_rows")
        if len(placed) != len(preview.rows):  # a place went away, or out of the importer's scope, since the preview
            raise ImportProblemError("import.error.changed_since_preview")
        _cut_stairwells(con, new_stairwells, preview.scope)
        progress(0.5)
        _write_residents(con, _people_frame(preview.rows, placed), scope, preview.allow_moves, counts, progress)
        _check_references(con, before)
        progress(0.9)
        audit.record(con, actor, "import", f"file:{source_name}", detail=json.dumps({"kind": "register", **counts}))
    progress(1.0)
    return counts


def _insert_places(con: duckdb.DuckDBPyConnection, scope: dict, counts: dict[str, int],
                   progress: Callable[[float], None]) -> list[int]:
    """Places the rows need and the database lacks; returns the buildings given new stairwells, to cut shapes."""
    new_stairwells: list[int] = []
    for step, name in enumerate(COMMIT_STEPS):
        made = queries.fetch_all(con, name, **scope)
        counts[name.removeprefix("import_insert_") + "_created"] = len(made)
        if name == "import_insert_stairwells":
            new_stairwells = sorted({int(building) for _, building in made})
        progress(0.1 + 0.08 * step)
    return new_stairwells


def _cut_stairwells(con: duckdb.DuckDBPyConnection, building_ids: list[int], scope: Scope) -> None:
    """New stairwells get their slice of a drawn footprint in this transaction, so the map never lacks them."""
    if building_ids:
        rows = queries.fetch_df(con, "stairwells_to_cut", building_ids=building_ids, **scope.params())
        geometry.write_stairwell_shapes(con, geometry.stairwell_shapes(rows))


def _write_residents(con: duckdb.DuckDBPyConnection, people: pa.Table, scope: dict, allow_moves: bool,
                     counts: dict[str, int], progress: Callable[[float], None]) -> None:
    """Updates then inserts by ID hash, after checking no one registered elsewhere would be moved unasked."""
    con.register("import_people", people)
    try:
        if queries.fetch_all(con, "import_moved_residents", allow_moves=allow_moves, **scope):
            raise ImportProblemError("import.error.changed_since_preview")
        counts["updated"] = len(queries.fetch_all(con, "import_update_residents", **scope))
        progress(0.7)
        counts["created"] = len(queries.fetch_all(con, "import_insert_residents", **scope))
    finally:
        con.unregister("import_people")
    counts["unchanged"] = counts["rows"] - counts["created"] - counts["updated"]


def _same_as_preview(preview: Preview, counts: dict[str, int]) -> None:
    """A commit doing other than its preview showed (list changed, scope refused a row) is undone, not half-done."""
    if (counts["created"], counts["updated"]) != (preview.counts["created"], preview.counts["updated"]):
        raise ImportProblemError("import.error.changed_since_preview")


def _refuse_actor(actor) -> None:
    """Imports write on someone's behalf: only roles that bring data in (volunteers and viewers never do)."""
    roles.need(actor, "import", ImportProblemError("import.error.not_allowed"))


def _refuse_preview(preview: Preview, kind: str) -> None:
    if preview.kind != kind:
        raise ImportProblemError("import.error.wrong_kind", kind=preview.kind)
    if preview.problems:
        raise ImportProblemError("import.error.has_problems", count=len(preview.problems))


def _place_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per spreadsheet row with its place by natural keys; floors only matter for new buildings."""
    floors = rows["floors"].where(rows["floors"].notna(), None)
    return pd.DataFrame({
        "row": rows.index.astype("int64"),
        "community_id": rows["community_id"].astype("Int64").to_numpy(),
        "compound_name": rows["compound_name"].to_numpy(),
        "building_name": rows["building_name"].to_numpy(),
        "grid_id": rows["grid_id"].astype("Int64").to_numpy(),
        "floors": pd.array(floors.tolist(), dtype="Int64"),
        "unit_no": pd.array(rows["unit_no"].tolist(), dtype="Int64"),
        "room": rows["room"].to_numpy(),
        "floor": pd.array(rows["floor"].tolist(), dtype="Int64"),
    })


def _people_frame(rows: pd.DataFrame, placed: pd.DataFrame) -> pa.Table:
    """Residents to write, each with the household id its row resolved to inside this transaction."""
    household = placed.set_index("row")["household_id"].reindex(rows.index)
    frame = pd.DataFrame({"row": rows.index.astype("int64"), "household_id": household.to_numpy()})
    for column in PERSON_COLUMNS:
        frame[column] = rows[column].astype(object).where(rows[column].notna(), None).to_numpy()
    return pa.Table.from_pandas(frame, schema=PEOPLE_SCHEMA, preserve_index=False)


def _store_salt(con: duckdb.DuckDBPyConnection, preview: Preview) -> None:
    """Write the salt the preview hashed with, if it is new; a salt made meanwhile means hashes differ."""
    current = queries.fetch_all(con, "import_id_salt")
    if current and current[0][0] != preview.salt:
        raise ImportProblemError("import.error.changed_since_preview")
    if not current:
        queries.fetch_all(con, "import_insert_salt", salt=preview.salt)


def _check_references(con: duckdb.DuckDBPyConnection, before: dict[str, int]) -> None:
    """No import may leave a row pointing at nothing (the schema has no foreign keys to stop it)."""
    after = integrity.reference_problems(con)
    worse = {ref: n for ref, n in after.items() if n > before.get(ref, 0)}
    if worse:
        raise ImportProblemError("import.error.integrity", references=", ".join(sorted(worse)))


# --- staff and volunteers --------------------------------------------------------------------------------------


def _community_wide(con: duckdb.DuckDBPyConnection, community_id: int, scope: Scope) -> None:
    """Staff and volunteers belong to a whole community: only its leaders and the street office import them."""
    _refuse_unless_may_write(scope)
    if scope.grid_ids is not None or scope.household_ids is not None:
        raise ImportProblemError("import.error.not_allowed")
    _communities(con, community_id, scope)


def _phones(frame: pd.DataFrame, source: dict[str, str], problems: list[Problem]) -> list[str | None]:
    """Required, valid and once per file: the phone is how staff and volunteers are recognised on re-import."""
    phones = _apply(frame, source["phone"], normalise_phone, problems, required="phone")
    first: dict[str, int] = {}
    for row, phone in zip(frame.index, phones):
        if phone is None:
            continue
        if phone in first:
            problems.append(Problem(int(row), source["phone"], "import.error.phone_duplicate",
                                    {"value": phone, "first_row": first[phone]}))
        else:
            first[phone] = int(row)
    return phones


def validate_staff(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, mapping: dict[str, str], *,
                   community_id: int, scope: Scope) -> Preview:
    """Grid workers, doctors and police of one community (姓名, 电话, 岗位, 网格), recognised by phone."""
    _community_wide(con, community_id, scope)
    frame = _row_numbers(frame)
    problems = _header_problems(frame, mapping, STAFF_FIELDS, [("name",), ("phone",), ("role",)])
    if problems:
        return Preview("staff", pd.DataFrame(), problems, {}, (community_id,), scope=scope)
    source = _sources(mapping)
    rows = pd.DataFrame(index=frame.index)
    _put(rows, "name", _apply(frame, source["name"], _person_name, problems, required="name"))
    _put(rows, "phone", _phones(frame, source, problems))
    _put(rows, "role", _apply(frame, source["role"], parse_staff_role, problems, required="role"))
    _put(rows, "grids", _apply(frame, source.get("grid"), parse_grid_names, problems))
    grids = queries.fetch_df(con, "import_grids", communities=[community_id])
    grid_ids = {_key(n): int(g) for n, g in zip(grids["name"], grids["grid_id"])}
    existing = queries.fetch_df(con, "import_staff", community_id=community_id)
    known = {p: (n, r) for p, n, r in zip(existing["phone"], existing["name"], existing["role"])}
    assigned: dict[int, int] = {}
    found_grids = []
    for row, name, phone, role, grids in zip(rows.index, rows["name"], rows["phone"], rows["role"], rows["grids"]):
        found_grids.append(_staff_grids(int(row), role, grids or [], source, grid_ids, assigned, problems))
        old_role = known.get(phone, (None, None))[1]
        if old_role and role and old_role != role:
            problems.append(Problem(int(row), source["role"], "import.error.staff_role_changed",
                                    {"value": name, "old": old_role}))  # the page names it: import.role.<old>
    _put(rows, "grid_ids", found_grids)
    problems.sort(key=lambda p: (p.row, p.column))
    state = [known.get(p) for p in rows["phone"]]
    created = sum(s is None for s in state)
    updated = sum(s is not None and s != (n, r) for s, n, r in zip(state, rows["name"], rows["role"]))
    counts = {"rows": len(rows), "created": created, "updated": updated, "unchanged": len(rows) - created - updated}
    return Preview("staff", rows, problems, counts, (community_id,), scope=scope,
                   warnings=_formula_names(rows, source["name"]))


def _staff_grids(row: int, role: str | None, names: list[str], source: dict[str, str], grid_ids: dict[str, int],
                 assigned: dict[int, int], problems: list[Problem]) -> list[int]:
    """The grid cells a grid worker's row names: known cells, each given to one person only."""
    if names and role and role != "grid_worker":
        problems.append(Problem(row, source["grid"], "import.error.grid_not_for_role", {"value": names}))
        return []
    found = []
    for name in names:
        grid = grid_ids.get(_key(name))
        if grid is None:
            problems.append(Problem(row, source["grid"], "import.error.unknown_grid", {"value": name}))
        elif grid in assigned:
            problems.append(Problem(row, source["grid"], "import.error.grid_twice",
                                    {"value": name, "first_row": assigned[grid]}))
        else:
            assigned[grid] = row
            found.append(grid)
    return found


def commit_staff(con: duckdb.DuckDBPyConnection, actor, preview: Preview, *, source_name: str,
                 progress: Callable[[float], None] | None = None) -> dict[str, int]:
    """Staff upserted by (community, phone) and grid cells handed to their grid workers, in one transaction."""
    _refuse_actor(actor)
    _refuse_preview(preview, "staff")
    progress = progress or (lambda fraction: None)
    community_id, scope = preview.community_ids[0], _scope_params(preview.scope)
    staff = pa.table({"row": preview.rows.index.astype("int64"), "name": preview.rows["name"].tolist(),
                      "phone": preview.rows["phone"].tolist(), "role": preview.rows["role"].tolist()})
    grids = pa.table({"phone": pa.array([p for p, g in zip(preview.rows["phone"], preview.rows["grid_ids"])
                                         for _ in g], pa.string()),
                      "grid_id": pa.array([x for g in preview.rows["grid_ids"] for x in g], pa.int64())})
    with db.transaction(con):
        before = integrity.reference_problems(con)
        con.register("import_staff_rows", staff)
        con.register("import_staff_grids", grids)
        try:
            updated = len(queries.fetch_all(con, "import_update_staff", community_id=community_id, **scope))
            created = len(queries.fetch_all(con, "import_insert_staff", community_id=community_id, **scope))
            progress(0.5)
            assigned = len(queries.fetch_all(con, "import_assign_grids", community_id=community_id, **scope))
        finally:
            con.unregister("import_staff_rows")
            con.unregister("import_staff_grids")
        counts = {"rows": len(preview.rows), "created": created, "updated": updated,
                  "unchanged": len(preview.rows) - created - updated, "grids_assigned": assigned}
        _same_as_preview(preview, counts)
        _check_references(con, before)
        audit.record(con, actor, "import", f"file:{source_name}", detail=json.dumps({"kind": "staff", **counts}))
    progress(1.0)
    return counts


def validate_volunteers(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, mapping: dict[str, str], *,
                        community_id: int, scope: Scope) -> Preview:
    """Volunteers of one community (姓名, 电话, 居住楼栋, 可服务户数, 状态), recognised by phone."""
    _community_wide(con, community_id, scope)
    frame = _row_numbers(frame)
    problems = _header_problems(frame, mapping, VOLUNTEER_FIELDS, [("name",), ("phone",)])
    if problems:
        return Preview("volunteer", pd.DataFrame(), problems, {}, (community_id,), scope=scope)
    source = _sources(mapping)
    rows = pd.DataFrame(index=frame.index)
    _put(rows, "name", _apply(frame, source["name"], _person_name, problems, required="name"))
    _put(rows, "phone", _phones(frame, source, problems))
    # Blank capacity, status or building keep what is stored (a new volunteer gets 5 households, active).
    _put(rows, "capacity", _apply(frame, source.get("capacity"), parse_capacity, problems))
    _put(rows, "active", _apply(frame, source.get("active"), parse_active, problems))
    _put(rows, "home_building_id", _home_buildings(con, frame, source, problems, community_id, scope))
    problems.sort(key=lambda p: (p.row, p.column))
    existing = queries.fetch_df(con, "import_volunteers", community_id=community_id)
    stored = {p: (n, _int_or_none(b), int(c), bool(a)) for p, n, b, c, a in zip(
        existing["phone"], existing["name"], existing["home_building_id"], existing["capacity"], existing["active"])}
    created = updated = 0
    for r in rows.itertuples():
        old = stored.get(r.phone)
        if old is None:
            created += 1
        elif old != (r.name, *(o if n is None else n for n, o in zip(
                (r.home_building_id, r.capacity, r.active), old[1:]))):
            updated += 1
    counts = {"rows": len(rows), "created": created, "updated": updated, "unchanged": len(rows) - created - updated}
    return Preview("volunteer", rows, problems, counts, (community_id,), scope=scope,
                   warnings=_formula_names(rows, source["name"]))


def _int_or_none(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _home_buildings(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, source: dict[str, str],
                    problems: list[Problem], community_id: int, scope: Scope) -> list[int | None]:
    """The building a volunteer lives in ('3栋', '丽景苑3栋'; a 小区 column settles which compound)."""
    buildings = queries.fetch_df(con, "import_buildings", communities=[community_id], **_scope_params(scope))
    buildings["key"] = [building_key(n) for n in buildings["name"]]
    buildings["compound_key"] = [_key(n) for n in buildings["compound_name"]]
    column = source.get("home_building")
    split = _apply(frame, column, split_building, problems)
    compounds = _text(frame, source.get("compound"))
    found = []
    for row, parts, compound in zip(frame.index, split, compounds):
        if parts is None:
            found.append(None)
            continue
        prefix = _key(compound or parts[0])
        hits = buildings[buildings["key"] == building_key(parts[1])]
        if prefix:
            hits = hits[[bool(k) and k in prefix for k in hits["compound_key"]]]
        if len(hits) == 1:
            found.append(int(hits["building_id"].iloc[0]))
            continue
        code = "import.error.building_ambiguous" if len(hits) > 1 else "import.error.unknown_building"
        problems.append(Problem(int(row), column, code,
                                {"value": parts[1], "compounds": "、".join(sorted(hits["compound_name"]))}))
        found.append(None)
    return found


def commit_volunteers(con: duckdb.DuckDBPyConnection, actor, preview: Preview, *, source_name: str,
                      progress: Callable[[float], None] | None = None) -> dict[str, int]:
    """Volunteers upserted by (community, phone) in one transaction with the audit entry."""
    _refuse_actor(actor)
    _refuse_preview(preview, "volunteer")
    progress = progress or (lambda fraction: None)
    rows = preview.rows
    table = pa.table({
        "row": rows.index.astype("int64"), "name": rows["name"].tolist(), "phone": rows["phone"].tolist(),
        "home_building_id": pa.array([_int_or_none(b) for b in rows["home_building_id"]], pa.int64()),
        "capacity": pa.array([_int_or_none(c) for c in rows["capacity"]], pa.int64()),
        "active": pa.array([None if a is None or pd.isna(a) else bool(a) for a in rows["active"]], pa.bool_())})
    community_id, scope = preview.community_ids[0], _scope_params(preview.scope)
    with db.transaction(con):
        before = integrity.reference_problems(con)
        con.register("import_volunteer_rows", table)
        try:
            updated = len(queries.fetch_all(con, "import_update_volunteers", community_id=community_id, **scope))
            progress(0.5)
            created = len(queries.fetch_all(con, "import_insert_volunteers", community_id=community_id, **scope))
        finally:
            con.unregister("import_volunteer_rows")
        counts = {"rows": len(rows), "created": created, "updated": updated,
                  "unchanged": len(rows) - created - updated}
        _same_as_preview(preview, counts)
        _check_references(con, before)
        audit.record(con, actor, "import", f"file:{source_name}", detail=json.dumps({"kind": "volunteer", **counts}))
    progress(1.0)
    return counts
