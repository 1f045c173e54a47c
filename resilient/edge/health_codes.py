"""Health codes (健康码, issue 17): the colour a resident showed or declared on a day, by hand or from a sheet.

Every change is a new row, so the history stays; the current code is the latest by date. A code that turns
yellow or red raises an alert on the same list as a fever (fever_alert with the code instead of a reading), so
the doctors see and handle both in one place (resilient/daily/checks.py alerts / handle_alert). A sheet goes in
all or nothing: every row is checked first and each problem named by row and column.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import pandas as pd

from resilient.core import audit, config, db, ids, queries, reference, roles
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.imports import sheets
from resilient.imports.register import Problem
from resilient.imports.sheets import HEALTH_CODE_FIELDS, normalise_header
from resilient.imports.values import (
    WORDS_FILE,
    address_parts,
    building_key,
    nfkc,
    normalise_room,
    normalise_unit,
    parse_date,
)

COLOURS = ("green", "yellow", "red")
ALERTING = ("yellow", "red")
SOURCES = ("sheet", "hand")
SHEET_FIELDS: dict[str, list[str]] = HEALTH_CODE_FIELDS
COLOUR_WORDS = reference.word_index(WORDS_FILE, "health_code.colour", COLOURS, normalise_header)


class HealthCodeError(ValueError):
    """A refusal to show the person: `code` is a translation key, `values` fill it in."""

    def __init__(self, code: str, /, **values):
        super().__init__(code)
        self.code = code
        self.values = values


def _need(actor: User | None, action: str) -> None:
    roles.need(actor, action, HealthCodeError("health_codes.error.not_allowed"))


def _retrying(con: duckdb.DuckDBPyConnection, work):
    return db.retrying(con, work, lambda: HealthCodeError("health_codes.error.busy"))


def colour_of(text) -> str:
    """green / yellow / red from a cell (绿码, 黄, Red ...); ValueError when it is no colour."""
    found = COLOUR_WORDS.get(normalise_header(nfkc(text or "")))
    if found is None:
        raise ValueError("health_codes.error.colour")
    return found


# --- writing ---------------------------------------------------------------------------------------------------

def _currents(con, scope: Scope, resident_ids: list[int]) -> dict[int, dict]:
    """{resident_id: its current code (colour, shown_on as a date)} for those that have one."""
    found = queries.fetch_df(con, "health_code_current_of", **scope.params(), resident_ids=resident_ids)
    return {int(r): {"code_id": int(c), "colour": colour, "shown_on": pd.Timestamp(d).date()}
            for r, c, colour, d in found[["resident_id", "code_id", "colour", "shown_on"]].itertuples(index=False)}


def _write(con, actor: User, resident_id: int, colour: str, shown_on: date, source: str, now: datetime,
           old: dict | None) -> dict:
    """One code inside the caller's transaction, `old` the current one: unchanged when it already says the same
    on that day or later; an alert when the current code becomes yellow or red from another colour (or none)."""
    if old is not None and old["colour"] == colour and old["shown_on"] >= shown_on:
        return {"code_id": old["code_id"], "alert_id": None, "changed": False, "current": old}
    code_id = int(queries.fetch_all(con, "health_code_insert", resident_id=int(resident_id), colour=colour,
                                    shown_on=shown_on, source=source, set_by=actor.username, set_at=now)[0][0])
    becomes_current = old is None or old["shown_on"] <= shown_on
    alert_id = None
    if becomes_current and colour in ALERTING and (old is None or old["colour"] != colour):
        found = queries.fetch_all(con, "health_code_alert_insert", code_id=code_id, resident_id=int(resident_id),
                                  raised_at=now)
        alert_id = int(found[0][0]) if found else None
    current = {"code_id": code_id, "colour": colour, "shown_on": shown_on} if becomes_current else old
    return {"code_id": code_id, "alert_id": alert_id, "changed": True, "current": current}


def set_code(con: duckdb.DuckDBPyConnection, actor: User | None, resident_id: int, colour: str,
             shown_on: date | None = None, now: datetime | None = None) -> dict:
    """A code set by hand (as shown at the gate or declared on the phone); the same code again changes nothing."""
    _need(actor, "set_health_codes")
    now = now or config.now()
    shown_on = shown_on or now.date()
    if colour not in COLOURS:
        raise HealthCodeError("health_codes.error.colour", value=colour)
    if shown_on > now.date():
        raise HealthCodeError("health_codes.error.future", day=shown_on)
    scope = roles.scope_for(con, actor, now.date())

    def work():
        found = queries.fetch_df(con, "health_code_resident", **scope.params(), resident_id=int(resident_id),
                                 today=now.date())
        if found.empty or not bool(found.iloc[0]["visible"]):
            raise HealthCodeError("health_codes.error.out_of_scope", resident_id=resident_id)
        old = _currents(con, scope, [int(resident_id)]).get(int(resident_id))
        result = _write(con, actor, int(resident_id), colour, shown_on, "hand", now, old)
        result.pop("current")
        if result["changed"]:
            audit.record(con, actor, "health_code_set", f"resident:{int(resident_id)}",
                         new={"colour": colour, "shown_on": shown_on, "alert_id": result["alert_id"]})
        return result

    return _retrying(con, work)


# --- reading ---------------------------------------------------------------------------------------------------

def counts(con: duckdb.DuckDBPyConnection, scope: Scope, today: date,
           compound_ids: tuple[int, ...] | None = None) -> dict[str, int]:
    """Residents by current colour (every colour present), codes written today, code alerts open."""
    found = dict(queries.fetch_all(con, "health_code_counts", **scope.params(), today=today,
                                   compound_ids=None if compound_ids is None else list(compound_ids)))
    return {**{c: int(found.get(f"colour:{c}", 0)) for c in COLOURS},
            "changed_today": int(found.get("changed_today", 0)), "alerts_open": int(found.get("alerts_open", 0))}


def kpis(con: duckdb.DuckDBPyConnection, scope: Scope, today: date) -> dict[str, int]:
    """The daily report's figures: residents green / yellow / red, codes changed today, code alerts open."""
    return counts(con, scope, today)


def buildings(con: duckdb.DuckDBPyConnection, scope: Scope, today: date, colours=ALERTING,
              compound_ids: tuple[int, ...] | None = None) -> pd.DataFrame:
    """Buildings with residents whose current code is one of `colours`, with how many of each (no names)."""
    return queries.fetch_df(con, "health_code_buildings", **scope.params(), today=today, colours=list(colours),
                            compound_ids=None if compound_ids is None else list(compound_ids))


def history(con: duckdb.DuckDBPyConnection, scope: Scope, resident_id: int) -> pd.DataFrame:
    """One resident's codes, newest first (empty outside the scope)."""
    return queries.fetch_df(con, "health_code_history", **scope.params(), resident_id=int(resident_id))


# --- the sheet -------------------------------------------------------------------------------------------------

@dataclass
class SheetPreview:
    """A code sheet checked row by row: (row, resident_id, colour, day) to write, and every problem."""

    rows: list[tuple[int, int, str, date]]
    problems: list[Problem]
    warnings: list[Problem] = field(default_factory=list)   # the import page's flow shows these (none here)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def counts(self) -> dict[str, int]:
        """What the commit is expected to write, for the import page to show first."""
        return {"health_codes": len(self.rows),
                "health_codes_alerting": sum(colour in ALERTING for _, _, colour, _ in self.rows)}


def match_headers(columns) -> dict[str, str]:
    """{source column: field} for the columns a code sheet has (first column per field wins)."""
    return sheets.match_headers(columns, SHEET_FIELDS)[0]


def _cell(rec, column) -> str:
    value = rec[column] if column else ""
    return "" if value is None or value != value else str(value).strip()


def validate_sheet(con: duckdb.DuckDBPyConnection, actor: User | None, frame: pd.DataFrame,
                   today: date, mapping: dict[str, str | None] | None = None) -> SheetPreview:
    """Every row checked: the resident (by ID number, else name + building + room), the colour, the day;
    `mapping` ({column: field}) is the import page's, with the columns the person mapped by hand."""
    _need(actor, "set_health_codes")
    scope = roles.scope_for(con, actor, today)
    if frame.index.name != "row":
        frame = frame.reset_index(drop=True)
        frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    source = {f: c for c, f in (match_headers(frame.columns) if mapping is None else mapping).items() if f}
    header = int(frame.attrs.get("header_row", 1))
    problems = [Problem(header, "", "health_codes.error.missing_column", {"field": f})
                for f in ("colour", "shown_on") if f not in source]
    if "id_number" not in source and not ({"name", "room"} <= set(source) and
                                          ("building" in source or "address" in source)):
        problems.append(Problem(header, "", "health_codes.error.missing_column", {"field": "id_number"}))
    if problems:
        return SheetPreview([], problems)
    salts = ids.salts(con)
    parsed = []
    for row, rec in frame.iterrows():
        cell = {f: _cell(rec, c) for f, c in source.items()}
        parsed.append((int(row), cell, _row_values(int(row), cell, source, today, salts, problems)))
    hashes = [h for _, _, v in parsed if v and v.get("id_hashes") for h in v["id_hashes"]]
    by_hash = {h: (int(r), bool(s)) for h, r, s in queries.fetch_all(
        con, "health_code_by_hash", **scope.params(), id_hashes=hashes, today=today)}
    names = [c.get("name", "") for _, c, v in parsed if v and not v.get("id_hashes")]
    people = queries.fetch_df(con, "health_code_by_name", **scope.params(), names=names, today=today)
    people["key"] = [building_key(b) for b in people["building"]]
    rows, seen = [], {}
    for row, cell, values in parsed:
        if values is None:
            continue
        found = _resident(values, cell, by_hash, people)
        column = source.get("id_number") if values.get("id_hashes") else source.get("name")
        if found is None:
            problems.append(Problem(row, column, "health_codes.error.unknown_resident",
                                    {"value": values["who"]}))
            continue
        resident_id, in_scope = found
        if not in_scope:
            problems.append(Problem(row, column, "health_codes.error.out_of_scope", {"resident_id": values["who"]}))
            continue
        if (resident_id, values["day"]) in seen:
            problems.append(Problem(row, column, "health_codes.error.duplicate",
                                    {"first": seen[(resident_id, values["day"])]}))
            continue
        seen[(resident_id, values["day"])] = row
        rows.append((row, resident_id, values["colour"], values["day"]))
    problems.sort(key=lambda p: (p.row, p.column))
    return SheetPreview(rows, problems)


def _row_values(row: int, cell: dict, source: dict, today: date, salts: dict, problems: list[Problem]) -> dict | None:
    """One row's cells checked one by one; None when any is wrong (its problems appended)."""
    before = len(problems)

    def problem(name, code, **values):
        problems.append(Problem(row, source.get(name, ""), code, values))

    values: dict = {}
    try:
        values["colour"] = colour_of(cell.get("colour"))
    except ValueError:
        problem("colour", "health_codes.error.colour", value=cell.get("colour", ""))
    try:
        day = parse_date(cell.get("shown_on", ""), today)
        if isinstance(day, tuple):
            raise ValueError("import.error.date")
        values["day"] = day
    except ValueError as error:
        code = "health_codes.error.future" if error.args[0] == "import.error.date_future" else error.args[0]
        problem("shown_on", code, value=cell.get("shown_on", ""), day=cell.get("shown_on", ""))
    if cell.get("id_number"):
        try:
            ids.validate_id_number(cell["id_number"], today)
            number = ids.normalise_id_number(cell["id_number"])
            values.update(id_hashes=ids.hashes_everywhere(number, salts), who=ids.mask_id(number))
        except ValueError as error:
            problem("id_number", str(error.args[0]), value=cell["id_number"])
    else:
        try:
            if cell.get("address"):
                _, building, unit, room, _ = address_parts(cell["address"])
            else:
                building, room = cell.get("building", ""), normalise_room(cell.get("room", ""))[0]
                unit = normalise_unit(cell["unit"]) if cell.get("unit") else None
            if not cell.get("name"):
                raise ValueError("health_codes.error.name")
            values.update(building=building_key(building), unit=unit, room=room, name=nfkc(cell["name"]),
                          who=f"{cell['name']} {building}-{room}")
        except ValueError as error:
            field = "name" if error.args[0] == "health_codes.error.name" else (
                "address" if cell.get("address") else "room")
            problem(field, str(error.args[0]), value=cell.get(field, ""))
    return values if len(problems) == before else None


def _resident(values: dict, cell: dict, by_hash: dict, people: pd.DataFrame) -> tuple[int, bool] | None:
    """(resident_id, in the importer's scope) for a row, or None when no resident (or several) fit."""
    if values.get("id_hashes"):  # the number's hash under each salt in use: at most one is a resident's
        return next((by_hash[h] for h in values["id_hashes"] if h in by_hash), None)
    hits = people[(people["name"] == values["name"]) & (people["key"] == values["building"])
                  & (people["room"] == values["room"])]
    if values.get("unit") is not None:
        hits = hits[hits["unit_no"] == int(values["unit"])]
    if cell.get("compound") and len(hits) > 1:
        hits = hits[hits["compound"] == cell["compound"]]
    if len(hits) != 1:
        return None
    return int(hits.iloc[0]["resident_id"]), bool(hits.iloc[0]["in_scope"])


def commit_sheet(con: duckdb.DuckDBPyConnection, actor: User | None, preview: SheetPreview, source_name: str,
                 now: datetime | None = None) -> dict:
    """Write every row of a clean preview in one transaction: all rows or none."""
    _need(actor, "set_health_codes")
    if not preview.ok:
        raise HealthCodeError("health_codes.error.sheet_problems", n=len(preview.problems))
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())

    def work():
        currents = _currents(con, scope, [r[1] for r in preview.rows])
        results = []
        for _, resident_id, colour, day in sorted(preview.rows, key=lambda r: r[3]):
            results.append(_write(con, actor, resident_id, colour, day, "sheet", now, currents.get(resident_id)))
            currents[resident_id] = results[-1]["current"]
        written = sum(r["changed"] for r in results)
        alerts = sum(r["alert_id"] is not None for r in results)
        audit.record(con, actor, "health_codes_imported", f"file:{source_name}",
                     detail=f"{len(results)} rows, {written} codes, {alerts} alerts")
        return {"rows": len(results), "written": written, "unchanged": len(results) - written, "alerts": alerts}

    return _retrying(con, work)
