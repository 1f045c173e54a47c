"""The testing page's plan section (not a page): who is sampled where, the sites, the plan and its
call-down sheets, the door-to-door route."""


import streamlit as st

from resilient.core import roles
from resilient.core.i18n import fmt_time
from resilient.imports.sheets import ImportProblemError
from resilient.ops import exports
from resilient.places import measures
from resilient.testing import planner
from resilient.testing import rounds as testing
from resilient.testing.rounds import TestingError
from ui import kit
from views.maps import testing_sites


def plan_tab(page: kit.Page, round_id: int) -> None:
    tr, con, user, scope, today = page.tr, page.con, page.user, page.scope, page.today
    people = testing.eligible_people(con, scope, round_id, today)
    modes = testing.mode_counts(people)
    sizing = planner.suggest_sizing(modes["site"])
    kit.kpis((tr("testing.at_sites"), modes["site"]), (tr("testing.door_to_door"), modes["door_to_door"]),
             (tr("testing.excluded"), modes["excluded"]),
             (tr("testing.suggested"), f"{sizing['sites']} / {sizing['desks']}"))
    st.caption(tr("testing.sizing_note", hours=f"{sizing['finish_hours']:.1f}"))
    excluded = people[people["mode"] == "excluded"]
    if not excluded.empty:
        with st.expander(tr("testing.excluded_list", n=len(excluded))):
            headers = kit.headers("building", "unit_no", "room", "name", reason=tr("testing.reason"))
            kit.table(excluded.assign(reason=excluded["reason"].map(lambda r: tr(f"testing.reason.{r}")))
                      [list(headers)], headers)

    sites = testing.sites_frame(con, round_id)
    st.subheader(tr("testing.sites"))
    headers = {"name": tr("testing.site"), "desks": tr("testing.desks"), "swabs_per_desk_hour": tr("testing.rate")}
    kit.table(sites[list(headers)], headers)
    if roles.may(user, "organise_testing"):
        buildings = measures.building_density(con, scope, measures.Filters(), today)
        names = dict(zip(buildings["building_id"], buildings["compound"] + buildings["name"]))
        with st.form("add_site"):
            left, middle, right = st.columns(3)
            building = kit.choose(tr("testing.site_at"), names, "site_at", where=left)
            desks = middle.number_input(tr("testing.desks"), 1, 50, 4)
            rate = right.number_input(tr("testing.rate"), 10, 400, 120)
            if st.form_submit_button(tr("testing.add_site")):
                try:
                    testing.add_site(con, user, round_id, tr("testing.site_name", building=names[building]), None,
                                     None, int(desks), int(rate), building_id=int(building))
                    st.rerun()
                except TestingError as error:
                    fail(page, error)
    later = testing_sites.site_choices(page, round_id, sizing["sites"], not sites.empty)
    if roles.may(user, "organise_testing"):
        if not sites.empty and st.button(tr("testing.make_plan"), type="primary"):
            plan = testing.make_plan(con, user, scope, round_id, today, later=later)
            st.success(tr("testing.planned", finish=fmt_time(plan.finish, page.lang),
                          bound=fmt_time(plan.lower_bound, page.lang), wait=f"{plan.max_wait_minutes:.0f}"))
    plan = testing.batches_frame(con, round_id)
    if plan.empty:
        return
    names = testing.stairwell_names(con, scope)
    sheets = testing.call_down_sheets(plan, names, sites, {"master": tr("testing.master")})
    st.subheader(tr("testing.plan"))
    kit.table(sheets[tr("testing.master")], sheet_labels(tr), height=320)
    st.download_button(tr("testing.call_down"), key="call_down", mime=kit.XLSX, file_name=f"call-down-{round_id}.xlsx",
                       data=lambda: exports.excel_bytes(sheets, sheet_labels(tr)))
    route = testing.door_to_door_route(con, scope, round_id, today)
    if not route.empty:
        st.subheader(tr("testing.route"))
        headers = {"stop": tr("testing.stop"), **kit.headers("building", "unit_no", "room", "name", "phone")}
        kit.table(route[list(headers)], headers, width="content")


def sheet_labels(tr) -> dict[str, str]:
    return kit.headers("compound", "building", "unit_no", group_no=tr("testing.group"), slot=tr("testing.slot"),
                       site=tr("testing.site"), people=tr("col.people"))


def fail(page: kit.Page, error: TestingError | ImportProblemError) -> None:
    """A refusal, with the tubes or rows it names listed."""
    kit.fail(error)
    kit.problems(error.values.get("problems", []), column_header=page.tr("testing.tube_code"))
