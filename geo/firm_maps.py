"""Firms and shops on a map (issue 17): one circle a firm, its colour by its most urgent state (an overdue notice,
a notice open, refused, filed, approved, reopened, not filed), its name, kind and state on hover. Frames in, a
folium map out; firms nowhere yet are left off (the page lists them). Tooltips, not popups (folium's popups need
jQuery, which the offline maps lack); every text from data escaped."""

import html

import folium
import pandas as pd

from geo import basemaps, maps

# Red and orange for what needs doing, then the filing's road from amber to green; grey for not filed.
STATE_COLOURS = {"overdue": "#c62828", "under_notice": "#ef6c00", "refused": "#6a1b9a", "filed": "#f9a825",
                 "approved": "#1565c0", "reopened": "#2e7d32", "not_filed": "#9e9e9e"}
RADIUS = 8


def firm_map(frame: pd.DataFrame, labels: dict[str, str], basemap: str = "plain") -> folium.Map:
    """`frame`: firm_id, name, kind, state, lon, lat (firms.firms); `labels`: 'legend', each kind and each state
    in the reader's words."""
    placed = frame[frame["lon"].notna() & frame["lat"].notna()]
    bounds = None if placed.empty else (float(placed["lon"].min()), float(placed["lat"].min()),
                                        float(placed["lon"].max()), float(placed["lat"].max()))
    m = maps.new_map(bounds, basemap)
    chosen = basemaps.resolve(basemap)
    for row in placed.itertuples(index=False):
        x, y = basemaps.display_point(float(row.lon), float(row.lat), chosen)
        text = (f"<b>{html.escape(str(row.name))}</b><br>{html.escape(labels.get(row.kind, str(row.kind)))}"
                f"<br>{html.escape(labels.get(row.state, str(row.state)))}")
        folium.CircleMarker([y, x], radius=RADIUS, color="#ffffff", weight=2, fill=True, fill_opacity=0.9,
                            fill_color=STATE_COLOURS.get(row.state, STATE_COLOURS["not_filed"]),
                            tooltip=folium.Tooltip(text)).add_to(m)
    shown = [s for s in STATE_COLOURS if s in set(placed["state"])]
    if shown:
        m.get_root().html.add_child(maps.legend_box(labels["legend"],
                                                    [(STATE_COLOURS[s], labels.get(s, s)) for s in shown]))
    return m
