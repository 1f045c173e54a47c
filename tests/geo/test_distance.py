"""geo.distance against distances computed independently: haversine on the same sphere, DuckDB's spheroid, and
known values (Beijing-Shanghai, a thousandth of a degree at 31.7° N)."""

import math

import numpy as np
import pytest
from shapely.geometry import Point, box

from geo.distance import EARTH_RADIUS_M, geodesic_m, local_matrix, metres_xy, offset, to_lonlat, to_metres

BEIJING = (116.4074, 39.9042)    # Tiananmen, lon/lat
SHANGHAI = (121.4737, 31.2304)   # People's Square


def haversine_m(lon1, lat1, lon2, lat2):
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def one(lon1, lat1, lon2, lat2) -> float:
    return float(local_matrix([lon1], [lat1], [lon2], [lat2])[0, 0])


# --- the geodesic: one pair, a distance shown -------------------------------------------------------------------

def test_geodesic_known_distances(con):
    # Beijing to Shanghai along the WGS-84 ellipsoid: about 1,066 km (published figures: 1,067 km for the cities).
    assert geodesic_m(*BEIJING, *SHANGHAI) == pytest.approx(1_066_000, rel=2e-3)
    # A thousandth of a degree of longitude at 31.7° N: the ellipsoid's parallel is wider than the sphere's.
    assert geodesic_m(119.950, 31.70, 119.951, 31.70) == pytest.approx(94.80, abs=0.01)
    # DuckDB's ST_Distance_Spheroid reads the FIRST coordinate as latitude: given (lat, lon) it agrees.
    for (lon1, lat1), (lon2, lat2) in [(BEIJING, SHANGHAI), ((119.950, 31.70), (119.951, 31.70))]:
        duck = con.execute("SELECT ST_Distance_Spheroid(ST_Point($lat1, $lon1), ST_Point($lat2, $lon2))",
                           {"lat1": lat1, "lon1": lon1, "lat2": lat2, "lon2": lon2}).fetchone()[0]
        assert geodesic_m(lon1, lat1, lon2, lat2) == pytest.approx(duck, rel=1e-6)


def test_geodesic_broadcasts_and_is_symmetric():
    lons = np.array([119.950, 119.951, 119.960])
    metres = geodesic_m(119.950, 31.70, lons, 31.70)
    assert metres.shape == (3,) and metres[0] == 0
    assert metres[1] == pytest.approx(geodesic_m(119.951, 31.70, 119.950, 31.70))
    assert isinstance(geodesic_m(*BEIJING, *SHANGHAI), float)


# --- the local frame: matrices for the solvers ------------------------------------------------------------------

def test_local_frame_against_known_values(con):
    one_degree = EARTH_RADIUS_M * math.pi / 180
    assert one(120.0, 31.0, 120.0, 32.0) == pytest.approx(one_degree, rel=1e-9)
    assert one(0.0, 0.0, 1.0, 0.0) == pytest.approx(one_degree, rel=1e-9)
    # Along a parallel, a degree of longitude shrinks with cos(latitude): ~94.6 m per 0.001° at 31.7° N.
    assert one(119.950, 31.70, 119.951, 31.70) == pytest.approx(94.65, abs=0.1)
    # DuckDB's ST_Distance_Sphere reads the first coordinate as latitude: given (lat, lon) it agrees (it uses a
    # 6,371,000 m radius, the mean radius here is 6,371,008.8 m: 1.4 ppm apart).
    duck = con.execute("SELECT ST_Distance_Sphere(ST_Point(31.70, 119.950), ST_Point(31.70, 119.951))").fetchone()[0]
    assert one(119.950, 31.70, 119.951, 31.70) == pytest.approx(duck, rel=1e-5)


def test_local_frame_is_within_the_flattening_of_the_geodesic_across_a_district():
    rng = np.random.default_rng(3)
    lon = 119.95 + rng.uniform(-0.03, 0.03, 200)
    lat = 31.70 + rng.uniform(-0.03, 0.03, 200)
    fast = local_matrix(lon[:100], lat[:100], lon[100:], lat[100:])
    exact = geodesic_m(lon[:100, None], lat[:100, None], lon[None, 100:], lat[None, 100:])
    assert fast.shape == exact.shape == (100, 100)
    assert np.abs(fast / exact - 1).max() < 3e-3   # the sphere against the ellipsoid: 0.2-0.3 % at 31.7° N
    sphere = np.vectorize(haversine_m)(lon[:100, None], lat[:100, None], lon[None, 100:], lat[None, 100:])
    # The flat frame against the sphere it is cut from: cos(latitude) changes by 0.03 % across 6 km.
    assert np.abs(fast / sphere - 1).max() < 5e-4


def test_local_matrix_leaves_missing_points_nan():
    d = local_matrix([119.95, np.nan], [31.70, np.nan], [119.951], [31.70])
    assert d[0, 0] == pytest.approx(94.6, abs=0.1) and np.isnan(d[1, 0])
    assert local_matrix([], [], [119.95], [31.70]).shape == (0, 1)


def test_offset_matches_great_circle_distance():
    lon, lat = offset(119.95, 31.70, 300, 400)
    assert haversine_m(119.95, 31.70, lon, lat) == pytest.approx(500, rel=1e-3)
    x, y = metres_xy([lon], [lat], 119.95, 31.70)
    assert (x[0], y[0]) == (pytest.approx(300, abs=1e-6), pytest.approx(400, abs=1e-6))


def test_round_trip_and_scale():
    footprint = box(119.95, 31.70, 119.9506, 31.7001)
    local = to_metres(footprint, 119.95, 31.70)
    assert local.bounds[2] == pytest.approx(haversine_m(119.95, 31.70, 119.9506, 31.70), rel=1e-4)
    assert to_lonlat(local, 119.95, 31.70).equals_exact(footprint, 1e-12)
    assert to_metres(Point(119.95, 31.70), 119.95, 31.70).equals(Point(0, 0))
