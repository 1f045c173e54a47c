"""Demo data for the day-by-day work (issue 7), added after demo.generate's people and measures.

三包一 teams for every grid worker (one per 9 isolated people of their cells, shared/DOMAIN.md) with every
home-isolated flat dealt to them, the gate's record of each measure, the last days' twice-daily readings with a
few forgotten and a few fevers (and their alerts). Deterministic for a seed; all in SQL, so a million residents
add seconds, not minutes. Adds no control measures (the seed proportions stay as tested).
"""

from datetime import date, datetime, time, timedelta

import duckdb
import numpy as np
import shapely

from geo import chinese_coords
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
    seed_cases(con, as_of)
    return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # names are ours
            for table in ("team", "team_household", "arrival", "health_check", "fever_alert")}


DEMO_CASE_SHARES = (0.0, 0.3, 0.6, 0.9)  # where among community 1's located buildings the cases live
DEMO_CASE_DAYS = (6, 4, 3, 1)          # days before the demo's date each was reported


def seed_cases(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, int]:
    """A short public case list for community 1, as the district publishes it (GCJ-02 points, one row with a
    compound name only, one from across the river), imported through the cases import; and a high-risk area
    around the first case's building. Deterministic; nothing after config.now()."""
    from resilient.edge import cases
    from resilient.imports.sheets import read_table

    actor = User(0, "demo", "演示数据", "street_admin", None)
    buildings = queries.fetch_df(con, "cases_buildings", **Scope().params(), community_id=1)
    located = buildings[buildings["wkt"].notna()].reset_index(drop=True)
    if len(located) < len(DEMO_CASE_SHARES):
        return {"cases": 0, "areas": 0}
    positions = [int(share * (len(located) - 1)) for share in DEMO_CASE_SHARES]
    rows = ["日期,病例号,分型,性别,年龄,市,区,居住地,经度,纬度"]
    kinds, sexes, ages = ("确诊", "无症状", "确诊", "无症状"), ("男", "女", "女", "男"), (46, 31, 67, 9)
    for n, (at, back) in enumerate(zip(positions, DEMO_CASE_DAYS)):
        point = shapely.from_wkt(located.iloc[at]["wkt"]).centroid
        lon, lat = chinese_coords.wgs84_to_gcj02_xy(np.array([[point.x, point.y]]))[0]
        where = f"{located.iloc[at]['compound']}{located.iloc[at]['name']}"
        coords = ("", "") if n == 1 else (f"{lon:.6f}", f"{lat:.6f}")
        rows.append(f"{as_of - timedelta(days=back)},2022-{n + 1:03d},{kinds[n]},{sexes[n]},{ages[n]},常州市,"
                    f"天宁区,{where if n != 1 else located.iloc[at]['compound']},{coords[0]},{coords[1]}")
    rows.append(f"{as_of - timedelta(days=2)},2022-005,确诊,男,52,常州市,新北区,某某花园,119.9200,31.8300")
    at = min(config.now(), datetime.combine(as_of, time(7, 30)))
    frame = read_table("\n".join(rows).encode(), "demo_cases.csv")
    preview = cases.validate_cases(con, actor, frame, 1, at.date(), "gcj02", "病例通报_demo.csv")
    if not preview.ok:
        return {"cases": 0, "areas": 0}
    done = cases.commit_cases(con, actor, preview, now=at)
    first = preview.rows[0].building_id
    areas = 0
    if first is not None:
        cases.create_risk_area(con, actor, 1, "高风险区（演示）", "high", as_of - timedelta(days=5),
                               building_ids=[first], buffer_m=40.0, source="区防控指挥部通告（演示）", now=at)
        areas = 1
    return {"cases": done["new"], "areas": areas}
