"""Benchmark: a street's household register (100,000 rows) read, checked and loaded, as figures only.

Run `python -m bench.imports [--residents 100000] [--seed 42]`. The register is exported from a demo
street with fresh valid ID numbers (the database keeps only hashes), loaded into the same places with their
residents removed (a first load), loaded again (nothing to change), loaded with one phone in ten changed, and
loaded as a census into a street that has only its communities and compounds.
"""

import argparse
import csv
import io
from datetime import date

import duckdb
import pandas as pd

from bench.overview import machine, timed
from resilient.core import db
from resilient.core.accounts import User
from resilient.core.scope import EVERYTHING
from resilient.demo import generator as demo
from resilient.demo.examples import register_frame
from resilient.imports import register as ri

AS_OF = date(2026, 11, 23)
BENCH_USER = User(0, "bench", "benchmark", "street_admin")
def csv_bytes(frame: pd.DataFrame, encoding: str = "utf-8-sig") -> bytes:
    """The frame as Excel writes a CSV: a BOM for UTF-8, every field as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(frame.columns)
    writer.writerows(frame.itertuples(index=False))
    return buffer.getvalue().encode(encoding)


def load(con: duckdb.DuckDBPyConnection, data: bytes, census: bool = False) -> dict:
    """Read, match, validate and commit one file, with the seconds each step took and what the commit did."""
    read_s, frame = timed(lambda: ri.read_table(data, "register.csv"))
    mapping, _ = ri.match_headers(frame.columns)
    validate_s, preview = timed(lambda: ri.validate_register(con, frame, mapping, community_id=None,
                                                             scope=EVERYTHING, census=census, today=AS_OF))
    if preview.problems:
        raise SystemExit(f"unexpected problems: {preview.problems[:5]}")
    commit_s, counts = timed(lambda: ri.commit_register(con, BENCH_USER, preview, source_name="register.csv"))
    return {"read_s": read_s, "validate_s": validate_s, "commit_s": commit_s, **counts}


# What hangs on residents and their measures, children first: emptied with them so no reference dangles.
# Every table naming a resident or an arrival, children first (tests/imports checks the references hold after).
PEOPLES_RECORDS = ("fever_alert", "health_code", "health_check", "measure_event", "measure_follower",
                   "arrival_visit", "pass_movement", "gate_pass", "close_contact", "arrival", "volunteer_assignment",
                   "control_measure", "resident")


def empty_street(con: duckdb.DuckDBPyConnection) -> None:
    """Only communities, compounds and grid cells left: the census case, where the import makes every place."""
    for table in (*PEOPLES_RECORDS, "supply_request_event", "supply_request", "support_follow_up",
                  "support_referral_made", "support_need", "store_movement", "household", "stairwell", "contact",
                  "team_household", "building_leader", "volunteer", "building"):
        con.execute(f"DELETE FROM {table}")  # benchmark set-up on its own throwaway database


def main(argv: list[str] | None = None) -> None:
    """Print the machine, then read/validate/commit seconds for each kind of load."""
    parser = argparse.ArgumentParser(description="Time a household-register import.")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    print(machine())
    con = db.connect(":memory:")
    generate_s, _ = timed(lambda: demo.generate(con, residents=args.residents, seed=args.seed, as_of=AS_OF))
    frame = register_frame(con, args.seed)
    data = csv_bytes(frame)
    print(f"demo street: {args.residents:,} residents generated in {generate_s:.1f} s; register CSV "
          f"{len(frame):,} rows, {len(data) / 1e6:.1f} MB")
    for table in ("volunteer_assignment", "control_measure", "resident"):
        con.execute(f"DELETE FROM {table}")  # the places stay: a first load of people
    runs = {"first load": load(con, data), "same file again": load(con, data)}
    changed = frame.copy()
    every_tenth = changed.index % 10 == 0
    changed.loc[every_tenth, "联系电话"] = [f"199{i:08d}" for i in range(int(every_tenth.sum()))]
    runs["1 phone in 10 changed"] = load(con, csv_bytes(changed))
    census = db.connect(":memory:")
    demo.generate(census, residents=args.residents, seed=args.seed, as_of=AS_OF)
    empty_street(census)
    runs["census (makes places)"] = load(census, data, census=True)
    print(f"{'':24}{'read s':>8}{'validate s':>12}{'commit s':>10}{'total s':>9}{'created':>9}{'updated':>9}"
          f"{'unchanged':>11}{'flats made':>12}")
    for name, r in runs.items():
        total = r["read_s"] + r["validate_s"] + r["commit_s"]
        print(f"{name:24}{r['read_s']:8.2f}{r['validate_s']:12.2f}{r['commit_s']:10.2f}{total:9.2f}"
              f"{r['created']:9,}{r['updated']:9,}{r['unchanged']:11,}{r['households_created']:12,}")


if __name__ == "__main__":
    main()
