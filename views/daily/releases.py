"""Ending measures on time: who is due and may be released, extensions and transfers, a resident's history."""


import pandas as pd
import streamlit as st

from resilient.core.i18n import fmt_date, fmt_datetime
from resilient.daily import arrivals, releases
from resilient.daily import rules as daily
from resilient.daily.rules import DailyError
from resilient.places import measures
from ui import figures, kit

# Error values that hold a code, and the translation prefix that names it.
VALUE_WORDS = {"to": "transfer", "value": "transfer"}

page = kit.page()
tr, con, user, lang = page.tr, page.con, page.user, page.lang
ntr = page.ntr
scope, today, now = page.scope, page.today, page.now
settings = daily.load_settings(con)
kit.require(page, "decide")


def fail(error: DailyError) -> None:
    kit.fail(error, VALUE_WORDS, icon=":material/block:")


def flat_text(row) -> str:
    return kit.flat(row.building, row.unit_no, row.room, row.compound, short=True)


def finished(text: str) -> None:
    """The change's success, kept across the rerun that refreshes the lists; the change form starts empty."""
    st.session_state.pop("rel_confirm", None)
    kit.flash(text, renew="rel_form")


# --- due today and tomorrow -----------------------------------------------------------------------------------

def problem_text(row) -> str:
    """Why this measure may not be released now, in words."""
    if pd.isna(row.problem) or not row.problem:
        return tr("releases.not_yet", end=fmt_date(row.planned_end, lang))
    values = {"day": fmt_date(row.problem_day, lang) if pd.notna(row.problem_day) else "",
              "period": tr(f"period.{row.problem_period}") if isinstance(row.problem_period, str) else "",
              "temperature": "" if pd.isna(row.problem_temperature) else f"{float(row.problem_temperature):.1f}"}
    return kit.text(row.problem, values, VALUE_WORDS)


def due_section() -> None:
    """One row per measure ending by tomorrow: ready ones get a release button (tap, then confirm)."""
    due = releases.due(con, scope, today, now, settings, kit.revealed())
    if due.empty:
        st.success(tr("releases.none_due"))
        return
    totals = measures.due_counts(con, scope, today)
    figures.show(page, *[(f"release.due.{when}", n) for when, n in totals.items()])
    shown = releases.show_counts(due)
    show = st.segmented_control(tr("releases.show"), list(shown), default="ready",
                                format_func=lambda s: tr(f"releases.show.{s}", n=shown[s]),
                                key=kit.widget_key("rel_show")) or "ready"
    due = releases.shown_due(due, show)
    if due.empty:
        st.info(tr(f"releases.empty.{show}"))
        return
    st.caption(ntr("releases.rule", settings.release_normal_days))
    for when in releases.DUE_ORDER:
        part = due[due["due"] == when]
        if part.empty:
            continue
        st.subheader(releases.group_header(when, len(part), totals[when], lang))
        for row in part.itertuples():
            due_row(row)


def due_row(row) -> None:
    measure_id = int(row.measure_id)
    where = flat_text(row)
    with st.container(border=True):
        head = f"**{where}** {kit.plain(row.name, row.phone)}"
        what = tr("releases.term", category=tr(f"category.{row.category}"), start=fmt_date(row.start_date, lang),
                  end=fmt_date(row.planned_end, lang))
        if row.ready:
            state = f":green[:material/check_circle: {tr('releases.ready')}]"
        elif isinstance(row.problem, str) and row.problem:
            state = f":red[:material/block: {problem_text(row)}]"
        else:   # only its term still running
            state = f":gray[:material/schedule: {problem_text(row)}]"
        st.markdown(f"{head}  \n{what}  \n{state}")
        if not row.ready:
            return
        if st.session_state.get("rel_confirm") != measure_id:
            if st.button(tr("releases.release"), key=f"rel_{measure_id}", type="primary", width="stretch",
                         icon=":material/lock_open:"):
                st.session_state["rel_confirm"] = measure_id
                st.rerun()
            return
        st.warning(tr("releases.confirm", who=kit.plain(where, row.name),
                      category=tr(f"category.{row.category}")))
        left, right = st.columns(2)
        if left.button(tr("releases.confirm_yes"), key=f"rel_yes_{measure_id}", type="primary", width="stretch"):
            try:
                releases.release(con, user, measure_id, today, now)
            except DailyError as error:
                st.session_state.pop("rel_confirm", None)
                fail(error)
                return
            finished(tr("releases.released", who=kit.plain(where, row.name),
                        category=tr(f"category.{row.category}")))
        if right.button(tr("releases.cancel"), key=f"rel_no_{measure_id}", width="stretch"):
            st.session_state.pop("rel_confirm", None)
            st.rerun()


# --- change a measure -----------------------------------------------------------------------------------------

def change_section() -> None:
    """Find the person, then extend (days and reason) or transfer (hospital or centralised, with reason)."""
    form = kit.version("rel_form")
    query = st.text_input(tr("releases.find"), key=f"chg_find_{form}", placeholder="3-2-1502 / 5678 / 张").strip()
    if not query:
        st.caption(tr("releases.find_help"))
        return
    found = releases.under_measure(con, scope, query, today, kit.revealed())
    if found.empty:
        st.warning(tr("releases.nobody_under_measure", query=query))
        return
    label = {int(r.measure_id): kit.plain(flat_text(r), r.name, "·", tr(
        "releases.term", category=tr(f"category.{r.category}"), start=fmt_date(r.start_date, lang),
        end=fmt_date(r.planned_end, lang))) for r in found.itertuples()}
    measure_id = st.radio(tr("releases.pick"), list(label), format_func=label.__getitem__,
                          key=kit.widget_key(f"chg_pick_{form}_{query}"))
    row = next(found[found["measure_id"] == measure_id].itertuples())
    who = kit.plain(flat_text(row), row.name)
    action = st.radio(tr("releases.action"), releases.actions_for(row.category), horizontal=True,
                      format_func=lambda a: tr(f"releases.action.{a}"), key=kit.widget_key(f"chg_action_{form}"))
    category = tr(f"category.{row.category}")
    days = None
    if action == "extend":
        days = int(st.number_input(tr("releases.extend_days"), min_value=1, max_value=releases.MAX_EXTENSION_DAYS,
                                   value=7, step=1, key=f"chg_days_{form}"))
        effect = tr("releases.effect.extend", who=who, category=category, old=fmt_date(row.planned_end, lang),
                    new=fmt_date(releases.new_end(action, row.planned_end, days, today), lang))
        if row.category in settings.check_categories:
            effect += tr("releases.effect.checks_continue")
    elif action == "hospital":
        effect = tr("releases.effect.hospital", who=who, category=category)
    else:
        days = int(st.number_input(tr("releases.centralised_days"), min_value=1, max_value=60,
                                   value=releases.CENTRALISED_DAYS, step=1, key=f"chg_cdays_{form}"))
        effect = ntr("releases.effect.centralised", days, who=who, category=category,
                    end=fmt_date(releases.new_end(action, row.planned_end, days, today), lang))
    reason = st.text_area(tr("releases.reason"), key=f"chg_reason_{form}", height=80,
                          placeholder=tr(f"releases.reason_hint.{action}"))
    st.info(effect, icon=":material/info:")
    if st.button(tr(f"releases.do.{action}"), type="primary", width="stretch", key=f"chg_do_{form}"):
        try:
            if action == "extend":
                end = releases.extend(con, user, int(measure_id), days, reason, now)
                finished(tr("releases.extended", who=who, end=fmt_date(end, lang)))
            else:
                releases.transfer(con, user, int(measure_id), action, reason, now,
                                  **({"days": days} if days else {}))
                finished(tr("releases.transferred", who=who, to=tr(f"transfer.{action}")))
        except DailyError as error:
            fail(error)


# --- history --------------------------------------------------------------------------------------------------

def detail_text(kind: str, detail) -> str:
    """The specifics of one step, in words."""
    if not isinstance(detail, dict):
        return ""
    if kind == "arrival":
        origin = tr(f"origin.{detail.get('origin')}") if detail.get("origin") else ""
        return tr("releases.detail.arrival", place=detail.get("from_place") or "—", origin=origin)
    if kind == "created" and detail.get("category"):
        return tr("releases.detail.created", category=tr(f"category.{detail['category']}"),
                  start=detail.get("start_date", ""), end=detail.get("planned_end", ""))
    if kind == "extended":
        return ntr("releases.detail.extended", detail.get("days", ""), old=detail.get("old_end", ""),
                  new=detail.get("new_end", ""))
    if kind == "transferred" and detail.get("to"):
        return tr(f"transfer.{detail['to']}")
    if kind == "released" and detail.get("category"):
        return tr(f"category.{detail['category']}")
    return "; ".join(f"{k}: {v}" for k, v in detail.items() if v is not None)


def history_section() -> None:
    """Everything that happened to one resident's measures, oldest first."""
    query = st.text_input(tr("releases.find_anyone"), key="hist_find", placeholder="3-2-1502 / 5678 / 张").strip()
    if not query:
        st.caption(tr("releases.find_help"))
        return
    found = arrivals.find_residents(con, scope, query, today, kit.revealed()).drop_duplicates("resident_id")
    if found.empty:
        st.warning(tr("arrivals.nobody", query=query))
        return
    label = {int(r.resident_id): kit.plain(flat_text(r), r.name, r.phone) for r in found.itertuples()}
    resident_id = st.radio(tr("releases.pick_person"), list(label), format_func=label.__getitem__,
                           key=kit.widget_key(f"hist_pick_{query}"))
    steps = releases.history(con, scope, int(resident_id), today)
    if steps.empty:
        st.info(tr("releases.no_history"))
        return
    shown = pd.DataFrame({
        "event_at": [fmt_datetime(pd.Timestamp(t), lang) if pd.notna(t) else "" for t in steps["event_at"]],
        "kind": [tr(f"event.{k}") for k in steps["kind"]],
        "category": [tr(f"category.{c}") if isinstance(c, str) else "" for c in steps["category"]],
        "detail": [detail_text(k, d) for k, d in zip(steps["kind"], steps["detail"])],
        "reason": steps["reason"].fillna(""),
        "by_user": steps["by_user"].fillna(""),
    })
    headers = {"event_at": tr("releases.col.when"), "kind": tr("releases.col.event"),
               "category": tr("col.category"), "detail": tr("releases.col.detail"),
               "reason": tr("releases.col.reason"), "by_user": tr("releases.col.by")}
    kit.table(shown, headers, tr("releases.history_file"), "hist_excel")


st.title(tr("releases.title"))
kit.flashed()
sections = {"due": due_section, "change": change_section, "history": history_section}
sections[kit.section("releases", sections)]()
