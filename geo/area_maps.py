"""The overview map at street and district size: areas when zoomed out, only what is in view, outlines simplified
and coordinates rounded to what the zoom can show.

Up to MAX_FEATURES buildings the overview draws them all in one map (geo.maps.building_density_map). Past that
the map itself holds only the basemap and the first view, and stays the same from run to run so st_folium keeps
it mounted where the reader moved it; the shapes come as a layer (st_folium's feature_group_to_add) cut to the
bounds and zoom the map reports back, with its legend.
"""

import html
import math
from collections.abc import Callable

import folium
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from geo import basemaps, chinese_coords, maps
from geo.basemaps import BasemapSettings
from geo.classes import classify
from geo.zoom import MAX_FEATURES, Bbox, View, fitted_zoom, pixel_degrees

VIEW_PADDING = 0.1  # fetch a tenth of the view more on each side, so a small pan shows no empty edge
RETURNED = ["last_active_drawing", "bounds", "zoom"]  # what a scaled map reports: clicks, and where it is


def is_scaled(buildings: int) -> bool:
    """Whether the overview needs areas and view cutting, or can draw every building at once as it always has."""
    return buildings > MAX_FEATURES


def view_from(value: dict | None, whole: Bbox | None, basemap: str = "plain") -> View:
    """The view st_folium last reported, padded, back in WGS-84; all of `whole` (the bounds of everything the
    viewer may see) until the map has reported.

    A reported view that misses `whole` altogether is from another map (another community chosen): ignored.
    """
    first = View(None, fitted_zoom(whole))
    value = value or {}
    bounds, zoom = value.get("bounds") or {}, value.get("zoom")
    south_west, north_east = bounds.get("_southWest") or {}, bounds.get("_northEast") or {}
    corners = [south_west.get("lng"), south_west.get("lat"), north_east.get("lng"), north_east.get("lat")]
    if whole is None or not isinstance(zoom, int | float) or not all(
            isinstance(c, int | float) for c in corners):
        return first
    box = shapely.box(*corners)
    if basemaps.resolve(basemap).gcj02:
        box = chinese_coords.gcj02_to_wgs84(box)  # the map reports where it draws, on GCJ-02 tiles
    if not box.intersects(shapely.box(*whole)):
        return first
    minx, miny, maxx, maxy = box.bounds
    pad_x, pad_y = (maxx - minx) * VIEW_PADDING, (maxy - miny) * VIEW_PADDING
    return View((minx - pad_x, miny - pad_y, maxx + pad_x, maxy + pad_y), int(zoom))


def decimals_for(zoom: int) -> int:
    """Coordinate decimals that still place a vertex within half a pixel (5, about 1 m, at most)."""
    return min(maps.COORD_DECIMALS, max(3, math.ceil(-math.log10(pixel_degrees(zoom) / 2))))


def density_layer(frame: pd.DataFrame, level: str, zoom: int, value_key: str, labels: dict[str, str],
                  basemap: str = "plain", number: Callable[[float], str] = "{:g}".format) -> folium.FeatureGroup:
    """Buildings or areas of one view (the domain's density_in_view) coloured by `value_key`, with tooltip and
    legend; coordinates rounded to what the zoom shows.

    `labels` holds the tooltip's column labels (density_labels plus 'area', 'community', 'buildings') and
    'legend' and 'none'.
    """
    fields = ["name", "compound", "grid"] if level == "building" else ["name", "community", "buildings"]
    figures = [k for k in labels if k not in ("name", "compound", "grid", "area", "community", "buildings",
                                              "legend", "none")]
    tooltip = {f: labels["area" if f == "name" and level != "building" else f] for f in fields + figures}
    return layer(frame, level, value_key, tooltip, labels["legend"], labels["none"], basemap, decimals_for(zoom),
                 number)


class _LiveLegend(MacroElement):
    """The legend put in by script, so it travels with the layer and changes with it (the map's own HTML is
    set once, when st_folium mounts the map)."""

    _template = Template("""{% macro script(this, kwargs) %}
(function () {
    document.querySelectorAll('.rc-legend-live').forEach(function (old) { old.remove(); });
    var holder = document.createElement('div');
    holder.className = 'rc-legend-live';
    holder.innerHTML = {{ this.markup|tojson }};
    document.body.appendChild(holder);
})();
{% endmacro %}""")

    def __init__(self, markup: str):
        super().__init__()
        self._name = "LiveLegend"
        self.markup = markup


def layer(frame: pd.DataFrame, level: str, value_key: str, tooltip: dict[str, str], legend_title: str,
          none_label: str, basemap: str = "plain", decimals: int = maps.COORD_DECIMALS,
          number: Callable[[float], str] = "{:g}".format) -> folium.FeatureGroup:
    """Buildings ('building_id') or areas ('area_id', zoom to it on a click) filled by binned value."""
    id_key = "building_id" if level == "building" else "area_id"
    frame = frame[frame["geojson"].notna()].assign(level=level)
    properties = list(dict.fromkeys([id_key, "level", *tooltip, value_key]))
    collection = maps.feature_collection(frame, properties, basemap=basemaps.resolve(basemap).key,
                                         decimals=decimals)
    classes = classify(frame[value_key])
    group = folium.FeatureGroup(name="density")
    folium.GeoJson(
        collection,
        style_function=lambda feature: {"fillColor": maps.colour_for(feature["properties"].get(value_key), classes),
                                        "fillOpacity": 0.85 if level == "building" else 0.6,
                                        "color": "#555555", "weight": 0.8 if level == "building" else 1.5},
        highlight_function=lambda _: {"weight": 3, "color": "#1f4e9c"},
        zoom_on_click=level != "building",
        tooltip=folium.GeoJsonTooltip(fields=list(tooltip), aliases=[html.escape(a) for a in tooltip.values()],
                                      sticky=True),
        marker=maps.point_marker(),
    ).add_to(group)
    _LiveLegend(maps.legend(legend_title, classes, none_label, number).render()).add_to(group)
    return group


def base_map(bounds: Bbox | None, basemap: str = "plain", settings: BasemapSettings | None = None) -> folium.Map:
    """Tiles and the first view around `bounds` (everything the viewer may see), no shapes: the same on every run
    while scope, filter and basemap stay, so the map keeps its place. Canvas, not SVG, for a thousand shapes."""
    m = maps.new_map(bounds, basemap, settings)
    m.options["prefer_canvas"] = True
    return m


def html_bytes(fmap: folium.Map, groups: list[folium.FeatureGroup]) -> int:
    """Bytes of the map with its layers as one page, for the benchmark (what st_folium sends, near enough)."""
    for group in groups:
        group.add_to(fmap)
    return len(fmap.get_root().render().encode())
