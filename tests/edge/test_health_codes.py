"""Health codes (issue 17): history kept, current by date, yellow and red on the fevers' alert list, the sheet."""

from datetime import datetime, timedelta

import pandas as pd
import pytest

from resilient.core import ids
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.daily import checks
from resilient.daily.rules import DailyError
from resilient.edge import health_codes
from resilient.edge.health_codes import HealthCodeError
from tests.conftest import NOW, TODAY

pytestmark = pytest.mark.both_backends

LEADER = User(1, "leader", "社区书记", "community_leader", community_id=1)
GRID1 = User(2, "grid1", "网格员甲", "grid_worker", community_id=1, staff_id=1)
DOCTOR = User(4, "doctor", "医生", "doctor", community_id=1, staff_id=3)
VIEWER = User(3, "viewer", "查看", "viewer", community_id=1)
ALL = Scope()
YESTERDAY = TODAY - timedelta(days=1)


def number(birth: str = "19800101", serial: str = "123") -> str:
    first = "320402" + birth + serial
    return first + ids.check_digit(first)


@pytest.fixture
def coded(small):
    small.execute("INSERT INTO staff VALUES (3, 1, 'doctor', '医生丙', NULL)")
    small.execute("UPDATE resident SET id_hash = $h WHERE resident_id = 3", {"h": ids.hash_id(number(), "")})
    small.execute("UPDATE resident SET id_hash = $h WHERE resident_id = 9",
                  {"h": ids.hash_id(number(serial="456"), "")})
    return small


def current(con, resident_id):
    return con.execute("SELECT colour FROM current_health_code() WHERE resident_id = $r",
                       {"r": resident_id}).fetchone()[0]


def test_every_change_is_a_row_and_the_current_code_is_the_latest_by_date(coded):
    health_codes.set_code(coded, LEADER, 3, "green", YESTERDAY, now=NOW)
    health_codes.set_code(coded, LEADER, 3, "yellow", TODAY, now=NOW)
    health_codes.set_code(coded, LEADER, 3, "green", TODAY - timedelta(days=3), now=NOW)   # an old one, late
    assert coded.execute("SELECT count(*) FROM health_code WHERE resident_id = 3").fetchone()[0] == 3
    assert current(coded, 3) == "yellow"
    assert list(health_codes.history(coded, ALL, 3)["colour"]) == ["yellow", "green", "green"]
    again = health_codes.set_code(coded, LEADER, 3, "yellow", TODAY, now=NOW)              # the same again
    assert again["changed"] is False
    assert coded.execute("SELECT count(*) FROM health_code WHERE resident_id = 3").fetchone()[0] == 3


def test_a_yellow_or_red_code_raises_one_alert_on_the_fevers_list_handled_the_same_way(coded):
    assert health_codes.set_code(coded, GRID1, 3, "green", now=NOW)["alert_id"] is None
    yellow = health_codes.set_code(coded, GRID1, 3, "yellow", now=NOW)
    assert yellow["alert_id"] is not None
    # the same colour declared again the next time is not a second alert; red is
    assert health_codes.set_code(coded, GRID1, 3, "yellow", now=NOW + timedelta(days=1))["alert_id"] is None
    red = health_codes.set_code(coded, GRID1, 3, "red", now=NOW + timedelta(days=1))
    assert red["alert_id"] is not None
    listed = checks.alerts(coded, ALL, NOW + timedelta(days=1))
    assert list(listed["kind"]) == ["health_code", "health_code"]
    assert list(listed["colour"]) == ["red", "yellow"]
    assert health_codes.kpis(coded, ALL, TODAY + timedelta(days=1))["alerts_open"] == 2
    checks.handle_alert(coded, DOCTOR, yellow["alert_id"], "已电话联系，居家观察", NOW + timedelta(days=1))
    assert list(checks.alerts(coded, ALL, NOW + timedelta(days=1))["alert_id"]) == [red["alert_id"]]
    with pytest.raises(DailyError) as twice:
        checks.handle_alert(coded, DOCTOR, yellow["alert_id"], "again", NOW + timedelta(days=1))
    assert twice.value.code == "checks.error.alert_handled"
    assert health_codes.kpis(coded, ALL, TODAY + timedelta(days=1))["alerts_open"] == 1


def test_fever_and_code_alerts_share_one_list(coded):
    coded.execute("""INSERT INTO control_measure VALUES (6, 3, 'home_isolation', 'key_area', DATE '2026-11-20',
                     DATE '2026-12-04', NULL, TIMESTAMP '2026-11-20 09:00')""")
    fever = checks.record_check(coded, GRID1, 6, TODAY, "am", 38.4, [], now=datetime(2026, 11, 23, 9))
    code = health_codes.set_code(coded, GRID1, 3, "red", now=NOW)
    listed = checks.alerts(coded, ALL, NOW)
    assert set(listed["alert_id"]) == {fever["alert_id"], code["alert_id"]}
    assert dict(zip(listed["alert_id"], listed["kind"])) == {fever["alert_id"]: "fever",
                                                             code["alert_id"]: "health_code"}


def test_refusals_name_the_rule(coded):
    with pytest.raises(HealthCodeError) as future:
        health_codes.set_code(coded, LEADER, 3, "red", TODAY + timedelta(days=1), now=NOW)
    assert future.value.code == "health_codes.error.future"
    with pytest.raises(HealthCodeError) as colour:
        health_codes.set_code(coded, LEADER, 3, "blue", now=NOW)
    assert colour.value.code == "health_codes.error.colour"
    with pytest.raises(HealthCodeError) as viewer:
        health_codes.set_code(coded, VIEWER, 3, "red", now=NOW)
    assert viewer.value.code == "health_codes.error.not_allowed"
    with pytest.raises(HealthCodeError) as outside:           # resident 7 lives in grid 2, not grid worker 1's
        health_codes.set_code(coded, GRID1, 7, "red", now=NOW)
    assert outside.value.code == "health_codes.error.out_of_scope"
    with pytest.raises(HealthCodeError):                      # a doctor sees people under measures only
        health_codes.set_code(coded, DOCTOR, 9, "red", now=NOW)
    assert coded.execute("SELECT count(*) FROM health_code").fetchone()[0] == 0


def test_counts_by_current_colour_and_changed_today(coded):
    health_codes.set_code(coded, LEADER, 1, "green", YESTERDAY, now=NOW - timedelta(days=1))
    health_codes.set_code(coded, LEADER, 3, "green", YESTERDAY, now=NOW - timedelta(days=1))
    health_codes.set_code(coded, LEADER, 3, "red", now=NOW)
    health_codes.set_code(coded, LEADER, 9, "yellow", now=NOW)
    assert health_codes.kpis(coded, ALL, TODAY) == {"green": 1, "yellow": 1, "red": 1, "changed_today": 2,
                                                    "alerts_open": 2}
    assert health_codes.kpis(coded, ALL, YESTERDAY)["green"] == 2         # as it stood yesterday
    assert health_codes.counts(coded, ALL, TODAY, compound_ids=(2,))["yellow"] == 1   # resident 9, B苑
    assert health_codes.counts(coded, ALL, TODAY, compound_ids=(2,))["red"] == 0
    grid1 = Scope(community_ids=(1,), grid_ids=(1,))
    assert health_codes.kpis(coded, grid1, TODAY)["yellow"] == 0
    shown = health_codes.buildings(coded, ALL, TODAY)
    assert list(shown["building"]) == ["1栋", "3栋"] and list(shown["red"]) == [1, 0]


def sheet(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows).fillna("")
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return frame


def test_a_sheet_by_id_or_by_name_and_flat_goes_in_whole(coded):
    frame = sheet([
        {"身份证号": number(), "姓名": "", "楼栋": "", "房号": "", "健康码": "绿码", "日期": "2026-11-22"},
        {"身份证号": "", "姓名": "居民7", "楼栋": "2号楼", "房号": "101", "健康码": "红", "日期": "2026/11/23"},
        {"身份证号": number(serial="456"), "姓名": "", "楼栋": "", "房号": "", "健康码": "Yellow",
         "日期": "20261123"},
    ])
    preview = health_codes.validate_sheet(coded, LEADER, frame, TODAY)
    assert preview.problems == []
    assert [(r, rid, c) for r, rid, c, _ in preview.rows] == [(2, 3, "green"), (3, 7, "red"), (4, 9, "yellow")]
    done = health_codes.commit_sheet(coded, LEADER, preview, "codes.xlsx", now=NOW)
    assert done == {"rows": 3, "written": 3, "unchanged": 0, "alerts": 2}
    assert coded.execute("SELECT count(*) FROM health_code WHERE source = 'sheet'").fetchone()[0] == 3
    again = health_codes.commit_sheet(coded, LEADER, health_codes.validate_sheet(coded, LEADER, frame, TODAY),
                                      "codes.xlsx", now=NOW)
    assert again["written"] == 0 and again["alerts"] == 0      # the same sheet twice changes nothing


def test_each_bad_row_is_named_with_its_field_and_nothing_is_written(coded):
    bad_check = number()[:-1] + ("0" if number()[-1] != "0" else "1")
    frame = sheet([
        {"身份证号": number(), "姓名": "", "楼栋": "", "房号": "", "健康码": "绿码", "日期": "2026-11-22"},
        {"身份证号": bad_check, "姓名": "", "楼栋": "", "房号": "", "健康码": "绿", "日期": "2026-11-22"},
        {"身份证号": "", "姓名": "无此人", "楼栋": "1栋", "房号": "101", "健康码": "绿", "日期": "2026-11-22"},
        {"身份证号": number(serial="456"), "姓名": "", "楼栋": "", "房号": "", "健康码": "紫码",
         "日期": "2026-11-22"},
        {"身份证号": number(serial="456"), "姓名": "", "楼栋": "", "房号": "", "健康码": "红", "日期": "2026-12-01"},
    ])
    preview = health_codes.validate_sheet(coded, LEADER, frame, TODAY)
    assert [(p.row, p.column, p.code) for p in preview.problems] == [
        (3, "身份证号", "import.error.id_check_digit"),
        (4, "姓名", "health_codes.error.unknown_resident"),
        (5, "健康码", "health_codes.error.colour"),
        (6, "日期", "health_codes.error.future"),
    ]
    with pytest.raises(HealthCodeError):
        health_codes.commit_sheet(coded, LEADER, preview, "codes.xlsx", now=NOW)
    assert coded.execute("SELECT count(*) FROM health_code").fetchone()[0] == 0


def test_a_resident_outside_the_importers_scope_is_named(coded):
    frame = sheet([{"身份证号": number(serial="456"), "健康码": "绿", "日期": "2026-11-22"}])   # resident 9, grid 2
    preview = health_codes.validate_sheet(coded, GRID1, frame, TODAY)
    assert [(p.row, p.column, p.code) for p in preview.problems] == [(2, "身份证号", "health_codes.error.out_of_scope")]


def test_a_sheet_without_a_colour_column_is_refused_at_its_header(coded):
    preview = health_codes.validate_sheet(coded, LEADER, sheet([{"身份证号": number(), "日期": "2026-11-22"}]),
                                          TODAY)
    assert [(p.row, p.code, p.values) for p in preview.problems] == [
        (1, "health_codes.error.missing_column", {"field": "colour"})]


@pytest.mark.parametrize(("word", "colour"), [("红码", "red"), ("黄色", "yellow"), ("绿", "green"), ("GREEN", "green"),
                                              ("* 红 码", "red")])
def test_colour_words(word, colour):
    assert health_codes.colour_of(word) == colour
