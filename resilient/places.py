"""Communities, grid cells and compounds a viewer may choose from."""

import duckdb
import pandas as pd

from resilient import queries
from resilient.scope import Scope


def communities(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    return queries.fetch_df(con, "communities_in_scope", **scope.params())


def grids(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    return queries.fetch_df(con, "grids_in_scope", **scope.params())


def compounds(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    return queries.fetch_df(con, "compounds_in_scope", **scope.params())
