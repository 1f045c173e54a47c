"""The demo community for the testing modules' fixtures, on either backend.

demo.generate writes with DuckDB's SQL (its seeding queries use range, hash, QUALIFY ...), so on PostgreSQL the same
demo is generated once per process on an in-memory DuckDB and copied into the test's database table by table:
the same rows, ids and salt, and every sequence moved past the ids copied. The tests then write on PostgreSQL
itself; only the demo's own seeding runs on DuckDB.
"""

from functools import lru_cache

from resilient.core import db, pg
from resilient.demo import generator as demo

SKIPPED = ("schema_migration", "spatial_ref_sys")  # the migrations' own bookkeeping, PostGIS's own table


def generate(con, **kwargs) -> dict:
    if not pg.is_postgres(con):
        return demo.generate(con, **kwargs)
    source, counts = _generated(tuple(sorted(kwargs.items())))
    copy_into(source, con)
    return dict(counts)


@lru_cache(maxsize=4)
def _generated(kwargs: tuple):
    source = db.connect(":memory:")
    return source, demo.generate(source, **dict(kwargs))


def copy_into(source, con) -> None:
    """Every table of `source` (DuckDB) with rows into the same table of `con` (PostgreSQL), then its sequences."""
    columns: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in con.execute(
            "SELECT c.table_name, c.column_name, c.udt_name FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_schema, table_name) "
            "WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' "
            "ORDER BY c.table_name, c.ordinal_position").fetchall():
        columns.setdefault(table, []).append((column, kind))
    for table, listed in columns.items():
        if table in SKIPPED:
            continue
        picked = ", ".join(f'ST_AsHEXWKB("{c}")' if kind == "geometry" else f'"{c}"' for c, kind in listed)
        rows = source.execute(f'SELECT {picked} FROM "{table}"').fetchall()  # names are the schema's own
        if rows:
            con.copy_rows(table, [c for c, _ in listed], rows)
    for sequence, table, column in con.execute(r"""
            SELECT substring(column_default FROM 'nextval\(''([a-z_]+)'''), table_name, column_name
            FROM information_schema.columns
            WHERE table_schema = 'public' AND column_default LIKE 'nextval(%'""").fetchall():
        con.execute(f'SELECT setval(\'{sequence}\', coalesce((SELECT max("{column}") FROM "{table}"), 0) + 1, false)')
