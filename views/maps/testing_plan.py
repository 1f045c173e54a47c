"""The testing page's plan section (not a page): who is sampled where, the sites, the plan and its
call-down sheets, the door-to-door route."""


import streamlit as st

from resilient.core import roles
from resilient.imports.sheets import ImportProblemError
from resilient.places import measures
from resilient.testing import planner
from resilient.testing import rounds as testing
from resilient.testing import sheets as call_down
from resilient.testing.rounds import TestingError
from ui import figures, kit, session
from views.maps import testing_proposals, testing_sites
from views.maps.testing_versions import planning


def plan_tab(page: kit.Page, round_id: int) -> None:
    tr, con, user, scope, today = page.tr, page.con, page.user, page.scope, page.today
    people = testing.eligible_people(con, scope, round_id, today)
    modes = testing.mode_counts(people)
    sizing = planner.suggest_sizing(modes["site"])
    figures.show(page, ("testing.at_sites", modes["site"]), ("testing.door_to_door", modes["door_to_door"]),
                 ("testing.excluded", modes["excluded"]),
                 ("testing.suggested", f"{sizing['sites']} / {sizing['desks']}"))
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
        testing_sites.site_by_click(page, round_id, sites)
    later = testing_sites.site_choices(page, round_id, sizing["sites"], not sites.empty)
    plan = testing.batches_frame(con, round_id)
    if roles.may(user, "plan_testing"):
        testing_proposals.review(page, round_id, sites)
        planning(page, round_id, sites, replan=not plan.empty, later=later)
    elif not plan.empty:
        st.info(tr("testing.plan_by_owner"))
        if roles.may(user, "propose_plan_change"):
            testing_proposals.propose(page, round_id, sites, plan)
    book = call_down.call_down(con, scope, round_id, today)
    if book.groups.empty:
        return
    st.subheader(tr("testing.plan"))
    kit.table(call_down.summary(book, page.lang), call_down.labels(page.lang), height=320)
    left, right = st.columns(2)
    process = session.database()  # the files are made, and logged, on click, in another thread: its own cursor
    for where, label, kind, mime in ((left, tr("testing.call_down"), "xlsx", kit.XLSX),
                                     (right, tr("sheets.print"), "html", "text/html")):
        where.download_button(label, key=f"call_down_{kind}", mime=mime, file_name=f"call-down-{round_id}.{kind}",
                              data=lambda kind=kind: call_down.export(process.cursor(), user, book, kind, page.lang))
    route = testing.door_to_door_route(con, scope, round_id, today)
    if not route.empty:
        st.subheader(tr("testing.route"))
        headers = {"stop": tr("testing.stop"),
                   **kit.headers("compound", "building", "unit_no", "room", "name", "phone")}
        kit.table(route[list(headers)], headers, width="content")


def fail(page: kit.Page, error: TestingError | ImportProblemError) -> None:
    """A refusal, with the tubes or rows it names listed."""
    kit.fail(error)
    kit.problems(error.values.get("problems", []), column_header=page.tr("testing.tube_code"))
