"""Twenty sessions writing at once to one database (a file, or PostgreSQL), as the app does it: one connection
per process, a cursor per session. Samples and contacts together; nothing lost, nothing doubled, no conflict
error reaches a person."""

import random
import threading
from collections import Counter
from datetime import timedelta

import pytest

from resilient.core import db, queries
from resilient.core.scope import EVERYTHING
from resilient.coverage import volunteers as coverage
from resilient.coverage.volunteers import CoverageError
from resilient.demo import database as demo_database
from resilient.testing import desk
from resilient.testing import rounds as testing
from resilient.testing.rounds import TestingError
from tests.conftest import NOW, TEST_DATABASE_URL, TODAY, drop_postgres_database, postgres_database
from tests.testing import demo_town as demo

SESSIONS = 20
OWN_SAMPLES = 8  # each session's own people, into its own tube of 10
CONTACTS = 6  # each session's contacts, households its volunteers look after


@pytest.fixture(params=["duckdb", "postgres"])
def district_file(request, tmp_path):
    """A demo community in a database file (or a PostgreSQL database, connected as the app's processes are: a
    lending connection, each session's cursor borrowing from the pool only while it works), a round with one
    site, every session's tube opened."""
    if request.param == "postgres":
        if not TEST_DATABASE_URL:
            pytest.skip("a PostgreSQL check: set RC_TEST_DATABASE_URL")
        path = postgres_database(request.getfixturevalue("postgres_template"))
        request.addfinalizer(lambda: drop_postgres_database(path))
        con = db.connect(path, lending=True)
    else:
        path = tmp_path / "community.duckdb"
        con = db.connect(path)
    demo.generate(con, residents=3_000, seed=31, as_of=TODAY)
    users = {u.username: u for u in demo_database.create_demo_accounts(con)}
    admin = users["admin"]
    round_id = testing.create_round(con, admin, 1, "全员核酸", TODAY, NOW - timedelta(hours=6), pool_size=10,
                                    now=NOW - timedelta(hours=7))
    site_id = testing.add_site(con, admin, round_id, "中心广场", 119.95, 31.70, desks=SESSIONS)
    for k in range(SESSIONS):
        desk.open_tube(con, admin, round_id, f"S{k:02d}", site_id)
    yield path, con, admin, round_id, site_id
    con.close()


def people_to_sample(con, admin, round_id) -> list[int]:
    people = testing.eligible_people(con, testing.roles.scope_for(con, admin, TODAY), round_id, TODAY)
    return [int(r) for r in people[people["mode"] == "site"]["resident_id"]]


def test_twenty_sessions_record_samples_and_contacts_exactly(district_file):
    path, con, admin, round_id, site_id = district_file
    people = people_to_sample(con, admin, round_id)
    contested = people[SESSIONS * OWN_SAMPLES:SESSIONS * OWN_SAMPLES + SESSIONS // 2]  # each at two desks at once
    assignments = queries.fetch_all(con, "coverage_assignments", **EVERYTHING.params(), today=TODAY)
    assert len(assignments) >= SESSIONS * CONTACTS // 2, "the demo has too few assignments for this test"
    audit_before = dict(con.execute("SELECT action, count(*) FROM audit_log GROUP BY 1").fetchall())
    contacts_before = con.execute("SELECT max(contact_id) FROM contact").fetchone()[0] or 0  # the demo's own

    work: dict[int, list[tuple]] = {}
    expected_contacts = []
    for k in range(SESSIONS):
        tasks = [("sample", f"S{k:02d}", rid) for rid in people[k * OWN_SAMPLES:(k + 1) * OWN_SAMPLES]]
        tasks.append(("sample", f"S{k:02d}", contested[k % len(contested)]))
        for j in range(CONTACTS):
            # Households are shared between sessions (two sessions log visits to one household): still all kept.
            volunteer_id, household_id = assignments[(k * CONTACTS + j) % len(assignments)]
            at = NOW - timedelta(minutes=k * CONTACTS + j)  # distinct times: a doubled row is then visible
            kind = coverage.CONTACT_KINDS[j % len(coverage.CONTACT_KINDS)]
            tasks.append(("contact", int(volunteer_id), int(household_id), kind, at))
            expected_contacts.append((int(volunteer_id), int(household_id), kind, at))
        random.Random(k).shuffle(tasks)
        work[k] = tasks

    outcomes, failures = [], []
    start = threading.Barrier(SESSIONS)

    def session(k: int) -> None:
        cursor = con.cursor()  # as session.cursor() does for every Streamlit run
        start.wait()
        for task in work[k]:
            try:
                if task[0] == "sample":
                    desk.add_sample(cursor, admin, round_id, task[1], task[2], site_id, taken_at=NOW)
                else:
                    coverage.record_contact(cursor, admin, *task[1:])
                outcomes.append((task[0], "ok"))
            except (TestingError, CoverageError) as error:
                outcomes.append((task[0], error.code))
            except Exception as error:  # noqa: BLE001 - any other error is what this test looks for
                failures.append(f"{task}: {error!r}")
        cursor.close()

    threads = [threading.Thread(target=session, args=(k,)) for k in range(SESSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert Counter(outcomes) == {
        ("sample", "ok"): SESSIONS * OWN_SAMPLES + len(contested),
        ("sample", "testing.error.already_sampled"): SESSIONS - len(contested),  # the second desk, told so
        ("contact", "ok"): SESSIONS * CONTACTS,
    }  # no 'busy': no conflict ever reached a person

    # Read back from the file itself, through a new connection after the writers' one is closed.
    con.close()
    with db.connect(path) as again:
        samples = again.execute("SELECT resident_id, tube_id FROM sample WHERE round_id = $r",
                                {"r": round_id}).fetchall()
        assert len(samples) == len({rid for rid, _ in samples}) == SESSIONS * OWN_SAMPLES + len(contested)
        assert {rid for rid, _ in samples} == set(people[:SESSIONS * OWN_SAMPLES]) | set(contested)
        counted = again.execute("""SELECT t.code, t.samples, count(s.sample_id) FROM tube t
                                   LEFT JOIN sample s USING (tube_id) WHERE t.round_id = $r
                                   GROUP BY t.code, t.samples""",
                                {"r": round_id}).fetchall()
        assert all(stored == actual for _, stored, actual in counted), counted  # each tube's count is exact
        assert sum(actual for _, _, actual in counted) == len(samples)
        contacts = again.execute("SELECT volunteer_id, household_id, kind, contacted_at FROM contact "
                                 "WHERE contact_id > $c", {"c": contacts_before}).fetchall()
        assert Counter(contacts) == Counter(expected_contacts)  # every contact once, none doubled
        audit_after = dict(again.execute("SELECT action, count(*) FROM audit_log GROUP BY 1").fetchall())
        assert audit_after.get("sample_taken", 0) - audit_before.get("sample_taken", 0) == len(samples)
        written = again.execute("SELECT count(*) FROM audit_log WHERE target LIKE 'contact:%' "
                                "AND CAST(split_part(target, ':', 2) AS BIGINT) > $c",
                                {"c": contacts_before}).fetchone()[0]
        assert written == len(contacts)
