"""Demo data for the day-by-day work (issue 7), added after demo.generate's people and measures.

三包一 teams for every grid worker (one per 9 isolated people of their cells, shared/DOMAIN.md) with every
home-isolated flat dealt to them, the gate's record of each measure, the last days' twice-daily readings with a
few forgotten and a few fevers (and their alerts). Deterministic for a seed; all in SQL, so a million residents
add seconds, not minutes. Adds no control measures (the seed proportions stay as tested).
"""

from datetime import date

import duckdb

from resilient.core import config, db, queries
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
        seed_gates(con, as_of, seed_value)
    return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # names are ours
            for table in ("team", "team_household", "arrival", "health_check", "fever_alert", "gate", "gate_pass",
                          "pass_movement", "arrival_visit")}


def seed_gates(con: duckdb.DuckDBPyConnection, as_of: date, seed_value: int) -> None:
    """Two gates a compound, a pass for every flat free to go out (vehicles for a few), the morning's movements
    and the visits of arrivals before the demo's day; inside the caller's transaction, nothing after now."""
    from resilient.edge.passes import SETTINGS

    everything = Scope().params()
    now = config.now()
    queries.fetch_all(con, "demo_passes_gates", **everything)
    queries.fetch_all(con, "demo_passes_person", **everything, as_of=as_of, seed=seed_value,
                      categories=list(SETTINGS.no_pass_categories))
    queries.fetch_all(con, "demo_passes_vehicle", **everything, seed=seed_value)
    queries.fetch_all(con, "demo_passes_movements", **everything, as_of=as_of, seed=seed_value, now=now)
    queries.fetch_all(con, "demo_passes_visits", **everything, as_of=as_of, seed=seed_value, now=now)
