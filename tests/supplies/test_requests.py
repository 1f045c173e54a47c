"""Requests from sealed households: entered, moved along (refusals, double taps), in whose scope (the building
leader's whole building), from a sheet all or nothing, overdue, and the day's counts."""

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from resilient.core import roles
from resilient.core.accounts import User
from resilient.supplies import requests as rq
from resilient.supplies.requests import RequestError
from tests.conftest import NOW, TODAY

pytestmark = pytest.mark.both_backends

GRID1 = User(1, "grid1", "网格员甲", "grid_worker", 1, 1, None)
LEADER = User(2, "leader", "书记", "community_leader", 1, None, None)
# Volunteer 1 looks after household 11 only; volunteer 2 looks after 21 and leads building 1 (楼长).
HELPER = User(3, "v1", "志愿者一", "volunteer", 1, None, 1)
LOUZHANG = User(4, "v2", "楼长", "volunteer", 1, None, 2)
DOCTOR = User(5, "doc", "医生", "doctor", 1, None, None)


@pytest.fixture
def world(small):
    con = small
    con.execute("""INSERT INTO volunteer (volunteer_id, community_id, name, phone, home_building_id) VALUES
        (1, 1, '王五', '13700000001', 1), (2, 1, '赵六', '13700000002', 2)""")
    con.execute("""INSERT INTO volunteer_assignment VALUES (1, 11, DATE '2026-11-01', NULL),
        (2, 21, DATE '2026-11-01', NULL)""")
    con.execute("INSERT INTO building_leader VALUES (2, 1, NULL, DATE '2026-11-01', NULL)")
    return con


def at(hours: float) -> datetime:
    return NOW + timedelta(hours=hours)


def status_of(con, request_id):
    return con.execute("SELECT status, volunteer_id, failed_reason FROM supply_request WHERE request_id = ?",
                       [request_id]).fetchone()


def counts(con):
    return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("supply_request", "supply_request_event", "audit_log"))


def test_create_writes_the_request_its_first_step_and_an_audit_row(world):
    rid = rq.create(world, GRID1, 11, "food", "大米", at=NOW)
    assert status_of(world, rid) == ("new", None, None)
    assert counts(world) == (1, 1, 1)
    assert world.execute("SELECT action FROM audit_log").fetchone()[0] == "supply_request_created"


def test_medicine_without_a_prescription_is_taken_and_flagged(world):
    with_rx = rq.create(world, GRID1, 11, "medicine", "降压药", "硝苯地平 20mg", at=NOW)
    without = rq.create(world, GRID1, 12, "medicine", "胰岛素", at=NOW)
    listed = rq.listing(world, roles.scope_for(world, GRID1, TODAY), TODAY, at(1)).set_index("request_id")
    assert not listed.loc[with_rx, "needs_prescription"] and listed.loc[without, "needs_prescription"]
    assert "*" in listed.loc[with_rx, "name"]          # masked


def test_unknown_kind_role_and_scope_are_refused(world):
    with pytest.raises(RequestError, match="requests.error.kind"):
        rq.create(world, GRID1, 11, "weapons")
    with pytest.raises(RequestError, match="requests.error.not_allowed"):
        rq.create(world, DOCTOR, 11, "food")
    with pytest.raises(RequestError, match="requests.error.out_of_scope"):
        rq.create(world, GRID1, 21, "food", at=NOW)     # grid 2's household
    with pytest.raises(RequestError, match="requests.error.out_of_scope"):
        rq.create(world, HELPER, 12, "food", at=NOW)    # not assigned to this volunteer
    assert counts(world) == (0, 0, 0)


def test_a_building_leader_enters_requests_for_every_flat_of_the_building(world):
    scope = rq.request_scope(world, LOUZHANG, TODAY)
    assert {11, 12, 13, 21} <= set(scope.household_ids) and 31 not in scope.household_ids
    for household in (11, 12, 13):
        rq.create(world, LOUZHANG, household, "goods", at=NOW)
    with pytest.raises(RequestError, match="requests.error.out_of_scope"):
        rq.create(world, LOUZHANG, 31, "goods", at=NOW)
    # What a plain volunteer reads elsewhere is not widened.
    assert roles.scope_for(world, HELPER, TODAY).household_ids == (11,)


def test_a_volunteer_sees_the_door_of_a_request_handed_to_them(world):
    rid = rq.create(world, LEADER, 31, "parcel", at=NOW)
    assert 31 not in rq.request_scope(world, HELPER, TODAY).household_ids
    rq.assign(world, LEADER, rid, 1, at=at(0.1))
    assert 31 in rq.request_scope(world, HELPER, TODAY).household_ids
    mine = rq.listing(world, rq.request_scope(world, HELPER, TODAY), TODAY, at(1), volunteer_id=1)
    assert list(mine["request_id"]) == [rid]
    assert 31 not in roles.scope_for(world, HELPER, TODAY).household_ids


def test_the_day_of_one_request_from_new_to_delivered(world):
    rid = rq.create(world, GRID1, 11, "food", at=NOW)
    rq.assign(world, GRID1, rid, 1, at=at(0.5))
    rq.advance(world, HELPER, rid, "on_the_way", at=at(1))
    rq.advance(world, HELPER, rid, "delivered", at=at(2))
    assert status_of(world, rid) == ("delivered", 1, None)
    steps = rq.history(world, roles.scope_for(world, GRID1, TODAY), [rid])
    assert list(steps["status"]) == ["new", "assigned", "on_the_way", "delivered"]
    assert list(steps["by_user"]) == ["grid1", "grid1", "v1", "v1"]
    actions = [r[0] for r in world.execute("SELECT action FROM audit_log ORDER BY logged_at").fetchall()]
    assert actions == ["supply_request_created"] + ["supply_request_moved"] * 3
    with pytest.raises(RequestError, match="requests.error.transition"):
        rq.advance(world, GRID1, rid, "failed", "晚了", at=at(3))    # delivered is final


def test_a_double_tap_writes_nothing_and_says_who_did_it_when(world):
    rid = rq.create(world, GRID1, 11, "food", at=NOW)
    rq.assign(world, GRID1, rid, 1, at=at(0.5))
    rq.advance(world, HELPER, rid, "delivered", at=at(1))
    before = counts(world)
    with pytest.raises(RequestError) as refused:
        rq.advance(world, HELPER, rid, "delivered", at=at(1.01))
    assert refused.value.code == "requests.error.already"
    assert refused.value.values == {"status": "delivered", "by": "v1", "at": at(1)}
    assert counts(world) == before
    second = rq.create(world, GRID1, 12, "food", at=NOW)
    rq.assign(world, GRID1, second, 1, at=at(0.2))
    with pytest.raises(RequestError, match="requests.error.already"):
        rq.assign(world, GRID1, second, 1, at=at(0.3))             # the same volunteer twice
    rq.assign(world, GRID1, second, 2, at=at(0.4))                 # another volunteer: handed over
    assert status_of(world, second)[:2] == ("assigned", 2)


def test_failing_needs_a_reason_and_can_be_tried_again(world):
    rid = rq.create(world, GRID1, 11, "parcel", at=NOW)
    rq.assign(world, GRID1, rid, 1, at=at(0.5))
    with pytest.raises(RequestError, match="requests.error.reason_required"):
        rq.advance(world, HELPER, rid, "failed", "  ", at=at(1))
    rq.advance(world, HELPER, rid, "failed", "家中无人", at=at(1))
    assert status_of(world, rid) == ("failed", 1, "家中无人")
    rq.advance(world, GRID1, rid, "new", at=at(2))
    assert status_of(world, rid) == ("new", None, None)
    with pytest.raises(RequestError, match="requests.error.transition"):
        rq.advance(world, GRID1, rid, "delivered", at=at(3))     # nobody has it


def test_volunteers_move_only_their_own_or_their_buildings_requests(world):
    rid = rq.create(world, GRID1, 11, "food", at=NOW)
    rq.assign(world, GRID1, rid, 1, at=at(0.5))
    # The 楼长 of building 1 may move it (their building); a volunteer it was not handed to, outside, may not.
    rq.advance(world, LOUZHANG, rid, "on_the_way", at=at(1))
    other = rq.create(world, LEADER, 21, "food", at=NOW)
    rq.assign(world, LEADER, other, 2, at=at(0.5))
    with pytest.raises(RequestError, match="requests.error.unknown"):
        rq.advance(world, HELPER, other, "delivered", at=at(1))    # not even in their reach
    with pytest.raises(RequestError, match="requests.error.not_allowed"):
        rq.assign(world, HELPER, rid, 2, at=at(1))                   # a volunteer hands out nothing
    assert status_of(world, other)[0] == "assigned"


def test_a_volunteer_takes_a_new_request_in_reach(world):
    rid = rq.create(world, HELPER, 11, "goods", at=NOW)
    assert rq.next_statuses(HELPER, {"status": "new", "volunteer_id": None, "household_id": 11}, set()) == []
    rq.assign(world, HELPER, rid, 1, at=at(0.1))
    assert status_of(world, rid)[:2] == ("assigned", 1)
    assert rq.next_statuses(HELPER, {"status": "assigned", "volunteer_id": 1, "household_id": 11}, set()) == \
        ["on_the_way", "delivered", "failed", "new"]


def sheet(rows):
    return pd.DataFrame(rows, columns=["楼栋", "单元", "房号", "需求类型", "需求内容", "处方"])


MAPPING = {"楼栋": "building", "单元": "unit", "房号": "room", "需求类型": "kind", "需求内容": "detail",
           "处方": "prescription"}


def test_a_sheet_is_written_whole(world):
    scope = roles.scope_for(world, LEADER, TODAY)
    preview = rq.validate_sheet(world, sheet([["1号楼", "1", "101室", "买菜", "青菜", ""],
                                              ["一栋", "二单元", "301", "药品", "降压药", "硝苯地平"],
                                              ["3#", "", "502", "快递", "", ""]]), MAPPING,
                                community_id=1, scope=scope)
    assert preview.ok, preview.problems
    assert list(preview.rows["household_id"]) == [11, 13, 31]
    assert list(preview.rows["kind"]) == ["food", "medicine", "parcel"]
    made = rq.commit_sheet(world, LEADER, preview, source_name="需求.xlsx")
    assert made == {"rows": 3, "created": 3}
    assert counts(world) == (3, 3, 1)
    assert world.execute("SELECT DISTINCT source FROM supply_request").fetchall() == [("sheet",)]
    assert world.execute("SELECT action FROM audit_log").fetchone()[0] == "supply_requests_imported"


def test_a_sheet_with_one_bad_row_writes_nothing_and_names_row_and_column(world):
    scope = roles.scope_for(world, GRID1, TODAY)
    preview = rq.validate_sheet(world, sheet([["1栋", "1", "101", "食品", "", ""],
                                              ["9栋", "1", "101", "食品", "", ""],
                                              ["1栋", "1", "909", "食品", "", ""],
                                              ["1栋", "1", "201", "枪", "", ""],
                                              ["2栋", "1", "101", "食品", "", ""]]), MAPPING,
                                community_id=1, scope=scope)
    found = {(p.row, p.column, p.code) for p in preview.problems}
    assert found == {(3, "楼栋", "requests.error.sheet_building"), (4, "房号", "requests.error.sheet_room"),
                     (5, "需求类型", "requests.error.sheet_kind"),
                     (6, "房号", "requests.error.sheet_out_of_scope_row")}   # building 2 is grid 2's
    with pytest.raises(RequestError, match="requests.error.sheet_unchecked"):
        rq.commit_sheet(world, GRID1, preview, source_name="x.csv")
    assert counts(world) == (0, 0, 0)
    missing = rq.validate_sheet(world, sheet([["1栋", "1", "101", "食品", "", ""]]).drop(columns="需求类型"),
                                {k: v for k, v in MAPPING.items() if k != "需求类型"}, community_id=1, scope=scope)
    assert [(p.code, p.values) for p in missing.problems] == [("import.error.missing_column", {"field": "kind"})]


def test_overdue_lists_open_requests_past_the_set_hours_with_who_holds_them(world):
    settings = rq.RequestSettings(overdue_hours=6)
    old = rq.create(world, GRID1, 11, "food", at=NOW - timedelta(hours=8))
    rq.assign(world, GRID1, old, 1, at=NOW - timedelta(hours=7))
    done = rq.create(world, GRID1, 12, "food", at=NOW - timedelta(hours=9))
    rq.assign(world, GRID1, done, 1, at=NOW - timedelta(hours=8))
    rq.advance(world, HELPER, done, "delivered", at=NOW - timedelta(hours=1))
    rq.create(world, GRID1, 13, "goods", at=NOW - timedelta(hours=2))
    late = rq.overdue(world, roles.scope_for(world, GRID1, TODAY), NOW, settings)
    assert list(late["request_id"]) == [old]
    row = late.iloc[0]
    assert (row["building"], row["room"], row["kind"], row["age_hours"], row["volunteer"], row["leader"],
            row["grid_worker"]) == ("1栋", "101", "food", 8, "王五", "赵六", "网格员甲")
    # The building leader sees it for their building; grid 2's worker does not.
    assert list(rq.overdue(world, rq.request_scope(world, LOUZHANG, TODAY), NOW, settings)["request_id"]) == [old]
    grid2 = User(6, "grid2", "乙", "grid_worker", 1, 2, None)
    assert rq.overdue(world, roles.scope_for(world, grid2, TODAY), NOW, settings).empty


def test_the_setting_comes_from_its_own_table():
    assert rq.RequestSettings().overdue_hours > 0
    with pytest.raises(RequestError):
        rq.RequestSettings(overdue_hours=0)


def test_kpis_count_the_day_from_the_history(world):
    settings = rq.RequestSettings(overdue_hours=6)
    yesterday = NOW - timedelta(days=1)
    carried = rq.create(world, GRID1, 11, "food", at=yesterday)       # open since yesterday: overdue
    failed = rq.create(world, GRID1, 12, "parcel", at=NOW - timedelta(hours=3))
    rq.assign(world, GRID1, failed, 1, at=NOW - timedelta(hours=2))
    rq.advance(world, GRID1, failed, "failed", "无人", at=NOW - timedelta(hours=1))
    rq.advance(world, GRID1, failed, "new", at=NOW - timedelta(minutes=30))    # tried again: still failed today
    fine = rq.create(world, GRID1, 13, "goods", at=NOW - timedelta(hours=2))
    rq.assign(world, GRID1, fine, 1, at=NOW - timedelta(hours=1))
    rq.advance(world, GRID1, fine, "delivered", at=NOW - timedelta(minutes=10))
    scope = roles.scope_for(world, GRID1, TODAY)
    assert rq.kpis(world, scope, TODAY, NOW, settings) == {"new": 2, "delivered": 1, "failed": 1, "overdue": 1}
    assert rq.kpis(world, scope, date(2026, 11, 22), NOW, settings)["new"] == 1
    assert carried in set(rq.listing(world, scope, TODAY, NOW)["request_id"])
