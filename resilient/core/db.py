"""The one place that opens DuckDB: loads the spatial extension offline and applies numbered migrations."""

import random
import re
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import duckdb_extension_spatial

from resilient.core.config import MIGRATIONS_DIR

MIGRATION_FILE = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


def spatial_extension_path() -> Path:
    """The spatial extension file shipped in the duckdb-extension-spatial wheel (INSTALL needs the network)."""
    root = Path(duckdb_extension_spatial.__file__).parent
    found = sorted(root.rglob("spatial.duckdb_extension"))
    if not found:
        raise RuntimeError(f"spatial.duckdb_extension not found under {root}; reinstall requirements.txt")
    return found[0]


def connect(path: str | Path = ":memory:", *, migrate_schema: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the database, load spatial and bring the schema up to date."""
    con = duckdb.connect(str(path))
    con.execute(f"LOAD '{spatial_extension_path()}'")
    if migrate_schema:
        migrate(con)
    return con


def available_migrations(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, str, Path]]:
    """Numbered migration files in order; a gap or a duplicate number is a packaging error."""
    found = []
    for file in sorted(directory.glob("*.sql")):
        match = MIGRATION_FILE.match(file.name)
        if not match:
            raise RuntimeError(f"Migration file name {file.name!r} is not NNN_name.sql")
        found.append((int(match.group(1)), match.group(2), file))
    numbers = [n for n, _, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"Migrations must be numbered 1..n without gaps, found {numbers}")
    return found


def applied_versions(con: duckdb.DuckDBPyConnection) -> set[int]:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migration ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    return {row[0] for row in con.execute("SELECT version FROM schema_migration").fetchall()}


def migrate(con: duckdb.DuckDBPyConnection, directory: Path = MIGRATIONS_DIR, *, upto: int | None = None) -> list[int]:
    """Apply pending migrations (up to `upto`: a restore loads a backup at its own version before the rest), each in
    its own transaction; returns the versions applied."""
    done = applied_versions(con)
    applied = []
    for version, name, file in available_migrations(directory):
        if version in done or (upto is not None and version > upto):
            continue
        with transaction(con):
            con.execute(file.read_text(encoding="utf-8"))
            con.execute(
                "INSERT INTO schema_migration VALUES ($v, $n, $t)",
                {"v": version, "n": name, "t": datetime.now().replace(microsecond=0)},
            )
        applied.append(version)
    return applied


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """All or nothing: commit when the block ends, roll back on any error."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


WRITE_ATTEMPTS = 12


def retrying(con: duckdb.DuckDBPyConnection, work: Callable, busy: Callable[[], Exception],
             attempts: int = WRITE_ATTEMPTS):
    """Run `work()` in one transaction, again from the start when a concurrent writer got there first.

    A unique key another session committed after this transaction began shows up as a ConstraintException at
    the insert; from the start again, the caller's checks see that row and refuse with a clear code. Only after
    `attempts` conflicts does the person see `busy()`, never DuckDB's conflict message.
    """
    for attempt in range(attempts):
        try:
            with transaction(con):
                return work()
        except (duckdb.TransactionException, duckdb.ConstraintException) as error:
            if attempt == attempts - 1:
                if isinstance(error, duckdb.ConstraintException):
                    raise
                raise busy() from None
            time.sleep(random.uniform(0, 0.004 * 2 ** min(attempt, 6)))
