"""Distances on the earth, in one place: the WGS-84 geodesic where one number is shown, a flat local frame where
solvers need thousands.

Everything is (lon, lat) in WGS-84, in that order. The local frame is equirectangular around a reference latitude
on a sphere of EARTH_RADIUS_M: across a street office's few kilometres it differs from the geodesic by the
ellipsoid's flattening (about 0.3 %, a metre in 300) and is a numpy expression, fast enough for the planner's and
the coverage solver's matrices.
"""

import math

import numpy as np
import shapely
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


# Beyond this a flat frame's error starts to show; the ellipsoid answers instead (between centres, which for
# buildings tens of kilometres apart is as good).
FLAT_UP_TO_M = 50_000.0


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
    return np.asarray(WGS84.inv(shapely.get_x(pa), shapely.get_y(pa), shapely.get_x(pb), shapely.get_y(pb))[2])


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
