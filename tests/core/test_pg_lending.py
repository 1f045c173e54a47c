"""The app's PostgreSQL connection lends: it holds a pooled connection only while a statement, a transaction or a
registered frame needs one, so pages kept in fragments and callbacks across reruns never drain the pool."""

import duckdb
import pandas as pd
import pytest

from resilient.core import db, pg

pytestmark = pytest.mark.both_backends


@pytest.fixture
def lending(con):
    if not pg.is_postgres(con):
        pytest.skip("lending is PostgreSQL's: a DuckDB cursor holds no pool")
    return pg.connect(con.url, lending=True)


def test_kept_cursors_hold_no_connection(lending):
    kept = [lending.cursor() for _ in range(3 * pg.POOL_MAX)]  # more than the pool has
    for cursor in kept:
        assert cursor.execute("SELECT count(*) FROM app_user").fetchone() == (0,)
    assert not any(cursor.holding for cursor in kept)


def test_held_for_a_transaction_and_a_frame(lending):
    with db.transaction(lending):
        lending.execute("SELECT 1")
        assert lending.holding
    assert not lending.holding
    lending.register("lent_rows", pd.DataFrame({"a": [1, 2]}))
    assert lending.holding and lending.execute("SELECT sum(a) FROM lent_rows").fetchone()[0] == 3
    lending.unregister("lent_rows")
    assert not lending.holding
    with pytest.raises(duckdb.Error), db.transaction(lending):
        lending.execute("SELECT 1/0")
    assert not lending.holding
