"""Migrations: an empty database gets the whole schema; an existing file upgrades and keeps its rows."""

import shutil

import duckdb
import pytest

from resilient.core import db
from resilient.core.config import MIGRATIONS_DIR


def tables(con):
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


@pytest.mark.both_backends
def test_empty_database_gets_every_migration(con):
    versions = [r[0] for r in con.execute("SELECT version FROM schema_migration ORDER BY 1").fetchall()]
    assert versions == [n for n, _, _ in db.available_migrations(db.migrations_dir(con))]
    assert {"community", "grid_cell", "building", "stairwell", "household", "resident", "control_measure",
            "staff", "volunteer", "compound", "meta"} <= tables(con)
    assert db.migrate(con) == []  # nothing left to apply


@pytest.mark.both_backends
def test_spatial_is_loaded_offline(con):
    assert con.execute("SELECT ST_Area(ST_GeomFromText('POLYGON((0 0,2 0,2 1,0 1,0 0))'))").fetchone()[0] == 2


def test_existing_file_upgrades_without_losing_data(tmp_path):
    first = tmp_path / "v1"
    first.mkdir()
    shutil.copy(MIGRATIONS_DIR / "001_foundation.sql", first)
    path = tmp_path / "old.duckdb"
    con = db.connect(path, migrate_schema=False)
    db.migrate(con, first)
    con.execute("INSERT INTO community VALUES (1, '老社区', NULL, NULL)")
    con.close()

    later = tmp_path / "v2"
    shutil.copytree(first, later)
    (later / "002_add_note.sql").write_text(
        "ALTER TABLE community ADD COLUMN note VARCHAR; CREATE TABLE extra (id INTEGER);", encoding="utf-8")
    con = db.connect(path, migrate_schema=False)
    assert db.migrate(con, later) == [2]
    assert con.execute("SELECT name, note FROM community").fetchall() == [("老社区", None)]
    assert "extra" in tables(con)
    con.close()


@pytest.mark.both_backends
def test_failing_migration_leaves_nothing_half_done(tmp_path, con):
    broken = tmp_path / "m"
    shutil.copytree(db.migrations_dir(con), broken)
    number = len(db.available_migrations()) + 1
    (broken / f"{number:03d}_broken.sql").write_text(
        "CREATE TABLE half (id INTEGER); SELECT * FROM no_such_table;", encoding="utf-8")
    with pytest.raises(duckdb.Error):
        db.migrate(con, broken)
    assert "half" not in tables(con)
    assert number not in db.applied_versions(con)


def test_migration_numbering_is_checked(tmp_path):
    (tmp_path / "001_a.sql").write_text("SELECT 1")
    (tmp_path / "003_c.sql").write_text("SELECT 1")
    with pytest.raises(RuntimeError, match="without gaps"):
        db.available_migrations(tmp_path)
    (tmp_path / "2_b.sql").write_text("SELECT 1")
    with pytest.raises(RuntimeError, match="NNN_name"):
        db.available_migrations(tmp_path)


@pytest.mark.both_backends
def test_transaction_rolls_back_on_error(con):
    con.execute("INSERT INTO community VALUES (1, 'x', NULL, NULL)")
    with pytest.raises(ValueError):
        with db.transaction(con):
            con.execute("INSERT INTO community VALUES (2, 'y', NULL, NULL)")
            raise ValueError("stop")
    assert con.execute("SELECT count(*) FROM community").fetchone()[0] == 1


@pytest.mark.both_backends
def test_retrying_starts_over_after_a_write_conflict_and_says_busy_at_last(con):
    calls = []

    def flaky():
        calls.append(1)
        con.execute("INSERT INTO community VALUES ($i, 'x', NULL, NULL)", {"i": len(calls)})
        if len(calls) < 3:
            raise duckdb.TransactionException("conflict")
        return "done"

    assert db.retrying(con, flaky, lambda: RuntimeError("busy")) == "done" and len(calls) == 3
    assert con.execute("SELECT count(*) FROM community").fetchone()[0] == 1  # failed tries left nothing
    with pytest.raises(RuntimeError, match="busy"):
        db.retrying(con, lambda: (_ for _ in ()).throw(duckdb.TransactionException("x")),
                    lambda: RuntimeError("busy"), attempts=2)


# --- the file itself: held by another process, read-only, disk full -------------------------------------------

HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(120)"


@pytest.fixture
def held(tmp_path):
    """A database file a second process holds open for writing, as a second server would."""
    import subprocess
    import sys

    path = tmp_path / "office" / "community.duckdb"
    path.parent.mkdir()
    db.connect(path).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    yield path
    holder.kill()
    holder.wait()


def test_a_file_another_process_holds_is_refused_in_plain_words(held):
    with pytest.raises(db.StorageError) as refused:
        db.connect(held)
    assert refused.value.code == "db.error.locked"
    assert str(held.parent) not in str(refused.value) and "PID" not in str(refused.value)


def test_a_read_only_file_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "community.duckdb"
    db.connect(path).close()
    before = path.read_bytes()
    path.chmod(0o444)
    with pytest.raises(db.StorageError) as refused:
        db.connect(path)
    assert refused.value.code == "db.error.read_only" and str(tmp_path) not in str(refused.value)
    assert path.read_bytes() == before and not path.with_name(path.name + ".wal").exists()


FULL = 'IO Error: Could not write file "/srv/office/community.duckdb.wal": No space left on device'


def test_a_full_disk_inside_a_write_rolls_it_back_and_says_so_plainly(con):
    con.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(db.StorageError) as refused:
        with db.transaction(con):
            con.execute("INSERT INTO t VALUES (1)")
            raise duckdb.IOException(FULL)
    assert refused.value.code == "db.error.disk_full" and "/srv" not in str(refused.value)
    assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 0
    with db.transaction(con):  # the connection goes on working once there is room
        con.execute("INSERT INTO t VALUES (2)")
    assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 1


class FailingCommit:
    """A connection whose COMMIT fails as it does when the disk fills while the write-ahead log is written."""

    def __init__(self, con):
        self.con = con

    def execute(self, sql, *args):
        if sql == "COMMIT":
            raise duckdb.IOException(FULL)
        return self.con.execute(sql, *args)


def test_a_full_disk_at_commit_leaves_nothing_half_written(con):
    con.execute("CREATE TABLE t (x INTEGER)")
    failing = FailingCommit(con)
    with pytest.raises(db.StorageError, match="disk_full"):
        with db.transaction(failing):
            failing.execute("INSERT INTO t VALUES (1)")
            failing.execute("INSERT INTO t VALUES (2)")
    assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 0


def test_retrying_does_not_retry_a_full_disk(con):
    calls = []

    def work():
        calls.append(1)
        raise duckdb.IOException(FULL)

    with pytest.raises(db.StorageError):
        db.retrying(con, work, lambda: RuntimeError("busy"))
    assert calls == [1]


def test_a_read_only_database_refuses_writes_in_plain_words(tmp_path):
    path = tmp_path / "community.duckdb"
    db.connect(path).close()
    con = duckdb.connect(str(path), read_only=True)
    with pytest.raises(db.StorageError, match="read_only"):
        with db.transaction(con):
            con.execute("INSERT INTO meta VALUES ('k', 'v')")


def test_the_command_line_says_plainly_that_a_server_holds_the_file(held, monkeypatch, capsys):
    from resilient.core import accounts

    monkeypatch.setenv("RC_ADMIN_PASSWORD", "a-long-password-1")
    assert accounts.main(["create-admin", "--username", "chief", "--path", str(held)]) == 2
    said = capsys.readouterr().err
    assert "另一个程序" in said and "another program" in said and str(held.parent) not in said


def test_both_dialects_have_the_same_migration_numbers_and_names():
    """A PostgreSQL database and a DuckDB file at the same version hold the same schema: the numbered files agree."""
    duck = [(n, name) for n, name, _ in db.available_migrations(MIGRATIONS_DIR)]
    postgres = [(n, name) for n, name, _ in db.available_migrations(MIGRATIONS_DIR / "postgres")]
    assert duck == postgres
    assert len(duck) >= 19
