"""Reads about control measures for the overview: per building, per stairwell, per day. All take a Scope."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from geo.zoom import Bbox, View, level_for, pixel_degrees
from resilient.core import queries
from resilient.core.i18n import CATEGORIES
from resilient.core.scope import Scope


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the view to, inside their scope. None means all."""

    compound_ids: tuple[int, ...] | None = None
    categories: tuple[str, ...] | None = None

    def params(self) -> dict:
        return {
            "compound_ids": None if self.compound_ids is None else list(self.compound_ids),
            "categories": None if self.categories is None else list(self.categories),
        }


def building_density(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, today: date,
                     bbox: Bbox | None = None, tolerance: float = 0.0) -> pd.DataFrame:
    """One row per building in view: residents, active measures (total and by category), per 100, GeoJSON.

    `bbox` keeps the buildings touching the map's view; `tolerance` (degrees) simplifies their outlines."""
    return queries.fetch_df(con, "building_density", **scope.params(), **filters.params(), today=today,
                            bbox=_bbox(bbox), tolerance=tolerance)


LEVELS = ("grid", "compound", "community")  # areas a zoomed-out map sums buildings into, smallest first


def area_density(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, today: date, level: str,
                 bbox: Bbox | None = None, tolerance: float = 0.0) -> pd.DataFrame:
    """building_density summed per grid cell, compound or community, one outline each, in DuckDB over the whole
    district (never rows loaded first); areas outside `bbox` left out, counts always of the whole area."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    return queries.fetch_df(con, "area_density", **scope.params(), **filters.params(), today=today, level=level,
                            bbox=_bbox(bbox), tolerance=tolerance)


@dataclass(frozen=True)
class Extent:
    """What the viewer's map holds: buildings in all and in the view, and the corners around all of them."""

    buildings: int
    in_view: int
    bounds: Bbox | None


def map_extent(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, bbox: Bbox | None = None) -> Extent:
    row = queries.fetch_df(con, "map_extent", **scope.params(), **filters.params(), bbox=_bbox(bbox)).iloc[0]
    bounds = None if pd.isna(row["min_lon"]) else \
        tuple(float(row[k]) for k in ("min_lon", "min_lat", "max_lon", "max_lat"))
    return Extent(int(row["buildings"]), int(row["in_view"]), bounds)


@dataclass
class DensityView:
    """What a scaled overview map draws for one view: the level, its rows (for geo.area_maps.density_layer)."""

    level: str
    frame: pd.DataFrame
    view: View
    in_view: int  # buildings in the (padded) view


def density_in_view(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, today: date,
                    view: View) -> DensityView:
    """Buildings in view when close and few enough to draw one by one, else areas, all counted in DuckDB."""
    in_view = map_extent(con, scope, filters, view.bbox).in_view
    level = level_for(in_view, view.zoom)
    if level == "building":
        frame = building_density(con, scope, filters, today, view.bbox)
    else:
        # One pixel: an area's outline need not be finer than the screen draws it.
        frame = area_density(con, scope, filters, today, level, view.bbox, pixel_degrees(view.zoom))
    return DensityView(level, frame, view, in_view)


def _bbox(bbox: Bbox | None) -> list[float] | None:
    return None if bbox is None else [float(v) for v in bbox]


def kpis(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, today: date, now: datetime) -> dict:
    row = queries.fetch_df(con, "overview_kpis", **scope.params(), **filters.params(), today=today, now=now)
    due = due_counts(con, scope, today, filters.compound_ids)
    return {**{key: int(value) for key, value in row.iloc[0].items()},
            "due_today": due["today"], "due_tomorrow": due["tomorrow"]}


def due_counts(con: duckdb.DuckDBPyConnection, scope: Scope, today: date,
               compound_ids: tuple[int, ...] | None = None) -> dict[str, int]:
    """Measures still running on `today` by when their term ends: overdue, today, tomorrow. The one count of
    releases due, for the releases page and the overview alike."""
    row = queries.fetch_df(con, "due_counts", **scope.params(), today=today,
                           compound_ids=None if compound_ids is None else list(compound_ids)).iloc[0]
    return {when: int(row[when]) for when in ("overdue", "today", "tomorrow")}


def active_by_day(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, today: date,
                  days: int = 30) -> pd.DataFrame:
    """Long table day × category with zeros filled in, so a chart never skips a quiet day."""
    found = queries.fetch_df(con, "active_measures_by_day", **scope.params(), **filters.params(),
                             today=today, days=days)
    categories = list(filters.categories) if filters.categories is not None else CATEGORIES
    grid = pd.MultiIndex.from_product(
        [pd.date_range(today - timedelta(days=days - 1), today, freq="D"), categories], names=["day", "category"])
    found["day"] = pd.to_datetime(found["day"])
    counts = found.set_index(["day", "category"])["active"].reindex(grid, fill_value=0)
    return counts.reset_index()


def building_stairwells(con: duckdb.DuckDBPyConnection, scope: Scope, building_id: int, today: date) -> pd.DataFrame:
    return queries.fetch_df(con, "building_stairwells", **scope.params(), building_id=building_id, today=today)


def building_households(con: duckdb.DuckDBPyConnection, scope: Scope, building_id: int, today: date) -> pd.DataFrame:
    """Households of the building under an active measure, with days left; empty outside the viewer's scope."""
    return queries.fetch_df(con, "building_households_under_measure", **scope.params(),
                            building_id=building_id, today=today)


WORST = 10  # buildings listed beside the overview map, worst first


def worst_buildings(con: duckdb.DuckDBPyConnection, scope: Scope, filters: Filters, today: date, by: str,
                    top: int = WORST) -> pd.DataFrame:
    """The `top` buildings with the most people under a measure (`by` 'active') or the most per 100 residents
    ('per_100'), worst first, with the corners of each footprint: the list that zooms the map to each."""
    if by not in ("active", "per_100"):
        raise ValueError(f"by must be 'active' or 'per_100', not {by!r}")
    return queries.fetch_df(con, "worst_buildings", **scope.params(), **filters.params(), today=today, by=by,
                            top=int(top))
