"""The day's delivery rounds on a map: each volunteer's walk from home, door by door, in a colour of its own."""

import html

import folium
import pandas as pd

from geo import basemaps, maps
from geo.basemaps import BasemapSettings

# ColorBrewer Dark2 and Set1, distinct on a light basemap; more volunteers than colours reuse them in turn.
ROUTE_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#377eb8",
                 "#e41a1c", "#984ea3"]


def route_map(points: pd.DataFrame, labels: dict[str, str], basemap: str = "plain",
              settings: BasemapSettings | None = None) -> folium.Map:
    """`points` (volunteer_id, name, seq, first_stop, requests, lon, lat; seq 0 is the home) as one line per
    volunteer with a dot per building, numbered by its first stop. `labels` has 'home', 'stop' and 'requests'."""
    chosen = basemaps.resolve(basemap, settings)
    known = points[points["lon"].notna() & points["lat"].notna()]
    bounds = None if known.empty else (float(known["lon"].min()), float(known["lat"].min()),
                                       float(known["lon"].max()), float(known["lat"].max()))
    m = maps.new_map(bounds, basemap, settings)
    for k, (_, walk) in enumerate(known.groupby("volunteer_id", sort=True)):
        colour = ROUTE_COLOURS[k % len(ROUTE_COLOURS)]
        walk = walk.sort_values("seq")
        shown = [basemaps.display_point(float(x), float(y), chosen) for x, y in zip(walk["lon"], walk["lat"])]
        name = html.escape(str(walk["name"].iloc[0]))
        group = folium.FeatureGroup(name=name)
        if len(shown) > 1:
            folium.PolyLine([[lat, lon] for lon, lat in shown], color=colour, weight=3, opacity=0.8,
                            tooltip=name).add_to(group)
        for (lon, lat), row in zip(shown, walk.itertuples(index=False)):
            if row.seq == 0:
                text = f"{name}<br>{html.escape(labels['home'])}"
                folium.CircleMarker([lat, lon], radius=8, color=colour, weight=3, fill=True, fill_color="#ffffff",
                                    fill_opacity=1, tooltip=folium.Tooltip(text)).add_to(group)
            else:
                text = (f"{name}<br>{html.escape(labels['stop'])} {int(row.first_stop)}<br>"
                        f"{html.escape(labels['requests'])}: {int(row.requests)}")
                folium.CircleMarker([lat, lon], radius=6, color="#ffffff", weight=1.5, fill=True, fill_color=colour,
                                    fill_opacity=0.95, tooltip=folium.Tooltip(text)).add_to(group)
        group.add_to(m)
    return m
