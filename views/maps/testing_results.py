"""The testing page's results section (not a page): lab results, tracing a positive tube, acting on it."""


import streamlit as st

from resilient.core import roles
from resilient.imports.sheets import ImportProblemError
from resilient.testing import retests
from resilient.testing import rounds as testing
from resilient.testing.rounds import TestingError
from ui import kit
from views.maps.testing_plan import fail
from views.maps.testing_retests import retest_section


def results_tab(page: kit.Page, round_id: int) -> None:
    tr, ntr, con, user = page.tr, page.ntr, page.con, page.user
    if not roles.may(user, "organise_testing"):
        st.info(tr("app.not_allowed"))
        return
    with st.form("result"):
        left, right = st.columns([2, 1])
        code = left.text_input(tr("testing.tube_code"))
        result = right.radio(tr("testing.result"), ["negative", "positive"], horizontal=True,
                             format_func=lambda r: tr(f"testing.{r}"))
        if st.form_submit_button(tr("testing.save_result")):
            try:
                testing.record_result(con, user, round_id, code.strip(), result)
                st.success(tr("testing.result_saved", code=code.strip()))
            except TestingError as error:
                fail(page, error)
    upload = kit.file_uploader(tr("testing.lab_file"), ["xlsx", "csv"], "lab_file")
    if upload is not None and st.button(tr("testing.import_lab"), key="import_lab"):
        try:
            frame = testing.read_lab_file(upload.getvalue(), upload.name)
            counts = testing.import_lab_results(con, user, round_id, frame)
            st.success(ntr("testing.lab_done", counts["recorded"], positive=len(counts["positive"])))
        except (TestingError, ImportProblemError) as error:
            fail(page, error)
    trace(page, round_id)
    retest_section(page, round_id)


def trace(page: kit.Page, round_id: int) -> None:
    """A positive tube's people, their flats on the map, and the one tap that puts them under measures."""
    tr, con, user, scope, today = page.tr, page.con, page.user, page.scope, page.today
    st.subheader(tr("testing.trace"))
    traced = st.text_input(tr("testing.positive_tube"), key="trace_code").strip()
    if not traced:
        return
    try:
        people = testing.trace_tube(con, scope, round_id, traced, today)
    except TestingError as error:
        fail(page, error)
        return
    st.session_state["traced_stairwells"] = sorted(set(people["stairwell_id"].astype(int)))
    st.markdown(tr("testing.traced", people=len(people), households=people["household_id"].nunique(),
                   stairwells=people["stairwell_id"].nunique()))
    headers = kit.headers("compound", "building", "unit_no", "room", "name", "phone",
                          taken_at=tr("testing.taken_at"))
    kit.table(people[list(headers)], headers)
    st.caption(tr("testing.traced_on_map"))
    if st.button(tr("testing.act"), type="primary", key="act_on_positive"):
        try:
            counts = retests.act_on_positive(con, user, round_id, traced, today)
            st.success(tr("testing.acted", **counts))
        except TestingError as error:
            fail(page, error)
