"""Building footprints from the files communities actually have: GeoJSON, zipped Shapefile, GeoPackage, KML, OSM.

Everything a file can get wrong ends in FootprintError with a translation key (the domain's i18n table), never
in a GDAL traceback: the person uploading is a community worker, not a GIS technician.
"""

import html
import io
import math
import numbers
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from geo import chinese_coords

MAX_EXTRACTED_BYTES = 200 * 1024 * 1024   # a zip bomb stops here
MAX_ZIP_MEMBERS = 10_000
MIN_AREA_M2 = 4.0                         # smaller is a digitising slip, not a building
MAX_AREA_M2 = 1_000_000.0                 # larger than 1 km² is a district outline, not a building
MAX_FLOORS = 200                          # the schema's limit


@dataclass(frozen=True)
class Limits:
    """How much one outline file may hold, checked before the work that grows with it (an office's numbers are in
    data/defaults.toml [footprints]; these are the same, for callers without the reference files)."""

    file_mb: int = 50                    # the upload itself, before anything parses it
    features: int = 100_000              # a street office's buildings, several times over
    vertices_per_feature: int = 5_000    # a building outline has tens; a traced district boundary, a million
    vertices_total: int = 2_000_000


LIMITS = Limits()

# Extension -> (kind, GDAL drivers that may read it). A file GDAL reads with another driver is refused.
FORMATS = {
    ".geojson": ("geojson", {"GeoJSON"}),
    ".json": ("geojson", {"GeoJSON", "ESRIJSON"}),
    ".zip": ("shapefile", {"ESRI Shapefile"}),
    ".gpkg": ("gpkg", {"GPKG"}),
    ".kml": ("kml", {"LIBKML", "KML"}),
    ".osm": ("osm", {"OSM"}),
    ".osm.pbf": ("osm", {"OSM"}),
}
DECLARED = ("file", "gcj02", "bd09")
OSM_LAYER = "multipolygons"
# OSM tags GDAL leaves in other_tags that a footprint import uses, given their own columns.
OSM_TAGS = ("building:levels", "addr:housenumber", "addr:street", "name:zh", "name:en", "height")
OSM_KEEP = ("osm_id", "osm_way_id", "name", "building")
POLYGONAL = ("Polygon", "MultiPolygon")
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf")

NAME_COLUMNS = ["name", "名称", "名字", "建筑名称", "楼栋名称", "楼名", "楼栋", "楼号", "栋号", "building_name",
                "bldg_name", "name:zh", "addr:housenumber", "housenumber", "门牌号", "number"]
FLOORS_COLUMNS = ["building:levels", "levels", "floors", "floor", "层数", "楼层", "楼层数", "地上层数", "storeys",
                  "stories", "num_floors", "nfloors", "mean"]
COMPOUND_COLUMNS = ["小区", "小区名称", "所属小区", "小区名", "compound", "compound_name", "community", "estate",
                    "estate_name", "residential", "residential_area", "xiaoqu"]
NAME_HINTS = ("名称", "name", "楼号", "栋")
FLOORS_HINTS = ("层", "floor", "level", "storey", "storie")
COMPOUND_HINTS = ("小区", "compound", "estate", "residential")
OSM_COMPOUND = "compound"  # the column an OSM file's buildings get from the named residential area around them


class FootprintError(ValueError):
    """A file or an import refused: `code` is a translation key, `values` fill it in."""

    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass
class Footprints:
    """One layer of an uploaded file, in its own CRS, features numbered from 1 as the reports name them."""

    filename: str
    layers: list[str]
    layer: str
    gdf: gpd.GeoDataFrame
    crs: CRS
    crs_assumed: bool                    # no CRS in the file; lon/lat WGS-84 assumed from the coordinates
    columns: list[str]
    compound_column: str | None = None   # the column naming each building's compound (小区), if the file has one
    compounds: dict[str, int] = field(default_factory=dict)  # compound named -> features, most first


def read_footprints(data: bytes, filename: str, layer: str | None = None, limits: Limits = LIMITS) -> Footprints:
    """Read the upload's polygon layer (the first, or `layer`); any unreadable file raises FootprintError, and so
    does one past `limits` (its size before parsing, its feature count before reading geometry where the format
    tells it, its points right after reading, before cleaning, matching or drawing)."""
    kind, drivers = file_kind(filename)
    if not data:
        raise FootprintError("footprint.error.empty", file=filename)
    if len(data) > limits.file_mb << 20:
        raise FootprintError("footprint.error.file_too_large", file=filename, limit_mb=limits.file_mb)
    with tempfile.TemporaryDirectory(prefix="footprints-") as tmp:
        try:
            return _read(Path(tmp), data, filename, kind, drivers, layer, limits)
        except FootprintError:
            raise
        except Exception as error:  # GDAL, pyogrio, zlib, pyproj, shapely: all mean the same to the uploader
            detail = _short(error).replace(str(Path(tmp)) + "/", "")
            raise FootprintError("footprint.error.unreadable", file=filename, detail=detail) from error


def file_kind(filename: str) -> tuple[str, set[str]]:
    """The format an upload's name promises, or FootprintError for an extension we do not read."""
    lower = filename.lower()
    for extension in sorted(FORMATS, key=len, reverse=True):
        if lower.endswith(extension):
            return FORMATS[extension]
    raise FootprintError("footprint.error.format", file=filename, extensions=", ".join(FORMATS))


def _read(tmp: Path, data: bytes, filename: str, kind: str, drivers: set[str], layer: str | None,
          limits: Limits) -> Footprints:
    """The steps of read_footprints, any of which may fail in GDAL's own words."""
    path, layers, chosen, gdal_layer = _open(tmp, data, filename, kind, layer)
    info = pyogrio.read_info(path, layer=gdal_layer)
    if info["driver"] not in drivers:
        raise FootprintError("footprint.error.wrong_format", file=filename, expected=kind, found=info["driver"])
    if kind != "osm" and info.get("features", -1) > limits.features:  # OSM counts only once read (-1), and all ways
        raise FootprintError("footprint.error.too_many_features", file=filename, count=int(info["features"]),
                             limit=limits.features)
    gdf = _read_layer(path, gdal_layer, kind)
    if kind == "osm":
        gdf = osm_buildings(gdf)
    elif kind == "kml":
        gdf = kml_tidy(gdf, path.read_bytes())
    check_size(gdf, filename, limits)
    if gdf.empty:
        raise FootprintError("footprint.error.empty_layer", file=filename, layer=chosen)
    if not gdf.geom_type.isin(POLYGONAL + ("GeometryCollection",)).any():
        raise FootprintError("footprint.error.no_polygons", file=filename, layer=chosen)
    gdf, assumed = _with_crs(gdf, filename, chosen)
    gdf.index = pd.RangeIndex(1, len(gdf) + 1, name="feature")
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    compound_column = compound_guess(gdf)
    return Footprints(filename, layers, chosen, gdf, gdf.crs, assumed, columns, compound_column,
                      value_counts(gdf, compound_column))


def check_size(gdf: gpd.GeoDataFrame, filename: str, limits: Limits) -> None:
    """Features and points within the limits; a feature past them is named by its number and its name."""
    if len(gdf) > limits.features:
        raise FootprintError("footprint.error.too_many_features", file=filename, count=len(gdf), limit=limits.features)
    points = shapely.get_num_coordinates(gdf.geometry.values)
    if len(points) and int(points.max()) > limits.vertices_per_feature:
        at = int(points.argmax())
        columns = [c for c in gdf.columns if c != gdf.geometry.name and gdf[c].map(_filled).any()]
        column = _guess(columns, NAME_COLUMNS, NAME_HINTS, lambda c: True)
        name = gdf[column].iloc[at] if column is not None else None
        raise FootprintError("footprint.error.too_many_points", file=filename, feature=at + 1,
                             name=str(name)[:60] if _filled(name) else "-", count=int(points[at]),
                             limit=limits.vertices_per_feature)
    if int(points.sum()) > limits.vertices_total:
        raise FootprintError("footprint.error.too_many_points_total", file=filename, count=int(points.sum()),
                             limit=limits.vertices_total)


def _open(tmp: Path, data: bytes, filename: str, kind: str,
          layer: str | None) -> tuple[Path, list[str], str, str | None]:
    """The upload on disk: (path GDAL opens, layers offered, layer chosen, layer name to pass GDAL)."""
    if kind == "shapefile":
        shapefiles = {path.stem: path for path in extract_zip(data, tmp / "unzipped", filename)}
        chosen = _choose(list(shapefiles), layer, filename)
        _check_shapefile_parts(shapefiles[chosen], filename)
        return shapefiles[chosen], list(shapefiles), chosen, None
    suffix = ".osm.pbf" if filename.lower().endswith(".osm.pbf") else Path(filename).suffix.lower()
    path = tmp / f"upload{suffix}"  # never the uploader's name: it could hold a path
    path.write_bytes(data)
    layers = _layers(path, filename, kind)
    chosen = _choose(layers, layer, filename)
    return path, layers, chosen, chosen


def extract_zip(data: bytes, target: Path, filename: str) -> list[Path]:
    """Unpack a zip safely (no absolute paths or '..', at most MAX_EXTRACTED_BYTES); returns its .shp files."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise FootprintError("footprint.error.bad_zip", file=filename) from error
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and not _mac_resource(m.filename)]
        if len(members) > MAX_ZIP_MEMBERS:
            raise FootprintError("footprint.error.zip_too_large", file=filename, limit_mb=MAX_EXTRACTED_BYTES >> 20)
        total = 0
        for member in members:
            name = PurePosixPath(member.filename.replace("\\", "/"))
            if name.is_absolute() or ".." in name.parts or re.match(r"^[A-Za-z]:", member.filename):
                raise FootprintError("footprint.error.zip_unsafe", file=filename, member=member.filename)
            destination = target.joinpath(*name.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, open(destination, "wb") as out:
                while chunk := source.read(1 << 20):
                    total += len(chunk)
                    if total > MAX_EXTRACTED_BYTES:
                        raise FootprintError("footprint.error.zip_too_large", file=filename,
                                             limit_mb=MAX_EXTRACTED_BYTES >> 20)
                    out.write(chunk)
    shapefiles = sorted(p for p in target.rglob("*") if p.suffix.lower() == ".shp" and p.is_file())
    if not shapefiles:
        raise FootprintError("footprint.error.zip_no_shp", file=filename)
    return shapefiles


def _mac_resource(name: str) -> bool:
    """macOS zips carry __MACOSX/ and ._name copies of every file: metadata, not data."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return "__MACOSX" in parts or (bool(parts) and parts[-1].startswith("._"))


def _check_shapefile_parts(shp: Path, filename: str) -> None:
    """A .shp needs its .shx and .dbf beside it, whatever the case of their extensions."""
    present = {p.suffix.lower() for p in shp.parent.glob(shp.stem + ".*") if p.stem == shp.stem}
    for part in SHAPEFILE_PARTS:
        if part not in present:
            raise FootprintError("footprint.error.zip_missing_part", file=filename, layer=shp.stem, part=part)


def _layers(path: Path, filename: str, kind: str) -> list[str]:
    """Layers with geometry, polygon layers first; an OSM file offers only its buildings' polygon layer."""
    if kind == "osm":
        return [OSM_LAYER]
    listed = [(str(name), str(kind_)) for name, kind_ in pyogrio.list_layers(path) if kind_ is not None]
    if not listed:
        raise FootprintError("footprint.error.no_polygons", file=filename, layer="")
    polygons = [name for name, kind_ in listed if "Polygon" in kind_]
    return polygons + [name for name, _ in listed if name not in polygons]


def _choose(layers: list[str], wanted: str | None, filename: str) -> str:
    """The layer asked for, or the first on offer; a name the file lacks is refused with the names it has."""
    if wanted is None:
        return layers[0]
    if wanted not in layers:
        raise FootprintError("footprint.error.no_layer", file=filename, layer=wanted, layers=", ".join(layers))
    return wanted


def _read_layer(path: Path, layer: str | None, kind: str) -> gpd.GeoDataFrame:
    """The layer in 2D, unclosed rings closed; a Shapefile with no .cpg is tried as UTF-8, then as GB18030."""
    options = {"layer": layer, "force_2d": True, "on_invalid": "fix"}
    if kind == "shapefile" and not _declares_encoding(path):
        try:
            return pyogrio.read_dataframe(path, encoding="UTF-8", **options)
        except UnicodeDecodeError:
            return pyogrio.read_dataframe(path, encoding="GB18030", **options)
    return pyogrio.read_dataframe(path, **options)


def _declares_encoding(shp: Path) -> bool:
    """Whether a Shapefile names its text encoding (.cpg file or the .dbf language byte)."""
    if any(p.suffix.lower() == ".cpg" for p in shp.parent.glob(shp.stem + ".*") if p.stem == shp.stem):
        return True
    dbf = next((p for p in shp.parent.glob(shp.stem + ".*") if p.suffix.lower() == ".dbf"), None)
    if dbf is None:
        return False
    with open(dbf, "rb") as file:
        header = file.read(30)
    return len(header) == 30 and header[29] != 0


def osm_buildings(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Buildings of GDAL's OSM multipolygons layer, with the tags an import uses taken out of other_tags."""
    if "building" not in gdf.columns:
        return gdf.iloc[0:0]
    buildings = gdf[gdf["building"].notna()].copy()
    tags = buildings.get("other_tags", pd.Series(None, index=buildings.index)).map(parse_hstore)
    keep = [c for c in OSM_KEEP if c in buildings.columns]
    out = buildings[keep].copy()
    for key in OSM_TAGS:
        values = tags.map(lambda t, k=key: t.get(k))
        if values.notna().any():
            out[key] = values
    out = gpd.GeoDataFrame(out, geometry=buildings.geometry, crs=gdf.crs)
    compounds = osm_compounds(gdf, out)
    if compounds.notna().any():
        out[OSM_COMPOUND] = compounds
    return out


def osm_compounds(layer: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> pd.Series:
    """The named residential area (landuse=residential, e.g. …一区) each building stands in: its compound.

    A building inside two such areas (an estate and its phase) takes the smaller, the more particular one.
    """
    none = pd.Series(None, index=buildings.index, dtype=object)
    if "landuse" not in layer.columns or "name" not in layer.columns or buildings.empty:
        return none
    areas = layer[(layer["landuse"] == "residential") & layer["name"].map(_filled)]
    areas = areas[areas.geometry.notna() & ~areas.geometry.is_empty]
    if areas.empty:
        return none
    areas = gpd.GeoDataFrame({"compound": areas["name"].astype(str).str.strip(),
                              "size": shapely.area(areas.geometry.values)},  # only compared: degrees will do
                             geometry=areas.geometry.values, crs=layer.crs)
    points = gpd.GeoDataFrame(geometry=buildings.geometry.representative_point(), crs=buildings.crs)
    inside = gpd.sjoin(points, areas, predicate="within", how="inner").sort_values("size", kind="stable")
    first = inside[~inside.index.duplicated(keep="first")]["compound"]
    return first.reindex(buildings.index).astype(object).where(lambda s: s.notna(), None)


# LIBKML's display fields: never a building's attribute. id and description are kept when filled.
KML_DISPLAY = ("timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude", "visibility", "drawOrder",
               "icon", "snippet")
KML_DATA_NAME = re.compile(rb"<(?:Simple)?Data\s[^>]*?name\s*=\s*[\"']([^\"']*)[\"']")


def kml_tidy(gdf: gpd.GeoDataFrame, text: bytes) -> gpd.GeoDataFrame:
    """LIBKML's columns without its empty standard ones, and ExtendedData names it mangled (层数 -> ______) restored."""
    empty = [c for c in ("id", "description") if c in gdf.columns and not gdf[c].map(_filled).any()]
    gdf = gdf.drop(columns=[c for c in KML_DISPLAY if c in gdf.columns] + empty)
    originals: dict[str, list[str]] = {}
    for raw in dict.fromkeys(KML_DATA_NAME.findall(text)):
        name = html.unescape(raw.decode("utf-8", errors="replace"))
        originals.setdefault(_libkml_field_name(name), []).append(name)
    renames = {c: originals[c][0] for c in gdf.columns
               if len(originals.get(c, [])) == 1 and originals[c][0] != c and originals[c][0] not in gdf.columns}
    return gdf.rename(columns=renames)


def _libkml_field_name(name: str) -> str:
    """The field name LIBKML makes of an ExtendedData name: every byte but ASCII letters and digits becomes '_'."""
    return "".join(chr(b) if chr(b).isascii() and chr(b).isalnum() else "_" for b in name.encode("utf-8"))


HSTORE_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')


def parse_hstore(text) -> dict[str, str]:
    """GDAL's other_tags ('"k"=>"v","k2"=>"v2"') as a dict; None or junk gives {}."""
    if not isinstance(text, str):
        return {}
    return {k.replace('\\"', '"'): v.replace('\\"', '"') for k, v in HSTORE_PAIR.findall(text)}


def _with_crs(gdf: gpd.GeoDataFrame, filename: str, layer: str) -> tuple[gpd.GeoDataFrame, bool]:
    """The layer with a CRS: its own, or WGS-84 when it has none and every coordinate is a plausible lon/lat."""
    bounds = gdf.total_bounds
    if not all(math.isfinite(b) for b in bounds):
        raise FootprintError("footprint.error.no_coordinates", file=filename, layer=layer)
    lonlat = is_lonlat(bounds)
    if gdf.crs is None:
        if not lonlat:
            raise FootprintError("footprint.error.no_crs", file=filename, layer=layer)
        return gdf.set_crs("EPSG:4326"), True
    if gdf.crs.is_geographic and not lonlat:
        raise FootprintError("footprint.error.out_of_range", file=filename, layer=layer, crs=gdf.crs.to_string())
    return gdf, False


def is_lonlat(bounds) -> bool:
    """Whether (minx, miny, maxx, maxy) can only be longitudes and latitudes in degrees."""
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    finite = all(map(math.isfinite, (minx, miny, maxx, maxy)))
    return finite and -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def to_wgs84(gdf: gpd.GeoDataFrame, declared: str = "file") -> gpd.GeoDataFrame:
    """Lon/lat WGS-84 from the file's CRS; then undo a Chinese web map's offset if the user says it has one."""
    if declared not in DECLARED:
        raise ValueError(f"declared must be one of {DECLARED}, not {declared!r}")
    if gdf.crs is None:
        raise FootprintError("footprint.error.no_crs", file="", layer="")
    try:
        out = gdf.to_crs("EPSG:4326")
    except Exception as error:
        raise FootprintError("footprint.error.reprojection", crs=gdf.crs.to_string(), detail=_short(error)) from error
    if out.empty or not is_lonlat(out.total_bounds):
        raise FootprintError("footprint.error.reprojection", crs=gdf.crs.to_string(), detail="out of range")
    convert = {"gcj02": chinese_coords.gcj02_to_wgs84, "bd09": chinese_coords.bd09_to_wgs84}.get(declared)
    if convert is not None:
        out[out.geometry.name] = gpd.GeoSeries(convert(out.geometry.values), index=out.index, crs="EPSG:4326")
    return out


def clean_polygons(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Polygons fit to be building footprints, and a report of every feature skipped, repaired or rejected."""
    report: list[tuple] = []
    kept: dict = {}
    for feature, geom in gdf.geometry.items():
        polygon, problem = _polygonal(geom)
        if problem is not None:
            report.append((feature, *problem))
        if polygon is not None:
            kept[feature] = polygon
    geoms = gpd.GeoSeries(pd.Series(kept, dtype=object), crs=gdf.crs)
    areas = footprint_areas(geoms)
    too_small, too_large = areas < MIN_AREA_M2, areas > MAX_AREA_M2
    for feature, area in areas[too_small | too_large].items():
        reason = "footprint.reason.too_small" if area < MIN_AREA_M2 else "footprint.reason.too_large"
        report.append((feature, reason, "rejected", f"{area:.1f}"))
    good = geoms[~(too_small | too_large)]
    clean = gdf.loc[good.index].copy()
    clean[gdf.geometry.name] = good
    frame = pd.DataFrame(report, columns=["feature", "reason", "action", "detail"])
    return clean, frame.sort_values("feature", kind="stable").reset_index(drop=True)


def _polygonal(geom) -> tuple[object | None, tuple[str, str, str] | None]:
    """(the polygonal geometry to keep or None, (reason, action, detail) or None when nothing happened)."""
    if geom is None or geom.is_empty:
        return None, ("footprint.reason.empty", "rejected", "")
    kind = geom.geom_type
    if kind not in POLYGONAL and kind != "GeometryCollection":
        return None, ("footprint.reason.not_polygon", "skipped", kind)
    if kind == "GeometryCollection":
        part = _polygonal_part(shapely.make_valid(geom))
        if part is None:
            return None, ("footprint.reason.not_polygon", "skipped", kind)
        repaired, problem = _polygonal(part)
        return repaired, problem or ("footprint.reason.collection", "repaired", kind)
    if geom.is_valid:
        return geom, None
    reason = shapely.is_valid_reason(geom)
    part = _polygonal_part(shapely.make_valid(geom))
    if part is None:
        return None, ("footprint.reason.invalid", "rejected", reason)
    return part, ("footprint.reason.invalid", "repaired", reason)


def _polygonal_part(geom):
    """The Polygon/MultiPolygon within a geometry (e.g. what make_valid returns), or None if there is none."""
    if geom.geom_type in POLYGONAL:
        return None if geom.is_empty else geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in POLYGONAL and not g.is_empty]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return merged if merged.geom_type in POLYGONAL and not merged.is_empty else None


def footprint_areas(geoms: gpd.GeoSeries) -> pd.Series:
    """Area in m² of each geometry, in the UTM zone of the layer's centre."""
    if geoms.empty:
        return pd.Series(dtype=float, index=geoms.index)
    return geoms.to_crs(geoms.estimate_utm_crs()).area


def attribute_guess(gdf: gpd.GeoDataFrame) -> tuple[str | None, str | None]:
    """The columns most likely to hold each building's name and its floors, as defaults for the page."""
    compound = compound_guess(gdf)
    columns = [c for c in gdf.columns if c != gdf.geometry.name and c != compound and gdf[c].map(_filled).any()]
    name = _guess(columns, NAME_COLUMNS, NAME_HINTS, lambda c: True)
    floors = _guess(columns, FLOORS_COLUMNS, FLOORS_HINTS, lambda c: _mostly_floors(gdf[c]))
    return name, floors


def compound_guess(gdf: gpd.GeoDataFrame) -> str | None:
    """The column naming each building's compound (小区, community, estate…), filled with text, if any."""
    columns = [c for c in gdf.columns if c != gdf.geometry.name and gdf[c].map(_filled).any()]
    return _guess(columns, COMPOUND_COLUMNS, COMPOUND_HINTS, lambda c: _mostly_text(gdf[c]))


def _mostly_text(values: pd.Series) -> bool:
    """Filled values that are words, not numbers or yes/no flags."""
    filled = values[values.map(_filled)]
    text = filled.map(lambda v: isinstance(v, str) and not re.fullmatch(r"[\d.\s]*|yes|no|true|false", v.lower()))
    return not filled.empty and text.mean() >= 0.5


def value_counts(gdf: gpd.GeoDataFrame, column: str | None) -> dict[str, int]:
    """{value: features} of a column, most first: the compounds (or any property) an office picks its own from."""
    if column is None or column not in gdf.columns:
        return {}
    values = gdf[column].map(lambda v: str(v).strip() if _filled(v) else None).dropna()
    return {str(k): int(n) for k, n in values.value_counts(sort=True).items()}


def in_compounds(footprints, names, column: str | None = None):
    """Only the features whose compound (or `column`) is one of `names`; a Footprints or a GeoDataFrame, in kind.

    Features keep their numbers, so the report still names them as the file does.
    """
    wanted = {str(n).strip() for n in names}
    if isinstance(footprints, Footprints):
        column = column or footprints.compound_column
        if column is None:
            return footprints
        gdf = in_compounds(footprints.gdf, wanted, column)
        return replace(footprints, gdf=gdf, compounds=value_counts(gdf, footprints.compound_column))
    if column is None:
        raise ValueError("name the column that holds the compounds")
    keep = footprints[column].map(lambda v: _filled(v) and str(v).strip() in wanted)
    return footprints[keep.astype(bool)]


def in_box(footprints, box: tuple[float, float, float, float]):
    """Only the features whose representative point lies in a lon/lat box (west, south, east, north), such as
    one drawn on the preview; a Footprints or a GeoDataFrame in any CRS, in kind."""
    if isinstance(footprints, Footprints):
        gdf = in_box(footprints.gdf, box)
        return replace(footprints, gdf=gdf, compounds=value_counts(gdf, footprints.compound_column))
    west, south, east, north = box
    points = footprints.geometry.representative_point()
    if footprints.crs is not None and footprints.crs.to_epsg() != 4326:
        points = points.to_crs("EPSG:4326")
    inside = (points.x >= west) & (points.x <= east) & (points.y >= south) & (points.y <= north)
    return footprints[inside.to_numpy()]


def _guess(columns: list[str], names: list[str], hints: tuple[str, ...], fits) -> str | None:
    """First column named as a known candidate (in candidate order), else the first whose name has a hint."""
    by_lower = {str(c).strip().lower(): c for c in columns}
    for candidate in names:
        column = by_lower.get(candidate.lower())
        if column is not None and fits(column):
            return column
    for column in columns:
        if any(h in str(column).lower() for h in hints) and fits(column):
            return column
    return None


def _filled(value) -> bool:
    """Not None, NaN, NaT or blank."""
    if isinstance(value, str):
        return value.strip() != ""
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays: filled
        return True


def _mostly_floors(values: pd.Series) -> bool:
    """At least half the filled values read as a floor count."""
    filled = values[values.map(_filled)]
    return not filled.empty and filled.map(parse_floors).notna().mean() >= 0.5


FLOORS_TEXT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:层|f|floors?|levels?)?\s*$", re.IGNORECASE)


def parse_floors(value) -> int | None:
    """A floor count from 6, 6.0, '6', '６层', '6F', 15.8 (16); None when missing or not a sensible count (1-200)."""
    return read_floors(value)[0]


def read_floors(value) -> tuple[int | None, float | None]:
    """(floor count, the number as written when it had to be rounded to get it).

    Averaged heights give 15.8 levels: the nearest whole floor, at least 1. A value exactly halfway (2.5) has no
    nearest floor and is left for a person, as is 0 or anything above MAX_FLOORS.
    """
    if not _filled(value) or isinstance(value, bool):
        return None, None
    if isinstance(value, numbers.Real):
        number = float(value)
    else:
        match = FLOORS_TEXT.match(unicodedata.normalize("NFKC", str(value)))
        if not match:
            return None, None
        number = float(match.group(1))
    if not math.isfinite(number) or number <= 0 or number - math.floor(number) == 0.5:
        return None, None
    floors = max(1, math.floor(number + 0.5))
    if floors > MAX_FLOORS:
        return None, None
    return floors, (None if number.is_integer() else number)


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]
