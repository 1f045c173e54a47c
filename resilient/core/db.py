"""The one place that opens DuckDB: loads the spatial extension offline and applies numbered migrations; the
one place that says in plain words why the file cannot be opened or written (held by another process,
read-only, disk full), never with the server's paths."""

import logging
import random
import re
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import duckdb_extension_spatial

from resilient.core import pg
from resilient.core.config import MIGRATIONS_DIR

MIGRATION_FILE = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")
log = logging.getLogger(__name__)


class StorageError(duckdb.IOException):
    """The database file cannot be opened or written: `code` is a translation key (db.error.*), with no path in
    it, for anyone to read. Still an IOException, so callers that caught DuckDB's own keep working."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
        self.values: dict = {}


def storage_error(error: BaseException) -> StorageError | None:
    """The plain reason for an error of the file or the disk, or None for any other error (a constraint, a typo)."""
    if isinstance(error, StorageError):
        return error
    if not isinstance(error, duckdb.Error):
        return None
    message = str(error)
    if "Could not set lock" in message or "Conflicting lock" in message:
        code = "db.error.locked"
    elif "No space left" in message or "disk is full" in message.lower():
        code = "db.error.disk_full"
    elif "read-only" in message or "Read-only" in message or "Permission denied" in message:
        code = "db.error.read_only"
    elif isinstance(error, (duckdb.IOException, duckdb.FatalException)) or "invalidated" in message:
        code = "db.error.storage"
    else:
        return None
    log.error("database file error (%s): %s", code, message)  # the server's log keeps the details
    return StorageError(code)


def spatial_extension_path() -> Path:
    """The spatial extension file shipped in the duckdb-extension-spatial wheel (INSTALL needs the network)."""
    root = Path(duckdb_extension_spatial.__file__).parent
    found = sorted(root.rglob("spatial.duckdb_extension"))
    if not found:
        raise RuntimeError(f"spatial.duckdb_extension not found under {root}; reinstall requirements.txt")
    return found[0]


def connect(path: str | Path = ":memory:", *, migrate_schema: bool = True,
            lending: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database, load spatial and bring the schema up to date. A postgresql:// URL opens the shared
    PostgreSQL + PostGIS database instead (resilient/core/pg.py), with the same calls on what is returned.

    A file marked read-only (no write bit for anyone) is refused even where the server could write it anyway
    (as root): every sign-in, reveal and export writes an audit row, so a database that cannot keep them is not
    opened at all rather than shown with its audit trail silently missing.

    `lending` (PostgreSQL only): the connection returned borrows a pooled one only while a statement, a
    transaction or a registered frame needs it (pg.Lending), as the app's pages want."""
    if pg.is_url(path):
        return _connect_postgres(str(path), migrate_schema=migrate_schema, lending=lending)
    if str(path) != ":memory:" and Path(path).is_file() and not Path(path).stat().st_mode & 0o222:
        raise StorageError("db.error.read_only")
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as error:
        mapped = storage_error(error)
        if mapped is None:
            raise
        raise mapped from None
    con.execute(f"LOAD '{spatial_extension_path()}'")
    if migrate_schema:
        migrate(con)
    return con


def _connect_postgres(url: str, *, migrate_schema: bool, lending: bool = False):
    if lending:
        if migrate_schema:
            _connect_postgres(url, migrate_schema=True).close()
        return pg.connect(url, lending=True)
    con = pg.connect(url)
    if migrate_schema:
        with transaction(con):
            _migration_lock(con)
            con.raw_execute("CREATE EXTENSION IF NOT EXISTS postgis")
            applied_versions(con)  # creates the bookkeeping table, one process at a time
        migrate(con)
    return con


def _migration_lock(con) -> None:
    """Processes starting at once migrate one after another. The lock is the transaction's own, released at its
    end: behind PgBouncer in transaction mode each transaction may run on another server connection, so a
    session's lock and unlock could land on two of them and leave the lock held."""
    con.execute("SELECT pg_advisory_xact_lock($k)", {"k": pg.MIGRATION_LOCK})


def migrations_dir(con) -> Path:
    """The numbered migrations in the connection's dialect: the same numbers and names in both."""
    return MIGRATIONS_DIR / "postgres" if pg.is_postgres(con) else MIGRATIONS_DIR


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


def migrate(con: duckdb.DuckDBPyConnection, directory: Path | None = None, *, upto: int | None = None) -> list[int]:
    """Apply pending migrations (up to `upto`: a restore loads a backup at its own version before the rest), each in
    its own transaction; returns the versions applied."""
    directory = directory or migrations_dir(con)
    done = applied_versions(con)
    applied = []
    for version, name, file in available_migrations(directory):
        if version in done or (upto is not None and version > upto):
            continue
        with transaction(con):
            if pg.is_postgres(con):
                # The table lock, not a SELECT: a transaction here reads one snapshot, taken at its first query,
                # so the check below must come after the wait to see what another process applied meanwhile.
                con.raw_execute("LOCK TABLE schema_migration IN EXCLUSIVE MODE")
                if con.execute("SELECT 1 FROM schema_migration WHERE version = $v", {"v": version}).fetchone():
                    continue  # another process applied it while this one waited for the lock
                con.raw_execute(file.read_text(encoding="utf-8"))
            else:
                con.execute(file.read_text(encoding="utf-8"))
            con.execute(
                "INSERT INTO schema_migration VALUES ($v, $n, $t)",
                {"v": version, "n": name, "t": datetime.now().replace(microsecond=0)},
            )
        applied.append(version)
    return applied


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """All or nothing: commit when the block ends, roll back on any error. A full disk or a read-only file, in
    the block or at the commit, becomes a StorageError in plain words, the write rolled back."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException as error:
        _roll_back(con)
        mapped = storage_error(error)
        if mapped is None or mapped is error:
            raise
        raise mapped from None


def _roll_back(con: duckdb.DuckDBPyConnection) -> None:
    """ROLLBACK, also when a failed COMMIT already ended the transaction (there is then nothing to undo)."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error as error:
        if "no transaction" not in str(error).lower():
            raise


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
