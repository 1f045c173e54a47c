"""GCJ-02 and BD-09 conversions against published reference points, round trips, and points outside China."""

import math

import numpy as np
import prcoords
import pytest
import shapely
from shapely.geometry import Point, Polygon

from geo import chinese_coords as cc

# eviltransform's test data (wgs lat, wgs lon, gcj lat, gcj lon): Shanghai, Shenzhen, Beijing.
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),
]
# coordtransform's README example at Tiananmen (116.404, 39.915): lon, lat results.
TIANANMEN = (116.404, 39.915)
TIANANMEN_WGS_TO_GCJ = (116.41024449916938, 39.91640428150164)
TIANANMEN_BD_TO_GCJ = (116.39762729119315, 39.90865673957631)


def metres(a: Point, b: Point) -> float:
    """Great-circle distance in metres between two lon/lat points."""
    lat1, lat2 = math.radians(a.y), math.radians(b.y)
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(math.radians(b.x - a.x) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


@pytest.mark.parametrize("wgs_lat, wgs_lon, gcj_lat, gcj_lon", EVILTRANSFORM)
def test_wgs_to_gcj_matches_published_points(wgs_lat, wgs_lon, gcj_lat, gcj_lon):
    got = cc.wgs84_to_gcj02(Point(wgs_lon, wgs_lat))
    assert got.x == pytest.approx(gcj_lon, abs=1e-9) and got.y == pytest.approx(gcj_lat, abs=1e-9)
    assert 400 < metres(got, Point(wgs_lon, wgs_lat)) < 650  # the offset people see on AMap


@pytest.mark.parametrize("wgs_lat, wgs_lon, gcj_lat, gcj_lon", EVILTRANSFORM)
def test_gcj_to_wgs_finds_the_published_point_within_centimetres(wgs_lat, wgs_lon, gcj_lat, gcj_lon):
    got = cc.gcj02_to_wgs84(Point(gcj_lon, gcj_lat))
    assert metres(got, Point(wgs_lon, wgs_lat)) < 0.01


def test_tiananmen_offset_is_about_550_metres():
    gcj = cc.wgs84_to_gcj02(Point(*TIANANMEN))
    assert (gcj.x, gcj.y) == pytest.approx(TIANANMEN_WGS_TO_GCJ, abs=1e-9)
    assert 500 < metres(gcj, Point(*TIANANMEN)) < 600


def test_bd09_to_wgs_goes_through_the_published_gcj_point():
    via_gcj = cc.gcj02_to_wgs84(Point(*TIANANMEN_BD_TO_GCJ))
    wgs = cc.bd09_to_wgs84(Point(*TIANANMEN))
    assert metres(wgs, via_gcj) < 0.1
    assert 1000 < metres(wgs, Point(*TIANANMEN)) < 1600  # Baidu adds its own offset to GCJ-02's


def test_bd09_round_trip_within_half_a_metre():
    rng = np.random.default_rng(8)
    for lon, lat in zip(rng.uniform(98, 125, 20), rng.uniform(20, 45, 20)):
        bd_lat, bd_lon = prcoords.wgs_bd((lat, lon), False)
        assert metres(cc.bd09_to_wgs84(Point(bd_lon, bd_lat)), Point(lon, lat)) < 0.5


def test_round_trip_keeps_a_polygon_within_half_a_metre():
    rng = np.random.default_rng(5)
    for lon, lat in zip(rng.uniform(98, 125, 20), rng.uniform(20, 45, 20)):
        shape = Polygon([(lon, lat), (lon + 0.001, lat), (lon + 0.001, lat + 0.0005), (lon, lat + 0.0005)])
        back = cc.gcj02_to_wgs84(cc.wgs84_to_gcj02(shape))
        for a, b in zip(shape.exterior.coords, back.exterior.coords):
            assert metres(Point(a), Point(b)) < 0.5


def test_points_outside_china_are_unchanged():
    for lon, lat in [(-0.1276, 51.5072), (151.2093, -33.8688), (-104.9903, 39.7392), (139.6917, 65.0)]:
        p = Point(lon, lat)
        assert cc.wgs84_to_gcj02(p).equals(p)
        assert cc.gcj02_to_wgs84(p).equals(p)
        assert cc.bd09_to_wgs84(p).equals(p)
    assert cc.in_china(116.4, 39.9) and not cc.in_china(-0.13, 51.5)


def test_arrays_of_geometries_and_coordinates_convert_at_once():
    shapes = np.array([Point(116.404, 39.915), Point(121.5272106, 31.1774276), None])
    got = cc.wgs84_to_gcj02(shapes)
    assert got[2] is None and got[0].x == pytest.approx(TIANANMEN_WGS_TO_GCJ[0])
    xy = cc.wgs84_to_gcj02_xy(np.array([[116.404, 39.915]]))
    assert xy[0].tolist() == pytest.approx(list(TIANANMEN_WGS_TO_GCJ))
    assert shapely.get_num_coordinates(cc.bd09_to_wgs84(shapely.box(116.4, 39.9, 116.41, 39.91))) == 5
