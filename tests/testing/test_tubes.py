"""Tubes the plan fills household by household and stairwell by stairwell (issue 14, item 7): the packing's
invariants, its stairwells per tube against the one-at-a-time order, and the desk told which planned tube a
household belongs to and when to seal it."""

import pandas as pd
import pytest

from resilient.testing import desk, pooling, sheets
from resilient.testing import rounds as testing
from tests.conftest import TODAY
from tests.testing import test_sheets
from tests.testing.test_sheets import book_of

pytestmark = pytest.mark.both_backends

SLOT = pd.Timestamp("2026-11-23 06:00")

planned = test_sheets.planned  # the demo round the sheets' tests plan, as this module's fixture


def homes(people, stairwells=None, site=1, building=1):
    stairwells = stairwells or [1] * len(people)
    return pd.DataFrame({"building_id": building, "site_id": site, "stairwell_id": stairwells,
                         "unit_no": stairwells, "slot_start": SLOT, "group_no": 1, "people": people})


def contents(frame, pool, household_tubes=False):
    at, tubes, swabs = pooling.tube_pieces(frame, pool, household_tubes)
    return pd.DataFrame({"at": at, "building": frame["building_id"].to_numpy()[at], "tube": tubes, "swabs": swabs,
                         "stairwell": frame["stairwell_id"].to_numpy()[at]})


def test_a_household_stays_whole_and_a_stairwell_ends_where_its_tube_fills():
    frame = homes([4, 4, 3, 12, 2, 5], [1, 1, 1, 2, 2, 2])
    tubes = pooling.plan_tubes(frame, 10)
    assert tubes["tube"].tolist() == [1, 1, 2, 3, 4, 4]        # 4+4, then 3 does not fit with them: a new tube
    assert tubes["tube_last"].tolist() == [1, 1, 2, 4, 4, 4]   # 12 alone is more than a tube: 10 and its 2 after
    assert pooling.tube_label(3, 4) == "3–4" and pooling.tube_label(2, 2) == "2"
    one_each = pooling.plan_tubes(frame, 10, household_tubes=True)
    assert one_each["tube"].tolist() == [1, 2, 3, 4, 6, 7] and one_each["tube_last"].tolist() == [1, 2, 3, 5, 6, 7]


def test_a_leftover_goes_with_the_next_stairwell_of_its_building_at_its_site_only():
    frame = pd.concat([homes([3, 3], [1, 1]), homes([2, 2], [2, 2]), homes([2], [3], site=2),
                       homes([1], [4], building=2)], ignore_index=True)
    tubes = pooling.plan_tubes(frame, 10)
    assert tubes["tube"].tolist() == [1, 1, 1, 1, 2, 1]  # stairwell 2 fills stairwell 1's tube; another site and
    # another building never share it


def test_the_demo_plan_packs_every_household_once_whole_within_the_pool(planned):
    book = book_of(planned)
    homes_ = book.households
    assert homes_["tube"].ge(1).all() and homes_["tube_last"].ge(homes_["tube"]).all()
    fits = homes_["people"] <= 10
    assert (homes_.loc[fits, "tube"] == homes_.loc[fits, "tube_last"]).all()   # no flat split when it fits
    inside = contents(homes_, 10)
    assert sorted(inside["at"].unique()) == list(range(len(homes_)))       # every household in a tube
    assert inside["swabs"].sum() == homes_["people"].sum()                   # every person exactly once
    per_tube = inside.groupby(["building", "tube"])
    assert per_tube["swabs"].sum().max() <= 10                               # no tube over the pool
    numbers = per_tube.size().reset_index().groupby("building")["tube"].agg(["min", "max", "size"])
    assert (numbers["min"] == 1).all() and (numbers["max"] == numbers["size"]).all()   # 1, 2, 3 … in a building
    sites = homes_.assign(tube=homes_["tube"]).groupby(["building_id", "tube"])["site"].nunique()
    assert sites.max() == 1                                                   # a tube never spans two sites


def test_the_plans_tubes_trace_to_fewer_stairwells_than_one_at_a_time(planned):
    con, _, round_id = planned
    book = book_of(planned)
    packed = pooling.planned_stairwells_per_tube(book.households, 10)
    batches, sites = testing.batches_frame(con, round_id), testing.sites_frame(con, round_id)
    one_by_one = pooling.plan_stairwells_per_tube(batches, sites, 10, runs=False)
    assert 1.0 <= packed <= one_by_one and packed < 1.5, (packed, one_by_one)


def test_the_sheet_prints_the_planned_tube_of_each_household(planned):
    book = book_of(planned)
    frames = sheets.building_sheets(book, "zh")
    first = book.buildings().iloc[0]
    rows = book.households[book.households["building_id"] == first["building_id"]]
    frame = list(frames.values())[1]
    assert frame["tube"].tolist() == [pooling.tube_label(a, b) for a, b in zip(rows["tube"], rows["tube_last"])]
    page = sheets.html(book, "zh")
    assert page.count('<div class="tube">管 ') == len(book.households)


def test_a_round_without_pooling_prints_no_tubes(planned):
    book = book_of(planned)
    alone = sheets.CallDown(book.round_name, book.groups, book.households, book.round_id, pooled=False)
    assert "tube" not in list(sheets.building_sheets(alone, "zh").values())[1]
    assert '<div class="tube">管' not in sheets.html(alone, "zh")


def test_the_desk_names_the_planned_tube_and_says_when_it_is_done(planned):
    con, users, round_id = planned
    book = book_of(planned)
    home = book.households.iloc[3]
    scope = desk.roles.scope_for(con, users["leader"], TODAY)
    found = desk.find_people(con, scope, round_id, home["code"], TODAY)
    tubes = desk.building_tubes(con, round_id, [int(home["building_id"])], TODAY)
    said = desk.planned_tubes(tubes, found)[int(home["household_id"])]
    same = book.households[(book.households["building_id"] == home["building_id"])
                           & (book.households["tube"] == home["tube"])]
    assert said["tube"] == str(int(home["tube"])) and said["households"] == list(same["household_id"])
    assert said["people"] == int(same["people"].sum()) == desk.planned_left(con, round_id, said["households"], TODAY)
    assert said["next"] == str(int(home["tube"]) + 1) and said["next_rooms"]
    tube_code = "P-0001"
    desk.open_tube(con, users["leader"], round_id, tube_code, None)
    codes = book.households.set_index("household_id").loc[said["households"], "code"]
    walking = pd.concat([desk.find_people(con, scope, round_id, code, TODAY) for code in codes])
    walking = walking[walking["mode"] == "site"]
    for n, resident in enumerate(walking["resident_id"]):
        assert desk.planned_left(con, round_id, said["households"], TODAY) == len(walking) - n
        desk.add_sample(con, users["leader"], round_id, tube_code, int(resident), None)
    assert desk.planned_left(con, round_id, said["households"], TODAY) == 0   # the desk is told to seal it


def test_no_tube_word_when_the_round_does_not_pool(planned):
    con, users, _ = planned
    round_id = testing.create_round(con, users["admin"], 1, "单管", TODAY, pd.Timestamp("2026-11-23 09:00"),
                                    pool_size=1, now=pd.Timestamp("2026-11-23 05:00"))
    assert desk.building_tubes(con, round_id, [1], TODAY).empty
    assert desk.planned_tubes(desk.building_tubes(con, round_id, [1], TODAY), pd.DataFrame()) == {}


def test_a_flat_is_done_only_when_nobody_else_of_it_waits_for_a_swab():
    found = pd.DataFrame({"resident_id": [1, 2, 3, 4], "household_id": [10, 10, 10, 20],
                          "mode": ["site", "site", "door", "site"], "sampled": [False, False, False, False]})
    assert not desk.household_done(found, 1)          # 2 still waits at the site
    found.loc[found["resident_id"] == 2, "sampled"] = True
    assert desk.household_done(found, 1)              # 3 is sampled at the door, not here
    assert desk.household_done(found, 4)              # alone in the flat
    assert desk.household_done(found, 99)             # not among the rows: ask the database


def test_the_rows_after_a_tap_show_the_swab_and_leave_the_search_as_it_was():
    found = pd.DataFrame({"resident_id": [1, 2], "household_id": [10, 10], "mode": ["site", "site"],
                          "sampled": [False, False], "sampled_at": [pd.NaT, pd.NaT], "tube_code": [None, None]})
    marked = desk.with_swab(found, 2, "T1")
    assert list(marked["sampled"]) == [False, True] and marked.loc[1, "tube_code"] == "T1"
    assert not found["sampled"].any()
