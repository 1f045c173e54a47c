"""Mass testing by building batches: plan the round, record at the desk, watch progress, trace a positive tube."""

from datetime import datetime

import pandas as pd
import streamlit as st

from resilient.core import roles
from resilient.core.i18n import fmt_date
from resilient.testing import rounds as testing
from resilient.testing.rounds import TestingError
from ui import kit
from views.maps.testing_desk import desk_tab
from views.maps.testing_plan import fail, plan_tab
from views.maps.testing_progress import progress_tab
from views.maps.testing_results import results_tab

page = kit.page()
tr, con, user = page.tr, page.con, page.user
scope, today = page.scope, page.today


def round_picker() -> int | None:
    rounds = testing.rounds(con, scope)
    if roles.may(user, "organise_testing"):
        with st.expander(tr("testing.new_round"), expanded=rounds.empty):
            new_round_form()
    if rounds.empty:
        st.info(tr("testing.no_round"))
        return None
    labels = {r.round_id: f"{r.name}（{fmt_date(pd.Timestamp(r.round_date), page.lang)}）" for r in rounds.itertuples()}
    return kit.choose(tr("testing.round"), labels, "round_id", per_language=False)


def new_round_form() -> None:
    """A round starts now or later, in one community (there are no street-wide rounds)."""
    start_at = testing.default_start(page.now)
    with st.form("new_round"):
        name = st.text_input(tr("testing.round_name"), value=tr("testing.round_default", day=today))
        left, middle, right = st.columns(3)
        day = left.date_input(tr("testing.round_date"), value=start_at.date(), min_value=page.today)
        start = middle.time_input(tr("testing.start_time"), value=start_at.time(), step=300)
        pool = right.selectbox(tr("testing.pooling"), [10, 5, 20, 1],
                               format_func=lambda n: tr("testing.pool", n=n) if n > 1 else tr("testing.single"))
        household = st.checkbox(tr("testing.household_tubes"))
        community = kit.chosen_community(page)
        if community is None:
            st.caption(tr("testing.no_street_round"))
        if st.form_submit_button(tr("testing.create_round"), type="primary", disabled=community is None):
            try:
                testing.create_round(con, user, community, name, day, datetime.combine(day, start),
                                     pool_size=pool, household_tubes=household)
                st.rerun()
            except TestingError as error:
                fail(page, error)


st.title(tr("testing.title"))
round_id = round_picker()
if round_id is not None:
    sections = {"plan": plan_tab, "desk": desk_tab, "progress": progress_tab, "results": results_tab}
    sections[kit.section("testing", sections)](page, round_id)
