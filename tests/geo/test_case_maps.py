"""Case and risk-area layers: one marker per case with a point, text escaped, risk levels coloured, GCJ-02 moved."""


import folium
import pandas as pd
import shapely

from geo import case_maps

CASES = pd.DataFrame({"case_no": ["<b>C1</b>", "C2", "C3"], "lon": [119.95, 119.951, None],
                      "lat": [31.70, 31.701, None]})
AREAS = pd.DataFrame({"name": ["甲", "乙"], "level": ["high", "medium"],
                      "geojson": [shapely.to_geojson(shapely.box(119.95, 31.70, 119.951, 31.701))] * 2})


def test_cases_become_escaped_markers_and_those_without_a_point_are_left_off():
    group = case_maps.case_layer(CASES, "病例", lambda r: r.case_no)
    assert group.layer_name == "病例"
    dots = [c for c in group._children.values() if isinstance(c, folium.CircleMarker)]
    assert len(dots) == 2
    fmap = folium.Map()
    group.add_to(fmap)
    page = fmap.get_root().render()
    assert "&lt;b&gt;C1&lt;/b&gt;" in page and "<b>C1</b>" not in page


def test_risk_areas_are_red_or_orange_by_level():
    group = case_maps.risk_layer(AREAS, "风险区", lambda r: r.name)
    styles = [c.style_function(None)["color"] for c in group._children.values()]
    assert styles == [case_maps.RISK_COLOURS["high"], case_maps.RISK_COLOURS["medium"]] == ["#d32f2f", "#f57c00"]


def test_on_an_amap_basemap_shapes_move_to_gcj02():
    plain = case_maps.case_layer(CASES, "c", lambda r: r.case_no)
    gaode = case_maps.case_layer(CASES, "c", lambda r: r.case_no, basemap="gaode")
    first = [c.location for c in plain._children.values()][0]
    moved = [c.location for c in gaode._children.values()][0]
    assert first != moved and abs(moved[1] - first[1]) < 0.01
    area = case_maps.risk_layer(AREAS.head(1), "r", lambda r: r.name, basemap="gaode")
    data = next(iter(area._children.values())).data
    corners = data["features"][0]["geometry"]["coordinates"][0]
    assert all(abs(x - 119.9505) > 0.003 for x, _ in corners)  # some 500 m east of the WGS-84 box


def test_the_legend_and_switch():
    rows = case_maps.legend_rows({"case": "病例", "high": "高", "medium": "中"})
    assert [label for _, label in rows] == ["病例", "高", "中"]
    assert isinstance(case_maps.layer_control(), folium.LayerControl)
