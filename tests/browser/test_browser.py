"""A real browser on the overview page: the map draws offline, a click opens the breakdown, English, phone width.

Drives Debian's Chromium through Playwright (never `playwright install`: there is no download here) against
`streamlit run app.py` on a small demo database. Every request that would leave 127.0.0.1 is aborted, so the
map must draw with no internet. Screenshots go to artifacts/screenshots (or $RC_SCREENSHOT_DIR).

The first browser session after the server starts once behaved differently (see the last test), so the
`browser` fixture always makes that first visit itself, records what happened, and the other tests each get a
fresh session that does not depend on the order they run in.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from resilient.demo import database as demo_database
from tests.browser.harness import (
    CHROMIUM,
    DESKTOP,
    EN_TITLE,
    EXCEPTION,
    IN_CI,
    LANGUAGE_BOX,
    LEAFLET_JS,
    MAP_IFRAME,
    NO_CHROMIUM,
    PHONE,
    SHAPES,
    WAIT_MS,
    ZH_TITLE,
    Server,
    Visit,
    chromium,
    running_app,
    screenshot_dir,
)
from tests.footprint_files import REALDATA, realdata_zip

if CHROMIUM is None and not IN_CI:
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

FIRST_VISIT_WAIT_MS = 10_000  # a language switch re-runs in well under a second


class FirstVisit:
    """What happened when the first browser session after the server start switched the language."""

    def __init__(self, switched: bool | None, detail: str):
        self.switched = switched  # None: the visit itself broke before the switch could be judged
        self.detail = detail


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Server:
    workdir = tmp_path_factory.mktemp("browser")
    database = workdir / "community.duckdb"
    demo_database.ensure_database(database, residents=3000, seed=7)
    _seed_testing_round(database)
    # Read before the server starts: it holds DuckDB's file lock from then on.
    with duckdb.connect(str(database), read_only=True) as con:
        buildings = con.execute("SELECT count(*) FROM building").fetchone()[0]
    assert buildings > 0
    with running_app(database, workdir, buildings) as running:
        yield running


def _seed_testing_round(database: Path) -> None:
    """A planned mass-testing round with some people already sampled, for the progress map."""
    from datetime import datetime

    from resilient.core import accounts, config, db
    from resilient.testing import desk, planner, plans
    from resilient.testing import rounds as testing

    con = db.connect(database)
    try:
        leader = accounts.authenticate(con, "leader", demo_database.DEMO_PASSWORD)
        today = config.today()
        round_id = testing.create_round(con, leader, 1, "全员核酸", today, datetime.combine(today, datetime.min.time()),
                                        now=datetime.combine(today, datetime.min.time()))
        for building in (1, 12):
            testing.add_site(con, leader, round_id, f"{building}号采样点", None, None, 4, building_id=building)
        scope = testing.roles.scope_for(con, leader, today)
        plan = planner.plan_round(testing.stairwell_load(con, scope, round_id, today),
                                  testing.sites_frame(con, round_id), datetime.combine(today, datetime.min.time()))
        plans.save_plan(con, leader, round_id, plan.batches)
        people = testing.eligible_people(con, scope, round_id, today)
        people = people[(people["mode"] == "site") & (people["building_id"] <= 6)]
        site = int(testing.sites_frame(con, round_id)["site_id"].iloc[0])
        for start in range(0, len(people), 10):
            code = f"T{start:05d}"
            desk.open_tube(con, leader, round_id, code, site)
            for resident in people["resident_id"].iloc[start:start + 10]:
                desk.add_sample(con, leader, round_id, code, int(resident), site)
            desk.close_tube(con, leader, round_id, code)
    finally:
        con.close()


@pytest.fixture(scope="module")
def browser(server, pytestconfig):
    with chromium(pytestconfig) as launched:
        if server.first_visit is None:
            server.first_visit = _first_visit(launched, server)
        yield launched


def _first_visit(browser, server: Server) -> FirstVisit:
    """The first session on the fresh server: load the page as a person would, then switch to English."""
    visit = Visit(browser, server, DESKTOP)
    try:
        page = visit.open()
        expect(visit.map.locator(SHAPES)).to_have_count(server.buildings, timeout=WAIT_MS)
        visit.choose_language("English")
        try:
            expect(page.locator("h1").first).to_have_text(EN_TITLE, timeout=FIRST_VISIT_WAIT_MS)
            switched = True
        except AssertionError:
            switched = False
        visit.wait_idle()
        visit.screenshot("00-first-visit-language-switch.png")
        title = page.locator("h1").first.inner_text().strip()
        language = page.locator(LANGUAGE_BOX).first.inner_text().replace("\n", " ").strip()
        return FirstVisit(switched, f"after choosing English: h1 {title!r}, language box {language!r}")
    except (AssertionError, PlaywrightError) as exc:
        return FirstVisit(None, f"first visit broke: {type(exc).__name__}: {exc}{visit.explain()}")
    finally:
        visit.close()


@pytest.fixture
def desktop(browser, server, record_property):
    record_property("screenshots", str(screenshot_dir()))
    visit = Visit(browser, server, DESKTOP)
    yield visit
    visit.close()


@pytest.fixture
def phone(browser, server, record_property):
    record_property("screenshots", str(screenshot_dir()))
    visit = Visit(browser, server, PHONE)
    yield visit
    visit.close()


def _click_target(visit: Visit):
    """A building shape whose centre is on screen and not under the legend, so a click lands on it."""
    shapes = visit.map.locator(SHAPES)
    expect(shapes).to_have_count(visit.server.buildings, timeout=WAIT_MS)
    visit.settle_map()
    legend = visit.map.locator(".rc-legend").bounding_box()
    frame = visit.page.locator(MAP_IFRAME).first.bounding_box()
    for i in range(shapes.count()):
        box = shapes.nth(i).bounding_box()
        if not box or box["width"] < 4 or box["height"] < 4:
            continue
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        inside_frame = frame["x"] + 10 < x < frame["x"] + frame["width"] - 10 and \
            frame["y"] + 10 < y < frame["y"] + frame["height"] - 10
        under_legend = legend is not None and legend["x"] - 5 <= x <= legend["x"] + legend["width"] + 5 and \
            legend["y"] - 5 <= y <= legend["y"] + legend["height"] + 5
        if inside_frame and not under_legend:
            return shapes.nth(i)
    raise AssertionError("no building shape is clickable: all are off the map or under the legend")


def test_overview_draws_every_building_offline(desktop: Visit):
    with desktop.explained():
        page = desktop.open()
        shapes = desktop.map.locator(SHAPES)
        expect(shapes).to_have_count(desktop.server.buildings, timeout=WAIT_MS)
        expect(desktop.map.locator(".rc-legend")).to_be_visible(timeout=WAIT_MS)
        desktop.wait_idle()
        expect(page.locator(EXCEPTION)).to_have_count(0)
        leaflet = [status for url, status in desktop.responses if urlsplit(url).path == LEAFLET_JS]
        assert leaflet and all(status in (200, 304) for status in leaflet), \
            f"Leaflet not served from {LEAFLET_JS}: {leaflet}"
        assert desktop.map.locator("body").evaluate("() => typeof window.L") == "object", "Leaflet did not load"
        cdn = [url for kind, url in desktop.blocked if kind in ("script", "stylesheet")]
        assert not cdn, f"the page asked the internet for scripts or styles: {cdn}"
        print(f"off-machine requests blocked: {desktop.blocked or 'none'}")
        fills = {shapes.nth(i).get_attribute("fill") for i in range(shapes.count())}
        assert fills - {None, "#e8e8e8"}, f"no building is coloured by the ramp: fills {fills}"
        desktop.screenshot("01-overview.png")


def test_clicking_a_building_opens_its_breakdown(desktop: Visit):
    with desktop.explained():
        page = desktop.open()
        _click_target(desktop).click(force=True)
        heading = page.locator("h3").filter(has_text=re.compile(r"\d+栋（.+）明细")).first  # not the worst-ten list
        expect(heading).to_be_visible(timeout=WAIT_MS)
        assert re.search(r"\d+栋（.+）明细", heading.inner_text()), heading.inner_text()
        expect(page.get_by_text("各单元", exact=True)).to_be_visible(timeout=WAIT_MS)
        expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible(timeout=WAIT_MS)
        desktop.wait_idle()
        expect(page.locator(EXCEPTION)).to_have_count(0)
        desktop.screenshot("02-building-clicked.png")


def test_sidebar_switches_to_english(desktop: Visit):
    with desktop.explained():
        page = desktop.open()
        expect(page.locator("h1").first).to_have_text(ZH_TITLE)
        desktop.choose_language("English")
        expect(page.locator("h1").first).to_have_text(EN_TITLE, timeout=WAIT_MS)
        desktop.wait_idle()
        expect(desktop.map.locator(SHAPES)).to_have_count(desktop.server.buildings, timeout=WAIT_MS)
        expect(page.locator(EXCEPTION)).to_have_count(0)
        desktop.screenshot("03-english.png")


def test_phone_width(phone: Visit):
    with phone.explained():
        page = phone.open()
        expect(page.locator(MAP_IFRAME).first).to_be_visible(timeout=WAIT_MS)
        # On a phone the shapes are drawn on a canvas that counts a tap near one as on it: every building is there.
        assert phone.feature_layers(phone.server.buildings) == phone.server.buildings
        expect(phone.map.locator("canvas").first).to_be_attached(timeout=WAIT_MS)
        phone.wait_idle()
        expect(page.locator(EXCEPTION)).to_have_count(0)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"page scrolls sideways on a phone: {width} px wide"
        phone.screenshot("04-phone.png")


def test_first_visitor_after_server_start_can_switch_language(browser, server: Server):
    """Regression: with the page folder named pages/, Streamlit ran a fresh server's first script run in its
    legacy multipage mode and reset that visitor's first widget change (the language stayed Chinese)."""
    outcome = server.first_visit
    assert outcome is not None
    assert outcome.switched, outcome.detail


@pytest.mark.skipif(not (REALDATA / "chongqing_buildings.shp").exists(), reason="no shared/realdata beside the repo")
def test_real_footprints_preview_on_the_map(desktop: Visit, tmp_path):
    """A real OpenStreetMap Shapefile (Chongqing, 54 buildings) uploaded on the import page of a community in
    Changzhou, 1,000 km away: the page says so before anything is written, and nothing can be matched."""
    upload = tmp_path / "chongqing_buildings.zip"
    upload.write_bytes(realdata_zip())
    with desktop.explained():
        page = desktop.open("leader")
        desktop.go("imports")
        page.get_by_role("tab", name="楼栋轮廓").click()
        shown = page.locator('[role="tabpanel"]:visible')  # every tab's uploader is in the page, hidden or not
        shown.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(upload))
        expect(page.get_by_text("chongqing_buildings.zip：54 个图形")).to_be_visible(timeout=WAIT_MS)
        desktop.wait_idle()
        expect(page.get_by_text("这很可能是别处的文件").first).to_be_visible(timeout=WAIT_MS)
        expect(page.locator(EXCEPTION)).to_have_count(0)
        desktop.screenshot("05-footprint-preview.png")


def test_testing_progress_map_and_the_phone_desk(desktop: Visit, phone: Visit):
    """The stairwell progress map of a planned round, and the sampling desk at 390 px."""
    with desktop.explained():
        page = desktop.open("leader")
        desktop.go("testing")
        page.locator('[data-testid="stButtonGroup"] button').filter(has_text="进度").first.click()
        desktop.wait_idle()
        expect(desktop.map.locator(SHAPES).first).to_be_visible(timeout=WAIT_MS)
        assert desktop.map.locator(SHAPES).count() > desktop.server.buildings  # stairwells, not buildings
        expect(page.locator(EXCEPTION)).to_have_count(0)
        desktop.screenshot("06-testing-progress.png")
    with phone.explained():
        page = _phone_page(phone, "grid1", "testing")
        page.locator('[data-testid="stButtonGroup"] button').filter(has_text="采样登记").first.click()
        phone.wait_idle()
        expect(page.get_by_text("试管编号")).to_be_visible(timeout=WAIT_MS)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"the desk scrolls sideways on a phone: {width} px wide"
        phone.screenshot("07-desk-phone.png")


def test_coverage_gap_map_and_the_volunteers_phone_list(desktop: Visit, phone: Visit):
    """The coverage-gap map with volunteers on it, and a volunteer's list at 390 px."""
    with desktop.explained():
        page = desktop.open("leader")
        desktop.go("coverage")
        # Every building, then the volunteers' dots: at least one shape more than there are buildings.
        expect(desktop.map.locator(SHAPES).nth(desktop.server.buildings)).to_be_attached(timeout=WAIT_MS)
        expect(desktop.map.locator(".rc-legend")).to_have_count(2, timeout=WAIT_MS)
        expect(page.locator(EXCEPTION)).to_have_count(0)
        desktop.screenshot("08-coverage-gap-map.png")
    with phone.explained():
        page = _phone_page(phone, "volunteer", "coverage")
        expect(page.get_by_text("联系方式（先选，再点住户的按钮）")).to_be_visible(timeout=WAIT_MS)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"the volunteer's list scrolls sideways on a phone: {width} px wide"
        phone.screenshot("09-coverage-volunteer-phone.png")


def _phone_page(phone: Visit, username: str, path: str):
    """Sign in on a phone, open a page from the sidebar, and close the sidebar that lies over it."""
    page = phone.open(username)
    page.locator('[data-testid="stSidebarCollapsedControl"] button, [data-testid="stExpandSidebarButton"]') \
        .first.click()
    phone.go(path)
    opener = page.locator('[data-testid="stSidebarCollapsedControl"] button, [data-testid="stExpandSidebarButton"]')
    close = page.locator('[data-testid="stSidebarCollapseButton"] button, [data-testid="stSidebarCollapseButton"]')
    for _ in range(10):  # it may still be sliding in
        if opener.first.is_visible():
            break
        if close.first.is_visible():
            close.first.click(force=True)
        page.wait_for_timeout(300)
    return page


def test_check_list_on_a_phone_and_the_daily_report(desktop: Visit, phone: Visit):
    """The grid worker's twice-daily check list at 390 px, and the daily report on a desk."""
    with phone.explained():
        page = _phone_page(phone, "grid1", "checks")
        expect(page.get_by_text("应测人数")).to_be_visible(timeout=WAIT_MS)
        expect(page.locator(EXCEPTION)).to_have_count(0)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"the check list scrolls sideways on a phone: {width} px wide"
        phone.screenshot("10-checks-phone.png")
    with desktop.explained():
        page = desktop.open("leader")
        desktop.go("report")
        expect(page.locator("h1").first).to_have_text("日报", timeout=WAIT_MS)
        expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible(timeout=WAIT_MS)
        expect(page.locator(EXCEPTION)).to_have_count(0)
        desktop.screenshot("11-daily-report.png")


def test_every_page_loads_without_an_error_box(desktop: Visit):
    """Each page in a street administrator's navigation, opened as a person would from the sidebar."""
    with desktop.explained():
        page = desktop.open("admin")
        links = page.locator('[data-testid="stSidebarNav"] a')
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert len(hrefs) >= 13, hrefs
        for number, href in enumerate(hrefs):
            slug = urlsplit(href).path.strip("/") or "overview"
            page.locator(f'[data-testid="stSidebarNav"] a[href="{href}"]').first.click()
            page.wait_for_url(href)
            for _ in range(2):  # the new page's run may start just after the old one reported idle
                page.wait_for_timeout(400)
                desktop.wait_idle()
            expect(page.locator("h1").first).to_be_visible(timeout=WAIT_MS)
            expect(page.locator(EXCEPTION)).to_have_count(0)
            assert not page.locator('[data-testid="stAlertContentError"]').count(), f"an error box on {slug}"
            desktop.screenshot(f"20-page-{number:02d}-{slug}.png")
