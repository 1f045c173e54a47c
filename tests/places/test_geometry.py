"""Stairwell shapes filled in from footprints, keeping shapes that were given."""

import pytest
import shapely

from resilient.core import db, queries
from resilient.core.scope import EVERYTHING
from resilient.places import geometry

pytestmark = pytest.mark.both_backends


def shapes(con):
    rows = con.execute("SELECT stairwell_id, ST_AsWKB(geom) FROM stairwell ORDER BY 1").fetchall()
    return {sid: None if wkb is None else shapely.from_wkb(bytes(wkb)) for sid, wkb in rows}


def test_missing_stairwell_shapes_are_cut_from_the_footprint(small):
    assert geometry.fill_stairwell_geometry(small) == 4
    got = shapes(small)
    footprint = shapely.from_wkb(bytes(small.execute("SELECT ST_AsWKB(geom) FROM building WHERE building_id = 1")
                                      .fetchone()[0]))
    assert got[1].area + got[2].area == pytest.approx(footprint.area, rel=1e-9)
    assert got[1].centroid.x < got[2].centroid.x  # unit 1 west of unit 2
    assert got[3].area == pytest.approx(footprint.area, rel=1e-6)  # one stairwell: the whole building
    assert geometry.fill_stairwell_geometry(small) == 0  # nothing left to do


def test_given_shapes_are_kept(small):
    small.execute("UPDATE stairwell SET geom = ST_GeomFromText('POINT(1 1)') WHERE stairwell_id = 2")
    assert geometry.fill_stairwell_geometry(small) == 3
    assert shapes(small)[2].equals(shapely.Point(1, 1))
    assert shapes(small)[1].area > 0


def test_buildings_without_footprint_are_left_alone(small):
    small.execute("UPDATE building SET geom = NULL WHERE building_id = 1")
    assert geometry.fill_stairwell_geometry(small) == 2
    assert shapes(small)[1] is None


def to_cut(con):
    """Every stairwell of a building that has one without a shape, as fill_stairwell_geometry reads them."""
    return queries.fetch_df(con, "stairwells_to_cut", **EVERYTHING.params(), building_ids=None)


def test_shapes_are_computed_without_writing(small):
    rows = to_cut(small)
    frame = geometry.stairwell_shapes(rows)
    assert sorted(frame["stairwell_id"]) == [1, 2, 3, 4] and list(frame.columns) == ["stairwell_id", "wkb"]
    assert all(shapes(small)[s] is None for s in (1, 2, 3, 4))  # nothing stored yet
    assert geometry.stairwell_shapes(rows.iloc[0:0]).empty


def test_writing_shapes_joins_the_callers_transaction(small):
    frame = geometry.stairwell_shapes(to_cut(small))
    with pytest.raises(RuntimeError), db.transaction(small):
        assert geometry.write_stairwell_shapes(small, frame) == 4
        raise RuntimeError("the import failed after the stairwells were written")
    assert all(shape is None for shape in shapes(small).values())  # rolled back with the caller's transaction
    with db.transaction(small):
        geometry.write_stairwell_shapes(small, frame)
    assert all(shape is not None for shape in shapes(small).values())
    assert geometry.write_stairwell_shapes(small, frame.iloc[0:0]) == 0
