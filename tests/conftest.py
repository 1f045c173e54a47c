"""Fixtures: a migrated in-memory database, a small hand-built community with known answers, the demo."""

import itertools
import os
import shutil
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from resilient.core import db  # noqa: E402
from resilient.demo import database as demo_database  # noqa: E402
from resilient.demo import office  # noqa: E402

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 12, 0)


# A PostgreSQL server for the tests marked both_backends (.ci/run starts one on loopback): its URL without a
# database name, e.g. postgresql://postgres@127.0.0.1:5433. Without it those tests run on DuckDB only.
TEST_DATABASE_URL = os.environ.get("RC_TEST_DATABASE_URL", "").rstrip("/")
TEMPLATE = f"rc_template_{os.getpid()}"
_databases = itertools.count(1)


def pytest_generate_tests(metafunc):
    """Tests marked both_backends get a DuckDB and a PostgreSQL run of every fixture built on `con`, on the
    read-only demo (`demo_db`) or on the page tests' demo (`page_db`); a test that takes two gets each pair on one
    backend."""
    names = [n for n in ("con", "demo_db", "page_db") if n in metafunc.fixturenames]
    if not names:
        return
    backends = ["duckdb"]
    if TEST_DATABASE_URL and metafunc.definition.get_closest_marker("both_backends"):
        backends.append("postgres")
    if len(names) == 1:
        metafunc.parametrize(names[0], backends, indirect=True)
    else:
        metafunc.parametrize(names, [(b, b) for b in backends], indirect=True, ids=backends)


def _server(database: str = "postgres"):
    import psycopg

    return psycopg.connect(f"{TEST_DATABASE_URL}/{database}", autocommit=True)


@pytest.fixture(scope="session")
def postgres_template():
    """A database migrated once; each test gets a copy of it (CREATE DATABASE … TEMPLATE), not a migration."""
    with _server() as server:
        server.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
        server.execute(f"CREATE DATABASE {TEMPLATE}")
    url = f"{TEST_DATABASE_URL}/{TEMPLATE}"
    db.connect(url).close()
    from resilient.core import pg

    pg.close_pool(url)  # a template copies only with nobody connected to it
    yield TEMPLATE
    with _server() as server:
        server.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")


def postgres_database(template: str) -> str:
    name = f"rc_test_{os.getpid()}_{next(_databases)}"
    with _server() as server:
        server.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    return f"{TEST_DATABASE_URL}/{name}"


def drop_postgres_database(url: str) -> None:
    from resilient.core import pg

    pg.close_pool(url)
    with _server() as server:
        server.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


@pytest.fixture
def con(request):
    if getattr(request, "param", "duckdb") == "postgres":
        url = postgres_database(request.getfixturevalue("postgres_template"))
        connection = db.connect(url)
        yield connection
        connection.close()
        drop_postgres_database(url)
        return
    connection = db.connect(":memory:")
    yield connection
    connection.close()


def closed_port() -> int:
    """A loopback port nothing listens on: a database server that is not there."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again on return


def square(x: float, y: float, size: float = 0.0004) -> str:
    return f"POLYGON(({x} {y}, {x + size} {y}, {x + size} {y + size / 2}, {x} {y + size / 2}, {x} {y}))"


@pytest.fixture
def small(con):
    """Two grid cells, two compounds, three buildings; every number below is counted by hand in the tests.

    Building 1 (A compound, grid 1): unit 1 has households 11 (2 people), 12 (1); unit 2 has 13 (3).
    Building 2 (A compound, grid 2): unit 1 has household 21 (2 people).
    Building 3 (B compound, grid 2): unit 1 has household 31 (1 person), nobody under a measure.
    Measures on TODAY, by resident: 1 home isolation (due today), 2 home observation released yesterday,
    4 centralised quarantine (due tomorrow, created 2 h before NOW), 5 home isolation starting tomorrow
    (created 1 h before NOW), 7 health monitoring since 18 Nov.
    """
    con.execute("INSERT INTO community VALUES (1, '测试社区', '测试街道', '测试区')")
    con.execute("INSERT INTO staff VALUES (1, 1, 'grid_worker', '网格员甲', NULL), "
                "(2, 1, 'grid_worker', '网格员乙', NULL)")
    con.execute("INSERT INTO grid_cell VALUES (1, 1, '第1网格', 1), (2, 1, '第2网格', 2)")
    con.execute("INSERT INTO compound VALUES (1, 1, 'A苑'), (2, 1, 'B苑')")
    for bid, compound, grid, x in [(1, 1, 1, 119.950), (2, 1, 2, 119.951), (3, 2, 2, 119.953)]:
        con.execute("INSERT INTO building VALUES ($b, $c, $g, $n, 6, TRUE, ST_GeomFromText($w))",
                    {"b": bid, "c": compound, "g": grid, "n": f"{bid}栋", "w": square(x, 31.70)})
    con.execute("INSERT INTO stairwell VALUES (1, 1, 1, NULL), (2, 1, 2, NULL), (3, 2, 1, NULL), (4, 3, 1, NULL)")
    con.execute("""INSERT INTO household VALUES
        (11, 1, 1, '101'), (12, 1, 2, '201'), (13, 2, 3, '301'), (21, 3, 1, '101'), (31, 4, 5, '502')""")
    people = [(1, 11), (2, 11), (3, 12), (4, 13), (5, 13), (6, 13), (7, 21), (8, 21), (9, 31)]
    for rid, hid in people:
        con.execute("INSERT INTO resident (resident_id, household_id, name, sex) VALUES ($r, $h, $n, 'F')",
                    {"r": rid, "h": hid, "n": f"居民{rid}"})
    con.execute("""INSERT INTO control_measure VALUES
        (1, 1, 'home_isolation', 'key_area', DATE '2026-11-09', DATE '2026-11-23', NULL, TIMESTAMP '2026-11-09 10:00'),
        (2, 2, 'home_observation', 'key_area', DATE '2026-11-08', DATE '2026-11-22',
            TIMESTAMP '2026-11-22 10:00', TIMESTAMP '2026-11-08 10:00'),
        (3, 4, 'centralised_quarantine', 'abroad', DATE '2026-11-10', DATE '2026-11-24', NULL,
            TIMESTAMP '2026-11-23 10:00'),
        (4, 5, 'home_isolation', 'close_contact', DATE '2026-11-24', DATE '2026-12-08', NULL,
            TIMESTAMP '2026-11-23 11:00'),
        (5, 7, 'health_monitoring', 'other_area', DATE '2026-11-18', DATE '2026-12-02', NULL,
            TIMESTAMP '2026-11-18 09:00')""")
    return con


@pytest.fixture(scope="session")
def demo_duckdb():
    """The demo community as the app builds it, generated once for all tests that only read it."""
    connection = db.connect(":memory:")
    counts = office.build(connection, residents=15_000, seed=42, as_of=TODAY)
    yield connection, counts
    connection.close()


@pytest.fixture(scope="session")
def demo_db(request, demo_duckdb):
    """(connection, counts) of that demo; on PostgreSQL the same rows and ids copied into a database of its own."""
    if getattr(request, "param", "duckdb") != "postgres":
        yield demo_duckdb
        return
    from tests.testing import demo_town

    url = postgres_database(request.getfixturevalue("postgres_template"))
    connection = db.connect(url)
    demo_town.copy_into(demo_duckdb[0], connection)
    yield connection, demo_duckdb[1]
    connection.close()
    drop_postgres_database(url)


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory):
    """A small demo database file for page tests (AppTest opens it through RC_DB_PATH)."""
    path = tmp_path_factory.mktemp("db") / "community.duckdb"
    demo_database.ensure_database(path, residents=3_000, seed=7)
    return path


@pytest.fixture(scope="session")
def page_template(tmp_path_factory):
    """The demo community the page tests write to, generated once; each test gets its own copy (page_db)."""
    path = tmp_path_factory.mktemp("pages") / "template.duckdb"
    demo_database.ensure_database(path, residents=3_000, seed=11)
    return path


@pytest.fixture(scope="session")
def page_template_postgres(page_template, postgres_template):
    """The same demo community on PostgreSQL (the same rows and ids), a template each page test copies."""
    from resilient.core import pg
    from tests.testing import demo_town

    url = postgres_database(postgres_template)
    source, target = db.connect(page_template, migrate_schema=False), db.connect(url)
    try:
        demo_town.copy_into(source, target)
    finally:
        source.close()
        target.close()
    pg.close_pool(url)  # a template copies only with nobody connected to it
    yield url.rsplit("/", 1)[1]
    drop_postgres_database(url)


@pytest.fixture
def page_db(request, page_template, tmp_path):
    """The page tests' own copy of the demo: a DuckDB file, or (both_backends) a PostgreSQL database's URL.
    Either opens with db.connect and with open_page."""
    if getattr(request, "param", "duckdb") == "postgres":
        url = postgres_database(request.getfixturevalue("page_template_postgres"))
        yield url
        drop_postgres_database(url)
        return
    path = tmp_path / "community.duckdb"
    shutil.copy(page_template, path)
    yield path


def open_page(path, monkeypatch, username: str, page: str, lang: str = "zh"):
    """An AppTest session on the database at `path` (a file, or a postgresql:// URL), signed in as a demo
    account, on `page`, in `lang`."""
    use_database(path, monkeypatch)
    return signed_in_on(page, username, lang)


def use_database(path, monkeypatch) -> None:
    """Point the app at `path`: RC_DATABASE_URL for a postgresql:// URL, else RC_DB_PATH for a DuckDB file."""
    from resilient.core import pg

    if pg.is_url(path):
        monkeypatch.setenv("RC_DATABASE_URL", str(path))
        monkeypatch.delenv("RC_DB_PATH", raising=False)
    else:
        monkeypatch.setenv("RC_DB_PATH", str(path))
        monkeypatch.delenv("RC_DATABASE_URL", raising=False)


def signed_in_on(page: str, username: str, lang: str = "zh"):
    """The same on the database RC_DB_PATH already names."""
    from streamlit.testing.v1 import AppTest

    from tests.views.test_views import sign_in

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    if lang != "zh":
        at.sidebar.selectbox(key="lang").set_value(lang).run()
    sign_in(at, username, lang=lang)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def demo_account(con, username: str):
    """A demo account as the application reads it."""
    from resilient.core import accounts

    return accounts._user(accounts._row(con, "user_by_username", username=username))


def demo_day(con) -> date:
    """The day the demo database describes (it is rolled forward to today when opened)."""
    return date.fromisoformat(con.execute("SELECT value FROM meta WHERE key = 'demo_as_of'").fetchone()[0])


def button_group(at, key: str):
    return next(g for g in at.get("button_group") if g.key == key)


def choose(at, key: str, value):
    """Pick `value` in the segmented control `key` and check the page still runs."""
    button_group(at, key).set_value(value).run()
    assert not at.exception, at.exception


def button(at, label: str):
    return next(b for b in at.button if b.label == label)
