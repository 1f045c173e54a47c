"""The lists half of the coverage page (views/maps/coverage.py): per volunteer, with contacts to record, and
per building leader; and the household columns both halves show.

Not a page itself: the page imports it, and passes its run's kit.Page and the coverage settings.
"""

import pandas as pd
import streamlit as st

from resilient.core import roles
from resilient.core.i18n import fmt_time
from resilient.coverage import volunteers as coverage
from resilient.coverage.volunteers import CoverageError, CoverageSettings
from resilient.places import places
from ui import kit


def last_contact_text(page: kit.Page, when) -> str:
    tr = page.tr
    if when is None or pd.isna(when):
        return tr("coverage.never")
    days = (page.today - pd.Timestamp(when).date()).days
    if days:
        return page.ntr("coverage.days_ago", days)
    return tr("coverage.today_at", time=fmt_time(pd.Timestamp(when), page.lang))


def shown_households(page: kit.Page, frame: pd.DataFrame) -> pd.DataFrame:
    """The columns a reader scans, in their language (codes turned into words)."""
    tr = page.tr
    out = pd.DataFrame({
        "building": frame["compound"] + frame["building"],
        "unit_room": [tr("coverage.unit_room", unit=u, room=r) for u, r in zip(frame["unit_no"], frame["room"])],
        "name": frame["name"].fillna(""), "phone": frame["phone"].fillna(""),
        "needs": frame["reasons"].map(lambda codes: kit.join(tr(f"coverage.need.{c}") for c in codes)),
        "last_contact": frame["last_contact"].map(lambda when: last_contact_text(page, when))})
    if "reason" in frame:
        out["gap"] = frame["reason"].map(lambda r: tr(f"coverage.gap.{r}") if isinstance(r, str) else
                                         tr("coverage.covered"))
    return out


def household_labels(page: kit.Page) -> dict[str, str]:
    tr = page.tr
    return {"building": tr("col.building"), "unit_room": tr("coverage.col.unit_room"), "name": tr("col.name"),
            "phone": tr("col.phone"), "needs": tr("coverage.col.needs"),
            "last_contact": tr("coverage.col.last_contact"), "gap": tr("coverage.col.gap")}


def reveal(page: kit.Page, frame: pd.DataFrame, key: str) -> None:
    kit.reveal_picker(page, frame, key, lambda r: f"{kit.flat(r.building, r.unit_no, r.room, short=True)} {r.name}")


def lists_section(page: kit.Page, settings: CoverageSettings, manager: bool) -> None:
    """Per volunteer (with contacts to record) or per building leader (their building's vulnerable households)."""
    tr = page.tr
    if page.user.role == "volunteer" and not coverage.leads(page.con, page.scope, page.user.volunteer_id, page.today):
        volunteer_list_view(page, settings)
        return
    kind = st.radio(tr("coverage.list_of"), ["volunteer", "leader"], horizontal=True,
                    format_func=lambda k: tr(f"coverage.list_of.{k}"), key=kit.widget_key("cov_list_of"))
    if kind == "volunteer":
        volunteer_list_view(page, settings)
    else:
        leader_list_view(page, settings, manager)


def led_text(page: kit.Page, compound, building, unit_no) -> str:
    tr = page.tr
    return f"{compound}{building if unit_no is None else tr('coverage.unit_of', building=building, unit=unit_no)}"


def leader_list_view(page: kit.Page, settings: CoverageSettings, manager: bool) -> None:
    """A building leader's vulnerable households, who looks after each and when they were last contacted."""
    tr = page.tr
    found = coverage.leaders_by_volunteer(page.con, page.scope, page.today)
    if page.user.role == "volunteer":
        volunteer_id = page.user.volunteer_id
    elif found.empty:
        st.info(tr("coverage.no_leaders"))
        volunteer_id = None
    else:
        label = {int(r.volunteer_id): f"{r.name}（{kit.join(led_text(page, *p) for p in r.places)}）"
                 for r in found.itertuples()}
        volunteer_id = kit.choose(tr("coverage.leader"), label, "cov_leader")
    if volunteer_id is not None:
        homes = coverage.leader_list(page.con, page.scope, settings, volunteer_id, page.today, kit.revealed())
        if homes.empty:
            st.success(tr("coverage.no_vulnerable_led"))
        else:
            shown = shown_households(page, homes).assign(volunteer=homes["volunteer"].fillna(""))
            kit.table(shown, {**household_labels(page), "volunteer": tr("coverage.col.volunteer")},
                      tr("coverage.leader_file"), "cov_leader_excel")
            reveal(page, homes, "cov_leader")
    if manager:
        designate_leader(page, settings)


def designate_leader(page: kit.Page, settings: CoverageSettings) -> None:
    """Name a volunteer leader of a building or one stairwell; whoever led it before steps down page.today."""
    tr = page.tr
    with st.expander(tr("coverage.designate")):
        buildings = places.buildings(page.con, page.scope)
        names = dict(zip(buildings["building_id"], buildings["compound"] + buildings["name"]))
        volunteers = coverage.active_volunteers(page.con, page.scope, settings, page.today)
        who = dict(zip(volunteers["volunteer_id"], volunteers["name"]))
        if not names or not who:
            st.info(tr("coverage.no_volunteers"))
            return
        left, middle, right = st.columns(3)
        building = kit.choose(tr("col.building"), names, "cov_lead_building", where=left)
        units = places.stairwells(page.con, page.scope, building)
        unit_names = {0: tr("coverage.whole_building"),
                      **{int(r.stairwell_id): tr("unit.name", n=r.unit_no) for r in units.itertuples()}}
        stairwell = kit.choose(tr("col.unit"), unit_names, "cov_lead_unit", where=middle)
        volunteer = kit.choose(tr("coverage.col.volunteer"), who, "cov_lead_volunteer", where=right)
        if st.button(tr("coverage.designate_save"), key="cov_lead_save"):
            try:
                coverage.set_leader(page.con, page.user, int(volunteer), int(building), stairwell or None, page.today)
                st.success(tr("coverage.designated", name=who[volunteer],
                              place=f"{names[building]} {unit_names[stairwell]}"))
            except CoverageError as error:
                kit.fail(error)


def volunteer_list_view(page: kit.Page, settings: CoverageSettings) -> None:
    """One volunteer's households, each with a button that records a contact of the kind chosen above."""
    tr, user = page.tr, page.user
    if user.role == "volunteer":
        volunteer_id = user.volunteer_id
    else:
        load = coverage.active_volunteers(page.con, page.scope, settings, page.today)
        if load.empty:
            st.info(tr("coverage.no_volunteers"))
            return
        label = {int(r.volunteer_id): tr("coverage.volunteer_option", name=r.name, assigned=r.assigned,
                                         capacity=r.capacity) for r in load.itertuples()}
        volunteer_id = kit.choose(tr("coverage.col.volunteer"), label, "cov_volunteer")
    homes = coverage.volunteer_list(page.con, page.scope, settings, volunteer_id, page.today, kit.revealed())
    if homes.empty:
        st.info(tr("coverage.no_households"))
        return
    shown = shown_households(page, homes)
    kit.excel_button(shown.drop(columns="gap", errors="ignore"), household_labels(page), tr("coverage.list_file"),
                     "cov_list_excel")
    may_record = roles.may(user, "record_contacts")
    if may_record:
        kind = st.segmented_control(tr("coverage.contact_kind"), list(coverage.CONTACT_KINDS), default="call",
                                    format_func=lambda k: tr(f"coverage.kind.{k}"), key="cov_kind") or "call"
        st.caption(tr("coverage.record_help"))
    for row, text in zip(homes.itertuples(index=False), shown.itertuples(index=False)):
        with st.container(border=True, horizontal=True, vertical_alignment="center", gap="small"):
            overdue = ":orange[:material/warning:] " if pd.notna(row.not_contacted) and bool(row.not_contacted) else ""
            st.markdown(f"**{text.building} {text.unit_room}** {kit.plain(text.name, text.phone)}  \n"
                        f"{text.needs or tr('coverage.no_needs')} · {overdue}{text.last_contact}", width="stretch")
            if may_record and st.button(tr("coverage.record", kind=tr(f"coverage.kind.{kind}")),
                                        key=f"cov_rec_{volunteer_id}_{row.household_id}", icon=":material/check:",
                                        width="content"):
                try:
                    coverage.record_contact(page.con, user, volunteer_id, int(row.household_id), kind, page.now)
                    st.toast(tr("coverage.recorded", kind=tr(f"coverage.kind.{kind}"),
                                household=f"{text.building} {text.unit_room}"))
                    st.rerun()
                except CoverageError as error:
                    kit.fail(error)
    reveal(page, homes, "cov_list")
