"""The city deployment's PgBouncer in transaction mode in front of PostgreSQL (README, "A city"): each transaction
may run on another server connection, so nothing the app relies on may live in a server session. App processes
starting at once migrate an empty database one after another and leave no lock behind; the session's time zone
holds on every statement; a desk's writes stay exact."""

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from resilient.core import db, pg
from tests.conftest import TEST_DATABASE_URL, _server, drop_postgres_database

PGBOUNCER = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None)
pytestmark = pytest.mark.skipif(not (TEST_DATABASE_URL and PGBOUNCER),
                                reason="PgBouncer tests: set RC_TEST_DATABASE_URL and install pgbouncer (.ci/run does)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def bouncer():
    """A PgBouncer on loopback, transaction pooling, three server connections per database: fewer than the
    clients, so their transactions share and swap server connections."""
    server = urlsplit(TEST_DATABASE_URL)
    folder = Path(tempfile.mkdtemp(prefix="rc-pgbouncer-"))
    port = _free_port()
    (folder / "users.txt").write_text('"postgres" ""\n', encoding="utf-8")
    (folder / "pgbouncer.ini").write_text(f"""[databases]
* = host={server.hostname} port={server.port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/users.txt
pool_mode = transaction
default_pool_size = 3
max_client_conn = 200
logfile = {folder}/pgbouncer.log
pidfile = {folder}/pgbouncer.pid
""", encoding="utf-8")
    command = [PGBOUNCER, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root, as PostgreSQL does
        shutil.chown(folder, "postgres")
        for file in folder.iterdir():
            shutil.chown(file, "postgres")
        command = ["runuser", "-u", "postgres", "--", *command]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        if process.poll() is not None:
            raise RuntimeError((folder / "pgbouncer.log").read_text(encoding="utf-8", errors="replace")[-2000:])
        time.sleep(0.1)
    yield f"postgresql://postgres@127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def empty_database():
    """A database with nothing in it, as `createdb` leaves one: the first app processes migrate it."""
    name = f"rc_bouncer_{os.getpid()}_{time.monotonic_ns()}"
    with _server() as server:
        server.execute(f"CREATE DATABASE {name}")
    yield name
    drop_postgres_database(f"{TEST_DATABASE_URL}/{name}")


def _at_once(work, count: int, timeout: float = 120) -> list:
    """Run `work(i)` in `count` threads started together; every result, or the error each raised."""
    results: list = [None] * count
    start = threading.Barrier(count)

    def run(i):
        start.wait()
        try:
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 (reported by the test)
            results[i] = error
    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a process starting at once waited for ever (a lock left held?)"
    return results


def test_processes_starting_at_once_migrate_an_empty_database_through_pgbouncer(bouncer, empty_database):
    url = f"{bouncer}/{empty_database}"

    def start(_):
        con = db.connect(url)
        try:
            return con.execute("SELECT count(*) FROM schema_migration").fetchone()[0]
        finally:
            con.close()
    results = _at_once(start, 4)
    pg.close_pool(url)
    migrations = len(db.available_migrations(db.MIGRATIONS_DIR / "postgres"))
    assert results == [migrations] * 4, results
    with _server(empty_database) as direct:
        versions = [r[0] for r in direct.execute("SELECT version FROM schema_migration ORDER BY 1").fetchall()]
        assert versions == list(range(1, migrations + 1))
        held = direct.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").fetchone()[0]
        assert held == 0, "a migration lock outlived its transaction on a server connection"


def test_the_time_zone_and_a_desks_counts_hold_across_pooled_server_connections(bouncer, empty_database):
    """Timestamps are stored naive in UTC's frame (pg.py sets the session's time zone); PgBouncer carries that
    setting to whichever server connection runs the next transaction. Six desks filling one counter at once,
    each write retried on a serialization failure as the desks' are, lose and double nothing."""
    url = f"{bouncer}/{empty_database}"
    db.connect(url).close()
    con = db.connect(url)
    con.execute("CREATE TABLE tally (desk INTEGER, n INTEGER)")
    con.execute("CREATE TABLE tube_count (id INTEGER PRIMARY KEY, samples INTEGER NOT NULL)")
    con.execute("INSERT INTO tube_count VALUES (1, 0)")

    def desk(i):
        mine = db.connect(url, migrate_schema=False)
        zones = set()
        try:
            for _ in range(40):
                db.retrying(mine, lambda: (
                    mine.execute("UPDATE tube_count SET samples = samples + 1 WHERE id = 1"),
                    mine.execute("INSERT INTO tally VALUES ($d, 1)", {"d": i})), busy=lambda: RuntimeError("busy"),
                    attempts=50)
                zones.add(mine.execute("SELECT current_setting('TimeZone')").fetchone()[0])
        finally:
            mine.close()
        return zones
    results = _at_once(desk, 6)
    assert all(not isinstance(r, Exception) for r in results), results
    assert set().union(*results) == {"UTC"}
    assert con.execute("SELECT samples FROM tube_count").fetchone()[0] == 240
    assert con.execute("SELECT count(*) FROM tally").fetchone()[0] == 240
    con.close()
    pg.close_pool(url)
