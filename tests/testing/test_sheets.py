"""Call-down sheets a building leader can work from: who comes down when, where, in natural order, printable."""

import io
import re
from datetime import datetime, timedelta

import openpyxl
import pandas as pd
import pytest
import segno

from resilient.core import roles
from resilient.demo import database as demo_database
from resilient.testing import plans, sheets
from resilient.testing import rounds as testing
from resilient.testing.codes import household_code
from tests.conftest import TODAY
from tests.testing import demo_town as demo

pytestmark = pytest.mark.both_backends

START = datetime(2026, 11, 23, 6, 0)
ROUND = "全员核酸第1轮"


@pytest.fixture(scope="module")
def planned():
    """A demo community (two compounds, 1栋…12栋, floors to 33) with a round planned at two sites."""
    from resilient.core import db

    con = db.connect(":memory:")
    demo.generate(con, residents=3_000, seed=23, as_of=TODAY)
    users = {u.username: u for u in demo_database.create_demo_accounts(con)}
    before = START - timedelta(hours=1)
    round_id = testing.create_round(con, users["admin"], 1, ROUND, TODAY, START, pool_size=10, now=before)
    testing.add_site(con, users["admin"], round_id, "中心广场", 119.95, 31.70, desks=4)
    testing.add_site(con, users["admin"], round_id, "1栋门口", None, None, desks=2, building_id=1)
    plans.make_plan(con, users["admin"], round_id, now=before)
    yield con, users, round_id
    con.close()


def book_of(planned, username="leader"):
    con, users, round_id = planned
    return sheets.call_down(con, roles.scope_for(con, users[username], TODAY), round_id, TODAY)


def number(text) -> int:
    return int(re.search(r"\d+", text).group())


def test_buildings_and_rooms_come_in_natural_order(planned):
    book = book_of(planned)
    order = list(book.buildings()[["compound", "building"]].itertuples(index=False, name=None))
    for compound in {c for c, _ in order}:
        numbers = [number(b) for c, b in order if c == compound]
        assert numbers == sorted(numbers) and len(numbers) >= 8, numbers  # 1栋, 2栋, … 10栋, not 10栋 before 1栋
    frames = sheets.building_sheets(book, "zh")
    names = list(frames)[1:]
    assert names == [f"{c}{b}" for c, b in order]
    for _, rows in book.households.groupby(["building_id", "stairwell_id", "group_no"]):
        keys = list(zip(rows["floor"], rows["room"].map(number)))
        assert keys == sorted(keys)  # 301 before 1201
    assert (book.households["floor"] >= 10).any() and (book.households["floor"] < 10).any()


def test_each_sheet_names_the_round_the_day_the_site_and_the_rooms(planned):
    book = book_of(planned)
    frames = sheets.building_sheets(book, "zh")
    day = "2026年11月23日"
    for name, frame in list(frames.items())[1:]:
        assert frame.attrs["title"][0] == ROUND and day in frame.attrs["title"][2], name
        assert frame["date"].eq(day).all() and frame["room"].str.len().gt(0).all()
    households = book.households
    assert households["room"].notna().all() and households["floor"].notna().all()
    assert households["people"].sum() == book.groups["people"].sum()
    groups = book.groups
    assert {"rooms", "floors", "site", "slot_start", "slot_end"} <= set(groups.columns)
    assert groups["rooms"].str.len().gt(0).all()


def test_the_summary_is_in_time_order(planned):
    book = book_of(planned)
    summary = sheets.summary(book, "zh")
    starts = book.groups.loc[summary.index, "slot_start"]
    assert starts.is_monotonic_increasing
    assert summary["date"].eq("2026年11月23日").all()
    assert summary["slot"].str.match(r"^\d\d:\d\d–\d\d:\d\d$").all()


def test_names_are_masked_and_aggregate_viewers_see_no_households(planned):
    con, _, round_id = planned
    full = {r[0] for r in con.execute("SELECT name FROM resident").fetchall()}
    book = book_of(planned, "leader")
    names = [n for cell in book.households["names"] for n in cell.split("、") if n]
    assert names and all("*" in n for n in names)
    assert not set(names) & {n for n in full if len(n) > 1}
    viewer = book_of(planned, "viewer")
    assert viewer.households.empty
    assert "names" not in sheets.summary(viewer, "zh").columns or sheets.summary(viewer, "zh")["names"].eq("").all()


def test_the_printable_page_has_a_section_per_building_and_a_qr_per_household(planned):
    book = book_of(planned)
    page = sheets.html(book, "zh")
    assert "@page { size: A4" in page and "Noto Sans CJK SC" in page
    assert page.count('<section class="building"') == len(book.buildings())
    assert page.count("<svg") == len(book.households)
    first = book.households.iloc[0]
    code = household_code(int(first["household_id"]))
    assert first["code"] == code
    assert sheets.qr_svg(code) in page and f'<div class="code">{code}</div>' in page
    assert ROUND in page and "2026年11月23日" in page


def test_the_qr_code_holds_the_household_code_and_nothing_else():
    code = household_code(1234)
    svg = sheets.qr_svg(code)
    expected = segno.make(code, micro=False, error="m", mask=0)
    grid, quiet = modules_of(svg), sheets.QUIET
    assert quiet >= 2 and len(grid) == len(expected.matrix) + 2 * quiet  # a quiet zone that is part of the SVG
    assert [row[quiet:-quiet] for row in grid[quiet:-quiet]] == [[bool(v) for v in row] for row in expected.matrix]
    assert not any(any(row) for row in grid[:quiet] + grid[-quiet:])
    assert not any(any(row[:quiet]) or any(row[-quiet:]) for row in grid)
    assert code not in svg  # the code reads only from the modules (and the text under them)


def modules_of(svg: str) -> list[list[bool]]:
    """Read segno's SVG path back into the module matrix, quiet zone included (scale 1): `M x y h w m dx dy`."""
    path = re.search(r' d="([^"]+)"', svg).group(1)
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        elif op == "h":
            for i in range(int(float(a))):
                grid[int(y)][int(x) + i] = True
            x += float(a)
    return grid


def hand_made_book() -> sheets.CallDown:
    slot = pd.Timestamp("2026-11-23 06:00")
    groups = pd.DataFrame({"compound": ["=1+1"], "building": ["<i>7栋</i>"], "building_id": [7], "unit_no": [1],
                           "stairwell_id": [70], "group_no": [1], "site": ["<script>x</script>"],
                           "slot_start": [slot], "slot_end": [slot + pd.Timedelta(minutes=10)], "people": [3],
                           "floors": ["3"], "rooms": ["301"]})
    households = groups[["compound", "building", "building_id", "unit_no", "stairwell_id", "group_no", "site",
                         "slot_start", "slot_end"]].assign(
        group=[0], household_id=[5], floor=[3], room=["301"], names=["<b>王*</b>、=1+1"], people=[3],
        code=[household_code(5)])
    return sheets.CallDown("<u>第1轮</u>", groups, households)


def test_names_and_places_are_text_in_the_page_and_in_the_workbook():
    book = hand_made_book()
    page = sheets.html(book, "en")
    assert "&lt;b&gt;王*&lt;/b&gt;" in page and "<b>王" not in page
    assert "&lt;script&gt;" in page and "<script>" not in page and "<i>7栋" not in page and "<u>" not in page
    workbook = openpyxl.load_workbook(io.BytesIO(sheets.workbook(book, "en")))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert cells and all(cell.data_type == "s" for cell in cells)
    values = {cell.value for cell in cells}
    assert "=1+1" in values and "<b>王*</b>、=1+1" in values and "<u>第1轮</u>" in values
    assert len(workbook.sheetnames) == 2


def test_the_workbook_has_a_sheet_per_building_all_text(planned):
    book = book_of(planned)
    workbook = openpyxl.load_workbook(io.BytesIO(sheets.workbook(book, "zh")))
    assert len(workbook.sheetnames) == len(book.buildings()) + 1
    sheet = workbook[workbook.sheetnames[1]]
    assert sheet["A1"].value == ROUND
    first = book.buildings().iloc[0]
    codes = book.households.loc[book.households["building_id"] == first["building_id"], "code"]
    assert len(sheet._images) == len(codes) and [sheet.cell(6 + i, 11).value for i in range(3)] == list(codes[:3])
    tubes = book.households.loc[codes.index, "tube"]
    assert sheet.cell(5, 10).value == "管号" and [sheet.cell(6 + i, 10).value for i in range(3)] == [
        str(int(n)) for n in tubes[:3]]
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row if cell.value is not None)


def test_a_grid_worker_gets_the_sheets_of_their_cells_and_each_file_is_logged(planned):
    con, users, round_id = planned
    grid = book_of(planned, "grid1")
    leader = book_of(planned, "leader")
    assert 0 < len(grid.buildings()) < len(leader.buildings())
    mine = {r[0] for r in con.execute("""SELECT h.household_id FROM household h JOIN stairwell s USING (stairwell_id)
        JOIN building b USING (building_id) JOIN grid_cell g USING (grid_id)
        WHERE g.grid_worker_id = $staff""", {"staff": users["grid1"].staff_id}).fetchall()}
    assert set(grid.households["household_id"]) <= mine
    before = con.execute("SELECT count(*) FROM audit_log WHERE action = 'export'").fetchone()[0]
    assert sheets.export(con, users["grid1"], grid, "html", "zh").startswith(b"<!DOCTYPE html>")
    assert sheets.export(con, users["grid1"], grid, "xlsx", "zh")[:2] == b"PK"
    logged = con.execute("SELECT username, target FROM audit_log WHERE action = 'export' ORDER BY audit_id").fetchall()
    assert logged[before:] == [("grid1", f"call_down:{round_id}")] * 2


def test_building_names_sort_by_their_number_however_written():
    names = ["10栋", "图书馆", "2栋", "314号楼B座", "1栋", "314号楼A座", "三号楼", "20栋"]
    assert sorted(names, key=sheets.building_order) == ["1栋", "2栋", "三号楼", "10栋", "20栋", "314号楼A座",
                                                         "314号楼B座", "图书馆"]
    assert sorted(["1201", "301", "1002", "302"], key=sheets.natural) == ["301", "302", "1002", "1201"]


def test_a_doctor_sees_the_flats_but_names_only_of_people_under_measure(planned):
    con, _, _ = planned
    doctor = book_of(planned, "doctor")
    leader = book_of(planned, "leader")
    assert len(doctor.households) == len(leader.households)
    under = {name for (name,) in con.execute("""SELECT r.name FROM resident r JOIN control_measure m USING (resident_id)
        WHERE active_on(m.start_date, m.released_at, $day)""", {"day": TODAY}).fetchall()}
    shown = [n for cell in doctor.households["names"] for n in cell.split("、") if n]
    assert 0 < len(shown) < len([n for cell in leader.households["names"] for n in cell.split("、") if n])
    assert all("*" in n for n in shown) and len(shown) <= len(under)
