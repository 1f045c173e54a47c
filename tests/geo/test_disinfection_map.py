"""The missed-rounds map: frames in, a folium map out, buildings coloured by rounds missed, no outline no shape."""

import pandas as pd

from geo import maps


def outline(x: float) -> str:
    return (f'{{"type":"Polygon","coordinates":[[[{x},31.7],[{x + 0.0004},31.7],[{x + 0.0004},31.7002],'
            f'[{x},31.7002],[{x},31.7]]]}}')


def test_buildings_are_coloured_by_rounds_missed_and_those_without_outline_left_off():
    frame = pd.DataFrame({"building_id": [1, 2, 3, 4], "name": ["1栋", "2栋", "<b>3栋</b>", "4栋"],
                          "compound": ["A苑"] * 4, "done": [3, 0, 1, 0], "missed": [0, 5, 1, 2],
                          "geojson": [outline(119.950), outline(119.951), outline(119.952), None]})
    m = maps.missed_rounds_map(frame, {"name": "楼栋", "missed": "漏消杀", "done": "已消杀"}, "漏消杀轮次",
                               "无漏消")
    html = m.get_root().render()
    features = [c for c in m._children.values() if c.__class__.__name__ == "GeoJson"][0].data["features"]
    assert [f["properties"]["building_id"] for f in features] == [1, 2, 3]       # 4 has no outline
    assert features[2]["properties"]["name"] == "&lt;b&gt;3栋&lt;/b&gt;"         # escaped for the tooltip
    assert "漏消杀轮次" in html and "无漏消" in html
    assert maps.ZERO_COLOUR in html                                              # none missed: plain grey
    assert "cdn.jsdelivr" not in html and maps.LEAFLET_JS in html
