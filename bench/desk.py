"""Benchmark: server CPU per person at a sampling desk (find by room, then the tap that records), as figures only.

Run `python -m bench.desk [--residents 15000] [--people 200] [--seed 42]`. The demo community is built in memory,
one round with one site is opened, and each person is found by their flat as a desk types it (3-2-1502), then
sampled into the tube in hand (a new tube every pool). CPU is the process's (time.process_time), so a loaded
machine's other work is not counted; the issue's target is 100 ms per person. Calls the domain functions the
desk section calls, so the page's own rendering is not in it.
"""

import argparse
import statistics
import time
from datetime import datetime

from bench.overview import machine
from resilient.core import db
from resilient.core.accounts import User
from resilient.core.scope import EVERYTHING
from resilient.demo import generator as demo
from resilient.testing import desk
from resilient.testing import rounds as testing

ADMIN = User(1, "admin", "管理员", "street_admin")
TODAY = datetime(2026, 11, 23).date()


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(residents: int, people: int, seed: int) -> dict[str, list[float]]:
    """CPU milliseconds of each find, each record, and both, for `people` people of a fresh demo community."""
    con = db.connect(":memory:")
    demo.generate(con, residents=residents, seed=seed, as_of=TODAY)
    round_id = testing.create_round(con, ADMIN, 1, "bench", TODAY, datetime(2026, 11, 23, 6), pool_size=10)
    site = testing.add_site(con, ADMIN, round_id, "site", None, None, desks=4, building_id=1)
    everyone = testing.eligible_people(con, EVERYTHING, round_id, TODAY)
    sampled = everyone[everyone["mode"] == "site"].sample(n=people, random_state=seed)
    finds, records = [], []
    for k, person in enumerate(sampled.itertuples()):
        if k % 10 == 0:
            desk.open_tube(con, ADMIN, round_id, f"B{k:05d}", site)
        query = f"{person.building.removesuffix('栋')}-{person.unit_no}-{person.room}"
        start = time.process_time()
        found = desk.find_people(con, EVERYTHING, round_id, query, TODAY)
        middle = time.process_time()
        desk.add_sample(con, ADMIN, round_id, f"B{k - k % 10:05d}", int(person.resident_id), site)
        end = time.process_time()
        assert int(person.resident_id) in set(found["resident_id"])
        finds.append(1000 * (middle - start))
        records.append(1000 * (end - middle))
    con.close()
    return {"find": finds, "record": records, "find + record": [f + r for f, r in zip(finds, records)]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=15_000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    print(machine())
    figures = measure(args.residents, args.people, args.seed)
    print(f"desk CPU per person, {args.people} people of {args.residents:,} residents (ms)   median     p95")
    for label, values in figures.items():
        print(f"  {label:<16}{statistics.median(values):>62.1f}{_p95(values):>8.1f}")


if __name__ == "__main__":
    main()
