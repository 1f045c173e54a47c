"""Support for those who struggle (issue 16, item 5): needs noted per household, the community's referral list,
referrals and follow-ups.

Here, not in supplies/: a support need is a need type in coverage. A household with an open one counts as
needing a volunteer (volunteers.REASONS "support") and its follow-ups count as contacts for "not contacted", so
the coverage page, the gap list and the volunteer's list speak of the same households.

Why a household needs care (the kind: bereaved, a case in the family, ...) and the note are for the roles with
"see_support_reason" only. support_list() leaves them out of the rows for everyone else, and no audit row holds
them (the street administrator reads the audit log and does not have the permission).
"""

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from resilient.core import audit, config, db, queries, reference, roles
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.coverage import volunteers

KINDS = ("bereaved", "case_household", "alone_isolated", "distress_at_check")
DERIVED_KINDS = ("case_household", "alone_isolated")
REFERRAL_KINDS = ("hotline", "doctor", "counsellor")
FOLLOW_UP_KINDS = ("visit", "call")
OUTCOMES = ("steady", "still_struggling", "not_reached")
# Columns only a viewer who may know why sees; support_list() drops them for everyone else.
REASON_COLUMNS = ["kind", "note", "noted_by", "closed_by", "referral", "referral_phone"]
NOTE_CHARS = 500


class SupportError(ValueError):
    """A refusal: `code` is a translation key ("support.error.x"), `values` fill it in."""

    def __init__(self, code: str, /, **values):
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True)
@reference.defaults_from("defaults.toml", "support")
class SupportSettings:
    """How often an open need is followed up; the default in data/defaults.toml [support]."""

    follow_up_days: int

    def __post_init__(self):
        if self.follow_up_days < 1:
            raise ValueError("data/defaults.toml [support] follow_up_days must be at least 1")


reference.check_defaults(SupportSettings, "defaults.toml", "support")


def _need(actor: User | None, action: str) -> None:
    roles.need(actor, action, SupportError("support.error.not_allowed"))


def _retrying(con: duckdb.DuckDBPyConnection, work):
    return db.retrying(con, work, lambda: SupportError("support.error.busy"))


def _plain(note: str | None) -> str | None:
    """A note as typed, trimmed; too long is refused rather than cut."""
    text = (note or "").strip()
    if len(text) > NOTE_CHARS:
        raise SupportError("support.error.note_long", most=NOTE_CHARS)
    return text or None


# --- reading --------------------------------------------------------------------------------------------------

def may_know_why(viewer: User | None) -> bool:
    return roles.may(viewer, "see_support_reason")


def support_list(con: duckdb.DuckDBPyConnection, scope: Scope, viewer: User | None, today: date,
                 revealed: set[int] = frozenset(), closed: bool = False,
                 settings: SupportSettings | None = None) -> pd.DataFrame:
    """Open needs in scope (closed ones too when `closed`), where the household is and whom to ask for (masked),
    follow-ups and referral; `due` when not followed up for the set days. The kind, note, who noted it and the
    referral's name come back only for a viewer who may know why: for anyone else those columns are not there."""
    settings = settings or SupportSettings()
    why = may_know_why(viewer)
    frame = queries.fetch_df(con, "support_needs", **scope.params(), today=today, closed=closed, with_reason=why)
    if not why:
        frame = frame.drop(columns=REASON_COLUMNS)
    labels = volunteers.household_labels(con, scope, frame["household_id"].unique(), today, revealed)
    frame = frame.merge(labels.drop(columns=["building_id"]), on="household_id", how="left")
    last = pd.to_datetime(frame["last_follow_up"])
    days = (pd.Timestamp(today) - last.dt.normalize()).dt.days
    frame["due"] = frame["closed_at"].isna() & (last.isna() | (days >= settings.follow_up_days))
    return frame.reset_index(drop=True)


def kpis(con: duckdb.DuckDBPyConnection, scope: Scope, today: date, settings: SupportSettings | None = None) -> dict:
    """Households with an open need, of them referred, followed up in the last days, and not followed up."""
    settings = settings or SupportSettings()
    frame = queries.fetch_df(con, "support_needs", **scope.params(), today=today, closed=False, with_reason=False)
    last = pd.to_datetime(frame["last_follow_up"])
    recent = last.notna() & ((pd.Timestamp(today) - last.dt.normalize()).dt.days < settings.follow_up_days)
    homes = frame.assign(recent=recent, referred=frame["referred_at"].notna()) \
        .groupby("household_id").agg(recent=("recent", "any"), referred=("referred", "any"))
    return {"open": len(homes), "referred": int(homes["referred"].sum()), "followed_up": int(homes["recent"].sum()),
            "not_followed_up": int((~homes["recent"]).sum()), "days": settings.follow_up_days}


def referrals(con: duckdb.DuckDBPyConnection, scope: Scope, everything: bool = False) -> pd.DataFrame:
    """The referral list of the communities in scope (the inactive entries too when `everything`)."""
    return queries.fetch_df(con, "support_referrals", **scope.params(), all=everything)


def derived_needs(con: duckdb.DuckDBPyConnection, scope: Scope, today: date) -> pd.DataFrame:
    """Households the data says may need care, not yet noted: a flat a positive tube put under measures or with
    a positive re-test (case_household), one person alone under home isolation or observation (alone_isolated).
    Offered to note, never written by themselves: a person decides a household is followed up. With where each
    household is (compound, building, unit_no, room)."""
    found = queries.fetch_df(con, "support_derived", **scope.params(), today=today)
    where = volunteers.household_labels(con, scope, found["household_id"].unique(), today)
    return found.merge(where[["household_id", "compound", "building", "unit_no", "room"]], on="household_id",
                       how="left")


# --- writing --------------------------------------------------------------------------------------------------

def _open_need(con, actor: User, need_id: int, at: datetime) -> dict:
    scope = roles.scope_for(con, actor, at.date())
    rows = queries.fetch_df(con, "support_need_of", **scope.params(), need_id=int(need_id))
    if rows.empty:
        raise SupportError("support.error.out_of_scope")
    need = rows.iloc[0].to_dict()
    if pd.notna(need["closed_at"]):
        raise SupportError("support.error.closed")
    return need


def note_need(con: duckdb.DuckDBPyConnection, actor: User | None, household_id: int, kind: str,
              note: str | None = None, at: datetime | None = None) -> int:
    """Note that a household needs care, by hand or from derived_needs(); one open need of a kind at a time."""
    _need(actor, "note_support")
    if kind not in KINDS:
        raise SupportError("support.error.kind", kind=kind)
    at = at or config.now()
    text = _plain(note)
    scope = roles.scope_for(con, actor, at.date())
    if not queries.fetch_all(con, "support_household_in_scope", **scope.params(), household_id=int(household_id)):
        raise SupportError("support.error.out_of_scope")

    def work():
        if queries.fetch_all(con, "support_open_kind", household_id=int(household_id), kind=kind):
            raise SupportError("support.error.already_open")
        need_id = int(queries.fetch_all(con, "support_need_insert", household_id=int(household_id), kind=kind,
                                        note=text, noted_by=actor.username, noted_at=at)[0][0])
        # No kind, no note: the audit log's readers need not know why.
        audit.record(con, actor, "support_need_noted", f"support_need:{need_id}",
                     new={"household_id": int(household_id), "at": at, "with_note": text is not None})
        return need_id

    return _retrying(con, work)


def close_need(con: duckdb.DuckDBPyConnection, actor: User | None, need_id: int, at: datetime | None = None) -> None:
    """The household no longer needs following up; its history stays."""
    _need(actor, "note_support")
    at = at or config.now()
    need = _open_need(con, actor, need_id, at)

    def work():
        queries.fetch_all(con, "support_need_close", need_id=int(need_id), closed_at=at, closed_by=actor.username)
        audit.record(con, actor, "support_need_closed", f"support_need:{int(need_id)}",
                     new={"household_id": int(need["household_id"]), "at": at})

    _retrying(con, work)


def save_referral(con: duckdb.DuckDBPyConnection, actor: User | None, community_id: int, name: str, kind: str,
                  phone: str | None = None, hours: str | None = None, note: str | None = None, active: bool = True,
                  referral_id: int | None = None) -> int:
    """Add an entry to a community's referral list, or change one (`referral_id`); returns its id."""
    _need(actor, "manage_referrals")
    name = (name or "").strip()
    if not name:
        raise SupportError("support.error.name_required")
    if kind not in REFERRAL_KINDS:
        raise SupportError("support.error.referral_kind", kind=kind)
    scope = roles.scope_for(con, actor, config.today())
    if scope.community_ids is not None and int(community_id) not in scope.community_ids:
        raise SupportError("support.error.out_of_scope")
    values = {"referral_name": name, "kind": kind, "phone": (phone or "").strip() or None,
              "hours": (hours or "").strip() or None, "note": _plain(note), "active": bool(active)}

    def work():
        if referral_id is None:
            made = int(queries.fetch_all(con, "support_referral_insert", community_id=int(community_id),
                                         **values)[0][0])
            audit.record(con, actor, "support_referral_saved", f"support_referral:{made}", new=values)
            return made
        before = referrals(con, Scope(community_ids=(int(community_id),)), everything=True)
        old = before[before["referral_id"] == int(referral_id)]
        if old.empty:
            raise SupportError("support.error.out_of_scope")
        queries.fetch_all(con, "support_referral_update", referral_id=int(referral_id), **values)
        audit.record(con, actor, "support_referral_saved", f"support_referral:{int(referral_id)}",
                     old={k: old.iloc[0][k.removeprefix("referral_")] for k in values}, new=values)
        return int(referral_id)

    return _retrying(con, work)


def refer(con: duckdb.DuckDBPyConnection, actor: User | None, need_id: int, referral_id: int,
          at: datetime | None = None) -> int:
    """Refer an open need to an active entry of its community's list; returns the referral's id."""
    _need(actor, "note_support")
    at = at or config.now()
    need = _open_need(con, actor, need_id, at)
    listed = referrals(con, Scope(community_ids=(int(need["community_id"]),)))
    if int(referral_id) not in set(listed["referral_id"].astype(int)):
        raise SupportError("support.error.referral_unknown")

    def work():
        made = int(queries.fetch_all(con, "support_referral_made_insert", need_id=int(need_id),
                                     referral_id=int(referral_id), referred_at=at, referred_by=actor.username)[0][0])
        # Not where to: a bereavement line named in the log would say why.
        audit.record(con, actor, "support_referred", f"support_need:{int(need_id)}",
                     new={"household_id": int(need["household_id"]), "referral_made": made, "at": at})
        return made

    return _retrying(con, work)


def follow_up(con: duckdb.DuckDBPyConnection, actor: User | None, need_id: int, kind: str, outcome: str,
              at: datetime | None = None) -> int:
    """One follow-up visit or call of an open need in the actor's scope (a volunteer: their households only)."""
    _need(actor, "follow_up_support")
    if kind not in FOLLOW_UP_KINDS:
        raise SupportError("support.error.follow_up_kind", kind=kind)
    if outcome not in OUTCOMES:
        raise SupportError("support.error.outcome", outcome=outcome)
    at = at or config.now()
    need = _open_need(con, actor, need_id, at)

    def work():
        made = int(queries.fetch_all(con, "support_follow_up_insert", need_id=int(need_id),
                                     household_id=int(need["household_id"]), kind=kind, outcome=outcome,
                                     followed_at=at, recorded_by=actor.username)[0][0])
        audit.record(con, actor, "support_followed_up", f"support_need:{int(need_id)}",
                     new={"household_id": int(need["household_id"]), "kind": kind, "outcome": outcome, "at": at})
        return made

    return _retrying(con, work)



def flats(con: duckdb.DuckDBPyConnection, scope: Scope, building_id: int) -> pd.DataFrame:
    """The flats of a building in scope (stairwell, floor, room): where a need is noted by hand."""
    return queries.fetch_df(con, "support_flats", **scope.params(), building_id=int(building_id))
