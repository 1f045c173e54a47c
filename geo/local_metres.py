"""A flat metric frame around a point: exact enough for a building or a compound, and needs no CRS lookup."""

import math

from shapely import affinity
from shapely.geometry.base import BaseGeometry

EARTH_RADIUS_M = 6_371_008.8


def _scale(lat0: float) -> tuple[float, float]:
    """Metres per degree of longitude and of latitude at `lat0` (equirectangular)."""
    ky = math.radians(1) * EARTH_RADIUS_M
    return ky * math.cos(math.radians(lat0)), ky


def to_metres(geom: BaseGeometry, lon0: float, lat0: float) -> BaseGeometry:
    """lon/lat -> metres east and north of (lon0, lat0)."""
    kx, ky = _scale(lat0)
    return affinity.affine_transform(geom, [kx, 0, 0, ky, -lon0 * kx, -lat0 * ky])


def to_lonlat(geom: BaseGeometry, lon0: float, lat0: float) -> BaseGeometry:
    """Metres east and north of (lon0, lat0) -> lon/lat."""
    kx, ky = _scale(lat0)
    return affinity.affine_transform(geom, [1 / kx, 0, 0, 1 / ky, lon0, lat0])


def offset(lon0: float, lat0: float, east_m: float, north_m: float) -> tuple[float, float]:
    """The lon/lat of a point `east_m`, `north_m` metres from (lon0, lat0)."""
    kx, ky = _scale(lat0)
    return lon0 + east_m / kx, lat0 + north_m / ky
