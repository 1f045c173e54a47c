"""Quarantine density per building: KPIs, the building map with its breakdown, and the 30-day curve."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import area_maps, maps
from resilient.core.i18n import CATEGORIES, density_labels, fmt_date, fmt_number
from resilient.places import measures, people, places
from ui import charts, figures, kit, session

page = kit.page()
tr, con, lang = page.tr, page.con, page.lang
ntr = page.ntr
scope, today, now = page.scope, page.today, page.now

st.title(tr("overview.title"))

compounds = places.compounds(con, scope)
compound_names = dict(zip(compounds["compound_id"], compounds["name"]))
left, middle, right, far = st.columns([2, 3, 2, 2])
chosen_compounds = left.multiselect(tr("overview.compound"), list(compound_names),
                                    format_func=compound_names.__getitem__,
                                    placeholder=tr("app.all"), key=kit.widget_key("overview_compounds"))
chosen_categories = middle.multiselect(tr("overview.category"), CATEGORIES, placeholder=tr("app.all"),
                                       format_func=lambda c: tr(f"category.{c}"),
                                       key=kit.widget_key("overview_categories"))
mode = right.radio(tr("overview.measure"), ["active", "per_100"], horizontal=True,
                   key=kit.widget_key("overview_mode"),
                   format_func=lambda m: tr("overview.mode.count") if m == "active" else tr("overview.mode.per_100"))
map_settings = session.basemap_settings()
basemap = far.selectbox(tr("overview.basemap"), list(maps.available_basemaps(map_settings)),
                        format_func=lambda b: tr(f"overview.basemap.{b}"), key=kit.widget_key("overview_basemap"))
filters = measures.Filters(tuple(chosen_compounds) or None, tuple(chosen_categories) or None)

kpi = measures.kpis(con, scope, filters, today, now)
figures.show(page, *[(f"overview.kpi.{k}", kpi[k]) for k in ("residents", "households", "active", "due_today",
                                                              "due_tomorrow", "new_24h")])
figures.show(page, *[(f"category.{c}", kpi[c]) for c in CATEGORIES])
st.caption(tr("overview.kpi_note"))


def stairwells_of(building_id: int):
    units = measures.building_stairwells(con, scope, building_id, today)
    return units.assign(label=units["unit_no"].map(lambda n: tr("unit.name", n=n)))


@st.fragment
def building_map() -> None:
    """Map and breakdown re-run together on a click (and, on a large map, a pan), not the whole page."""
    extent = measures.map_extent(con, scope, filters)
    legend = tr("overview.legend") if mode == "active" else tr("overview.legend_per_100")
    # The click (or pan) that re-ran this fragment is already stored under the map's key.
    stored = st.session_state.get("overview_map")
    if area_maps.is_scaled(extent.buildings):
        # A street or a district: the map stays mounted, the shapes in view come as a layer with its legend.
        labels = {**density_labels(lang, filters.categories), "area": tr("scale.col.area"),
                  "community": tr("scale.col.community"), "buildings": tr("scale.col.buildings"),
                  "legend": legend, "none": tr("overview.legend_none")}
        shown = measures.density_in_view(con, scope, filters, today,
                                         area_maps.view_from(stored, extent.bounds, basemap))
        density = shown.frame
        layers = [area_maps.density_layer(shown.frame, shown.level, shown.view.zoom, mode, labels, basemap)]
        fmap = area_maps.base_map(extent.bounds, basemap, map_settings)
        returned = area_maps.RETURNED
        if shown.level == "building":
            st.caption(ntr("scale.buildings_note", len(density),
                          total=fmt_number(extent.buildings, lang)))
            st.caption(tr("overview.map_help"))
        else:
            st.caption(ntr("scale.areas_note", shown.in_view,
                          level=tr(f"scale.level.{shown.level}")))
            density = pd.DataFrame({"building_id": []})  # areas drawn: no building to break down
    else:
        density = measures.building_density(con, scope, filters, today)
        if density.empty:
            st.info(tr("overview.no_buildings"))
            return
        fmap = maps.building_density_map(density, mode, density_labels(lang, filters.categories), legend,
                                         tr("overview.legend_none"), basemap, map_settings)
        layers, returned = [], ["last_active_drawing"]
        st.caption(tr("overview.map_help"))
    if maps.BASEMAPS[basemap].gcj02:
        st.caption(tr("overview.basemap.gcj02_note"))
    in_view = set(density["building_id"])
    # Outline the clicked building's stairwells as an added layer, so the map itself is not rebuilt and keeps
    # its place.
    chosen = maps.clicked_id(stored)
    units = None
    if chosen in in_view:
        units = stairwells_of(chosen)
        layers.append(maps.stairwell_layer(units, chosen, tr("col.active"), basemap))
    kit.not_on_map(page)
    clicked = st_folium(fmap, height=520, use_container_width=True, returned_objects=returned,
                        feature_group_to_add=layers or None, key="overview_map")
    building_id = maps.clicked_id(clicked)
    if building_id not in in_view:
        st.caption(tr("overview.breakdown_hint"))
        return
    if building_id != chosen:
        units = stairwells_of(building_id)
    building = density.set_index("building_id").loc[building_id]
    st.subheader(tr("overview.breakdown", building=building["name"], compound=building["compound"]))
    st.markdown(f"**{tr('overview.stairwells')}**")
    unit_labels = {"label": tr("col.unit"), **kit.headers("households", "residents", "active",
                                                          "households_under_measure")}
    kit.table(units[list(unit_labels)], unit_labels, f"{building['name']}_{tr('overview.stairwells')}", "excel_units")
    if scope.personal == "none":
        st.caption(tr("overview.aggregates_only"))
        return
    homes = measures.building_households(con, scope, building_id, today)
    st.markdown(f"**{tr('overview.households')}**")
    if homes.empty:
        st.info(tr("overview.no_households"))
        return
    home_labels = kit.headers("unit_no", "floor", "room", "category", "people", "start_date", "planned_end",
                              "days_left")
    shown = homes.assign(unit_no=homes["unit_no"].map(lambda n: tr("unit.name", n=n)),
                         category=homes["category"].map(lambda c: tr(f"category.{c}")),
                         start_date=homes["start_date"].map(lambda d: fmt_date(d, lang)),
                         planned_end=homes["planned_end"].map(lambda d: fmt_date(d, lang)))[list(home_labels)]
    kit.table(shown, home_labels, f"{building['name']}_{tr('overview.households')}", "excel_homes")
    call_list(building_id, building["name"])


def call_list(building_id: int, building_name: str) -> None:
    """Who to call in this building: masked rows for roles that may see people, reveal one at a time, export."""
    if scope.personal == "none":
        return
    user = page.user
    people_frame = people.under_measure_in_building(con, scope, building_id, today, kit.revealed())
    st.markdown(f"**{tr('overview.people')}**")
    st.dataframe(
        people_frame.drop(columns="resident_id").assign(
            unit_no=people_frame["unit_no"].map(lambda n: tr("unit.name", n=n)),
            category=people_frame["category"].map(lambda c: tr(f"category.{c}")),
            planned_end=people_frame["planned_end"].map(lambda d: fmt_date(d, lang))),
        hide_index=True, width="stretch", column_config=people.people_labels(lang))
    if people_frame.empty:
        return
    kit.reveal_picker(page, people_frame, "overview", lambda r: f"{r.unit_no}-{r.room} {r.name}", fragment=True)
    database = session.database()
    st.download_button(
        tr("overview.export"), key="export_people", mime=kit.XLSX,
        data=lambda: people.export_under_measure(database.cursor(), user, scope, building_id, building_name,
                                                 today, lang),
        file_name=f"{building_name}_{tr('overview.people')}_{today:%Y%m%d}.xlsx")


building_map()
st.plotly_chart(charts.active_by_day(measures.active_by_day(con, scope, filters, today), lang),
                width="stretch")
