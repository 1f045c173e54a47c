"""The supervisor's view (issue 7): per grid worker and per 三包一 team, who is followed, checks this week,
open fever alerts and who is overloaded; reassigning people between workers (households between teams is
teams.assign_team). All counts come from checks.slots, the same statuses the grid worker's list shows."""

from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from resilient.core import audit, config, queries
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.daily import checks, teams
from resilient.daily.rules import (
    DailyError,
    DailySettings,
    event,
    load_settings,
    measure_in_scope,
    missing,
    need,
    retrying,
    scope_of,
)

WORKER_COLUMNS = ["staff_id", "name", "grid_ids", "followed", "min_days_left", "done_week", "late_week",
                  "missed_week", "open_alerts", "standard", "overloaded"]
TEAM_COLUMNS = ["team_id", "grid_ids", "grid_worker", "doctor", "police", "households", "isolated_people",
                "min_days_left", "done_week", "late_week", "missed_week", "open_alerts", "standard", "overloaded"]


def week_start(today: date) -> date:
    """Monday of `today`'s week: 'this week' on the supervisor's page and in the counts."""
    return today - timedelta(days=today.weekday())


def _week(con, scope: Scope, today: date, now: datetime, settings: DailySettings) -> pd.DataFrame:
    found = checks.slots(con, scope, week_start(today), today, now, settings)
    found["days_left"] = [(pd.Timestamp(e).date() - today).days for e in found["planned_end"]]
    return found


def _counts(found: pd.DataFrame, key: str, today: date, alerting: set[int]) -> pd.DataFrame:
    """Per `key`: people followed today, their fewest days left, this week's slots by status, open alerts."""
    now_rows = found[found["day"] == today]
    people = now_rows.groupby(key).agg(followed=("measure_id", "nunique"), min_days_left=("days_left", "min"))
    status = found.groupby([key, "status"]).size().unstack(fill_value=0)
    for name in ("done", "late", "missed"):
        if name not in status:
            status[name] = 0
    status = status[["done", "late", "missed"]].rename(columns=lambda c: f"{c}_week")
    alerts = now_rows[now_rows["resident_id"].isin(list(alerting))].groupby(key)["resident_id"].nunique()
    return people.join(status, how="outer").join(alerts.rename("open_alerts"), how="left").fillna(0)


def workers(con: duckdb.DuckDBPyConnection, scope: Scope, today: date, now: datetime,
            settings: DailySettings | None = None) -> pd.DataFrame:
    """One row per grid worker in scope: people followed today, checks this week, open alerts, overload."""
    settings = settings or load_settings(con)
    staff = queries.fetch_df(con, "supervision_workers", **scope.params())
    staff["grid_ids"] = [[] if missing(g) else [int(x) for x in g] for g in staff["grid_ids"]]
    found = _week(con, scope, today, now, settings)
    counts = _counts(found, "follower_id", today, _open_alert_residents(con, scope, now))
    frame = staff.set_index("staff_id").join(counts, how="left").fillna(
        {c: 0 for c in counts.columns if c != "min_days_left"}).reset_index()
    for column in ("followed", "done_week", "late_week", "missed_week", "open_alerts"):
        frame[column] = frame[column].astype(int) if column in frame else 0
    frame["min_days_left"] = frame["min_days_left"].astype("Int64") if "min_days_left" in frame else pd.NA
    frame["standard"] = settings.worker_standard_load
    frame["overloaded"] = frame["followed"] > settings.worker_standard_load
    return frame[WORKER_COLUMNS]


def _open_alert_residents(con, scope: Scope, now: datetime) -> set[int]:
    """Residents with an open alert; counts only, so an aggregate-only viewer gets them too."""
    frame = queries.fetch_df(con, "alerts_list", **{**scope.params(), "personal": "all"}, now=now, open_only=True)
    return {int(r) for r in frame["resident_id"]}


def team_view(con: duckdb.DuckDBPyConnection, scope: Scope, today: date, now: datetime,
              settings: DailySettings | None = None) -> pd.DataFrame:
    """One row per team in scope: flats, isolated people against the standard, checks this week of the people
    in its flats, open alerts."""
    settings = settings or load_settings(con)
    loads = teams.team_load(con, scope, today)
    pairs = teams.households(con, scope, today)
    found = _week(con, scope, today, now, settings).merge(pairs, on="household_id", how="inner")
    counts = _counts(found, "team_id", today, _open_alert_residents(con, scope, now))
    frame = loads.set_index("team_id").join(counts.drop(columns=["followed"], errors="ignore"), how="left")
    for column in ("done_week", "late_week", "missed_week", "open_alerts"):
        frame[column] = frame[column].fillna(0).astype(int) if column in frame else 0
    frame["min_days_left"] = frame["min_days_left"].astype("Int64") if "min_days_left" in frame else pd.NA
    return frame.reset_index()[TEAM_COLUMNS]


def followed(con: duckdb.DuckDBPyConnection, scope: Scope, staff_id: int, today: date, now: datetime,
             settings: DailySettings | None = None) -> pd.DataFrame:
    """The people one worker follows today with days left for each: the check list narrowed to them."""
    return checks.check_list(con, scope, today, now, follower_id=int(staff_id), settings=settings)


def reassign_many(con: duckdb.DuckDBPyConnection, actor: User | None, measure_ids, staff_id: int,
                  reason: str | None = None, now: datetime | None = None) -> list[int | None]:
    """Hand people over to another grid worker or doctor of the community, all or none (one refusal, naming its
    measure, writes nothing); returns each one's previous follower. Their checks then show in the new
    follower's list, even outside that worker's grid cells."""
    need(actor, "supervise")
    now = now or config.now()
    scope = scope_of(con, actor, now.date())

    def work():
        return [_reassign(con, actor, scope, int(m), int(staff_id), reason, now) for m in measure_ids]

    return retrying(con, work)


def _reassign(con, actor: User, scope, measure_id: int, staff_id: int, reason: str | None,
              now: datetime) -> int | None:
    row = measure_in_scope(con, scope, measure_id)
    if row["released_at"] is not None:
        raise DailyError("releases.error.ended", measure_id=measure_id, at=row["released_at"])
    staff = queries.fetch_df(con, "follower_staff", staff_id=staff_id)
    if staff.empty or int(staff.iloc[0]["community_id"]) != int(row["community_id"]):
        raise DailyError("supervision.error.staff", staff_id=staff_id)
    old = None if missing(row["follower_id"]) else int(row["follower_id"])
    if old == staff_id:
        raise DailyError("supervision.error.same", staff_id=staff_id)
    queries.fetch_all(con, "follower_put", measure_id=measure_id, staff_id=staff_id, assigned_at=now,
                      assigned_by=actor.username)
    event(con, actor, int(row["resident_id"]), measure_id, "reassigned", now,
          reason=(reason or "").strip() or None, detail={"old_staff_id": old, "new_staff_id": staff_id})
    audit.record(con, actor, "follower_reassigned", f"control_measure:{measure_id}",
                 old={"staff_id": old}, new={"staff_id": staff_id})
    return old


# --- the supervisor's page: order, totals, whom to hand over to -------------------------------------------------

# The headline figures of each tab by totals() key -> label key (resilient.daily.figures): the two tabs count
# different people (those grid workers follow; those in the flats of 三包一 teams), so their labels differ.
WORKER_FIGURES = {"overloaded": "supervision.kpi.workers_overloaded", "missed_week": "supervision.kpi.missed_week",
                  "open_alerts": "supervision.kpi.open_alerts", "followed": "supervision.kpi.followed"}
TEAM_FIGURES = {"teams": "supervision.kpi.teams", "overloaded": "supervision.kpi.teams_overloaded",
                "unassigned": "supervision.kpi.unassigned", "missed_week": "supervision.kpi.team_missed_week",
                "open_alerts": "supervision.kpi.team_open_alerts"}
PROBLEMS = ("overloaded", "alerts", "missed")   # a row's problems, in the order its flags name them


def problems_first(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Workers or teams with problems on top (overloaded, then open alerts, missed and late checks), then by
    `name`; `problems` lists each row's (PROBLEMS), for the flags the supervisor scans."""
    ordered = frame.sort_values(["overloaded", "open_alerts", "missed_week", "late_week", name],
                                ascending=[False, False, False, False, True], kind="stable")
    found = [[p for p, bad in zip(PROBLEMS, (bool(o), a > 0, m > 0)) if bad]
             for o, a, m in zip(ordered["overloaded"], ordered["open_alerts"], ordered["missed_week"])]
    return ordered.assign(problems=pd.Series(found, index=ordered.index, dtype=object))


def totals(frame: pd.DataFrame) -> dict[str, int]:
    """The page's headline figures: overloaded rows, and the sums of people followed, missed checks this week
    and open alerts (the columns `frame` has)."""
    return {c: int(frame[c].sum()) for c in ("overloaded", "followed", "missed_week", "open_alerts") if c in frame}


def handover_candidates(con: duckdb.DuckDBPyConnection, scope: Scope, staff_id: int,
                        loads: pd.DataFrame) -> pd.DataFrame:
    """Whom one worker's people can be handed to: the other grid workers and doctors of the worker's community,
    grid workers first with the least loaded on top (the likeliest choice), then the doctors. `loads` is
    workers() over everyone the supervisor may see: `load` is the people each follows today, NA for those it
    does not count (doctors)."""
    staff = teams.staff(con, scope)
    community = staff.loc[staff["staff_id"] == staff_id, "community_id"]
    found = staff[staff["role"].isin(["grid_worker", "doctor"]) & (staff["staff_id"] != staff_id)]
    if not community.empty:
        found = found[found["community_id"] == int(community.iloc[0])]
    followed = dict(zip(loads["staff_id"].astype(int), loads["followed"].astype(int)))
    found = found.assign(load=pd.array([followed.get(int(s)) for s in found["staff_id"]], dtype="Int64"),
                         doctor=found["role"] == "doctor")
    found = found.assign(by_load=found["load"].fillna(0)).sort_values(["doctor", "by_load", "staff_id"])
    return found.drop(columns=["doctor", "by_load"]).reset_index(drop=True)
