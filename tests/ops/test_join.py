"""Joining up: an office's DuckDB file moved into the district's PostgreSQL database (resilient/ops/join.py).

Not marked both_backends: a join needs both, a DuckDB file and a PostgreSQL server. The tests that need the
server skip without RC_TEST_DATABASE_URL; each makes its own databases (copies of the migrated template)."""

import re
from datetime import date, datetime, time

import pandas as pd
import pytest

from resilient.core import db, queries
from resilient.core.scope import EVERYTHING
from resilient.demo import office
from resilient.ops import integrity
from resilient.ops import join as joining
from tests.conftest import TEST_DATABASE_URL, drop_postgres_database, postgres_database
from tests.tree import migration_references

AS_OF = date(2026, 11, 23)
needs_postgres = pytest.mark.skipif(not TEST_DATABASE_URL,
                                    reason="joining needs a PostgreSQL server: set RC_TEST_DATABASE_URL")


# -- no server needed: the map of references comes from the migrations and covers everything ------------------

def test_the_join_maps_every_reference_the_migrations_name_and_integrity_checks():
    mapped = {f"{t}.{c}" for t, c, _ in joining.references()}
    assert len(mapped) > 100
    assert {f"{t}.{c}" for t, c, _ in migration_references()} <= mapped
    checked = set(re.findall(r"'(\w+\.\w+)' AS reference|SELECT '(\w+\.\w+)'", queries.sql("reference_problems")))
    checked = {a or b for a, b in checked}
    assert checked == mapped, "integrity.sql and the migrations' `-- ref:` comments disagree"


def test_a_reference_a_new_migration_adds_is_mapped(tmp_path):
    for file in joining.MIGRATIONS.glob("*.sql"):
        (tmp_path / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "020_later.sql").write_text(
        "CREATE TABLE later (\n    later_id INTEGER PRIMARY KEY,\n    firm_id INTEGER NOT NULL,  -- ref: firm\n);\n"
        "ALTER TABLE firm ADD COLUMN later_id INTEGER;  -- ref: later\n", encoding="utf-8")
    found = joining.references(tmp_path)
    assert ("later", "firm_id", "firm") in found and ("firm", "later_id", "later") in found


# -- with a server ---------------------------------------------------------------------------------------------

def _counts(con) -> dict[str, int]:
    names = [t for t, in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                     "'main'").fetchall()]
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]  # names from the catalogue
            for t in names if t not in joining.NOT_MOVED}


@pytest.fixture(scope="module")
def first_office():
    con = db.connect(":memory:")
    office.build(con, residents=2000, seed=42, as_of=AS_OF)
    yield con
    con.close()


@pytest.fixture(scope="module")
def second_office():
    """Another office: another seed (so another ID salt), its community under another name."""
    con = db.connect(":memory:")
    office.build(con, residents=2000, seed=7, as_of=AS_OF)
    con.execute("UPDATE community SET name = '新桥'")
    yield con
    con.close()


@pytest.fixture
def district(postgres_template):
    url = postgres_database(postgres_template)
    con = db.connect(url)
    yield con
    con.close()
    drop_postgres_database(url)


def _district_counts(con) -> dict[str, int]:
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in joining.tables(con)}


def _people(con, community: str) -> list[tuple]:
    """A community's people where they live, by names only (ids differ between file and district)."""
    return sorted(con.execute(
        "SELECT r.name, r.id_hash, b.name, s.unit_no, h.room, coalesce(m.category, '') FROM resident r"
        " JOIN household h ON h.household_id = r.household_id JOIN stairwell s ON s.stairwell_id = h.stairwell_id"
        " JOIN building b ON b.building_id = s.building_id JOIN compound c ON c.compound_id = b.compound_id"
        " JOIN community k ON k.community_id = c.community_id"
        " LEFT JOIN control_measure m ON m.resident_id = r.resident_id WHERE k.name = $n", {"n": community}
    ).fetchall())


@needs_postgres
def test_every_reference_points_at_a_table_whose_id_the_join_renumbers(district):
    ids = joining.id_columns(district)
    assert [(t, c, r) for t, c, r in joining.references() if r not in ids] == []
    assert {"resident", "household", "building", "audit_log", "app_user", "community"} <= set(ids)
    assert joining.sequences(district)  # every DEFAULT nextval is a table's id (join() refuses otherwise)
    assert all(ids.get(t) == c for t, c in joining.sequences(district))


@needs_postgres
def test_the_demo_joins_an_empty_district_whole(first_office, district):
    result = joining.join(first_office, district, by="chief", file_name="office.duckdb")
    source = _counts(first_office)
    assert set(result["tables"]) == set(source), "every table of the schema is moved"
    assert result["tables"] == source
    assert {t: n for t, n in _district_counts(district).items() if t != "audit_log"} == \
        {t: n for t, n in source.items() if t != "audit_log"}
    assert _district_counts(district)["audit_log"] == source["audit_log"] + 1  # the join's own row
    assert integrity.reference_problems(district) == {}
    assert _people(district, "永定") == _people(first_office, "永定")
    salt = first_office.execute("SELECT value FROM meta WHERE key = 'id_salt'").fetchone()[0]
    assert district.execute("SELECT value FROM meta WHERE key = 'id_salt'").fetchone()[0] == salt
    audit = district.execute("SELECT username, action FROM audit_log ORDER BY audit_id DESC LIMIT 1").fetchone()
    assert audit == ("chief", "join")
    # Sequences move past the joined ids: the next row gets a new id.
    before = district.execute("SELECT max(case_id) FROM external_case").fetchone()[0]
    nxt = district.execute("SELECT nextval('external_case_seq')").fetchone()[0]
    assert nxt > before


@needs_postgres
def test_joining_the_same_file_twice_changes_nothing_the_second_time(first_office, district):
    joining.join(first_office, district, by="chief")
    after_first = _district_counts(district)
    again = joining.join(first_office, district, by="chief")
    assert again["already"] and set(again["tables"].values()) == {0}
    assert _district_counts(district) == after_first
    assert "already joined" in joining.describe(again)


@needs_postgres
def test_two_offices_joined_keep_both_whole(first_office, second_office, district):
    joining.join(first_office, district, by="chief")
    with pytest.raises(joining.JoinError, match="own salt"):  # another salt: refused unless told
        joining.join(second_office, district, by="chief")
    assert district.execute("SELECT count(*) FROM community").fetchone()[0] == 1
    result = joining.join(second_office, district, by="chief", keep_office_salt=True)
    # The demo's offices brought the same published case list: those cases are stored once, as an import does.
    same = result["same_as_district"]
    assert same == {"external_case": _counts(second_office)["external_case"]}
    assert result["tables"] == {t: n - same.get(t, 0) for t, n in _counts(second_office).items()}
    first, second = _counts(first_office), _counts(second_office)
    both = {t: first[t] + second[t] - same.get(t, 0) for t in first}
    assert {t: n for t, n in _district_counts(district).items() if t != "audit_log"} == \
        {t: n for t, n in both.items() if t != "audit_log"}
    assert integrity.reference_problems(district) == {}
    assert _people(district, "永定") == _people(first_office, "永定")
    assert _people(district, "新桥") == _people(second_office, "新桥")
    new_id = district.execute("SELECT community_id FROM community WHERE name = '新桥'").fetchone()[0]
    salt = second_office.execute("SELECT value FROM meta WHERE key = 'id_salt'").fetchone()[0]
    assert district.execute("SELECT value FROM meta WHERE key = $k", {"k": f"id_salt:{new_id}"}).fetchone()[0] == salt
    # Pass numbers name the district's compound ids: no two cards share one.
    numbers = district.execute("SELECT count(*), count(DISTINCT number) FROM gate_pass").fetchone()
    assert numbers[0] == numbers[1] == both["gate_pass"]
    first = district.execute(
        "SELECT p.number, b.compound_id FROM gate_pass p JOIN household h ON h.household_id = p.household_id"
        " JOIN stairwell s ON s.stairwell_id = h.stairwell_id JOIN building b ON b.building_id = s.building_id"
        " JOIN compound c ON c.compound_id = b.compound_id JOIN community k ON k.community_id = c.community_id"
        " WHERE k.name = '新桥' LIMIT 1").fetchone()
    assert first[0][1:4] == f"{first[1]:03d}"


@needs_postgres
def test_a_clash_the_join_cannot_renumber_is_refused_naming_it(first_office, district):
    joining.join(first_office, district, by="chief")
    before = _district_counts(district)
    twin = db.connect(":memory:")  # the same office again, under another salt: its community clashes
    office.build(twin, residents=300, seed=42, as_of=AS_OF)
    twin.execute("UPDATE meta SET value = 'another' WHERE key = 'id_salt'")
    with pytest.raises(joining.JoinError, match="already in the district.*永定"):
        joining.join(twin, district, by="chief", keep_office_salt=True)
    twin.close()
    assert _district_counts(district) == before


@needs_postgres
def test_a_failure_mid_way_leaves_the_district_as_it_was(first_office, district):
    before = _district_counts(district)
    meta = district.execute("SELECT key, value FROM meta ORDER BY key").fetchall()

    def breaks(target):
        assert target.execute("SELECT count(*) FROM resident").fetchone()[0] == 2000  # rows are in
        raise RuntimeError("the disk went away")

    with pytest.raises(RuntimeError, match="disk"):
        joining.join(first_office, district, by="chief", _after_copy=breaks)
    assert _district_counts(district) == before
    assert district.execute("SELECT key, value FROM meta ORDER BY key").fetchall() == meta
    # And it joins whole afterwards.
    assert joining.join(first_office, district, by="chief")["tables"] == _counts(first_office)


@needs_postgres
def test_counts_that_do_not_add_up_roll_everything_back(first_office, district):
    before = _district_counts(district)

    def loses_a_row(target):
        target.execute("DELETE FROM resident WHERE resident_id = (SELECT max(resident_id) FROM resident)")

    with pytest.raises(joining.JoinError, match="resident had 0, 2000 copied, now 1999"):
        joining.join(first_office, district, by="chief", _after_copy=loses_a_row)
    assert _district_counts(district) == before


@needs_postgres
def test_the_command_moves_a_file_and_says_what_it_moved(first_office, postgres_template, tmp_path, capsys):
    path = tmp_path / "office.duckdb"
    first_office.execute(f"ATTACH '{path}' AS office_file")
    first_office.execute("COPY FROM DATABASE memory TO office_file")
    first_office.execute("DETACH office_file")
    url = postgres_database(postgres_template)
    try:
        assert joining.main(["--from", str(path), "--to", url, "--by", "chief"]) == 0
        said = capsys.readouterr().out
        assert "rows in" in said and "resident: 2000" in said
        assert joining.main(["--from", str(path), "--to", url, "--by", "chief"]) == 0
        assert "already joined" in capsys.readouterr().out
    finally:
        drop_postgres_database(url)


@needs_postgres
def test_an_office_joined_with_its_own_salt_is_still_found_by_id_number(first_office, second_office, district):
    """Its residents' hashes were made with the office's salt; every lookup by ID number must use it there."""
    from resilient.core.accounts import User
    from resilient.daily import arrivals
    from resilient.daily.arrivals import Arrival, Newcomer
    from resilient.daily.rules import DailyError
    from resilient.demo import examples, generator
    from resilient.edge import health_codes
    from resilient.imports import register as register_import
    from resilient.imports.sheets import match_headers

    joining.join(first_office, district, by="chief")
    joining.join(second_office, district, by="chief", keep_office_salt=True)
    source = db.connect(":memory:")  # the second office's register as its office holds it, full ID numbers
    generator.generate(source, residents=2000, seed=7, as_of=AS_OF)
    register = examples.register_by_resident(source, seed=8)
    source.close()
    register = register[register["社区"] == register["社区"].iloc[0]].drop(columns="社区").reset_index(drop=True)
    community_id = district.execute("SELECT community_id FROM community WHERE name = '新桥'").fetchone()[0]
    chief = User(0, "chief", "街道", "street_admin")

    mapping, _ = match_headers(register.columns, register_import.REGISTER_FIELDS)
    again = register_import.validate_register(district, register, mapping, community_id=community_id,
                                              scope=EVERYTHING, today=AS_OF)
    assert not again.problems and again.counts["created"] == 0, "the same register again makes no one new"

    number, name = register.iloc[0]["身份证号"], register.iloc[0]["姓名"]
    resident_id = district.execute("SELECT r.resident_id FROM resident r JOIN household h USING (household_id) "
                                   "JOIN stairwell s USING (stairwell_id) JOIN building b USING (building_id) "
                                   "JOIN compound c USING (compound_id) WHERE c.community_id = $c AND r.name = $n",
                                   {"c": community_id, "n": name}).fetchall()
    sheet = pd.DataFrame([{"身份证号": number, "健康码": "绿码", "日期": AS_OF.isoformat()}])
    codes = health_codes.validate_sheet(district, chief, sheet, AS_OF)
    assert not codes.problems and [r[1] for r in codes.rows] in [[r] for r, in resident_id]

    household = district.execute("SELECT min(household_id) FROM household").fetchone()[0]
    with pytest.raises(DailyError) as known:
        arrivals.register(district, chief, Arrival(arrival_date=AS_OF, origin="abroad",
                                                   newcomer=Newcomer(household, name, number)),
                          now=datetime.combine(AS_OF, time(12)))
    assert known.value.code == "arrivals.error.id_known"
