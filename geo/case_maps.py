"""Cases and risk areas as map layers (issue 17): frames in, folium feature groups out, no database.

Each is a FeatureGroup with a name for the LayerControl, sent with st_folium's feature_group_to_add so the day
slider changes the layers without remounting the map. Text is plain: every tooltip and popup is escaped.
"""

import html
import json

import folium
import pandas as pd
import shapely

from geo import basemaps, maps

RISK_COLOURS = {"high": "#d32f2f", "medium": "#f57c00"}   # red, orange
CASE_COLOUR = "#6a1b9a"
CASE_RADIUS = 6


def case_layer(frame: pd.DataFrame, name: str, label, basemap: str = "plain") -> folium.FeatureGroup:
    """One dot per case with a point (lon, lat stored WGS-84); `label(row)` the plain text a tap shows (a
    tooltip: Leaflet opens it on a tap; folium's popups need jQuery, which the offline maps do not load)."""
    chosen = basemaps.resolve(basemap)
    group = folium.FeatureGroup(name=name)
    for row in frame[frame["lon"].notna() & frame["lat"].notna()].itertuples(index=False):
        lon, lat = basemaps.display_point(float(row.lon), float(row.lat), chosen)
        text = html.escape(str(label(row)))
        folium.CircleMarker([lat, lon], radius=CASE_RADIUS, color="#ffffff", weight=1.5, fill=True,
                            fill_color=CASE_COLOUR, fill_opacity=0.95, tooltip=text).add_to(group)
    return group


def risk_layer(frame: pd.DataFrame, name: str, label, basemap: str = "plain") -> folium.FeatureGroup:
    """Risk areas (level, geojson WGS-84): high red, medium orange, `label(row)` as their plain tooltip."""
    chosen = basemaps.resolve(basemap)
    group = folium.FeatureGroup(name=name)
    for row in frame[frame["geojson"].notna()].itertuples(index=False):
        shape = basemaps.display_geometries(shapely.from_geojson(row.geojson), chosen)
        colour = RISK_COLOURS.get(row.level, RISK_COLOURS["medium"])
        folium.GeoJson(
            maps.round_coordinates(json.loads(shapely.to_geojson(shape))),
            style_function=lambda _, c=colour: {"color": c, "weight": 2, "fillColor": c, "fillOpacity": 0.18},
            tooltip=html.escape(str(label(row))),
        ).add_to(group)
    return group


def legend_rows(labels: dict[str, str]) -> list[tuple[str, str]]:
    """The legend's swatches for cases and the two risk levels, in the reader's words."""
    return [(CASE_COLOUR, labels["case"]), (RISK_COLOURS["high"], labels["high"]),
            (RISK_COLOURS["medium"], labels["medium"])]


def layer_control() -> folium.LayerControl:
    """The switch for each layer, open so a phone sees it without a tap."""
    return folium.LayerControl(collapsed=False, position="topright")
