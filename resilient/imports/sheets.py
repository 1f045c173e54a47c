"""Spreadsheets as offices keep them, read into text: xlsx or csv in any Chinese encoding, the header row found
under title rows, the column names offices use matched to fields, and blank templates to hand out."""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from datetime import date, datetime, time

import openpyxl
import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from resilient.core import reference
from resilient.imports.values import EXACT_FLOAT
from resilient.ops import exports

MAX_ROWS = 200_000                    # a street of ~15 communities; more is a wrong file, not a register
MAX_UNZIPPED_BYTES = 400_000_000      # an xlsx inflating past this is refused before parsing (zip bombs)
MERGED_CELLS_BELOW_BYTES = 3_000_000  # smaller workbooks are read fully so merged cells can be filled down
HEADER_SEARCH_ROWS = 10               # title rows above the header ("XX社区居民登记表") are skipped


class ImportProblemError(ValueError):
    """A file or an import refused as a whole: `code` is a translation key, `values` fill it in."""

    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code = code
        self.values = values


# --- reading ---------------------------------------------------------------------------------------------------

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"      # .xls, and xlsx files saved with a password
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


def read_table(data: bytes, filename: str, sheet: str | None = None) -> pd.DataFrame:
    """All cells as stripped text, columns named by the header row, index = the row number Excel shows."""
    if not data:
        raise ImportProblemError("import.error.empty", file=filename)
    kind = _file_kind(data, filename)
    try:
        rows = _xlsx_rows(data, sheet) if kind == "xlsx" else _csv_rows(data)
    except ImportProblemError:
        raise
    except Exception as error:  # whatever a damaged file makes a parser throw, the person sees one message
        raise ImportProblemError("import.error.unreadable", file=filename) from error
    return _frame(rows)


def sheet_names(data: bytes) -> list[str]:
    """The sheets of a workbook, for the page to offer when the register is not on the first one."""
    _check_zip(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return list(workbook.sheetnames)
    except Exception as error:
        raise ImportProblemError("import.error.unreadable") from error


def _file_kind(data: bytes, filename: str) -> str:
    """Sniffed from the content first: offices rename files, and a wrong suffix is common."""
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if data.startswith(XLSX_MAGIC):
        return "xlsx"
    if data.startswith(OLE_MAGIC) or suffix == "xls":
        raise ImportProblemError("import.error.old_xls", file=filename)
    if f".{suffix}" in XLSX_SUFFIXES:
        raise ImportProblemError("import.error.unreadable", file=filename)
    if f".{suffix}" in CSV_SUFFIXES:
        return "csv"
    raise ImportProblemError("import.error.file_type", file=filename)


def _check_zip(data: bytes) -> None:
    """Refuse a workbook that would inflate to more than any register needs, before openpyxl unpacks it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except Exception as error:
        raise ImportProblemError("import.error.unreadable") from error
    if size > MAX_UNZIPPED_BYTES:
        raise ImportProblemError("import.error.unreadable")


def _xlsx_rows(data: bytes, sheet: str | None) -> Iterable[tuple[int, list[str]]]:
    """(row number, cell texts) of one sheet; small workbooks get merged cells filled from their top-left cell."""
    _check_zip(data)
    small = len(data) < MERGED_CELLS_BELOW_BYTES
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=not small, data_only=True)
    if sheet is not None and sheet not in workbook.sheetnames:
        raise ImportProblemError("import.error.no_sheet", sheet=sheet)
    worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
    if not small:
        worksheet.reset_dimensions()  # some generators write a wrong size; read what is there
    rows = []
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise ImportProblemError("import.error.too_many_rows", limit=MAX_ROWS)
        rows.append([_cell_text(v) for v in values])
    if small:
        _fill_merged(rows, worksheet)
    return list(enumerate(rows, start=1))


def _fill_merged(rows: list[list[str]], worksheet) -> None:
    """A building name merged over its households' rows belongs to each of them."""
    for merged in worksheet.merged_cells.ranges:
        top = merged.min_row - 1
        left = merged.min_col - 1
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
            row = rows[r]
            row.extend([""] * (merged.max_col - len(row)))
            for c in range(left, merged.max_col):
                row[c] = value


def _cell_text(value) -> str:
    """Text as the person typed it (13812345678, not 13812345678.0); a number that lost digits stays scientific."""
    # An ID number Excel made a float (3.20402195003071E+17) must be reported, never guessed.
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ""
        if value.is_integer() and abs(value) < EXACT_FLOAT:
            return str(int(value))
        return f"{value:.15G}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 from Excel's 'Unicode text', else GB18030 (which covers GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportProblemError("import.error.unreadable")


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    """Records of a CSV, numbered as Excel would show them; a file with NUL bytes is not text."""
    text = _decode(data)
    if "\x00" in text:
        raise ImportProblemError("import.error.unreadable")
    head = "\n".join(text.split("\n", HEADER_SEARCH_ROWS * 2)[: HEADER_SEARCH_ROWS * 2])
    delimiter = max([",", "\t", ";"], key=head.count)  # a title row above the header has none
    rows = []
    for number, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        if number > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise ImportProblemError("import.error.too_many_rows", limit=MAX_ROWS)
        rows.append((number, [cell.strip() for cell in record]))
    return rows


def _frame(rows: list[tuple[int, list[str]]]) -> pd.DataFrame:
    """Header row found, blank rows dropped, every row padded to the same width; index = spreadsheet row."""
    header_at = _find_header(rows)
    if header_at is None:
        raise ImportProblemError("import.error.empty")
    header_number, header = rows[header_at]
    body = [(n, cells) for n, cells in rows[header_at + 1:] if any(cells)]
    if len(body) > MAX_ROWS:
        raise ImportProblemError("import.error.too_many_rows", limit=MAX_ROWS)
    width = max([len(header), *(len(cells) for _, cells in body)])
    columns = _column_names(header + [""] * (width - len(header)))
    frame = pd.DataFrame([cells + [""] * (width - len(cells)) for _, cells in body], columns=columns, dtype=str,
                         index=pd.Index([n for n, _ in body], name="row"))
    frame.attrs["header_row"] = header_number
    return frame


def _find_header(rows: list[tuple[int, list[str]]]) -> int | None:
    """The first row naming at least two known columns within the first rows; else the first non-blank row."""
    candidates = [i for i, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS * 2]) if any(cells)][:HEADER_SEARCH_ROWS]
    for i in candidates:
        if sum(normalise_header(cell) in ALL_ALIASES for cell in rows[i][1]) >= 2:
            return i
    return candidates[0] if candidates else None


def _column_names(header: list[str]) -> list[str]:
    """Unique names: a blank header becomes its column letter in brackets, a repeated one gets its letter added."""
    names, seen = [], set()
    for position, text in enumerate(header, start=1):
        letter = get_column_letter(position)
        name = text.strip() or f"({letter})"
        if name in seen:
            name = f"{name} ({letter})"
        seen.add(name)
        names.append(name)
    return names


# --- headers ---------------------------------------------------------------------------------------------------

# The fields each sheet has; the column names offices use for them are in data/columns.toml.
COLUMNS_FILE = "columns.toml"
REGISTER_FIELDS: dict[str, list[str]] = reference.fields_from(COLUMNS_FILE, "register", [
    "community", "compound", "building", "unit", "room", "address", "name", "id_number", "phone", "sex",
    "birth_date", "disabled", "bedridden", "chronic_illness", "low_income", "pregnant", "floors", "grid"])
STAFF_FIELDS: dict[str, list[str]] = reference.fields_from(COLUMNS_FILE, "staff", ["name", "phone", "role", "grid"],
                                                           REGISTER_FIELDS)
VOLUNTEER_FIELDS: dict[str, list[str]] = reference.fields_from(
    COLUMNS_FILE, "volunteer", ["name", "phone", "compound", "home_building", "capacity", "active"], REGISTER_FIELDS)
PLACES_FIELDS: dict[str, list[str]] = reference.fields_from(
    COLUMNS_FILE, "places", ["grid", "compound", "building", "units", "floors"], REGISTER_FIELDS)
REQUEST_FIELDS: dict[str, list[str]] = reference.fields_from(
    COLUMNS_FILE, "request", ["compound", "building", "unit", "room", "kind", "detail", "prescription"],
    REGISTER_FIELDS)
HEALTH_CODE_FIELDS: dict[str, list[str]] = reference.fields_from(COLUMNS_FILE, "health_code", [
    "name", "id_number", "compound", "building", "unit", "room", "address", "colour", "shown_on"], REGISTER_FIELDS)
BRACKETED = re.compile(r"[(\[【].*?[)\]】]")
HEADER_NOISE = re.compile(r"[\s*:_\-./#]")


def normalise_header(text: str) -> str:
    """'*姓 名（必填）', '姓名：' and 'ＮＡＭＥ' all become one key; '是否残疾' the same as '残疾'."""
    key = unicodedata.normalize("NFKC", str(text)).lower()
    key = HEADER_NOISE.sub("", BRACKETED.sub("", key))
    return key[2:] if key.startswith("是否") and len(key) > 2 else key


def _alias_index(fields: dict[str, list[str]]) -> dict[str, str]:
    return {normalise_header(alias): name for name, aliases in fields.items() for alias in aliases}


ALL_ALIASES = {alias for fields in (REGISTER_FIELDS, STAFF_FIELDS, VOLUNTEER_FIELDS, PLACES_FIELDS, REQUEST_FIELDS)
               for alias in _alias_index(fields)}


def match_headers(columns: Iterable[str], fields: dict[str, list[str]] = REGISTER_FIELDS,
                  overrides: dict[str, str | None] | None = None) -> tuple[dict[str, str], list[str]]:
    """{source column: field} for recognised columns (first per field) and the rest, for the person to map."""
    # `overrides` is what the person chose on the page for a column: a field name, or None to leave it out.
    index = _alias_index(fields)
    overrides = overrides or {}
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    taken = {f for f in overrides.values() if f}
    for column in columns:
        if column in overrides:
            if overrides[column]:
                if overrides[column] not in fields:
                    raise ValueError(f"unknown field {overrides[column]!r}")
                mapping[column] = overrides[column]
            continue
        found = index.get(normalise_header(column))
        if found and found not in taken:
            mapping[column] = found
            taken.add(found)
        else:
            unknown.append(column)
    return mapping, unknown


# --- templates -------------------------------------------------------------------------------------------------

TEMPLATES_FILE = "templates.toml"
SHEET_FIELDS = {"register": REGISTER_FIELDS, "staff": STAFF_FIELDS, "volunteer": VOLUNTEER_FIELDS,
                "places": PLACES_FIELDS, "request": REQUEST_FIELDS, "health_code": HEALTH_CODE_FIELDS}


def _template(kind: str) -> list[tuple[str, str]]:
    """(header, example) in column order from data/templates.toml; a header the sheet's reading would not
    recognise is refused at start (the template must read back)."""
    known = _alias_index(SHEET_FIELDS[kind])
    columns = []
    for header, example in reference.section(TEMPLATES_FILE, f"{kind}.example").items():
        if normalise_header(header) not in known or not isinstance(example, str):
            raise reference.DataFileError(f"{reference.path_of(TEMPLATES_FILE)}: [{kind}.example] {header!r} must "
                                          f"be a column name of data/columns.toml [{kind}] with an example text")
        columns.append((header, example))
    return columns


TEMPLATES = {kind: _template(kind) for kind in SHEET_FIELDS}
TEXT_COLUMNS = {"身份证号", "联系电话", "电话", "房号", "单元"}  # typed as text so Excel keeps every digit


def template_bytes(kind: str = "register") -> bytes:
    """An .xlsx with the Chinese headers, one example row, and ID and phone columns formatted as text."""
    workbook = exports.workbook()
    sheet = workbook.active
    sheet.title = {"register": "居民登记", "staff": "工作人员", "volunteer": "志愿者", "places": "网格小区楼栋",
                   "request": "物资需求", "health_code": "健康码"}[kind]
    columns = TEMPLATES[kind]
    exports.append(sheet, [header for header, _ in columns])
    exports.append(sheet, [example for _, example in columns])
    for position, (header, _) in enumerate(columns, start=1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = max(10, 2 * len(header) + 4, len(columns[position - 1][1]) + 4)
        sheet.cell(1, position).font = Font(bold=True)
        if header in TEXT_COLUMNS:
            for row in range(2, 1002):
                sheet.cell(row, position).number_format = "@"
    sheet.freeze_panes = "A2"
    return exports.save(workbook)
