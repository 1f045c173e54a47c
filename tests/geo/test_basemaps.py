"""Basemap registry, tile keys and the display shift onto GCJ-02 tiles, checked against published coordinate pairs."""

import math

import pytest
import shapely
from shapely.geometry import Polygon

from geo import basemaps
from geo.basemaps import BasemapSettings

# (WGS-84 lon, lat) -> (GCJ-02 lon, lat), from public test suites of the same published formula:
# googollee/eviltransform's tests (Shanghai, Shenzhen, Beijing) and wandergis/coordtransform's example (Beijing).
REFERENCE = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
    ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),
]
OUTSIDE = [(-0.1276, 51.5072), (139.6917, 35.6895), (151.2093, -33.8688), (-74.006, 40.7128), (0.0, 0.0)]


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[1] + b[1]) / 2)
    return math.hypot((b[0] - a[0]) * 111_320 * math.cos(lat), (b[1] - a[1]) * 110_574)


GAODE = basemaps.BASEMAPS["gaode"]


@pytest.mark.parametrize("wgs, gcj", REFERENCE)
def test_gaode_display_matches_published_pairs(wgs, gcj):
    assert basemaps.display_point(*wgs, GAODE) == pytest.approx(gcj, abs=1e-9)
    for key in ("plain", "osm", "tianditu"):
        assert basemaps.display_point(*wgs, basemaps.BASEMAPS[key]) == wgs


def test_shift_is_hundreds_of_metres_in_beijing_and_at_the_demo():
    beijing = (116.377817, 39.911954)
    assert 500 < metres_between(beijing, basemaps.display_point(*beijing, GAODE)) < 600
    demo = (119.95, 31.70)
    assert 300 < metres_between(demo, basemaps.display_point(*demo, GAODE)) < 700


@pytest.mark.parametrize("point", OUTSIDE)
def test_points_outside_china_are_not_shifted(point):
    assert basemaps.display_point(*point, GAODE) == pytest.approx(point, abs=0)


def test_display_geometries_moves_every_vertex_only_for_gcj02():
    ring = [(119.95, 31.70), (119.951, 31.70), (119.951, 31.7005), (119.95, 31.70)]
    polygon = Polygon(ring)
    shifted = basemaps.display_geometries(polygon, GAODE)
    expected = [c for p in ring for c in basemaps.display_point(*p, GAODE)]
    assert [c for p in shifted.exterior.coords for c in p] == pytest.approx(expected, abs=1e-12)
    for key in ("plain", "osm", "tianditu"):
        assert basemaps.display_geometries(polygon, basemaps.BASEMAPS[key]) is polygon
    many = basemaps.display_geometries(shapely.from_wkt([polygon.wkt, "POINT (0 0)"]), GAODE)
    assert many[0].equals_exact(shifted, 1e-12) and many[1].equals(shapely.Point(0, 0))


def test_datum_of_each_basemap():
    assert GAODE.gcj02
    assert {k for k, b in basemaps.BASEMAPS.items() if b.datum == basemaps.WGS84} == {"plain", "osm", "tianditu"}
    assert all(b.attribution for k, b in basemaps.BASEMAPS.items() if k != "plain")
    assert basemaps.BASEMAPS["plain"].tiles == ()


def test_tianditu_is_offered_only_with_a_token():
    assert list(basemaps.available_basemaps(BasemapSettings())) == ["plain", "osm", "gaode"]
    assert list(basemaps.available_basemaps(BasemapSettings("k"))) == ["plain", "osm", "tianditu", "gaode"]


def test_resolve_falls_back_to_plain():
    assert basemaps.resolve("tianditu", BasemapSettings()) is basemaps.PLAIN
    assert basemaps.resolve("no-such-map", BasemapSettings("k")) is basemaps.PLAIN
    assert basemaps.resolve("tianditu", BasemapSettings("k")).key == "tianditu"


class NoSecretsFile(dict):
    """Like st.secrets with no .streamlit/secrets.toml: any look-up raises."""

    def __contains__(self, key):
        raise FileNotFoundError("no secrets file")


def test_token_from_environment_then_secrets():
    secrets = {"tianditu_token": " from-secrets "}
    assert basemaps.load_settings({"RC_TIANDITU_TOKEN": "from-env"}, secrets).tianditu_token == "from-env"
    assert basemaps.load_settings({}, secrets).tianditu_token == "from-secrets"
    assert basemaps.load_settings({"RC_TIANDITU_TOKEN": "  "}, {}).tianditu_token is None
    assert basemaps.load_settings({}, NoSecretsFile()).tianditu_token is None


def test_tile_layers_fill_in_the_token():
    layers = basemaps.tile_layers(basemaps.BASEMAPS["tianditu"], BasemapSettings("a b&c"))
    assert [layer.tiles.split(".tianditu.gov.cn/")[1][:5] for layer in layers] == ["vec_w", "cva_w"]
    assert all(layer.tiles.endswith("&tk=a%20b%26c") for layer in layers)
    assert [layer.overlay for layer in layers] == [False, True]  # labels above the roads
    assert basemaps.tile_layers(basemaps.PLAIN, BasemapSettings("k")) == []
    assert all(tile.url.startswith("https://") for b in basemaps.BASEMAPS.values() for tile in b.tiles)
