"""Map builders, checked by what they render: no CDN, our Leaflet, escaped text, binned colours."""

import json

import pandas as pd
import pytest

from geo import maps
from resilient import measures
from resilient.measures import Filters
from resilient.scope import EVERYTHING
from tests.conftest import TODAY


def test_nice_breaks_are_increasing_and_cover_the_maximum():
    values = pd.Series([0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 137])
    breaks = maps.nice_breaks(values)
    assert breaks == sorted(set(breaks)) and len(breaks) <= len(maps.RAMP)
    assert breaks[-1] >= 137
    assert maps.nice_breaks(pd.Series([0, 0])) == []
    assert maps.nice_breaks(pd.Series([4, 4, 4])) == [4.0]


def test_colour_for_bins():
    breaks = [2.0, 5.0, 10.0]
    assert maps.colour_for(0, breaks) == maps.ZERO_COLOUR
    assert maps.colour_for(2, breaks) == maps.RAMP[0]
    assert maps.colour_for(3, breaks) == maps.RAMP[1]
    assert maps.colour_for(10, breaks) == maps.RAMP[2]
    assert maps.colour_for(99, breaks) == maps.RAMP[2]


def test_bin_labels():
    assert maps.bin_labels([1.0, 4.0, 10.0]) == ["1", "2–4", "5–10"]
    assert maps.bin_labels([0.5, 2.5], whole_numbers=False) == ["0–0.5", "0.5–2.5"]
    assert maps.bin_labels([8.0, 15.0], whole_numbers=False) == ["0–8", "8–15"]  # a rate of 0.4 is in the first


@pytest.mark.parametrize("value, nice", [(0.3, 0.5), (2.2, 2.5), (7.2, 8), (10, 10), (16, 20), (52, 55),
                                         (99, 100), (137, 150), (1234, 1500)])
def test_breaks_are_rounded_to_numbers_people_read(value, nice):
    assert maps._round_up_nicely(value) == nice


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
    from resilient import geometry

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
