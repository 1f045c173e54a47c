"""Setting up a community from an empty database, step by step; afterwards, what is still missing.

Street office → communities → grid cells and their grid workers → compounds → building outlines → household
register → staff and volunteers. Each step shows done / how many / what next, and stays open for later changes.
"""

import streamlit as st

from resilient.core import roles
from resilient.demo import examples
from resilient.imports import places as places_import
from resilient.places import setup
from resilient.places.setup import SetupError
from ui import kit
from views.data import imports_sheets as sheets

IMPORTS = "views/data/imports.py"
BUILDINGS = "views/data/buildings.py"
WORDS = {"field": "setup.field"}
PLACES = sheets.Sheet("places", places_import.PLACES_FIELDS, places_import.validate_places,
                      places_import.commit_places)

page = kit.page()
tr = page.tr
kit.require(page, "set_up_places")

st.title(tr("setup.title"))
st.caption(tr("setup.intro"))
kit.flashed()


def attempt(write, done: str) -> None:
    kit.attempt(write, done, SetupError, "setup_form", WORDS)


form_version = kit.version("setup_form")
communities = setup.communities(page.con, page.viewer_scope)

# --- step 1: the community -------------------------------------------------------------------------------------
with st.expander(tr("setup.step.community"), expanded=communities.empty, icon=":material/location_city:"):
    if not communities.empty:
        kit.table(communities[["name", "street", "district"]], {"name": tr("app.community"),
                  "street": tr("setup.street"), "district": tr("setup.district")})
    if roles.may(page.user, "create_community"):
        with st.form(f"new_community_{form_version}"):
            name = st.text_input(tr("setup.community_name"), placeholder=tr("setup.example", name="永定社区"))
            street = st.text_input(tr("setup.street"), value=str(communities["street"].iloc[-1])
                                   if not communities.empty else "", placeholder=tr("setup.example", name="三井街道"))
            district = st.text_input(tr("setup.district"), placeholder=tr("setup.example", name="新北区"))
            if st.form_submit_button(tr("setup.create_community"), type="primary"):
                attempt(lambda: setup.create_community(page.con, page.user, name, street, district),
                        tr("setup.created", name=name))

if communities.empty:
    st.info(tr("setup.no_community_yet"))
    st.stop()

community_id = kit.pick_community(page, "setup_community", page.viewer_scope)
if community_id is None:
    st.stop()
steps = {s.step: s for s in setup.status(page.con, page.viewer_scope, community_id)}

# --- what is done and what is next ------------------------------------------------------------------------------
st.subheader(tr("setup.progress"))
for step in steps.values():
    icon = ":green[:material/check_circle:]" if step.done else ":orange[:material/pending:]"
    st.markdown(f"{icon} **{tr(f'setup.step.{step.step}')}** — "
                f"{tr(f'setup.figure.{step.step}', count=step.count, missing=step.missing)}")
next_step = next((s for s in steps.values() if not s.done), None)
if next_step is None:
    st.success(tr("setup.all_done"))
else:
    st.info(tr(f"setup.next.{next_step.step}"))

# --- step 2: grid cells and their grid workers ------------------------------------------------------------------
with st.expander(tr("setup.step.grid_cells"), expanded=next_step is steps["grid_cells"], icon=":material/grid_view:"):
    grids = setup.grid_cells(page.con, page.viewer_scope, community_id)
    if grids.empty:
        st.info(tr("setup.no_grid_cells"))
    else:
        kit.table(grids[["name", "grid_worker", "buildings"]], {"name": tr("app.grid"),
                  "grid_worker": tr("role.grid_worker"), "buildings": tr("scale.col.buildings")})
    staff = setup.staff(page.con, page.viewer_scope, community_id)
    workers = {int(s.staff_id): s.name for s in staff.itertuples() if s.role == "grid_worker"}
    left, right = st.columns(2)
    with left.form(f"new_staff_{form_version}"):
        st.markdown(f"**{tr('setup.add_staff')}**")
        role = st.selectbox(tr("login.role"), setup.STAFF_ROLES, format_func=lambda r: tr(f"setup.staff_role.{r}"))
        person = st.text_input(tr("login.name"))
        phone = st.text_input(tr("setup.phone"))
        if st.form_submit_button(tr("setup.add_staff")):
            attempt(lambda: setup.create_staff(page.con, page.user, community_id, role, person, phone),
                    tr("setup.created", name=person))
    with right.form(f"new_grid_{form_version}"):
        st.markdown(f"**{tr('setup.add_grid')}**")
        grid_name = st.text_input(tr("setup.grid_name"), placeholder=tr("setup.example", name="第1网格"))
        worker = st.selectbox(tr("role.grid_worker"), [None, *workers], placeholder=tr("setup.none_yet"),
                              format_func=lambda s: tr("setup.none_yet") if s is None else workers[s])
        if st.form_submit_button(tr("setup.add_grid")):
            attempt(lambda: setup.create_grid_cell(page.con, page.user, community_id, grid_name, worker),
                    tr("setup.created", name=grid_name))
    if not grids.empty and workers:
        cells = dict(zip(grids["grid_id"].astype(int), grids["name"]))
        left, middle, right = st.columns([2, 2, 1], vertical_alignment="bottom")
        cell = kit.choose(tr("app.grid"), cells, "setup_cell", where=left)
        who = kit.choose(tr("role.grid_worker"), workers, "setup_cell_worker", where=middle)
        if right.button(tr("setup.set_worker"), key="setup_set_worker"):
            attempt(lambda: setup.set_grid_worker(page.con, page.user, cell, who), tr("setup.saved"))

# --- step 3: compounds ------------------------------------------------------------------------------------------
with st.expander(tr("setup.step.compounds"), expanded=next_step is steps["compounds"], icon=":material/apartment:"):
    compounds = setup.compounds(page.con, page.viewer_scope, community_id)
    if compounds.empty:
        st.info(tr("setup.no_compounds"))
    else:
        kit.table(compounds[["name", "buildings", "without_outline"]], {"name": tr("col.compound"),
                  "buildings": tr("scale.col.buildings"), "without_outline": tr("setup.without_outline")})
    with st.form(f"new_compound_{form_version}"):
        compound_name = st.text_input(tr("setup.compound_name"), placeholder=tr("setup.example", name="永宁花园"))
        if st.form_submit_button(tr("setup.add_compound")):
            attempt(lambda: setup.create_compound(page.con, page.user, community_id, compound_name),
                    tr("setup.created", name=compound_name))

# --- steps 2 and 3 in one go: the places sheet -------------------------------------------------------------------
def places_written(counts: dict) -> None:
    kit.flash(page.ntr("setup.places_written", counts["buildings_created"] + counts["buildings_updated"],
                       created=counts["buildings_created"], updated=counts["buildings_updated"],
                       grids=counts["grid_cells_created"], compounds=counts["compounds_created"]))


with st.expander(tr("setup.places_sheet"), expanded=steps["compounds"].count == 0, icon=":material/table_view:"):
    st.markdown(tr("setup.places_sheet_how"))
    sheets.sheet_import(page, PLACES, lambda: community_id, done=places_written)

# --- steps 4 to 6: files, and the buildings page ---------------------------------------------------------------
with st.expander(tr("setup.step.outlines"), expanded=next_step is steps["outlines"], icon=":material/map:"):
    st.markdown(tr("setup.outlines_how"))
    st.page_link(IMPORTS, label=tr("setup.go_imports"), icon=":material/upload_file:")
    st.page_link(BUILDINGS, label=tr("setup.go_buildings"), icon=":material/edit_location_alt:")
    missing = setup.buildings_without_outline(page.con, page.scope)
    if not missing.empty:
        kit.table(missing[["compound", "name", "grid", "households", "point_only"]], {
            "compound": tr("col.compound"), "name": tr("col.building"), "grid": tr("col.grid"),
            "households": tr("setup.households"), "point_only": tr("setup.point_only")},
            excel=tr("setup.without_outline"), key="excel_unmapped")
for name in ("register", "staff"):
    with st.expander(tr(f"setup.step.{name}"), expanded=next_step is steps[name], icon=":material/group:"):
        st.markdown(tr(f"setup.{name}_how"))
        st.page_link(IMPORTS, label=tr("setup.go_imports"), icon=":material/upload_file:")

# --- worked examples -----------------------------------------------------------------------------------------------
with st.expander(tr("setup.examples"), icon=":material/school:"):
    st.markdown(tr("setup.examples_how"))
    EXAMPLE_FILES = [("places", examples.places_file, kit.XLSX, "demo_places.xlsx"),
                     ("outlines", examples.outline_file, "application/geo+json", "demo_outlines.geojson"),
                     ("register", examples.register_file, kit.XLSX, "demo_register.xlsx"),
                     ("staff", examples.staff_file, kit.XLSX, "demo_staff.xlsx"),
                     ("volunteers", examples.volunteer_file, kit.XLSX, "demo_volunteers.xlsx")]
    for name, data, mime, file_name in EXAMPLE_FILES:
        st.download_button(tr(f"setup.example_{name}"), data=data, mime=mime, file_name=file_name,
                           key=f"example_{name}")
