"""The demo copied as it is into PostgreSQL: every row and id, and sequences past the ids copied."""

import pytest

from resilient.core import db
from resilient.demo import generator
from resilient.demo.postgres import copy_into
from tests.conftest import TEST_DATABASE_URL, drop_postgres_database, postgres_database

pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL, reason="the demo on PostgreSQL: set RC_TEST_DATABASE_URL")

TABLES = ("community", "building", "stairwell", "household", "resident", "control_measure", "app_user")


@pytest.fixture
def copied(postgres_template):
    source = db.connect(":memory:")
    generator.generate(source, residents=800, seed=3)
    url = postgres_database(postgres_template)
    target = db.connect(url)
    yield source, target, copy_into(source, target)
    target.close()
    source.close()
    drop_postgres_database(url)


def test_every_row_and_id_arrives(copied):
    source, target, (tables, rows) = copied
    assert tables > 20 and rows > 800
    for table in TABLES:
        key = {"app_user": "user_id", "control_measure": "measure_id"}.get(table, f"{table}_id")
        wanted = source.execute(f"SELECT count(*), min({key}), max({key}) FROM {table}").fetchone()
        assert target.execute(f"SELECT count(*), min({key}), max({key}) FROM {table}").fetchone() == wanted, table
    shape = "SELECT round(sum(ST_Area(geom)) * 1e9) FROM building"
    assert target.execute(shape).fetchone()[0] == pytest.approx(source.execute(shape).fetchone()[0], rel=1e-6)


def test_the_next_id_comes_after_the_copied_ones(copied):
    _, target, _ = copied
    serials = target.execute(r"""
        SELECT table_name, column_name, substring(column_default FROM 'nextval\(''([a-z_]+)''')
        FROM information_schema.columns
        WHERE table_schema = 'public' AND column_default LIKE 'nextval(%'""").fetchall()
    assert serials
    for table, column, sequence in serials:
        highest = target.execute(f'SELECT coalesce(max("{column}"), 0) FROM "{table}"').fetchone()[0]
        assert target.execute(f"SELECT nextval('{sequence}')").fetchone()[0] > highest, (table, column)


def test_copying_again_replaces_rather_than_doubles(copied):
    source, target, (_, rows) = copied
    assert copy_into(source, target)[1] == rows
    assert target.execute("SELECT count(*) FROM resident").fetchone() == \
        source.execute("SELECT count(*) FROM resident").fetchone()


def test_it_writes_only_into_postgresql():
    with pytest.raises(ValueError):
        copy_into(db.connect(":memory:"), db.connect(":memory:"))
