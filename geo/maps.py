"""folium maps that draw with no internet: Leaflet served by our Streamlit, colours binned, text escaped."""

import html
import json
import math
from collections.abc import Callable

import folium
import folium.plugins
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from geo import basemaps, zoom
from geo.basemaps import Basemap, BasemapSettings
from geo.classes import Classes, classify

# Served by Streamlit static serving from static/leaflet (vendored from the npm `leaflet` package, BSD-2).
LEAFLET_JS = "/app/static/leaflet/leaflet.js"
LEAFLET_CSS = "/app/static/leaflet/leaflet.css"
# leaflet-draw 1.0.4 (npm, MIT), served by us like Leaflet: folium's Draw plugin points at a public CDN.
LEAFLET_DRAW_JS = "/app/static/leaflet-draw/leaflet.draw.js"
LEAFLET_DRAW_CSS = "/app/static/leaflet-draw/leaflet.draw.css"
OTHER_BUILDING_COLOUR = "#9e9e9e"
CHOSEN_BUILDING_COLOUR = "#1f4e9c"

# ColorBrewer YlOrRd, 5 classes: light for few, dark red for many. Zero gets a neutral grey.
RAMP = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
ZERO_COLOUR = "#e8e8e8"
COORD_DECIMALS = 5  # about 1 m: all a map can show, and a third of the payload
POINT_RADIUS = 7    # pixels: a building known by its point only, drawn as a dot coloured like the outlines
MIN_SPAN = 0.002    # degrees: bounds around one point (or a row of them) opened to a few streets
METRES_PER_DEGREE = 111_320  # of latitude, and of longitude at the equator: enough to size a building
DEFAULT_CENTRE = (119.95, 31.70)  # lon, lat of the demo community, for a map with nothing on it

# Every basemap by key (plain, osm, tianditu, gaode); a menu offers available_basemaps() instead, which leaves out
# Tianditu when no token is configured.
BASEMAPS: dict[str, Basemap] = basemaps.BASEMAPS


def available_basemaps(settings: BasemapSettings | None = None) -> dict[str, Basemap]:
    """Basemaps usable now, in menu order, for the overview's selectbox (settings read from env and secrets)."""
    return basemaps.available_basemaps(settings)


def new_map(bounds: tuple[float, float, float, float] | None, basemap: str = "plain",
            settings: BasemapSettings | None = None) -> folium.Map:
    """A Leaflet map fitted to (minx, miny, maxx, maxy) WGS-84 lon/lat, loading Leaflet from our own server."""
    settings = basemaps.load_settings() if settings is None else settings
    chosen = basemaps.resolve(basemap, settings)
    if bounds is not None:
        bounds = (*basemaps.display_point(bounds[0], bounds[1], chosen),
                  *basemaps.display_point(bounds[2], bounds[3], chosen))
    return _display_map(bounds, chosen, settings)


class MapScript(MacroElement):
    """A few lines of script run on the map (`map` in them) where they stand among its children: after the map
    is made and what was added before, before what comes after."""

    _template = Template("""{% macro script(this, kwargs) %}
(function (map) {
{{ this.code }}
})({{ this._parent.get_name() }});
{% endmacro %}""")

    def __init__(self, code: str):
        super().__init__()
        self._name = "MapScript"
        self.code = code


# Leaflet's own prefix carries a flag beside its name; plain text instead, the basemap's attribution after it.
ATTRIBUTION_PREFIX = "Leaflet"
# On a phone-wide map, before any layer: a canvas that counts a tap near a shape as on it, and point buildings
# drawn large enough to tap (a GeoJSON point comes as a CircleMarker with its feature).
PREFIX_SCRIPT = f"map.attributionControl.setPrefix({json.dumps(ATTRIBUTION_PREFIX)});"
TOUCH_SCRIPT = f"""if (map.getSize().x < {zoom.PHONE_WIDTH_PX}) {{
    map.options.renderer = L.canvas({{tolerance: {zoom.TAP_TOLERANCE_PX}}});
    map.on('layeradd', function (e) {{
        if (e.layer instanceof L.CircleMarker && e.layer.feature) {{ e.layer.setRadius({zoom.PHONE_POINT_RADIUS_PX}); }}
    }});
}}"""


def phone_view(m: folium.Map, min_zoom: int, focus: tuple[float, float] | None) -> None:
    """After the map has fitted its bounds: on a phone-wide map, no farther out than `min_zoom`, centred on
    `focus` (lon, lat in the basemap's datum; the map's centre when None)."""
    centre = "map.getCenter()" if focus is None else json.dumps([focus[1], focus[0]])
    MapScript(f"""if (map.getSize().x < {zoom.PHONE_WIDTH_PX} && map.getZoom() < {int(min_zoom)}) {{
    map.setView({centre}, {int(min_zoom)});
}}""").add_to(m)


def _display_map(bounds: tuple[float, float, float, float] | None, chosen: Basemap,
                 settings: BasemapSettings, touch: bool = True) -> folium.Map:
    """The map around bounds already in the basemap's datum, under the basemap's tile layers; `touch` (not for
    drawing maps, whose tools want Leaflet's own renderer) makes shapes easy to tap on a phone."""
    centre = basemaps.display_point(*DEFAULT_CENTRE, chosen) if bounds is None else \
        ((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)
    if bounds is not None:
        bounds = opened(bounds)
    m = folium.Map(tiles=None, control_scale=True, zoom_start=15, location=[centre[1], centre[0]])
    MapScript(PREFIX_SCRIPT + ("\n" + TOUCH_SCRIPT if touch else "")).add_to(m)
    for layer in basemaps.tile_layers(chosen, settings):
        layer.add_to(m)
    m.default_js = [("leaflet", LEAFLET_JS)]
    m.default_css = [("leaflet_css", LEAFLET_CSS)]
    if bounds is not None:
        m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    return m


def opened(bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Bounds smaller than MIN_SPAN both ways opened to it: a map of one point building would zoom to the end."""
    west, south, east, north = bounds
    if max(east - west, north - south) >= MIN_SPAN:
        return bounds
    dx, dy = (MIN_SPAN - (east - west)) / 2, (MIN_SPAN - (north - south)) / 2
    return west - dx, south - dy, east + dx, north + dy


def point_marker() -> folium.CircleMarker:
    """How a GeoJSON layer draws a Point: a circle the style function fills like a polygon. Leaflet's default
    marker is an image it fetches from beside its script, which the app does not serve."""
    return folium.CircleMarker(radius=POINT_RADIUS, fill=True)


def ramp(n: int) -> list[str]:
    """The colours of n classes, spread over the ramp so the top class is always the darkest."""
    if n <= 1:
        return RAMP[-1:] if n == 1 else []
    return [RAMP[round(i * (len(RAMP) - 1) / (n - 1))] for i in range(n)]


def colour_for(value: float, classes: Classes) -> str:
    """The fill of one value: grey for nothing, else its class's colour."""
    index = classes.of(value)
    return ZERO_COLOUR if index == 0 else ramp(len(classes))[index - 1]


def round_coordinates(geometry: dict, decimals: int = COORD_DECIMALS) -> dict:
    def walk(coords):
        if isinstance(coords[0], (int, float)):
            return [round(c, decimals) for c in coords]
        return [walk(c) for c in coords]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def feature_collection(frame: pd.DataFrame, properties: list[str], geometry_column: str = "geojson",
                       basemap: str = "plain", decimals: int = COORD_DECIMALS) -> dict:
    """GeoJSON dict from a frame with a WGS-84 GeoJSON text column, placed for the basemap's datum (shifted to
    GCJ-02 for Gaode); text properties are HTML-escaped for tooltips; coordinates rounded to `decimals`.

    A row without geometry (a building registered before its outline came) is no feature: every map leaves it
    off, and the page lists it as not yet on the map."""
    frame = frame[frame[geometry_column].map(lambda g: isinstance(g, str) and bool(g))]
    geometries = display_geojson(frame[geometry_column], basemaps.BASEMAPS.get(basemap, basemaps.PLAIN))
    features = []
    for row, geometry in zip(frame.itertuples(index=False), geometries):
        record = row._asdict()
        props = {}
        for key in properties:
            value = record[key]
            props[key] = html.escape(value) if isinstance(value, str) else _plain(value)
        features.append({"type": "Feature", "geometry": round_coordinates(json.loads(geometry), decimals),
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


def display_geojson(texts: pd.Series, basemap: Basemap) -> list[str]:
    """WGS-84 GeoJSON texts as the basemap draws them: unchanged, or moved to GCJ-02 all at once."""
    if not basemap.gcj02:
        return list(texts)
    return list(shapely.to_geojson(basemaps.display_geometries(shapely.from_geojson(list(texts)), basemap)))


def _plain(value):
    """numpy scalars to JSON-ready Python values; missing values to None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def bounds_of(collection: dict) -> tuple[float, float, float, float] | None:
    xs, ys = [], []

    def walk(coords):
        if isinstance(coords[0], (int, float)):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for c in coords:
                walk(c)

    for feature in collection["features"]:
        walk(feature["geometry"]["coordinates"])
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def feature_tooltip(collection: dict, fields: list[str], aliases: list[str], **options) -> folium.GeoJsonTooltip | None:
    """A tooltip with escaped labels; none for a layer without features (folium refuses fields it cannot see)."""
    if not collection["features"]:
        return None
    return folium.GeoJsonTooltip(fields=fields, aliases=[html.escape(a) for a in aliases], **options)


def choropleth_layer(collection: dict, value_key: str, classes: Classes, tooltip_fields: list[str],
                     tooltip_aliases: list[str], selected_id: int | None = None, id_key: str = "building_id",
                     name: str = "buildings") -> folium.GeoJson:
    """Buildings filled by binned value; the selected one outlined in blue."""

    def style(feature):
        props = feature["properties"]
        chosen = selected_id is not None and props.get(id_key) == selected_id
        return {
            "fillColor": colour_for(props.get(value_key), classes),
            "fillOpacity": 0.85,
            "color": "#1f4e9c" if chosen else "#555555",
            "weight": 3 if chosen else 0.8,
        }

    return folium.GeoJson(
        collection,
        name=name,
        style_function=style,
        highlight_function=lambda _: {"weight": 3, "color": "#1f4e9c"},
        tooltip=feature_tooltip(collection, tooltip_fields, tooltip_aliases, sticky=True),
        marker=point_marker(),
    )


def stairwell_layer(frame: pd.DataFrame, building_id: int, active_label: str,
                    basemap: str = "plain") -> folium.FeatureGroup:
    """The chosen building's stairwells outlined on top of the map; `frame` has label, active and geojson.

    Sent with st_folium's feature_group_to_add, so choosing a building does not rebuild the map. Each piece
    carries the building's id: a click on it still means that building.
    """
    frame = frame[frame["geojson"].notna()].assign(building_id=building_id)
    group = folium.FeatureGroup(name="stairwells")
    if frame.empty:
        return group
    folium.GeoJson(
        feature_collection(frame, ["building_id", "label", "active"], basemap=basemap),
        style_function=lambda _: {"fill": True, "fillOpacity": 0.05, "color": "#1f4e9c", "weight": 2.5,
                                  "dashArray": "5 3"},
        tooltip=folium.GeoJsonTooltip(fields=["label", "active"], aliases=["", html.escape(active_label)]),
    ).add_to(group)
    return group


def clicked_id(value: dict | None, key: str = "building_id") -> int | None:
    """The id property of the shape last clicked, from st_folium's returned (or stored) value."""
    feature = (value or {}).get("last_active_drawing") or {}
    return (feature.get("properties") or {}).get(key)


def legend(title: str, classes: Classes, none_label: str, number: Callable[[float], str] = "{:g}".format) -> Element:
    """The choropleth's legend: 'none' in grey, then one swatch per class, its values as `number` writes them."""
    rows = [(ZERO_COLOUR, none_label), *zip(ramp(len(classes)), classes.labels(number))]
    return legend_box(title, rows)


def legend_box(title: str, rows: list[tuple[str, str]], corner: str = "right") -> Element:
    """A plain HTML legend in the map's corner: no d3 or other CDN script, so it shows offline too."""
    items = "".join(f'<div><span style="background:{colour}"></span>{html.escape(label)}</div>'
                    for colour, label in rows)
    return Element(
        # On the left it stands above the scale bar.
        f'<div class="rc-legend" style="position:absolute;bottom:{24 if corner == "right" else 44}px;{corner}:10px;'
        'z-index:1000;'
        'background:rgba(255,255,255,.92);padding:6px 10px;border-radius:4px;font:13px/1.5 sans-serif;'
        'box-shadow:0 1px 4px rgba(0,0,0,.3)">'
        f'<b>{html.escape(title)}</b>{items}</div>'
        '<style>.rc-legend span{display:inline-block;width:14px;height:14px;margin-right:6px;'
        'vertical-align:-2px;border:1px solid #999}</style>'
    )


MATCHED_COLOUR, UNMATCHED_COLOUR = "#3b7dd8", "#f08c00"


def footprint_preview_map(matched: gpd.GeoDataFrame, unmatched: gpd.GeoDataFrame, labels: dict[str, str],
                          basemap: str = "plain", settings: BasemapSettings | None = None, *,
                          left_out: gpd.GeoDataFrame | None = None,
                          box: tuple[float, float, float, float] | None = None, tools: bool = False) -> folium.Map:
    """Footprints of an upload before they are written: blue where a register building matched, orange where
    none did, grey those `left_out` of a `box` (drawn dashed). `labels` holds 'title', 'matched', 'unmatched',
    'label' and 'building' in the reader's language, and 'left_out' with a box; `tools` adds a rectangle tool."""
    settings = basemaps.load_settings() if settings is None else settings
    chosen = basemaps.resolve(basemap, settings)
    layers = []
    left_out = left_out if left_out is not None else unmatched.iloc[0:0]
    for frame, colour, status in ((matched, MATCHED_COLOUR, labels["matched"]),
                                  (unmatched, UNMATCHED_COLOUR, labels["unmatched"]),
                                  (left_out, OTHER_BUILDING_COLOUR, labels.get("left_out", ""))):
        if frame.empty:
            continue
        rows = pd.DataFrame({
            "label": frame["label"].astype(str).to_numpy(),
            "building": (frame["building_name"] if "building_name" in frame else pd.Series("", index=frame.index))
            .fillna("").astype(str).to_numpy(),
            "status": status,
            "geojson": shapely.to_geojson(frame.geometry.to_numpy()),
        })
        layers.append((feature_collection(rows, ["label", "building", "status"], basemap=chosen.key), colour))
    everything = {"type": "FeatureCollection", "features": [f for c, _ in layers for f in c["features"]]}
    m = _display_map(bounds_of(everything), chosen, settings, touch=not tools)
    for collection, colour in layers:
        folium.GeoJson(
            collection,
            style_function=lambda _, colour=colour: {"fillColor": colour, "color": "#333333", "weight": 1,
                                                     "fillOpacity": 0.6},
            tooltip=feature_tooltip(collection, ["label", "building", "status"],
                                    [labels["label"], labels["building"], ""]),
        ).add_to(m)
    if box is not None:
        west, south, east, north = shapely.bounds(basemaps.display_geometries(shapely.box(*box), chosen))
        folium.Rectangle([[south, west], [north, east]], color=CHOSEN_BUILDING_COLOUR, weight=2, dash_array="6 4",
                         fill=False, interactive=False).add_to(m)
    if tools:
        draw_tool({"rectangle": {}}).add_to(m)
    rows = [(MATCHED_COLOUR, labels["matched"]), (UNMATCHED_COLOUR, labels["unmatched"])]
    if not left_out.empty:
        rows.append((OTHER_BUILDING_COLOUR, labels["left_out"]))
    m.get_root().html.add_child(legend_box(labels["title"], rows))
    return m


def building_density_map(frame: pd.DataFrame, value_key: str, tooltip: dict[str, str], legend_title: str,
                         none_label: str, basemap: str = "plain", settings: BasemapSettings | None = None,
                         number: Callable[[float], str] = "{:g}".format) -> folium.Map:
    """The overview choropleth: one polygon per building, tooltip fields in the given order and wording, classes
    from the data (geo.classes) with the legend's numbers as `number` writes them (i18n.fmt_number)."""
    settings = basemaps.load_settings() if settings is None else settings
    chosen = basemaps.resolve(basemap, settings)
    properties = ["building_id", *tooltip]
    collection = feature_collection(frame, list(dict.fromkeys(properties + [value_key])), basemap=chosen.key)
    classes = classify(frame[value_key])
    bounds = bounds_of(collection)
    m = _display_map(bounds, chosen, settings)  # bounds already where the tiles put them
    if bounds is not None:
        phone_view(m, zoom.tap_zoom(typical_short_side_m(frame["geojson"]), (bounds[1] + bounds[3]) / 2),
                   worst_point(frame, value_key, chosen))
    choropleth_layer(collection, value_key, classes, list(tooltip), list(tooltip.values())).add_to(m)
    m.get_root().html.add_child(legend(legend_title, classes, none_label, number))
    return m


def typical_short_side_m(texts: pd.Series) -> float | None:
    """The median building's shorter side in metres (its smallest rotated rectangle), outlines only: what
    decides how far a phone must zoom in to tap one."""
    shapes = shapely.from_geojson([t for t in texts if isinstance(t, str) and t])
    shapes = shapes[shapely.area(shapes) > 0] if len(shapes) else shapes
    if not len(shapes):
        return None
    sides = []
    for rectangle in shapely.minimum_rotated_rectangle(shapes):
        (x0, y0), (x1, y1), (x2, y2) = list(rectangle.exterior.coords)[:3]
        scale = math.cos(math.radians(y0))
        a = math.hypot((x1 - x0) * scale, y1 - y0) * METRES_PER_DEGREE
        b = math.hypot((x2 - x1) * scale, y2 - y1) * METRES_PER_DEGREE
        sides.append(min(a, b))
    return float(pd.Series(sides).median())


def worst_point(frame: pd.DataFrame, value_key: str, basemap: Basemap) -> tuple[float, float] | None:
    """Where the building with the highest value stands (its centroid, in the basemap's datum): a phone's first
    view, too narrow for the whole area, starts where the work is."""
    located = frame[frame["geojson"].map(lambda g: isinstance(g, str) and bool(g))]
    values = pd.to_numeric(located[value_key], errors="coerce").fillna(0)
    if located.empty or not (values > 0).any():
        return None
    centre = shapely.centroid(shapely.from_geojson(located.loc[values.idxmax(), "geojson"]))
    return basemaps.display_point(centre.x, centre.y, basemap)


# Share sampled, from none (red) to all (green): the building leader sees at a glance which stairwell to call.
PROGRESS_RAMP = [(0.0, "#d7301f"), (0.25, "#fc8d59"), (0.5, "#fee08b"), (0.75, "#91cf60"), (1.0, "#1a9850")]


def progress_colour(share: float | None) -> str:
    if share is None or share != share:
        return ZERO_COLOUR
    colour = PROGRESS_RAMP[0][1]
    for lower, candidate in PROGRESS_RAMP:
        if share >= lower:
            colour = candidate
    return colour


def progress_map(frame: pd.DataFrame, legend_title: str, basemap: str = "plain",
                 settings: BasemapSettings | None = None) -> folium.Map:
    """The stairwells' outlines only, so the map stays the same while sampling goes on and keeps its place;
    the colours come in `progress_layer`, sent with st_folium's feature_group_to_add."""
    settings = basemaps.load_settings() if settings is None else settings
    chosen = basemaps.resolve(basemap, settings)
    frame = frame[frame["geojson"].notna()]
    collection = feature_collection(frame, ["stairwell_id"], basemap=chosen.key)
    m = _display_map(bounds_of(collection), chosen, settings)
    folium.GeoJson(collection, style_function=lambda _: {"fill": False, "color": "#999999", "weight": 0.5},
                   interactive=False, marker=point_marker()).add_to(m)
    rows = [(colour, f"≥{int(lower * 100)}%") for lower, colour in PROGRESS_RAMP]
    m.get_root().html.add_child(legend_box(legend_title, rows))
    return m


def progress_layer(frame: pd.DataFrame, tooltip: dict[str, str], highlight: set[int] = frozenset(),
                   basemap: str = "plain") -> folium.FeatureGroup:
    """Stairwells coloured by share sampled; those in `highlight` (a positive tube's) outlined in black."""
    frame = frame[frame["geojson"].notna()]
    collection = feature_collection(frame, list(dict.fromkeys(["stairwell_id", "share", *tooltip])),
                                    basemap=basemaps.resolve(basemap).key)

    def style(feature):
        props = feature["properties"]
        marked = props["stairwell_id"] in highlight
        return {"fillColor": progress_colour(props.get("share")), "fillOpacity": 0.85,
                "color": "#000000" if marked else "#555555", "weight": 4 if marked else 0.6}

    group = folium.FeatureGroup(name="progress")
    folium.GeoJson(collection, style_function=style, highlight_function=lambda _: {"weight": 3},
                   tooltip=feature_tooltip(collection, list(tooltip), list(tooltip.values())),
                   marker=point_marker()).add_to(group)
    return group


# A volunteer's load, in blues and purples so the dots never read as the buildings' yellow-to-red gaps.
LOAD_COLOURS = {"room": "#1f78b4", "full": "#6a3d9a", "over": "#e7298a", "inactive": "#9e9e9e"}


def load_state(assigned: int, capacity: int, active: bool) -> str:
    """'room', 'full', 'over' or 'inactive': the key of LOAD_COLOURS and of the legend's labels."""
    if not active:
        return "inactive"
    if assigned > capacity:
        return "over"
    return "full" if assigned == capacity else "room"


def volunteer_layer(frame: pd.DataFrame, labels: dict[str, str], basemap: str = "plain") -> folium.FeatureGroup:
    """Volunteers as dots at their home building, coloured by load; `frame` has name, assigned, capacity,
    active, lon and lat; `labels` has 'volunteers', 'load' and one label per load state."""
    chosen = basemaps.resolve(basemap)
    group = folium.FeatureGroup(name=labels["volunteers"])
    for row in frame[frame["lon"].notna()].itertuples(index=False):
        lon, lat = basemaps.display_point(float(row.lon), float(row.lat), chosen)
        state = load_state(int(row.assigned), int(row.capacity), bool(row.active))
        load = f"{html.escape(labels['load'])}: {int(row.assigned)}/{int(row.capacity)}"
        text = f"{html.escape(str(row.name))}<br>{load}<br>{html.escape(labels[state])}"
        folium.CircleMarker([lat, lon], radius=7, color="#ffffff", weight=1.5, fill=True, fill_opacity=0.95,
                            fill_color=LOAD_COLOURS[state], tooltip=folium.Tooltip(text)).add_to(group)
    return group


def coverage_gap_map(frame: pd.DataFrame, volunteers: pd.DataFrame, tooltip: dict[str, str],
                     labels: dict[str, str], basemap: str = "plain",
                     settings: BasemapSettings | None = None,
                     number: Callable[[float], str] = "{:g}".format) -> folium.Map:
    """Buildings coloured by uncovered vulnerable households, volunteers on top coloured by load, two legends.
    `labels` has 'legend', 'none' and what volunteer_layer needs."""
    m = building_density_map(frame, "uncovered", tooltip, labels["legend"], labels["none"], basemap, settings,
                             number)
    volunteer_layer(volunteers, labels, basemap).add_to(m)
    rows = [(colour, labels[state]) for state, colour in LOAD_COLOURS.items()]
    m.get_root().html.add_child(legend_box(labels["volunteers"], rows, corner="left"))
    return m


def drawing_map(frame: pd.DataFrame, chosen_id: int | None, centre: tuple[float, float] | None,
                basemap: str = "plain", settings: BasemapSettings | None = None, tools: bool = True) -> folium.Map:
    """A map to draw one building's outline on: the community's located buildings in grey for reference (the
    chosen one in blue when it has an outline to redraw), and a polygon and rectangle tool served locally
    (without `tools`, a map to click a building's point on).

    `frame` has building_id, label and geojson; `centre` (lon, lat) places the map when nothing is located yet.
    """
    settings = basemaps.load_settings() if settings is None else settings
    chosen = basemaps.resolve(basemap, settings)
    collection = feature_collection(frame, ["building_id", "label"], basemap=chosen.key)
    bounds = bounds_of(collection)
    if bounds is None and centre is not None:
        lon, lat = basemaps.display_point(*centre, chosen)
        bounds = (lon - 0.002, lat - 0.0015, lon + 0.002, lat + 0.0015)
    m = _display_map(bounds, chosen, settings, touch=not tools)
    if collection["features"]:
        folium.GeoJson(
            collection,
            style_function=lambda f: {
                "fillColor": CHOSEN_BUILDING_COLOUR if f["properties"]["building_id"] == chosen_id
                else OTHER_BUILDING_COLOUR, "color": "#333333", "weight": 1, "fillOpacity": 0.5},
            tooltip=feature_tooltip(collection, ["label"], [""]),
            marker=point_marker(),
        ).add_to(m)
    if tools:
        draw_tool({"polygon": {"allowIntersection": False, "showArea": True}, "rectangle": {}}).add_to(m)
    return m


def draw_tool(shapes: dict) -> folium.plugins.Draw:
    """leaflet-draw with only the given shape tools (and the bin), from our own server, not folium's CDN."""
    off = {"polyline": False, "polygon": False, "rectangle": False, "circle": False, "marker": False,
           "circlemarker": False}
    draw = folium.plugins.Draw(export=False, position="topleft", draw_options={**off, **shapes},
                               edit_options={"edit": False, "remove": True})
    draw.default_js = [("leaflet_draw_js", LEAFLET_DRAW_JS)]
    draw.default_css = [("leaflet_draw_css", LEAFLET_DRAW_CSS)]
    return draw


def point_layer(lon: float, lat: float, label: str, basemap: str = "plain") -> folium.FeatureGroup:
    """The point about to be saved, stored WGS-84 lon/lat drawn where the basemap shows it; sent with
    st_folium's feature_group_to_add so a new click moves it without rebuilding the map."""
    x, y = basemaps.display_point(float(lon), float(lat), basemaps.resolve(basemap))
    group = folium.FeatureGroup(name="point")
    folium.CircleMarker([y, x], radius=POINT_RADIUS + 2, color="#ffffff", weight=2, fill=True, fill_opacity=0.95,
                        fill_color=CHOSEN_BUILDING_COLOUR, tooltip=html.escape(label)).add_to(group)
    return group


def clicked_point(value: dict | None, basemap: str = "plain") -> tuple[float, float] | None:
    """Where st_folium's map was last clicked, as stored WGS-84 (lon, lat); None before any click."""
    clicked = (value or {}).get("last_clicked") or {}
    if clicked.get("lng") is None or clicked.get("lat") is None:
        return None
    return basemaps.stored_point(float(clicked["lng"]), float(clicked["lat"]), basemaps.resolve(basemap))


def drawn_box(value: dict | None, basemap: str = "plain") -> tuple[float, float, float, float] | None:
    """The last rectangle (or any shape) drawn on st_folium's map as a stored WGS-84 box (west, south, east,
    north), from `all_drawings` (clicks on the map's own shapes are not drawings); None when nothing is drawn."""
    drawings = (value or {}).get("all_drawings") or []
    shapes = [d.get("geometry") for d in drawings if isinstance(d, dict) and d.get("geometry")]
    shapes = [g for g in shapes if g.get("type") in ("Polygon", "MultiPolygon")]
    if not shapes:
        return None
    shape = basemaps.stored_geometry(shapely.geometry.shape(shapes[-1]), basemaps.resolve(basemap))
    return tuple(float(v) for v in shape.bounds)


SITE_COLOUR = "#2e7d32"


def site_click_layer(sites: pd.DataFrame, clicked: tuple[float, float] | None, label: str = "",
                     basemap: str = "plain") -> folium.FeatureGroup:
    """A round's sites (name, lon, lat; stored WGS-84) as green dots named in their tooltip, and the point just
    clicked for a new one; sent with feature_group_to_add so a click moves the dot without rebuilding the map."""
    chosen = basemaps.resolve(basemap)
    group = point_layer(*clicked, label, basemap) if clicked is not None else folium.FeatureGroup(name="point")
    for row in sites[sites["lon"].notna() & sites["lat"].notna()].itertuples(index=False):
        lon, lat = basemaps.display_point(float(row.lon), float(row.lat), chosen)
        folium.CircleMarker([lat, lon], radius=POINT_RADIUS + 2, color="#ffffff", weight=2, fill=True,
                            fill_opacity=0.95, fill_color=SITE_COLOUR,
                            tooltip=html.escape(str(row.name))).add_to(group)
    return group


def focus_view(bounds: tuple[float, float, float, float], basemap: str = "plain",
               settings: BasemapSettings | None = None) -> tuple[tuple[float, float], int]:
    """Where st_folium looks to show one building chosen from a list: its centre as (lat, lon) where the
    basemap draws it, and a zoom that shows it whole on a phone, close enough to tap (17 or 18)."""
    chosen = basemaps.resolve(basemap, settings)
    lon, lat = basemaps.display_point((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, chosen)
    fitted = zoom.fitted_zoom(bounds, width=zoom.PHONE_WIDTH_PX // 2, height=zoom.PHONE_WIDTH_PX // 2)
    return (lat, lon), max(zoom.MAX_ZOOM - 1, min(zoom.MAX_ZOOM, fitted))


def click_signature(value: dict | None) -> str:
    """One click as st_folium stored it (the shape's properties and where it was hit): a new signature is a new
    click, also of the same building, while a pan or a remounted map keeps or clears it."""
    value = value or {}
    feature = value.get("last_active_drawing") or {}
    return json.dumps([feature.get("properties"), value.get("last_object_clicked")], sort_keys=True, default=str)


def missed_rounds_map(frame: pd.DataFrame, tooltip: dict[str, str], legend_title: str, none_label: str,
                      basemap: str = "plain", settings: BasemapSettings | None = None,
                      number: Callable[[float], str] = "{:g}".format) -> folium.Map:
    """Buildings coloured by disinfection rounds missed (none: the plain grey), the worst first on a phone;
    `frame` has building_id, missed, geojson and the tooltip's columns. Buildings without an outline or a point
    are left off (the page lists them)."""
    return building_density_map(frame, "missed", tooltip, legend_title, none_label, basemap, settings, number)
