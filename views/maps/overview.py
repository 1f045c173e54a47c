"""Quarantine density per building: KPIs, the building map with its breakdown, and the 30-day curve."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import area_maps, maps
from resilient.core.i18n import CATEGORIES, density_labels, fmt_date, fmt_number
from resilient.places import measures, people, places
from ui import charts, figures, kit, session
from views.maps import overview_outside
from views.maps.overview_codes import codes_panel

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
codes_panel(page, filters.compound_ids)


def stairwells_of(building_id: int):
    units = measures.building_stairwells(con, scope, building_id, today)
    return units.assign(label=units["unit_no"].map(lambda n: tr("unit.name", n=n)))


BUILDING, CLICK_SEEN, FOCUS = "overview_building", "overview_click_seen", "overview_focus"  # not per language


def take_click(stored: dict | None) -> None:
    """A new click on a building (not a pan, not the empty value of a map remounted in another language)
    chooses it; the choice lives in session state, so it survives a language switch."""
    signature = maps.click_signature(stored)
    if signature == st.session_state.get(CLICK_SEEN):
        return
    st.session_state[CLICK_SEEN] = signature
    if (clicked := maps.clicked_id(stored)) is not None:
        st.session_state[BUILDING] = clicked
        st.session_state[FOCUS] = None  # the map is where the reader put it; a later pick moves it again


def pick(key: str) -> None:
    """A building chosen from the worst-ten list: open it and move the map to it."""
    st.session_state[BUILDING] = st.session_state.get(key)
    st.session_state[FOCUS] = st.session_state.get(key)


def worst_list(worst: pd.DataFrame, legend: str) -> None:
    """The worst buildings as plain text, worst first, and a picker that zooms the map to one and opens it."""
    st.subheader(tr("overview.worst.title"))
    if worst.empty:
        st.info(tr("overview.worst.empty"))
        return
    labels = dict(zip(worst["building_id"], worst["compound"].fillna("") + " " + worst["name"]))
    shown = pd.DataFrame({"rank": range(1, len(worst) + 1), "building": worst["building_id"].map(labels),
                          "value": worst[mode].map(lambda v: fmt_number(v, lang))})
    kit.table(shown, {"rank": tr("overview.worst.rank"), "building": tr("overview.worst.building"),
                      "value": legend})
    key = kit.widget_key("overview_pick")
    chosen = st.session_state.get(BUILDING)
    st.session_state[key] = chosen if chosen in labels else None  # a building clicked on the map: it follows
    ranks = {b: i for i, b in enumerate(labels, start=1)}
    st.selectbox(tr("overview.worst.pick"), [None, *labels], key=key, on_change=pick, args=(key,),
                 placeholder=tr("overview.worst.choose"),
                 format_func=lambda b: tr("overview.worst.choose") if b is None else f"{ranks[b]}. {labels[b]}")


@st.fragment
def building_map() -> None:
    """Map, worst-ten list and breakdown re-run together on a click (and, on a large map, a pan), not the
    whole page."""
    extent = measures.map_extent(con, scope, filters)
    legend = tr("overview.legend") if mode == "active" else tr("overview.legend_per_100")
    number = lambda v: fmt_number(v, lang)  # noqa: E731
    # The click (or pan) that re-ran this fragment is already stored under the map's key.
    stored = st.session_state.get("overview_map")
    take_click(stored)
    worst = measures.worst_buildings(con, scope, filters, today, mode)
    map_column, list_column = st.columns([3, 1])
    with list_column:
        worst_list(worst, legend)
    if area_maps.is_scaled(extent.buildings):
        # A street or a district: the map stays mounted, the shapes in view come as a layer with its legend.
        labels = {**density_labels(lang, filters.categories), "area": tr("scale.col.area"),
                  "community": tr("scale.col.community"), "buildings": tr("scale.col.buildings"),
                  "legend": legend, "none": tr("overview.legend_none")}
        shown = measures.density_in_view(con, scope, filters, today,
                                         area_maps.view_from(stored, extent.bounds, basemap))
        density = shown.frame
        layers = [area_maps.density_layer(shown.frame, shown.level, shown.view.zoom, mode, labels, basemap, number)]
        fmap = area_maps.base_map(extent.bounds, basemap, map_settings)
        returned = [*area_maps.RETURNED, "last_object_clicked"]
        if shown.level == "building":
            map_column.caption(ntr("scale.buildings_note", len(density), total=fmt_number(extent.buildings, lang)))
            map_column.caption(tr("overview.map_help"))
        else:
            map_column.caption(ntr("scale.areas_note", shown.in_view, level=tr(f"scale.level.{shown.level}")))
            density = pd.DataFrame({"building_id": [], "name": [], "compound": []})  # areas: no building drawn
    else:
        density = measures.building_density(con, scope, filters, today)
        if density.empty:
            map_column.info(tr("overview.no_buildings"))
            return
        fmap = maps.building_density_map(density, mode, density_labels(lang, filters.categories), legend,
                                         tr("overview.legend_none"), basemap, map_settings, number)
        layers, returned = [], ["last_active_drawing", "last_object_clicked"]
        map_column.caption(tr("overview.map_help"))
    if maps.BASEMAPS[basemap].gcj02:
        map_column.caption(tr("overview.basemap.gcj02_note"))
    # The chosen building: one drawn now, or one of the worst ten (on a large map, perhaps not yet in view).
    known = pd.concat([density[["building_id", "name", "compound"]], worst[["building_id", "name", "compound"]]])
    known = known.drop_duplicates("building_id").set_index("building_id")
    chosen = st.session_state.get(BUILDING)
    units = None
    # Outline the chosen building's stairwells as an added layer, so the map itself is not rebuilt and keeps
    # its place.
    if chosen in known.index:
        units = stairwells_of(chosen)
        layers.append(maps.stairwell_layer(units, chosen, tr("col.active"), basemap))
    centre = zoom = None
    focused = worst[worst["building_id"] == st.session_state.get(FOCUS)]
    if not focused.empty and focused["min_lon"].notna().all():
        centre, zoom = maps.focus_view(tuple(focused.iloc[0][["min_lon", "min_lat", "max_lon", "max_lat"]]),
                                       basemap, map_settings)
    with map_column:
        kit.not_on_map(page)
        st_folium(fmap, height=520, use_container_width=True, returned_objects=returned,
                  feature_group_to_add=layers or None, key="overview_map", center=centre, zoom=zoom)
    if chosen not in known.index:
        st.caption(tr("overview.breakdown_hint"))
        return
    breakdown(chosen, known.loc[chosen], units)


def breakdown(building_id: int, building: pd.Series, units: pd.DataFrame) -> None:
    """The chosen building's stairwells, households under measures and who to call."""
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
overview_outside.timeline(page, filters, basemap, map_settings)
charts.show(charts.active_by_day(measures.active_by_day(con, scope, filters, today), lang), lang)
