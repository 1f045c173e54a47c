"""Requests from sealed households (issue 16): entered at the door or from a sheet, moved along to delivered or
failed, listed for the worker and the volunteer, raised when overdue, counted for the daily report.

Medicine without a prescription is taken, not refused, and flagged (`needs_prescription`): a chronically ill
resident out of tablets must not wait for a paper the worker cannot see through a sealed door; the flag puts the
request in front of the community doctor, who confirms the prescription (from the record or by phone) before
the pharmacy is asked. A refusal would only send the request back to a phone call nobody writes down.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from resilient.core import audit, config, db, queries, reference, roles
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.coverage import volunteers as coverage
from resilient.imports import values
from resilient.imports.register import Preview, Problem
from resilient.imports.sheets import REQUEST_FIELDS

KINDS = ("food", "medicine", "goods", "parcel", "other")
OPEN = ("new", "assigned", "on_the_way")
# Where a request may go from each status. assigned -> assigned hands it to another volunteer; assigned -> new
# gives it back (the volunteer cannot go); on_the_way -> assigned turns back (the shop was shut, try later);
# failed -> new tries again another day; assigned -> delivered is the volunteer who taps only at the door.
# Delivered is final: a wrong tap is answered by a new request, so the day's delivered count never shrinks.
TRANSITIONS: dict[str, frozenset[str]] = {status: frozenset(nexts) for status, nexts in {
    "new": {"assigned", "failed"},
    "assigned": {"assigned", "new", "on_the_way", "delivered", "failed"},
    "on_the_way": {"assigned", "delivered", "failed"},
    "failed": {"new"},
    "delivered": set(),
}.items()}
LONGEST_TEXT = 500   # characters of a detail, prescription or reason: a note, not a letter
RETRIES = db.WRITE_ATTEMPTS
KIND_WORDS = reference.word_index(values.WORDS_FILE, "request.kind", KINDS, lambda w: values.nfkc(w).lower())


class RequestError(ValueError):
    """A refusal: `code` is a translation key ("requests.error.x"), `values` fill it in."""

    def __init__(self, code: str, /, **values):
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True)
@reference.defaults_from("defaults.toml", "requests")
class RequestSettings:
    """When an open request counts as overdue; data/defaults.toml [requests]."""

    overdue_hours: float

    def __post_init__(self):
        if not 0 < self.overdue_hours <= 24 * 7:
            raise RequestError("requests.error.settings", hours=self.overdue_hours)


reference.check_defaults(RequestSettings, "defaults.toml", "requests")


def _need(actor: User | None, action: str) -> None:
    roles.need(actor, action, RequestError("requests.error.not_allowed"))


def _retrying(con: duckdb.DuckDBPyConnection, work):
    return db.retrying(con, work, lambda: RequestError("requests.error.busy"), RETRIES)


def _text(value, field: str) -> str | None:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if len(text) > LONGEST_TEXT:
        raise RequestError("requests.error.too_long", field=field, most=LONGEST_TEXT)
    return text or None


# --- scope ------------------------------------------------------------------------------------------------------

def led_households(con: duckdb.DuckDBPyConnection, actor: User | None, today: date) -> set[int]:
    """The households of the buildings (or stairwells) a volunteer leads as 楼长 today; none for other roles."""
    if actor is None or actor.role != "volunteer" or actor.volunteer_id is None:
        return set()
    community = Scope(None if actor.community_id is None else (actor.community_id,))
    return {int(r[0]) for r in queries.fetch_all(con, "coverage_led_households", **community.params(),
                                                 volunteer_id=int(actor.volunteer_id), today=today)}


def request_scope(con: duckdb.DuckDBPyConnection, actor: User | None, today: date,
                  within: Scope | None = None) -> Scope:
    """Whose requests this person enters and sees: their scope, and for a volunteer also every household of the
    building they lead (not only those assigned to them) and the doors of the requests handed to them.

    Used by this module only, so a volunteer reads no more elsewhere; `within` is the sidebar's narrowing.
    """
    scope = roles.scope_for(con, actor, today)
    if actor is not None and actor.role == "volunteer" and scope.household_ids is not None:
        community = Scope(scope.community_ids)
        handed = {int(r[0]) for r in queries.fetch_all(con, "requests_assigned_households", **community.params(),
                                                       volunteer_id=int(actor.volunteer_id or -1))}
        extra = led_households(con, actor, today) | handed
        scope = Scope(scope.community_ids, scope.grid_ids, tuple(sorted(set(scope.household_ids) | extra)),
                      scope.personal)
    return scope if within is None else scope.narrow(within)


def _in_scope(con, scope: Scope, household_ids) -> set[int]:
    listed = sorted({int(h) for h in household_ids})
    return {int(r[0]) for r in queries.fetch_all(con, "requests_households_in_scope", **scope.params(),
                                                 listed_ids=listed)}


# --- entering ---------------------------------------------------------------------------------------------------

def create(con: duckdb.DuckDBPyConnection, actor: User | None, household_id: int, kind: str,
           detail: str | None = None, prescription: str | None = None, at: datetime | None = None) -> int:
    """One request for a household in the actor's request scope; its first event and audit row in one go."""
    _need(actor, "request_supplies")
    if kind not in KINDS:
        raise RequestError("requests.error.kind", kind=kind)
    detail, prescription = _text(detail, "detail"), _text(prescription, "prescription")
    if kind != "medicine":
        prescription = None
    at = at or config.now()
    if int(household_id) not in _in_scope(con, request_scope(con, actor, at.date()), [household_id]):
        raise RequestError("requests.error.out_of_scope", household_id=household_id)

    def work():
        request_id = _insert(con, actor, int(household_id), kind, detail, prescription, at, "hand")
        audit.record(con, actor, "supply_request_created", f"supply_request:{request_id}",
                     new={"household_id": int(household_id), "kind": kind, "detail": detail,
                          "prescription": prescription}, at=at)
        return request_id

    return _retrying(con, work)


def _insert(con, actor: User, household_id: int, kind: str, detail, prescription, at: datetime, source: str) -> int:
    request_id = int(queries.fetch_all(con, "requests_insert", household_id=household_id, kind=kind, detail=detail,
                                       prescription=prescription, at=at, by=actor.username, source=source)[0][0])
    queries.fetch_all(con, "requests_event_insert", request_id=request_id, status="new", volunteer_id=None,
                      note=None, at=at, by=actor.username)
    return request_id


# --- moving along ---------------------------------------------------------------------------------------------

def _request(con, scope: Scope, request_id: int) -> dict:
    found = queries.fetch_df(con, "requests_one", **scope.params(), request_id=int(request_id))
    if found.empty:
        raise RequestError("requests.error.unknown", request_id=request_id)
    return found.iloc[0].to_dict()


def _holder(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def may_move(actor: User | None, row: dict, led: set[int]) -> bool:
    """Whether this person may move this request at all: workers any in their scope, a volunteer only one
    handed to them or, as 楼长, one of the building they lead."""
    if roles.may(actor, "assign_requests"):
        return True
    if not roles.may(actor, "request_supplies") or actor.role != "volunteer":
        return False
    return _holder(row["volunteer_id"]) == actor.volunteer_id or int(row["household_id"]) in led


def may_take(actor: User | None, row: dict) -> bool:
    """Whether a volunteer may take this request themself: a new one, in their reach (their scope)."""
    return actor is not None and actor.role == "volunteer" and row["status"] == "new" and \
        roles.may(actor, "request_supplies")


def next_statuses(actor: User | None, row: dict, led: set[int]) -> list[str]:
    """The statuses this person may move the request to from where it is, in the order of a day's work
    ('assigned' only through assign: a worker choosing a volunteer, or a volunteer taking a new one)."""
    if not may_move(actor, row, led):
        return []
    allowed = TRANSITIONS[row["status"]] - {"assigned"}
    return [s for s in ("on_the_way", "delivered", "failed", "new") if s in allowed]


def advance(con: duckdb.DuckDBPyConnection, actor: User | None, request_id: int, status: str,
            reason: str | None = None, at: datetime | None = None, volunteer_id: int | None = None) -> dict:
    """The one place a request's status changes: the row, its event and the audit row in one transaction.

    A second tap of the status it already has writes nothing and says so (requests.error.already, with who and
    when); failing needs a reason. `volunteer_id` only with 'assigned' (see assign).
    """
    _need(actor, "request_supplies")
    if status not in TRANSITIONS:
        raise RequestError("requests.error.status", status=status)
    at = at or config.now()
    reason = _text(reason, "reason")
    if status == "failed" and not reason:
        raise RequestError("requests.error.reason_required")
    if (status == "assigned") != (volunteer_id is not None):
        raise RequestError("requests.error.volunteer_required")
    scope = request_scope(con, actor, at.date())

    def work():
        row = _request(con, scope, request_id)
        taking = status == "assigned" and row["status"] == "new" and actor.role == "volunteer" and \
            volunteer_id == actor.volunteer_id   # a volunteer takes a new request of their reach themself
        if not (taking or may_move(actor, row, led_households(con, actor, at.date()))):
            raise RequestError("requests.error.not_yours", request_id=request_id)
        holder = _holder(row["volunteer_id"])
        if row["status"] == status and (status != "assigned" or holder == volunteer_id):
            last = queries.fetch_all(con, "requests_last_event", request_id=int(request_id))
            by, when = (last[0][1], last[0][2]) if last else ("", row["updated_at"])
            raise RequestError("requests.error.already", status=status, by=by, at=when)
        if status not in TRANSITIONS[row["status"]]:
            raise RequestError("requests.error.transition", old=row["status"], new=status)
        queries.fetch_all(con, "requests_move", request_id=int(request_id), status=status, reason=reason,
                          volunteer_id=volunteer_id, at=at)
        queries.fetch_all(con, "requests_event_insert", request_id=int(request_id), status=status,
                          volunteer_id=volunteer_id if status == "assigned" else holder, note=reason, at=at,
                          by=actor.username)
        audit.record(con, actor, "supply_request_moved", f"supply_request:{request_id}",
                     old={"status": row["status"], "volunteer_id": holder},
                     new={"status": status, "volunteer_id": volunteer_id if status == "assigned" else
                          (None if status == "new" else holder), "reason": reason}, at=at)
        return {"request_id": int(request_id), "old": row["status"], "status": status}

    return _retrying(con, work)


def assign(con: duckdb.DuckDBPyConnection, actor: User | None, request_id: int, volunteer_id: int,
           at: datetime | None = None) -> dict:
    """Hand a request to a volunteer by hand (a worker), or take a new one oneself (a volunteer in reach of it).
    The automatic rounds (resilient/supplies/rounds.py) fill volunteers and stops for the day in bulk."""
    _need(actor, "request_supplies")
    at = at or config.now()
    if not roles.may(actor, "assign_requests") and (actor.role != "volunteer" or
                                                   int(volunteer_id) != actor.volunteer_id):
        raise RequestError("requests.error.not_allowed")
    scope = request_scope(con, actor, at.date())
    known = set(volunteers(con, scope, actor)["volunteer_id"])
    if int(volunteer_id) not in known:
        raise RequestError("requests.error.volunteer_out_of_scope", volunteer_id=volunteer_id)
    return advance(con, actor, request_id, "assigned", at=at, volunteer_id=int(volunteer_id))


def volunteers(con: duckdb.DuckDBPyConnection, scope: Scope, actor: User | None) -> pd.DataFrame:
    """Active volunteers a request may go to (a volunteer sees only themself), with what each holds now."""
    own = actor.volunteer_id if actor is not None and actor.role == "volunteer" else None
    return queries.fetch_df(con, "requests_volunteers", **scope.params(), volunteer_id=own)


# --- lists ------------------------------------------------------------------------------------------------------

LIST_COLUMNS = ["request_id", "household_id", "kind", "detail", "prescription", "needs_prescription", "status",
                "failed_reason", "volunteer_id", "volunteer", "route_stop", "created_at", "created_by",
                "updated_at", "delivered_at", "building_id", "compound", "building", "unit_no", "room", "name"]


def listing(con: duckdb.DuckDBPyConnection, scope: Scope, day: date, now: datetime,
            volunteer_id: int | None = None) -> pd.DataFrame:
    """Requests of `day` and those still open, with where and for whom (the eldest resident's masked name); one
    volunteer's in walking order (route stop, then age) when `volunteer_id` is given."""
    found = queries.fetch_df(con, "requests_list", **scope.params(), since=datetime.combine(day, datetime.min.time()),
                             now=now, volunteer_id=None if volunteer_id is None else int(volunteer_id))
    if found.empty:
        return pd.DataFrame(columns=LIST_COLUMNS)
    labels = coverage.household_labels(con, scope, found["household_id"].unique(), day)[["household_id", "name"]]
    found = found.merge(labels, on="household_id", how="left")
    found["needs_prescription"] = (found["kind"] == "medicine") & found["prescription"].isna()
    return found[LIST_COLUMNS].reset_index(drop=True)


def flat_label(con: duckdb.DuckDBPyConnection, scope: Scope, household_id: int, today: date) -> dict:
    """Where one flat in scope is and whom to ask for (masked): compound, building, unit_no, room, name."""
    found = coverage.household_labels(con, scope, [int(household_id)], today)
    if found.empty:
        raise RequestError("requests.error.out_of_scope", household_id=household_id)
    row = found.iloc[0]
    return {k: (None if pd.isna(row[k]) else row[k]) for k in ("compound", "building", "unit_no", "room", "name")}


def history(con: duckdb.DuckDBPyConnection, scope: Scope, request_ids) -> pd.DataFrame:
    """Each listed request's steps, oldest first: status, volunteer, note, when, by whom."""
    return queries.fetch_df(con, "requests_events", **scope.params(),
                            request_ids=sorted({int(r) for r in request_ids}))


def flats(con: duckdb.DuckDBPyConnection, scope: Scope, building_id: int,
          stairwell_id: int | None = None) -> pd.DataFrame:
    """The flats of a building in scope (one stairwell, if given) with how many open requests each has."""
    return queries.fetch_df(con, "requests_flats", **scope.params(), building_id=int(building_id),
                            stairwell_id=None if stairwell_id is None else int(stairwell_id))


def overdue(con: duckdb.DuckDBPyConnection, scope: Scope, now: datetime,
            settings: RequestSettings | None = None) -> pd.DataFrame:
    """Open requests older than the set hours, oldest first, with building, room, kind, age in hours and who
    holds it (volunteer, grid worker, building leader): what is raised to the 楼长 and the grid worker."""
    settings = settings or RequestSettings()
    found = queries.fetch_df(con, "requests_overdue", **scope.params(), now=now,
                             before=now - timedelta(hours=settings.overdue_hours))
    found["age_hours"] = [int((now - pd.Timestamp(t).to_pydatetime()).total_seconds() // 3600)
                          for t in found["created_at"]]
    return found


def kpis(con: duckdb.DuckDBPyConnection, scope: Scope, day: date, now: datetime,
         settings: RequestSettings | None = None) -> dict[str, int]:
    """The daily report's counts: made on `day`, delivered that day, failed that day (from the history, so a
    failure tried again still counts), and overdue at `now`."""
    start = datetime.combine(day, datetime.min.time())
    new, delivered, failed = queries.fetch_all(con, "requests_day_counts", **scope.params(), day=start,
                                               next_day=start + timedelta(days=1), now=now)[0]
    return {"new": int(new), "delivered": int(delivered), "failed": int(failed),
            "overdue": len(overdue(con, scope, now, settings))}


# --- a sheet of requests ------------------------------------------------------------------------------------------

REQUIRED = ("building", "room", "kind")


def parse_kind(text: str) -> str:
    """The request kind from the words offices write (data/words.toml [request.kind]): 买菜 is food, 药品 medicine."""
    kind = KIND_WORDS.get(values.nfkc(text).lower().replace(" ", ""))
    if kind is None:
        raise ValueError("requests.error.sheet_kind")
    return kind


def validate_sheet(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, mapping: dict[str, str], *,
                   community_id: int | None, scope: Scope) -> Preview:
    """Each row matched to a flat of the importer's scope by building (however it is spelt), unit and room, with
    its kind; every problem named by row and column. Nothing is written here."""
    if community_id is not None:
        scope = scope.narrow(Scope((int(community_id),)))
    if frame.index.name != "row":   # not from sheets.read_table: the rows Excel would show (header 1)
        attrs, frame = dict(frame.attrs), frame.reset_index(drop=True)
        frame.index, frame.attrs = pd.RangeIndex(2, len(frame) + 2, name="row"), attrs
    source = {f: column for column, f in mapping.items() if f}
    header = int(frame.attrs.get("header_row", 1))
    problems = [Problem(header, "", "import.error.missing_column", {"field": f}) for f in REQUIRED if f not in source]
    problems += [Problem(header, c, "import.error.no_such_column", {"value": c}) for c in source.values()
                 if c not in frame.columns]
    if not problems and frame.empty:
        problems.append(Problem(header, "", "import.error.no_rows", {}))
    if problems:
        return Preview("request", pd.DataFrame(), problems, {}, scope=scope)
    # The community's flats, marked in or out of the importer's scope: a flat of another grid cell is named as
    # such, not as a room that does not exist.
    flats_known = queries.fetch_df(con, "requests_sheet_households", **Scope(scope.community_ids).params())
    mine = set(queries.fetch_df(con, "requests_sheet_households", **scope.params())["household_id"])
    flats_known["in_scope"] = flats_known["household_id"].isin(mine)
    flats_known["key"] = [values.building_key(n) for n in flats_known["building"]]
    flats_known["compound_key"] = [values.name_key(n) for n in flats_known["compound"]]
    rows = []
    for row, cells in zip(frame.index, frame.to_dict("records")):
        found = _sheet_row(int(row), {f: _cell(cells, source.get(f)) for f in REQUEST_FIELDS}, source, flats_known,
                           problems)
        if found is not None:
            rows.append({"row": int(row), **found})
    table = pd.DataFrame(rows, columns=["row", "household_id", "kind", "detail", "prescription"]).set_index("row")
    return Preview("request", table, problems, {"rows": len(frame), "created": len(table)}, scope=scope)


def _cell(cells: dict, column: str | None) -> str:
    value = cells.get(column) if column else None
    return "" if value is None or value != value else str(value).strip()


def _sheet_row(row: int, cells: dict, source: dict, known: pd.DataFrame, problems: list) -> dict | None:
    """One row's flat and kind, or None with its problems added."""
    before = len(problems)
    for f in REQUIRED:
        if not cells[f]:
            problems.append(Problem(row, source[f], "import.error.required", {"field": f}))
    kind = None
    if cells["kind"]:
        try:
            kind = parse_kind(cells["kind"])
        except ValueError as error:
            problems.append(Problem(row, source["kind"], str(error), {"value": cells["kind"]}))
    for f in ("detail", "prescription"):
        if len(cells[f]) > LONGEST_TEXT:
            problems.append(Problem(row, source[f], "requests.error.sheet_too_long", {"most": LONGEST_TEXT}))
    household = _sheet_flat(row, cells, source, known, problems) if cells["building"] and cells["room"] else None
    if len(problems) > before:
        return None
    return {"household_id": household, "kind": kind, "detail": cells["detail"] or None,
            "prescription": (cells["prescription"] or None) if kind == "medicine" else None}


def _sheet_flat(row: int, cells: dict, source: dict, known: pd.DataFrame, problems: list) -> int | None:
    """The flat a row names, by the register import's rules for building names, units and rooms."""
    try:
        room, _ = values.normalise_room(cells["room"])
    except ValueError as error:
        problems.append(Problem(row, source["room"], str(error), {"value": cells["room"]}))
        return None
    hits = known[known["key"] == values.building_key(cells["building"])]
    if cells["compound"]:
        wanted = values.name_key(cells["compound"])
        hits = hits[[bool(k) and (k in wanted or wanted in k) for k in hits["compound_key"]]]
    if hits["building_id"].nunique() != 1:
        code = "import.error.building_ambiguous" if hits["building_id"].nunique() > 1 else \
            "requests.error.sheet_building"
        problems.append(Problem(row, source["building"], code, {
            "value": cells["building"], "compounds": "、".join(sorted(set(hits["compound"])))}))
        return None
    if cells["unit"]:
        try:
            hits = hits[hits["unit_no"] == values.normalise_unit(cells["unit"])]
        except ValueError as error:
            problems.append(Problem(row, source["unit"], str(error), {"value": cells["unit"]}))
            return None
    hits = hits[hits["room"] == room]
    if len(hits) != 1:
        code = "requests.error.sheet_room_ambiguous" if len(hits) > 1 else "requests.error.sheet_room"
        problems.append(Problem(row, source["room"], code, {"value": cells["room"], "building": cells["building"]}))
        return None
    if not bool(hits["in_scope"].iloc[0]):
        problems.append(Problem(row, source["room"], "requests.error.sheet_out_of_scope_row",
                                {"value": cells["room"], "building": cells["building"]}))
        return None
    return int(hits["household_id"].iloc[0])


def commit_sheet(con: duckdb.DuckDBPyConnection, actor: User | None, preview: Preview, *, source_name: str,
                 progress=None) -> dict[str, int]:
    """Every row of a checked sheet as a request, all or none, with one audit row naming the file; each flat is
    checked again against the actor's request scope, as it is now."""
    _need(actor, "request_supplies")
    if preview.kind != "request" or preview.problems:
        raise RequestError("requests.error.sheet_unchecked")
    at = config.now()
    rows = preview.rows
    allowed = _in_scope(con, request_scope(con, actor, at.date()), rows["household_id"])
    outside = [int(r) for r, h in rows["household_id"].items() if int(h) not in allowed]
    if outside:
        raise RequestError("requests.error.sheet_out_of_scope", row=outside[0])
    progress = progress or (lambda fraction: None)

    def work():
        made = [_insert(con, actor, int(r.household_id), r.kind, r.detail, r.prescription, at, "sheet")
                for r in rows.itertuples()]
        audit.record(con, actor, "supply_requests_imported", f"file:{source_name}",
                     detail=json.dumps({"kind": "request", "created": len(made), "request_ids": made}), at=at)
        return made

    made = _retrying(con, work)
    progress(1.0)
    return {"rows": len(rows), "created": len(made)}
