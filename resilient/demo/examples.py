"""Worked examples for a new office: the demo community as the files a real office brings.

An outline file (GeoJSON: name, compound, floors per building) and a household register in the office format
(社区, 小区, 楼栋, 单元, 房号, 姓名, 身份证号 ...). Imported in the set-up order into an empty database they rebuild
the demo's places and people, so they show what a file should look like and test the path end to end.
"""

import io
import json
from functools import lru_cache

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import shapely

from resilient.core import db, queries
from resilient.demo import generator

EXAMPLE_RESIDENTS = 3_000      # one community, two compounds: small enough to import in seconds
EXAMPLE_SEED = 42
REGISTER_HEADER = ["社区", "小区", "楼栋", "单元", "房号", "姓名", "身份证号", "联系电话", "性别", "出生日期", "残疾",
                   "卧床", "慢性病", "低保", "孕妇"]
YES_NO = {True: "是", False: "否"}


def register_frame(con: duckdb.DuckDBPyConnection, seed: int = 1) -> pd.DataFrame:
    """Every resident of a demo database as an office's register, with fresh valid ID numbers (the database
    keeps only their hashes)."""
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
    })[REGISTER_HEADER]


def outline_collection(con: duckdb.DuckDBPyConnection) -> dict:
    """The demo's buildings as a GeoJSON FeatureCollection with the properties offices' files carry."""
    rows = queries.fetch_df(con, "example_outlines")
    features = [{"type": "Feature", "geometry": json.loads(shapely.to_geojson(shapely.from_wkb(bytes(r.wkb)))),
                 "properties": {"name": r.name, "compound": r.compound, "levels": int(r.floors)}}
                for r in rows.itertuples()]
    return {"type": "FeatureCollection", "features": features}


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
    """The example register as an .xlsx workbook, every cell text (an ID number must not become a number)."""
    frame = register_frame(_example_database().cursor())
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("住户登记")
    sheet.append(REGISTER_HEADER)
    for row in frame.itertuples(index=False):
        sheet.append([str(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
