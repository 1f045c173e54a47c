"""A point for now: a building the office can place but not yet outline, on every map as a dot, still missing."""

import pytest
import shapely

from resilient.core import audit
from resilient.core.scope import EVERYTHING
from resilient.places import setup
from resilient.places.setup import SetupError
from tests.places.test_places_setup import GRID_WORKER, LEADER, OTHER_LEADER, square

pytestmark = pytest.mark.both_backends


def unplace(con, building_id=3):
    con.execute("UPDATE building SET geom = NULL WHERE building_id = $b", {"b": building_id})
    con.execute("UPDATE stairwell SET geom = NULL WHERE building_id = $b", {"b": building_id})


def geom(con, building_id=3):
    return con.execute("SELECT ST_AsText(geom) FROM building WHERE building_id = $b", {"b": building_id}).fetchone()[0]


def test_a_point_is_stored_audited_and_listed_as_still_missing(small):
    unplace(small)
    result = setup.set_point(small, LEADER, 3, 119.9532, 31.7001)
    assert result["distance_m"] < 1000
    assert shapely.from_wkt(geom(small)).equals(shapely.Point(119.9532, 31.7001))
    assert small.execute("SELECT count(geom) FROM stairwell WHERE building_id = 3").fetchone()[0] == 0
    entry = audit.search(small, action="setup_point").iloc[0]
    assert entry["target"] == "building:3" and '"lon": 119.9532' in entry["new_value"]
    missing = setup.buildings_without_outline(small, EVERYTHING)
    assert missing[["name", "point_only"]].values.tolist() == [["3栋", True]]
    outlines = {s.step: s for s in setup.status(small, EVERYTHING, 1)}["outlines"]
    assert (outlines.done, outlines.count, outlines.missing) == (False, 2, 1)
    shown = setup.community_buildings(small, EVERYTHING, 1).set_index("building_id")
    assert not shown.at[3, "has_outline"] and shown.at[3, "has_point"]
    assert shown.at[3, "lon"] == pytest.approx(119.9532)


@pytest.mark.parametrize(("lon", "lat", "code"), [
    (2.35, 48.85, "setup.error.point_outside_china"),     # Paris
    (31.70, 119.95, "setup.error.point_outside_china"),   # longitude and latitude swapped
    (116.39, 39.90, "setup.error.point_far"),              # Beijing, 900 km from the community
    ("", 31.70, "setup.error.point_missing"),
    (float("nan"), 31.70, "setup.error.point_missing"),
])
def test_a_wrong_point_is_refused_and_nothing_changes(small, lon, lat, code):
    unplace(small)
    with pytest.raises(SetupError) as refused:
        setup.set_point(small, LEADER, 3, lon, lat)
    assert refused.value.code == code
    assert geom(small) is None and audit.search(small, action="setup_point").empty


@pytest.mark.parametrize(("actor", "code"), [(GRID_WORKER, "setup.error.not_allowed"),
                                             (OTHER_LEADER, "setup.error.out_of_scope"),
                                             (None, "setup.error.not_allowed")])
def test_roles_and_scope_are_checked(small, actor, code):
    unplace(small)
    with pytest.raises(SetupError) as refused:
        setup.set_point(small, actor, 3, 119.9532, 31.7001)
    assert refused.value.code == code and geom(small) is None


def test_a_point_never_replaces_an_outline_and_a_later_outline_replaces_the_point(small):
    with pytest.raises(SetupError) as refused:
        setup.set_point(small, LEADER, 3, 119.9532, 31.7001)
    assert refused.value.code == "setup.error.point_over_outline"
    unplace(small)
    setup.set_point(small, LEADER, 3, 119.9532, 31.7001)
    setup.set_point(small, LEADER, 3, 119.9533, 31.7001)             # a point may be moved
    setup.set_outline(small, LEADER, 3, square(119.9531, 31.7001))
    assert shapely.from_wkt(geom(small)).geom_type == "Polygon"
    assert small.execute("SELECT count(geom) FROM stairwell WHERE building_id = 3").fetchone()[0] == 1
    assert setup.buildings_without_outline(small, EVERYTHING).empty
    assert audit.search(small, action="setup_outline").iloc[0]["old_value"] == \
        '{"had_outline": false, "had_point": true}'


def test_a_merge_keeps_the_better_shape(small):
    unplace(small, 2)
    setup.set_point(small, LEADER, 2, 119.9512, 31.7001)
    unplace(small, 3)
    small.execute("UPDATE building SET compound_id = 1 WHERE building_id = 3")
    setup.merge_buildings(small, LEADER, 2, 3)                      # a point over nothing
    assert shapely.from_wkt(geom(small)).geom_type == "Point"
    empty = setup.create_building(small, LEADER, 1, "3栋副楼")
    setup.set_outline(small, LEADER, empty, square(119.9531, 31.7001))
    setup.merge_buildings(small, LEADER, empty, 3)                  # an outline over a point
    assert shapely.from_wkt(geom(small)).geom_type == "Polygon"


def test_stairwell_shapes_are_cut_only_from_outlines(small):
    from resilient.places import geometry

    unplace(small)
    setup.set_point(small, LEADER, 3, 119.9532, 31.7001)
    small.execute("UPDATE stairwell SET geom = NULL")
    assert geometry.fill_stairwell_geometry(small) == 3              # the other buildings' stairwells only
    assert small.execute("SELECT count(geom) FROM stairwell WHERE building_id = 3").fetchone()[0] == 0
