"""Day one of a real office in a real browser: an empty database, then only clicks and typing.

The database is made as `python -m resilient.core.accounts create-admin` makes it (the schema and one street
administrator, no demo). The administrator signs in and lands on the set-up page, sets up the community and a
compound, brings in the real OpenStreetMap file of shared/realdata on the import page's outline tab (every
footprint made a building in that compound), then a register sheet naming three of those buildings in census
mode; the overview map draws the buildings, a click on one with residents opens its breakdown, and the overview
reads in English with the map still drawn. A screenshot of every step goes to the screenshot folder.

The building names the register uses are worked out beforehand from the same file with the outline tab's own
functions on an in-memory database: the server holds DuckDB's file lock while it runs.
"""

import csv
import io
import os
import subprocess
import sys
import time

import pytest
from playwright.sync_api import expect

from resilient.core import db, ids
from resilient.core.i18n import nt, t
from resilient.core.scope import EVERYTHING
from resilient.imports import register as ri
from resilient.imports.sheets import match_headers, read_table
from resilient.places import setup
from tests.browser.harness import (
    CHROMIUM,
    DESKTOP,
    EN_TITLE,
    EXCEPTION,
    IN_CI,
    NO_CHROMIUM,
    ROOT,
    SHAPES,
    WAIT_MS,
    ZH_TITLE,
    Visit,
    chromium,
    running_app,
    screenshot_dir,
)
from tests.footprint_files import REALDATA
from tests.places.test_day_one import ADMIN, TODAY, import_outlines

if CHROMIUM is None and not IN_CI:
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

OSM = REALDATA / "shenzhen_longgang_map.osm"
USERNAME, PASSWORD = "chief", "a-long-enough-password"
COMMUNITY, STREET, DISTRICT = "龙岗测试社区", "龙岗街道", "龙岗区"
COMPOUND = "校园"  # the file names no residential area: every footprint goes into the compound made here
ERROR_BOX = '[data-testid="stAlertContentError"]'
NAV = '[data-testid="stSidebarNav"] a'
SHOTS = "day1-{:02d}-{}.png"

# The register: per chosen building, (stairwell, room, how many people); ID numbers valid by GB 11643.
FLATS = [[(1, "101", 2), (1, "102", 1), (2, "201", 1)], [(1, "301", 1)], [(1, "101", 1)]]


class Office:
    """What the office's files hold, worked out beforehand: the buildings the OSM file makes, the register."""

    def __init__(self, buildings: int, chosen: list[str], register: list[list[str]], counts: dict):
        self.buildings = buildings  # footprints the file makes into buildings
        self.chosen = chosen  # the register's buildings, largest first
        self.register = register  # the sheet's rows, header first
        self.counts = counts  # what importing the register writes
        self.residents = sum(n for flats in FLATS for *_, n in flats)
        self.households = sum(len(flats) for flats in FLATS)


def worked_out() -> Office:
    """The outline tab's path on an in-memory database (read, reproject, clean, match, create in the compound),
    then the register sheet checked and written there too, so the page's figures are known before it runs."""
    con = db.connect(":memory:")
    try:
        community = setup.create_community(con, ADMIN, COMMUNITY, STREET, DISTRICT)
        compound = setup.create_compound(con, ADMIN, community, COMPOUND)
        _, written = import_outlines(con, community, OSM.read_bytes(), OSM.name, into=compound)
        # Named buildings ("...楼" / "...栋", not the 未命名N the write gives unnamed ones), largest first: big
        # enough to click on the overview map.
        names = [name for (name,) in con.execute("""
            SELECT name FROM building WHERE name SIMILAR TO '.*[楼栋]' AND name NOT LIKE '未命名%'
            ORDER BY ST_Area(geom) DESC""").fetchall()]
        assert len(names) >= len(FLATS), f"the OSM file has too few named buildings: {names}"
        chosen = names[:len(FLATS)]
        rows = [["小区", "楼栋", "单元", "房号", "姓名", "身份证号"]]
        person = 0
        for building, flats in zip(chosen, FLATS):
            for unit, room, people in flats:
                for _ in range(people):
                    first17 = f"440307199001{person % 28 + 1:02d}{person:03d}"
                    rows.append([COMPOUND, building, str(unit), room, f"测试居民{person + 1}",
                                 first17 + ids.check_digit(first17)])
                    person += 1
        frame = read_table(_csv(rows), "register.csv")
        mapping, unknown = match_headers(frame.columns, ri.REGISTER_FIELDS)
        assert unknown == [], unknown
        preview = ri.validate_register(con, frame, mapping, community_id=community, scope=EVERYTHING, census=True,
                                       today=TODAY)
        assert preview.problems == [], preview.problems
        counts = ri.commit_register(con, ADMIN, preview, source_name="register.csv")
        return Office(written["buildings_created"], chosen, rows, counts)
    finally:
        con.close()


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def office() -> Office:
    if not OSM.exists():
        pytest.skip(f"shared/realdata is not beside the repository (no {OSM})")
    return worked_out()


@pytest.fixture(scope="module")
def server(office, tmp_path_factory):
    """`streamlit run app.py` on a database that `create-admin` made: one administrator, nothing else."""
    workdir = tmp_path_factory.mktemp("day-one")
    database = workdir / "office.duckdb"
    made = subprocess.run([sys.executable, "-m", "resilient.core.accounts", "create-admin", "--username", USERNAME,
                           "--name", "街道管理员", "--path", str(database)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "RC_ADMIN_PASSWORD": PASSWORD}, timeout=120)
    assert made.returncode == 0, made.stderr
    with running_app(database, workdir, office.buildings) as running:
        yield running


@pytest.fixture
def visit(server, pytestconfig, record_property):
    with chromium(pytestconfig) as browser:
        record_property("screenshots", str(screenshot_dir()))
        opened = Visit(browser, server, DESKTOP)
        try:
            yield opened
        finally:
            opened.close()


def zh(key: str, **values) -> str:
    return t(key, "zh", **values)


class Steps:
    """The person's clicks, each step waited for, checked for an error box and photographed."""

    def __init__(self, visit: Visit):
        self.visit, self.page, self.shot = visit, visit.page, 0
        self.started = time.monotonic()

    def idle(self) -> None:
        for _ in range(2):  # a rerun may start just after the previous one reported idle
            self.page.wait_for_timeout(300)
            self.visit.wait_idle()

    def done(self, name: str) -> None:
        self.idle()
        expect(self.page.locator(EXCEPTION)).to_have_count(0)
        errors = self.page.locator(ERROR_BOX)
        assert not errors.count(), f"an error box at step {name}: {errors.all_inner_texts()}"
        self.shot += 1
        self.visit.screenshot(SHOTS.format(self.shot, name))
        print(f"{time.monotonic() - self.started:5.1f} s: {name}")

    def see(self, text: str, exact: bool = False) -> None:
        expect(self.page.get_by_text(text, exact=exact).first).to_be_visible(timeout=WAIT_MS)

    def go(self, nav_key: str, title: str) -> None:
        self.page.locator(NAV).filter(has_text=zh(nav_key)).first.click()
        expect(self.page.locator("h1").first).to_have_text(title, timeout=WAIT_MS)
        self.idle()

    def tick(self, label: str) -> None:
        self.page.get_by_text(label, exact=True).first.click()
        self.idle()


def test_an_office_brings_its_real_community_in_through_the_browser_alone(visit: Visit, office: Office, tmp_path):
    register = tmp_path / "住户登记表.csv"
    register.write_bytes(_csv(office.register))
    steps = Steps(visit)
    page = visit.page
    with visit.explained():
        # Signed in, an empty database opens on the set-up page, not on an empty map.
        visit.open(USERNAME, PASSWORD, lands_on=zh("setup.title"))
        steps.see(zh("setup.no_community_yet"))
        steps.done("setup-empty")

        # Step 1: the community, with the form.
        page.get_by_label(zh("setup.community_name")).fill(COMMUNITY)
        page.get_by_label(zh("setup.street")).fill(STREET)
        page.get_by_label(zh("setup.district")).fill(DISTRICT)
        page.get_by_role("button", name=zh("setup.create_community"), exact=True).click()
        steps.idle()
        steps.see(zh("setup.created", name=COMMUNITY))
        steps.see(zh("setup.next.grid_cells"))
        steps.done("community")

        # Step 3: the compound the file's buildings go into (the file names none of its own).
        page.locator('[data-testid="stExpander"] summary').filter(has_text=zh("setup.step.compounds")).click()
        page.get_by_label(zh("setup.compound_name")).fill(COMPOUND)
        page.get_by_role("button", name=zh("setup.add_compound"), exact=True).click()
        steps.idle()
        steps.see(zh("setup.created", name=COMPOUND))
        steps.done("compound")

        # Step 4: the outline file on the import page, every footprint a new building in the compound.
        steps.go("nav.imports", zh("import.title"))
        page.get_by_role("tab", name=zh("import.kind.footprints")).click()
        page.locator('[data-testid="stFileUploader"] input[type="file"]').last.set_input_files(str(OSM))
        steps.see(f"{OSM.name}：{office.buildings} 个图形")
        steps.idle()
        steps.tick(nt("import.create_unmatched", office.buildings, "zh"))
        # The compound made on the set-up page, still empty, is offered for the new buildings.
        expect(page.get_by_role("combobox", name=zh("import.create_in"))).to_have_value(COMPOUND)
        steps.done("outlines-preview")
        page.get_by_role("button", name=zh("import.commit_footprints"), exact=True).click()
        steps.idle()
        steps.see(zh("import.footprints_done", set=0, created=office.buildings))
        steps.done("outlines-written")

        # Step 5: the register in census mode, naming three of those buildings.
        page.get_by_role("tab", name=zh("import.kind.register")).click()
        page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(register))
        steps.see(nt("import.read", office.residents, "zh", file=register.name, columns=len(office.register[0])))
        steps.idle()
        steps.tick(zh("import.census"))
        steps.see(nt("import.ready", office.residents, "zh"))
        steps.done("register-checked")
        page.get_by_role("button", name=zh("import.commit"), exact=True).click()
        steps.idle()
        steps.see(zh("import.done", created=office.counts.get("created", 0), updated=office.counts.get("updated", 0),
                     unchanged=office.counts.get("unchanged", 0)))
        steps.done("register-imported")

        # The overview draws every building, and counts the residents the register brought.
        steps.go("nav.overview", ZH_TITLE)
        expect(visit.map.locator(SHAPES)).to_have_count(office.buildings, timeout=WAIT_MS)
        for kpi, value in (("residents", office.residents), ("households", office.households)):
            card = page.locator('[data-testid="stMetric"]').filter(has_text=zh(f"overview.kpi.{kpi}")).first
            expect(card.locator('[data-testid="stMetricValue"]')).to_have_text(str(value))
        expect(page.get_by_text(zh("overview.breakdown_hint"))).to_be_visible()
        steps.done("overview")

        # A click on the largest building with residents opens its breakdown.
        building = office.chosen[0]
        _mark_building(visit, building)
        visit.settle_map()
        visit.map.locator("path[data-rc-target]").click(force=True)
        heading = page.locator("h3").filter(has_text=zh("overview.breakdown", building=building, compound=COMPOUND))
        expect(heading.first).to_be_visible(timeout=WAIT_MS)
        steps.see(zh("overview.stairwells"), exact=True)
        expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible(timeout=WAIT_MS)
        steps.see(zh("overview.no_households"))  # residents, but nobody under a measure yet
        stairwells = len({unit for unit, *_ in FLATS[0]})  # outlined on the map over the building
        expect(visit.map.locator(SHAPES)).to_have_count(office.buildings + stairwells, timeout=WAIT_MS)
        steps.done("building-clicked")

        # English: the overview's title, and the map still drawn (the clicked building's stairwells with it).
        visit.choose_language("English")
        expect(page.locator("h1").first).to_have_text(EN_TITLE, timeout=WAIT_MS)
        steps.idle()
        expect(visit.map.locator(SHAPES)).to_have_count(office.buildings + stairwells, timeout=WAIT_MS)
        expect(page.locator(NAV).filter(has_text=t("nav.setup", "en")).first).to_be_visible()
        steps.done("overview-english")
    cdn = [url for kind, url in visit.blocked if kind in ("script", "stylesheet")]
    assert not cdn, f"the pages asked the internet for scripts or styles: {cdn}"


def _mark_building(visit: Visit, name: str) -> None:
    """Mark the map's path for the building called `name` (found through Leaflet's layers), so it can be clicked."""
    marked = visit.map.locator("body").evaluate("""(body, name) => {
        const found = [], names = [];
        window.map.eachLayer((layer) => {
            if (!layer.feature || !layer._path) return;
            names.push(layer.feature.properties.name);
            if (layer.feature.properties.name === name) found.push(layer._path);
        });
        found.forEach((path) => path.setAttribute("data-rc-target", "1"));
        return [found.length, names.length, names.filter((n) => n && n.includes(name.slice(0, 2)))];
    }""", name)
    assert marked[0] == 1, f"{marked[0]} shapes of {marked[1]} on the map are called {name!r}; some: {marked[2]}"
