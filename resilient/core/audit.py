"""The audit trail: who did what, when, with old and new values. Append-only: nothing here updates or deletes."""

import json
from datetime import date, datetime

import duckdb
import pandas as pd

from resilient.core import config, queries


def _json(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def record(con: duckdb.DuckDBPyConnection, actor, action: str, target: str | None = None, *, old=None, new=None,
           detail: str | None = None, at: datetime | None = None, username: str | None = None) -> None:
    """Append one entry; call it inside the transaction of the write it describes, so both land or neither."""
    con.execute(queries.sql("audit_insert"), {
        "logged_at": at or config.now(),
        "username": username if actor is None else actor.username,
        "role": None if actor is None else actor.role,
        "action": action, "target": target, "old_value": _json(old), "new_value": _json(new), "detail": detail,
    })


def search(con: duckdb.DuckDBPyConnection, *, username: str | None = None, action: str | None = None,
           text: str | None = None, since: date | None = None, until: date | None = None,
           limit: int = 500) -> pd.DataFrame:
    """Newest first. `text` matches target, values and detail, case-insensitively."""
    return queries.fetch_df(con, "audit_search", username=username or None, action=action or None,
                            text=text or None, since=since, until=until, limit=limit)


def actions(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in queries.fetch_all(con, "audit_actions")]
