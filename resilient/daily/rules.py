"""What the day-by-day modules of issue 7 share: the refusal type, the settings, the write wrapper, events.

arrivals, teams, checks, releases, supervision and daily_report all refuse with DailyError (a translation key
and its values), read one settings record from the meta table, and write every change to a measure as a
measure_event row inside the transaction of the change, so a resident's history can never miss a step.
"""

import json
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time

import duckdb
import pandas as pd

from resilient.core import audit, db, queries, roles
from resilient.core.accounts import User
from resilient.core.i18n import CATEGORIES
from resilient.core.scope import Scope

RETRIES = db.WRITE_ATTEMPTS
PERIODS = ("am", "pm")
EVENT_KINDS = ("arrival", "created", "extended", "released", "transferred", "reassigned", "team_assigned",
               "check_corrected")


class DailyError(ValueError):
    """A refusal to show the person: `code` is a translation key (resilient/core/i18n.py), `values` fill it in."""

    def __init__(self, code: str, /, **values):
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True)
class DailySettings:
    """The day's rules as numbers a community can change without a code change."""

    fever_threshold: float = 37.3        # °C: a reading at or above it raises an alert
    am_due: str = "12:00"                # the morning check is missed when not recorded by then
    pm_due: str = "18:00"
    release_normal_days: int = 2         # last days of the term with both checks normal, before release
    check_categories: tuple[str, ...] = ("home_isolation", "home_observation")   # measures checked twice daily
    worker_standard_load: int = 30       # people one grid worker can follow before counting as overloaded

    def __post_init__(self):
        object.__setattr__(self, "check_categories", tuple(self.check_categories))
        try:
            am, pm = _clock(self.am_due), _clock(self.pm_due)
        except ValueError:
            raise DailyError("daily.error.settings", field="am_due / pm_due") from None
        problems = [name for name, bad in [
            ("fever_threshold", not 35.0 <= float(self.fever_threshold) <= 42.0),
            ("am_due / pm_due", am >= pm),
            ("release_normal_days", not 1 <= int(self.release_normal_days) <= 14),
            ("check_categories", not self.check_categories or any(c not in CATEGORIES
                                                                  for c in self.check_categories)),
            ("worker_standard_load", int(self.worker_standard_load) < 1),
        ] if bad]
        if problems:
            raise DailyError("daily.error.settings", field=", ".join(problems))

    def due(self, day: date, period: str) -> datetime:
        """The moment a slot counts as missed: a check recorded before it is on time, at it is not."""
        return datetime.combine(day, _clock(self.am_due if period == "am" else self.pm_due))


def _clock(text: str) -> time:
    return datetime.strptime(str(text).strip(), "%H:%M").time()


def load_settings(con: duckdb.DuckDBPyConnection) -> DailySettings:
    """The stored settings, the defaults when none were saved; unknown keys from other versions ignored."""
    rows = queries.fetch_all(con, "daily_settings_get")
    if not rows:
        return DailySettings()
    stored = json.loads(rows[0][0])
    known = {f.name for f in fields(DailySettings)}
    return DailySettings(**{k: v for k, v in stored.items() if k in known})


def save_settings(con: duckdb.DuckDBPyConnection, actor: User | None, settings: DailySettings) -> None:
    """Store the settings as JSON under 'daily_settings', audited in the same transaction."""
    need(actor, "set_rules")
    old = load_settings(con)
    value = json.dumps(asdict(settings), ensure_ascii=False, sort_keys=True)

    def work():
        queries.fetch_all(con, "daily_settings_put", value=value)
        audit.record(con, actor, "daily_settings_saved", "meta:daily_settings", old=asdict(old),
                     new=asdict(settings))

    retrying(con, work)


def need(actor: User | None, action: str) -> None:
    """roles.need with this module's refusal."""
    roles.need(actor, action, DailyError("daily.error.not_allowed"))


def retrying(con: duckdb.DuckDBPyConnection, work, attempts: int = RETRIES):
    """db.retrying with this module's 'busy' refusal."""
    return db.retrying(con, work, lambda: DailyError("daily.error.busy"), attempts)


def scope_of(con: duckdb.DuckDBPyConnection, actor: User, day: date) -> Scope:
    return roles.scope_for(con, actor, day)


def measure_in_scope(con: duckdb.DuckDBPyConnection, scope: Scope, measure_id: int,
                     follower_id: int | None = None) -> dict:
    """The measure with its household, grid cell and follower, for every write to it: refused when unknown, or
    when the scope does not cover it and `follower_id` (the actor's staff id) is not the one following it."""
    frame = queries.fetch_df(con, "daily_measure", **scope.params(), measure_id=int(measure_id))
    if frame.empty:
        raise DailyError("daily.error.unknown_measure", measure_id=measure_id)
    row = frame.iloc[0].to_dict()
    follows = follower_id is not None and not missing(row["follower_id"]) and \
        int(row["follower_id"]) == int(follower_id)
    if not row["in_scope"] and not follows:
        raise DailyError("daily.error.out_of_scope", measure_id=measure_id)
    for key in ("start_date", "planned_end"):
        row[key] = as_date(row[key])
    row["released_at"] = None if missing(row["released_at"]) else pd.Timestamp(row["released_at"]).to_pydatetime()
    return row


def as_date(value) -> date:
    """A date from what DuckDB and pandas hand back (date, datetime or Timestamp)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def missing(value) -> bool:
    """None, NaN, NaT or NA (a list or array is a value, even when empty)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and value != value


def event(con: duckdb.DuckDBPyConnection, actor: User | None, resident_id: int, measure_id: int | None, kind: str,
          at: datetime, reason: str | None = None, detail: dict | None = None) -> None:
    """One step of a resident's history; call inside the transaction of the change it describes."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    queries.fetch_all(con, "daily_event_insert", resident_id=int(resident_id),
                      measure_id=None if measure_id is None else int(measure_id), kind=kind, event_at=at,
                      by_user=None if actor is None else actor.username, reason=reason,
                      detail=None if detail is None else json.dumps(detail, ensure_ascii=False, default=str,
                                                                      sort_keys=True))


def reason_text(reason: str | None, field: str = "reason") -> str:
    """A reason a person typed; blank is refused where the rules ask for one."""
    text = (reason or "").strip()
    if not text:
        raise DailyError("daily.error.reason_required", field=field)
    return text


def settings_fields(error: DailyError) -> list[str]:
    """The settings a 'daily.error.settings' refusal names, one each ('am_due / pm_due' names two), so a page
    can name them in the reader's words."""
    return [f.strip() for f in str(error.values.get("field", "")).replace(",", "/").split("/") if f.strip()]
