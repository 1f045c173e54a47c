"""Supervision (issue 7): per grid worker and per 三包一 team, who is followed, checks this week, open fever alerts
and overload, problems first; hand people over, put isolated flats with teams, form teams, set the check rules."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from resilient.core import roles
from resilient.core.i18n import CATEGORIES, fmt_date
from resilient.coverage import volunteers as coverage
from resilient.daily import rules as daily
from resilient.daily import supervision
from resilient.daily.rules import DailyError, DailySettings
from resilient.places import places
from ui import figures, kit, session
from views.daily import supervision_teams as part
from views.daily.supervision_teams import COUNTS, VERSION, count_headers, counts_look, done, flags, grid_text

page = kit.page()
tr, con, user = page.tr, page.con, page.user
ntr = page.ntr
kit.require(page, "supervise")
scope, today, now = page.scope, page.today, page.now
settings = daily.load_settings(con)
grids = places.grids(con, scope)
grid_names = dict(zip(grids["grid_id"], grids["name"]))


def slot_text(status, temperature, abnormal) -> str:
    text = tr(f"check.status.{status}") if isinstance(status, str) else "—"
    if pd.notna(temperature):
        text += f" {float(temperature):.1f}℃"
    return f"⚠️ {text}" if abnormal else text


def staff_option(name: str, role: str, load) -> str:
    """Whom to hand over to: name, post, and the people they follow when that is counted."""
    post = tr(f"supervision.post.{role}")
    if pd.isna(load):
        return tr("supervision.staff_option", name=name, post=post)
    return tr("supervision.staff_option_load", name=name, post=post, n=int(load))


# --- grid workers ---------------------------------------------------------------------------------------------

def workers_section() -> None:
    frame = supervision.workers(con, scope, today, now, settings)
    if frame.empty:
        st.info(tr("supervision.no_workers"))
        return
    standard, total = settings.worker_standard_load, supervision.totals(frame)
    figures.show(page, (supervision.WORKER_FIGURES["overloaded"], total["overloaded"], {"n": standard}),
                 *[(supervision.WORKER_FIGURES[k], total[k]) for k in ("missed_week", "open_alerts", "followed")])
    ordered = supervision.problems_first(frame, "name")
    shown = pd.DataFrame({"flags": [flags(page, p) for p in ordered["problems"]], "name": ordered["name"],
                          "followed": ordered["followed"],
                          "grids": [grid_text(grid_names, g) for g in ordered["grid_ids"]],
                          **{c: ordered[c] for c in COUNTS}})
    headers = count_headers(page, name=tr("supervision.col.worker"), grids=tr("supervision.col.grids"),
                            followed=tr("supervision.col.followed", n=standard))
    kit.table(shown, headers, tr("supervision.workers_file"), "sup_workers_excel", placeholder="—",
              look=counts_look(headers, "name", "followed", standard), height=kit.height(len(shown)))
    worker_detail(ordered)


def worker_detail(ordered: pd.DataFrame) -> None:
    """One worker's people with days left and today's checks, and handing some of them to someone else."""
    st.subheader(tr("supervision.worker_detail"))
    # No counts in these labels: Streamlit keeps showing a keyed selectbox's first labels after they change.
    label = {int(r.staff_id): tr("supervision.worker_option", name=r.name, grids=grid_text(grid_names, r.grid_ids))
             for r in ordered.itertuples()}
    staff_id = kit.choose(tr("supervision.pick_worker"), label, "sup_worker")
    name = dict(zip(ordered["staff_id"].astype(int), ordered["name"]))[staff_id]
    people = supervision.followed(con, scope, staff_id, today, now, settings)
    if people.empty:
        st.info(tr("supervision.nobody_followed", name=name))
        return
    shown = pd.DataFrame({
        "place": kit.flats(people), "name": people["name"].fillna(""), "days_left": people["days_left"],
        **{p: [slot_text(s, t, a) for s, t, a in zip(people[f"{p}_status"], people[f"{p}_temperature"],
                                                     people[f"{p}_abnormal"])] for p in daily.PERIODS},
        "category": people["category"].map(lambda c: tr(f"category.{c}")), "planned_end": people["planned_end"]})
    headers = {"place": tr("supervision.col.place"), "name": tr("col.name"), "days_left": tr("col.days_left"),
               "am": tr("supervision.col.am"), "pm": tr("supervision.col.pm"), "category": tr("col.category"),
               "planned_end": tr("col.planned_end")}
    kit.table(shown, headers, tr("supervision.followed_file", name=name), "sup_followed_excel",
              look={"days_left": kit.whole(headers["days_left"]),
                    "planned_end": st.column_config.DateColumn(headers["planned_end"], format=session.date_format())},
              height=kit.height(len(shown)))
    reassign_form(staff_id, people, shown, ordered)


def reassign_form(staff_id: int, people: pd.DataFrame, shown: pd.DataFrame, ordered: pd.DataFrame) -> None:
    """Hand some of a worker's people to another grid worker (least loaded first) or a doctor, with a reason."""
    st.markdown(f"**{tr('supervision.reassign_title')}**")
    # Every worker's load, whatever grid cell the sidebar narrows the tables to (the same figures when it does not).
    everyone = ordered if scope == page.viewer_scope else \
        supervision.workers(con, page.viewer_scope, today, now, settings)
    targets = supervision.handover_candidates(con, scope, staff_id, everyone)
    if targets.empty:
        st.info(tr("supervision.no_target"))
        return
    target_name = dict(zip(targets["staff_id"].astype(int), targets["name"]))
    target_label = {int(r.staff_id): staff_option(r.name, r.role, r.load) for r in targets.itertuples()}
    who_label = {int(m): f"{p} {n} · {ntr('supervision.days', d)}"
                 for m, p, n, d in zip(people["measure_id"], shown["place"], shown["name"], people["days_left"])}
    version = kit.version(VERSION)
    with st.container(border=True):
        chosen = st.multiselect(tr("supervision.reassign_who"), list(who_label), format_func=who_label.__getitem__,
                                key=kit.widget_key(f"sup_reassign_who_{staff_id}_{version}"),
                                placeholder=tr("supervision.choose_placeholder"))
        left, right = st.columns([1, 2])
        target = kit.choose(tr("supervision.reassign_to"), target_label, f"sup_reassign_to_{version}", where=left)
        reason = right.text_input(tr("supervision.reason"), key=f"sup_reassign_reason_{staff_id}_{version}",
                                  placeholder=tr("supervision.reason_placeholder"))
        # The button says how many and to whom: "select all" is one click away in the list above.
        clicked = st.button(ntr("supervision.reassign_button", len(chosen), name=target_name[target]),
                            type="primary", disabled=not chosen, key="sup_reassign")
    if not clicked or not kit.reason_given(reason, tr("supervision.reason_field")):
        return
    try:
        supervision.reassign_many(con, user, [int(m) for m in chosen], int(target), reason.strip(), now=now)
    except DailyError as error:
        part.fail(page, error)   # all or none: nobody was handed over
        return
    done(ntr("supervision.reassigned", len(chosen), name=target_name[target]))


# --- check rules ----------------------------------------------------------------------------------------------

def settings_section() -> None:
    """The numbers behind missed checks, alerts, releases and overload, changed without a code change."""
    if not roles.may(user, "set_rules"):
        st.info(tr("supervision.setting.rules_only"))
        return
    with st.form("sup_settings"):
        left, middle, right = st.columns(3)
        fever = left.number_input(tr("supervision.setting.fever"), 35.0, 42.0, float(settings.fever_threshold),
                                  step=0.1, format="%.1f")
        am = middle.time_input(tr("supervision.setting.am_due"), settings.due(today, "am").time(),
                               step=timedelta(minutes=15))
        pm = right.time_input(tr("supervision.setting.pm_due"), settings.due(today, "pm").time(),
                              step=timedelta(minutes=15))
        days = left.number_input(tr("supervision.setting.release_days"), 1, 14, int(settings.release_normal_days))
        load = middle.number_input(tr("supervision.setting.worker_load"), 1, 1000,
                                   int(settings.worker_standard_load))
        categories = st.multiselect(tr("supervision.setting.categories"), CATEGORIES,
                                    placeholder=tr("app.none_chosen"),
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
                part.fail(page, error)
    st.caption(tr("supervision.setting.note"))
    st.caption(ntr("supervision.team_standard_note", coverage.load_settings(con).team_standard_load))


# --- page -----------------------------------------------------------------------------------------------------

st.title(tr("supervision.title"))
st.caption(tr("supervision.as_of", start=fmt_date(supervision.week_start(today), page.lang),
              now=fmt_date(now, page.lang, with_time=True)))
sections = {"workers": workers_section, "teams": lambda: part.teams_section(page, grid_names, settings)}
if roles.may(user, "set_rules"):
    sections["settings"] = settings_section
chosen = kit.section("supervision", sections)
kit.flashed()
sections[chosen]()
