"""The 三包一 half of the supervision page (views/daily/supervision.py), and the pieces both halves' tables share.

Not a page itself: the page imports it, and passes its run's kit.Page and grid cell names.
"""

import hashlib

import pandas as pd
import streamlit as st

from resilient.coverage import volunteers as coverage
from resilient.daily import rules as daily
from resilient.daily import supervision, teams
from resilient.daily.rules import DailyError
from ui import figures, kit, session

COUNTS = ("min_days_left", "done_week", "late_week", "missed_week", "open_alerts")
VERSION = "sup_version"  # bumped by every change: selectboxes whose labels carry loads start afresh
SETTING_LABELS = {"fever_threshold": "supervision.setting.fever", "am_due": "supervision.setting.am_due",
                  "pm_due": "supervision.setting.pm_due", "release_normal_days": "supervision.setting.release_days",
                  "check_categories": "supervision.setting.categories",
                  "worker_standard_load": "supervision.setting.worker_load"}


# --- shared by both halves ------------------------------------------------------------------------------------

def fail(page: kit.Page, error: DailyError) -> None:
    """The refusal in the reader's words: a member's post, and the settings it names, translated too."""
    fields = " / ".join(page.tr(SETTING_LABELS[f]) if f in SETTING_LABELS else f
                        for f in daily.settings_fields(error))
    kit.fail(error, words={"role": "supervision.post"},
             **({"field": fields} if error.code == "daily.error.settings" else {}))


# A team reads as its three members side by side (网格员·医生·民警), not as a list with "and".
MEMBER_SEPARATOR = {"zh": "·", "en": " · "}


def done(message: str) -> None:
    """Show `message` after a rerun that redraws the tables with the change; widgets keyed with the version
    (the people chosen, a reason typed, choices labelled with loads) come back empty. The toast is seen even
    when the page is scrolled down to the button."""
    kit.flash(message, renew=VERSION, toast=True)


def grid_text(names: dict, grid_ids) -> str:
    return kit.join(names.get(g, str(g)) for g in grid_ids) or "—"


def flags(page: kit.Page, problems: list[str]) -> str:
    """The problems of a row in words, ⚠️ first so the eye finds them; 'OK' when there are none."""
    words = [page.tr(f"supervision.flag.{p}") for p in problems]
    return "⚠️ " + kit.join(words) if words else page.tr("supervision.flag.ok")


def count_headers(page: kit.Page, **more) -> dict[str, str]:
    """The flags, the row's own columns, then this week's counts."""
    return {"flags": page.tr("supervision.col.flags"), **more,
            **{c: page.tr(f"supervision.col.{c}") for c in COUNTS}}


def counts_look(headers: dict, name: str, load: str, standard: int, whole=(), **bar) -> dict:
    """Whole-number counts, the flags and `name` pinned, and `load` as a bar against the standard."""
    return {**{c: kit.whole(headers[c]) for c in (*whole, *COUNTS)},
            "flags": st.column_config.TextColumn(headers["flags"], pinned=True),
            name: st.column_config.TextColumn(headers[name], pinned=True),
            load: st.column_config.ProgressColumn(headers[load], min_value=0, max_value=standard, format="%d",
                                                  color="blue", **bar)}


# --- 三包一 teams ---------------------------------------------------------------------------------------------

def teams_section(page: kit.Page, grid_names: dict, settings) -> None:
    tr = page.tr
    view = supervision.team_view(page.con, page.scope, page.today, page.now, settings)
    waiting = teams.unassigned(page.con, page.scope, page.today)
    standard, total = coverage.load_settings(page.con).team_standard_load, supervision.totals(view)
    names = supervision.TEAM_FIGURES
    figures.show(page, (names["teams"], len(view)), (names["overloaded"], total["overloaded"], {"standard": standard}),
                 (names["unassigned"], len(waiting)),
                 *[(names[k], total[k]) for k in ("missed_week", "open_alerts")])
    if view.empty:
        st.info(tr("supervision.no_teams"))
    else:
        teams_table(page, grid_names, view, standard)
    unassigned_block(page, grid_names, waiting, view)
    if not view.empty:
        team_detail(page, grid_names, view)
    create_team(page)


def team_label(page: kit.Page, row) -> str:
    return page.tr("supervision.team_option", id=int(row.team_id), worker=row.grid_worker,
                   load=int(row.isolated_people), standard=int(row.standard))


def teams_table(page: kit.Page, grid_names: dict, view: pd.DataFrame, standard: int) -> None:
    tr = page.tr
    ordered = supervision.problems_first(view, "team_id")
    shown = pd.DataFrame({
        "flags": [flags(page, p) for p in ordered["problems"]],
        "team": [tr("supervision.team_in_grid", id=int(t), grids=grid_text(grid_names, g))
                 for t, g in zip(ordered["team_id"], ordered["grid_ids"])],
        "isolated_people": ordered["isolated_people"], "households": ordered["households"],
        "members": [MEMBER_SEPARATOR[page.lang].join(map(str, names)) for names in
                    zip(ordered["grid_worker"], ordered["doctor"], ordered["police"])],
        **{c: ordered[c] for c in COUNTS}})
    headers = count_headers(page, team=tr("supervision.col.team"), members=tr("supervision.col.members"),
                            households=tr("supervision.col.households"),
                            isolated_people=tr("supervision.col.isolated", n=standard))
    kit.table(shown, headers, tr("supervision.teams_file"), "sup_teams_excel", placeholder="—",
              height=kit.height(len(shown)),
              look=counts_look(headers, "team", "isolated_people", standard, ("households",),
                               help=page.ntr("supervision.team_standard_note", standard)))
    st.caption(page.ntr("supervision.team_standard_note", standard))


def unassigned_block(page: kit.Page, grid_names: dict, waiting: pd.DataFrame, view: pd.DataFrame) -> None:
    """Home-isolated flats without a team, each prefilled with its suggestion; one button assigns them all."""
    tr = page.tr
    st.subheader(tr("supervision.unassigned_title", n=len(waiting)))
    if waiting.empty:
        st.success(tr("supervision.all_assigned"))
        return
    options = {int(r.team_id): team_label(page, r) for r in view.itertuples()}
    table = pd.DataFrame({
        "household": kit.flats(waiting),
        "assign_to": pd.Series([None if t is None else int(t) for t in waiting["suggested_team_id"]], dtype=object),
        "isolated_people": waiting["isolated_people"], "first_end": waiting["first_end"],
        "grid": waiting["grid_id"].map(lambda g: grid_names.get(g, str(g)))})
    st.caption(tr("supervision.unassigned_help"))
    without = int(table["assign_to"].isna().sum())
    if without:
        st.warning(page.ntr("supervision.no_team_in_grid", without))
    # The editor's key names the flats listed, so a choice made for one list never lands on another.
    listed = hashlib.sha1(",".join(map(str, waiting["household_id"])).encode()).hexdigest()[:10]
    edited = st.data_editor(
        table, hide_index=True, width="stretch", key=f"sup_unassigned_{page.lang}_{listed}",
        disabled=["household", "grid", "isolated_people", "first_end"],
        column_config={"household": tr("supervision.move_household"), "grid": tr("col.grid"),
                       "isolated_people": kit.whole(tr("supervision.col.isolated_people")),
                       "first_end": st.column_config.DateColumn(tr("supervision.col.first_end"),
                                                                format=session.date_format()),
                       "assign_to": st.column_config.SelectboxColumn(tr("supervision.col.assign_to"),
                                                                options=list(options),
                                                                format_func=options.__getitem__, width="medium")})
    chosen = [(int(h), int(t)) for h, t in zip(waiting["household_id"], edited["assign_to"]) if pd.notna(t)]
    if st.button(page.ntr("supervision.assign_button", len(chosen)), type="primary", disabled=not chosen,
                 key="sup_assign_all"):
        try:
            teams.assign_teams(page.con, page.user, chosen, page.today, now=page.now)
        except DailyError as error:
            fail(page, error)   # all or none: no flat was moved
            return
        done(page.ntr("supervision.assigned", len(chosen)))


def team_detail(page: kit.Page, grid_names: dict, view: pd.DataFrame) -> None:
    """One team's flats, and moving one of them to another team with a reason."""
    tr = page.tr
    st.subheader(tr("supervision.team_detail"))
    picks = {int(r.team_id): tr("supervision.team_pick", id=int(r.team_id), grids=grid_text(grid_names, r.grid_ids),
                                worker=r.grid_worker) for r in supervision.problems_first(view, "team_id").itertuples()}
    team_id = kit.choose(tr("supervision.pick_team"), picks, "sup_team")
    row = view.set_index("team_id").loc[team_id]
    name = tr("supervision.team_name", id=team_id)
    flats = teams.flats_of(page.con, page.scope, team_id, page.today)
    st.markdown(page.ntr("supervision.team_households", len(flats), team=name, worker=row["grid_worker"],
                   doctor=row["doctor"], police=row["police"]))
    if flats.empty:
        st.info(tr("supervision.team_no_households"))
        return
    shown = pd.DataFrame({"household": kit.flats(flats),
                          "grid": flats["grid_id"].map(lambda g: grid_names.get(g, str(g))),
                          "isolated_people": flats["isolated_people"], "since": flats["start_date"]})
    headers = {"household": tr("supervision.move_household"), "grid": tr("col.grid"),
               "isolated_people": tr("supervision.col.isolated_people"), "since": tr("supervision.col.since")}
    kit.table(shown, headers, tr("supervision.team_households_file", team=name), "sup_team_excel",
              look={"since": st.column_config.DateColumn(headers["since"], format=session.date_format())},
              height=kit.height(len(shown)))
    move_form(page, team_id, dict(zip(flats["household_id"].astype(int), shown["household"])))


def move_form(page: kit.Page, team_id: int, flat_label: dict[int, str]) -> None:
    """Move one flat to another team (the same grid worker's first, then the least loaded), with a reason."""
    tr = page.tr
    others = {int(r.team_id): team_label(page, r)
              for r in teams.move_candidates(page.con, page.scope, team_id, page.today).itertuples()}
    st.markdown(f"**{tr('supervision.move_title')}**")
    if not others:
        st.info(tr("supervision.no_other_team"))
        return
    version = kit.version(VERSION)
    with st.container(border=True):
        left, middle = st.columns(2)
        household = kit.choose(tr("supervision.move_household"), flat_label, f"sup_move_{team_id}", where=left)
        target = kit.choose(tr("supervision.move_to"), others, f"sup_move_to_{team_id}_{version}", where=middle)
        reason = st.text_input(tr("supervision.reason"), key=f"sup_move_reason_{team_id}_{version}",
                               placeholder=tr("supervision.reason_placeholder"))
        clicked = st.button(tr("supervision.move_button", team=tr("supervision.team_name", id=int(target))),
                            type="primary", key="sup_move")
    if not clicked or not kit.reason_given(reason, tr("supervision.reason_field")):
        return
    try:
        teams.assign_team(page.con, page.user, int(household), int(target), page.today, now=page.now,
                          reason=reason.strip())
        done(tr("supervision.moved", household=flat_label[household], team=tr("supervision.team_name",
                                                                                id=int(target))))
    except DailyError as error:
        fail(page, error)


def create_team(page: kit.Page) -> None:
    """A new team of three from the community's staff; how many teams each already serves on helps choose."""
    tr = page.tr
    with st.expander(tr("supervision.create_title")):
        community = kit.pick_community(page, "sup_new_community")
        if community is None:
            st.info(tr("supervision.no_teams"))
            return
        picked = {}
        for column, (post, members) in zip(st.columns(3), teams.member_choices(page.con, page.scope, community,
                                                                               page.today).items()):
            if members.empty:
                column.warning(tr("supervision.no_staff", post=tr(f"supervision.post.{post}")))
                picked[post] = None
                continue
            label = {int(s): page.ntr("supervision.member_option", k, name=n)
                     for s, n, k in zip(members["staff_id"], members["name"], members["serving"])}
            picked[post] = kit.choose(tr(f"supervision.col.{'worker' if post == 'grid_worker' else post}"), label,
                                      f"sup_new_{post}", where=column)
        if st.button(tr("supervision.create_button"), key="sup_create_team", disabled=None in picked.values()):
            try:
                team_id = teams.create_team(page.con, page.user, community, picked["grid_worker"], picked["doctor"],
                                            picked["police"], page.today)
                done(tr("supervision.created", team=tr("supervision.team_name", id=team_id)))
            except DailyError as error:
                fail(page, error)
