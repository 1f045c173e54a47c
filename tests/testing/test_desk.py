"""The sampling desk (issue 14): finding the right person by any address the import takes or a household code,
a room two compounds share, and tubes that always finish (open tubes listed, taken over, closed, flagged)."""

from datetime import datetime, timedelta

import pandas as pd
import pytest

from resilient.core import roles
from resilient.core.accounts import User
from resilient.imports import values
from resilient.testing import desk
from resilient.testing import rounds as testing
from resilient.testing.codes import household_code
from resilient.testing.rounds import TestingError
from tests.conftest import TODAY, square

pytestmark = pytest.mark.both_backends

START = datetime(2026, 11, 23, 6, 0)
ADMIN = User(1, "admin", "管理员", "street_admin")
LEADER = User(2, "leader", "书记", "community_leader", community_id=1)
DESK_B = User(3, "leader2", "副书记", "community_leader", community_id=1)
VOLUNTEER = User(4, "volunteer", "志愿者", "volunteer", community_id=1, volunteer_id=1)


@pytest.fixture
def desk_town(small):
    """small, plus a 1栋 in B苑 with a flat 1-1-101 as in A苑's 1栋: the same room in two compounds."""
    con = small
    con.execute("INSERT INTO building VALUES (4, 2, 2, '1栋', 6, TRUE, ST_GeomFromText($w))",
                {"w": square(119.955, 31.70)})
    con.execute("INSERT INTO stairwell VALUES (5, 4, 1, NULL)")
    con.execute("INSERT INTO household VALUES (41, 5, 1, '101')")
    con.execute("INSERT INTO resident (resident_id, household_id, name, sex, phone) "
                "VALUES (10, 41, '冯丽芳', 'F', '15800003379')")
    round_id = testing.create_round(con, ADMIN, 1, "第1轮", TODAY, START, pool_size=10, now=START)
    site = testing.add_site(con, ADMIN, round_id, "广场", 119.95, 31.70, desks=2)
    other = testing.add_site(con, ADMIN, round_id, "北门", 119.96, 31.70, desks=1)
    return con, round_id, site, other


def find(con, round_id, query, **options):
    return desk.find_people(con, roles.scope_for(con, ADMIN, TODAY), round_id, query, TODAY, **options)


def refused(code, call, *args, **kwargs) -> TestingError:
    with pytest.raises(TestingError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.code
    return caught.value


def test_a_room_two_compounds_share_names_the_compound_and_asks_for_it(desk_town):
    con, round_id, _, _ = desk_town
    found = find(con, round_id, "1-1-101")
    assert sorted(found["resident_id"]) == [1, 2, 10]
    assert dict(zip(found["resident_id"], found["compound"])) == {1: "A苑", 2: "A苑", 10: "B苑"}
    assert desk.needs_compound(found)
    b_only = find(con, round_id, "1-1-101", compound="B苑")
    assert list(b_only["resident_id"]) == [10] and not desk.needs_compound(b_only)
    assert list(find(con, round_id, "B苑1栋1单元101")["resident_id"]) == [10]
    assert not desk.needs_compound(find(con, round_id, "1-2-301"))


@pytest.mark.parametrize("text", ["1栋1单元101", "1号楼1单元101室", "1幢1单元101", "一栋一单元101", "1#1单元101",
                                  "1-1-101", "1-101", "1栋101", "１栋１单元１０１", "1 栋 1 单元 101", "第1栋1单元101"])
def test_every_address_the_register_import_accepts_finds_the_flat(desk_town, text):
    con, round_id, _, _ = desk_town
    values.address_parts(text)   # the import takes it ...
    assert sorted(find(con, round_id, text)["resident_id"]) == [1, 2, 10]   # ... and so does the desk


def test_the_desk_takes_3_dong_2_danyuan_402_as_the_import_does(desk_town):
    con, round_id, _, _ = desk_town
    assert sorted(find(con, round_id, "1栋2单元301")["resident_id"]) == [4, 5, 6]
    assert sorted(find(con, round_id, "A苑1栋2单元301")["resident_id"]) == [4, 5, 6]
    refused("testing.error.unknown_compound", find, con, round_id, "C苑1栋2单元301")


def test_a_scanned_household_code_goes_straight_to_the_household(desk_town):
    con, round_id, _, _ = desk_town
    assert sorted(find(con, round_id, household_code(13))["resident_id"]) == [4, 5, 6]
    assert sorted(find(con, round_id, household_code(13).lower())["resident_id"]) == [4, 5, 6]
    bad = household_code(13)[:-1] + str((int(household_code(13)[-1]) + 1) % 10)
    refused("testing.error.bad_code", find, con, round_id, bad)
    assert list(find(con, round_id, "R10")["resident_id"]) == [10]
    assert list(find(con, round_id, "3379")["resident_id"]) == [10]


def test_a_lost_sessions_tube_is_listed_taken_over_and_closed(desk_town):
    con, round_id, site, other = desk_town
    desk.open_tube(con, LEADER, round_id, "G1-0001", site)
    for resident in (1, 2, 3):
        desk.add_sample(con, LEADER, round_id, "G1-0001", resident, site)
    # The desk signs in again: the tube cannot be opened a second time ...
    refused("testing.error.tube_exists", desk.open_tube, con, DESK_B, round_id, "G1-0001", site)
    # ... but it is on the site's list of open tubes, with its count and age.
    opened = con.execute("SELECT opened_at FROM tube WHERE code = 'G1-0001'").fetchone()[0]
    listed = desk.open_tubes(con, round_id, opened + timedelta(minutes=25), site_id=site)
    assert list(listed["code"]) == ["G1-0001"]
    row = listed.iloc[0]
    assert (int(row["samples"]), int(row["capacity"]), int(row["age_minutes"])) == (3, 10, 25)
    assert row["held_by"] == "leader" and not row["overdue"]
    assert desk.open_tubes(con, round_id, opened, site_id=other).empty
    # Another desk of the site takes it over, audited, and fills and seals it.
    tube = desk.take_over_tube(con, DESK_B, round_id, "G1-0001", site)
    assert tube["held_by"] == "leader2"
    audit = con.execute("SELECT username, old_value, new_value FROM audit_log "
                        "WHERE action = 'tube_taken_over'").fetchall()
    assert len(audit) == 1 and audit[0][0] == "leader2" and "leader" in audit[0][1] and "leader2" in audit[0][2]
    desk.add_sample(con, DESK_B, round_id, "G1-0001", 6, site)
    desk.close_tube(con, DESK_B, round_id, "G1-0001", site)
    assert desk.open_tubes(con, round_id, opened, site_id=site).empty
    assert testing.record_result(con, ADMIN, round_id, "G1-0001", "negative")
    refused("testing.error.tube_closed", desk.take_over_tube, con, DESK_B, round_id, "G1-0001", site)


def test_a_desk_of_another_site_may_not_take_or_close_a_tube_the_round_owner_may(desk_town):
    con, round_id, site, other = desk_town
    desk.open_tube(con, LEADER, round_id, "T1", site)
    refused("testing.error.other_site", desk.take_over_tube, con, VOLUNTEER, round_id, "T1", other)
    refused("testing.error.other_site", desk.close_tube, con, VOLUNTEER, round_id, "T1", other)
    assert pd.isna(desk.tube_status(con, round_id, "T1")["closed_at"])
    desk.close_tube(con, ADMIN, round_id, "T1", other)   # the organiser closes any tube of the round
    assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'tube_closed' AND username = 'admin'"
                       ).fetchone()[0] == 1


def test_tubes_open_longer_than_the_labs_limit_are_flagged(desk_town):
    con, round_id, site, other = desk_town
    desk.open_tube(con, LEADER, round_id, "OLD", site)
    desk.open_tube(con, LEADER, round_id, "NEW", other)
    con.execute("UPDATE tube SET opened_at = opened_at - INTERVAL 5 HOUR WHERE code = 'OLD'")
    now = con.execute("SELECT max(opened_at) FROM tube WHERE code = 'NEW'").fetchone()[0]
    limit = desk.TestingSettings().tube_open_hours
    assert limit == 4
    listed = desk.open_tubes(con, round_id, now).set_index("code")
    assert listed.loc["OLD", "overdue"] and not listed.loc["NEW", "overdue"]
    assert list(listed.index) == ["OLD", "NEW"]   # the oldest first
    assert set(listed["site"]) == {"广场", "北门"}


def test_the_trace_and_the_door_to_door_route_name_the_compound(desk_town):
    con, round_id, site, _ = desk_town
    con.execute("UPDATE resident SET bedridden = TRUE WHERE resident_id IN (2, 10)")
    desk.open_tube(con, ADMIN, round_id, "P1", site)
    for resident in (1, 3):
        desk.add_sample(con, ADMIN, round_id, "P1", resident, site)
    scope = roles.scope_for(con, ADMIN, TODAY)
    trace = testing.trace_tube(con, scope, round_id, "P1", TODAY)
    assert list(trace["compound"]) == ["A苑", "A苑"]
    route = testing.door_to_door_route(con, scope, round_id, TODAY).set_index("resident_id")
    assert dict(route["compound"]) == {2: "A苑", 10: "B苑"}   # both live at 1栋1-101


# --- filling tubes stairwell by stairwell, flat by flat --------------------------------------------------------

def advice(con, round_id, code, resident_id):
    """As the desk asks it: with the rows its search for the person's flat found."""
    flat = con.execute("SELECT household_id FROM resident WHERE resident_id = $r", {"r": resident_id}).fetchone()[0]
    found = find(con, round_id, household_code(flat))
    return desk.tube_advice(con, roles.scope_for(con, ADMIN, TODAY), round_id, code, resident_id, found)


def test_the_desk_is_told_when_a_swab_would_mix_stairwells(desk_town):
    con, round_id, site, _ = desk_town
    desk.open_tube(con, ADMIN, round_id, "T1", site)
    assert advice(con, round_id, "T1", 1) is None   # an empty tube takes anyone
    for resident in (1, 2):   # flat 11 of A苑 1栋 unit 1
        desk.add_sample(con, ADMIN, round_id, "T1", resident, site)
    assert advice(con, round_id, "T1", 3) is None   # flat 12, the same stairwell
    assert advice(con, round_id, "T1", 7) == {"kind": "other_stairwell", "stairwells": [("A苑", "1栋", 1)]}
    assert advice(con, round_id, "T1", 10) == {"kind": "other_stairwell", "stairwells": [("A苑", "1栋", 1)]}
    desk.add_sample(con, ADMIN, round_id, "T1", 7, site)   # the desk may go on: advice, not a refusal
    assert advice(con, round_id, "T1", 8) is None   # ... and is not asked again for that stairwell
    assert advice(con, round_id, "T1", 9)["stairwells"] == [("A苑", "1栋", 1), ("A苑", "2栋", 1)]


def test_the_desk_is_told_when_a_nearly_full_tube_would_split_a_flat(desk_town):
    con, round_id, site, _ = desk_town
    desk.open_tube(con, ADMIN, round_id, "T2", site)
    desk.add_sample(con, ADMIN, round_id, "T2", 3, site)   # flat 12 (1 person)
    con.execute("UPDATE tube SET capacity = 2 WHERE code = 'T2'")   # one place left
    assert advice(con, round_id, "T2", 1) == {"kind": "split_flat", "left": 2, "room": 1}   # flat 11 has two
    con.execute("UPDATE tube SET capacity = 3 WHERE code = 'T2'")
    assert advice(con, round_id, "T2", 1) is None   # room for both
    # Flat 13: resident 4 is in centralised quarantine (not swabbed), so two are left; a tube of 1 could never
    # hold them, so a new tube would not help and nothing is said.
    desk.open_tube(con, ADMIN, round_id, "T3", site)
    desk.add_sample(con, ADMIN, round_id, "T3", 5, site)
    con.execute("UPDATE tube SET capacity = 3 WHERE code = 'T3'")
    assert advice(con, round_id, "T3", 6) is None   # flat 13 is in the tube already
    con.execute("UPDATE tube SET capacity = 1 WHERE code = 'T2'")
    assert advice(con, round_id, "T2", 1) is None   # full: the tap refuses it
