"""Matching footprints to the register by name or number, and writing them all-or-nothing within the scope."""

import json
import random
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo import footprints
from geo.footprints import FootprintError, read_footprints
from resilient.core import audit, db
from resilient.core.accounts import User
from resilient.core.i18n import TEXT as FOOTPRINT_TEXT
from resilient.core.i18n import t
from resilient.core.scope import Scope
from resilient.demo import generator as demo
from resilient.imports import footprints as fi
from resilient.ops import integrity
from resilient.places import geometry
from tests import footprint_files as ff

ADMIN = User(90, "admin", "管理员", "street_admin")
LEADER = User(91, "leader", "社区书记", "community_leader", community_id=1)
OTHER_LEADER = User(92, "other", "别的书记", "community_leader", community_id=2)
GRID_WORKER = User(93, "gw", "网格员甲", "grid_worker", community_id=1, staff_id=1)  # grid 1: building 1 only
DOCTOR = User(94, "doc", "医生", "doctor", community_id=1, staff_id=1)

needs_realdata = pytest.mark.skipif(not ff.REALDATA.exists(), reason="shared/realdata not beside the repository")


def snapshot(con) -> tuple:
    """Everything an import may touch, to prove a refused or failed import left it all as it was."""
    return (
        con.execute("SELECT building_id, compound_id, grid_id, name, floors, ST_AsText(geom) FROM building "
                    "ORDER BY 1").fetchall(),
        con.execute("SELECT stairwell_id, building_id, unit_no, ST_AsText(geom) FROM stairwell ORDER BY 1").fetchall(),
        con.execute("SELECT count(*) FROM audit_log").fetchone(),
    )


def frame(names: list, floors: list | None = None, *, lon: float = 119.9600) -> gpd.GeoDataFrame:
    """Cleaned WGS-84 footprints named `names`, one per 60 m along a street, numbered from 1."""
    data = {"名称": names}
    if floors is not None:
        data["层数"] = floors
    return gpd.GeoDataFrame(data, geometry=[ff.rect(lon + 0.0006 * i, 31.71) for i in range(len(names))],
                            crs="EPSG:4326", index=pd.RangeIndex(1, len(names) + 1, name="feature"))


def match(con, gdf, scope=None, community_id=1, **kwargs):
    floors = "层数" if "层数" in gdf else None
    return fi.match_to_register(con, scope or Scope(), community_id, gdf, "名称", floors, **kwargs)


def footprint(con, building_id):
    wkb = con.execute("SELECT ST_AsWKB(geom) FROM building WHERE building_id = $b", {"b": building_id}).fetchone()[0]
    return None if wkb is None else shapely.from_wkb(bytes(wkb))


# --- names -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["3栋", "3号楼", "3幢", "3", "Building 3", "building3", "３栋", "３号楼", "第3栋",
                                  "3#楼", "No.3", "03栋", "三号楼", " 3 栋 "])
def test_every_way_of_writing_building_3_gives_one_key(name):
    assert fi.building_key(name) == fi.building_key("3栋") == "3"


def test_other_names_keep_their_words():
    assert fi.building_key("B座") == fi.building_key("b栋") == "b"
    assert fi.building_key("图书馆") == "图书馆" and fi.building_key("科技楼") == fi.building_key("科技楼")
    assert fi.building_key("13栋") != fi.building_key("3栋")
    assert fi.building_key(None) is None and fi.building_key("  ") is None and fi.building_key(float("nan")) is None


@pytest.mark.parametrize("text, number", [("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("四十五", 45),
                                          ("两", 2), ("百", None), ("三三", None), ("", None)])
def test_chinese_number(text, number):
    assert fi.chinese_number(text) == number


def test_new_building_names_are_unique_in_the_compound():
    assert fi.new_building_names(["食堂", None, "食堂", "", "3栋"], {"3栋", "未命名1"}) == [
        "食堂", "未命名2", "食堂 (2)", "未命名3", "3栋 (2)"]


# --- matching ----------------------------------------------------------------------------------------------------

def test_footprints_match_by_name_or_number_and_the_rest_is_listed(small):
    m = match(small, frame(["1号楼", "Building 2", "３栋", "9栋", None], [6, "11层", "tall", 7, None]))
    assert m.matched["building_id"].to_dict() == {1: 1, 2: 2, 3: 3}
    assert m.matched["floors"].tolist() == [6, 11, pd.NA]
    assert list(m.unmatched_footprints.index) == [4, 5]
    assert m.unmatched_buildings.empty
    assert m.report.to_dict("records") == [
        {"feature": 3, "reason": "footprint.reason.floors_unreadable", "action": "ignored", "detail": "tall"}]
    assert m.matched.crs.to_epsg() == 4326 and m.source_crs == "EPSG:4326"


def test_fractional_floors_are_rounded_and_noted(small):
    m = match(small, frame(["1栋", "2栋"], [15.8, "6.2"]))
    assert m.matched["floors"].tolist() == [16, 6]
    assert m.report.to_dict("records") == [
        {"feature": 1, "reason": "footprint.reason.floors_rounded", "action": "rounded", "detail": "15.8 → 16"},
        {"feature": 2, "reason": "footprint.reason.floors_rounded", "action": "rounded", "detail": "6.2 → 6"}]


def test_a_building_section_matches_its_own_building_only(small):
    small.execute("INSERT INTO building VALUES (4, 1, 1, '314号楼A座', 6, TRUE, NULL), "
                  "(5, 1, 1, '314号楼B座', 6, TRUE, NULL), (6, 1, 1, '314号楼', 6, TRUE, NULL)")
    m = match(small, frame(["314栋A座", "314号楼B座", "314#", "A座"]))
    assert m.matched["building_id"].to_dict() == {1: 4, 2: 5, 3: 6}
    assert list(m.unmatched_footprints.index) == [4]


def test_buildings_without_a_footprint_are_listed(small):
    m = match(small, frame(["1栋"]))
    assert sorted(m.unmatched_buildings["building_id"]) == [2, 3]
    assert set(m.unmatched_buildings.columns) >= {"building_id", "compound_name", "name", "has_geom"}


def test_one_footprint_two_buildings_is_reported_not_guessed(small):
    small.execute("INSERT INTO building VALUES (4, 2, 2, '1栋', 6, TRUE, NULL)")  # B苑 also has a 1栋
    m = match(small, frame(["1号楼", "B苑1栋", "A苑 2栋"]))
    assert list(m.ambiguous["feature"]) == [1] and sorted(m.ambiguous["building_ids"][0]) == [1, 4]
    assert "A苑 1栋" in m.ambiguous["buildings"][0] and "B苑 1栋" in m.ambiguous["buildings"][0]
    assert m.matched["building_id"].to_dict() == {2: 4, 3: 2}  # a compound name in front settles it
    assert m.report.loc[0, "reason"] == "footprint.reason.ambiguous"
    assert 1 in set(m.unmatched_buildings["building_id"])
    assert 1 not in m.unmatched_footprints.index


def test_two_footprints_one_building_is_reported_not_guessed(small):
    m = match(small, frame(["1栋", "1号楼", "2栋"]))
    assert m.contested.to_dict("records") == [{"building_id": 1, "building_name": "1栋", "features": [1, 2]}]
    assert m.matched["building_id"].to_dict() == {3: 2}
    assert list(m.report["reason"]) == ["footprint.reason.contested"] * 2
    assert m.unmatched_footprints.empty


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_reads_as_sentences_in_the_readers_language(small, lang):
    small.execute("INSERT INTO building VALUES (4, 2, 2, '1栋', 6, TRUE, NULL)")
    gdf = frame(["1号楼", "2栋", "2号楼", "3栋"], [6, "tall", None, 15.8])
    m = match(small, gdf)
    _, cleaning = footprints.clean_polygons(gdf.assign(geometry=[gdf.geometry[1], shapely.LineString(
        [(119.96, 31.71), (119.961, 31.71)]), gdf.geometry[3], gdf.geometry[4]]))
    rows = fi.report_rows(pd.concat([cleaning, m.report], ignore_index=True), lang)
    assert list(rows.columns) == ["feature", "problem", "action", "detail"]
    assert len(rows) == 6
    for problem, action in zip(rows["problem"], rows["action"]):
        assert "footprint." not in problem + action and "{" not in problem, problem
    ambiguous = rows[rows["feature"] == 1]["problem"].iloc[0]
    assert "A苑 1栋" in ambiguous and "B苑 1栋" in ambiguous and ("第 1 个" in ambiguous or "Feature 1 " in ambiguous)


def test_registered_buildings_not_in_the_file_are_told_apart_by_their_outline(small):
    small.execute("INSERT INTO building VALUES (4, 2, 2, '5栋', 6, TRUE, NULL)")
    m = match(small, frame(["1栋"]))
    assert sorted(m.not_in_file_with_outline["building_id"]) == [2, 3]
    assert list(m.not_in_file_without_outline["building_id"]) == [4]
    assert fi.summary(m) == {"matched": 1, "unmatched": 0, "too_far": 0, "not_in_file": 3, "with_outline": 2,
                             "without_outline": 1}
    for lang in ("zh", "en"):
        text = t("footprint.summary", lang, **fi.summary(m))
        assert "{" not in text and "3" in text


def test_compound_narrows_the_register(small):
    m = match(small, frame(["1栋", "3栋"]), compound_id=2)
    assert m.matched["building_id"].to_dict() == {2: 3}
    assert list(m.unmatched_footprints.index) == [1]


def test_a_grid_worker_matches_only_their_own_buildings(small):
    m = match(small, frame(["1栋", "2栋"]), scope=Scope(community_ids=(1,), grid_ids=(1,)))
    assert m.matched["building_id"].to_dict() == {1: 1}
    assert list(m.unmatched_footprints.index) == [2]
    assert list(m.unmatched_buildings["building_id"]) == []


def test_matching_needs_wgs84(small):
    with pytest.raises(ValueError):
        match(small, frame(["1栋"]).to_crs("EPSG:32650"))


# --- committing --------------------------------------------------------------------------------------------------

def test_commit_sets_footprints_floors_creates_buildings_and_recuts_stairwells(small):
    gdf = frame(["1号楼", "2栋", "食堂", None], [7, None, 2, None])
    m = match(small, gdf)
    counts = fi.commit_footprints(small, ADMIN, m, create_in_compound=2, source_name="小区.geojson")
    assert counts == {"footprints_set": 2, "floors_updated": 1, "buildings_created": 2, "stairwells_recut": 3,
                      "community_id": 1, "compound_id": 2}
    assert footprint(small, 1).equals_exact(gdf.geometry[1], 1e-12)
    floors = small.execute("SELECT floors FROM building WHERE building_id IN (1, 2) ORDER BY 1").fetchall()
    assert floors == [(6,), (7,)]
    new = small.execute("SELECT building_id, compound_id, grid_id, name, floors FROM building WHERE building_id > 3 "
                        "ORDER BY 1").fetchall()
    assert new == [(4, 2, None, "食堂", 2), (5, 2, None, "未命名1", None)]
    # building 1's two stairwells are cut afresh from its new footprint, west to east
    shapes = dict(small.execute("SELECT stairwell_id, ST_AsWKB(geom) FROM stairwell WHERE building_id = 1").fetchall())
    pieces = [shapely.from_wkb(bytes(shapes[s])) for s in (1, 2)]
    assert pieces[0].area + pieces[1].area == pytest.approx(gdf.geometry[1].area, rel=1e-9)
    assert pieces[0].centroid.x < pieces[1].centroid.x
    entry = audit.search(small).iloc[0]
    assert entry["action"] == "import" and entry["target"] == "file:小区.geojson" and entry["username"] == "admin"
    assert json.loads(entry["detail"])["buildings_created"] == 2
    assert integrity.reference_problems(small) == {}


def test_a_grid_worker_sets_their_buildings_only(small):
    mine = match(small, frame(["1栋"]), scope=Scope(community_ids=(1,), grid_ids=(1,)))
    assert fi.commit_footprints(small, GRID_WORKER, mine, create_in_compound=None,
                                source_name="a.kml")["footprints_set"] == 1
    before = snapshot(small)
    theirs = match(small, frame(["1栋", "2栋"]))  # made with a leader's view: building 2 is in grid 2
    with pytest.raises(FootprintError) as caught:
        fi.commit_footprints(small, GRID_WORKER, theirs, create_in_compound=None, source_name="a.kml")
    assert caught.value.code == "footprint.error.out_of_scope" and caught.value.values["buildings"] == "2栋"
    assert snapshot(small) == before


@pytest.mark.parametrize("actor, compound, code", [
    (DOCTOR, None, "footprint.error.not_allowed"),
    (None, None, "footprint.error.not_allowed"),
    (GRID_WORKER, 1, "footprint.error.cannot_create"),
    (OTHER_LEADER, None, "footprint.error.out_of_scope"),
    (LEADER, 99, "footprint.error.compound"),
])
def test_refused_imports_change_nothing(small, actor, compound, code):
    m = match(small, frame(["1栋", "新楼"]))
    before = snapshot(small)
    with pytest.raises(FootprintError) as caught:
        fi.commit_footprints(small, actor, m, create_in_compound=compound, source_name="a.geojson")
    assert caught.value.code == code
    assert snapshot(small) == before


def test_the_write_queries_keep_to_the_scope_themselves(small):
    m = match(small, frame(["1栋", "2栋", "新楼"]))
    worker = Scope(community_ids=(1,), grid_ids=(1,))
    before = snapshot(small)
    with pytest.raises(FootprintError) as caught, db.transaction(small):
        fi._set_footprints(small, worker, m.matched)  # building 2 is outside grid 1
    assert caught.value.code == "footprint.error.out_of_scope" and caught.value.values["count"] == 1
    with pytest.raises(FootprintError) as caught, db.transaction(small):
        fi._create_buildings(small, worker, m, 1)
    assert caught.value.code == "footprint.error.cannot_create"
    assert snapshot(small) == before


def test_nothing_to_write_is_refused(small):
    m = match(small, frame(["新楼"]))
    with pytest.raises(FootprintError) as caught:
        fi.commit_footprints(small, LEADER, m, create_in_compound=None, source_name="a.geojson")
    assert caught.value.code == "footprint.error.nothing"


def test_uncleaned_shapes_are_refused(small):
    m = match(small, frame(["1栋"]))
    m.matched.loc[1, "geometry"] = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])  # a bow-tie
    with pytest.raises(FootprintError) as caught:
        fi.commit_footprints(small, ADMIN, m, create_in_compound=None, source_name="a.geojson")
    assert caught.value.code == "footprint.error.not_clean"


@pytest.mark.parametrize("where", ["write_stairwell_shapes", "audit"])
def test_a_failure_midway_leaves_the_database_as_it_was(small, monkeypatch, where):
    m = match(small, frame(["1栋", "2栋", "食堂"], [9, 9, 2]))
    before = snapshot(small)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    if where == "audit":
        monkeypatch.setattr(audit, "record", boom)
    else:
        monkeypatch.setattr(geometry, "write_stairwell_shapes", boom)
    with pytest.raises(RuntimeError):
        fi.commit_footprints(small, ADMIN, m, create_in_compound=1, source_name="a.geojson")
    assert snapshot(small) == before
    monkeypatch.undo()
    assert fi.commit_footprints(small, ADMIN, m, create_in_compound=1, source_name="a.geojson")["footprints_set"] == 2


# --- the whole way, from small files and the real ones, into a demo database -------------------------------------

@pytest.fixture
def demo_con():
    con = db.connect(":memory:")
    demo.generate(con, residents=2000, seed=11, as_of=date(2026, 11, 23))
    yield con
    con.close()


def pipeline(con, data: bytes, filename: str, *, declared="file", compound_id=None, create_in_compound=None,
             names=None) -> tuple:
    """Upload to commit, as the page does it: read, reproject, clean, guess columns, match, commit."""
    got = read_footprints(data, filename)
    clean, report = footprints.clean_polygons(footprints.to_wgs84(got.gdf, declared))
    name_column, floors_column = footprints.attribute_guess(clean)
    if names is not None:
        clean = clean.assign(楼号=names[: len(clean)])
        name_column = "楼号"
    m = fi.match_to_register(con, Scope(), 1, clean, name_column, floors_column, compound_id=compound_id)
    counts = fi.commit_footprints(con, ADMIN, m, create_in_compound=create_in_compound, source_name=filename)
    return clean, report, m, counts


@pytest.mark.parametrize("filename", list(ff.SMALL_FILES))
def test_each_small_format_imports_into_the_demo(demo_con, filename):
    clean, _report, m, counts = pipeline(demo_con, ff.SMALL_FILES[filename](), filename, compound_id=1,
                                         create_in_compound=1)
    assert counts["footprints_set"] == len(m.matched) >= 1  # 1栋 / 1号楼 / 3栋 ... are in compound 1
    assert counts["footprints_set"] + counts["buildings_created"] == len(clean)
    assert integrity.reference_problems(demo_con) == {}


@needs_realdata
def test_real_chongqing_shapefile_matches_and_commits(demo_con):
    buildings_before = demo_con.execute("SELECT count(*) FROM building").fetchone()[0]
    in_compound_1 = demo_con.execute("SELECT count(*) FROM building WHERE compound_id = 1").fetchone()[0]
    stairwells = demo_con.execute("SELECT count(*) FROM stairwell WHERE building_id IN "
                                  "(SELECT building_id FROM building WHERE compound_id = 1)").fetchone()[0]
    names = [f"{i}号楼" for i in range(1, 55)]  # the file has no names: number them as a surveyor would
    clean, report, m, counts = pipeline(demo_con, ff.realdata_zip(), "chongqing_buildings.zip", compound_id=1,
                                        create_in_compound=1, names=names)
    assert len(clean) == 54 and report.empty
    assert len(m.matched) == in_compound_1 and m.unmatched_buildings.empty
    assert counts == {"footprints_set": in_compound_1, "floors_updated": 0, "buildings_created": 54 - in_compound_1,
                      "stairwells_recut": stairwells, "community_id": 1, "compound_id": 1}
    assert demo_con.execute("SELECT count(*) FROM building").fetchone()[0] == buildings_before + 54 - in_compound_1
    assert demo_con.execute("SELECT count(*) FROM stairwell WHERE geom IS NULL").fetchone()[0] == 0
    assert integrity.reference_problems(demo_con) == {}


@needs_realdata
def test_real_shenzhen_osm_creates_its_buildings_with_floors(demo_con):
    data = (ff.REALDATA / "shenzhen_longgang_map.osm").read_bytes()
    clean, report, m, counts = pipeline(demo_con, data, "shenzhen_longgang_map.osm", compound_id=2,
                                        create_in_compound=2)
    assert len(clean) == 139 and report.empty
    assert m.matched.empty and len(m.unmatched_footprints) == 139
    assert counts["buildings_created"] == 139
    with_levels = int(clean["building:levels"].map(footprints.parse_floors).notna().sum())
    created = demo_con.execute("SELECT count(*), count(floors), count(DISTINCT name) FROM building "
                               "WHERE compound_id = 2 AND grid_id IS NULL").fetchone()
    assert created == (139, with_levels, 139)
    assert demo_con.execute("SELECT count(*) FROM building WHERE name IN ('图书馆', '图书馆 (2)')").fetchone()[0] == 2
    assert integrity.reference_problems(demo_con) == {}


@pytest.mark.parametrize("filename", list(ff.SMALL_FILES))
def test_damaged_files_never_raise_anything_else_nor_half_write(demo_con, filename):
    data = ff.SMALL_FILES[filename]()
    rng = random.Random(f"import-{filename}")
    for _ in range(30):
        before = snapshot(demo_con)
        try:
            pipeline(demo_con, ff.damaged(data, rng), filename, compound_id=1, create_in_compound=1)
        except FootprintError as error:
            assert error.code in FOOTPRINT_TEXT
            assert snapshot(demo_con) == before
