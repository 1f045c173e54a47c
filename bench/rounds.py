"""Benchmark (issue 18): a testing round at scale, as load, on a DuckDB file and on PostgreSQL, as figures only.

Run `python -m bench.rounds [--residents 1000000] [--processes 1,2,4] [--desks 8] [--interval 30] [--seconds 60]
[--database-url postgresql://postgres@127.0.0.1:5433]`.

One demo district is built (the bulk generator, or the office's set-up path with --office; kept in a cache folder
between runs) and copied table by table into a fresh PostgreSQL database (COPY, ids unchanged), which the bench
creates on the server it is given and drops at the end. Then, on each backend:

- the overview's district reads (quarantine density per building, areas by community, the map's extent, the
  KPIs), median of --runs after one warm-up;
- a round as the desks make it: K app processes (multiprocessing, each its own connection pool or file handle)
  × M desks each (threads, each with its own connection), every desk one tap per --interval seconds for
  --seconds: a tap finds the person by their flat as a desk types it (compound, building, unit, room) and records
  the swab into the tube in hand (a new tube every pool; opening and sealing tubes is not counted in the tap).
  Each desk has its own site and its own people (whole stairwells, in order), one round per community.
  Afterwards the samples in the database are compared with the taps that were acknowledged: rows lost or doubled,
  and tubes whose count is not their samples, must all be zero.

A DuckDB file is opened read-write by one process only, so on DuckDB only K=1 runs; for K>1 the lock a second
process meets is printed instead. Offered is what the desks ask for (desks / interval), held what was recorded
per second; a tap that takes longer than the interval makes its desk fall behind, never run two at once.
"""

import argparse
import contextlib
import hashlib
import math
import multiprocessing
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import types
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import duckdb

from resilient.core import config, db, pg, roles
from resilient.core.accounts import User
from resilient.core.scope import EVERYTHING
from resilient.demo import postgres as demo_postgres
from resilient.testing import desk
from resilient.testing import rounds as testing

ADMIN = User(1, "admin", "街道管理员（演示）", "street_admin")  # the demo's street administrator: every community
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5433"
POOL = 10  # swabs per tube
COLUMNS = ("backend", "K", "M", "desks", "offered/s", "held/s", "taps", "p50_ms", "p95_ms", "errors", "lost",
           "doubled", "tube!=samples")


# --- the database -------------------------------------------------------------------------------------------

def cached_demo(residents: int, buildings: int, seed: int, office: bool, folder: Path) -> tuple[Path, float | None]:
    """The demo district's DuckDB file, built into `folder` unless already there; seconds taken, None if cached."""
    from bench import scale
    from resilient.demo import database as demo_database
    from resilient.demo import office as demo_office

    if not office:
        return scale.database(scale.Size("rounds", residents, buildings), folder, seed)
    office_code = hashlib.sha256(Path(demo_office.__file__).read_bytes()).hexdigest()[:6]
    fingerprint = scale.generator_fingerprint() + office_code
    path = folder / f"office-r{residents}-s{seed}-{fingerprint}.duckdb"
    if path.exists():
        return path, None
    started = time.perf_counter()
    demo_database.ensure_database(path, residents=residents, seed=seed)
    return path, time.perf_counter() - started


def working_copy(cached: Path, folder: Path) -> Path:
    """The cached file copied aside (the runs write rounds into it) and brought forward to today."""
    from resilient.demo import generator as demo

    path = folder / "rounds.duckdb"
    shutil.copyfile(cached, path)
    con = db.connect(path)
    try:
        if demo.is_demo(con):
            demo.roll_forward(con, config.today())
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def server_url(given: str | None) -> str:
    """The PostgreSQL server, without a database name: the bench makes its own database there."""
    url = given or os.environ.get("RC_TEST_DATABASE_URL") or DEFAULT_SERVER
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", parts.query, "")).rstrip("/")


def _server(server: str):
    import psycopg

    return psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5)


def create_database(server: str) -> str:
    name = f"rc_bench_{os.getpid()}"
    with _server(server) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        con.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"


def drop_database(url: str) -> None:
    pg.close_pool(url)
    server, name = url.rsplit("/", 1)
    with _server(server) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# --- the overview's district reads -----------------------------------------------------------------------------

def overview_figures(con, runs: int) -> dict[str, str]:
    """Median milliseconds of the overview's reads over the whole district, or why a read failed."""
    from resilient.places import measures

    today, now, every = config.today(), config.now(), measures.Filters()
    reads = {
        "density, every building (building_density)": lambda: measures.building_density(con, EVERYTHING, every,
                                                                                        today),
        "areas by community (area_density)": lambda: measures.area_density(con, EVERYTHING, every, today,
                                                                           "community"),
        "map extent and count (map_extent)": lambda: measures.map_extent(con, EVERYTHING, every),
        "KPIs (overview_kpis, due_counts)": lambda: measures.kpis(con, EVERYTHING, every, today, now),
    }
    figures = {}
    for label, read in reads.items():
        try:
            read()
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                read()
                times.append(time.perf_counter() - started)
            figures[label] = f"{1000 * statistics.median(times):,.1f}"
        except Exception as error:  # noqa: BLE001 - a read that fails on a backend is a figure too
            figures[label] = "fails: " + (str(error).splitlines() or [type(error).__name__])[0][:60]
    return figures


# --- the round: desks as load ----------------------------------------------------------------------------------

# The community's residents flat by flat, as the desks' queue. Not testing.eligible_people: on PostgreSQL at a
# district's size that read takes minutes per community (see the report), and it is the taps that are measured.
PEOPLE = """
SELECT r.resident_id, h.household_id, s.stairwell_id, s.unit_no, h.room, b.name AS building, c.name AS compound
FROM resident r
JOIN household h ON h.household_id = r.household_id
JOIN stairwell s ON s.stairwell_id = h.stairwell_id
JOIN building b ON b.building_id = s.building_id
JOIN compound c ON c.compound_id = b.compound_id
WHERE c.community_id = $c
ORDER BY s.stairwell_id, h.household_id, r.resident_id
"""


def plan_round(con, processes: int, desks: int, seconds: float, interval: float, label: str) -> list[list[dict]]:
    """Rounds (one per community, as many as there are desks), a site per desk and each desk's people (every
    resident of the community, bedridden and quarantined too): whole stairwells in order, only as many as it can
    tap. One list of desks per app process."""
    today, now = config.today(), config.now()
    communities = [r[0] for r in con.execute("SELECT community_id FROM community ORDER BY community_id").fetchall()]
    total = processes * desks
    per_desk = math.inf if interval <= 0 else math.ceil(seconds / interval) + 2
    plan = [None] * total
    used = communities[:total]
    for r, community_id in enumerate(used):
        round_id = testing.create_round(con, ADMIN, community_id, f"bench {label} {r + 1}", today, now,
                                        pool_size=POOL, now=now)
        people = con.execute(PEOPLE, {"c": community_id}).df()
        mine = list(range(r, total, len(used)))  # the desks of this round
        stairwells = sorted(people["stairwell_id"].unique())
        door = con.execute("SELECT min(b.building_id) FROM building b JOIN compound c ON c.compound_id = b.compound_id "
                           "WHERE c.community_id = $c", {"c": community_id}).fetchone()[0]
        for k, d in enumerate(mine):
            site = testing.add_site(con, ADMIN, round_id, f"desk {d + 1}", None, None, desks=1,
                                    building_id=int(door))
            chosen = people[people["stairwell_id"].isin(set(stairwells[k::len(mine)]))]
            taps = [(int(p.resident_id), f"{p.compound}{p.building}{p.unit_no}单元{p.room}")
                    for p in chosen.itertuples()]
            plan[d] = {"desk": d, "of": total, "round_id": round_id, "site_id": site,
                       "people": taps[:per_desk] if per_desk != math.inf else taps}
    return [plan[k * desks:(k + 1) * desks] for k in range(processes)]


def _error(error: BaseException) -> str:
    code = getattr(error, "code", None)
    return code if isinstance(code, str) else f"{type(error).__name__}: {(str(error).splitlines() or [''])[0][:80]}"


def _desk(con, scope, plan: dict, started: float, seconds: float, interval: float, out: dict) -> None:
    """One desk: a tap every `interval` from its place in the schedule, until `seconds` are up."""
    today = config.today()
    latencies, acks, errors, tubes = [], [], Counter(), 0
    tube, in_tube = None, POOL
    due = started + interval * plan["desk"] / plan["of"]  # the desks spread over the interval
    for resident_id, query in plan["people"]:
        now = time.perf_counter()
        if due > now:
            time.sleep(due - now)
        if time.perf_counter() - started >= seconds:
            break
        due += interval
        try:
            if in_tube >= POOL:
                if tube is not None:
                    desk.close_tube(con, ADMIN, plan["round_id"], tube, plan["site_id"])
                tubes += 1
                tube = f"D{plan['desk'] + 1}-{plan['round_id']}-{tubes:04d}"
                desk.open_tube(con, ADMIN, plan["round_id"], tube, plan["site_id"])
                in_tube = 0
        except Exception as error:  # noqa: BLE001 - counted, and the desk carries on
            errors["tube: " + _error(error)] += 1
            tube, in_tube = None, POOL
            continue
        tapped = time.perf_counter()
        try:
            found = desk.find_people(con, scope, plan["round_id"], query, today)
            if resident_id not in set(found["resident_id"]):
                raise LookupError(f"{query} did not find resident {resident_id}")
            acks.append(desk.add_sample(con, ADMIN, plan["round_id"], tube, resident_id, plan["site_id"]))
            in_tube += 1
        except Exception as error:  # noqa: BLE001 - counted, and the desk carries on
            errors[_error(error)] += 1
        latencies.append(time.perf_counter() - tapped)
    out.update(latencies=latencies, acks=acks, errors=errors)


def app_process(target: str, desks: list[dict], seconds: float, interval: float, barrier, results) -> None:
    """One app process: its own connection (pool), a thread and a connection per desk, all starting together."""
    try:
        pg.POOL_MAX = max(pg.POOL_MAX, len(desks) + 2)
        con = db.connect(target, migrate_schema=False)
        today = config.today()
        scope = roles.scope_for(con, ADMIN, today)
        connections = [con.cursor() for _ in desks]
        for c, plan in zip(connections, desks):  # warm-up, not counted: one search per desk
            if plan["people"]:
                desk.find_people(c, scope, plan["round_id"], plan["people"][0][1], today)
    except BaseException as error:  # noqa: BLE001 - reported to the parent, which prints it
        barrier.abort()
        results.put({"failed": _error(error)})
        return
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        results.put({"failed": "another process failed to start"})
        return
    started = time.perf_counter()
    outs = [{} for _ in desks]
    threads = [threading.Thread(target=_desk, args=(c, scope, plan, started, seconds, interval, out))
               for c, plan, out in zip(connections, desks, outs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    for c in connections:
        c.close()
    con.close()
    errors = Counter()
    for out in outs:
        errors.update(out.get("errors", {}))
    results.put({"latencies": [x for out in outs for x in out.get("latencies", [])],
                 "acks": [x for out in outs for x in out.get("acks", [])], "errors": dict(errors),
                 "elapsed": elapsed, "died": sum(1 for out in outs if not out)})


@contextlib.contextmanager
def _no_main_to_rerun():
    """Spawn re-runs the parent's __main__ file in each child. Under pytest after an AppTest that is a page
    script (Streamlit leaves it in sys.modules), so for the start the children are given an empty one."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def run_load(target: str, plan: list[list[dict]], seconds: float, interval: float) -> dict:
    """The K processes of one run, started together; what they report, merged."""
    ctx = multiprocessing.get_context("spawn")  # a clean process each, as separate app servers are
    barrier, results = ctx.Barrier(len(plan)), ctx.Queue()
    processes = [ctx.Process(target=app_process, args=(target, desks, seconds, interval, barrier, results))
                 for desks in plan]
    with _no_main_to_rerun():
        for process in processes:
            process.start()
    reports = []
    deadline = time.monotonic() + seconds + 600
    while len(reports) < len(processes):
        try:
            reports.append(results.get(timeout=5))
        except queue.Empty:
            dead = [p for p in processes if p.exitcode not in (None, 0)]
            if dead or time.monotonic() > deadline:
                for process in processes:
                    process.kill()
                why = f"exit code {dead[0].exitcode}" if dead else "no report in time"
                return {"failed": f"a desk process stopped ({why}); its traceback is on stderr"}
    for process in processes:
        process.join(timeout=60)
    failed = [r["failed"] for r in reports if "failed" in r]
    if failed:
        return {"failed": failed[0]}
    errors = Counter()
    for r in reports:
        errors.update(r["errors"])
    return {"latencies": [x for r in reports for x in r["latencies"]], "acks": [x for r in reports for x in r["acks"]],
            "errors": errors, "elapsed": max(r["elapsed"] for r in reports)}


def check(con, round_ids: list[int], acks: list[int]) -> dict[str, int]:
    """Samples in the database against the taps acknowledged, and each tube's count against its samples."""
    recorded = [r[0] for r in con.execute("SELECT sample_id FROM sample WHERE list_contains($r, round_id)",
                                          {"r": round_ids}).fetchall()]
    acked = set(acks)
    bad_tubes = con.execute(
        "SELECT count(*) FROM tube t WHERE list_contains($r, t.round_id) "
        "AND t.samples <> (SELECT count(*) FROM sample s WHERE s.tube_id = t.tube_id)", {"r": round_ids}).fetchone()[0]
    return {"recorded": len(recorded), "lost": len(acked - set(recorded)),
            "doubled": len(set(recorded) - acked) + (len(acks) - len(acked)) + (len(recorded) - len(set(recorded))),
            "tube!=samples": int(bad_tubes)}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


def one_run(backend: str, target: str, processes: int, desks: int, seconds: float, interval: float) -> list[str]:
    """Plan, load and check one K × M run; its row of the table (and lines of errors under it)."""
    con = db.connect(target, migrate_schema=False)
    try:
        plan = plan_round(con, processes, desks, seconds, interval, f"{backend} K{processes}")
    finally:
        con.close()
    if pg.is_url(target):
        pg.close_pool(target)  # the parent holds no connection while the app processes run
    load = run_load(target, plan, seconds, interval)
    if "failed" in load:
        return [f"{backend:<9}{processes:>2}{desks:>4}  not run: {load['failed']}"]
    con = db.connect(target, migrate_schema=False)
    try:
        found = check(con, sorted({d["round_id"] for desks_ in plan for d in desks_}), load["acks"])
    finally:
        con.close()
    total = processes * desks
    taps = len(load["latencies"])
    offered = f"{total / interval:.2f}" if interval > 0 else "max"
    row = [backend, processes, desks, total, offered, f"{len(load['acks']) / load['elapsed']:.2f}", taps,
           f"{1000 * percentile(load['latencies'], 0.5):.1f}", f"{1000 * percentile(load['latencies'], 0.95):.1f}",
           sum(load["errors"].values()), found["lost"], found["doubled"], found["tube!=samples"]]
    lines = [format_row(row)]
    for error, count in load["errors"].most_common(3):
        lines.append(f"    error x{count}: {error}")
    return lines


def format_row(cells) -> str:
    widths = [9, 2, 4, 6, 10, 8, 7, 8, 8, 7, 5, 8, 14]
    return "".join(f"{str(c):<{w}}" if i == 0 else f"{str(c):>{w}}" for i, (c, w) in enumerate(zip(cells, widths)))


def duckdb_lock_message(path: Path) -> str:
    """What a second process gets when it opens the file another holds read-write (this process holds it)."""
    con = duckdb.connect(str(path))
    try:
        done = subprocess.run([sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1])", str(path)],
                              capture_output=True, text=True, timeout=60)
    finally:
        con.close()
    lines = [line for line in done.stderr.splitlines() if "Error" in line or "lock" in line]
    return (lines[-1] if lines else f"exit {done.returncode}").replace(str(path), "<file>")[:160]


# --- the report ------------------------------------------------------------------------------------------------

def memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 ** 2:.0f} GB RAM"
    except OSError:
        pass
    return "RAM unknown"


def load_average() -> str:
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "?"


def postgres_versions(url: str) -> str:
    con = db.connect(url, migrate_schema=False)
    try:
        version, postgis = con.execute("SELECT current_setting('server_version'), postgis_lib_version()").fetchone()
    finally:
        con.close()
    return f"PostgreSQL {version}, PostGIS {postgis}"


def main(argv: list[str] | None = None) -> None:
    from bench.overview import machine
    from bench.scale import cache_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--buildings", type=int, help="about this many buildings (default residents / 50, a "
                                                      "district's 20,000 for a million); bulk generator only")
    parser.add_argument("--office", action="store_true", help="build through the office's set-up path "
                        "(resilient/demo/office.py: minutes for 100,000) instead of the bulk generator")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--processes", default="1,2,4", help="app processes per run, comma-separated (K)")
    parser.add_argument("--desks", type=int, default=8, help="desks per app process (M)")
    parser.add_argument("--interval", type=float, default=30.0, help="seconds between a desk's taps (0: no pause)")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each run")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each overview read after a warm-up")
    parser.add_argument("--backends", default="duckdb,postgres")
    parser.add_argument("--database-url", help="PostgreSQL server (default RC_TEST_DATABASE_URL or "
                        f"{DEFAULT_SERVER}); the bench creates a database of its own there and drops it")
    parser.add_argument("--cache", type=Path, help="folder keeping built databases between runs")
    args = parser.parse_args(argv)
    counts = [int(k) for k in args.processes.split(",") if k.strip()]
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    buildings = args.buildings or max(1, args.residents // 50)
    folder = cache_dir(args.cache)
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    url, versions = None, ""
    if "postgres" in backends:
        try:
            url = create_database(server_url(args.database_url))
            db.connect(url).close()  # migrated here, once, before anything is timed
            versions = " | " + postgres_versions(url)
        except Exception as error:  # noqa: BLE001 - printed; DuckDB's figures still come
            print(f"postgres: not usable at {server_url(args.database_url)}: {_error(error)}")
            if url:
                drop_database(url)
            url = None
    print(machine() + versions)
    print(f"{memory()} | load average {load_average()} at start on {os.cpu_count()} cores (a shared machine: "
          "other work runs beside this)")
    with tempfile.TemporaryDirectory() as work:
        try:
            cached, built_s = cached_demo(args.residents, buildings, args.seed, args.office, folder)
            path = working_copy(cached, Path(work))
            how = "office set-up path" if args.office else "bulk generator"
            con = db.connect(path)
            try:
                sizes = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                         for t in ("community", "building", "household", "resident")}
                built = "cached" if built_s is None else f"built in {built_s:,.1f} s"
                print(f"database: {sizes['resident']:,} residents, {sizes['household']:,} households, "
                      f"{sizes['building']:,} buildings, {sizes['community']:,} communities ({how}, {built})")
                overview = {"duckdb": overview_figures(con, args.runs)}
                if url:
                    target = db.connect(url)
                    copy_s = time.perf_counter()
                    tables, rows = demo_postgres.copy_into(con, target, analyze=True)
                    copy_s = time.perf_counter() - copy_s
                    print(f"postgres: {rows:,} rows of {tables} tables copied in {copy_s:,.1f} s (COPY, ids "
                          f"unchanged, sequences moved on, ANALYZE) into {url.rsplit('/', 1)[1]}")
                    overview["postgres"] = overview_figures(target, args.runs)
                    target.close()
            finally:
                con.close()
            print()
            print(f"overview over the whole district, ms (median of {args.runs} after one warm-up)")
            labels = list(overview["duckdb"])
            width = max(map(len, labels)) + 2
            print(" " * width + "".join(f"{b:>10}" for b in overview))
            failures = []
            for label in labels:
                cells = [overview[b][label] for b in overview]
                print(f"{label:<{width}}" + "".join(f"{'fails' if c.startswith('fails') else c:>10}" for c in cells))
                failures += [f"    {b}, {label}: {overview[b][label]}" for b in overview
                             if overview[b][label].startswith("fails")]
            for line in failures:
                print(line)
            print()
            pace = f"one tap per {args.interval:g} s" if args.interval > 0 else "taps back to back"
            print(f"round load: each desk {pace} (find the flat, record the swab; tubes of {POOL}) for "
                  f"{args.seconds:g} s; K app processes x M desks (threads), one connection per desk")
            print(format_row(COLUMNS))
            for backend in backends:
                target = str(path) if backend == "duckdb" else url
                if target is None:
                    continue
                for k in counts:
                    if backend == "duckdb" and k > 1:
                        print(f"{'duckdb':<9}{k:>2}{args.desks:>4}  not run: a DuckDB file is opened read-write by "
                              "one process only; a second one gets:")
                        print(f"    {duckdb_lock_message(path)}")
                        continue
                    for line in one_run(backend, target, k, args.desks, args.seconds, args.interval):
                        print(line, flush=True)
        finally:
            if url:
                drop_database(url)
    print()
    print(f"lost: acknowledged taps with no sample row; doubled: sample rows no tap acknowledged (or twice); "
          f"tube!=samples: tubes whose count is not their rows. Load average {load_average()} at the end; "
          f"{time.perf_counter() - started:,.0f} s in all.")


if __name__ == "__main__":
    main()
