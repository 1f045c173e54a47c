"""A whole mass-testing round on the demo community in a real browser, as the people in it would click it.

The leader, at a desk computer, creates a round starting now, adds two sites, makes the plan, reads the proposal
and confirms it, and downloads the call-down sheets (the printable one has a QR code per household and the
round's name). Grid worker grid1, on a phone, sees the plan but no button to make one. Desk A (the leader's
account on a phone) opens tube T1 at site 1, finds one person by typing the room and records them, then scans a
household's printed code (typed into the find box as a scanner types) and records everyone there; then the
phone is lost (its browser context closed, T1 still open). Desk B (grid1 on another phone) finds T1 among the
site's open tubes and seals it. The leader enters T1 as positive, puts its flats under measures with one tap,
reads the re-test list, records a negative single re-test for each person, and the page says the households are
released. After the server stops, the database file shows the same: the measures T1 imposed released, each with
its events.

The numbers agree everywhere: the desk's tube count, both viewers' progress, the trace, the re-test list and
the releases all count the same people. The households and addresses are read from the database before the
server starts (it holds DuckDB's file lock while it runs). A screenshot of every step goes to the screenshot
folder as round-NN-*.png.
"""

import re
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from resilient.core import config
from resilient.core.i18n import nt, t
from resilient.demo import database as demo_database
from resilient.testing.codes import household_code
from tests.browser.harness import (
    CHROMIUM,
    DESKTOP,
    EXCEPTION,
    IN_CI,
    NO_CHROMIUM,
    PHONE,
    WAIT_MS,
    Server,
    Visit,
    chromium,
    running_app,
    screenshot_dir,
    stop,
)

if CHROMIUM is None and not IN_CI:
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

TUBE = "T1"
POOL = 10  # the new-round form's default tube size
ROUND_NAME = "浏览器全流程核酸"
ERROR_BOX = '[data-testid="stAlertContentError"]'
SUCCESS_BOX = '[data-testid="stAlertContentSuccess"]'
SECTIONS = '[data-testid="stButtonGroup"]'
SIDEBAR_OPEN = '[data-testid="stSidebarCollapsedControl"] button, [data-testid="stExpandSidebarButton"]'
SIDEBAR_CLOSE = '[data-testid="stSidebarCollapseButton"] button, [data-testid="stSidebarCollapseButton"]'
SHOTS = "round-{:02d}-{}.png"


def zh(key: str, **values) -> str:
    return t(key, "zh", **values)


@dataclass(frozen=True)
class Flat:
    household_id: int
    compound: str
    building: str  # "3栋"
    unit_no: int
    room: str
    stairwell_id: int
    residents: tuple[int, ...]

    @property
    def typed(self) -> str:
        """The room as a desk types it: 3-2-401."""
        return f"{self.building.removesuffix('栋')}-{self.unit_no}-{self.room}"


@dataclass(frozen=True)
class Community:
    sites: tuple[str, str]  # the add-site form's labels (compound + building), in grid 1
    by_room: Flat  # one person, found by typing the room
    by_code: Flat  # a household of several, found by its printed code

    @property
    def people(self) -> int:
        return len(self.by_room.residents) + len(self.by_code.residents)

    @property
    def residents(self) -> list[int]:
        return [*self.by_room.residents, *self.by_code.residents]


def read_community(database: Path) -> Community:
    """Two flats of grid 1 whose people all come to a site (none bedridden, none under any measure today), one
    with one resident and one with three, and two buildings of grid 1 for the sites."""
    today = config.today()
    with duckdb.connect(str(database), read_only=True) as con:
        flats = con.execute("""
            SELECT h.household_id, c.name, b.name, s.unit_no, h.room, s.stairwell_id,
                   list(r.resident_id ORDER BY r.resident_id), b.building_id
            FROM household h JOIN stairwell s USING (stairwell_id) JOIN building b USING (building_id)
            JOIN compound c USING (compound_id) JOIN resident r USING (household_id)
            WHERE b.grid_id = 1
            GROUP BY ALL
            HAVING NOT bool_or(r.bedridden)
               AND NOT bool_or(EXISTS (SELECT 1 FROM control_measure m WHERE m.resident_id = r.resident_id
                                       AND active_on(m.start_date, m.released_at, $today)))
            ORDER BY h.household_id""", {"today": today}).fetchall()
        sites = con.execute("""
            SELECT c.name || b.name FROM building b JOIN compound c USING (compound_id)
            WHERE b.grid_id = 1 ORDER BY b.building_id LIMIT 2""").fetchall()
    one = next(f for f in flats if len(f[6]) == 1)
    three = next(f for f in flats if len(f[6]) == 3 and f[7] != one[7])
    by_room, by_code = (Flat(*f[:6], tuple(int(r) for r in f[6])) for f in (one, three))
    assert len(sites) == 2, sites
    return Community((sites[0][0], sites[1][0]), by_room, by_code)


@pytest.fixture(scope="module")
def community_db(tmp_path_factory) -> tuple[Path, Community]:
    workdir = tmp_path_factory.mktemp("round")
    database = workdir / "community.duckdb"
    demo_database.ensure_database(database, residents=3000, seed=7)
    return database, read_community(database)


@pytest.fixture(scope="module")
def server(community_db) -> Server:
    database, _ = community_db
    with running_app(database, database.parent) as running:
        yield running


@pytest.fixture(scope="module")
def browser(server, pytestconfig):
    with chromium(pytestconfig) as launched:
        yield launched


class Person:
    """One person's browser (a desk computer or a phone): their clicks, each waited for, checked for an error
    box and photographed."""

    shot = 0
    started = time.monotonic()

    def __init__(self, browser, server: Server, viewport: dict, who: str):
        self.visit = Visit(browser, server, viewport)
        self.page: Page = self.visit.page
        self.who = who
        self.phone = viewport is PHONE

    def idle(self) -> None:
        for _ in range(2):  # a rerun may start just after the previous one reported idle
            self.page.wait_for_timeout(300)
            self.visit.wait_idle()

    def done(self, name: str) -> None:
        self.idle()
        expect(self.page.locator(EXCEPTION)).to_have_count(0)
        errors = self.page.locator(ERROR_BOX)
        assert not errors.count(), f"{self.who}: an error box at step {name}: {errors.all_inner_texts()}"
        if self.phone:
            width = self.page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= PHONE["width"] + 1, f"{self.who}: {name} scrolls sideways on a phone: {width} px"
        Person.shot += 1
        self.visit.screenshot(SHOTS.format(Person.shot, f"{self.who}-{name}"))
        print(f"{time.monotonic() - Person.started:5.1f} s: {self.who}: {name}")

    def sign_in_to_testing(self, username: str) -> None:
        """Sign in, open the testing page from the sidebar; on a phone, close the sidebar that lies over it."""
        page = self.visit.open(username)
        if self.phone:
            page.locator(SIDEBAR_OPEN).first.click()
        page.locator('[data-testid="stSidebarNav"] a[href$="/testing"]').first.click()
        expect(page.locator("h1").first).to_have_text(zh("testing.title"), timeout=WAIT_MS)
        self.idle()
        if self.phone:
            for _ in range(10):  # it may still be sliding in
                if page.locator(SIDEBAR_OPEN).first.is_visible():
                    break
                if page.locator(SIDEBAR_CLOSE).first.is_visible():
                    page.locator(SIDEBAR_CLOSE).first.click(force=True)
                page.wait_for_timeout(300)

    def section(self, key: str) -> None:
        self.page.locator(SECTIONS).first.locator("button").filter(has_text=zh(f"testing.tab.{key}")).first.click()
        self.idle()

    def see(self, text: str, exact: bool = False) -> None:
        expect(self.page.get_by_text(text, exact=exact).first).to_be_visible(timeout=WAIT_MS)

    def button(self, label: str) -> None:
        self.page.get_by_role("button", name=label, exact=True).first.click()
        self.idle()

    def keyed(self, key: str) -> None:
        self.page.locator(f".st-key-{key} button").first.click()
        self.idle()

    def type(self, label: str, text: str, keys: bool = False) -> None:
        """Fill a text box and press Enter; `keys` types key by key, as a barcode scanner does."""
        box = self.page.get_by_label(label, exact=True).first
        box.fill("")
        if keys:
            box.press_sequentially(text, delay=20)
        else:
            box.fill(text)
        box.press("Enter")
        self.idle()

    def pick(self, label: str, option: str | None = None, index: int | None = None) -> None:
        """Choose in a select box by the option's text, or by its place in the list."""
        box = self.page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
        box.click()
        options = self.page.get_by_role("option")
        if option is not None:
            box.locator("input").fill(option)
            options = self.page.get_by_role("option", name=option, exact=True)
            options.first.click()
        else:
            options.nth(index).click()
        self.idle()

    def chosen(self, label: str):
        """A select box, by its label: its value is what it shows chosen."""
        return self.page.get_by_role("combobox", name=label, exact=True).first

    def metric(self, label: str) -> str:
        card = self.page.locator('[data-testid="stMetric"]').filter(has_text=label).first
        return card.locator('[data-testid="stMetricValue"]').inner_text().strip()

    def close(self) -> None:
        self.visit.close()


def number(shown: str) -> int:
    return int(shown.replace(",", "").strip())


def sampled_figures(person: Person) -> tuple[int, int]:
    """The progress section's "sampled / expected" card as two numbers."""
    value = person.metric(zh("testing.sampled"))
    done, expected = (number(part) for part in value.split("/"))
    return done, expected


def test_a_whole_round_from_plan_to_released(browser, server: Server, community_db, record_property):
    record_property("screenshots", str(screenshot_dir()))
    database, known = community_db
    leader = Person(browser, server, DESKTOP, "leader")
    grid = Person(browser, server, PHONE, "grid1")
    desk_a = Person(browser, server, PHONE, "deskA")
    try:
        _plan(leader, known)
        _grid_sees_the_plan(grid, known)
        _desk_a_records(desk_a, known)
        desk_a.close()  # the phone is lost with T1 still open on it
        _desk_b_seals(grid, known)
        _progress_agrees(leader, grid, known)
        _positive_to_released(leader, known)
    finally:
        for person in (leader, grid, desk_a):
            try:
                person.close()
            except Exception:  # noqa: BLE001 - desk A's context is already closed
                pass
    stop(server.process)
    _database_agrees(database, known)


def _plan(leader: Person, known: Community) -> None:
    page = leader.page
    with leader.visit.explained():
        leader.sign_in_to_testing("leader")
        leader.see(zh("testing.no_round"))
        leader.done("no-round-yet")

        # A new round starting now (the form's default start), with the default tube of ten.
        page.get_by_label(zh("testing.round_name")).fill(ROUND_NAME)
        leader.button(zh("testing.create_round"))
        expect(leader.chosen(zh("testing.round"))).to_have_value(re.compile(re.escape(ROUND_NAME)))
        leader.done("round-created")

        for site in known.sites:
            leader.pick(zh("testing.site_at"), site)
            leader.button(zh("testing.add_site"))  # the sites' table is a canvas: desk A reads them back
        leader.done("two-sites")

        # The plan is a proposal first; confirming writes it as version 1.
        leader.button(zh("testing.make_plan"))
        leader.see(zh("testing.proposal"))
        new_people = leader.metric(zh("testing.proposal_new"))
        assert number(new_people) > 0, new_people
        leader.done("proposal")
        leader.button(zh("testing.confirm_plan"))
        saved = page.locator(SUCCESS_BOX).filter(has_text=re.compile(r"计划已保存为第 1 版")).first
        expect(saved).to_be_visible(timeout=WAIT_MS)
        planned = re.search(r"(\d+) 人", saved.inner_text().replace(",", ""))
        assert planned and int(planned.group(1)) == number(new_people), (new_people, saved.inner_text())
        expect(page.get_by_role("button", name=zh("testing.replan"), exact=True)).to_be_visible()
        leader.see(zh("testing.plan"), exact=True)
        leader.done("plan-confirmed")

        # The call-down sheets: the workbook and the printable page with a QR code per household.
        expect(page.get_by_role("button", name=zh("testing.call_down"))).to_be_visible()
        with page.expect_download(timeout=WAIT_MS) as download:
            page.get_by_role("button", name=zh("sheets.print")).click()
        html = Path(download.value.path()).read_text(encoding="utf-8")
        assert ROUND_NAME in html
        assert html.count("<svg") >= 100, html.count("<svg")  # one per household called down
        assert household_code(known.by_code.household_id) in html  # the code the desk will scan
        assert f">{known.by_code.room}<" in html or known.by_code.room in html
        leader.done("call-down-downloaded")


def _grid_sees_the_plan(grid: Person, known: Community) -> None:
    page = grid.page
    with grid.visit.explained():
        grid.sign_in_to_testing("grid1")
        grid.see(zh("testing.plan_by_owner"))
        grid.see(zh("testing.plan"), exact=True)
        for label in (zh("testing.make_plan"), zh("testing.replan"), zh("testing.confirm_plan")):
            expect(page.get_by_role("button", name=label, exact=True)).to_have_count(0)
        expect(page.get_by_role("button", name=zh("sheets.print"))).to_be_visible()
        grid.done("sees-plan-no-button")


def _desk_a_records(desk: Person, known: Community) -> None:
    page = desk.page
    with desk.visit.explained():
        desk.sign_in_to_testing("leader")
        desk.section("desk")
        desk.page.locator('[data-testid="stSelectbox"]').filter(has_text=zh("testing.site")).first.click()
        sites = [zh("testing.site_name", building=site) for site in known.sites]
        expect(page.get_by_role("option")).to_have_text(sites)  # the two the leader added, in that order
        page.get_by_role("option", name=sites[0], exact=True).click()
        desk.idle()
        desk.type(zh("testing.tube_code"), TUBE)
        desk.keyed("open_tube")
        in_hand = lambda n: zh("testing.tube_in_hand", code=TUBE, n=n, cap=POOL).replace("**", "")  # noqa: E731
        desk.see(in_hand(0))
        # The site's open tubes rerun on their own; opening one here reruns them too, or they said "none".
        expect(page.get_by_text(zh("testing.no_open_tubes"))).to_have_count(0)
        desk.done("tube-opened")

        # By room: typed as the person at the table says it.
        flat = known.by_room
        desk.type(zh("testing.find"), flat.typed)
        if page.get_by_text(zh("testing.which_compound")).count():  # the room is in two compounds: which first
            page.locator(".st-key-desk_compound button").filter(has_text=flat.compound).first.click()
            desk.idle()
        expect(page.locator(f".st-key-sample_{flat.residents[0]} button")).to_be_visible()
        desk.done("found-by-room")
        desk.keyed(f"sample_{flat.residents[0]}")
        desk.see(zh("testing.done", tube=TUBE))
        desk.see(in_hand(1))
        desk.done("recorded-by-room")

        # By the household's printed code, as the scanner types it: everyone at home, one tap each.
        household = known.by_code
        desk.type(zh("testing.find"), household_code(household.household_id), keys=True)
        for resident in household.residents:
            desk.keyed(f"sample_{resident}")
            # The tube holds the first flat's stairwell: the desk asks once before mixing, and the test goes on.
            if page.locator(".st-key-advice_go_on button").count():
                desk.done("asked-before-mixing-stairwells")
                desk.keyed("advice_go_on")
        expect(page.get_by_text(zh("testing.done", tube=TUBE), exact=True)).to_have_count(len(household.residents))
        desk.see(in_hand(known.people))
        desk.done("recorded-by-code")


def _desk_b_seals(grid: Person, known: Community) -> None:
    page = grid.page
    with grid.visit.explained():
        grid.section("desk")
        grid.pick(zh("testing.site"), zh("testing.site_name", building=known.sites[0]))
        grid.see(zh("testing.open_tubes"), exact=True)
        expect(page.locator(".st-key-desk_open_tube input")).to_have_value(TUBE)
        grid.done("sees-lost-tube")
        grid.keyed("close_open_tube")
        grid.see(zh("testing.no_open_tubes"))
        grid.done("lost-tube-sealed")


def _progress_agrees(leader: Person, grid: Person, known: Community) -> None:
    with grid.visit.explained():
        grid.section("progress")
        done, grid_expected = sampled_figures(grid)
        assert done == known.people, (done, known.people)  # both flats are in grid 1
        grid.done("progress")
    with leader.visit.explained():
        leader.section("progress")
        done, expected = sampled_figures(leader)
        assert done == known.people, (done, known.people)
        assert grid_expected < expected, (grid_expected, expected)  # the grid worker sees their grid only
        leader.done("progress")


def _positive_to_released(leader: Person, known: Community) -> None:
    page = leader.page
    people, households = known.people, 2
    stairwells = len({known.by_room.stairwell_id, known.by_code.stairwell_id})
    with leader.visit.explained():
        leader.section("results")
        form = page.locator('[data-testid="stForm"]').filter(
            has=page.get_by_role("button", name=zh("testing.save_result")))
        form.get_by_label(zh("testing.tube_code")).fill(TUBE)
        form.get_by_text(zh("testing.positive"), exact=True).click()
        leader.button(zh("testing.save_result"))
        leader.see(zh("testing.result_saved", code=TUBE))
        leader.done("positive-entered")

        leader.type(zh("testing.positive_tube"), TUBE)
        leader.see(zh("testing.traced", people=people, households=households, stairwells=stairwells))
        leader.done("traced")
        leader.button(zh("testing.act"))
        leader.see(zh("testing.acted", households=households, people=people, measures=people,
                      already_under_measure=0, retests=people))
        leader.done("acted-on")

        # The re-test list counts the tube's people, all waiting; a negative for each releases their flat.
        leader.see(zh("testing.retest_list"), exact=True)
        assert leader.metric(zh("testing.retest_people")) == str(people)
        assert leader.metric(zh("testing.retest_waiting")) == str(people)
        leader.done("retest-list")
        # Each save says what it did: the flat released (how many people), or still waiting for its others.
        said = {key: re.compile(re.escape(nt(key, 7, "zh")).replace("7", r"(\d+)"))
                for key in ("testing.retest_released", "testing.retest_flat_waits")}
        outcomes = []
        for index in range(people):
            leader.pick(zh("testing.retest_person"), index=index)
            leader.button(zh("testing.save_retest"))
            message = page.locator(SUCCESS_BOX).first
            expect(message).to_be_visible(timeout=WAIT_MS)
            text = message.inner_text()
            found = [(key, int(m.group(1))) for key, pattern in said.items() if (m := pattern.search(text))]
            assert len(found) == 1, text
            outcomes.append(found[0])
            leader.done(f"retest-{index + 1}")
        released = sorted(n for key, n in outcomes if key == "testing.retest_released")
        assert released == sorted([len(known.by_room.residents), len(known.by_code.residents)]), outcomes
        waited = sorted(n for key, n in outcomes if key == "testing.retest_flat_waits")
        assert waited == list(range(1, len(known.by_code.residents))), outcomes  # never "released 0 people"
        assert leader.metric(zh("testing.retest_waiting")) == "0"
        assert leader.metric(zh("testing.negative")) == str(people)
        leader.done("all-released")


def _database_agrees(database: Path, known: Community) -> None:
    """What the pages said, in the file: the samples, the sealed positive tube, the measures made and released."""
    residents = known.residents
    with duckdb.connect(str(database), read_only=True) as con:
        samples = con.execute("SELECT count(*) FROM sample").fetchone()[0]
        assert samples == known.people
        tube = con.execute("SELECT closed_at IS NOT NULL, result, opened_by FROM tube WHERE code = $c",
                           {"c": TUBE}).fetchone()
        assert tube == (True, "positive", "leader"), tube
        sealed_by = con.execute("SELECT username FROM audit_log WHERE action = 'tube_closed'").fetchall()
        assert sealed_by == [("grid1",)], sealed_by  # the other desk, not the phone that opened it
        measures = con.execute("""
            SELECT m.resident_id, m.category, m.released_at IS NOT NULL FROM control_measure m
            JOIN tube_measure USING (measure_id) JOIN tube t USING (tube_id)
            WHERE t.code = $c ORDER BY m.resident_id""", {"c": TUBE}).fetchall()
        assert measures == [(r, "home_isolation", True) for r in sorted(residents)], measures
        events = con.execute("""
            SELECT e.resident_id, e.kind, e.reason FROM measure_event e
            JOIN tube_measure USING (measure_id) JOIN tube t USING (tube_id)
            WHERE t.code = $c ORDER BY e.resident_id, e.event_id""", {"c": TUBE}).fetchall()
        assert events == [row for r in sorted(residents) for row in
                          ((r, "created", "positive_tube"), (r, "released", "negative_retest"))], events
