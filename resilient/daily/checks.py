"""Twice-daily health checks of people under home measures, fever alerts for the doctors, missed checks.

A slot (a person, a day, morning or afternoon) is due during the days of the term (start_date to the day before
planned_end) while the measure is not released; it is missed when nothing was recorded before the configured
deadline (the deadline itself counts as too late). One query (check_slots) computes every slot's status, so the
grid worker's list, the supervisor's counts and the daily report cannot disagree.
"""

from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from resilient.core import audit, config, queries
from resilient.core.accounts import User
from resilient.core.masking import mask_people
from resilient.core.scope import Scope
from resilient.daily.rules import (
    PERIODS,
    DailyError,
    DailySettings,
    as_date,
    event,
    load_settings,
    measure_in_scope,
    missing,
    need,
    retrying,
    scope_of,
)

SYMPTOMS = ("cough", "sore_throat", "fatigue", "short_breath", "diarrhoea", "taste_smell", "muscle_ache", "other")
LOWEST, HIGHEST = 34.0, 43.0   # °C a thermometer reading can be; outside is a typing error
LIST_COLUMNS = ["measure_id", "resident_id", "household_id", "name", "phone", "compound", "building", "unit_no",
                "room", "grid_id", "follower_id", "category", "start_date", "planned_end", "days_left",
                "am_temperature", "am_symptoms", "am_status", "am_abnormal",
                "pm_temperature", "pm_symptoms", "pm_status", "pm_abnormal"]


def slots(con: duckdb.DuckDBPyConnection, scope: Scope, since: date, until: date, now: datetime,
          settings: DailySettings | None = None, own_staff_id: int | None = None) -> pd.DataFrame:
    """One row per check slot from `since` to `until`, with its reading and status as of `now`."""
    settings = settings or load_settings(con)
    frame = queries.fetch_df(con, "check_slots", **scope.params(), since=since, until=until, now=now,
                             am_due=settings.am_due, pm_due=settings.pm_due,
                             fever_threshold=float(settings.fever_threshold),
                             categories=list(settings.check_categories), own_staff_id=own_staff_id)
    frame["day"] = [as_date(d) for d in frame["day"]]
    frame["temperature"] = frame["temperature"].astype(float)
    return frame


def check_list(con: duckdb.DuckDBPyConnection, scope: Scope, day: date, now: datetime,
               follower_id: int | None = None, own_staff_id: int | None = None,
               settings: DailySettings | None = None) -> pd.DataFrame:
    """The day's list: one row per person, morning and afternoon side by side; names and phones masked.

    follower_id narrows to the people one staff member follows; own_staff_id adds the people the viewer follows
    outside their grid cells (after a supervisor's reassignment). Aggregate-only viewers get no rows.
    """
    found = slots(con, scope, day, day, now, settings, own_staff_id)
    if follower_id is not None:
        found = found[found["follower_id"] == follower_id]
    if scope.personal == "none" or found.empty:
        return pd.DataFrame(columns=LIST_COLUMNS)
    keys = ["measure_id", "resident_id", "household_id", "name", "phone", "compound", "building", "unit_no", "room",
            "grid_id", "follower_id", "category", "start_date", "planned_end", "floor"]
    wide = found[keys].drop_duplicates("measure_id").set_index("measure_id")
    for period in PERIODS:
        part = found[found["period"] == period].set_index("measure_id")
        for column in ("temperature", "symptoms", "status", "abnormal"):
            wide[f"{period}_{column}"] = part[column]
    wide = wide.reset_index()
    wide["start_date"] = [as_date(d) for d in wide["start_date"]]
    wide["planned_end"] = [as_date(d) for d in wide["planned_end"]]
    wide["days_left"] = [(end - day).days for end in wide["planned_end"]]
    for period in PERIODS:
        wide[f"{period}_symptoms"] = [codes(s) for s in wide[f"{period}_symptoms"]]
        wide[f"{period}_abnormal"] = wide[f"{period}_abnormal"].fillna(False).astype(bool)
    wide = wide.sort_values(["compound", "building", "unit_no", "floor", "room", "resident_id"], key=_natural)
    return mask_people(wide[LIST_COLUMNS].reset_index(drop=True))


def codes(value) -> list[str]:
    """Symptom codes from a list column (an array, a list, or nothing when no check was recorded)."""
    if value is None or value is pd.NA or isinstance(value, float):
        return []
    return [str(v) for v in value]


def _natural(column: pd.Series) -> pd.Series:
    """3栋 before 12栋: building names sorted by their number where they have one."""
    if column.name != "building":
        return column
    return column.str.extract(r"(\d+)", expand=False).fillna("0").astype(int) * 1000 + column.str.len()


# --- the check list as the worker works it ---------------------------------------------------------------------

DONE = ("done", "late")      # a reading recorded (late: at or after the deadline)
TO_DO = ("due", "missed")    # no reading yet


def default_period(settings: DailySettings, now: datetime) -> str:
    """Morning until its deadline, then afternoon: the half-day a worker is most likely filling in."""
    return "am" if now < settings.due(now.date(), "am") else "pm"


def viewer_staff_id(user: User | None) -> int | None:
    """A grid worker's own staff id (their list adds the people they follow outside their grid cells)."""
    return user.staff_id if user is not None and user.role == "grid_worker" else None


def period_counts(people: pd.DataFrame, period: str) -> dict[str, int]:
    """A check list's figures for one half-day: checks required (due = done + todo), readings recorded, readings
    still to take, and the people on the list this half-day does not require (registered after its deadline),
    so the figures add up to the list instead of leaving people unaccounted for."""
    status = people[f"{period}_status"]
    done, todo = int(status.isin(DONE).sum()), int(status.isin(TO_DO).sum())
    return {"due": done + todo, "done": done, "todo": todo, "not_required": int((status == "not_required").sum())}


def narrow(people: pd.DataFrame, period: str, todo_only: bool = False, find: str = "") -> pd.DataFrame:
    """A check list as the worker filters it: only those still to check in `period`, and the flat or building
    typed (3栋-2-1502, or part of 'A苑3栋')."""
    shown = people[people[f"{period}_status"].isin(TO_DO)] if todo_only else people
    find = (find or "").strip()
    if find:
        flat = shown["building"].str.cat([shown["unit_no"].astype(str), shown["room"]], sep="-")
        building = shown["compound"] + shown["building"]
        shown = shown[flat.str.contains(find, regex=False) | building.str.contains(find, regex=False)]
    return shown


def missed_recently(con: duckdb.DuckDBPyConnection, scope: Scope, today: date, now: datetime,
                    settings: DailySettings | None = None, own_staff_id: int | None = None,
                    days: int = 7) -> pd.DataFrame:
    """The half-days nobody recorded in time over the last `days` days, today included: whom to chase (names
    and phones masked)."""
    found = slots(con, scope, today - timedelta(days=days - 1), today, now, settings, own_staff_id)
    return mask_people(found[found["status"] == "missed"].reset_index(drop=True))


def is_abnormal(temperature: float, symptoms, settings: DailySettings) -> bool:
    """Fever (at or above the threshold) or any symptom."""
    return round(float(temperature), 1) >= float(settings.fever_threshold) or bool(list(symptoms or []))


def _checked_reading(temperature, symptoms) -> tuple[float, list[str]]:
    try:
        value = round(float(temperature), 1)
    except (TypeError, ValueError):
        raise DailyError("checks.error.temperature", value=temperature, low=LOWEST, high=HIGHEST) from None
    if not LOWEST <= value <= HIGHEST:
        raise DailyError("checks.error.temperature", value=temperature, low=LOWEST, high=HIGHEST)
    chosen = list(dict.fromkeys(symptoms or []))
    unknown = [s for s in chosen if s not in SYMPTOMS]
    if unknown:
        raise DailyError("checks.error.symptom", value=", ".join(map(str, unknown)))
    return value, chosen


def _in_term(measure: dict, day: date) -> bool:
    released = measure["released_at"]
    return measure["start_date"] <= day < measure["planned_end"] and (
        released is None or released >= datetime.combine(day + timedelta(days=1), datetime.min.time()))


def record_check(con: duckdb.DuckDBPyConnection, actor: User | None, measure_id: int, day: date, period: str,
                 temperature: float, symptoms=(), note: str | None = None, now: datetime | None = None) -> dict:
    """One reading; a fever or a symptom raises an alert at once. A second reading of a slot is refused."""
    need(actor, "check")
    now = now or config.now()
    if period not in PERIODS:
        raise DailyError("checks.error.period", value=period)
    if day > now.date():
        raise DailyError("checks.error.future_day", day=day)
    value, found = _checked_reading(temperature, symptoms)
    settings = load_settings(con)

    def work():
        measure = measure_in_scope(con, scope_of(con, actor, now.date()), measure_id, actor.staff_id)
        if not _in_term(measure, day):
            raise DailyError("checks.error.not_in_term", day=day, start=measure["start_date"],
                             end=measure["planned_end"])
        earlier = queries.fetch_df(con, "check_of_slot", resident_id=int(measure["resident_id"]), day=day,
                                   period=period)
        if not earlier.empty:
            raise DailyError("checks.error.already_recorded", day=day, period=period,
                             by=earlier.iloc[0]["recorded_by"],
                             at=pd.Timestamp(earlier.iloc[0]["recorded_at"]).to_pydatetime())
        check_id = int(queries.fetch_all(
            con, "check_insert", measure_id=int(measure_id), resident_id=int(measure["resident_id"]), day=day,
            period=period, temperature=value, symptoms=found, note=(note or "").strip() or None,
            recorded_by=actor.username, recorded_at=now)[0][0])
        alert_id = _raise_alert(con, check_id, int(measure["resident_id"]), value, found, settings, now)
        audit.record(con, actor, "health_check_recorded", f"resident:{int(measure['resident_id'])}",
                     new={"measure_id": int(measure_id), "day": day, "period": period, "temperature": value,
                          "symptoms": found, "alert_id": alert_id})
        return {"check_id": check_id, "alert_id": alert_id, "abnormal": alert_id is not None}

    return retrying(con, work)


def _raise_alert(con, check_id: int, resident_id: int, value: float, chosen: list[str], settings: DailySettings,
                 now: datetime) -> int | None:
    if not is_abnormal(value, chosen, settings):
        return None
    found = queries.fetch_all(con, "alert_insert", check_id=check_id, resident_id=resident_id, raised_at=now)
    return int(found[0][0]) if found else None


def correct_check(con: duckdb.DuckDBPyConnection, actor: User | None, measure_id: int, day: date, period: str,
                  temperature: float, symptoms=(), reason: str | None = None, note: str | None = None,
                  now: datetime | None = None) -> dict:
    """Change a recorded reading on purpose, with a reason; the old values stay in the history and the audit."""
    need(actor, "check")
    now = now or config.now()
    value, found = _checked_reading(temperature, symptoms)
    why = (reason or "").strip()
    if not why:
        raise DailyError("daily.error.reason_required", field="reason")
    settings = load_settings(con)

    def work():
        measure = measure_in_scope(con, scope_of(con, actor, now.date()), measure_id, actor.staff_id)
        earlier = queries.fetch_df(con, "check_of_slot", resident_id=int(measure["resident_id"]), day=day,
                                   period=period)
        if earlier.empty:
            raise DailyError("checks.error.nothing_to_correct", day=day, period=period)
        old = earlier.iloc[0]
        check_id = int(old["check_id"])
        queries.fetch_all(con, "check_update", check_id=check_id, temperature=value, symptoms=found,
                          note=(note or "").strip() or None, recorded_by=actor.username, recorded_at=now)
        alert_id = _raise_alert(con, check_id, int(measure["resident_id"]), value, found, settings, now)
        before = {"temperature": float(old["temperature"]), "symptoms": codes(old["symptoms"]),
                  "recorded_by": old["recorded_by"]}
        after = {"temperature": value, "symptoms": found}
        event(con, actor, int(measure["resident_id"]), int(measure_id), "check_corrected", now, reason=why,
              detail={"day": day, "period": period, "old": before, "new": after})
        audit.record(con, actor, "health_check_corrected", f"resident:{int(measure['resident_id'])}",
                     old=before, new=after, detail=why)
        return {"check_id": check_id, "alert_id": alert_id}

    return retrying(con, work)


# --- alerts ---------------------------------------------------------------------------------------------------

def alerts(con: duckdb.DuckDBPyConnection, scope: Scope, now: datetime, open_only: bool = True) -> pd.DataFrame:
    """Fever alerts in scope as of `now` (open ones by default), newest first; names and phones masked."""
    frame = queries.fetch_df(con, "alerts_list", **scope.params(), now=now, open_only=open_only)
    frame["temperature"] = frame["temperature"].astype(float)
    if scope.personal == "none":
        return frame.iloc[0:0]
    return mask_people(frame)


def handle_alert(con: duckdb.DuckDBPyConnection, actor: User | None, alert_id: int, note: str | None,
                 now: datetime | None = None) -> None:
    """A doctor closes an alert with what was done; an alert already handled is refused, naming who did it."""
    need(actor, "handle_alerts")
    now = now or config.now()
    text = (note or "").strip()
    if not text:
        raise DailyError("daily.error.reason_required", field="note")
    scope = scope_of(con, actor, now.date())

    def work():
        found = queries.fetch_df(con, "alert_get", **scope.params(), alert_id=int(alert_id))
        if found.empty:
            raise DailyError("checks.error.unknown_alert", alert_id=alert_id)
        row = found.iloc[0]
        if not row["in_scope"]:
            raise DailyError("daily.error.out_of_scope", measure_id="")
        if not missing(row["handled_at"]) or not queries.fetch_all(
                con, "alert_handle", alert_id=int(alert_id), handled_at=now, handled_by=actor.username, note=text):
            raise DailyError("checks.error.alert_handled", by=row["handled_by"], at=row["handled_at"])
        audit.record(con, actor, "fever_alert_handled", f"resident:{int(row['resident_id'])}",
                     new={"alert_id": int(alert_id), "note": text})

    retrying(con, work)

