"""Chinese web-map coordinates to and from WGS-84, for whole shapely geometries.

GCJ-02 is what AMap (高德) and Tencent maps show and export; BD-09 is Baidu's further offset of GCJ-02. Both are
about 300-600 m off WGS-84 inside China. The formulas are prcoords' (public domain); its "inside China" test is
a crude box, and points outside it are left unchanged, as every published implementation does.
"""

import numpy as np
import prcoords
import shapely

# prcoords' box: outside it no Chinese map offsets coordinates.
CHINA_LON = (72.004, 137.8347)
CHINA_LAT = (0.8293, 55.8271)


def in_china(lon: float, lat: float) -> bool:
    """Whether a point falls in the box inside which Chinese maps shift coordinates."""
    return CHINA_LON[0] <= lon <= CHINA_LON[1] and CHINA_LAT[0] <= lat <= CHINA_LAT[1]


def _point_transform(convert):
    """A shapely.transform function applying `convert((lat, lon)) -> (lat, lon)` to each point inside China."""

    def transform(xy: np.ndarray) -> np.ndarray:
        xy = np.asarray(xy, dtype=float)
        out = xy.copy()
        for i, (lon, lat) in enumerate(xy):
            if in_china(lon, lat):
                new_lat, new_lon = convert((lat, lon), False)
                out[i] = (new_lon, new_lat)
        return out

    return transform


# Coordinate-array versions, (N, 2) lon/lat in and out, for callers holding plain coordinates.
wgs84_to_gcj02_xy = _point_transform(prcoords.wgs_gcj)
gcj02_to_wgs84_xy = _point_transform(prcoords.gcj_wgs_bored)  # iterated inverse: millimetres, not metres
bd09_to_wgs84_xy = _point_transform(prcoords.bd_wgs_bored)


def wgs84_to_gcj02(geometry):
    """WGS-84 lon/lat to GCJ-02, e.g. to draw our shapes on an AMap basemap; geometry or array of them."""
    return shapely.transform(geometry, wgs84_to_gcj02_xy)


def gcj02_to_wgs84(geometry):
    """GCJ-02 lon/lat (AMap, Tencent) back to WGS-84; geometry or array of them."""
    return shapely.transform(geometry, gcj02_to_wgs84_xy)


def bd09_to_wgs84(geometry):
    """BD-09 lon/lat (Baidu) to WGS-84; geometry or array of them."""
    return shapely.transform(geometry, bd09_to_wgs84_xy)
