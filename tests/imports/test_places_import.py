"""The places sheet: grid cells, compounds and buildings of a community brought in from one sheet, matched on
re-import, every problem named by row and column, nothing written while one is left, refused to other roles."""

import csv
import io
import json

import pytest

from resilient.core import audit, i18n
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.imports import places as pi
from resilient.imports import register as ri
from resilient.places import setup
from tests.conftest import square

pytestmark = pytest.mark.both_backends

ADMIN = User(1, "chief", "街道管理员", "street_admin")
LEADER = User(2, "leader", "社区书记", "community_leader", community_id=1)
GRID_WORKER = User(3, "grid1", "网格员甲", "grid_worker", community_id=1, staff_id=1)
COMMUNITY_1 = Scope(community_ids=(1,))
HEADER = ["网格", "小区", "楼栋", "单元数", "层数"]
SHEET = [
    ["第1网格", "永宁花园", "1号楼", "2", "18"],
    ["第1网格", "永宁花园", "2栋", "1", "6"],
    ["第2网格", "永宁花园", "314号楼A座", "3", ""],
    ["第2网格", "丽景苑", "一号楼", "1", "11"],
]


def sheet(rows, header=HEADER):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ri.read_table(buffer.getvalue().encode("utf-8-sig"), "places.csv")


def validate(con, rows, header=HEADER, *, community_id=1, scope=COMMUNITY_1):
    frame = sheet(rows, header)
    mapping, unknown = ri.match_headers(frame.columns, pi.PLACES_FIELDS)
    assert unknown == []
    return pi.validate_places(con, frame, mapping, community_id=community_id, scope=scope)


def bring_in(con, rows, actor=LEADER, **kw):
    preview = validate(con, rows, **kw)
    assert preview.ok, preview.problems
    return preview, pi.commit_places(con, actor, preview, source_name="places.csv")


def problems(preview):
    return [(p.row, p.column, p.code) for p in preview.problems]


def buildings(con):
    return con.execute("""
        SELECT c.name, b.name, g.name, b.floors, (SELECT count(*) FROM stairwell s WHERE s.building_id = b.building_id)
        FROM building b JOIN compound c USING (compound_id) LEFT JOIN grid_cell g USING (grid_id)
        ORDER BY b.building_id""").fetchall()


def fingerprint(con):
    return [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("grid_cell", "compound", "building", "stairwell", "audit_log")]


@pytest.fixture
def office(con):
    """A new community and nothing under it, as the set-up page's first step leaves it."""
    setup.create_community(con, ADMIN, "永定社区", "三井街道")
    return con


# --- from nothing ----------------------------------------------------------------------------------------------


def test_a_new_community_gets_its_grid_cells_compounds_and_buildings_from_one_sheet(office):
    preview, counts = bring_in(office, SHEET)
    assert preview.counts == counts
    assert counts == {"rows": 4, "grid_cells_created": 2, "compounds_created": 2, "buildings_created": 4,
                      "buildings_updated": 0, "stairwells_created": 7, "unchanged": 0}
    assert buildings(office) == [("永宁花园", "1栋", "第1网格", 18, 2), ("永宁花园", "2栋", "第1网格", 6, 1),
                                 ("永宁花园", "314号楼A座", "第2网格", None, 3), ("丽景苑", "1栋", "第2网格", 11, 1)]
    steps = {s.step: s for s in setup.status(office, Scope(), 1)}
    assert steps["compounds"].count == 2 and steps["grid_cells"].count == 2
    entries = audit.search(office, action="import")
    assert len(entries) == 1 and json.loads(entries["detail"].iloc[0])["kind"] == "places"


def test_the_same_sheet_again_changes_nothing(office):
    bring_in(office, SHEET)
    before = buildings(office)
    again = [["第 1 网格", "永宁花园 ", "1#", "2", "18"], ["1", "永宁花园", "2幢", "1", "6"],
             ["第2网格", "永宁花园", "314栋A座", "3", ""], ["第2网格", "丽景苑", "1号楼", "1", "11"]]
    preview, counts = bring_in(office, again)
    assert counts == {"rows": 4, "grid_cells_created": 0, "compounds_created": 0, "buildings_created": 0,
                      "buildings_updated": 0, "stairwells_created": 0, "unchanged": 4}
    assert buildings(office) == before


def test_a_known_building_is_matched_and_only_filled_in(office):
    compound = setup.create_compound(office, LEADER, 1, "永宁花园")
    first = setup.create_building(office, LEADER, compound, "1号楼", units=1)
    office.execute("UPDATE building SET geom = ST_GeomFromText($w) WHERE building_id = $b",
                   {"w": square(119.95, 31.70), "b": first})
    preview, counts = bring_in(office, [["第1网格", "永宁花园", "1栋", "3", "18"]])
    assert counts["buildings_created"] == 0 and counts["buildings_updated"] == 1 and counts["stairwells_created"] == 2
    assert buildings(office) == [("永宁花园", "1号楼", "第1网格", 18, 3)]
    shapes = office.execute("SELECT count(geom) FROM stairwell WHERE building_id = $b", {"b": first}).fetchone()[0]
    assert shapes == 3  # the outline cut again into three stairwells


def test_314_a_and_314_b_are_two_buildings_and_1号楼_and_1栋_one(office):
    preview = validate(office, [["", "永宁花园", "314号楼A座", "1", ""], ["", "永宁花园", "314号楼B座", "1", ""],
                                ["", "永宁花园", "1号楼", "1", ""], ["", "永宁花园", "1栋", "1", ""]])
    assert problems(preview) == [(5, "楼栋", "import.error.building_twice")]
    assert preview.problems[0].values["first_row"] == 4


# --- problems --------------------------------------------------------------------------------------------------


def test_every_problem_names_its_row_and_column_and_nothing_is_written(office):
    bring_in(office, [["第1网格", "永宁花园", "1栋", "3", "18"]])
    before = fingerprint(office)
    rows = [
        ["第2网格", "永宁花园", "1栋", "2", ""],            # 2: has a grid cell already, and 3 stairwells
        ["", "永宁花园", "", "1", ""],                       # 3: no building
        ["", "永宁花园", "5栋", "99", "300"],                # 4: units and floors out of range
        ["", "永" * 61, "6栋", "1", ""],                     # 5: compound name too long
        ["", "永宁花园", "5号楼", "1", ""],                  # 6: the building of row 4 again
        ["", "", "7栋", "1", ""],                            # 7: no compound
        ["", "永宁花园", "8栋", "很多", ""],                 # 8: not a number
    ]
    preview = validate(office, rows)
    assert problems(preview) == [
        (2, "单元数", "import.error.units_below"), (2, "网格", "import.error.grid_differs"),
        (3, "楼栋", "import.error.required"),
        (4, "单元数", "import.error.units_count"), (4, "层数", "import.error.floors_count"),
        (5, "小区", "import.error.name_too_long"),
        (6, "楼栋", "import.error.building_twice"),
        (7, "小区", "import.error.required"),
        (8, "单元数", "import.error.units_count"),
    ]
    assert preview.problems[0].values == {"value": 2, "units": 3}
    assert preview.problems[1].values == {"value": "第2网格", "grid": "第1网格"}
    assert preview.problems[3].values["limit"] == setup.MAX_UNITS
    for problem in preview.problems:   # every message is filled by its values, in both languages
        for language in ("zh", "en"):
            assert "{" not in i18n.refusal(problem.code, problem.values, language, {"field": "field"}), problem
    with pytest.raises(ri.ImportProblemError) as refused:
        pi.commit_places(office, LEADER, preview, source_name="places.csv")
    assert refused.value.code == "import.error.has_problems"
    assert fingerprint(office) == before


def test_one_grid_cell_per_building_and_a_compound_written_with_its_building(office):
    preview = validate(office, [["第1网格、第2网格", "永宁花园", "1栋", "1", ""], ["", "", "丽景苑3号楼", "2", ""]])
    assert problems(preview) == [(2, "网格", "import.error.one_grid")]
    preview, counts = bring_in(office, [["", "", "丽景苑3号楼", "2", ""]])
    assert buildings(office) == [("丽景苑", "3栋", None, None, 2)]


def test_a_sheet_without_a_building_column_says_so(office):
    preview = validate(office, [["永宁花园", "2"]], ["小区", "单元数"])
    assert problems(preview) == [(1, "", "import.error.missing_column")]
    assert preview.problems[0].values == {"field": "building"}


def test_other_floors_than_stored_is_a_problem_not_a_silent_change(office):
    bring_in(office, [["", "永宁花园", "1栋", "1", "18"]])
    preview = validate(office, [["", "永宁花园", "1栋", "1", "17"]])
    assert problems(preview) == [(2, "层数", "import.error.floors_differ")]


# --- who may -----------------------------------------------------------------------------------------------------


def test_roles_and_scopes_that_do_not_set_up_places_are_refused(office):
    with pytest.raises(ri.ImportProblemError) as refused:
        validate(office, SHEET, scope=Scope(community_ids=(1,), grid_ids=(1,)))
    assert refused.value.code == "import.error.not_allowed"
    with pytest.raises(ri.ImportProblemError) as refused:
        validate(office, SHEET, scope=Scope(community_ids=(2,)))
    assert refused.value.code == "import.error.community_out_of_scope"
    preview = validate(office, SHEET)
    before = fingerprint(office)
    for actor in (GRID_WORKER, None, User(4, "other", "别的书记", "community_leader", community_id=2)):
        with pytest.raises(ri.ImportProblemError) as refused:
            pi.commit_places(office, actor, preview, source_name="places.csv")
        assert refused.value.code in ("import.error.not_allowed", "import.error.community_out_of_scope")
    assert fingerprint(office) == before


def test_a_commit_after_the_database_changed_is_undone(office):
    preview = validate(office, SHEET)
    setup.create_compound(office, LEADER, 1, "丽景苑")   # made meanwhile: the preview's counts no longer hold
    before = fingerprint(office)
    with pytest.raises(ri.ImportProblemError) as refused:
        pi.commit_places(office, LEADER, preview, source_name="places.csv")
    assert refused.value.code == "import.error.changed_since_preview"
    assert fingerprint(office) == before


# --- the template ------------------------------------------------------------------------------------------------


def test_the_places_template_reads_back_with_no_header_problem_and_its_example_is_valid(office):
    frame = ri.read_table(ri.template_bytes("places"), "places.xlsx")
    mapping, unknown = ri.match_headers(frame.columns, pi.PLACES_FIELDS)
    assert unknown == [] and len(frame) == 1
    assert set(mapping.values()) == set(pi.PLACES_FIELDS)
    preview = pi.validate_places(office, frame, mapping, community_id=1, scope=Scope())
    assert preview.ok, preview.problems
