"""Buildings known by a point only: every map builder draws them as a circle (no marker image), and what is
clicked or drawn on a Chinese basemap comes back as stored WGS-84."""

import pytest
import shapely

from geo import area_maps, basemaps, maps
from resilient.core.scope import EVERYTHING
from resilient.places import measures, setup
from resilient.places.measures import Filters
from tests.conftest import TODAY
from tests.geo.test_maps import TOKEN, rendered
from tests.places.test_places_setup import LEADER
from tests.places.test_points import unplace

GAODE = basemaps.BASEMAPS["gaode"]


@pytest.fixture
def pointed(small):
    """The small community with building 3 known by its point only."""
    unplace(small)
    setup.set_point(small, LEADER, 3, 119.9532, 31.7001)
    return small


def no_marker_images(html: str) -> bool:
    return "marker-icon" not in html and "L.marker(" not in html and "new L.Marker" not in html


def test_the_overview_and_coverage_maps_draw_a_point_building_as_a_circle(pointed):
    density = measures.building_density(pointed, EVERYTHING, Filters(), TODAY)
    assert density.set_index("building_id").at[3, "geojson"].startswith('{"type":"Point"')
    html = rendered(maps.building_density_map(density, "active", {"name": "楼栋"}, "图例", "无"))
    assert "new L.CircleMarker(latlng, opts)" in html and '"fill": true' in html and no_marker_images(html)
    volunteers = density.head(0).assign(name=[], assigned=[], capacity=[], active=[], lon=[], lat=[])
    coverage = maps.coverage_gap_map(density.assign(uncovered=1), volunteers, {"name": "楼栋"},
                                     {"legend": "l", "none": "n", "volunteers": "v", "load": "x",
                                      **{s: s for s in maps.LOAD_COLOURS}})
    assert "new L.CircleMarker(latlng, opts)" in rendered(coverage)


def test_a_map_of_one_point_opens_around_it(pointed):
    pointed.execute("UPDATE building SET geom = NULL WHERE building_id <> 3")
    density = measures.building_density(pointed, EVERYTHING, Filters(), TODAY)
    m = maps.building_density_map(density, "active", {"name": "楼栋"}, "图例", "无")
    (south, west), (north, east) = _fitted(rendered(m))
    assert east - west == pytest.approx(maps.MIN_SPAN) and north - south == pytest.approx(maps.MIN_SPAN)
    assert (west + east) / 2 == pytest.approx(119.9532)


def _fitted(html: str):
    import re

    corner = re.search(r"fitBounds\(\s*\[\[([-\d.]+), ([-\d.]+)\], \[([-\d.]+), ([-\d.]+)\]", html)
    south, west, north, east = (float(corner.group(i)) for i in range(1, 5))
    return (south, west), (north, east)


def test_areas_of_point_buildings_get_a_shape_and_the_area_layer_draws(pointed):
    areas = measures.area_density(pointed, EVERYTHING, Filters(), TODAY, "compound")
    hull = shapely.from_geojson(areas.set_index("area_id").at[2, "geojson"])   # compound B: building 3 only
    assert hull.geom_type == "Polygon" and hull.contains(shapely.Point(119.9532, 31.7001))
    density = measures.building_density(pointed, EVERYTHING, Filters(), TODAY)
    labels = {"name": "n", "compound": "c", "grid": "g", "active": "a", "legend": "l", "none": "-"}
    group = area_maps.density_layer(density, "building", 17, "active", labels)
    fmap = area_maps.base_map(None)
    assert area_maps.html_bytes(fmap, [group]) > 0 and "new L.CircleMarker(latlng, opts)" in rendered(fmap)


def test_the_drawing_and_progress_maps_draw_points(pointed):
    frame = setup.community_buildings(pointed, EVERYTHING, 1)
    html = rendered(maps.drawing_map(frame, 3, None))
    assert "new L.CircleMarker(latlng, opts)" in html and "leaflet.draw.js" in html and no_marker_images(html)
    clicking = rendered(maps.drawing_map(frame, 3, None, tools=False))
    assert "leaflet.draw.js" not in clicking and "L.Control.Draw" not in clicking
    progress = frame.assign(stairwell_id=frame["building_id"], share=0.5)
    assert "new L.CircleMarker(latlng, opts)" in rendered(maps.progress_map(progress, "进度"))


def test_a_click_on_gaode_is_stored_in_wgs84_and_shown_where_it_was_clicked():
    shown = basemaps.display_point(119.9532, 31.7001, GAODE)
    stored = maps.clicked_point({"last_clicked": {"lng": shown[0], "lat": shown[1]}}, "gaode")
    assert stored == pytest.approx((119.9532, 31.7001), abs=1e-7)
    assert maps.clicked_point({"last_clicked": {"lng": 119.9, "lat": 31.7}}) == (119.9, 31.7)
    assert maps.clicked_point(None) is None and maps.clicked_point({"last_clicked": None}) is None
    m = maps.new_map(None, "gaode")
    maps.point_layer(119.9532, 31.7001, "B苑 3栋", "gaode").add_to(m)
    layer = rendered(m)
    assert f"{shown[1]:.6f}"[:9] in layer and "31.7001," not in layer


def test_a_drawn_box_comes_back_as_a_stored_box():
    west, south = basemaps.display_point(119.950, 31.700, GAODE)
    east, north = basemaps.display_point(119.952, 31.702, GAODE)
    rectangle = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [
        [[west, south], [east, south], [east, north], [west, north], [west, south]]]}}
    box = maps.drawn_box({"all_drawings": [rectangle]}, "gaode")
    assert box == pytest.approx((119.950, 31.700, 119.952, 31.702), abs=1e-5)  # within a metre
    assert maps.drawn_box({"all_drawings": [rectangle]}) == pytest.approx((west, south, east, north))
    assert maps.drawn_box({"all_drawings": []}) is None and maps.drawn_box(None) is None
    assert maps.drawn_box({"all_drawings": [{"geometry": {"type": "Point", "coordinates": [1, 2]}}]}) is None


def test_the_preview_offers_a_local_rectangle_tool_and_draws_the_box():
    import geopandas as gpd

    shapes = gpd.GeoDataFrame({"label": ["1栋", "2栋"]}, geometry=[shapely.box(119.950, 31.700, 119.9503, 31.7002),
                                                                 shapely.box(119.960, 31.700, 119.9603, 31.7002)],
                              crs="EPSG:4326")
    labels = {"title": "t", "matched": "m", "unmatched": "u", "label": "l", "building": "b", "left_out": "框外"}
    html = rendered(maps.footprint_preview_map(shapes.iloc[:0], shapes.iloc[:1], labels, settings=TOKEN,
                                               left_out=shapes.iloc[1:], box=(119.949, 31.699, 119.951, 31.701),
                                               tools=True))
    assert "/app/static/leaflet-draw/leaflet.draw.js" in html and '"rectangle": {}' in html
    assert '"polygon": false' in html and "L.rectangle" in html and "框外" in html
    assert maps.OTHER_BUILDING_COLOUR in html
    assert "cdnjs" not in html and "unpkg" not in html
