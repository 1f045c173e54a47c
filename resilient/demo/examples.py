"""The demo as the files a real office brings: places, outlines, register, staff and volunteer sheets.

A places sheet (网格, 小区, 楼栋, 单元数, 层数 per building), an outline file (GeoJSON: name, compound, floors per
building), a household register in the office format (社区, 小区, 楼栋, 单元, 房号, 姓名, 身份证号 ...), a staff sheet
(姓名, 电话, 岗位, 网格) and a volunteer sheet. The built-in demo is set up from these frames (resilient.demo.office)
and the set-up page offers them as worked examples, so they show what a file should look like and the path a real
office takes is the one every start exercises.
"""

import json
from functools import lru_cache

import duckdb
import numpy as np
import pandas as pd
import shapely

from resilient.core import db, queries
from resilient.demo import generator
from resilient.ops import exports

EXAMPLE_RESIDENTS = 3_000      # one community, two compounds: small enough to import in seconds
EXAMPLE_SEED = 42
REGISTER_HEADER = ["社区", "小区", "楼栋", "单元", "房号", "姓名", "身份证号", "联系电话", "性别", "出生日期", "残疾",
                   "卧床", "慢性病", "低保", "孕妇"]
PLACES_HEADER = ["网格", "小区", "楼栋", "单元数", "层数"]
STAFF_HEADER = ["姓名", "电话", "岗位", "网格"]
VOLUNTEER_HEADER = ["姓名", "电话", "小区", "居住楼栋", "可服务户数", "状态"]
YES_NO = {True: "是", False: "否"}
STAFF_POSTS = {"grid_worker": "网格员", "doctor": "医生", "police": "民警"}
ACTIVE_WORDS = {True: "在岗", False: "停用"}


def register_frame(con: duckdb.DuckDBPyConnection, seed: int = 1, community: str | None = None) -> pd.DataFrame:
    """Every resident of a demo database (or of one community) as an office's register, with fresh valid ID
    numbers (the database keeps only their hashes)."""
    frame = register_by_resident(con, seed)
    return (frame if community is None else frame[frame["社区"] == community]).reset_index(drop=True)


def register_by_resident(con: duckdb.DuckDBPyConnection, seed: int = 1) -> pd.DataFrame:
    """The register indexed by each row's resident id in that database, to follow people through an import."""
    people = queries.fetch_df(con, "example_register")
    npr = np.random.default_rng(seed)
    births = people["birth_date"].to_numpy().astype("datetime64[D]")
    numbers = generator._id_numbers(npr, births, (people["sex"] == "M").to_numpy())
    return pd.DataFrame({
        "社区": people["community"], "小区": people["compound"], "楼栋": people["building"],
        "单元": people["unit_no"].astype(str), "房号": people["room"], "姓名": people["name"],
        "身份证号": numbers, "联系电话": people["phone"].fillna(""),
        "性别": people["sex"].map({"M": "男", "F": "女"}),
        "出生日期": pd.to_datetime(people["birth_date"]).dt.strftime("%Y-%m-%d"),
        **{label: people[column].map(YES_NO) for label, column in [
            ("残疾", "disabled"), ("卧床", "bedridden"), ("慢性病", "chronic_illness"), ("低保", "low_income"),
            ("孕妇", "pregnant")]},
    })[REGISTER_HEADER].set_axis(people["resident_id"].to_numpy())


def outline_collection(con: duckdb.DuckDBPyConnection, community: str | None = None) -> dict:
    """The demo's buildings (or one community's) as a GeoJSON FeatureCollection with the properties offices'
    files carry."""
    rows = queries.fetch_df(con, "example_outlines")
    if community is not None:
        rows = rows[rows["community"] == community]
    features = [{"type": "Feature", "geometry": json.loads(shapely.to_geojson(shapely.from_wkb(bytes(r.wkb)))),
                 "properties": {"name": r.name, "compound": r.compound, "levels": int(r.floors)}}
                for r in rows.itertuples()]
    return {"type": "FeatureCollection", "features": features}


def places_frame(con: duckdb.DuckDBPyConnection, community: str) -> pd.DataFrame:
    """One community's grid cells, compounds and buildings as a places sheet, a row per building."""
    places = queries.fetch_df(con, "example_places")
    places = places[places["community"] == community]
    return pd.DataFrame({"网格": places["grid"].fillna(""), "小区": places["compound"], "楼栋": places["building"],
                         "单元数": places["units"].astype(str),
                         "层数": places["floors"].astype("Int64").astype(str).replace("<NA>", "")})[PLACES_HEADER]


def staff_frame(con: duckdb.DuckDBPyConnection, community: str) -> pd.DataFrame:
    """One community's staff as a staff sheet: the grid cells each grid worker looks after in 网格."""
    staff = queries.fetch_df(con, "example_staff")
    staff = staff[staff["community"] == community]
    return pd.DataFrame({"姓名": staff["name"], "电话": staff["phone"].fillna(""),
                         "岗位": staff["role"].map(STAFF_POSTS), "网格": staff["grids"]})[STAFF_HEADER]


def volunteer_frame(con: duckdb.DuckDBPyConnection, community: str) -> pd.DataFrame:
    """One community's volunteers as a volunteer sheet."""
    people = queries.fetch_df(con, "example_volunteers")
    people = people[people["community"] == community]
    return pd.DataFrame({"姓名": people["name"], "电话": people["phone"].fillna(""),
                         "小区": people["compound"].fillna(""), "居住楼栋": people["building"].fillna(""),
                         "可服务户数": people["capacity"].astype(str),
                         "状态": people["active"].map(ACTIVE_WORDS)})[VOLUNTEER_HEADER]


@lru_cache(maxsize=1)
def _example_database() -> duckdb.DuckDBPyConnection:
    con = db.connect(":memory:")
    generator.generate(con, residents=EXAMPLE_RESIDENTS, seed=EXAMPLE_SEED)
    return con


def outline_file() -> bytes:
    """The example outlines as a .geojson file's bytes."""
    collection = outline_collection(_example_database().cursor())
    return json.dumps(collection, ensure_ascii=False).encode("utf-8")


def register_file() -> bytes:
    """The example register as an .xlsx workbook."""
    return workbook("住户登记", register_frame(_example_database().cursor()))


def places_file() -> bytes:
    """The example community's places sheet as an .xlsx workbook."""
    con = _example_database().cursor()
    return workbook("楼栋清单", places_frame(con, _first_community(con)))


def staff_file() -> bytes:
    """The example community's staff sheet as an .xlsx workbook."""
    con = _example_database().cursor()
    return workbook("工作人员", staff_frame(con, _first_community(con)))


def volunteer_file() -> bytes:
    """The example community's volunteer sheet as an .xlsx workbook."""
    con = _example_database().cursor()
    return workbook("志愿者", volunteer_frame(con, _first_community(con)))


def _first_community(con: duckdb.DuckDBPyConnection) -> str:
    return str(queries.fetch_df(con, "example_communities")["name"].iloc[0])


def workbook(title: str, frame: pd.DataFrame) -> bytes:
    """One sheet, header first, every cell text (an ID number must not become a number, nor a name a formula)."""
    book = exports.workbook(write_only=True)
    sheet = book.create_sheet(title)
    exports.append(sheet, list(frame.columns))
    for row in frame.itertuples(index=False, name=None):
        exports.append(sheet, ["" if exports.missing(v) else str(v) for v in row])
    return exports.save(book)
