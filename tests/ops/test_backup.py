"""Backups round-trip the whole demo database; damaged backups are refused and leave the target path absent."""

import io
import json
import shutil
import subprocess
import sys
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
    folder = backup.backup(con, tmp_path_factory.mktemp("backups"), actor=admin, now=NOW)
    return folder, fingerprint(con), max_audit_id(con)


@pytest.fixture
def copy_of(made, tmp_path):
    """A private copy of the backup folder, for tests that damage it."""
    return Path(shutil.copytree(made[0], tmp_path / made[0].name))


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
    assert {"schema.sql", "load.sql", "resident.parquet", "building.parquet"} <= set(manifest["files"])
    entry = con.execute("SELECT username, action, target FROM audit_log WHERE audit_id = $i", {"i": last_id}).fetchone()
    assert entry == ("admin", "backup", folder.name)
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no partial folder left


def test_a_second_backup_in_the_same_second_never_overwrites(source, made):
    con, admin = source
    first = made[0]
    before = {p.name: p.stat().st_mtime_ns for p in first.iterdir()}
    second = backup.backup(con, first.parent, actor=admin, now=NOW)
    assert second.name == first.name + "-2"
    assert {p.name: p.stat().st_mtime_ns for p in first.iterdir()} == before
    shutil.rmtree(second)


def test_round_trip_keeps_every_table_identical(made, tmp_path):
    folder, prints, last_id = made
    target = tmp_path / "restored.duckdb"
    manifest = backup.restore(folder, target, actor=None, now=NOW)
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
    backup.restore(made[0], target, actor=None)
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
    backup.restore(made[0], target, actor=admin, now=NOW)
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
    backup.restore(made[0], target, actor=None)
    con = restored(target)
    username, role = con.execute("SELECT username, role FROM audit_log WHERE action = 'restore'").fetchone()
    assert username.startswith("cli") and role is None
    con.close()


def test_a_deleted_parquet_file_is_refused_and_no_target_is_made(copy_of, tmp_path):
    (copy_of / "resident.parquet").unlink()
    target = tmp_path / "out" / "restored.duckdb"
    with pytest.raises(BackupError) as refused:
        backup.restore(copy_of, target, actor=None)
    assert refused.value.code == "backup.error.incomplete" and refused.value.values == {"file": "resident.parquet"}
    assert not target.exists()


def test_flipped_bytes_are_refused_and_no_target_is_made(copy_of, tmp_path):
    file = copy_of / "building.parquet"
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    file.write_bytes(bytes(data))
    target = tmp_path / "restored.duckdb"
    with pytest.raises(BackupError) as refused:
        backup.restore(copy_of, target, actor=None)
    assert refused.value.code == "backup.error.corrupt" and refused.value.values == {"file": "building.parquet"}
    assert list(tmp_path.iterdir()) == [copy_of]  # neither the target nor its temporary file


def test_rows_missing_behind_a_matching_checksum_are_caught_after_import(copy_of, tmp_path):
    """A backup edited by hand (file and checksum both changed): the restored counts still give it away."""
    file = copy_of / "household.parquet"
    scratch = duckdb.connect()
    scratch.execute(f"COPY (SELECT * FROM read_parquet('{file}') LIMIT 10) TO '{tmp_path / 'h.parquet'}' "
                    "(FORMAT parquet)")
    shutil.move(tmp_path / "h.parquet", file)
    manifest = json.loads((copy_of / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["household.parquet"] = backup._sha256(file)
    (copy_of / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    target = tmp_path / "restored.duckdb"
    with pytest.raises(BackupError) as refused:
        backup.restore(copy_of, target, actor=None)
    assert refused.value.code == "backup.error.count_mismatch"
    assert refused.value.values == {"table": "household", "expected": manifest["tables"]["household"], "found": 10}
    assert not target.exists() and not list(tmp_path.glob("restored.duckdb*"))


def test_a_folder_without_manifest_is_not_a_backup(copy_of, tmp_path):
    (copy_of / "manifest.json").unlink()
    with pytest.raises(BackupError) as refused:
        backup.restore(copy_of, tmp_path / "x.duckdb", actor=None)
    assert refused.value.code == "backup.error.not_a_backup"
    with pytest.raises(BackupError) as missing:
        backup.restore(tmp_path / "nowhere", tmp_path / "x.duckdb", actor=None)
    assert missing.value.code == "backup.error.not_found"
    assert not (tmp_path / "x.duckdb").exists()


def test_a_backup_from_a_newer_schema_is_refused(copy_of, tmp_path):
    manifest = json.loads((copy_of / "manifest.json").read_text(encoding="utf-8"))
    manifest["schema_migration"].append(999)
    (copy_of / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BackupError) as refused:
        backup.restore(copy_of, tmp_path / "x.duckdb", actor=None)
    assert refused.value.code == "backup.error.newer_schema" and refused.value.values["version"] == 999


def test_restore_never_overwrites_a_database(made, tmp_path):
    target = tmp_path / "community.duckdb"
    target.write_bytes(b"the live database")
    with pytest.raises(BackupError) as refused:
        backup.restore(made[0], target, actor=None)
    assert refused.value.code == "backup.error.target_exists"
    assert target.read_bytes() == b"the live database"


def test_a_failed_import_leaves_nothing(copy_of, tmp_path):
    (copy_of / "load.sql").write_text("COPY nowhere FROM 'x.parquet' (FORMAT parquet);", encoding="utf-8")
    manifest = json.loads((copy_of / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["load.sql"] = backup._sha256(copy_of / "load.sql")
    (copy_of / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BackupError) as refused:
        backup.restore(copy_of, tmp_path / "x.duckdb", actor=None)
    assert refused.value.code == "backup.error.import_failed" and refused.value.values["reason"]
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
    data = backup.backup_zip(con, actor=admin, now=datetime(2026, 11, 23, 13, 0))
    prints, last_id = fingerprint(con), max_audit_id(con)
    assert con.execute("SELECT detail FROM audit_log WHERE audit_id = $i", {"i": last_id}).fetchone() == (
        "zip download",)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "backup-20261123-130000/manifest.json" in names
    target = tmp_path / "from-zip.duckdb"
    backup.restore(data, target, actor=admin)
    copy = restored(target)
    assert fingerprint(copy, audit_upto=last_id) == prints
    copy.close()
    (tmp_path / "backup.zip").write_bytes(data)  # the command line passes a .zip file's path
    backup.restore(tmp_path / "backup.zip", tmp_path / "from-file.duckdb", actor=None)
    assert (tmp_path / "from-file.duckdb").is_file()


def test_a_truncated_or_unsafe_zip_is_refused(made, tmp_path):
    data = backup.zip_folder(made[0])
    for bad in (data[: len(data) // 2], b"not a zip at all"):
        with pytest.raises(BackupError) as refused:
            backup.restore(bad, tmp_path / "x.duckdb", actor=None)
        assert refused.value.code == "backup.error.not_a_backup"
    for name in ("../manifest.json", "/etc/manifest.json", "a/b/manifest.json"):
        unsafe = io.BytesIO()
        with zipfile.ZipFile(unsafe, "w") as archive:
            archive.writestr(name, "{}")
        with pytest.raises(BackupError) as refused:
            backup.restore(unsafe.getvalue(), tmp_path / "x.duckdb", actor=None)
        assert refused.value.code == "backup.error.not_a_backup", name
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
    assert backup.main(["restore", str(made), "--to", str(target)]) == 0
    assert "restored.duckdb" in capsys.readouterr().out
    assert backup.main(["restore", str(made), "--to", str(target)]) == 1  # never over an existing file
    assert "already exists" in capsys.readouterr().err
    (made / "resident.parquet").unlink()
    assert backup.main(["restore", str(made), "--to", str(tmp_path / "other.duckdb")]) == 1
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
