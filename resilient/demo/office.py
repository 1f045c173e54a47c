"""The built-in demo set up the way a real street office sets up: an empty database, then each community through
the set-up functions and the sheet and outline imports, in the set-up page's order.

The bulk generator makes the community in memory; its files (examples.py) are then brought in step by step:
community → grid cells → places sheet (compounds, buildings in their grid cells) → staff sheet (grid workers) →
outline file (matched onto those buildings, near where they are) → household register (census: flats and people)
→ volunteer sheet. What an office records afterwards (measures, volunteers' households and calls, building
leaders) is carried across by natural keys, and the day-by-day data is seeded on
the result. So every start of the demo walks the path a new office walks; a break in it shows at once.
"""

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from geo.footprints import clean_polygons, to_wgs84
from resilient.core import db, ids, queries
from resilient.core.accounts import User
from resilient.core.scope import EVERYTHING
from resilient.demo import daily as demo_daily
from resilient.demo import examples, generator
from resilient.imports import footprints as footprint_import
from resilient.imports import places as place_import
from resilient.imports import register as register_import
from resilient.imports.sheets import PLACES_FIELDS, match_headers
from resilient.places import setup

# Who the audit log names for the demo's set-up: a street administrator, as on a real first morning.
DEMO_SETUP = User(0, "demo-setup", "演示数据（按建库步骤导入）", "street_admin")


# What build() counts, named as the bulk generator names its counts.
COUNTED = {"communities": "community", "buildings": "building", "stairwells": "stairwell",
           "households": "household", "residents": "resident", "measures": "control_measure",
           "volunteers": "volunteer"}


class DemoSetupError(RuntimeError):
    """A step of the demo's set-up was refused: the path a real office takes is broken, say where."""


@dataclass
class Files:
    """One community as the office brings it."""

    name: str
    street: str
    district: str | None
    grid_cells: list[str]
    places: pd.DataFrame
    staff: pd.DataFrame
    outlines: bytes
    register: pd.DataFrame
    volunteers: pd.DataFrame


def build(con: duckdb.DuckDBPyConnection, residents: int = generator.RESIDENTS_PER_COMMUNITY, seed: int = 42,
          as_of: date | None = None) -> dict[str, int]:
    """Fill an empty, migrated database with the demo through the set-up path; returns row counts."""
    from resilient.core.config import today

    as_of = as_of or today()
    source = db.connect(":memory:")
    try:
        generator.generate(source, residents=residents, seed=seed, as_of=as_of)
        salt = queries.fetch_all(source, "import_id_salt")[0][0]
        queries.fetch_all(con, "demo_office_insert_meta", salt=salt, seed=str(seed), as_of=as_of.isoformat())
        register = examples.register_by_resident(source, seed=seed + 1)
        for files in office_files(source, register):
            set_up_community(con, files, as_of)
        carry_records(source, con, register, salt)
    finally:
        source.close()
    demo_daily.seed(con, as_of, seed)
    return {key: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # names are ours
            for key, table in COUNTED.items()}


def office_files(source: duckdb.DuckDBPyConnection, register: pd.DataFrame) -> list[Files]:
    """Each community of the generated street as the files its office would bring."""
    import json

    grids = queries.fetch_df(source, "example_grid_cells")
    files = []
    for c in queries.fetch_df(source, "example_communities").itertuples():
        outlines = json.dumps(examples.outline_collection(source, c.name), ensure_ascii=False).encode()
        files.append(Files(
            c.name, c.street, c.district, grids.loc[grids["community"] == c.name, "name"].tolist(),
            examples.places_frame(source, c.name), examples.staff_frame(source, c.name),
            outlines, register[register["社区"] == c.name].drop(columns="社区"),
            examples.volunteer_frame(source, c.name)))
    return files


def set_up_community(con: duckdb.DuckDBPyConnection, files: Files, as_of: date) -> int:
    """One community, step by step as the set-up page takes an office; returns its id."""
    community_id = setup.create_community(con, DEMO_SETUP, files.name, files.street, files.district)
    for grid in files.grid_cells:  # all of them, as the set-up page's grid step makes them: some hold no building
        setup.create_grid_cell(con, DEMO_SETUP, community_id, grid)
    _sheet(con, files.places, PLACES_FIELDS, place_import.validate_places, place_import.commit_places,
           "楼栋清单.xlsx", community_id=community_id, scope=EVERYTHING)
    _sheet(con, files.staff, register_import.STAFF_FIELDS, register_import.validate_staff,
           register_import.commit_staff, "工作人员.xlsx", community_id=community_id, scope=EVERYTHING)
    _outlines(con, community_id, files.outlines, f"{files.name}楼栋轮廓.geojson")
    _sheet(con, files.register, register_import.REGISTER_FIELDS, register_import.validate_register,
           register_import.commit_register, "住户登记.xlsx", community_id=community_id, scope=EVERYTHING,
           census=True, today=as_of)
    _sheet(con, files.volunteers, register_import.VOLUNTEER_FIELDS, register_import.validate_volunteers,
           register_import.commit_volunteers, "志愿者.xlsx", community_id=community_id, scope=EVERYTHING)
    return community_id


def _sheet(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, fields, validate, commit, source_name: str,
           **options) -> dict:
    """What an import tab does with a sheet: headers matched, every row checked, written all or nothing."""
    frame = frame.reset_index(drop=True)
    mapping, unknown = match_headers(frame.columns, fields)
    preview = validate(con, frame, mapping, **options)
    if unknown or preview.problems:
        raise DemoSetupError(f"{source_name}: unknown headers {unknown}, problems {preview.problems[:5]}")
    return commit(con, DEMO_SETUP, preview, source_name=source_name)


def _outlines(con: duckdb.DuckDBPyConnection, community_id: int, data: bytes, filename: str) -> dict:
    """What the outline tab does: read, reproject, clean, match to the buildings the places sheet made; every
    footprint must find its building."""
    found = footprint_import.read_outline_file(data, filename)
    clean, report = clean_polygons(to_wgs84(found.gdf))
    if len(report):
        raise DemoSetupError(f"{filename}: {len(report)} shapes refused")
    matching = footprint_import.match_to_register(con, EVERYTHING, community_id, clean, "name", "levels",
                                                  compound_column=found.compound_column)
    if len(matching.unmatched_footprints) or len(matching.report):
        raise DemoSetupError(f"{filename}: {len(matching.unmatched_footprints)} footprints unmatched, "
                             f"{len(matching.report)} reported")
    return footprint_import.commit_footprints(con, DEMO_SETUP, matching, create_in_compound=None,
                                              source_name=filename)


def carry_records(source: duckdb.DuckDBPyConnection, con: duckdb.DuckDBPyConnection, register: pd.DataFrame,
                  salt: str) -> None:
    """Measures, volunteers' households and calls, and building leaders, onto the imported people and places."""
    residents = _key_map(register.index.to_numpy(), [ids.hash_id(n, salt) for n in register["身份证号"]],
                         queries.fetch_df(con, "demo_office_residents").set_index("id_hash")["resident_id"])
    households = _household_map(source, con, residents)
    volunteers = _natural_map(source, con, "demo_office_volunteer_keys", "volunteer_id", ["community", "phone"])
    buildings = _natural_map(source, con, "demo_office_building_keys", "building_id",
                             ["community", "compound", "building"])
    carried = {
        "demo_office_insert_measures": _mapped(source, "demo_office_measures", resident_id=residents),
        "demo_office_insert_assignments": _mapped(source, "demo_office_assignments", volunteer_id=volunteers,
                                                  household_id=households),
        "demo_office_insert_contacts": _mapped(source, "demo_office_contacts", volunteer_id=volunteers,
                                               household_id=households),
        "demo_office_insert_leaders": _mapped(source, "demo_office_leaders", volunteer_id=volunteers,
                                              building_id=buildings),
    }
    with db.transaction(con):
        for query, frame in carried.items():
            con.register("office_rows", frame)
            try:
                queries.fetch_all(con, query)
            finally:
                con.unregister("office_rows")


def _key_map(source_ids, keys: list[str], target: pd.Series) -> pd.Series:
    """Source id -> target id through a shared key; every source id must be found."""
    mapped = pd.Series(target.reindex(keys).to_numpy(), index=source_ids)
    if mapped.isna().any():
        raise DemoSetupError(f"{int(mapped.isna().sum())} records not found after the imports")
    return mapped.astype("int64")


def _household_map(source: duckdb.DuckDBPyConnection, con: duckdb.DuckDBPyConnection,
                   residents: pd.Series) -> pd.Series:
    """A household is where its people went: source household -> target household through any member."""
    before = queries.fetch_df(source, "demo_office_residents").set_index("resident_id")["household_id"]
    after = queries.fetch_df(con, "demo_office_residents").set_index("resident_id")["household_id"]
    pairs = pd.DataFrame({"source": before.reindex(residents.index).to_numpy(),
                          "target": after.reindex(residents.to_numpy()).to_numpy()}).drop_duplicates()
    if pairs["source"].duplicated().any():
        raise DemoSetupError("a household's people were split across flats by the register import")
    return pairs.set_index("source")["target"].astype("int64")


def _natural_map(source: duckdb.DuckDBPyConnection, con: duckdb.DuckDBPyConnection, query: str, id_column: str,
                 key: list[str]) -> pd.Series:
    before = queries.fetch_df(source, query)
    after = queries.fetch_df(con, query).set_index(key)[id_column]
    keys = list(before[key].itertuples(index=False, name=None))
    return _key_map(before[id_column].to_numpy(), keys, after)


def _mapped(source: duckdb.DuckDBPyConnection, query: str, **columns: pd.Series) -> pd.DataFrame:
    """A source table with its id columns replaced by the target's ids."""
    frame = queries.fetch_df(source, query)
    for column, mapping in columns.items():
        values = frame[column].map(mapping)
        if values.isna().any():
            raise DemoSetupError(f"{query}: {int(values.isna().sum())} rows point at nothing in {column}")
        frame[column] = values.astype("int64")
    return frame
