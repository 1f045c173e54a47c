"""Benchmark: a mass-testing round planned for a community and for a street, as figures only.

Run `python -m bench.planner [--sizes 15000,100000] [--seed 42] [--street]`. Stairwells stand in rows of slab
buildings around 31.70N 119.95E; sites are spread on a grid among them, sized by the national guide. `--street`
adds the demo generator's street (100,000 residents, 2,000 buildings, about 3,600 stairwells, in memory) with the
guide's 40 sites at random buildings, one site per compound as an office would pick by hand, and the p-median's.
"""

import argparse
import math
import random
import time
from datetime import datetime

import numpy as np
import pandas as pd

from bench.overview import machine
from geo.distance import offset
from resilient.testing import assignment, planner, pooling, sheets, siting
from resilient.testing.planner import plan_round, suggest_sizing

CENTRE_LON, CENTRE_LAT = 119.95, 31.70
PEOPLE_PER_STAIRWELL = (10, 74)  # walk-ups hold a dozen people, high-rise stairwells seventy
STAIRWELL_SPACING_M = 15
ROW_SPACING_M = 30
START = datetime(2026, 11, 23, 6, 0)
HOUSEHOLD_SIZES = ([1, 2, 3, 4, 5], [0.28, 0.38, 0.22, 0.09, 0.03])  # the demo register's flats by head count


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


def lp_optimum(stairwells: pd.DataFrame, sites: pd.DataFrame, plan) -> float:
    """Person-metres of the assignment's LP with every column, at the plan's own finish."""
    rates = planner.site_rates(sites)
    per_slot = np.floor(rates * plan.slot_minutes + 1e-9)
    first, stop = planner.site_windows(sites, START, plan.slot_minutes)
    k = (plan.finish - START).total_seconds() / 60 / plan.slot_minutes
    capacity = planner.capacities(per_slot, first, stop, k)
    wanted = stairwells[stairwells["people"] > 0]
    return assignment.solve_lp(wanted["people"].to_numpy(float), planner.distance_matrix(wanted, sites),
                               capacity).walking


def households_of(batches: pd.DataFrame, stairwells: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Each stairwell's people as flats of the demo's sizes, floor by floor up, placed in the plan's groups as the
    call-down sheet places them: what plan_tubes packs."""
    rng = np.random.default_rng(seed)
    rows = []
    for stairwell, people in zip(stairwells["stairwell_id"], stairwells["people"]):
        left = int(people)
        while left:
            size = min(int(rng.choice(HOUSEHOLD_SIZES[0], p=HOUSEHOLD_SIZES[1])), left)
            rows.append((stairwell, size))
            left -= size
    homes = pd.DataFrame(rows, columns=["stairwell_id", "people"])
    groups = batches.merge(stairwells[["stairwell_id", "building_id"]], on="stairwell_id")
    homes = homes.assign(group=sheets.into_groups(homes, groups)).dropna(subset=["group"]).astype({"group": int})
    return homes.join(groups.drop(columns=["stairwell_id", "people"]), on="group").assign(
        unit_no=lambda f: f["stairwell_id"])


def measure(residents: int, seed: int, stairwells: pd.DataFrame | None = None,
            sites: pd.DataFrame | None = None) -> dict[str, float]:
    """Planning time and the plan's quality for one size."""
    if stairwells is None:
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
            "longest walk (m)": plan.batches["walk_m"].max(),
            "mean walk to nearest (m)": siting.mean_walk_to_nearest(stairwells, sites),
            "walking / LP optimum": float((plan.batches["people"] * plan.batches["walk_m"]).sum())
            / lp_optimum(stairwells, sites, plan),
            "stairwells per tube, 10-in-1, runs": pooling.plan_stairwells_per_tube(plan.batches, sites, 10),
            "stairwells per tube, 10-in-1, 1 by 1": pooling.plan_stairwells_per_tube(plan.batches, sites, 10,
                                                                                     runs=False),
            "stairwells per tube, 10-in-1, plan": pooling.planned_stairwells_per_tube(
                households_of(plan.batches, stairwells, seed), 10)}


def street(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The demo generator's street in memory: per stairwell the people who walk to a site (through the planner's
    own query, one round per community), and the stairwells' buildings and compounds."""
    from datetime import date

    from resilient.core import db, queries
    from resilient.core.scope import EVERYTHING
    from resilient.demo import generator
    from resilient.places import places
    from resilient.testing import rounds

    day = date(2026, 11, 23)
    con = db.connect(":memory:")
    generator.generate(con, residents=100_000, seed=seed, as_of=day, target_buildings=2_000)
    frames = []
    for community_id in places.communities(con, EVERYTHING)["community_id"].astype(int):
        round_id = queries.fetch_all(con, "testing_round_insert", community_id=community_id, round_name="bench",
                                     round_date=day, start_at=START, pool_size=10, household_tubes=False,
                                     created_by="bench", created_at=START)[0][0]
        frames.append(rounds.stairwell_load(con, EVERYTHING, round_id, day))
    names = rounds.stairwell_names(con, EVERYTHING)
    con.close()
    return pd.concat(frames, ignore_index=True), names


def street_sites(stairwells: pd.DataFrame, chosen: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Sites at the chosen buildings with the guide's desks: the suggestion's own where it gives them, else an
    equal share of the street's (give or take one), as an office would set them by hand."""
    rng = random.Random(seed)
    desks = max(1, round(stairwells["people"].sum() / planner.GUIDE_RESIDENTS_PER_DESK / len(chosen)))
    given = chosen["desks"].tolist() if "desks" in chosen else [desks + rng.randint(-1, 1) for _ in chosen.index]
    return pd.DataFrame({"site_id": range(1, len(chosen) + 1), "lon": chosen["lon"].to_numpy(),
                         "lat": chosen["lat"].to_numpy(), "desks": given,
                         "swabs_per_desk_hour": 120, "opens": pd.NaT, "closes": pd.NaT})


def measure_street(seed: int) -> dict[str, dict[str, float]]:
    """The generated street planned at three site choices, and the suggestion's walk against by hand."""
    stairwells, names = street(seed)
    buildings = stairwells.groupby("building_id", as_index=False)[["lon", "lat"]].mean()
    compounds = buildings.merge(names[["building_id", "compound"]].drop_duplicates(), on="building_id")
    # A building of each compound (by name: the generator reuses compound names across communities)
    by_hand = compounds.groupby("compound").sample(1, random_state=seed)
    guide = siting.site_count(int(stairwells["people"].sum()))
    began = time.perf_counter()
    suggested = siting.suggest(stairwells, buildings, len(by_hand))
    suggest_s = time.perf_counter() - began
    choices = {"40 at random buildings": buildings.sample(guide, random_state=seed),
               f"{len(by_hand)} by hand (1 per compound)": by_hand,
               f"{len(by_hand)} suggested (p-median)": suggested,
               f"{guide} suggested (p-median)": siting.suggest(stairwells, buildings, guide)}
    choices[f"{guide} at random buildings"] = choices.pop("40 at random buildings")
    out = {}
    for label, chosen in choices.items():
        figures = measure(0, seed, stairwells, street_sites(stairwells, chosen, seed))
        figures["suggestion (s)"] = suggest_s
        out[label] = figures
    return out


def main() -> None:
    """Print the figures for each size, one column per size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="15000,100000")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--street", action="store_true", help="also the generated street at three site choices")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {size: measure(size, args.seed) for size in sizes}
    print(machine())
    print(f"{'':38}" + "".join(f"{size:>14,}" for size in sizes))
    for label in results[sizes[0]]:
        values = [results[size][label] for size in sizes]
        print(f"{label:38}" + "".join(f"{v:>14,.3f}" if isinstance(v, float) else f"{v:>14,}" for v in values))
    if args.street:
        results = measure_street(args.seed)
        print("\ngenerated street, 100,000 residents; sites:")
        for choice, figures in results.items():
            print(f"  {choice}")
            for label, value in figures.items():
                print(f"    {label:38}{value:>14,.3f}" if isinstance(value, float) else f"    {label:38}{value:>14,}")


if __name__ == "__main__":
    main()
