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
from resilient.core.i18n import t, texts
from resilient.core.scope import Scope
from resilient.demo import generator as demo
from resilient.imports import footprints as fi
from resilient.ops import integrity
from resilient.places import geometry
from tests import footprint_files as ff

pytestmark = pytest.mark.both_backends

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


def test_an_ambiguous_footprint_is_offered_as_a_choice_and_resolved_to_the_building_picked(small):
    small.execute("INSERT INTO building VALUES (4, 2, 2, '1栋', 6, TRUE, NULL)")  # B苑 also has a 1栋
    m = match(small, frame(["1号楼", "2栋"], [9, None]))
    offered = fi.choices(m)
    assert offered[["feature", "label", "reason"]].to_dict("records") == [
        {"feature": 1, "label": "1号楼", "reason": "footprint.reason.ambiguous"}]
    assert sorted(offered.at[0, "building_ids"]) == [1, 4]  # nearest first
    assert offered.at[0, "distances_m"] == sorted(offered.at[0, "distances_m"])
    assert any(b.startswith("A苑 1栋 · ") and b.endswith(" km") for b in offered.at[0, "buildings"])
    chosen = fi.resolve(m, 1, 4)
    assert chosen.matched["building_id"].to_dict() == {1: 4, 2: 2}
    assert chosen.matched.at[1, "floors"] == 9 and chosen.matched.at[1, "building_name"] == "1栋"
    assert chosen.matched.at[1, "compound_name"] == "B苑" and chosen.matched.at[1, "distance_m"] > 0
    assert chosen.ambiguous.empty and fi.choices(chosen).empty
    assert "footprint.reason.ambiguous" not in set(chosen.report["reason"])
    assert {1, 4} & set(chosen.unmatched_buildings["building_id"]) == {1}
    assert m.matched["building_id"].to_dict() == {2: 2}  # the matching resolved is left as it was
    fi.commit_footprints(small, LEADER, chosen, create_in_compound=None, source_name="a.geojson")
    assert footprint(small, 4) is not None


def test_a_contested_building_goes_to_the_footprint_picked(small):
    m = match(small, frame(["1栋", "1号楼", "2栋"]))
    offered = fi.choices(m)
    assert list(offered["feature"]) == [1, 2] and set(offered["reason"]) == {"footprint.reason.contested"}
    assert offered.at[0, "building_ids"] == [1]
    chosen = fi.resolve(m, 2, 1)
    assert chosen.matched["building_id"].to_dict() == {2: 1, 3: 2} and chosen.contested.empty
    assert chosen.report[["feature", "reason", "action"]].to_dict("records") == [
        {"feature": 1, "reason": "footprint.reason.not_chosen", "action": "not_matched"}]
    assert fi.choices(chosen).empty
    with pytest.raises(ValueError):
        fi.resolve(m, 3, 1)  # feature 3 was never in doubt
    with pytest.raises(ValueError):
        fi.resolve(m, 1, 3)  # building 3 was not one of its choices


def test_a_building_already_matched_cannot_be_chosen_again(small):
    small.execute("INSERT INTO building VALUES (4, 2, 2, '2栋', 6, TRUE, NULL)")  # B苑 also has a 2栋
    m = match(small, frame(["A苑2栋", "2号楼"]))
    assert m.matched["building_id"].to_dict() == {1: 2}
    with pytest.raises(FootprintError) as caught:
        fi.resolve(m, 2, 2)
    assert caught.value.code == "footprint.error.already_matched" and caught.value.values["feature"] == 1
    assert fi.resolve(m, 2, 4).matched["building_id"].to_dict() == {1: 2, 2: 4}


# --- where things are -------------------------------------------------------------------------------------------

NORTH_OF_BUILDING_1 = 31.7002  # the north edge of building 1 (conftest.square(119.950, 31.70))
METRES_PER_DEGREE_LAT = 111_195.0


def north_of_building_1(names: list, metres: float) -> gpd.GeoDataFrame:
    """Footprints whose south edge lies `metres` north of building 1, one per 60 m eastwards."""
    lat = NORTH_OF_BUILDING_1 + metres / METRES_PER_DEGREE_LAT
    return gpd.GeoDataFrame({"名称": names}, geometry=[ff.rect(119.950 + 0.0006 * i, lat) for i in range(len(names))],
                            crs="EPSG:4326", index=pd.RangeIndex(1, len(names) + 1, name="feature"))


def moved(gdf: gpd.GeoDataFrame, east_deg: float, north_deg: float) -> gpd.GeoDataFrame:
    return gdf.set_geometry(gdf.geometry.translate(east_deg, north_deg))


def in_beijing(names: list) -> gpd.GeoDataFrame:
    """The same names 900 km away: what a neighbouring office's file looks like by mistake."""
    return moved(frame(names), 116.40 - 119.96, 39.90 - 31.71)


def test_every_match_carries_its_distance(small):
    m = match(small, north_of_building_1(["1栋"], 500))
    assert m.matched["distance_m"].iloc[0] == pytest.approx(500, rel=0.01)
    on_top = match(small, moved(frame(["2栋"], lon=119.951), 0, 31.70 - 31.71))  # building 2's own outline
    assert on_top.matched["distance_m"].iloc[0] == 0
    assert m.far_from_community_m is None and m.notices == []


def test_a_footprint_far_from_its_building_is_refused_naming_the_distance(small):
    m = match(small, north_of_building_1(["1栋", "2栋"], 3500))
    assert m.matched.empty and m.unmatched_footprints.empty
    rows = m.report[m.report["reason"] == "footprint.reason.too_far"]
    assert list(rows["feature"]) == [1, 2] and list(rows["action"]) == ["rejected"] * 2
    assert rows["detail"].iloc[0] == "1栋 · 3.5 km"
    assert list(m.too_far.index) == [1, 2] and m.too_far["distance_m"].iloc[0] == pytest.approx(3500, rel=0.01)
    assert sorted(m.unmatched_buildings["building_id"]) == [1, 2, 3]
    assert fi.summary(m)["too_far"] == 2


def test_the_distance_limit_is_a_parameter(small):
    assert len(match(small, north_of_building_1(["1栋"], 500), max_distance_m=300).matched) == 0
    assert len(match(small, north_of_building_1(["1栋"], 3500), max_distance_m=5000).matched) == 1


def test_a_building_without_an_outline_is_looked_for_near_its_community(small):
    small.execute("INSERT INTO building VALUES (4, 1, 1, '9栋', 6, TRUE, NULL)")
    near = match(small, north_of_building_1(["9栋"], 800))
    assert near.matched["building_id"].to_dict() == {1: 4}
    assert near.matched["distance_m"].iloc[0] == pytest.approx(800, rel=0.01)  # from building 1, the nearest
    far = match(small, in_beijing(["9栋"]))
    assert far.matched.empty and list(far.report["reason"]) == ["footprint.reason.too_far"]
    assert far.report["detail"].iloc[0].endswith(" km") and far.report["detail"].iloc[0].startswith("9栋 · 9")


def test_a_name_in_two_compounds_goes_to_the_one_within_reach(small):
    small.execute("INSERT INTO building VALUES (4, 2, 2, '1栋', 6, TRUE, ST_GeomFromText("
                  "'POLYGON((120.5 31.7, 120.5004 31.7, 120.5004 31.7002, 120.5 31.7002, 120.5 31.7))'))")
    m = match(small, north_of_building_1(["1栋"], 100))
    assert m.matched["building_id"].to_dict() == {1: 1} and m.ambiguous.empty


def test_a_file_from_another_city_is_refused_and_says_how_far_it_is(small):
    gdf = in_beijing(["1栋", "2栋", "新楼"])
    m = match(small, gdf, compound_id=1)
    assert m.matched.empty and m.unmatched_footprints.empty and len(m.too_far) == 3
    assert m.far_from_community_m == pytest.approx(960_000, rel=0.02)
    assert [code for code, _ in m.notices] == ["footprint.error.far_from_community"]
    values = m.notices[0][1]
    assert values["distance"].endswith(" km") and values["where"] == "39.90°N, 116.40°E"
    for lang in ("zh", "en"):
        assert "{" not in t("footprint.error.far_from_community", lang, **values)
    before = snapshot(small)
    with pytest.raises(FootprintError) as caught:
        fi.commit_footprints(small, ADMIN, m, create_in_compound=1, source_name="beijing.geojson")
    assert caught.value.code == "footprint.error.far_from_community"
    assert snapshot(small) == before


def test_a_file_thirty_km_off_is_flagged_before_anything_is_written(small):
    m = match(small, moved(frame(["1栋"]), 0.35, 0))  # about 33 km east
    assert m.far_from_community_m == pytest.approx(33_000, rel=0.05) and m.matched.empty
    assert match(small, frame(["1栋"])).far_from_community_m is None


def test_a_community_with_no_located_building_matches_by_name_anywhere_in_china(small):
    small.execute("INSERT INTO community VALUES (2, '新社区', '测试街道', '测试区')")
    small.execute("INSERT INTO compound VALUES (3, 2, '新苑')")
    small.execute("INSERT INTO building VALUES (4, 3, NULL, '1栋', 6, TRUE, NULL)")
    m = match(small, in_beijing(["1栋", "新楼"]), community_id=2)
    assert m.matched["building_id"].to_dict() == {1: 4} and list(m.unmatched_footprints.index) == [2]
    assert m.matched["distance_m"].isna().all() and m.far_from_community_m is None
    rome = moved(frame(["1栋"]), 12.49 - 119.96, 41.89 - 31.71)
    before = snapshot(small)
    with pytest.raises(FootprintError) as caught:
        match(small, rome, community_id=2)
    assert caught.value.code == "footprint.error.outside_china"
    assert caught.value.values["where"] == "41.89°N, 12.49°E"
    assert snapshot(small) == before


def test_a_matching_edited_to_hold_a_far_match_is_refused_at_commit(small):
    m = match(small, frame(["1栋"]))
    m.matched.loc[1, "distance_m"] = 5000.0
    with pytest.raises(FootprintError) as caught:
        fi.commit_footprints(small, ADMIN, m, create_in_compound=None, source_name="a.geojson")
    assert caught.value.code == "footprint.error.too_far"


# --- compounds named in the file ----------------------------------------------------------------------------

def compound_file(small, compounds: int = 3) -> gpd.GeoDataFrame:
    """compounds_geojson read and cleaned, with B苑 given a 1栋 of its own (so 1栋 alone would be ambiguous)."""
    small.execute("INSERT INTO building VALUES (4, 2, 2, '1栋', 6, TRUE, ST_GeomFromText($w))",
                  {"w": "POLYGON((119.954 31.70, 119.9544 31.70, 119.9544 31.7002, 119.954 31.7002, 119.954 31.70))"})
    got = read_footprints(ff.compounds_geojson(compounds), "街道.geojson")
    return footprints.clean_polygons(footprints.to_wgs84(got.gdf))[0]


def match_compounds(small, gdf, **kwargs):
    return fi.match_to_register(small, Scope(), 1, gdf, "name", None, compound_column="community", **kwargs)


def test_each_footprint_matches_in_the_compound_its_file_names(small):
    gdf = compound_file(small)
    assert match(small, gdf.rename(columns={"name": "名称"}).iloc[:1]).ambiguous["feature"].tolist() == [1]
    m = match_compounds(small, gdf)
    assert m.matched["building_id"].to_dict() == {1: 1, 2: 2, 3: 4}
    assert m.ambiguous.empty and m.contested.empty
    assert m.unmatched_footprints["file_compound"].to_dict() == {4: "B苑", 5: "第3小区", 6: "第3小区"}
    assert m.unmatched_footprints["compound_id"].tolist() == [2, pd.NA, pd.NA]
    assert m.compounds == {"A苑": 2, "B苑": 2, "第3小区": 2} and m.new_compounds == ["第3小区"]
    assert m.matched["file_compound"].tolist() == ["A苑", "A苑", "B苑"]


def test_buildings_are_created_in_the_compounds_the_file_names(small):
    m = match_compounds(small, compound_file(small))
    counts = fi.commit_footprints(small, ADMIN, m, create_in_compound=None, source_name="街道.geojson",
                                  create_in_file_compounds=True)
    assert counts == {"footprints_set": 3, "floors_updated": 0, "buildings_created": 3, "stairwells_recut": 3,
                      "community_id": 1, "compound_id": None, "compounds_created": 1}
    rows = small.execute("""SELECT c.community_id, c.name, b.name FROM building b JOIN compound c USING (compound_id)
        WHERE b.building_id > 4 ORDER BY b.building_id""").fetchall()
    assert rows == [(1, "B苑", "2栋"), (1, "第3小区", "1栋"), (1, "第3小区", "2栋")]
    assert integrity.reference_problems(small) == {}


def test_creating_in_the_files_compounds_needs_a_leader(small):
    m = match_compounds(small, compound_file(small))
    before = snapshot(small)
    with pytest.raises(FootprintError) as caught:
        fi.commit_footprints(small, GRID_WORKER, m, create_in_compound=None, source_name="a.geojson",
                             create_in_file_compounds=True)
    assert caught.value.code == "footprint.error.cannot_create"
    assert snapshot(small) == before


def test_a_matching_is_narrowed_to_the_compounds_or_the_box_an_office_picks(small):
    m = match_compounds(small, compound_file(small, compounds=16))
    assert len(m.compounds) == 16
    ours = fi.narrow(small, Scope(), m, compounds=["A苑", "B苑"])
    assert ours.matched["building_id"].to_dict() == {1: 1, 2: 2, 3: 4}
    assert list(ours.unmatched_footprints.index) == [4] and ours.compounds == {"A苑": 2, "B苑": 2}
    assert ours.new_compounds == []
    west = fi.narrow(small, Scope(), m, box=(ff.LON - 0.001, ff.LAT, ff.LON + 0.001, ff.LAT + 0.01))
    assert west.matched["building_id"].to_dict() == {1: 1, 2: 2} and west.unmatched_footprints.empty
    assert sorted(west.unmatched_buildings["building_id"]) == [3, 4]


def test_an_osm_files_residential_areas_become_the_compounds_of_new_buildings(small):
    got = read_footprints(ff.osm_with_compounds_bytes(), "小区.osm")
    clean, _ = footprints.clean_polygons(footprints.to_wgs84(got.gdf))
    m = fi.match_to_register(small, Scope(), 1, clean, "name", None, compound_column=got.compound_column)
    assert m.matched.empty  # 1栋 of 龙湖一区 is not A苑's 1栋
    assert m.new_compounds == ["龙湖一区", "龙湖二区"]
    counts = fi.commit_footprints(small, LEADER, m, create_in_compound=2, source_name="小区.osm",
                                  create_in_file_compounds=True)
    assert counts["buildings_created"] == 3 and counts["compounds_created"] == 2
    rows = small.execute("""SELECT c.name, b.name FROM building b JOIN compound c USING (compound_id)
        WHERE b.building_id > 3 ORDER BY c.name, b.name""").fetchall()
    assert rows == [("B苑", "门卫"), ("龙湖一区", "1栋"), ("龙湖二区", "1栋")]


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


def preview(con, data: bytes, filename: str, *, declared="file", compound_id=None, names=None,
            community_id=1) -> tuple:
    """Upload to matching, as the page does it: read, reproject, clean, guess columns, match."""
    got = read_footprints(data, filename)
    clean, report = footprints.clean_polygons(footprints.to_wgs84(got.gdf, declared))
    name_column, floors_column = footprints.attribute_guess(clean)
    if names is not None:
        clean = clean.assign(楼号=names[: len(clean)])
        name_column = "楼号"
    m = fi.match_to_register(con, Scope(), community_id, clean, name_column, floors_column, compound_id=compound_id)
    return clean, report, m


def pipeline(con, data: bytes, filename: str, *, create_in_compound=None, **options) -> tuple:
    """Upload to commit: the preview, then the write."""
    clean, report, m = preview(con, data, filename, **options)
    counts = fi.commit_footprints(con, ADMIN, m, create_in_compound=create_in_compound, source_name=filename)
    return clean, report, m, counts


def place_community(con, name: str, compounds: dict[str, list[tuple[str, tuple | None]]]) -> tuple[int, dict]:
    """A community of the given compounds and buildings, each at a lon/lat point or not yet located.

    Returns its id and {compound name: compound id}, numbered after whatever the database holds.
    """
    next_id = {t: con.execute(f"SELECT coalesce(max({t}_id), 0) + 1 FROM {t}").fetchone()[0]
               for t in ("community", "compound", "building", "stairwell")}
    community = next_id["community"]
    con.execute("INSERT INTO community VALUES ($c, $n, '测试街道', '测试区')", {"c": community, "n": name})
    ids, building, stairwell = {}, next_id["building"], next_id["stairwell"]
    for offset, (compound_name, buildings) in enumerate(compounds.items()):
        ids[compound_name] = next_id["compound"] + offset
        con.execute("INSERT INTO compound VALUES ($i, $c, $n)", {"i": ids[compound_name], "c": community,
                                                                 "n": compound_name})
        for building_name, point in buildings:
            wkt = None if point is None else f"POINT ({point[0]} {point[1]})"
            con.execute("INSERT INTO building VALUES ($b, $c, NULL, $n, 6, TRUE, ST_GeomFromText($w))",
                        {"b": building, "c": ids[compound_name], "n": building_name, "w": wkt})
            con.execute("INSERT INTO stairwell VALUES ($s, $b, 1, NULL)", {"s": stairwell, "b": building})
            building, stairwell = building + 1, stairwell + 1
    return community, ids


@pytest.mark.parametrize("filename", list(ff.SMALL_FILES))
def test_each_small_format_imports_into_the_demo(demo_con, filename):
    clean, _report, m, counts = pipeline(demo_con, ff.SMALL_FILES[filename](), filename, compound_id=1,
                                         create_in_compound=1)
    assert counts["footprints_set"] == len(m.matched) >= 1  # 1栋 / 1号楼 / 3栋 ... are in compound 1
    assert counts["footprints_set"] + counts["buildings_created"] == len(clean)
    assert integrity.reference_problems(demo_con) == {}


CHONGQING_NAMES = [f"{i}号楼" for i in range(1, 55)]  # the file has no names: numbered as a surveyor would


@needs_realdata
def test_real_chongqing_shapefile_matches_where_its_community_is_and_commits(demo_con):
    got = read_footprints(ff.realdata_zip(), "chongqing_buildings.zip")
    wgs84 = footprints.to_wgs84(got.gdf).geometry
    centroids = pd.Series(shapely.centroid(wgs84.values), index=wgs84.index)
    # 1号楼-5号楼 located 20 m north of the file's features 1-5, 6号楼-10号楼 registered but not yet located
    buildings = [(f"{i}号楼", (centroids[i].x, centroids[i].y + 0.00018)) for i in range(1, 6)]
    buildings += [(f"{i}号楼", None) for i in range(6, 11)]
    community, compounds = place_community(demo_con, "渝中测试社区", {"山城小区": buildings})
    stairwells = 10
    clean, report, m, counts = pipeline(demo_con, ff.realdata_zip(), "chongqing_buildings.zip",
                                        community_id=community, create_in_compound=compounds["山城小区"],
                                        names=CHONGQING_NAMES)
    assert len(clean) == 54 and report.empty
    assert sorted(m.matched["building_name"]) == sorted(f"{i}号楼" for i in range(1, 11))
    located = m.matched[m.matched["building_name"].isin([f"{i}号楼" for i in range(1, 6)])]
    assert located["distance_m"].max() < 20 and m.matched["distance_m"].max() < 1000
    assert m.unmatched_buildings.empty and m.too_far.empty and m.far_from_community_m is None
    assert counts == {"footprints_set": 10, "floors_updated": 0, "buildings_created": 44,
                      "stairwells_recut": stairwells, "community_id": community,
                      "compound_id": compounds["山城小区"]}
    assert demo_con.execute("SELECT count(*) FROM stairwell WHERE geom IS NULL").fetchone()[0] == 0
    assert integrity.reference_problems(demo_con) == {}


@needs_realdata
def test_real_chongqing_shapefile_is_refused_by_a_community_in_changzhou(demo_con):
    before = snapshot(demo_con)
    clean, _report, m = preview(demo_con, ff.realdata_zip(), "chongqing_buildings.zip", compound_id=1,
                                names=CHONGQING_NAMES)
    assert m.matched.empty and m.unmatched_footprints.empty and len(m.too_far) == 54
    assert m.far_from_community_m == pytest.approx(1_300_000, rel=0.1)
    assert m.too_far["building_name"].notna().sum() >= 1  # the demo has a 1号楼-like 1栋: named, and refused
    assert set(m.report["reason"]) == {"footprint.reason.too_far"}
    with pytest.raises(FootprintError) as caught:
        fi.commit_footprints(demo_con, ADMIN, m, create_in_compound=1, source_name="chongqing_buildings.zip")
    assert caught.value.code == "footprint.error.far_from_community"
    assert snapshot(demo_con) == before


SHENZHEN = "shenzhen_longgang_map.osm"


@needs_realdata
def test_real_shenzhen_osm_matches_its_colleges_with_distances_and_creates_the_rest(demo_con):
    community, compounds = place_community(demo_con, "龙岗测试社区", {
        "学勤书院": [("A座", (114.19862, 22.69320)), ("B座", (114.19883, 22.69352)), ("C座", None)],
        "逸夫书院": [("A栋", None)]})
    data = (ff.REALDATA / SHENZHEN).read_bytes()
    clean, report, m, counts = pipeline(demo_con, data, SHENZHEN, community_id=community,
                                        create_in_compound=compounds["逸夫书院"])
    assert len(clean) == 139 and report.empty
    by_name = m.matched.set_index("label")
    assert by_name.loc[["学勤书院A座", "学勤书院B座", "学勤书院C座", "逸夫书院A栋"], "building_name"].tolist() == [
        "A座", "B座", "C座", "A栋"]
    assert by_name.at["学勤书院B座", "distance_m"] == 0  # its point lies inside the outline
    assert 0 < by_name.at["学勤书院A座", "distance_m"] < 30
    assert by_name.at["逸夫书院A栋", "distance_m"] < 1000  # not located: measured from the colleges' buildings
    # the file reaches 3.5 km east of the colleges: its far corner is another neighbourhood, left out
    assert list(m.too_far.index) == [5] and m.too_far.at[5, "distance_m"] > 3000
    assert len(m.unmatched_footprints) == 134 and m.unmatched_footprints["distance_m"].max() <= 3000
    assert counts["footprints_set"] == 4 and counts["buildings_created"] == 134
    with_levels = int(clean["building:levels"].map(footprints.parse_floors).notna().sum())
    created = demo_con.execute("SELECT count(*), count(floors), count(DISTINCT name) FROM building "
                               "WHERE compound_id = $c AND grid_id IS NULL AND geom IS NOT NULL",
                               {"c": compounds["逸夫书院"]}).fetchone()
    assert created[0] == 135 and created[2] == 135  # the 134 new and the A栋 matched
    assert created[1] >= with_levels - 5
    assert demo_con.execute("SELECT count(*) FROM building WHERE name IN ('图书馆', '图书馆 (2)')").fetchone()[0] == 2
    assert integrity.reference_problems(demo_con) == {}


@needs_realdata
def test_real_shenzhen_osm_matches_nothing_in_changzhou_and_says_how_far(small):
    small.execute("INSERT INTO compound VALUES (3, 1, '学勤书院')")
    small.execute("INSERT INTO building VALUES (4, 3, 1, 'A座', 6, TRUE, ST_GeomFromText('POINT (119.952 31.701)'))")
    before = snapshot(small)
    _clean, _report, m = preview(small, (ff.REALDATA / SHENZHEN).read_bytes(), SHENZHEN)
    assert m.matched.empty and m.unmatched_footprints.empty and len(m.too_far) == 139
    named = m.report.set_index("feature").loc[int(m.too_far.index[m.too_far["label"] == "学勤书院A座"][0]), "detail"]
    assert named.startswith("A座 · ") and named.endswith(" km")
    assert m.far_from_community_m == pytest.approx(1_200_000, rel=0.1)
    assert m.notices[0][0] == "footprint.error.far_from_community"
    assert "22.69°N, 114.21°E" == m.notices[0][1]["where"]
    with pytest.raises(FootprintError) as caught:
        fi.commit_footprints(small, ADMIN, m, create_in_compound=1, source_name=SHENZHEN)
    assert caught.value.code == "footprint.error.far_from_community"
    assert snapshot(small) == before


@pytest.mark.parametrize("filename", list(ff.SMALL_FILES))
def test_damaged_files_never_raise_anything_else_nor_half_write(demo_con, filename):
    data = ff.SMALL_FILES[filename]()
    rng = random.Random(f"import-{filename}")
    for _ in range(30):
        before = snapshot(demo_con)
        try:
            pipeline(demo_con, ff.damaged(data, rng), filename, compound_id=1, create_in_compound=1)
        except FootprintError as error:
            assert error.code in texts("zh") and error.code in texts("en")
            assert snapshot(demo_con) == before
