"""The demo community: counts and proportions of shared/DOMAIN.md, integrity, geometry, determinism."""

from datetime import date, timedelta

import numpy as np
import pytest

from resilient.core import db, ids
from resilient.demo import database as demo_database
from resilient.demo import generator as demo
from resilient.ops import integrity
from tests.conftest import TODAY


def one(con, sql, params=None):
    return con.execute(sql, params or {}).fetchone()[0]


def test_counts_match_a_real_community(demo_db):
    con, counts = demo_db
    assert counts["residents"] == 15_000 == one(con, "SELECT count(*) FROM resident")
    assert counts["households"] == 6_750 == one(con, "SELECT count(*) FROM household")
    assert 80 <= counts["buildings"] <= 130
    assert one(con, "SELECT count(*) FROM compound") == 2
    roles = dict(con.execute("SELECT role, count(*) FROM staff GROUP BY role").fetchall())
    assert roles == {"grid_worker": 8, "doctor": 3, "police": 2}
    assert one(con, "SELECT count(*) FROM volunteer") == 72
    assert one(con, "SELECT count(*) FROM grid_cell WHERE grid_worker_id IS NOT NULL") == 8


def test_buildings_have_realistic_shape(demo_db):
    con, _ = demo_db
    floors = con.execute("SELECT min(floors), max(floors) FROM building").fetchone()
    assert 6 <= floors[0] and floors[1] <= 33
    units = con.execute("SELECT min(n), max(n) FROM (SELECT count(*) n FROM stairwell GROUP BY building_id)").fetchone()
    assert 2 <= units[0] and units[1] <= 6
    assert one(con, "SELECT count(*) FROM household h JOIN stairwell s USING (stairwell_id) "
                    "JOIN building b USING (building_id) WHERE h.floor > b.floors OR h.floor < 1") == 0


def test_age_structure_and_vulnerable_people(demo_db):
    con, _ = demo_db
    share_60 = one(con, "SELECT avg((birth_date <= $d - INTERVAL 60 YEAR)::INT) FROM resident", {"d": TODAY})
    assert 0.17 <= share_60 <= 0.23
    alone = one(con, """SELECT count(*) FROM (SELECT household_id FROM resident GROUP BY 1
                        HAVING count(*) = 1 AND max(birth_date) <= $d - INTERVAL 60 YEAR)""", {"d": TODAY})
    elderly_only = one(con, """SELECT count(*) FROM (SELECT household_id FROM resident GROUP BY 1
                        HAVING count(*) >= 2 AND max(birth_date) <= $d - INTERVAL 60 YEAR)""", {"d": TODAY})
    assert alone > 200 and elderly_only > 200
    vulnerable = one(con, "SELECT count(*) FROM resident WHERE disabled OR bedridden OR chronic_illness "
                          "OR low_income OR pregnant")
    assert 200 <= vulnerable <= 1_000
    assert one(con, "SELECT count(*) FROM resident WHERE pregnant AND sex = 'M'") == 0


def test_measures_in_the_seed_proportions(demo_db):
    con, _ = demo_db
    found = dict(((c, o), n) for c, o, n in con.execute(
        "SELECT category, origin, count(*) FROM control_measure GROUP BY ALL").fetchall())
    expected = {(c, o): n for c, o, n in demo.MEASURES_PER_15K}
    assert found == expected
    assert found[("centralised_quarantine", "abroad")] == 26
    assert found[("home_isolation", "key_area")] + found[("home_isolation", "close_contact")] == 430
    span = con.execute("SELECT min(start_date), max(start_date), min(planned_end - start_date), "
                       "max(planned_end - start_date) FROM control_measure").fetchone()
    assert span[0] >= TODAY - timedelta(days=21) and span[1] <= TODAY
    assert span[2] == span[3] == 14
    assert one(con, "SELECT count(*) FROM control_measure WHERE released_at IS NOT NULL AND planned_end >= $d",
               {"d": TODAY}) == 0
    assert one(con, "SELECT count(DISTINCT resident_id) = count(*) FROM control_measure")


def test_referential_integrity(demo_db):
    con, _ = demo_db
    assert integrity.reference_problems(con) == {}
    assert one(con, "SELECT count(*) FROM household h WHERE NOT EXISTS "
                    "(SELECT 1 FROM resident r WHERE r.household_id = h.household_id)") == 0
    assert one(con, "SELECT count(*) FROM building WHERE grid_id IS NULL") == 0


def test_integrity_check_finds_a_dangling_reference(con):
    con.execute("INSERT INTO resident (resident_id, household_id, name) VALUES (1, 99, 'x')")
    assert integrity.reference_problems(con) == {"resident.household_id": 1}


def test_footprints_are_valid_and_do_not_overlap(demo_db):
    con, _ = demo_db
    assert one(con, "SELECT count(*) FROM building WHERE NOT ST_IsValid(geom) OR ST_GeometryType(geom) "
                    "<> 'POLYGON'") == 0
    assert one(con, "SELECT count(*) FROM building a JOIN building b ON a.building_id < b.building_id "
                    "AND ST_Intersects(a.geom, b.geom)") == 0
    lon, lat = con.execute("SELECT avg(ST_X(ST_Centroid(geom))), avg(ST_Y(ST_Centroid(geom))) FROM building").fetchone()
    assert abs(lon - 119.95) < 0.02 and abs(lat - 31.70) < 0.02
    # Roads between rows: the nearest other building is at least 8 m away (8 m ≈ 8e-5 degrees).
    gap = one(con, "SELECT min(ST_Distance(a.geom, b.geom)) FROM building a JOIN building b "
                   "ON a.building_id < b.building_id")
    assert gap > 7e-5


def test_stairwells_tile_their_building(demo_db):
    con, _ = demo_db
    worst = one(con, """SELECT max(abs(b.area - s.area) / b.area) FROM
        (SELECT building_id, ST_Area(geom) AS area FROM building) b
        JOIN (SELECT building_id, sum(ST_Area(geom)) AS area FROM stairwell GROUP BY 1) s USING (building_id)""")
    assert worst < 1e-6


def test_id_numbers_are_masked_and_hashed(demo_db):
    con, _ = demo_db
    masked = [r[0] for r in con.execute("SELECT id_masked FROM resident LIMIT 50").fetchall()]
    assert all(len(m) == 18 and m[4:14] == "*" * 10 for m in masked)
    assert one(con, "SELECT count(DISTINCT id_hash) FROM resident") == 15_000
    assert one(con, "SELECT count(*) FROM resident WHERE phone IS NOT NULL AND NOT regexp_matches(phone, "
                    "'^1[3-9][0-9]{9}$')") == 0


def test_generated_id_numbers_carry_a_valid_check_digit_birth_date_and_sex():
    npr = np.random.default_rng(1)
    births = np.array(["1950-03-07", "2001-12-31"], dtype="datetime64[D]")
    numbers = demo._id_numbers(npr, births, np.array([True, False]))
    for number, birth, male in zip(numbers, ["19500307", "20011231"], [True, False]):
        assert ids.check_digit(number[:17]) == number[17]
        assert number[6:14] == birth
        assert (int(number[16]) % 2 == 1) == male


def test_same_seed_same_database_other_seed_other_database():
    def fingerprint(seed):
        con = db.connect(":memory:")
        demo.generate(con, residents=3_000, seed=seed, as_of=date(2026, 1, 1))
        return [con.execute(f"SELECT count(*), sum(hash(t)) FROM {table} t").fetchone()
                for table in ("building", "stairwell", "household", "resident", "control_measure", "volunteer")]

    assert fingerprint(5) == fingerprint(5)
    assert fingerprint(5) != fingerprint(6)


def test_scales_to_many_communities():
    con = db.connect(":memory:")
    counts = demo.generate(con, residents=45_000, seed=1, as_of=TODAY)
    assert counts["communities"] == 3 and counts["residents"] == 45_000
    per_community = con.execute("""SELECT c.community_id, count(*) FROM resident r JOIN household h USING (household_id)
        JOIN stairwell s USING (stairwell_id) JOIN building b USING (building_id) JOIN compound c USING (compound_id)
        GROUP BY 1""").fetchall()
    assert len(per_community) == 3
    assert one(con, "SELECT count(*) FROM building a JOIN building b ON a.building_id < b.building_id "
                    "AND ST_Intersects(a.geom, b.geom)") == 0


def test_roll_forward_moves_outbreak_dates_not_birth_dates():
    con = db.connect(":memory:")
    demo.generate(con, residents=2_000, seed=3, as_of=date(2026, 1, 1))
    before = con.execute("SELECT min(start_date), min(birth_date) FROM control_measure, resident").fetchone()
    assert demo.roll_forward(con, date(2026, 1, 11)) == 10
    after = con.execute("SELECT min(start_date), min(birth_date) FROM control_measure, resident").fetchone()
    assert after[0] == before[0] + timedelta(days=10) and after[1] == before[1]
    assert demo.roll_forward(con, date(2026, 1, 11)) == 0


def test_ensure_database_builds_once_and_leaves_no_partial_file(tmp_path):
    path = tmp_path / "sub" / "c.duckdb"
    assert demo_database.ensure_database(path, residents=2_000)
    assert not demo_database.ensure_database(path, residents=2_000)
    assert [p.name for p in path.parent.iterdir()] == ["c.duckdb"]
    con = db.connect(path)
    assert demo.is_demo(con)
    assert one(con, "SELECT count(*) FROM resident") == 2_000


def test_check_digit_rejects_bad_input():
    assert ids.check_digit("11010519491231002") == "X"
    with pytest.raises(ValueError):
        ids.check_digit("123")
    assert ids.mask_id("110105194912310021") == "1101**********0021"


def test_the_demo_opened_the_next_day_rolls_forward_with_its_daily_checks(tmp_path, monkeypatch):
    """Two days of checks share residents: a row moved one day on could meet the next day's row, which DuckDB's
    unique index refused mid-UPDATE, so the demo could not open the day after it was made."""
    path = tmp_path / "c.duckdb"
    demo_database.ensure_database(path, residents=2_000)
    con = db.connect(path)
    as_of = date.fromisoformat(con.execute("SELECT value FROM meta WHERE key = 'demo_as_of'").fetchone()[0])
    before = con.execute("SELECT count(*), min(day), max(day), min(recorded_at) FROM health_check").fetchone()
    assert before[2] > before[1]  # more than one day of checks, or this tests nothing
    # DuckDB updates 2,048 rows at a time: a resident's later check more than that many rows after the earlier
    # one (as on a real 15,000-resident demo) is met by the earlier one moved on. Old checks in between, then it.
    later = con.execute("""SELECT b.check_id FROM health_check a JOIN health_check b ON b.resident_id = a.resident_id
        AND b.period = a.period AND b.day = a.day + 1 LIMIT 1""").fetchone()[0]
    con.execute("CREATE TEMP TABLE moved AS SELECT * FROM health_check WHERE check_id = $id", {"id": later})
    con.execute("DELETE FROM health_check WHERE check_id = $id", {"id": later})
    con.execute("""INSERT INTO health_check SELECT 100000 + row_number() OVER (), measure_id, resident_id,
            day - CAST(60 + 10 * k AS INTEGER), period, temperature, symptoms, note, recorded_by, recorded_at
        FROM (SELECT * FROM health_check WHERE day = (SELECT min(day) FROM health_check)), range(12) t(k)""")
    assert con.execute("SELECT count(*) FROM health_check WHERE check_id > 100000").fetchone()[0] > 2_048
    con.execute("INSERT INTO health_check SELECT * FROM moved")
    before = con.execute("SELECT count(*), min(day), max(day), min(recorded_at) FROM health_check").fetchone()
    from datetime import datetime, time

    from resilient.core import config

    late = datetime.combine(as_of + timedelta(days=1), time(23, 59))  # late that day: no reading lies ahead
    monkeypatch.setattr(config, "now", lambda: late)
    assert demo.roll_forward(con, late.date()) == 1
    after = con.execute("SELECT count(*), min(day), max(day), min(recorded_at) FROM health_check").fetchone()
    assert after == (before[0], before[1] + timedelta(days=1), before[2] + timedelta(days=1),
                     before[3] + timedelta(days=1))


def test_a_demo_opened_after_midnight_has_no_reading_still_to_come(tmp_path, monkeypatch):
    """Rolled a whole day on, the morning's readings of a demo made in the afternoon lay ahead at 00:30: the list
    offered their forms and the save refused them as already recorded."""
    from datetime import datetime, time

    from resilient.core import config

    made = datetime.combine(date(2026, 11, 30), time(15, 0))
    monkeypatch.setattr(config, "now", lambda: made)
    path = tmp_path / "c.duckdb"
    demo_database.ensure_database(path, residents=2_000)
    con = db.connect(path)
    assert one(con, "SELECT count(*) FROM health_check WHERE day = $d AND period = 'am'", {"d": made.date()}) > 0
    assert one(con, "SELECT count(*) FROM health_check WHERE recorded_at > $t", {"t": made}) == 0
    opened = datetime.combine(date(2026, 12, 1), time(0, 30))
    monkeypatch.setattr(config, "now", lambda: opened)
    assert demo.roll_forward(con, opened.date()) == 1
    assert one(con, "SELECT count(*) FROM health_check WHERE recorded_at > $t", {"t": opened}) == 0
    assert one(con, "SELECT count(*) FROM health_check WHERE day = $d", {"d": opened.date() - timedelta(days=1)}) > 0
    assert one(con, "SELECT count(*) FROM fever_alert a LEFT JOIN health_check c USING (check_id) "
                    "WHERE c.check_id IS NULL AND a.code_id IS NULL") == 0   # a code's alert has no reading
