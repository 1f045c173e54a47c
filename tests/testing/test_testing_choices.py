"""The testing page's steps, on the domain: people per way of sampling, the plan in one step, progress with
names and the furthest behind first, a lab's file read by its first two columns."""

from datetime import datetime

import pandas as pd
import pytest

from resilient.imports.sheets import ImportProblemError
from resilient.testing import desk, plans
from resilient.testing import rounds as testing
from resilient.testing.rounds import TestingError
from tests.conftest import TODAY
from tests.testing import test_testing
from tests.testing.test_testing import scope_of

pytestmark = pytest.mark.both_backends

town = test_testing.town


def test_people_counted_per_way_of_sampling():
    people = pd.DataFrame({"mode": ["site", "site", "excluded", "site"]})
    assert testing.mode_counts(people) == {"site": 3, "door_to_door": 0, "excluded": 1}


def test_the_plan_in_one_step_and_progress_behind_first(town):
    con, users, round_id, site_id = town
    admin = users["admin"]
    scope = scope_of(con, admin)
    proposal = plans.propose_plan(con, admin, round_id, now=test_testing.START)
    plans.adopt(con, admin, proposal)
    plan = proposal.plan
    stored = testing.batches_frame(con, round_id)
    assert len(stored) == len(plan.batches) > 0
    assert stored["people"].sum() == testing.stairwell_load(con, scope, round_id, TODAY)["people"].sum()
    assert plan.finish >= plan.lower_bound
    people = testing.eligible_people(con, scope, round_id, TODAY)
    assert sum(testing.mode_counts(people).values()) == len(people)
    # One person sampled: their stairwell is no longer the furthest behind.
    site = people[people["mode"] == "site"].iloc[0]
    desk.open_tube(con, admin, round_id, "P001", site_id)
    desk.add_sample(con, admin, round_id, "P001", int(site["resident_id"]), site_id,
                       taken_at=datetime(2026, 11, 23, 7, 0))
    progress = testing.progress_view(con, scope, round_id, TODAY)
    assert progress["share"].is_monotonic_increasing
    row = progress.set_index("stairwell_id").loc[int(site["stairwell_id"])]
    assert row["percent"] == round(100 * row["share"]) > 0 and row["building"] and row["unit_no"]
    assert progress["percent"].dtype.kind == "i"
    assert testing.progress_totals(progress) == (1, int((~people["excluded"]).sum()))


def test_a_lab_file_is_read_by_its_first_two_columns():
    frame = testing.read_lab_file("管号,检测结果,备注\nT1,阴性,\nT2,阳性,复核\n".encode(), "lab.csv")
    assert frame.to_dict("list") == {"code": ["T1", "T2"], "result": ["阴性", "阳性"]}
    with pytest.raises(TestingError):
        testing.read_lab_file(b"only\nT1\n", "lab.csv")
    with pytest.raises(ImportProblemError):
        testing.read_lab_file(b"\x00\x01 not a sheet", "lab.xlsx")
