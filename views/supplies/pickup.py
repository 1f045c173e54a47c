"""Pick-up points: where each building fetches its supplies, who is served at the door instead, the fewest points
so that nobody walks too far, and each household's notice."""

import streamlit as st
from streamlit_folium import st_folium

from geo import pickup_maps
from resilient.core import roles
from resilient.core.i18n import fmt_number
from resilient.core.scope import Scope
from resilient.places import places
from resilient.supplies import pickup
from resilient.supplies.pickup import PickupError, PickupSettings
from ui import figures, kit, session

page = kit.page()
tr, ntr, con, user = page.tr, page.ntr, page.con, page.user
scope, today = page.scope, page.today
manager = roles.may(user, "manage_pickup")
settings = PickupSettings()


def metres(value: float) -> str:
    return f"{fmt_number(round(value), page.lang)} m"


st.title(tr("pickup.title"))
kit.flashed()
kpi = pickup.kpis(con, scope, today)
figures.show(page, ("pickup.kpi.points", kpi["points"]), ("pickup.kpi.told", kpi["households_told"]),
             ("pickup.kpi.door", kpi["door_households"]), ("pickup.kpi.farthest", metres(kpi["farthest_m"])))
buildings = pickup.map_buildings(con, scope, today)
if buildings.empty:
    st.info(tr("overview.no_buildings"))
    st.stop()
if places.grids(con, scope).empty:
    st.info(tr("pickup.no_grid_cells"))


def labels() -> dict[str, str]:
    return {"legend": tr("pickup.legend"), "point": tr("pickup.legend.point"), "served": tr("pickup.legend.served"),
            "no_point": tr("pickup.legend.no_point"), "door": tr("pickup.legend.door"),
            "building": tr("col.building"), "hours": tr("pickup.col.hours"), "door_count": tr("pickup.door_count")}


def show_map(frame, points, key: str) -> None:
    """The map of points, served buildings and door households; nothing it returns re-runs the page."""
    if frame["lon"].isna().all():
        st.info(tr("pickup.no_outlines"))
        return
    map_settings = session.basemap_settings()
    fmap = pickup_maps.pickup_map(frame, points, labels(), "plain", map_settings)
    st_folium(fmap, height=480, use_container_width=True, returned_objects=[], key=key)


# --- sections -------------------------------------------------------------------------------------------------

def map_section() -> None:
    points = pickup.points(con, scope)
    if points.empty:
        st.info(tr("pickup.no_points_manager") if manager else tr("pickup.no_points"))
    st.caption(tr("pickup.map_help"))
    kit.not_on_map(page)
    show_map(buildings, points, "pickup_map")


def points_section() -> None:
    points = pickup.points(con, scope)
    if points.empty:
        st.info(tr("pickup.no_points_manager") if manager else tr("pickup.no_points"))
        return
    kit.table(points[["name", "hours", "buildings", "households", "residents", "farthest_m"]].round({"farthest_m": 0}),
              {"name": tr("pickup.col.point"), "hours": tr("pickup.col.hours"), "buildings": tr("pickup.col.buildings"),
               "households": tr("pickup.col.households"), "residents": tr("pickup.col.residents"),
               "farthest_m": tr("pickup.col.farthest")})
    if not manager:
        return
    names = dict(zip(points["point_id"].astype(int), points["name"]))
    point_id = kit.choose(tr("pickup.edit_point"), names, "pickup_edit_point", per_language=False)
    chosen = points.set_index("point_id").loc[point_id]
    doors = buildings.dropna(subset=["lon", "lat"])
    door_names = {-1: tr("pickup.keep_place"),
                  **dict(zip(doors["building_id"].astype(int), doors["compound"] + doors["name"]))}
    with st.form(f"pickup_edit_{point_id}"):
        name = st.text_input(tr("pickup.col.point"), chosen["name"], max_chars=pickup.MAX_NAME)
        hours = st.text_input(tr("pickup.col.hours"), chosen["hours"], max_chars=pickup.MAX_HOURS,
                              help=tr("pickup.hours_help"))
        to = st.selectbox(tr("pickup.move_to"), list(door_names), format_func=door_names.get)
        if st.form_submit_button(tr("pickup.save_point"), type="primary", use_container_width=True):
            place = doors.set_index("building_id").loc[to] if to != -1 else None
            kit.attempt(lambda: change(point_id, chosen, name, hours, place), tr("pickup.point_saved"), PickupError)


def change(point_id: int, chosen, name: str, hours: str, place) -> None:
    """The form's changes, each its own audited write: a new name, new hours, a new place."""
    if name != chosen["name"]:
        pickup.rename(con, user, scope, point_id, name)
    if hours != chosen["hours"]:
        pickup.set_hours(con, user, scope, point_id, hours)
    if place is not None:
        pickup.move(con, user, scope, point_id, place["lon"], place["lat"])


def suggest_section() -> None:
    """The fewest points within the walk, previewed, then saved as the community's plan."""
    community = kit.chosen_community(page)
    if community is None:
        return
    plan_scope = page.viewer_scope.narrow(Scope(community_ids=(community,)))
    st.caption(tr("pickup.suggest_help"))
    walk = st.number_input(tr("pickup.max_walk"), 50, 2000, int(settings.max_walk_m), step=50, key="pickup_walk")
    hours = st.text_input(tr("pickup.col.hours"), settings.hours, max_chars=pickup.MAX_HOURS, key="pickup_hours",
                          help=tr("pickup.hours_help"))
    if st.button(tr("pickup.compute"), type="primary", key="pickup_compute", use_container_width=True):
        st.session_state["pickup_suggestion"] = (community, pickup.suggest(con, plan_scope, float(walk)))
    kept = st.session_state.get("pickup_suggestion")
    if kept is None or kept[0] != community:
        return
    suggestion = kept[1]
    if not suggestion.unplaced.empty:
        st.warning(ntr("pickup.unplaced", len(suggestion.unplaced)))
        kit.table(suggestion.unplaced[["compound", "name", "households"]],
                  {"compound": tr("col.compound"), "name": tr("col.building"), "households": tr("setup.households")})
    if suggestion.points.empty:
        st.info(tr("pickup.no_outlines"))
        return
    plan = pickup.named(suggestion, tr("pickup.name_at"), hours)
    figures.show(page, ("pickup.suggest.points", len(plan)), ("pickup.suggest.farthest", metres(suggestion.farthest_m)),
                 ("pickup.suggest.walk", metres(suggestion.max_walk_m)))
    show_map(pickup.preview_buildings(con, plan_scope, plan, today), plan, "pickup_preview_map")
    kit.table(plan[["name", "buildings", "households", "residents", "farthest_m"]].round({"farthest_m": 0}),
              {"name": tr("pickup.col.point"), "buildings": tr("pickup.col.buildings"),
               "households": tr("pickup.col.households"), "residents": tr("pickup.col.residents"),
               "farthest_m": tr("pickup.col.farthest")})
    st.caption(tr("pickup.replaces"))
    if st.button(ntr("pickup.use", len(plan)), type="primary", key="pickup_use", use_container_width=True):
        st.session_state.pop("pickup_suggestion", None)
        kit.attempt(lambda: pickup.save(con, user, plan_scope, plan), ntr("pickup.saved", len(plan)), PickupError)


def households_section() -> None:
    """Each household's point and hours: the sheet the building leaders hand out, and the page itself."""
    frame = pickup.household_points(con, scope, today)
    if frame.empty:
        st.info(tr("pickup.no_households"))
        return
    shown = frame.assign(point=frame["point"].fillna(tr("pickup.none_yet")), hours=frame["hours"].fillna(""),
                         at_door=frame["at_door"].map({True: tr("pickup.at_door_yes"), False: ""}))
    st.caption(ntr("pickup.households_help", int(frame["at_door"].sum())))
    kit.table(shown[["compound", "building", "unit_no", "room", "point", "hours", "at_door"]],
              {"compound": tr("col.compound"), "building": tr("col.building"), "unit_no": tr("pickup.col.unit"),
               "room": tr("pickup.col.room"), "point": tr("pickup.col.point"), "hours": tr("pickup.col.hours"),
               "at_door": tr("pickup.col.at_door")}, tr("pickup.households_file"), "pickup_households_excel",
              height=420)


sections = {"map": map_section, "points": points_section, "households": households_section}
if manager:
    sections["suggest"] = suggest_section
sections[kit.section("pickup", sections)]()
