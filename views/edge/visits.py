"""Arrivals to visit (到达待访): every new arrival of my 三包一 team's flats, within the minute, and the visit
recorded on a phone at the door (temperature, the notice handed over, the door sealed)."""

import streamlit as st

from resilient.core import config
from resilient.core.i18n import fmt_date, fmt_time
from resilient.edge import visits
from resilient.edge.passes import PassError
from ui import figures, kit

page = kit.page()
tr, con, user, lang, ntr = page.tr, page.con, page.user, page.lang, page.ntr
kit.require(page, "visit_arrivals")


def visit_form(row) -> None:
    """One arrival's visit: three answers and a button, in one write."""
    key = f"visit_{int(row.arrival_id)}"
    temperature = st.number_input(tr("visits.temperature"), min_value=30.0, max_value=45.0, value=None, step=0.1,
                                  format="%.1f", key=f"{key}_temp")
    notice = st.checkbox(tr("visits.notice"), key=f"{key}_notice")
    sealed = st.checkbox(tr("visits.sealed"), key=f"{key}_sealed")
    note = st.text_input(tr("visits.note"), key=f"{key}_note")
    if st.button(tr("visits.record"), type="primary", width="stretch", key=f"{key}_save"):
        try:
            visits.record_visit(con, user, int(row.arrival_id), temperature=temperature, notice_given=notice,
                                door_sealed=sealed, note=note, now=config.now())
        except PassError as error:
            kit.fail(error)
            return
        st.session_state["visits_done"] = kit.flat(row.building, row.unit_no, row.room, row.compound, short=True)
        st.rerun()


@st.fragment(run_every=30)
def due_list() -> None:
    """Reruns on its own every 30 s, so an arrival registered at a gate shows here within the minute."""
    now = config.now()
    due = visits.visits_due(con, page.scope, user, now)
    figures.show(page, ("visits.kpi.due", len(due)))
    st.caption(tr("visits.as_of", time=fmt_time(now, lang, seconds=True)))
    if due.empty:
        st.info(tr("visits.none"))
        return
    for row, where in zip(due.head(30).itertuples(), kit.flats(due.head(30), short=True)):
        with st.container(border=True):
            st.text(f"{where}\n{row.name}")
            st.caption(tr("visits.line", date=fmt_date(row.arrival_date, lang), minutes=int(row.minutes),
                          category=tr(f"category.{row.category}"), origin=tr(f"origin.{row.origin}")))
            with st.expander(tr("visits.open")):
                visit_form(row)
    if len(due) > 30:
        st.caption(ntr("visits.more", len(due) - 30))


st.title(tr("visits.title"))
if "visits_done" in st.session_state:
    st.success(tr("visits.recorded", flat=kit.plain(st.session_state.pop("visits_done"))),
               icon=":material/check_circle:")
due_list()
