"""Mass testing by building batches: plan the round, record at the desk, watch progress, trace a positive tube."""

from datetime import datetime, time

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit_folium import st_folium

from geo import maps
from resilient.core import config
from resilient.core.i18n import chart_time_formats, fmt_date, fmt_number, fmt_time
from resilient.ops import exports
from resilient.places import measures
from resilient.testing import planner
from resilient.testing import rounds as testing
from resilient.testing.rounds import TestingError
from ui import session

lang = session.lang()
tr = session.translator(lang)
ntr = session.ntranslator(lang)
con = session.cursor()
user = session.current_user()
scope = session.scope()
today, now = config.today(), config.now()
XLSX = session.XLSX


def fail(error: TestingError) -> None:
    values = {k: v for k, v in error.values.items() if k != "problems"}
    st.error(tr(error.code, **values))
    if "problems" in error.values:
        st.dataframe(pd.DataFrame(error.values["problems"]), hide_index=True)


def round_picker() -> int | None:
    rounds = testing.rounds(con, scope)
    if testing.may_organise(user):
        with st.expander(tr("testing.new_round"), expanded=rounds.empty):
            with st.form("new_round"):
                name = st.text_input(tr("testing.round_name"), value=tr("testing.round_default", day=today))
                left, middle, right = st.columns(3)
                day = left.date_input(tr("testing.round_date"), value=today)
                start = middle.time_input(tr("testing.start_time"), value=time(6, 0))
                pool = right.selectbox(tr("testing.pooling"), [10, 5, 20, 1],
                                       format_func=lambda n: tr("testing.pool", n=n) if n > 1 else tr("testing.single"))
                household = st.checkbox(tr("testing.household_tubes"))
                if st.form_submit_button(tr("testing.create_round"), type="primary"):
                    community = (scope.community_ids or (None,))[0] or st.session_state.get("chosen_community")
                    try:
                        testing.create_round(con, user, int(community), name, day, datetime.combine(day, start),
                                             pool_size=pool, household_tubes=household)
                        st.rerun()
                    except TestingError as error:
                        fail(error)
    if rounds.empty:
        st.info(tr("testing.no_round"))
        return None
    labels = {r.round_id: f"{r.name}（{fmt_date(pd.Timestamp(r.round_date), lang)}）" for r in rounds.itertuples()}
    return st.selectbox(tr("testing.round"), list(labels), format_func=labels.__getitem__, key="round_id")


def plan_tab(round_id: int) -> None:
    people = testing.eligible_people(con, scope, round_id, today)
    modes = people["mode"].value_counts()
    sizing = planner.suggest_sizing(int(modes.get("site", 0)))
    cols = st.columns(4)
    cols[0].metric(tr("testing.at_sites"), fmt_number(int(modes.get("site", 0)), lang))
    cols[1].metric(tr("testing.door_to_door"), fmt_number(int(modes.get("door_to_door", 0)), lang))
    cols[2].metric(tr("testing.excluded"), fmt_number(int(modes.get("excluded", 0)), lang))
    cols[3].metric(tr("testing.suggested"), f"{sizing['sites']} / {sizing['desks']}")
    st.caption(tr("testing.sizing_note", hours=f"{sizing['finish_hours']:.1f}"))
    excluded = people[people["mode"] == "excluded"]
    if not excluded.empty:
        with st.expander(tr("testing.excluded_list", n=len(excluded))):
            st.dataframe(excluded.assign(reason=excluded["reason"].map(lambda r: tr(f"testing.reason.{r}")))
                         [["building", "unit_no", "room", "name", "reason"]], hide_index=True, width="stretch",
                         column_config={"building": tr("col.building"), "unit_no": tr("col.unit"),
                                        "room": tr("col.room"), "name": tr("col.name"),
                                        "reason": tr("testing.reason")})

    sites = testing.sites_frame(con, round_id)
    st.subheader(tr("testing.sites"))
    st.dataframe(sites[["name", "desks", "swabs_per_desk_hour"]], hide_index=True, width="stretch",
                 column_config={"name": tr("testing.site"), "desks": tr("testing.desks"),
                                "swabs_per_desk_hour": tr("testing.rate")})
    if testing.may_organise(user):
        buildings = measures.building_density(con, scope, measures.Filters(), today)
        names = dict(zip(buildings["building_id"], buildings["compound"] + buildings["name"]))
        with st.form("add_site"):
            left, middle, right = st.columns(3)
            building = left.selectbox(tr("testing.site_at"), list(names), format_func=names.__getitem__)
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
            info = testing.round_info(con, round_id)
            load = testing.stairwell_load(con, scope, round_id, today)
            plan = planner.plan_round(load, sites, pd.Timestamp(info["start_at"]).to_pydatetime())
            testing.save_plan(con, user, round_id, plan.batches)
            st.success(tr("testing.planned", finish=fmt_time(plan.finish, lang), bound=fmt_time(plan.lower_bound, lang),
                          wait=fmt_number(round(plan.max_wait_minutes), lang)))
    plan = testing.batches_frame(con, round_id)
    if plan.empty:
        return
    names = testing.stairwell_names(con, scope)
    sheets = testing.call_down_sheets(plan, names, sites, {"master": tr("testing.master")})
    st.subheader(tr("testing.plan"))
    st.dataframe(sheets[tr("testing.master")], hide_index=True, width="stretch", height=320,
                 column_config=sheet_labels())
    st.download_button(tr("testing.call_down"), key="call_down", mime=XLSX, file_name=f"call-down-{round_id}.xlsx",
                       data=lambda: exports.excel_bytes(sheets, sheet_labels()))
    route = testing.door_to_door_route(con, scope, round_id, today)
    if not route.empty:
        st.subheader(tr("testing.route"))
        st.dataframe(route[["stop", "building", "unit_no", "room", "name", "phone"]], hide_index=True,
                     column_config={"stop": tr("testing.stop"), "building": tr("col.building"),
                                    "unit_no": tr("col.unit"), "room": tr("col.room"), "name": tr("col.name"),
                                    "phone": tr("col.phone")})


def sheet_labels() -> dict[str, str]:
    return {"compound": tr("col.compound"), "building": tr("col.building"), "unit_no": tr("col.unit"),
            "group_no": tr("testing.group"), "slot": tr("testing.slot"), "site": tr("testing.site"),
            "people": tr("col.people")}


def desk_tab(round_id: int) -> None:
    """Built for a phone at a sampling desk: tube in hand, find the person, one tap to record."""
    sites = testing.sites_frame(con, round_id)
    if sites.empty:
        st.info(tr("testing.no_sites"))
        return
    site_names = dict(zip(sites["site_id"], sites["name"]))
    site = st.selectbox(tr("testing.site"), list(site_names), format_func=site_names.__getitem__, key="desk_site")
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
        left.markdown(f"**{person.building}{person.unit_no}-{person.room}** {person.name} {person.phone or ''}")
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
    progress = testing.progress_by_stairwell(con, scope, round_id, today)
    if progress.empty:
        st.info(tr("testing.nothing_planned"))
        return
    names = testing.stairwell_names(con, scope)
    progress = progress.merge(names[["stairwell_id", "unit_no", "building"]], on="stairwell_id")
    progress = progress.assign(label=progress["building"] + progress["unit_no"].map(lambda n: tr("unit.name", n=n)),
                               percent=(100 * progress["share"].fillna(0)).round().astype(int))
    done, expected = int(progress["sampled"].sum()), int(progress["expected"].sum())
    over_time = testing.samples_over_time(con, scope, round_id)
    finish = testing.estimated_finish(expected, done, over_time, config.now())
    left, right = st.columns(2)
    left.metric(tr("testing.sampled"), f"{fmt_number(done, lang)} / {fmt_number(expected, lang)}")
    right.metric(tr("testing.estimated_finish"), "—" if finish is None else fmt_time(finish, lang))
    tooltip = {"label": tr("col.unit"), "sampled": tr("testing.sampled"), "expected": tr("testing.expected"),
               "percent": "%"}
    highlight = set(st.session_state.get("traced_stairwells", []))
    st_folium(maps.progress_map(progress, tr("testing.progress_legend")), height=480, use_container_width=True,
              returned_objects=[], key="progress_map",
              feature_group_to_add=maps.progress_layer(progress, tooltip, highlight))
    curve(round_id, over_time)
    queues = testing.site_queues(con, round_id, config.now())
    st.dataframe(queues.drop(columns=["site_id"]), hide_index=True, width="stretch",
                 column_config={"name": tr("testing.site"), "groups_due": tr("testing.groups_due"),
                                "people_due": tr("testing.people_due"), "sampled_30min": tr("testing.last_30"),
                                "open_tubes": tr("testing.open_tubes")})
    behind = progress.sort_values("share")
    labels = dict(zip(behind["stairwell_id"], behind["label"] + " · " + behind["percent"].astype(str) + "%"))
    chosen = st.selectbox(tr("testing.call_list_for"), list(labels),
                          format_func=labels.__getitem__, key="call_stairwell")
    missing = testing.not_yet_sampled(con, scope, round_id, int(chosen), today)
    shown = missing[["floor", "room", "name", "phone"]]
    headers = {"floor": tr("col.floor"), "room": tr("col.room"), "name": tr("col.name"), "phone": tr("col.phone")}
    st.dataframe(shown, hide_index=True, width="stretch", column_config=headers)
    session.excel_button(shown, headers, f"{labels[chosen]}_{tr('testing.not_yet')}", "excel_missing")


def curve(round_id: int, sampled: pd.DataFrame) -> None:
    planned = testing.planned_over_time(con, round_id)
    fig = go.Figure()
    fig.add_scatter(x=planned["bin_start"], y=planned["cumulative"], name=tr("testing.planned_curve"),
                    line={"dash": "dash", "color": "#888888"})
    fig.add_scatter(x=sampled["bin_start"], y=sampled["cumulative"], name=tr("testing.sampled_curve"),
                    line={"color": "#1a9850", "width": 3})
    fig.update_layout(height=300, margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h"},
                      title=tr("testing.curve_title"))
    ticks, hover = chart_time_formats(lang)
    fig.update_xaxes(tickformat=ticks, hoverformat=hover)
    st.plotly_chart(fig, width="stretch")


def results_tab(round_id: int) -> None:
    if not testing.may_organise(user):
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
        from resilient.imports import register as register_import

        try:
            frame = register_import.read_table(upload.getvalue(), upload.name)
            frame = frame.rename(columns={frame.columns[0]: "code", frame.columns[1]: "result"})
            counts = testing.import_lab_results(con, user, round_id, frame[["code", "result"]])
            st.success(ntr("testing.lab_done", counts["recorded"], positive=len(counts["positive"])))
        except TestingError as error:
            fail(error)
        except register_import.ImportProblemError as error:
            st.error(tr(error.code, **error.values))
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
    st.dataframe(people[["building", "unit_no", "room", "name", "phone", "taken_at"]], hide_index=True,
                 width="stretch", column_config={"building": tr("col.building"), "unit_no": tr("col.unit"),
                                                 "room": tr("col.room"), "name": tr("col.name"),
                                                 "phone": tr("col.phone"),
                                                 "taken_at": st.column_config.DatetimeColumn(
                                                     tr("testing.taken_at"), format=session.datetime_format())})
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
    # One section at a time (not st.tabs): a map drawn in a hidden tab gets no size and shows the whole world.
    sections = {"plan": plan_tab, "desk": desk_tab, "progress": progress_tab, "results": results_tab}
    chosen = st.segmented_control(tr("testing.section"), list(sections), default="plan", key="testing_section",
                                  format_func=lambda k: tr(f"testing.tab.{k}"), label_visibility="collapsed")
    sections[chosen or "plan"](round_id)
