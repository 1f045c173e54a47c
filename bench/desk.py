"""Benchmark: server CPU per person at a sampling desk (find by room, then the tap that records), as figures only.

Run `python -m bench.desk [--residents 15000] [--people 200] [--seed 42] [--apptest 30] [--browser 40]`.
The demo community is built, one round with one site is opened, and each person is found by their flat as a desk
types it (3-2-1502), then sampled into the tube in hand (a new tube every pool). CPU is the process's
(time.process_time), so a loaded machine's other work is not counted; the issue's target is 100 ms per person.

The first figures call the domain functions the desk section calls (the page's rendering left out). With
--apptest the same is done through the testing page under Streamlit's AppTest, as a signed-in leader: the find is
typing into the box, the record the tap. AppTest reruns the whole page where a browser reruns only the desk's
fragment, so these figures are an upper bound of what a desk costs.

With --browser the same is done in headless Chromium against `streamlit run app.py`, as a desk would:
typing the flat and pressing Enter, then tapping 采样. The CPU is the server process's own (utime + stime from
/proc), so the browser's work is not counted; this is the figure that decides how many desks one server carries.
People come flat by flat in stairwell order: the flat is typed once and its people tapped from the rows shown, so
"per person" is the tap plus, for a flat's first person, the search. A tap the desk has to confirm (the tube would
mix stairwells or split a flat) is counted apart.
"""

import argparse
import os
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench.overview import machine
from resilient.core import db
from resilient.core.accounts import User
from resilient.core.scope import EVERYTHING
from resilient.demo import generator as demo
from resilient.testing import desk
from resilient.testing import rounds as testing

ADMIN = User(1, "admin", "管理员", "street_admin")
TODAY = datetime(2026, 11, 23).date()


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(residents: int, people: int, seed: int) -> dict[str, list[float]]:
    """CPU milliseconds of each find, each record, and both, for `people` people of a fresh demo community."""
    con = db.connect(":memory:")
    demo.generate(con, residents=residents, seed=seed, as_of=TODAY)
    round_id = testing.create_round(con, ADMIN, 1, "bench", TODAY, datetime(2026, 11, 23, 6), pool_size=10,
                                    now=datetime(2026, 11, 23, 6))
    site = testing.add_site(con, ADMIN, round_id, "site", None, None, desks=4, building_id=1)
    everyone = testing.eligible_people(con, EVERYTHING, round_id, TODAY)
    sampled = everyone[everyone["mode"] == "site"].sample(n=people, random_state=seed)
    finds, advice, records = [], [], []
    for k, person in enumerate(sampled.itertuples()):
        if k % 10 == 0:
            desk.open_tube(con, ADMIN, round_id, f"B{k:05d}", site)
        query = f"{person.building.removesuffix('栋')}-{person.unit_no}-{person.room}"
        start = time.process_time()
        found = desk.find_people(con, EVERYTHING, round_id, query, TODAY)
        middle = time.process_time()
        code = f"B{k - k % 10:05d}"   # the tap asks first (part of record): would the swab mix stairwells?
        desk.tube_advice(con, EVERYTHING, round_id, code, int(person.resident_id), found)
        asked = time.process_time()
        desk.add_sample(con, ADMIN, round_id, code, int(person.resident_id), site)
        end = time.process_time()
        assert int(person.resident_id) in set(found["resident_id"])
        finds.append(1000 * (middle - start))
        advice.append(1000 * (asked - middle))
        records.append(1000 * (end - middle))
    con.close()
    return {"find": finds, "  tube advice": advice, "record": records,
            "find + record": [f + r for f, r in zip(finds, records)]}


def _demo_round(path: Path, residents: int, seed: int):
    """The demo community in a file, one round with one site opened by its leader: (connection, leader, round,
    site, the people who come to a site, each with their compound)."""
    from resilient.core import accounts
    from resilient.demo import database as demo_database

    demo_database.ensure_database(path, residents=residents, seed=seed)
    con = db.connect(path)
    leader = accounts._user(accounts._row(con, "user_by_username", username="leader"))
    day = datetime.fromisoformat(con.execute("SELECT value FROM meta WHERE key = 'demo_as_of'").fetchone()[0])
    round_id = testing.create_round(con, leader, 1, "bench", day.date(), day, now=day)
    site = testing.add_site(con, leader, round_id, "site", None, None, desks=4, building_id=1)
    everyone = testing.eligible_people(con, EVERYTHING, round_id, day.date())
    compounds = testing.stairwell_names(con, EVERYTHING).set_index("stairwell_id")["compound"]
    walkers = everyone[everyone["mode"] == "site"]
    return con, leader, round_id, site, walkers.assign(compound=walkers["stairwell_id"].map(compounds))


def measure_page(residents: int, people: int, seed: int) -> dict[str, list[float]]:
    """The same through the testing page under AppTest (the whole page reruns: an upper bound)."""
    from streamlit.testing.v1 import AppTest

    from resilient.demo import database as demo_database

    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "community.duckdb"
        con, leader, round_id, site, walkers = _demo_round(path, residents, seed)
        chosen = walkers.drop_duplicates("household_id")
        chosen = chosen.sample(n=min(people, len(chosen)), random_state=seed)
        for k in range(0, len(chosen), 10):
            desk.open_tube(con, leader, round_id, f"B{k:05d}", site)
        con.close()
        os.environ["RC_DB_PATH"] = str(path)
        at = AppTest.from_file(str(root / "app.py"), default_timeout=120)
        at.run()
        next(t for t in at.text_input if t.label == "用户名").input("leader")
        next(t for t in at.text_input if t.label == "密码").input(demo_database.DEMO_PASSWORD)
        at.button[0].click().run()
        at.switch_page("views/maps/testing.py").run()
        next(g for g in at.get("button_group") if g.key == "testing_section").set_value("desk").run()
        finds, records = [], []
        for k, person in enumerate(chosen.itertuples()):
            if k % 10 == 0:
                at.text_input(key="desk_tube_code").input(f"B{k:05d}").run()
                at.session_state["desk_tube"] = f"B{k:05d}"
            query = f"{person.compound}{person.building}{person.unit_no}单元{person.room}"
            start = time.process_time()
            at.text_input(key="desk_find").input(query).run()
            middle = time.process_time()
            at.button(key=f"sample_{int(person.resident_id)}").click().run()
            end = time.process_time()
            assert not at.exception, at.exception
            finds.append(1000 * (middle - start))
            records.append(1000 * (end - middle))
    return {"find": finds, "record": records, "find + record": [f + r for f, r in zip(finds, records)]}


def _server_cpu_ms(pid: int) -> float:
    """The process's user + system CPU so far, in ms (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return 1000 * (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_browser(residents: int, people: int, seed: int) -> dict[str, list[float]]:
    """Find and record through a real browser; the server process's CPU per step (the desk reruns as a fragment)."""
    from playwright.sync_api import expect, sync_playwright

    from resilient.core.i18n import t
    from resilient.demo import database as demo_database
    from tests.browser.harness import APP_IDLE, CHROMIUM, CHROMIUM_ARGS, DESKTOP, running_app

    def zh(key: str) -> str:
        return t(key, "zh")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "community.duckdb"
        con, _, _, _, walkers = _demo_round(path, residents, seed)
        queue = walkers.sort_values(["stairwell_id", "household_id", "resident_id"]).head(people)
        con.close()
        finds, records, asked, flats, last_flat = [], [], [], [], None
        with running_app(path, Path(folder)) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
            page.set_default_timeout(60_000)
            pid = server.process.pid

            def idle() -> None:
                for _ in range(2):  # a rerun may start just after the previous one reported idle
                    page.wait_for_timeout(150)
                    page.wait_for_selector(APP_IDLE)

            page.goto(server.url)
            page.get_by_label("用户名").fill("leader")
            page.get_by_label("密码").fill(demo_database.DEMO_PASSWORD)
            page.get_by_role("button", name="登录", exact=True).click()
            idle()
            page.locator('[data-testid="stSidebarNav"] a[href$="/testing"]').first.click()
            idle()
            page.locator('[data-testid="stButtonGroup"]').first.locator("button").filter(
                has_text=zh("testing.tab.desk")).first.click()
            idle()
            for k, person in enumerate(queue.itertuples()):
                if k % 10 == 0:
                    box = page.get_by_label(zh("testing.tube_code"), exact=True).first
                    box.fill(f"B{k:05d}")
                    box.press("Enter")
                    idle()
                    page.locator(".st-key-open_tube button").first.click()
                    idle()
                button = page.locator(f".st-key-sample_{int(person.resident_id)} button")
                box = page.get_by_label(zh("testing.find"), exact=True).first
                before = _server_cpu_ms(pid)
                flat = f"{person.compound}{person.building}{person.unit_no}单元{person.room}"
                if box.input_value() != flat:  # the flat's next person is tapped from the rows already shown
                    box.fill(flat)
                    box.press("Enter")
                expect(button).to_be_visible()
                idle()
                middle = _server_cpu_ms(pid)
                if flat != last_flat:
                    flats.append(middle - before)
                last_flat = flat
                button.click()
                idle()
                after = _server_cpu_ms(pid)
                go_on = page.locator(".st-key-advice_go_on button")
                if go_on.count():
                    go_on.first.click()
                    idle()
                    asked.append(_server_cpu_ms(pid) - middle)
                    after = _server_cpu_ms(pid)
                expect(page.locator(f".st-key-sample_{int(person.resident_id)} button")).to_have_count(0)
                finds.append(middle - before)
                records.append(after - middle)
            browser.close()
    figures = {f"find ({len(flats)} flats)": flats, "record": records,
               "per person": [f + r for f, r in zip(finds, records)]}
    if asked:
        figures[f"  asked first ({len(asked)})"] = asked
    return figures


def _print(title: str, figures: dict[str, list[float]]) -> None:
    print(f"{title:<70}median     p95")
    for label, values in figures.items():
        print(f"  {label:<16}{statistics.median(values):>62.1f}{_p95(values):>8.1f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=15_000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--apptest", type=int, default=0, help="people to sample through the page (0: none)")
    parser.add_argument("--browser", type=int, default=0,
                        help="people to sample in headless Chromium against a running server (0: none)")
    args = parser.parse_args(argv)
    print(machine())
    _print(f"desk CPU per person, domain, {args.people} of {args.residents:,} residents (ms)",
           measure(args.residents, args.people, args.seed))
    if args.apptest:
        _print(f"desk CPU per person, AppTest page, {args.apptest} people (ms)",
               measure_page(args.residents, args.apptest, args.seed))
    if args.browser:
        _print(f"desk CPU per person, server process, real browser, {args.browser} people (ms)",
               measure_browser(args.residents, args.browser, args.seed))


if __name__ == "__main__":
    main()
