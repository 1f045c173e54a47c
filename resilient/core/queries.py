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


class NamedSQL(str):
    """A query's text that still knows its name, so a PostgreSQL connection can run the dialect's variant."""

    name: str

    def __new__(cls, text: str, name: str):
        made = super().__new__(cls, text)
        made.name = name
        return made


@lru_cache(maxsize=4)
def all_queries(directory: Path = QUERIES_DIR) -> dict[str, str]:
    found: dict[str, str] = {}
    for file in sorted(directory.glob("*.sql")):
        for name, body in parse(file.read_text(encoding="utf-8"), file.name).items():
            if name in found:
                raise ValueError(f"{file.name}: query {name!r} already defined in another file")
            found[name] = NamedSQL(body, name)
    return found


@lru_cache(maxsize=4)
def variants(dialect: str, directory: Path = QUERIES_DIR) -> dict[str, str]:
    """queries/<dialect>/*.sql: a query written again only where that dialect needs other SQL; each name
    must be a query of queries/ itself, with the same parameters, so a variant cannot drift into another query."""
    found: dict[str, str] = {}
    base = all_queries(directory)
    for file in sorted((directory / dialect).glob("*.sql")):
        for name, body in parse(file.read_text(encoding="utf-8"), f"{dialect}/{file.name}").items():
            if name not in base:
                raise ValueError(f"{dialect}/{file.name}: {name!r} is not a query of {directory.name}/")
            if name in found:
                raise ValueError(f"{dialect}/{file.name}: variant {name!r} defined twice")
            found[name] = body
    return found


def variant(name: str, dialect: str) -> str | None:
    return variants(dialect).get(name)


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
