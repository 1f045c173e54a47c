"""Geometry the database derives itself: stairwell shapes cut from building footprints when not given."""

import duckdb
import pandas as pd
import shapely

from geo.stairwells import split_footprint
from resilient import db, queries


def fill_stairwell_geometry(con: duckdb.DuckDBPyConnection) -> int:
    """Give every stairwell without a shape its slice of the footprint, in unit order; returns how many."""
    rows = queries.fetch_df(con, "stairwells_missing_geometry")
    if rows.empty:
        return 0
    updates = []
    for _, building in rows.groupby("building_id", sort=False):
        footprint = shapely.from_wkb(bytes(building["footprint"].iloc[0]))
        pieces = split_footprint(footprint, int(building["units"].iloc[0]))
        for row in building.itertuples(index=False):
            if row.missing:
                updates.append((int(row.stairwell_id), shapely.to_wkb(pieces[int(row.position) - 1])))
    frame = pd.DataFrame(updates, columns=["stairwell_id", "wkb"])
    with db.transaction(con):
        con.register("new_stairwell_geom", frame)
        try:
            con.execute(queries.sql("set_stairwell_geometry"))
        finally:
            con.unregister("new_stairwell_geom")
    return len(frame)
