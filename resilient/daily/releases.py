"""Ending measures on time (issue 7): who is due, release after normal readings, extension, transfer, history.

A home measure is released only when the last `release_normal_days` days of its term each have both checks
recorded and normal and no fever alert is open; the refusal names the first day and check that is missing or
abnormal. Every change is a measure_event written in the transaction of the change, so history() is complete.
"""

import json
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from resilient.core import audit, config, queries
from resilient.core.accounts import User
from resilient.core.i18n import fmt_number, t
from resilient.core.masking import mask_people
from resilient.core.scope import Scope
from resilient.daily import arrivals, checks
from resilient.daily.rules import (
    DailyError,
    DailySettings,
    as_date,
    event,
    load_settings,
    measure_in_scope,
    missing,
    need,
    reason_text,
    retrying,
    scope_of,
)

TRANSFER_TO = ("hospital", "centralised_quarantine")
CENTRALISED_DAYS = 14
MAX_EXTENSION_DAYS = 30
DUE_COLUMNS = ["measure_id", "resident_id", "name", "phone", "building", "unit_no", "room", "grid_id", "category",
               "start_date", "planned_end", "due", "ready", "problem", "problem_day", "problem_period",
               "problem_temperature", "compound"]
HISTORY_COLUMNS = ["event_at", "kind", "measure_id", "category", "by_user", "reason", "detail"]


def _window(start: date, planned_end: date, settings: DailySettings) -> list[date]:
    """The last days of the term whose readings decide a release (fewer when the term is shorter)."""
    first = max(start, planned_end - timedelta(days=settings.release_normal_days))
    return [first + timedelta(days=i) for i in range((planned_end - first).days)]


def _release_problem(measure: dict, slots: pd.DataFrame, open_alert: bool,
                     settings: DailySettings) -> tuple[str, dict] | None:
    """Why a measure may not be released yet (a translation key and its values), or None."""
    if open_alert:
        return "releases.error.open_alert", {}
    if measure["category"] not in settings.check_categories:
        return None
    mine = {(d, p): r for d, p, r in zip(slots["day"], slots["period"], slots.to_dict("records"))} \
        if not slots.empty else {}
    for day in _window(measure["start_date"], measure["planned_end"], settings):
        for period in ("am", "pm"):
            slot = mine.get((day, period))
            if slot is not None and slot["status"] == "not_required":
                continue
            if slot is None or slot["status"] in ("due", "missed"):
                return "releases.error.missing_check", {"day": day, "period": period}
            if slot["abnormal"]:
                return "releases.error.abnormal_check", {"day": day, "period": period,
                                                         "temperature": float(slot["temperature"])}
    return None


def due(con: duckdb.DuckDBPyConnection, scope: Scope, today: date, now: datetime,
        settings: DailySettings | None = None, revealed: set[int] = frozenset()) -> pd.DataFrame:
    """Measures ending today or tomorrow, and overdue ones, each saying whether it may be released now and why
    not (problem: a translation key, with the day, check and reading concerned). Names and phones masked except
    `revealed`."""
    settings = settings or load_settings(con)
    frame = queries.fetch_df(con, "release_due", **scope.params(), today=today)
    if frame.empty:
        return pd.DataFrame(columns=DUE_COLUMNS)
    frame["start_date"] = [as_date(d) for d in frame["start_date"]]
    frame["planned_end"] = [as_date(d) for d in frame["planned_end"]]
    since = min(_window(s, e, settings)[0] if e > s else e for s, e in zip(frame["start_date"], frame["planned_end"]))
    found = checks.slots(con, scope, since, today, now, settings)
    by_measure = dict(tuple(found.groupby("measure_id"))) if not found.empty else {}
    alerting = {int(r[0]) for r in queries.fetch_all(con, "open_alert_residents", **scope.params(),
                                                     resident_ids=[int(r) for r in frame["resident_id"]])}
    empty = found.iloc[0:0]
    problems = [_release_problem(m, by_measure.get(m["measure_id"], empty), int(m["resident_id"]) in alerting,
                                 settings) for m in frame.to_dict("records")]
    frame["due"] = ["overdue" if e < today else "today" if e == today else "tomorrow" for e in frame["planned_end"]]
    frame["ready"] = [p is None and e <= today for p, e in zip(problems, frame["planned_end"])]
    frame["problem"] = [None if p is None else p[0] for p in problems]
    frame["problem_day"] = [None if p is None else p[1].get("day") for p in problems]
    frame["problem_period"] = [None if p is None else p[1].get("period") for p in problems]
    frame["problem_temperature"] = [None if p is None else p[1].get("temperature") for p in problems]
    return mask_people(frame[DUE_COLUMNS].reset_index(drop=True), revealed)


def release(con: duckdb.DuckDBPyConnection, actor: User | None, measure_id: int, today: date | None = None,
            now: datetime | None = None) -> None:
    """Release a measure whose term has ended and whose last days' readings were normal; records who did it."""
    need(actor, "decide")
    now = now or config.now()
    today = today or now.date()
    settings = load_settings(con)
    scope = scope_of(con, actor, today)

    def work():
        measure = measure_in_scope(con, scope, measure_id, actor.staff_id)
        if measure["released_at"] is not None:
            raise DailyError("releases.error.ended", measure_id=measure_id, at=measure["released_at"])
        if today < measure["planned_end"]:
            raise DailyError("releases.error.too_early", measure_id=measure_id, end=measure["planned_end"])
        window = _window(measure["start_date"], measure["planned_end"], settings)
        since = window[0] if window else measure["planned_end"]
        found = checks.slots(con, scope, since, measure["planned_end"], now, settings, actor.staff_id)
        found = found[found["measure_id"] == int(measure_id)]
        alerting = bool(queries.fetch_all(con, "open_alert_residents", **scope.params(),
                                          resident_ids=[int(measure["resident_id"])]))
        problem = _release_problem(measure, found, alerting, settings)
        if problem:
            raise DailyError(problem[0], measure_id=measure_id, **problem[1])
        _end(con, actor, scope, measure_id, now)
        event(con, actor, int(measure["resident_id"]), int(measure_id), "released", now,
              detail={"category": measure["category"], "planned_end": measure["planned_end"]})
        audit.record(con, actor, "measure_released", f"control_measure:{int(measure_id)}",
                     old={"released_at": None}, new={"released_at": now, "released_by": actor.username})

    retrying(con, work)


def _end(con, actor: User, scope: Scope, measure_id: int, now: datetime) -> None:
    """Set released_at, refused when someone ended the measure first (re-checked inside the transaction)."""
    if not queries.fetch_all(con, "measure_end", **scope.params(), own_staff_id=actor.staff_id,
                             measure_id=int(measure_id), now=now):
        raise DailyError("releases.error.ended", measure_id=measure_id, at="")


def extend(con: duckdb.DuckDBPyConnection, actor: User | None, measure_id: int, days: int, reason: str | None,
           now: datetime | None = None) -> date:
    """Move the end of a running measure (also one whose term has ended) by `days`, with a reason; the new end."""
    need(actor, "decide")
    now = now or config.now()
    why = reason_text(reason)
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise DailyError("releases.error.days", value=days, max=MAX_EXTENSION_DAYS)
    scope = scope_of(con, actor, now.date())

    def work():
        measure = measure_in_scope(con, scope, measure_id, actor.staff_id)
        if measure["released_at"] is not None:
            raise DailyError("releases.error.ended", measure_id=measure_id, at=measure["released_at"])
        found = queries.fetch_all(con, "measure_extend", **scope.params(), own_staff_id=actor.staff_id,
                                  measure_id=int(measure_id), days=days)
        if not found:
            raise DailyError("releases.error.ended", measure_id=measure_id, at="")
        end = as_date(found[0][0])
        event(con, actor, int(measure["resident_id"]), int(measure_id), "extended", now, reason=why,
              detail={"days": days, "old_end": measure["planned_end"], "new_end": end})
        audit.record(con, actor, "measure_extended", f"control_measure:{int(measure_id)}",
                     old={"planned_end": measure["planned_end"]}, new={"planned_end": end}, detail=why)
        return end

    return retrying(con, work)


def transfer(con: duckdb.DuckDBPyConnection, actor: User | None, measure_id: int, to: str, reason: str | None,
             now: datetime | None = None, days: int = CENTRALISED_DAYS) -> int | None:
    """End a measure because the person went to hospital or to centralised quarantine (which opens a new measure
    from today for `days`); returns the new measure's id, None for hospital."""
    need(actor, "decide")
    now = now or config.now()
    why = reason_text(reason)
    if to not in TRANSFER_TO:
        raise DailyError("releases.error.transfer_to", value=to)
    if not isinstance(days, int) or not 1 <= days <= 60:
        raise DailyError("releases.error.days", value=days, max=60)
    scope = scope_of(con, actor, now.date())

    def work():
        measure = measure_in_scope(con, scope, measure_id, actor.staff_id)
        if measure["released_at"] is not None:
            raise DailyError("releases.error.ended", measure_id=measure_id, at=measure["released_at"])
        if to == "centralised_quarantine" and measure["category"] == "centralised_quarantine":
            raise DailyError("releases.error.transfer_same", measure_id=measure_id)
        new_id = None
        if to == "centralised_quarantine":
            new_id = int(queries.fetch_all(con, "measure_insert_transfer", **scope.params(),
                                           own_staff_id=actor.staff_id, from_measure_id=int(measure_id),
                                           today=now.date(), days=days, now=now)[0][0])
        _end(con, actor, scope, measure_id, now)
        event(con, actor, int(measure["resident_id"]), int(measure_id), "transferred", now, reason=why,
              detail={"to": to, "new_measure_id": new_id, "category": measure["category"]})
        if new_id is not None:
            event(con, actor, int(measure["resident_id"]), new_id, "created", now, reason=why,
                  detail={"category": "centralised_quarantine", "days": days, "start_date": now.date(),
                          "planned_end": now.date() + timedelta(days=days), "from_measure_id": int(measure_id)})
        audit.record(con, actor, "measure_transferred", f"control_measure:{int(measure_id)}",
                     old={"category": measure["category"], "released_at": None},
                     new={"to": to, "released_at": now, "new_measure_id": new_id}, detail=why)
        return new_id

    return retrying(con, work)


def history(con: duckdb.DuckDBPyConnection, scope: Scope, resident_id: int, today: date) -> pd.DataFrame:
    """Every change to a resident's measures in time order (arrival, created, extended, released, transferred,
    reassigned, team assigned, check corrected); empty for a person the viewer may not see."""
    frame = queries.fetch_df(con, "resident_history", **scope.params(), resident_id=int(resident_id), today=today)
    frame["detail"] = [None if missing(d) else json.loads(d) for d in frame["detail"]]
    return frame[HISTORY_COLUMNS]


def under_measure(con: duckdb.DuckDBPyConnection, scope: Scope, query: str, today: date,
                  revealed: set[int] = frozenset()) -> pd.DataFrame:
    """Measures not yet ended of the residents a search finds (arrivals.find_residents: flat '3-2-1502', phone
    digits or part of the name), one row per measure; names and phones masked except `revealed`."""
    found = arrivals.find_residents(con, scope, query, today, revealed)
    return found[found["measure_id"].notna()].reset_index(drop=True)


# --- the releases page: which list, which actions, which new end ------------------------------------------------

DUE_ORDER = ("overdue", "today", "tomorrow")   # how due() groups measures, the most urgent first
SHOWS = ("ready", "all", "blocked")


def due_counts(frame: pd.DataFrame) -> dict[str, int]:
    """due() measures per group of DUE_ORDER (overdue, ending today, ending tomorrow)."""
    return {when: int((frame["due"] == when).sum()) for when in DUE_ORDER}


def group_header(when: str, listed: int, total: int, lang: str) -> str:
    """A due group's heading: '今日到期（175）' when the list shows them all, '今日到期：显示 170，共 175' when the
    chosen filter (ready, blocked) shows part, so it never reads as another count of the same figure."""
    label = t(f"release.due.{when}", lang)
    if listed == total:
        return t("releases.group_all", lang, label=label, total=fmt_number(total, lang))
    return t("releases.group_part", lang, label=label, shown=fmt_number(listed, lang), total=fmt_number(total, lang))


def show_counts(frame: pd.DataFrame) -> dict[str, int]:
    """due() measures per SHOWS choice: ready to release now, all, and blocked (not ready)."""
    ready = int(frame["ready"].sum())
    return {"ready": ready, "all": len(frame), "blocked": len(frame) - ready}


def shown_due(frame: pd.DataFrame, show: str) -> pd.DataFrame:
    """due() narrowed to a SHOWS choice."""
    if show == "ready":
        return frame[frame["ready"].astype(bool)]
    if show == "blocked":
        return frame[~frame["ready"].astype(bool)]
    return frame


def actions_for(category: str) -> list[str]:
    """What may be done to a running measure: extend it, or end it by a transfer to hospital or (unless it is
    one already) to centralised quarantine."""
    return ["extend", "hospital"] + ([] if category == "centralised_quarantine" else ["centralised_quarantine"])


def new_end(action: str, planned_end: date, days: int, today: date) -> date | None:
    """The end a change would give: an extension moves the planned end by `days`, a transfer to centralised
    quarantine opens a measure from today for `days`; a transfer to hospital sets none."""
    if action == "extend":
        return planned_end + timedelta(days=days)
    if action == "centralised_quarantine":
        return today + timedelta(days=days)
    return None
