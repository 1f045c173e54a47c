"""Several sampling desks at once in a real browser: each page its own session, signed in, recording samples on
the testing page's desk at the same moment; afterwards the database file holds each sample exactly once.

Uses the `server` of tests/browser/test_browser.py (its own `streamlit run` on a demo database) and `browser`.
"""

import duckdb
from playwright.sync_api import expect

from tests.browser.harness import EXCEPTION, PHONE, WAIT_MS, Visit, screenshot_dir, stop
from tests.browser.test_browser import browser, server  # noqa: F401

PAGES = 5
PER_PAGE = 4  # samples each desk records
ACCOUNTS = ["leader", "admin"]  # both may record in community 1; two desks share one account too
FIRST_ID = 2_000  # residents the seeded round has not sampled (it sampled buildings 1-6), tried in turn
DONE = "已采"


def open_desk(visit: Visit, k: int) -> None:
    """Sign in, go to the testing page's desk and open this desk's own tube."""
    page = visit.open(ACCOUNTS[k % len(ACCOUNTS)])
    page.locator('[data-testid="stSidebarCollapsedControl"] button, [data-testid="stExpandSidebarButton"]') \
        .first.click()
    visit.go("testing")
    close = page.locator('[data-testid="stSidebarCollapseButton"] button, [data-testid="stSidebarCollapseButton"]')
    if close.first.is_visible():
        close.first.click()
    page.locator('[data-testid="stButtonGroup"] button').filter(has_text="采样登记").first.click()
    visit.wait_idle()
    page.get_by_label("试管编号").fill(f"B{k}")
    page.get_by_label("试管编号").press("Enter")
    visit.wait_idle()
    page.locator(".st-key-open_tube button").click()
    visit.wait_idle()
    expect(page.get_by_text(f"B{k}").first).to_be_visible(timeout=WAIT_MS)


def find(visit: Visit, resident_id: int) -> None:
    box = visit.page.get_by_label("查找居民：房号、手机尾号或扫码")
    box.fill(f"R{resident_id}")
    box.press("Enter")


def all_idle(visits: list[Visit]) -> None:
    for visit in visits:
        visit.wait_idle()


def test_several_desks_record_at_once_and_every_sample_counts_once(browser, server):  # noqa: F811
    visits = [Visit(browser, server, PHONE) for _ in range(PAGES)]
    clicked: dict[int, list[int]] = {k: [] for k in range(PAGES)}
    try:
        for k, visit in enumerate(visits):
            with visit.explained():
                open_desk(visit, k)
        candidates = {k: iter(range(FIRST_ID + k * 100, FIRST_ID + (k + 1) * 100)) for k in range(PAGES)}
        while any(len(clicked[k]) < PER_PAGE for k in range(PAGES)):
            waiting = [k for k in range(PAGES) if len(clicked[k]) < PER_PAGE]
            looked_up = {k: next(candidates[k]) for k in waiting}
            for k, rid in looked_up.items():  # every desk types at once ...
                find(visits[k], rid)
            all_idle([visits[k] for k in waiting])
            for k, rid in looked_up.items():  # ... and taps at once, without waiting for its own answer
                button = visits[k].page.locator(f".st-key-sample_{rid} button")
                if button.count():  # someone excluded or already sampled has no button: try the next one
                    button.click()
                    clicked[k].append(rid)
            all_idle([visits[k] for k in waiting])
        # One person tapped at two desks at the same moment: one desk records them, the other is told.
        contested = None
        for rid in range(FIRST_ID - 1, FIRST_ID - 50, -1):
            for k in (0, 1):
                find(visits[k], rid)
            all_idle(visits[:2])
            if all(visits[k].page.locator(f".st-key-sample_{rid} button").count() for k in (0, 1)):
                contested = rid
                break
        assert contested is not None, f"no one left to sample below resident R{FIRST_ID}"
        for k in (0, 1):
            visits[k].page.locator(f".st-key-sample_{contested} button").click()
        all_idle(visits[:2])
        for k, visit in enumerate(visits):
            with visit.explained():
                for rid in clicked[k]:
                    find(visit, rid)
                    visit.wait_idle()
                    expect(visit.page.get_by_text(f"{DONE}（B{k}）").first).to_be_visible(timeout=WAIT_MS)
                expect(visit.page.locator(EXCEPTION)).to_have_count(0)
        visits[0].screenshot("08-several-desks.png")
    finally:
        for visit in visits:
            visit.close()

    stop(server.process)  # the server holds DuckDB's file lock; the file is read once it has gone
    with duckdb.connect(str(server.database), read_only=True) as con:
        rows = con.execute("""SELECT t.code, s.resident_id FROM sample s JOIN tube t USING (tube_id)
                              WHERE t.code LIKE 'B%'""").fetchall()
        counts = con.execute("SELECT code, samples FROM tube WHERE code LIKE 'B%'").fetchall()
    recorded = [rid for _, rid in rows]
    assert sorted(recorded) == sorted([rid for k in clicked for rid in clicked[k]] + [contested])
    assert len(set(recorded)) == len(recorded)  # nobody twice, the contested one included
    by_tube = {code: [rid for c, rid in rows if c == code] for code, _ in counts}
    for k in range(PAGES):
        assert set(clicked[k]) <= set(by_tube[f"B{k}"])
    assert {code: n for code, n in counts} == {code: len(ids) for code, ids in by_tube.items()}
    print(f"screenshots: {screenshot_dir()}")
