"""Firms and shops (企业与商铺, issue 17): the registry, reopening filings, safety pledges, rectification notices.

In recovery the community helped small firms file for reopening (复工复产申报), signed a safety pledge (承诺书) with
every shop and issued rectification notices (整改通知) with a deadline to those that fell short; one community held
42 car dealerships and 5 schools (shared/DOMAIN.md). A firm belongs to a community and stands in one of its
buildings or at a point of its own. Scope: a grid worker sees the firms in buildings of their cells and the point
firms of the whole community (a point has no grid cell, and a showroom on the main road is everyone's round);
a volunteer sees none (migration 019, scoped_firm).

A filing moves filed -> approved | refused (with why) and approved -> reopened; a refused firm may file again, but
a firm holds one filing at a time that is filed or approved. A notice is closed by a follow-up that found it
fixed; it is overdue while open past its deadline. Dates are days as the paper says them, never after today.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from resilient.core import audit, config, db, queries, reference, roles
from resilient.core.accounts import User
from resilient.core.masking import mask_name, mask_phone
from resilient.core.scope import Scope
from resilient.imports import values

KINDS = ("shop", "restaurant", "car_dealership", "school", "small_firm", "other")
STATUSES = ("filed", "approved", "refused", "reopened")
# A firm's state on the map and the list, most urgent first: the first that holds is the firm's colour.
STATES = ("overdue", "under_notice", "refused", "filed", "approved", "reopened", "not_filed")
KIND_WORDS = reference.word_index(values.WORDS_FILE, "firm.kind", KINDS,
                                  lambda w: re.sub(r"\s+", "", values.nfkc(w).lower()))
PHONE = re.compile(r"^\+?[0-9][0-9\- ()]{5,18}[0-9]$")   # a mobile or a landline with its area code (0519-8888 8888)
LONGEST_TEXT = 200


class FirmError(ValueError):
    """A refusal to show the person: `code` is a translation key, `values` fill it in."""

    def __init__(self, code: str, /, **values):
        super().__init__(code)
        self.code = code
        self.values = values


def _need(actor: User | None) -> None:
    roles.need(actor, "manage_firms", FirmError("firms.error.not_allowed"))


def _retrying(con: duckdb.DuckDBPyConnection, work):
    return db.retrying(con, work, lambda: FirmError("firms.error.busy"))


# --- one cell's rules ----------------------------------------------------------------------------------------------

def kind_of(text: str) -> str:
    """The kind from what an office writes (data/words.toml [firm.kind]): 4S店 is a car dealership."""
    said = re.sub(r"\s+", "", values.nfkc(text or "").lower())
    if said in KINDS:
        return said
    if said not in KIND_WORDS:
        raise FirmError("firms.error.kind", value=str(text or "").strip())
    return KIND_WORDS[said]


def _text(value: str | None, field: str, required: bool = True) -> str | None:
    plain = (value or "").strip()
    if not plain:
        if required:
            raise FirmError("firms.error.required", field=field)
        return None
    if len(plain) > LONGEST_TEXT:
        raise FirmError("firms.error.too_long", field=field, most=LONGEST_TEXT)
    return plain


def _phone(text: str | None) -> str | None:
    plain = (text or "").strip()
    if not plain:
        return None
    try:
        return values.normalise_phone(plain)
    except ValueError:
        if PHONE.match(values.nfkc(plain)):
            return values.nfkc(plain)
        raise FirmError("firms.error.phone", value=plain) from None


def _day(day: date | None, today: date, field: str) -> date:
    day = day or today
    if day > today:
        raise FirmError("firms.error.future", field=field, day=day)
    return day


def _place(lon, lat) -> tuple[float | None, float | None]:
    if lon is None and lat is None:
        return None, None
    if lon is None or lat is None or not (73 <= float(lon) <= 136 and 3 <= float(lat) <= 54):
        raise FirmError("firms.error.place", lon=lon, lat=lat)
    return float(lon), float(lat)


# --- reads ---------------------------------------------------------------------------------------------------------

def state_of(row) -> str:
    """The firm's most urgent state (STATES): an overdue notice, an open one, else its latest filing's status."""
    if int(row["overdue_notices"]):
        return "overdue"
    if int(row["open_notices"]):
        return "under_notice"
    status = row["filing_status"]
    return status if isinstance(status, str) else "not_filed"


def firms(con: duckdb.DuckDBPyConnection, scope: Scope, today: date) -> pd.DataFrame:
    """The firms in scope as of `today`: where they stand (lon/lat, NaN when nowhere yet), the latest filing and
    pledge, open and overdue notices, `state`; contacts and pledge signers masked."""
    frame = queries.fetch_df(con, "firms_list", **scope.params(), today=today)
    frame["state"] = [state_of(row) for _, row in frame.iterrows()] if len(frame) else pd.Series(dtype=str)
    for column, mask in (("contact_name", mask_name), ("pledge_by", mask_name), ("contact_phone", mask_phone)):
        frame[column] = [mask(v) if isinstance(v, str) else "" for v in frame[column]]
    return frame


def notices(con: duckdb.DuckDBPyConnection, scope: Scope, today: date, firm_id: int | None = None) -> pd.DataFrame:
    """Rectification notices of firms in scope (or one firm): overdue first, then open, then by deadline."""
    return queries.fetch_df(con, "firms_notices", **scope.params(), today=today,
                            firm_id=None if firm_id is None else int(firm_id))


def overdue_notices(con: duckdb.DuckDBPyConnection, scope: Scope, today: date) -> pd.DataFrame:
    """Notices open past their deadline on `today` (the page lists them first, as a warning)."""
    found = notices(con, scope, today)
    return found[found["overdue"].astype(bool)].reset_index(drop=True)


def history(con: duckdb.DuckDBPyConnection, scope: Scope, firm_id: int) -> dict[str, pd.DataFrame]:
    """One firm's filings and pledges (signers masked), the firm checked in scope."""
    _firm(con, scope, firm_id)
    pledges = queries.fetch_df(con, "firms_pledges", firm_id=int(firm_id))
    pledges["signed_by"] = [mask_name(v) for v in pledges["signed_by"]]
    return {"filings": queries.fetch_df(con, "firms_filings", firm_id=int(firm_id)), "pledges": pledges}


def kpis(con: duckdb.DuckDBPyConnection, scope: Scope, today: date) -> dict[str, int]:
    """The page's cards and the daily report's rows: firms, reopened, under notice (a firm with an open notice),
    notices overdue, pledges signed (firms with one)."""
    found = queries.fetch_df(con, "firms_list", **scope.params(), today=today)
    return {"firms": len(found), "reopened": int((found["filing_status"] == "reopened").sum()),
            "under_notice": int((found["open_notices"] > 0).sum()),
            "notices_overdue": int(found["overdue_notices"].sum()),
            "pledges_signed": int(found["pledge_on"].notna().sum())}


# --- writes --------------------------------------------------------------------------------------------------------

def _firm(con, scope: Scope, firm_id: int) -> dict:
    found = queries.fetch_df(con, "firms_one", **scope.params(), firm_id=int(firm_id))
    if found.empty:
        raise FirmError("firms.error.out_of_scope", firm_id=firm_id)
    return found.iloc[0].to_dict()


def _building(con, scope: Scope, building_id: int, community_id: int) -> None:
    found = queries.fetch_df(con, "firms_building", **scope.params(), building_id=int(building_id))
    if found.empty:
        raise FirmError("firms.error.building_out_of_scope", building_id=building_id)
    if int(found.iloc[0]["community_id"]) != int(community_id):
        raise FirmError("firms.error.other_community", building=found.iloc[0]["name"])


@dataclass(frozen=True)
class NewFirm:
    """A firm as typed: `kind` a code of KINDS or an office's word for it; a building or a point, or neither yet."""

    community_id: int
    name: str
    kind: str
    building_id: int | None = None
    lon: float | None = None
    lat: float | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    staff: int | None = None


def add_firm(con: duckdb.DuckDBPyConnection, actor: User | None, firm: NewFirm, now: datetime | None = None) -> int:
    """A firm of a community in scope, in a building of it the actor may see or at a point; audited."""
    _need(actor)
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())
    if scope.community_ids is not None and int(firm.community_id) not in scope.community_ids:
        raise FirmError("firms.error.community_out_of_scope", community_id=firm.community_id)
    name = _text(firm.name, "name")
    kind = kind_of(firm.kind)
    lon, lat = _place(firm.lon, firm.lat)
    if firm.building_id is not None and lon is not None:
        raise FirmError("firms.error.two_places")
    if firm.staff is not None and not 0 <= int(firm.staff) <= 100_000:
        raise FirmError("firms.error.staff", value=firm.staff)
    contact, phone = _text(firm.contact_name, "contact", required=False), _phone(firm.contact_phone)

    def work():
        if firm.building_id is not None:
            _building(con, scope, firm.building_id, firm.community_id)
        firm_id = int(queries.fetch_all(
            con, "firms_insert", community_id=int(firm.community_id), firm_name=name, kind=kind,
            building_id=None if firm.building_id is None else int(firm.building_id), lon=lon, lat=lat,
            contact_name=contact, contact_phone=phone, staff=None if firm.staff is None else int(firm.staff),
            now=now, by=actor.username)[0][0])
        audit.record(con, actor, "firm_added", f"firm:{firm_id}",
                     new={"name": name, "kind": kind, "building_id": firm.building_id, "lon": lon, "lat": lat},
                     at=now)
        return firm_id

    return _retrying(con, work)


def set_place(con: duckdb.DuckDBPyConnection, actor: User | None, firm_id: int, building_id: int | None = None,
              lon: float | None = None, lat: float | None = None, now: datetime | None = None) -> None:
    """Where a firm stands: a building of its community in scope, or a point; audited."""
    _need(actor)
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())
    lon, lat = _place(lon, lat)
    if (building_id is None) == (lon is None):
        raise FirmError("firms.error.one_place")

    def work():
        found = _firm(con, scope, firm_id)
        if building_id is not None:
            _building(con, scope, building_id, found["community_id"])
        queries.fetch_all(con, "firms_set_place", firm_id=int(firm_id), lon=lon, lat=lat,
                          building_id=None if building_id is None else int(building_id))
        audit.record(con, actor, "firm_placed", f"firm:{int(firm_id)}",
                     old={"building_id": found["building_id"]},
                     new={"building_id": building_id, "lon": lon, "lat": lat}, at=now)

    _retrying(con, work)


def file_reopening(con: duckdb.DuckDBPyConnection, actor: User | None, firm_id: int, filed_on: date | None = None,
                   now: datetime | None = None) -> int:
    """A reopening filing for a firm in scope; refused while it has one filed or approved, or once reopened."""
    _need(actor)
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())
    filed_on = _day(filed_on, now.date(), "filed_on")

    def work():
        _firm(con, scope, firm_id)
        latest = queries.fetch_df(con, "firms_filings", firm_id=int(firm_id))
        if not latest.empty and latest.iloc[0]["status"] != "refused":
            raise FirmError(f"firms.error.filing_{latest.iloc[0]['status']}")
        filing_id = int(queries.fetch_all(con, "firms_filing_insert", firm_id=int(firm_id), filed_on=filed_on,
                                          by=actor.username, now=now)[0][0])
        audit.record(con, actor, "firm_filed", f"firm:{int(firm_id)}", new={"filing_id": filing_id,
                                                                             "filed_on": filed_on}, at=now)
        return filing_id

    return _retrying(con, work)


def _filing(con, scope: Scope, firm_id: int, status: str) -> int:
    """The firm's latest filing, which must be in `status`."""
    _firm(con, scope, firm_id)
    found = queries.fetch_df(con, "firms_filings", firm_id=int(firm_id))
    if found.empty or found.iloc[0]["status"] != status:
        raise FirmError(f"firms.error.not_{status}")
    return int(found.iloc[0]["filing_id"])


def decide(con: duckdb.DuckDBPyConnection, actor: User | None, firm_id: int, approve: bool, why: str | None = None,
           decided_on: date | None = None, now: datetime | None = None) -> None:
    """The firm's filed filing approved, or refused with why; who decided and when recorded, audited."""
    _need(actor)
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())
    decided_on = _day(decided_on, now.date(), "decided_on")
    reason = None if approve else _text(why, "why")

    def work():
        filing_id = _filing(con, scope, firm_id, "filed")
        status = "approved" if approve else "refused"
        queries.fetch_all(con, "firms_filing_decide", filing_id=filing_id, status=status, why=reason,
                          decided_on=decided_on, by=actor.username)
        audit.record(con, actor, "firm_filing_decided", f"firm:{int(firm_id)}",
                     new={"filing_id": filing_id, "status": status, "why": reason, "on": decided_on}, at=now)

    _retrying(con, work)


def mark_reopened(con: duckdb.DuckDBPyConnection, actor: User | None, firm_id: int, reopened_on: date | None = None,
                  now: datetime | None = None) -> None:
    """The firm's approved filing: reopened on a day; audited."""
    _need(actor)
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())
    reopened_on = _day(reopened_on, now.date(), "reopened_on")

    def work():
        filing_id = _filing(con, scope, firm_id, "approved")
        queries.fetch_all(con, "firms_filing_reopened", filing_id=filing_id, reopened_on=reopened_on)
        audit.record(con, actor, "firm_reopened", f"firm:{int(firm_id)}",
                     new={"filing_id": filing_id, "on": reopened_on}, at=now)

    _retrying(con, work)


def sign_pledge(con: duckdb.DuckDBPyConnection, actor: User | None, firm_id: int, signed_by: str,
                signed_on: date | None = None, now: datetime | None = None) -> int:
    """A signed safety pledge: on which day, by whom for the firm; audited (the signer not in the log)."""
    _need(actor)
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())
    signed_on = _day(signed_on, now.date(), "signed_on")
    signer = _text(signed_by, "signed_by")

    def work():
        _firm(con, scope, firm_id)
        pledge_id = int(queries.fetch_all(con, "firms_pledge_insert", firm_id=int(firm_id), signed_on=signed_on,
                                          signed_by=signer, by=actor.username, now=now)[0][0])
        audit.record(con, actor, "firm_pledge_signed", f"firm:{int(firm_id)}",
                     new={"pledge_id": pledge_id, "signed_on": signed_on}, at=now)
        return pledge_id

    return _retrying(con, work)


def issue_notice(con: duckdb.DuckDBPyConnection, actor: User | None, firm_id: int, what: str, deadline: date,
                 issued_on: date | None = None, now: datetime | None = None) -> int:
    """A rectification notice: what to put right by `deadline` (not before the day it is issued); audited."""
    _need(actor)
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())
    issued_on = _day(issued_on, now.date(), "issued_on")
    text = _text(what, "what")
    if deadline is None or deadline < issued_on:
        raise FirmError("firms.error.deadline", deadline=deadline, issued_on=issued_on)

    def work():
        _firm(con, scope, firm_id)
        notice_id = int(queries.fetch_all(con, "firms_notice_insert", firm_id=int(firm_id), issued_on=issued_on,
                                          what=text, deadline=deadline, by=actor.username)[0][0])
        audit.record(con, actor, "firm_notice_issued", f"firm:{int(firm_id)}",
                     new={"notice_id": notice_id, "what": text, "deadline": deadline}, at=now)
        return notice_id

    return _retrying(con, work)


def follow_up(con: duckdb.DuckDBPyConnection, actor: User | None, notice_id: int, fixed: bool,
              note: str | None = None, checked_on: date | None = None, now: datetime | None = None) -> bool:
    """A follow-up of an open notice of a firm in scope; found fixed, it closes the notice. Returns closed."""
    _need(actor)
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())
    checked_on = _day(checked_on, now.date(), "checked_on")
    text = _text(note, "note", required=not fixed)

    def work():
        found = notices(con, scope, now.date())
        found = found[found["notice_id"] == int(notice_id)]
        if found.empty:
            raise FirmError("firms.error.notice_unknown", notice_id=notice_id)
        if not bool(found.iloc[0]["open"]):
            raise FirmError("firms.error.notice_closed")
        if checked_on < pd.Timestamp(found.iloc[0]["issued_on"]).date():
            raise FirmError("firms.error.checked_before", day=checked_on)
        queries.fetch_all(con, "firms_notice_check_insert", notice_id=int(notice_id), checked_on=checked_on,
                          fixed=bool(fixed), note=text, by=actor.username, now=now)
        if fixed:
            queries.fetch_all(con, "firms_notice_close", notice_id=int(notice_id), closed_on=checked_on,
                              by=actor.username)
        audit.record(con, actor, "firm_notice_followed_up", f"firm_notice:{int(notice_id)}",
                     new={"fixed": bool(fixed), "checked_on": checked_on, "note": text}, at=now)
        return bool(fixed)

    return _retrying(con, work)
