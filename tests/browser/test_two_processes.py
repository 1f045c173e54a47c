"""Two app processes on one PostgreSQL database (resilient.ops.serve), two desks recording at once, one in each
process: each desk's page then shows the other's swabs, and the database holds every swab exactly once.

Needs RC_TEST_DATABASE_URL (a PostgreSQL + PostGIS server, e.g. postgresql://postgres@127.0.0.1:5433): a database
is made for the test and dropped after it. The community is built with plain SQL and the domain's functions (the
demo generator is DuckDB's). Each browser goes straight to its own process's port: through nginx both would land
on one process (ip_hash on 127.0.0.1); one visit through nginx checks the proxy and its websocket."""

import os

import pytest
from playwright.sync_api import expect

from resilient.core import accounts, config, db, pg
from resilient.core.i18n import t
from resilient.ops import serve
from resilient.testing import rounds as testing
from tests.browser.harness import APP_IDLE, CHROMIUM, DESKTOP, Visit, _free_port, chromium
from tests.conftest import square

URL = os.environ.get("RC_TEST_DATABASE_URL", "").rstrip("/")
pytestmark = [pytest.mark.skipif(not URL, reason="RC_TEST_DATABASE_URL is not set (a PostgreSQL server)"),
              pytest.mark.skipif(CHROMIUM is None, reason="no chromium")]
NAME = f"rc_two_processes_{os.getpid()}"
PASSWORD = "Desk-pass-2026!"
FLATS = {"desk_a": [(1, "101"), (1, "201"), (1, "301")], "desk_b": [(2, "101"), (2, "201"), (2, "301")]}


def zh(key: str) -> str:
    return t(key, "zh")


def build(url: str) -> dict[str, list[tuple[str, int]]]:
    """One community, two buildings of three flats of two people; an admin and two desk leaders; a round today
    with one site. Returns each desk's queue: (the flat as typed at the desk, resident)."""
    con = db.connect(url)
    try:
        con.execute("INSERT INTO community VALUES (1, '测试社区', '测试街道', '测试区')")
        con.execute("INSERT INTO staff VALUES (1, 1, 'grid_worker', '网格员甲', NULL)")
        con.execute("INSERT INTO grid_cell VALUES (1, 1, '第1网格', 1)")
        con.execute("INSERT INTO compound VALUES (1, 1, 'A苑')")
        queues: dict[str, list[tuple[str, int]]] = {}
        resident = 0
        for desk_name, flats in FLATS.items():
            for building, room in flats:
                con.execute("INSERT INTO building VALUES ($b, 1, 1, $n, 6, TRUE, ST_GeomFromText($w)) "
                            "ON CONFLICT DO NOTHING",
                            {"b": building, "n": f"{building}栋", "w": square(119.95 + building / 1000, 31.70)})
                con.execute("INSERT INTO stairwell VALUES ($b, $b, 1, NULL) ON CONFLICT DO NOTHING", {"b": building})
                household = building * 100 + int(room[0])
                con.execute("INSERT INTO household VALUES ($h, $b, $f, $r)",
                            {"h": household, "b": building, "f": int(room[0]), "r": room})
                for _ in range(2):
                    resident += 1
                    con.execute("INSERT INTO resident (resident_id, household_id, name, sex) VALUES ($r, $h, $n, 'F')",
                                {"r": resident, "h": household, "n": f"居民{resident}"})
                    queues.setdefault(desk_name, []).append((f"{building}-1-{room}", resident))
        admin = accounts.create_user(con, None, "boss", "管理员", PASSWORD, "street_admin")
        for desk_name in FLATS:
            accounts.create_user(con, admin, desk_name, desk_name, PASSWORD, "community_leader", community_id=1)
        now = config.now()
        round_id = testing.create_round(con, admin, 1, "第1轮", now.date(), now, now=now)
        testing.add_site(con, admin, round_id, "广场", 119.95, 31.70, desks=2)
        return queues
    finally:
        con.close()


def samples(url: str) -> tuple[int, int]:
    con = db.connect(url, migrate_schema=False)
    try:
        return con.execute("SELECT count(*), count(DISTINCT resident_id) FROM sample").fetchone()
    finally:
        con.close()


@pytest.fixture(scope="module")
def database():
    import psycopg

    with psycopg.connect(f"{URL}/postgres", autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        server.execute(f"CREATE DATABASE {NAME}")
    url = f"{URL}/{NAME}"
    queues = build(url)
    pg.close_pool(url)
    yield url, queues
    pg.close_pools()
    with psycopg.connect(f"{URL}/postgres", autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")


class App:
    def __init__(self, url: str):
        self.url = url
        self.log = None

    def tail(self, lines: int = 40) -> str:
        return ""


def idle(page) -> None:
    for _ in range(2):  # a rerun may start just after the previous one reported idle
        page.wait_for_timeout(150)
        page.wait_for_selector(APP_IDLE)


def to_desk(visit: Visit, username: str) -> None:
    page = visit.open(username, PASSWORD)
    page.locator('[data-testid="stSidebarNav"] a[href$="/testing"]').first.click()
    idle(page)
    page.locator('[data-testid="stButtonGroup"]').first.locator("button").filter(
        has_text=zh("testing.tab.desk")).first.click()
    idle(page)


def open_tube(page, code: str) -> None:
    box = page.get_by_label(zh("testing.tube_code"), exact=True).first
    box.fill(code)
    box.press("Enter")
    idle(page)
    page.locator(".st-key-open_tube button").first.click()
    idle(page)


def find(page, flat: str) -> None:
    box = page.get_by_label(zh("testing.find"), exact=True).first
    if box.input_value() != flat:
        box.fill(flat)
        box.press("Enter")
    idle(page)


def record(page, flat: str, resident: int) -> None:
    find(page, flat)
    button = page.locator(f".st-key-sample_{resident} button")
    expect(button).to_be_visible()
    button.click()
    idle(page)
    go_on = page.locator(".st-key-advice_go_on button")
    if go_on.count():
        go_on.first.click()
        idle(page)
    expect(page.locator(f".st-key-sample_{resident} button")).to_have_count(0)


def test_two_desks_in_two_processes_see_each_other(database, pytestconfig, tmp_path):
    url, queues = database
    port, first = _free_port(), _free_port()
    ports = [first, first + 1]
    with serve.serving(url, 2, port, first_port=first, prefix=tmp_path / "serve") as started, \
            chromium(pytestconfig) as browser:
        assert len(started) == 3  # two apps and nginx
        visits = {name: Visit(browser, App(f"http://127.0.0.1:{p}"), DESKTOP) for name, p in zip(queues, ports)}
        try:
            for name, visit in visits.items():
                with visit.explained():
                    to_desk(visit, name)
                    open_tube(visit.page, f"T-{name}")
            # Turn about: one swab at desk A (process 1), one at desk B (process 2), ... each desk's own queue.
            for step in range(len(queues["desk_a"])):
                for name, visit in visits.items():
                    with visit.explained():
                        flat, resident = queues[name][step]
                        record(visit.page, flat, resident)
            everyone = sum(len(q) for q in queues.values())
            assert samples(url) == (everyone, everyone)  # nothing lost, nothing doubled
            # Each process's page shows the other's swabs: the other desk's people as done, its tube listed.
            for name, other in (("desk_a", "desk_b"), ("desk_b", "desk_a")):
                page = visits[name].page
                with visits[name].explained():
                    flat, resident = queues[other][0]
                    find(page, flat)
                    expect(page.get_by_text(f"T-{other}").first).to_be_visible()
                    expect(page.locator(f".st-key-sample_{resident} button")).to_have_count(0)
                    page.locator(".st-key-refresh_open_tubes button").first.click()
                    idle(page)
                    expect(page.locator('[data-testid="stDataFrame"], [data-testid="stTable"]').last).to_be_visible()
            # nginx in front: the sign-in page and its websocket through the proxy.
            proxied = Visit(browser, App(f"http://127.0.0.1:{port}"), DESKTOP)
            with proxied.explained():
                proxied.page.goto(proxied.server.url, wait_until="domcontentloaded")
                proxied.wait_idle()
                expect(proxied.page.get_by_label("用户名")).to_be_visible()
            proxied.close()
        finally:
            for visit in visits.values():
                visit.close()
    assert samples(url) == (sum(len(q) for q in queues.values()),) * 2
