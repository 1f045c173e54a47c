"""Demo data for the day-by-day work (issue 7), added after demo.generate's people and measures.

三包一 teams for every grid worker (one per 9 isolated people of their cells, shared/DOMAIN.md) with every
home-isolated flat dealt to them, the gate's record of each measure, the last days' twice-daily readings with a
few forgotten and a few fevers (and their alerts). Deterministic for a seed; all in SQL, so a million residents
add seconds, not minutes. Adds no control measures (the seed proportions stay as tested).
"""

from datetime import date, datetime, time, timedelta

import duckdb

from resilient.core import config, db, queries
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.coverage import volunteers as coverage
from resilient.daily.rules import DailySettings

CHECK_DAYS = 3   # days of readings before the demo's date


def seed(con: duckdb.DuckDBPyConnection, as_of: date, seed_value: int) -> dict[str, int]:
    """Fill teams, arrivals, checks and alerts for the whole demo street; returns row counts."""
    everything = Scope().params()
    settings = DailySettings()
    standard = coverage.CoverageSettings().team_standard_load
    with db.transaction(con):
        queries.fetch_all(con, "demo_daily_teams", **everything, as_of=as_of, standard=standard)
        queries.fetch_all(con, "demo_daily_team_households", **everything, as_of=as_of)
        queries.fetch_all(con, "demo_daily_arrivals", **everything, seed=seed_value)
        queries.fetch_all(con, "demo_daily_arrival_events")
        # Only readings already taken: a demo made (or tested) at 00:30 has no 08:00 reading yet, or the page
        # would offer a form for a check the database then refuses as already recorded.
        queries.fetch_all(con, "demo_daily_checks", **everything, as_of=as_of, days=CHECK_DAYS, seed=seed_value,
                          categories=list(settings.check_categories), now=config.now())
        queries.fetch_all(con, "demo_daily_alerts", as_of=as_of, fever_threshold=settings.fever_threshold)
    seed_health_codes(con, as_of)
    seed_disinfection(con, as_of, seed_value)
    return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # names are ours
            for table in ("team", "team_household", "arrival", "health_check", "fever_alert", "health_code",
                          "disinfection_area", "disinfection_mark")}


DEMO_OFFICE = User(0, "demo", "演示数据", "street_admin")
CODE_SHEET_STEP, CODE_SHEET_ROWS = 7, 200   # every 7th resident, at most 200 rows: a sheet a gate would bring


def _at(as_of: date, clock: time) -> datetime:
    """A moment of the demo's day, never after now (a demo made at 00:30 has no morning yet)."""
    return min(datetime.combine(as_of, clock), config.now())


def seed_health_codes(con: duckdb.DuckDBPyConnection, as_of: date) -> dict:
    """Codes for some of the demo's residents, through the sheet import as an office brings one: mostly green, a
    few yellow, one or two red (their alerts on the doctors' list)."""
    from resilient.edge import health_codes

    frame = queries.fetch_df(con, "demo_daily_code_sheet", **Scope().params(), step=CODE_SHEET_STEP,
                             most=CODE_SHEET_ROWS)
    frame["日期"] = as_of.isoformat()
    preview = health_codes.validate_sheet(con, DEMO_OFFICE, frame.astype(str), as_of)
    if not preview.ok:   # the demo's own sheet must read back whole; a problem here is a bug, said plainly
        raise RuntimeError(f"demo health-code sheet: {preview.problems[:3]}")
    return health_codes.commit_sheet(con, DEMO_OFFICE, preview, "demo_health_codes.xlsx", now=_at(as_of, time(9)))


def seed_disinfection(con: duckdb.DuckDBPyConnection, as_of: date, seed_value: int) -> int:
    """Public areas for every demo building, and yesterday's and this morning's first round marked done in most
    of them (none that would lie after now)."""
    from resilient.edge import disinfection

    made = disinfection.create_areas(con, DEMO_OFFICE, now=_at(as_of - timedelta(days=1), time(7)))
    with db.transaction(con):
        for day in (as_of - timedelta(days=1), as_of):
            queries.fetch_all(con, "demo_daily_disinfection_marks", day=day, now=config.now(), seed=seed_value,
                              done_at=datetime.combine(day, time(9, 30)))
    return made
