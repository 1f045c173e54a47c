"""Communities, grid cells and compounds a viewer may choose from."""

import duckdb
import pandas as pd

from resilient.core import queries
from resilient.core.scope import Scope


def communities(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    return queries.fetch_df(con, "communities_in_scope", **scope.params())


def grids(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    return queries.fetch_df(con, "grids_in_scope", **scope.params())


def compounds(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    return queries.fetch_df(con, "compounds_in_scope", **scope.params())


def buildings(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Buildings in scope with name, compound, grid cell and outline (GeoJSON text)."""
    return queries.fetch_df(con, "buildings_in_scope", **scope.params())


def stairwells(con: duckdb.DuckDBPyConnection, scope: Scope, building_id: int) -> pd.DataFrame:
    """The units of one building in scope (stairwell_id, unit_no); empty outside scope."""
    return queries.fetch_df(con, "stairwells_of_building", **scope.params(), building_id=int(building_id))
