"""The testing page's desk section (not a page): built for a phone at a sampling desk."""


import streamlit as st

from resilient.testing import rounds as testing
from resilient.testing.rounds import TestingError
from ui import kit
from views.maps.testing_plan import fail


def desk_tab(page: kit.Page, round_id: int) -> None:
    """Built for a phone at a sampling desk: tube in hand, find the person, one tap to record."""
    tr, con, user, scope, today = page.tr, page.con, page.user, page.scope, page.today
    sites = testing.sites_frame(con, round_id)
    if sites.empty:
        st.info(tr("testing.no_sites"))
        return
    site = kit.choose(tr("testing.site"), dict(zip(sites["site_id"], sites["name"])), "desk_site", per_language=False)
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    code = left.text_input(tr("testing.tube_code"), key="desk_tube_code").strip()
    if right.button(tr("testing.open_tube"), key="open_tube", disabled=not code):
        try:
            testing.open_tube(con, user, round_id, code, int(site))
            st.session_state["desk_tube"] = code
        except TestingError as error:
            fail(page, error)
    tube_code = st.session_state.get("desk_tube")
    if tube_code:
        try:
            tube = testing.tube_status(con, round_id, tube_code)
            st.markdown(tr("testing.tube_in_hand", code=tube_code, n=int(tube["samples"]), cap=int(tube["capacity"])))
            if st.button(tr("testing.close_tube"), key="close_tube"):
                testing.close_tube(con, user, round_id, tube_code)
                st.session_state.pop("desk_tube")
                st.rerun()
        except TestingError as error:
            fail(page, error)
    query = st.text_input(tr("testing.find"), key="desk_find", placeholder="3-2-1502 / 5678 / R123").strip()
    if not query:
        return
    try:
        found = testing.find_people(con, scope, round_id, query, today)
    except TestingError as error:
        fail(page, error)
        return
    if found.empty:
        st.warning(tr("testing.nobody"))
    for person in found.head(12).itertuples():
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.markdown(f"**{person.building}{person.unit_no}-{person.room}** {kit.plain(person.name, person.phone)}")
        if person.sampled:
            right.caption(tr("testing.done", tube=person.tube_code))
        elif person.mode == "excluded":
            right.caption(tr("testing.excluded"))
        elif right.button(tr("testing.record"), key=f"sample_{person.resident_id}", disabled=not tube_code,
                          type="primary"):
            try:
                testing.add_sample(con, user, round_id, tube_code, int(person.resident_id), int(site))
                st.toast(tr("testing.recorded", room=person.room))
                st.rerun()
            except TestingError as error:
                fail(page, error)
