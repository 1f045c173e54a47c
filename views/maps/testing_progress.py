"""The testing page's progress section (not a page): the map, the curve, the queues, who is not yet sampled."""


import streamlit as st
from streamlit_folium import st_folium

from geo import maps
from resilient.core import config
from resilient.core.i18n import fmt_number, fmt_when
from resilient.testing import plans
from resilient.testing import rounds as testing
from ui import charts, figures, kit


@st.fragment(run_every=30)
def progress_tab(page: kit.Page, round_id: int) -> None:
    """Refreshes every 30 s on its own, so the map keeps its place and the rest of the page stays put."""
    tr, con, scope, today = page.tr, page.con, page.scope, page.today
    progress = testing.progress_view(con, scope, round_id, today)
    if progress.empty:
        st.info(tr("testing.nothing_planned"))
        return
    progress["label"] = progress["building"] + progress["unit_no"].map(lambda n: tr("unit.name", n=n))
    done, expected = testing.progress_totals(progress)
    over_time = testing.samples_over_time(con, scope, round_id)
    finish = testing.estimated_finish(expected, done, over_time, config.now())
    figures.show(page, ("testing.sampled", f"{fmt_number(done, page.lang)} / {fmt_number(expected, page.lang)}"),
                 ("testing.estimated_finish",
                  "—" if finish is None else fmt_when(finish, config.today(), page.lang)))
    tooltip = {"label": tr("col.unit"), "sampled": tr("testing.sampled"), "expected": tr("testing.expected"),
               "percent": "%"}
    highlight = set(st.session_state.get("traced_stairwells", []))
    st_folium(maps.progress_map(progress, tr("testing.progress_legend")), height=480, use_container_width=True,
              returned_objects=[], key="progress_map",
              feature_group_to_add=maps.progress_layer(progress, tooltip, highlight))
    charts.show(charts.round_curve(plans.planned_over_time(con, scope, round_id), over_time, page.lang), page.lang)
    queues = testing.site_queues(con, round_id, config.now())
    kit.table(queues.drop(columns=["site_id"]), {
        "name": tr("testing.site"), "groups_due": tr("testing.groups_due"), "people_due": tr("testing.people_due"),
        "sampled_30min": tr("testing.last_30"), "open_tubes": tr("testing.open_tubes")})
    labels = dict(zip(progress["stairwell_id"], progress["label"] + " · " + progress["percent"].astype(str) + "%"))
    chosen = kit.choose(tr("testing.call_list_for"), labels, "call_stairwell", per_language=False)
    missing = testing.not_yet_sampled(con, scope, round_id, int(chosen), today)
    headers = kit.headers("floor", "room", "name", "phone")
    kit.table(missing[list(headers)], headers, f"{labels[chosen]}_{tr('testing.not_yet')}", "excel_missing")
