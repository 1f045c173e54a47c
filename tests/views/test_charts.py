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


def _active():
    days = pd.to_datetime(["2026-11-21", "2026-11-22", "2026-11-21", "2026-11-22"])
    return pd.DataFrame({"day": days, "category": ["home_isolation"] * 2 + ["health_monitoring"] * 2,
                         "active": [1200, 1500, 300, 400]})


def test_hover_reads_name_and_count_not_plotlys_column_names():
    """Issue 15: the Chinese chart's hover read '=集中隔离 / 日期=2026年11月22日 / 人数=26'."""
    fig = charts.active_by_day(_active(), "zh")
    for trace in fig.data:
        assert trace.hovertemplate == f"{trace.name}: %{{y:,}}<extra></extra>"
    planned = pd.DataFrame({"bin_start": pd.to_datetime(["2026-11-23 08:00"]), "cumulative": [20]})
    for trace in charts.round_curve(planned, planned, "zh").data:
        assert trace.hovertemplate == f"{trace.name}: %{{y:,}}<extra></extra>"


def test_counts_on_the_axis_are_grouped_as_the_cards_are():
    fig = charts.active_by_day(_active(), "zh")
    assert fig.layout.yaxis.tickformat == ",d" and fig.layout.separators == ".,"


def test_the_chart_buttons_speak_the_readers_language():
    """Issue 15: 'Download plot as a PNG', 'Zoom', 'Reset axes' on Chinese pages."""
    zh = charts.config("zh")
    assert zh["locale"] == "zh-CN"
    words = zh["locales"]["zh-CN"]["dictionary"]
    for title in ("Download plot as a PNG", "Zoom", "Pan", "Zoom in", "Zoom out", "Autoscale", "Reset axes"):
        assert words[title] and words[title] != title and not words[title].startswith("chart.")
    assert charts.config("en")["locales"]["en"]["dictionary"]["Zoom"] == "Zoom"
    assert zh["displaylogo"] is False
