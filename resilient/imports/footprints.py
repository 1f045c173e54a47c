"""Footprints from a file onto the register's buildings: matched by name or number, then written all at once.

Nothing is guessed: a footprint that could be two buildings, or two footprints that claim one building, are
reported and left out, and so is a footprint far from where the register already places its building or its
community (a file from another city has the same 1号楼…30号楼). The write sets footprints (and floors), may
create the buildings the register lacks, recuts the stairwell shapes and logs the import, in one transaction.
"""

import json
import re
import unicodedata
from dataclasses import dataclass, replace

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import chinese_coords
from geo.distance import distances_m, nearest_m
from geo.footprints import (
    POLYGONAL,
    FootprintError,
    Limits,
    in_box,
    in_compounds,
    read_floors,
    read_footprints,
    value_counts,
)
from resilient.core import audit, config, db, queries, reference, roles
from resilient.core.accounts import User
from resilient.core.i18n import t
from resilient.core.scope import Scope
from resilient.imports.values import building_key, find_name
from resilient.places import geometry

UNNAMED = "未命名"

MAX_DISTANCE_M = 3_000.0   # a footprint farther than this from its building (or its community) is another place
FAR_FACTOR = 10            # a file whose centre is this many limits away is about another community
CANDIDATE_COLUMNS = ["feature", "reason", "building_id", "building_name", "compound_id", "compound_name",
                     "distance_m", "label", "floors", "file_compound"]

CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                  "九": 9}


def file_limits() -> Limits:
    """The office's limits on one outline file, from data/defaults.toml [footprints]."""
    table = reference.section("defaults.toml", "footprints")
    fields = list(Limits.__dataclass_fields__)
    where = reference.path_of("defaults.toml")
    if sorted(table) != sorted(fields):
        raise reference.DataFileError(f"{where}: [footprints] needs exactly {', '.join(fields)}")
    for name, value in table.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise reference.DataFileError(f"{where}: [footprints] {name} must be a whole number of at least 1")
    return Limits(**table)


file_limits()  # a bad [footprints] table stops the start, naming the file


def read_outline_file(data: bytes, filename: str, layer: str | None = None):
    """An uploaded outline file read within the office's limits (geo.footprints.read_footprints)."""
    return read_footprints(data, filename, layer, limits=file_limits())


@dataclass
class Matching:
    """Footprints of one file against one community's register, as the importer's scope shows it."""

    community_id: int
    source_crs: str
    matched: gpd.GeoDataFrame              # by feature: building_id, building_name, compound_id, compound_name,
                                           # label, floors, distance_m, file_compound, geometry
    unmatched_footprints: gpd.GeoDataFrame  # by feature: label, floors, distance_m, file_compound, compound_id (of
                                           # the register's compound the file names, if any), geometry: no building
                                           # of that name, near enough to the community to be created
    unmatched_buildings: pd.DataFrame      # building_id, compound_id, compound_name, name, has_geom
    ambiguous: pd.DataFrame                # feature, label, building_ids, buildings, distances_m: one footprint,
                                           # several buildings within reach
    contested: pd.DataFrame                # building_id, building_name, features: several footprints, one building
    report: pd.DataFrame                   # feature, reason, action, detail: all of the above problems, and floors
    too_far: gpd.GeoDataFrame              # by feature: label, floors, building_id, building_name, distance_m,
                                           # geometry: refused for where they are, never written nor created
    distance_limit_m: float                # the limit the matching used
    centre: tuple[float, float]            # lon, lat of the file's centre
    far_from_community_m: float | None     # the file's centre from the community's nearest located building,
                                           # when more than FAR_FACTOR limits: the file is about another place
    notices: list[tuple[str, dict]]        # file-wide warnings: (translation key, values), e.g. far_from_community
    compounds: dict[str, int]              # compounds the file names -> features, most first ({} without a column)
    new_compounds: list[str]               # compounds named by creatable footprints that the community lacks
    candidates: pd.DataFrame               # feature, reason, building_id, building_name, compound_id,
                                           # compound_name, distance_m, label, floors, file_compound: the buildings
                                           # an ambiguous or contested footprint may be, for choices() / resolve()
    source: gpd.GeoDataFrame               # the footprints matched, to narrow() to the ones an office picks
    options: dict                          # match_to_register's arguments, for narrow()

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
                      compound_id: int | None = None, max_distance_m: float = MAX_DISTANCE_M,
                      compound_column: str | None = None) -> Matching:
    """Pair each cleaned WGS-84 footprint with the in-scope building of the same name or number, if exactly one
    lies within `max_distance_m` of it (measured to the building's outline or point, or, for a building not yet
    located, to the community's nearest located building).

    `compound_id` narrows the register to one compound, for files that hold a single compound; a name that starts
    with a compound's name ("永宁花园3栋") is matched in that compound only, and so is a footprint whose
    `compound_column` names a compound of the community; one naming a compound the community lacks matches
    nothing (it is a building of that compound, to create). A community with no located building has nothing to
    measure against: names alone decide, but a file whose centre is outside China is refused.
    """
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise ValueError("match footprints after geo.footprints.to_wgs84")
    options = {"name_column": name_column, "floors_column": floors_column, "compound_id": compound_id,
               "max_distance_m": max_distance_m, "compound_column": compound_column}
    centre = _centre(gdf)
    if not gdf.empty:
        _refuse_outside_china(centre)
    register = _register(con, scope, community_id, compound_id)
    located = _community_locations(con, scope, community_id)
    labels = _labels(gdf, name_column)
    floors, floor_report = _floors(gdf, floors_column)
    file_compounds = _labels(gdf, compound_column)
    compound_ids = _file_compound_ids(con, scope, community_id, file_compounds)
    near_community = pd.Series(nearest_m(gdf.geometry.values, located)[0], index=gdf.index)
    names = _Names(register)
    named = {f: names.candidates(label, _compound_pool(compound, compound_ids))
             for f, label, compound in zip(gdf.index, labels, file_compounds)}
    measured = _with_distances(gdf, named, names.register, near_community)
    reach = {f: [(p, d) for p, d in c if not d > max_distance_m] for f, c in measured.items()}
    too_far_rows = {f: (c[0][0], c[0][1]) for f, c in measured.items() if c and not reach[f]}
    too_far_rows.update({f: (None, d) for f, d in zip(near_community.index, near_community.to_numpy())
                         if not measured[f] and d > max_distance_m})

    reg = names.register
    building_ids = reg["building_id"].to_numpy(dtype="int64")
    single = {f: int(building_ids[c[0][0]]) for f, c in reach.items() if len(c) == 1}
    claims = pd.Series(single, dtype="int64")
    contested_ids = sorted(set(claims[claims.duplicated(keep=False)]))
    matched_features = [f for f, b in single.items() if b not in contested_ids]
    rows = [reach[f][0][0] for f in matched_features]
    matched = _footprint_frame(gdf, matched_features, labels, floors, {
        "building_id": building_ids[rows], "building_name": reg["name"].to_numpy()[rows],
        "compound_id": reg["compound_id"].to_numpy(dtype="int64")[rows],
        "compound_name": reg["compound_name"].to_numpy()[rows]},
        distances=[reach[f][0][1] for f in matched_features], file_compounds=file_compounds)
    creatable = [f for f, c in measured.items() if not c and f not in too_far_rows]
    unmatched = _footprint_frame(gdf, creatable, labels, floors, distances=near_community.reindex(creatable).tolist(),
                                 file_compounds=file_compounds)
    unmatched["compound_id"] = pd.array([compound_ids.get(c) for c in unmatched["file_compound"]], dtype="Int64")
    new_compounds = sorted({c for c, i in zip(unmatched["file_compound"], unmatched["compound_id"])
                            if isinstance(c, str) and i is pd.NA})
    ambiguous = pd.DataFrame([
        (f, labels[f], [int(building_ids[p]) for p, _ in c], _names(reg, [p for p, _ in c]),
         [round(float(d), 1) for _, d in c]) for f, c in reach.items() if len(c) > 1],
        columns=["feature", "label", "building_ids", "buildings", "distances_m"])
    by_id = reg.set_index("building_id")
    contested = pd.DataFrame([
        (b, by_id.at[b, "name"], sorted(f for f, x in single.items() if x == b)) for b in contested_ids],
        columns=["building_id", "building_name", "features"])
    unmatched_buildings = reg[~reg["building_id"].isin(set(single[f] for f in matched_features))][
        ["building_id", "compound_id", "compound_name", "name", "has_geom"]].reset_index(drop=True)
    too_far = _too_far_frame(gdf, {f: (None if p is None else int(building_ids[p]),
                                       None if p is None else reg["name"].iloc[p], d)
                                   for f, (p, d) in too_far_rows.items()}, labels, floors, file_compounds)
    doubt = [(f, "footprint.reason.ambiguous", c) for f, c in reach.items() if len(c) > 1]
    doubt += [(f, "footprint.reason.contested", reach[f]) for f, b in single.items() if b in contested_ids]
    choices_frame = pd.DataFrame([
        (f, reason, int(building_ids[p]), reg["name"].iloc[p], int(reg["compound_id"].iloc[p]),
         reg["compound_name"].iloc[p], float(d), labels[f], floors[f], file_compounds[f])
        for f, reason, c in doubt for p, d in c], columns=CANDIDATE_COLUMNS)
    far, notices = _far_from_community(centre, located, max_distance_m)
    return Matching(community_id, gdf.crs.to_string(), matched, unmatched, unmatched_buildings, ambiguous, contested,
                    _report(ambiguous, contested, too_far, floor_report, by_id), too_far=too_far,
                    distance_limit_m=float(max_distance_m), centre=centre, far_from_community_m=far, notices=notices,
                    compounds=value_counts(gdf, compound_column), new_compounds=new_compounds,
                    candidates=choices_frame.sort_values(["feature", "distance_m"], kind="stable").reset_index(
                        drop=True), source=gdf, options=options)


def choices(matching: Matching) -> pd.DataFrame:
    """Footprints a person must decide, one row each: feature, label, reason, building_ids and buildings (the
    options, nearest first, as 'A苑 1栋 · 120 m'), distances_m; for a select box that calls resolve()."""
    rows = []
    for feature, group in matching.candidates.groupby("feature", sort=True):
        rows.append((int(feature), group["label"].iloc[0], group["reason"].iloc[0],
                     group["building_id"].astype(int).tolist(),
                     [f"{c} {n} · {format_distance(d)}" if d == d else f"{c} {n}"
                      for c, n, d in zip(group["compound_name"], group["building_name"], group["distance_m"])],
                     group["distance_m"].tolist()))
    return pd.DataFrame(rows, columns=["feature", "label", "reason", "building_ids", "buildings", "distances_m"])


def resolve(matching: Matching, feature: int, building_id: int) -> Matching:
    """The matching with an ambiguous or contested footprint given to the building a person chose (one of its
    choices); the footprints that contested the building with it are then left out as not chosen. The matching
    passed in is not changed."""
    options = matching.candidates[matching.candidates["feature"] == feature]
    if options.empty:
        raise ValueError(f"feature {feature} is neither ambiguous nor contested")
    picked = options[options["building_id"] == building_id]
    if picked.empty:
        raise ValueError(f"building {building_id} is not one of feature {feature}'s choices")
    row = picked.iloc[0]
    taken = matching.matched[matching.matched["building_id"].astype(int) == int(building_id)]
    if not taken.empty:
        raise FootprintError("footprint.error.already_matched", feature=int(taken.index[0]),
                             building=f"{row['compound_name']} {row['building_name']}")
    new = _footprint_frame(matching.source, [feature], pd.Series({feature: row["label"]}),
                           pd.Series({feature: row["floors"]}, dtype="Int64"), {
                               "building_id": [int(building_id)], "building_name": [row["building_name"]],
                               "compound_id": [int(row["compound_id"])], "compound_name": [row["compound_name"]]},
                           distances=[row["distance_m"]], file_compounds=pd.Series({feature: row["file_compound"]}))
    matched = pd.concat([matching.matched, new]).sort_index() if not matching.matched.empty else new
    report, contested, decided = matching.report, matching.contested, {feature}
    if row["reason"] == "footprint.reason.contested":
        group = contested[contested["building_id"] == building_id]
        decided = set(group["features"].iloc[0])
        contested = contested[contested["building_id"] != building_id].reset_index(drop=True)
        name = f"{row['compound_name']} {row['building_name']}"
        report = pd.concat([report, pd.DataFrame([(f, "footprint.reason.not_chosen", "not_matched", name)
                                                  for f in sorted(decided - {feature})], columns=report.columns)])
    doubt = report["reason"].isin(["footprint.reason.ambiguous", "footprint.reason.contested"])
    report = report[~(doubt & report["feature"].isin(decided))].sort_values("feature", kind="stable")
    return replace(matching, matched=matched, contested=contested, report=report.reset_index(drop=True),
                   ambiguous=matching.ambiguous[matching.ambiguous["feature"] != feature].reset_index(drop=True),
                   unmatched_buildings=matching.unmatched_buildings[
                       matching.unmatched_buildings["building_id"] != building_id].reset_index(drop=True),
                   candidates=matching.candidates[~matching.candidates["feature"].isin(decided)].reset_index(
                       drop=True))


def narrow(con: duckdb.DuckDBPyConnection, scope: Scope, matching: Matching, *, compounds=None,
           box: tuple[float, float, float, float] | None = None) -> Matching:
    """The matching of only the footprints an office says are theirs: those of the chosen `compounds` (values of
    the compound column), and/or those in a lon/lat `box` (west, south, east, north) drawn on the preview.

    Matched afresh, so a building two footprints claimed goes to the one left, and buildings whose footprint was
    left out count as not in the file again. Resolve choices after narrowing, not before.
    """
    subset = matching.source
    if compounds is not None:
        column = matching.options["compound_column"]
        if column is None:
            raise ValueError("this matching has no compound column to choose by")
        subset = in_compounds(subset, compounds, column)
    if box is not None:
        subset = in_box(subset, box)
    return match_to_register(con, scope, matching.community_id, subset, **matching.options)


def left_out(whole: Matching, narrowed: Matching) -> gpd.GeoDataFrame:
    """The footprints of `whole` that narrowing set aside (label, geometry), to show greyed on the preview."""
    gone = whole.source[~whole.source.index.isin(narrowed.source.index)]
    labels = _labels(gone, whole.options["name_column"])
    return gpd.GeoDataFrame({"label": labels.to_numpy(dtype=object)}, index=gone.index,
                            geometry=gone.geometry.values, crs=gone.crs)


def _file_compound_ids(con: duckdb.DuckDBPyConnection, scope: Scope, community_id: int,
                       file_compounds: pd.Series) -> dict[str, int]:
    """{compound named in the file: the community's compound it means}, for the names the community has."""
    named = sorted({c for c in file_compounds if isinstance(c, str) and c})
    if not named:
        return {}
    known = queries.fetch_df(con, "footprint_community_compounds", community_id=community_id,
                             community_ids=scope.params()["community_ids"])
    found = {}
    for name in named:
        position = find_name(name, known["name"].tolist())
        if position is not None:
            found[name] = int(known["compound_id"].iloc[position])
    return found


ANY_COMPOUND, NO_COMPOUND = "any", "none"


def _compound_pool(file_compound, compound_ids: dict[str, int]):
    """Which compound a footprint may match in: any, the one its file names, or none (the file names a compound
    the community lacks: the footprint is a building of that compound, to create, not another compound's)."""
    if not isinstance(file_compound, str) or not file_compound:
        return ANY_COMPOUND
    return compound_ids.get(file_compound, NO_COMPOUND)


def _centre(gdf: gpd.GeoDataFrame) -> tuple[float, float]:
    """The middle of the file's extent, lon/lat."""
    minx, miny, maxx, maxy = (float(v) for v in gdf.total_bounds) if not gdf.empty else (0.0, 0.0, 0.0, 0.0)
    return (minx + maxx) / 2, (miny + maxy) / 2


def where(lon: float, lat: float) -> str:
    """'39.90°N, 116.40°E': a place as any reader can look it up."""
    return f"{abs(lat):.2f}°{'N' if lat >= 0 else 'S'}, {abs(lon):.2f}°{'E' if lon >= 0 else 'W'}"


def format_distance(metres: float) -> str:
    """850 m, 3.5 km, 912 km: as precise as a person needs to judge it."""
    if metres < 1_000:
        return f"{metres:.0f} m"
    return f"{metres / 1000:.1f} km" if metres < 10_000 else f"{metres / 1000:.0f} km"


def _refuse_outside_china(centre: tuple[float, float]) -> None:
    """No community this serves lies outside China: such a file is someone else's, whatever its names say."""
    if not chinese_coords.in_china(*centre):
        raise FootprintError("footprint.error.outside_china", where=where(*centre))


def _community_locations(con: duckdb.DuckDBPyConnection, scope: Scope, community_id: int) -> np.ndarray:
    """Outlines or points of the community's located buildings: where its footprints must be."""
    rows = queries.fetch_df(con, "footprint_community_locations", community_ids=scope.params()["community_ids"],
                            community_id=community_id)
    return shapely.from_wkb([bytes(w) for w in rows["wkb"]]) if len(rows) else np.array([], dtype=object)


def _with_distances(gdf: gpd.GeoDataFrame, candidates: dict[int, list[int]], register: pd.DataFrame,
                    near_community: pd.Series) -> dict[int, list[tuple[int, float]]]:
    """Each footprint's candidates as (register row, distance_m), nearest first: to the building's own shape, or
    (not located yet) to the community's nearest located building; NaN when there is nothing to measure to."""
    shapes = register["geom"].to_numpy(dtype=object)
    pairs = [(f, p) for f, found in candidates.items() for p in found]
    own = [k for k, (_, p) in enumerate(pairs) if shapes[p] is not None]
    near = near_community.to_dict()
    distance = [float(near[f]) for f, _ in pairs]
    measured = distances_m(gdf.geometry.loc[[pairs[k][0] for k in own]].values,
                                        [shapes[pairs[k][1]] for k in own])
    for k, metres in zip(own, measured):
        distance[k] = float(metres)
    out: dict[int, list[tuple[int, float]]] = {f: [] for f in candidates}
    for (feature, position), metres in zip(pairs, distance):
        out[feature].append((position, metres))
    for found in out.values():
        found.sort(key=lambda c: (c[1] != c[1], c[1]))
    return out


def _too_far_frame(gdf: gpd.GeoDataFrame, rows: dict, labels: pd.Series, floors: pd.Series,
                   file_compounds: pd.Series) -> gpd.GeoDataFrame:
    """Footprints refused for where they are, with the building they named (if any) and how far it was."""
    features = sorted(rows)
    return _footprint_frame(gdf, features, labels, floors, {
        "building_id": pd.array([rows[f][0] for f in features], dtype="Int64"),
        "building_name": [rows[f][1] for f in features]},
        distances=[float(rows[f][2]) for f in features], file_compounds=file_compounds)


def _far_from_community(centre: tuple[float, float], located: np.ndarray,
                        limit: float) -> tuple[float | None, list[tuple[str, dict]]]:
    """How far the file's centre is from the community, when that is so far the file must be about elsewhere."""
    if len(located) == 0:
        return None, []
    metres = float(nearest_m([shapely.Point(centre)], located)[0][0])
    if metres <= FAR_FACTOR * limit:
        return None, []
    return metres, [("footprint.error.far_from_community", {"distance": format_distance(metres),
                                                            "where": where(*centre)})]


def _register(con: duckdb.DuckDBPyConnection, scope: Scope, community_id: int,
              compound_id: int | None) -> pd.DataFrame:
    """The buildings footprints may be matched to, each with its name's key and its shape (None if not located)."""
    register = queries.fetch_df(con, "footprint_register_buildings", **scope.params(), community_id=community_id)
    if compound_id is not None:
        register = register[register["compound_id"] == compound_id]
    shapes = [shapely.from_wkb(bytes(w)) if isinstance(w, (bytes, bytearray, memoryview)) else None
              for w in register.pop("wkb")]
    return register.assign(key=register["name"].map(building_key), geom=pd.Series(shapes, index=register.index,
                                                                                  dtype=object))


def _footprint_frame(gdf: gpd.GeoDataFrame, features: list, labels: pd.Series, floors: pd.Series,
                     columns: dict | None = None, distances: list | None = None,
                     file_compounds: pd.Series | None = None) -> gpd.GeoDataFrame:
    """Some of the file's footprints by feature number, with their label, floors, distance and the compound the
    file names (`columns` first)."""
    index = pd.Index(features, name="feature", dtype="int64")
    data = {**(columns or {}), "label": labels.reindex(index).to_numpy(dtype=object),
            "floors": floors.reindex(index).array,
            "distance_m": pd.array(distances if distances is not None else [None] * len(index), dtype="Float64"),
            "file_compound": (file_compounds.reindex(index).to_numpy(dtype=object) if file_compounds is not None
                              else [None] * len(index))}
    return gpd.GeoDataFrame(data, index=index, geometry=gdf.geometry.reindex(index).values, crs=gdf.crs)


def _labels(gdf: gpd.GeoDataFrame, name_column: str | None) -> pd.Series:
    """Each footprint's name as text (None where the file gives none)."""
    values = gdf[name_column] if name_column is not None else [None] * len(gdf)
    return pd.Series([_text(v) or None for v in values], index=gdf.index, dtype=object)  # None, never NaN


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


class _Names:
    """The register indexed by building key, so each footprint's candidates are a dictionary look-up."""

    def __init__(self, register: pd.DataFrame):
        self.register = register.reset_index(drop=True)
        self.by_key: dict[str, list[int]] = {}
        self.by_compound_key: dict[tuple[int, str], list[int]] = {}
        for position, (compound_id, key) in enumerate(zip(self.register["compound_id"], self.register["key"])):
            self.by_key.setdefault(key, []).append(position)
            self.by_compound_key.setdefault((int(compound_id), key), []).append(position)
        compounds = self.register.drop_duplicates("compound_id")
        self.compounds = sorted(zip(compounds["compound_id"].astype(int), compounds["compound_name"].map(_normal)),
                                key=lambda c: -len(c[1]))
        self.cache: dict[tuple, list[int]] = {}

    def candidates(self, label: str | None, compound=ANY_COMPOUND) -> list[int]:
        """Register rows whose name means the same as the label, within `compound` (a compound id, ANY_COMPOUND
        or NO_COMPOUND); a leading compound name ('永宁花园3栋') narrows to that compound."""
        text = _normal(label)
        if not text or compound == NO_COMPOUND:
            return []
        if (text, compound) not in self.cache:
            self.cache[text, compound] = self._find(text, compound)
        return self.cache[text, compound]

    def _find(self, text: str, compound) -> list[int]:
        key = building_key(text)
        found = self.by_key.get(key, []) if compound == ANY_COMPOUND else self.by_compound_key.get((compound, key), [])
        if found:
            return found
        for cid, cname in self.compounds:
            if compound != ANY_COMPOUND and cid != compound:
                continue
            if cname and text.startswith(cname) and len(text) > len(cname):
                return self.by_compound_key.get((cid, building_key(text[len(cname):])), [])
        return []


def _names(register: pd.DataFrame, positions: list[int]) -> str:
    """'永宁花园 1栋, 丽景苑 1栋': buildings named with their compound, as a person tells them apart."""
    return ", ".join(f"{register['compound_name'].iloc[p]} {register['name'].iloc[p]}" for p in positions)


def _report(ambiguous: pd.DataFrame, contested: pd.DataFrame, too_far: gpd.GeoDataFrame, floor_report: list[tuple],
            by_id: pd.DataFrame) -> pd.DataFrame:
    """One table of every footprint left out or partly used, by feature, for the page to show."""
    rows = [(r.feature, "footprint.reason.ambiguous", "not_matched", r.buildings) for r in ambiguous.itertuples()]
    for r in contested.itertuples():
        name = f"{by_id.at[r.building_id, 'compound_name']} {r.building_name}"
        rows += [(f, "footprint.reason.contested", "not_matched", name) for f in r.features]
    for feature, name, metres in zip(too_far.index, too_far["building_name"], too_far["distance_m"]):
        distance = format_distance(float(metres))
        rows.append((feature, "footprint.reason.too_far", "rejected", f"{name} · {distance}" if name else distance))
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
                      create_in_compound: int | None, source_name: str,
                      create_in_file_compounds: bool = False) -> dict:
    """Write the matching in one transaction, after checking the actor may touch every row; returns counts.

    Unmatched footprints become buildings in `create_in_compound`; with `create_in_file_compounds`, those whose
    file names a compound go into that compound instead, created in the community if it lacks it (counted as
    compounds_created).
    """
    by_file = create_in_file_compounds and matching.unmatched_footprints["file_compound"].notna().any()
    creating = create_in_compound is not None or bool(by_file)
    check_may_import(actor, create_in_compound, creating=creating)
    _check_geometries(matching)
    _check_places(matching, creating=creating)
    with db.transaction(con):
        scope = roles.scope_for(con, actor, config.today())
        _check_in_scope(con, scope, matching)
        set_count = _set_footprints(con, scope, matching.matched)
        created, compounds_created = [], 0
        targets = pd.Series(create_in_compound, index=matching.unmatched_footprints.index, dtype="Int64")
        if by_file:
            ids, compounds_created = _file_compounds_made(con, scope, matching)
            named = matching.unmatched_footprints["file_compound"].map(ids).astype("Int64")
            targets = named.fillna(targets) if create_in_compound is not None else named
        if targets.notna().any():
            created = _create_buildings(con, scope, matching, targets)
        touched = matching.matched["building_id"].astype(int).tolist() + created
        if not touched and matching.far_from_community_m is not None:
            raise FootprintError("footprint.error.far_from_community", **matching.notices[0][1])
        if not touched:
            raise FootprintError("footprint.error.nothing", file=source_name)
        recut = _recut_stairwells(con, scope, touched)
        counts = {"footprints_set": set_count, "floors_updated": int(matching.matched["floors"].notna().sum()),
                  "buildings_created": len(created), "stairwells_recut": recut,
                  "community_id": matching.community_id, "compound_id": create_in_compound}
        if create_in_file_compounds:
            counts["compounds_created"] = compounds_created
        audit.record(con, actor, "import", f"file:{source_name}",
                     detail=json.dumps(counts, ensure_ascii=False, sort_keys=True))
    return counts


def check_may_import(actor: User | None, create_in_compound: int | None, *, creating: bool | None = None) -> None:
    """Refuse roles that may not import footprints at all, and creating buildings to all but leaders and admins."""
    roles.need(actor, "import", FootprintError("footprint.error.not_allowed", role=getattr(actor, "role", "")))
    creating = create_in_compound is not None if creating is None else creating
    if creating:
        roles.need(actor, "create_buildings", FootprintError("footprint.error.cannot_create", role=actor.role))


def _check_geometries(matching: Matching) -> None:
    """Only cleaned shapes reach the database: valid, non-empty polygons in lon/lat."""
    for frame in (matching.matched, matching.unmatched_footprints):
        geoms = frame.geometry.values
        bad = ~(shapely.is_valid(geoms) & ~shapely.is_empty(geoms) & pd.Series(frame.geom_type).isin(POLYGONAL).values)
        if bad.any():
            raise FootprintError("footprint.error.not_clean", feature=int(frame.index[bad.argmax()]))


def _check_places(matching: Matching, creating: bool) -> None:
    """Nothing is written outside China, nor farther from its building or community than the matching allowed."""
    if matching.matched.empty and matching.unmatched_footprints.empty:
        return  # nothing to place: the commit says there is nothing to write
    _refuse_outside_china(matching.centre)
    frames = [matching.matched] + ([matching.unmatched_footprints] if creating else [])
    for frame in frames:
        far = frame[frame["distance_m"].fillna(0) > matching.distance_limit_m]
        if not far.empty:
            feature = int(far.index[0])
            raise FootprintError("footprint.error.too_far", feature=feature,
                                 distance=format_distance(float(far.at[feature, "distance_m"])),
                                 limit=format_distance(matching.distance_limit_m))


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


def _file_compounds_made(con: duckdb.DuckDBPyConnection, scope: Scope, matching: Matching) -> tuple[dict, int]:
    """{compound named in the file: its id}, creating in the community those it lacks; and how many were made."""
    params = scope.params()
    names = sorted({c for c in matching.unmatched_footprints["file_compound"] if isinstance(c, str) and c})
    ids = _file_compound_ids(con, scope, matching.community_id, pd.Series(names, dtype=object))
    missing = [n for n in names if n not in ids]
    if missing:
        frame = pd.DataFrame({"position": pd.Series(range(len(missing)), dtype="int64"), "name": missing})
        made = _run_with_frame(con, "footprint_new_compounds", frame, "footprint_insert_compounds",
                               community_id=matching.community_id, **params)
        if len(made) != len(missing):
            raise FootprintError("footprint.error.cannot_create", role="")
        ids.update({name: int(compound_id) for compound_id, name in made})
    return ids, len(missing)


def _create_buildings(con: duckdb.DuckDBPyConnection, scope: Scope, matching: Matching,
                      compound_id: int | pd.Series) -> list[int]:
    """Add a building for every unmatched footprint with a compound to go in (one for all, or one per feature),
    named from the file or 未命名N, unique in its compound; returns their ids."""
    params = scope.params()
    new = matching.unmatched_footprints
    targets = (compound_id if isinstance(compound_id, pd.Series)
               else pd.Series(compound_id, index=new.index, dtype="Int64")).dropna().astype("int64")
    new = new.loc[targets.index]
    names = pd.Series(None, index=new.index, dtype=object)
    for target in sorted(set(targets)):
        if not queries.fetch_all(con, "footprint_compound", compound_id=int(target),
                                 community_id=matching.community_id, community_ids=params["community_ids"]):
            raise FootprintError("footprint.error.compound", compound_id=int(target))
        taken = {row[0] for row in queries.fetch_all(con, "footprint_compound_names", compound_id=int(target),
                                                     **params)}
        here = targets.index[targets == target]
        names[here] = new_building_names(new.loc[here, "label"].tolist(), taken)
    frame = pd.DataFrame({"position": pd.Series(range(len(new)), dtype="int64"),
                          "compound_id": targets.to_numpy(dtype="int64"),
                          "name": names.to_numpy(dtype=object),
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
    rows = queries.fetch_df(con, "stairwells_to_cut", building_ids=building_ids, **scope.params())
    return geometry.write_stairwell_shapes(con, geometry.stairwell_shapes(rows))


def _run_with_frame(con: duckdb.DuckDBPyConnection, view: str, frame: pd.DataFrame, query: str,
                    **params) -> list[tuple]:
    """Run a query that reads the frame under the name `view`; returns what the query returns."""
    con.register(view, frame)
    try:
        return con.execute(queries.sql(query), queries.bind(query, params)).fetchall()
    finally:
        con.unregister(view)
