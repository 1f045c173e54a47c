"""The demo on PostgreSQL: generated on DuckDB (its seeding SQL is DuckDB's: range, hash, QUALIFY ...), then
copied as it is into a migrated, empty PostgreSQL database: the same rows, ids and ID salt, every sequence moved
past the ids copied. The page tests, the testing fixtures and the round benchmark all load their demo this way.

An office's own file joins a district with `resilient.ops.join` instead, which renumbers ids past the district's."""

import re

from resilient.core import pg

SKIPPED = ("schema_migration", "spatial_ref_sys")  # the migrations' own bookkeeping, PostGIS's own table
BATCH = 20_000


def copy_into(source, target, *, analyze: bool = False) -> tuple[int, int]:
    """Every table of `source` (DuckDB) into the same table of `target` (PostgreSQL) by COPY, in batches, ids
    unchanged; what `target` held in those tables is replaced. Returns (tables, rows)."""
    if not pg.is_postgres(target):
        raise ValueError("copy_into writes into a PostgreSQL database")
    columns: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in target.execute(
            "SELECT c.table_name, c.column_name, c.udt_name FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_schema, table_name) "
            "WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' "
            "ORDER BY c.table_name, c.ordinal_position").fetchall():
        if table not in SKIPPED:
            columns.setdefault(table, []).append((column, kind))
    held = {r[0] for r in source.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_type = 'BASE TABLE'").fetchall()}
    tables = [t for t in columns if t in held]
    if tables:
        target.raw_execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables))  # names are the schema's own
    rows = 0
    for table in tables:
        listed = columns[table]
        picked = ", ".join(f'ST_AsHEXWKB("{c}")' if kind == "geometry" else f'"{c}"' for c, kind in listed)
        cursor = source.cursor()
        try:
            cursor.execute(f'SELECT {picked} FROM "{table}"')

            def batches(cursor=cursor):
                while batch := cursor.fetchmany(BATCH):
                    yield from batch
            rows += target.copy_rows(table, [c for c, _ in listed], batches())
        finally:
            cursor.close()
    for table, column, default in target.execute(
            "SELECT table_name, column_name, column_default FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_default LIKE 'nextval(%'").fetchall():
        sequence = re.search(r"nextval\('([^']+)'", default).group(1)
        target.execute(f"SELECT setval('{sequence}', coalesce((SELECT max(\"{column}\") FROM \"{table}\"), 0) + 1, "
                       "false)")
    if analyze:
        target.raw_execute("ANALYZE")  # as after any bulk load: the planner's statistics
    return len(tables), rows
