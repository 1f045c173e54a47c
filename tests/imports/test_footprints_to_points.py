"""An outline file meets a building the office placed by a point: the distance is measured to that point."""

import geopandas as gpd
import pytest
import shapely

from resilient.core.scope import Scope
from resilient.imports import footprints as fi
from resilient.places import setup
from tests.places.test_places_setup import LEADER
from tests.places.test_points import unplace

pytestmark = pytest.mark.both_backends

POINT = (119.9732, 31.7001)   # about 1.9 km east of the community's other buildings


def outline_of_3(lon: float, lat: float) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": ["3栋"]}, geometry=[shapely.box(lon, lat, lon + 0.0003, lat + 0.00015)],
                            crs="EPSG:4326")


@pytest.fixture
def pointed(small):
    unplace(small)
    setup.set_point(small, LEADER, 3, *POINT)
    return small


def test_a_footprint_is_measured_to_the_point_not_to_the_community(pointed):
    near_others = fi.match_to_register(pointed, Scope(), 1, outline_of_3(119.9535, 31.7001), "name", None)
    assert near_others.matched["building_id"].tolist() == [3]
    assert 1_700 < near_others.matched["distance_m"].iloc[0] < 2_100       # to the point, not the neighbours
    at_the_point = fi.match_to_register(pointed, Scope(), 1, outline_of_3(*POINT), "name", None)
    assert at_the_point.matched["distance_m"].iloc[0] < 30


def test_a_footprint_far_from_the_point_is_refused(pointed):
    far = fi.match_to_register(pointed, Scope(), 1, outline_of_3(POINT[0] + 0.035, POINT[1]), "name", None)
    assert far.matched.empty and far.too_far["building_id"].tolist() == [3]
    assert 3_000 < far.too_far["distance_m"].iloc[0] < 3_600


def test_a_point_only_building_not_in_the_file_is_still_to_chase(pointed):
    other = gpd.GeoDataFrame({"name": ["1栋"]}, geometry=[shapely.box(119.9501, 31.7001, 119.9503, 31.7002)],
                             crs="EPSG:4326")
    m = fi.match_to_register(pointed, Scope(), 1, other, "name", None)
    assert m.not_in_file_without_outline["building_id"].tolist() == [3]
    assert sorted(m.not_in_file_with_outline["building_id"]) == [2]


def test_a_box_keeps_the_footprints_inside_and_says_which_it_left_out(small):
    two = gpd.GeoDataFrame({"name": ["1栋", "3栋"]}, geometry=[shapely.box(119.9501, 31.7001, 119.9503, 31.7002),
                                                             shapely.box(119.9531, 31.7001, 119.9533, 31.7002)],
                           crs="EPSG:4326")
    whole = fi.match_to_register(small, Scope(), 1, two, "name", None)
    kept = fi.narrow(small, Scope(), whole, box=(119.9495, 31.6995, 119.9510, 31.7010))
    assert kept.matched["building_id"].tolist() == [1]
    gone = fi.left_out(whole, kept)
    assert gone.index.tolist() == [1] and gone["label"].tolist() == ["3栋"]
    assert fi.left_out(whole, whole).empty
