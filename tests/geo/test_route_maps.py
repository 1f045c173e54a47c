"""The delivery rounds map: a line per volunteer through their doors, names escaped, drawn offline."""

import pandas as pd

from geo import route_maps


def test_one_line_per_volunteer_and_names_escaped():
    points = pd.DataFrame([(1, "<b>张*三</b>", 0, 0, 0, 119.950, 31.700), (1, "<b>张*三</b>", 1, 1, 2, 119.951, 31.700),
                           (1, "<b>张*三</b>", 2, 3, 1, 119.952, 31.701), (2, "李四", 0, 0, 0, 119.953, 31.702),
                           (2, "李四", 1, 1, 1, 119.953, 31.703)],
                          columns=["volunteer_id", "name", "seq", "first_stop", "requests", "lon", "lat"])
    html = route_maps.route_map(points, {"home": "家", "stop": "站", "requests": "请求"}).get_root().render()
    assert html.count("L.polyline(") == 2
    assert "&lt;b&gt;张*三&lt;/b&gt;" in html and "<b>张*三</b>" not in html
    assert "/app/static/leaflet/leaflet.js" in html


def test_an_empty_round_is_an_empty_map():
    empty = pd.DataFrame(columns=["volunteer_id", "name", "seq", "first_stop", "requests", "lon", "lat"])
    drawn = route_maps.route_map(empty, {"home": "", "stop": "", "requests": ""}).get_root().render()
    assert "L.polyline(" not in drawn
