"""Twice-daily checks: the grid worker's list to fill in on a phone, and fever alerts for the doctors."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from resilient.core import roles
from resilient.core.i18n import fmt_date
from resilient.daily import checks
from resilient.daily import rules as daily
from resilient.daily.rules import DailyError
from ui import figures, kit

page = kit.page()
tr, con, user, lang = page.tr, page.con, page.user, page.lang
ntr = page.ntr
scope, today, now = page.scope, page.today, page.now
settings = daily.load_settings(con)
own = checks.viewer_staff_id(user)


def symptoms_text(codes) -> str:
    return kit.join(tr(f"symptom.{c}") for c in codes)


def reading_text(row, period: str) -> str:
    """'36.6℃' / '37.8℃ 咳嗽（迟报）' / '待测' / '漏报' for one half-day, as plain text (Excel)."""
    status = getattr(row, f"{period}_status")
    temperature = getattr(row, f"{period}_temperature")
    if status in checks.DONE and pd.notna(temperature):
        extra = symptoms_text(getattr(row, f"{period}_symptoms"))
        late = f"（{tr('check.status.late')}）" if status == "late" else ""
        return f"{temperature:.1f}℃ {extra}{late}".strip()
    return tr(f"check.status.{status}")


# Streamlit's own icon font and colours: phones without an emoji font still show them.
BADGES = {"ok": ":green[:material/check_circle:", "abnormal": ":red[:material/warning:",
          "due": ":orange[:material/schedule:", "missed": ":red[:material/error:", "not_required": ":gray["}


def reading_badge(row, period: str) -> str:
    """The same reading with an icon and a colour for the list."""
    status = getattr(row, f"{period}_status")
    if status in checks.DONE:
        kind = "abnormal" if getattr(row, f"{period}_abnormal") else "ok"
    else:
        kind = status if status in BADGES else "not_required"
    return f"{BADGES[kind]} {reading_text(row, period)}]"


# --- check list -----------------------------------------------------------------------------------------------

def list_section() -> None:
    """Every person under a home measure with today's two readings; a short form per person for the chosen one."""
    left, right = st.columns([1, 1])
    day = left.date_input(tr("checks.day"), value=today, min_value=today - timedelta(days=14), max_value=today,
                          key="checks_day")
    first = checks.default_period(settings, now)
    period = right.segmented_control(tr("checks.period"), list(daily.PERIODS), default=first,
                                     format_func=lambda p: tr(f"period.{p}"), key="checks_period") or first
    people = checks.check_list(con, scope, day, now, own_staff_id=own)
    if scope.personal == "none":
        st.info(tr("checks.aggregates_only"))
        return
    if people.empty:
        st.info(tr("checks.nobody"))
        return
    counts = checks.period_counts(people, period)
    shown = ("due", "done", "todo", "not_required") if counts["not_required"] else ("due", "done", "todo")
    figures.show(page, *[(f"checks.kpi.{k}", counts[k]) for k in shown])
    deadline = settings.am_due if period == "am" else settings.pm_due
    st.caption(tr("checks.deadline", period=tr(f"period.{period}"), time=deadline,
                  threshold=f"{settings.fever_threshold:.1f}"))
    todo_only = st.toggle(tr("checks.todo_only"), value=True, key="checks_todo_only")
    find = st.text_input(tr("checks.find"), key="checks_find", placeholder=tr("checks.find_hint")).strip()
    shown = checks.narrow(people, period, todo_only, find)
    if shown.empty:
        st.success(tr("checks.all_done", period=tr(f"period.{period}")))
    for row in kit.pager(shown, "checks_page").itertuples(index=False):
        person_form(row, day, period)
    kit.excel_button(export_frame(people), export_labels(), tr("checks.file", day=day.isoformat()), "checks_excel")


def person_form(row, day, period: str) -> None:
    """One person: where, who, both readings, and for the chosen half-day a temperature, symptoms and save."""
    with st.container(border=True):
        st.markdown(f"**{kit.flat(row.building, row.unit_no, row.room, row.compound)}** "
                    f"{kit.plain(row.name, row.phone)}  \n"
                    f"{tr(f'category.{row.category}')} · {ntr('checks.days_left', row.days_left)}  \n"
                    f"{tr('period.am')} {reading_badge(row, 'am')} · {tr('period.pm')} {reading_badge(row, 'pm')}")
        if getattr(row, f"{period}_status") not in checks.TO_DO:
            return
        with st.form(f"check_{row.measure_id}_{day}_{period}", border=False, enter_to_submit=True):
            temperature = st.number_input(tr("checks.temperature", period=tr(f"period.{period}")), min_value=34.0,
                                          max_value=43.0, value=None, step=0.1, format="%.1f",
                                          placeholder="36.5", key=f"t_{row.measure_id}_{day}_{period}")
            symptoms = st.pills(tr("checks.symptoms"), list(checks.SYMPTOMS), selection_mode="multi",
                                format_func=lambda s: tr(f"symptom.{s}"), key=f"s_{row.measure_id}_{day}_{period}")
            saved = st.form_submit_button(tr("checks.save"), type="primary", width="stretch")
        if saved:
            if temperature is None:
                st.error(tr("checks.temperature_missing"))
                return
            try:
                result = checks.record_check(con, user, int(row.measure_id), day, period, float(temperature),
                                             symptoms or [], now=now)
            except DailyError as error:
                kit.fail(error)
                return
            alert = result["abnormal"]
            kit.flash((tr("checks.saved_alert", temperature=temperature) if alert
                       else tr("checks.saved", temperature=temperature)),
                      "warning" if alert else "success")


def export_frame(people: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "building": people["compound"] + people["building"], "unit_no": people["unit_no"], "room": people["room"],
        "name": people["name"], "phone": people["phone"],
        "category": people["category"].map(lambda c: tr(f"category.{c}")), "days_left": people["days_left"],
        "am": [reading_text(r, "am") for r in people.itertuples(index=False)],
        "pm": [reading_text(r, "pm") for r in people.itertuples(index=False)],
    })


def export_labels() -> dict[str, str]:
    return kit.headers("building", "unit_no", "room", "name", "phone", "category", "days_left",
                       am=tr("period.am"), pm=tr("period.pm"))


# --- alerts ---------------------------------------------------------------------------------------------------

def alert_cause(row) -> str:
    """What raised an alert: the reading, or the health code's colour (issue 17: one list for both)."""
    if row.kind == "health_code":
        said = tr("checks.code_alert", colour=tr(f"health_codes.colour.{row.colour}"))
        return f":{'red' if row.colour == 'red' else 'orange'}[:material/qr_code_2: **{said}**]"
    return f":red[:material/warning: **{row.temperature:.1f}℃** {symptoms_text(checks.codes(row.symptoms))}]"


def alerts_section() -> None:
    """Open fever alerts, newest first; a doctor closes each with what was done."""
    found = checks.alerts(con, scope, now)
    if scope.personal == "none":
        st.info(tr("checks.aggregates_only"))
        return
    if found.empty:
        st.success(tr("checks.no_alerts"))
        return
    may_handle = roles.may(user, "handle_alerts")
    for row in found.itertuples(index=False):
        with st.container(border=True):
            st.markdown(f"{alert_cause(row)}  \n"
                        f"**{kit.flat(row.building, row.unit_no, row.room, row.compound)}** "
                        f"{kit.plain(row.name, row.phone)}  \n"
                        f"{tr('checks.raised', when=fmt_date(pd.Timestamp(row.raised_at).to_pydatetime(), lang, True))}"
                        f" · {fmt_date(pd.Timestamp(row.day).date(), lang)} "
                        f"{tr(f'period.{row.period}') if row.kind == 'fever' else ''}")
            if not may_handle:
                continue
            with st.form(f"alert_{row.alert_id}", border=False):
                note = st.text_input(tr("checks.alert_note"), key=f"note_{row.alert_id}",
                                     placeholder=tr("checks.alert_note_hint"))
                if st.form_submit_button(tr("checks.handle"), type="primary"):
                    try:
                        checks.handle_alert(con, user, int(row.alert_id), note, now)
                        kit.flash(tr("checks.handled"))
                    except DailyError as error:
                        kit.fail(error)


def missed_section() -> None:
    """Half-days nobody recorded in time, over the last days: whom to chase, and which worker."""
    missed = checks.missed_recently(con, scope, today, now, settings, own)
    if scope.personal == "none":
        figures.show(page, ("checks.kpi.missed_week", len(missed)))
        return
    if missed.empty:
        st.success(tr("checks.no_missed"))
        return
    shown = pd.DataFrame({
        "day": [fmt_date(pd.Timestamp(d).date(), lang) for d in missed["day"]],
        "period": missed["period"].map(lambda p: tr(f"period.{p}")),
        "building": missed["compound"] + missed["building"], "unit_no": missed["unit_no"], "room": missed["room"],
        "name": missed["name"]})
    labels = {"day": tr("checks.col.day"), "period": tr("checks.period"),
              **kit.headers("building", "unit_no", "room", "name")}
    st.caption(ntr("checks.missed_help", len(missed)))
    kit.table(shown, labels, tr("checks.missed_file"), "checks_missed_excel")


st.title(tr("checks.title"))
kit.flashed()
open_alerts = len(checks.alerts(con, scope, now)) if scope.personal != "none" else 0
sections = {"list": list_section, "alerts": alerts_section, "missed": missed_section}
chosen = kit.section("checks", sections, default="alerts" if user.role == "doctor" else "list",
                     label=lambda k: tr("checks.tab.alerts", n=open_alerts) if k == "alerts" else tr(f"checks.tab.{k}"))
sections[chosen]()
