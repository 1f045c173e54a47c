"""plotly figures, labelled in the user's language, and shown with plotly's own buttons in it too."""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from resilient.core.i18n import CATEGORIES, chart_date_formats, chart_time_formats, t
from ui.kit import css_text

# Strictest measure darkest; the same colours on every chart.
CATEGORY_COLOURS = {
    "centralised_quarantine": "#b2182b",
    "medical_observation": "#762a83",
    "home_isolation": "#ef8a62",
    "home_observation": "#fddbc7",
    "health_monitoring": "#67a9cf",
}


# plotly's words (its English source text) and their keys: the tool tips of its buttons and its notices.
PLOTLY_WORDS = {
    "Download plot as a PNG": "chart.download", "Zoom": "chart.zoom", "Pan": "chart.pan",
    "Zoom in": "chart.zoom_in", "Zoom out": "chart.zoom_out", "Autoscale": "chart.autoscale",
    "Reset axes": "chart.reset", "Box Select": "chart.box_select", "Lasso Select": "chart.lasso_select",
    "Taking snapshot - this may take a few seconds": "chart.taking_snapshot",
    "Snapshot succeeded": "chart.snapshot_done",
    "Double-click to zoom back out": "chart.double_click",
    "Double-click on legend to isolate one trace": "chart.legend_double_click",
}
PLOTLY_LOCALES = {"zh": "zh-CN", "en": "en"}
SEPARATORS = ".,"  # decimal point, thousands: as fmt_number writes both languages


def config(lang: str) -> dict:
    """plotly's config for a chart: its buttons' tool tips in the reader's language, no plotly logo."""
    locale = PLOTLY_LOCALES.get(lang, PLOTLY_LOCALES["zh"])
    words = {english: t(key, lang) for english, key in PLOTLY_WORDS.items()}
    return {"locale": locale, "locales": {locale: {"dictionary": words}}, "displaylogo": False}


# Streamlit adds its own full-screen button to plotly's, titled in English; plotly shows a title from its CSS.
FULLSCREEN_STYLE = """<style>
.js-plotly-plot .plotly [data-title="Fullscreen"]::after {{ content: {open}; }}
.js-plotly-plot .plotly [data-title="Close fullscreen"]::after {{ content: {close}; }}
</style>"""


def show(figure: go.Figure, lang: str, **options) -> None:
    """st.plotly_chart with config(lang), Streamlit's full-screen button titled in the reader's language too."""
    st.html(FULLSCREEN_STYLE.format(open=css_text(t("chart.fullscreen", lang)),
                                    close=css_text(t("chart.close_fullscreen", lang))))
    st.plotly_chart(figure, config=config(lang), **{"width": "stretch", **options})


def _named_hover(fig: go.Figure) -> None:
    """Each line's hover as 'name: 1,234' (plotly express would write '=集中隔离 日期=… 人数=26')."""
    for trace in fig.data:
        trace.hovertemplate = f"{trace.name}: %{{y:,}}<extra></extra>"


def active_by_day(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Stacked areas of people under each measure per day."""
    data = frame.assign(label=frame["category"].map(lambda c: t(f"category.{c}", lang)))
    order = [t(f"category.{c}", lang) for c in CATEGORIES if c in set(frame["category"])]
    fig = px.area(
        data, x="day", y="active", color="label",
        category_orders={"label": order},
        color_discrete_map={t(f"category.{c}", lang): colour for c, colour in CATEGORY_COLOURS.items()},
        labels={"day": t("overview.chart_day", lang), "active": t("overview.chart_people", lang), "label": ""},
    )
    fig.update_layout(
        title=t("overview.chart_title", lang), height=340, margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "y": -0.2}, hovermode="x unified",
    )
    ticks, hover = chart_date_formats(lang)  # fmt_date's look, not plotly's own "Dec 1, 2026"
    fig.update_xaxes(tickformat=ticks, hoverformat=hover)
    # People are counted whole and never below zero: a quiet month reads 0 to 1, not -1 to 1 in halves.
    peak = int(data.groupby("day")["active"].sum().max()) if not data.empty else 0
    few = {"dtick": 1, "range": [0, max(peak, 1) * 1.05]} if peak < 10 else {}
    fig.update_yaxes(rangemode="nonnegative", tickformat=",d", **few)
    fig.update_layout(separators=SEPARATORS)
    _named_hover(fig)
    return fig


def round_curve(planned: pd.DataFrame, sampled: pd.DataFrame, lang: str) -> go.Figure:
    """A testing round's people sampled so far against the plan (cumulative, per time bin)."""
    fig = go.Figure()
    fig.add_scatter(x=planned["bin_start"], y=planned["cumulative"], name=t("testing.planned_curve", lang),
                    line={"dash": "dash", "color": "#888888"})
    fig.add_scatter(x=sampled["bin_start"], y=sampled["cumulative"], name=t("testing.sampled_curve", lang),
                    line={"color": "#1a9850", "width": 3})
    fig.update_layout(height=300, margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h"},
                      title=t("testing.curve_title", lang), hovermode="x unified", separators=SEPARATORS)
    ticks, hover = chart_time_formats(lang)
    fig.update_xaxes(tickformat=ticks, hoverformat=hover)
    fig.update_yaxes(rangemode="tozero", tickformat=",d")
    _named_hover(fig)
    return fig


def trade_off(curve: pd.DataFrame, lang: str) -> go.Figure:
    """Finish or walk: mean and longest walk (metres) against the finish time, one point per share later."""
    fig = go.Figure()
    hover = [t("testing.trade_off_hover", lang, later=round(share * 100)) for share in curve["later"]]
    for column, key, colour in (("mean_walk_m", "testing.mean_walk", "#2166ac"),
                                ("longest_walk_m", "testing.longest_walk", "#b2182b")):
        fig.add_scatter(x=curve["finish"], y=curve[column].round(), name=t(key, lang), mode="lines+markers",
                        line={"color": colour}, text=hover, hovertemplate="%{text}: %{y} m")
    fig.update_layout(height=280, margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend={"orientation": "h"},
                      title=t("testing.trade_off_title", lang), xaxis_title=t("testing.finish", lang),
                      yaxis_title=t("testing.walk_metres", lang), separators=SEPARATORS)
    ticks, hover_format = chart_time_formats(lang)
    fig.update_xaxes(tickformat=ticks, hoverformat=hover_format)
    fig.update_yaxes(rangemode="tozero")
    return fig
