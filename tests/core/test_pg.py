"""The PostgreSQL connection behind DuckDB's calls: parameters, quoting, variants, errors, frames, transactions."""

import re
import threading
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from resilient.core import db, pg, queries


def test_named_parameters_become_psycopgs_outside_quotes_only():
    text, order = pg.translate("SELECT $a, '$b', \"$c\", x LIKE '%' || $a -- $d 100%\nFROM t")
    assert text == "SELECT %(a)s, '$b', \"$c\", x LIKE '%%' || %(a)s -- $d 100%%\nFROM t"
    assert order == ()


def test_positional_parameters_keep_their_numbers():
    text, order = pg.translate("SELECT $2, $1, $2")
    assert text == "SELECT %s, %s, %s"
    assert pg._arguments(order, ["one", "two"]) == ["two", "one", "two"]
    assert pg.translate("VALUES (?, ?)") == ("VALUES (%s, %s)", (0, 1))


def test_dollar_quoted_bodies_and_casts_are_left_as_written():
    body = "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS $$ SELECT $1 + 1 $$"
    assert pg.translate(body)[0] == body
    assert pg.translate("SELECT x::VARCHAR FROM t")[0] == "SELECT x::VARCHAR FROM t"


def test_duckdb_intervals_and_transactions_in_postgresql_words():
    assert pg.translate("SELECT now() - INTERVAL 5 HOUR")[0] == "SELECT now() - INTERVAL '5 HOUR'"
    assert pg.translate("SELECT 'INTERVAL 5 HOUR'")[0] == "SELECT 'INTERVAL 5 HOUR'"
    assert pg.translate("BEGIN TRANSACTION")[0] == "BEGIN ISOLATION LEVEL REPEATABLE READ"


def test_numpy_scalars_are_passed_as_python_numbers():
    import numpy as np

    assert pg._arguments((), {"n": np.int64(3), "ids": [1, 2]}) == {"n": 3, "ids": [1, 2]}
    assert type(pg._arguments((), {"n": np.int64(3)})["n"]) is int


def test_a_variant_must_name_a_query_of_the_base_files(tmp_path):
    (tmp_path / "a.sql").write_text("-- name: one\nSELECT 1;\n")
    (tmp_path / "postgres").mkdir()
    (tmp_path / "postgres" / "a.sql").write_text("-- name: two\nSELECT 2;\n")
    with pytest.raises(ValueError, match="'two' is not a query"):
        queries.variants("postgres", tmp_path)


def test_every_variant_takes_the_parameters_of_its_query():
    for name, body in queries.variants("postgres").items():
        assert set(queries.PARAMETER.findall(body)) == queries.parameters(name), name


@pytest.mark.both_backends
def test_the_schema_has_the_same_tables_and_columns_on_both(con):
    rows = con.execute("""SELECT table_name, column_name FROM information_schema.columns
                          WHERE table_schema IN ('main', 'public') AND table_name NOT IN
                              ('spatial_ref_sys', 'geometry_columns', 'geography_columns')
                          ORDER BY 1, 2""").fetchall()
    reference = db.connect(":memory:").execute("""SELECT table_name, column_name FROM information_schema.columns
                          WHERE table_schema = 'main' ORDER BY 1, 2""").fetchall()
    assert rows == reference


@pytest.mark.both_backends
def test_constraint_and_conversion_errors_are_duckdbs_classes(con):
    con.execute("INSERT INTO community VALUES (1, '测试社区', '测试街道', '测试区')")
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO community VALUES (1, '又一个', '测试街道', '测试区')")
    with pytest.raises(duckdb.ConversionException):
        con.execute("SELECT CAST($x AS INTEGER)", {"x": "not a number"})


@pytest.mark.both_backends
def test_a_rolled_back_transaction_leaves_nothing(con):
    with pytest.raises(duckdb.ConstraintException):
        with db.transaction(con):
            con.execute("INSERT INTO community VALUES (1, '测试社区', '测试街道', '测试区')")
            con.execute("INSERT INTO community VALUES (1, '又一个', '测试街道', '测试区')")
    assert con.execute("SELECT count(*) FROM community").fetchone()[0] == 0


@pytest.mark.both_backends
def test_frames_have_the_dtypes_the_pages_were_written_for(con):
    frame = con.execute("""SELECT 1 AS n, CAST(NULL AS INTEGER) AS empty, CAST(2.5 AS DECIMAL(4,1)) AS t,
                                  DATE '2026-11-23' AS d, TIMESTAMP '2026-11-23 12:00' AS at, '居民' AS name,
                                  TRUE AS flag""").df()
    assert list(frame.columns) == ["n", "empty", "t", "d", "at", "name", "flag"]
    assert frame["n"].iloc[0] == 1 and frame["t"].iloc[0] == 2.5 and frame["name"].iloc[0] == "居民"
    assert pd.api.types.is_datetime64_any_dtype(frame["at"])
    assert pd.Timestamp(frame["d"].iloc[0]).date() == date(2026, 11, 23)
    assert bool(frame["flag"].iloc[0]) is True
    assert con.execute("SELECT TIMESTAMP '2026-11-23 12:00'").fetchone()[0] == datetime(2026, 11, 23, 12, 0)


@pytest.mark.both_backends
def test_a_registered_frame_reads_as_a_table(con):
    con.register("some_rows", pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", None]}))
    assert con.execute("SELECT sum(a), count(b) FROM some_rows").fetchone() == (6, 2)
    con.unregister("some_rows")
    with pytest.raises(duckdb.CatalogException):
        con.execute("SELECT * FROM some_rows")


@pytest.mark.both_backends
def test_writes_from_two_threads_at_once_are_all_kept(con):
    """Two cursors (two pooled connections on PostgreSQL), each inserting at once: nothing lost or doubled."""
    con.execute("INSERT INTO community VALUES (1, '测试社区', '测试街道', '测试区')")
    errors = []

    def write(first: int):
        cur = con.cursor()
        try:
            for n in range(first, first + 20):
                db.retrying(cur, lambda n=n: cur.execute(
                    "INSERT INTO grid_cell VALUES ($g, 1, $name, NULL)", {"g": n, "name": f"第{n}网格"}),
                    busy=lambda: RuntimeError("busy"))
        except Exception as error:  # noqa: BLE001 - the test reports any error below
            errors.append(error)
        finally:
            cur.close()

    threads = [threading.Thread(target=write, args=(first,)) for first in (1, 101)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert con.execute("SELECT count(*), count(DISTINCT grid_id) FROM grid_cell").fetchone() == (40, 40)


NOT_YET = Path(__file__).resolve().parents[2] / "queries" / "postgres" / "NOT_YET.txt"


def registered_frames() -> set[str]:
    """Tables the domain makes from a frame at run time (con.register): a query reading one plans only then."""
    root = Path(__file__).resolve().parents[2] / "resilient"
    return {name for file in root.rglob("*.py")
            for name in re.findall(r"\.register\(\s*\"(\w+)\"", file.read_text(encoding="utf-8"))}


def not_yet() -> set[str]:
    return {line.split()[0] for line in NOT_YET.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


@pytest.mark.both_backends
def test_every_named_query_runs_on_postgresql_but_those_listed_as_not_yet(con):
    """PostgreSQL plans every named query (EXPLAIN, all parameters NULL), but those in queries/postgres/NOT_YET.txt;
    a query listed there that now plans must leave the list, so the list stays the truth about what is left."""
    if not pg.is_postgres(con):
        pytest.skip("a PostgreSQL check")
    failing = {}
    frames = registered_frames()
    for name in queries.all_queries():
        try:
            con.execute("EXPLAIN " + (queries.variant(name, pg.DIALECT) or queries.sql(name)),
                        {p: None for p in queries.parameters(name)})
        except duckdb.Error as error:
            missing = re.search(r'relation "(\w+)" does not exist', str(error))
            if not (missing and missing.group(1) in frames):
                failing[name] = str(error).splitlines()[0]
    listed = not_yet()
    assert {n: e for n, e in failing.items() if n not in listed} == {}
    assert sorted(listed - failing.keys()) == []


@pytest.mark.both_backends
def test_every_reference_column_is_indexed_on_postgresql(con):
    """PostgreSQL looks a flat's people up through household_id and the like: without an index on each
    `-- ref:` column a desk's search scanned a million residents (seconds a tap). A new reference needs its index
    in the same-numbered PostgreSQL migration."""
    if not pg.is_postgres(con):
        pytest.skip("a PostgreSQL check")
    from tests.tree import migration_references

    indexed = {(table, column) for table, column in con.execute("""
        SELECT t.relname, a.attname FROM pg_index i
        JOIN pg_class t ON t.oid = i.indrelid
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]""").fetchall()}
    assert sorted({(t, c) for t, c, _ in migration_references()} - indexed) == []
