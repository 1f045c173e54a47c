"""Reading footprint files of every supported format, reprojecting, undoing Chinese map offsets, cleaning."""

import random

import geopandas as gpd
import pandas as pd
import prcoords
import pytest
import shapely
from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Point, Polygon

from geo import chinese_coords, footprints
from geo.footprints import FootprintError, read_footprints
from resilient.core.i18n import texts
from tests import footprint_files as ff


def error_code(data: bytes, filename: str, **kwargs) -> str:
    with pytest.raises(FootprintError) as caught:
        read_footprints(data, filename, **kwargs)
    return caught.value.code


# --- each format ---------------------------------------------------------------------------------------------

def test_geojson_gives_its_layer_columns_and_numbered_features():
    got = read_footprints(ff.geojson_bytes(), "小区.geojson")
    assert got.crs.to_epsg() == 4326 and not got.crs_assumed
    assert got.columns == ["name", "building:levels"]
    assert list(got.gdf.index) == [1, 2, 3] and got.gdf.index.name == "feature"
    assert len(got.layers) == 1 and got.layer == got.layers[0]


@pytest.mark.parametrize("epsg", [32650, 3857, 4490, 4547])  # UTM 50N, Web Mercator, CGCS2000 and its 3° zone
def test_zipped_shapefile_lands_back_within_half_a_metre(epsg):
    original = ff.buildings()
    got = read_footprints(ff.shapefile_zip(ff.buildings(f"EPSG:{epsg}")), "楼栋.zip")
    assert got.layers == ["楼栋"] and got.crs.to_epsg() == epsg
    assert got.gdf["名称"].tolist() == ["1号楼", "Building 2", "３栋"]  # UTF-8 names via the .cpg
    back = footprints.to_wgs84(got.gdf)
    assert back.crs.to_epsg() == 4326
    for a, b in zip(original.geometry, back.geometry):
        assert ff.offset_m(a, b) < 0.5
    assert back.geometry.iloc[0].centroid.x == pytest.approx(ff.LON + 0.0002, abs=1e-6)  # lon first, not lat


def test_geopackage_offers_its_layers_polygon_layer_first():
    data = ff.geopackage_bytes()
    got = read_footprints(data, "community.gpkg")
    assert got.layers == ["buildings", "gates"] and got.layer == "buildings"
    assert got.crs.to_epsg() == 3857
    back = footprints.to_wgs84(got.gdf)
    for a, b in zip(ff.buildings().geometry, back.geometry):
        assert ff.offset_m(a, b) < 0.5
    assert error_code(data, "community.gpkg", layer="gates") == "footprint.error.no_polygons"
    assert error_code(data, "community.gpkg", layer="roads") == "footprint.error.no_layer"


def test_kml_placemarks_with_chinese_extended_data():
    got = read_footprints(ff.kml_bytes(), "小区.kml")
    assert got.layers == ["楼栋"]
    assert got.columns == ["Name", "层数"]  # LIBKML's mangled '______' restored, its display fields dropped
    assert footprints.attribute_guess(got.gdf) == ("Name", "层数")
    clean, report = footprints.clean_polygons(footprints.to_wgs84(got.gdf))
    assert list(clean.index) == [1, 2]
    assert report.to_dict("records") == [
        {"feature": 3, "reason": "footprint.reason.not_polygon", "action": "skipped", "detail": "Point"}]


def test_osm_keeps_building_ways_and_relations_with_their_levels():
    got = read_footprints(ff.osm_bytes(), "map.osm")
    assert got.layers == ["multipolygons"]
    gdf = got.gdf
    assert sorted(gdf["name"]) == ["1栋", "Building 2"]  # the road and the untagged ring are not buildings
    by_name = gdf.set_index("name")
    assert by_name.at["1栋", "building:levels"] == "18" and by_name.at["Building 2", "building:levels"] == "6"
    assert by_name.at["Building 2", "addr:housenumber"] == "2"
    assert "other_tags" not in gdf.columns
    assert footprints.attribute_guess(gdf) == ("name", "building:levels")
    assert (gdf.geom_type == "MultiPolygon").all()


def test_an_osm_pbf_that_is_not_one_is_refused():
    assert error_code(b"\x00\x00\x00\x0dnot a pbf file at all", "map.osm.pbf") == "footprint.error.unreadable"


# --- CRS -----------------------------------------------------------------------------------------------------

def test_shapefile_without_prj_in_lon_lat_is_assumed_wgs84():
    got = read_footprints(ff.shapefile_zip(ff.buildings(), drop=(".prj",)), "noprj.zip")
    assert got.crs_assumed and got.crs.to_epsg() == 4326


def test_shapefile_without_prj_in_metres_is_refused():
    data = ff.shapefile_zip(ff.buildings("EPSG:32650"), drop=(".prj",))
    assert error_code(data, "noprj.zip") == "footprint.error.no_crs"


def test_lon_lat_crs_with_coordinates_out_of_range_is_refused():
    wrong = ff.buildings("EPSG:32650").set_crs("EPSG:4326", allow_override=True)
    assert error_code(ff.shapefile_zip(wrong), "wrong.zip") == "footprint.error.out_of_range"


def test_gbk_shapefile_without_cpg_reads_chinese_names():
    data = ff.shapefile_zip(ff.buildings(), drop=(".cpg",), encoding="GBK")
    assert read_footprints(data, "gbk.zip").gdf["名称"].tolist() == ["1号楼", "Building 2", "３栋"]


def test_declared_gcj02_is_undone_after_reprojection():
    truth = ff.buildings()
    gcj = truth.set_geometry(chinese_coords.wgs84_to_gcj02(truth.geometry.values)).to_crs("EPSG:3857")
    back = footprints.to_wgs84(gcj, declared="gcj02")
    for a, b in zip(truth.geometry, back.geometry):
        assert ff.offset_m(a, b) < 0.5
    assert ff.offset_m(truth.geometry.iloc[0], footprints.to_wgs84(gcj).geometry.iloc[0]) > 300  # as the file says


def test_declared_bd09_is_undone():
    truth = ff.buildings()

    def to_bd(xy):
        return [[p[1], p[0]] for p in (prcoords.wgs_bd((lat, lon), False) for lon, lat in xy)]

    bd = truth.set_geometry(shapely.transform(truth.geometry.values, to_bd))
    back = footprints.to_wgs84(bd, declared="bd09")
    for a, b in zip(truth.geometry, back.geometry):
        assert ff.offset_m(a, b) < 0.5


def test_unknown_declaration_is_a_programming_error():
    with pytest.raises(ValueError):
        footprints.to_wgs84(ff.buildings(), declared="wgs")


# --- files that are not what they say ------------------------------------------------------------------------

@pytest.mark.parametrize("data, filename, code", [
    (b"", "empty.geojson", "footprint.error.empty"),
    (b"{}", "plan.dwg", "footprint.error.format"),
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "photo.gpkg", "footprint.error.unreadable"),
    (b'{"type": "FeatureCollection", "features": [', "cut.geojson", "footprint.error.unreadable"),
    (b'{"type": "FeatureCollection", "features": []}', "none.geojson", "footprint.error.empty_layer"),
    (b"not a zip", "shapes.zip", "footprint.error.bad_zip"),
])
def test_unreadable_files_say_why(data, filename, code):
    assert error_code(data, filename) == code


def test_a_kml_named_geojson_is_refused_as_the_wrong_format():
    assert error_code(ff.kml_bytes(), "buildings.geojson") == "footprint.error.wrong_format"


def test_points_only_is_not_a_footprint_file():
    data = b"""{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
        "geometry": {"type": "Point", "coordinates": [119.95, 31.7]}}]}"""
    assert error_code(data, "gates.geojson") == "footprint.error.no_polygons"


def test_zip_without_shp_or_with_a_missing_part_is_refused():
    assert error_code(ff.zip_of({"readme.txt": b"hello"}), "a.zip") == "footprint.error.zip_no_shp"
    with pytest.raises(FootprintError) as caught:
        read_footprints(ff.shapefile_zip(ff.buildings(), drop=(".shx",)), "a.zip")
    assert caught.value.code == "footprint.error.zip_missing_part" and caught.value.values["part"] == ".shx"


def test_zip_from_a_mac_ignores_its_resource_forks():
    data = ff.shapefile_zip(ff.buildings(), extra={"__MACOSX/export/._楼栋.shp": b"\x00\x05\x16\x07junk",
                                                   "._楼栋.shp": b"junk"})
    got = read_footprints(data, "mac.zip")
    assert got.layers == ["楼栋"] and len(got.gdf) == 3


@pytest.mark.parametrize("member", ["../evil.shp", "/etc/evil.shp", "a/../../evil.shp", "C:/evil.shp"])
def test_zip_with_unsafe_paths_is_refused(member, tmp_path):
    data = ff.zip_of({member: b"x", "ok.shp": b"x"})
    assert error_code(data, "evil.zip") == "footprint.error.zip_unsafe"
    assert not (tmp_path.parent / "evil.shp").exists()


def test_zip_unpacking_stops_at_the_size_cap(monkeypatch):
    monkeypatch.setattr(footprints, "MAX_EXTRACTED_BYTES", 10_000)
    data = ff.zip_of({"big.shp": bytes(50_000)})  # compresses to almost nothing
    assert len(data) < 10_000
    assert error_code(data, "bomb.zip") == "footprint.error.zip_too_large"


# --- cleaning ------------------------------------------------------------------------------------------------

def test_clean_repairs_rejects_and_reports_each_feature():
    lon, lat = ff.LON, ff.LAT
    bow_tie = Polygon([(lon, lat), (lon + 0.0004, lat + 0.0002), (lon + 0.0004, lat), (lon, lat + 0.0002)])
    two = MultiPolygon([ff.rect(lon, lat + 0.001), ff.rect(lon + 0.001, lat + 0.001)])
    gdf = gpd.GeoDataFrame({"name": list("abcdefgh")}, geometry=[
        ff.rect(lon, lat),                                            # 1 fine
        bow_tie,                                                      # 2 repaired
        ff.rect(lon, lat, 0.00001, 0.00001),                          # 3 about 1 m²: rejected
        ff.rect(lon, lat, 0.02, 0.02),                                # 4 about 4 km²: rejected
        LineString([(lon, lat), (lon + 0.001, lat)]),                 # 5 a line: skipped
        Polygon(),                                                    # 6 empty: rejected
        two,                                                          # 7 kept whole, not exploded
        GeometryCollection([ff.rect(lon, lat + 0.002), Point(lon, lat)]),  # 8 polygon part kept
    ], crs="EPSG:4326", index=pd.RangeIndex(1, 9, name="feature"))
    clean, report = footprints.clean_polygons(gdf)
    assert list(clean.index) == [1, 2, 7, 8]
    assert clean.is_valid.all() and clean.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert clean.geometry[2].geom_type == "MultiPolygon" and len(clean.geometry[2].geoms) == 2  # the two triangles
    assert clean.geometry[7].equals(two) and clean.loc[8, "name"] == "h"
    assert clean.geometry[8].geom_type == "Polygon"
    rows = {r.feature: (r.reason, r.action) for r in report.itertuples()}
    assert rows == {
        2: ("footprint.reason.invalid", "repaired"), 3: ("footprint.reason.too_small", "rejected"),
        4: ("footprint.reason.too_large", "rejected"), 5: ("footprint.reason.not_polygon", "skipped"),
        6: ("footprint.reason.empty", "rejected"), 8: ("footprint.reason.collection", "repaired")}
    assert list(report.columns) == ["feature", "reason", "action", "detail"]
    assert "Self-intersection" in report.set_index("feature").at[2, "detail"]


def test_clean_of_nothing_is_empty():
    clean, report = footprints.clean_polygons(ff.buildings().iloc[0:0])
    assert clean.empty and report.empty


def test_footprint_areas_in_square_metres():
    area = footprints.footprint_areas(ff.buildings().geometry).iloc[0]
    assert 600 < area < 700  # 0.0004° x 0.00015° at 31.7°N ≈ 37.9 m x 16.7 m


# --- attribute guesses and parsing ---------------------------------------------------------------------------

@pytest.mark.parametrize("columns, expected", [
    ({"NAME": ["3栋"], "FLOORS": [6]}, ("NAME", "FLOORS")),
    ({"名称": ["3栋"], "层数": ["6层"]}, ("名称", "层数")),
    ({"addr:housenumber": ["3"], "building:levels": ["6"]}, ("addr:housenumber", "building:levels")),
    ({"name": [None], "楼号": ["3"], "MEAN": [None], "levels": [5]}, ("楼号", "levels")),
    ({"楼栋名称X": ["3栋"], "地上楼层": [6]}, ("楼栋名称X", "地上楼层")),
    ({"floors": ["unknown"], "code": [1500]}, (None, None)),
    ({"type": ["residential"]}, (None, None)),
])
def test_attribute_guess(columns, expected):
    gdf = gpd.GeoDataFrame(columns, geometry=[ff.rect(ff.LON, ff.LAT)], crs="EPSG:4326")
    assert footprints.attribute_guess(gdf) == expected


@pytest.mark.parametrize("value, floors", [
    (6, 6), (6.0, 6), ("6", 6), ("６层", 6), ("6F", 6), (" 18 ", 18), ("6 floors", 6), (0, None), (201, None),
    (2.5, None), ("六", None), (None, None), (float("nan"), None), (True, None), ("", None),
])
def test_parse_floors(value, floors):
    assert footprints.parse_floors(value) == floors


@pytest.mark.parametrize("value, floors", [
    (15.8, 16), ("15.8", 16), ("15.8层", 16), (15.2, 15), ("６.４F", 6), (0.4, 1), (199.6, 200), (200.6, None),
])
def test_fractional_floors_round_to_the_nearest_whole_floor(value, floors):
    assert footprints.parse_floors(value) == floors
    written = float(str(value).rstrip("层F").replace("６", "6"))
    assert footprints.read_floors(value) == (floors, written if floors is not None else None)


def test_whole_floors_are_not_reported_as_rounded():
    assert footprints.read_floors("6") == (6, None) and footprints.read_floors(6.0) == (6, None)
    assert footprints.read_floors("tall") == (None, None)


def test_parse_hstore():
    assert footprints.parse_hstore('"building:levels"=>"5","name:en"=>"He\\"ao"') == {
        "building:levels": "5", "name:en": 'He"ao'}
    assert footprints.parse_hstore(None) == {} and footprints.parse_hstore("junk") == {}


def test_is_lonlat():
    assert footprints.is_lonlat((119.9, 31.7, 120.0, 31.8))
    assert not footprints.is_lonlat((500_000, 3_500_000, 500_100, 3_500_100))
    assert not footprints.is_lonlat((float("nan"), 0, 1, 1)) and not footprints.is_lonlat((0, -91, 1, 0))


def test_file_kind_by_extension():
    assert footprints.file_kind("A.OSM.PBF")[0] == "osm" and footprints.file_kind("x.json")[0] == "geojson"


# --- compounds named in the file ----------------------------------------------------------------------------

def test_a_compound_property_is_recognised_and_counted():
    got = read_footprints(ff.compounds_geojson(), "街道.geojson")
    assert got.compound_column == "community"
    assert len(got.compounds) == 16 and got.compounds["A苑"] == 2 and sum(got.compounds.values()) == 32
    assert footprints.attribute_guess(got.gdf) == ("name", None)  # a compound column is not the building name


@pytest.mark.parametrize("column", ["小区", "小区名称", "compound", "estate", "residential", "Community"])
def test_compound_column_names(column):
    gdf = gpd.GeoDataFrame({"楼号": ["3栋"], column: ["永宁花园"]}, geometry=[ff.rect(ff.LON, ff.LAT)], crs="EPSG:4326")
    assert footprints.compound_guess(gdf) == column
    assert footprints.attribute_guess(gdf)[0] == "楼号"


def test_osm_buildings_take_the_named_residential_area_they_stand_in():
    got = read_footprints(ff.osm_with_compounds_bytes(), "小区.osm")
    assert sorted(got.gdf["name"]) == ["1栋", "1栋", "门卫"]  # the areas themselves are not buildings
    assert got.compound_column == "compound"
    assert dict(zip(got.gdf["name"] + "@" + got.gdf["compound"].fillna("-"), [1] * 3)) == {
        "1栋@龙湖一区": 1, "1栋@龙湖二区": 1, "门卫@-": 1}
    assert got.compounds == {"龙湖一区": 1, "龙湖二区": 1}


def test_footprints_are_narrowed_to_chosen_compounds_or_a_box():
    got = read_footprints(ff.compounds_geojson(), "街道.geojson")
    chosen = footprints.in_compounds(got, ["A苑", "第5小区"])
    assert len(chosen.gdf) == 4 and chosen.compounds == {"A苑": 2, "第5小区": 2}
    assert list(chosen.gdf.index[:2]) == [1, 2]  # features keep the numbers the report uses
    boxed = footprints.in_box(got.gdf, (ff.LON - 0.001, ff.LAT, ff.LON + 0.0045, ff.LAT + 0.01))
    assert sorted(boxed["community"].unique()) == ["A苑", "B苑"]
    metres = footprints.in_box(got.gdf.to_crs("EPSG:32650"), (ff.LON - 0.001, ff.LAT, ff.LON + 0.0045, ff.LAT + 0.01))
    assert list(metres.index) == list(boxed.index)  # the box is lon/lat whatever the layer's CRS
    assert footprints.in_compounds(got.gdf, ["B苑"], "community").shape[0] == 2


# --- real files ----------------------------------------------------------------------------------------------

needs_realdata = pytest.mark.skipif(not ff.REALDATA.exists(), reason="shared/realdata not beside the repository")


@needs_realdata
def test_real_chongqing_shapefile_reads_cleanly():
    got = read_footprints(ff.realdata_zip(), "chongqing_buildings.zip")
    assert got.layers == ["chongqing_buildings"] and got.crs.to_epsg() == 4326
    assert got.columns == ["osm_id", "code", "fclass", "name", "type", "MEAN"]
    clean, report = footprints.clean_polygons(footprints.to_wgs84(got.gdf))
    assert len(clean) == 54 and report.empty
    assert (got.gdf["type"] == "residential").sum() == 47
    assert footprints.attribute_guess(clean) == (None, None)  # names and MEAN are all empty in this file


@needs_realdata
def test_real_shenzhen_osm_reads_its_buildings():
    got = read_footprints((ff.REALDATA / "shenzhen_longgang_map.osm").read_bytes(), "shenzhen_longgang_map.osm")
    gdf = got.gdf
    assert gdf["osm_way_id"].notna().sum() == 135 and gdf["osm_id"].notna().sum() == 4
    clean, report = footprints.clean_polygons(footprints.to_wgs84(got.gdf))
    assert len(clean) == 139 and report.empty
    assert footprints.attribute_guess(clean) == ("name", "building:levels")
    assert gdf["building:levels"].notna().sum() > 0
    assert clean.total_bounds == pytest.approx([114.195, 22.672, 114.230, 22.703], abs=0.001)


# --- damaged files -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("filename", list(ff.SMALL_FILES))
def test_damaged_files_give_footprint_errors_or_a_clean_result(filename):
    data = ff.SMALL_FILES[filename]()
    rng = random.Random(f"read-{filename}")
    outcomes = set()
    for _ in range(30):
        try:
            got = read_footprints(ff.damaged(data, rng), filename)
            clean, _report = footprints.clean_polygons(footprints.to_wgs84(got.gdf))
            footprints.attribute_guess(clean)
            outcomes.add("read")
        except FootprintError as error:
            assert error.code in texts("zh") and error.code in texts("en")
            outcomes.add("error")
    assert "error" in outcomes


def test_every_code_has_both_languages():
    zh, en = texts("zh"), texts("en")
    assert zh.keys() == en.keys()
    for code in zh:
        assert all(zh[code]) and all(en[code]), code
