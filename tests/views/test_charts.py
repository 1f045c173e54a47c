"""plotly figures of ui/charts.py built from frames, without a page."""

import pandas as pd

from ui import charts


def test_the_finish_or_walk_curve_has_a_line_for_mean_and_longest_walk():
    curve = pd.DataFrame({"later": [0.0, 0.1, 0.2],
                          "finish": pd.to_datetime(["2026-11-23 11:40", "2026-11-23 12:20", "2026-11-23 13:00"]),
                          "mean_walk_m": [766.4, 512.2, 330.9], "longest_walk_m": [1900.0, 1400.0, 900.0]})
    fig = charts.trade_off(curve, "zh")
    assert len(fig.data) == 2
    assert [trace.name for trace in fig.data] == ["平均步行（米）", "最长步行（米）"]
    assert list(fig.data[0].y) == [766, 512, 331] and list(fig.data[1].y) == [1900, 1400, 900]
    assert list(fig.data[0].x) == list(curve["finish"])
    english = charts.trade_off(curve, "en")
    assert english.layout.title.text != fig.layout.title.text
    assert english.data[1].name == "Longest walk (m)" and english.layout.xaxis.title.text == "Finish"
