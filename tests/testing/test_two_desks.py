"""Two desks at once on one open tube of one round, each with its own cursor (as two Streamlit sessions have):
nothing lost, nothing doubled, and the tube's count is its samples, on the file and on PostgreSQL."""

import threading
from datetime import datetime

import pytest

from resilient.core.accounts import User
from resilient.testing import desk
from resilient.testing import rounds as testing
from tests.conftest import TODAY

pytestmark = pytest.mark.both_backends

START = datetime(2026, 11, 23, 6, 0)
ADMIN = User(1, "admin", "管理员", "street_admin")
PEOPLE = {0: [101, 102, 103, 104], 1: [105, 106, 107, 108]}  # each desk its own people, none under a measure


def test_two_desks_fill_one_tube_at_once_and_its_count_is_exact(small):
    con = small
    for rid in PEOPLE[0] + PEOPLE[1]:
        con.execute("INSERT INTO resident (resident_id, household_id, name, sex) VALUES ($r, 31, $n, 'M')",
                    {"r": rid, "n": f"居民{rid}"})
    round_id = testing.create_round(con, ADMIN, 1, "第1轮", TODAY, START, pool_size=10, now=START)
    site_id = testing.add_site(con, ADMIN, round_id, "广场", 119.95, 31.70, desks=2)
    desk.open_tube(con, ADMIN, round_id, "T1", site_id)
    start = threading.Barrier(2)
    recorded, failures = [], []

    def one_desk(k: int) -> None:
        cursor = con.cursor()
        try:
            start.wait()
            for rid in PEOPLE[k]:
                desk.add_sample(cursor, ADMIN, round_id, "T1", rid, site_id, taken_at=START)
                recorded.append(rid)
        except Exception as error:  # noqa: BLE001 - any error is what this test looks for
            failures.append(repr(error))
        finally:
            cursor.close()

    threads = [threading.Thread(target=one_desk, args=(k,)) for k in PEOPLE]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(recorded) == PEOPLE[0] + PEOPLE[1]
    samples = [r[0] for r in con.execute("SELECT resident_id FROM sample WHERE round_id = $r ORDER BY 1",
                                         {"r": round_id}).fetchall()]
    assert samples == PEOPLE[0] + PEOPLE[1]  # every swab once, none lost
    stored, actual = con.execute("""SELECT t.samples, count(s.sample_id) FROM tube t
                                    LEFT JOIN sample s ON s.tube_id = t.tube_id
                                    WHERE t.round_id = $r AND t.code = 'T1' GROUP BY t.samples""",
                                 {"r": round_id}).fetchone()
    assert stored == actual == len(samples)
    taken = con.execute("SELECT count(*) FROM audit_log WHERE action = 'sample_taken'").fetchone()[0]
    assert taken == len(samples)
