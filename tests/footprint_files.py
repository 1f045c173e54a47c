"""Small footprint files in every supported format, made by the tests themselves, plus byte-level damage."""

import io
import json
import random
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import Point, box

from geo.distance import to_metres


def _realdata() -> Path:
    """shared/realdata beside the repository, or beside a worktree's parent folder (/work/wt/<name>)."""
    here = Path(__file__).resolve()
    found = [p / "shared" / "realdata" for p in here.parents if (p / "shared" / "realdata").is_dir()]
    return found[0] if found else here.parents[2] / "shared" / "realdata"


REALDATA = _realdata()

LON, LAT = 119.9505, 31.7005  # the demo community's neighbourhood


def rect(lon: float, lat: float, width: float = 0.0004, height: float = 0.00015):
    """A slab building about 38 m by 17 m with its south-west corner at (lon, lat)."""
    return box(lon, lat, lon + width, lat + height)


def buildings(crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    """Three named buildings with floors, in lon/lat, then in `crs`."""
    gdf = gpd.GeoDataFrame(
        {"名称": ["1号楼", "Building 2", "３栋"], "层数": [6, 11, 18]},
        geometry=[rect(LON, LAT), rect(LON + 0.0006, LAT), rect(LON, LAT + 0.0004)], crs="EPSG:4326")
    return gdf.to_crs(crs)


def geojson_bytes() -> bytes:
    """Two buildings and a gate (a point), as a web tool would export them."""
    return """{"type": "FeatureCollection", "features": [
      {"type": "Feature", "properties": {"name": "3栋", "building:levels": "6"},
       "geometry": {"type": "Polygon", "coordinates": [[[119.9505, 31.7005], [119.9509, 31.7005],
         [119.9509, 31.70065], [119.9505, 31.70065], [119.9505, 31.7005]]]}},
      {"type": "Feature", "properties": {"name": "5号楼", "building:levels": "18"},
       "geometry": {"type": "Polygon", "coordinates": [[[119.9512, 31.7005], [119.9516, 31.7005],
         [119.9516, 31.70065], [119.9512, 31.70065], [119.9512, 31.7005]]]}},
      {"type": "Feature", "properties": {"name": "北门", "building:levels": null},
       "geometry": {"type": "Point", "coordinates": [119.9510, 31.7003]}}
    ]}""".encode()


def shapefile_zip(gdf: gpd.GeoDataFrame, *, stem: str = "楼栋", drop: tuple[str, ...] = (), encoding: str | None = None,
                  extra: dict[str, bytes] | None = None) -> bytes:
    """The layer written as a Shapefile with pyogrio and zipped in memory, leaving out the `drop` extensions."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{stem}.shp"
        gdf.to_file(path, engine="pyogrio", encoding=encoding)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(Path(tmp).iterdir()):
                if part.suffix.lower() not in drop:
                    archive.write(part, f"export/{part.name}")
            for name, data in (extra or {}).items():
                archive.writestr(name, data)
        return buffer.getvalue()


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def realdata_zip() -> bytes:
    """The Chongqing Shapefile as someone would upload it: its five files in one zip."""
    return zip_of({p.name: p.read_bytes() for p in sorted(REALDATA.glob("chongqing_buildings.*"))})


def geopackage_bytes() -> bytes:
    """A GeoPackage with a points layer first and the buildings (Web Mercator) second."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "community.gpkg"
        gates = gpd.GeoDataFrame({"name": ["北门", "南门"]}, geometry=[Point(LON, LAT), Point(LON, LAT + 0.001)],
                                 crs="EPSG:4326")
        gates.to_file(path, layer="gates", engine="pyogrio")
        buildings("EPSG:3857").to_file(path, layer="buildings", engine="pyogrio")
        return path.read_bytes()


def kml_bytes() -> bytes:
    """A KML as 奥维 or Google Earth save it: a folder of placemarks with Chinese ExtendedData."""
    ring = " ".join(f"{x},{y},0" for x, y in rect(LON, LAT).exterior.coords)
    ring2 = " ".join(f"{x},{y},0" for x, y in rect(LON + 0.0006, LAT).exterior.coords)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>小区</name><Folder><name>楼栋</name>
<Placemark><name>1栋</name><ExtendedData><Data name="层数"><value>6</value></Data></ExtendedData>
<Polygon><outerBoundaryIs><LinearRing><coordinates>{ring}</coordinates></LinearRing></outerBoundaryIs></Polygon>
</Placemark>
<Placemark><name>2栋</name><ExtendedData><Data name="层数"><value>7</value></Data></ExtendedData>
<Polygon><outerBoundaryIs><LinearRing><coordinates>{ring2}</coordinates></LinearRing></outerBoundaryIs></Polygon>
</Placemark>
<Placemark><name>北门</name><Point><coordinates>{LON},{LAT},0</coordinates></Point></Placemark>
</Folder></Document></kml>""".encode()


def osm_bytes() -> bytes:
    """OSM XML: a building way, a building multipolygon relation with building:levels, a road and a bare ring."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="tests">
 <node id="1" lat="{LAT}" lon="{LON}" version="1"/>
 <node id="2" lat="{LAT}" lon="{LON + 0.0004}" version="1"/>
 <node id="3" lat="{LAT + 0.00015}" lon="{LON + 0.0004}" version="1"/>
 <node id="4" lat="{LAT + 0.00015}" lon="{LON}" version="1"/>
 <node id="5" lat="{LAT}" lon="{LON + 0.0006}" version="1"/>
 <node id="6" lat="{LAT}" lon="{LON + 0.0010}" version="1"/>
 <node id="7" lat="{LAT + 0.00015}" lon="{LON + 0.0010}" version="1"/>
 <node id="8" lat="{LAT + 0.00015}" lon="{LON + 0.0006}" version="1"/>
 <node id="9" lat="{LAT + 0.001}" lon="{LON}" version="1"/>
 <way id="10" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
  <tag k="building" v="apartments"/><tag k="name" v="1栋"/><tag k="building:levels" v="18"/></way>
 <way id="11" version="1"><nd ref="5"/><nd ref="6"/><nd ref="7"/><nd ref="8"/><nd ref="5"/></way>
 <way id="12" version="1"><nd ref="4"/><nd ref="9"/><tag k="highway" v="service"/></way>
 <relation id="20" version="1"><member type="way" ref="11" role="outer"/>
  <tag k="type" v="multipolygon"/><tag k="building" v="yes"/><tag k="name" v="Building 2"/>
  <tag k="building:levels" v="6"/><tag k="addr:housenumber" v="2"/></relation>
</osm>""".encode()


def compounds_geojson(compounds: int = 16, per_compound: int = 2) -> bytes:
    """A street office's export: `per_compound` buildings (1栋, 2栋…) in each of `compounds` compounds, named in a
    `community` property, the compounds 300 m apart along the demo's street; the first two are A苑 and B苑."""
    names = ["A苑", "B苑", *[f"第{i}小区" for i in range(3, compounds + 1)]]
    features = []
    for c, compound in enumerate(names):
        for b in range(per_compound):
            lon, lat = LON + 0.003 * c + 0.0006 * b, LAT + 0.0010
            ring = [list(p) for p in rect(lon, lat).exterior.coords]
            features.append({"type": "Feature", "properties": {"name": f"{b + 1}栋", "community": compound},
                             "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()


def osm_with_compounds_bytes() -> bytes:
    """OSM XML: two named residential areas (landuse=residential) with a building each, and a building outside."""
    def square(first: int, lon: float, lat: float, size: float) -> tuple[str, list[int]]:
        corners = [(lon, lat), (lon + size, lat), (lon + size, lat + size / 2), (lon, lat + size / 2)]
        nodes = "".join(f'<node id="{first + i}" lat="{y}" lon="{x}" version="1"/>' for i, (x, y) in enumerate(corners))
        return nodes, [first, first + 1, first + 2, first + 3, first]

    parts, ways = [], []
    for way, (first, lon, lat, size, tags) in enumerate([
            (100, LON, LAT, 0.004, {"landuse": "residential", "name": "龙湖一区"}),
            (200, LON + 0.005, LAT, 0.004, {"landuse": "residential", "name": "龙湖二区"}),
            (300, LON + 0.001, LAT + 0.0005, 0.0004, {"building": "yes", "name": "1栋"}),
            (400, LON + 0.006, LAT + 0.0005, 0.0004, {"building": "yes", "name": "1栋"}),
            (500, LON + 0.0101, LAT + 0.0005, 0.0004, {"building": "yes", "name": "门卫"})]):
        nodes, refs = square(first, lon, lat, size)
        parts.append(nodes)
        tag_xml = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        ways.append(f'<way id="{10 + way}" version="1">' + "".join(f'<nd ref="{r}"/>' for r in refs) + tag_xml
                    + "</way>")
    return ('<?xml version="1.0" encoding="UTF-8"?><osm version="0.6" generator="tests">' + "".join(parts)
            + "".join(ways) + "</osm>").encode()


SMALL_FILES = {
    "small.geojson": geojson_bytes,
    "small.zip": lambda: shapefile_zip(buildings("EPSG:32650")),
    "small.gpkg": geopackage_bytes,
    "small.kml": kml_bytes,
    "small.osm": osm_bytes,
}


def damaged(data: bytes, rng: random.Random) -> bytes:
    """The bytes with a few flipped, or cut short, or both: what a broken upload or disk gives."""
    out = bytearray(data)
    kind = rng.choice(["flip", "truncate", "both"])
    if kind in ("flip", "both"):
        for _ in range(rng.randint(1, 12)):
            out[rng.randrange(len(out))] = rng.randrange(256)
    if kind in ("truncate", "both"):
        out = out[: rng.randrange(len(out))]
    return bytes(out)


def offset_m(a, b) -> float:
    """How far apart two lon/lat shapes are at worst, in metres (Hausdorff distance in a local metric frame)."""
    lon0, lat0 = a.centroid.x, a.centroid.y
    return shapely.hausdorff_distance(to_metres(a, lon0, lat0), to_metres(b, lon0, lat0))
