"""One printable A4 page per building (issue 14, item 3): cards and QR codes sized from the household count, a
QR never below what a phone reads, and honest pages (第 n/m 页) for a building too large even then."""

import re

import pandas as pd
import pytest

from resilient.testing import printout, sheets
from resilient.testing.codes import household_code
from tests.testing import test_sheets
from tests.testing.test_sheets import book_of

pytestmark = pytest.mark.both_backends

planned = test_sheets.planned  # the demo round the sheets' tests plan, as this module's fixture


def used_height(plan: printout.Layout, cards: int, page: int) -> float:
    rows = -(-cards // plan.columns)
    head = plan.header_h if page == 0 else printout.NEXT_TITLE_H
    return head + rows * (plan.card_h + printout.GAP)


def pages_of(page: str) -> list[str]:
    return re.findall(r'<div class="page">.*?(?=<div class="page">|</section>)', page)


def test_each_building_takes_the_fewest_a4_pages_at_a_scannable_size(planned):
    book = book_of(planned)
    page = sheets.html(book, "zh")
    counts = printout.page_counts(book)
    assert len(pages_of(page)) == counts.sum()
    homes = book.households.groupby("building_id").size()
    for building, n in homes.items():
        groups = int((book.groups["building_id"] == building).sum())
        sites = book.groups.loc[book.groups["building_id"] == building, "site"].nunique()
        plan = printout.layout(int(n), groups, sites)
        assert printout.QR_MIN <= plan.qr <= printout.QR_MAX and plan.card_w >= plan.qr + printout.TEXT_MIN
        left = int(n)
        for p in range(plan.pages):
            on_page = min(left, plan.per_page(p))
            assert 0 < on_page and used_height(plan, on_page, p) <= printout.HEIGHT + printout.GAP
            left -= on_page
        assert left == 0
        if plan.pages > 1:   # only when even the smallest QR leaves too many for one page
            assert plan.qr == printout.QR_MIN and n > plan.per_page(0)
    # the demo's buildings of up to 70 flats, most of them, are one page each at a QR above the minimum
    small = homes[homes <= 70]
    assert len(small) >= len(homes) * 0.8 and (counts.loc[small.index] == 1).all()


def test_every_household_code_appears_exactly_once(planned):
    book = book_of(planned)
    page = sheets.html(book, "zh")
    assert page.count("<svg") == len(book.households)
    for code in book.households["code"]:
        assert page.count(f'<div class="code">{code}</div>') == 1
    assert page.count("page-break-after: always") == 1 and "@page { size: A4" in page


def test_the_header_names_round_date_site_and_each_group(planned):
    book = book_of(planned)
    building = book.buildings().iloc[0]
    _, pages = printout.building_pages(book, building, "zh")
    first = pages[0]
    groups = book.groups[book.groups["building_id"] == building["building_id"]]
    assert book.round_name in first and "2026年11月23日" in first
    assert first.count("单元 第") == len(groups) and all(str(s) in first for s in groups["site"])


def synthetic(n: int) -> sheets.CallDown:
    slot = pd.Timestamp("2026-11-23 06:00")
    groups = pd.DataFrame({"compound": "A苑", "building": "9栋", "building_id": 9, "unit_no": [1 + g // 5 for g in
                           range(-(-n // 20))], "stairwell_id": 90, "group_no": 1, "site": "广场",
                           "slot_start": slot, "slot_end": slot + pd.Timedelta(minutes=5), "people": 20,
                           "floors": "1–3", "rooms": "101、302"})
    groups["group_no"] = range(1, len(groups) + 1)
    households = pd.DataFrame({
        "compound": "A苑", "building": "9栋", "building_id": 9, "unit_no": 1, "stairwell_id": 90,
        "group_no": [1 + i // 20 for i in range(n)], "site": "广场", "slot_start": slot,
        "slot_end": slot + pd.Timedelta(minutes=5), "group": [i // 20 for i in range(n)],
        "household_id": range(1, n + 1), "floor": [1 + i // 8 for i in range(n)],
        "room": [f"{1 + i // 8}{i % 8 + 1:02d}" for i in range(n)], "names": "王*", "people": 2,
        "code": [household_code(i) for i in range(1, n + 1)], "tube": [1 + i // 5 for i in range(n)],
        "tube_last": [1 + i // 5 for i in range(n)]})
    return sheets.CallDown("第1轮", groups, households, 1)


def test_a_200_household_building_says_which_page_of_how_many():
    book = synthetic(200)
    plan = printout.layout(200, len(book.groups))
    assert plan.qr == printout.QR_MIN and plan.pages == 3
    page = sheets.html(book, "zh")
    pages = pages_of(page)
    assert len(pages) == 3
    for number, text in enumerate(pages, start=1):
        assert f"第 {number}/3 页" in text
        assert text.count('<div class="card">') == min(plan.per_page(number - 1), 200 - sum(
            plan.per_page(p) for p in range(number - 1)))
    assert sum(text.count('<div class="card">') for text in pages) == 200
    assert "第 1/1 页" not in sheets.html(synthetic(40), "zh")  # one page says nothing of pages
    assert printout.layout(40, 2).qr > printout.QR_MIN           # and its QR codes grow to use the room
