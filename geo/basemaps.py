"""Basemaps for China: which tiles, whose attribution, which datum, and moving WGS-84 shapes onto GCJ-02 tiles.

Stored data is WGS-84 everywhere. Tianditu (CGCS2000) and OpenStreetMap tiles line up with it; Gaode (AMap) tiles
are drawn in GCJ-02, so shapes shown on them are shifted to GCJ-02 for display only (265-606 m in China), with
geo/chinese_coords (prcoords' published formula; points outside China's box stay put).
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

import folium
import shapely

from geo import chinese_coords

WGS84 = "WGS-84"    # also CGCS2000, which differs from WGS-84 by centimetres
GCJ02 = "GCJ-02"    # the offset datum of commercial Chinese web maps (AMap, Tencent)

TIANDITU_TOKEN_ENV = "RC_TIANDITU_TOKEN"
TIANDITU_TOKEN_SECRET = "tianditu_token"

_TIANDITU = ("https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
             "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}"
             "&tk={{tk}}")


@dataclass(frozen=True)
class TileSource:
    """One XYZ tile layer; `{tk}` in the URL is filled with the service's token when the map is built."""

    url: str
    subdomains: str = ""
    max_zoom: int = 18


@dataclass(frozen=True)
class Basemap:
    """A choice in the basemap list: its tile layers bottom to top, attribution, datum and the token it needs."""

    key: str
    tiles: tuple[TileSource, ...]
    attribution: str
    datum: str = WGS84
    token: str | None = None  # name of the BasemapSettings field it needs; offered only when that is set

    @property
    def gcj02(self) -> bool:
        return self.datum == GCJ02


@dataclass(frozen=True)
class BasemapSettings:
    """Keys for tile services, from the environment or Streamlit secrets; never written to the repository."""

    tianditu_token: str | None = None


PLAIN = Basemap("plain", (), "")
BASEMAPS: dict[str, Basemap] = {
    "plain": PLAIN,
    "osm": Basemap(
        "osm", (TileSource("https://tile.openstreetmap.org/{z}/{x}/{y}.png", max_zoom=19),),
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'),
    "tianditu": Basemap(
        "tianditu",
        (TileSource(_TIANDITU.format(layer="vec"), "01234567", 18),
         TileSource(_TIANDITU.format(layer="cva"), "01234567", 18)),
        '&copy; <a href="https://www.tianditu.gov.cn/">天地图 Tianditu</a>', token="tianditu_token"),
    # xyzservices' Gaode.Normal, over https with its four mirror hosts: plain http is blocked as mixed content.
    "gaode": Basemap(
        "gaode",
        (TileSource("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=7"
                    "&x={x}&y={y}&z={z}", "1234", 18),),
        '&copy; <a href="https://www.amap.com/">高德地图 AutoNavi</a>', datum=GCJ02),
}


def load_settings(environ: Mapping[str, str] | None = None, secrets: Mapping | None = None) -> BasemapSettings:
    """Tile keys now: RC_TIANDITU_TOKEN, else secrets["tianditu_token"] (ui.session passes st.secrets; geo/ never
    imports Streamlit); blank counts as not configured."""
    environ = os.environ if environ is None else environ
    token = (environ.get(TIANDITU_TOKEN_ENV) or "").strip()
    if not token:
        token = str(_secret(TIANDITU_TOKEN_SECRET, secrets) or "").strip()
    return BasemapSettings(tianditu_token=token or None)


def _secret(name: str, secrets: Mapping | None):
    """One value from the secrets given; None without any, or when reading them fails (no secrets file)."""
    try:
        return None if secrets is None or name not in secrets else secrets[name]
    except Exception:  # st.secrets with no .streamlit/secrets.toml raises on any look-up
        return None


def is_available(basemap: Basemap, settings: BasemapSettings) -> bool:
    return basemap.token is None or bool(getattr(settings, basemap.token))


def available_basemaps(settings: BasemapSettings | None = None) -> dict[str, Basemap]:
    """The basemaps usable now, in menu order, plain first: Tianditu only when its token is configured."""
    settings = load_settings() if settings is None else settings
    return {key: basemap for key, basemap in BASEMAPS.items() if is_available(basemap, settings)}


def resolve(key: str, settings: BasemapSettings | None = None) -> Basemap:
    """The basemap to draw for a choice; plain when it is unknown or no longer usable (a token was removed)."""
    return available_basemaps(settings).get(key, PLAIN)


def tile_layers(basemap: Basemap, settings: BasemapSettings) -> list[folium.TileLayer]:
    """folium layers for the basemap, bottom first, with its token filled in (the browser needs it to ask)."""
    token = quote(getattr(settings, basemap.token) or "", safe="") if basemap.token else ""
    return [folium.TileLayer(tiles=tile.url.replace("{tk}", token), attr=basemap.attribution, name=f"{basemap.key}{i}",
                             subdomains=tile.subdomains, max_zoom=tile.max_zoom, max_native_zoom=tile.max_zoom,
                             overlay=i > 0, control=False)
            for i, tile in enumerate(basemap.tiles)]


def display_geometries(geometries, basemap: Basemap):
    """Shapely geometries (one or an array) where the basemap's tiles show them; stored data stays WGS-84."""
    return chinese_coords.wgs84_to_gcj02(geometries) if basemap.gcj02 else geometries


def stored_geometry(geometry, basemap: Basemap):
    """A shape drawn on the basemap back in WGS-84, as it is stored (the inverse of display_geometries)."""
    return chinese_coords.gcj02_to_wgs84(geometry) if basemap.gcj02 else geometry


def display_point(lon: float, lat: float, basemap: Basemap) -> tuple[float, float]:
    """One WGS-84 point where the basemap's tiles show it: a map's centre or a corner of its bounds."""
    if not basemap.gcj02:
        return lon, lat
    point = chinese_coords.wgs84_to_gcj02(shapely.Point(lon, lat))
    return point.x, point.y


def stored_point(lon: float, lat: float, basemap: Basemap) -> tuple[float, float]:
    """A point clicked on the basemap back in WGS-84, as it is stored (the inverse of display_point)."""
    if not basemap.gcj02:
        return lon, lat
    point = chinese_coords.gcj02_to_wgs84(shapely.Point(lon, lat))
    return point.x, point.y
