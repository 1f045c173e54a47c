"""Benchmark: demo generation, the overview's queries and its map size, at the demo size and a street of a million.

Run `python -m bench.overview [--sizes 15000,1000000] [--runs 5]`. Prints figures only: no thresholds, no verdict.
Issue 8's figures (street and district, the page under AppTest, DuckDB against pandas) are resilient.bench_scale.
"""

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from resilient.core import config, db
from resilient.core.scope import EVERYTHING
from resilient.demo import database as demo_database
from resilient.demo import generator as demo
from resilient.places import measures

DEFAULT_SIZES = "15000,1000000"
TABLES = ("building", "household", "resident", "control_measure")

# (figure, row label, format): the order of the final table.
ROWS = [
    ("generate_s", "generate database (s)", "{:,.1f}"),
    ("building", "buildings", "{:,}"),
    ("household", "households", "{:,}"),
    ("resident", "residents", "{:,}"),
    ("control_measure", "control measures", "{:,}"),
    ("density_ms", "density query (ms)", "{:,.1f}"),
    ("kpis_ms", "KPI query (ms)", "{:,.1f}"),
    ("series_ms", "30-day series query (ms)", "{:,.1f}"),
    ("map_s", "map query + build + render (s)", "{:,.2f}"),
    ("map_bytes", "map HTML, first view (bytes)", "{:,}"),
]


def cpu_model() -> str:
    """The CPU's name, since the same figures mean different things on different chips."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    """One line naming what the figures were measured on, printed before them."""
    return (f"{platform.platform()} | {os.cpu_count()} CPUs, {cpu_model()} | "
            f"python {platform.python_version()} | duckdb {duckdb.__version__}")


def timed(fn) -> tuple[float, object]:
    """Seconds one call takes, and what it returned."""
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def median_ms(fn, runs: int) -> float:
    """One warm-up call (file cache, query plans), then the median of `runs`, so one slow run does not count."""
    fn()
    return 1000 * statistics.median(timed(fn)[0] for _ in range(runs))


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


def map_html_bytes(con: duckdb.DuckDBPyConnection, today) -> int:
    """Bytes the browser receives for the overview map's first view as the page builds it (count mode, plain
    basemap, Chinese): every building up to geo.zoom.MAX_FEATURES, areas past that."""
    from bench.scale import map_figures  # it imports this module's helpers

    return map_figures(con, today)["map_bytes_first"]


def query_figures(con: duckdb.DuckDBPyConnection, runs: int) -> dict[str, float]:
    """Median times of the three reads the overview page makes with no filter, on the generator's date."""
    today, now, everything = config.today(), config.now(), measures.Filters()
    return {
        "density_ms": median_ms(lambda: measures.building_density(con, EVERYTHING, everything, today), runs),
        "kpis_ms": median_ms(lambda: measures.kpis(con, EVERYTHING, everything, today, now), runs),
        "series_ms": median_ms(lambda: measures.active_by_day(con, EVERYTHING, everything, today), runs),
    }


def measure(residents: int, runs: int) -> dict[str, float]:
    """All figures for one size, on a fresh demo database in a temporary directory."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        # One community as the app builds it (the set-up path); bigger sizes with the bulk generator.
        generate_s, _ = timed(lambda: demo_database.ensure_database(
            path, residents=residents, bulk=residents > demo.RESIDENTS_PER_COMMUNITY))
        con = db.connect(path)
        try:
            figures = {"generate_s": generate_s, **row_counts(con), **query_figures(con, runs)}
            figures["map_s"], figures["map_bytes"] = timed(lambda: map_html_bytes(con, config.today()))
        finally:
            con.close()
    return figures


def aligned(cells: list[str], widths: list[int]) -> str:
    """Label left-aligned, numbers right-aligned, so digits line up across rows."""
    return "  ".join([cells[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))])


def table(results: dict[int, dict[str, float]]) -> str:
    """Figures as rows, sizes as columns, right-aligned."""
    header = [""] + [f"{size:,} residents" for size in results]
    lines = [header]
    for key, label, fmt in ROWS:
        lines.append([label, *(fmt.format(figures[key]) for figures in results.values())])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(aligned(line, widths) for line in lines)


def parse_sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Time demo generation, overview queries and map size.")
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes(DEFAULT_SIZES),
                        help=f"comma-separated resident counts (default {DEFAULT_SIZES})")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query after one warm-up (default 5)")
    args = parser.parse_args(argv)
    print(machine())
    print(f"queries: median of {args.runs} runs after one warm-up, scope everything, no filter, today {config.today()}")
    results = {}
    for size in args.sizes:
        print(f"measuring {size:,} residents ...", flush=True)
        results[size] = measure(size, args.runs)
    print()
    print(table(results))


if __name__ == "__main__":
    main()
