"""The local metric frame, checked against a distance computed independently (haversine)."""

import math

import pytest
from shapely.geometry import Point, box

from geo.local_metres import offset, to_lonlat, to_metres


def haversine_m(lon1, lat1, lon2, lat2):
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def test_offset_matches_great_circle_distance():
    lon, lat = offset(119.95, 31.70, 300, 400)
    assert haversine_m(119.95, 31.70, lon, lat) == pytest.approx(500, rel=1e-3)


def test_round_trip_and_scale():
    footprint = box(119.95, 31.70, 119.9506, 31.7001)
    local = to_metres(footprint, 119.95, 31.70)
    assert local.bounds[2] == pytest.approx(haversine_m(119.95, 31.70, 119.9506, 31.70), rel=1e-4)
    assert to_lonlat(local, 119.95, 31.70).equals_exact(footprint, 1e-12)
    assert to_metres(Point(119.95, 31.70), 119.95, 31.70).equals(Point(0, 0))
