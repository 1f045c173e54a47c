"""Arrivals at the gate (issue 7): the community's rules turn origin and risk into a measure and a term.

The worker sees the suggestion and confirms it or decides otherwise with a reason; the arrival, a newcomer's
resident row, the measure and the history events are written in one transaction. A gate's spreadsheet goes in
all or nothing: every row is checked first and the problems are listed by spreadsheet row and column.
"""

import itertools
import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from resilient.core import audit, config, ids, queries, reference
from resilient.core.accounts import User
from resilient.core.i18n import CATEGORIES, DEFAULT_LANGUAGE, t
from resilient.core.masking import mask_people
from resilient.core.scope import Scope
from resilient.daily.rules import (
    DailyError,
    as_date,
    event,
    need,
    retrying,
    scope_of,
)
from resilient.edge import passes
from resilient.imports import sheets
from resilient.imports.register import Problem
from resilient.imports.sheets import COLUMNS_FILE, REGISTER_FIELDS, TEMPLATES_FILE, normalise_header
from resilient.imports.values import WORDS_FILE, address_parts, nfkc, normalise_phone, parse_date, parse_flag
from resilient.ops import exports

ORIGINS = ("abroad", "key_area", "other_area", "close_contact")
RISKS = ("high", "low")
MAX_DAYS = 60
RULE_COLUMNS = ["origin", "risk", "category", "days"]
RULES_FILE = "arrival_rules.csv"  # in data/: the rules a community starts from
LIST_COLUMNS = ["arrival_id", "arrival_date", "resident_id", "name", "phone", "building", "unit_no", "room",
                "from_place", "origin", "risk", "temperature", "transport", "newcomer", "suggested_category",
                "suggested_days", "category", "days", "reason", "measure_id", "recorded_by", "recorded_at",
                "compound"]


# --- rules ----------------------------------------------------------------------------------------------------

def rules(con: duckdb.DuckDBPyConnection, community_id: int) -> pd.DataFrame:
    """The community's rules (origin, risk, category, days), the defaults when it saved none."""
    stored = queries.fetch_df(con, "arrival_rules_get", community_id=int(community_id))
    frame = stored if not stored.empty else pd.DataFrame(DEFAULT_RULES, columns=RULE_COLUMNS)
    order = {(o, r): i for i, (o, r, _, _) in enumerate(DEFAULT_RULES)}
    frame = frame.assign(_order=[order[(o, r)] for o, r in zip(frame["origin"], frame["risk"])])
    return frame.sort_values("_order")[RULE_COLUMNS].astype({"days": int}).reset_index(drop=True)


def rule_problems(frame: pd.DataFrame) -> list[Problem]:
    """Every problem of an edited rules table, by row (1 = the first rule) and column; [] when sound."""
    missing = [c for c in RULE_COLUMNS if c not in frame.columns]
    if missing:
        return [Problem(0, c, "arrivals.error.rule_column", {"value": c}) for c in missing]
    problems, seen = [], {}
    for row, rec in enumerate(frame[RULE_COLUMNS].to_dict("records"), start=1):
        origin, risk, category = (str(rec[c]).strip() if rec[c] == rec[c] else "" for c in RULE_COLUMNS[:3])
        if origin not in ORIGINS:
            problems.append(Problem(row, "origin", "arrivals.error.rule_origin", {"row": row, "value": origin}))
        if risk not in RISKS:
            problems.append(Problem(row, "risk", "arrivals.error.rule_risk", {"row": row, "value": risk}))
        if category not in CATEGORIES:
            problems.append(Problem(row, "category", "arrivals.error.rule_category",
                                    {"row": row, "value": category}))
        days = _int(rec["days"])
        if days is None or not 1 <= days <= MAX_DAYS:
            problems.append(Problem(row, "days", "arrivals.error.rule_days",
                                    {"row": row, "value": rec["days"], "max": MAX_DAYS}))
        key = (origin, risk)
        if key in seen and origin in ORIGINS and risk in RISKS:
            problems.append(Problem(row, "origin", "arrivals.error.rule_twice",
                                    {"row": row, "first": seen[key], "origin": origin, "risk": risk}))
        seen.setdefault(key, row)
    for origin, risk in itertools.product(ORIGINS, RISKS):
        if (origin, risk) not in seen:
            problems.append(Problem(0, "origin", "arrivals.error.rule_missing", {"origin": origin, "risk": risk}))
    return problems


def _int(value) -> int | None:
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return int(number) if number == number and number.is_integer() else None


def _default_rules() -> list[tuple[str, str, str, int]]:
    """data/arrival_rules.csv, checked as an edited rules table is: every origin and risk once, known measures."""
    frame = pd.DataFrame(reference.csv_rows(RULES_FILE, RULE_COLUMNS), columns=RULE_COLUMNS)
    problems = rule_problems(frame)
    if problems:
        first = problems[0]
        raise reference.DataFileError(f"{reference.path_of(RULES_FILE)}: line {first.row + 1}, {first.column}: "
                                      f"{first.code} {first.values}")
    return [(o, r, c, int(d)) for o, r, c, d in frame.itertuples(index=False)]


# The built-in rules (shared/DOMAIN.md, Yongding 2020): abroad to centralised quarantine, key areas home
# isolation (lower risk: home observation), other areas health monitoring, 14 days each.
DEFAULT_RULES = _default_rules()


def save_rules(con: duckdb.DuckDBPyConnection, actor: User | None, community_id: int, frame: pd.DataFrame,
               today: date | None = None) -> int:
    """Replace the community's rules, all or nothing; refused with every problem named by row."""
    need(actor, "set_rules")
    scope = scope_of(con, actor, today or config.today())
    if scope.community_ids is not None and int(community_id) not in scope.community_ids:
        raise DailyError("teams.error.community_out_of_scope", community_id=community_id)
    problems = rule_problems(frame)
    if problems:
        first = problems[0]
        raise DailyError("arrivals.error.rules_invalid", n=len(problems), row=first.row, problems=problems)
    new = [(str(o).strip(), str(r).strip(), str(c).strip(), _int(d)) for o, r, c, d in
           frame[RULE_COLUMNS].itertuples(index=False)]
    old = rules(con, community_id)

    def work():
        queries.fetch_all(con, "arrival_rules_delete", community_id=int(community_id))
        for origin, risk, category, days in new:
            queries.fetch_all(con, "arrival_rule_insert", community_id=int(community_id), origin=origin, risk=risk,
                              category=category, days=days)
        audit.record(con, actor, "arrival_rules_saved", f"community:{community_id}",
                     old=old.to_dict("records"), new=[dict(zip(RULE_COLUMNS, r)) for r in new])
        return len(new)

    return retrying(con, work)


def suggest(con: duckdb.DuckDBPyConnection, community_id: int, origin: str, risk: str) -> tuple[str, int]:
    """(category, days) the community's rules give for an arrival from `origin` at `risk`."""
    if origin not in ORIGINS:
        raise DailyError("arrivals.error.origin", value=origin)
    if risk not in RISKS:
        raise DailyError("arrivals.error.risk", value=risk)
    table = rules(con, community_id)
    row = table[(table["origin"] == origin) & (table["risk"] == risk)].iloc[0]
    return str(row["category"]), int(row["days"])


# --- one arrival ----------------------------------------------------------------------------------------------

@dataclass
class Newcomer:
    """Someone not yet registered: they get a resident row in the flat they will stay in."""

    household_id: int
    name: str
    id_number: str
    phone: str | None = None


@dataclass
class Arrival:
    """What the gate records. category/days None: the suggestion as it is."""

    arrival_date: date
    origin: str
    risk: str = "high"
    from_place: str | None = None
    resident_id: int | None = None
    newcomer: Newcomer | None = None
    category: str | None = None
    days: int | None = None
    reason: str | None = None
    temperature: float | None = None
    transport: str | None = None
    extra: dict = field(default_factory=dict)
    link: dict = field(default_factory=dict)  # why this arrival, kept in its history (a traced case's contact)
    gate_id: int | None = None          # the gate it was registered at (issue 17), when it was


def register(con: duckdb.DuckDBPyConnection, actor: User | None, arrival: Arrival,
             now: datetime | None = None) -> dict:
    """Record one arrival and open its measure, all in one transaction; returns the ids written."""
    need(actor, "register_arrivals")
    now = now or config.now()
    scope = scope_of(con, actor, now.date())

    def work():
        return _register(con, actor, scope, arrival, now)

    return retrying(con, work)


def _register(con, actor: User, scope: Scope, arrival: Arrival, now: datetime) -> dict:
    """The checks and writes of one arrival, inside the caller's transaction."""
    if arrival.arrival_date > now.date():
        raise DailyError("arrivals.error.future_date", value=arrival.arrival_date)
    if (arrival.resident_id is None) == (arrival.newcomer is None):
        raise DailyError("arrivals.error.who")
    person = _person(con, scope, arrival, now.date(), create_salt=True)
    category, days = suggest(con, person["community_id"], arrival.origin, arrival.risk)
    chosen = arrival.category or category
    chosen_days = days if arrival.days is None else _int(arrival.days)
    if chosen not in CATEGORIES:
        raise DailyError("arrivals.error.category", value=chosen)
    if chosen_days is None or not 1 <= chosen_days <= MAX_DAYS:
        raise DailyError("arrivals.error.days", value=arrival.days, max=MAX_DAYS)
    reason = (arrival.reason or "").strip() or None
    if (chosen, chosen_days) != (category, days) and reason is None:
        raise DailyError("arrivals.error.reason_required", suggested=category, days=days)
    temperature = None if arrival.temperature is None else round(float(arrival.temperature), 1)
    if temperature is not None and not 30 <= temperature <= 45:
        raise DailyError("arrivals.error.temperature", value=arrival.temperature)
    resident_id = person["resident_id"]
    if resident_id is None:
        comer = arrival.newcomer
        resident_id = int(queries.fetch_all(
            con, "arrival_insert_resident", **scope.params(), household_id=int(comer.household_id),
            person_name=comer.name.strip(), sex=person["sex"], birth_date=person["birth_date"], phone=person["phone"],
            id_masked=person["id_masked"], id_hash=person["id_hash"])[0][0])
    start = arrival.arrival_date
    measure_id = int(queries.fetch_all(
        con, "arrival_insert_measure", **scope.params(), resident_id=resident_id, category=chosen,
        origin=arrival.origin, start_date=start, planned_end=start + timedelta(days=chosen_days), now=now)[0][0])
    arrival_id = int(queries.fetch_all(
        con, "arrival_insert", resident_id=resident_id, arrival_date=start, from_place=_blank(arrival.from_place),
        origin=arrival.origin, risk=arrival.risk, temperature=temperature, transport=_blank(arrival.transport),
        newcomer=person["resident_id"] is None, suggested_category=category, suggested_days=days,
        category=chosen, days=chosen_days, reason=reason, measure_id=measure_id, recorded_by=actor.username,
        recorded_at=now, gate_id=arrival.gate_id)[0][0])
    event(con, actor, resident_id, measure_id, "arrival", now,
          detail={"arrival_id": arrival_id, "arrival_date": start, "from_place": _blank(arrival.from_place),
                  "origin": arrival.origin, "risk": arrival.risk, "newcomer": person["resident_id"] is None,
                  **({"link": arrival.link} if arrival.link else {})})
    event(con, actor, resident_id, measure_id, "created", now, reason=reason,
          detail={"category": chosen, "days": chosen_days, "start_date": start,
                  "planned_end": start + timedelta(days=chosen_days), "suggested_category": category,
                  "suggested_days": days})
    audit.record(con, actor, "arrival_registered", f"resident:{resident_id}",
                 new={"arrival_id": arrival_id, "measure_id": measure_id, "origin": arrival.origin,
                      "risk": arrival.risk, "category": chosen, "days": chosen_days, "reason": reason,
                      "newcomer": person["resident_id"] is None})
    passes.revoke_for_measure(con, actor, resident_id, chosen, now)   # kept in: the household's passes go now
    return {"arrival_id": arrival_id, "measure_id": measure_id, "resident_id": resident_id,
            "category": chosen, "days": chosen_days, "planned_end": start + timedelta(days=chosen_days)}


def _blank(text) -> str | None:
    value = "" if text is None or text != text else str(text).strip()
    return value or None


def _person(con, scope: Scope, arrival: Arrival, today: date, create_salt: bool = False) -> dict:
    """The resident arriving (checked in scope and not under an open measure), or the newcomer's checked data."""
    if arrival.resident_id is not None:
        found = queries.fetch_df(con, "arrival_resident", **scope.params(), resident_id=int(arrival.resident_id))
        if found.empty:
            raise DailyError("arrivals.error.resident_out_of_scope", resident_id=arrival.resident_id)
        row = found.iloc[0]
        if pd.notna(row["open_measure_id"]):
            raise DailyError("arrivals.error.under_measure", resident_id=int(row["resident_id"]),
                             category=row["open_category"], until=pd.Timestamp(row["open_until"]).date())
        return {"resident_id": int(row["resident_id"]), "community_id": int(row["community_id"])}
    comer = arrival.newcomer
    if not (comer.name or "").strip():
        raise DailyError("arrivals.error.name")
    try:
        birth, sex = ids.validate_id_number(comer.id_number, today)
        phone = normalise_phone(comer.phone) if _blank(comer.phone) else None
    except ValueError as error:
        raise DailyError(str(error.args[0]), value=comer.id_number) from None
    number = ids.normalise_id_number(comer.id_number)
    salts = ids.salts(con) or {None: _salt(con, create_salt)}
    known = queries.fetch_df(con, "arrival_residents_by_hash", **scope.params(),
                             id_hashes=ids.hashes_everywhere(number, salts))
    if not known.empty:
        raise DailyError("arrivals.error.id_known", value=ids.mask_id(number),
                         resident_id=int(known.iloc[0]["resident_id"]))
    flat = queries.fetch_df(con, "arrival_household", **scope.params(), household_id=int(comer.household_id))
    if flat.empty or scope.personal != "all":
        raise DailyError("arrivals.error.flat_out_of_scope", household_id=comer.household_id)
    community_id = int(flat.iloc[0]["community_id"])
    return {"resident_id": None, "community_id": community_id, "sex": sex, "birth_date": birth, "phone": phone,
            "id_masked": ids.mask_id(number), "id_hash": ids.hash_id(number, ids.salt_of(salts, community_id))}


def _salt(con: duckdb.DuckDBPyConnection, create: bool) -> str:
    """The database's ID salt; made and stored (inside the caller's transaction) when a database has none."""
    found = queries.fetch_all(con, "import_id_salt")
    if found or not create:
        return found[0][0] if found else ""
    salt = secrets.token_hex(16)
    queries.fetch_all(con, "import_insert_salt", salt=salt)
    return salt


def arrivals(con: duckdb.DuckDBPyConnection, scope: Scope, since: date, until: date,
             revealed: set[int] = frozenset()) -> pd.DataFrame:
    """Arrivals in scope between two dates (inclusive), newest first; names and phones masked except `revealed`."""
    frame = queries.fetch_df(con, "arrival_list", **scope.params(), since=since, until=until)
    return mask_people(frame[LIST_COLUMNS], revealed)


def counts_by_origin(con: duckdb.DuckDBPyConnection, scope: Scope, day: date) -> dict[str, int]:
    """Arrivals on `day` per origin (every origin present, 0 when none), for the daily report."""
    found = dict(((o, int(n)) for _, o, n in queries.fetch_all(con, "arrival_counts", **scope.params(),
                                                                since=day, until=day)))
    return {o: found.get(o, 0) for o in ORIGINS}


# --- finding people and flats at the gate ---------------------------------------------------------------------

FIND_COLUMNS = ["resident_id", "household_id", "community_id", "name", "phone", "compound", "building", "unit_no",
                "room", "measure_id", "category", "start_date", "planned_end"]
FIND_LIMIT = 20


def find_residents(con: duckdb.DuckDBPyConnection, scope: Scope, query: str, today: date,
                   revealed: set[int] = frozenset(), limit: int = FIND_LIMIT) -> pd.DataFrame:
    """Residents in scope by flat ('3-2-1502', '3栋2单元1502', with the compound before it), by phone digits or
    room number ('5678', '1502'), or by part of the name; one row per measure not yet released (measure_id empty
    when none). Names and phones masked except `revealed`; at most `limit` people."""
    text = re.sub(r"\s+", "", nfkc(query or ""))
    if not text:
        return pd.DataFrame(columns=FIND_COLUMNS)
    narrow = {"building": None, "unit_no": None, "room": None, "compound": "", "digits": None, "name_part": None}
    if re.fullmatch(r"\d{3,11}", text):
        narrow["digits"] = text
    else:
        try:
            compound, building, unit, room, _ = address_parts(text)
            narrow.update(building=building, unit_no=int(unit), room=room, compound=compound)
        except ValueError:
            narrow["name_part"] = text
    frame = queries.fetch_df(con, "resident_find", **scope.params(), today=today, limit=int(limit), **narrow)
    for column in ("start_date", "planned_end"):
        frame[column] = [None if d is None or d != d else as_date(d) for d in frame[column]]
    frame["measure_id"] = frame["measure_id"].astype("Int64")
    return mask_people(frame[FIND_COLUMNS].reset_index(drop=True), revealed)


def flats(con: duckdb.DuckDBPyConnection, scope: Scope, community_id: int) -> pd.DataFrame:
    """The community's flats in scope (household_id, compound, building, unit_no, room), in walking order, for a
    newcomer's flat picker."""
    frame = queries.fetch_df(con, "arrival_flats", **scope.params(), community_id=int(community_id))
    number = frame["building"].str.extract(r"(\d+)", expand=False).fillna("0").astype(int)
    return (frame.assign(_n=number, _room=frame["room"].str.zfill(8))
            .sort_values(["compound", "_n", "building", "unit_no", "_room"])
            [["household_id", "compound", "building", "unit_no", "room"]].reset_index(drop=True))


# --- the gate's spreadsheet -----------------------------------------------------------------------------------

ARRIVAL_FIELDS: dict[str, list[str]] = reference.fields_from(COLUMNS_FILE, "arrival", [
    "name", "id_number", "phone", "address", "from_place", "origin", "risk", "contact", "arrival_date",
    "temperature", "transport", "category", "days", "reason"], REGISTER_FIELDS)
REQUIRED_FIELDS = ("name", "id_number", "arrival_date")
ORIGIN_WORDS = reference.word_index(WORDS_FILE, "arrival.origin", ORIGINS, normalise_header)
RISK_WORDS = reference.word_index(WORDS_FILE, "arrival.risk", RISKS, normalise_header)


def match_arrival_headers(columns) -> dict[str, str]:
    """{source column: field} for the columns a gate's sheet has (first column per field wins)."""
    return sheets.match_headers(columns, ARRIVAL_FIELDS)[0]


def _category_word(text: str) -> str:
    key = normalise_header(text)
    for code in CATEGORIES:
        labels = [t(f"category.{code}", lang) for lang in ("zh", "en")]
        if key in {normalise_header(code), *map(normalise_header, labels)}:
            return code
    raise ValueError


@dataclass
class SheetPreview:
    """A gate sheet checked row by row: what would be registered, and every problem (nothing written)."""

    rows: list[tuple[int, Arrival]]
    problems: list[Problem]
    community_id: int

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_sheet(con: duckdb.DuckDBPyConnection, actor: User | None, frame: pd.DataFrame, community_id: int,
                   today: date, mapping: dict[str, str] | None = None) -> SheetPreview:
    """Every row of a gate sheet checked against the rules and the register; rows are spreadsheet rows."""
    need(actor, "register_arrivals")
    scope = scope_of(con, actor, today)
    if frame.index.name != "row":
        frame = frame.reset_index(drop=True)
        frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    mapping = mapping if mapping is not None else match_arrival_headers(frame.columns)
    source = {f: c for c, f in mapping.items()}
    header = int(frame.attrs.get("header_row", 1))
    problems = [Problem(header, "", "arrivals.error.missing_column", {"field": f})
                for f in REQUIRED_FIELDS if f not in source]
    if "origin" not in source and "contact" not in source:
        problems.append(Problem(header, "", "arrivals.error.missing_column", {"field": "origin"}))
    if problems:
        return SheetPreview([], problems, community_id)
    flats = queries.fetch_df(con, "arrival_flats", **scope.params(), community_id=int(community_id))
    flat_index = {(str(b), int(u), str(r)): int(h) for h, b, u, r in
                  flats[["household_id", "building", "unit_no", "room"]].itertuples(index=False)}
    salts = ids.salts(con)
    parsed, hashes, seen = [], {}, {}
    for row, rec in frame.iterrows():
        cell = {f: _cell(rec, c) for f, c in source.items()}
        arrival, number = _sheet_row(int(row), cell, source, today, flat_index, problems)
        if number:
            if number in seen:
                problems.append(Problem(int(row), source["id_number"], "arrivals.error.duplicate_id",
                                        {"value": ids.mask_id(number), "first": seen[number]}))
                continue
            seen[number] = int(row)
            hashes[int(row)] = ids.hashes_everywhere(number, salts)
        if arrival is not None:
            parsed.append((int(row), arrival, number))
    known = queries.fetch_df(con, "arrival_residents_by_hash", **scope.params(),
                             id_hashes=[h for each in hashes.values() for h in each])
    by_hash = {h: rec for h, rec in zip(known["id_hash"], known.to_dict("records"))}
    rows = []
    for row, arrival, number in parsed:
        found = next((by_hash[h] for h in hashes.get(row, []) if h in by_hash), None)
        if found is not None:
            if not found["in_scope"]:
                problems.append(Problem(row, source["id_number"], "arrivals.error.id_other_household",
                                        {"value": ids.mask_id(number)}))
                continue
            if arrival.newcomer is not None and arrival.newcomer.household_id != int(found["household_id"]):
                problems.append(Problem(row, source.get("address", ""), "arrivals.error.id_other_household",
                                        {"value": ids.mask_id(number)}))
                continue
            arrival = replace(arrival, resident_id=int(found["resident_id"]), newcomer=None)
        elif arrival.newcomer is None:
            problems.append(Problem(row, source.get("address", ""), "arrivals.error.address_needed", {}))
            continue
        try:
            person = _person(con, scope, arrival, today)
            _decision(con, person["community_id"], arrival)
        except DailyError as error:
            problems.append(Problem(row, source.get("category", source["arrival_date"]), error.code, error.values))
            continue
        rows.append((row, arrival))
    problems.sort(key=lambda p: (p.row, p.column))
    return SheetPreview(rows, problems, community_id)


def _cell(rec, column) -> str:
    value = rec[column]
    return "" if value is None or value != value else str(value).strip()


def _sheet_row(row: int, cell: dict, source: dict, today: date, flat_index: dict,
               problems: list[Problem]) -> tuple[Arrival | None, str | None]:
    """One row's values checked one by one; (None, number) when any is wrong (problems appended)."""
    before = len(problems)

    def problem(field_name, code, **values):
        problems.append(Problem(row, source.get(field_name, ""), code, values))

    for name in REQUIRED_FIELDS:
        if not cell.get(name):
            problem(name, "arrivals.error.required", field=name)
    number = None
    if cell.get("id_number"):
        try:
            ids.validate_id_number(cell["id_number"], today)
            number = ids.normalise_id_number(cell["id_number"])
        except ValueError as error:
            problem("id_number", str(error.args[0]), value=cell["id_number"])
    arrived = None
    if cell.get("arrival_date"):
        try:
            arrived = parse_date(cell["arrival_date"], today)
            if isinstance(arrived, tuple):
                raise ValueError("import.error.date")
        except ValueError as error:
            problem("arrival_date", str(error.args[0]), value=cell["arrival_date"])
            arrived = None
    origin = None
    if cell.get("origin"):
        origin = ORIGIN_WORDS.get(normalise_header(cell["origin"]))
        if origin is None:
            problem("origin", "arrivals.error.origin", value=cell["origin"])
    if cell.get("contact"):
        try:
            if parse_flag(cell["contact"]):
                origin = "close_contact"
        except ValueError:
            problem("contact", "import.error.value", value=cell["contact"])
    if origin is None and not cell.get("origin") and not any(p.column == source.get("contact")
                                                               for p in problems[before:]):
        problem("origin", "arrivals.error.required", field="origin")
    risk = "high"
    if cell.get("risk"):
        risk = RISK_WORDS.get(normalise_header(cell["risk"]))
        if risk is None:
            problem("risk", "arrivals.error.risk", value=cell["risk"])
    category = None
    if cell.get("category"):
        try:
            category = _category_word(cell["category"])
        except ValueError:
            problem("category", "arrivals.error.category", value=cell["category"])
    days = None
    if cell.get("days"):
        days = _int(cell["days"])
        if days is None or not 1 <= days <= MAX_DAYS:
            problem("days", "arrivals.error.days", value=cell["days"], max=MAX_DAYS)
    temperature = None
    if cell.get("temperature"):
        try:
            temperature = float(nfkc(cell["temperature"]).replace("℃", "").replace("°C", "").strip())
            if not 30 <= temperature <= 45:
                raise ValueError
        except ValueError:
            problem("temperature", "arrivals.error.temperature", value=cell["temperature"])
    phone = None
    if cell.get("phone"):
        try:
            phone = normalise_phone(cell["phone"])
        except ValueError as error:
            problem("phone", str(error.args[0]), value=cell["phone"])
    newcomer = None
    if cell.get("address"):
        try:
            _, building, unit, room, _ = address_parts(cell["address"])
            household = flat_index.get((building, int(unit), room))
            if household is None:
                problem("address", "arrivals.error.no_flat", value=cell["address"])
            else:
                newcomer = Newcomer(household, cell.get("name", ""), cell.get("id_number", ""), phone)
        except ValueError as error:
            problem("address", str(error.args[0]), value=cell["address"])
    if len(problems) > before:
        return None, number
    return Arrival(arrival_date=arrived, origin=origin, risk=risk, from_place=cell.get("from_place") or None,
                   newcomer=newcomer, category=category, days=days, reason=cell.get("reason") or None,
                   temperature=temperature, transport=cell.get("transport") or None,
                   extra={"name": cell.get("name", ""), "address": cell.get("address", "")}), number


def _decision(con, community_id: int, arrival: Arrival) -> None:
    """A decision other than the rules' suggestion needs its reason, in a sheet as at the gate."""
    category, days = suggest(con, community_id, arrival.origin, arrival.risk)
    chosen = (arrival.category or category, days if arrival.days is None else arrival.days)
    if chosen != (category, days) and not arrival.reason:
        raise DailyError("arrivals.error.reason_required", suggested=category, days=days)


def commit_sheet(con: duckdb.DuckDBPyConnection, actor: User | None, preview: SheetPreview, source_name: str,
                 now: datetime | None = None) -> dict:
    """Register every row of a clean preview in one transaction: all rows or none."""
    need(actor, "register_arrivals")
    if not preview.ok:
        raise DailyError("arrivals.error.sheet_problems", n=len(preview.problems))
    now = now or config.now()
    scope = scope_of(con, actor, now.date())

    def work():
        written = []
        for row, arrival in preview.rows:
            try:
                written.append(_register(con, actor, scope, arrival, now))
            except DailyError as error:
                raise DailyError("arrivals.error.sheet_row", row=row, problem=error.code, **error.values) from None
        audit.record(con, actor, "arrival_sheet_imported", f"file:{source_name}",
                     detail=f"{len(written)} arrivals, {sum(1 for w in written if w)} measures")
        return {"arrivals": len(written), "newcomers": sum(1 for _, a in preview.rows if a.newcomer is not None),
                "by_category": pd.Series([w["category"] for w in written], dtype=object).value_counts().to_dict()}

    return retrying(con, work)


# --- what the page shows of a sheet, and the blank sheet for the gate -------------------------------------------

PREVIEW_COLUMNS = ["row", "name", "address", "newcomer", "resident_id", "arrival_date", "origin", "risk",
                   "suggested_category", "suggested_days", "category", "days", "reason"]


def preview_rows(con: duckdb.DuckDBPyConnection, preview: SheetPreview) -> pd.DataFrame:
    """A clean preview's rows as they will be registered: who (name masked), the rules' suggestion and the
    decision (the suggestion unless the sheet decided otherwise)."""
    table = rules(con, preview.community_id)
    suggested = {(o, r): (c, int(d)) for o, r, c, d in table.itertuples(index=False)}
    records = []
    for row, arrival in preview.rows:
        category, days = suggested[(arrival.origin, arrival.risk)]
        records.append({
            "row": row, "name": arrival.extra.get("name", ""), "address": arrival.extra.get("address", ""),
            "newcomer": arrival.newcomer is not None, "resident_id": arrival.resident_id,
            "arrival_date": arrival.arrival_date, "origin": arrival.origin, "risk": arrival.risk,
            "suggested_category": category, "suggested_days": days, "category": arrival.category or category,
            "days": days if arrival.days is None else int(arrival.days), "reason": arrival.reason or ""})
    frame = pd.DataFrame(records, columns=PREVIEW_COLUMNS)
    frame["resident_id"] = frame["resident_id"].astype("Int64")
    return mask_people(frame)


def _template_columns() -> list[tuple[str, str]]:
    """(field, header) in column order from data/templates.toml, each header one match_arrival_headers reads
    as its field (checked at start: the sheet must read back)."""
    columns = list(reference.section(TEMPLATES_FILE, "arrival.columns").items())
    for name, header in columns:
        if not isinstance(header, str) or match_arrival_headers([header]) != {header: name}:
            raise reference.DataFileError(f"{reference.path_of(TEMPLATES_FILE)}: [arrival.columns] {name} = "
                                          f"{header!r} is not a column name data/columns.toml [arrival] gives it")
    return columns


def _template_choices() -> dict[str, list[str]]:
    """The drop-down words of data/templates.toml, each one the sheet check accepts; the measures' names."""
    words = {"origin": ORIGIN_WORDS, "risk": RISK_WORDS}
    choices = reference.word_lists(TEMPLATES_FILE, "arrival.choices", words)
    for name, offered in choices.items():
        for word in offered:
            if normalise_header(word) not in words[name]:
                raise reference.DataFileError(f"{reference.path_of(TEMPLATES_FILE)}: [arrival.choices] {name}: "
                                              f"{word!r} is not a word of data/words.toml [arrival.{name}]")
    return {**choices, "category": [t(f"category.{c}", "zh") for c in CATEGORIES]}


# The blank gate sheet: one header per field, each a name match_arrival_headers knows; the words the checks
# accept are offered as drop-down lists so the gate types nothing the sheet check would refuse.
TEMPLATE_COLUMNS = _template_columns()
TEMPLATE_CHOICES = _template_choices()
TEMPLATE_NOTES = [  # the sheet's own headers a note is about, and the note's key (arrivals.template.note.*)
    ("姓名、身份证号、到达日期", "required"), ("居住地址", "address"), ("来源类别", "origin"), ("风险等级", "risk"),
    ("管控措施、管控天数", "decision"), ("身份证号、联系电话", "text_columns"),
]
TEMPLATE_ROWS = 500


def template_bytes(lang: str = DEFAULT_LANGUAGE) -> bytes:
    """A blank gate sheet (.xlsx): the recognised Chinese headers, text-formatted ID and phone columns,
    drop-down lists for origin, risk and measure, and a second sheet saying, in `lang`, how to fill it in."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = exports.workbook()
    sheet = workbook.active
    sheet.title = "到达登记"
    exports.append(sheet, [header for _, header in TEMPLATE_COLUMNS])
    for position, (name, _) in enumerate(TEMPLATE_COLUMNS, start=1):
        letter = get_column_letter(position)
        sheet.cell(1, position).font = Font(bold=True)
        sheet.column_dimensions[letter].width = {"id_number": 22, "address": 18, "reason": 24}.get(name, 12)
        if name in ("id_number", "phone", "address", "arrival_date"):
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row, position).number_format = "@"
        if name in TEMPLATE_CHOICES:
            choice = DataValidation(type="list", formula1='"' + ",".join(TEMPLATE_CHOICES[name]) + '"',
                                    allow_blank=True)
            choice.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(choice)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(t("arrivals.template.notes_sheet", lang))
    exports.append(notes, [t("arrivals.template.column", lang), t("arrivals.template.note", lang)])
    for columns, note in TEMPLATE_NOTES:
        exports.append(notes, [columns, t(f"arrivals.template.note.{note}", lang)])
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["B"].width = 90
    return exports.save(workbook)


# --- the arrivals page ----------------------------------------------------------------------------------------

def flat_code(building: str, unit_no, room: str) -> str | None:
    """'3-2-1502' for 3栋, stairwell 2, room 1502: the flat as a gate worker types it into a search; None when
    the building's name has no number."""
    number = re.search(r"\d+", str(building))
    return f"{number.group()}-{unit_no}-{room}" if number else None


def planned_end(arrival_date: date, days: int) -> date:
    """The end of a measure of `days` days starting on the day of arrival (as register() writes it)."""
    return arrival_date + timedelta(days=int(days))


def origin_counts(frame: pd.DataFrame) -> dict[str, int]:
    """arrivals() rows per origin, every origin of ORIGINS listed (0 when none came from there)."""
    counts = frame["origin"].value_counts()
    return {origin: int(counts.get(origin, 0)) for origin in ORIGINS}
