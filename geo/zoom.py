"""What a Web Mercator map view shows at a zoom: degrees per pixel, the zoom a box fits, the level worth drawing.

Plain arithmetic, no map library, so the domain can choose what to read for a view without building a map.
"""

import math
from dataclasses import dataclass

Bbox = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat (WGS-84)

MAX_FEATURES = 1_500  # shapes one view may hold: Leaflet slows past a few thousand; 1,500 buildings ≈ 0.6 MB
BUILDING_ZOOM = 15  # from here a building is a few metres a pixel wide and worth drawing; farther out, areas
AREA_ZOOM = [(14, "grid"), (13, "compound")]  # farther out than BUILDING_ZOOM; below 13, communities
MAP_WIDTH_PX, MAP_HEIGHT_PX = 900, 520  # the overview map's usual size, to guess the zoom fit_bounds picks


@dataclass(frozen=True)
class View:
    """Where the map looks, in WGS-84, and its zoom; bbox None means everything the viewer may see."""

    bbox: Bbox | None
    zoom: int


def pixel_degrees(zoom: int) -> float:
    """Degrees of longitude one screen pixel spans at a Web Mercator zoom level."""
    return 360 / (256 * 2 ** zoom)


def fitted_zoom(bounds: Bbox | None, width: int = MAP_WIDTH_PX, height: int = MAP_HEIGHT_PX) -> int:
    """The zoom Leaflet's fitBounds picks for these bounds in a map of this size (before the map says so)."""
    if bounds is None:
        return BUILDING_ZOOM

    def y(lat: float) -> float:
        phi = math.radians(lat)
        return (1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi) / 2

    dx = max((bounds[2] - bounds[0]) / 360, 1e-12)
    dy = max(y(bounds[1]) - y(bounds[3]), 1e-12)
    return max(0, min(18, math.floor(min(math.log2(width / 256 / dx), math.log2(height / 256 / dy)))))


def level_for(in_view: int, zoom: int) -> str:
    """'building' when close enough and few enough to draw one by one, else the area to sum them into."""
    if zoom >= BUILDING_ZOOM and in_view <= MAX_FEATURES:
        return "building"
    for lowest, level in AREA_ZOOM:
        if zoom >= lowest:
            return level
    return "community"


# Phones: a finger needs about 44 px (Apple's and Google's guidance). On a map narrower than PHONE_WIDTH_PX the
# renderer counts a tap within TAP_TOLERANCE_PX of a shape as on it, points are drawn PHONE_POINT_RADIUS_PX wide,
# and the first view zooms in to where a typical building plus that margin is a target of TAP_PX.
TAP_PX = 44
TAP_TOLERANCE_PX = 14
PHONE_WIDTH_PX = 640
PHONE_POINT_RADIUS_PX = 22
MAX_ZOOM = 18
EARTH_CIRCUMFERENCE_M = 40_075_016.686


def metres_per_pixel(zoom: float, lat: float) -> float:
    """Ground metres one screen pixel spans at a Web Mercator zoom and latitude."""
    return EARTH_CIRCUMFERENCE_M * math.cos(math.radians(lat)) / (256 * 2 ** zoom)


def tap_zoom(short_side_m: float | None, lat: float) -> int:
    """The lowest zoom, from BUILDING_ZOOM to MAX_ZOOM, at which a shape `short_side_m` across plus the tap
    tolerance on either side is TAP_PX wide; BUILDING_ZOOM when there is no shape to measure."""
    if not short_side_m or short_side_m <= 0:
        return BUILDING_ZOOM
    own_px = max(TAP_PX - 2 * TAP_TOLERANCE_PX, 1)
    zoom = math.log2(EARTH_CIRCUMFERENCE_M * math.cos(math.radians(lat)) * own_px / (256 * short_side_m))
    return max(BUILDING_ZOOM, min(MAX_ZOOM, math.ceil(zoom - 1e-9)))
