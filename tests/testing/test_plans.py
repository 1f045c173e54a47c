"""Plans that are kept: the round's owner plans, a new plan is previewed then confirmed as a version, a re-plan
keeps what was called down or sampled, the previous version comes back; rounds that start now or later, in a
real community; the plan curve and the queues in the viewer's scope and the next half hour."""

from datetime import datetime, timedelta

import pandas as pd
import pytest

from resilient.testing import desk, plans
from resilient.testing import rounds as testing
from tests.conftest import TODAY
from tests.testing import test_testing
from tests.testing.test_testing import START, fingerprint, refused, scope_of

pytestmark = pytest.mark.both_backends

town = test_testing.town
BEFORE = START - timedelta(hours=1)  # when the fixture's round was planned


def stored(con, round_id) -> pd.DataFrame:
    return testing.batches_frame(con, round_id).sort_values(["stairwell_id", "group_no"]).reset_index(drop=True)


def test_a_round_never_starts_in_the_past(town):
    con, users, _, _ = town
    now = datetime(2026, 11, 23, 16, 6)
    error = refused("testing.error.start_past", testing.create_round, con, users["admin"], 1, "x", TODAY,
                    datetime(2026, 11, 23, 6, 0), now=now)
    assert error.values["now"] == now
    assert testing.create_round(con, users["admin"], 1, "x", TODAY, now, now=now) > 0
    assert testing.create_round(con, users["admin"], 1, "y", TODAY, now + timedelta(hours=2), now=now) > 0


def test_a_round_belongs_to_a_real_community(town):
    con, users, _, _ = town
    before = fingerprint(con)
    for community in (0, None):
        refused("testing.error.no_community", testing.create_round, con, users["admin"], community, "x", TODAY,
                START, now=BEFORE)
    refused("testing.error.unknown_community", testing.create_round, con, users["admin"], 999, "x", TODAY, START,
            now=BEFORE)
    assert fingerprint(con) == before


def test_a_grid_worker_sees_the_plan_but_cannot_replace_it(town):
    con, users, round_id, _ = town
    plans.make_plan(con, users["leader"], round_id, now=BEFORE)
    leaders = stored(con, round_id)
    community = testing.stairwell_load(con, scope_of(con, users["admin"]), round_id, TODAY)
    assert leaders["people"].sum() == community["people"].sum()
    before = fingerprint(con)
    error = refused("testing.error.plan_owner", plans.make_plan, con, users["grid1"], round_id, now=BEFORE)
    assert error.code == "testing.error.plan_owner"
    refused("testing.error.plan_owner", plans.propose_plan, con, users["grid1"], round_id, now=BEFORE)
    assert fingerprint(con) == before
    pd.testing.assert_frame_equal(stored(con, round_id), leaders)


def test_an_administrator_narrowed_to_one_grid_cell_still_plans_the_whole_community(town):
    con, users, round_id, _ = town
    proposal = plans.propose_plan(con, users["admin"], round_id, now=BEFORE)
    whole = testing.stairwell_load(con, scope_of(con, users["admin"]), round_id, TODAY)["people"].sum()
    assert proposal.batches["people"].sum() == whole


def test_a_plan_is_shown_before_it_is_written_and_kept_as_a_version(town):
    con, users, round_id, _ = town
    before = fingerprint(con)
    proposal = plans.propose_plan(con, users["leader"], round_id, now=BEFORE)
    assert fingerprint(con) == before  # nothing written yet
    assert proposal.base_version is None and proposal.summary["new_people"] == proposal.batches["people"].sum()
    version = plans.adopt(con, users["leader"], proposal)
    assert len(stored(con, round_id)) == len(proposal.batches)
    kept = plans.versions(con, round_id)
    assert kept[["version_id", "kind", "created_by", "current"]].values.tolist() == [
        [version, "plan", "leader", True]]
    assert kept.iloc[0]["groups"] == len(proposal.batches)
    audit = con.execute("SELECT username, action FROM audit_log WHERE action = 'testing_plan_saved'").fetchall()
    assert audit == [("leader", "testing_plan_saved")]
    # The same plan again changes nobody's slot.
    again = plans.propose_plan(con, users["leader"], round_id, now=BEFORE)
    assert again.base_version == version
    assert again.summary["moved_people"] == again.summary["retimed_people"] == 0
    assert again.summary["same_people"] == proposal.batches["people"].sum()


def test_a_proposal_made_before_another_plan_was_written_is_refused(town):
    con, users, round_id, _ = town
    first = plans.propose_plan(con, users["leader"], round_id, now=BEFORE)
    second = plans.propose_plan(con, users["admin"], round_id, now=BEFORE)
    plans.adopt(con, users["leader"], first)
    before = fingerprint(con)
    refused("testing.error.plan_stale", plans.adopt, con, users["admin"], second)
    assert fingerprint(con) == before


def test_a_replan_from_now_keeps_called_down_and_sampled_groups(town):
    con, users, round_id, site_id = town
    leader = users["leader"]
    plans.make_plan(con, leader, round_id, now=BEFORE)
    first = stored(con, round_id)
    # Someone of a stairwell planned late came early and was sampled.
    late = first.sort_values("slot_start").iloc[-1]
    person = test_testing.site_people(con, users, round_id, 1, stairwell_id=int(late["stairwell_id"]))[0]
    desk.open_tube(con, leader, round_id, "E001", site_id)
    desk.add_sample(con, leader, round_id, "E001", person, site_id, taken_at=START + timedelta(minutes=5))
    # A second site opens an hour into the round: the rest is planned again from then.
    now = START + timedelta(hours=1)
    testing.add_site(con, leader, round_id, "1栋门口", None, None, desks=4, building_id=1)
    proposal = plans.propose_plan(con, leader, round_id, now=now)
    called = first[first["slot_start"] < now + timedelta(minutes=plans.CALL_AHEAD_MINUTES)]
    kept_stairwells = set(called["stairwell_id"]) | {int(late["stairwell_id"])}
    new = proposal.batches.sort_values(["stairwell_id", "group_no"]).reset_index(drop=True)
    keep = new[new["stairwell_id"].isin(kept_stairwells)].reset_index(drop=True)
    old = first[first["stairwell_id"].isin(kept_stairwells)].reset_index(drop=True)
    pd.testing.assert_frame_equal(keep[["stairwell_id", "site_id", "group_no", "people", "slot_start"]],
                                  old[["stairwell_id", "site_id", "group_no", "people", "slot_start"]],
                                  check_dtype=False)
    rest = new[~new["stairwell_id"].isin(kept_stairwells)]
    assert not rest.empty and (rest["slot_start"] >= now).all()
    assert new["people"].sum() == first["people"].sum()
    summary = proposal.summary
    assert summary["kept_people"] == old["people"].sum() and summary["kept_groups"] == len(old)
    assert summary["moved_people"] > 0  # some now walk to the new site
    changes = proposal.changes.set_index("stairwell_id")
    assert set(changes.index[changes["status"] == "kept"]) == kept_stairwells
    # Nothing in the plan is before now except what was kept.
    plans.adopt(con, leader, proposal)
    assert plans.versions(con, round_id)["version_id"].size == 2


def test_the_previous_version_can_be_restored(town):
    con, users, round_id, _ = town
    leader = users["leader"]
    v1 = plans.make_plan(con, leader, round_id, now=BEFORE)
    one = stored(con, round_id)
    testing.add_site(con, leader, round_id, "1栋门口", None, None, desks=4, building_id=1)
    plans.make_plan(con, leader, round_id, now=BEFORE)
    assert not stored(con, round_id).equals(one)
    refused("testing.error.plan_owner", plans.propose_restore, con, users["grid1"], round_id, v1)
    proposal = plans.propose_restore(con, leader, round_id, v1)
    assert proposal.summary["moved_people"] > 0
    v3 = plans.adopt(con, leader, proposal)
    pd.testing.assert_frame_equal(stored(con, round_id), one)
    kept = plans.versions(con, round_id).set_index("version_id")
    assert kept.loc[v3, "kind"] == "restore" and kept.loc[v3, "restored_from"] == v1 and kept.loc[v3, "current"]
    refused("testing.error.unknown_version", plans.propose_restore, con, leader, round_id, v3 + 99)


def test_the_plan_curve_is_in_the_viewers_scope(town):
    con, users, round_id, _ = town
    plans.make_plan(con, users["leader"], round_id, now=BEFORE)
    grid = scope_of(con, users["grid1"])
    mine = testing.stairwell_load(con, grid, round_id, TODAY)["people"].sum()
    everyone = testing.stairwell_load(con, scope_of(con, users["leader"]), round_id, TODAY)["people"].sum()
    assert 0 < mine < everyone
    assert plans.planned_over_time(con, grid, round_id)["cumulative"].iloc[-1] == mine
    assert plans.planned_over_time(con, scope_of(con, users["leader"]), round_id)["cumulative"].iloc[-1] == everyone


def test_a_sites_queue_shows_the_groups_due_in_the_next_half_hour(town):
    con, users, round_id, site_id = town
    stairwell = int(testing.stairwell_load(con, scope_of(con, users["admin"]), round_id, TODAY).iloc[0][
        "stairwell_id"])
    plans.save_plan(con, users["admin"], round_id, pd.DataFrame({
        "stairwell_id": [stairwell] * 3, "site_id": site_id, "group_no": [1, 2, 3], "people": [20, 15, 5],
        "slot_start": [START, START + timedelta(minutes=25), START + timedelta(minutes=45)],
        "slot_end": [START + timedelta(minutes=20), START + timedelta(minutes=45), START + timedelta(minutes=65)]}))
    before_start = testing.site_queues(con, round_id, START - timedelta(minutes=10)).iloc[0]
    assert (before_start["groups_due"], before_start["people_due"]) == (1, 20)
    between = testing.site_queues(con, round_id, START + timedelta(minutes=21)).iloc[0]
    assert (between["groups_due"], between["people_due"]) == (2, 20)  # 06:25 and 06:45, not the finished one


def test_a_site_opening_late_is_planned_around_from_now(town):
    con, users, round_id, site_id = town
    leader = users["leader"]
    late = testing.add_site(con, leader, round_id, "1栋门口", None, None, desks=4, building_id=1)
    plans.make_plan(con, leader, round_id, now=BEFORE)
    assert (stored(con, round_id)["site_id"] == late).any()
    refused("testing.error.plan_owner", plans.change_site, con, users["grid1"], round_id, late, 2)
    refused("testing.error.unknown_site", plans.change_site, con, leader, round_id, site_id + 99, 2)
    opens = START + timedelta(hours=2)
    plans.change_site(con, leader, round_id, late, 2, opens_at=opens)
    assert testing.sites_frame(con, round_id).set_index("site_id").loc[late, "desks"] == 2
    now = START + timedelta(minutes=30)
    proposal = plans.propose_plan(con, leader, round_id, now=now)
    kept = set(proposal.changes.loc[proposal.changes["status"] == "kept", "stairwell_id"])
    fresh = proposal.batches[~proposal.batches["stairwell_id"].isin(kept)]
    assert (fresh.loc[fresh["site_id"] == late, "slot_start"] >= opens).all()
    assert (fresh["slot_start"] >= now).all()
    assert proposal.batches["people"].sum() == stored(con, round_id)["people"].sum()
    actions = [r[0] for r in con.execute("SELECT action FROM audit_log").fetchall()]
    assert actions.count("testing_site_changed") == 1
