"""Demo data for the day-by-day work (issue 7), added after demo.generate's people and measures.

三包一 teams for every grid worker (one per 9 isolated people of their cells, shared/DOMAIN.md) with every
home-isolated flat dealt to them, the gate's record of each measure, the last days' twice-daily readings with a
few forgotten and a few fevers (and their alerts). Deterministic for a seed; all in SQL, so a million residents
add seconds, not minutes. Adds no control measures (the seed proportions stay as tested).
"""

from datetime import date, datetime, time, timedelta

import duckdb
import numpy as np
import pandas as pd
import shapely

from geo import chinese_coords
from resilient.core import config, db, queries
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.coverage import volunteers as coverage
from resilient.daily.rules import DailySettings
from resilient.supplies import pickup

CHECK_DAYS = 3   # days of readings before the demo's date
# Who the audit log names for the demo's pick-up plan: the street office that drew it up on the first morning.
DEMO_PICKUP = User(0, "demo-pickup", "演示数据（取货点方案）", "street_admin")


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
        seed_support(con, as_of)
        seed_gates(con, as_of, seed_value)
    seed_store(con, as_of)
    seed_requests(con, as_of, seed_value)
    seed_pickup(con)
    seed_health_codes(con, as_of)
    seed_disinfection(con, as_of, seed_value)
    seed_cases(con, as_of)
    seed_firms(con, as_of)
    return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # names are ours
            for table in ("team", "team_household", "arrival", "health_check", "fever_alert", "pickup_point",
                          "health_code", "disinfection_area", "disinfection_mark", "gate", "gate_pass",
                          "pass_movement", "arrival_visit")}


def seed_support(con: duckdb.DuckDBPyConnection, as_of: date) -> None:
    """A referral list per community and a few support needs (one bereaved family, referred and followed up; a
    confirmed or suspected household visited; distress noticed yesterday, not yet followed up), the first two in
    flats of the demo volunteer, so every role's page has something to show. Nothing after config.now()."""
    everything = Scope().params()
    now = config.now()
    queries.fetch_all(con, "demo_daily_support_referrals", **everything)
    queries.fetch_all(con, "demo_daily_support_needs", **everything, as_of=as_of, now=now)
    queries.fetch_all(con, "demo_daily_support_care", **everything, now=now)
    queries.fetch_all(con, "demo_daily_support_follow_ups", **everything, as_of=as_of, now=now)
# The emergency store: what arrived on day one and what goes out each day (name, unit, kind, received, issued a
# day, to whom). Alcohol and thermometers go out fastest, so they end the week under 10 days of cover.
STORE_KEEPER = User(0, "demo-store", "演示数据（物资库）", "street_admin")
STORE_ITEMS = [("医用外科口罩", "只", "masks", 6000, 300, "team"),
               ("75%酒精", "瓶", "alcohol", 200, 20, "household"),
               ("含氯消毒片", "瓶", "disinfectant", 300, 12, "household"),
               ("电子体温计", "支", "thermometers", 150, 15, "household"),
               ("抗原检测试剂", "盒", "test_kits", 500, 8, "site"),
               ("生活物资包", "份", "food_packs", 400, 25, "volunteer")]
STORE_DAYS = 7   # receipts this many days before the demo's date, issues every day after, none on the day itself


def seed_store(con: duckdb.DuckDBPyConnection, as_of: date) -> int:
    """Each community's store through the store's own functions: items and receipts on day one, then each day's
    issues to the teams' households, the teams, the volunteers and a sampling site; nothing after config.now().
    Returns the movements written."""
    from resilient.daily import teams
    from resilient.places import places
    from resilient.supplies import store

    written, now = 0, config.now()
    first = datetime.combine(as_of - timedelta(days=STORE_DAYS), time(8, 0))
    if first > now:
        return 0
    for community_id in places.communities(con, Scope())["community_id"].astype(int):
        scope = Scope(community_ids=(community_id,))
        flats = teams.households(con, scope, as_of)
        receivers = {"household": [{"household_id": int(h)} for h in flats["household_id"]],
                     "team": [{"team_id": int(t)} for t in sorted(set(flats["team_id"]))],
                     "volunteer": [{"volunteer_id": int(v)}
                                   for v in store.volunteers(con, scope, community_id)["volunteer_id"]],
                     "site": [{"site": "东门核酸采样点"}]}
        for name, unit, kind, received, per_day, to in STORE_ITEMS:
            given = receivers[to] or receivers["site"]
            item_id = store.add_item(con, STORE_KEEPER, community_id, name, unit, kind, now=first)
            store.receive(con, STORE_KEEPER, item_id, received, note="区应急物资调拨", now=first)
            written += 1
            for day in range(STORE_DAYS):
                moment = first + timedelta(days=day, hours=2)
                halves = (per_day // 2, per_day - per_day // 2)
                for half, quantity in enumerate(halves):
                    at = moment + timedelta(hours=6 * half)
                    if at > now or not quantity:
                        continue
                    store.issue(con, STORE_KEEPER, item_id, quantity, now=at,
                                **given[(day * 2 + half) % len(given)])
                    written += 1
    return written
# The demo's requests from sealed households (issue 16): (hours before the demo's moment, kind, detail,
# prescription, the steps it went through as (status, hours after it was made)). Yesterday's are closed but two;
# this morning's are new, handed out, on the way; one medicine request lacks its prescription.
DEMO_REQUESTS = [
    (27, "food", "大米5斤、鸡蛋一盒", None, [("assigned", 1), ("on_the_way", 3), ("delivered", 4)]),
    (26, "medicine", "降压药", "硝苯地平缓释片 20mg，每日一次", [("assigned", 1), ("delivered", 5)]),
    (25, "parcel", "小区门口快递柜取件", None, [("assigned", 1), ("failed", 3)]),
    (24, "goods", "洗衣液、卫生纸", None, [("assigned", 2), ("delivered", 6)]),
    (20, "food", "青菜、面条", None, [("assigned", 1)]),
    (18, "other", "垃圾代扔", None, []),
    (5, "medicine", "胰岛素笔芯", None, [("assigned", 1)]),
    (4, "food", "牛奶两箱", None, [("assigned", 1), ("on_the_way", 2)]),
    (3, "goods", "口罩一包", None, [("assigned", 1)]),
    (2, "parcel", "顺丰快递", None, []),
    (1, "food", "馒头、咸菜", None, []),
    (0.5, "medicine", "感冒药", "连花清瘟胶囊 一盒", []),
]


def seed_requests(con: duckdb.DuckDBPyConnection, as_of: date, seed_value: int) -> int:
    """A sealed building's last day of requests, so the pages are not empty; none after config.now() (a demo
    made for an earlier day ends at 18:00 of it). The first ones go to the demo volunteer's own households."""
    from datetime import datetime, time, timedelta

    moment = min(config.now(), datetime.combine(as_of, time(18)))
    homes = queries.fetch_df(con, "demo_requests_households", **Scope().params(), as_of=as_of, seed=seed_value,
                             most=len(DEMO_REQUESTS))
    made = 0
    with db.transaction(con):
        for (hours, kind, detail, prescription, steps), home in zip(DEMO_REQUESTS, homes.itertuples()):
            at = moment - timedelta(hours=hours)
            request_id = queries.fetch_all(con, "requests_insert", household_id=int(home.household_id), kind=kind,
                                           detail=detail, prescription=prescription, at=at, by="grid1",
                                           source="hand")[0][0]
            queries.fetch_all(con, "requests_event_insert", request_id=request_id, status="new", volunteer_id=None,
                              note=None, at=at, by="grid1")
            volunteer = None if pd.isna(home.volunteer_id) else int(home.volunteer_id)
            for status, after in steps:
                when = at + timedelta(hours=after)
                if when > moment or volunteer is None:
                    break
                reason = "家中无人" if status == "failed" else None
                queries.fetch_all(con, "requests_move", request_id=request_id, status=status, reason=reason,
                                  volunteer_id=volunteer if status == "assigned" else None, at=when)
                queries.fetch_all(con, "requests_event_insert", request_id=request_id, status=status,
                                  volunteer_id=volunteer, note=reason, at=when,
                                  by="grid1" if status == "assigned" else "volunteer")
            made += 1
    return made


def seed_pickup(con: duckdb.DuckDBPyConnection) -> int:
    """Every demo community's suggested pick-up points saved as its plan (default walk and hours), so the map
    has points to show; the suggestion is exact, so the same street gives the same points. Returns the count."""
    plan = pickup.named(pickup.suggest(con, Scope()), "{place}门口取货点")
    if plan.empty:
        return 0
    return pickup.save(con, DEMO_PICKUP, Scope(), plan)["points"]


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


# The demo's firms (issue 17): shops and a restaurant in the first buildings, car dealerships and a school at
# their own points east of the compounds (Yongding held 42 dealerships and 5 schools, shared/DOMAIN.md).
DEMO_SHOPS = (("惠民便利店", "shop", "王建国", "13861200011", 3),
              ("老街面馆", "restaurant", "李师傅", "13861200012", 6),
              ("阳光药房", "shop", "周药师", "13861200013", 4))
DEMO_POINTS = (("常州一汽大众4S店", "car_dealership", 45), ("东方丰田4S店", "car_dealership", 38),
               ("新北比亚迪汽车城", "car_dealership", 27), ("永宁实验小学", "school", 86),
               ("恒信物流有限公司", "small_firm", 12))


def seed_firms(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, int]:
    """Eight firms of community 1 through the firms functions: most filed, some approved and reopened, pledges
    signed, one notice closed after its follow-up and one overdue. Deterministic; nothing after config.now()."""
    from resilient.edge import firms
    from resilient.edge.firms import NewFirm

    located = queries.fetch_df(con, "cases_buildings", **Scope().params(), community_id=1)
    located = located[located["wkt"].notna()].reset_index(drop=True)
    if len(located) < len(DEMO_SHOPS):
        return {"firms": 0}
    centres = [shapely.from_wkt(w).centroid for w in located["wkt"]]
    east, south = max(p.x for p in centres) + 0.002, min(p.y for p in centres)
    at = _at(as_of, time(8))
    day = at.date()
    ids = [firms.add_firm(con, DEMO_OFFICE, NewFirm(1, name, kind, building_id=int(located.iloc[n]["building_id"]),
                                                     contact_name=contact, contact_phone=phone, staff=staff), now=at)
           for n, (name, kind, contact, phone, staff) in enumerate(DEMO_SHOPS)]
    ids += [firms.add_firm(con, DEMO_OFFICE, NewFirm(1, name, kind, lon=round(east, 6),
                                                     lat=round(south + 0.0012 * n, 6), staff=staff), now=at)
            for n, (name, kind, staff) in enumerate(DEMO_POINTS)]
    for firm_id, back in zip(ids[:7], (9, 8, 8, 7, 6, 5, 2)):
        firms.file_reopening(con, DEMO_OFFICE, firm_id, day - timedelta(days=back), now=at)
    for firm_id in ids[:5]:
        firms.decide(con, DEMO_OFFICE, firm_id, approve=True, decided_on=day - timedelta(days=4), now=at)
        firms.sign_pledge(con, DEMO_OFFICE, firm_id, "负责人（演示）", day - timedelta(days=4), now=at)
    firms.decide(con, DEMO_OFFICE, ids[5], approve=False, why="防疫物资储备不足（演示）",
                 decided_on=day - timedelta(days=3), now=at)
    for firm_id in ids[:3]:
        firms.mark_reopened(con, DEMO_OFFICE, firm_id, day - timedelta(days=2), now=at)
    overdue = firms.issue_notice(con, DEMO_OFFICE, ids[3], "展厅未设测温点和扫码登记", day - timedelta(days=2),
                                 day - timedelta(days=6), now=at)
    firms.follow_up(con, DEMO_OFFICE, overdue, fixed=False, note="复查仍未整改（演示）",
                    checked_on=day - timedelta(days=1), now=at)
    fixed = firms.issue_notice(con, DEMO_OFFICE, ids[1], "后厨消毒记录不全", day - timedelta(days=3),
                               day - timedelta(days=6), now=at)
    firms.follow_up(con, DEMO_OFFICE, fixed, fixed=True, checked_on=day - timedelta(days=3), now=at)
    firms.issue_notice(con, DEMO_OFFICE, ids[6], "校门口分时段接送未落实", day + timedelta(days=3), now=at)
    return {"firms": len(ids)}

