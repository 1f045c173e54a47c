"""Register, staff and volunteer imports: reading real-world files, header aliases, every check, all-or-nothing
commits, re-imports that change nothing, role scopes, census creation, and damaged files."""

import csv
import io
import json
import random
from datetime import date

import openpyxl
import pandas as pd
import pytest

from bench import imports as bench_import
from resilient.core import audit, db, ids
from resilient.core.accounts import User
from resilient.core.scope import EVERYTHING, Scope
from resilient.demo import generator as demo
from resilient.imports import register as ri
from resilient.imports import values as iv
from resilient.ops import integrity
from tests.conftest import TODAY
from tests.core.test_ids import id_number

pytestmark = pytest.mark.both_backends

LEADER = User(1, "leader", "社区书记", "community_leader", community_id=1)
COMMUNITY_1 = Scope(community_ids=(1,))
HEADER = ["楼栋", "单元", "房号", "姓名", "身份证号", "联系电话", "性别", "出生日期", "残疾", "低保"]

# Valid people for the `small` community: (building, unit, room, name, ID number, phone, sex, birth, disabled, ...)
PEOPLE = [
    ["1栋", "1", "101", "张三", id_number(birth="19500307", seq="01", male=True), "13812345678", "男", "1950-03-07",
     "否", "否"],
    ["1栋", "1", "101", "李四", id_number(birth="19520101", seq="02", male=False), "13912345678", "女", "1952-01-01",
     "是", "否"],
    ["1栋", "2", "301", "王五", id_number(birth="19900615", seq="03", male=True), "", "男", "1990-06-15", "", ""],
    ["2栋", "1", "101", "赵六", id_number(birth="19851111", seq="04", male=False), "15000000001", "女", "",
     "否", "是"],
    ["3栋", "1", "502", "孙七", id_number(birth="20100202", seq="05", male=True), "", "", "", "否", "否"],
]


# --- helpers ---------------------------------------------------------------------------------------------------


def csv_data(rows, header=HEADER, encoding="utf-8-sig", delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_data(rows, header=HEADER, title=None, sheet="Sheet1"):
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    if title:
        worksheet.append([title])
    worksheet.append(header)
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def frame_of(rows, header=HEADER):
    return ri.read_table(csv_data(rows, header), "register.csv")


def validate(con, rows, header=HEADER, *, community_id=1, scope=COMMUNITY_1, census=False, **kw):
    frame = frame_of(rows, header)
    mapping, _ = ri.match_headers(frame.columns)
    return ri.validate_register(con, frame, mapping, community_id=community_id, scope=scope, census=census,
                                today=TODAY, **kw)


def problems(preview):
    return [(p.row, p.column, p.code) for p in preview.problems]


def only_problem(preview):
    assert len(preview.problems) == 1, preview.problems
    return preview.problems[0]


def fingerprint(con):
    """Count and content hash of every table: equal before and after means nothing was written."""
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
    ).fetchall()]
    return {t: con.execute(f'SELECT count(*), sum(hash(t)) FROM "{t}" t').fetchone() for t in tables}


def without_audit(print_):
    return {t: v for t, v in print_.items() if t != "audit_log"}


def changed(rows, index, column, value):
    out = [list(r) for r in rows]
    out[index][HEADER.index(column)] = value
    return out


@pytest.fixture
def town():
    """A fresh 3,000-resident demo community (these tests write), with its register exported. On DuckDB only, as
    the demo_db fixture: the demo generator's SQL is DuckDB's."""
    con = db.connect(":memory:")
    demo.generate(con, residents=3_000, seed=11, as_of=TODAY)
    yield con
    con.close()


# --- reading ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030", "utf-16"])
def test_csv_in_every_encoding_offices_save(encoding):
    rows = changed(PEOPLE, 0, "姓名", "张䶮" if encoding not in ("gbk",) else "张三丰")
    frame = ri.read_table(csv_data(rows, encoding=encoding), "登记表.csv")
    assert list(frame.columns) == HEADER
    assert frame.loc[2, "姓名"] == rows[0][3]
    assert frame.loc[2, "身份证号"] == PEOPLE[0][4]


def test_gb18030_only_characters_survive():
    data = csv_data(changed(PEOPLE, 0, "姓名", "王䶮"), encoding="gb18030")
    with pytest.raises(UnicodeEncodeError):
        "䶮".encode("gbk")
    assert ri.read_table(data, "x.csv").loc[2, "姓名"] == "王䶮"


def test_tab_separated_title_row_blank_rows_and_row_numbers():
    text = "XX社区居民登记表\r\n\r\n" + csv_data(PEOPLE[:2], delimiter="\t").decode("utf-8-sig")
    lines = text.split("\r\n")
    lines.insert(4, "\t\t\t")  # a blank row between the two people
    frame = ri.read_table("\r\n".join(lines).encode("utf-8"), "x.txt")
    assert list(frame.columns) == HEADER
    assert frame.attrs["header_row"] == 3
    assert list(frame.index) == [4, 6]  # the rows Excel shows


def test_leading_zeros_stay_text():
    rows = changed(PEOPLE, 0, "单元", "02")
    frame = ri.read_table(csv_data(changed(rows, 0, "房号", "0101")), "x.csv")
    assert frame.loc[2, "单元"] == "02" and frame.loc[2, "房号"] == "0101"


def test_xlsx_numbers_are_recovered_as_text(small):
    rows = [list(r) for r in PEOPLE]
    rows[0][5] = 13812345678          # phone typed into a number cell
    rows[1][5] = 13912345678.0        # ... or stored as a float
    rows[0][1] = 1                    # unit as a number
    rows[0][2] = 101                  # room as a number
    rows[0][7] = date(1950, 3, 7)     # a date cell
    frame = ri.read_table(xlsx_data(rows), "登记表.xlsx")
    assert frame.loc[2, "联系电话"] == "13812345678" and frame.loc[3, "联系电话"] == "13912345678"
    assert frame.loc[2, "出生日期"] == "1950-03-07" and frame.loc[2, "房号"] == "101"
    mapping, _ = ri.match_headers(frame.columns)
    preview = ri.validate_register(small, frame, mapping, community_id=1, scope=COMMUNITY_1, today=TODAY)
    assert preview.ok, preview.problems
    assert preview.rows.loc[2, "phone"] == "13812345678"


def test_id_number_excel_turned_into_a_float_is_reported_not_guessed(small):
    rows = [list(r) for r in PEOPLE]
    rows[2][4] = float(rows[2][4][:17] + "0")  # what Excel does to an 18-digit number typed into a number cell
    frame = ri.read_table(xlsx_data(rows), "登记表.xlsx")
    assert "E+17" in frame.loc[4, "身份证号"]
    mapping, _ = ri.match_headers(frame.columns)
    problem = only_problem(ri.validate_register(small, frame, mapping, community_id=1, scope=COMMUNITY_1,
                                                today=TODAY))
    assert (problem.row, problem.column, problem.code) == (4, "身份证号", "import.error.id_scientific")


def test_csv_scientific_id_and_float_phone_from_excel(small):
    rows = changed(changed(PEOPLE, 0, "身份证号", "3.20402195E+17"), 1, "联系电话", "13912345678.0")
    preview = validate(small, rows)
    assert problems(preview) == [(2, "身份证号", "import.error.id_scientific")]
    assert preview.rows.loc[3, "phone"] == "13912345678"


def test_merged_building_cells_are_filled_down(small):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in PEOPLE[:3]:
        sheet.append(row)
    sheet.merge_cells("A2:A4")  # 1栋 written once for three rows
    buffer = io.BytesIO()
    workbook.save(buffer)
    frame = ri.read_table(buffer.getvalue(), "x.xlsx")
    assert list(frame["楼栋"]) == ["1栋", "1栋", "1栋"]


def test_named_sheet_and_sheet_names():
    data = xlsx_data(PEOPLE, sheet="居民")
    assert ri.sheet_names(data) == ["居民"]
    assert len(ri.read_table(data, "x.xlsx", sheet="居民")) == len(PEOPLE)
    with pytest.raises(ri.ImportProblemError) as missing:
        ri.read_table(data, "x.xlsx", sheet="其他")
    assert missing.value.code == "import.error.no_sheet" and missing.value.values == {"sheet": "其他"}


@pytest.mark.parametrize("data, name, code", [
    (b"", "x.csv", "import.error.empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "import.error.old_xls"),
    (b"hello", "x.xls", "import.error.old_xls"),
    (b"%PDF-1.4 ...", "x.pdf", "import.error.file_type"),
    (b"PK\x03\x04 this is not a workbook", "x.xlsx", "import.error.unreadable"),
    (b"not a zip at all", "x.xlsx", "import.error.unreadable"),
    (b"a,b\x00,c\n1,2,3", "x.csv", "import.error.unreadable"),
    (b"\xff\xfe\xff\xff\xfe", "x.csv", "import.error.unreadable"),
    (b"\r\n , ,\r\n", "x.csv", "import.error.empty"),
])
def test_unreadable_files_raise_one_clear_error(data, name, code):
    with pytest.raises(ri.ImportProblemError) as refused:
        ri.read_table(data, name)
    assert refused.value.code == code


def test_truncated_workbook_is_unreadable():
    data = xlsx_data(PEOPLE)
    with pytest.raises(ri.ImportProblemError, match="unreadable"):
        ri.read_table(data[: len(data) // 2], "x.xlsx")


# --- headers ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field, alias", [(f, a) for f, aliases in ri.REGISTER_FIELDS.items() for a in aliases])
def test_every_register_alias_is_recognised(field, alias):
    mapping, unknown = ri.match_headers([alias])
    assert mapping == {alias: field} and unknown == []


@pytest.mark.parametrize("header, field", [
    (" *姓名 ", "name"), ("＊姓　名", "name"), ("姓名：", "name"), ("姓名（必填）", "name"), ("NAME", "name"),
    ("Phone", "phone"), ("ID Number", "id_number"), ("身份证号码(18位)", "id_number"), ("是否残疾", "disabled"),
    ("卧床/失能", "bedridden"), ("Date of Birth", "birth_date"), ("楼号、单元、房间号", "address"),
    ("ｂｕｉｌｄｉｎｇ", "building"),
])
def test_headers_tolerate_spaces_full_width_asterisks_and_case(header, field):
    assert ri.match_headers([header])[0] == {header: field}


def test_staff_and_volunteer_aliases():
    for fields in (ri.STAFF_FIELDS, ri.VOLUNTEER_FIELDS):
        for field, aliases in fields.items():
            for alias in aliases:
                assert ri.match_headers([alias], fields)[0] == {alias: field}


def test_first_column_wins_the_rest_are_unknown_and_overrides_apply():
    mapping, unknown = ri.match_headers(["序号", "姓名", "电话", "手机号", "备注"])
    assert mapping == {"姓名": "name", "电话": "phone"} and unknown == ["序号", "手机号", "备注"]
    mapping, unknown = ri.match_headers(["序号", "姓名", "电话", "户主电话"],
                                        overrides={"户主电话": None, "电话": None, "序号": "room"})
    assert mapping == {"序号": "room", "姓名": "name"} and unknown == []
    with pytest.raises(ValueError):
        ri.match_headers(["x"], overrides={"x": "no_such_field"})


def test_header_problems_missing_and_twice(small):
    preview = validate(small, [r[:3] + r[4:] for r in PEOPLE], [h for h in HEADER if h != "姓名"])
    assert [(p.row, p.code, p.values.get("field")) for p in preview.problems] == [
        (1, "import.error.missing_column", "name")]
    frame = frame_of(PEOPLE)
    mapping = {**ri.match_headers(frame.columns)[0], "性别": "name"}
    preview = ri.validate_register(small, frame, mapping, community_id=1, scope=COMMUNITY_1, today=TODAY)
    assert problems(preview) == [(1, "性别", "import.error.column_twice")]


# --- addresses -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, parsed", [
    ("3栋2单元1502", ("3栋", 2, "1502", 15)),
    ("3幢2单元1502室", ("3栋", 2, "1502", 15)),
    ("3号楼2单元1502", ("3栋", 2, "1502", 15)),
    ("3-2-1502", ("3栋", 2, "1502", 15)),
    ("3－2－1502", ("3栋", 2, "1502", 15)),
    ("3栋1502", ("3栋", 1, "1502", 15)),
    ("3栋302", ("3栋", 1, "302", 3)),
    ("3-302", ("3栋", 1, "302", 3)),
    ("03栋 2单元 0302", ("3栋", 2, "302", 3)),
    ("3#2单元1502", ("3栋", 2, "1502", 15)),
    ("三栋二单元602", ("3栋", 2, "602", 6)),
    ("12座1单元1001号", ("12栋", 1, "1001", 10)),
    ("永宁花园3栋2单元1502", ("3栋", 2, "1502", 15)),
    ("常州市新北区和平新村2期5栋1单元201室", ("5栋", 1, "201", 2)),
    ("A座3单元1101", ("A栋", 3, "1101", 11)),
])
def test_parse_address(text, parsed):
    assert ri.parse_address(text) == parsed


@pytest.mark.parametrize("text", ["", "永宁花园", "3栋", "3栋2单元", "1502", "3栋2单元15", "3栋0单元1502",
                                  "3栋2单元12345", "3栋2单元001"])
def test_unparseable_address(text):
    with pytest.raises(ValueError, match="import.error.address"):
        ri.parse_address(text)


@pytest.mark.parametrize("text, name", [("3", "3栋"), ("03号楼", "3栋"), ("3幢", "3栋"), ("3#", "3栋"),
                                        ("三栋", "3栋"), ("b座", "B栋"), ("综合楼", "综合楼"), (" 3 栋", "3栋")])
def test_building_names_as_residents_say_them(text, name):
    assert iv.normalise_building(text) == name


@pytest.mark.parametrize("text", ["1号楼", "1栋", "1幢", "1#", "1#楼", "一号楼", "第1栋", "01栋", "１栋", "1", "No.1"])
def test_every_way_an_office_writes_building_1_gives_one_key(text):
    assert iv.building_key(text) == "1"


def test_a_building_section_keeps_its_number():
    assert iv.building_key("314号楼A座") == iv.building_key("314栋a座") == iv.building_key("314A") == "314a"
    assert len({iv.building_key(t) for t in ["314号楼A座", "314号楼B座", "314号楼", "A座"]}) == 4
    assert iv.normalise_building("314号楼A座") == "314号楼A座"  # the office's name, not "A栋"
    assert iv.split_building("永宁花园314号楼A座") == ("永宁花园", "314号楼A座")
    assert iv.parse_address("314号楼A座 2单元 1502") == ("314号楼A座", 2, "1502", 15)
    assert iv.parse_address("永宁花园314号楼B座二单元1502室") == ("314号楼B座", 2, "1502", 15)
    assert [iv.normalise_unit(u) for u in ["2单元", "二单元"]] == [2, 2]


def test_footprints_and_the_register_key_names_with_one_function():
    from resilient.imports import footprints as fi

    assert fi.building_key is iv.building_key


def test_a_building_section_is_created_once_and_found_again(small):
    header = ["小区", "居住地址", "姓名", "身份证号"]
    rows = [["A苑", "314号楼A座 2单元 1502", "甲", id_number(seq="91")],
            ["A苑", "314栋A座2单元1501", "乙", id_number(seq="92")],
            ["A苑", "314号楼B座 2单元 1502", "丙", id_number(seq="93")]]
    preview = validate(small, rows, header, census=True)
    assert preview.ok, preview.problems
    assert list(preview.rows["building_name"]) == ["314号楼A座", "314号楼A座", "314号楼B座"]
    assert preview.counts["buildings_created"] == 2
    ri.commit_register(small, LEADER, preview, source_name="a.xlsx")
    names = small.execute("SELECT name FROM building WHERE compound_id = 1 ORDER BY name").fetchall()
    assert names == [("1栋",), ("2栋",), ("314号楼A座",), ("314号楼B座",)]
    again = validate(small, [["A苑", "314#A座2单元1502", "甲", id_number(seq="91")]], header)
    assert again.ok, again.problems
    assert again.counts["unchanged"] == 1 and again.rows["building_name"].iloc[0] == "314号楼A座"


def test_units_rooms_phones_dates_flags():
    assert [iv.normalise_unit(u) for u in ["2", "02", "2单元", "二单元", "２"]] == [2] * 5
    assert iv.normalise_room("1502室") == ("1502", 15) and iv.normalise_room("0302") == ("302", 3)
    phones = ["138 1234 5678", "138-1234-5678", "+86 13812345678", "8613812345678", "13812345678.0",
              "1.3812345678E+10", "１３８１２３４５６７８"]
    assert {iv.normalise_phone(p) for p in phones} == {"13812345678"}
    for bad in ["12812345678", "1381234567", "0519-86001234", "138123456789"]:
        with pytest.raises(ValueError, match="import.error.phone"):
            iv.normalise_phone(bad)
    assert iv.parse_date("1950/3/7", TODAY) == iv.parse_date("1950年3月7日", TODAY) == date(1950, 3, 7)
    assert iv.parse_date("19500307", TODAY) == iv.parse_date("1950-03-07 00:00:00", TODAY) == date(1950, 3, 7)
    assert iv.parse_date("1950年3月", TODAY) == iv.parse_date("1950.03", TODAY) == (1950, 3)
    assert [iv.parse_flag(v) for v in ["是", "有", "Y", "1", "√", "有（高血压）", "否", "无", "N", "0", "-"]] == \
        [True] * 6 + [False] * 5


# --- validation rules: one bad example each, named by row and column --------------------------------------------


def test_the_valid_register_has_no_problem_and_normalises(small):
    preview = validate(small, PEOPLE)
    assert preview.ok, preview.problems
    rows = preview.rows
    assert list(rows.index) == [2, 3, 4, 5, 6]
    assert list(rows["household_id"]) == [11, 11, 13, 21, 31]
    assert rows.loc[2, "id_masked"] == ids.mask_id(PEOPLE[0][4]) and rows.loc[2, "sex"] == "M"
    assert rows.loc[3, "disabled"] and not rows.loc[2, "disabled"] and rows.loc[5, "low_income"]
    assert rows.loc[2, "birth_date"] == date(1950, 3, 7)
    assert preview.counts["created"] == 5 and preview.counts["updated"] == 0


@pytest.mark.parametrize("index, column, value, code", [
    (0, "姓名", "", "import.error.required"),
    (0, "身份证号", "", "import.error.required"),
    (0, "身份证号", PEOPLE[0][4][:17] + ("0" if PEOPLE[0][4][17] != "0" else "1"), "import.error.id_check_digit"),
    (0, "身份证号", "32040219500307011", "import.error.id_length"),
    (0, "身份证号", "3204021950030701A1", "import.error.id_format"),
    (0, "身份证号", id_number(birth="19500231"), "import.error.id_birth_date"),
    (0, "身份证号", id_number(birth="20300101"), "import.error.id_future_birth"),
    (0, "身份证号", "3.20402195E+17", "import.error.id_scientific"),
    (0, "性别", "女", "import.error.id_sex_mismatch"),
    (0, "性别", "未知", "import.error.sex"),
    (0, "出生日期", "1950-03-08", "import.error.id_birth_mismatch"),
    (0, "出生日期", "1950-02-30", "import.error.date"),
    (0, "出生日期", "2030-01-01", "import.error.date_future"),
    (0, "联系电话", "1381234567", "import.error.phone"),
    (0, "残疾", "也许", "import.error.flag"),
    (0, "楼栋", "9栋", "import.error.unknown_building"),
    (0, "楼栋", "", "import.error.required"),
    (0, "单元", "5", "import.error.unknown_unit"),
    (0, "单元", "零", "import.error.unit"),
    (0, "房号", "909", "import.error.unknown_room"),
    (0, "房号", "9", "import.error.room"),
])
def test_each_rule_names_row_and_column(small, index, column, value, code):
    problem = only_problem(validate(small, changed(PEOPLE, index, column, value)))
    assert (problem.row, problem.column, problem.code) == (index + 2, column, code)
    if code not in ("import.error.required",):
        assert "value" in problem.values


def test_birth_month_alone_is_compared_by_month(small):
    assert validate(small, changed(PEOPLE, 0, "出生日期", "1950年3月")).ok
    assert only_problem(validate(small, changed(PEOPLE, 0, "出生日期", "1950年4月"))).code == \
        "import.error.id_birth_mismatch"


def test_duplicate_id_in_the_file_names_the_first_row(small):
    rows = [*PEOPLE, ["2栋", "1", "101", "赵六二", PEOPLE[3][4].lower(), "", "", "", "", ""]]
    problem = only_problem(validate(small, rows))
    assert (problem.row, problem.column, problem.code) == (7, "身份证号", "import.error.id_duplicate")
    assert problem.values["first_row"] == 5


def test_address_column_instead_of_building_unit_room(small):
    header = ["居住地址", "姓名", "身份证号"]
    rows = [["A苑1栋1单元101室", PEOPLE[0][3], PEOPLE[0][4]], ["1-2-301", PEOPLE[2][3], PEOPLE[2][4]],
            ["3栋502", PEOPLE[4][3], PEOPLE[4][4]], ["门口小卖部", "某某", id_number(seq="77")]]
    preview = validate(small, rows, header)
    assert problems(preview) == [(5, "居住地址", "import.error.address")]
    assert list(preview.rows["household_id"].iloc[:3]) == [11, 13, 31]


def test_compound_column_and_unknown_compound(small):
    header = ["小区", *HEADER]
    rows = [["A苑小区", *PEOPLE[0]], ["B苑", *PEOPLE[4]], ["C苑", *PEOPLE[1]]]
    preview = validate(small, rows, header)
    assert problems(preview) == [(4, "小区", "import.error.unknown_compound")]
    assert preview.rows.loc[2, "household_id"] == 11


def test_building_in_two_compounds_is_ambiguous_until_the_compound_is_named(town):
    frame = bench_import.register_frame(town).head(50)
    first = frame.index[frame["楼栋"] == "1栋"][0]
    without = frame.drop(columns=["社区", "小区"])
    mapping, _ = ri.match_headers(without.columns)
    preview = ri.validate_register(town, without, mapping, community_id=1, scope=EVERYTHING, today=TODAY)
    ambiguous = [p for p in preview.problems if p.code == "import.error.building_ambiguous"]
    assert ambiguous and ambiguous[0].row == first + 2 and "、" in ambiguous[0].values["compounds"]
    mapping, _ = ri.match_headers(frame.columns)
    assert ri.validate_register(town, frame, mapping, community_id=1, scope=EVERYTHING, today=TODAY).ok


def test_a_compound_column_settles_a_building_in_two_compounds_even_when_spelt_longer(town):
    frame = bench_import.register_frame(town).head(50)
    frame["小区"] = frame["小区"].map({"永宁花园": "常州市永宁花园（一期）", "丽景苑": "丽景苑 小区"})
    mapping, _ = ri.match_headers(frame.columns)
    preview = ri.validate_register(town, frame, mapping, community_id=1, scope=EVERYTHING, today=TODAY)
    assert preview.ok, preview.problems[:3]
    assert set(preview.rows["compound_name"]) <= {"永宁花园", "丽景苑"}


def test_an_unknown_compound_is_the_one_problem_of_its_row(town):
    frame = bench_import.register_frame(town).head(50)
    row = frame.index[frame["楼栋"] == "1栋"][0]
    frame.loc[row, "小区"] = "翠竹苑"
    mapping, _ = ri.match_headers(frame.columns)
    preview = ri.validate_register(town, frame, mapping, community_id=1, scope=EVERYTHING, today=TODAY)
    assert problems(preview) == [(row + 2, "小区", "import.error.unknown_compound")]


def test_community_column_for_a_street_wide_file(town):
    frame = bench_import.register_frame(town).head(20)
    frame.loc[3, "社区"] = "不存在社区"
    mapping, _ = ri.match_headers(frame.columns)
    preview = ri.validate_register(town, frame, mapping, community_id=None, scope=EVERYTHING, today=TODAY)
    assert problems(preview) == [(5, "社区", "import.error.unknown_community")]
    preview = ri.validate_register(town, frame, mapping, community_id=1, scope=EVERYTHING, today=TODAY)
    assert problems(preview) == [(5, "社区", "import.error.other_community")]
    no_column = frame.drop(columns=["社区"])
    preview = ri.validate_register(town, no_column, ri.match_headers(no_column.columns)[0], community_id=None,
                                   scope=EVERYTHING, today=TODAY)
    assert [p.code for p in preview.problems] == ["import.error.missing_column"]


def test_id_already_in_another_household_is_a_problem_same_household_an_update(small):
    ri.commit_register(small, LEADER, validate(small, PEOPLE), source_name="first.csv")
    moved = changed(PEOPLE, 0, "房号", "201")  # 张三 now said to live in 1栋1单元201
    problem = only_problem(validate(small, moved))
    assert (problem.row, problem.column, problem.code) == (2, "身份证号", "import.error.id_other_household")
    assert "*" in problem.values["value"]  # the masked number: the database's knowledge is not echoed in full
    renamed = changed(PEOPLE, 0, "姓名", "张叁")
    preview = validate(small, renamed)
    assert preview.ok and preview.counts["updated"] == 1 and preview.counts["unchanged"] == 4
    counts = ri.commit_register(small, LEADER, preview, source_name="fix.csv")
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 1, 4)


def test_moves_when_allowed_and_in_scope(small):
    ri.commit_register(small, LEADER, validate(small, PEOPLE), source_name="first.csv")
    preview = validate(small, changed(PEOPLE, 0, "房号", "201"), allow_moves=True)
    assert preview.ok
    ri.commit_register(small, LEADER, preview, source_name="moved.csv")
    hashed = ids.hash_id(PEOPLE[0][4], small.execute("SELECT value FROM meta WHERE key = 'id_salt'").fetchone()[0])
    assert small.execute("SELECT household_id FROM resident WHERE id_hash = $h", {"h": hashed}).fetchone()[0] == 12


# --- scope -----------------------------------------------------------------------------------------------------


def test_grid_worker_cannot_import_into_another_grid_cell(small):
    grid_1 = Scope(community_ids=(1,), grid_ids=(1,))
    preview = validate(small, PEOPLE, scope=grid_1)
    assert problems(preview) == [(5, "楼栋", "import.error.outside_grid"), (6, "楼栋", "import.error.outside_grid")]
    before = fingerprint(small)
    with pytest.raises(ri.ImportProblemError, match="has_problems"):
        ri.commit_register(small, LEADER, preview, source_name="x.csv")
    assert fingerprint(small) == before
    own = validate(small, PEOPLE[:3], scope=grid_1)
    assert own.ok and ri.commit_register(small, LEADER, own, source_name="own.csv")["created"] == 3


def test_volunteer_scope_only_their_households(small):
    preview = validate(small, PEOPLE, scope=Scope(community_ids=(1,), household_ids=(11,)))
    assert {p.row for p in preview.problems} == {4, 5, 6}
    assert {p.code for p in preview.problems} == {"import.error.outside_households"}


@pytest.mark.parametrize("scope", [Scope(community_ids=(1,), personal="under_measure"),
                                   Scope(community_ids=(1,), personal="none"),
                                   Scope(community_ids=(), grid_ids=(), household_ids=(), personal="none")])
def test_doctors_viewers_and_nobody_may_not_import(small, scope):
    with pytest.raises(ri.ImportProblemError, match="not_allowed"):
        validate(small, PEOPLE, scope=scope)


def test_another_community_is_refused(small):
    with pytest.raises(ri.ImportProblemError) as refused:
        validate(small, PEOPLE, scope=Scope(community_ids=(2,)))
    assert refused.value.code == "import.error.community_out_of_scope"


# --- commit ----------------------------------------------------------------------------------------------------


def test_commit_writes_masked_ids_and_hashes_never_the_number(small):
    preview = validate(small, PEOPLE)
    counts = ri.commit_register(small, LEADER, preview, source_name="登记表.xlsx")
    assert counts["created"] == 5 and counts["rows"] == 5
    salt = small.execute("SELECT value FROM meta WHERE key = 'id_salt'").fetchone()[0]
    assert len(salt) == 32
    stored = small.execute("SELECT name, id_masked, id_hash, household_id, sex, birth_date, phone, disabled "
                           "FROM resident WHERE name = '李四'").fetchone()
    assert stored == ("李四", ids.mask_id(PEOPLE[1][4]), ids.hash_id(PEOPLE[1][4], salt), 11, "F",
                      date(1952, 1, 1), "13912345678", True)
    everything = " ".join(str(v) for t in fingerprint(small) for row in small.execute(f'SELECT * FROM "{t}"')
                          .fetchall() for v in row)
    assert not any(p[4] in everything for p in PEOPLE)
    entry = audit.search(small, action="import").iloc[0]
    assert entry["target"] == "file:登记表.xlsx" and entry["username"] == "leader"
    assert json.loads(entry["detail"])["created"] == 5
    assert integrity.reference_problems(small) == {}


def test_hash_matches_residents_the_demo_generator_wrote(town):
    """A resident hashed by the generator's SQL (sha256(salt || id)) is recognised by an import."""
    number = id_number(birth="19800101", seq="55")
    salt = town.execute("SELECT value FROM meta WHERE key = 'id_salt'").fetchone()[0]
    town.execute("UPDATE resident SET id_hash = sha256($salt || $id) WHERE resident_id = 1",
                 {"salt": salt, "id": number})
    place = town.execute("""SELECT b.name, c.name, s.unit_no, h.room, r.name FROM resident r
        JOIN household h USING (household_id) JOIN stairwell s USING (stairwell_id) JOIN building b USING (building_id)
        JOIN compound c USING (compound_id) WHERE r.resident_id = 1""").fetchone()
    header = ["楼栋", "小区", "单元", "房号", "姓名", "身份证号"]
    preview = validate(town, [[place[0], place[1], str(place[2]), place[3], place[4], number.lower()]], header,
                       scope=EVERYTHING)
    assert preview.ok and preview.rows["db_resident_id"].iloc[0] == 1
    assert preview.counts["created"] == 0


def test_reimporting_the_same_file_changes_nothing(small):
    first = ri.commit_register(small, LEADER, validate(small, PEOPLE), source_name="a.csv")
    assert first["created"] == 5
    before = fingerprint(small)
    again = validate(small, PEOPLE)
    assert again.counts["unchanged"] == 5
    counts = ri.commit_register(small, LEADER, again, source_name="a.csv")
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 0, 5)
    assert without_audit(fingerprint(small)) == without_audit(before)
    assert len(audit.search(small, action="import")) == 2  # the second import is still on record


def test_blank_cells_and_absent_columns_keep_stored_values(small):
    ri.commit_register(small, LEADER, validate(small, PEOPLE), source_name="a.csv")
    header = ["楼栋", "单元", "房号", "姓名", "身份证号"]  # no phone, no flags
    counts = ri.commit_register(small, LEADER, validate(small, [r[:5] for r in PEOPLE], header), source_name="b.csv")
    assert counts["unchanged"] == 5
    assert small.execute("SELECT phone, disabled FROM resident WHERE name = '李四'").fetchone() == ("13912345678", True)


def test_failing_commit_writes_nothing(small):
    preview = validate(small, PEOPLE, census=True)
    before = fingerprint(small)

    def fail_halfway(fraction):
        if fraction >= 0.5:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        ri.commit_register(small, LEADER, preview, source_name="a.csv", progress=fail_halfway)
    assert fingerprint(small) == before


def test_failing_audit_write_rolls_back_the_import(small, monkeypatch):
    census_rows = [*PEOPLE, ["1栋", "3", "601", "新人", id_number(seq="66"), "", "", "", "", ""]]
    preview = validate(small, census_rows, census=True)
    assert preview.ok and preview.counts["stairwells_created"] == 1
    before = fingerprint(small)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(OSError):
        ri.commit_register(small, LEADER, preview, source_name="a.csv")
    assert fingerprint(small) == before


def test_database_changed_since_preview_is_refused_whole(small):
    ri.commit_register(small, LEADER, validate(small, PEOPLE), source_name="a.csv")
    preview = validate(small, changed(PEOPLE, 0, "姓名", "张叁"))
    small.execute("UPDATE resident SET household_id = 12 WHERE name = '张三'")  # someone else moved him meanwhile
    before = fingerprint(small)
    with pytest.raises(ri.ImportProblemError, match="changed_since_preview"):
        ri.commit_register(small, LEADER, preview, source_name="b.csv")
    assert fingerprint(small) == before


def test_progress_reaches_one(small):
    seen = []
    ri.commit_register(small, LEADER, validate(small, PEOPLE), source_name="a.csv", progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 3


def test_commit_refuses_a_preview_with_problems_or_of_another_kind(small):
    bad = validate(small, changed(PEOPLE, 0, "联系电话", "123"))
    with pytest.raises(ri.ImportProblemError) as refused:
        ri.commit_register(small, LEADER, bad, source_name="a.csv")
    assert refused.value.values == {"count": 1}
    with pytest.raises(ri.ImportProblemError, match="wrong_kind"):
        ri.commit_staff(small, LEADER, validate(small, PEOPLE), source_name="a.csv")


def test_salt_is_created_by_the_commit_not_the_preview(small):
    assert small.execute("SELECT count(*) FROM meta WHERE key = 'id_salt'").fetchone()[0] == 0
    preview = validate(small, PEOPLE)
    assert preview.salt_is_new
    assert small.execute("SELECT count(*) FROM meta WHERE key = 'id_salt'").fetchone()[0] == 0
    ri.commit_register(small, LEADER, preview, source_name="a.csv")
    assert small.execute("SELECT value FROM meta WHERE key = 'id_salt'").fetchone()[0] == preview.salt
    assert not validate(small, PEOPLE).salt_is_new


# --- census ----------------------------------------------------------------------------------------------------


def test_census_creates_buildings_stairwells_and_flats(small):
    small.execute("INSERT INTO community VALUES (2, '新社区', '测试街道', '测试区')")
    small.execute("INSERT INTO compound VALUES (3, 2, '新苑')")
    small.execute("INSERT INTO grid_cell VALUES (3, 2, '第1网格', NULL)")
    header = ["楼栋", "单元", "房号", "姓名", "身份证号", "网格"]
    rows = [["5", "1", "1502", "甲", id_number(seq="31"), "第1网格"],
            ["5栋", "2", "301", "乙", id_number(seq="32"), ""],
            ["6号楼", "1", "101", "丙", id_number(seq="33"), "1"],
            ["6幢", "1", "101", "丁", id_number(seq="34"), ""]]
    scope = Scope(community_ids=(2,))
    assert {p.code for p in validate(small, rows, header, community_id=2, scope=scope).problems} == {
        "import.error.unknown_building"}
    preview = validate(small, rows, header, community_id=2, scope=scope, census=True)
    assert preview.ok, preview.problems
    counts = ri.commit_register(small, LEADER, preview, source_name="census.xlsx")
    assert {k: counts[k] for k in ["buildings_created", "stairwells_created", "households_created", "created"]} == {
        "buildings_created": 2, "stairwells_created": 3, "households_created": 3, "created": 4}
    assert {k: preview.counts[k] for k in counts if k in preview.counts} == {
        k: counts[k] for k in counts if k in preview.counts}
    buildings = small.execute("SELECT building_id, compound_id, name, floors, grid_id FROM building "
                              "WHERE compound_id = 3 ORDER BY name").fetchall()
    assert buildings == [(4, 3, "5栋", 15, 3), (5, 3, "6栋", 1, 3)]
    assert small.execute("SELECT floor FROM household WHERE room = '1502'").fetchone()[0] == 15
    assert integrity.reference_problems(small) == {}
    again = validate(small, rows, header, community_id=2, scope=scope, census=True)
    assert again.counts["unchanged"] == 4 and again.counts["buildings_created"] == 0


def test_census_needs_a_compound_when_the_community_has_several(small):
    rows = [["9栋", "1", "101", "甲", id_number(seq="41"), "", "", "", "", ""]]
    problem = only_problem(validate(small, rows, census=True))
    assert (problem.row, problem.code) == (2, "import.error.compound_needed")
    named = validate(small, [["B苑", *rows[0]]], ["小区", *HEADER], census=True)
    assert named.ok and named.rows.loc[2, "compound_name"] == "B苑"
    new_compound = validate(small, [["C苑", *rows[0]]], ["小区", *HEADER], census=True)
    assert new_compound.ok and new_compound.counts["compounds_created"] == 1
    ri.commit_register(small, LEADER, new_compound, source_name="c.csv")
    assert small.execute("SELECT count(*) FROM compound WHERE name = 'C苑' AND community_id = 1").fetchone()[0] == 1


def test_census_floors_column_and_floor_above_the_building(small):
    header = ["小区", *HEADER, "楼层数"]
    rows = [["B苑", "9栋", "1", "1502", "甲", id_number(seq="51"), "", "", "", "", "", "11"]]
    problem = only_problem(validate(small, rows, header, census=True))
    assert (problem.column, problem.code, problem.values["floors"]) == ("房号", "import.error.floor_above_building", 11)
    existing = only_problem(validate(small, [["A苑", "1栋", "1", "701", "乙", id_number(seq="52"), "", "", "", "", "",
                                              ""]], header, census=True))
    assert existing.code == "import.error.floor_above_building"  # 1栋 has 6 floors
    rows[0][-1] = "18"
    preview = validate(small, rows, header, census=True)
    ri.commit_register(small, LEADER, preview, source_name="c.csv")
    assert small.execute("SELECT floors FROM building WHERE name = '9栋'").fetchone()[0] == 18


def test_grid_worker_may_not_create_buildings(small):
    rows = [["A苑", "9栋", "1", "101", "甲", id_number(seq="61"), "", "", "", "", ""]]
    problem = only_problem(validate(small, rows, ["小区", *HEADER], census=True,
                                    scope=Scope(community_ids=(1,), grid_ids=(1,))))
    assert (problem.column, problem.code) == ("楼栋", "import.error.no_new_buildings")


def test_new_stairwell_in_a_building_with_a_footprint_gets_its_shape(small):
    rows = [["1栋", "3", "101", "甲", id_number(seq="71"), "", "", "", "", ""]]
    preview = validate(small, rows, census=True)
    assert preview.ok and preview.counts["stairwells_created"] == 1
    ri.commit_register(small, LEADER, preview, source_name="c.csv")
    assert small.execute("SELECT geom IS NOT NULL FROM stairwell WHERE building_id = 1 AND unit_no = 3").fetchone()[0]


# --- staff and volunteers --------------------------------------------------------------------------------------

STAFF_HEADER = ["姓名", "电话", "岗位", "网格"]


def staff_frame(rows):
    return ri.read_table(csv_data(rows, STAFF_HEADER), "staff.csv")


def validate_staff(con, rows, scope=COMMUNITY_1):
    frame = staff_frame(rows)
    return ri.validate_staff(con, frame, ri.match_headers(frame.columns, ri.STAFF_FIELDS)[0], community_id=1,
                             scope=scope)


def test_staff_import_creates_assigns_grids_and_reimports_unchanged(small):
    rows = [["周网格", "13800000001", "网格员", "第1网格、第2网格"], ["吴医生", "13800000002", "社区医生", ""],
            ["郑警官", "138-0000-0003", "民警", ""]]
    preview = validate_staff(small, rows)
    assert preview.ok and preview.counts["created"] == 3
    counts = ri.commit_staff(small, LEADER, preview, source_name="staff.xlsx")
    assert counts == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0, "grids_assigned": 2}
    worker = small.execute("SELECT staff_id FROM staff WHERE phone = '13800000001'").fetchone()[0]
    assert small.execute("SELECT list(grid_worker_id ORDER BY grid_id) FROM grid_cell").fetchone()[0] == [worker] * 2
    assert small.execute("SELECT role FROM staff WHERE phone = '13800000003'").fetchone()[0] == "police"
    before = without_audit(fingerprint(small))
    again = ri.commit_staff(small, LEADER, validate_staff(small, rows), source_name="staff.xlsx")
    assert (again["created"], again["updated"], again["grids_assigned"]) == (0, 0, 0)
    assert without_audit(fingerprint(small)) == before
    rows[1][0] = "吴大夫"
    assert ri.commit_staff(small, LEADER, validate_staff(small, rows), source_name="s2.xlsx")["updated"] == 1


@pytest.mark.parametrize("row, column, code", [
    (["甲", "13800000009", "厨师", ""], "岗位", "import.error.staff_role"),
    (["甲", "13800000009", "网格员", "第9网格"], "网格", "import.error.unknown_grid"),
    (["甲", "13800000009", "医生", "第1网格"], "网格", "import.error.grid_not_for_role"),
    (["甲", "", "医生", ""], "电话", "import.error.required"),
    (["甲", "12345", "医生", ""], "电话", "import.error.phone"),
    (["", "13800000009", "医生", ""], "姓名", "import.error.required"),
])
def test_staff_rules(small, row, column, code):
    problem = only_problem(validate_staff(small, [row]))
    assert (problem.row, problem.column, problem.code) == (2, column, code)


def test_staff_duplicates_and_role_changes(small):
    rows = [["甲", "13800000001", "网格员", "第1网格"], ["乙", "13800000001", "网格员", "第1网格"]]
    assert problems(validate_staff(small, rows)) == [(3, "电话", "import.error.phone_duplicate"),
                                                     (3, "网格", "import.error.grid_twice")]
    ri.commit_staff(small, LEADER, validate_staff(small, rows[:1]), source_name="s.csv")
    problem = only_problem(validate_staff(small, [["甲", "13800000001", "医生", ""]]))
    assert problem.code == "import.error.staff_role_changed" and problem.values["old"] == "grid_worker"


def test_grid_workers_may_not_import_staff_or_volunteers(small):
    with pytest.raises(ri.ImportProblemError, match="not_allowed"):
        validate_staff(small, [["甲", "13800000001", "网格员", ""]], Scope(community_ids=(1,), grid_ids=(1,)))


VOLUNTEER_HEADER = ["姓名", "电话", "居住楼栋", "可服务户数", "状态"]


def validate_volunteers(con, rows, header=VOLUNTEER_HEADER):
    frame = ri.read_table(csv_data(rows, header), "v.csv")
    return ri.validate_volunteers(con, frame, ri.match_headers(frame.columns, ri.VOLUNTEER_FIELDS)[0],
                                  community_id=1, scope=COMMUNITY_1)


def test_volunteer_import_creates_updates_and_keeps_blanks(small):
    rows = [["钱志愿", "13700000001", "1栋", "8", "在岗"], ["孙志愿", "13700000002", "B苑3栋", "", ""],
            ["李志愿", "13700000003", "", "3", "停用"]]
    preview = validate_volunteers(small, rows)
    assert preview.ok, preview.problems
    counts = ri.commit_volunteers(small, LEADER, preview, source_name="v.xlsx")
    assert (counts["created"], counts["updated"]) == (3, 0)
    stored = small.execute("SELECT name, home_building_id, capacity, active FROM volunteer ORDER BY volunteer_id"
                           ).fetchall()
    assert stored == [("钱志愿", 1, 8, True), ("孙志愿", 3, 5, True), ("李志愿", None, 3, False)]
    assert ri.commit_volunteers(small, LEADER, validate_volunteers(small, rows), source_name="v.xlsx")[
        "unchanged"] == 3
    rows[0][3] = "10"
    rows[1][3] = ""  # blank keeps 5
    again = validate_volunteers(small, rows)
    assert again.counts["updated"] == 1
    assert ri.commit_volunteers(small, LEADER, again, source_name="v2.xlsx")["updated"] == 1
    assert small.execute("SELECT capacity FROM volunteer WHERE phone = '13700000001'").fetchone()[0] == 10


@pytest.mark.parametrize("row, column, code", [
    (["甲", "13700000009", "9栋", "", ""], "居住楼栋", "import.error.unknown_building"),
    (["甲", "13700000009", "1栋", "很多", ""], "可服务户数", "import.error.capacity"),
    (["甲", "13700000009", "1栋", "", "不知道"], "状态", "import.error.status"),
    (["甲", "13700000009", "C苑1栋", "", ""], "居住楼栋", "import.error.unknown_building"),
])
def test_volunteer_rules(small, row, column, code):
    problem = only_problem(validate_volunteers(small, [row]))
    assert (problem.row, problem.column, problem.code) == (2, column, code)


def test_volunteer_building_in_two_compounds_needs_the_compound(town):
    problem = only_problem(validate_volunteers(town, [["甲", "13700000009", "1栋", "", ""]]))
    assert problem.code == "import.error.building_ambiguous"
    assert validate_volunteers(town, [["甲", "13700000009", "丽景苑1栋", "", ""]]).ok
    with_compound = [["甲", "13700000009", "1栋", "永宁花园"]]
    assert validate_volunteers(town, with_compound, ["姓名", "电话", "居住楼栋", "小区"]).ok


# --- templates -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind, fields", [("register", ri.REGISTER_FIELDS), ("staff", ri.STAFF_FIELDS),
                                          ("volunteer", ri.VOLUNTEER_FIELDS)])
def test_templates_read_back_with_every_header_recognised(kind, fields):
    frame = ri.read_table(ri.template_bytes(kind), f"{kind}.xlsx")
    mapping, unknown = ri.match_headers(frame.columns, fields)
    assert unknown == [] and len(frame) == 1
    sheet = openpyxl.load_workbook(io.BytesIO(ri.template_bytes(kind))).active
    phone_column = [c.column for c in sheet[1] if c.value in ("联系电话", "电话")][0]
    assert sheet.cell(5, phone_column).number_format == "@"  # typed digits stay text in Excel


def test_register_template_example_is_valid(small):
    small.execute("INSERT INTO compound VALUES (9, 1, '永宁花园')")
    frame = ri.read_table(ri.template_bytes(), "t.xlsx")
    preview = ri.validate_register(small, frame, ri.match_headers(frame.columns)[0], community_id=1,
                                   scope=COMMUNITY_1, census=True, today=TODAY)
    assert preview.ok, preview.problems


# --- damaged files: byte flips and truncations ------------------------------------------------------------------


def test_damaged_files_give_a_clear_error_or_a_preview_and_never_write(small):
    rng = random.Random(42)
    originals = {"register.xlsx": xlsx_data(PEOPLE), "register.csv": csv_data(PEOPLE)}
    before = fingerprint(small)
    outcomes = {"refused": 0, "problems": 0, "clean": 0}
    for case in range(30):
        name = rng.choice(sorted(originals))
        data = bytearray(originals[name])
        if case % 3 == 0:
            data = data[: rng.randrange(1, len(data))]
        else:
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            frame = ri.read_table(bytes(data), name)
        except ri.ImportProblemError as error:
            assert error.code.startswith("import.error.")
            outcomes["refused"] += 1
            continue
        mapping, _ = ri.match_headers(frame.columns)
        preview = ri.validate_register(small, frame, mapping, community_id=1, scope=COMMUNITY_1, today=TODAY)
        assert isinstance(preview, ri.Preview)
        if preview.problems:
            outcomes["problems"] += 1
            with pytest.raises(ri.ImportProblemError):
                ri.commit_register(small, LEADER, preview, source_name=name)
        else:
            outcomes["clean"] += 1  # a flip that hit nothing checked (e.g. a name): still a valid register
    assert fingerprint(small) == before
    assert outcomes["refused"] >= 5 and outcomes["problems"] >= 5, outcomes


# --- scale -----------------------------------------------------------------------------------------------------


def test_a_community_register_round_trips_through_csv(town):
    """The benchmark's path on one community: export, delete people, load, load again."""
    frame = bench_import.register_frame(town, seed=3)
    data = bench_import.csv_bytes(frame, encoding="gb18030")
    for table in bench_import.PEOPLES_RECORDS:
        town.execute(f"DELETE FROM {table}")
    first = bench_import.load(town, data)
    assert first["created"] == len(frame) == 3_000
    assert bench_import.load(town, data)["unchanged"] == 3_000
    assert integrity.reference_problems(town) == {}
    back = town.execute("SELECT count(*), count(DISTINCT id_hash), sum(disabled::INT) FROM resident").fetchone()
    assert back == (3_000, 3_000, int((frame["残疾"] == "是").sum()))


def test_frames_without_row_numbers_get_excel_ones(small):
    frame = pd.DataFrame(changed(PEOPLE, 1, "联系电话", "1"), columns=HEADER)
    preview = ri.validate_register(small, frame, ri.match_headers(frame.columns)[0], community_id=1,
                                   scope=COMMUNITY_1, today=TODAY)
    assert problems(preview) == [(3, "联系电话", "import.error.phone")]


# --- messages --------------------------------------------------------------------------------------------------


def test_every_code_in_the_code_has_both_texts_and_they_format():
    import re
    import string

    from resilient.core.i18n import texts
    from tests.conftest import ROOT

    used = set()
    for name in ["imports/sheets", "imports/values", "imports/register", "imports/places", "core/ids"]:
        used |= set(re.findall(r'"(import\.error\.[a-z_]+)"', (ROOT / "resilient" / f"{name}.py").read_text("utf-8")))
    assert used, "the pattern found no codes"
    assert used - texts("zh").keys() == set() and used - texts("en").keys() == set()
    placeholders = {"value", "file", "sheet", "limit", "label", "label_en", "field", "columns", "community_id",
                    "building", "unit", "first_row", "expected", "expected_zh", "expected_en", "compounds",
                    "floors", "old", "old_zh", "old_en", "count", "references", "kind", "names", "grid", "units"}
    for language in ("zh", "en"):
        for code, forms in texts(language).items():
            if not code.startswith("import.error."):
                continue
            for text in forms:
                names = {f for _, f, _, _ in string.Formatter().parse(text) if f}
                assert names <= placeholders, (code, language, names - placeholders)


def test_problem_values_fill_their_messages(small):
    from resilient.core.i18n import texts

    rows = changed(changed(changed(PEOPLE, 0, "性别", "女"), 1, "房号", "909"), 2, "姓名", "")
    for problem in validate(small, rows).problems:
        for language in ("zh", "en"):
            for text in texts(language)[problem.code]:
                assert "{" not in text.format(**problem.values)


def test_every_write_applies_the_scope_again(small):
    """Should a preview's rows and its scope ever disagree, the SQL writes nothing rather than too much."""
    import dataclasses

    preview = validate(small, PEOPLE)
    narrowed = dataclasses.replace(preview, scope=Scope(community_ids=(1,), grid_ids=(1,)))
    before = fingerprint(small)
    with pytest.raises(ri.ImportProblemError, match="changed_since_preview"):
        ri.commit_register(small, LEADER, narrowed, source_name="a.csv")
    assert fingerprint(small) == before


def test_volunteers_create_nothing_even_in_a_census(small):
    rows = [["1栋", "1", "301", "甲", id_number(seq="81"), "", "", "", "", ""]]
    problem = only_problem(validate(small, rows, census=True, scope=Scope(community_ids=(1,), household_ids=(11,))))
    assert (problem.column, problem.code) == ("房号", "import.error.outside_households")


def test_a_huge_cell_is_refused_quickly():
    import time

    started = time.perf_counter()
    for text in ["3" * 20_000 + "栋", "永" * 20_000 + "3栋2单元1502"]:
        with pytest.raises(ValueError):
            ri.parse_address(text)
    assert time.perf_counter() - started < 1


def test_large_workbooks_are_streamed_and_still_recover_numbers(monkeypatch):
    from resilient.imports import sheets as import_sheets

    monkeypatch.setattr(import_sheets, "MERGED_CELLS_BELOW_BYTES", 0)  # take the read-only path on a small file
    rows = [list(r) for r in PEOPLE]
    rows[0][5] = 13812345678.0
    frame = ri.read_table(xlsx_data(rows, title="居民登记表"), "big.xlsx")
    assert list(frame.columns) == HEADER and list(frame.index) == [3, 4, 5, 6, 7]
    assert frame.loc[3, "联系电话"] == "13812345678"


def test_too_many_rows_is_refused(monkeypatch):
    from resilient.imports import sheets as import_sheets

    monkeypatch.setattr(import_sheets, "MAX_ROWS", 3)
    for data, name in [(csv_data(PEOPLE), "x.csv"), (xlsx_data(PEOPLE), "x.xlsx")]:
        with pytest.raises(ri.ImportProblemError) as refused:
            ri.read_table(data, name)
        assert refused.value.code == "import.error.too_many_rows" and refused.value.values == {"limit": 3}


def test_staff_commit_that_differs_from_its_preview_is_undone(small):
    rows = [["周网格", "13800000001", "网格员", "第1网格"]]
    preview = validate_staff(small, rows)
    ri.commit_staff(small, LEADER, validate_staff(small, rows), source_name="other.csv")  # someone was quicker
    before = fingerprint(small)
    with pytest.raises(ri.ImportProblemError, match="changed_since_preview"):
        ri.commit_staff(small, LEADER, preview, source_name="late.csv")
    assert fingerprint(small) == before


def test_a_name_a_spreadsheet_would_read_as_a_formula_is_imported_with_a_warning_naming_the_row(small):
    rows = [list(r) for r in PEOPLE]
    rows[1][3] = '=HYPERLINK("http://x.invalid","点击")'
    rows[3][3] = "@赵六"
    preview = validate(small, rows)
    assert preview.ok  # a warning, not a refusal: the name is kept as typed
    assert [(w.row, w.column, w.code) for w in preview.warnings] == [
        (3, "姓名", "import.warning.formula_name"), (5, "姓名", "import.warning.formula_name")]
    assert preview.warnings[0].values["value"] == rows[1][3]
    assert not validate(small, PEOPLE).warnings


def test_staff_and_volunteer_names_like_formulas_are_warned_about_too(small):
    staff = ri.read_table(csv_data([["+网格员丙", "13800000009", "网格员", "第1网格"]],
                                   ["姓名", "电话", "岗位", "网格"]), "staff.csv")
    preview = ri.validate_staff(small, staff, ri.match_headers(staff.columns, ri.STAFF_FIELDS)[0], community_id=1,
                                scope=COMMUNITY_1)
    assert [(w.row, w.code) for w in preview.warnings] == [(2, "import.warning.formula_name")]
    volunteers = ri.read_table(csv_data([["-志愿者", "13800000008"]], ["姓名", "电话"]), "volunteers.csv")
    preview = ri.validate_volunteers(small, volunteers, ri.match_headers(volunteers.columns, ri.VOLUNTEER_FIELDS)[0],
                                     community_id=1, scope=COMMUNITY_1)
    assert [(w.row, w.code) for w in preview.warnings] == [(2, "import.warning.formula_name")]
