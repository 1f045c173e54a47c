"""Disinfection rounds (issue 17): areas in bulk (no lift in low buildings), more rounds near a case, one mark per
round, missed slots, the figures."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.edge import disinfection
from resilient.edge.disinfection import DisinfectionError, DisinfectionSettings
from tests.conftest import TODAY

pytestmark = pytest.mark.both_backends

LEADER = User(1, "leader", "社区书记", "community_leader", community_id=1)
GRID1 = User(2, "grid1", "网格员甲", "grid_worker", community_id=1, staff_id=1)
DOCTOR = User(4, "doctor", "医生", "doctor", community_id=1, staff_id=3)
ALL = Scope()
SETTINGS = DisinfectionSettings()


def at(hour: int, minute: int = 0, day=TODAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


@pytest.fixture
def areas(small):
    """Building 1 has 12 floors (a lift), buildings 2 and 3 have 6; all get areas in bulk at 07:00."""
    small.execute("UPDATE building SET floors = 12 WHERE building_id = 1")
    made = disinfection.create_areas(small, LEADER, 1, now=at(7))
    assert made == 5 + 4 + 4
    return small


def area_of(con, building_id: int, kind: str) -> int:
    return con.execute("SELECT area_id FROM disinfection_area WHERE building_id = $b AND kind = $k",
                       {"b": building_id, "k": kind}).fetchone()[0]


def test_bulk_creation_gives_a_lift_only_to_tall_buildings_and_runs_once(areas):
    kinds = dict(areas.execute("SELECT building_id, list(kind ORDER BY kind) FROM disinfection_area "
                               "GROUP BY 1 ORDER BY 1").fetchall())
    assert kinds[1] == sorted(disinfection.KINDS)
    assert "lift" not in kinds[2] and "lift" not in kinds[3]
    assert disinfection.create_areas(areas, LEADER, 1, now=at(7)) == 0


def test_an_office_says_a_building_has_no_lift_or_more_rounds(areas):
    disinfection.set_building_areas(areas, LEADER, 1, {"hall": 2, "corridor": 1, "bins": 1, "letter_boxes": 1},
                                    now=at(7))
    assert areas.execute("SELECT count(*) FROM disinfection_area WHERE building_id = 1 AND kind = 'lift'"
                         ).fetchone()[0] == 0
    disinfection.set_building_areas(areas, LEADER, 2, {"hall": 2, "bins": 1}, now=at(7))
    found = disinfection.areas(areas, ALL, TODAY, at(9), building_id=2)
    assert dict(zip(found["kind"], found["rounds"])) == {"bins": 1, "hall": 2}
    with pytest.raises(DisinfectionError) as grid:
        disinfection.set_building_areas(areas, GRID1, 1, {"hall": 1})
    assert grid.value.code == "disinfection.error.not_allowed"
    with pytest.raises(DisinfectionError) as many:
        disinfection.set_building_areas(areas, LEADER, 1, {"hall": 9})
    assert many.value.code == "disinfection.error.per_day"


def test_one_function_decides_the_rounds_near_a_case():
    assert disinfection.rounds_per_day(1, False, SETTINGS) == 1
    assert disinfection.rounds_per_day(2, False, SETTINGS) == 2
    assert disinfection.rounds_per_day(1, True, SETTINGS) == SETTINGS.near_case_per_day == 3
    assert disinfection.rounds_per_day(4, True, SETTINGS) == 4          # never fewer than its own
    assert disinfection.rounds_per_day(1, True, replace(SETTINGS, near_case_per_day=2)) == 2


def test_a_building_with_a_household_under_home_isolation_gets_the_higher_frequency(areas):
    # resident 1 (building 1) is under home isolation until today; building 2 has health monitoring only;
    # building 3 nobody
    found = disinfection.areas(areas, ALL, TODAY, at(9))
    near = found.groupby("building_id")["near_case"].first().to_dict()
    assert near == {1: True, 2: False, 3: False}
    assert set(found.loc[found["building_id"] == 1, "rounds"]) == {3}
    assert set(found.loc[found["building_id"] == 2, "rounds"]) == {1}
    areas.execute("UPDATE control_measure SET released_at = TIMESTAMP '2026-11-22 10:00' WHERE measure_id = 1")
    released = disinfection.areas(areas, ALL, TODAY, at(9))
    assert set(released.loc[released["building_id"] == 1, "rounds"]) == {1}       # released: ordinary again
    tomorrow = TODAY + timedelta(days=1)                    # resident 5's home isolation starts tomorrow
    later = disinfection.areas(areas, ALL, tomorrow, at(9, day=tomorrow))
    assert set(later.loc[later["building_id"] == 1, "rounds"]) == {3}


def test_slots_share_the_day_and_a_tap_counts_for_the_slot_it_falls_in():
    bounds = disinfection.slots(TODAY, 2, SETTINGS)
    assert bounds == [(at(8), at(14)), (at(14), at(20))]
    assert disinfection.slot_at(at(6), 2, SETTINGS) == 0
    assert disinfection.slot_at(at(13, 59), 2, SETTINGS) == 0
    assert disinfection.slot_at(at(14), 2, SETTINGS) == 1
    assert disinfection.slot_at(at(22), 2, SETTINGS) == 1


def test_a_double_tap_within_the_same_slot_is_said_and_not_written_twice(areas):
    hall = area_of(areas, 1, "hall")                        # building 1: rounds 08-12, 12-16, 16-20
    first = disinfection.mark_done(areas, GRID1, hall, now=at(9))
    again = disinfection.mark_done(areas, LEADER, hall, now=at(9, 5))
    assert first["already"] is False and again["already"] is True
    assert again["done_by"] == "grid1" and again["done_at"] == at(9)
    assert areas.execute("SELECT count(*) FROM disinfection_mark").fetchone()[0] == 1
    state = disinfection.areas(areas, ALL, TODAY, at(10), building_id=1).set_index("area_id").loc[hall]
    assert (state["state"], state["done_at"], state["done_by"]) == ("done", at(9), "grid1")
    assert disinfection.mark_done(areas, GRID1, hall, now=at(12, 30))["already"] is False   # the next round
    assert areas.execute("SELECT list(slot ORDER BY slot) FROM disinfection_mark").fetchone()[0] == [0, 1]


def test_missed_rounds_are_slots_passed_without_a_mark(areas):
    hall1, hall2 = area_of(areas, 1, "hall"), area_of(areas, 2, "hall")
    # building 1 (near a case): three rounds 08-12, 12-16, 16-20; one done in the first
    disinfection.mark_done(areas, LEADER, hall1, now=at(9))
    found = disinfection.areas(areas, ALL, TODAY, at(17)).set_index("area_id")
    assert (found.loc[hall1, "done"], found.loc[hall1, "missed"], found.loc[hall1, "state"]) == (1, 1, "due")
    assert (found.loc[hall2, "missed"], found.loc[hall2, "state"]) == (0, "due")    # one round, 08-20
    end = disinfection.by_building(areas, ALL, TODAY, at(21)).set_index("building_id")
    assert end.loc[1, "missed"] == 5 * 3 - 1 and end.loc[2, "missed"] == 4 and end.loc[3, "missed"] == 4
    assert disinfection.kpis(areas, ALL, TODAY, at(21)) == {"done": 1, "missed": 14 + 8, "due": 15 + 8}


def test_marks_and_reads_follow_the_scope(areas):
    hall3 = area_of(areas, 3, "hall")                       # building 3 is in grid 2
    with pytest.raises(DisinfectionError) as outside:
        disinfection.mark_done(areas, GRID1, hall3, now=at(9))
    assert outside.value.code == "disinfection.error.unknown_area"
    with pytest.raises(DisinfectionError) as doctor:
        disinfection.mark_done(areas, DOCTOR, hall3, now=at(9))
    assert doctor.value.code == "disinfection.error.not_allowed"
    grid1 = Scope(community_ids=(1,), grid_ids=(1,))
    assert set(disinfection.by_building(areas, grid1, TODAY, at(9))["building_id"]) == {1}


def test_a_merged_building_keeps_one_area_per_kind(areas):
    from resilient.places import setup

    areas.execute("UPDATE household SET room = '601' WHERE household_id = 21")   # no two flats behind one door
    disinfection.mark_done(areas, LEADER, area_of(areas, 2, "bins"), now=at(9))
    setup.merge_buildings(areas, LEADER, 2, 1)
    kinds = [k for (k,) in areas.execute("SELECT kind FROM disinfection_area WHERE building_id = 1").fetchall()]
    assert sorted(kinds) == sorted(disinfection.KINDS)
    assert areas.execute("SELECT count(*) FROM disinfection_area WHERE building_id = 2").fetchone()[0] == 0
    assert areas.execute("SELECT count(*) FROM disinfection_mark").fetchone()[0] == 0


def add_case(con, building_id: int | None, day, case_no: str) -> None:
    """A case of a public list, matched to `building_id` (None: matched to none of ours)."""
    if not con.execute("SELECT count(*) FROM case_batch").fetchone()[0]:
        con.execute("INSERT INTO case_batch (community_id, file_name, coords, rows_read, rows_new, imported_by, "
                    "imported_at) VALUES (1, 'cases.csv', 'wgs84', 1, 1, 'leader', TIMESTAMP '2026-11-23 08:00')")
    con.execute("INSERT INTO external_case (batch_id, community_id, case_date, case_no, kind, building_id, matched_by)"
                " SELECT max(batch_id), 1, $day, $no, 'confirmed', $b, CASE WHEN $b IS NULL THEN 'none' ELSE 'name' END"
                " FROM case_batch", {"day": day, "no": case_no, "b": building_id})


def test_a_building_where_a_matched_case_lives_gets_the_higher_frequency_for_case_days(areas):
    # building 3 has nobody under a measure: only the case list makes it near a case
    reported = TODAY - timedelta(days=2)
    add_case(areas, 3, reported, "A1")
    add_case(areas, None, TODAY, "A2")                       # matched to none of ours: no building gains rounds
    found = disinfection.areas(areas, ALL, TODAY, at(9))
    assert set(found.loc[found["building_id"] == 3, "rounds"]) == {SETTINGS.near_case_per_day}
    assert bool(found.loc[found["building_id"] == 3, "near_case"].all())
    assert set(found.loc[found["building_id"] == 2, "rounds"]) == {1}
    # for case_days from the day it was reported (that day the first), not before, not after
    later = reported + timedelta(days=SETTINGS.case_days - 1)
    assert set(disinfection.areas(areas, ALL, later, at(9, day=later)).query("building_id == 3")["rounds"]) == {3}
    gone = reported + timedelta(days=SETTINGS.case_days)
    assert set(disinfection.areas(areas, ALL, gone, at(9, day=gone)).query("building_id == 3")["rounds"]) == {1}
    before = reported - timedelta(days=1)
    assert set(disinfection.areas(areas, ALL, before, at(9, day=before)).query("building_id == 3")["rounds"]) == {1}
    shorter = replace(SETTINGS, case_days=2)
    assert set(disinfection.areas(areas, ALL, TODAY, at(9), settings=shorter).query("building_id == 3")["rounds"]) \
        == {1}
