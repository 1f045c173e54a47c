"""The firms' map: a circle a firm in its state's colour, firms nowhere left off, a legend of the states shown,
and a name holding a script or markdown signs shown as text."""

import pandas as pd

from geo import firm_maps

LABELS = {"legend": "状态", "shop": "商铺", "car_dealership": "汽车4S店", "overdue": "整改逾期", "reopened": "已复工",
          "not_filed": "未申报"}


def frame(name: str = "好又多超市"):
    return pd.DataFrame({"firm_id": [1, 2, 3], "name": [name, "常州4S店", "小吃店"],
                         "kind": ["shop", "car_dealership", "shop"], "state": ["overdue", "reopened", "not_filed"],
                         "lon": [119.950, 119.953, None], "lat": [31.700, 31.701, None]})


def rendered(m) -> str:
    return m.get_root().render()


def test_firms_are_drawn_in_their_states_colour_and_firms_nowhere_left_off():
    html = rendered(firm_maps.firm_map(frame(), LABELS))
    assert html.count("L.circleMarker(") == 2
    assert firm_maps.STATE_COLOURS["overdue"] in html and firm_maps.STATE_COLOURS["reopened"] in html
    assert "小吃店" not in html and "整改逾期" in html and "汽车4S店" in html
    assert "rc-legend" in html and "未申报" not in html   # the legend names only the states drawn
    assert ".bindPopup(" not in html   # tooltips only: popups need jQuery


def test_a_name_with_a_script_is_shown_as_text():
    html = rendered(firm_maps.firm_map(frame("<script>alert(1)</script>*店_"), LABELS))
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;*店_" in html


def test_a_map_without_placed_firms_still_draws():
    html = rendered(firm_maps.firm_map(frame().iloc[2:], LABELS))
    assert "L.circleMarker(" not in html and "rc-legend" not in html
