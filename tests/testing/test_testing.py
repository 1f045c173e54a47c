"""Mass testing: who is sampled how, the planner's input, the desk rules, concurrent desks, progress, results."""

import random
import threading
from datetime import datetime, timedelta

import pandas as pd
import pytest

from resilient.core import pg, queries, roles
from resilient.core.scope import Scope
from resilient.demo import database as demo_database
from resilient.testing import desk, plans, retests
from resilient.testing import rounds as testing
from resilient.testing.rounds import TestingError
from tests.conftest import TODAY
from tests.testing import demo_town as demo

pytestmark = pytest.mark.both_backends

START = datetime(2026, 11, 23, 6, 0)
WATCHED = ("testing_round", "sampling_site", "batch", "tube", "sample", "retest", "control_measure", "tube_measure",
           "measure_event", "audit_log")


@pytest.fixture
def town(con):
    """A fresh demo community with its accounts and one round with one site (tests here write)."""
    demo.generate(con, residents=3_000, seed=23, as_of=TODAY)
    users = {u.username: u for u in demo_database.create_demo_accounts(con)}
    round_id = testing.create_round(con, users["admin"], 1, "全员核酸第1轮", TODAY, START, pool_size=10,
                                    now=START - timedelta(hours=1))
    site_id = testing.add_site(con, users["admin"], round_id, "中心广场", 119.95, 31.70, desks=4)
    return con, users, round_id, site_id


def scope_of(con, user):
    return roles.scope_for(con, user, TODAY)


def fingerprint(con) -> dict:
    """Row count and a hash of every row of the tables a testing write could touch."""
    row_hash = "hash(t)"
    if pg.is_postgres(con):  # DuckDB's hash of a row: the first 60 bits of the md5 of its text
        row_hash = "('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint"
    return {table: con.execute(f"SELECT count(*), coalesce(sum({row_hash}), 0) FROM {table} t").fetchone()
            for table in WATCHED}


def site_people(con, users, round_id, n=None, stairwell_id=None):
    people = testing.eligible_people(con, scope_of(con, users["admin"]), round_id, TODAY)
    people = people[people["mode"] == "site"]
    if stairwell_id is not None:
        people = people[people["stairwell_id"] == stairwell_id]
    ids = [int(r) for r in people["resident_id"]]
    return ids if n is None else ids[:n]


def desk_connection(con):
    """A desk's own connection, as a session of the app has one: on DuckDB a cursor; on PostgreSQL a lending
    connection, which holds one of the pool's 8 connections only while it works (a plain cursor holds one until
    closed, so 16 desks at once would wait on the pool forever)."""
    if pg.is_postgres(con):
        return pg.connect(con.url, lending=True)
    return con.cursor()


def refused(code, call, *args, **kwargs) -> TestingError:
    with pytest.raises(TestingError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code
    return caught.value


def test_round_and_site_are_stored_with_their_audit(town):
    con, users, round_id, site_id = town
    sites = testing.sites_frame(con, round_id)
    assert list(sites.columns) == ["site_id", "name", "lon", "lat", "desks", "swabs_per_desk_hour", "opens",
                                   "closes"]
    assert sites.iloc[0]["swabs_per_desk_hour"] == 120 and sites.iloc[0]["desks"] == 4
    at_building = testing.add_site(con, users["admin"], round_id, "1栋门口", None, None, desks=2, building_id=1)
    centre = con.execute("SELECT ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom)) FROM building "
                         "WHERE building_id = 1").fetchone()
    row = testing.sites_frame(con, round_id).set_index("site_id").loc[at_building]
    assert (row["lon"], row["lat"]) == pytest.approx(centre)
    actions = [r[0] for r in con.execute("SELECT action FROM audit_log ORDER BY audit_id").fetchall()]
    assert actions.count("testing_round_created") == 1 and actions.count("testing_site_added") == 2
    refused("testing.error.pool_size", testing.create_round, con, users["admin"], 1, "x", TODAY, START, pool_size=7,
            now=START)
    refused("testing.error.not_allowed", testing.create_round, con, users["viewer"], 1, "x", TODAY, START, now=START)


def test_exclusion_and_door_to_door_rules(town):
    con, users, round_id, _ = town
    people = testing.eligible_people(con, scope_of(con, users["admin"]), round_id, TODAY).set_index("resident_id")
    away = {r[0] for r in con.execute("""
        SELECT resident_id FROM control_measure
        WHERE category IN ('centralised_quarantine', 'medical_observation')
          AND active_on(start_date, released_at, $d)""", {"d": TODAY}).fetchall()}
    bedridden = {r[0] for r in con.execute("SELECT resident_id FROM resident WHERE bedridden").fetchall()}
    assert away and bedridden - away
    assert len(people) == con.execute("SELECT count(*) FROM resident").fetchone()[0]
    assert set(people.index[people["excluded"]]) == away
    assert set(people.loc[people["excluded"], "reason"]) == {"centralised"}
    assert set(people.index[people["door_to_door"]]) == bedridden - away
    assert (people.loc[people["mode"] == "site", "reason"].isna()).all()
    # Released from centralised quarantine yesterday: sampled again like everyone.
    one = sorted(away)[0]
    con.execute("UPDATE control_measure SET released_at = $t WHERE resident_id = $r",
                {"t": datetime(2026, 11, 22, 9), "r": one})
    again = testing.eligible_people(con, scope_of(con, users["admin"]), round_id, TODAY).set_index("resident_id")
    assert again.loc[one, "mode"] in ("site", "door_to_door")
    # Names and phones come back masked.
    assert people["name"].str.contains(r"\*").all()


def test_stairwell_load_sums_to_the_people_at_sites(town):
    con, users, round_id, _ = town
    scope = scope_of(con, users["admin"])
    load = testing.stairwell_load(con, scope, round_id, TODAY)
    assert list(load.columns) == ["stairwell_id", "building_id", "lon", "lat", "people"]
    people = testing.eligible_people(con, scope, round_id, TODAY)
    at_site = people[people["mode"] == "site"]
    assert load["people"].sum() == len(at_site)
    assert load.set_index("stairwell_id")["people"].to_dict() == at_site.groupby("stairwell_id").size().to_dict()
    assert load[["lon", "lat"]].notna().all().all()
    # A stairwell without its own shape stands at its building's centroid.
    first = int(load.iloc[0]["stairwell_id"])
    con.execute("UPDATE stairwell SET geom = NULL WHERE stairwell_id = $s", {"s": first})
    moved = testing.stairwell_load(con, scope, round_id, TODAY).set_index("stairwell_id").loc[first]
    centre = con.execute("SELECT ST_X(ST_Centroid(b.geom)), ST_Y(ST_Centroid(b.geom)) FROM building b "
                         "JOIN stairwell s USING (building_id) WHERE s.stairwell_id = $s", {"s": first}).fetchone()
    assert (moved["lon"], moved["lat"]) == pytest.approx(centre)
    # A grid worker's load covers only their grid cells.
    grid = testing.stairwell_load(con, scope_of(con, users["grid1"]), round_id, TODAY)
    assert 0 < grid["people"].sum() < load["people"].sum()


def test_save_plan_replaces_the_rounds_batches(town):
    con, users, round_id, site_id = town
    load = testing.stairwell_load(con, scope_of(con, users["admin"]), round_id, TODAY).head(4)
    batches = pd.DataFrame({"stairwell_id": load["stairwell_id"], "site_id": site_id, "group_no": [1, 1, 2, 2],
                            "people": [20, 20, 15, 10],
                            "slot_start": [START, START, START + timedelta(minutes=20), START + timedelta(minutes=20)],
                            "slot_end": [START + timedelta(minutes=20)] * 2 + [START + timedelta(minutes=40)] * 2,
                            "walk_m": [100.0, 120.0, 90.0, 80.0]})
    assert plans.save_plan(con, users["admin"], round_id, batches) == 4
    assert plans.save_plan(con, users["admin"], round_id, batches.head(2)) == 2
    assert len(testing.batches_frame(con, round_id)) == 2
    planned = plans.planned_over_time(con, scope_of(con, users["admin"]), round_id)
    assert planned["planned"].tolist() == [40] and planned["cumulative"].tolist() == [40]
    before = fingerprint(con)
    refused("testing.error.plan_site", plans.save_plan, con, users["admin"], round_id,
            batches.assign(site_id=site_id + 99))
    assert fingerprint(con) == before


def test_the_planner_reads_the_load_and_its_plan_is_stored(town):
    from resilient.testing import planner

    con, users, round_id, site_id = town
    testing.add_site(con, users["admin"], round_id, "1栋门口", None, None, desks=2, building_id=1)
    load = testing.stairwell_load(con, scope_of(con, users["admin"]), round_id, TODAY)
    plan = planner.plan_round(load, testing.sites_frame(con, round_id), START)
    assert plans.save_plan(con, users["admin"], round_id, plan.batches) == len(plan.batches)
    stored = testing.batches_frame(con, round_id)
    assert stored["people"].sum() == load["people"].sum()
    assert set(stored["stairwell_id"]) == set(load["stairwell_id"])
    planned = plans.planned_over_time(con, scope_of(con, users["admin"]), round_id)
    assert planned["cumulative"].iloc[-1] == load["people"].sum()


def test_find_people_by_room_phone_tail_and_code(town):
    con, users, round_id, site_id = town
    scope = scope_of(con, users["admin"])
    row = con.execute("""
        SELECT r.resident_id, b.name, s.unit_no, h.room, r.phone, r.name FROM resident r
        JOIN household h USING (household_id) JOIN stairwell s USING (stairwell_id)
        JOIN building b USING (building_id) WHERE r.phone IS NOT NULL ORDER BY r.resident_id DESC LIMIT 1""").fetchone()
    rid, building, unit, room, phone, name = row
    by_room = desk.find_people(con, scope, round_id, f"{building.rstrip('栋')}-{unit}-{room}", TODAY)
    assert rid in set(by_room["resident_id"])
    assert rid in set(desk.find_people(con, scope, round_id, phone[-5:], TODAY)["resident_id"])
    by_code = desk.find_people(con, scope, round_id, f"R{rid}", TODAY)
    assert by_code["resident_id"].tolist() == [rid]
    assert by_code.iloc[0]["phone"] == phone[:3] + "****" + phone[-4:] and by_code.iloc[0]["name"] != name
    assert not by_code.iloc[0]["sampled"]
    desk.open_tube(con, users["admin"], round_id, "A001", site_id)
    desk.add_sample(con, users["admin"], round_id, "A001", rid, site_id)
    found = desk.find_people(con, scope, round_id, f"R{rid}", TODAY).iloc[0]
    assert found["sampled"] and found["tube_code"] == "A001"
    refused("testing.error.bad_query", desk.find_people, con, scope, round_id, "hello", TODAY)
    # Outside the viewer's scope nobody is found.
    assert desk.find_people(con, scope_of(con, users["viewer"]), round_id, f"R{rid}", TODAY).empty


def test_every_recording_rule_refuses_and_changes_nothing(town):
    con, users, round_id, site_id = town
    admin = users["admin"]
    people = site_people(con, users, round_id)
    tube = desk.open_tube(con, admin, round_id, "B001", site_id)
    assert tube["capacity"] == 10 and tube["samples"] == 0
    refused("testing.error.tube_exists", desk.open_tube, con, admin, round_id, "B001", site_id)
    first = datetime(2026, 11, 23, 7, 5)
    for k, rid in enumerate(people[:10]):
        desk.add_sample(con, admin, round_id, "B001", rid, site_id, taken_at=first + timedelta(minutes=k))
    desk.open_tube(con, admin, round_id, "B002", site_id)
    desk.open_tube(con, admin, round_id, "B003", site_id)
    desk.close_tube(con, admin, round_id, "B003")

    volunteer = users["volunteer"]
    theirs = {r[0] for r in con.execute("""
        SELECT r.resident_id FROM resident r JOIN volunteer_assignment a USING (household_id)
        WHERE a.volunteer_id = $v""", {"v": volunteer.volunteer_id}).fetchall()}
    stranger = next(r for r in people if r not in theirs)

    before = fingerprint(con)
    double = refused("testing.error.already_sampled", desk.add_sample, con, admin, round_id, "B002", people[0],
                     site_id)
    assert double.values == {"at": first, "tube": "B001"}
    refused("testing.error.tube_full", desk.add_sample, con, admin, round_id, "B001", people[10], site_id)
    refused("testing.error.tube_closed", desk.add_sample, con, admin, round_id, "B003", people[10], site_id)
    refused("testing.error.tube_unknown", desk.add_sample, con, admin, round_id, "NOPE", people[10], site_id)
    refused("testing.error.not_in_community", desk.add_sample, con, admin, round_id, "B002", 10**7, site_id)
    refused("testing.error.out_of_scope", desk.add_sample, con, volunteer, round_id, "B002", stranger, site_id)
    refused("testing.error.not_allowed", desk.add_sample, con, users["viewer"], round_id, "B002", people[10],
            site_id)
    refused("testing.error.tube_closed", desk.close_tube, con, admin, round_id, "B003")
    refused("testing.error.tube_exists", desk.open_tube, con, admin, round_id, "B003", site_id)
    assert fingerprint(con) == before


def test_a_resident_of_another_community_is_refused(town):
    con, users, round_id, site_id = town
    con.execute("INSERT INTO community VALUES (2, '别的社区', NULL, NULL)")
    con.execute("INSERT INTO compound VALUES (99, 2, '外苑')")
    con.execute("INSERT INTO building (building_id, compound_id, name) VALUES (999, 99, '1栋')")
    con.execute("INSERT INTO stairwell (stairwell_id, building_id, unit_no) VALUES (9999, 999, 1)")
    con.execute("INSERT INTO household VALUES (99999, 9999, 1, '101')")
    con.execute("INSERT INTO resident (resident_id, household_id, name) VALUES (999999, 99999, '外人')")
    desk.open_tube(con, users["admin"], round_id, "C001", site_id)
    before = fingerprint(con)
    refused("testing.error.not_in_community", desk.add_sample, con, users["admin"], round_id, "C001", 999999,
            site_id)
    assert fingerprint(con) == before
    assert 999999 not in set(testing.eligible_people(con, Scope(), round_id, TODAY)["resident_id"])


def test_household_tubes_hold_one_flat(town):
    con, users, _, _ = town
    admin = users["admin"]
    round_id = testing.create_round(con, admin, 1, "封闭小区", TODAY, START, pool_size=5, household_tubes=True,
                                    now=START)
    site_id = testing.add_site(con, admin, round_id, "1栋", 119.95, 31.70, desks=1)
    homes = con.execute("""SELECT household_id, list(resident_id ORDER BY resident_id) FROM resident
                           GROUP BY household_id HAVING count(*) >= 2 ORDER BY household_id LIMIT 2""").fetchall()
    desk.open_tube(con, admin, round_id, "H1", site_id)
    for rid in homes[0][1]:
        desk.add_sample(con, admin, round_id, "H1", rid, site_id)
    before = fingerprint(con)
    refused("testing.error.other_household", desk.add_sample, con, admin, round_id, "H1", homes[1][1][0], site_id)
    assert fingerprint(con) == before


def test_concurrent_desks_lose_nothing_and_count_nothing_twice(town):
    """16 desks at once: own tubes, one shared tube filled past capacity, the same person scanned at two desks."""
    con, users, round_id, site_id = town
    admin = users["admin"]
    desks = 16
    people = site_people(con, users, round_id)
    own = {k: people[k * 8:(k + 1) * 8] for k in range(desks)}
    shared = people[desks * 8:desks * 8 + desks]
    doubles = people[desks * 9:desks * 9 + desks // 2]
    for k in range(desks):
        desk.open_tube(con, admin, round_id, f"D{k:02d}", site_id)
    desk.open_tube(con, admin, round_id, "SHARED", site_id)
    tasks = {k: [(f"D{k:02d}", rid) for rid in own[k]] + [("SHARED", shared[k]), (f"D{k:02d}", doubles[k // 2])]
             for k in range(desks)}
    for k in tasks:
        random.Random(k).shuffle(tasks[k])
    outcomes, failures = [], []
    start = threading.Barrier(desks, timeout=120)  # a desk that never comes fails the test, not hangs it

    def one_desk(k):
        cursor = desk_connection(con)
        start.wait()
        try:  # every desk opens the same new tube at once: one gets it, the others are told it exists
            desk.open_tube(cursor, admin, round_id, "RACE", site_id)
            outcomes.append(("opened", "RACE", None))
        except TestingError as error:
            outcomes.append((error.code, "RACE", None))
        for code, rid in tasks[k]:
            try:
                desk.add_sample(cursor, admin, round_id, code, rid, site_id)
                outcomes.append(("ok", code, rid))
            except TestingError as error:
                outcomes.append((error.code, code, rid))
            except Exception as error:  # noqa: BLE001 - any other error is the failure this test looks for
                failures.append(repr(error))
        cursor.close()

    threads = [threading.Thread(target=one_desk, args=(k,)) for k in range(desks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    codes = pd.Series([o[0] for o in outcomes]).value_counts().to_dict()
    assert codes == {"ok": desks * 8 + 10 + desks // 2, "testing.error.tube_full": desks - 10,
                     "testing.error.already_sampled": desks // 2, "opened": 1, "testing.error.tube_exists": desks - 1}
    outcomes = [o for o in outcomes if o[1] != "RACE"]
    samples = con.execute("SELECT resident_id, tube_id FROM sample WHERE round_id = $r", {"r": round_id}).df()
    assert len(samples) == desks * 8 + 10 + desks // 2
    assert samples["resident_id"].is_unique
    assert set(samples["resident_id"]) == {o[2] for o in outcomes if o[0] == "ok"}
    tubes = con.execute("""SELECT t.code, t.samples, count(s.sample_id) AS counted FROM tube t
                           LEFT JOIN sample s USING (tube_id) WHERE t.round_id = $r GROUP BY t.code, t.samples""",
                        {"r": round_id}).df().set_index("code")
    assert (tubes["samples"] == tubes["counted"]).all()
    assert tubes.loc["SHARED", "samples"] == 10
    assert set(doubles) <= set(samples["resident_id"])
    audited = con.execute("SELECT count(*) FROM audit_log WHERE action = 'sample_taken'").fetchone()[0]
    assert audited == len(samples)


def test_retry_helper_turns_conflicts_into_a_retry(con):
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise testing.duckdb.TransactionException("Conflict on update!")
        return "done"
    assert testing.retrying(con, flaky) == "done" and len(calls) == 3
    with pytest.raises(TestingError, match="busy"):
        testing.retrying(con, lambda: (_ for _ in ()).throw(testing.duckdb.TransactionException("x")), attempts=2)


def test_progress_and_the_list_of_people_not_yet_sampled(town):
    con, users, round_id, site_id = town
    admin = users["admin"]
    scope = scope_of(con, admin)
    people = testing.eligible_people(con, scope, round_id, TODAY)
    stairwell = int(people.groupby("stairwell_id").size().idxmax())
    mine = people[(people["stairwell_id"] == stairwell) & (people["mode"] == "site")]["resident_id"].tolist()
    desk.open_tube(con, admin, round_id, "P001", site_id)
    desk.open_tube(con, admin, round_id, "P002", site_id)
    sampled = mine[:7]
    for k, rid in enumerate(sampled):
        desk.add_sample(con, admin, round_id, "P001" if k < 5 else "P002", int(rid), site_id,
                           taken_at=datetime(2026, 11, 23, 7, 0) + timedelta(minutes=10 * k))
    progress = testing.progress_by_stairwell(con, scope, round_id, TODAY)
    assert list(progress.columns) == ["stairwell_id", "building_id", "expected", "sampled", "share", "geojson"]
    row = progress.set_index("stairwell_id").loc[stairwell]
    expected = int(((people["stairwell_id"] == stairwell) & ~people["excluded"]).sum())
    assert (row["expected"], row["sampled"]) == (expected, 7)
    assert row["share"] == pytest.approx(7 / expected, abs=1e-4)
    assert progress["sampled"].sum() == 7 and progress["expected"].sum() == int((~people["excluded"]).sum())

    waiting = testing.not_yet_sampled(con, scope, round_id, stairwell, TODAY)
    assert list(waiting.columns) == ["resident_id", "unit_no", "floor", "room", "name", "phone", "door_to_door"]
    assert len(waiting) == expected - 7 and not set(waiting["resident_id"]) & set(sampled)
    assert waiting["name"].str.contains(r"\*").all()
    # Personal rows obey the scope: a viewer sees none, a doctor only people under a measure.
    assert testing.not_yet_sampled(con, scope_of(con, users["viewer"]), round_id, stairwell, TODAY).empty
    under = {r[0] for r in con.execute("SELECT resident_id FROM control_measure WHERE active_on(start_date, "
                                       "released_at, $d)", {"d": TODAY}).fetchall()}
    doctor = testing.not_yet_sampled(con, scope_of(con, users["doctor"]), round_id, stairwell, TODAY)
    assert set(doctor["resident_id"]) <= under

    curve = testing.samples_over_time(con, scope, round_id)
    assert list(curve.columns) == ["bin_start", "samples", "cumulative"]
    assert curve["samples"].tolist() == [2, 1, 2, 1, 1] and curve["cumulative"].iloc[-1] == 7
    assert curve["bin_start"].iloc[0] == pd.Timestamp(2026, 11, 23, 7, 0)

    plans.save_plan(con, admin, round_id, pd.DataFrame({
        "stairwell_id": [stairwell, stairwell], "site_id": site_id, "group_no": [1, 2], "people": [20, 5],
        "slot_start": [datetime(2026, 11, 23, 7, 0), datetime(2026, 11, 23, 7, 45)],
        "slot_end": [datetime(2026, 11, 23, 7, 20), datetime(2026, 11, 23, 8, 5)]}))
    planned = plans.planned_over_time(con, scope_of(con, users["admin"]), round_id)
    assert planned["planned"].tolist() == [20, 0, 0, 5] and planned["cumulative"].tolist() == [20, 20, 20, 25]
    queue = testing.site_queues(con, round_id, datetime(2026, 11, 23, 8, 0)).iloc[0]
    assert (queue["groups_due"], queue["people_due"], queue["open_tubes"]) == (1, 5, 2)
    assert queue["sampled_30min"] == 3  # 7:40, 7:50, 8:00 (7:30 is exactly 30 minutes before)


def positive_tube(con, users, round_id, site_id, n=4):
    admin = users["admin"]
    people = site_people(con, users, round_id, n)
    desk.open_tube(con, admin, round_id, "POS1", site_id)
    for rid in people:
        desk.add_sample(con, admin, round_id, "POS1", rid, site_id)
    desk.close_tube(con, admin, round_id, "POS1")
    testing.record_result(con, admin, round_id, "POS1", "positive")
    return people


def test_trace_back_of_a_positive_tube(town):
    con, users, round_id, site_id = town
    people = positive_tube(con, users, round_id, site_id)
    trace = testing.trace_tube(con, scope_of(con, users["admin"]), round_id, "POS1", TODAY)
    assert list(trace.columns) == ["resident_id", "name", "phone", "household_id", "stairwell_id", "building_id",
                                   "compound", "building", "unit_no", "room", "taken_at", "site_id"]
    assert sorted(trace["resident_id"]) == sorted(people)
    truth = con.execute("""SELECT r.resident_id, r.household_id, h.stairwell_id, s.building_id FROM resident r
                           JOIN household h USING (household_id) JOIN stairwell s USING (stairwell_id)
                           WHERE list_contains($ids, r.resident_id)""", {"ids": people}).df()
    merged = trace.merge(truth, on="resident_id", suffixes=("", "_truth"))
    for column in ("household_id", "stairwell_id", "building_id"):
        assert (merged[column] == merged[f"{column}_truth"]).all()
    assert trace["name"].str.contains(r"\*").all()
    assert testing.trace_tube(con, scope_of(con, users["viewer"]), round_id, "POS1", TODAY).empty


def test_act_on_positive_isolates_households_and_lists_retests_once(town):
    con, users, round_id, site_id = town
    people = positive_tube(con, users, round_id, site_id)
    housemates = {r[0] for r in con.execute("""
        SELECT resident_id FROM resident WHERE household_id IN (
            SELECT household_id FROM resident WHERE list_contains($ids, resident_id))""", {"ids": people}).fetchall()}
    already = {r[0] for r in con.execute("""SELECT resident_id FROM control_measure
        WHERE list_contains($ids, resident_id) AND active_on(start_date, released_at, $d)""",
                                         {"ids": sorted(housemates), "d": TODAY}).fetchall()}
    measures_before = con.execute("SELECT count(*) FROM control_measure").fetchone()[0]
    counts = retests.act_on_positive(con, users["leader"], round_id, "POS1", TODAY)
    assert counts == {"households": len({p for p in con.execute(
        "SELECT household_id FROM resident WHERE list_contains($ids, resident_id)", {"ids": people}).fetchall()}),
        "people": len(housemates), "measures": len(housemates - already),
        "already_under_measure": len(already), "retests": len(people)}
    new = con.execute("SELECT resident_id, category, origin, start_date, planned_end FROM control_measure "
                      "WHERE measure_id > $n", {"n": measures_before}).df()
    assert set(new["resident_id"]) == housemates - already
    assert set(new["category"]) == {"home_isolation"} and set(new["origin"]) == {"close_contact"}
    assert (new["start_date"].dt.date == TODAY).all()
    assert (new["planned_end"].dt.date == TODAY + timedelta(days=14)).all()
    listed = retests.retest_list(con, scope_of(con, users["admin"]), round_id, TODAY)
    assert sorted(listed["resident_id"]) == sorted(people)
    assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'positive_tube_acted_on'").fetchone()[0] == 1

    before = fingerprint(con)
    again = retests.act_on_positive(con, users["leader"], round_id, "POS1", TODAY)
    assert again["measures"] == 0 and again["retests"] == 0
    after = fingerprint(con)
    assert {k: v for k, v in after.items() if k != "audit_log"} == {k: v for k, v in before.items()
                                                                      if k != "audit_log"}


def test_act_on_positive_is_all_or_nothing(town, monkeypatch):
    con, users, round_id, site_id = town
    positive_tube(con, users, round_id, site_id)
    before = fingerprint(con)
    real = queries.fetch_all

    def failing(connection, name, **params):
        if name == "retest_insert":  # after the measures were written in the same transaction
            raise RuntimeError("disk full")
        return real(connection, name, **params)
    monkeypatch.setattr(queries, "fetch_all", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        retests.act_on_positive(con, users["admin"], round_id, "POS1", TODAY)
    monkeypatch.setattr(queries, "fetch_all", real)
    assert fingerprint(con) == before
    refused("testing.error.not_allowed", retests.act_on_positive, con, users["viewer"], round_id, "POS1", TODAY)


def test_act_on_positive_needs_a_positive_tube(town):
    con, users, round_id, site_id = town
    desk.open_tube(con, users["admin"], round_id, "NEG1", site_id)
    desk.add_sample(con, users["admin"], round_id, "NEG1", site_people(con, users, round_id, 1)[0], site_id)
    refused("testing.error.tube_open", testing.record_result, con, users["admin"], round_id, "NEG1", "negative")
    desk.close_tube(con, users["admin"], round_id, "NEG1")
    assert testing.record_result(con, users["admin"], round_id, "NEG1", "阴性") is True
    assert testing.record_result(con, users["admin"], round_id, "NEG1", "negative") is False
    before = fingerprint(con)
    refused("testing.error.result_exists", testing.record_result, con, users["admin"], round_id, "NEG1", "positive")
    refused("testing.error.not_positive", retests.act_on_positive, con, users["admin"], round_id, "NEG1", TODAY)
    assert fingerprint(con) == before


def test_lab_import_is_all_or_nothing_with_problems_by_row(town):
    con, users, round_id, site_id = town
    admin = users["admin"]
    people = site_people(con, users, round_id, 6)
    for k, code in enumerate(["L1", "L2", "L3"]):
        desk.open_tube(con, admin, round_id, code, site_id)
        desk.add_sample(con, admin, round_id, code, people[2 * k], site_id)
        desk.add_sample(con, admin, round_id, code, people[2 * k + 1], site_id)
        if code != "L3":
            desk.close_tube(con, admin, round_id, code)
    before = fingerprint(con)
    bad = pd.DataFrame({"code": ["L1", "L2", "X9", "L3", "L1"],
                        "result": ["阴性", "阳性", "negative", "negative", "maybe"]})
    error = refused("testing.error.import_problems", testing.import_lab_results, con, admin, round_id, bad)
    assert error.values["problems"] == [
        {"row": 3, "code": "X9", "problem": "testing.error.tube_unknown"},
        {"row": 4, "code": "L3", "problem": "testing.error.tube_open"},
        {"row": 5, "code": "L1", "problem": "testing.error.bad_result"}]
    twice = pd.DataFrame({"code": ["L1", "L1"], "result": ["negative", "positive"]})
    error = refused("testing.error.import_problems", testing.import_lab_results, con, admin, round_id, twice)
    assert error.values["problems"] == [{"row": 2, "code": "L1", "problem": "testing.error.result_twice"}]
    assert fingerprint(con) == before

    good = pd.DataFrame({"code": ["L1", "L2"], "result": ["阴性", "阳性"]})
    assert testing.import_lab_results(con, admin, round_id, good) == {
        "rows": 2, "recorded": 2, "unchanged": 0, "positive": ["L2"]}
    results = dict(con.execute("SELECT code, result FROM tube WHERE round_id = $r", {"r": round_id}).fetchall())
    assert results == {"L1": "negative", "L2": "positive", "L3": None}
    again = testing.import_lab_results(con, admin, round_id, good)
    assert again["recorded"] == 0 and again["unchanged"] == 2


def test_every_error_code_has_both_languages():
    import re
    from pathlib import Path

    from resilient.core.i18n import texts

    source = "".join(Path(m.__file__).read_text(encoding="utf-8") for m in (testing, plans))
    used = set(re.findall(r'"(testing\.error\.[a-z_]+)"', source))
    zh, en = texts("zh"), texts("en")
    assert used and used <= set(zh) and used <= set(en)
    assert zh.keys() == en.keys()
    for key in zh:
        assert all(zh[key]) and all(en[key]), key


def test_closing_a_tube_while_desks_fill_it_keeps_its_count_exact(town):
    con, users, round_id, site_id = town
    admin = users["admin"]
    desk.open_tube(con, admin, round_id, "RACE", site_id)
    people = site_people(con, users, round_id, 12)
    start = threading.Barrier(len(people) + 1, timeout=120)
    outcomes, failures = [], []

    def one_desk(action):
        cursor = desk_connection(con)
        start.wait()
        try:
            action(cursor)
            outcomes.append("ok")
        except TestingError as error:
            outcomes.append(error.code)
        except Exception as error:  # noqa: BLE001 - any other error is the failure this test looks for
            failures.append(repr(error))
        cursor.close()

    actions = [lambda c, r=rid: desk.add_sample(c, admin, round_id, "RACE", r, site_id) for rid in people]
    actions.append(lambda c: desk.close_tube(c, admin, round_id, "RACE"))
    threads = [threading.Thread(target=one_desk, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert set(outcomes) <= {"ok", "testing.error.tube_closed", "testing.error.tube_full"}
    counted, stored, closed = con.execute("""SELECT count(s.sample_id), max(t.samples), max(t.closed_at)
        FROM tube t LEFT JOIN sample s USING (tube_id) WHERE t.code = 'RACE'""").fetchone()
    assert counted == stored == outcomes.count("ok") - 1 <= 10 and closed is not None


def test_estimated_finish_follows_the_last_half_hour():
    from datetime import datetime

    now = datetime(2026, 11, 23, 10, 0)
    bins = pd.DataFrame({"bin_start": pd.to_datetime(["2026-11-23 09:00", "2026-11-23 09:30", "2026-11-23 09:45"]),
                         "samples": [999, 30, 30]})
    # 60 samples in the last 30 minutes: 2 a minute; 120 left: one hour.
    assert testing.estimated_finish(1_000, 880, bins, now) == datetime(2026, 11, 23, 11, 0)
    assert testing.estimated_finish(1_000, 1_000, bins, now) == now
    assert testing.estimated_finish(1_000, 10, bins.iloc[:1], now) is None  # no pace lately
