"""The gates on a map (issue 17): one marker a gate, its size by the passes out through it now, today's counts on
hover. Frames in, a folium map out; gates without a place are left off (the page lists them)."""

import html

import folium
import pandas as pd

from geo import basemaps, maps

GATE_COLOUR, IDLE_COLOUR = "#c0392b", "#7f8c8d"


def gate_map(frame: pd.DataFrame, labels: dict[str, str], basemap: str = "plain") -> folium.Map:
    """`frame`: name, compound, lon, lat, active, out_today, in_today, out_now (passes.gate_counts); `labels`:
    'out_today', 'in_today', 'out_now' in the reader's words."""
    placed = frame[frame["lon"].notna() & frame["lat"].notna()]
    bounds = None if placed.empty else (float(placed["lon"].min()) - 0.002, float(placed["lat"].min()) - 0.002,
                                        float(placed["lon"].max()) + 0.002, float(placed["lat"].max()) + 0.002)
    m = maps.new_map(bounds, basemap)
    chosen = basemaps.resolve(basemap)
    for row in placed.itertuples(index=False):
        x, y = basemaps.display_point(float(row.lon), float(row.lat), chosen)
        counts = "<br>".join(f"{html.escape(labels[k])}: {int(getattr(row, k))}"
                             for k in ("out_today", "in_today", "out_now"))
        text = f"<b>{html.escape(str(row.compound))} {html.escape(str(row.name))}</b><br>{counts}"
        folium.CircleMarker([y, x], radius=7 + min(int(row.out_now), 30) ** 0.5 * 3, color="#ffffff", weight=2,
                            fill=True, fill_opacity=0.9, fill_color=GATE_COLOUR if row.active else IDLE_COLOUR,
                            tooltip=folium.Tooltip(text)).add_to(m)
        folium.Marker([y, x], icon=folium.DivIcon(html=f'<div style="font-size:11px;font-weight:bold;'
                                                       f'color:#fff;text-align:center;width:20px;margin-left:-10px;'
                                                       f'margin-top:-7px">{int(row.out_now)}</div>')).add_to(m)
    return m
