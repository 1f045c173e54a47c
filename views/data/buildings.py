"""Buildings by hand: draw an outline on the map, add, rename, move, merge or delete a building. Each audited."""

import streamlit as st
from streamlit_folium import st_folium

from geo import basemaps, maps
from resilient.places import setup
from resilient.places.setup import SetupError
from ui import kit, session

ACTIONS = ("outline", "add", "rename", "move", "merge", "delete")
WORDS = {"field": "setup.field"}

page = kit.page()
tr = page.tr
kit.require(page, "set_up_places")
st.title(tr("buildings.title"))
kit.flashed()

community_id = kit.pick_community(page, "buildings_community", page.viewer_scope)
if community_id is None:
    st.info(tr("setup.no_community_yet"))
    st.page_link("views/data/setup.py", label=tr("nav.setup"), icon=":material/checklist:")
    st.stop()
compounds = setup.compounds(page.con, page.viewer_scope, community_id)
if compounds.empty:
    st.info(tr("setup.next.compounds"))
    st.page_link("views/data/setup.py", label=tr("nav.setup"), icon=":material/checklist:")
    st.stop()


def attempt(write, done: str) -> None:
    kit.attempt(write, done, SetupError, "buildings_form", WORDS)


form = kit.version("buildings_form")
register = setup.community_buildings(page.con, page.viewer_scope, community_id)
labels = dict(zip(register["building_id"].astype(int), register["label"]))
compound_names = dict(zip(compounds["compound_id"].astype(int), compounds["name"]))
grids = setup.grid_cells(page.con, page.viewer_scope, community_id)
grid_names = {None: tr("setup.none_yet"), **dict(zip(grids["grid_id"].astype(int), grids["name"]))}



def point_for_now(chosen: int, centre, basemap: str, map_settings) -> None:
    """A point where the building stands, clicked on the map or typed (WGS-84), until its outline comes."""
    row = register.set_index("building_id").loc[chosen]
    if row["has_outline"]:
        st.info(tr("buildings.point_has_outline"))
        return
    st.caption(tr("buildings.point_how"))
    map_key, lon_key, lat_key = f"point_{chosen}_{basemap}", f"point_lon_{chosen}", f"point_lat_{chosen}"
    here = (row["lon"], row["lat"]) if row["has_point"] else centre
    st.session_state.setdefault(lon_key, round(float(here[0]), 6))
    st.session_state.setdefault(lat_key, round(float(here[1]), 6))
    # A new click (its value is under the map's key before the map is drawn again) fills the two fields.
    clicked = maps.clicked_point(st.session_state.get(map_key), basemap)
    if clicked is not None and clicked != st.session_state.get(f"{map_key}_used"):
        st.session_state[f"{map_key}_used"] = clicked
        st.session_state[lon_key], st.session_state[lat_key] = round(clicked[0], 6), round(clicked[1], 6)
    left, right = st.columns(2)
    lon = left.number_input(tr("buildings.lon"), format="%.6f", step=0.0001, key=lon_key)
    lat = right.number_input(tr("buildings.lat"), format="%.6f", step=0.0001, key=lat_key)
    st_folium(maps.drawing_map(register, chosen, (lon, lat), basemap, map_settings, tools=False), height=480,
              width="stretch", key=map_key, returned_objects=["last_clicked"],
              feature_group_to_add=maps.point_layer(lon, lat, labels[chosen], basemap))
    if st.button(tr("buildings.save_point", building=labels[chosen]), type="primary", key="buildings_save_point"):
        attempt(lambda: setup.set_point(page.con, page.user, chosen, lon, lat), tr("setup.saved"))


action = kit.section("buildings", ACTIONS)
if action != "add" and not labels:
    st.info(tr("buildings.none"))
    st.stop()

if action == "outline":
    chosen = kit.choose(tr("col.building"), labels, "buildings_outline_pick")
    map_settings = session.basemap_settings()
    basemap = kit.choose(tr("overview.basemap"), {b: tr(f"overview.basemap.{b}")
                                                  for b in maps.available_basemaps(map_settings)},
                         "buildings_basemap")
    centre = setup.community_centre(page.con, community_id)
    if centre is None:
        st.info(tr("buildings.no_centre"))
        left, right = st.columns(2)
        centre = (left.number_input(tr("buildings.lon"), 73.0, 135.5, 119.95, format="%.5f"),
                  right.number_input(tr("buildings.lat"), 18.0, 53.6, 31.70, format="%.5f"))
    how = st.radio(tr("buildings.how"), ["draw", "point"], format_func=lambda h: tr(f"buildings.how.{h}"),
                   horizontal=True, key=kit.widget_key("buildings_outline_how"))
    if how == "point":
        point_for_now(chosen, centre, basemap, map_settings)
    else:
        st.caption(tr("buildings.draw_how"))
        drawn = st_folium(maps.drawing_map(register, chosen, centre, basemap, map_settings), height=480,
                          width="stretch", key=f"draw_{chosen}_{basemap}", returned_objects=["last_active_drawing"])
        shape = (drawn or {}).get("last_active_drawing")
        if shape and st.button(tr("buildings.save_outline", building=labels[chosen]), type="primary"):
            try:
                stored = basemaps.stored_geometry(setup.outline_from(shape), basemaps.resolve(basemap, map_settings))
            except SetupError as error:
                kit.fail(error, WORDS)
            else:
                attempt(lambda: setup.set_outline(page.con, page.user, chosen, stored), tr("setup.saved"))

elif action == "add":
    with st.form(f"add_building_{form}"):
        compound = kit.choose(tr("col.compound"), compound_names, "buildings_add_compound")
        name = st.text_input(tr("setup.field.building"), placeholder=tr("setup.example", name="3栋"))
        left, middle = st.columns(2)
        units = left.number_input(tr("buildings.units"), 1, setup.MAX_UNITS, 2)
        floors = middle.number_input(tr("buildings.floors"), 1, 200, 6)
        grid = kit.choose(tr("app.grid"), grid_names, "buildings_add_grid")
        if st.form_submit_button(tr("buildings.add"), type="primary"):
            attempt(lambda: setup.create_building(page.con, page.user, compound, name, units=int(units),
                                                  floors=int(floors), grid_id=grid), tr("setup.created", name=name))

elif action == "rename":
    chosen = kit.choose(tr("col.building"), labels, "buildings_rename_pick")
    with st.form(f"rename_{form}"):
        name = st.text_input(tr("buildings.new_name"), value=str(register.set_index("building_id").at[chosen, "name"]))
        if st.form_submit_button(tr("buildings.rename"), type="primary"):
            attempt(lambda: setup.rename_building(page.con, page.user, chosen, name), tr("setup.saved"))

elif action == "move":
    chosen = kit.choose(tr("col.building"), labels, "buildings_move_pick")
    row = register.set_index("building_id").loc[chosen]
    compound = kit.choose(tr("col.compound"), compound_names, "buildings_move_compound",
                          index=list(compound_names).index(int(row["compound_id"])))
    grid = kit.choose(tr("app.grid"), grid_names, "buildings_move_grid")
    if st.button(tr("buildings.move"), type="primary"):
        attempt(lambda: setup.move_building(page.con, page.user, chosen, compound_id=compound, grid_id=grid),
                tr("setup.saved"))

elif action == "merge":
    st.caption(tr("buildings.merge_how"))
    source = kit.choose(tr("buildings.merge_source"), labels, "buildings_merge_source")
    others = {k: v for k, v in labels.items() if k != source}
    target = kit.choose(tr("buildings.merge_target"), others, "buildings_merge_target") if others else None
    if target is not None and st.checkbox(tr("buildings.merge_confirm", source=labels[source], target=labels[target]),
                   key="buildings_merge_ok") and st.button(tr("buildings.merge"), type="primary"):
        attempt(lambda: setup.merge_buildings(page.con, page.user, source, target), tr("setup.saved"))

elif action == "delete":
    chosen = kit.choose(tr("col.building"), labels, "buildings_delete_pick")
    if st.button(tr("buildings.delete", building=labels[chosen]), key="buildings_delete"):
        attempt(lambda: setup.delete_building(page.con, page.user, chosen), tr("setup.saved"))

kit.table(register[["label", "grid", "households", "has_outline", "has_point"]], {
    "label": tr("col.building"), "grid": tr("col.grid"), "households": tr("setup.households"),
    "has_outline": tr("buildings.on_map"), "has_point": tr("setup.point_only")}, excel=tr("buildings.title"),
    key="excel_buildings")
