"""Whole-database backups: one Parquet file per table with a signed manifest; restored aside and renamed in whole.

    python -m resilient.ops.backup create [--path DB] [--to FOLDER]
    python -m resilient.ops.backup restore FOLDER_OR_ZIP --to NEW_DB_FILE [--key-of DB] [--accept-unverified]

A restore never runs SQL from the archive: it builds the schema from this product's own migrations, up to the
version the backup was taken at, loads only the Parquet files that schema expects (by table name and column), then
applies the newer migrations. The manifest lists every file's SHA-256 and is signed with HMAC-SHA256 under a key
kept beside the database (<db>.backup-key, never in a backup); a backup that is unsigned (older versions made
those) or signed with another installation's key is refused unless the administrator accepts it explicitly,
and the restore's audit row says so. A zip is checked (names, count, declared sizes, compression ratio) before
anything is unpacked, and unpacked with a byte limit.

Exit codes: 0 done, 1 refused (the message says why; nothing was changed), 2 wrong arguments, 3 the database file
is held by another process (the running dashboard: DuckDB lets one process open a file).
"""

import argparse
import getpass
import hashlib
import hmac
import io
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import duckdb

from resilient.core import audit, config, db
from resilient.core.i18n import t

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
FORMAT_VERSION = 2          # 1: DuckDB EXPORT DATABASE with its schema.sql and load.sql (never run), unsigned
KNOWN_FORMATS = (1, 2)
EXPORT_SCRIPTS = ("schema.sql", "load.sql")  # in format 1 backups: checked against the manifest, never executed
TABLE_FILE = re.compile(r"^[a-z_][a-z0-9_]{0,62}\.parquet$")
SEQUENCE_AHEAD = 10_000_000  # a manifest may move a sequence at most this far past the ids its table holds
KEY_BYTES = 32
EXIT_OK, EXIT_REFUSED, EXIT_LOCKED = 0, 1, 3


@dataclass(frozen=True)
class Limits:
    """What a backup zip may declare and unpack to; checked on the zip's directory before anything is unpacked."""

    members: int = 1_000
    member_bytes: int = 4 << 30
    total_bytes: int = 8 << 30
    manifest_bytes: int = 1 << 20
    ratio: float = 100.0          # unpacked / packed, for members over ratio_from bytes (Parquet is packed already)
    ratio_from: int = 1 << 20


LIMITS = Limits()


class BackupError(ValueError):
    """A backup or restore refused: `code` is a translation key (resilient/core/i18n.py), `values` fill it in."""

    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code = code
        self.values = values


def message(code: str, lang: str, **values) -> str:
    """A backup text in one language, for the command line."""
    return t(code, lang, **values)


def _ident(name: str) -> str:
    """A table or column name of our own schema (never the archive's) as a quoted identifier."""
    return '"' + name.replace('"', '""') + '"'


def table_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT internal "
        "AND schema_name = 'main' ORDER BY table_name").fetchall()]


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per table of the database, by name."""
    return {name: con.execute(f"SELECT count(*) FROM {_ident(name)}").fetchone()[0] for name in table_names(con)}


def table_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Columns per table, in order: what a restore loads, taken from the freshly migrated schema."""
    columns: dict[str, list[str]] = {}
    for table, column in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND NOT internal AND schema_name = 'main' ORDER BY table_name, column_index").fetchall():
        columns.setdefault(table, []).append(column)
    return columns


def macro_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The schema's own macros (allowed, scoped_building ...): reads depend on them, so a restore must bring them."""
    return [row[0] for row in con.execute(
        "SELECT DISTINCT function_name FROM duckdb_functions() WHERE database_name = current_database() "
        "AND NOT internal AND function_type IN ('macro', 'table_macro') ORDER BY 1").fetchall()]


def sequence_values(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The last number each sequence gave (0 when none yet): a restore continues after it."""
    return {name: int(last or 0) for name, last in con.execute(
        "SELECT sequence_name, last_value FROM duckdb_sequences() WHERE database_name = current_database() "
        "ORDER BY 1").fetchall()}


def sequence_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Sequence -> the (table, column) pairs it numbers, read from the columns' defaults."""
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, default in con.execute(
            "SELECT table_name, column_name, column_default FROM duckdb_columns() "
            "WHERE database_name = current_database() AND column_default LIKE 'nextval(%'").fetchall():
        match = re.search(r"nextval\('([^']+)'", default)
        if match:
            found.setdefault(match.group(1), []).append((table, column))
    return found


def migration_versions(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [row[0] for row in con.execute("SELECT version FROM schema_migration ORDER BY version").fetchall()]


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- the signing key -------------------------------------------------------------------------------------------

def key_path(database: Path) -> Path:
    """Where a database's backup key lives: beside it, never inside a backup."""
    return Path(database).with_name(Path(database).name + ".backup-key")


def signing_key(database: Path, *, create: bool = False) -> bytes | None:
    """The database's backup key; made (0600, readable by the server's user only) on the first backup."""
    path = key_path(database)
    if create and not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it a moment ago
        else:
            with os.fdopen(fd, "w", encoding="ascii") as file:
                file.write(secrets.token_hex(KEY_BYTES) + "\n")
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise BackupError("backup.error.key_unreadable", file=path.name) from error


def key_id(key: bytes) -> str:
    """A short public name of a key, kept in the manifest, to tell another installation's backup from an edit."""
    return hashlib.sha256(b"rc-backup-key-id:" + key).hexdigest()[:16]


def sign(manifest_bytes: bytes, key: bytes) -> str:
    return hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest()


def database_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file the connection has open, None in memory."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return Path(row[0]) if row and row[0] else None


def _key_for(con: duckdb.DuckDBPyConnection, key: bytes | None) -> bytes:
    if key is not None:
        return key
    path = database_file(con)
    if path is None:
        raise ValueError("a database in memory has no key beside it: pass key=")
    return signing_key(path, create=True)


# --- making a backup -------------------------------------------------------------------------------------------

def _audit_username(actor) -> str | None:
    """Who to name in the log when nobody is signed in: the operating-system user at the command line."""
    if actor is not None:
        return None
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in a bare container
        return "cli"


def _new_folder(parent: Path, now: datetime) -> Path:
    """backup-YYYYmmdd-HHMMSS under parent, with -2, -3 ... when that name is taken: never an existing folder."""
    stem = f"backup-{now:%Y%m%d-%H%M%S}"
    candidate, n = parent / stem, 1
    while candidate.exists():
        n += 1
        candidate = parent / f"{stem}-{n}"
    return candidate


def _export(con: duckdb.DuckDBPyConnection, into: Path, now: datetime, key: bytes) -> dict:
    """Every table to its own Parquet file and the manifest over them; run inside a transaction so counts match."""
    for table in table_names(con):
        con.execute(f"COPY {_ident(table)} TO {_literal(into / f'{table}.parquet')} (FORMAT parquet)")
    return {
        "format": FORMAT_VERSION,
        "created_at": now.isoformat(),
        "duckdb": duckdb.__version__,
        "key_id": key_id(key),
        "tables": table_counts(con),
        "schema_migration": migration_versions(con),
        "macros": macro_names(con),
        "sequences": sequence_values(con),
        "files": {file.name: _sha256(file) for file in sorted(into.iterdir()) if file.is_file()},
    }


def _literal(path: Path) -> str:
    """A file name we made, as a string literal for COPY (which takes no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def backup(con: duckdb.DuckDBPyConnection, folder: Path, *, actor, now: datetime | None = None,
           key: bytes | None = None) -> Path:
    """The whole database exported to a new time-stamped folder under `folder`; returns that folder.

    Signed with `key`, by default the key beside the database file (made on the first backup). Written as a
    hidden .partial folder and renamed when complete, so a backup folder is never half written; the audit entry
    is in the same transaction as the export, so the backup carries its own entry.
    """
    return _backup(con, Path(folder), actor, now or config.now(), detail=None, key=_key_for(con, key))


def _backup(con: duckdb.DuckDBPyConnection, folder: Path, actor, now: datetime, detail: str | None,
            key: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = _new_folder(folder, now)
    partial = folder / f".{target.name}.partial-{uuid.uuid4().hex[:8]}"
    partial.mkdir()
    renamed = False
    try:
        with db.transaction(con):
            audit.record(con, actor, "backup", target.name, at=now, detail=detail, username=_audit_username(actor))
            manifest = json.dumps(_export(con, partial, now, key), indent=2, ensure_ascii=False).encode("utf-8")
            (partial / MANIFEST).write_bytes(manifest)
            (partial / SIGNATURE).write_text(sign(manifest, key) + "\n", encoding="ascii")
            if target.exists():
                raise FileExistsError(target)
            partial.rename(target)
            renamed = True
    except BaseException:
        shutil.rmtree(target if renamed else partial, ignore_errors=True)
        raise
    return target


def zip_folder(folder: Path) -> bytes:
    """A backup folder as zip bytes, its files under the folder's name (unzipping gives the folder back)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, f"{folder.name}/{file.name}")
    return buffer.getvalue()


def kept_by_the_server(con) -> bool:
    """A shared PostgreSQL database is backed up and restored on its server (pg_dump, a standby), not by one of
    the app processes: a restore "at the next start" of one process would replace nothing there."""
    from resilient.core import pg

    return pg.is_postgres(con)


def backup_zip(con: duckdb.DuckDBPyConnection, *, actor, now: datetime | None = None,
               key: bytes | None = None) -> bytes:
    """The same backup as a zip file, for a download button; nothing stays on the server's disk."""
    key = _key_for(con, key)
    with tempfile.TemporaryDirectory(prefix="rc-backup-") as scratch:
        return zip_folder(_backup(con, Path(scratch), actor, now or config.now(), detail="zip download", key=key))


# --- checking a backup before anything of it is used ----------------------------------------------------------

def _expected_name(name: str) -> bool:
    return name in (MANIFEST, SIGNATURE, *EXPORT_SCRIPTS) or bool(TABLE_FILE.match(name))


def _zip_members(archive: zipfile.ZipFile, label: str, limits: Limits) -> list[tuple[zipfile.ZipInfo, str]]:
    """(member, file name) of a backup zip, after checking its directory alone: names, count, declared sizes."""
    infos = archive.infolist()
    if len(infos) > limits.members:
        raise BackupError("backup.error.too_many_files", file=label, limit=limits.members)
    members, folders, total = [], set(), 0
    for info in infos:
        parts = PurePosixPath(info.filename).parts
        if (info.filename.startswith("/") or len(parts) > 2 or not parts
                or any(p in ("", ".", "..") or "\\" in p or ":" in p for p in parts)):
            raise BackupError("backup.error.unexpected_file", file=info.filename[:80])
        if info.is_dir():
            if len(parts) != 1:
                raise BackupError("backup.error.unexpected_file", file=info.filename[:80])
            folders.add(parts[0])
            continue
        if not _expected_name(parts[-1]):
            raise BackupError("backup.error.unexpected_file", file=parts[-1][:80])
        folders.add(parts[0] if len(parts) == 2 else "")
        limit = limits.manifest_bytes if parts[-1] in (MANIFEST, SIGNATURE) else limits.member_bytes
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if (info.file_size > limit or total > limits.total_bytes
                or (info.file_size > limits.ratio_from and ratio > limits.ratio)):
            raise BackupError("backup.error.too_large", file=parts[-1], limit_mb=limits.total_bytes >> 20)
        members.append((info, parts[-1]))
    names = [name for _, name in members]
    if len(folders - {""}) > 1 or ("" in folders and len(folders) > 1) or len(set(names)) != len(names):
        raise BackupError("backup.error.not_a_backup", path=label)
    if MANIFEST not in names:
        raise BackupError("backup.error.not_a_backup", path=label)
    return members


def _unzip(archive: zipfile.ZipFile, into: Path, label: str, limits: Limits) -> None:
    """Unpack the checked members flat into `into`, each stopped at its declared size and all at the total limit
    (a member may unpack to more than it declares)."""
    total = 0
    for info, name in _zip_members(archive, label, limits):
        allowed = info.file_size
        written = 0
        with archive.open(info) as source, (into / name).open("wb") as out:
            while chunk := source.read(1 << 20):
                written += len(chunk)
                total += len(chunk)
                if written > allowed or total > limits.total_bytes:
                    raise BackupError("backup.error.too_large", file=name, limit_mb=limits.total_bytes >> 20)
                out.write(chunk)


@contextmanager
def _unpacked(source: Path | bytes | BinaryIO, label: str, limits: Limits) -> Iterator[Path]:
    """The backup folder for a folder, a zip file, zip bytes or a zip stream; a zip is checked, then unpacked into
    a folder removed after."""
    if isinstance(source, Path) and source.is_dir():
        strays = [p.name for p in source.iterdir() if not (p.is_file() and _expected_name(p.name))]
        if strays:
            raise BackupError("backup.error.unexpected_file", file=sorted(strays)[0][:80])
        yield source
        return
    if isinstance(source, Path) and not source.exists():
        raise BackupError("backup.error.not_found", path=str(source))
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    with tempfile.TemporaryDirectory(prefix="rc-restore-") as scratch:
        try:
            with zipfile.ZipFile(stream) as archive:
                _unzip(archive, Path(scratch), label, limits)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, OSError) as error:
            raise BackupError("backup.error.not_a_backup", path=label) from error
        yield Path(scratch)


def read_manifest(folder: Path, label: str) -> tuple[dict, bytes]:
    """The backup's manifest and its bytes as signed, or BackupError when it is not one of ours or is too new."""
    try:
        raw = (folder / MANIFEST).read_bytes()
        manifest = json.loads(raw.decode("utf-8"))
        tables, files, versions = manifest["tables"], manifest["files"], manifest["schema_migration"]
        if (manifest["format"] not in KNOWN_FORMATS or not isinstance(tables, dict) or not isinstance(files, dict)
                or not isinstance(versions, list) or not all(isinstance(v, int) for v in versions)
                or not all(isinstance(n, int) for n in tables.values())):
            raise ValueError(manifest["format"])
        datetime.fromisoformat(manifest["created_at"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError("backup.error.not_a_backup", path=label) from error
    known = max((version for version, _, _ in db.available_migrations()), default=0)
    if versions and max(versions) > known:
        raise BackupError("backup.error.newer_schema", version=max(versions), known=known)
    if versions != list(range(1, len(versions) + 1)):
        raise BackupError("backup.error.schema_gaps", versions=", ".join(map(str, versions))[:80])
    return manifest, raw


def check_signature(folder: Path, manifest: dict, raw: bytes, key: bytes | None, accept_unverified: bool) -> str:
    """'signed' when the manifest carries our key's signature; 'unsigned' or 'foreign' (another installation's
    key, or no key here) only when the administrator accepts such a backup. A manifest that names our key but
    does not verify was changed after signing: refused whatever is accepted."""
    signature = folder / SIGNATURE
    if not signature.is_file():
        status = "unsigned"
    elif key is None or manifest.get("key_id") != key_id(key):
        status = "foreign"
    else:
        given = signature.read_text(encoding="ascii", errors="replace").strip()
        if not hmac.compare_digest(given, sign(raw, key)):
            raise BackupError("backup.error.bad_signature")
        return "signed"
    if not accept_unverified:
        raise BackupError(f"backup.error.{status}")
    return status


def verify_files(folder: Path, manifest: dict) -> None:
    """Exactly the files the manifest lists, each with its checksum: a missing, extra or altered file is refused."""
    listed = set(manifest["files"])
    scripts = EXPORT_SCRIPTS if manifest["format"] == 1 else ()
    for name in listed:
        if not _expected_name(name) or name in (MANIFEST, SIGNATURE) or (name in EXPORT_SCRIPTS and not scripts):
            raise BackupError("backup.error.unexpected_file", file=str(name)[:80])
    present = {p.name for p in folder.iterdir() if p.name not in (MANIFEST, SIGNATURE)}
    for name in sorted(present - listed):
        raise BackupError("backup.error.unexpected_file", file=name)
    for name, digest in manifest["files"].items():
        file = folder / name
        if not file.is_file():
            raise BackupError("backup.error.incomplete", file=name)
        if _sha256(file) != digest:
            raise BackupError("backup.error.corrupt", file=name)


def check_restored(con: duckdb.DuckDBPyConnection, manifest: dict) -> None:
    """The loaded database has the manifest's row counts and macros, and its sequences continue past their ids."""
    found = table_counts(con)
    for table, expected in manifest["tables"].items():
        if found.get(table) != expected:
            raise BackupError("backup.error.count_mismatch", table=table, expected=expected, found=found.get(table, 0))
    have = set(macro_names(con))
    for name in manifest.get("macros", []):
        if name not in have:
            raise BackupError("backup.error.macro_missing", name=name)
    last_values = sequence_values(con)
    for sequence, columns in sequence_columns(con).items():
        for table, column in columns:
            last = con.execute(f"SELECT coalesce(max({_ident(column)}), 0) FROM {_ident(table)}").fetchone()[0]
            if last_values.get(sequence, 0) < last:
                raise BackupError("backup.error.sequence", next=last_values.get(sequence, 0) + 1, last=last)


# --- restoring -------------------------------------------------------------------------------------------------

def restore(source: Path | bytes | BinaryIO, target: Path, *, actor, now: datetime | None = None,
            key: bytes | None = None, accept_unverified: bool = False, label: str | None = None,
            limits: Limits = LIMITS) -> dict:
    """A backup (folder, zip file, zip bytes or stream) loaded into the NEW database file `target`; returns its
    manifest.

    `key` is this installation's backup key (None: there is none, every backup is foreign); `accept_unverified`
    is the administrator's explicit yes to an unsigned or foreign backup. `label` names the upload in messages
    (never a server path). Checked before loading (zip directory, manifest, signature, files, checksums,
    columns) and after (row counts, macros, numbering); built under a temporary name beside the target and
    renamed only when complete; on any failure the target path is left as it was and the error is a
    BackupError. The restore is audited in the restored database, with how its signature was taken.
    """
    target = Path(target)
    if target.exists():
        raise BackupError("backup.error.target_exists", path=str(target))
    source = Path(source) if isinstance(source, str) else source
    label = label or (source.name if isinstance(source, Path) else "zip")
    with _unpacked(source, label, limits) as folder:
        manifest, raw = read_manifest(folder, label)
        signature = check_signature(folder, manifest, raw, key, accept_unverified)
        verify_files(folder, manifest)
        _load_aside(folder, manifest, target, actor, now or config.now(), signature)
    return manifest


def _load_aside(folder: Path, manifest: dict, target: Path, actor, now: datetime, signature: str) -> None:
    """Migrate a temporary file next to target to the backup's version, load its Parquet files, migrate on,
    check, audit and rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.tmp-restore-{uuid.uuid4().hex[:8]}")
    try:
        con = db.connect(partial, migrate_schema=False)
        try:
            db.migrate(con, upto=len(manifest["schema_migration"]))
            _load_tables(con, folder, manifest)
            check_restored(con, manifest)
            db.migrate(con)
            with db.transaction(con):
                audit.record(con, actor, "restore", target.name, at=now, username=_audit_username(actor),
                             new={"backup_created_at": manifest["created_at"], "tables": len(manifest["tables"]),
                                  "signature": signature},
                             detail=None if signature == "signed" else f"accepted_unverified:{signature}")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        if target.exists():
            raise BackupError("backup.error.target_exists", path=str(target))
        partial.rename(target)
    except duckdb.Error as error:
        reason = str(error).splitlines()[0].replace(str(folder), "").replace(str(partial), "")
        raise BackupError("backup.error.import_failed", reason=reason[:200]) from error
    finally:
        for leftover in (partial, partial.with_name(partial.name + ".wal")):
            leftover.unlink(missing_ok=True)


def _load_tables(con: duckdb.DuckDBPyConnection, folder: Path, manifest: dict) -> None:
    """Each table of the schema from its Parquet file, column by column, in one transaction; the files and
    columns must be exactly the schema's (a backup is loaded at the version it was taken at)."""
    columns = table_columns(con)
    files = {name.removesuffix(".parquet") for name in manifest["files"] if name.endswith(".parquet")}
    for name in sorted(files - set(columns)):
        raise BackupError("backup.error.unknown_table", table=name)
    for table in sorted(set(columns) - files):
        raise BackupError("backup.error.incomplete", file=f"{table}.parquet")
    with db.transaction(con):
        for table, wanted in columns.items():
            path = str(folder / f"{table}.parquet")
            found = [row[0] for row in con.execute("DESCRIBE SELECT * FROM read_parquet($p)", {"p": path}).fetchall()]
            missing = [c for c in wanted if c not in found]
            extra = [c for c in found if c not in wanted]
            if missing or extra:
                raise BackupError("backup.error.columns", table=table,
                                  missing=", ".join(missing) or "-", extra=", ".join(extra)[:200] or "-")
            listed = ", ".join(_ident(c) for c in wanted)
            con.execute(f"DELETE FROM {_ident(table)}")  # rows a migration seeded: the backup's own replace them
            con.execute(f"INSERT INTO {_ident(table)} ({listed}) SELECT {listed} FROM read_parquet($p)", {"p": path})
        _continue_sequences(con, manifest.get("sequences", {}))


def _continue_sequences(con: duckdb.DuckDBPyConnection, recorded: dict) -> None:
    """Every sequence moved past the ids its tables hold, and to where the backup's sequence was (within reason:
    DuckDB cannot restart a sequence a column uses, so it is advanced by drawing numbers)."""
    current = sequence_values(con)
    for sequence, columns in sequence_columns(con).items():
        highest = max(con.execute(f"SELECT coalesce(max({_ident(c)}), 0) FROM {_ident(t)}").fetchone()[0]
                      for t, c in columns)
        wanted = recorded.get(sequence, 0)
        wanted = max(highest, wanted if isinstance(wanted, int) and wanted <= highest + SEQUENCE_AHEAD else 0)
        steps = wanted - current.get(sequence, 0)
        if steps > 0:
            con.execute("SELECT max(nextval($s)) FROM range($n)", {"s": sequence, "n": steps})


def open_database(path: Path) -> duckdb.DuckDBPyConnection:
    """The database file for a command-line backup, as it is (no migration); says so when another process holds it."""
    if not path.is_file():
        raise BackupError("backup.error.no_database", path=str(path))
    try:
        return db.connect(path, migrate_schema=False)
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise BackupError("backup.error.locked", path=str(path)) from error
        raise


def _say(code: str, error: bool = False, **values) -> None:
    """A message in Chinese, then English (the command line has no language setting); refusals go to stderr."""
    stream = sys.stderr if error else sys.stdout
    print(message(code, "zh", **values), file=stream)
    print(message(code, "en", **values), file=stream)


def _create(args: argparse.Namespace) -> int:
    path = Path(args.path) if args.path else config.database_path()
    con = open_database(path)
    try:
        folder = backup(con, Path(args.to) if args.to else path.parent / "backups", actor=None)
    finally:
        con.close()
    _say("backup.created", path=str(folder))
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    key = signing_key(Path(args.key_of) if args.key_of else config.database_path())
    manifest = restore(Path(args.source), Path(args.to), actor=None, key=key, accept_unverified=args.accept_unverified)
    _say("backup.restored", path=str(args.to), tables=len(manifest["tables"]))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m resilient.ops.backup",
                                     description="Back up the whole database, or restore a backup into a new file.")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="export the database to a new time-stamped backup folder")
    create.add_argument("--path", help="database file (default: RC_DB_PATH or data/community.duckdb)")
    create.add_argument("--to", help="folder to put the backup in (default: backups/ beside the database)")
    create.set_defaults(run=_create)
    back = sub.add_parser("restore", help="import a backup folder or zip into a new database file")
    back.add_argument("source", help="backup folder or .zip file")
    back.add_argument("--to", required=True, help="the new database file to create (never overwritten)")
    back.add_argument("--key-of", help="the database whose backup key signed it (default: RC_DB_PATH or "
                                       "data/community.duckdb)")
    back.add_argument("--accept-unverified", action="store_true",
                      help="accept a backup that is unsigned or signed by another installation (you know its origin)")
    back.set_defaults(run=_restore)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BackupError as error:
        _say(error.code, True, **error.values)
        return EXIT_LOCKED if error.code == "backup.error.locked" else EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main())


def pending_path(database: Path) -> Path:
    """Where a restore made from the UI waits for the next start, beside the live database file."""
    return Path(database).with_name(Path(database).name + ".restored")


def restore_for_next_start(source: bytes | BinaryIO, database: Path, *, actor, now: datetime | None = None,
                           accept_unverified: bool = False, label: str = "zip", limits: Limits = LIMITS) -> dict:
    """Restore an uploaded backup into the pending file; the live database is swapped only at the next start,
    when no session holds it open. Verified with the live database's key; a pending restore that was never
    applied is replaced."""
    pending = pending_path(database)
    pending.unlink(missing_ok=True)
    return restore(source, pending, actor=actor, now=now, key=signing_key(database),
                   accept_unverified=accept_unverified, label=label, limits=limits)


def apply_pending_restore(database: Path, now: datetime | None = None) -> Path | None:
    """At start-up, before anything opens the database: put a pending restore in place, keeping the old file
    beside it as <name>.before-restore-<time>. Returns where the old file went, or None."""
    pending = pending_path(database)
    if not pending.exists():
        return None
    kept = None
    if Path(database).exists():
        kept = Path(database).with_name(f"{Path(database).name}.before-restore-{(now or config.now()):%Y%m%d-%H%M%S}")
        os.replace(database, kept)
    os.replace(pending, database)
    return kept
