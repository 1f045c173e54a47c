"""Contact tracing links (issue 17, item 5): a case's close contacts and their contacts, linked to residents where
they live here, and one action that puts the linked contacts' households under the rule's measure.

The measure comes the way an arrival's does (resilient/daily/arrivals.py, origin 'close_contact': a close contact
at high risk, a contact of a contact at low risk), so the community's rules decide it and the history, audit and
follow-up lists are the gate's; the link (case number, degree, contact) is kept in each arrival event's detail.
"""

from datetime import date, datetime

import duckdb
import pandas as pd

from resilient.core import audit, config, ids, queries, roles
from resilient.core.accounts import User
from resilient.core.masking import mask_people
from resilient.core.scope import Scope
from resilient.daily import arrivals
from resilient.daily.rules import DailyError
from resilient.edge.cases import CasesError, _retrying
from resilient.imports.values import address_parts, building_key, find_name, nfkc, normalise_phone

RISK_OF_DEGREE = {1: "high", 2: "low"}
CONTACT_COLUMNS = ["contact_id", "degree", "via_contact_id", "resident_id", "linked_by", "name", "phone",
                   "building", "unit_no", "room", "last_contact", "note", "measure_id"]


def need(actor: User | None, action: str) -> None:
    roles.need(actor, action, CasesError("cases.error.not_allowed"))


def _case(con, scope: Scope, case_id: int) -> dict:
    found = queries.fetch_df(con, "tracing_case", community_ids=scope.params()["community_ids"],
                             case_id=int(case_id))
    if found.empty:
        raise CasesError("tracing.error.unknown_case", case_id=case_id)
    return found.iloc[0].to_dict()


def add_contact(con: duckdb.DuckDBPyConnection, actor: User | None, case_id: int, *, degree: int = 1,
                via_contact_id: int | None = None, name: str | None = None, phone: str | None = None,
                id_number: str | None = None, flat: str | None = None, last_contact: date | None = None,
                note: str | None = None, now: datetime | None = None) -> dict:
    """Record one contact of a case, linked to a resident of ours by ID number (hashed as the register stores it)
    or by name and flat ('A苑3栋2单元1502', '3-2-1502'); else kept as a person not registered here."""
    need(actor, "trace_contacts")
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())
    case = _case(con, scope, case_id)
    if degree not in (1, 2) or (degree == 2) == (via_contact_id is None):
        raise CasesError("tracing.error.degree")
    if degree == 2:
        parents = contacts(con, scope, case_id, now.date())
        parent = parents[parents["contact_id"] == int(via_contact_id)]
        if parent.empty or int(parent.iloc[0]["degree"]) != 1:
            raise CasesError("tracing.error.via", contact_id=via_contact_id)
    if last_contact is not None and last_contact > now.date():
        raise CasesError("tracing.error.future_date", value=last_contact)
    name = (name or "").strip() or None
    clean_phone = None
    if (phone or "").strip():
        try:
            clean_phone = normalise_phone(phone)
        except ValueError as error:
            raise CasesError(str(error.args[0]), value=phone) from None
    resident_id, linked_by = _link(con, scope, name, id_number, flat, now.date())
    if resident_id is None and name is None:
        raise CasesError("tracing.error.who")

    def work():
        contact_id = int(queries.fetch_all(
            con, "tracing_insert_contact", case_id=int(case_id), degree=int(degree),
            via_contact_id=None if via_contact_id is None else int(via_contact_id), resident_id=resident_id,
            linked_by=linked_by, person_name=None if resident_id else name, phone=None if resident_id else clean_phone,
            note=(note or "").strip() or None, last_contact=last_contact, created_by=actor.username,
            created_at=now)[0][0])
        audit.record(con, actor, "contact_recorded", f"case:{case['case_no']}",
                     new={"contact_id": contact_id, "degree": degree, "via": via_contact_id,
                          "resident_id": resident_id, "linked_by": linked_by})
        return {"contact_id": contact_id, "resident_id": resident_id, "linked_by": linked_by}

    return _retrying(con, work)


def _link(con, scope: Scope, name: str | None, id_number: str | None, flat: str | None,
          today: date) -> tuple[int | None, str | None]:
    """The resident a contact is, by ID number, else by name in the flat; (None, None) when not registered here."""
    if (id_number or "").strip():
        try:
            ids.validate_id_number(id_number, today)
        except ValueError as error:
            raise CasesError(str(error.args[0]), value=ids.mask_id(ids.normalise_id_number(id_number))) from None
        found = queries.fetch_all(con, "tracing_resident_by_hash", **scope.params(),
                                  id_hashes=ids.hashes_everywhere(ids.normalise_id_number(id_number), ids.salts(con)))
        if found:
            return int(found[0][0]), "id_number"
    if name and (flat or "").strip():
        try:
            compound, building, unit, room, _ = address_parts(flat)
        except ValueError:
            raise CasesError("tracing.error.flat", value=flat) from None
        places = queries.fetch_df(con, "tracing_flat_buildings", **scope.params())
        places = places[places["name"].map(building_key) == building_key(building)]
        if compound:
            at = find_name(compound, list(places["compound"]))
            places = places.iloc[[at]] if at is not None else places[:0]
        found = queries.fetch_all(con, "tracing_resident_by_flat", **scope.params(),
                                  building_ids=[int(b) for b in places["building_id"]], unit_no=int(unit), room=room,
                                  person_name=nfkc(name))
        if len(found) == 1:
            return int(found[0][0]), "name_flat"
    return None, None


def contacts(con: duckdb.DuckDBPyConnection, scope: Scope, case_id: int, today: date,
             revealed: set[int] = frozenset()) -> pd.DataFrame:
    """A case's contacts, each degree-1 contact followed by its degree-2 contacts; names and phones masked except
    `revealed` residents (a person not registered here is masked too)."""
    frame = queries.fetch_df(con, "tracing_contacts", **scope.params(), case_id=int(case_id), today=today)
    frame["resident_id"] = frame["resident_id"].astype("Int64")
    frame["measure_id"] = frame["measure_id"].astype("Int64")
    frame["via_contact_id"] = frame["via_contact_id"].astype("Int64")
    return mask_people(frame[CONTACT_COLUMNS].reset_index(drop=True), revealed)


def placement(con: duckdb.DuckDBPyConnection, actor: User | None, case_id: int, today: date) -> pd.DataFrame:
    """Who the action would put under a measure: everyone in the linked contacts' households, with the measure the
    rules give (close contact: high risk for degree 1, low for degree 2), or why they are left as they are."""
    need(actor, "trace_contacts")
    scope = roles.scope_for(con, actor, today)
    case = _case(con, scope, case_id)
    members = queries.fetch_df(con, "tracing_household_members", **scope.params(), case_id=int(case_id))
    rows = []
    for rec in members.to_dict("records"):
        category, days = arrivals.suggest(con, int(case["community_id"]), "close_contact",
                                          RISK_OF_DEGREE[int(rec["degree"])])
        under = rec["open_measure_id"] == rec["open_measure_id"] and rec["open_measure_id"] is not None
        rows.append({**rec, "category": category, "days": days, "placed": not under})
    frame = pd.DataFrame(rows, columns=[*members.columns, "category", "days", "placed"])
    return mask_people(frame)


def place_under_measures(con: duckdb.DuckDBPyConnection, actor: User | None, case_id: int,
                         now: datetime | None = None) -> dict:
    """Every resident of the linked contacts' households not already under a measure goes under the one the
    rules give, through the arrivals path, all in one transaction: all or none."""
    need(actor, "trace_contacts")
    need(actor, "register_arrivals")  # the measure is opened as at the gate, by those who may open one there
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())
    case = _case(con, scope, case_id)
    members = queries.fetch_df(con, "tracing_household_members", **scope.params(), case_id=int(case_id))
    members = members[members["open_measure_id"].isna()]
    if members.empty:
        raise CasesError("tracing.error.nobody_to_place")
    contact_of = {int(r): int(c) for r, c in queries.fetch_all(
        con, "tracing_linked_residents", case_id=int(case_id))}

    def work():
        written = []
        for rec in members.to_dict("records"):
            degree = int(rec["degree"])
            link = {"case_no": case["case_no"], "case_id": int(case_id), "degree": degree,
                    "contact_id": int(rec["contact_id"])}
            arrival = arrivals.Arrival(arrival_date=now.date(), origin="close_contact", risk=RISK_OF_DEGREE[degree],
                                       from_place=f"{case['case_no']} · {degree}", resident_id=int(rec["resident_id"]),
                                       link=link)
            try:
                done = arrivals._register(con, actor, arrivals.scope_of(con, actor, now.date()), arrival, now)
            except DailyError as error:
                raise CasesError("tracing.error.place_row", **{**error.values, "person": int(rec["resident_id"]),
                                                                "problem": error.code}) from None
            own = contact_of.get(int(rec["resident_id"]))
            if own is not None:
                queries.fetch_all(con, "tracing_set_measure", contact_id=own, resident_id=int(rec["resident_id"]),
                                  measure_id=done["measure_id"])
            written.append(done)
        audit.record(con, actor, "contacts_placed", f"case:{case['case_no']}",
                     new={"case_id": int(case_id), "measures": [w["measure_id"] for w in written]})
        return {"placed": len(written), "households": int(members["household_id"].nunique()),
                "by_category": pd.Series([w["category"] for w in written], dtype=object).value_counts().to_dict()}

    return _retrying(con, work)
