"""Arrivals (issue 7): the rules table, suggestions, one registration, and the gate's sheet all or nothing."""

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from resilient.core import ids
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.daily import arrivals
from resilient.daily.arrivals import Arrival, Newcomer
from resilient.daily.rules import DailyError
from tests.conftest import NOW, TODAY

pytestmark = pytest.mark.both_backends

LEADER = User(1, "leader", "社区书记", "community_leader", community_id=1)
GRID1 = User(2, "grid1", "网格员甲", "grid_worker", community_id=1, staff_id=1)
VIEWER = User(3, "viewer", "查看", "viewer", community_id=1)
DOCTOR = User(4, "doctor", "医生", "doctor", community_id=1)

TABLES = ("arrival", "arrival_rule", "resident", "control_measure", "measure_event", "audit_log", "meta")


def id_number(birth: str = "19900101", seq: int = 1) -> str:
    first = f"320411{birth}{seq:03d}"
    return first + ids.check_digit(first)


def contents(con) -> dict:
    """Every row of the tables an arrival writes, to compare before and after a refused write."""
    return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in TABLES}


def count(con, sql: str, params=None) -> int:
    return con.execute(sql, params or {}).fetchone()[0]


# --- rules ----------------------------------------------------------------------------------------------------

def test_default_rules_and_suggestions(small):
    table = arrivals.rules(small, 1)
    assert list(table.columns) == ["origin", "risk", "category", "days"]
    assert [tuple(r) for r in table.itertuples(index=False)] == arrivals.DEFAULT_RULES
    assert arrivals.suggest(small, 1, "abroad", "low") == ("centralised_quarantine", 14)
    assert arrivals.suggest(small, 1, "key_area", "high") == ("home_isolation", 14)
    assert arrivals.suggest(small, 1, "key_area", "low") == ("home_observation", 14)
    assert arrivals.suggest(small, 1, "other_area", "high") == ("health_monitoring", 14)
    with pytest.raises(DailyError) as refused:
        arrivals.suggest(small, 1, "moon", "high")
    assert refused.value.code == "arrivals.error.origin"


def test_saved_rules_change_the_suggestion_and_are_audited(small):
    table = arrivals.rules(small, 1)
    table.loc[(table["origin"] == "other_area") & (table["risk"] == "low"), "days"] = 7
    assert arrivals.save_rules(small, LEADER, 1, table, TODAY) == 8
    assert arrivals.suggest(small, 1, "other_area", "low") == ("health_monitoring", 7)
    assert arrivals.suggest(small, 1, "other_area", "high") == ("health_monitoring", 14)
    assert count(small, "SELECT count(*) FROM audit_log WHERE action = 'arrival_rules_saved'") == 1
    # Another community keeps the defaults.
    assert arrivals.suggest(small, 2, "other_area", "low") == ("health_monitoring", 14)
    with pytest.raises(DailyError) as refused:
        arrivals.save_rules(small, GRID1, 1, table, TODAY)
    assert refused.value.code == "daily.error.not_allowed"


def test_invalid_rules_are_refused_naming_each_row_and_change_nothing(small):
    table = arrivals.rules(small, 1)
    table.loc[2, "category"] = "beach_holiday"   # row 3
    table.loc[4, "days"] = 0                     # row 5
    table.loc[7, ["origin", "risk"]] = ["key_area", "high"]   # row 8 repeats row 3's pair; close_contact/low gone
    before = contents(small)
    with pytest.raises(DailyError) as refused:
        arrivals.save_rules(small, LEADER, 1, table, TODAY)
    assert refused.value.code == "arrivals.error.rules_invalid"
    found = [(p.row, p.column, p.code) for p in refused.value.values["problems"]]
    assert found == [(3, "category", "arrivals.error.rule_category"), (5, "days", "arrivals.error.rule_days"),
                     (8, "origin", "arrivals.error.rule_twice"), (0, "origin", "arrivals.error.rule_missing")]
    assert refused.value.values["row"] == 3
    assert contents(small) == before


# --- one arrival ----------------------------------------------------------------------------------------------

def test_register_a_resident_opens_the_suggested_measure_with_history(small):
    done = arrivals.register(small, GRID1, Arrival(arrival_date=TODAY, origin="key_area", risk="high",
                                                   from_place="武汉市江汉区", resident_id=3, temperature=36.5),
                             now=NOW)
    assert done["category"] == "home_isolation" and done["days"] == 14 and done["resident_id"] == 3
    assert done["measure_id"] == 6  # the fixture has measures 1-5
    row = small.execute("SELECT resident_id, category, origin, start_date, planned_end, released_at, created_at "
                        "FROM control_measure WHERE measure_id = 6").fetchone()
    assert row == (3, "home_isolation", "key_area", TODAY, TODAY + timedelta(days=14), None, NOW)
    arrival = small.execute("SELECT from_place, suggested_category, category, days, reason, newcomer, "
                            "recorded_by FROM arrival").fetchall()
    assert arrival == [("武汉市江汉区", "home_isolation", "home_isolation", 14, None, False, "grid1")]
    events = small.execute("SELECT kind, measure_id FROM measure_event ORDER BY event_id").fetchall()
    assert events == [("arrival", 6), ("created", 6)]
    assert count(small, "SELECT count(*) FROM audit_log WHERE action = 'arrival_registered' "
                        "AND target = 'resident:3'") == 1


def test_a_changed_decision_needs_a_reason_and_a_refusal_writes_nothing(small):
    before = contents(small)
    changed = Arrival(arrival_date=TODAY, origin="key_area", risk="low", resident_id=3,
                      category="home_isolation", days=14)
    with pytest.raises(DailyError) as refused:
        arrivals.register(small, GRID1, changed, now=NOW)
    assert refused.value.code == "arrivals.error.reason_required"
    assert refused.value.values == {"suggested": "home_observation", "days": 14}
    assert contents(small) == before
    changed.reason = "同住人为密接"
    done = arrivals.register(small, GRID1, changed, now=NOW)
    assert (done["category"], done["days"]) == ("home_isolation", 14)
    assert small.execute("SELECT suggested_category, category, reason FROM arrival").fetchall() == [
        ("home_observation", "home_isolation", "同住人为密接")]
    # Only the days differ: a reason is needed too.
    with pytest.raises(DailyError) as refused:
        arrivals.register(small, GRID1, Arrival(arrival_date=TODAY, origin="key_area", resident_id=6, days=7),
                          now=NOW)
    assert refused.value.code == "arrivals.error.reason_required"


def test_refusals_scope_open_measure_future_date_and_roles(small):
    before = contents(small)
    cases = [
        (GRID1, Arrival(arrival_date=TODAY, origin="abroad", resident_id=1), "arrivals.error.under_measure"),
        (GRID1, Arrival(arrival_date=TODAY, origin="abroad", resident_id=7),
         "arrivals.error.resident_out_of_scope"),   # resident 7 lives in grid 2
        (GRID1, Arrival(arrival_date=TODAY + timedelta(days=1), origin="abroad", resident_id=3),
         "arrivals.error.future_date"),
        (DOCTOR, Arrival(arrival_date=TODAY, origin="abroad", resident_id=3), "daily.error.not_allowed"),
        (GRID1, Arrival(arrival_date=TODAY, origin="abroad",
                        newcomer=Newcomer(21, "新来人", id_number(seq=3))), "arrivals.error.flat_out_of_scope"),
        (GRID1, Arrival(arrival_date=TODAY, origin="abroad",
                        newcomer=Newcomer(12, "新来人", id_number()[:-1] + "0")), "import.error.id_check_digit"),
    ]
    for actor, arrival, code in cases:
        with pytest.raises(DailyError) as refused:
            arrivals.register(small, actor, arrival, now=NOW)
        assert refused.value.code == code, code
    assert contents(small) == before


def test_a_newcomer_gets_a_resident_row_with_the_id_masked_and_hashed(small):
    number = id_number("19850315", 13)
    done = arrivals.register(small, LEADER, Arrival(
        arrival_date=TODAY, origin="abroad", risk="low", from_place="首尔",
        newcomer=Newcomer(12, "金 小明", number, "138 1234 5678")), now=NOW)
    assert done["resident_id"] == 10 and done["category"] == "centralised_quarantine"
    person = small.execute("SELECT household_id, name, sex, birth_date, phone, id_masked, id_hash "
                           "FROM resident WHERE resident_id = 10").fetchone()
    salt = small.execute("SELECT value FROM meta WHERE key = 'id_salt'").fetchone()[0]
    assert person == (12, "金 小明", "M", date(1985, 3, 15), "13812345678", ids.mask_id(number),
                      ids.hash_id(number, salt))
    assert small.execute("SELECT newcomer FROM arrival").fetchone() == (True,)
    # The same ID number again is the registered person, not a second newcomer.
    with pytest.raises(DailyError) as refused:
        arrivals.register(small, LEADER, Arrival(arrival_date=TODAY, origin="abroad",
                                                 newcomer=Newcomer(11, "金小明", number)), now=NOW)
    assert refused.value.code == "arrivals.error.id_known" and refused.value.values["resident_id"] == 10


def test_list_and_counts_follow_scope(small):
    arrivals.register(small, LEADER, Arrival(arrival_date=TODAY, origin="key_area", resident_id=3), now=NOW)
    arrivals.register(small, LEADER, Arrival(arrival_date=TODAY - timedelta(days=1), origin="other_area",
                                             resident_id=9), now=NOW)
    listed = arrivals.arrivals(small, Scope(), TODAY - timedelta(days=7), TODAY)
    assert list(listed["resident_id"]) == [3, 9]
    assert listed["name"].tolist() == ["居*3", "居*9"]
    assert arrivals.counts_by_origin(small, Scope(), TODAY) == {"abroad": 0, "key_area": 1, "other_area": 0,
                                                                "close_contact": 0}
    assert list(arrivals.arrivals(small, Scope(grid_ids=(1,)), TODAY - timedelta(days=7), TODAY)["resident_id"]) \
        == [3]
    assert arrivals.arrivals(small, Scope(personal="none"), TODAY - timedelta(days=7), TODAY).empty


# --- the gate's sheet -----------------------------------------------------------------------------------------

def sheet(rows) -> pd.DataFrame:
    columns = ["姓名", "证件号码", "电话", "详细地址", "来源地区", "来源类别", "风险等级", "到达日期", "体温",
               "管控措施", "调整原因"]
    return pd.DataFrame(rows, columns=columns)


def good_rows():
    return [
        ["王一", id_number("19900101", 21), "13900000001", "1栋1单元201", "首尔", "境外", "低", "2026-11-23", "36.4",
         "", ""],
        ["王二", id_number("19920202", 22), "", "1-2-301", "武汉", "重点地区", "高", "2026/11/22", "36.8",
         "居家观察", "独居老人照护"],
    ]


def test_sheet_registers_all_rows_in_one_go(small):
    preview = arrivals.validate_sheet(small, LEADER, sheet(good_rows()), 1, TODAY)
    assert preview.problems == [] and len(preview.rows) == 2
    result = arrivals.commit_sheet(small, LEADER, preview, "gate.xlsx", now=NOW)
    assert result["arrivals"] == 2 and result["newcomers"] == 2
    found = small.execute("""SELECT r.name, r.household_id, a.category, a.suggested_category, a.arrival_date
                             FROM arrival a JOIN resident r USING (resident_id) ORDER BY a.arrival_id""").fetchall()
    assert found == [("王一", 12, "centralised_quarantine", "centralised_quarantine", date(2026, 11, 23)),
                     ("王二", 13, "home_observation", "home_isolation", date(2026, 11, 22))]
    assert count(small, "SELECT count(*) FROM audit_log WHERE action = 'arrival_sheet_imported'") == 1


def test_sheet_problems_are_listed_by_row_and_column_and_nothing_is_written(small):
    rows = good_rows() + [
        ["王三", id_number("19900101", 21), "", "1栋1单元201", "", "境外", "", "2026-11-23", "", "", ""],
        ["王四", "320411199001010011", "", "9栋1单元101", "", "火星", "", "2026-11-30", "41度", "", ""],
        ["王五", id_number("19930303", 25), "", "1栋1单元201", "", "境外", "", "2026-11-23", "", "居家隔离", ""],
    ]
    before = contents(small)
    preview = arrivals.validate_sheet(small, LEADER, sheet(rows), 1, TODAY)
    found = {(p.row, p.column, p.code) for p in preview.problems}
    assert found == {
        (4, "证件号码", "arrivals.error.duplicate_id"),
        (5, "证件号码", "import.error.id_check_digit"),
        (5, "详细地址", "arrivals.error.no_flat"),
        (5, "来源类别", "arrivals.error.origin"),
        (5, "到达日期", "import.error.date_future"),
        (5, "体温", "arrivals.error.temperature"),
        (6, "管控措施", "arrivals.error.reason_required"),
    }
    with pytest.raises(DailyError) as refused:
        arrivals.commit_sheet(small, LEADER, preview, "gate.xlsx", now=NOW)
    assert refused.value.code == "arrivals.error.sheet_problems"
    assert contents(small) == before


def test_sheet_row_failing_at_commit_rolls_back_the_rows_before_it(small):
    rows = good_rows() + [["居民3", id_number("19700101", 30), "", "1栋1单元201", "", "其他地区", "", "2026-11-23",
                           "", "", ""]]
    preview = arrivals.validate_sheet(small, LEADER, sheet(rows), 1, TODAY)
    assert preview.ok
    # Between preview and commit someone registers the third row's ID number in the flat.
    arrivals.register(small, LEADER, Arrival(arrival_date=TODAY, origin="other_area",
                                             newcomer=Newcomer(12, "居民3", id_number("19700101", 30))), now=NOW)
    before = contents(small)
    with pytest.raises(DailyError) as refused:
        arrivals.commit_sheet(small, LEADER, preview, "gate.xlsx", now=NOW)
    assert refused.value.code == "arrivals.error.sheet_row" and refused.value.values["row"] == 4
    assert contents(small) == before


def test_sheet_matches_a_registered_resident_by_id_number(small):
    salt = "s" * 32
    small.execute("INSERT INTO meta VALUES ('id_salt', $s)", {"s": salt})
    number = id_number("19800101", 40)
    small.execute("UPDATE resident SET id_hash = $h WHERE resident_id = 3", {"h": ids.hash_id(number, salt)})
    preview = arrivals.validate_sheet(small, GRID1, sheet([["居民3", number, "", "", "", "重点地区", "低",
                                                            "2026-11-23", "", "", ""]]), 1, TODAY)
    assert preview.ok and preview.rows[0][1].resident_id == 3
    arrivals.commit_sheet(small, GRID1, preview, "gate.csv", now=datetime(2026, 11, 23, 9, 0))
    assert small.execute("SELECT resident_id, category, newcomer FROM arrival").fetchall() == [
        (3, "home_observation", False)]
    # Resident 1 is under a measure: a sheet naming them is refused at the preview.
    small.execute("UPDATE resident SET id_hash = $h WHERE resident_id = 1",
                  {"h": ids.hash_id(id_number("19800101", 41), salt)})
    preview = arrivals.validate_sheet(small, GRID1, sheet([["居民1", id_number("19800101", 41), "", "", "", "境外",
                                                            "", "2026-11-23", "", "", ""]]), 1, TODAY)
    assert [(p.row, p.code) for p in preview.problems] == [(2, "arrivals.error.under_measure")]


# --- finding people and flats, the preview table and the blank sheet --------------------------------------------

def test_find_residents_by_flat_phone_digits_or_name_within_scope(small):
    small.execute("UPDATE resident SET phone = '13812345678' WHERE resident_id = 3")
    found = arrivals.find_residents(small, Scope(), "1-1-101", TODAY)
    assert found[["resident_id", "measure_id"]].astype(object).values.tolist() == [[1, 1], [2, pd.NA]]
    assert found.loc[0, "category"] == "home_isolation" and found.loc[0, "planned_end"] == TODAY
    assert found["name"].tolist() == ["居*1", "居*2"]                   # masked
    assert arrivals.find_residents(small, Scope(), "1-1-101", TODAY, revealed={1})["name"].tolist() == [
        "居民1", "居*2"]
    assert arrivals.find_residents(small, Scope(), "A苑1栋1单元101", TODAY)["resident_id"].tolist() == [1, 2]
    assert arrivals.find_residents(small, Scope(), "B苑1栋1单元101", TODAY).empty   # the compound narrows
    assert arrivals.find_residents(small, Scope(), "5678", TODAY)["resident_id"].tolist() == [3]
    assert arrivals.find_residents(small, Scope(), "301", TODAY)["resident_id"].tolist() == [4, 5, 6]  # the room
    assert arrivals.find_residents(small, Scope(), "民9", TODAY)["resident_id"].tolist() == [9]
    assert len(arrivals.find_residents(small, Scope(), "居民", TODAY, limit=4).drop_duplicates("resident_id")) == 4
    assert arrivals.find_residents(small, Scope(grid_ids=(1,)), "居民7", TODAY).empty        # grid 2's resident
    assert arrivals.find_residents(small, Scope(), "  ", TODAY).empty
    # A doctor sees one by one only people under a measure.
    assert arrivals.find_residents(small, Scope(personal="under_measure"), "1-1-101", TODAY)[
        "resident_id"].tolist() == [1]
    assert arrivals.find_residents(small, Scope(personal="none"), "1-1-101", TODAY).empty


def test_flats_in_walking_order_within_scope(small):
    assert arrivals.flats(small, Scope(), 1)["household_id"].tolist() == [11, 12, 13, 21, 31]
    assert arrivals.flats(small, Scope(grid_ids=(1,)), 1)["household_id"].tolist() == [11, 12, 13]


def test_preview_rows_show_the_suggestion_and_the_decision(small):
    preview = arrivals.validate_sheet(small, LEADER, sheet(good_rows()), 1, TODAY)
    rows = arrivals.preview_rows(small, preview)
    assert rows[["row", "name", "newcomer", "origin", "suggested_category", "category", "days", "reason"]
                ].values.tolist() == [
        [2, "王*", True, "abroad", "centralised_quarantine", "centralised_quarantine", 14, ""],
        [3, "王*", True, "key_area", "home_isolation", "home_observation", 14, "独居老人照护"]]


def test_the_blank_template_is_read_back_with_every_field_recognised(small):
    from io import BytesIO

    import openpyxl

    from resilient.imports.sheets import read_table

    data = arrivals.template_bytes()
    blank = read_table(data, "template.xlsx")
    assert blank.empty
    assert set(arrivals.match_arrival_headers(blank.columns).values()) == {f for f, _ in arrivals.TEMPLATE_COLUMNS}
    book = openpyxl.load_workbook(BytesIO(data))
    lists = {str(v.sqref).split(":")[0][0]: v.formula1 for v in book.active.data_validations.dataValidation}
    assert lists["G"] == '"境外,重点地区,其他地区,密接"' and lists["H"] == '"高,低"'
    # Filled in as the gate would, it registers.
    book.active.append(["王一", id_number("19900101", 21), "13900000001", "1-1-201", "2026-11-23", "首尔", "境外",
                        "低", "36.5", "", "", "", ""])
    buffer = BytesIO()
    book.save(buffer)
    preview = arrivals.validate_sheet(small, LEADER, read_table(buffer.getvalue(), "gate.xlsx"), 1, TODAY)
    assert preview.ok and len(preview.rows) == 1
    assert preview.rows[0][1].newcomer.household_id == 12 and preview.rows[0][1].temperature == 36.5
