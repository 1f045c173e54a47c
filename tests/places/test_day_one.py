"""Day one of a real office, end to end in the domain: an empty database, its community set up, its outline file
and its register imported in the set-up order, and the overview's figures drawn from them.

The files are the worked examples the set-up page offers (the demo community as an office's files) and the real
OpenStreetMap footprints in shared/realdata; nothing is inserted behind the set-up functions' back.
"""

from datetime import date

import pytest

from geo.footprints import FootprintError, attribute_guess, clean_polygons, read_footprints, to_wgs84
from resilient.core import ids
from resilient.core.accounts import User
from resilient.core.scope import EVERYTHING
from resilient.demo import examples
from resilient.imports import footprints as fi
from resilient.imports import register as ri
from resilient.imports.sheets import match_headers, read_table
from resilient.ops import integrity
from resilient.places import measures, setup
from tests.footprint_files import REALDATA, realdata_zip

pytestmark = pytest.mark.both_backends

ADMIN = User(90, "chief", "街道管理员", "street_admin")
TODAY = date(2026, 11, 23)


def import_outlines(con, community_id: int, data: bytes, filename: str, create: bool = True,
                    into: int | None = None) -> tuple:
    """What the outline tab does: read, reproject, clean, match (compounds from the file), write."""
    found = read_footprints(data, filename)
    clean, _ = clean_polygons(to_wgs84(found.gdf))
    name_column, floors_column = attribute_guess(clean)
    matching = fi.match_to_register(con, EVERYTHING, community_id, clean, name_column, floors_column,
                                    compound_column=found.compound_column)
    return matching, fi.commit_footprints(con, ADMIN, matching, create_in_compound=into, source_name=filename,
                                          create_in_file_compounds=create)


def import_register(con, community_id: int, data: bytes, filename: str) -> dict:
    """What the register tab does in census mode: read, map headers, check every row, write all or nothing."""
    frame = read_table(data, filename)
    mapping, unknown = match_headers(frame.columns, ri.REGISTER_FIELDS)
    assert unknown == []
    preview = ri.validate_register(con, frame, mapping, community_id=community_id, scope=EVERYTHING, census=True,
                                   today=TODAY)
    assert preview.problems == [], preview.problems[:5]
    return ri.commit_register(con, ADMIN, preview, source_name=filename)


def places_of(con) -> list[tuple]:
    return con.execute("""
        SELECT c.name, b.name, count(DISTINCT s.stairwell_id), count(DISTINCT h.household_id), count(r.resident_id)
        FROM building b JOIN compound c USING (compound_id)
        LEFT JOIN stairwell s USING (building_id) LEFT JOIN household h USING (stairwell_id)
        LEFT JOIN resident r USING (household_id)
        GROUP BY c.name, b.name ORDER BY 1, 2, 3, 4, 5""").fetchall()


def test_the_worked_examples_rebuild_the_demo_community_from_an_empty_database(con):
    community = setup.create_community(con, ADMIN, "永定社区", "三井街道", "新北区")
    matching, written = import_outlines(con, community, examples.outline_file(), "demo_outlines.geojson")
    example = examples._example_database().cursor()
    buildings = example.execute("SELECT count(*) FROM building").fetchone()[0]
    assert written["buildings_created"] == buildings and written["compounds_created"] == 2
    steps = {s.step: s for s in setup.status(con, EVERYTHING, community)}
    assert steps["outlines"].done and steps["compounds"].count == 2 and not steps["register"].done

    import_register(con, community, examples.register_file(), "demo_register.xlsx")
    residents = example.execute("SELECT count(*) FROM resident").fetchone()[0]
    assert con.execute("SELECT count(*) FROM resident").fetchone()[0] == residents
    # The same buildings hold the same stairwells, flats and people as the demo they came from.
    assert places_of(con) == places_of(example)
    assert integrity.reference_problems(con) == {}
    # The overview colours every building, each with its outline and its residents.
    density = measures.building_density(con, EVERYTHING, measures.Filters(), TODAY)
    assert len(density) == buildings and density["geojson"].notna().all()
    assert density["residents"].sum() == residents
    assert setup.buildings_without_outline(con, EVERYTHING).empty


def test_the_register_first_and_outlines_later_leaves_buildings_off_the_map_until_then(con):
    """The README's other order: a census register makes buildings without outlines; the outline file then
    lands on those same buildings, matched by compound and name."""
    community = setup.create_community(con, ADMIN, "永定社区", "三井街道")
    import_register(con, community, examples.register_file(), "demo_register.xlsx")
    missing = setup.buildings_without_outline(con, EVERYTHING)
    assert len(missing) == con.execute("SELECT count(*) FROM building").fetchone()[0] > 0
    density = measures.building_density(con, EVERYTHING, measures.Filters(), TODAY)
    assert density["geojson"].isna().all()          # listed, not drawn, and nothing raises
    matching, written = import_outlines(con, community, examples.outline_file(), "demo_outlines.geojson")
    assert written["buildings_created"] == 0 and written["footprints_set"] == len(missing)
    assert setup.buildings_without_outline(con, EVERYTHING).empty


@pytest.mark.skipif(not REALDATA.exists(), reason="shared/realdata is not beside the repository")
def test_a_real_osm_file_becomes_a_community_and_a_far_file_never_lands_on_it(con):
    community = setup.create_community(con, ADMIN, "龙岗测试社区", "龙岗街道", "深圳市龙岗区")
    campus = setup.create_compound(con, ADMIN, community, "校园")   # for buildings no named area holds
    osm = (REALDATA / "shenzhen_longgang_map.osm").read_bytes()
    matching, written = import_outlines(con, community, osm, "shenzhen_longgang_map.osm", into=campus)
    assert written["buildings_created"] > 100
    located = con.execute("SELECT count(*) FROM building WHERE geom IS NOT NULL").fetchone()[0]
    assert located == written["buildings_created"]
    # A register naming some of those buildings puts people in them.
    names = con.execute("""SELECT c.name, b.name FROM building b JOIN compound c USING (compound_id)
                           ORDER BY b.building_id LIMIT 3""").fetchall()
    rows = ["小区,楼栋,单元,房号,姓名,身份证号"]
    for i, (compound, building) in enumerate(names):
        first17 = f"44030719900101{i:02d}1"
        rows.append(f"{compound},{building},1,101,测试居民,{first17}{ids.check_digit(first17)}")
    frame_bytes = ("\n".join(rows) + "\n").encode("utf-8")
    frame = read_table(frame_bytes, "register.csv")
    mapping, _ = match_headers(frame.columns, ri.REGISTER_FIELDS)
    preview = ri.validate_register(con, frame, mapping, community_id=community, scope=EVERYTHING, census=True,
                                   today=TODAY)
    assert preview.problems == []
    ri.commit_register(con, ADMIN, preview, source_name="register.csv")
    density = measures.building_density(con, EVERYTHING, measures.Filters(), TODAY)
    assert density["residents"].sum() == len(names)

    # The Chongqing shapefile, 1,000 km away, is refused before anything is written.
    before = con.execute("SELECT count(*), count(geom) FROM building").fetchone()
    with pytest.raises(FootprintError) as refused:
        import_outlines(con, community, realdata_zip(), "chongqing_buildings.zip", into=campus)
    assert refused.value.code in ("footprint.error.far_from_community", "footprint.error.too_far")
    assert con.execute("SELECT count(*), count(geom) FROM building").fetchone() == before
