"""The reference files in data/ (column names, words, default rules): an office edits them, not the code.

Each file is read once. A file that is missing, not valid TOML or CSV, or holds a key of the wrong kind stops the
app at start with DataFileError naming the file and the key, never a KeyError deep inside an import.
"""

import csv
import tomllib
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from resilient.core.config import DATA_DIR


class DataFileError(ValueError):
    """A reference file the app cannot use: the message names the file and the key."""


def path_of(name: str, directory: Path | None = None) -> Path:
    return (directory or DATA_DIR) / name


@cache
def load_toml(name: str, directory: Path | None = None) -> dict:
    """A TOML file of data/, parsed once."""
    path = path_of(name, directory)
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise DataFileError(f"{path}: file missing (the reference files live in data/)") from None
    except tomllib.TOMLDecodeError as error:
        raise DataFileError(f"{path}: not valid TOML ({error})") from None


def section(name: str, key: str, directory: Path | None = None) -> dict:
    """One table of a TOML file, `key` dotted ('arrival.origin')."""
    found = load_toml(name, directory)
    for part in key.split("."):
        found = found.get(part) if isinstance(found, dict) else None
        if found is None:
            raise DataFileError(f"{path_of(name, directory)}: [{key}] missing")
    if not isinstance(found, dict):
        raise DataFileError(f"{path_of(name, directory)}: [{key}] must be a table")
    return dict(found)  # a copy: the parsed file stays as read


def word_lists(name: str, key: str, meanings: Iterable[str] | None = None,
               directory: Path | None = None) -> dict[str, list[str]]:
    """A table of meaning = [words]; with `meanings`, every one of them present and nothing else."""
    table = section(name, key, directory)
    where = f"{path_of(name, directory)}: [{key}]"
    for meaning, words in table.items():
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise DataFileError(f"{where} {meaning} must be a list of words")
    if meanings is not None:
        wanted = list(meanings)
        unknown = [m for m in table if m not in wanted]
        if unknown:
            raise DataFileError(f"{where} {unknown[0]} is not one of {', '.join(wanted)}")
        absent = [m for m in wanted if m not in table]
        if absent:
            raise DataFileError(f"{where} {absent[0]} missing")
    return table


def word_index(name: str, key: str, meanings: Iterable[str] | None = None, normalise: Callable[[str], str] = str,
               directory: Path | None = None) -> dict[str, str]:
    """{word as the lookup normalises it: meaning}; one word meaning two things is an error."""
    index: dict[str, str] = {}
    for meaning, words in word_lists(name, key, meanings, directory).items():
        for word in words:
            said = normalise(word)
            if index.get(said, meaning) != meaning:
                raise DataFileError(f"{path_of(name, directory)}: [{key}] {word!r} means both {index[said]} "
                                    f"and {meaning}")
            index[said] = meaning
    return index


def fields_from(name: str, key: str, fields: Iterable[str], shared: dict[str, list[str]] | None = None,
                directory: Path | None = None) -> dict[str, list[str]]:
    """{field: words} for exactly `fields`, in their order; `same_as_register = [...]` in the table takes those
    fields' words from `shared`."""
    table = dict(word_lists(name, key, None, directory))
    where = f"{path_of(name, directory)}: [{key}]"
    for field in table.pop("same_as_register", []):
        if shared is None or field not in shared:
            raise DataFileError(f"{where} same_as_register: {field} is not a register field")
        table[field] = shared[field]
    wanted = list(fields)
    for field in table:
        if field not in wanted:
            raise DataFileError(f"{where} {field} is not a field of this sheet ({', '.join(wanted)})")
    for field in wanted:
        if field not in table:
            raise DataFileError(f"{where} {field} missing")
    return {field: list(table[field]) for field in wanted}


def defaults_from(name: str, key: str, directory: Path | None = None):
    """Class decorator, under @dataclass: every annotated field's default from one table of a TOML file, which
    must have exactly those keys, each of the field's kind (an int does for a float, a list for a tuple)."""

    def decorate(cls):
        table = section(name, key, directory)
        where = f"{path_of(name, directory)}: [{key}]"
        kinds = dict(cls.__annotations__)
        for unknown in sorted(table.keys() - kinds.keys()):
            raise DataFileError(f"{where} {unknown} is not a setting ({', '.join(kinds)})")
        for field, kind in kinds.items():
            if field not in table:
                raise DataFileError(f"{where} {field} missing")
            setattr(cls, field, _of_kind(table[field], kind, f"{where} {field}"))
        return cls

    return decorate


def _of_kind(value, kind, where: str):
    if getattr(kind, "__origin__", None) is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise DataFileError(f"{where} must be a list of words")
        return tuple(value)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
        raise DataFileError(f"{where} must be {kind.__name__}, not {value!r}")
    return value


def check_defaults(build: Callable[[], object], name: str, key: str, directory: Path | None = None) -> None:
    """Build the defaults once at start, so a value out of range names the file, not a page that fails later."""
    try:
        build()
    except ValueError as error:
        raise DataFileError(f"{path_of(name, directory)}: [{key}] refused: {error} "
                            f"{getattr(error, 'values', '')}") from None


@cache
def _csv(name: str, directory: Path | None) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    path = path_of(name, directory)
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            rows = [tuple(cell.strip() for cell in row) for row in csv.reader(file) if any(c.strip() for c in row)]
    except FileNotFoundError:
        raise DataFileError(f"{path}: file missing (the reference files live in data/)") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise DataFileError(f"{path}: not a UTF-8 CSV file ({error})") from None
    if not rows:
        raise DataFileError(f"{path}: empty, a header row is needed")
    return rows[0], tuple(rows[1:])


def csv_rows(name: str, columns: list[str], directory: Path | None = None) -> list[dict[str, str]]:
    """The rows of a CSV file of data/ whose header is exactly `columns`, as {column: text}."""
    header, rows = _csv(name, directory)
    path = path_of(name, directory)
    if list(header) != list(columns):
        raise DataFileError(f"{path}: the header must be {','.join(columns)}, not {','.join(header)}")
    for number, row in enumerate(rows, start=2):
        if len(row) != len(columns):
            raise DataFileError(f"{path}: line {number} has {len(row)} values, not {len(columns)}")
    return [dict(zip(columns, row)) for row in rows]
