"""Joining up: a street office that started alone on its own DuckDB file moves it into the district's shared
PostgreSQL database, in one transaction, without disturbing the offices already there.

- Every table's own integer id (a single-column integer PRIMARY KEY that is not itself a reference: those that
  rows get from a sequence and those the set-up numbers itself) is renumbered past what the district already
  holds, and every reference to it is rewritten with the same map. The references are read from the migrations'
  `-- ref: table` comments (references()), the same ones queries/integrity.sql checks, so a new migration's
  reference is mapped without anyone updating a list here. Text that embeds an id is rewritten too: an audit
  row's target ('resident:123') and a gate pass's printed number (P + compound + serial, so the district's next
  card of that compound does not clash). JSON in the audit's old/new values is kept as written.
- Counts are checked: each table must grow by exactly the file's count, else everything is rolled back.
- The file's identity (its ID salt and its communities' names, hashed) is kept in the district's `meta` table
  under `joined:<identity>`, so joining the same file again changes nothing.
- Resident ID numbers are stored only as sha256(salt || number) with one salt per database (meta id_salt;
  resilient/core/ids.py). The full numbers are never stored, so an office's hashes cannot be re-hashed with the
  district's salt. A district without residents takes the office's salt; an office with the district's salt
  joins as it is; an office with another salt is refused unless `keep_office_salt=True`, which joins it and
  keeps its salt in meta as `id_salt:<community_id>` for each of its communities. Imports into those communities
  hash with it (ids.salt_of) and searches by ID number try every salt (ids.hashes_everywhere). What stays
  apart: a register that moves someone from another community into one of these is not matched to them.
- A published case (external_case: case number and date) the district already holds is that row, as the cases
  import has it in a shared database: not copied again, the office's close contacts pointed at it.
- Values of a UNIQUE key that no renumbering touches (a username, a pass code, a published case number) that
  the district already holds are refused up front, naming them, and so is a community the district already has
  under the same name, street and district.
"""

import argparse
import hashlib
import json
import re
import sys
from datetime import datetime
from pathlib import Path

import duckdb

from resilient.core import config, db, pg

MIGRATIONS = config.MIGRATIONS_DIR
COLUMN_REF = re.compile(r"^\s+(\w+) [A-Z]+.*-- ref: (\w+)")
ALTER_REF = re.compile(r"^ALTER TABLE (\w+) ADD COLUMN (\w+) [A-Z]+.*-- ref: (\w+)")
CREATE_TABLE = re.compile(r"^CREATE TABLE (\w+)")
NOT_MOVED = {"schema_migration", "meta", "spatial_ref_sys"}  # meta is joined key by key
JOINED = "joined:"
# A published case is one row in a shared database: the cases import does not write a case number and date that
# is already stored, whichever community brought it first. The join does the same: the office's copy of a case the
# district holds becomes that row (its close contacts point there) and is not copied again.
SAME_BY_KEY = {"external_case": ("case_no", "case_date")}
AUDIT_TARGET = re.compile(r"^(\w+):(-?\d+)$")
PASS_NUMBER = re.compile(r"^([A-Z])(\d+)-(\d+)$")


class JoinError(RuntimeError):
    """The join was refused or rolled back; the message says why in plain words."""


def references(directory: Path = MIGRATIONS) -> list[tuple[str, str, str]]:
    """(table, column, referenced table) for every column the migrations mark `-- ref: table`, in a CREATE TABLE
    or an ALTER TABLE ... ADD COLUMN line."""
    found = []
    for file in sorted(directory.glob("*.sql")):
        table = None
        for line in file.read_text(encoding="utf-8").splitlines():
            if match := CREATE_TABLE.match(line):
                table = match.group(1)
            elif match := ALTER_REF.match(line):
                found.append(match.groups())
            elif (match := COLUMN_REF.match(line)) and table:
                found.append((table, match.group(1), match.group(2)))
    return found


# -- the district's schema -------------------------------------------------------------------------------------

def tables(target) -> list[str]:
    rows = target.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                          " AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()
    return [name for name, in rows if name not in NOT_MOVED]


def columns(target, table: str) -> list[str]:
    return [name for name, in target.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name = $t ORDER BY ordinal_position", {"t": table}).fetchall()]


def id_columns(target, refs: list[tuple[str, str, str]] | None = None) -> dict[str, str]:
    """table -> its own id: a single-column integer PRIMARY KEY that is not a reference to another table."""
    refs = references() if refs is None else refs
    referencing = {(t, c) for t, c, _ in refs}
    rows = target.execute("""
        SELECT c.relname, min(a.attname), min(format_type(a.atttypid, a.atttypmod)), count(*)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)
        WHERE i.indisprimary GROUP BY c.relname""").fetchall()
    return {table: column for table, column, kind, n in rows
            if n == 1 and kind in ("integer", "bigint", "smallint") and (table, column) not in referencing
            and table not in NOT_MOVED}


def sequences(target) -> dict[tuple[str, str], str]:
    """(table, column) -> the sequence its DEFAULT nextval draws from."""
    rows = target.execute("SELECT table_name, column_name, column_default FROM information_schema.columns"
                          " WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'").fetchall()
    return {(t, c): re.search(r"nextval\('([^']+)'", default).group(1) for t, c, default in rows}


def unique_keys(target, moved: set[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """UNIQUE keys (constraints, indexes, primary keys) none of whose columns the join renumbers: values there
    keep what they were, so the district may already hold them."""
    rows = target.execute("""
        SELECT c.relname, i.indexrelid, array_agg(a.attname ORDER BY a.attnum)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)
        WHERE i.indisunique GROUP BY c.relname, i.indexrelid ORDER BY 1, 2""").fetchall()
    return [(table, list(cols)) for table, _, cols in rows
            if table not in NOT_MOVED and not any((table, col) in moved for col in cols)]


# -- the file --------------------------------------------------------------------------------------------------

def _meta(con) -> dict[str, str]:
    return dict(con.execute("SELECT key, value FROM meta").fetchall())


def identity(source) -> str:
    """What names this office's file across copies and days: its ID salt (made once, at random, per database)
    and its communities' names, hashed."""
    salt = _meta(source).get("id_salt", "")
    names = sorted(f"{n}|{s}|{d}" for n, s, d in source.execute(
        "SELECT name, coalesce(street, ''), coalesce(district, '') FROM community").fetchall())
    return hashlib.sha256(json.dumps([salt, names], ensure_ascii=False).encode()).hexdigest()[:32]


def _version(con) -> int:
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migration").fetchone()[0]


def _source_select(source, table: str, names: list[str], shifted: dict[str, int]) -> str:
    """The file's rows as the district will hold them: ids shifted, geometry as hex WKB (PostGIS reads it)."""
    kinds = dict(source.execute("SELECT column_name, data_type FROM information_schema.columns"
                                " WHERE table_schema = 'main' AND table_name = $t", {"t": table}).fetchall())
    parts = []
    for name in names:
        if name in shifted:
            parts.append(f'"{name}" + {int(shifted[name])}')
        elif kinds[name] == "GEOMETRY":
            parts.append(f'ST_AsHEXWKB("{name}")')
        else:
            parts.append(f'"{name}"')
    return f'SELECT {", ".join(parts)} FROM "{table}"'


# -- the join --------------------------------------------------------------------------------------------------

def join(source: duckdb.DuckDBPyConnection, target, *, by: str, keep_office_salt: bool = False,
         file_name: str | None = None, _after_copy=None) -> dict:
    """Move the office's file into the district; returns {"tables": {table: rows moved}, "already": bool, ...}.

    All in one transaction on the district: any refusal or failure leaves it as it was."""
    if not pg.is_postgres(target):
        raise JoinError("The district database must be PostgreSQL (a postgresql:// address).")
    if pg.is_postgres(source):
        raise JoinError("The office's file must be a DuckDB file.")
    if _version(source) != _version(target):
        raise JoinError(f"The office's file is at schema version {_version(source)}, the district at "
                        f"{_version(target)}: open both with this version of the program first.")
    refs = references()
    names = tables(target)
    source_tables = {t for t, in source.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()} - NOT_MOVED
    if source_tables != set(names):
        raise JoinError(f"The file's tables differ from the district's: {sorted(source_tables ^ set(names))}.")
    ids = id_columns(target, refs)
    unmapped = sorted({f"{t}.{c} -> {r}" for t, c, r in refs if r not in ids})
    if unmapped:
        raise JoinError(f"References to a table without an id the join can renumber: {unmapped}.")
    seqs = sequences(target)
    strays = sorted(f"{t}.{c}" for (t, c) in seqs if ids.get(t) != c)
    if strays:
        raise JoinError(f"Sequence-numbered columns that are not a table's id: {strays}.")
    who = identity(source)
    with db.transaction(target):
        # First, before the snapshot is taken: nobody else writes (another join included) while the ids are
        # chosen and the rows go in; reads go on.
        target.raw_execute("LOCK TABLE " + ", ".join(f'"{t}"' for t in [*names, "meta"]) + " IN EXCLUSIVE MODE")
        done = target.execute("SELECT value FROM meta WHERE key = $k", {"k": JOINED + who}).fetchone()
        if done:
            return {"tables": {t: 0 for t in names}, "already": True, "identity": who, "joined": json.loads(done[0])}
        offsets = _offsets(source, target, ids, seqs)
        moved = {(t, c) for t, c in ids.items()} | {(t, c) for t, c, _ in refs}
        shifts = {t: {} for t in names}
        for table, column in ids.items():
            shifts[table][column] = offsets[table]
        for table, column, referenced in refs:
            shifts[table][column] = offsets[referenced]
        salt_note = _salts(source, target, keep_office_salt, offsets.get("community", 0))
        rows = {}
        for table in names:
            listed = columns(target, table)
            found = source.execute(_source_select(source, table, listed, shifts[table])).fetchall()
            rows[table] = (listed, _rewrite_text(table, listed, found, offsets))
        merged = _merge_by_key(target, rows, ids, refs)
        _refuse_clashes(source, target, rows, unique_keys(target, moved))
        before = {t: _count(target, t) for t in names}
        counts = {}
        for table in names:
            listed, found = rows[table]
            counts[table] = target.copy_rows(table, listed, found) if found else 0
        if _after_copy is not None:
            _after_copy(target)
        for (table, column), sequence in seqs.items():
            if counts[table]:
                target.execute(f"SELECT setval('{sequence}', greatest((SELECT max(\"{column}\") FROM \"{table}\"),"
                               f" (SELECT last_value FROM \"{sequence}\")))")
        wrong = {t: (before[t], counts[t], _count(target, t)) for t in names
                 if _count(target, t) != before[t] + len(rows[t][1])}
        if wrong:
            raise JoinError("Counts after the copy do not add up, nothing was joined: " + ", ".join(
                f"{t} had {b}, {n} copied, now {a}" for t, (b, n, a) in sorted(wrong.items())))
        _merge_meta(source, target)
        record = {"at": datetime.now().replace(microsecond=0).isoformat(), "by": by, "file": file_name,
                  "rows": sum(counts.values()), "salt": salt_note, "same_as_district": merged}
        target.execute("INSERT INTO meta (key, value) VALUES ($k, $v)",
                       {"k": JOINED + who, "v": json.dumps(record, ensure_ascii=False)})
        target.execute("INSERT INTO audit_log (logged_at, username, role, action, target, new_value, detail)"
                       " VALUES ($at, $by, NULL, 'join', $target, $new, $detail)",
                       {"at": datetime.now().replace(microsecond=0), "by": by, "target": f"file:{file_name or who}",
                        "new": json.dumps({"identity": who, "tables": counts}, ensure_ascii=False),
                        "detail": salt_note})
    return {"tables": counts, "already": False, "identity": who, "salt": salt_note, "offsets": offsets,
            "same_as_district": merged}


def _count(con, table: str) -> int:
    return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def _offsets(source, target, ids: dict[str, str], seqs: dict[tuple[str, str], str]) -> dict[str, int]:
    """Per table, what to add to the file's ids so they start right after the district's (and its sequence's)."""
    offsets = {}
    for table, column in ids.items():
        low = source.execute(f'SELECT min("{column}") FROM "{table}"').fetchone()[0]
        high = target.execute(f'SELECT coalesce(max("{column}"), 0) FROM "{table}"').fetchone()[0]
        if (table, column) in seqs:
            value, called = target.execute(
                f'SELECT last_value, is_called FROM "{seqs[table, column]}"').fetchone()
            high = max(high, value if called else value - 1)
        offsets[table] = 0 if low is None else max(high, 0) - low + 1
    return offsets


def _rewrite_text(table: str, names: list[str], rows: list[tuple], offsets: dict[str, int]) -> list[tuple]:
    """Ids written into text: an audit row's target ('resident:123') and a pass's number (P001-00012)."""
    if table == "audit_log":
        at = names.index("target")

        def fixed(value):
            match = AUDIT_TARGET.match(value or "")
            if match and match.group(1) in offsets:
                return f"{match.group(1)}:{int(match.group(2)) + offsets[match.group(1)]}"
            return value
    elif table == "gate_pass":
        at = names.index("number")

        def fixed(value):
            match = PASS_NUMBER.match(value or "")
            if match:
                return f"{match.group(1)}{int(match.group(2)) + offsets['compound']:03d}-{match.group(3)}"
            return value
    else:
        return rows
    return [(*row[:at], fixed(row[at]), *row[at + 1:]) for row in rows]


def _merge_by_key(target, rows: dict, ids: dict[str, str], refs) -> dict[str, int]:
    """Rows of SAME_BY_KEY tables the district already holds: dropped from the copy, references repointed."""
    merged = {}
    for table, key in SAME_BY_KEY.items():
        listed, found = rows[table]
        if not found:
            continue
        cols = ", ".join(f'"{c}"' for c in key)
        held = {tuple(r[:-1]): r[-1] for r in target.execute(
            f'SELECT {cols}, "{ids[table]}" FROM "{table}"').fetchall()}
        at, own = [listed.index(c) for c in key], listed.index(ids[table])
        same = {row[own]: held[k] for row in found if (k := tuple(row[i] for i in at)) in held}
        if not same:
            continue
        merged[table] = len(same)
        rows[table] = (listed, [row for row in found if row[own] not in same])
        for other, column, referenced in refs:
            if referenced == table:
                names, other_rows = rows[other]
                i = names.index(column)
                rows[other] = (names, [(*r[:i], same.get(r[i], r[i]), *r[i + 1:]) for r in other_rows])
    return merged


def _refuse_clashes(source, target, rows: dict, keys: list[tuple[str, list[str]]]) -> None:
    clashes = []
    for table, cols in keys:
        listed, found = rows[table]
        if not found:
            continue
        held = {tuple(r) for r in target.execute(
            f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{table}"').fetchall()}
        at = [listed.index(c) for c in cols]
        values = {tuple(row[i] for i in at) for row in found}
        same = sorted({v for v in values if None not in v} & held, key=str)
        if same:
            shown = ", ".join("/".join(str(v) for v in key) for key in same[:5])
            clashes.append(f"{table} ({', '.join(cols)}): {len(same)} already in the district, e.g. {shown}")
    held = set(target.execute("SELECT name, coalesce(street, ''), coalesce(district, '') FROM community").fetchall())
    twins = sorted(set(source.execute(
        "SELECT name, coalesce(street, ''), coalesce(district, '') FROM community").fetchall()) & held)
    if twins:
        clashes.append("community: the district already has " + ", ".join(f"{n} ({s} {d})".strip() for n, s, d
                                                                           in twins))
    if clashes:
        raise JoinError("Nothing was joined; these values of the office's file are already in the district: "
                        + "; ".join(clashes) + ". Rename or remove them in the office's file, then join again.")


def _salts(source, target, keep_office_salt: bool, community_offset: int) -> str:
    """What becomes of the office's ID salt (see the module's docstring); returns a note for the record."""
    office = _meta(source).get("id_salt")
    district = _meta(target).get("id_salt")
    office_hashed = source.execute("SELECT count(*) FROM resident WHERE id_hash IS NOT NULL").fetchone()[0]
    district_hashed = target.execute("SELECT count(*) FROM resident WHERE id_hash IS NOT NULL").fetchone()[0]
    if office is None or office == district or not office_hashed:
        return "same salt" if office == district and office else "no ID numbers to match"
    if district is None:
        target.execute("INSERT INTO meta (key, value) VALUES ('id_salt', $s)", {"s": office})
        return "district takes the office's salt"
    if not district_hashed:
        target.execute("UPDATE meta SET value = $s WHERE key = 'id_salt'", {"s": office})
        return "district takes the office's salt"
    if not keep_office_salt:
        raise JoinError(
            "The office's ID numbers were hashed with its own salt, not the district's. The full numbers are never "
            "stored, so they cannot be hashed again here. Join with --keep-office-salt to keep the office's salt "
            "for its communities (imports and searches by ID number use it there; a register that moves someone "
            "in from another community will not match them), or re-import the office's register into the district.")
    for community_id, in source.execute("SELECT community_id FROM community").fetchall():
        target.execute("INSERT INTO meta (key, value) VALUES ($k, $s)",
                       {"k": f"id_salt:{community_id + community_offset}", "s": office})
    return "office's salt kept per community"


def _merge_meta(source, target) -> None:
    """Keys of the office's meta the district lacks (but not its salt, decided above, nor its own joins)."""
    held = _meta(target)
    for key, value in _meta(source).items():
        if key not in held and key != "id_salt" and not key.startswith(JOINED):
            target.execute("INSERT INTO meta (key, value) VALUES ($k, $v)", {"k": key, "v": value})


# -- the command -----------------------------------------------------------------------------------------------

def describe(result: dict) -> str:
    if result["already"]:
        when = result["joined"]
        return (f"This file was already joined on {when.get('at')} by {when.get('by')}; nothing was moved. "
                "Work done in the file since then is not in the district.")
    moved = {t: n for t, n in result["tables"].items() if n}
    lines = [f"Joined: {sum(moved.values())} rows in {len(moved)} tables moved into the district."]
    lines += [f"  {table}: {n}" for table, n in sorted(moved.items())]
    for table, n in result.get("same_as_district", {}).items():
        lines.append(f"  {table}: {n} already in the district (the same published cases), not copied again")
    lines.append(f"ID numbers: {result['salt']}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m resilient.ops.join", description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", required=True, help="the office's DuckDB file")
    parser.add_argument("--to", dest="target", required=True, help="the district's postgresql:// address")
    parser.add_argument("--by", required=True, help="username the audit row names")
    parser.add_argument("--keep-office-salt", action="store_true",
                        help="join an office whose ID numbers were hashed with another salt (see the docs)")
    args = parser.parse_args(argv)
    if not Path(args.source).is_file():
        print(f"No such file: {args.source}", file=sys.stderr)
        return 2
    if not pg.is_url(args.target):
        print("--to must be a postgresql:// address", file=sys.stderr)
        return 2
    source = db.connect(args.source)
    target = db.connect(args.target)
    try:
        result = join(source, target, by=args.by, keep_office_salt=args.keep_office_salt,
                      file_name=Path(args.source).name)
    except JoinError as error:
        print(f"Not joined: {error}", file=sys.stderr)
        return 1
    finally:
        source.close()
        target.close()
    print(describe(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
