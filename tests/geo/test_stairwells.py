"""Stairwell shapes cut from a footprint along its long axis."""

import pytest
from shapely import affinity
from shapely.geometry import Polygon, box

from geo.stairwells import long_axis_angle, split_footprint

SLAB = box(119.9500, 31.7000, 119.9506, 31.70012)  # about 57 m by 13 m, long side east-west


@pytest.mark.parametrize("units", [2, 3, 6])
def test_pieces_tile_the_footprint(units):
    pieces = split_footprint(SLAB, units)
    assert len(pieces) == units
    assert sum(p.area for p in pieces) == pytest.approx(SLAB.area, rel=1e-9)
    for a, b in zip(pieces, pieces[1:]):
        assert a.intersection(b).area == pytest.approx(0, abs=1e-15)
    for p in pieces:
        assert p.is_valid and p.area == pytest.approx(SLAB.area / units, rel=1e-6)


def test_units_are_numbered_west_to_east_even_when_rotated():
    for angle in (-30, 15, 80, 100, 170):
        turned = affinity.rotate(SLAB, angle)
        xs = [p.centroid.x for p in split_footprint(turned, 4)]
        # Near vertical slabs run north-south: then order must still be monotonic along the axis.
        assert xs == sorted(xs) or xs == sorted(xs, reverse=True)
    xs = [p.centroid.x for p in split_footprint(affinity.rotate(SLAB, 20), 4)]
    assert xs == sorted(xs)


def test_cut_runs_across_the_long_axis():
    pieces = split_footprint(SLAB, 3)
    # Each piece spans the full depth (north-south) of the slab.
    for p in pieces:
        assert p.bounds[1] == pytest.approx(SLAB.bounds[1]) and p.bounds[3] == pytest.approx(SLAB.bounds[3])


def test_l_shaped_footprint():
    shape = Polygon([(0, 0), (0.0006, 0), (0.0006, 0.0001), (0.0002, 0.0001), (0.0002, 0.0003), (0, 0.0003)])
    shape = affinity.translate(shape, 119.95, 31.70)
    pieces = split_footprint(shape, 3)
    assert sum(p.area for p in pieces) == pytest.approx(shape.area, rel=1e-9)


def test_long_axis_angle_of_rotated_rectangle():
    local = affinity.rotate(box(0, 0, 60, 12), 25, origin=(0, 0))
    assert long_axis_angle(local) % 180 == pytest.approx(25, abs=1e-6)


def test_bad_input_is_refused():
    assert split_footprint(SLAB, 1) == [SLAB]
    with pytest.raises(ValueError):
        split_footprint(SLAB, 0)
    with pytest.raises(ValueError):
        split_footprint(Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]), 2)  # bow-tie
