"""Mass testing by building batches: plan the round, record at the desk, watch progress, trace a positive tube."""

from datetime import datetime, time

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import maps
from resilient.core import config, roles
from resilient.core.i18n import fmt_date, fmt_number, fmt_time
from resilient.imports.sheets import ImportProblemError
from resilient.ops import exports
from resilient.places import measures
from resilient.testing import planner
from resilient.testing import rounds as testing
from resilient.testing.rounds import TestingError
from ui import charts, kit

page = kit.page()
tr, con, user = page.tr, page.con, page.user
ntr = page.ntr
scope, today = page.scope, page.today


def fail(error: TestingError | ImportProblemError) -> None:
    kit.fail(error)
    kit.problems(error.values.get("problems", []), column_header=tr("testing.tube_code"))


def round_picker() -> int | None:
    rounds = testing.rounds(con, scope)
    if roles.may(user, "organise_testing"):
        with st.expander(tr("testing.new_round"), expanded=rounds.empty):
            with st.form("new_round"):
                name = st.text_input(tr("testing.round_name"), value=tr("testing.round_default", day=today))
                left, middle, right = st.columns(3)
                day = left.date_input(tr("testing.round_date"), value=today)
                start = middle.time_input(tr("testing.start_time"), value=time(6, 0))
                pool = right.selectbox(tr("testing.pooling"), [10, 5, 20, 1],
                                       format_func=lambda n: tr("testing.pool", n=n) if n > 1 else tr("testing.single"))
                household = st.checkbox(tr("testing.household_tubes"))
                community = kit.chosen_community(page)
                if st.form_submit_button(tr("testing.create_round"), type="primary", disabled=community is None):
                    try:
                        testing.create_round(con, user, community, name, day, datetime.combine(day, start),
                                             pool_size=pool, household_tubes=household)
                        st.rerun()
                    except TestingError as error:
                        fail(error)
    if rounds.empty:
        st.info(tr("testing.no_round"))
        return None
    labels = {r.round_id: f"{r.name}（{fmt_date(pd.Timestamp(r.round_date), page.lang)}）" for r in rounds.itertuples()}
    return kit.choose(tr("testing.round"), labels, "round_id", per_language=False)


def plan_tab(round_id: int) -> None:
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
                    fail(error)
        if not sites.empty and st.button(tr("testing.make_plan"), type="primary"):
            plan = testing.make_plan(con, user, scope, round_id, today)
            st.success(tr("testing.planned", finish=fmt_time(plan.finish, page.lang),
                          bound=fmt_time(plan.lower_bound, page.lang), wait=f"{plan.max_wait_minutes:.0f}"))
    plan = testing.batches_frame(con, round_id)
    if plan.empty:
        return
    names = testing.stairwell_names(con, scope)
    sheets = testing.call_down_sheets(plan, names, sites, {"master": tr("testing.master")})
    st.subheader(tr("testing.plan"))
    kit.table(sheets[tr("testing.master")], sheet_labels(), height=320)
    st.download_button(tr("testing.call_down"), key="call_down", mime=kit.XLSX, file_name=f"call-down-{round_id}.xlsx",
                       data=lambda: exports.excel_bytes(sheets, sheet_labels()))
    route = testing.door_to_door_route(con, scope, round_id, today)
    if not route.empty:
        st.subheader(tr("testing.route"))
        headers = {"stop": tr("testing.stop"), **kit.headers("building", "unit_no", "room", "name", "phone")}
        kit.table(route[list(headers)], headers, width="content")


def sheet_labels() -> dict[str, str]:
    return kit.headers("compound", "building", "unit_no", group_no=tr("testing.group"), slot=tr("testing.slot"),
                       site=tr("testing.site"), people=tr("col.people"))


def desk_tab(round_id: int) -> None:
    """Built for a phone at a sampling desk: tube in hand, find the person, one tap to record."""
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
            fail(error)
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
            fail(error)
    query = st.text_input(tr("testing.find"), key="desk_find", placeholder="3-2-1502 / 5678 / R123").strip()
    if not query:
        return
    try:
        found = testing.find_people(con, scope, round_id, query, today)
    except TestingError as error:
        fail(error)
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
                fail(error)


@st.fragment(run_every=30)
def progress_tab(round_id: int) -> None:
    """Refreshes every 30 s on its own, so the map keeps its place and the rest of the page stays put."""
    progress = testing.progress_view(con, scope, round_id, today)
    if progress.empty:
        st.info(tr("testing.nothing_planned"))
        return
    progress["label"] = progress["building"] + progress["unit_no"].map(lambda n: tr("unit.name", n=n))
    done, expected = testing.progress_totals(progress)
    over_time = testing.samples_over_time(con, scope, round_id)
    finish = testing.estimated_finish(expected, done, over_time, config.now())
    kit.kpis((tr("testing.sampled"), f"{fmt_number(done, page.lang)} / {fmt_number(expected, page.lang)}"),
             (tr("testing.estimated_finish"), "—" if finish is None else fmt_time(finish, page.lang)))
    tooltip = {"label": tr("col.unit"), "sampled": tr("testing.sampled"), "expected": tr("testing.expected"),
               "percent": "%"}
    highlight = set(st.session_state.get("traced_stairwells", []))
    st_folium(maps.progress_map(progress, tr("testing.progress_legend")), height=480, use_container_width=True,
              returned_objects=[], key="progress_map",
              feature_group_to_add=maps.progress_layer(progress, tooltip, highlight))
    st.plotly_chart(charts.round_curve(testing.planned_over_time(con, round_id), over_time, page.lang),
                    width="stretch")
    queues = testing.site_queues(con, round_id, config.now())
    kit.table(queues.drop(columns=["site_id"]), {
        "name": tr("testing.site"), "groups_due": tr("testing.groups_due"), "people_due": tr("testing.people_due"),
        "sampled_30min": tr("testing.last_30"), "open_tubes": tr("testing.open_tubes")})
    labels = dict(zip(progress["stairwell_id"], progress["label"] + " · " + progress["percent"].astype(str) + "%"))
    chosen = kit.choose(tr("testing.call_list_for"), labels, "call_stairwell", per_language=False)
    missing = testing.not_yet_sampled(con, scope, round_id, int(chosen), today)
    headers = kit.headers("floor", "room", "name", "phone")
    kit.table(missing[list(headers)], headers, f"{labels[chosen]}_{tr('testing.not_yet')}", "excel_missing")


def results_tab(round_id: int) -> None:
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
                fail(error)
    upload = st.file_uploader(tr("testing.lab_file"), type=["xlsx", "csv"], key="lab_file")
    if upload is not None and st.button(tr("testing.import_lab"), key="import_lab"):
        try:
            frame = testing.read_lab_file(upload.getvalue(), upload.name)
            counts = testing.import_lab_results(con, user, round_id, frame)
            st.success(ntr("testing.lab_done", counts["recorded"], positive=len(counts["positive"])))
        except (TestingError, ImportProblemError) as error:
            fail(error)
    st.subheader(tr("testing.trace"))
    traced = st.text_input(tr("testing.positive_tube"), key="trace_code").strip()
    if not traced:
        return
    try:
        people = testing.trace_tube(con, scope, round_id, traced, today)
    except TestingError as error:
        fail(error)
        return
    st.session_state["traced_stairwells"] = sorted(set(people["stairwell_id"].astype(int)))
    st.markdown(tr("testing.traced", people=len(people), households=people["household_id"].nunique(),
                   stairwells=people["stairwell_id"].nunique()))
    headers = kit.headers("building", "unit_no", "room", "name", "phone", taken_at=tr("testing.taken_at"))
    kit.table(people[list(headers)], headers)
    st.caption(tr("testing.traced_on_map"))
    if st.button(tr("testing.act"), type="primary", key="act_on_positive"):
        try:
            counts = testing.act_on_positive(con, user, round_id, traced, today)
            st.success(tr("testing.acted", **counts))
        except TestingError as error:
            fail(error)


st.title(tr("testing.title"))
round_id = round_picker()
if round_id is not None:
    sections = {"plan": plan_tab, "desk": desk_tab, "progress": progress_tab, "results": results_tab}
    sections[kit.section("testing", sections)](round_id)
