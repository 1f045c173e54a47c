"""Named SQL from queries/*.sql, loaded once and run with named parameters only."""

import re
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from resilient.core.config import QUERIES_DIR

NAME_LINE = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)
PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")


def parse(text: str, source: str = "<sql>") -> dict[str, str]:
    """Split a file into `-- name: x` blocks; a name used twice is an error, not a silent override."""
    parts = NAME_LINE.split(text)
    queries: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2]):
        if name in queries:
            raise ValueError(f"{source}: query {name!r} defined twice")
        queries[name] = body.strip().rstrip(";")
    return queries


@lru_cache(maxsize=1)
def all_queries(directory: Path = QUERIES_DIR) -> dict[str, str]:
    found: dict[str, str] = {}
    for file in sorted(directory.glob("*.sql")):
        for name, body in parse(file.read_text(encoding="utf-8"), file.name).items():
            if name in found:
                raise ValueError(f"{file.name}: query {name!r} already defined in another file")
            found[name] = body
    return found


def sql(name: str) -> str:
    try:
        return all_queries()[name]
    except KeyError:
        raise KeyError(f"No query named {name!r} in {QUERIES_DIR}") from None


def parameters(name: str) -> set[str]:
    return set(PARAMETER.findall(sql(name)))


def bind(name: str, params: dict) -> dict:
    """The parameters the query uses; a missing one is a programming error named here, not by DuckDB."""
    wanted = parameters(name)
    missing = wanted - params.keys()
    if missing:
        raise TypeError(f"query {name!r} needs parameters {sorted(missing)}")
    return {key: params[key] for key in wanted}


def fetch_df(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    return con.execute(sql(name), bind(name, params)).df()


def fetch_all(con: duckdb.DuckDBPyConnection, name: str, **params) -> list[tuple]:
    return con.execute(sql(name), bind(name, params)).fetchall()
