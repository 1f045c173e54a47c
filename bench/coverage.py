"""Benchmark: suggested volunteer assignments for the demo community and for a large synthetic case, as figures.

Run `python -m bench.coverage [--seed 42]`. The synthetic case spreads 5,000 vulnerable households and
500 volunteers (capacity 5 to 10, some already partly used) over a 1.5 km square around 31.70N 119.95E.
"""

import argparse
import random
import time
from datetime import date

import numpy as np

from bench.overview import machine
from geo.distance import local_matrix, offset
from resilient.core import db
from resilient.core.scope import Scope
from resilient.coverage import volunteers as coverage
from resilient.demo import generator as demo

CENTRE_LON, CENTRE_LAT = 119.95, 31.70
TODAY = date(2026, 11, 23)


def synthetic(households: int = 5_000, volunteers: int = 500, side_m: float = 1_500.0, seed: int = 42):
    """Household and volunteer positions (lon, lat arrays) and free capacities, seeded."""
    rng = random.Random(seed)

    def place(n):
        points = [offset(CENTRE_LON, CENTRE_LAT, rng.uniform(0, side_m), rng.uniform(0, side_m)) for _ in range(n)]
        return np.array([p[0] for p in points]), np.array([p[1] for p in points])

    h_lon, h_lat = place(households)
    v_lon, v_lat = place(volunteers)
    free = np.array([max(0, rng.randint(5, 10) - rng.randint(0, 4)) for _ in range(volunteers)])
    return h_lon, h_lat, v_lon, v_lat, free


def bench_synthetic(households: int, volunteers: int, seed: int, reach_m: float = 300.0) -> dict:
    """Distances and the exact solver on generated positions."""
    h_lon, h_lat, v_lon, v_lat, free = synthetic(households, volunteers, seed=seed)
    started = time.perf_counter()
    dist = local_matrix(h_lon, h_lat, v_lon, v_lat)
    pairs = coverage.match(dist, free, reach_m)
    seconds = time.perf_counter() - started
    return {"households": households, "volunteers": volunteers, "free_slots": int(free.sum()),
            "seconds": seconds, "covered_share": len(pairs) / households,
            "mean_distance_m": float(np.mean([dist[i, j] for i, j in pairs])) if pairs else 0.0}


def bench_demo(seed: int) -> dict:
    """The whole suggest() path (queries, rules, solver) on the demo community."""
    con = db.connect(":memory:")
    try:
        demo.generate(con, seed=seed, as_of=TODAY)
        suggestion = coverage.suggest(con, Scope(), coverage.CoverageSettings(), TODAY)
    finally:
        con.close()
    return {"vulnerable": suggestion.vulnerable, "covered_now": suggestion.covered_now,
            "covered_after": suggestion.covered_after, "seconds": suggestion.seconds,
            "share_now": suggestion.covered_now / max(suggestion.vulnerable, 1),
            "share_after": suggestion.covered_after / max(suggestion.vulnerable, 1)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    print(machine())
    d = bench_demo(args.seed)
    print(f"demo community: {d['vulnerable']} vulnerable households, covered {d['covered_now']} "
          f"({d['share_now']:.1%}) -> {d['covered_after']} ({d['share_after']:.1%}); suggest() {d['seconds']:.2f} s")
    s = bench_synthetic(5_000, 500, args.seed)
    print(f"synthetic: {s['households']} households, {s['volunteers']} volunteers, {s['free_slots']} free slots: "
          f"covered share {s['covered_share']:.1%}, mean walk {s['mean_distance_m']:.0f} m; "
          f"distances + solver {s['seconds']:.2f} s (target < 2 s)")


if __name__ == "__main__":
    main()
