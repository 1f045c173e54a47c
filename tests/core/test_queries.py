"""The named-query loader: blocks by name, no duplicates, parameters checked before DuckDB sees them."""

import re

import pytest

from resilient.core import queries
from tests.tree import migration_references


def test_parse_splits_named_blocks():
    text = "-- name: one\n-- first\nSELECT $a;\n\n-- name: two\nSELECT 2\n"
    assert queries.parse(text) == {"one": "-- first\nSELECT $a", "two": "SELECT 2"}


def test_duplicate_name_is_an_error():
    with pytest.raises(ValueError, match="twice"):
        queries.parse("-- name: a\nSELECT 1\n-- name: a\nSELECT 2")


def test_every_query_file_loads_and_names_are_unique():
    names = queries.all_queries()
    assert {"building_density", "overview_kpis", "active_measures_by_day", "grids_in_scope"} <= set(names)


def test_missing_parameter_is_named():
    with pytest.raises(TypeError, match="today"):
        queries.bind("building_stairwells", {"community_ids": None, "grid_ids": None, "building_id": 1})


def test_bind_keeps_only_used_parameters():
    bound = queries.bind("communities_in_scope", {"community_ids": [1], "unused": 5})
    assert bound == {"community_ids": [1]}


# Whole-database upkeep and the demo's own set-up, never shown to a viewer.
# households_of_volunteer is where a volunteer's scope comes from, so it cannot take one.
UNSCOPED = {"reference_problems", "set_stairwell_geometry", "demo_account_links", "households_of_volunteer",
            "example_register", "example_outlines", "example_communities", "example_places", "example_grid_cells",
            "example_staff", "example_volunteers", "demo_office_measures",
            "demo_office_assignments", "demo_office_contacts", "demo_office_leaders", "demo_office_residents",
            "demo_office_volunteer_keys", "demo_office_building_keys", "demo_office_insert_meta",
            "demo_office_insert_measures", "demo_office_insert_assignments", "demo_office_insert_contacts",
            "demo_office_insert_leaders"}
# Lookups and writes of the set-up functions, run only after they checked the community against the actor's
# scope (resilient/places/setup.py `_in_scope`); only whole-community roles set up places.
CHECKED_BEFORE = {"setup_building", "setup_building_names", "setup_stairwells", "setup_room_clashes",
                  "setup_move_stairwell", "setup_delete_stairwell", "setup_delete_building_stairwells",
                  "setup_delete_building", "setup_reset_stairwell_shapes", "setup_community_centre",
                  "setup_insert_building", "setup_insert_stairwells", "setup_rename_building", "setup_move_building",
                  "setup_set_outline", "setup_building_uses", "setup_repoint_households", "setup_repoint_batches",
                  "setup_repoint_plan_versions", "setup_repoint_plan_proposals",
                  "setup_repoint_stairwell_leaders", "setup_repoint_volunteer_homes",
                  "setup_repoint_sites", "setup_repoint_building_leaders", "setup_take_outline",
                  "setup_drop_twin_pickup", "setup_repoint_pickup",
                  "setup_repoint_disinfection_areas", "setup_drop_disinfection_marks", "setup_drop_disinfection_areas",
                  # resilient/edge/disinfection.py set_building_areas checks the building (disinfection_building)
                  "disinfection_area_upsert", "disinfection_area_marks_drop", "disinfection_area_drop",
                  "cases_repoint_cases", "cases_repoint_risk_buildings",
                  # the buildings of a buffer area, just read in the actor's scope (cases_area_buildings)
                  "cases_insert_area_building",
                  # an arrival's household, registered in the actor's scope (arrivals._register)
                  "passes_active_of_resident",
                  # a merge's repoint of firms (resilient/places/setup.py checked both buildings)
                  "firms_repoint_building"}
# Where a community's buildings stand, whoever's grid cell they are in (no names, no people): a grid worker's
# outline file is measured against the whole community, in the viewer's communities only.
WHERE_ONLY = {"footprint_community_locations"}
# The pick-up plan's write of one building's point, run only after pickup.save checked every building of the plan
# against the actor's scope and the point's community.
PICKUP_CHECKED = {"pickup_assign_building"}
PEOPLE_AND_PLACES = re.compile(r"\b(resident|household|building|stairwell|control_measure)\b")


def test_every_read_of_people_and_places_takes_the_viewer_scope():
    checked = 0
    for name, text in queries.all_queries().items():
        if name in UNSCOPED | CHECKED_BEFORE | WHERE_ONLY | PICKUP_CHECKED or not PEOPLE_AND_PLACES.search(text):
            continue
        checked += 1
        assert {"community_ids", "grid_ids", "household_ids"} <= queries.parameters(name), \
            f"{name} reads people or places without the viewer's scope"
    assert checked >= 8


def test_every_reference_named_in_the_migrations_is_checked():
    """Migrations mark references with `-- ref: table` (there are no FOREIGN KEYs); integrity must cover each."""
    named = [f"{table}.{column}" for table, column, _ in migration_references()]
    checked = queries.sql("reference_problems")
    assert len(named) > 20
    assert [ref for ref in named if f"'{ref}'" not in checked] == []
