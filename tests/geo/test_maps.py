"""Map builders, checked by what they render: no CDN, our Leaflet, escaped text, binned colours."""

import json
import math
import re

import pandas as pd
import pytest
from jinja2.utils import htmlsafe_json_dumps

from geo import basemaps, maps
from geo.basemaps import BasemapSettings
from resilient.core.scope import EVERYTHING
from resilient.places import measures
from resilient.places.measures import Filters
from tests.conftest import TODAY


def test_feature_collection_escapes_text_and_rounds_coordinates():
    frame = pd.DataFrame({
        "building_id": [1], "name": ["<script>alert(1)</script>"], "active": [3],
        "geojson": ['{"type":"Polygon","coordinates":[[[119.123456789,31.1],[119.2,31.1],[119.2,31.2],'
                    '[119.123456789,31.1]]]}'],
    })
    collection = maps.feature_collection(frame, ["building_id", "name", "active"])
    props = collection["features"][0]["properties"]
    assert props["name"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert collection["features"][0]["geometry"]["coordinates"][0][0] == [119.12346, 31.1]
    json.dumps(collection)  # numpy scalars converted


def rendered(m):
    return m.get_root().render()


def test_map_loads_leaflet_from_our_server_only():
    m = maps.new_map((119.95, 31.70, 119.96, 31.71))
    assert m.default_js == [("leaflet", maps.LEAFLET_JS)]
    html = rendered(m)
    assert "/app/static/leaflet/leaflet.js" in html
    for cdn in ("cdn.jsdelivr", "cdnjs.cloudflare", "code.jquery", "unpkg.com", "bootstrapcdn"):
        assert cdn not in html
    assert "tile.openstreetmap" not in html  # plain background: no tiles at all
    assert "tile.openstreetmap" in rendered(maps.new_map(None, "osm"))


def test_density_map_draws_every_building_with_legend_and_tooltip(small):
    small.execute("UPDATE building SET name = '<script>alert(1)</script>' WHERE building_id = 2")
    density = measures.building_density(small, EVERYTHING, Filters(), TODAY)
    m = maps.building_density_map(density, "active", {"name": "楼栋", "active": "在管人数"}, "在管人数", "无")
    html = rendered(m)
    assert html.count('"type": "Feature"') == 3
    assert "rc-legend" in html and "在管人数" in html
    # Escaped once by us (&lt;), then JSON-encoded by folium (& as \u0026): Leaflet shows it as text.
    assert "\\u0026lt;script\\u0026gt;alert(1)" in html and "<script>alert(1)" not in html
    assert "GeoJsonTooltip" in html or "bindTooltip" in html


@pytest.mark.parametrize("mode", ["active", "per_100"])
def test_density_map_colours_follow_the_value(small, mode):
    density = measures.building_density(small, EVERYTHING, Filters(), TODAY)
    m = maps.building_density_map(density, mode, {"name": "楼栋"}, "t", "无")
    html = rendered(m)
    assert maps.ZERO_COLOUR in html  # building 3 has nobody under a measure
    assert maps.RAMP[0] in html or maps.RAMP[-1] in html


def test_stairwell_layer_outlines_the_chosen_building(small):
    from resilient.places import geometry

    geometry.fill_stairwell_geometry(small)
    units = measures.building_stairwells(small, EVERYTHING, 1, TODAY).assign(label=["1单元", "<i>2</i>"])
    group = maps.stairwell_layer(units, 1, "在管人数")
    m = maps.new_map(None)
    group.add_to(m)
    html = rendered(m)
    assert html.count('"type": "Feature"') == 2
    assert '"building_id": 1' in html  # a click on a stairwell still means its building
    assert "<i>2</i>" not in html


def test_clicked_id():
    assert maps.clicked_id({"last_active_drawing": {"properties": {"building_id": 7}}}) == 7
    assert maps.clicked_id({"last_active_drawing": None}) is None
    assert maps.clicked_id(None) is None


# Basemaps for China: tile URLs and attribution as rendered, and shapes moved onto GCJ-02 tiles for Gaode only.
TOKEN = BasemapSettings(tianditu_token="test-token-0123")
CDNS = ("cdn.jsdelivr", "unpkg.com", "cdnjs", "code.jquery", "bootstrapcdn")


def in_script(text: str) -> str:
    """How folium writes a string into the page's script: JSON with <, >, & and ' escaped."""
    return htmlsafe_json_dumps(text)


@pytest.mark.parametrize("key", ["plain", "osm", "tianditu", "gaode"])
def test_each_basemap_renders_its_tiles_and_attribution_and_no_cdn(key):
    html = rendered(maps.new_map((119.95, 31.70, 119.96, 31.71), key, TOKEN))
    basemap = maps.BASEMAPS[key]
    for tile in basemap.tiles:
        assert in_script(tile.url.replace("{tk}", "test-token-0123")) in html
        assert f'"subdomains": {in_script(tile.subdomains)}' in html
    if basemap.tiles:
        assert in_script(basemap.attribution) in html
    else:
        assert "L.tileLayer" not in html
    assert html.count("L.tileLayer(") == len(basemap.tiles)
    assert maps.LEAFLET_JS in html
    for cdn in CDNS:
        assert cdn not in html


def test_tianditu_draws_roads_and_labels_with_its_token():
    html = rendered(maps.new_map(None, "tianditu", TOKEN))
    assert "tianditu.gov.cn/vec_w/wmts" in html and "tianditu.gov.cn/cva_w/wmts" in html
    assert html.count("tk=test-token-0123") == 2


def test_tianditu_needs_a_token():
    no_token = BasemapSettings()
    assert "tianditu" not in maps.available_basemaps(no_token)
    assert "tianditu" in maps.available_basemaps(TOKEN)
    html = rendered(maps.new_map(None, "tianditu", no_token))
    assert "tianditu" not in html and "L.tileLayer" not in html  # drawn plain, never with an empty key


def first_vertex(html: str) -> list[float]:
    """The first coordinate pair of the first drawn feature, as the page sends it to Leaflet."""
    match = re.search(r'"coordinates": \[\[\[([-\d.]+), ([-\d.]+)\]', html)
    return [float(match.group(1)), float(match.group(2))]


def expected_on(key: str, lon: float, lat: float) -> list[float]:
    lon, lat = basemaps.display_point(lon, lat, maps.BASEMAPS[key])  # GCJ-02 on Gaode, as stored on the others
    return [round(lon, maps.COORD_DECIMALS), round(lat, maps.COORD_DECIMALS)]


@pytest.mark.parametrize("key", ["plain", "osm", "tianditu", "gaode"])
def test_buildings_are_shifted_to_gcj02_on_gaode_only(small, key):
    density = measures.building_density(small, EVERYTHING, Filters(), TODAY)
    html = rendered(maps.building_density_map(density, "active", {"name": "楼栋"}, "t", "无", key, TOKEN))
    assert first_vertex(html) == expected_on(key, 119.950, 31.70)  # building 1's south-west corner, stored WGS-84
    if key == "gaode":
        assert 400 < (first_vertex(html)[0] - 119.950) * 111_320 * math.cos(math.radians(31.7)) < 500  # metres east
        assert "[119.95, 31.7]" not in html
    # The view is fitted around the shapes where they are drawn.
    corner = re.search(r"fitBounds\(\s*\[\[([-\d.]+), ([-\d.]+)\]", html)
    assert [float(corner.group(2)), float(corner.group(1))] == pytest.approx(expected_on(key, 119.950, 31.70),
                                                                             abs=1e-5)
    assert small.execute("SELECT ST_XMin(geom) FROM building WHERE building_id = 1").fetchone()[0] == 119.950


def test_new_map_fits_wgs84_bounds_onto_gaode_tiles():
    html = rendered(maps.new_map((119.95, 31.70, 119.96, 31.71), "gaode", TOKEN))
    corner = re.search(r"fitBounds\(\s*\[\[([-\d.]+), ([-\d.]+)\], \[([-\d.]+), ([-\d.]+)\]", html)
    south_west = [float(corner.group(2)), float(corner.group(1))]
    north_east = [float(corner.group(4)), float(corner.group(3))]
    assert south_west == pytest.approx(basemaps.display_point(119.95, 31.70, maps.BASEMAPS["gaode"]), abs=1e-9)
    assert north_east == pytest.approx(basemaps.display_point(119.96, 31.71, maps.BASEMAPS["gaode"]), abs=1e-9)
    assert south_west[0] - 119.95 > 0.004  # several hundred metres east of where it is stored


@pytest.mark.parametrize("key", ["osm", "gaode"])
def test_stairwell_outlines_follow_the_basemap(small, key):
    from resilient.places import geometry

    geometry.fill_stairwell_geometry(small)
    units = measures.building_stairwells(small, EVERYTHING, 1, TODAY).assign(label=["1单元", "2单元"])
    m = maps.new_map(None, key, TOKEN)
    maps.stairwell_layer(units, 1, "在管人数", key).add_to(m)
    lon, lat = json.loads(units["geojson"].iloc[0])["coordinates"][0][0]
    assert first_vertex(rendered(m)) == expected_on(key, lon, lat)


def test_footprint_preview_colours_matched_and_unmatched():
    import geopandas as gpd
    from shapely.geometry import box

    matched = gpd.GeoDataFrame({"label": ["3栋"], "building_name": ["3栋"]},
                               geometry=[box(119.95, 31.70, 119.9505, 31.7001)], crs=4326)
    unmatched = gpd.GeoDataFrame({"label": ["<script>x</script>"]},
                                 geometry=[box(119.951, 31.70, 119.9515, 31.7001)], crs=4326)
    labels = {"title": "轮廓", "matched": "已匹配", "unmatched": "未匹配", "label": "名称", "building": "楼栋"}
    html = rendered(maps.footprint_preview_map(matched, unmatched, labels))
    assert html.count('"type": "Feature"') == 2
    assert maps.MATCHED_COLOUR in html and maps.UNMATCHED_COLOUR in html
    assert "<script>x</script>" not in html and "rc-legend" in html


def test_progress_map_is_stable_and_its_layer_colours_by_share():
    frame = pd.DataFrame({
        "stairwell_id": [1, 2], "share": [0.1, 1.0], "label": ["1单元", "2单元"],
        "geojson": ['{"type":"Polygon","coordinates":[[[119.95,31.7],[119.9501,31.7],[119.9501,31.7001],'
                    '[119.95,31.7]]]}',
                    '{"type":"Polygon","coordinates":[[[119.96,31.7],[119.9601,31.7],[119.9601,31.7001],'
                    '[119.96,31.7]]]}'],
    })
    base = rendered(maps.progress_map(frame, "采样进度"))
    later = rendered(maps.progress_map(frame.assign(share=[0.9, 1.0]), "采样进度"))
    strip = __import__("re").compile(r"_[0-9a-f]{32}")
    assert strip.sub("", base) == strip.sub("", later)  # progress does not change the map: it keeps its place
    m = maps.new_map(None)
    maps.progress_layer(frame, {"label": "单元", "share": "已采比例"}, highlight={2}).add_to(m)
    html = rendered(m)
    assert html.count('"type": "Feature"') == 2
    assert maps.progress_colour(0.1) in html and maps.progress_colour(1.0) in html
    assert '"color": "#000000"' in html  # the highlighted stairwell
    assert maps.progress_colour(None) == maps.ZERO_COLOUR and maps.progress_colour(0.6) == "#fee08b"


@pytest.mark.parametrize(("assigned", "capacity", "active", "state"), [
    (0, 5, True, "room"), (5, 5, True, "full"), (6, 5, True, "over"), (1, 5, False, "inactive"), (0, 0, True, "full")])
def test_load_state(assigned, capacity, active, state):
    assert maps.load_state(assigned, capacity, active) == state


def test_coverage_gap_map_colours_buildings_and_places_volunteers(small):
    from resilient.places import places
    buildings = places.buildings(small, EVERYTHING).assign(vulnerable=[3, 1, 0], uncovered=[2, 0, 0],
                                                          not_contacted=[1, 0, 0])
    volunteers = pd.DataFrame({"name": ["<b>甲</b>", "乙", "丙"], "assigned": [6, 1, 0], "capacity": [5, 5, 5],
                               "active": [True, True, True], "lon": [119.9502, None, 119.9512],
                               "lat": [31.7001, None, 31.7001]})
    labels = {"legend": "未覆盖", "none": "无缺口", "volunteers": "志愿者", "load": "负荷", "room": "有空位",
              "full": "已满额", "over": "超负荷", "inactive": "暂停"}
    html = rendered(maps.coverage_gap_map(buildings, volunteers, {"name": "楼栋", "uncovered": "未覆盖"}, labels))
    assert html.count('"type": "Feature"') == 3
    assert html.count("L.circleMarker(") == 2            # the volunteer without a home building is left off
    assert maps.LOAD_COLOURS["over"] in html and maps.LOAD_COLOURS["room"] in html
    assert html.count("rc-legend\"") == 2 and "bottom:44px;left:10px" in html
    assert "&lt;b&gt;甲" in html and "<b>甲</b>" not in html
    on_gaode = rendered(maps.coverage_gap_map(buildings, volunteers, {"name": "楼栋"}, labels, basemap="gaode"))
    assert "[31.7001, 119.9502]" in html and "[31.7001, 119.9502]" not in on_gaode   # shifted to GCJ-02


def test_buildings_without_an_outline_are_left_off_the_map_not_a_crash():
    """A census import makes buildings before their outlines come: None or NaN geometry is no feature."""
    square = '{"type":"Polygon","coordinates":[[[119.95,31.70],[119.951,31.70],[119.951,31.701],[119.95,31.70]]]}'
    frame = pd.DataFrame({"building_id": [1, 2, 3], "name": ["1栋", "2栋", "3栋"], "active": [1, 2, 3],
                          "geojson": [square, None, float("nan")]})
    collection = maps.feature_collection(frame, ["building_id", "name", "active"])
    assert [f["properties"]["building_id"] for f in collection["features"]] == [1]
    for key in ("plain", "gaode"):
        assert len(maps.feature_collection(frame, ["building_id"], basemap=key)["features"]) == 1
    m = maps.building_density_map(frame, "active", {"name": "楼栋"}, "人数", "无")
    assert '"building_id": 1' in rendered(m) and '"building_id": 2' not in rendered(m)


def test_a_map_with_no_located_building_at_all_still_draws():
    frame = pd.DataFrame({"building_id": [1], "name": ["1栋"], "active": [1], "geojson": [None]})
    m = maps.building_density_map(frame, "active", {"name": "楼栋"}, "人数", "无")
    assert "leaflet" in rendered(m)


def test_drawing_map_serves_leaflet_draw_from_our_server_and_shows_the_buildings():
    square = '{"type":"Polygon","coordinates":[[[119.95,31.70],[119.951,31.70],[119.951,31.701],[119.95,31.70]]]}'
    frame = pd.DataFrame({"building_id": [1, 2], "label": ["1栋", "2栋"], "geojson": [square, None]})
    html_text = rendered(maps.drawing_map(frame, chosen_id=2, centre=(119.95, 31.70)))
    assert "/app/static/leaflet-draw/leaflet.draw.js" in html_text and "cdnjs" not in html_text
    assert '"building_id": 1' in html_text and '"building_id": 2' not in html_text
    empty = rendered(maps.drawing_map(frame.iloc[1:], chosen_id=2, centre=(119.95, 31.70)))
    assert "31.70" in empty and "leaflet.draw.js" in empty


def test_a_shape_drawn_on_gaode_is_stored_in_wgs84():
    import shapely

    from geo import basemaps

    point = shapely.Point(119.95, 31.70)
    gaode = basemaps.resolve("gaode")
    drawn = basemaps.display_geometries(point, gaode)
    assert drawn.distance(point) > 0.003                        # about 500 m off on the tiles
    assert basemaps.stored_geometry(drawn, gaode).distance(point) < 1e-6


def every_map(small):
    """One of each map the app draws, for what every map must carry."""
    import geopandas as gpd
    import shapely

    from geo import area_maps

    density = measures.building_density(small, EVERYTHING, Filters(), TODAY)
    shapes = gpd.GeoDataFrame({"label": ["a"], "building_name": ["1栋"]},
                              geometry=[shapely.box(119.95, 31.70, 119.951, 31.701)], crs=4326)
    labels = {"title": "t", "matched": "m", "unmatched": "u", "label": "l", "building": "b"}
    volunteers = pd.DataFrame({"name": [], "assigned": [], "capacity": [], "active": [], "lon": [], "lat": []})
    return {
        "new_map": maps.new_map((119.95, 31.70, 119.96, 31.71), "osm"),
        "density": maps.building_density_map(density, "active", {"name": "楼栋"}, "t", "无"),
        "coverage": maps.coverage_gap_map(density.assign(uncovered=density["active"]), volunteers,
                                          {"name": "楼栋"}, {"legend": "l", "none": "n", "volunteers": "v",
                                                           **{state: state for state in maps.LOAD_COLOURS}}),
        "preview": maps.footprint_preview_map(shapes, shapes.iloc[0:0], labels, tools=True),
        "drawing": maps.drawing_map(density.assign(label=density["name"]), None, None),
        "progress": maps.progress_map(pd.DataFrame({"stairwell_id": [1], "geojson": [density["geojson"][0]]}), "t"),
        "scaled": area_maps.base_map((119.95, 31.70, 119.96, 31.71)),
    }


def test_every_map_says_leaflet_in_plain_text_beside_the_basemaps_own_attribution(small):
    for name, m in every_map(small).items():
        html = rendered(m)
        assert 'attributionControl.setPrefix("Leaflet")' in html, name
    osm = rendered(maps.new_map(None, "osm"))
    assert "OpenStreetMap" in osm and 'setPrefix("Leaflet")' in osm


def test_on_a_phone_shapes_are_tapped_near_and_points_drawn_large(small):
    from geo import zoom

    shown = every_map(small)
    for name in ("density", "coverage", "scaled", "new_map", "progress"):
        html = rendered(shown[name])
        assert f"tolerance: {zoom.TAP_TOLERANCE_PX}" in html and f"setRadius({zoom.PHONE_POINT_RADIUS_PX})" in html
    assert zoom.PHONE_POINT_RADIUS_PX * 2 >= zoom.TAP_PX
    for name in ("preview", "drawing"):  # drawing tools keep Leaflet's own renderer
        assert "L.canvas" not in rendered(shown[name])


def test_a_phone_opens_where_a_typical_building_is_a_44_px_target(small):
    from geo import zoom

    density = measures.building_density(small, EVERYTHING, Filters(), TODAY)
    side = maps.typical_short_side_m(density["geojson"])
    assert side == pytest.approx(0.0002 * 111_320, rel=0.01)  # the test buildings: 0.0004° by 0.0002°
    level = zoom.tap_zoom(side, 31.7)
    assert side / zoom.metres_per_pixel(level, 31.7) + 2 * zoom.TAP_TOLERANCE_PX >= zoom.TAP_PX
    assert side / zoom.metres_per_pixel(level - 1, 31.7) + 2 * zoom.TAP_TOLERANCE_PX < zoom.TAP_PX \
        or level == zoom.BUILDING_ZOOM
    html = rendered(maps.building_density_map(density, "active", {"name": "楼栋"}, "t", "无"))
    assert f"map.getZoom() < {level}" in html and "map.setView(" in html
    assert zoom.tap_zoom(None, 31.7) == zoom.BUILDING_ZOOM and zoom.tap_zoom(0.5, 31.7) == zoom.MAX_ZOOM


@pytest.mark.parametrize("value, level", [(20.0, 17), (15.0, 18), (200.0, 15)])
def test_tap_zoom(value, level):
    from geo import zoom

    assert zoom.tap_zoom(value, 31.7) == level


def test_focus_view_centres_one_building_close_enough_to_tap():
    bounds = (119.9500, 31.7000, 119.9506, 31.7002)
    (lat, lon), level = maps.focus_view(bounds)
    assert (lat, lon) == pytest.approx((31.7001, 119.9503)) and level in (17, 18)
    (gaode_lat, gaode_lon), _ = maps.focus_view(bounds, "gaode")
    assert abs(gaode_lon - lon) > 0.001  # drawn where Gaode's GCJ-02 tiles put it


def test_a_second_click_on_the_same_building_is_a_new_click():
    first = {"last_active_drawing": {"properties": {"building_id": 7}}, "last_object_clicked": {"lat": 1, "lng": 2}}
    again = {"last_active_drawing": {"properties": {"building_id": 7}}, "last_object_clicked": {"lat": 1, "lng": 3}}
    assert maps.click_signature(first) != maps.click_signature(again)
    assert maps.click_signature(first) == maps.click_signature(dict(first, bounds={"x": 1}))
    assert maps.click_signature(None) == maps.click_signature({"last_active_drawing": None})
