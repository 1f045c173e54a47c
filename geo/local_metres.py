"""A flat metric frame around a point: exact enough for a building or a compound, and needs no CRS lookup."""

import math

import numpy as np
import shapely
from pyproj import Geod
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


# Beyond this a flat frame's error starts to show; the ellipsoid answers instead (between centres, which for
# buildings tens of kilometres apart is as good).
FLAT_UP_TO_M = 50_000.0
GEOD = Geod(ellps="WGS84")


def _flat(geoms: np.ndarray, lon0: float, lat0: float) -> np.ndarray:
    """Many lon/lat geometries in one metric frame around (lon0, lat0), at once."""
    kx, ky = _scale(lat0)
    return shapely.transform(geoms, lambda xy: (xy - (lon0, lat0)) * (kx, ky))


def _centre(geoms: np.ndarray) -> tuple[float, float]:
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    return (minx + maxx) / 2, (miny + maxy) / 2


def _geodesic(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Metres on the WGS-84 ellipsoid between the centroids of a[i] and b[i]."""
    pa, pb = shapely.centroid(a), shapely.centroid(b)
    return np.asarray(GEOD.inv(shapely.get_x(pa), shapely.get_y(pa), shapely.get_x(pb), shapely.get_y(pb))[2])


def _flat_each(geoms: np.ndarray, lon0: np.ndarray, lat0: np.ndarray) -> np.ndarray:
    """geoms[i] in the metric frame around (lon0[i], lat0[i]): each pair measured where it is."""
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    ky = math.radians(1) * EARTH_RADIUS_M
    kx = np.cos(np.radians(lat0[index])) * ky
    flat = np.column_stack([(coords[:, 0] - lon0[index]) * kx, (coords[:, 1] - lat0[index]) * ky])
    return shapely.set_coordinates(np.array(geoms, dtype=object, copy=True), flat)


def distances_m(a, b) -> np.ndarray:
    """Metres between lon/lat shapes a[i] and b[i], 0 where they touch: flat near b, on the ellipsoid far off."""
    a, b = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    if len(a) == 0:
        return np.zeros(0)
    origin = shapely.centroid(b)
    lon0, lat0 = shapely.get_x(origin), shapely.get_y(origin)
    out = shapely.distance(_flat_each(a, lon0, lat0), _flat_each(b, lon0, lat0))
    far = out > FLAT_UP_TO_M
    if far.any():
        out[far] = _geodesic(a[far], b[far])
    return out


def nearest_m(geoms, refs) -> tuple[np.ndarray, np.ndarray]:
    """For each lon/lat shape, metres to the nearest of `refs` and that one's position (NaN and -1 with no refs)."""
    geoms, refs = np.asarray(geoms, dtype=object), np.asarray(refs, dtype=object)
    if len(refs) == 0 or len(geoms) == 0:
        return np.full(len(geoms), np.nan), np.full(len(geoms), -1)
    lon0, lat0 = _centre(refs)
    tree = shapely.STRtree(_flat(refs, lon0, lat0))
    found = tree.query_nearest(_flat(geoms, lon0, lat0), all_matches=False)
    nearest = np.full(len(geoms), -1)
    nearest[found[0]] = found[1]
    return distances_m(geoms, refs[nearest]), nearest
