"""The demo database on disk: built once, aside, and renamed; its accounts; the command line.

The built-in community (one, 15,000 people) is set up through the set-up path a real office takes
(resilient.demo.office); a street or a district for the benchmarks may use the bulk generator instead.
"""

import argparse
import os
import time
from pathlib import Path

import duckdb

from resilient.core import accounts, db, queries
from resilient.demo import generator, office

DEMO_PASSWORD = "yongding-2020"  # demo databases only: the login page shows it; real databases have no demo accounts
DEMO_ACCOUNTS = [  # username, display name, role
    ("admin", "街道管理员（演示）", "street_admin"),
    ("leader", "社区书记（演示）", "community_leader"),
    ("grid1", "第1网格网格员（演示）", "grid_worker"),
    ("doctor", "社区医生（演示）", "doctor"),
    ("volunteer", "志愿者（演示）", "volunteer"),
    ("viewer", "只读查看（演示）", "viewer"),
]


def create_demo_accounts(con: duckdb.DuckDBPyConnection) -> list[accounts.User]:
    """One account per role in community 1, linked to real staff and volunteer records of the demo."""
    links = queries.fetch_df(con, "demo_account_links").iloc[0]
    made = []
    for username, name, role in DEMO_ACCOUNTS:
        made.append(accounts.create_user(
            con, None, username, name, DEMO_PASSWORD, role,
            community_id=None if role == "street_admin" else 1,
            staff_id=int(links["grid_worker"]) if role == "grid_worker" else
            int(links["doctor"]) if role == "doctor" else None,
            volunteer_id=int(links["volunteer"]) if role == "volunteer" else None))
    return made


def ensure_database(path: Path, residents: int = generator.RESIDENTS_PER_COMMUNITY, seed: int = 42,
                    target_buildings: int | None = None, bulk: bool = False) -> bool:
    """Create the demo database when there is none; built aside and renamed so a crash leaves no half file.

    Set up through the office path unless `bulk` (or `target_buildings`, which only the generator knows)."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + f".tmp{os.getpid()}")
    partial.unlink(missing_ok=True)
    con = db.connect(partial)
    try:
        if bulk or target_buildings is not None:
            generator.generate(con, residents=residents, seed=seed, target_buildings=target_buildings)
        else:
            office.build(con, residents=residents, seed=seed)
        create_demo_accounts(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(partial, path)
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate the demo community database.")
    parser.add_argument("--residents", type=int, default=generator.RESIDENTS_PER_COMMUNITY)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--buildings", type=int, help="about this many buildings in all, by adding low-rise blocks "
                        "(a district: 20000 for 1000000 residents); default: the usual compounds only")
    parser.add_argument("--bulk", action="store_true", help="the bulk generator, not the set-up path an office "
                        "takes (seconds for a district instead of minutes)")
    parser.add_argument("--path", type=Path, help="database file (default: RC_DB_PATH or data/community.duckdb)")
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    args = parser.parse_args(argv)
    from resilient.core.config import database_path

    path = args.path or database_path()
    if path.exists():
        if not args.force:
            parser.error(f"{path} exists; pass --force to replace it")
        path.unlink()
    started = time.perf_counter()
    ensure_database(path, residents=args.residents, seed=args.seed, target_buildings=args.buildings,
                    bulk=args.bulk)
    con = db.connect(path)
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("community", "building", "household", "resident", "control_measure")}
    print(f"{path}: {counts} in {time.perf_counter() - started:.1f} s")


