"""Migrations: an empty database gets the whole schema; an existing file upgrades and keeps its rows."""

import shutil

import duckdb
import pytest

from resilient.core import db
from resilient.core.config import MIGRATIONS_DIR


def tables(con):
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def test_empty_database_gets_every_migration(con):
    versions = [r[0] for r in con.execute("SELECT version FROM schema_migration ORDER BY 1").fetchall()]
    assert versions == [n for n, _, _ in db.available_migrations()]
    assert {"community", "grid_cell", "building", "stairwell", "household", "resident", "control_measure",
            "staff", "volunteer", "compound", "meta"} <= tables(con)
    assert db.migrate(con) == []  # nothing left to apply


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


def test_failing_migration_leaves_nothing_half_done(tmp_path, con):
    broken = tmp_path / "m"
    shutil.copytree(MIGRATIONS_DIR, broken)
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


def test_transaction_rolls_back_on_error(con):
    con.execute("INSERT INTO community VALUES (1, 'x', NULL, NULL)")
    with pytest.raises(ValueError):
        with db.transaction(con):
            con.execute("INSERT INTO community VALUES (2, 'y', NULL, NULL)")
            raise ValueError("stop")
    assert con.execute("SELECT count(*) FROM community").fetchone()[0] == 1


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
