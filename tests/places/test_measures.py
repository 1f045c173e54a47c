"""Named queries against the hand-built community in conftest.small, with answers counted by hand."""

from datetime import date

import pytest

from resilient.core.scope import EVERYTHING, Scope
from resilient.places import measures, places
from resilient.places.measures import Filters
from tests.conftest import NOW, TODAY

pytestmark = pytest.mark.both_backends


def by_building(frame):
    return frame.set_index("building_id")


def test_building_density_counts_active_measures_per_building(small):
    frame = by_building(measures.building_density(small, EVERYTHING, Filters(), TODAY))
    assert frame.loc[1, ["residents", "households", "active"]].tolist() == [6, 3, 2]
    assert frame.loc[1, "home_isolation"] == 1 and frame.loc[1, "centralised_quarantine"] == 1
    assert frame.loc[1, "home_observation"] == 0  # released yesterday
    assert frame.loc[1, "per_100"] == 33.3
    assert frame.loc[2, ["residents", "active", "health_monitoring"]].tolist() == [2, 1, 1]
    assert frame.loc[3, ["residents", "active"]].tolist() == [1, 0]
    assert frame.loc[1, "geojson"].startswith('{"type":"Polygon"')


def test_building_density_follows_scope_and_filters(small):
    grid1 = measures.building_density(small, Scope(grid_ids=(1,)), Filters(), TODAY)
    assert grid1["building_id"].tolist() == [1]
    compound_b = measures.building_density(small, EVERYTHING, Filters(compound_ids=(2,)), TODAY)
    assert compound_b["building_id"].tolist() == [3]
    only_isolation = Filters(categories=("home_isolation",))
    isolation = by_building(measures.building_density(small, EVERYTHING, only_isolation, TODAY))
    assert isolation["active"].tolist() == [1, 0, 0]
    nothing = measures.building_density(small, Scope(community_ids=()), Filters(), TODAY)
    assert nothing.empty


def test_a_measure_starting_tomorrow_is_not_active_today(small):
    tomorrow = date(2026, 11, 24)
    frame = by_building(measures.building_density(small, EVERYTHING, Filters(), tomorrow))
    # Tomorrow: resident 1's term ended today but nobody released it, so it still counts; resident 5 starts.
    assert frame.loc[1, "home_isolation"] == 2


def test_kpis(small):
    kpi = measures.kpis(small, EVERYTHING, Filters(), TODAY, NOW)
    assert kpi == {
        "residents": 9, "households": 5, "active": 3, "centralised_quarantine": 1, "medical_observation": 0,
        "home_isolation": 1, "home_observation": 0, "health_monitoring": 1, "due_today": 1, "due_tomorrow": 1,
        "new_24h": 2,
    }
    grid2 = measures.kpis(small, Scope(grid_ids=(2,)), Filters(), TODAY, NOW)
    assert (grid2["residents"], grid2["active"], grid2["new_24h"]) == (3, 1, 0)


def test_active_by_day_fills_quiet_days_with_zero(small):
    frame = measures.active_by_day(small, EVERYTHING, Filters(), TODAY, days=30)
    totals = frame.groupby("day")["active"].sum()
    assert len(totals) == 30 and totals.index.max().date() == TODAY
    assert totals[str(date(2026, 11, 22))] == 3  # released during the 22nd: not active at its end
    assert totals[str(date(2026, 11, 21))] == 4
    assert totals[str(date(2026, 11, 9))] == 2
    assert totals[str(date(2026, 11, 1))] == 0
    assert set(frame["category"]) == {
        "centralised_quarantine", "medical_observation", "home_isolation", "home_observation", "health_monitoring"}


def test_building_breakdown(small):
    units = measures.building_stairwells(small, EVERYTHING, 1, TODAY)
    assert units[["unit_no", "households", "residents", "active", "households_under_measure"]].values.tolist() == [
        [1, 2, 3, 1, 1], [2, 1, 3, 1, 1]]
    homes = measures.building_households(small, EVERYTHING, 1, TODAY)
    assert homes[["unit_no", "room", "category", "people", "days_left"]].values.tolist() == [
        [1, "101", "home_isolation", 1, 0], [2, "301", "centralised_quarantine", 1, 1]]


def test_breakdown_outside_scope_is_empty(small):
    assert measures.building_households(small, Scope(grid_ids=(2,)), 1, TODAY).empty
    assert measures.building_stairwells(small, Scope(grid_ids=(2,)), 1, TODAY).empty


def test_places_in_scope(small):
    assert places.communities(small, EVERYTHING)["name"].tolist() == ["测试社区"]
    assert places.grids(small, Scope(grid_ids=(2,)))["grid_worker"].tolist() == ["网格员乙"]
    assert places.compounds(small, Scope(grid_ids=(1,)))["name"].tolist() == ["A苑"]
    assert places.compounds(small, EVERYTHING)["compound_id"].tolist() == [1, 2]


def test_the_worst_ten_are_the_maps_own_counts(demo_db):
    """Two queries, one figure: the list beside the map ranks buildings by the very count the map colours them
    by, in either mode, for the whole community and narrowed."""
    con, _ = demo_db
    for filters in (Filters(), Filters(categories=("home_isolation", "health_monitoring"))):
        density = measures.building_density(con, EVERYTHING, filters, TODAY).set_index("building_id")
        for by, column in (("active", "active"), ("per_100", "per_100")):
            worst = measures.worst_buildings(con, EVERYTHING, filters, TODAY, by)
            assert len(worst) == min(measures.WORST, int((density["active"] > 0).sum()))
            expected = density[density["active"] > 0][column].sort_values(ascending=False).head(len(worst))
            assert list(worst[column]) == list(expected), by                     # the top values, in order
            ids = worst["building_id"].astype(int)
            assert list(worst["active"]) == list(density.loc[ids, "active"])      # each the map's own count
