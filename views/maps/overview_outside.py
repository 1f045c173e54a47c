"""The overview's map of the world outside (issue 17): cases and risk areas as layers, and a day slider that
redraws measures by building and the cases reported by that day. Not a page: views/maps/overview.py calls it."""

from datetime import timedelta

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import area_maps, case_maps, maps
from resilient.core.i18n import density_labels, fmt_date, fmt_number
from resilient.edge import cases
from resilient.places import measures
from ui import kit

DAYS = 60  # the slider reaches back this far (or to the first case, if later)
MAP_KEY = "overview_timeline_map"


def case_text(page: kit.Page, row) -> str:
    """What a tap on a case shows, as plain text: number, date, type, where."""
    place = row.building if isinstance(row.building, str) else row.residence
    return f"{row.case_no} · {fmt_date(row.case_date, page.lang)} · {page.tr(f'cases.kind.{row.kind}')} · {place}"


def days(page: kit.Page) -> list:
    today = page.today
    first = cases.cases(page.con, page.scope)["case_date"].min()
    start = today - timedelta(days=DAYS - 1)
    if isinstance(first, pd.Timestamp | type(today)) and pd.notna(first):
        start = max(start, min(pd.Timestamp(first).date(), today - timedelta(days=13)))
    return [start + timedelta(days=n) for n in range((today - start).days + 1)]


def timeline(page: kit.Page, filters: measures.Filters, basemap: str, settings) -> None:
    """The section: slider, KPIs of the day, the map with its layer switch."""
    tr, lang = page.tr, page.lang
    st.subheader(tr("overview.outside.title"))
    choices = days(page)
    day = st.select_slider(tr("overview.outside.day"), choices, value=choices[-1],
                           format_func=lambda d: fmt_date(d, lang), key=kit.widget_key("overview_day"))
    state = cases.state_on(page.con, page.scope, day, filters)
    active = int(state.buildings["active"].sum()) if not state.buildings.empty else 0
    st.caption(tr("overview.outside.summary", day=fmt_date(day, lang), active=fmt_number(active, lang),
                  cases=fmt_number(len(state.cases), lang), areas=fmt_number(len(state.areas), lang)))
    extent = measures.map_extent(page.con, page.scope, filters)
    if extent.bounds is None:
        st.info(tr("overview.no_buildings"))
        return
    labels = {**density_labels(lang, filters.categories)}
    layers = []
    if not area_maps.is_scaled(extent.buildings) and not state.buildings.empty:
        layers.append(area_maps.layer(state.buildings, "building", "active", labels, tr("overview.legend"),
                                      tr("overview.legend_none"), basemap, number=lambda v: fmt_number(v, lang)))
        layers[-1].layer_name = tr("overview.outside.layer_measures")
    elif area_maps.is_scaled(extent.buildings):
        st.caption(tr("overview.outside.scaled"))
    layers.append(case_maps.risk_layer(state.areas, tr("overview.outside.layer_areas"),
                                       lambda r: f"{tr(f'cases.level.{r.level}')} · {r.name}", basemap))
    layers.append(case_maps.case_layer(state.cases, tr("overview.outside.layer_cases"),
                                       lambda r: case_text(page, r), basemap))
    fmap = area_maps.base_map(extent.bounds, basemap, settings)
    fmap.get_root().html.add_child(maps.legend_box(tr("overview.outside.legend"), case_maps.legend_rows({
        "case": tr("overview.outside.layer_cases"), "high": tr("cases.level.high"),
        "medium": tr("cases.level.medium")}), corner="left"))
    st_folium(fmap, height=460, use_container_width=True, returned_objects=[], key=MAP_KEY,
              feature_group_to_add=layers, layer_control=case_maps.layer_control())
