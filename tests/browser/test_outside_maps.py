"""The maps of issues 16 and 17 in a real browser, at a 390 px phone and a 1,500 px desk: the pick-up points with
the buildings they serve and the door-to-door households, and the overview's cases, risk areas and day slider.

The demo seeds saved pick-up points, a few cases and one high-risk area, so both maps have something to show. A
screenshot of each goes to the screenshot folder as outside-*.png.
"""

import duckdb
import pytest
from playwright.sync_api import expect

from resilient.core.i18n import t
from resilient.demo import database as demo_database
from tests.browser.harness import (
    CHROMIUM,
    IN_CI,
    MAP_IFRAME,
    NO_CHROMIUM,
    PHONE,
    WAIT_MS,
    Visit,
    chromium,
    running_app,
)

if CHROMIUM is None and not IN_CI:
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

WIDE = {"width": 1500, "height": 2200}
SIDEBAR_OPEN = '[data-testid="stSidebarCollapsedControl"] button, [data-testid="stExpandSidebarButton"]'
SIZES = {"phone": PHONE, "desk": WIDE}
# Shapes on the map as Leaflet layers (drawn on SVG or on a phone's canvas alike): polygons (risk areas, buildings)
# and point markers (cases).
SHAPES_JS = """() => {
    const map = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])
        .find(v => window.L && v instanceof L.Map);
    const n = {polygons: 0, markers: 0};
    if (map) { map.eachLayer(l => {
        if (l instanceof L.Polygon) n.polygons += 1;
        else if (l instanceof L.CircleMarker || l instanceof L.Marker) n.markers += 1; }); }
    return n;
}"""


def zh(key: str, **values) -> str:
    return t(key, "zh", **values)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("outside")
    database = workdir / "community.duckdb"
    demo_database.ensure_database(database, residents=3000, seed=5)
    with duckdb.connect(str(database), read_only=True) as con:
        points = con.execute("SELECT count(*) FROM pickup_point WHERE active").fetchone()[0]
        cases = con.execute("SELECT count(*) FROM external_case WHERE building_id IS NOT NULL").fetchone()[0]
        areas = con.execute("SELECT count(*) FROM risk_area").fetchone()[0]
    assert points and cases and areas, (points, cases, areas)
    with running_app(database, workdir) as running:
        running.counts = {"points": points, "cases": cases, "areas": areas}
        yield running


@pytest.fixture(scope="module")
def browser(server, pytestconfig):
    with chromium(pytestconfig) as launched:
        yield launched


def go(visit: Visit, size: str, path: str, title: str):
    page = visit.open("leader")
    if size == "phone":
        page.locator(SIDEBAR_OPEN).first.click()
    page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').first.click()
    expect(page.locator("h1").first).to_have_text(title, timeout=WAIT_MS)
    visit.wait_idle()
    if size == "phone" and page.locator('[data-testid="stSidebarCollapseButton"]').first.is_visible():
        page.locator('[data-testid="stSidebarCollapseButton"]').first.click(force=True)
    return page


def no_sideways_scroll(visit: Visit, size: str) -> None:
    if size == "phone":
        width = visit.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"the page scrolls sideways on a phone: {width} px"


@pytest.mark.parametrize("size", list(SIZES))
def test_pick_up_points_and_door_households_on_the_map(browser, server, size):
    visit = Visit(browser, server, SIZES[size])
    try:
        with visit.explained():
            page = go(visit, size, "pickup", zh("pickup.title"))
            frame = page.frame_locator(MAP_IFRAME).first
            expect(frame.locator(".rc-pickup").first).to_be_attached(timeout=WAIT_MS)
            assert frame.locator(".rc-pickup").count() == server.counts["points"]
            page.locator(MAP_IFRAME).first.scroll_into_view_if_needed()
            legend = frame.locator(".rc-legend").first
            expect(legend).to_be_visible(timeout=WAIT_MS)
            assert zh("pickup.legend.door") in legend.inner_text()
            no_sideways_scroll(visit, size)
            visit.screenshot(f"outside-pickup-{size}.png")
            assert not [e for e in visit.errors if "page error" in e], visit.errors
    finally:
        visit.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_cases_risk_areas_and_the_day_slider_on_the_overview(browser, server, size):
    visit = Visit(browser, server, SIZES[size])
    try:
        with visit.explained():
            page = visit.open("leader")
            slider = page.get_by_text(zh("overview.outside.day")).first
            slider.scroll_into_view_if_needed()
            expect(page.locator('[data-testid="stSlider"]').first).to_be_visible(timeout=WAIT_MS)
            maps = page.locator(MAP_IFRAME)
            expect(maps.nth(1)).to_be_attached(timeout=WAIT_MS)
            maps.nth(1).scroll_into_view_if_needed()
            frame = page.frame_locator(MAP_IFRAME).nth(1)
            switch = frame.locator(".leaflet-control-layers").first
            expect(switch).to_be_attached(timeout=WAIT_MS)
            names = frame.locator(".leaflet-control-layers-overlays label").all_inner_texts()
            assert len(names) == 3, names
            inner = maps.nth(1).element_handle().content_frame()
            inner.wait_for_function(f"() => ({SHAPES_JS})().polygons > 0", timeout=WAIT_MS)
            shapes = inner.evaluate(SHAPES_JS)
            assert shapes["markers"] >= 1 and shapes["polygons"] >= server.counts["areas"], shapes
            no_sideways_scroll(visit, size)
            visit.screenshot(f"outside-cases-{size}.png")
            assert not [e for e in visit.errors if "page error" in e], visit.errors
    finally:
        visit.close()
