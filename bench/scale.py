"""Benchmark for issue 8: the overview at community, street and district size, and DuckDB against the naive way.

Run `python -m bench.scale [--sizes community,street,district] [--runs 3]`. For each size: the
overview page's script time under Streamlit's AppTest (signed in as the street administrator), the bytes of its
map, the main queries' times, and the same aggregations done the naive way (every row loaded into pandas and
geopandas, then merged and grouped) with the ratio, in the same run. Generated databases are kept in a cache
folder between runs (`--cache`, default `$RC_BENCH_CACHE` or <tmp>/rc-bench-cache). Figures only, then the
issue's targets beside them: nothing here fails on a slow machine.
"""

import argparse
import hashlib
import os
import statistics
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd

from bench.overview import cpu_model, machine, timed
from geo import area_maps, maps, zoom
from resilient.core import config, db
from resilient.core.i18n import CATEGORIES, DEFAULT_LANGUAGE, density_labels, t
from resilient.core.scope import EVERYTHING
from resilient.demo import database as demo_database
from resilient.demo import generator as demo
from resilient.places import measures


@dataclass(frozen=True)
class Size:
    name: str
    residents: int
    buildings: int | None  # None: the generator's usual two compounds per community


# Issue 8's sizes: a community as the demo has it, a street office's and a district's.
SIZES = {
    "community": Size("community", demo.RESIDENTS_PER_COMMUNITY, None),
    "street": Size("street", 100_000, 2_000),
    "district": Size("district", 1_000_000, 20_000),
}
DEFAULT_SIZES = "community,street,district"
ADMIN = "admin"  # the demo's street administrator: sees every community, as a street or district leader would

# Issue 8's targets, checked against the printed figures (size, figure key, limit, 'max' or 'min').
TARGETS = [
    ("street", "page_s", 1.5, "max", "page script under 1.5 s at street size"),
    ("street", "map_bytes_max", 2_000_000, "max", "map payload under 2 MB at street size"),
    ("district", "queries_max_ms", 500, "max", "main queries under 0.5 s at district size"),
    ("district", "ratio_page", 5, "min", "DuckDB at least 5x faster than the naive way (load every row, then "
                                         "aggregate) at district size"),
]

# (figure key, row label, format): the order of the table.
ROWS = [
    ("generate_s", "generate database (s)", "{:,.1f}"),
    ("community", "communities", "{:,}"),
    ("building", "buildings", "{:,}"),
    ("resident", "residents", "{:,}"),
    ("control_measure", "control measures", "{:,}"),
    ("signin_s", "page: sign in to overview (s)", "{:,.2f}"),
    ("page_s", "page script, overview rerun (s)", "{:,.2f}"),
    ("map_first", "map first view draws", "{}"),
    ("map_bytes_first", "map HTML, first view (bytes)", "{:,}"),
    ("map_zoomed", "map zoomed in at centre draws", "{}"),
    ("map_bytes_zoomed", "map HTML, zoomed in (bytes)", "{:,}"),
    ("density_ms", "q: density, every building (ms)", "{:,.1f}"),
    ("density_view_ms", "q: density, buildings in view (ms)", "{:,.1f}"),
    ("extent_ms", "q: map extent and count in view (ms)", "{:,.1f}"),
    ("areas_grid_ms", "q: areas by grid cell (ms)", "{:,.1f}"),
    ("areas_compound_ms", "q: areas by compound (ms)", "{:,.1f}"),
    ("areas_community_ms", "q: areas by community (ms)", "{:,.1f}"),
    ("kpis_ms", "q: KPIs (ms)", "{:,.1f}"),
    ("series_ms", "q: 30-day series (ms)", "{:,.1f}"),
    ("naive_load_ms", "naive: load every row, SELECT * (ms)", "{:,.0f}"),
    ("naive_density_ms", "naive: density per building (ms)", "{:,.1f}"),
    ("naive_areas_ms", "naive: areas by community (ms)", "{:,.1f}"),
    ("naive_kpis_ms", "naive: KPIs (ms)", "{:,.1f}"),
    ("ratio_density", "naive/DuckDB, rows in memory: density", "{:,.1f}x"),
    ("ratio_areas", "naive/DuckDB, rows in memory: areas", "{:,.1f}x"),
    ("ratio_kpis", "naive/DuckDB, rows in memory: KPIs", "{:,.1f}x"),
    ("ratio_page", "naive/DuckDB, load + the three", "{:,.1f}x"),
]
NOTE = ("q: DuckDB, scope everything, no filter, median of the runs after one warm-up. naive: the same results in "
        "pandas/geopandas; 'rows in memory' leaves out loading them, 'load + the three' is what a page doing it the "
        "naive way pays on each run (density, areas by community and KPIs) against the same three DuckDB queries.")


def median_ms(fn, runs: int) -> float:
    """One warm-up call, then the median of `runs`."""
    fn()
    return 1000 * statistics.median(timed(fn)[0] for _ in range(runs))


def parse_sizes(text: str) -> list[Size]:
    """Names (community, street, district) or residents:buildings, e.g. 3000:150 (buildings may be left out)."""
    sizes = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if part in SIZES:
            sizes.append(SIZES[part])
            continue
        residents, _, buildings = part.replace("_", "").partition(":")
        sizes.append(Size(part, int(residents), int(buildings) if buildings else None))
    return sizes


def generator_fingerprint() -> str:
    """Changes whenever the generator or the schema does, so a cached database is never a stale one."""
    digest = hashlib.sha256(Path(demo.__file__).read_bytes())
    for migration in sorted(config.MIGRATIONS_DIR.glob("*.sql")):
        digest.update(migration.read_bytes())
    return digest.hexdigest()[:12]


def cache_dir(given: Path | None) -> Path:
    return given or Path(os.environ.get("RC_BENCH_CACHE") or Path(tempfile.gettempdir()) / "rc-bench-cache")


def database(size: Size, folder: Path, seed: int = 42) -> tuple[Path, float | None]:
    """The size's demo database, generated into `folder` unless already there; seconds taken, None if cached."""
    path = folder / f"r{size.residents}-b{size.buildings or 0}-s{seed}-{generator_fingerprint()}.duckdb"
    if path.exists():
        return path, None
    seconds, _ = timed(lambda: demo_database.ensure_database(path, residents=size.residents, seed=seed,
                                                             target_buildings=size.buildings, bulk=True))
    return path, seconds


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # our table names, not input
            for table in ("community", "building", "resident", "control_measure")}


def map_labels(lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    return {**density_labels(lang), "area": t("scale.col.area", lang), "community": t("scale.col.community", lang),
            "buildings": t("scale.col.buildings", lang), "legend": t("overview.legend", lang),
            "none": t("overview.legend_none", lang)}


def zoomed_value(bounds, level: int = zoom.BUILDING_ZOOM) -> dict:
    """What st_folium reports for a map of the usual size zoomed in on the middle of `bounds` (by default as
    far out as buildings are drawn one by one: the most of them)."""
    lon, lat = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    half_w = zoom.MAP_WIDTH_PX * zoom.pixel_degrees(level) / 2
    half_h = zoom.MAP_HEIGHT_PX * zoom.pixel_degrees(level) * np.cos(np.radians(lat)) / 2
    return {"bounds": {"_southWest": {"lat": lat - half_h, "lng": lon - half_w},
                       "_northEast": {"lat": lat + half_h, "lng": lon + half_w}}, "zoom": level}


DRAWN = {"building": "buildings", "grid": "grid cells", "compound": "compounds", "community": "communities"}


def map_figures(con: duckdb.DuckDBPyConnection, today: date) -> dict:
    """The overview map as the page builds it (count mode, plain basemap, Chinese): first view and zoomed in."""
    filters, labels = measures.Filters(), map_labels()
    extent = measures.map_extent(con, EVERYTHING, filters)
    if not area_maps.is_scaled(extent.buildings):
        density = measures.building_density(con, EVERYTHING, filters, today)
        fmap = maps.building_density_map(density, "active", density_labels(DEFAULT_LANGUAGE), labels["legend"],
                                         labels["none"])
        size = len(fmap.get_root().render().encode())
        drawn = f"{len(density):,} buildings"
        return {"map_first": drawn, "map_bytes_first": size, "map_zoomed": drawn, "map_bytes_zoomed": size}
    figures = {}
    for key, value in (("first", None), ("zoomed", zoomed_value(extent.bounds))):
        shown = measures.density_in_view(con, EVERYTHING, filters, today, area_maps.view_from(value, extent.bounds))
        group = area_maps.density_layer(shown.frame, shown.level, shown.view.zoom, "active", labels)
        figures[f"map_{key}"] = f"{len(shown.frame):,} {DRAWN[shown.level]}"
        figures[f"map_bytes_{key}"] = area_maps.html_bytes(area_maps.base_map(extent.bounds), [group])
    return figures


def query_figures(con: duckdb.DuckDBPyConnection, today: date, now, runs: int) -> dict[str, float]:
    """Median times of the overview's reads at this size: whole scope, and the view zoomed in at the centre."""
    everything = measures.Filters()
    extent = measures.map_extent(con, EVERYTHING, everything)
    view = area_maps.view_from(zoomed_value(extent.bounds), extent.bounds).bbox
    figures = {
        "density_ms": median_ms(lambda: measures.building_density(con, EVERYTHING, everything, today), runs),
        "density_view_ms": median_ms(lambda: measures.building_density(con, EVERYTHING, everything, today, view),
                                     runs),
        "extent_ms": median_ms(lambda: measures.map_extent(con, EVERYTHING, everything, view), runs),
        "kpis_ms": median_ms(lambda: measures.kpis(con, EVERYTHING, everything, today, now), runs),
        "series_ms": median_ms(lambda: measures.active_by_day(con, EVERYTHING, everything, today), runs),
    }
    for level in measures.LEVELS:
        figures[f"areas_{level}_ms"] = median_ms(
            lambda level=level: measures.area_density(con, EVERYTHING, everything, today, level), runs)
    return figures


# --- the naive way: every row into pandas first, then merge and group --------------------------------------------

NAIVE_TABLES = ("community", "compound", "building", "stairwell", "household", "resident", "control_measure")


def naive_load(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every row of the tables the overview reads, as a page would read_sql them; footprints into geopandas."""
    frames = {}
    for table in NAIVE_TABLES:
        geometry = table in ("building", "stairwell")
        # Our own table names, not input. WKB, since pandas cannot hold DuckDB's GEOMETRY type.
        frames[table] = con.sql(f"SELECT * REPLACE (ST_AsWKB(geom) AS geom) FROM {table}" if geometry
                                else f"SELECT * FROM {table}").df()
        if geometry:
            frame = frames[table]
            shapes = gpd.GeoSeries.from_wkb(frame["geom"].map(lambda g: None if g is None else bytes(g)))
            frames[table] = gpd.GeoDataFrame(frame.drop(columns="geom"), geometry=shapes, crs=4326)
    return frames


def _people(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """resident → household → stairwell → building, one row per resident."""
    homes = frames["household"].merge(frames["stairwell"], on="stairwell_id")
    return frames["resident"].merge(homes, on="household_id")


def _active(frames: dict[str, pd.DataFrame], day: date) -> pd.DataFrame:
    m = frames["control_measure"]
    start = pd.to_datetime(m["start_date"])
    released = pd.to_datetime(m["released_at"])
    day = pd.Timestamp(day)
    return m[(start <= day) & (released.isna() | (released >= day + pd.Timedelta(days=1)))]


def naive_density(frames: dict[str, pd.DataFrame], today: date) -> pd.DataFrame:
    """building_density's counts: households, residents, active by category, per building."""
    people = _people(frames)[["resident_id", "household_id", "building_id"]]
    per_building = people.groupby("building_id").agg(households=("household_id", "nunique"),
                                                    residents=("resident_id", "count"))
    active = _active(frames, today).merge(people, on="resident_id")
    by_category = pd.crosstab(active["building_id"], active["category"]).reindex(columns=CATEGORIES, fill_value=0)
    out = frames["building"][["building_id"]].set_index("building_id").join(per_building).join(by_category)
    out = out.fillna(0).astype(int)
    out["active"] = out[CATEGORIES].sum(axis=1)
    return out.reset_index()


def naive_areas(frames: dict[str, pd.DataFrame], today: date) -> gpd.GeoDataFrame:
    """area_density by community: counts summed and the convex hull of the community's footprints."""
    buildings = frames["building"].merge(frames["compound"], on="compound_id")
    density = naive_density(frames, today).merge(buildings[["building_id", "community_id"]], on="building_id")
    counts = density.groupby("community_id")[["residents", "active", *CATEGORIES]].sum()
    hulls = buildings.dissolve(by="community_id").convex_hull
    return gpd.GeoDataFrame(counts, geometry=hulls.reindex(counts.index), crs=4326).reset_index()


def naive_kpis(frames: dict[str, pd.DataFrame], today: date, now) -> dict[str, int]:
    m = frames["control_measure"]
    active = _active(frames, today)
    created = pd.to_datetime(m["created_at"])
    ends = pd.to_datetime(active["planned_end"])
    return {
        "residents": len(frames["resident"]), "households": frames["resident"]["household_id"].nunique(),
        "active": len(active), **active["category"].value_counts().reindex(CATEGORIES, fill_value=0).to_dict(),
        "due_today": int((ends == pd.Timestamp(today)).sum()),
        "due_tomorrow": int((ends == pd.Timestamp(today + timedelta(days=1))).sum()),
        "new_24h": int(((created > pd.Timestamp(now) - pd.Timedelta(hours=24)) & (created <= pd.Timestamp(now))).sum()),
    }


def naive_figures(con: duckdb.DuckDBPyConnection, today: date, now, runs: int) -> dict[str, float]:
    load_s, frames = timed(lambda: naive_load(con))
    return {
        "naive_load_ms": 1000 * load_s,
        "naive_density_ms": median_ms(lambda: naive_density(frames, today), runs),
        "naive_areas_ms": median_ms(lambda: naive_areas(frames, today), runs),
        "naive_kpis_ms": median_ms(lambda: naive_kpis(frames, today, now), runs),
    }


# --- the page under AppTest --------------------------------------------------------------------------------------

def page_figures(path: Path, runs: int) -> dict[str, float]:
    """Seconds to sign in to the overview, and the median of `runs` reruns of it, under AppTest on `path`."""
    from streamlit.testing.v1 import AppTest

    before = os.environ.get("RC_DB_PATH")
    os.environ["RC_DB_PATH"] = str(path)
    try:
        at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=300)
        at.run()
        next(x for x in at.text_input if x.label == t("login.username", DEFAULT_LANGUAGE)).input(ADMIN)
        next(x for x in at.text_input if x.label == t("login.password", DEFAULT_LANGUAGE)).input(
            demo_database.DEMO_PASSWORD)
        signin_s, _ = timed(lambda: at.button[0].click().run())
        if at.exception:
            raise RuntimeError(f"the overview failed under AppTest: {at.exception}")
        if not at.title or at.title[0].value != t("overview.title", DEFAULT_LANGUAGE):
            raise RuntimeError(f"signing in as {ADMIN!r} did not open the overview")
        page_s = statistics.median(timed(at.run)[0] for _ in range(runs))
    finally:
        if before is None:
            os.environ.pop("RC_DB_PATH", None)
        else:
            os.environ["RC_DB_PATH"] = before
    return {"signin_s": signin_s, "page_s": page_s}


def measure(size: Size, runs: int, folder: Path) -> dict:
    """Every figure for one size."""
    path, generate_s = database(size, folder)
    con = db.connect(path)
    try:
        if demo.is_demo(con):
            demo.roll_forward(con, config.today())  # a database cached on an earlier day, brought to today first
        today, now = config.today(), config.now()
        figures = {"generate_s": generate_s, **row_counts(con), **query_figures(con, today, now, runs),
                   **map_figures(con, today), **naive_figures(con, today, now, runs)}
    finally:
        con.close()
    figures.update(page_figures(path, runs))
    for key in ("density", "kpis"):
        figures[f"ratio_{key}"] = figures[f"naive_{key}_ms"] / figures[f"{key}_ms"]
    figures["ratio_areas"] = figures["naive_areas_ms"] / figures["areas_community_ms"]
    duck = figures["density_ms"] + figures["areas_community_ms"] + figures["kpis_ms"]
    naive = figures["naive_density_ms"] + figures["naive_areas_ms"] + figures["naive_kpis_ms"]
    figures["ratio_page"] = (figures["naive_load_ms"] + naive) / duck
    figures["queries_max_ms"] = max(v for k, v in figures.items() if k.endswith("_ms") and not k.startswith("naive"))
    figures["map_bytes_max"] = max(figures["map_bytes_first"], figures["map_bytes_zoomed"])
    return figures


def table(results: dict[str, dict]) -> str:
    """Figures as rows, sizes as columns; numbers right-aligned."""
    lines = [["", *results]]
    for key, label, fmt in ROWS:
        lines.append([label, *("cached" if key == "generate_s" and f.get(key) is None else
                               fmt.format(f[key]) if key in f else "-" for f in results.values())])
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join("  ".join([line[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(line[1:], widths[1:]))])
                     for line in lines)


def verdicts(results: dict[str, dict]) -> list[str]:
    """Issue 8's targets beside what was measured, for the sizes that ran."""
    lines = []
    for size, key, limit, kind, text in TARGETS:
        if size not in results:
            continue
        value = results[size][key]
        met = value <= limit if kind == "max" else value >= limit
        shown = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
        lines.append(f"{'met   ' if met else 'MISSED'}  {text}: {shown}")
    return lines


def memory_gb() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 ** 2:.0f} GB RAM"
    except OSError:
        pass
    return "RAM unknown"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Issue 8's figures: the overview at community, street and district "
                                                 "size, DuckDB against the naive way.")
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes(DEFAULT_SIZES),
                        help=f"names or residents:buildings, comma-separated (default {DEFAULT_SIZES})")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per figure after one warm-up (default 3)")
    parser.add_argument("--cache", type=Path, help="folder keeping generated databases between runs")
    args = parser.parse_args(argv)
    folder = cache_dir(args.cache)
    folder.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(machine())
    print(f"{cpu_model()} | {memory_gb()} | load {load:.1f} at start | databases cached in {folder}")
    results = {}
    for size in args.sizes:
        print(f"measuring {size.name}: {size.residents:,} residents ...", flush=True)
        results[size.name] = measure(size, args.runs, folder)
    print()
    print(table(results))
    print(NOTE)
    for line in verdicts(results):
        print(line)


if __name__ == "__main__":
    main()
