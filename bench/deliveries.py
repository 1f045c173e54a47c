"""Benchmark: a day's door-to-door delivery rounds planned, against walking them in the order they came in.

Run `python -m bench.deliveries [--requests 500] [--volunteers 50] [--seed 42]`. Requests come from households
in buildings spread over a community of about 1 km² around the demo's centre (31.70N 119.95E), one to three
requests a household, in random order of arrival; volunteers live in those buildings and take 12 doors a round.
Figures only: the time to plan (pure routing, no database), total walking planned and in arrival order, and
their ratio, over the same routed requests.
"""

import argparse
import random
import time

import pandas as pd

from bench.overview import machine
from geo.distance import offset
from resilient.supplies.routing import in_arrival_order, plan_routes

CENTRE_LON, CENTRE_LAT = 119.95, 31.70
SIDE_M = 1_000
REQUESTS_PER_HOUSEHOLD = ([1, 2, 3], [0.6, 0.3, 0.1])
DOORS_PER_ROUND = 12
REACH_M = 800.0


def synthetic_day(requests: int, volunteers: int, seed: int = 42) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Requests (request_id, household_id, building_id, lon, lat, created_at) and volunteers at their homes."""
    rng = random.Random(seed)
    buildings = [(b, *offset(CENTRE_LON, CENTRE_LAT, rng.uniform(-SIDE_M / 2, SIDE_M / 2),
                              rng.uniform(-SIDE_M / 2, SIDE_M / 2))) for b in range(1, max(requests // 4, 2) + 1)]
    rows, household = [], 0
    while len(rows) < requests:
        household += 1
        building, lon, lat = rng.choice(buildings)
        for _ in range(rng.choices(*REQUESTS_PER_HOUSEHOLD)[0]):
            rows.append((len(rows) + 1, household, building, lon, lat))
    rng.shuffle(rows)
    frame = pd.DataFrame(rows[:requests], columns=["request_id", "household_id", "building_id", "lon", "lat"])
    frame["created_at"] = pd.Timestamp("2026-11-23 07:00") + pd.to_timedelta(range(len(frame)), unit="min")
    homes = pd.DataFrame([(v, *rng.choice(buildings)[1:], DOORS_PER_ROUND) for v in range(1, volunteers + 1)],
                         columns=["volunteer_id", "lon", "lat", "capacity"])
    return frame, homes


def figures(requests: int, volunteers: int, seed: int) -> list[tuple[str, object]]:
    stops, homes = synthetic_day(requests, volunteers, seed)
    started = time.perf_counter()
    plan = plan_routes(stops, homes, reach_m=REACH_M)
    seconds = time.perf_counter() - started
    paper = in_arrival_order(stops[stops["request_id"].isin(plan.routes["request_id"])], homes)
    return [("requests", len(stops)), ("households", int(stops["household_id"].nunique())),
            ("volunteers", len(homes)), ("requests routed", len(plan.routes)),
            ("requests not routed", len(plan.unassigned)), ("plan the routes (s)", seconds),
            ("walking, planned (m)", plan.total_m), ("walking, arrival order (m)", paper.total_m),
            ("arrival order / planned", paper.total_m / plan.total_m if plan.total_m else float("nan"))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--volunteers", type=int, default=50)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    print(machine())
    for label, value in figures(args.requests, args.volunteers, args.seed):
        print(f"{label:34}{value:>14,.2f}" if isinstance(value, float) else f"{label:34}{value:>14,}")


if __name__ == "__main__":
    main()
