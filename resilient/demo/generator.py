"""The built-in demo community: seeded, realistic, and vectorised so a million residents take seconds.

Numbers follow shared/DOMAIN.md (Yongding, Changzhou, early 2020). Same seed and date, same database.
Run `python -m resilient.demo --bulk --residents 1000000 --path /tmp/big.duckdb` to make a large one.
"""

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd
import shapely
from shapely import affinity
from shapely.geometry import box

from geo.distance import offset, to_lonlat
from resilient.core import config, db, ids, queries
from resilient.core.config import today
from resilient.demo import daily as demo_daily
from resilient.places import geometry

CENTRE_LON, CENTRE_LAT = 119.95, 31.70
RESIDENTS_PER_COMMUNITY = 15_000
PEOPLE_PER_HOUSEHOLD = 15_000 / 6_750
OCCUPANCY = 0.9  # share of flats lived in; the rest are empty or rented out elsewhere

# Household sizes in an urban Chinese community (mean ≈ 2.22 people).
SIZE_SHARES = {1: 0.28, 2: 0.38, 3: 0.22, 4: 0.09, 5: 0.03}

# Per 15,000 residents, as counted in Yongding: (category, origin, count).
MEASURES_PER_15K = [
    ("centralised_quarantine", "key_area", 18),
    ("medical_observation", "key_area", 1),
    ("home_isolation", "key_area", 370),
    ("home_isolation", "close_contact", 60),
    ("home_observation", "key_area", 719),
    ("centralised_quarantine", "abroad", 26),
    ("health_monitoring", "other_area", 2_500),
]
MEASURE_DAYS = 14
MEASURE_SPREAD_DAYS = 21  # start dates over the last three weeks

STAFF_PER_COMMUNITY = {"grid_worker": 8, "doctor": 3, "police": 2}
VOLUNTEERS_PER_COMMUNITY = 72
GRID_CELLS_PER_COMMUNITY = 8
FLATS_PER_BUILDING = 80  # the two usual compounds' mean, measured on the demo: 7,517 flats in 94 buildings
LOW_RISE_FLATS = 12  # a low-rise block's mean (1-2 stairwells, 2 flats a floor, about 3 floors)
LOW_RISE_NAMES = ["南塘老街", "河西片区", "北岸新村", "东坝里"]

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
    "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强海燕文斌晓东丹宇浩然"
             "子涵梓萱欣怡一诺雨桐俊杰思远佳琪博文")
COMPOUND_NAMES = ["永宁花园", "丽景苑", "和平新村", "阳光里", "锦绣家园", "翠竹苑", "滨河小区", "书香名邸"]
COMMUNITY_NAMES = ["永定", "新桥", "河海", "龙虎塘", "春江", "魏村", "薛家", "罗溪", "西夏墅", "孟河"]
REGION_CODES = ["320402", "320404", "320411", "320412", "320413"]


@dataclass
class Layout:
    """Buildings of one community before they get ids: footprints in lon/lat and their shape."""

    compound: list[int]
    name: list[str]
    floors: list[int]
    units: list[int]
    flats_per_floor: list[int]
    property_managed: list[bool]
    footprint: list


def _compound_buildings(rng: random.Random, old: bool, flats_wanted: int, origin_x: float, width: float):
    """Rows of slab buildings facing south, roads between rows, placed until the compound holds enough flats.

    Old compounds: 6-7 floor walk-ups with 3-6 stairwells. Newer ones: high-rises of 11-33 floors.
    Returns footprints in local metres (x east, y north) with the compound's north-west corner at origin_x, 0.
    """
    buildings = []
    flats = 0
    y = 0.0
    while flats < flats_wanted:
        row_depth = 0.0
        x = origin_x
        row = []
        while flats < flats_wanted:
            if old:
                units, floors, per_floor = rng.randint(3, 6), rng.choice([6, 6, 6, 7]), 2
                unit_width, depth = rng.uniform(13, 15), rng.uniform(10, 12)
            else:
                units = rng.randint(2, 3)
                floors = rng.choice([11, 11, 18, 18, 26, 33])
                per_floor = rng.choice([2, 2, 3, 4])
                unit_width, depth = rng.uniform(16, 20), rng.uniform(13, 16)
            length = units * unit_width
            if x + length > origin_x + width and row:
                break
            row.append((box(x, y - depth, x + length, y), units, floors, per_floor))
            flats += units * floors * per_floor
            x += length + rng.uniform(8, 14)  # fire gap between buildings of a row
            row_depth = max(row_depth, depth)
        buildings.extend(row)
        # Sunlight spacing grows with height; a road runs in every gap.
        tallest = max(f for _, _, f, _ in row)
        y -= row_depth + max(18.0, 0.6 * tallest * 3.0) + rng.uniform(0, 4)
    return buildings, -y


def _low_rise_share(flats_wanted: float, buildings: int | None) -> float:
    """Share of a community's flats in low-rise blocks so that it has about `buildings` buildings in all (0 when
    the two usual compounds already make that many): districts count many more, smaller buildings."""
    if not buildings:
        return 0.0
    share = (buildings / flats_wanted - 1 / FLATS_PER_BUILDING) / (1 / LOW_RISE_FLATS - 1 / FLATS_PER_BUILDING)
    return min(max(share, 0.0), 0.9)


def _low_rise_buildings(rng: random.Random, flats_wanted: int, count: int, origin_x: float, width: float):
    """Exactly `count` small blocks of 1-7 floors (older lanes, 城中村) holding about `flats_wanted` flats."""
    buildings = []
    x, y, row_depth = origin_x, 0.0, 0.0
    for k in range(count):
        units = rng.choice([1, 1, 2])
        per_floor = 2
        wanted = (flats_wanted - sum(u * f * p for _, u, f, p in buildings)) / (count - k)
        floors = min(max(round(wanted / (units * per_floor)), 1), 7)
        unit_width, depth = rng.uniform(10, 12), rng.uniform(8, 10)
        length = units * unit_width
        if x + length > origin_x + width and x > origin_x:
            x, y = origin_x, y - row_depth - rng.uniform(10, 14)
            row_depth = 0.0
        buildings.append((box(x, y - depth, x + length, y), units, floors, per_floor))
        x += length + rng.uniform(5, 8)
        row_depth = max(row_depth, depth)
    return buildings, -(y - row_depth)


def community_layout(rng: random.Random, households: int, lon0: float, lat0: float,
                     buildings: int | None = None) -> Layout:
    """Two compounds either side of a street: an old walk-up estate and a newer high-rise one; a third of
    low-rise blocks when `buildings` asks for more buildings than those two make."""
    flats_wanted = households / OCCUPANCY
    layout = Layout([], [], [], [], [], [], [])
    x0 = 0.0
    low = _low_rise_share(flats_wanted, buildings)
    kinds = [(True, 0.45 * (1 - low)), (False, 0.55 * (1 - low))] + ([(None, low)] if low else [])
    for compound_index, (old, share) in enumerate(kinds):
        width = rng.uniform(280, 380)
        if old is None:
            placed, _depth = _low_rise_buildings(rng, int(flats_wanted * share), max(buildings - len(layout.name), 1),
                                                 x0, width)
        else:
            placed, _depth = _compound_buildings(rng, old, int(flats_wanted * share), x0, width)
        angle = rng.uniform(-12, 12)
        centre = (x0 + width / 2, -_depth / 2)
        for number, (fp, units, floors, per_floor) in enumerate(placed, start=1):
            turned = affinity.rotate(fp, angle, origin=centre)
            layout.compound.append(compound_index)
            layout.name.append(f"{number}栋")
            layout.floors.append(floors)
            layout.units.append(units)
            layout.flats_per_floor.append(per_floor)
            # Old estates often have no property company: the hardest places to supply the elderly.
            layout.property_managed.append(old is False or rng.random() < 0.2)
            layout.footprint.append(to_lonlat(turned, lon0, lat0))
        x0 += width + 60  # a city street between the two compounds
    return layout


def _community_origin(index: int, count: int) -> tuple[float, float]:
    """Communities on a square grid, 1.5 km apart, centred on the demo location."""
    side = math.ceil(math.sqrt(count))
    row, col = divmod(index, side)
    return offset(CENTRE_LON, CENTRE_LAT, (col - (side - 1) / 2) * 1500 - 400, ((side - 1) / 2 - row) * 1500 + 250)


def _names(npr: np.random.Generator, n: int) -> np.ndarray:
    surname = npr.choice(SURNAMES, n)
    first = npr.choice(GIVEN, n)
    second = np.where(npr.random(n) < 0.6, npr.choice(GIVEN, n), "")
    return np.char.add(np.char.add(surname, first), second)


def _phones(npr: np.random.Generator, n: int) -> np.ndarray:
    prefix = npr.choice(["13", "15", "17", "18", "19"], n)
    rest = npr.integers(0, 10**9, n)
    return np.char.add(prefix, np.char.zfill(rest.astype(str), 9))


# Household types: (size, members' roles, chance within that size). Roles: 0 adult, 1 elder, 2 child.
HOUSEHOLD_TYPES = [
    (1, [1], 0.35),           # elderly living alone
    (1, [0], 0.65),
    (2, [1, 1], 0.25),        # elderly-only couple
    (2, [0, 0], 0.65),
    (2, [0, 2], 0.10),
    (3, [0, 0, 2], 0.85),
    (3, [0, 1, 1], 0.15),
    (4, [0, 0, 2, 1], 0.40),
    (4, [0, 0, 2, 2], 0.60),
    (5, [0, 0, 2, 1, 1], 1.00),
]


def _household_sizes(npr: np.random.Generator, households: int, residents: int) -> np.ndarray:
    """Sizes drawn from SIZE_SHARES, then nudged so they add up to exactly `residents`."""
    sizes = npr.choice(list(SIZE_SHARES), households, p=list(SIZE_SHARES.values()))
    gap = residents - int(sizes.sum())
    while gap != 0:
        step = 1 if gap > 0 else -1
        can = np.flatnonzero((sizes < 5) if step > 0 else (sizes > 1))
        pick = npr.choice(can, min(abs(gap), len(can)), replace=False)
        sizes[pick] += step
        gap = residents - int(sizes.sum())
    return sizes


def _members(npr: np.random.Generator, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every resident: household index, position in the household, role (adult / elder / child)."""
    table = np.full((len(HOUSEHOLD_TYPES), 5), -1)
    for t, (_, roles, _) in enumerate(HOUSEHOLD_TYPES):
        table[t, : len(roles)] = roles
    kind = np.empty(len(sizes), dtype=np.int64)
    for size in range(1, 6):
        options = [t for t, (s, _, _) in enumerate(HOUSEHOLD_TYPES) if s == size]
        weights = np.array([HOUSEHOLD_TYPES[t][2] for t in options])
        mask = sizes == size
        kind[mask] = npr.choice(options, int(mask.sum()), p=weights / weights.sum())
    roles = table[kind]
    filled = roles >= 0
    household_index = np.nonzero(filled)[0]
    position = np.nonzero(filled)[1]
    return household_index, position, roles[filled]


def _birth_dates(npr: np.random.Generator, roles: np.ndarray, as_of: date) -> np.ndarray:
    age_days = np.where(
        roles == 1,
        (60 + npr.gamma(2.0, 6.0, len(roles)).clip(0, 38)) * 365.25,
        np.where(roles == 2, npr.uniform(0, 18, len(roles)) * 365.25, npr.uniform(20, 60, len(roles)) * 365.25),
    ).astype(np.int64)
    return np.datetime64(as_of, "D") - age_days.astype("timedelta64[D]")


def _id_numbers(npr: np.random.Generator, births: np.ndarray, male: np.ndarray) -> np.ndarray:
    """Valid, distinct 18-digit numbers: region, birth date, sequence with sex parity, GB 11643 check digit."""
    n = len(births)
    region = npr.choice(REGION_CODES, n)
    ymd = pd.DatetimeIndex(births).strftime("%Y%m%d").to_numpy().astype(str)
    # Sequence numbers distinct within (region, birth date, sex): a random start per group, then steps of 37,
    # which is coprime with 500 and so never repeats within a group of up to 500 people.
    groups = pd.DataFrame({"region": region, "ymd": ymd, "male": male, "start": npr.integers(0, 500, n)})
    grouped = groups.groupby(["region", "ymd", "male"], sort=False)
    slot = (grouped["start"].transform("first").to_numpy() + grouped.cumcount().to_numpy() * 37) % 500
    seq = slot * 2 + np.where(male, 1, 0)
    first17 = np.char.add(np.char.add(region, ymd), np.char.zfill(seq.astype(str), 3))
    digits = np.frombuffer(first17.astype("S17").tobytes(), dtype=np.uint8).reshape(n, 17) - ord("0")
    return np.char.add(first17, ids.check_digits(digits))


def generate(con: duckdb.DuckDBPyConnection, residents: int = RESIDENTS_PER_COMMUNITY, seed: int = 42,
             as_of: date | None = None, target_buildings: int | None = None) -> dict[str, int]:
    """Fill an empty, migrated database with a demo street of communities; returns row counts.

    `target_buildings` asks for about that many buildings in all (a district's 20,000 for a million people) by adding
    low-rise blocks; None keeps the usual two compounds per community."""
    as_of = as_of or today()
    rng = random.Random(seed)
    npr = np.random.default_rng(seed)
    n_communities = max(1, round(residents / RESIDENTS_PER_COMMUNITY))
    households_total = round(residents / PEOPLE_PER_HOUSEHOLD)

    communities, staff, grids, compounds, buildings, stairwells = [], [], [], [], [], []
    flat_rows: list[np.ndarray] = []
    volunteer_rows = []
    for c in range(n_communities):
        cid = c + 1
        share = households_total // n_communities + (1 if c < households_total % n_communities else 0)
        lon0, lat0 = _community_origin(c, n_communities)
        wanted = None if target_buildings is None else \
            target_buildings // n_communities + (c < target_buildings % n_communities)
        layout = community_layout(rng, share, lon0, lat0, wanted)
        name = COMMUNITY_NAMES[c % len(COMMUNITY_NAMES)] + ("" if c < len(COMMUNITY_NAMES) else str(c + 1))
        communities.append((cid, f"{name}社区", "三井街道", "常州市新北区"))
        for role, count in STAFF_PER_COMMUNITY.items():
            for _ in range(count):
                staff.append((len(staff) + 1, cid, role, None, None))
        workers = [s[0] for s in staff if s[1] == cid and s[2] == "grid_worker"]
        compound_ids = []
        for k in range(max(layout.compound) + 1):
            compound_ids.append(len(compounds) + 1)
            compounds.append((len(compounds) + 1, cid, COMPOUND_NAMES[(2 * c + k) % len(COMPOUND_NAMES)] if k < 2
                              else LOW_RISE_NAMES[c % len(LOW_RISE_NAMES)]))
        # Grid cells: contiguous runs of buildings holding about equal numbers of flats.
        flats = np.array(layout.units) * np.array(layout.floors) * np.array(layout.flats_per_floor)
        cell = np.minimum((np.cumsum(flats) - flats / 2) * GRID_CELLS_PER_COMMUNITY // flats.sum(),
                          GRID_CELLS_PER_COMMUNITY - 1).astype(int)
        first_grid = len(grids) + 1
        for g in range(GRID_CELLS_PER_COMMUNITY):
            grids.append((first_grid + g, cid, f"第{g + 1}网格", workers[g % len(workers)]))
        first_building = len(buildings) + 1
        for i in range(len(layout.name)):
            bid = len(buildings) + 1
            buildings.append((bid, compound_ids[layout.compound[i]], first_grid + int(cell[i]), layout.name[i],
                              layout.floors[i], layout.property_managed[i], shapely.to_wkb(layout.footprint[i])))
            for unit in range(1, layout.units[i] + 1):
                sid = len(stairwells) + 1
                stairwells.append((sid, bid, unit))  # shapes cut from the footprint after insert
                floors = np.repeat(np.arange(1, layout.floors[i] + 1), layout.flats_per_floor[i])
                doors = np.tile(np.arange(1, layout.flats_per_floor[i] + 1), layout.floors[i])
                flat_rows.append(np.column_stack([np.full(len(floors), sid), floors, doors, np.full(len(floors), cid)]))
        building_ids = list(range(first_building, len(buildings) + 1))
        for _ in range(VOLUNTEERS_PER_COMMUNITY):
            volunteer_rows.append((len(volunteer_rows) + 1, cid, rng.choice(building_ids),
                                   rng.choice([3, 4, 5, 5, 6, 8, 10]), rng.random() < 0.9))

    # Households: occupied flats chosen per community so each holds its share.
    flats = np.vstack(flat_rows)
    chosen = []
    for c in range(n_communities):
        share = households_total // n_communities + (1 if c < households_total % n_communities else 0)
        pool = np.flatnonzero(flats[:, 3] == c + 1)
        chosen.append(np.sort(npr.choice(pool, min(share, len(pool)), replace=False)))
    occupied = flats[np.concatenate(chosen)]
    n_households = len(occupied)
    households = pd.DataFrame({
        "household_id": np.arange(1, n_households + 1),
        "stairwell_id": occupied[:, 0],
        "floor": occupied[:, 1],
        "room": np.char.add(occupied[:, 1].astype(str), np.char.zfill(occupied[:, 2].astype(str), 2)),
    })

    sizes = _household_sizes(npr, n_households, residents)
    hh_index, position, roles = _members(npr, sizes)
    n = len(roles)
    # Couples: first member male, second female; everyone else by chance.
    male = np.where(position == 0, True, np.where(position == 1, False, npr.random(n) < 0.5))
    swap = npr.random(n) < 0.5
    male = np.where((position <= 1) & swap, ~male, male)
    births = _birth_dates(npr, roles, as_of)
    age = (np.datetime64(as_of, "D") - births).astype(np.int64) / 365.25
    id_numbers = _id_numbers(npr, births, male)
    phones = np.where((age >= 12) & ~((age >= 80) & (npr.random(n) < 0.4)), _phones(npr, n), None)
    elder = roles == 1
    female_adult = (~male) & (age >= 22) & (age < 40)
    resident_df = pd.DataFrame({
        "resident_id": np.arange(1, n + 1),
        "household_id": hh_index + 1,
        "name": _names(npr, n),
        "sex": np.where(male, "M", "F"),
        "birth_date": births,
        "phone": phones,
        "id_number": id_numbers,
        "disabled": npr.random(n) < np.where(elder, 0.02, 0.005),
        "bedridden": npr.random(n) < np.where(age >= 75, 0.03, 0.0005),
        "chronic_illness": npr.random(n) < np.where(elder, 0.06, 0.003),
        "low_income": np.repeat(npr.random(n_households) < 0.012, sizes),
        "pregnant": female_adult & (npr.random(n) < 0.03),
    })

    # Returnees cluster: some buildings house many more of them (rented flats, workers' families).
    stairwell_building = np.array([s[1] for s in stairwells])
    building_of_resident = stairwell_building[households["stairwell_id"].to_numpy()[hh_index] - 1]
    exposure = npr.lognormal(0.0, 0.8, len(buildings))[building_of_resident - 1]
    measures = _measures(npr, resident_df, np.where((age >= 20) & (age < 60), 3.0, 1.0) * exposure, as_of)
    salt = f"{rng.getrandbits(128):032x}"
    names = {sid: n for sid, n in zip(range(1, len(staff) + 1), _names(npr, len(staff)))}
    staff = [(s[0], s[1], s[2], names[s[0]], p) for s, p in zip(staff, _phones(npr, len(staff)))]
    vol_names, vol_phones = _names(npr, len(volunteer_rows)), _phones(npr, len(volunteer_rows))
    volunteers = [(v[0], v[1], vol_names[i], vol_phones[i], v[2], v[3], v[4]) for i, v in enumerate(volunteer_rows)]
    building_grid = np.array([b[2] for b in buildings])
    household_grid = building_grid[stairwell_building[households["stairwell_id"].to_numpy() - 1] - 1]
    assignments = _assignments(npr, resident_df, hh_index, age, household_grid, volunteer_rows, building_grid, as_of)

    with db.transaction(con):
        con.execute("INSERT INTO meta VALUES ('id_salt', $s), ('demo_seed', $seed), ('demo_as_of', $d)",
                    {"s": salt, "seed": str(seed), "d": as_of.isoformat()})
        con.executemany("INSERT INTO community VALUES (?, ?, ?, ?)", communities)
        con.executemany("INSERT INTO staff VALUES (?, ?, ?, ?, ?)", staff)
        con.executemany("INSERT INTO grid_cell VALUES (?, ?, ?, ?)", grids)
        con.executemany("INSERT INTO compound VALUES (?, ?, ?)", compounds)
        _insert_geometries(con, "building", pd.DataFrame(buildings, columns=[
            "building_id", "compound_id", "grid_id", "name", "floors", "managed_by_property", "geom"]))
        con.executemany("INSERT INTO stairwell (stairwell_id, building_id, unit_no) VALUES (?, ?, ?)", stairwells)
        con.register("households_df", households)
        con.execute("INSERT INTO household SELECT * FROM households_df")
        con.register("residents_df", resident_df)
        con.execute("""
            INSERT INTO resident
            SELECT resident_id, household_id, name, sex, birth_date::DATE, phone,
                   left(id_number, 4) || repeat('*', 10) || right(id_number, 4),
                   sha256($salt || id_number), disabled, bedridden, chronic_illness, low_income, pregnant
            FROM residents_df""", {"salt": salt})
        con.register("measures_df", measures)
        con.execute("INSERT INTO control_measure SELECT * FROM measures_df")
        con.executemany("INSERT INTO volunteer VALUES (?, ?, ?, ?, ?, ?, ?)", volunteers)
        con.register("assignments_df", assignments)
        con.execute("INSERT INTO volunteer_assignment SELECT * FROM assignments_df")
        # One building leader (楼长) per building where an active volunteer lives: the first of them.
        con.execute("""INSERT INTO building_leader
                       SELECT min(volunteer_id), home_building_id, NULL, $start, NULL FROM volunteer
                       WHERE active AND home_building_id IS NOT NULL GROUP BY home_building_id""",
                    {"start": as_of - timedelta(days=MEASURE_SPREAD_DAYS)})
        con.register("contacts_df", _contacts(np.random.default_rng(seed + 6), assignments, as_of))
        con.execute("""INSERT INTO contact (volunteer_id, household_id, kind, contacted_at, recorded_by)
                       SELECT * FROM contacts_df""")
        for view in ("households_df", "residents_df", "measures_df", "assignments_df", "contacts_df"):
            con.unregister(view)
    geometry.fill_stairwell_geometry(con)
    demo_daily.seed(con, as_of, seed)  # issue 7: teams, arrivals, checks, alerts
    return {
        "communities": len(communities), "buildings": len(buildings), "stairwells": len(stairwells),
        "households": n_households, "residents": n, "measures": len(measures), "volunteers": len(volunteers),
    }


def _insert_geometries(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    con.register("geom_df", frame)
    columns = ", ".join(c if c != "geom" else "ST_GeomFromWKB(geom)" for c in frame.columns)
    con.execute(f"INSERT INTO {table} SELECT {columns} FROM geom_df")  # table name is ours, not user input
    con.unregister("geom_df")


def _measures(npr: np.random.Generator, residents: pd.DataFrame, weight: np.ndarray, as_of: date) -> pd.DataFrame:
    """Arrivals' measures in Yongding's proportions, people drawn by `weight` (returnees: working-age adults)."""
    scale = len(residents) / RESIDENTS_PER_COMMUNITY
    counts = [(cat, origin, max(1, round(k * scale))) for cat, origin, k in MEASURES_PER_15K]
    total = min(sum(k for _, _, k in counts), len(residents))
    people = npr.choice(len(residents), total, replace=False, p=weight / weight.sum())
    category = np.concatenate([[c] * k for c, _, k in counts])[:total]
    origin = np.concatenate([[o] * k for _, o, k in counts])[:total]
    start_offset = npr.integers(0, MEASURE_SPREAD_DAYS, total)
    start = np.datetime64(as_of, "D") - start_offset.astype("timedelta64[D]")
    planned_end = start + np.timedelta64(MEASURE_DAYS, "D")
    created = start.astype("datetime64[s]") + npr.integers(8 * 3600, 21 * 3600, total).astype("timedelta64[s]")
    released = np.where(planned_end < np.datetime64(as_of, "D"),
                        planned_end.astype("datetime64[s]") + np.timedelta64(10 * 3600, "s"),
                        np.datetime64("NaT"))
    frame = pd.DataFrame({
        "measure_id": np.arange(1, total + 1),
        "resident_id": residents["resident_id"].to_numpy()[people],
        "category": category,
        "origin": origin,
        "start_date": start,
        "planned_end": planned_end,
        "released_at": released,
        "created_at": created,
    })
    return frame.sort_values(["created_at", "resident_id"]).assign(measure_id=np.arange(1, total + 1))


def _assignments(npr: np.random.Generator, residents: pd.DataFrame, hh_index: np.ndarray, age: np.ndarray,
                 household_grid: np.ndarray, volunteer_rows: list, building_grid: np.ndarray,
                 as_of: date) -> pd.DataFrame:
    """Some cover already in place, as on a real first morning: active volunteers take vulnerable households of
    their own grid cell up to their capacity; the rest is left for the coverage page (issue 6) to fill."""
    people = pd.DataFrame({"household": hh_index, "elder": age >= 60,
                           "frail": (residents["disabled"] | residents["bedridden"]).to_numpy()})
    per_household = people.groupby("household").agg(elders=("elder", "all"), frail=("frail", "any"))
    needy = per_household.index[(per_household["elders"] | per_household["frail"]).to_numpy()].to_numpy()
    pools = {grid: list(npr.permutation(needy[household_grid[needy] == grid]))
             for grid in np.unique(household_grid[needy])}
    rows = []
    for volunteer_id, _community, home_building, capacity, active in volunteer_rows:
        pool = pools.get(building_grid[home_building - 1], [])
        if not active:
            continue
        take = min(len(pool), int(npr.integers(0, capacity + 1)))
        for _ in range(take):
            rows.append((volunteer_id, int(pool.pop()) + 1,
                         as_of - timedelta(days=int(npr.integers(1, MEASURE_SPREAD_DAYS)))))
    return pd.DataFrame(rows, columns=["volunteer_id", "household_id", "start_date"]).assign(end_date=pd.NaT)


def _contacts(npr: np.random.Generator, assignments: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The latest call, visit or delivery of each assignment: most within the last days, some overdue, a few
    never, so the coverage page's 'not contacted' list has something true to show. Own random stream, so the
    rest of the demo does not change with it."""
    n = len(assignments)
    days_ago = npr.choice([0, 1, 2, 3, 4, 6, -1], size=n, p=[0.3, 0.25, 0.15, 0.1, 0.08, 0.04, 0.08])
    minutes = npr.integers(8 * 60, 20 * 60, size=n)
    kind = npr.choice(["call", "visit", "delivery"], size=n, p=[0.5, 0.3, 0.2])
    start = pd.to_datetime(assignments["start_date"]).to_numpy() if n else np.array([], dtype="datetime64[ns]")
    at = (np.datetime64(as_of) - days_ago.astype("timedelta64[D]")).astype("datetime64[ns]") \
        + minutes.astype("timedelta64[m]")
    keep = (days_ago >= 0) & (at >= start)
    return pd.DataFrame({"volunteer_id": assignments["volunteer_id"].to_numpy()[keep],
                         "household_id": assignments["household_id"].to_numpy()[keep],
                         "kind": kind[keep], "contacted_at": at[keep], "recorded_by": None})


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM meta WHERE key = 'demo_seed'").fetchone()[0])


# Dates that describe a person, not the course of the outbreak, stay put when the demo is rolled forward.
FIXED_DATE_COLUMNS = {"birth_date", "applied_at"}


def roll_forward(con: duckdb.DuckDBPyConnection, to: date | None = None) -> int:
    """Move every date of a demo database forward so it stays 'today' when opened days later."""
    to = to or today()
    row = con.execute("SELECT value FROM meta WHERE key = 'demo_as_of'").fetchone()
    if row is None:
        return 0
    days = (to - date.fromisoformat(row[0])).days
    if days <= 0:
        return 0
    shifted: dict[str, list[str]] = {}
    for table, column in con.execute("""
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'main' AND data_type IN ('DATE', 'TIMESTAMP')
            ORDER BY table_name, column_name""").fetchall():
        if column not in FIXED_DATE_COLUMNS:
            shifted.setdefault(table, []).append(column)
    keyed = _tables_keyed_on_dates(con, shifted)
    with db.transaction(con):
        for table, columns in shifted.items():
            moves = ", ".join(f'"{c}" + $d AS "{c}"' for c in columns)
            if table in keyed:
                # DuckDB checks a unique key 2,048 rows at a time in an UPDATE: a resident's check moved to the
                # next day meets that day's check not moved yet. The rows are written again instead, all moved.
                con.execute(f'CREATE TEMP TABLE rolled AS SELECT * REPLACE ({moves}) FROM "{table}"',
                            {"d": timedelta(days=days)})
                con.execute(f'DELETE FROM "{table}"')
                con.execute(f'INSERT INTO "{table}" SELECT * FROM rolled')
                con.execute("DROP TABLE rolled")
            else:
                sets = ", ".join(f'"{c}" = "{c}" + $d' for c in columns)
                con.execute(f'UPDATE "{table}" SET {sets}', {"d": timedelta(days=days)})
        # Moved by whole days, the morning's readings of a demo made in the afternoon would lie ahead at 00:30.
        queries.fetch_all(con, "demo_daily_alerts_after", now=config.now())
        queries.fetch_all(con, "demo_daily_checks_after", now=config.now())
        con.execute("UPDATE meta SET value = $d WHERE key = 'demo_as_of'", {"d": to.isoformat()})
    return days


def _tables_keyed_on_dates(con: duckdb.DuckDBPyConnection, shifted: dict[str, list[str]]) -> set[str]:
    """Tables with a primary or unique key over a date that moves (health_check: resident, day, period)."""
    rows = con.execute("""SELECT table_name, constraint_column_names FROM duckdb_constraints()
        WHERE schema_name = 'main' AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')""").fetchall()
    return {table for table, columns in rows if set(columns) & set(shifted.get(table, ()))}
