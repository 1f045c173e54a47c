"""物资需求: what sealed households ask for, entered on a phone in two taps per flat (or from a sheet), the day's
requests with their status and history, and the overdue ones first for the grid worker and the building leader."""

import pandas as pd
import streamlit as st

from resilient.core import roles
from resilient.imports.sheets import REQUEST_FIELDS
from resilient.places import places
from resilient.supplies import requests as rq
from resilient.supplies.requests import RequestError
from ui import figures, kit
from views.data import imports_sheets
from views.supplies import request_cards

page = kit.page()
kit.require(page, "request_supplies")
tr, ntr, con, user = page.tr, page.ntr, page.con, page.user
today, now = page.today, page.now
st.title(tr("requests.title"))
kit.flashed()
scope = request_cards.scope_of(page)
led = rq.led_households(con, user, today)
settings = rq.RequestSettings()
FORM = "req_form"   # the version counter of the entry's widgets: a saved request clears the flat chosen

# Raised to the grid worker (their cells) and the building leader (their building): shown before anything else.
if roles.may(user, "assign_requests") or led:
    late = rq.overdue(con, scope, now, settings)
    if not late.empty:
        st.warning(ntr("requests.overdue_count", len(late), hours=f"{settings.overdue_hours:g}"),
                   icon=":material/alarm:")
        shown = pd.DataFrame({
            "flat": kit.flats(late), "kind": [tr(f"requests.kind.{k}") for k in late["kind"]],
            "age": [ntr("requests.hours", int(h)) for h in late["age_hours"]],
            "holder": late["volunteer"].fillna(tr("requests.nobody_yet")),
            "leader": late["leader"].fillna(""), "grid_worker": late["grid_worker"].fillna("")})
        kit.table(shown, {"flat": tr("requests.col.flat"), "kind": tr("requests.col.kind"),
                          "age": tr("requests.col.age"), "holder": tr("requests.col.volunteer"),
                          "leader": tr("requests.col.leader"), "grid_worker": tr("requests.col.grid_worker")},
                  tr("requests.overdue_file"), "req_overdue_excel", height=kit.height(len(shown), 8))

counts = rq.kpis(con, scope, today, now, settings)
figures.show(page, ("requests.kpi.new", counts["new"]), ("requests.kpi.delivered", counts["delivered"]),
             ("requests.kpi.overdue", counts["overdue"]), ("requests.kpi.failed", counts["failed"]))


def save(household_id: int, kind: str, detail: str, prescription: str | None = None) -> None:
    kit.attempt(lambda: rq.create(con, user, household_id, kind, detail, prescription),
                tr("requests.saved", kind=tr(f"requests.kind.{kind}")), RequestError, renew=FORM)


def kind_buttons(household_id: int, detail: str) -> None:
    """One tap saves the request; medicine first asks for the prescription."""
    version = kit.version(FORM)
    asking = f"req_rx_{version}"
    if st.session_state.get(asking):
        prescription = st.text_area(tr("requests.prescription"), key=f"req_rx_text_{version}",
                                    placeholder=tr("requests.prescription_hint"), max_chars=rq.LONGEST_TEXT)
        if not prescription.strip():
            st.caption(tr("requests.prescription_missing"))
        if st.button(tr("requests.save_medicine"), key=f"req_rx_save_{version}", type="primary",
                     icon=":material/medication:"):
            save(household_id, "medicine", detail, prescription)
        return
    with st.container(horizontal=True):
        for kind in rq.KINDS:
            if st.button(tr(f"requests.kind.{kind}"), key=f"req_kind_{kind}_{version}", type="primary"):
                if kind == "medicine":
                    st.session_state[asking] = True
                    st.rerun()
                save(household_id, kind, detail)


def entry() -> None:
    """Building, stairwell, then the flats as big buttons; a flat and a kind make the request."""
    buildings = places.buildings(con, scope)
    if buildings.empty:
        st.info(tr("requests.no_buildings"))
        return
    names = dict(zip(buildings["building_id"].astype(int), buildings["compound"] + buildings["name"]))
    building = kit.choose(tr("col.building"), names, "req_building")
    units = places.stairwells(con, scope, building)
    stairwell = None
    if len(units) > 1:
        unit_names = {int(s): tr("unit.name", n=u) for s, u in zip(units["stairwell_id"], units["unit_no"])}
        stairwell = st.segmented_control(tr("col.unit"), list(unit_names), format_func=unit_names.get,
                                         default=next(iter(unit_names)), key=kit.widget_key("req_unit"))
    homes = rq.flats(con, scope, building, stairwell)
    if homes.empty:
        st.info(tr("requests.no_flats"))
        return
    rooms = {int(h): (tr("requests.flat_open", room=r, count=n) if n else str(r))
             for h, r, n in zip(homes["household_id"], homes["room"], homes["open_requests"])}
    household = st.pills(tr("requests.flat"), list(rooms), format_func=rooms.get,
                         key=f"req_flat_{building}_{stairwell}_{kit.version(FORM)}")
    if household is None:
        st.caption(tr("requests.tap_flat"))
        return
    label = rq.flat_label(con, scope, household, today)
    st.text(tr("requests.chosen", flat=kit.flat(label["building"], label["unit_no"], label["room"],
                                                label["compound"]), name=label["name"] or ""))
    detail = st.text_input(tr("requests.detail"), key=f"req_detail_{kit.version(FORM)}",
                           placeholder=tr("requests.detail_hint"), max_chars=rq.LONGEST_TEXT)
    kind_buttons(household, detail)


def done(counts: dict) -> None:
    st.success(ntr("requests.imported", counts["created"]))


st.subheader(tr("requests.enter"))
entry()
with st.expander(tr("requests.sheet"), icon=":material/upload_file:"):
    imports_sheets.sheet_import(page, imports_sheets.Sheet("request", REQUEST_FIELDS, rq.validate_sheet,
                                                           rq.commit_sheet), community=lambda: None, done=done)

st.subheader(tr("requests.today"))
listed = rq.listing(con, scope, today, now)
if listed.empty:
    st.info(tr("requests.none_today"))
else:
    events = rq.history(con, scope, listed["request_id"])
    helpers = rq.volunteers(con, scope, user) if roles.may(user, "assign_requests") else None
    for row in kit.pager(listed, "req_list", 20).itertuples(index=False):
        request_cards.card(page, row, events, led, helpers)
