"""The built-in demo is set up the way a real office sets up (issue 13, item 5): through the set-up functions and
the sheet and outline imports, from an empty database, ending where the bulk generator ends."""

from datetime import date

import pytest

from resilient.core import audit, db
from resilient.demo import database, examples, generator, office
from resilient.ops import integrity

TODAY = date(2026, 11, 23)

PLACES = """
    SELECT co.name, c.name, b.name, g.name, b.floors, count(DISTINCT s.stairwell_id), count(DISTINCT h.household_id),
           count(r.resident_id), ST_AsText(b.geom) IS NOT NULL
    FROM building b JOIN compound c USING (compound_id) JOIN community co ON co.community_id = c.community_id
    LEFT JOIN grid_cell g ON g.grid_id = b.grid_id
    LEFT JOIN stairwell s USING (building_id) LEFT JOIN household h USING (stairwell_id)
    LEFT JOIN resident r USING (household_id)
    GROUP BY ALL ORDER BY ALL"""
PEOPLE_AND_WORK = """
    SELECT (SELECT list(category || origin || start_date::VARCHAR ORDER BY category, origin, start_date)
            FROM control_measure),
           (SELECT count(*) FROM volunteer_assignment), (SELECT count(*) FROM contact),
           (SELECT count(*) FROM building_leader), (SELECT count(*) FROM team),
           (SELECT count(*) FROM team_household), (SELECT count(*) FROM health_check),
           (SELECT count(*) FROM staff), (SELECT count(*) FROM grid_cell WHERE grid_worker_id IS NOT NULL)"""


@pytest.fixture(scope="module")
def both():
    """Two communities made both ways from one seed."""
    walked, bulk = db.connect(":memory:"), db.connect(":memory:")
    counts = office.build(walked, residents=30_000, seed=4, as_of=TODAY)
    assert counts == generator.generate(bulk, residents=30_000, seed=4, as_of=TODAY)
    yield walked, bulk
    walked.close()
    bulk.close()


def test_the_set_up_path_ends_where_the_bulk_generator_ends(both):
    walked, bulk = both
    assert walked.execute(PLACES).fetchall() == bulk.execute(PLACES).fetchall()
    assert walked.execute(PEOPLE_AND_WORK).fetchone() == bulk.execute(PEOPLE_AND_WORK).fetchone()
    assert integrity.reference_problems(walked) == {}


def test_each_step_is_in_the_audit_log_as_an_office_would_leave_it(both):
    walked, _ = both
    log = audit.search(walked, username=office.DEMO_SETUP.username, limit=10_000)
    actions = log["action"].value_counts().to_dict()
    assert actions == {"setup_community": 2, "setup_grid_cell": 16, "import": 10}
    files = set(log.loc[log["action"] == "import", "target"])
    assert files == {"file:楼栋清单.xlsx", "file:工作人员.xlsx", "file:住户登记.xlsx", "file:志愿者.xlsx",
                     "file:永定社区楼栋轮廓.geojson", "file:新桥社区楼栋轮廓.geojson"}


def test_the_demo_file_is_set_up_through_the_path_and_bulk_only_when_asked(tmp_path):
    walked, bulk = tmp_path / "walked.duckdb", tmp_path / "bulk.duckdb"
    assert database.ensure_database(walked, residents=2_000, seed=5)
    assert database.ensure_database(bulk, residents=2_000, seed=5, bulk=True)
    for path, imports in ((walked, 5), (bulk, 0)):
        con = db.connect(path)
        assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'import'").fetchone()[0] == imports
        assert generator.is_demo(con)
        assert con.execute("SELECT count(*) FROM app_user").fetchone()[0] == len(database.DEMO_ACCOUNTS)
        con.close()


def test_a_broken_step_says_which_file_and_row(monkeypatch):
    real = examples.register_by_resident

    def with_a_bad_id(con, seed=1):
        frame = real(con, seed)
        frame.iloc[3, frame.columns.get_loc("身份证号")] = "110105194912310021"  # wrong check digit
        return frame

    monkeypatch.setattr(examples, "register_by_resident", with_a_bad_id)
    with pytest.raises(office.DemoSetupError, match="住户登记.xlsx"):
        office.build(db.connect(":memory:"), residents=1_000, seed=2, as_of=TODAY)


def test_the_example_sheets_read_back_without_problems():
    from resilient.imports import register
    from resilient.imports.sheets import PLACES_FIELDS, match_headers, read_table

    for data, name, fields in ((examples.places_file(), "places.xlsx", PLACES_FIELDS),
                               (examples.staff_file(), "staff.xlsx", register.STAFF_FIELDS),
                               (examples.volunteer_file(), "volunteers.xlsx", register.VOLUNTEER_FIELDS)):
        frame = read_table(data, name)
        mapping, unknown = match_headers(frame.columns, fields)
        assert unknown == [] and len(frame) > 0
