"""Benchmark: a pass scan's round trip at the server on the demo, as figures only (target: under 1 s).

Run `python -m bench.gate [--residents 15000] [--scans 200] [--seed 42] [--apptest 20]`.
The demo database is built in a file (gates, passes and a morning's movements, as `python -m resilient.demo`);
each scan is `passes.scan` for a pass picked at random, through one gate of its compound, a few minutes after the
one before so none is a double scan: the lookup, the checks, the movement and the audit row in one transaction.
Wall-clock milliseconds (the guard waits for them) and the process's CPU. With --apptest the same is done through
the gate page under Streamlit's AppTest as the demo leader: typing the code into the box and pressing 核验, the
whole page rerun (an upper bound: a browser reruns the same script).
"""

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.overview import machine
from resilient.core import config, db
from resilient.demo import database as demo_database
from resilient.edge import passes


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _demo(path: Path, residents: int, seed: int):
    from resilient.core import accounts

    demo_database.ensure_database(path, residents=residents, seed=seed)
    con = db.connect(path)
    leader = accounts._user(accounts._row(con, "user_by_username", username="leader"))
    cards = con.execute("SELECT p.code, g.gate_id FROM gate_pass p JOIN household h USING (household_id) "
                        "JOIN stairwell s USING (stairwell_id) JOIN building b USING (building_id) "
                        "JOIN gate g ON g.compound_id = b.compound_id WHERE p.status = 'active' "
                        "QUALIFY row_number() OVER (PARTITION BY p.pass_id ORDER BY g.gate_id) = 1").fetchall()
    return con, leader, cards


def measure(path: Path, residents: int, scans: int, seed: int) -> dict[str, list[float]]:
    """Milliseconds of each domain scan, wall clock and CPU."""
    con, leader, cards = _demo(path, residents, seed)
    chosen = random.Random(seed).sample(cards, min(scans, len(cards)))
    moment = max(con.execute("SELECT max(moved_at) FROM pass_movement").fetchone()[0] or config.now(),
                 config.now()) + timedelta(minutes=5)
    wall, cpu, allowed = [], [], 0
    for k, (code, gate) in enumerate(chosen):
        start, start_cpu = time.perf_counter(), time.process_time()
        shown = passes.scan(con, leader, code, gate, moment + timedelta(minutes=3 * k))
        wall.append(1000 * (time.perf_counter() - start))
        cpu.append(1000 * (time.process_time() - start_cpu))
        allowed += shown["allowed"]
    con.close()
    assert allowed > 0, "no scan was let through"
    return {"scan, wall": wall, "scan, CPU": cpu}


def measure_page(path: Path, scans: int, seed: int) -> dict[str, list[float]]:
    """The same typed into the gate page under AppTest (the whole page reruns)."""
    from streamlit.testing.v1 import AppTest

    con = db.connect(path)
    cards = con.execute("SELECT p.code, g.gate_id FROM gate_pass p JOIN household h USING (household_id) "
                        "JOIN stairwell s USING (stairwell_id) JOIN building b USING (building_id) "
                        "JOIN gate g ON g.compound_id = b.compound_id AND g.name = '东门' "
                        "WHERE p.status = 'active' ORDER BY p.pass_id").fetchall()
    con.close()
    gate = cards[0][1]
    chosen = [c for c, g in random.Random(seed + 1).sample(cards, min(len(cards), 5 * scans)) if g == gate][:scans]
    os.environ["RC_DB_PATH"] = str(path)
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=120)
    at.run()
    next(t for t in at.text_input if t.label == "用户名").input("leader")
    next(t for t in at.text_input if t.label == "密码").input(demo_database.DEMO_PASSWORD)
    at.button[0].click().run()
    at.session_state["gate_id"] = gate
    at.switch_page("views/edge/gate.py").run()
    wall = []
    for code in chosen:
        at.text_input(key="gate_code").input(code)
        start = time.perf_counter()
        next(b for b in at.button if b.label == "核验").click().run()
        wall.append(1000 * (time.perf_counter() - start))
        assert not at.exception, at.exception
    return {"page rerun, wall": wall}


def _print(title: str, figures: dict[str, list[float]]) -> None:
    print(f"{title:<70}median     p95")
    for label, values in figures.items():
        print(f"  {label:<20}{statistics.median(values):>58.1f}{_p95(values):>8.1f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=15_000)
    parser.add_argument("--scans", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--apptest", type=int, default=0, help="scans typed into the gate page (0: none)")
    args = parser.parse_args(argv)
    print(machine())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "community.duckdb"
        _print(f"pass scan round trip, domain, {args.scans} scans, {args.residents:,} residents (ms)",
               measure(path, args.residents, args.scans, args.seed))
        if args.apptest:
            _print(f"pass scan round trip, AppTest gate page, {args.apptest} scans (ms)",
                   measure_page(path, args.apptest, args.seed))


if __name__ == "__main__":
    main()
