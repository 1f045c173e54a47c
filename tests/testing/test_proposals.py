"""A grid worker's proposals for the plan: for a stairwell of their own cells only, stored pending and audited;
the owner accepts one (a new version, every other group as it was) or declines it with the reason kept."""

from datetime import timedelta

import pandas as pd
import pytest

from resilient.core import roles
from resilient.testing import desk, plans, proposals
from resilient.testing import rounds as testing
from tests.conftest import TODAY
from tests.testing import test_testing
from tests.testing.test_plans import BEFORE, stored
from tests.testing.test_testing import START, fingerprint, refused, scope_of, site_people

pytestmark = pytest.mark.both_backends

town = test_testing.town


def planned(town):
    """The town's round with a second site, planned by the leader; a stairwell of grid 1 and one of grid 2."""
    con, users, round_id, site_id = town
    other = testing.add_site(con, users["admin"], round_id, "北门", 119.96, 31.71, desks=2)
    plans.make_plan(con, users["leader"], round_id, now=BEFORE)
    mine = set(testing.stairwell_load(con, scope_of(con, users["grid1"]), round_id, TODAY)["stairwell_id"])
    plan = stored(con, round_id)
    ours = int(plan[plan["stairwell_id"].isin(mine)]["stairwell_id"].iloc[0])
    theirs = int(plan[~plan["stairwell_id"].isin(mine)]["stairwell_id"].iloc[0])
    first = plan[plan["stairwell_id"] == ours]
    target = other if int(first["site_id"].iloc[0]) == site_id else site_id
    return con, users, round_id, ours, theirs, target


def test_only_a_grid_worker_proposes_and_only_for_their_own_cells(town):
    con, users, round_id, ours, theirs, target = planned(town)
    before = fingerprint(con)
    refused("testing.error.proposal_not_yours", proposals.propose_change, con, users["grid1"], round_id, theirs,
            target, now=BEFORE)
    refused("testing.error.propose_role", proposals.propose_change, con, users["doctor"], round_id, ours, target,
            now=BEFORE)
    refused("testing.error.proposal_nothing", proposals.propose_change, con, users["grid1"], round_id, ours,
            int(stored(con, round_id).set_index("stairwell_id").loc[[ours], "site_id"].iloc[0]), now=BEFORE)
    refused("testing.error.start_past", proposals.propose_change, con, users["grid1"], round_id, ours, target,
            BEFORE - timedelta(minutes=5), now=BEFORE)
    assert fingerprint(con) == before
    assert roles.PERMISSIONS["propose_plan_change"] == {"grid_worker"}


def test_a_proposal_is_pending_audited_and_accepted_as_a_new_version(town):
    con, users, round_id, ours, _, target = planned(town)
    plan = stored(con, round_id)
    later = START + timedelta(hours=2)
    proposal_id = proposals.propose_change(con, users["grid1"], round_id, ours, target, later, "电梯停运 *急*",
                                           now=BEFORE)
    assert stored(con, round_id).equals(plan)  # nothing changes before the owner accepts
    audit = con.execute("SELECT username FROM audit_log WHERE action = 'testing_plan_proposed'").fetchall()
    assert audit == [("grid1",)]
    own = proposals.listing(con, scope_of(con, users["grid1"]), round_id, proposed_by="grid1")
    assert own[["proposal_id", "status", "note", "change"]].values.tolist() == [
        [proposal_id, "pending", "电梯停运 *急*", "moved"]]
    assert own.iloc[0]["people"] == plan[plan["stairwell_id"] == ours]["people"].sum()
    refused("testing.error.plan_owner", proposals.accept, con, users["grid1"], round_id, proposal_id, now=BEFORE)

    versions = len(plans.versions(con, round_id))
    version = proposals.accept(con, users["leader"], round_id, proposal_id, now=BEFORE)
    assert len(plans.versions(con, round_id)) == versions + 1 and plans.current_version(con, round_id) == version
    after = stored(con, round_id)
    mine = after[after["stairwell_id"] == ours]
    assert set(mine["site_id"]) == {target} and mine["slot_start"].min() == pd.Timestamp(later)
    assert mine["people"].tolist() == plan[plan["stairwell_id"] == ours]["people"].tolist()
    others = ["stairwell_id", "site_id", "group_no", "people", "slot_start", "slot_end"]
    pd.testing.assert_frame_equal(after[after["stairwell_id"] != ours][others].reset_index(drop=True),
                                  plan[plan["stairwell_id"] != ours][others].reset_index(drop=True))
    row = proposals.listing(con, scope_of(con, users["grid1"]), round_id, proposed_by="grid1").iloc[0]
    assert (row["status"], row["decided_by"], row["version_id"]) == ("accepted", "leader", version)
    refused("testing.error.proposal_decided", proposals.accept, con, users["leader"], round_id, proposal_id,
            now=BEFORE)
    actions = {a for (a,) in con.execute("SELECT action FROM audit_log").fetchall()}
    assert {"testing_plan_saved", "testing_proposal_accepted"} <= actions


def test_a_declined_proposal_keeps_its_reason_and_changes_nothing(town):
    con, users, round_id, ours, _, target = planned(town)
    proposal_id = proposals.propose_change(con, users["grid1"], round_id, ours, target, now=BEFORE)
    plan = stored(con, round_id)
    refused("testing.error.decline_reason", proposals.decline, con, users["leader"], round_id, proposal_id, " ")
    proposals.decline(con, users["leader"], round_id, proposal_id, "北门只有两个台位", now=BEFORE)
    assert stored(con, round_id).equals(plan)
    row = proposals.listing(con, scope_of(con, users["grid1"]), round_id, proposed_by="grid1").iloc[0]
    assert (row["status"], row["reason"]) == ("declined", "北门只有两个台位")
    assert proposals.listing(con, scope_of(con, users["leader"]), round_id, status="pending").empty


def test_a_sampled_or_called_down_stairwell_cannot_be_changed(town):
    con, users, round_id, ours, _, target = planned(town)
    proposal_id = proposals.propose_change(con, users["grid1"], round_id, ours, target, now=BEFORE)
    person = site_people(con, users, round_id, 1, stairwell_id=ours)[0]
    site = int(stored(con, round_id).set_index("stairwell_id").loc[[ours], "site_id"].iloc[0])
    desk.open_tube(con, users["leader"], round_id, "T9001", site)
    desk.add_sample(con, users["leader"], round_id, "T9001", person, site, taken_at=START + timedelta(minutes=5))
    before = fingerprint(con)
    refused("testing.error.proposal_touched", proposals.accept, con, users["leader"], round_id, proposal_id,
            now=BEFORE)
    assert fingerprint(con) == before
    refused("testing.error.proposal_touched", proposals.propose_change, con, users["grid1"], round_id, ours,
            target, START + timedelta(hours=3), now=BEFORE)


def test_a_called_down_stairwell_cannot_be_changed(town):
    con, users, round_id, ours, _, target = planned(town)
    proposal_id = proposals.propose_change(con, users["grid1"], round_id, ours, target, now=BEFORE)
    first = stored(con, round_id).set_index("stairwell_id").loc[[ours], "slot_start"].min().to_pydatetime()
    called = first - timedelta(minutes=plans.CALL_AHEAD_MINUTES - 5)  # its building leader is calling it down
    before = fingerprint(con)
    refused("testing.error.proposal_touched", proposals.accept, con, users["leader"], round_id, proposal_id,
            now=called)
    assert fingerprint(con) == before
