"""Issue 15: an outline file of any size was read, cleaned and matched (a 1,000,000-point polygon accepted).
Limits on the file, its features and its points, in every format, with the feature named."""

import json
from unittest import mock

import numpy as np
import pytest

from geo import footprints
from geo.footprints import FootprintError, Limits, read_footprints
from resilient.core.i18n import texts
from resilient.imports import footprints as footprint_import
from tests import footprint_files as ff

TIGHT = Limits(file_mb=50, features=2, vertices_per_feature=4, vertices_total=8)  # the test files' buildings have 5


def million_point_geojson(points: int = 1_000_000) -> bytes:
    """One named polygon of `points` points on a circle about 50 m across, written without a per-point loop."""
    angles = np.linspace(0, 2 * np.pi, points, endpoint=False)
    ring = np.column_stack([ff.LON + 0.0005 * np.cos(angles), ff.LAT + 0.0004 * np.sin(angles)]).round(7)
    ring = np.vstack([ring, ring[:1]])
    coordinates = "[" + ",".join(f"[{x},{y}]" for x, y in ring.tolist()) + "]"
    small = json.dumps({"type": "Feature", "properties": {"name": "1栋"},
                        "geometry": {"type": "Polygon", "coordinates": [[[ff.LON, ff.LAT], [ff.LON + 0.0004, ff.LAT],
                                                                         [ff.LON + 0.0004, ff.LAT + 0.0002],
                                                                         [ff.LON, ff.LAT]]]}})
    big = ('{"type":"Feature","properties":{"name":"围墙"},"geometry":{"type":"Polygon","coordinates":['
           + coordinates + "]}}")
    return f'{{"type":"FeatureCollection","features":[{small},{big}]}}'.encode()


def refused(data: bytes, filename: str, **kwargs) -> FootprintError:
    with pytest.raises(FootprintError) as caught:
        read_footprints(data, filename, **kwargs)
    return caught.value


def test_a_million_point_polygon_is_refused_by_number_and_name_before_cleaning():
    data = million_point_geojson()
    with mock.patch.object(footprints, "clean_polygons", side_effect=AssertionError("cleaned")), \
            mock.patch.object(footprints, "_with_crs", side_effect=AssertionError("went on")):
        error = refused(data, "outline.geojson")
    assert error.code == "footprint.error.too_many_points"
    assert error.values == {"file": "outline.geojson", "feature": 2, "name": "围墙", "count": 1_000_001,
                            "limit": footprints.LIMITS.vertices_per_feature}


def test_the_file_size_is_checked_before_anything_reads_it():
    with mock.patch.object(footprints, "_read", side_effect=AssertionError("parsed")):
        error = refused(b"x" * (2 << 20), "big.geojson", limits=Limits(file_mb=1))
    assert error.code == "footprint.error.file_too_large" and error.values["limit_mb"] == 1


FILES = {
    "geojson": (ff.geojson_bytes, "小区.geojson"),
    "shapefile": (lambda: ff.shapefile_zip(ff.buildings()), "楼栋.zip"),
    "gpkg": (ff.geopackage_bytes, "小区.gpkg"),
    "kml": (ff.kml_bytes, "小区.kml"),
    "osm": (ff.osm_bytes, "map.osm"),
}


@pytest.mark.parametrize("kind", FILES)
def test_every_format_keeps_to_the_limits(kind):
    make, filename = FILES[kind]
    data = make()
    assert read_footprints(data, filename).gdf.shape[0] >= 2  # within the defaults: read as before
    points = refused(data, filename, limits=Limits(vertices_per_feature=4))
    assert points.code == "footprint.error.too_many_points" and points.values["feature"] == 1
    assert points.values["name"] not in ("", None) and points.values["count"] == 5
    total = refused(data, filename, limits=Limits(vertices_total=8))
    assert total.code == "footprint.error.too_many_points_total"
    features = refused(data, filename, limits=Limits(features=1))
    assert features.code == "footprint.error.too_many_features" and features.values["limit"] == 1


def test_the_feature_count_is_refused_before_the_geometry_is_read_where_the_format_tells_it():
    with mock.patch.object(footprints, "_read_layer", side_effect=AssertionError("read")):
        error = refused(ff.geojson_bytes(), "小区.geojson", limits=Limits(features=1))
    assert error.code == "footprint.error.too_many_features" and error.values["count"] == 3


def test_the_office_limits_come_from_the_reference_file():
    assert footprint_import.file_limits() == footprints.LIMITS  # data/defaults.toml says what the code assumes
    error = None
    with mock.patch.object(footprint_import, "file_limits", return_value=TIGHT):
        try:
            footprint_import.read_outline_file(ff.geojson_bytes(), "小区.geojson")
        except FootprintError as caught:
            error = caught
    assert error is not None and error.code == "footprint.error.too_many_features"


def test_the_limit_messages_exist_in_both_languages():
    for code in ("file_too_large", "too_many_features", "too_many_points", "too_many_points_total"):
        for lang in ("zh", "en"):
            assert texts(lang).get(f"footprint.error.{code}"), (code, lang)
