"""plotly figures, labelled in the user's language."""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from resilient.core.i18n import CATEGORIES, chart_date_formats, chart_time_formats, t

# Strictest measure darkest; the same colours on every chart.
CATEGORY_COLOURS = {
    "centralised_quarantine": "#b2182b",
    "medical_observation": "#762a83",
    "home_isolation": "#ef8a62",
    "home_observation": "#fddbc7",
    "health_monitoring": "#67a9cf",
}


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
    fig.update_yaxes(rangemode="nonnegative", **few)
    return fig


def round_curve(planned: pd.DataFrame, sampled: pd.DataFrame, lang: str) -> go.Figure:
    """A testing round's people sampled so far against the plan (cumulative, per time bin)."""
    fig = go.Figure()
    fig.add_scatter(x=planned["bin_start"], y=planned["cumulative"], name=t("testing.planned_curve", lang),
                    line={"dash": "dash", "color": "#888888"})
    fig.add_scatter(x=sampled["bin_start"], y=sampled["cumulative"], name=t("testing.sampled_curve", lang),
                    line={"color": "#1a9850", "width": 3})
    fig.update_layout(height=300, margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h"},
                      title=t("testing.curve_title", lang))
    ticks, hover = chart_time_formats(lang)
    fig.update_xaxes(tickformat=ticks, hoverformat=hover)
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
                      yaxis_title=t("testing.walk_metres", lang))
    ticks, hover_format = chart_time_formats(lang)
    fig.update_xaxes(tickformat=ticks, hoverformat=hover_format)
    fig.update_yaxes(rangemode="tozero")
    return fig
