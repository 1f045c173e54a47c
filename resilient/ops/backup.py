"""Whole-database backups: DuckDB EXPORT to Parquet with a checksummed manifest, restored aside and renamed in whole.

    python -m resilient.ops.backup create [--path DB] [--to FOLDER]
    python -m resilient.ops.backup restore FOLDER_OR_ZIP --to NEW_DB_FILE

Exit codes: 0 done, 1 refused (the message says why; nothing was changed), 2 wrong arguments, 3 the database file
is held by another process (the running dashboard: DuckDB lets one process open a file).
"""

import argparse
import getpass
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path, PurePosixPath

import duckdb

from resilient.core import audit, config, db
from resilient.core.i18n import t

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
SEQUENCE_TABLES = {"audit_log_seq": ("audit_log", "audit_id")}  # sequence -> the column it numbers
EXIT_OK, EXIT_REFUSED, EXIT_LOCKED = 0, 1, 3


class BackupError(ValueError):
    """A backup or restore refused: `code` is a translation key (resilient/core/i18n.py), `values` fill it in."""

    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code = code
        self.values = values


def message(code: str, lang: str, **values) -> str:
    """A backup text in one language, for the command line."""
    return t(code, lang, **values)


def _sql_text(value: str | Path) -> str:
    """A string literal for statements that take no parameters (EXPORT and IMPORT DATABASE)."""
    return "'" + str(value).replace("'", "''") + "'"


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per table of the database, by name."""
    names = [row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT internal "
        "ORDER BY table_name").fetchall()]
    return {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def macro_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The schema's own macros (allowed, scoped_building ...): reads depend on them, so a restore must bring them."""
    return [row[0] for row in con.execute(
        "SELECT DISTINCT function_name FROM duckdb_functions() WHERE database_name = current_database() "
        "AND NOT internal AND function_type IN ('macro', 'table_macro') ORDER BY 1").fetchall()]


def migration_versions(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [row[0] for row in con.execute("SELECT version FROM schema_migration ORDER BY version").fetchall()]


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def _export(con: duckdb.DuckDBPyConnection, into: Path, now: datetime) -> dict:
    """EXPORT DATABASE into an empty folder and return its manifest; run inside a transaction so counts match."""
    con.execute(f"EXPORT DATABASE {_sql_text(into)} (FORMAT parquet)")
    return {
        "format": FORMAT_VERSION,
        "created_at": now.isoformat(),
        "duckdb": duckdb.__version__,
        "tables": table_counts(con),
        "schema_migration": migration_versions(con),
        "macros": macro_names(con),
        "files": {file.name: _sha256(file) for file in sorted(into.iterdir()) if file.is_file()},
    }


def backup(con: duckdb.DuckDBPyConnection, folder: Path, *, actor, now: datetime | None = None) -> Path:
    """The whole database exported to a new time-stamped folder under `folder`; returns that folder.

    Written as a hidden .partial folder and renamed when complete, so a backup folder is never half written;
    the audit entry is in the same transaction as the export, so the backup carries its own entry.
    """
    return _backup(con, Path(folder), actor, now or config.now(), detail=None)


def _backup(con: duckdb.DuckDBPyConnection, folder: Path, actor, now: datetime, detail: str | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = _new_folder(folder, now)
    partial = folder / f".{target.name}.partial-{uuid.uuid4().hex[:8]}"
    partial.mkdir()
    renamed = False
    try:
        with db.transaction(con):
            audit.record(con, actor, "backup", target.name, at=now, detail=detail, username=_audit_username(actor))
            manifest = _export(con, partial, now)
            (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
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


def backup_zip(con: duckdb.DuckDBPyConnection, *, actor, now: datetime | None = None) -> bytes:
    """The same backup as a zip file, for a download button; nothing stays on the server's disk."""
    with tempfile.TemporaryDirectory(prefix="rc-backup-") as scratch:
        return zip_folder(_backup(con, Path(scratch), actor, now or config.now(), detail="zip download"))


def read_manifest(folder: Path) -> dict:
    """The backup's manifest, or BackupError when the folder is not one of our backups or is newer than us."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        tables, files, versions = manifest["tables"], manifest["files"], manifest["schema_migration"]
        if manifest["format"] != FORMAT_VERSION or not isinstance(tables, dict) or not isinstance(files, dict):
            raise ValueError(manifest["format"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError("backup.error.not_a_backup", path=str(folder)) from error
    known = max((version for version, _, _ in db.available_migrations()), default=0)
    if versions and max(versions) > known:
        raise BackupError("backup.error.newer_schema", version=max(versions), known=known)
    return manifest


def verify_files(folder: Path, manifest: dict) -> None:
    """Every file the manifest lists is there with its checksum: a deleted or altered file is caught before import."""
    for name, digest in manifest["files"].items():
        file = folder / PurePosixPath(name).name
        if not file.is_file():
            raise BackupError("backup.error.incomplete", file=name)
        if _sha256(file) != digest:
            raise BackupError("backup.error.corrupt", file=name)


def _extract_zip(data: bytes, into: Path, label: str) -> Path:
    """Unpack backup zip bytes into `into` (flat, or one folder deep, nothing else) and return the backup folder."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                parts = PurePosixPath(member.filename).parts
                if member.is_dir():
                    continue
                if len(parts) > 2 or any(p in ("", ".", "..") or "\\" in p or ":" in p for p in parts):
                    raise BackupError("backup.error.not_a_backup", path=label)
                destination = into.joinpath(*parts)
                destination.parent.mkdir(exist_ok=True)
                destination.write_bytes(archive.read(member))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
        raise BackupError("backup.error.not_a_backup", path=label) from error
    if (into / MANIFEST).is_file():
        return into
    found = [folder for folder in into.iterdir() if (folder / MANIFEST).is_file()]
    if len(found) != 1:
        raise BackupError("backup.error.not_a_backup", path=label)
    return found[0]


@contextmanager
def _unpacked(source: Path | bytes) -> Iterator[Path]:
    """The backup folder for a folder, a zip file or zip bytes; a zip is unpacked into a folder removed after."""
    if isinstance(source, Path) and source.is_dir():
        yield source
        return
    if isinstance(source, Path) and not source.exists():
        raise BackupError("backup.error.not_found", path=str(source))
    label = str(source) if isinstance(source, Path) else "zip"
    data = source.read_bytes() if isinstance(source, Path) else bytes(source)
    with tempfile.TemporaryDirectory(prefix="rc-restore-") as scratch:
        yield _extract_zip(data, Path(scratch), label)


def check_restored(con: duckdb.DuckDBPyConnection, manifest: dict) -> None:
    """The imported database has the manifest's row counts and macros, and its sequences continue past their ids."""
    found = table_counts(con)
    for table, expected in manifest["tables"].items():
        if found.get(table) != expected:
            raise BackupError("backup.error.count_mismatch", table=table, expected=expected, found=found.get(table, 0))
    have = set(macro_names(con))
    for name in manifest.get("macros", []):
        if name not in have:
            raise BackupError("backup.error.macro_missing", name=name)
    starts = dict(con.execute("SELECT sequence_name, start_value FROM duckdb_sequences()").fetchall())
    for sequence, (table, column) in SEQUENCE_TABLES.items():
        if sequence in starts and table in found:
            last = con.execute(f'SELECT coalesce(max("{column}"), 0) FROM "{table}"').fetchone()[0]
            if starts[sequence] <= last:
                raise BackupError("backup.error.sequence", next=starts[sequence], last=last)


def restore(source: Path | bytes, target: Path, *, actor, now: datetime | None = None) -> dict:
    """A backup (folder, zip file or zip bytes) imported into the NEW database file `target`; returns its manifest.

    Checked before import (manifest, files, checksums) and after (row counts, macros, audit numbering), built
    under a temporary name beside the target and renamed only when complete; on any failure the target path is
    left as it was and the error is a BackupError. The restore is audited in the restored database.
    """
    target = Path(target)
    if target.exists():
        raise BackupError("backup.error.target_exists", path=str(target))
    with _unpacked(Path(source) if isinstance(source, str) else source) as folder:
        manifest = read_manifest(folder)
        verify_files(folder, manifest)
        _import_aside(folder, manifest, target, actor, now or config.now())
    return manifest


def _import_aside(folder: Path, manifest: dict, target: Path, actor, now: datetime) -> None:
    """IMPORT DATABASE into a temporary file next to target, check it, audit it, rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.tmp-restore-{uuid.uuid4().hex[:8]}")
    try:
        con = db.connect(partial, migrate_schema=False)
        try:
            con.execute(f"IMPORT DATABASE {_sql_text(folder)}")
            check_restored(con, manifest)
            with db.transaction(con):
                audit.record(con, actor, "restore", target.name, at=now, username=_audit_username(actor),
                             new={"backup_created_at": manifest["created_at"], "tables": len(manifest["tables"])})
            con.execute("CHECKPOINT")
        finally:
            con.close()
        if target.exists():
            raise BackupError("backup.error.target_exists", path=str(target))
        partial.rename(target)
    except duckdb.Error as error:
        raise BackupError("backup.error.import_failed", reason=str(error).splitlines()[0]) from error
    finally:
        for leftover in (partial, partial.with_name(partial.name + ".wal")):
            leftover.unlink(missing_ok=True)


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
    manifest = restore(Path(args.source), Path(args.to), actor=None)
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


def restore_for_next_start(source: bytes, database: Path, *, actor, now: datetime | None = None) -> dict:
    """Restore an uploaded backup into the pending file; the live database is swapped only at the next start,
    when no session holds it open. A pending restore that was never applied is replaced."""
    pending = pending_path(database)
    pending.unlink(missing_ok=True)
    return restore(source, pending, actor=actor, now=now)


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
