"""Part of the testing page's plan section (not a page): the tube size for the outbreak, suggested sites to add
with one click, and finish against walking with the office's setting."""

import streamlit as st

from resilient.core import roles
from resilient.core.i18n import fmt_datetime, fmt_number
from resilient.testing import pooling, siting
from resilient.testing import rounds as testing
from resilient.testing.rounds import TestingError
from ui import kit


def site_choices(page: kit.Page, round_id: int, sites_wanted: int, has_sites: bool) -> float:
    """Pooling figures, suggested sites, the finish-or-walk curve; returns the share later the plan may finish."""
    tr, lang = page.tr, page.lang
    with st.expander(tr("testing.pool_for_outbreak")):
        prevalence = st.number_input(tr("testing.prevalence"), 0.01, 50.0, 1.0, 0.1, key="prevalence") / 100
        size, tests = pooling.optimum(prevalence)
        table = pooling.pool_table(prevalence)
        st.caption(tr("testing.pool_suggested", pool=pooling.suggest_pool(prevalence), best=size,
                      tests=fmt_number(round(tests, 3), lang)))
        kit.table(table[["pool_size", "tests_per_person", "tests_per_1000"]],
                  {"pool_size": tr("testing.pool_size"), "tests_per_person": tr("testing.tests_per_person"),
                   "tests_per_1000": tr("testing.tests_per_1000")}, width="content")
    may = roles.may(page.user, "organise_testing")
    with st.expander(tr("testing.suggested_sites")):
        k = st.number_input(tr("testing.how_many_sites"), 1, 200, max(sites_wanted, 1), key="suggest_k")
        if st.button(tr("testing.suggest_sites"), key="suggest_sites"):
            st.session_state["suggested_sites"] = siting.suggested_sites(page.con, page.scope, round_id, page.today,
                                                                         int(k))
        suggested = st.session_state.get("suggested_sites")
        if suggested is not None and not suggested.empty:
            walks = siting.walks_compared(page.con, page.scope, round_id, page.today, suggested)
            st.caption(tr("testing.suggested_walk", suggested=fmt_number(round(walks["suggested"]), lang),
                          current=fmt_number(round(walks["current"]), lang) if walks["current"] == walks["current"]
                          else "–"))
            for row in suggested.itertuples():
                left, right = st.columns([4, 1])
                left.text(tr("testing.suggested_row", compound=row.compound, building=row.building, people=row.people,
                             desks=row.desks, walk=fmt_number(row.mean_walk_m, lang)))
                if may and right.button(tr("testing.add_site"), key=f"suggest_add_{row.building_id}"):
                    kit.attempt(lambda row=row: testing.add_site(
                        page.con, page.user, round_id, tr("testing.site_name", building=row.compound + row.building),
                        None, None, int(row.desks), building_id=int(row.building_id)),
                        tr("testing.site_added"), TestingError)
    if not has_sites:
        return 0.0
    with st.expander(tr("testing.finish_or_walk")):
        later = st.slider(tr("testing.later"), 0, 50, 0, 5, key="plan_later") / 100
        if st.button(tr("testing.show_trade_off"), key="trade_off"):
            st.session_state["trade_off_curve"] = siting.finish_or_walk(page.con, page.scope, round_id, page.today)
        curve = st.session_state.get("trade_off_curve")
        if curve is not None:
            shown = curve.assign(later=(curve["later"] * 100).round().astype(int),
                                 finish=[fmt_datetime(f, lang) for f in curve["finish"]],
                                 mean_walk_m=curve["mean_walk_m"].round(),
                                 longest_walk_m=curve["longest_walk_m"].round())
            headers = {"later": tr("testing.later_percent"), "finish": tr("testing.finish"),
                       "mean_walk_m": tr("testing.mean_walk"), "longest_walk_m": tr("testing.longest_walk")}
            kit.table(shown, headers, width="content")
    return later
