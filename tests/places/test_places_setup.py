"""Setting up places from an empty database: each step refused or written whole, audited, in scope."""


import pytest
import shapely

from resilient.core import audit
from resilient.core.accounts import User
from resilient.ops import integrity
from resilient.places import setup
from resilient.places.setup import SetupError
from tests.tree import migration_references

pytestmark = pytest.mark.both_backends

ADMIN = User(90, "admin", "管理员", "street_admin")
LEADER = User(91, "leader", "社区书记", "community_leader", community_id=1)
OTHER_LEADER = User(92, "other", "别的书记", "community_leader", community_id=2)
GRID_WORKER = User(93, "gw", "网格员甲", "grid_worker", community_id=1, staff_id=1)
LON, LAT = 119.950, 31.700


def square(lon: float, lat: float, size: float = 0.0003) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size / 2],
                                                [lon, lat + size / 2], [lon, lat]]]}


def codes(error) -> str:
    return error.value.code


def test_an_empty_database_gets_a_community_grid_compound_and_building(con):
    community = setup.create_community(con, ADMIN, "永定社区", "新北街道", "新北区")
    assert setup.communities(con, setup.Scope())["name"].tolist() == ["永定社区"]
    grid = setup.create_grid_cell(con, ADMIN, community, "第一网格")
    compound = setup.create_compound(con, ADMIN, community, "永宁花园")
    building = setup.create_building(con, ADMIN, compound, "314号楼A座", units=3, floors=18, grid_id=grid)
    assert con.execute("SELECT count(*) FROM stairwell WHERE building_id = ?", [building]).fetchone()[0] == 3
    steps = {s.step: s for s in setup.status(con, setup.Scope(), community)}
    assert steps["grid_cells"].count == 1 and steps["grid_cells"].missing == 1 and not steps["grid_cells"].done
    assert steps["outlines"].count == 0 and steps["outlines"].missing == 1
    assert setup.buildings_without_outline(con, setup.Scope())["name"].tolist() == ["314号楼A座"]
    actions = set(audit.search(con)["action"])
    assert {"setup_community", "setup_grid_cell", "setup_compound", "setup_building"} <= actions


def test_names_are_unique_where_people_would_confuse_them(con):
    community = setup.create_community(con, ADMIN, "永定社区", "新北街道")
    with pytest.raises(SetupError) as refused:
        setup.create_community(con, ADMIN, " 永定社区 ", "新北街道")
    assert codes(refused) == "setup.error.name_taken"
    setup.create_community(con, ADMIN, "永定社区", "别的街道")          # same name under another street is fine
    compound = setup.create_compound(con, ADMIN, community, "丽景苑")
    setup.create_building(con, ADMIN, compound, "1栋")
    with pytest.raises(SetupError) as refused:
        setup.create_building(con, ADMIN, compound, "１栋")             # full-width digit: the same name
    assert codes(refused) == "setup.error.name_taken"
    with pytest.raises(SetupError) as refused:
        setup.create_compound(con, ADMIN, community, "   ")
    assert codes(refused) == "setup.error.name_required"


def test_roles_and_scope_are_checked(small):
    with pytest.raises(SetupError) as refused:
        setup.create_community(small, LEADER, "新社区", "测试街道")
    assert codes(refused) == "setup.error.not_allowed"
    with pytest.raises(SetupError) as refused:
        setup.create_compound(small, GRID_WORKER, 1, "C苑")
    assert codes(refused) == "setup.error.not_allowed"
    with pytest.raises(SetupError) as refused:
        setup.create_compound(small, OTHER_LEADER, 1, "C苑")
    assert codes(refused) == "setup.error.out_of_scope"
    assert setup.create_compound(small, LEADER, 1, "C苑") == 3


def test_grid_worker_must_be_a_grid_worker_of_the_community(small):
    small.execute("INSERT INTO staff VALUES (3, 1, 'doctor', '医生丙', NULL)")
    grid = setup.create_grid_cell(small, LEADER, 1, "第3网格")
    with pytest.raises(SetupError) as refused:
        setup.set_grid_worker(small, LEADER, grid, 3)
    assert codes(refused) == "setup.error.not_a_grid_worker"
    setup.set_grid_worker(small, LEADER, grid, 1)
    assert small.execute("SELECT grid_worker_id FROM grid_cell WHERE grid_id = ?", [grid]).fetchone()[0] == 1


def test_rename_move_and_delete(small):
    setup.rename_building(small, LEADER, 3, "3号楼")
    with pytest.raises(SetupError) as refused:
        setup.rename_building(small, LEADER, 2, "1栋")          # building 1 of the same compound has that name
    assert codes(refused) == "setup.error.name_taken"
    setup.move_building(small, LEADER, 3, compound_id=1, grid_id=1)
    assert small.execute("SELECT compound_id, grid_id, name FROM building WHERE building_id = 3").fetchone() == (
        1, 1, "3号楼")
    with pytest.raises(SetupError) as refused:
        setup.delete_building(small, LEADER, 1)
    assert codes(refused) == "setup.error.building_not_empty" and refused.value.values["households"] == 3
    empty = setup.create_building(small, LEADER, 1, "空楼", units=2)
    setup.delete_building(small, LEADER, empty)
    assert small.execute("SELECT count(*) FROM stairwell WHERE building_id = ?", [empty]).fetchone()[0] == 0
    assert integrity.reference_problems(small) == {}


def test_a_name_the_new_compound_has_is_refused_on_move(small):
    setup.rename_building(small, LEADER, 3, "1栋")          # allowed: 1栋 of A苑 is another compound
    with pytest.raises(SetupError) as refused:
        setup.move_building(small, LEADER, 3, compound_id=1)
    assert codes(refused) == "setup.error.name_taken"


def test_merge_joins_stairwells_and_moves_what_named_the_source(small):
    small.execute("INSERT INTO volunteer VALUES (1, 1, '志愿者', NULL, 2, 5, TRUE)")
    small.execute("UPDATE household SET room = '601' WHERE household_id = 21")
    before = small.execute("SELECT count(*) FROM household").fetchone()[0]
    counts = setup.merge_buildings(small, LEADER, 2, 1)     # building 2's unit 1 joins building 1's unit 1
    assert counts == {"stairwells_joined": 1, "stairwells_moved": 0, "households": 1}
    assert small.execute("SELECT count(*) FROM household").fetchone()[0] == before
    assert small.execute("SELECT count(*) FROM building WHERE building_id = 2").fetchone()[0] == 0
    assert small.execute("SELECT home_building_id FROM volunteer").fetchone()[0] == 1
    assert integrity.reference_problems(small) == {}


def test_merge_refuses_two_households_behind_one_door(small):
    # household 21 (building 2, unit 1) has room 101, as household 11 of building 1's unit 1 has
    with pytest.raises(SetupError) as refused:
        setup.merge_buildings(small, LEADER, 2, 1)
    assert codes(refused) == "setup.error.merge_rooms" and refused.value.values["rooms"] == "101"
    assert small.execute("SELECT count(*) FROM building WHERE building_id = 2").fetchone()[0] == 1  # nothing changed


def test_every_reference_to_a_building_or_stairwell_is_repointed_by_a_merge():
    named = [f"{table}.{column}" for table, column, target in migration_references()
             if target in ("building", "stairwell")]
    assert sorted(named) == sorted(setup.BUILDING_REFERENCES + setup.STAIRWELL_REFERENCES)


def test_an_outline_is_set_and_stairwells_recut(small):
    small.execute("UPDATE building SET geom = NULL WHERE building_id = 3")
    result = setup.set_outline(small, LEADER, 3, square(119.9531, 31.7001))
    assert 200 < result["area_m2"] < 2000 and result["distance_m"] < 1000
    assert small.execute("SELECT geom IS NOT NULL FROM stairwell WHERE building_id = 3").fetchone()[0]


@pytest.mark.parametrize(("shape", "code"), [
    (square(116.39, 39.90), "setup.error.outline_far"),                  # Beijing, 900 km from the community
    (square(2.35, 48.85), "setup.error.outline_outside_china"),          # Paris
    ({"type": "Point", "coordinates": [119.95, 31.70]}, "setup.error.outline_not_polygon"),
    (square(119.95, 31.70, size=0.1), "setup.error.outline_size"),       # a district, not a building
])
def test_a_wrong_outline_is_refused_and_nothing_changes(small, shape, code):
    before = small.execute("SELECT ST_AsText(geom) FROM building WHERE building_id = 3").fetchone()[0]
    with pytest.raises(SetupError) as refused:
        setup.set_outline(small, LEADER, 3, shape)
    assert codes(refused) == code
    assert small.execute("SELECT ST_AsText(geom) FROM building WHERE building_id = 3").fetchone()[0] == before


def test_an_invalid_drawing_is_repaired():
    bow_tie = {"type": "Polygon", "coordinates": [[[119.95, 31.70], [119.9503, 31.7003], [119.9503, 31.70],
                                                   [119.95, 31.7003], [119.95, 31.70]]]}
    shape = setup.outline_from(bow_tie)
    assert shape.is_valid and shape.geom_type in ("Polygon", "MultiPolygon")
    assert shapely.area(shape) > 0


def test_staff_by_hand_then_a_grid_cell_for_them(con):
    community = setup.create_community(con, ADMIN, "永定社区", "新北街道")
    worker = setup.create_staff(con, ADMIN, community, "grid_worker", "王网格", "138 0000 1234")
    grid = setup.create_grid_cell(con, ADMIN, community, "第一网格", grid_worker_id=worker)
    cells = setup.grid_cells(con, setup.Scope(), community)
    assert cells[["grid_id", "grid_worker"]].values.tolist() == [[grid, "王网格"]]
    assert {s.step: s.done for s in setup.status(con, setup.Scope(), community)}["grid_cells"]
    with pytest.raises(SetupError) as refused:
        setup.create_staff(con, ADMIN, community, "grid_worker", "李四", "12345")
    assert codes(refused) == "setup.error.phone"
    with pytest.raises(SetupError) as refused:
        setup.create_staff(con, ADMIN, community, "mayor", "李四")
    assert codes(refused) == "setup.error.staff_role"


def test_the_set_up_reads_show_nothing_outside_scope(small):
    other = setup.Scope(community_ids=(2,))
    assert setup.grid_cells(small, other, 1).empty and setup.compounds(small, other, 1).empty
    assert setup.community_buildings(small, other, 1).empty
    with pytest.raises(SetupError):
        setup.status(small, other, 1)
    grid_worker = setup.Scope(community_ids=(1,), grid_ids=(1,))
    assert setup.community_buildings(small, grid_worker, 1).empty
    assert len(setup.community_buildings(small, setup.Scope(community_ids=(1,)), 1)) == 3
