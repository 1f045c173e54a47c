"""Backups round-trip the whole demo database; damaged, unsigned, foreign or oversized backups are refused and leave
the target path absent; nothing in an archive is ever run as SQL."""

import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from resilient.core import audit, db
from resilient.core.i18n import texts
from resilient.core.scope import EVERYTHING
from resilient.demo import database as demo_database
from resilient.demo import generator as demo
from resilient.ops import backup
from resilient.ops.backup import BackupError
from resilient.places import measures
from resilient.places.measures import Filters
from tests.conftest import NOW, TODAY

GEOMETRY_COLUMNS = {"building": "geom", "stairwell": "geom"}
KEY = bytes(range(32))  # this installation's backup key, for databases in memory


def fingerprint(con: duckdb.DuckDBPyConnection, audit_upto: int | None = None) -> dict[str, tuple]:
    """Per table: row count and the sum of row hashes (geometry included), plus geometry as text on its own."""
    prints = {}
    for table in backup.table_counts(con):
        where = f"WHERE audit_id <= {audit_upto}" if table == "audit_log" and audit_upto is not None else ""
        prints[table] = con.execute(f"SELECT count(*), sum(hash(t)) FROM {table} t {where}").fetchone()
    for table, column in GEOMETRY_COLUMNS.items():
        prints[f"{table}.{column}"] = con.execute(
            f"SELECT count({column}), sum(hash(ST_AsText({column}))) FROM {table}").fetchone()
    return prints


def max_audit_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT max(audit_id) FROM audit_log").fetchone()[0]


@pytest.fixture(scope="module")
def source():
    """A demo community with its accounts, as the app makes it (2,000 residents to stay quick)."""
    con = db.connect(":memory:")
    demo.generate(con, residents=2_000, seed=11, as_of=TODAY)
    users = demo_database.create_demo_accounts(con)
    yield con, next(u for u in users if u.role == "street_admin")
    con.close()


@pytest.fixture(scope="module")
def made(source, tmp_path_factory):
    """One backup of the source, with the source's fingerprint taken right after it (the backup's own entry in)."""
    con, admin = source
    folder = backup.backup(con, tmp_path_factory.mktemp("backups"), actor=admin, now=NOW, key=KEY)
    return folder, fingerprint(con), max_audit_id(con)


@pytest.fixture
def copy_of(made, tmp_path):
    """A private copy of the backup folder, for tests that damage it."""
    return Path(shutil.copytree(made[0], tmp_path / made[0].name))


def signed_restore(source, target, **options) -> dict:
    """A restore by this installation, whose key made the backups of the tests."""
    return backup.restore(source, target, **({"key": KEY} | options))


def resign(folder: Path, key: bytes = KEY) -> dict:
    """Checksums and signature made again over the folder as it now is: what only the key's holder can do."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"] = {p.name: backup._sha256(p) for p in sorted(folder.iterdir())
                         if p.name not in ("manifest.json", "manifest.sig")}
    manifest["key_id"] = backup.key_id(key)
    raw = json.dumps(manifest).encode("utf-8")
    (folder / "manifest.json").write_bytes(raw)
    (folder / "manifest.sig").write_text(backup.sign(raw, key), encoding="ascii")
    return manifest


def rechecksum(folder: Path, name: str) -> dict:
    """The manifest's checksum of one file recomputed, the signature left as it was: anyone can do this."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][name] = backup._sha256(folder / name)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return manifest


def restored(path: Path) -> duckdb.DuckDBPyConnection:
    return db.connect(path, migrate_schema=False)


def test_backup_writes_a_new_time_stamped_folder_with_a_manifest(source, made):
    con, _ = source
    folder, _, last_id = made
    assert folder.name == "backup-20261123-120000"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["created_at"] == "2026-11-23T12:00:00"
    every = [n for n, _, _ in db.available_migrations()]
    assert manifest["schema_migration"] == backup.migration_versions(con) == every
    assert manifest["tables"]["resident"] == 2_000 and manifest["tables"]["audit_log"] > 0
    assert set(manifest["macros"]) >= {"allowed", "scoped_building", "scoped_household", "active_on",
                                      "may_see_person"}
    assert {"resident.parquet", "building.parquet"} <= set(manifest["files"])
    assert set(manifest["files"]) == {f"{table}.parquet" for table in manifest["tables"]}  # no SQL in a backup
    assert (folder / "manifest.sig").read_text().strip() == backup.sign((folder / "manifest.json").read_bytes(), KEY)
    entry = con.execute("SELECT username, action, target FROM audit_log WHERE audit_id = $i", {"i": last_id}).fetchone()
    assert entry == ("admin", "backup", folder.name)
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no partial folder left


def test_a_second_backup_in_the_same_second_never_overwrites(source, made):
    con, admin = source
    first = made[0]
    before = {p.name: p.stat().st_mtime_ns for p in first.iterdir()}
    second = backup.backup(con, first.parent, actor=admin, now=NOW, key=KEY)
    assert second.name == first.name + "-2"
    assert {p.name: p.stat().st_mtime_ns for p in first.iterdir()} == before
    shutil.rmtree(second)


def test_round_trip_keeps_every_table_identical(made, tmp_path):
    folder, prints, last_id = made
    target = tmp_path / "restored.duckdb"
    manifest = signed_restore(folder, target, actor=None, now=NOW)
    assert manifest["tables"]["resident"] == 2_000
    con = restored(target)
    assert fingerprint(con, audit_upto=last_id) == prints
    assert set(backup.table_counts(con)) == {t for t in prints if "." not in t}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["restored.duckdb"]  # nothing left beside it
    assert db.migrate(con) == []  # the app opens it as it is: no migration missing
    con.close()


def test_macros_and_overview_reads_work_after_restore(source, made, tmp_path):
    con, _ = source
    target = tmp_path / "restored.duckdb"
    signed_restore(made[0], target, actor=None)
    copy = restored(target)
    pd.testing.assert_frame_equal(measures.building_density(copy, EVERYTHING, Filters(), TODAY),
                                  measures.building_density(con, EVERYTHING, Filters(), TODAY))
    assert measures.kpis(copy, EVERYTHING, Filters(), TODAY, NOW) == measures.kpis(con, EVERYTHING, Filters(),
                                                                                 TODAY, NOW)
    for sql in ["SELECT count(*) FROM scoped_building([1], NULL, NULL)",
                "SELECT count(*) FROM scoped_household(NULL, [1, 2], NULL)",
                "SELECT count(*) FROM control_measure WHERE active_on(start_date, released_at, DATE '2026-11-23')",
                "SELECT count(*) FROM resident WHERE may_see_person('under_measure', resident_id, DATE '2026-11-23')",
                "SELECT allowed([1, 2], 2), allowed(NULL, 5), allowed([], 1)"]:
        assert copy.execute(sql).fetchall() == con.execute(sql).fetchall(), sql
    copy.close()


def test_audit_numbering_continues_after_restore(made, tmp_path, source):
    _, admin = source
    target = tmp_path / "restored.duckdb"
    signed_restore(made[0], target, actor=admin, now=NOW)
    con = restored(target)
    last_id = made[2]
    assert con.execute("SELECT audit_id, username, action, target FROM audit_log WHERE audit_id > $i",
                       {"i": last_id}).fetchall() == [(last_id + 1, "admin", "restore", "restored.duckdb")]
    with db.transaction(con):
        audit.record(con, admin, "login", "app_user:admin")
    assert max_audit_id(con) == last_id + 2
    con.close()


def test_command_line_actions_name_the_system_user(made, tmp_path):
    target = tmp_path / "restored.duckdb"
    signed_restore(made[0], target, actor=None)
    con = restored(target)
    username, role = con.execute("SELECT username, role FROM audit_log WHERE action = 'restore'").fetchone()
    assert username.startswith("cli") and role is None
    con.close()


def test_a_deleted_parquet_file_is_refused_and_no_target_is_made(copy_of, tmp_path):
    (copy_of / "resident.parquet").unlink()
    target = tmp_path / "out" / "restored.duckdb"
    with pytest.raises(BackupError) as refused:
        signed_restore(copy_of, target, actor=None)
    assert refused.value.code == "backup.error.incomplete" and refused.value.values == {"file": "resident.parquet"}
    assert not target.exists()


def test_flipped_bytes_are_refused_and_no_target_is_made(copy_of, tmp_path):
    file = copy_of / "building.parquet"
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    file.write_bytes(bytes(data))
    target = tmp_path / "restored.duckdb"
    with pytest.raises(BackupError) as refused:
        signed_restore(copy_of, target, actor=None)
    assert refused.value.code == "backup.error.corrupt" and refused.value.values == {"file": "building.parquet"}
    assert list(tmp_path.iterdir()) == [copy_of]  # neither the target nor its temporary file


def _first_rows(file: Path, rows: int, scratch_dir: Path) -> None:
    scratch = duckdb.connect()
    scratch.execute(f"COPY (SELECT * FROM read_parquet('{file}') LIMIT {rows}) TO '{scratch_dir / 'h.parquet'}' "
                    "(FORMAT parquet)")
    shutil.move(scratch_dir / "h.parquet", file)


def test_a_parquet_file_edited_with_its_checksum_recomputed_is_refused_by_the_signature(copy_of, tmp_path):
    """Issue 15: the manifest was a checksum anyone could recompute; now its signature needs the key."""
    _first_rows(copy_of / "household.parquet", 10, tmp_path)
    rechecksum(copy_of, "household.parquet")
    target = tmp_path / "restored.duckdb"
    with pytest.raises(BackupError) as refused:
        signed_restore(copy_of, target, actor=None)
    assert refused.value.code == "backup.error.bad_signature"
    with pytest.raises(BackupError) as accepted_anyway:  # a manifest claiming our key never passes as 'foreign'
        signed_restore(copy_of, target, actor=None, accept_unverified=True)
    assert accepted_anyway.value.code == "backup.error.bad_signature"
    assert not target.exists() and not list(tmp_path.glob("restored.duckdb*"))


def test_rows_missing_behind_a_valid_signature_are_caught_after_loading(copy_of, tmp_path):
    """Even the key's holder cannot make the counts lie: the restored counts still give it away."""
    _first_rows(copy_of / "household.parquet", 10, tmp_path)
    manifest = resign(copy_of)
    target = tmp_path / "restored.duckdb"
    with pytest.raises(BackupError) as refused:
        signed_restore(copy_of, target, actor=None)
    assert refused.value.code == "backup.error.count_mismatch"
    assert refused.value.values == {"table": "household", "expected": manifest["tables"]["household"], "found": 10}
    assert not target.exists() and not list(tmp_path.glob("restored.duckdb*"))


def test_a_folder_without_manifest_is_not_a_backup(copy_of, tmp_path):
    (copy_of / "manifest.json").unlink()
    with pytest.raises(BackupError) as refused:
        signed_restore(copy_of, tmp_path / "x.duckdb", actor=None)
    assert refused.value.code == "backup.error.not_a_backup"
    with pytest.raises(BackupError) as missing:
        signed_restore(tmp_path / "nowhere", tmp_path / "x.duckdb", actor=None)
    assert missing.value.code == "backup.error.not_found"
    assert not (tmp_path / "x.duckdb").exists()


def test_a_backup_from_a_newer_schema_is_refused(copy_of, tmp_path):
    manifest = json.loads((copy_of / "manifest.json").read_text(encoding="utf-8"))
    manifest["schema_migration"].append(999)
    (copy_of / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BackupError) as refused:
        signed_restore(copy_of, tmp_path / "x.duckdb", actor=None)
    assert refused.value.code == "backup.error.newer_schema" and refused.value.values["version"] == 999


def test_restore_never_overwrites_a_database(made, tmp_path):
    target = tmp_path / "community.duckdb"
    target.write_bytes(b"the live database")
    with pytest.raises(BackupError) as refused:
        signed_restore(made[0], target, actor=None)
    assert refused.value.code == "backup.error.target_exists"
    assert target.read_bytes() == b"the live database"


def test_a_failed_load_leaves_nothing_and_names_no_path(copy_of, tmp_path):
    scratch = duckdb.connect()
    file = copy_of / "tube.parquet"
    file.unlink()
    names = backup.table_columns(db.connect(":memory:"))["tube"]
    columns = ", ".join(f"'x' AS {name}" for name in names)  # text where the schema has numbers
    scratch.execute(f"COPY (SELECT {columns}) TO '{file}' (FORMAT parquet)")
    resign(copy_of)
    with pytest.raises(BackupError) as refused:
        signed_restore(copy_of, tmp_path / "x.duckdb", actor=None)
    assert refused.value.code == "backup.error.import_failed" and refused.value.values["reason"]
    assert str(copy_of) not in refused.value.values["reason"]
    assert list(tmp_path.iterdir()) == [copy_of]


def test_check_restored_needs_the_macros_and_a_sequence_past_the_log(source):
    con, _ = source
    manifest = {"tables": backup.table_counts(con), "macros": backup.macro_names(con) + ["no_such_macro"]}
    with pytest.raises(BackupError) as refused:
        backup.check_restored(con, manifest)
    assert refused.value.values == {"name": "no_such_macro"}
    fresh = db.connect(":memory:")
    with db.transaction(fresh):
        fresh.execute("INSERT INTO audit_log (audit_id, logged_at, action) VALUES (5, $t, 'x')", {"t": NOW})
    with pytest.raises(BackupError) as behind:
        backup.check_restored(fresh, {"tables": backup.table_counts(fresh)})
    assert behind.value.code == "backup.error.sequence" and behind.value.values == {"next": 1, "last": 5}
    fresh.close()


def test_zip_round_trip(source, tmp_path):
    con, admin = source
    data = backup.backup_zip(con, actor=admin, now=datetime(2026, 11, 23, 13, 0), key=KEY)
    prints, last_id = fingerprint(con), max_audit_id(con)
    assert con.execute("SELECT detail FROM audit_log WHERE audit_id = $i", {"i": last_id}).fetchone() == (
        "zip download",)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "backup-20261123-130000/manifest.json" in names
    target = tmp_path / "from-zip.duckdb"
    signed_restore(data, target, actor=admin)
    copy = restored(target)
    assert fingerprint(copy, audit_upto=last_id) == prints
    copy.close()
    (tmp_path / "backup.zip").write_bytes(data)  # the command line passes a .zip file's path
    signed_restore(tmp_path / "backup.zip", tmp_path / "from-file.duckdb", actor=None)
    assert (tmp_path / "from-file.duckdb").is_file()


def test_a_truncated_or_unsafe_zip_is_refused(made, tmp_path):
    data = backup.zip_folder(made[0])
    for bad in (data[: len(data) // 2], b"not a zip at all"):
        with pytest.raises(BackupError) as refused:
            signed_restore(bad, tmp_path / "x.duckdb", actor=None)
        assert refused.value.code == "backup.error.not_a_backup"
    for name in ("../manifest.json", "/etc/manifest.json", "a/b/manifest.json"):
        unsafe = io.BytesIO()
        with zipfile.ZipFile(unsafe, "w") as archive:
            archive.writestr(name, "{}")
        with pytest.raises(BackupError) as refused:
            signed_restore(unsafe.getvalue(), tmp_path / "x.duckdb", actor=None)
        assert refused.value.code == "backup.error.unexpected_file", name
    assert not (tmp_path / "x.duckdb").exists() and not (tmp_path.parent / "manifest.json").exists()


def test_every_backup_message_has_both_languages():
    zh, en = texts("zh"), texts("en")
    assert zh.keys() == en.keys()
    for key in zh:
        assert all(zh[key]) and all(en[key]), key
    assert backup.message("backup.error.incomplete", "en", file="a.parquet").startswith("The backup is incomplete")


@pytest.fixture
def database_file(tmp_path):
    path = tmp_path / "community.duckdb"
    con = db.connect(path)
    demo.generate(con, residents=500, seed=5, as_of=TODAY)
    con.close()
    return path


def test_command_line_create_and_restore(database_file, tmp_path, capsys):
    assert backup.main(["create", "--path", str(database_file), "--to", str(tmp_path / "saved")]) == 0
    made = next((tmp_path / "saved").iterdir())
    assert str(made) in capsys.readouterr().out
    target = tmp_path / "restored.duckdb"
    assert (tmp_path / "community.duckdb.backup-key").stat().st_mode & 0o777 == 0o600  # made by the first backup
    assert backup.main(["restore", str(made), "--to", str(target)]) == 1  # the default database's key: not this one
    assert "another installation" in capsys.readouterr().err
    assert backup.main(["restore", str(made), "--to", str(target), "--key-of", str(database_file)]) == 0
    assert "restored.duckdb" in capsys.readouterr().out
    assert backup.main(["restore", str(made), "--to", str(target), "--accept-unverified"]) == 1  # never over a file
    assert "already exists" in capsys.readouterr().err
    (made / "resident.parquet").unlink()
    assert backup.main(["restore", str(made), "--to", str(tmp_path / "other.duckdb"), "--key-of",
                        str(database_file)]) == 1
    assert "incomplete" in capsys.readouterr().err and not (tmp_path / "other.duckdb").exists()
    assert backup.main(["create", "--path", str(tmp_path / "missing.duckdb")]) == 1
    assert not (tmp_path / "missing.duckdb").exists()  # opening did not create an empty database


def test_command_line_says_when_the_app_holds_the_database(database_file, tmp_path, capsys):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
         " time.sleep(60)", str(database_file)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert backup.main(["create", "--path", str(database_file), "--to", str(tmp_path / "saved")]) == 3
        err = capsys.readouterr().err
        assert "in use by another program" in err and "正被另一个程序" in err
        assert not (tmp_path / "saved").exists()
    finally:
        holder.terminate()
        holder.wait(timeout=10)


def test_a_restore_from_the_ui_waits_for_the_next_start(tmp_path):
    """The live file is never replaced under running sessions: the swap happens before the next open."""
    from resilient.core import accounts

    live = tmp_path / "community.duckdb"
    demo_database.ensure_database(live, residents=2_000, seed=3)
    con = db.connect(live)
    data = backup.backup_zip(con, actor=None)
    accounts.create_user(con, None, "after-backup", "x", "long-enough-pw", "viewer", community_id=1)
    con.close()
    backup.restore_for_next_start(data, live, actor=None)
    assert backup.pending_path(live).exists()
    kept = backup.apply_pending_restore(live)
    assert kept.exists() and not backup.pending_path(live).exists()
    con = db.connect(live)
    assert con.execute("SELECT count(*) FROM app_user WHERE username = 'after-backup'").fetchone()[0] == 0
    assert backup.apply_pending_restore(live) is None  # nothing waiting: nothing moves


# --- issue 15: backups that cannot be used against the office ------------------------------------------------

class CountingStream(io.BytesIO):
    """Zip bytes that count how much of them a reader took."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.taken = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk


def zeros_zip(megabytes: int, name: str = "backup/resident.parquet") -> bytes:
    """A zip bomb: `megabytes` of zeros deflated to about a thousandth, beside a small manifest."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("backup/manifest.json", "{}")
        with archive.open(name, "w") as member:
            block = bytes(1 << 20)
            for _ in range(megabytes):
                member.write(block)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_from_its_directory_before_anything_is_unpacked(tmp_path):
    """Issue 15: 1 MB holding 1 GiB of zeros was unpacked (8.8 s, 2.2 GB) before 'not a backup'."""
    data = zeros_zip(200)
    assert len(data) < 400_000
    stream = CountingStream(data)
    with pytest.raises(BackupError) as refused:
        signed_restore(stream, tmp_path / "x.duckdb", actor=None)
    assert refused.value.code == "backup.error.too_large"
    assert refused.value.values["file"] == "resident.parquet"
    assert stream.taken < 20_000  # the central directory and no more: not the 200 KB of packed zeros
    assert not (tmp_path / "x.duckdb").exists()


def test_the_total_limit_holds_for_honest_ratios_too(made, tmp_path):
    data = backup.zip_folder(made[0])
    small = backup.Limits(total_bytes=100_000)
    stream = CountingStream(data)
    with pytest.raises(BackupError) as refused:
        signed_restore(stream, tmp_path / "x.duckdb", actor=None, limits=small)
    assert refused.value.code == "backup.error.too_large" and stream.taken < 20_000


def lying_zip(real: int, declared: int) -> bytes:
    """A member that declares `declared` bytes (in its local header and the directory) but unpacks to `real`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", bytes(real))
    data = bytearray(buffer.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()[0]
    size = real.to_bytes(4, "little")
    for at in [i for i in range(len(data) - 3) if data[i:i + 4] == size]:
        data[at:at + 4] = declared.to_bytes(4, "little")  # uncompressed size, in both headers
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()[0].file_size == declared, info
    return bytes(data)


def test_a_member_that_unpacks_to_more_than_it_declares_is_stopped_at_what_it_declared(tmp_path, monkeypatch):
    written = []
    real_open = Path.open

    def counting_open(self, mode="r", *args, **kwargs):
        handle = real_open(self, mode, *args, **kwargs)
        if "w" in mode:
            original = handle.write
            handle.write = lambda chunk: written.append(len(chunk)) or original(chunk)
        return handle

    monkeypatch.setattr(Path, "open", counting_open)
    with pytest.raises(BackupError) as refused:
        signed_restore(lying_zip(8 << 20, 1_000), tmp_path / "x.duckdb", actor=None)
    assert refused.value.code in ("backup.error.too_large", "backup.error.not_a_backup")
    assert sum(written) <= 1_000
    assert not (tmp_path / "x.duckdb").exists()


def test_an_unexpected_file_in_the_zip_is_refused(made, tmp_path):
    data = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(backup.zip_folder(made[0]))) as source, zipfile.ZipFile(data, "w") as out:
        for info in source.infolist():
            out.writestr(info, source.read(info))
        out.writestr(f"{made[0].name}/evil.sh", "rm -rf /")
    with pytest.raises(BackupError) as refused:
        signed_restore(data.getvalue(), tmp_path / "x.duckdb", actor=None)
    assert refused.value.code == "backup.error.unexpected_file" and refused.value.values == {"file": "evil.sh"}


def test_an_unexpected_file_in_a_folder_or_its_manifest_is_refused(copy_of, tmp_path):
    (copy_of / "notes.txt").write_text("x")
    with pytest.raises(BackupError) as refused:
        signed_restore(copy_of, tmp_path / "x.duckdb", actor=None)
    assert refused.value.code == "backup.error.unexpected_file"
    (copy_of / "notes.txt").unlink()
    (copy_of / "extra_table.parquet").write_bytes((copy_of / "tube.parquet").read_bytes())
    resign(copy_of)  # listed and signed: still not a table of the schema
    with pytest.raises(BackupError) as unknown:
        signed_restore(copy_of, tmp_path / "x.duckdb", actor=None)
    assert unknown.value.code == "backup.error.unknown_table" and unknown.value.values == {"table": "extra_table"}


def test_an_edited_load_sql_is_refused_and_never_run(copy_of, tmp_path):
    """Issue 15: a load.sql edited with its checksum recomputed was run (a COPY ... TO among it)."""
    leak = tmp_path / "leak.csv"
    (copy_of / "load.sql").write_text(f"COPY app_user TO '{leak}';", encoding="utf-8")
    rechecksum(copy_of, "load.sql")
    with pytest.raises(BackupError) as refused:
        signed_restore(copy_of, tmp_path / "x.duckdb", actor=None, accept_unverified=True)
    assert refused.value.code == "backup.error.bad_signature"
    resign(copy_of)  # even signed: a backup of this format holds no SQL
    with pytest.raises(BackupError) as signed:
        signed_restore(copy_of, tmp_path / "x.duckdb", actor=None)
    assert signed.value.code == "backup.error.unexpected_file" and signed.value.values == {"file": "load.sql"}
    assert not leak.exists() and not (tmp_path / "x.duckdb").exists()


def old_format_backup(con: duckdb.DuckDBPyConnection, folder: Path) -> Path:
    """A backup as versions before issue 15 made them: EXPORT DATABASE with its SQL, a checksum manifest."""
    folder.mkdir()
    con.execute(f"EXPORT DATABASE '{folder}' (FORMAT parquet)")
    manifest = {"format": 1, "created_at": "2026-11-23T12:00:00", "duckdb": duckdb.__version__,
                "tables": backup.table_counts(con), "schema_migration": backup.migration_versions(con),
                "macros": backup.macro_names(con),
                "files": {p.name: backup._sha256(p) for p in sorted(folder.iterdir())}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_an_old_unsigned_backup_loads_only_when_accepted_and_its_sql_is_ignored(source, tmp_path):
    con, _ = source
    folder = old_format_backup(con, tmp_path / "old")
    leak = tmp_path / "leak.csv"
    with (folder / "load.sql").open("a", encoding="utf-8") as script:
        script.write(f"\nCOPY app_user TO '{leak}';\n")
    rechecksum(folder, "load.sql")
    with pytest.raises(BackupError) as refused:
        signed_restore(folder, tmp_path / "x.duckdb", actor=None)
    assert refused.value.code == "backup.error.unsigned"
    signed_restore(folder, tmp_path / "x.duckdb", actor=None, accept_unverified=True)
    copy = restored(tmp_path / "x.duckdb")
    assert not leak.exists()  # the script was never run
    counts = backup.table_counts(copy)
    assert {t: n for t, n in counts.items() if t != "audit_log"} == {
        t: n for t, n in backup.table_counts(con).items() if t != "audit_log"}
    assert copy.execute("SELECT detail FROM audit_log WHERE action = 'restore'").fetchone() == (
        "accepted_unverified:unsigned",)
    copy.close()


def test_a_backup_signed_by_another_installation_needs_the_explicit_yes(made, tmp_path):
    other = bytes(32)
    with pytest.raises(BackupError) as refused:
        backup.restore(made[0], tmp_path / "x.duckdb", actor=None, key=other)
    assert refused.value.code == "backup.error.foreign"
    with pytest.raises(BackupError) as keyless:
        backup.restore(made[0], tmp_path / "x.duckdb", actor=None, key=None)
    assert keyless.value.code == "backup.error.foreign"
    assert not (tmp_path / "x.duckdb").exists()
    backup.restore(made[0], tmp_path / "x.duckdb", actor=None, key=other, accept_unverified=True)
    copy = restored(tmp_path / "x.duckdb")
    assert copy.execute("SELECT detail, new_value FROM audit_log WHERE action = 'restore'").fetchone()[0] == (
        "accepted_unverified:foreign")
    copy.close()


def test_an_unsigned_backup_is_refused_unless_accepted(copy_of, tmp_path):
    (copy_of / "manifest.sig").unlink()
    with pytest.raises(BackupError) as refused:
        signed_restore(copy_of, tmp_path / "x.duckdb", actor=None)
    assert refused.value.code == "backup.error.unsigned"
    signed_restore(copy_of, tmp_path / "x.duckdb", actor=None, accept_unverified=True)
    assert (tmp_path / "x.duckdb").is_file()


def test_columns_are_the_schemas_missing_or_extra_are_refused(copy_of, tmp_path):
    file = copy_of / "tube.parquet"
    scratch = duckdb.connect()
    scratch.execute(f"COPY (SELECT *, 1 AS smuggled FROM read_parquet('{file}')) TO '{tmp_path / 't.parquet'}' "
                    "(FORMAT parquet)")
    shutil.move(tmp_path / "t.parquet", file)
    resign(copy_of)
    with pytest.raises(BackupError) as refused:
        signed_restore(copy_of, tmp_path / "x.duckdb", actor=None)
    assert refused.value.code == "backup.error.columns"
    assert refused.value.values == {"table": "tube", "missing": "-", "extra": "smuggled"}
    dropped = backup.table_columns(db.connect(":memory:"))["tube"][-1]
    scratch.execute(f"COPY (SELECT * EXCLUDE (smuggled, {dropped}) FROM read_parquet('{file}')) "
                    f"TO '{tmp_path / 't.parquet'}' (FORMAT parquet)")
    shutil.move(tmp_path / "t.parquet", file)
    resign(copy_of)
    with pytest.raises(BackupError) as missing:
        signed_restore(copy_of, tmp_path / "x.duckdb", actor=None)
    assert missing.value.values == {"table": "tube", "missing": dropped, "extra": "-"}


def test_a_backup_from_an_older_schema_is_loaded_at_its_version_then_migrated(tmp_path):
    every = [n for n, _, _ in db.available_migrations()]
    older = duckdb.connect()
    older.execute(f"LOAD '{db.spatial_extension_path()}'")
    db.migrate(older, upto=every[-2])
    with db.transaction(older):
        audit.record(older, None, "login", "app_user:someone", at=NOW, username="someone")
    folder = backup.backup(older, tmp_path / "b", actor=None, now=NOW, key=KEY)
    signed_restore(folder, tmp_path / "x.duckdb", actor=None)
    copy = restored(tmp_path / "x.duckdb")
    assert backup.migration_versions(copy) == every
    logged = copy.execute("SELECT username, action FROM audit_log ORDER BY audit_id").fetchall()
    assert logged[0] == ("someone", "login") and logged[-1][1] == "restore"
    copy.close()


def test_no_refusal_names_a_server_path(made, tmp_path):
    """Issue 15: the 'other format' refusal showed the temporary folder it had unpacked into."""
    live = tmp_path / "live" / "community.duckdb"
    live.parent.mkdir()
    other_format = io.BytesIO()
    with zipfile.ZipFile(other_format, "w") as archive:
        archive.writestr("backup/manifest.json", json.dumps({"format": 99, "tables": {}, "files": {},
                                                              "schema_migration": []}))
    no_manifest = io.BytesIO()
    with zipfile.ZipFile(no_manifest, "w") as archive:
        archive.writestr("backup/resident.parquet", b"PAR1")
    unsigned = backup.zip_folder(made[0])
    for data in (other_format.getvalue(), no_manifest.getvalue(), b"not a zip", zeros_zip(8), unsigned):
        with pytest.raises(BackupError) as refused:
            backup.restore_for_next_start(data, live, actor=None, label="office.zip")
        for lang in ("zh", "en"):
            said = backup.message(refused.value.code, lang, **refused.value.values)
            assert tempfile.gettempdir() not in said and str(tmp_path) not in said and "rc-restore" not in said, said
    assert not backup.pending_path(live).exists()


def test_the_key_stays_beside_the_database_never_in_the_backup(tmp_path):
    live = tmp_path / "community.duckdb"
    con = db.connect(live)
    data = backup.backup_zip(con, actor=None)
    con.close()
    key_file = tmp_path / "community.duckdb.backup-key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = backup.signing_key(live)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert not any("key" in n for n in names)
    assert all(key.hex() not in zipfile.ZipFile(io.BytesIO(data)).read(n).decode("latin-1") for n in names)
    backup.restore_for_next_start(data, live, actor=None)  # verified with the key beside the live file
    assert backup.pending_path(live).exists()
