"""The pick-up map, by what it renders: points with name and hours, served buildings in their point's colour,
door households marked with their count, a legend, and names escaped."""

import pandas as pd

from geo import maps, pickup_maps

LABELS = {"legend": "取货点", "point": "取货点", "served": "所服务楼栋", "no_point": "未指定取货点",
          "door": "有上门服务户", "building": "楼栋", "hours": "开放时间", "door_count": "上门服务：{n} 户"}


def outline(x: float, y: float = 31.70, size: float = 0.0004) -> str:
    return ('{"type":"Polygon","coordinates":[[' + f"[{x},{y}],[{x + size},{y}],[{x + size},{y + size / 2}],"
            f"[{x},{y + size / 2}],[{x},{y}]" + "]]}")


def frames(point_name: str = "东门取货点"):
    buildings = pd.DataFrame({
        "building_id": [1, 2, 3], "name": ["1栋", "2栋", "3栋"], "compound": ["A苑", "A苑", "B苑"],
        "geojson": [outline(119.950), outline(119.951), outline(119.953)],
        "lon": [119.9502, 119.9512, 119.9532], "lat": [31.7001] * 3,
        "point_id": [7, 7, None], "point": [point_name, point_name, None], "door": [2, 0, 1]})
    points = pd.DataFrame({"point_id": [7], "name": [point_name], "hours": ["每天 9:00-11:00, 15:00-17:00"],
                           "lon": [119.9512], "lat": [31.7001]})
    return buildings, points


def rendered(m) -> str:
    return m.get_root().render()


def test_points_served_buildings_and_door_marks_are_drawn():
    buildings, points = frames()
    html = rendered(pickup_maps.pickup_map(buildings, points, LABELS))
    assert html.count('"type": "Feature"') == 3                                  # every building
    assert html.count("rc-pickup") >= 1 and "东门取货点" in html and "每天 9:00-11:00, 15:00-17:00" in html
    colour = pickup_maps.POINT_COLOURS[0]
    assert html.count(f'"colour": "{colour}"') == 2                               # both served buildings
    assert f'"colour": "{pickup_maps.NO_POINT_COLOUR}"' in html                  # the one without a point
    assert html.count("L.polyline") == 2                                          # a line from each to the point
    assert "上门服务：2 户" in html and "上门服务：1 户" in html                  # door counts on tap
    assert html.count(pickup_maps.DOOR_COLOUR) >= 2
    assert "rc-legend" in html and "有上门服务户" in html and "未指定取货点" in html
    assert "bindTooltip" in html                                      # a tap (Leaflet: click) opens name and hours
    # Only Leaflet is served: folium's Popup builds its content with jQuery's $(), which left the map blank.
    assert "$(`" not in html and "jquery" not in html.lower()
    assert "marker-icon" not in html and maps.LEAFLET_JS in html                  # nothing fetched from a CDN


def test_a_name_with_a_script_is_shown_as_text():
    buildings, points = frames("<script>alert(1)</script>")
    html = rendered(pickup_maps.pickup_map(buildings, points, LABELS))
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html or "\\u0026lt;script\\u0026gt;alert(1)" in html


def test_a_map_with_no_points_and_no_located_buildings_still_draws():
    buildings, points = frames()
    bare = buildings.assign(geojson=None, lon=None, lat=None, point_id=None, point=None)
    html = rendered(pickup_maps.pickup_map(bare, points.iloc[0:0], LABELS))
    assert '"type": "Feature"' not in html and "rc-legend" in html
