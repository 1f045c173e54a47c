"""The coverage page's lists and choices, on the domain: the gap map's figures per building, gaps by reason,
building leaders with what each leads, and a suggestion as a leader reviews it."""

from datetime import timedelta

import pytest

from resilient.coverage import volunteers as coverage
from resilient.coverage.volunteers import CoverageSettings
from tests.conftest import NOW, TODAY
from tests.coverage import test_coverage
from tests.coverage.test_coverage import ALL, LEADER, volunteer

pytestmark = pytest.mark.both_backends

needy = test_coverage.needy


def test_every_building_has_its_gap_figures(needy):
    volunteer(needy, 1, building=1, capacity=5, households=(11, 12))
    coverage.record_contact(needy, LEADER, 1, 11, "call", at=NOW)
    frame = coverage.building_gaps(needy, ALL, CoverageSettings(), TODAY).set_index("building_id")
    assert frame[["vulnerable", "uncovered", "not_contacted"]].to_dict("index") == {
        1: {"vulnerable": 2, "uncovered": 0, "not_contacted": 1},
        2: {"vulnerable": 1, "uncovered": 1, "not_contacted": 1},
        3: {"vulnerable": 1, "uncovered": 1, "not_contacted": 1}}
    assert {"name", "compound", "grid", "geojson"} <= set(frame.columns)
    # Nobody vulnerable: every building still drawn, with zeros.
    calm = coverage.building_gaps(needy, ALL, CoverageSettings(reasons=("pregnant",), elderly_age=100), TODAY)
    assert len(calm) == 3 and calm[["vulnerable", "uncovered", "not_contacted"]].sum().sum() == 0


def test_gaps_counted_by_reason_in_order(needy):
    volunteer(needy, 1, building=1, capacity=5, households=(11, 12))
    coverage.record_contact(needy, LEADER, 1, 11, "call", at=NOW)
    gaps = coverage.gap_list(needy, ALL, CoverageSettings(), TODAY)
    assert list(coverage.gap_counts(gaps).items()) == [("not_assigned", 2), ("not_contacted", 1)]
    assert coverage.gap_counts(gaps.iloc[0:0]) == {}


def test_active_volunteers_and_who_leads(needy):
    volunteer(needy, 1, building=1)
    volunteer(needy, 2, building=2, active=False)
    assert coverage.active_volunteers(needy, ALL, CoverageSettings(), TODAY)["volunteer_id"].tolist() == [1]
    assert not coverage.leads(needy, ALL, 1, TODAY)
    coverage.set_leader(needy, LEADER, 1, 1, None, TODAY)
    assert coverage.leads(needy, ALL, 1, TODAY) and not coverage.leads(needy, ALL, 2, TODAY)
    assert not coverage.leads(needy, ALL, None, TODAY)


def test_building_leaders_grouped_with_what_each_leads(needy):
    volunteer(needy, 1, building=1)
    volunteer(needy, 2, building=2)
    coverage.set_leader(needy, LEADER, 2, 1, None, TODAY)
    coverage.set_leader(needy, LEADER, 1, 1, 2, TODAY)
    coverage.set_leader(needy, LEADER, 1, 3, None, TODAY)
    found = coverage.leaders_by_volunteer(needy, ALL, TODAY)
    assert found[["volunteer_id", "name"]].values.tolist() == [[2, "志愿者2"], [1, "志愿者1"]]
    assert found["places"].tolist() == [[("A苑", "1栋", None)], [("A苑", "1栋", 2), ("B苑", "3栋", None)]]
    assert coverage.leaders_by_volunteer(needy, ALL, TODAY - timedelta(days=1)).empty


def test_a_suggestion_as_the_leader_reviews_it(needy):
    volunteer(needy, 1, building=1, capacity=2, households=(12,))
    volunteer(needy, 2, building=3, capacity=1)
    suggestion = coverage.suggest(needy, ALL, CoverageSettings(), TODAY)
    rows = coverage.suggestion_rows(needy, ALL, CoverageSettings(), suggestion).set_index("household_id")
    assert rows[["volunteer", "building", "unit_no", "room", "replaces"]].to_dict("index") == {
        11: {"volunteer": "志愿者1", "building": "1栋", "unit_no": 1, "room": "101", "replaces": []},
        31: {"volunteer": "志愿者2", "building": "3栋", "unit_no": 1, "room": "502", "replaces": []}}
    assert rows["distance_m"].dtype.kind == "i" and rows.loc[31, "distance_m"] == 0
    left = coverage.suggestion_uncovered(needy, ALL, suggestion)
    assert left[["household_id", "reason", "building"]].values.tolist() == [[21, "all_in_reach_full", "2栋"]]


def test_a_suggestion_names_the_far_volunteer_it_replaces(needy):
    volunteer(needy, 1, building=3, capacity=5, households=(11,))        # lives far from household 11
    volunteer(needy, 2, building=1, capacity=5)
    suggestion = coverage.suggest(needy, ALL, CoverageSettings(reach_m=100), TODAY)
    rows = coverage.suggestion_rows(needy, ALL, CoverageSettings(reach_m=100), suggestion).set_index("household_id")
    assert rows.loc[11, "volunteer"] == "志愿者2" and rows.loc[11, "replaces"] == ["志愿者1"]
