"""Street and district size: the generator's building counts, areas summed in DuckDB, only what is in view sent,
and the overview page switching to them past MAX_FEATURES buildings while its map stays mounted."""

import json
import re

import folium
import pandas as pd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from geo import area_maps, chinese_coords, zoom
from resilient.core import db
from resilient.core.i18n import CATEGORIES, density_labels, t
from resilient.core.scope import EVERYTHING, Scope
from resilient.demo import database as demo_database
from resilient.demo import generator as demo
from resilient.ops import integrity
from resilient.places import measures
from resilient.places.measures import Extent, Filters
from tests.conftest import ROOT, TODAY
from tests.views.test_views import map_elements, sign_in

RESIDENTS, BUILDINGS = 30_000, 1_600  # two communities of 800 buildings: past MAX_FEATURES, quick to make
SUMMED = ["residents", "households", "active", *CATEGORIES]


@pytest.fixture(scope="module")
def street_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("street") / "street.duckdb"
    demo_database.ensure_database(path, residents=RESIDENTS, seed=5, target_buildings=BUILDINGS, bulk=True)
    return path


@pytest.fixture(scope="module")
def street(street_file):
    con = db.connect(street_file)
    demo.roll_forward(con, TODAY)
    yield con
    con.close()


def one(con, sql, params=None):
    return con.execute(sql, params or {}).fetchone()[0]


def test_generator_makes_the_buildings_asked_for(street):
    assert one(street, "SELECT count(*) FROM building") == BUILDINGS
    assert one(street, "SELECT count(*) FROM resident") == RESIDENTS
    assert one(street, "SELECT count(*) FROM community") == 2
    assert one(street, "SELECT count(*) FROM compound") == 6  # the two usual ones and low-rise blocks, each
    assert one(street, "SELECT min(floors) FROM building") >= 1
    assert integrity.reference_problems(street) == {}
    assert one(street, """SELECT count(*) FROM household h JOIN stairwell s USING (stairwell_id)
                          JOIN building b USING (building_id) WHERE h.floor > b.floors""") == 0
    overlapping = one(street, """SELECT count(*) FROM building a JOIN building b
                                 ON a.building_id < b.building_id AND ST_Intersects(a.geom, b.geom)""")
    assert overlapping == 0  # the low-rise compound sits beside the others, not on them


def test_default_demo_is_unchanged_without_a_building_count():
    a, b = db.connect(), db.connect()
    assert demo.generate(a, residents=4_000, seed=3, as_of=TODAY) == \
        demo.generate(b, residents=4_000, seed=3, as_of=TODAY, target_buildings=None)
    # Asking for fewer buildings than the usual compounds make adds no low-rise blocks.
    c = db.connect()
    assert demo.generate(c, residents=4_000, seed=3, as_of=TODAY, target_buildings=5)["buildings"] == \
        one(a, "SELECT count(*) FROM building")


@pytest.mark.parametrize("level, key", [("grid", "grid_id"), ("compound", "compound_id"),
                                        ("community", "community_id")])
def test_areas_sum_their_buildings(street, level, key):
    buildings = measures.building_density(street, EVERYTHING, Filters(), TODAY)
    keys = street.execute("SELECT b.building_id, b.grid_id, b.compound_id, c.community_id FROM building b "
                          "JOIN compound c USING (compound_id)").df()
    expected = buildings.merge(keys, on="building_id").groupby(key)[SUMMED].sum()
    expected["buildings"] = buildings.merge(keys, on="building_id").groupby(key).size()
    areas = measures.area_density(street, EVERYTHING, Filters(), TODAY, level).set_index("area_id")
    pd.testing.assert_frame_equal(areas[SUMMED + ["buildings"]].sort_index(), expected.sort_index(),
                                  check_names=False, check_dtype=False, check_index_type=False)
    assert areas["name"].notna().all() and areas["community"].notna().all()
    for row in areas.itertuples():  # each outline holds its area's buildings
        hull = shapely.from_geojson(row.geojson)
        assert hull.is_valid and hull.area > 0


def test_areas_follow_scope_and_filters(street):
    grid_one = measures.area_density(street, Scope(grid_ids=(1,)), Filters(), TODAY, "compound")
    only_grid_one = measures.building_density(street, Scope(grid_ids=(1,)), Filters(), TODAY)
    assert grid_one["residents"].sum() == only_grid_one["residents"].sum() > 0
    assert set(measures.area_density(street, Scope(grid_ids=(1,)), Filters(), TODAY, "grid")["area_id"]) == {1}
    assert measures.area_density(street, Scope(community_ids=()), Filters(), TODAY, "community").empty
    isolation = measures.area_density(street, EVERYTHING, Filters(categories=("home_isolation",)), TODAY,
                                      "community")
    assert (isolation["active"] == isolation["home_isolation"]).all()
    assert (isolation[["health_monitoring", "home_observation"]] == 0).all().all()
    with pytest.raises(ValueError):
        measures.area_density(street, EVERYTHING, Filters(), TODAY, "building; DROP TABLE building")


def small_box_around(con, building_id: int, margin: float = 0.0002):
    minx, miny, maxx, maxy = con.execute("SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) "
                                         "FROM building WHERE building_id = $b", {"b": building_id}).fetchone()
    return minx - margin, miny - margin, maxx + margin, maxy + margin


def test_a_view_keeps_the_buildings_touching_it_with_whole_counts(street):
    everything = measures.building_density(street, EVERYTHING, Filters(), TODAY).set_index("building_id")
    view = small_box_around(street, 700)
    seen = measures.building_density(street, EVERYTHING, Filters(), TODAY, view).set_index("building_id")
    assert 700 in seen.index and 1 <= len(seen) < 20
    box = shapely.box(*view)
    inside = {b for b, g in everything["geojson"].items() if shapely.from_geojson(g).intersects(box)}
    assert set(seen.index) == inside
    pd.testing.assert_frame_equal(seen[SUMMED], everything.loc[seen.index, SUMMED], check_index_type=False)
    # An area cut by the view still counts all of its buildings.
    cut = measures.area_density(street, EVERYTHING, Filters(), TODAY, "compound", view).set_index("area_id")
    whole = measures.area_density(street, EVERYTHING, Filters(), TODAY, "compound").set_index("area_id")
    assert 1 <= len(cut) < len(whole)
    pd.testing.assert_frame_equal(cut[SUMMED], whole.loc[cut.index, SUMMED], check_index_type=False)
    extent = measures.map_extent(street, EVERYTHING, Filters(), view)
    assert extent.buildings == BUILDINGS and extent.in_view == len(seen)


def test_simplified_outlines_have_fewer_vertices(street):
    fine = measures.area_density(street, EVERYTHING, Filters(), TODAY, "community")
    coarse = measures.area_density(street, EVERYTHING, Filters(), TODAY, "community",
                                   tolerance=zoom.pixel_degrees(11))
    vertices = [shapely.get_num_coordinates(shapely.from_geojson(list(f["geojson"]))).sum() for f in (fine, coarse)]
    assert vertices[1] < vertices[0]


def test_level_follows_zoom_and_count():
    assert zoom.level_for(100, 17) == "building"
    assert zoom.level_for(zoom.MAX_FEATURES + 1, 17) == "grid"  # too many even close in
    assert zoom.level_for(100, 14) == "grid"
    assert zoom.level_for(100, 13) == "compound"
    assert zoom.level_for(100, 10) == "community"
    assert [area_maps.decimals_for(z) for z in (18, 16, 12, 9)] == [5, 5, 4, 3]


def test_fitted_zoom_is_what_leaflet_would_pick():
    # At zoom 14 a pixel is 8.6e-5 degrees of longitude: 900 px hold 0.077 degrees, at 15 only 0.039.
    assert zoom.fitted_zoom((119.930, 31.700, 119.974, 31.701)) == 14
    assert zoom.fitted_zoom((119.930, 31.700, 119.960, 31.701)) == 15
    # Here the height decides: 520 px at zoom 12 hold about 0.15 degrees of latitude near 31.7 N.
    assert zoom.fitted_zoom((119.88, 31.66, 119.89, 31.76)) == 12
    assert zoom.fitted_zoom((119.95, 31.70, 119.9505, 31.7003)) == 18  # one building: as close as allowed


def reported(minx, miny, maxx, maxy, zoom):
    return {"bounds": {"_southWest": {"lat": miny, "lng": minx}, "_northEast": {"lat": maxy, "lng": maxx}},
            "zoom": zoom}


def test_view_from_what_the_map_reports():
    extent = Extent(5_000, 5_000, (119.90, 31.65, 120.00, 31.75))
    assert area_maps.view_from(None, extent.bounds) == zoom.View(None, zoom.fitted_zoom(extent.bounds))
    view = area_maps.view_from(reported(119.95, 31.70, 119.96, 31.71, 16), extent.bounds)
    assert view.zoom == 16
    assert view.bbox == pytest.approx((119.949, 31.699, 119.961, 31.711))  # a tenth more on each side
    elsewhere = area_maps.view_from(reported(116.3, 39.9, 116.4, 40.0, 15), extent.bounds)  # another map's view
    assert elsewhere.bbox is None
    broken = area_maps.view_from({"bounds": {"_southWest": {"lat": None, "lng": None}}, "zoom": 15}, extent.bounds)
    assert broken.bbox is None  # before the map has reported (st_folium's default value)
    gcj = chinese_coords.wgs84_to_gcj02(shapely.box(119.95, 31.70, 119.96, 31.71)).bounds
    on_gaode = area_maps.view_from(reported(*gcj, 16), extent.bounds, "gaode")
    assert on_gaode.bbox == pytest.approx(view.bbox, abs=1e-4)  # back where the data is stored, within 10 m


def test_area_layer_zooms_on_click_and_brings_its_legend(street):
    frame = measures.area_density(street, EVERYTHING, Filters(), TODAY, "compound")
    labels = {"name": "名称", "community": "社区", "buildings": "楼栋数", "active": "在管人数"}
    group = area_maps.layer(frame, "compound", "active", labels, "在管人数", "无", decimals=4)
    m = area_maps.base_map((119.9, 31.6, 120.0, 31.7))
    group.add_to(m)
    html = m.get_root().render()
    assert html.count('"type": "Feature"') == len(frame) == 6
    assert "zoomOnClick" in html or "fitBounds(e.target.getBounds())" in html
    assert "rc-legend-live" in html and "preferCanvas" in html
    coordinates = re.findall(r"\[(1\d\d\.\d+), (3\d\.\d+)\]", html)
    assert coordinates and all(len(x.split(".")[1]) <= 4 and len(y.split(".")[1]) <= 4 for x, y in coordinates)


def test_layer_for_a_close_view_draws_buildings(street):
    extent = measures.map_extent(street, EVERYTHING, Filters())
    x, y = shapely.from_geojson(measures.building_density(street, EVERYTHING, Filters(), TODAY)
                                .set_index("building_id").loc[700, "geojson"]).centroid.coords[0]
    view = area_maps.view_from(reported(x - 0.002, y - 0.001, x + 0.002, y + 0.001, 17), extent.bounds)
    labels = {**density_labels("zh"), "area": "名称", "community": "社区", "buildings": "楼栋数", "legend": "在管",
              "none": "无"}
    close = measures.density_in_view(street, EVERYTHING, Filters(), TODAY, view)
    assert close.level == "building" and 700 in set(close.frame["building_id"])
    far = measures.density_in_view(street, EVERYTHING, Filters(), TODAY, area_maps.view_from(None, extent.bounds))
    assert far.level in measures.LEVELS and len(far.frame) < 50 and far.in_view == BUILDINGS
    for shown in (close, far):
        group = area_maps.density_layer(shown.frame, shown.level, shown.view.zoom, "active", labels)
        html = folium.Map().add_child(group).get_root().render()
        assert html.count('"type": "Feature"') == len(shown.frame) and "rc-legend-live" in html
    assert '"building_id": 700' in folium.Map().add_child(area_maps.density_layer(
        close.frame, "building", 17, "active", labels)).get_root().render()


# --- the page ----------------------------------------------------------------------------------------------------

def map_args(at) -> dict:
    """The overview's density map: the page's first; the day slider's map of cases and risk areas follows it."""
    elements = map_elements(at)
    assert len(elements) == 2
    return json.loads(elements[0].proto.json_args)


def extent_of(con):
    return measures.map_extent(con, EVERYTHING, Filters()).bounds


def stable(script: str) -> str:
    """The map's script as st_folium hashes it (folium's random ids left out)."""
    return re.sub(r"_[a-z0-9]+", "", script)


@pytest.fixture
def street_app(street_file, monkeypatch):
    """The app on the street database; st_folium answers with what the test stored as the map's last value,
    as the browser would after a pan or a click (AppTest has no browser to ask)."""
    import streamlit as st
    import streamlit_folium

    real = streamlit_folium.st_folium

    def answering(*args, **kwargs):
        default = real(*args, **kwargs)
        return st.session_state.get(kwargs.get("key")) or default

    monkeypatch.setattr(streamlit_folium, "st_folium", answering)
    monkeypatch.setenv("RC_DB_PATH", str(street_file))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    return sign_in(at, "admin")


def test_overview_switches_to_areas_and_keeps_its_map_while_the_view_moves(street_app, street):
    at = street_app
    first = map_args(at)
    assert set(first["returned_objects"]) == {"last_active_drawing", "last_object_clicked", "bounds", "zoom"}
    assert "rc-legend-live" in first["feature_group"] and '"area_id"' in first["feature_group"]
    assert '"building_id"' not in first["feature_group"]
    level = t(f"scale.level.{zoom.level_for(BUILDINGS, zoom.fitted_zoom(extent_of(street)))}", "zh")
    assert t("scale.areas_note", "zh", n=f"{BUILDINGS:,}", level=level) in [c.value for c in at.caption]

    # The map reports a close view on building 700: its buildings come as the layer, the map itself unchanged.
    x, y = shapely.box(*small_box_around(street, 700, 0)).centroid.coords[0]
    at.session_state["overview_map"] = reported(x - 0.002, y - 0.001, x + 0.002, y + 0.001, 17)
    at.run()
    assert not at.exception, at.exception
    close = map_args(at)
    assert stable(close["script"]) == stable(first["script"])  # same map: st_folium keeps it mounted and placed
    assert '"building_id": 700' in close["feature_group"] and '"area_id"' not in close["feature_group"]
    assert len(close["feature_group"]) < len(first["feature_group"]) * 20

    # A click on building 700 opens its breakdown and outlines its stairwells, as on a community's map.
    at.session_state["overview_map"] = {**reported(x - 0.002, y - 0.001, x + 0.002, y + 0.001, 17),
                                        "last_active_drawing": {"properties": {"building_id": 700}}}
    at.run()
    assert not at.exception, at.exception
    name = one(street, "SELECT name FROM building WHERE building_id = 700")
    assert any(h.value.startswith(name) for h in at.subheader)
    assert "stairwells" in map_args(at)["feature_group"] or "dashArray" in map_args(at)["feature_group"]


def test_a_community_of_the_street_is_drawn_whole_as_before(street_app):
    """A community leader's 800 buildings are under MAX_FEATURES: every building in one map, no view cutting."""
    at = street_app
    community = next(s for s in at.sidebar.selectbox if s.label == t("app.community", "zh"))
    community.set_value(1).run()
    assert not at.exception, at.exception
    args = map_args(at)
    assert args["returned_objects"] == ["last_active_drawing", "last_object_clicked"]  # a click, also again
    assert not args["feature_group"]
    assert stable(args["script"]).count('"type": "Feature"') >= 800  # every building in the map itself
