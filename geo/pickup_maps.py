"""The pick-up map: points as clear markers (name and hours on tap), the buildings each serves in its colour with
a thin line to it, and the buildings whose households are served at the door marked with their count.

Frames in, a folium map out; every text from data is escaped before it reaches the page.
"""

import html

import folium
import pandas as pd

from geo import basemaps, maps, zoom
from geo.basemaps import BasemapSettings

# ColorBrewer Dark2 and Set1 (qualitative): neighbouring points told apart, none of them the grey of "no point".
POINT_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#377eb8",
                 "#984ea3", "#4daf4a"]
NO_POINT_COLOUR = "#bdbdbd"
POINT_MARK_COLOUR = "#111111"
DOOR_COLOUR = "#c62828"
POINT_SIZE_PX = 26      # the point's square: a thumb finds it on a phone
PHONE_ZOOM = zoom.BUILDING_ZOOM + 1   # a phone's first view: a point and the buildings around it


def point_colours(points: pd.DataFrame) -> dict[int, str]:
    """A colour per point id, in the points' order (the same on every run for the same plan)."""
    return {int(p): POINT_COLOURS[i % len(POINT_COLOURS)] for i, p in enumerate(points["point_id"])}


def _point_icon(colour: str) -> folium.DivIcon:
    """A dark square ringed in the point's colour: no image to fetch (the app serves none of Leaflet's)."""
    size = POINT_SIZE_PX
    return folium.DivIcon(icon_size=(size, size), icon_anchor=(size // 2, size // 2), class_name="rc-pickup",
                          html=f'<div style="width:{size - 6}px;height:{size - 6}px;background:{POINT_MARK_COLOUR};'
                               f'border:3px solid {colour};border-radius:4px;box-shadow:0 0 0 2px #fff"></div>')


def pickup_map(buildings: pd.DataFrame, points: pd.DataFrame, labels: dict[str, str], basemap: str = "plain",
               settings: BasemapSettings | None = None) -> folium.Map:
    """`buildings`: building_id, name, compound, geojson, lon, lat, point_id, point, door (households served at
    the door); `points`: point_id, name, hours, lon, lat. `labels` has 'legend', 'point', 'served', 'no_point',
    'door', 'building', 'hours', and 'door_count' with {n} for a building's door households."""
    settings = basemaps.load_settings() if settings is None else settings
    chosen = basemaps.resolve(basemap, settings)
    colours = point_colours(points)
    frame = buildings.assign(
        point=buildings["point"].fillna(labels["no_point"]).astype(str),
        colour=[colours.get(int(p), NO_POINT_COLOUR) if pd.notna(p) else NO_POINT_COLOUR
                for p in buildings["point_id"]])
    collection = maps.feature_collection(frame, ["building_id", "name", "compound", "point", "colour"],
                                         basemap=chosen.key)
    located = points.dropna(subset=["lon", "lat"])
    lons = pd.concat([frame["lon"], located["lon"]]).dropna()
    lats = pd.concat([frame["lat"], located["lat"]]).dropna()
    bounds = None if lons.empty else (float(lons.min()), float(lats.min()), float(lons.max()), float(lats.max()))
    m = maps.new_map(bounds, chosen.key, settings)
    if bounds is not None:
        # A phone opens on the first point, close enough to tell its buildings apart (points are what it is for).
        focus = None if located.empty else basemaps.display_point(float(located["lon"].iloc[0]),
                                                                  float(located["lat"].iloc[0]), chosen)
        maps.phone_view(m, PHONE_ZOOM, focus)
    if collection["features"]:
        folium.GeoJson(
            collection, name=labels["served"],
            style_function=lambda f: {"fillColor": f["properties"]["colour"], "fillOpacity": 0.75,
                                      "color": "#555555", "weight": 0.8},
            tooltip=maps.feature_tooltip(collection, ["name", "compound", "point"],
                                         [labels["building"], "", labels["point"]], sticky=True),
            marker=maps.point_marker(),
        ).add_to(m)
    _lines(frame, located, colours, chosen).add_to(m)
    _door_marks(frame, labels, chosen).add_to(m)
    _point_marks(located, colours, labels, chosen).add_to(m)
    rows = [(POINT_MARK_COLOUR, labels["point"]), (POINT_COLOURS[0], labels["served"]),
            (NO_POINT_COLOUR, labels["no_point"]), (DOOR_COLOUR, labels["door"])]
    m.get_root().html.add_child(maps.legend_box(labels["legend"], rows))
    return m


def _lines(frame: pd.DataFrame, points: pd.DataFrame, colours: dict[int, str],
           chosen: basemaps.Basemap) -> folium.FeatureGroup:
    """A thin line from each served building to its point: which buildings go where, at a glance."""
    group = folium.FeatureGroup(name="lines", control=False)
    where = {int(p.point_id): basemaps.display_point(float(p.lon), float(p.lat), chosen)
             for p in points.itertuples(index=False)}
    served = frame[frame["point_id"].notna() & frame["lon"].notna()]
    for row in served.itertuples(index=False):
        target = where.get(int(row.point_id))
        if target is None:
            continue
        lon, lat = basemaps.display_point(float(row.lon), float(row.lat), chosen)
        folium.PolyLine([[lat, lon], [target[1], target[0]]], color=colours[int(row.point_id)], weight=2,
                        opacity=0.8, interactive=False).add_to(group)
    return group


def _door_marks(frame: pd.DataFrame, labels: dict[str, str], chosen: basemaps.Basemap) -> folium.FeatureGroup:
    """A red ring on each building with households served at the door; the count on tap."""
    group = folium.FeatureGroup(name=labels["door"])
    marked = frame[(frame["door"] > 0) & frame["lon"].notna()]
    for row in marked.itertuples(index=False):
        lon, lat = basemaps.display_point(float(row.lon), float(row.lat), chosen)
        text = (f"{html.escape(str(row.compound))}{html.escape(str(row.name))}<br>"
                f"{html.escape(labels['door_count'].format(n=int(row.door)))}")
        folium.CircleMarker([lat, lon], radius=8, color=DOOR_COLOUR, weight=3, fill=True, fill_color="#ffffff",
                            fill_opacity=0.9, tooltip=folium.Tooltip(text)).add_to(group)
    return group


def _point_marks(points: pd.DataFrame, colours: dict[int, str], labels: dict[str, str],
                 chosen: basemaps.Basemap) -> folium.FeatureGroup:
    """The points on top, name and hours in a tooltip, which Leaflet opens on hover and on tap (no popup: folium
    builds those with jQuery, which the app does not serve)."""
    group = folium.FeatureGroup(name=labels["point"])
    for row in points.itertuples(index=False):
        lon, lat = basemaps.display_point(float(row.lon), float(row.lat), chosen)
        text = f"<b>{html.escape(str(row.name))}</b><br>{html.escape(labels['hours'])}: {html.escape(str(row.hours))}"
        folium.Marker([lat, lon], icon=_point_icon(colours[int(row.point_id)]),
                      tooltip=folium.Tooltip(text)).add_to(group)
    return group
