"""Benchmark: a mass-testing round planned for a community and for a street, as figures only.

Run `python -m bench.planner [--sizes 15000,100000] [--seed 42]`. Stairwells stand in rows of slab
buildings around 31.70N 119.95E; sites are spread on a grid among them, sized by the national guide.
"""

import argparse
import math
import random
import time
from datetime import datetime

import pandas as pd

from bench.overview import machine
from geo.distance import offset
from resilient.testing.planner import plan_round, suggest_sizing

CENTRE_LON, CENTRE_LAT = 119.95, 31.70
PEOPLE_PER_STAIRWELL = (10, 74)  # walk-ups hold a dozen people, high-rise stairwells seventy
STAIRWELL_SPACING_M = 15
ROW_SPACING_M = 30
START = datetime(2026, 11, 23, 6, 0)


def synthetic_round(residents: int, seed: int = 42) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stairwells (about 42 people each) in building rows and guide-sized sites, seeded, for tests and figures."""
    rng = random.Random(seed)
    rows, total, building = [], 0, 0
    side = math.sqrt(residents / 15_000) * 600  # a 15,000-person community covers about 600 m square
    while total < residents:
        building += 1
        x, y = rng.uniform(-side / 2, side / 2), rng.uniform(-side / 2, side / 2)
        for unit in range(rng.randint(2, 6)):
            people = min(rng.randint(*PEOPLE_PER_STAIRWELL), residents - total)
            lon, lat = offset(CENTRE_LON, CENTRE_LAT, x + unit * STAIRWELL_SPACING_M, y)
            rows.append((len(rows) + 1, building, lon, lat, people))
            total += people
            if total >= residents:
                break
    stairwells = pd.DataFrame(rows, columns=["stairwell_id", "building_id", "lon", "lat", "people"])
    sizing = suggest_sizing(residents)
    n_sites = sizing["sites"]
    across = math.ceil(math.sqrt(n_sites))
    rows_of_sites = math.ceil(n_sites / across)
    sites = []
    for k in range(n_sites):
        row, place = divmod(k, across)
        in_row = min(across, n_sites - row * across)  # the last row spreads its few sites over the full width
        east = (place + 0.5) / in_row * side - side / 2 + rng.uniform(-ROW_SPACING_M, ROW_SPACING_M)
        north = (row + 0.5) / rows_of_sites * side - side / 2 + rng.uniform(-ROW_SPACING_M, ROW_SPACING_M)
        lon, lat = offset(CENTRE_LON, CENTRE_LAT, east, north)
        sites.append((k + 1, lon, lat, rng.randint(3, 5), 120, pd.NaT, pd.NaT))
    return stairwells, pd.DataFrame(sites, columns=["site_id", "lon", "lat", "desks", "swabs_per_desk_hour",
                                                    "opens", "closes"])


def measure(residents: int, seed: int) -> dict[str, float]:
    """Planning time and the plan's quality for one size."""
    stairwells, sites = synthetic_round(residents, seed)
    began = time.perf_counter()
    plan = plan_round(stairwells, sites, START)
    seconds = time.perf_counter() - began
    best = (plan.lower_bound - START).total_seconds()
    finishes = sorted(plan.site_finish.values())
    return {"stairwells": len(stairwells), "sites": len(sites), "planning (s)": seconds,
            "finish / lower bound": (plan.finish - START).total_seconds() / best,
            "finish (h)": (plan.finish - START).total_seconds() / 3600, "lower bound (h)": best / 3600,
            "site finish spread (min)": (finishes[-1] - finishes[0]).total_seconds() / 60,
            "longest wait (min)": plan.max_wait_minutes, "slot (min)": plan.slot_minutes,
            "groups": len(plan.batches), "mean walk (m)": plan.batches["walk_m"].mean(),
            "longest walk (m)": plan.batches["walk_m"].max()}


def main() -> None:
    """Print the figures for each size, one column per size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="15000,100000")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {size: measure(size, args.seed) for size in sizes}
    print(machine())
    print(f"{'':28}" + "".join(f"{size:>14,}" for size in sizes))
    for label in results[sizes[0]]:
        values = [results[size][label] for size in sizes]
        print(f"{label:28}" + "".join(f"{v:>14,.3f}" if isinstance(v, float) else f"{v:>14,}" for v in values))


if __name__ == "__main__":
    main()
