"""Every spreadsheet the app writes, made here: cells from data are text, never formulas. Every export is
audited by its caller.

openpyxl writes any string starting with `=` as a formula (and `#N/A` as an error value), so a user name typed
on the login form by someone not signed in could reach an administrator's Excel as a live HYPERLINK. Strings
are stored as strings, unchanged (no apostrophe prefix: the value reads back as the same text); numbers and
dates stay numbers and dates. tests/ops/test_exports.py fails when a module makes a spreadsheet elsewhere.
"""

import io
import math
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet


def workbook(write_only: bool = False) -> openpyxl.Workbook:
    """A new workbook; write its rows with append() and turn it into bytes with save()."""
    return openpyxl.Workbook(write_only=write_only)


def missing(value) -> bool:
    """None, NaN or NaT: an empty cell."""
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _value(value):
    """A cell's value as openpyxl stores it: missing as empty, numpy scalars as Python, others as text."""
    if missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones; the value is already the office's clock
    if isinstance(value, (bool, int, float, Decimal, date, time, timedelta)):
        return value
    return str(value)


def append(sheet, values) -> None:
    """One row at the end of the sheet, every string kept as text."""
    if isinstance(sheet, Worksheet):
        sheet.append([_value(v) for v in values])
        for cell in sheet[sheet.max_row]:
            _as_text(cell)
        return
    row = []
    for value in values:
        cell = WriteOnlyCell(sheet, _value(value))
        _as_text(cell)
        row.append(cell)
    sheet.append(row)


def _as_text(cell) -> None:
    if isinstance(cell.value, str):
        cell.data_type = "s"


def save(book: openpyxl.Workbook) -> bytes:
    """The workbook's bytes; every string cell of an ordinary workbook is made text once more first, so a cell
    set another way than append() (a title, a header) cannot become a formula either."""
    if not book.write_only:
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    _as_text(cell)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_title(name) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of : \\ / ? * [ ] (a building may be "3/4栋")."""
    return re.sub(r"[:\\/?*\[\]]", "_", str(name))[:31] or "-"


def excel_bytes(sheets: dict[str, pd.DataFrame], headers: dict[str, str]) -> bytes:
    """One workbook, a sheet per frame, columns renamed by `headers` and sized to their content."""
    book = workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(sheet_title(name))
        append(sheet, [headers.get(c, c) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False, name=None):
            append(sheet, row)
        for column in sheet.columns:
            width = max(len(str(cell.value or "")) for cell in column)
            sheet.column_dimensions[column[0].column_letter].width = min(40, 4 + 2 * width)
    return save(book)


def audited_excel(con, user, name: str, frame: pd.DataFrame, headers: dict[str, str]) -> bytes:
    """A table exactly as the page showed it (already scoped and masked), as Excel, with its audit entry."""
    from resilient.core import audit, db

    data = excel_bytes({name: frame}, headers)
    with db.transaction(con):
        audit.record(con, user, "export", f"table:{name}", detail=f"{len(frame)} rows")
    return data
