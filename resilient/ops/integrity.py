"""References the schema cannot enforce in DuckDB (see migration 001), checked in one query."""

import duckdb

from resilient.core import queries


def reference_problems(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """{'resident.household_id': 3, ...} for every reference with dangling rows; {} when sound."""
    return {ref: n for ref, n in queries.fetch_all(con, "reference_problems") if n}
