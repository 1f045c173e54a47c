"""Cut a building footprint into its stairwells along the long axis, when the data gives no stairwell shapes."""

import math

import shapely
from shapely import affinity
from shapely.geometry import Polygon, box

from geo.distance import to_lonlat, to_metres


def long_axis_angle(local: Polygon) -> float:
    """Angle in degrees of the long side of the minimum rotated rectangle."""
    rect = shapely.oriented_envelope(local)
    xs, ys = rect.exterior.coords.xy
    sides = [(xs[i + 1] - xs[i], ys[i + 1] - ys[i]) for i in range(2)]
    dx, dy = max(sides, key=lambda s: math.hypot(*s))
    return math.degrees(math.atan2(dy, dx))


def split_footprint(footprint: Polygon, units: int) -> list[Polygon]:
    """`units` pieces of equal length along the long axis, unit 1 at the western (lower-x) end."""
    if units < 1:
        raise ValueError("a building has at least one stairwell")
    if footprint.is_empty or not footprint.is_valid:
        raise ValueError("footprint must be a valid, non-empty polygon")
    if units == 1:
        return [footprint]
    lon0, lat0 = footprint.centroid.x, footprint.centroid.y
    local = to_metres(footprint, lon0, lat0)
    angle = long_axis_angle(local)
    # Keep the axis pointing east so unit numbers grow from west to east, as residents count them.
    if angle > 90:
        angle -= 180
    elif angle <= -90:
        angle += 180
    upright = affinity.rotate(local, -angle, origin=(0, 0))
    minx, miny, maxx, maxy = upright.bounds
    step = (maxx - minx) / units
    pieces = []
    for i in range(units):
        strip = box(minx + i * step, miny - 1, minx + (i + 1) * step, maxy + 1)
        part = upright.intersection(strip)
        part = affinity.rotate(part, angle, origin=(0, 0))
        pieces.append(to_lonlat(part, lon0, lat0))
    return pieces
