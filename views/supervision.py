"""Supervision (issue 7): per grid worker and per 三包一 team, who is followed, checks this week, open fever alerts
and overload, problems first; hand people over, put isolated flats with teams, form teams, set the check rules."""

import hashlib
from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from resilient.core import config
from resilient.core.i18n import CATEGORIES, fmt_date, fmt_list, fmt_number
from resilient.coverage import volunteers as coverage
from resilient.daily import rules as daily
from resilient.daily import supervision, teams
from resilient.daily.rules import DailyError, DailySettings
from resilient.places import places
from ui import session

KPI_WIDTH = 104  # px: three cards abreast on a 390 px phone
FLASH = "sup_flash"  # a success message carried over the rerun that shows the change
COUNTS = ("min_days_left", "done_week", "late_week", "missed_week", "open_alerts")
VERSION = "sup_version"  # bumped by every change: selectboxes whose labels carry loads start afresh

lang = session.lang()
tr = session.translator(lang)
ntr = session.ntranslator(lang)
con = session.cursor()
user = session.current_user()
if not daily.may(user, daily.MAY_SUPERVISE):  # navigation offers the page only to these roles; a typed URL too
    st.error(tr("app.not_allowed"))
    st.stop()
scope = session.scope()
today, now = config.today(), config.now()
settings = daily.load_settings(con)
grids = places.grids(con, scope)
grid_names = dict(zip(grids["grid_id"], grids["name"]))
SETTING_LABELS = {"fever_threshold": "supervision.setting.fever", "am_due": "supervision.setting.am_due",
                  "pm_due": "supervision.setting.pm_due", "release_normal_days": "supervision.setting.release_days",
                  "check_categories": "supervision.setting.categories",
                  "worker_standard_load": "supervision.setting.worker_load"}


def fail(error: DailyError) -> None:
    """The refusal in the reader's words (a member's post and a setting's name translated too)."""
    values = dict(error.values)
    if error.code == "teams.error.member":
        values["role"] = tr(f"supervision.post.{values['role']}")
    if error.code == "daily.error.settings":
        values["field"] = " / ".join(tr(SETTING_LABELS[f.strip()]) if f.strip() in SETTING_LABELS else f
                                     for f in str(values["field"]).replace(",", "/").split("/"))
    st.error(tr(error.code, **values))


def done(message: str) -> None:
    """Show `message` after a rerun that redraws the tables with the change; widgets keyed with the version
    (the people chosen, a reason typed, choices labelled with loads) come back empty."""
    st.session_state[FLASH] = message
    st.session_state[VERSION] = version() + 1
    st.rerun()


def version() -> int:
    return st.session_state.get(VERSION, 0)


def grid_text(grid_ids) -> str:
    return fmt_list((grid_names.get(g, str(g)) for g in grid_ids), lang) or "—"


def place(compound, building, unit, room) -> str:
    return f"{compound or ''}{building} {tr('supervision.unit_room', unit=unit, room=room)}"


def flags(overloaded: bool, alerts: int, missed: int) -> str:
    """The problems of a row in words, ⚠️ first so the eye finds them; 'OK' when there are none."""
    words = [tr(key) for key, bad in [("supervision.flag.overloaded", overloaded),
                                      ("supervision.flag.alerts", alerts > 0),
                                      ("supervision.flag.missed", missed > 0)] if bad]
    return "⚠️ " + fmt_list(words, lang) if words else tr("supervision.flag.ok")


def problems_first(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    return frame.sort_values(["overloaded", "open_alerts", "missed_week", "late_week", name],
                             ascending=[False, False, False, False, True], kind="stable")


def slot_text(status, temperature, abnormal) -> str:
    text = tr(f"check.status.{status}") if isinstance(status, str) else "—"
    if pd.notna(temperature):
        text += f" {float(temperature):.1f}℃"
    return f"⚠️ {text}" if abnormal else text


def table_height(rows: int) -> int:
    """Every row in sight up to 15 (a street's workers or teams), then the table scrolls."""
    return 38 + 35 * min(max(rows, 1), 15)


def int_column(label: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format="%d")


# --- grid workers ---------------------------------------------------------------------------------------------

def workers_section() -> None:
    frame = supervision.workers(con, scope, today, now, settings)
    if frame.empty:
        st.info(tr("supervision.no_workers"))
        return
    standard = settings.worker_standard_load
    with st.container(horizontal=True, gap="small"):
        st.metric(tr("supervision.kpi.workers_overloaded"), fmt_number(int(frame["overloaded"].sum()), lang),
                  help=ntr("supervision.kpi.workers_overloaded_help", standard), width=KPI_WIDTH)
        st.metric(tr("supervision.kpi.missed_week"), fmt_number(int(frame["missed_week"].sum()), lang),
                  help=tr("supervision.kpi.missed_help"), width=KPI_WIDTH)
        st.metric(tr("supervision.kpi.open_alerts"), fmt_number(int(frame["open_alerts"].sum()), lang),
                  help=tr("supervision.kpi.open_alerts_help"), width=KPI_WIDTH)
        st.metric(tr("supervision.kpi.followed"), fmt_number(int(frame["followed"].sum()), lang), width=KPI_WIDTH)
    ordered = problems_first(frame, "name")
    shown = pd.DataFrame({
        "flags": [flags(o, a, m) for o, a, m in zip(ordered["overloaded"], ordered["open_alerts"],
                                                    ordered["missed_week"])],
        "name": ordered["name"], "followed": ordered["followed"], "grids": ordered["grid_ids"].map(grid_text),
        "min_days_left": ordered["min_days_left"], "done_week": ordered["done_week"],
        "late_week": ordered["late_week"], "missed_week": ordered["missed_week"],
        "open_alerts": ordered["open_alerts"],
    })
    headers = {"flags": tr("supervision.col.flags"), "name": tr("supervision.col.worker"),
               "grids": tr("supervision.col.grids"), "followed": tr("supervision.col.followed", n=standard),
               "min_days_left": tr("supervision.col.min_days_left"), "done_week": tr("supervision.col.done_week"),
               "late_week": tr("supervision.col.late_week"), "missed_week": tr("supervision.col.missed_week"),
               "open_alerts": tr("supervision.col.open_alerts")}
    look = {**headers, **{c: int_column(headers[c]) for c in COUNTS},
            "flags": st.column_config.TextColumn(headers["flags"], pinned=True),
            "name": st.column_config.TextColumn(headers["name"], pinned=True),
            "followed": st.column_config.ProgressColumn(headers["followed"], min_value=0, max_value=standard,
                                                        format="%d", color="blue")}
    st.dataframe(shown, hide_index=True, width="stretch", height=table_height(len(shown)), placeholder="—",
                 column_config=look)
    session.excel_button(shown, headers, tr("supervision.workers_file"), "sup_workers_excel")
    worker_detail(ordered)


def worker_detail(ordered: pd.DataFrame) -> None:
    """One worker's people with days left and today's checks, and handing some of them to someone else."""
    st.subheader(tr("supervision.worker_detail"))
    # No counts in these labels: Streamlit keeps showing a keyed selectbox's first labels after they change.
    label = {int(r.staff_id): tr("supervision.worker_option", name=r.name, grids=grid_text(r.grid_ids))
             for r in ordered.itertuples()}
    staff_id = st.selectbox(tr("supervision.pick_worker"), list(label), format_func=label.__getitem__,
                            key=session.widget_key("sup_worker"))
    name = dict(zip(ordered["staff_id"].astype(int), ordered["name"]))[staff_id]
    people = supervision.followed(con, scope, staff_id, today, now, settings)
    if people.empty:
        st.info(tr("supervision.nobody_followed", name=name))
        return
    shown = pd.DataFrame({
        "place": [place(c, b, u, r) for c, b, u, r in zip(people["compound"], people["building"],
                                                          people["unit_no"], people["room"])],
        "name": people["name"].fillna(""),
        "days_left": people["days_left"],
        "am": [slot_text(s, t, a) for s, t, a in zip(people["am_status"], people["am_temperature"],
                                                     people["am_abnormal"])],
        "pm": [slot_text(s, t, a) for s, t, a in zip(people["pm_status"], people["pm_temperature"],
                                                     people["pm_abnormal"])],
        "category": people["category"].map(lambda c: tr(f"category.{c}")),
        "planned_end": people["planned_end"],
    })
    headers = {"place": tr("supervision.col.place"), "name": tr("col.name"), "days_left": tr("col.days_left"),
               "am": tr("supervision.col.am"), "pm": tr("supervision.col.pm"), "category": tr("col.category"),
               "planned_end": tr("col.planned_end")}
    st.dataframe(shown, hide_index=True, width="stretch", height=table_height(len(shown)),
                 column_config={**headers, "days_left": int_column(headers["days_left"]),
                                "planned_end": st.column_config.DateColumn(headers["planned_end"],
                                                                           format=session.date_format())})
    session.excel_button(shown, headers, tr("supervision.followed_file", name=name), "sup_followed_excel")
    reassign_form(staff_id, people, shown, ordered)


def reassign_form(staff_id: int, people: pd.DataFrame, shown: pd.DataFrame, ordered: pd.DataFrame) -> None:
    """Hand some of a worker's people to another grid worker (least loaded first) or a doctor, with a reason."""
    staff = teams.staff(con, scope)
    community = staff.loc[staff["staff_id"] == staff_id, "community_id"]
    followers = staff[staff["role"].isin(["grid_worker", "doctor"]) & (staff["staff_id"] != staff_id)]
    if not community.empty:
        followers = followers[followers["community_id"] == int(community.iloc[0])]
    st.markdown(f"**{tr('supervision.reassign_title')}**")
    if followers.empty:
        st.info(tr("supervision.no_target"))
        return
    # Every worker's load, whatever grid cell the sidebar narrows the tables to (the same figures when it does not).
    everyone = ordered if scope == session.viewer_scope() else \
        supervision.workers(con, session.viewer_scope(), today, now, settings)
    load = dict(zip(everyone["staff_id"].astype(int), everyone["followed"]))
    target_name = dict(zip(followers["staff_id"].astype(int), followers["name"]))
    # Grid workers first, the least loaded on top (the default), then the doctors.
    followers = followers.assign(load=followers["staff_id"].map(lambda s: load.get(int(s), 0)),
                                 doctor=followers["role"] == "doctor").sort_values(["doctor", "load", "staff_id"])
    target_label = {
        int(s): tr("supervision.staff_option_load", name=n, post=tr(f"supervision.post.{r}"), n=load[int(s)])
        if int(s) in load else tr("supervision.staff_option", name=n, post=tr(f"supervision.post.{r}"))
        for s, n, r in zip(followers["staff_id"], followers["name"], followers["role"])}
    who_label = {int(m): f"{p} {n} · {ntr('supervision.days', d)}"
                 for m, p, n, d in zip(people["measure_id"], shown["place"], shown["name"], people["days_left"])}
    who_key = session.widget_key(f"sup_reassign_who_{staff_id}_{version()}")
    to_key = session.widget_key(f"sup_reassign_to_{version()}")
    reason_key = f"sup_reassign_reason_{staff_id}_{version()}"
    with st.container(border=True):
        chosen = st.multiselect(tr("supervision.reassign_who"), list(who_label), format_func=who_label.__getitem__,
                                key=who_key, placeholder=tr("supervision.choose_placeholder"))
        left, right = st.columns([1, 2])
        target = left.selectbox(tr("supervision.reassign_to"), list(target_label),
                                format_func=target_label.__getitem__, key=to_key)
        reason = right.text_input(tr("supervision.reason"), key=reason_key,
                                  placeholder=tr("supervision.reason_placeholder"))
        # The button says how many and to whom: "select all" is one click away in the list above.
        clicked = st.button(ntr("supervision.reassign_button", len(chosen), name=target_name[target]),
                            type="primary", disabled=not chosen, key="sup_reassign")
    if not clicked:
        return
    if not reason.strip():
        st.error(tr("daily.error.reason_required", field=tr("supervision.reason_field")))
        return
    try:
        supervision.reassign_many(con, user, [int(m) for m in chosen], int(target), reason.strip(), now=config.now())
    except DailyError as error:
        fail(error)   # all or none: nobody was handed over
        return
    done(ntr("supervision.reassigned", len(chosen), name=target_name[target]))


# --- 三包一 teams ---------------------------------------------------------------------------------------------

def team_pick(row) -> str:
    return tr("supervision.team_pick", id=int(row.team_id), grids=grid_text(row.grid_ids), worker=row.grid_worker)


def team_label(row) -> str:
    return tr("supervision.team_option", id=int(row.team_id), worker=row.grid_worker, load=int(row.isolated_people),
              standard=int(row.standard))


def teams_section() -> None:
    view = supervision.team_view(con, scope, today, now, settings)
    waiting = teams.unassigned(con, scope, today)
    standard = int(view["standard"].iloc[0]) if not view.empty else coverage.load_settings(con).team_standard_load
    with st.container(horizontal=True, gap="small"):
        st.metric(tr("supervision.kpi.teams"), fmt_number(len(view), lang), width=KPI_WIDTH)
        st.metric(tr("supervision.kpi.teams_overloaded"), fmt_number(int(view["overloaded"].sum()), lang),
                  help=tr("supervision.kpi.teams_overloaded_help", n=standard), width=KPI_WIDTH)
        st.metric(tr("supervision.kpi.unassigned"), fmt_number(len(waiting), lang),
                  help=tr("supervision.kpi.unassigned_help"), width=KPI_WIDTH)
        st.metric(tr("supervision.kpi.missed_week"), fmt_number(int(view["missed_week"].sum()), lang),
                  help=tr("supervision.kpi.missed_help"), width=KPI_WIDTH)
        st.metric(tr("supervision.kpi.open_alerts"), fmt_number(int(view["open_alerts"].sum()), lang),
                  help=tr("supervision.kpi.open_alerts_help"), width=KPI_WIDTH)
    if view.empty:
        st.info(tr("supervision.no_teams"))
    else:
        teams_table(view, standard)
    unassigned_block(waiting, view)
    if not view.empty:
        team_detail(view)
    create_team()


def teams_table(view: pd.DataFrame, standard: int) -> None:
    ordered = problems_first(view, "team_id")
    shown = pd.DataFrame({
        "flags": [flags(o, a, m) for o, a, m in zip(ordered["overloaded"], ordered["open_alerts"],
                                                    ordered["missed_week"])],
        "team": [tr("supervision.team_in_grid", id=int(t), grids=grid_text(g))
                 for t, g in zip(ordered["team_id"], ordered["grid_ids"])],
        "isolated_people": ordered["isolated_people"], "households": ordered["households"],
        "members": [("·" if lang == "zh" else " · ").join(str(n) for n in names) for names in
                    zip(ordered["grid_worker"], ordered["doctor"], ordered["police"])],
        "min_days_left": ordered["min_days_left"],
        "done_week": ordered["done_week"], "late_week": ordered["late_week"],
        "missed_week": ordered["missed_week"], "open_alerts": ordered["open_alerts"],
    })
    headers = {"flags": tr("supervision.col.flags"), "team": tr("supervision.col.team"),
               "members": tr("supervision.col.members"), "households": tr("supervision.col.households"),
               "isolated_people": tr("supervision.col.isolated", n=standard),
               "min_days_left": tr("supervision.col.min_days_left"), "done_week": tr("supervision.col.done_week"),
               "late_week": tr("supervision.col.late_week"), "missed_week": tr("supervision.col.missed_week"),
               "open_alerts": tr("supervision.col.open_alerts")}
    look = {**headers, **{c: int_column(headers[c]) for c in ("households", *COUNTS)},
            "flags": st.column_config.TextColumn(headers["flags"], pinned=True),
            "team": st.column_config.TextColumn(headers["team"], pinned=True),
            "isolated_people": st.column_config.ProgressColumn(
                headers["isolated_people"], min_value=0, max_value=standard, format="%d", color="blue",
                help=ntr("supervision.team_standard_note", standard))}
    st.dataframe(shown, hide_index=True, width="stretch", height=table_height(len(shown)), placeholder="—",
                 column_config=look)
    session.excel_button(shown, headers, tr("supervision.teams_file"), "sup_teams_excel")
    st.caption(ntr("supervision.team_standard_note", standard))


def unassigned_block(waiting: pd.DataFrame, view: pd.DataFrame) -> None:
    """Home-isolated flats without a team, each prefilled with its suggestion; one button assigns them all."""
    st.subheader(tr("supervision.unassigned_title", n=len(waiting)))
    if waiting.empty:
        st.success(tr("supervision.all_assigned"))
        return
    options = {int(r.team_id): team_label(r) for r in view.itertuples()}
    table = pd.DataFrame({
        "household": [place(c, b, u, r) for c, b, u, r in zip(waiting["compound"], waiting["building"],
                                                              waiting["unit_no"], waiting["room"])],
        "assign_to": pd.Series([None if t is None else int(t) for t in waiting["suggested_team_id"]],
                               dtype=object),
        "isolated_people": waiting["isolated_people"],
        "first_end": waiting["first_end"],
        "grid": waiting["grid_id"].map(lambda g: grid_names.get(g, str(g))),
    })
    st.caption(tr("supervision.unassigned_help"))
    without = int(table["assign_to"].isna().sum())
    if without:
        st.warning(ntr("supervision.no_team_in_grid", without))
    # The editor's key names the flats listed, so a choice made for one list never lands on another.
    listed = hashlib.sha1(",".join(map(str, waiting["household_id"])).encode()).hexdigest()[:10]
    edited = st.data_editor(
        table, hide_index=True, width="stretch", key=f"sup_unassigned_{lang}_{listed}",
        disabled=["household", "grid", "isolated_people", "first_end"],
        column_config={"household": tr("supervision.move_household"), "grid": tr("col.grid"),
                       "isolated_people": int_column(tr("supervision.col.isolated_people")),
                       "first_end": st.column_config.DateColumn(tr("supervision.col.first_end"),
                                                                format=session.date_format()),
                       "assign_to": st.column_config.SelectboxColumn(tr("supervision.col.assign_to"),
                                                                options=list(options),
                                                                format_func=options.__getitem__, width="medium")})
    chosen = [(int(h), int(t)) for h, t in zip(waiting["household_id"], edited["assign_to"]) if pd.notna(t)]
    if st.button(ntr("supervision.assign_button", len(chosen)), type="primary", disabled=not chosen,
                 key="sup_assign_all"):
        try:
            teams.assign_teams(con, user, chosen, today, now=config.now())
        except DailyError as error:
            fail(error)   # all or none: no flat was moved
            return
        done(ntr("supervision.assigned", len(chosen)))


def team_detail(view: pd.DataFrame) -> None:
    """One team's flats, and moving one of them to another team with a reason."""
    st.subheader(tr("supervision.team_detail"))
    ordered = problems_first(view, "team_id")
    picks = {int(r.team_id): team_pick(r) for r in ordered.itertuples()}
    labels = {int(r.team_id): team_label(r) for r in ordered.itertuples()}
    team_id = st.selectbox(tr("supervision.pick_team"), list(picks), format_func=picks.__getitem__,
                           key=session.widget_key("sup_team"))
    row = view.set_index("team_id").loc[team_id]
    name = tr("supervision.team_name", id=team_id)
    flats = teams.team_households(con, scope, today)
    flats = flats[flats["team_id"] == team_id]
    st.markdown(ntr("supervision.team_households", len(flats), team=name, worker=row["grid_worker"],
                    doctor=row["doctor"], police=row["police"]))
    if flats.empty:
        st.info(tr("supervision.team_no_households"))
        return
    shown = pd.DataFrame({
        "household": [place(c, b, u, r) for c, b, u, r in zip(flats["compound"], flats["building"],
                                                              flats["unit_no"], flats["room"])],
        "grid": flats["grid_id"].map(lambda g: grid_names.get(g, str(g))),
        "isolated_people": flats["isolated_people"], "since": flats["start_date"]})
    headers = {"household": tr("supervision.move_household"), "grid": tr("col.grid"),
               "isolated_people": tr("supervision.col.isolated_people"), "since": tr("supervision.col.since")}
    st.dataframe(shown, hide_index=True, width="stretch", height=table_height(len(shown)),
                 column_config={**headers, "since": st.column_config.DateColumn(headers["since"],
                                                                                format=session.date_format())})
    session.excel_button(shown, headers, tr("supervision.team_households_file", team=name), "sup_team_excel")
    loads = teams.team_load(con, scope, today)
    community = dict(zip(loads["team_id"].astype(int), loads["community_id"].astype(int)))
    # The teams of the same grid worker first, then the least loaded: the likeliest choice is the default.
    worker = loads.set_index("team_id").loc[team_id, "grid_worker_id"]
    candidates = loads[(loads["community_id"] == community[team_id]) & (loads["team_id"] != team_id)]
    candidates = candidates.assign(other_worker=candidates["grid_worker_id"] != worker)
    candidates = candidates.sort_values(["other_worker", "isolated_people", "households", "team_id"])
    others = {int(t): labels[int(t)] for t in candidates["team_id"]}
    st.markdown(f"**{tr('supervision.move_title')}**")
    if not others:
        st.info(tr("supervision.no_other_team"))
        return
    flat_label = dict(zip(flats["household_id"].astype(int), shown["household"]))
    reason_key = f"sup_move_reason_{team_id}_{version()}"
    with st.container(border=True):
        left, middle = st.columns(2)
        household = left.selectbox(tr("supervision.move_household"), list(flat_label),
                                   format_func=flat_label.__getitem__, key=session.widget_key(f"sup_move_{team_id}"))
        target = middle.selectbox(tr("supervision.move_to"), list(others), format_func=others.__getitem__,
                                  key=session.widget_key(f"sup_move_to_{team_id}_{version()}"))
        reason = st.text_input(tr("supervision.reason"), key=reason_key,
                               placeholder=tr("supervision.reason_placeholder"))
        clicked = st.button(tr("supervision.move_button", team=tr("supervision.team_name", id=int(target))),
                            type="primary", key="sup_move")
    if not clicked:
        return
    if not reason.strip():
        st.error(tr("daily.error.reason_required", field=tr("supervision.reason_field")))
        return
    try:
        teams.assign_team(con, user, int(household), int(target), today, now=config.now(), reason=reason.strip())
        done(tr("supervision.moved", household=flat_label[household],
                team=tr("supervision.team_name", id=int(target))))
    except DailyError as error:
        fail(error)


def create_team() -> None:
    """A new team of three from the community's staff; how many teams each already serves on helps choose."""
    with st.expander(tr("supervision.create_title")):
        staff = teams.staff(con, scope)
        communities = places.communities(con, scope)
        names = dict(zip(communities["community_id"].astype(int), communities["name"]))
        if not names:
            st.info(tr("supervision.no_teams"))
            return
        community = next(iter(names))
        if len(names) > 1:
            community = st.selectbox(tr("app.community"), list(names), format_func=names.__getitem__,
                                     key=session.widget_key("sup_new_community"))
        staff = staff[staff["community_id"] == community]
        loads = teams.team_load(con, scope, today)
        serving = pd.concat([loads["grid_worker_id"], loads["doctor_id"], loads["police_id"]]).value_counts()
        columns = st.columns(3)
        picked = {}
        for column, post in zip(columns, ("grid_worker", "doctor", "police")):
            members = staff[staff["role"] == post]
            if members.empty:
                column.warning(tr("supervision.no_staff", post=tr(f"supervision.post.{post}")))
                picked[post] = None
                continue
            label = {int(s): ntr("supervision.member_option", int(serving.get(s, 0)), name=n)
                     for s, n in zip(members["staff_id"], members["name"])}
            picked[post] = column.selectbox(tr(f"supervision.col.{'worker' if post == 'grid_worker' else post}"),
                                            list(label), format_func=label.__getitem__,
                                            key=session.widget_key(f"sup_new_{post}"))
        if st.button(tr("supervision.create_button"), key="sup_create_team", disabled=None in picked.values()):
            try:
                team_id = teams.create_team(con, user, community, picked["grid_worker"], picked["doctor"],
                                            picked["police"], today)
                done(tr("supervision.created", team=tr("supervision.team_name", id=team_id)))
            except DailyError as error:
                fail(error)


# --- check rules ----------------------------------------------------------------------------------------------

def settings_section() -> None:
    """The numbers behind missed checks, alerts, releases and overload, changed without a code change."""
    if not daily.may(user, daily.MAY_SET_RULES):
        st.info(tr("supervision.setting.rules_only"))
        return
    with st.form("sup_settings"):
        left, middle, right = st.columns(3)
        fever = left.number_input(tr("supervision.setting.fever"), 35.0, 42.0, float(settings.fever_threshold),
                                  step=0.1, format="%.1f")
        am = middle.time_input(tr("supervision.setting.am_due"), clock(settings.am_due), step=timedelta(minutes=15))
        pm = right.time_input(tr("supervision.setting.pm_due"), clock(settings.pm_due), step=timedelta(minutes=15))
        days = left.number_input(tr("supervision.setting.release_days"), 1, 14, int(settings.release_normal_days))
        load = middle.number_input(tr("supervision.setting.worker_load"), 1, 1000,
                                   int(settings.worker_standard_load))
        categories = st.multiselect(tr("supervision.setting.categories"), CATEGORIES,
                                    default=list(settings.check_categories),
                                    format_func=lambda c: tr(f"category.{c}"))
        if st.form_submit_button(tr("supervision.setting.save"), type="primary"):
            try:
                daily.save_settings(con, user, DailySettings(
                    fever_threshold=round(float(fever), 1), am_due=f"{am:%H:%M}", pm_due=f"{pm:%H:%M}",
                    release_normal_days=int(days), check_categories=tuple(categories),
                    worker_standard_load=int(load)))
                done(tr("supervision.setting.saved"))
            except DailyError as error:
                fail(error)
    st.caption(tr("supervision.setting.note"))
    st.caption(ntr("supervision.team_standard_note", coverage.load_settings(con).team_standard_load))


def clock(text: str):
    return datetime.strptime(text, "%H:%M").time()


# --- page -----------------------------------------------------------------------------------------------------

st.title(tr("supervision.title"))
st.caption(tr("supervision.as_of", start=fmt_date(supervision.week_start(today), lang),
              now=fmt_date(now, lang, with_time=True)))
sections = {"workers": workers_section, "teams": teams_section}
if daily.may(user, daily.MAY_SET_RULES):
    sections["settings"] = settings_section
chosen = st.segmented_control(tr("supervision.section"), list(sections), default="workers",
                              key="supervision_section", format_func=lambda k: tr(f"supervision.tab.{k}"),
                              label_visibility="collapsed")
if message := st.session_state.pop(FLASH, None):
    st.success(message)
    st.toast(message, icon=":material/check_circle:")  # seen even when the page is scrolled to the button
sections[chosen or "workers"]()
