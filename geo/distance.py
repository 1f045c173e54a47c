"""Distances on the earth, in one place: the WGS-84 geodesic where one number is shown, a flat local frame where
solvers need thousands.

Everything is (lon, lat) in WGS-84, in that order. The local frame is equirectangular around a reference latitude
on a sphere of EARTH_RADIUS_M: across a street office's few kilometres it differs from the geodesic by the
ellipsoid's flattening (about 0.3 %, a metre in 300) and is a numpy expression, fast enough for the planner's and
the coverage solver's matrices.
"""

import math

import numpy as np
from pyproj import Geod
from shapely import affinity
from shapely.geometry.base import BaseGeometry

EARTH_RADIUS_M = 6_371_008.8  # mean radius of the WGS-84 ellipsoid (IUGG R1): the local frame's only constant
WGS84 = Geod(ellps="WGS84")


def geodesic_m(lon1, lat1, lon2, lat2):
    """Metres along the WGS-84 ellipsoid (pyproj, Karney's algorithm); numpy arrays broadcast."""
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (lon1, lat1, lon2, lat2)))
    _, _, metres = WGS84.inv(*(a.ravel() for a in arrays))
    metres = np.asarray(metres, dtype=float).reshape(arrays[0].shape)
    return float(metres) if metres.ndim == 0 else metres


def _scale(lat0: float) -> tuple[float, float]:
    """Metres per degree of longitude and of latitude at `lat0` (equirectangular)."""
    ky = math.radians(1) * EARTH_RADIUS_M
    return ky * math.cos(math.radians(lat0)), ky


def metres_xy(lon, lat, lon0: float, lat0: float) -> tuple[np.ndarray, np.ndarray]:
    """Metres east and north of (lon0, lat0) in the local frame, for arrays of points."""
    k = math.radians(1) * EARTH_RADIUS_M
    x = (np.asarray(lon, dtype=float) - lon0) * k * math.cos(math.radians(lat0))
    y = (np.asarray(lat, dtype=float) - lat0) * k
    return x, y


def local_matrix(lon_a, lat_a, lon_b, lat_b, origin: tuple[float, float] | None = None) -> np.ndarray:
    """Metres from every point a (rows) to every point b (columns) in the local frame around `origin` (lon, lat;
    by default the middle of all points); NaN where a coordinate is missing."""
    lon_a, lat_a, lon_b, lat_b = (np.asarray(v, dtype=float).ravel() for v in (lon_a, lat_a, lon_b, lat_b))
    if origin is None:
        lons, lats = np.concatenate([lon_a, lon_b]), np.concatenate([lat_a, lat_b])
        known = np.isfinite(lons) & np.isfinite(lats)
        origin = (float(lons[known].mean()), float(lats[known].mean())) if known.any() else (0.0, 0.0)
    ax, ay = metres_xy(lon_a, lat_a, *origin)
    bx, by = metres_xy(lon_b, lat_b, *origin)
    return np.hypot(ax[:, None] - bx[None, :], ay[:, None] - by[None, :])


def offset(lon0: float, lat0: float, east_m: float, north_m: float) -> tuple[float, float]:
    """The lon/lat of a point `east_m`, `north_m` metres from (lon0, lat0) in the local frame."""
    kx, ky = _scale(lat0)
    return lon0 + east_m / kx, lat0 + north_m / ky


def to_metres(geom: BaseGeometry, lon0: float, lat0: float) -> BaseGeometry:
    """A lon/lat shape in metres east and north of (lon0, lat0), to cut and measure it as on paper."""
    kx, ky = _scale(lat0)
    return affinity.affine_transform(geom, [kx, 0, 0, ky, -lon0 * kx, -lat0 * ky])


def to_lonlat(geom: BaseGeometry, lon0: float, lat0: float) -> BaseGeometry:
    """A shape in metres east and north of (lon0, lat0) back in lon/lat."""
    kx, ky = _scale(lat0)
    return affinity.affine_transform(geom, [1 / kx, 0, 0, 1 / ky, lon0, lat0])
