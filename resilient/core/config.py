"""Settings read from the environment, with paths anchored at the repository, never the working directory."""

import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"
MIGRATIONS_DIR = ROOT / "resilient" / "migrations"

# The offices work on Beijing time whatever the server's clock zone is.
TIMEZONE = ZoneInfo(os.environ.get("RC_TIMEZONE", "Asia/Shanghai"))


def database_path() -> Path:
    """Where the DuckDB file lives: RC_DB_PATH, else data/community.duckdb."""
    return Path(os.environ.get("RC_DB_PATH", DATA_DIR / "community.duckdb"))


def database_url() -> str | None:
    """The shared PostgreSQL database, RC_DATABASE_URL (postgresql://…), or None: then the DuckDB file."""
    url = os.environ.get("RC_DATABASE_URL", "").strip()
    return url or None


def database_target() -> str | Path:
    """What db.connect opens: RC_DATABASE_URL when set, else the DuckDB file of database_path()."""
    return database_url() or database_path()


def now() -> datetime:
    """Local wall-clock time, naive, as stored in the database."""
    return datetime.now(TIMEZONE).replace(tzinfo=None, microsecond=0)


def today() -> date:
    return now().date()
