"""Footprints from a file onto the register's buildings: matched by name or number, then written all at once.

Nothing is guessed: a footprint that could be two buildings, or two footprints that claim one building, are
reported and left out. The write sets footprints (and floors), may create the buildings the register lacks,
recuts the stairwell shapes and logs the import, in one transaction.
"""

import json
import re
import unicodedata
from dataclasses import dataclass

import duckdb
import geopandas as gpd
import pandas as pd
import shapely

from geo.footprints import POLYGONAL, FootprintError, read_floors
from resilient.core import audit, config, db, queries, roles
from resilient.core.accounts import User
from resilient.core.i18n import t
from resilient.core.scope import Scope
from resilient.imports.values import building_key
from resilient.places import geometry

IMPORT_ROLES = roles.MAY_IMPORT                                       # may set footprints of buildings in scope
CREATE_ROLES = {"street_admin", "community_leader"}                  # may also add buildings to the register
UNNAMED = "未命名"

CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                  "九": 9}
@dataclass
class Matching:
    """Footprints of one file against one community's register, as the importer's scope shows it."""

    community_id: int
    source_crs: str
    matched: gpd.GeoDataFrame              # by feature: building_id, building_name, compound_id, compound_name,
                                           # label, floors, geometry
    unmatched_footprints: gpd.GeoDataFrame  # by feature: label, floors, geometry (no building of that name)
    unmatched_buildings: pd.DataFrame      # building_id, compound_id, compound_name, name, has_geom
    ambiguous: pd.DataFrame                # feature, label, building_ids, buildings: one footprint, several buildings
    contested: pd.DataFrame                # building_id, building_name, features: several footprints, one building
    report: pd.DataFrame                   # feature, reason, action, detail: all of the above problems, and floors

    @property
    def not_in_file_with_outline(self) -> pd.DataFrame:
        """Registered buildings this file does not name that keep the outline they have."""
        return self.unmatched_buildings[self.unmatched_buildings["has_geom"].astype(bool)].reset_index(drop=True)

    @property
    def not_in_file_without_outline(self) -> pd.DataFrame:
        """Registered buildings this file does not name and that still have no outline: the ones to chase."""
        return self.unmatched_buildings[~self.unmatched_buildings["has_geom"].astype(bool)].reset_index(drop=True)


def _normal(name) -> str:
    """NFKC (full-width digits and letters to ASCII), lower case, no spaces; '' for a missing name."""
    if name is None or (isinstance(name, float) and name != name):
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(name))).lower()


def chinese_number(text: str) -> int | None:
    """1-99 written in Chinese numerals (三, 十二, 二十, 四十五, 两); None for anything else."""
    if not text or any(c not in CHINESE_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return CHINESE_DIGITS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1:
        return None
    value = (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[units] if units else 0)
    return value or None


def match_to_register(con: duckdb.DuckDBPyConnection, scope: Scope, community_id: int, gdf: gpd.GeoDataFrame,
                      name_column: str | None, floors_column: str | None, *,
                      compound_id: int | None = None) -> Matching:
    """Pair each cleaned WGS-84 footprint with the in-scope building of the same name or number, if exactly one.

    `compound_id` narrows the register to one compound, for files that hold a single compound; a name that starts
    with a compound's name ("永宁花园3栋") is matched in that compound only.
    """
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise ValueError("match footprints after geo.footprints.to_wgs84")
    register = _register(con, scope, community_id, compound_id)
    labels = _labels(gdf, name_column)
    floors, floor_report = _floors(gdf, floors_column)
    candidates = {feature: _candidates(label, register) for feature, label in labels.items()}

    single = {f: int(c["building_id"].iloc[0]) for f, c in candidates.items() if len(c) == 1}
    claims = pd.Series(single, dtype="int64")
    contested_ids = sorted(set(claims[claims.duplicated(keep=False)]))
    matched_features = [f for f, b in single.items() if b not in contested_ids]
    by_id = register.set_index("building_id")
    buildings = by_id.loc[[single[f] for f in matched_features]]
    matched = _footprint_frame(gdf, matched_features, labels, floors, {
        "building_id": buildings.index.to_numpy(dtype="int64"), "building_name": buildings["name"].to_numpy(),
        "compound_id": buildings["compound_id"].to_numpy(dtype="int64"),
        "compound_name": buildings["compound_name"].to_numpy()})
    unmatched = _footprint_frame(gdf, [f for f, c in candidates.items() if c.empty], labels, floors)
    ambiguous = pd.DataFrame([
        (f, labels[f], c["building_id"].astype(int).tolist(), _names(c)) for f, c in candidates.items() if len(c) > 1],
        columns=["feature", "label", "building_ids", "buildings"])
    contested = pd.DataFrame([
        (b, by_id.at[b, "name"], sorted(f for f, x in single.items() if x == b)) for b in contested_ids],
        columns=["building_id", "building_name", "features"])
    unmatched_buildings = register[~register["building_id"].isin(set(single[f] for f in matched_features))][
        ["building_id", "compound_id", "compound_name", "name", "has_geom"]].reset_index(drop=True)
    return Matching(community_id, gdf.crs.to_string(), matched, unmatched, unmatched_buildings, ambiguous, contested,
                    _report(ambiguous, contested, floor_report, by_id))


def _register(con: duckdb.DuckDBPyConnection, scope: Scope, community_id: int,
              compound_id: int | None) -> pd.DataFrame:
    """The buildings footprints may be matched to, each with its name's key."""
    register = queries.fetch_df(con, "footprint_register_buildings", **scope.params(), community_id=community_id)
    if compound_id is not None:
        register = register[register["compound_id"] == compound_id]
    return register.assign(key=register["name"].map(building_key))


def _footprint_frame(gdf: gpd.GeoDataFrame, features: list, labels: pd.Series, floors: pd.Series,
                     columns: dict | None = None) -> gpd.GeoDataFrame:
    """Some of the file's footprints by feature number, with their label and floors (and `columns` first)."""
    index = pd.Index(features, name="feature", dtype="int64")
    data = {**(columns or {}), "label": labels.reindex(index).to_numpy(dtype=object),
            "floors": floors.reindex(index).array}
    return gpd.GeoDataFrame(data, index=index, geometry=gdf.geometry.reindex(index).values, crs=gdf.crs)


def _labels(gdf: gpd.GeoDataFrame, name_column: str | None) -> pd.Series:
    """Each footprint's name as text (None where the file gives none)."""
    if name_column is None:
        return pd.Series(None, index=gdf.index, dtype=object)
    return gdf[name_column].map(lambda v: (_text(v) or None))


def _text(value) -> str:
    """A cell as trimmed text: '' for missing, '3' for a numeric 3.0."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a numeric name column: 3.0 is building 3
    return str(value).strip()


def _floors(gdf: gpd.GeoDataFrame, floors_column: str | None) -> tuple[pd.Series, list[tuple]]:
    """Floor counts as nullable integers; report rows for values not understood and for values rounded."""
    if floors_column is None:
        return pd.Series(pd.NA, index=gdf.index, dtype="Int64"), []
    raw = gdf[floors_column]
    read = [read_floors(v) for v in raw]
    problems = []
    for feature, value, (floors, written) in zip(raw.index, raw, read):
        if floors is None and _text(value):
            problems.append((feature, "footprint.reason.floors_unreadable", "ignored", _text(value)))
        elif written is not None:
            problems.append((feature, "footprint.reason.floors_rounded", "rounded", f"{written:g} → {floors}"))
    return pd.Series([f for f, _ in read], index=gdf.index, dtype="Int64"), problems


def _candidates(label: str | None, register: pd.DataFrame) -> pd.DataFrame:
    """Register rows whose name means the same as the label; a leading compound name narrows to that compound."""
    text = _normal(label)
    if not text:
        return register.iloc[0:0]
    found = register[register["key"] == building_key(text)]
    if not found.empty:
        return found
    compounds = register.drop_duplicates("compound_id")
    for cid, cname in sorted(zip(compounds["compound_id"], compounds["compound_name"].map(_normal)),
                             key=lambda c: -len(c[1])):
        if cname and text.startswith(cname) and len(text) > len(cname):
            pool = register[register["compound_id"] == cid]
            return pool[pool["key"] == building_key(text[len(cname):])]
    return found


def _names(rows: pd.DataFrame) -> str:
    """'永宁花园 1栋, 丽景苑 1栋': buildings named with their compound, as a person tells them apart."""
    return ", ".join(f"{c} {n}" for c, n in zip(rows["compound_name"], rows["name"]))


def _report(ambiguous: pd.DataFrame, contested: pd.DataFrame, floor_report: list[tuple],
            by_id: pd.DataFrame) -> pd.DataFrame:
    """One table of every footprint left out or partly used, by feature, for the page to show."""
    rows = [(r.feature, "footprint.reason.ambiguous", "not_matched", r.buildings) for r in ambiguous.itertuples()]
    for r in contested.itertuples():
        name = f"{by_id.at[r.building_id, 'compound_name']} {r.building_name}"
        rows += [(f, "footprint.reason.contested", "not_matched", name) for f in r.features]
    rows += floor_report
    frame = pd.DataFrame(rows, columns=["feature", "reason", "action", "detail"])
    return frame.sort_values("feature", kind="stable").reset_index(drop=True)


def summary(matching: Matching) -> dict[str, int]:
    """The counts the 'footprint.summary' text names, for the line above the preview."""
    with_outline = len(matching.not_in_file_with_outline)
    return {"matched": len(matching.matched), "unmatched": len(matching.unmatched_footprints),
            "too_far": int((matching.report["reason"] == "footprint.reason.too_far").sum()),
            "not_in_file": len(matching.unmatched_buildings), "with_outline": with_outline,
            "without_outline": len(matching.unmatched_buildings) - with_outline}


def report_rows(report: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Report rows (cleaning's and matching's alike) as the page shows them: each reason a sentence in `lang`.

    A row's reason is a whole translation key and its action a word under footprint.action.; this is the one
    place that turns them into text, so the page never builds keys of its own.
    """
    problems = [t(reason, lang, feature=feature, detail=detail) for feature, reason, detail in
                zip(report["feature"], report["reason"], report["detail"])]
    actions = [t(f"footprint.action.{action}", lang) for action in report["action"]]
    return pd.DataFrame({"feature": report["feature"].to_numpy(), "problem": problems, "action": actions,
                         "detail": report["detail"].to_numpy()})


def commit_footprints(con: duckdb.DuckDBPyConnection, actor: User, matching: Matching, *,
                      create_in_compound: int | None, source_name: str) -> dict:
    """Write the matching in one transaction, after checking the actor may touch every row; returns counts."""
    check_may_import(actor, create_in_compound)
    _check_geometries(matching)
    with db.transaction(con):
        scope = roles.scope_for(con, actor, config.today())
        _check_in_scope(con, scope, matching)
        set_count = _set_footprints(con, scope, matching.matched)
        created = []
        if create_in_compound is not None and not matching.unmatched_footprints.empty:
            created = _create_buildings(con, scope, matching, create_in_compound)
        touched = matching.matched["building_id"].astype(int).tolist() + created
        if not touched:
            raise FootprintError("footprint.error.nothing", file=source_name)
        recut = _recut_stairwells(con, scope, touched)
        counts = {"footprints_set": set_count, "floors_updated": int(matching.matched["floors"].notna().sum()),
                  "buildings_created": len(created), "stairwells_recut": recut,
                  "community_id": matching.community_id, "compound_id": create_in_compound}
        audit.record(con, actor, "import", f"file:{source_name}",
                     detail=json.dumps(counts, ensure_ascii=False, sort_keys=True))
    return counts


def check_may_import(actor: User | None, create_in_compound: int | None) -> None:
    """Refuse roles that may not import footprints at all, and creating buildings to all but leaders and admins."""
    if actor is None or actor.role not in IMPORT_ROLES:
        raise FootprintError("footprint.error.not_allowed", role=getattr(actor, "role", ""))
    if create_in_compound is not None and actor.role not in CREATE_ROLES:
        raise FootprintError("footprint.error.cannot_create", role=actor.role)


def _check_geometries(matching: Matching) -> None:
    """Only cleaned shapes reach the database: valid, non-empty polygons in lon/lat."""
    for frame in (matching.matched, matching.unmatched_footprints):
        geoms = frame.geometry.values
        bad = ~(shapely.is_valid(geoms) & ~shapely.is_empty(geoms) & pd.Series(frame.geom_type).isin(POLYGONAL).values)
        if bad.any():
            raise FootprintError("footprint.error.not_clean", feature=int(frame.index[bad.argmax()]))


def _check_in_scope(con: duckdb.DuckDBPyConnection, scope: Scope, matching: Matching) -> None:
    """Every building to be changed must be one the actor may see in the matching's community, each once."""
    ids = matching.matched["building_id"].astype(int)
    if ids.duplicated().any():
        raise FootprintError("footprint.error.contested", buildings=", ".join(
            matching.matched.loc[ids.duplicated(keep=False).values, "building_name"].astype(str).unique()))
    allowed = queries.fetch_df(con, "footprint_register_buildings", **scope.params(),
                               community_id=matching.community_id)["building_id"]
    refused = matching.matched[~ids.isin(set(allowed.astype(int))).values]
    if not refused.empty:
        raise FootprintError("footprint.error.out_of_scope",
                             buildings=", ".join(refused["building_name"].astype(str)), count=len(refused))


def _set_footprints(con: duckdb.DuckDBPyConnection, scope: Scope, matched: gpd.GeoDataFrame) -> int:
    """Store matched footprints and floors; the query itself keeps to the scope, and a shortfall is refused."""
    if matched.empty:
        return 0
    frame = pd.DataFrame({"building_id": matched["building_id"].astype("int64").values,
                          "wkb": shapely.to_wkb(matched.geometry.values),
                          "floors": matched["floors"].astype("Int64").values})
    written = _run_with_frame(con, "footprint_updates", frame, "footprint_set_geometry", **scope.params())
    if len(written) != len(frame):
        raise FootprintError("footprint.error.out_of_scope", count=len(frame) - len(written), buildings="")
    return len(written)


def _create_buildings(con: duckdb.DuckDBPyConnection, scope: Scope, matching: Matching, compound_id: int) -> list[int]:
    """Add a building for every unmatched footprint, named from the file or 未命名N; returns their ids."""
    params = scope.params()
    if not queries.fetch_all(con, "footprint_compound", compound_id=compound_id,
                             community_id=matching.community_id, community_ids=params["community_ids"]):
        raise FootprintError("footprint.error.compound", compound_id=compound_id)
    taken = {row[0] for row in queries.fetch_all(con, "footprint_compound_names", compound_id=compound_id, **params)}
    new = matching.unmatched_footprints
    frame = pd.DataFrame({"position": pd.Series(range(len(new)), dtype="int64"),
                          "compound_id": pd.Series([compound_id] * len(new), dtype="int64"),
                          "name": new_building_names(new["label"].tolist(), taken),
                          "floors": new["floors"].astype("Int64").values,
                          "wkb": shapely.to_wkb(new.geometry.values)})
    created = _run_with_frame(con, "footprint_new_buildings", frame, "footprint_insert_buildings", **params)
    if len(created) != len(frame):
        raise FootprintError("footprint.error.cannot_create", role="")
    return sorted(int(row[0]) for row in created)


def new_building_names(labels: list, taken: set[str]) -> list[str]:
    """A name per new building, unique in its compound: the file's label, '食堂 (2)' on a repeat, else 未命名N."""
    taken = set(taken)
    names, counter = [], 0
    for label in labels:
        base = _text(label)
        if base:
            name, n = base, 1
            while name in taken:
                n += 1
                name = f"{base} ({n})"
        else:
            counter += 1
            while f"{UNNAMED}{counter}" in taken:
                counter += 1
            name = f"{UNNAMED}{counter}"
        taken.add(name)
        names.append(name)
    return names


def _recut_stairwells(con: duckdb.DuckDBPyConnection, scope: Scope, building_ids: list[int]) -> int:
    """Stairwell shapes of these buildings cut afresh from their new footprints."""
    queries.fetch_all(con, "footprint_reset_stairwells", building_ids=building_ids, **scope.params())
    rows = queries.fetch_df(con, "footprint_stairwells_to_cut", building_ids=building_ids, **scope.params())
    return geometry.write_stairwell_shapes(con, geometry.stairwell_shapes(rows))


def _run_with_frame(con: duckdb.DuckDBPyConnection, view: str, frame: pd.DataFrame, query: str,
                    **params) -> list[tuple]:
    """Run a query that reads the frame under the name `view`; returns what the query returns."""
    con.register(view, frame)
    try:
        return con.execute(queries.sql(query), queries.bind(query, params)).fetchall()
    finally:
        con.unregister(view)
