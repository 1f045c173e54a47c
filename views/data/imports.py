"""Bring a real community in: register, staff and volunteer sheets, and building footprints.

Every file is read and checked first; the problems are listed by row and column; nothing is written until the
person confirms, and then all of it or nothing.
"""

import streamlit as st

from resilient.imports import register as register_import
from resilient.places import places
from ui import kit
from views.data import imports_outlines as outlines
from views.data import imports_sheets as sheets

page = kit.page()
tr, con = page.tr, page.con
scope = page.viewer_scope  # an import reaches the whole community, whatever grid cell the sidebar shows
kit.require(page, "import")

KINDS = {
    "register": sheets.Sheet("register", register_import.REGISTER_FIELDS, register_import.validate_register,
                             register_import.commit_register),
    "staff": sheets.Sheet("staff", register_import.STAFF_FIELDS, register_import.validate_staff,
                          register_import.commit_staff),
    "volunteer": sheets.Sheet("volunteer", register_import.VOLUNTEER_FIELDS, register_import.validate_volunteers,
                              register_import.commit_volunteers),
}


def choose_community(key: str) -> int | None:
    """Leaders and grid workers import into their own community; a street administrator picks one."""
    return kit.pick_community(page, key, scope)


def census_option(kind: str) -> dict:
    """A register may make the places it names (census); the other sheets have no options."""
    if kind != "register":
        return {}
    return {"census": st.checkbox(tr("import.census"), key=f"census_{kind}", help=tr("import.census_help"))}


st.title(tr("import.title"))
if places.communities(con, scope).empty:
    st.info(tr("import.no_community"))
    st.page_link("views/data/setup.py", label=tr("nav.setup"), icon=":material/checklist:")
    st.stop()
st.caption(tr("import.intro"))
tabs = st.tabs([tr("import.kind.register"), tr("import.kind.staff"), tr("import.kind.volunteer"),
                tr("import.kind.footprints")])
for tab, kind in zip(tabs[:3], KINDS):
    with tab:
        sheets.sheet_import(page, KINDS[kind], lambda kind=kind: choose_community(f"community_{kind}"),
                            lambda kind=kind: census_option(kind))
with tabs[3]:
    outlines.outline_import(page, choose_community("community_footprints"))
