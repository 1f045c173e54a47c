"""Geometry the database derives itself: stairwell shapes cut from building footprints when not given."""

import duckdb
import pandas as pd
import shapely

from geo.stairwells import split_footprint
from resilient.core import db, queries
from resilient.core.scope import EVERYTHING


def fill_stairwell_geometry(con: duckdb.DuckDBPyConnection) -> int:
    """Give every stairwell without a shape its slice of the footprint, in unit order; returns how many."""
    frame = stairwell_shapes(queries.fetch_df(con, "stairwells_to_cut", **EVERYTHING.params(), building_ids=None))
    if frame.empty:
        return 0
    with db.transaction(con):
        write_stairwell_shapes(con, frame)
    return len(frame)


def stairwell_shapes(rows: pd.DataFrame) -> pd.DataFrame:
    """Each missing stairwell's slice of its building's footprint (rows of the query stairwells_to_cut)."""
    updates = []
    for _, building in rows.groupby("building_id", sort=False):
        footprint = shapely.from_wkb(bytes(building["footprint"].iloc[0]))
        pieces = split_footprint(footprint, int(building["units"].iloc[0]))
        for row in building.itertuples(index=False):
            if row.missing:
                updates.append((int(row.stairwell_id), shapely.to_wkb(pieces[int(row.position) - 1])))
    return pd.DataFrame(updates, columns=["stairwell_id", "wkb"])


def write_stairwell_shapes(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    """Store computed shapes with no transaction of its own, so an import can make it part of its one."""
    if frame.empty:
        return 0
    con.register("new_stairwell_geom", frame)
    try:
        con.execute(queries.sql("set_stairwell_geometry"))
    finally:
        con.unregister("new_stairwell_geom")
    return len(frame)
