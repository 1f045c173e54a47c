"""Volunteer coverage (issue 6): need rules, coverage rules, contacts, the exact solver and atomic apply."""

import itertools
import math
import random
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from resilient.core import audit, db, queries, roles
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.coverage import volunteers as coverage
from resilient.coverage.volunteers import CoverageError, CoverageSettings
from resilient.demo import generator as demo
from tests.conftest import NOW, TODAY

pytestmark = pytest.mark.both_backends

LEADER = User(1, "leader", "社区书记", "community_leader", community_id=1)
VIEWER = User(2, "viewer", "查看", "viewer", community_id=1)
VOLUNTEER = User(3, "vol1", "志愿者一", "volunteer", community_id=1, volunteer_id=1)
ALL = Scope()


@pytest.fixture
def needy(small):
    """Household 11: resident 1 in home isolation; 12: one person aged 60 today; 21: two people over 60;
    31: disabled; 13: nobody vulnerable (resident 4 is in centralised quarantine, 5 starts isolation tomorrow)."""
    small.execute("UPDATE resident SET birth_date = DATE '1966-11-23' WHERE resident_id = 3")
    small.execute("UPDATE resident SET birth_date = DATE '1940-01-01' WHERE resident_id IN (7, 8)")
    small.execute("UPDATE resident SET disabled = TRUE WHERE resident_id = 9")
    return small


def volunteer(con, vid, building, capacity=5, active=True, households=()):
    con.execute("INSERT INTO volunteer VALUES ($v, 1, $n, NULL, $b, $c, $a)",
                {"v": vid, "n": f"志愿者{vid}", "b": building, "c": capacity, "a": active})
    for hid in households:
        con.execute("INSERT INTO volunteer_assignment VALUES ($v, $h, DATE '2026-11-20', NULL)", {"v": vid, "h": hid})


def reasons(frame) -> dict:
    return {int(h): list(r) for h, r in zip(frame["household_id"], frame["reasons"])}


def by_household(frame, column="reason") -> dict:
    return {int(h): (None if isinstance(v, float) and math.isnan(v) else v)
            for h, v in zip(frame["household_id"], frame[column])}


# --- settings and needs ---------------------------------------------------------------------------------------

def test_settings_default_when_absent_and_round_trip(con):
    assert coverage.load_settings(con) == CoverageSettings()
    changed = CoverageSettings(elderly_age=65, reasons=("elderly_alone", "disabled"), reach_m=250.0,
                               team_standard_load=7, not_contacted_days=2)
    coverage.save_settings(con, LEADER, changed)
    assert coverage.load_settings(con) == changed
    assert con.execute("SELECT count(*) FROM audit_log WHERE target = 'meta:coverage_settings'").fetchone()[0] == 1
    with pytest.raises(CoverageError) as refused:
        coverage.save_settings(con, VIEWER, changed)
    assert refused.value.code == "coverage.error.not_allowed"
    with pytest.raises(CoverageError):
        CoverageSettings(reasons=("astrology",))


def test_need_rules(needy):
    found = reasons(coverage.needs(needy, ALL, CoverageSettings(), TODAY))
    assert found == {11: ["home_isolation"], 12: ["elderly_alone"], 21: ["elderly_only"], 31: ["disabled"]}
    frame = coverage.needs(needy, ALL, CoverageSettings(), TODAY)
    assert list(frame.columns) == ["household_id", "building_id", "reasons", "people"]
    assert by_household(frame, "people") == {11: 2, 12: 1, 21: 2, 31: 1}


def test_need_rules_follow_settings_and_scope(needy):
    only = CoverageSettings(reasons=("elderly_alone", "elderly_only"))
    assert reasons(coverage.needs(needy, ALL, only, TODAY)) == {12: ["elderly_alone"], 21: ["elderly_only"]}
    # One day younger than the threshold is not elderly.
    assert 12 not in reasons(coverage.needs(needy, ALL, CoverageSettings(), TODAY - timedelta(days=1)))
    assert 12 not in reasons(coverage.needs(needy, ALL, CoverageSettings(elderly_age=61), TODAY))
    # Home observation counts when active: resident 2's was released yesterday.
    assert reasons(coverage.needs(needy, ALL, CoverageSettings(), TODAY - timedelta(days=2)))[11] == \
        ["home_isolation", "home_observation"]
    assert set(reasons(coverage.needs(needy, Scope(grid_ids=(2,)), CoverageSettings(), TODAY))) == {21, 31}


def test_elderly_only_needs_everyone_elderly(needy):
    needy.execute("UPDATE resident SET birth_date = DATE '1990-01-01' WHERE resident_id = 8")
    assert 21 not in reasons(coverage.needs(needy, ALL, CoverageSettings(), TODAY))


# --- coverage rules -------------------------------------------------------------------------------------------

def test_coverage_rules(needy):
    volunteer(needy, 1, building=1, capacity=2, households=(12,))
    volunteer(needy, 2, building=3, capacity=1, households=(31,))
    volunteer(needy, 3, building=2, capacity=9, active=False, households=(21,))
    frame = coverage.coverage(needy, ALL, CoverageSettings(), TODAY)
    assert by_household(frame) == {11: "not_assigned", 12: None, 21: "not_assigned", 31: None}
    assert by_household(frame, "covered") == {11: False, 12: True, 21: False, 31: True}
    assert by_household(frame, "volunteer_id")[12] == 1
    # 50 m reach: building 2 is 95 m from building 1 and 189 m from building 3.
    near = coverage.coverage(needy, ALL, CoverageSettings(reach_m=50), TODAY)
    assert by_household(near)[21] == "no_volunteer_in_reach"


def test_all_in_reach_full_and_over_capacity(needy):
    volunteer(needy, 1, building=1, capacity=1, households=(12,))
    frame = coverage.coverage(needy, ALL, CoverageSettings(), TODAY)
    assert by_household(frame)[11] == "all_in_reach_full"
    needy.execute("INSERT INTO volunteer_assignment VALUES (1, 21, DATE '2026-11-21', NULL)")
    frame = coverage.coverage(needy, ALL, CoverageSettings(), TODAY)
    assert by_household(frame)[12] == "volunteer_over_capacity"
    assert by_household(frame)[21] == "volunteer_over_capacity"
    load = coverage.volunteer_load(needy, ALL, CoverageSettings(), TODAY)
    assert load.set_index("volunteer_id").loc[1, ["assigned", "capacity", "over_capacity"]].tolist() == [2, 1, True]
    assert coverage.kpis(needy, ALL, CoverageSettings(), TODAY)["overloaded_volunteers"] == 1


def test_assigned_volunteer_out_of_reach_does_not_cover(needy):
    volunteer(needy, 1, building=3, capacity=5, households=(12,))
    frame = coverage.coverage(needy, ALL, CoverageSettings(reach_m=200), TODAY)
    assert by_household(frame)[12] == "assigned_out_of_reach"
    # The suggestion treats it as open: a volunteer in reach is proposed, and applying it ends the far one's.
    volunteer(needy, 2, building=1, capacity=5, households=())
    suggestion = coverage.suggest(needy, ALL, CoverageSettings(reach_m=200), TODAY)
    assert 12 in set(suggestion.assignments["household_id"]) and suggestion.replaces == {12: [1]}
    coverage.apply(needy, LEADER, suggestion, [12])
    assert needy.execute("SELECT volunteer_id, end_date FROM volunteer_assignment WHERE household_id = 12 "
                         "ORDER BY volunteer_id").fetchall() == [(1, TODAY - timedelta(days=1)), (2, None)]
    after = coverage.coverage(needy, ALL, CoverageSettings(reach_m=200), TODAY)
    assert by_household(after)[12] is None
    assert coverage.volunteer_load(needy, ALL, CoverageSettings(), TODAY).set_index("volunteer_id").loc[
        1, "assigned"] == 0


def test_team_overloaded(needy):
    volunteer(needy, 1, building=1, capacity=5, households=(11,))
    needy.execute("INSERT INTO staff VALUES (3, 1, 'doctor', '医生', NULL), (4, 1, 'police', '民警', NULL)")
    needy.execute("INSERT INTO team VALUES (1, 1, 1, 3, 4)")
    needy.execute("INSERT INTO team_household VALUES (1, 11, DATE '2026-11-09', NULL)")
    needy.execute("""INSERT INTO control_measure VALUES (10, 2, 'home_isolation', 'close_contact', DATE '2026-11-20',
                     DATE '2026-12-04', NULL, TIMESTAMP '2026-11-20 09:00')""")
    assert by_household(coverage.coverage(needy, ALL, CoverageSettings(), TODAY))[11] is None
    tight = CoverageSettings(team_standard_load=1)
    assert by_household(coverage.coverage(needy, ALL, tight, TODAY))[11] == "team_overloaded"
    teams = coverage.team_load(needy, ALL, tight, TODAY)
    assert teams[["team_id", "team_load", "overloaded"]].values.tolist() == [[1, 2, True]]
    figures = coverage.kpis(needy, ALL, tight, TODAY)
    assert figures["overloaded_teams"] == 1 and figures["vulnerable_households"] == 4
    assert queries.fetch_df(needy, "reference_problems").query("rows > 0").empty


# --- contacts -------------------------------------------------------------------------------------------------

def test_not_contacted_flag_at_the_boundary(needy):
    volunteer(needy, 1, building=1, capacity=5, households=(11, 12))
    coverage.record_contact(needy, LEADER, 1, 11, "call", at=datetime(2026, 11, 20, 23, 59))   # 3 days ago
    coverage.record_contact(needy, VOLUNTEER, 1, 12, "visit", at=datetime(2026, 11, 21, 0, 0))  # 2 days ago
    frame = coverage.coverage(needy, ALL, CoverageSettings(), TODAY)
    assert by_household(frame, "not_contacted") == {11: True, 12: False, 21: True, 31: True}
    assert by_household(frame, "last_contact")[12] == datetime(2026, 11, 21, 0, 0)
    assert coverage.kpis(needy, ALL, CoverageSettings(), TODAY)["not_contacted"] == 3
    assert by_household(coverage.coverage(needy, ALL, CoverageSettings(not_contacted_days=4), TODAY),
                        "not_contacted")[11] is False
    assert needy.execute("SELECT count(*) FROM audit_log WHERE target LIKE 'contact:%'").fetchone()[0] == 2


def test_record_contact_refuses_outside_assignment_and_scope(needy):
    volunteer(needy, 1, building=1, capacity=5, households=(12,))
    volunteer(needy, 2, building=2, capacity=5, households=(21,))
    for actor, vid, hid, code in [
        (VOLUNTEER, 1, 21, "coverage.error.not_assigned"),     # someone else's household
        (VOLUNTEER, 2, 21, "coverage.error.not_assigned"),     # recording as another volunteer
        (LEADER, 1, 21, "coverage.error.not_assigned"),        # not that volunteer's household
        (VIEWER, 1, 12, "coverage.error.not_allowed"),
        (None, 1, 12, "coverage.error.not_allowed"),
    ]:
        with pytest.raises(CoverageError) as refused:
            coverage.record_contact(needy, actor, vid, hid, "visit", at=NOW)
        assert refused.value.code == code
    with pytest.raises(CoverageError) as refused:
        coverage.record_contact(needy, VOLUNTEER, 1, 12, "telepathy", at=NOW)
    assert refused.value.code == "coverage.error.kind"
    grid_worker = User(4, "gw2", "网格员乙", "grid_worker", community_id=1, staff_id=2)   # grid 2 only
    with pytest.raises(CoverageError):
        coverage.record_contact(needy, grid_worker, 1, 12, "call", at=NOW)
    assert needy.execute("SELECT count(*) FROM contact").fetchone()[0] == 0
    coverage.record_contact(needy, grid_worker, 2, 21, "delivery", at=NOW)
    assert needy.execute("SELECT count(*) FROM contact").fetchone()[0] == 1


# --- lists to act on -------------------------------------------------------------------------------------------

def test_gaps_per_building(needy):
    volunteer(needy, 1, building=1, capacity=5, households=(11, 12))
    coverage.record_contact(needy, LEADER, 1, 11, "call", at=NOW)
    per = coverage.by_building(coverage.coverage(needy, ALL, CoverageSettings(), TODAY)).set_index("building_id")
    # Building 1: 11 and 12 covered (12 never contacted); 2: 21 uncovered; 3: 31 uncovered.
    assert per[["vulnerable", "uncovered", "not_contacted"]].to_dict("index") == {
        1: {"vulnerable": 2, "uncovered": 0, "not_contacted": 1},
        2: {"vulnerable": 1, "uncovered": 1, "not_contacted": 1},
        3: {"vulnerable": 1, "uncovered": 1, "not_contacted": 1}}
    assert coverage.by_building(coverage.coverage(needy, Scope(household_ids=()), CoverageSettings(), TODAY)).empty


def test_gap_list_names_the_reason_and_masks(needy):
    volunteer(needy, 1, building=1, capacity=5, households=(11, 12))
    coverage.record_contact(needy, LEADER, 1, 11, "call", at=NOW)
    gaps = coverage.gap_list(needy, ALL, CoverageSettings(), TODAY)
    assert by_household(gaps) == {12: "not_contacted", 21: "not_assigned", 31: "not_assigned"}
    row = gaps.set_index("household_id").loc[21]
    assert (row["building"], row["unit_no"], row["room"]) == ("2栋", 1, "101")
    assert row["name"] == "居*7"      # the eldest (ties: lowest id), masked
    revealed = coverage.gap_list(needy, ALL, CoverageSettings(), TODAY, revealed={7})
    assert revealed.set_index("household_id").loc[21, "name"] == "居民7"
    # A doctor sees households but names only of people under a measure (resident 7: health monitoring).
    doctor = Scope(community_ids=(1,), personal="under_measure")
    names = coverage.gap_list(needy, doctor, CoverageSettings(), TODAY).set_index("household_id")["name"]
    assert names.to_dict() == {12: "", 21: "居*7", 31: ""}


def test_volunteer_list_keeps_households_no_longer_in_need(needy):
    volunteer(needy, 1, building=1, capacity=5, households=(12, 13))
    coverage.record_contact(needy, LEADER, 1, 13, "delivery", at=NOW)
    mine = coverage.volunteer_list(needy, ALL, CoverageSettings(), 1, TODAY).set_index("household_id")
    assert sorted(mine.index) == [12, 13]
    assert mine.loc[12, "reasons"] == ["elderly_alone"] and mine.loc[13, "reasons"] == []
    assert mine.loc[13, "last_contact"] == NOW and pd.isna(mine.loc[12, "last_contact"])
    outside = Scope(grid_ids=(2,))
    assert coverage.volunteer_list(needy, outside, CoverageSettings(), 1, TODAY).empty


def test_demo_has_recent_contacts_for_most_assignments(demo_db):
    con, _ = demo_db
    assigned, contacted, before_start = con.execute("""
        SELECT (SELECT count(*) FROM volunteer_assignment),
               (SELECT count(DISTINCT (volunteer_id, household_id)) FROM contact),
               (SELECT count(*) FROM contact c JOIN volunteer_assignment a USING (volunteer_id, household_id)
                WHERE c.contacted_at < a.start_date)""").fetchone()
    assert 0.8 * assigned < contacted < assigned and before_start == 0
    assert queries.fetch_df(con, "reference_problems").query("rows > 0").empty


# --- the solver -----------------------------------------------------------------------------------------------

def brute_force(dist, free, reach):
    """Best (covered, -distance) over every way of giving each household a volunteer or nobody."""
    n, m = dist.shape
    best = (0, 0.0)
    for choice in itertools.product(range(-1, m), repeat=n):
        used = [0] * m
        total, count, feasible = 0.0, 0, True
        for i, j in enumerate(choice):
            if j < 0:
                continue
            if dist[i, j] > reach:
                feasible = False
                break
            used[j] += 1
            total += dist[i, j]
            count += 1
        if feasible and all(u <= f for u, f in zip(used, free)) and (count, -total) > (best[0], -best[1]):
            best = (count, total)
    return best


def test_solver_is_optimal_against_brute_force():
    rng = random.Random(6)
    for _ in range(60):
        n, m = rng.randint(1, 6), rng.randint(1, 3)
        dist = np.array([[rng.uniform(0, 400) for _ in range(m)] for _ in range(n)])
        free = np.array([rng.randint(0, 3) for _ in range(m)])
        pairs = coverage.match(dist, free, 300.0)
        used = np.bincount([j for _, j in pairs], minlength=m)
        assert (used <= free).all()
        assert len({i for i, _ in pairs}) == len(pairs)
        assert all(dist[i, j] <= 300.0 for i, j in pairs)
        count, total = brute_force(dist, free, 300.0)
        assert len(pairs) == count
        assert sum(dist[i, j] for i, j in pairs) == pytest.approx(total)


def test_suggest_on_small_data(needy):
    volunteer(needy, 1, building=1, capacity=2, households=(12,))
    volunteer(needy, 2, building=3, capacity=1)
    suggestion = coverage.suggest(needy, ALL, CoverageSettings(), TODAY)
    # Volunteer 1 has one free slot: household 11 (same building) is nearest; 2 takes 21 or 31 (189 m vs 0 m).
    new = suggestion.assignments
    got = {int(h): int(v) for v, h in zip(new["volunteer_id"], new["household_id"])}
    assert got == {11: 1, 31: 2}
    assert suggestion.covered_now == 1 and suggestion.covered_after == 3 and suggestion.extra_covered == 2
    assert by_household(suggestion.uncovered) == {21: "all_in_reach_full"}
    near = coverage.suggest(needy, ALL, CoverageSettings(reach_m=50), TODAY)
    assert by_household(near.uncovered) == {21: "no_volunteer_in_reach"}


def test_suggest_and_apply_on_the_demo():
    con = db.connect(":memory:")
    try:
        demo.generate(con, residents=2000, seed=11, as_of=TODAY)
        settings = CoverageSettings()
        before = coverage.coverage(con, ALL, settings, TODAY)
        suggestion = coverage.suggest(con, ALL, settings, TODAY)
        assert suggestion.covered_now == int(before["covered"].sum())
        assert suggestion.covered_after >= suggestion.covered_now
        assert set(suggestion.uncovered["reason"]) <= {"no_volunteer_in_reach", "all_in_reach_full"}
        written = coverage.apply(con, LEADER, suggestion)
        assert written == len(suggestion.assignments)
        load = coverage.volunteer_load(con, ALL, settings, TODAY)
        new = set(suggestion.assignments["volunteer_id"])
        assert not load[load["volunteer_id"].isin(new) & load["over_capacity"]].any().any()
        after = coverage.coverage(con, ALL, settings, TODAY)
        assert int(after["covered"].sum()) >= suggestion.covered_after
        assert queries.fetch_df(con, "reference_problems").query("rows > 0").empty
    finally:
        con.close()


def test_apply_is_all_or_nothing(needy, monkeypatch):
    volunteer(needy, 1, building=1, capacity=5)
    suggestion = coverage.suggest(needy, ALL, CoverageSettings(), TODAY)
    assert len(suggestion.assignments) == 4
    real, calls = audit.record, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RuntimeError):
        coverage.apply(needy, LEADER, suggestion)
    assert needy.execute("SELECT count(*) FROM volunteer_assignment").fetchone()[0] == 0
    assert needy.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0
    monkeypatch.setattr(audit, "record", real)
    with pytest.raises(CoverageError) as refused:
        coverage.apply(needy, VIEWER, suggestion)
    assert refused.value.code == "coverage.error.not_allowed"
    assert coverage.apply(needy, LEADER, suggestion, chosen_household_ids=[11, 21]) == 2
    assert needy.execute("SELECT list(household_id ORDER BY household_id) FROM volunteer_assignment").fetchone()[0] \
        == [11, 21]
    assert needy.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 2


def test_apply_refuses_households_outside_the_actors_scope(needy):
    volunteer(needy, 1, building=1, capacity=5)
    suggestion = coverage.suggest(needy, ALL, CoverageSettings(), TODAY)
    grid_worker = User(4, "gw1", "网格员甲", "grid_worker", community_id=1, staff_id=1)   # grid 1 only
    with pytest.raises(CoverageError) as refused:
        coverage.apply(needy, grid_worker, suggestion)
    assert refused.value.code == "coverage.error.out_of_scope"
    assert coverage.apply(needy, grid_worker, suggestion, chosen_household_ids=[11, 12]) == 2



def test_benchmark_runs_on_a_small_synthetic_case():
    from bench.coverage import bench_synthetic

    figures = bench_synthetic(300, 30, seed=3)
    assert 0 < figures["covered_share"] <= 1 and figures["free_slots"] > 0


def test_apply_refuses_a_stale_suggestion_beyond_capacity(needy):
    volunteer(needy, 1, building=1, capacity=2)
    suggestion = coverage.suggest(needy, ALL, CoverageSettings(), TODAY)
    assert len(suggestion.assignments) == 2
    assert coverage.apply(needy, LEADER, suggestion) == 2
    with pytest.raises(CoverageError) as refused:
        coverage.apply(needy, LEADER, suggestion)
    assert refused.value.code == "coverage.error.capacity" and refused.value.values == {"volunteer_id": 1}
    assert needy.execute("SELECT count(*) FROM volunteer_assignment").fetchone()[0] == 2


# --- building leaders -----------------------------------------------------------------------------------------

def test_building_leader_list_and_scope(needy):
    volunteer(needy, 1, building=1, capacity=5, households=(11,))
    volunteer(needy, 2, building=2, capacity=5, households=())
    coverage.set_leader(needy, LEADER, 2, 1, None, TODAY)
    listed = coverage.leader_list(needy, ALL, CoverageSettings(), 2, TODAY).set_index("household_id")
    assert sorted(listed.index) == [11, 12]                       # building 1's vulnerable households
    assert listed.loc[11, "volunteer"] == "志愿者1" and pd.isna(listed.loc[12, "volunteer"])
    # The leader's own account now sees their building's households, and still their assigned ones.
    leader_account = User(5, "vol2", "志愿者二", "volunteer", community_id=1, volunteer_id=2)
    assert set(roles.scope_for(needy, leader_account, TODAY).household_ids) == {11, 12, 13}
    # A new leader of building 1's unit 2 leaves the whole-building leader in place; of the building, replaces them.
    coverage.set_leader(needy, LEADER, 1, 1, 2, TODAY)
    assert coverage.leaders(needy, ALL, TODAY)[["volunteer_id", "unit_no"]].astype(object).where(
        lambda f: f.notna(), None).values.tolist() == [[2, None], [1, 2]]
    coverage.set_leader(needy, LEADER, 1, 1, None, TODAY + timedelta(days=1))
    tomorrow = coverage.leaders(needy, ALL, TODAY + timedelta(days=1))
    assert sorted(tomorrow["volunteer_id"].tolist()) == [1, 1]
    assert needy.execute("SELECT count(*) FROM audit_log WHERE target LIKE 'building_leader:%'").fetchone()[0] == 3
    assert queries.fetch_df(needy, "reference_problems").query("rows > 0").empty


def test_set_leader_refusals_change_nothing(needy):
    volunteer(needy, 1, building=1)
    grid_worker = User(4, "gw2", "网格员乙", "grid_worker", community_id=1, staff_id=2)   # grid 2 only
    for actor, building, code in [(VOLUNTEER, 1, "coverage.error.not_allowed"),
                                  (grid_worker, 1, "coverage.error.building_out_of_scope"),
                                  (LEADER, 99, "coverage.error.building_out_of_scope")]:
        with pytest.raises(CoverageError) as refused:
            coverage.set_leader(needy, actor, 1, building, None, TODAY)
        assert refused.value.code == code
    with pytest.raises(CoverageError) as refused:
        coverage.set_leader(needy, LEADER, 42, 1, None, TODAY)
    assert refused.value.code == "coverage.error.volunteer_out_of_scope"
    assert needy.execute("SELECT count(*) FROM building_leader").fetchone()[0] == 0


def test_demo_names_building_leaders(demo_db):
    con, _ = demo_db
    found = coverage.leaders(con, ALL, TODAY)
    assert 0 < len(found) <= 94 and found["building_id"].is_unique
