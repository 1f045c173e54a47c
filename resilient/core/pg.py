"""PostgreSQL + PostGIS as the system of record, behind the same calls the domain makes on a DuckDB connection.

The domain was written against DuckDB's connection: `con.execute(sql, {"name": value}).fetchall()`, `.df()`,
`con.cursor()`, explicit BEGIN/COMMIT, and DuckDB's exception classes (a constraint, a write conflict). This
module gives the same surface on a psycopg 3 connection from a pool, so one domain serves both backends:

- `$name` parameters become psycopg's; values are bound on the client (ClientCursor), so PgBouncer in
  transaction mode works and a NULL list resolves against the function it is passed to;
- a named query with a variant in queries/postgres/ runs that variant (only where the SQL must differ);
- an explicit transaction is REPEATABLE READ, DuckDB's own snapshot isolation, so the retry loops that keep the
  desks exact behave as they do on the file: a serialization failure is a TransactionException, a unique or
  check violation a ConstraintException;
- `.df()` goes through Arrow and DuckDB, so a frame has the dtypes the pages were written for.
"""

import logging
import re
import select
import threading
from decimal import Decimal
from functools import lru_cache

import duckdb
import pandas as pd
import psycopg
import pyarrow as pa
from psycopg import errors as pg_errors
from psycopg_pool import ConnectionPool, PoolTimeout

log = logging.getLogger(__name__)

DIALECT = "postgres"
POOL_MIN, POOL_MAX = 1, 8
POOL_TIMEOUT = 30  # s a borrow may wait for a free connection while the server answers (a busy pool)
CONNECT_TIMEOUT = 5  # s: libpq's connect_timeout, and how long a borrow waits before asking if the server is there
_pools: dict[str, ConnectionPool] = {}
_pools_lock = threading.Lock()

# PostgreSQL type OIDs → Arrow types, for frames with DuckDB's dtypes (anything else: Arrow infers).
ARROW_TYPES = {
    16: pa.bool_(), 20: pa.int64(), 21: pa.int16(), 23: pa.int32(), 700: pa.float32(), 701: pa.float64(),
    1700: pa.float64(), 25: pa.string(), 1043: pa.string(), 1042: pa.string(), 19: pa.string(),
    1082: pa.date32(), 1114: pa.timestamp("us"), 1184: pa.timestamp("us", tz="UTC"), 17: pa.binary(),
    1007: pa.list_(pa.int32()), 1016: pa.list_(pa.int64()), 1009: pa.list_(pa.string()),
    1015: pa.list_(pa.string()), 3802: pa.string(), 114: pa.string(), 1186: pa.duration("us"),
}


def is_postgres(con) -> bool:
    return getattr(con, "dialect", "duckdb") == DIALECT


def is_url(target) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


# -- SQL text -------------------------------------------------------------------------------------------------

TOKEN = re.compile(r"\bINTERVAL\s+\d+\s+(?:YEARS?|MONTHS?|WEEKS?|DAYS?|HOURS?|MINUTES?|SECONDS?)\b"
                   r"|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|\$\$.*?\$\$"
                   r"|\$[a-z_][a-z0-9_]*|\$\d+|\?|%|::",
                   re.DOTALL | re.IGNORECASE)


INTERVAL = re.compile(r"\bINTERVAL\s+(\d+)\s+(YEARS?|MONTHS?|WEEKS?|DAYS?|HOURS?|MINUTES?|SECONDS?)\b",
                      re.IGNORECASE)


@lru_cache(maxsize=4096)
def translate(sql: str) -> tuple[str, tuple]:
    """DuckDB's parameters in psycopg's form: `$name` → `%(name)s`, `?` and `$1` → positions; a literal `%`
    doubled. Quoted text, identifiers, comments and $$ bodies are left as written. Returns the text and, for
    `$1`-style parameters, the order to take them in."""
    order: list[int] = []

    def one(match: re.Match) -> str:
        token = match.group(0)
        interval = INTERVAL.fullmatch(token)
        if interval:  # DuckDB's INTERVAL 5 HOUR is PostgreSQL's INTERVAL '5 HOUR' (both read the quoted form)
            return f"INTERVAL '{interval.group(1)} {interval.group(2)}'"
        if token == "%":
            return "%%"
        if token == "?":
            order.append(len(order))
            return "%s"
        if token.startswith("$") and token[1:].isdigit():
            order.append(int(token[1:]) - 1)
            return "%s"
        if token.startswith("$") and not token.startswith("$$"):
            return f"%({token[1:]})s"
        return token.replace("%", "%%")  # psycopg reads every % of the text, quoted or not

    text = TOKEN.sub(one, sql)
    text = re.sub(r"^\s*BEGIN(\s+TRANSACTION)?\s*;?\s*$", "BEGIN ISOLATION LEVEL REPEATABLE READ", text,
                  flags=re.IGNORECASE)
    return text, tuple(order)


def _arguments(order: tuple, params):
    if params is None:
        return None
    if isinstance(params, dict):
        return {key: _value(value) for key, value in params.items()}
    values = [_value(value) for value in params]
    return [values[i] for i in order] if order else values


def _value(value):
    """Python values DuckDB took and psycopg needs told: a NumPy scalar as the number it is."""
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict, str, bytes)):
        return value.item()
    return value


# -- errors ---------------------------------------------------------------------------------------------------

def _duckdb_error(error: psycopg.Error) -> duckdb.Error:
    """The DuckDB exception the domain already catches for this kind of PostgreSQL error."""
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    if isinstance(error, (pg_errors.SerializationFailure, pg_errors.DeadlockDetected,
                          pg_errors.InFailedSqlTransaction, pg_errors.LockNotAvailable)):
        return duckdb.TransactionException(message)
    if isinstance(error, psycopg.IntegrityError):
        return duckdb.ConstraintException(message)
    if isinstance(error, psycopg.DataError):
        return duckdb.ConversionException(message)
    if isinstance(error, (pg_errors.UndefinedTable, pg_errors.UndefinedFunction, pg_errors.UndefinedColumn)):
        return duckdb.CatalogException(message)
    if isinstance(error, pg_errors.SyntaxError):
        return duckdb.ParserException(message)
    if isinstance(error, (pg_errors.DiskFull,)):
        return duckdb.IOException("No space left on device")
    if isinstance(error, psycopg.OperationalError):
        return duckdb.IOException(message)
    return duckdb.Error(message)


# -- results --------------------------------------------------------------------------------------------------

class Result:
    """What `execute` returns: the rows of one statement, fetched the ways DuckDB's connection offers."""

    def __init__(self, rows: list[tuple] | None, description):
        self._rows = rows or []
        self._at = 0
        self.description = [(column.name, column.type_code) for column in description] if description else None

    def fetchall(self) -> list[tuple]:
        rows, self._at = self._rows[self._at:], len(self._rows)
        return rows

    def fetchone(self):
        if self._at >= len(self._rows):
            return None
        self._at += 1
        return self._rows[self._at - 1]

    def fetchmany(self, size: int = 1) -> list[tuple]:
        rows = self._rows[self._at:self._at + size]
        self._at += len(rows)
        return rows

    def arrow(self) -> pa.Table:
        names = [name for name, _ in self.description or []]
        columns = list(zip(*self._rows)) if self._rows else [[] for _ in names]
        arrays = []
        for (_name, oid), values in zip(self.description or [], columns):
            arrays.append(_arrow_array(list(values), ARROW_TYPES.get(oid)))
        return pa.Table.from_arrays(arrays, names=_unique(names))

    def df(self) -> pd.DataFrame:
        if self.description is None:
            return pd.DataFrame()
        return _frames().from_arrow(self.arrow()).df()

    fetchdf = df


_local = threading.local()


def _frames() -> duckdb.DuckDBPyConnection:
    """This thread's own in-memory DuckDB, to turn rows into frames: DuckDB's module-level default connection is
    one for the process, and two threads using it at once deadlock (sessions are threads of one server)."""
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = duckdb.connect()
    return con


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name, 0)
        out.append(name if count == 0 else f"{name}_{count}")
        seen[name] = count + 1
    return out


def _arrow_array(values: list, wanted):
    if wanted is not None:
        try:
            if pa.types.is_floating(wanted):
                values = [float(v) if isinstance(v, Decimal) else v for v in values]
            return pa.array(values, type=wanted)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
            pass
    try:
        return pa.array([float(v) if isinstance(v, Decimal) else v for v in values])
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


# -- the connection -------------------------------------------------------------------------------------------

class Connection:
    """One pooled PostgreSQL connection with the calls the domain makes on a DuckDB one."""

    dialect = DIALECT

    def __init__(self, url: str, pool: ConnectionPool):
        self.url = url
        self._pool = pool
        self._raw = borrow(pool)
        self._closed = False

    # DuckDB: `con.cursor()` is another connection to the same database, for another thread.
    def cursor(self) -> "Connection":
        return Connection(self.url, self._pool)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            if self._raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                self._raw.rollback()
            self._pool.putconn(self._raw)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - the pool may already be closed at interpreter exit
            pass

    def execute(self, sql: str, params=None) -> Result:
        sql = _variant(sql)
        text, order = translate(str(sql))
        arguments = _arguments(order, params)
        try:
            with self._raw.cursor() as cur:
                cur.execute(text if arguments is not None else text.replace("%%", "%"), arguments)
                rows = cur.fetchall() if cur.description else None
                return Result(rows, cur.description)
        except psycopg.Error as error:
            raise _duckdb_error(error) from error

    def executemany(self, sql: str, rows) -> None:
        sql = _variant(sql)
        text, order = translate(str(sql))
        try:
            with self._raw.cursor() as cur:
                cur.executemany(text, [_arguments(order, row) for row in rows])
        except psycopg.Error as error:
            raise _duckdb_error(error) from error

    def raw_execute(self, sql: str) -> None:
        """SQL as written, several statements at once (a migration), with no parameters."""
        try:
            self._raw.execute(sql.encode("utf-8"))
        except psycopg.Error as error:
            raise _duckdb_error(error) from error

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """DuckDB reads a registered frame as a table; here it becomes a temporary table of this connection."""
        table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
        columns = ", ".join(f'"{field.name}" {_pg_type(field.type)}' for field in table.schema)
        self.raw_execute(f'DROP TABLE IF EXISTS pg_temp."{name}"; CREATE TEMP TABLE "{name}" ({columns})')
        rows = zip(*(column.to_pylist() for column in table.columns)) if table.num_columns else []
        self.copy_rows(name, table.schema.names, rows)

    def unregister(self, name: str) -> None:
        self.raw_execute(f'DROP TABLE IF EXISTS pg_temp."{name}"')

    def copy_rows(self, table: str, columns: list[str], rows) -> int:
        """Rows into a table by COPY: the join command's and the demo's bulk path."""
        listed = ", ".join(f'"{c}"' for c in columns)
        count = 0
        try:
            with self._raw.cursor() as cur, cur.copy(f'COPY "{table}" ({listed}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        except psycopg.Error as error:
            raise _duckdb_error(error) from error
        return count


def _pg_type(kind: pa.DataType) -> str:
    """The PostgreSQL column type for an Arrow type of a registered frame."""
    if pa.types.is_boolean(kind):
        return "boolean"
    if pa.types.is_integer(kind):
        return "bigint"
    if pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return "double precision"
    if pa.types.is_timestamp(kind):
        return "timestamptz" if kind.tz else "timestamp"
    if pa.types.is_date(kind):
        return "date"
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return "bytea"
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return _pg_type(kind.value_type) + "[]"
    if pa.types.is_null(kind):
        return "text"
    return "text"


def _variant(sql):
    name = getattr(sql, "name", None)
    if name is None:
        return sql
    from resilient.core import queries  # late: queries imports nothing of this module

    return queries.variant(name, DIALECT) or sql


def pool(url: str) -> ConnectionPool:
    """One pool per database per process: each Streamlit session's run borrows a connection and gives it back.
    A new pool is made only once the server answered: a pool made while it is down would be kept, and wait."""
    with _pools_lock:
        found = _pools.get(url)
    if found is not None:
        return found
    _probe(url)
    with _pools_lock:
        found = _pools.get(url)
        if found is None:
            found = ConnectionPool(url, min_size=POOL_MIN, max_size=POOL_MAX, open=True, timeout=POOL_TIMEOUT,
                                   kwargs={"autocommit": True, "cursor_factory": psycopg.ClientCursor,
                                           "connect_timeout": CONNECT_TIMEOUT},
                                   configure=_configure)
            _pools[url] = found
        return found


def borrow(pool: ConnectionPool) -> psycopg.Connection:
    """A working connection from the pool. A busy pool is waited for, up to POOL_TIMEOUT; a server that is not
    there is said after CONNECT_TIMEOUT or so, not after the whole wait (someone at a desk would think the page
    hung). A connection left from before a restart or a failover is dropped, and with it every other idle one
    that no longer answers, at once (the pool's own check backs off a second more for each dead one)."""
    try:
        for _ in range(2):  # the second is a new connection: after check() every idle one has answered
            conn = _getconn(pool)
            if _alive(conn):
                return conn
            pool.putconn(conn)  # broken: the pool drops it and makes another
            pool.check()  # the other idle ones from before, at once
        raise psycopg.OperationalError("the database server closed the connection")
    except psycopg.Error as error:
        raise _duckdb_error(error) from error


def _alive(conn: psycopg.Connection) -> bool:
    """Nothing arrives on an idle connection but the server's goodbye (a shutdown, a restart, a backend ended):
    a socket with something to read is checked with a round trip; a quiet one is taken as it is, so a borrow per
    statement costs no round trip of its own."""
    if conn.closed or conn.broken:
        return False
    waiting = select.poll()  # poll, not select: a busy app process has sockets numbered past select's 1024
    waiting.register(conn.fileno(), select.POLLIN)
    if not waiting.poll(0):
        return True
    try:
        ConnectionPool.check_connection(conn)
        return True
    except psycopg.Error:
        return False


def _getconn(pool: ConnectionPool) -> psycopg.Connection:
    try:
        return pool.getconn(timeout=CONNECT_TIMEOUT)
    except PoolTimeout:
        _probe(pool.conninfo)  # raises when the server does not answer; else the pool is only busy
        return pool.getconn(timeout=POOL_TIMEOUT - CONNECT_TIMEOUT)


def _probe(url: str) -> None:
    """Connect once, outside any pool: the server's own refusal (down, wrong password, no such database) at once."""
    try:
        psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT, autocommit=True).close()
    except psycopg.Error as error:  # logged with its reason where it is said (db.storage_error)
        raise _duckdb_error(error) from error


def _configure(raw: psycopg.Connection) -> None:
    raw.execute("SET TIME ZONE 'UTC'")  # timestamps are stored naive, as on the file: no shift on the way


class Lending(Connection):
    """A connection for the app: it borrows a pooled connection only while it needs one, and gives it back as soon
    as it is idle again (autocommit, no transaction open, no registered frame). A page keeps its connection in
    fragments and widget callbacks that outlive the run, so a connection held from borrow to garbage collection
    would leak the pool away a few sessions at a time; this one holds nothing between statements."""

    def __init__(self, url: str, pool: ConnectionPool):  # noqa: D107 - nothing borrowed yet
        self.url = url
        self._pool = pool
        self._held: psycopg.Connection | None = None
        self._frames: set[str] = set()
        self._closed = False

    @property
    def _raw(self) -> psycopg.Connection:
        if self._held is None:
            self._held = borrow(self._pool)
        return self._held

    @property
    def holding(self) -> bool:
        return self._held is not None

    def cursor(self) -> "Lending":
        return Lending(self.url, self._pool)

    def _settle(self) -> None:
        held = self._held
        if held is not None and not self._frames \
                and held.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            self._held = None
            self._pool.putconn(held)

    def close(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            if held.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                held.rollback()
            for name in self._frames:
                held.execute(f'DROP TABLE IF EXISTS pg_temp."{name}"'.encode())
            self._pool.putconn(held)
        self._frames.clear()

    def execute(self, sql: str, params=None) -> Result:
        try:
            return super().execute(sql, params)
        finally:
            self._settle()

    def executemany(self, sql: str, rows) -> None:
        try:
            super().executemany(sql, rows)
        finally:
            self._settle()

    def raw_execute(self, sql: str) -> None:
        try:
            super().raw_execute(sql)
        finally:
            self._settle()

    def copy_rows(self, table: str, columns: list[str], rows) -> int:
        try:
            return super().copy_rows(table, columns, rows)
        finally:
            self._settle()

    def register(self, name: str, frame: pd.DataFrame) -> None:
        self._frames.add(name)  # first: the temporary table lives on the one connection held until unregister
        try:
            super().register(name, frame)
        except BaseException:
            self._frames.discard(name)
            self._settle()
            raise

    def unregister(self, name: str) -> None:
        self._frames.discard(name)
        super().unregister(name)


def connect(url: str, *, lending: bool = False) -> Connection:
    """A connection holding one pooled connection until closed; `lending`: one borrowing only while it works."""
    try:
        return Lending(url, pool(url)) if lending else Connection(url, pool(url))
    except psycopg.Error as error:
        raise _duckdb_error(error) from error


def close_pool(url: str) -> None:
    with _pools_lock:
        found = _pools.pop(url, None)
    if found is not None:
        found.close()


def close_pools() -> None:
    with _pools_lock:
        for found in _pools.values():
            found.close()
        _pools.clear()


MIGRATION_LOCK = 7_150_001  # pg_advisory_xact_lock key: processes starting at once migrate one after another

