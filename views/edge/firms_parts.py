"""The firms page's parts (not a page): one firm as a card with its actions as big buttons and short forms
(file for reopening, approve or refuse, reopened, pledge, notice, follow-up, place it), and the form for a new firm."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from resilient.core.i18n import fmt_date
from resilient.edge import firms
from resilient.edge.firms import FirmError, NewFirm
from resilient.places import places as place_lists
from ui import kit

ACTION = "firms_action"        # (firm_id, action) of the form open below the card
FIELDS = {"field": "firms.field"}


def words(page: kit.Page) -> dict[str, str]:
    """Each kind and each state in the reader's words."""
    return {**{k: page.tr(f"firms.kind.{k}") for k in firms.KINDS},
            **{s: page.tr(f"firms.state.{s}") for s in firms.STATES}}


def places(frame: pd.DataFrame) -> list[str]:
    """Where each firm stands as said: its compound and building, a point, or nothing yet."""
    tr = kit._tr()
    return [f"{c or ''}{b}" if isinstance(b, str) else (tr("firms.at_point") if pd.notna(x) else tr("firms.no_place"))
            for c, b, x in zip(frame["compound"], frame["building"], frame["lon"])]


def firm_card(page: kit.Page, firm: pd.Series) -> None:
    tr, lang = page.tr, page.lang
    firm_id = int(firm["firm_id"])
    said = words(page)
    box = st.container(border=True)
    lines = [str(firm["name"]), f"{said[firm['kind']]} · {places(firm.to_frame().T)[0]}",
             " ".join(str(v) for v in (firm["contact_name"], firm["contact_phone"]) if v)]
    if pd.notna(firm["staff"]):
        lines.append(tr("firms.staff_line", n=int(firm["staff"])))
    box.text("\n".join(line for line in lines if line))
    box.markdown(f"**{said[firm['state']]}**")
    if isinstance(firm["filing_status"], str):
        box.caption(tr("firms.filed_line", day=fmt_date(firm["filed_on"], lang)))
    if firm["filing_status"] == "refused":
        box.text(tr("firms.refused_why", why=firm["refused_why"]))
    box.caption(tr("firms.pledge_line", day=fmt_date(firm["pledge_on"], lang)) if pd.notna(firm["pledge_on"])
                else tr("firms.no_pledge"))
    if pd.isna(firm["lon"]):
        st.warning(tr("firms.place_missing"), icon=":material/location_off:")
    actions = _actions(firm)
    for action in actions:
        if st.button(tr(f"firms.action.{action}"), key=f"firms_do_{action}", width="stretch",
                     type="primary" if action == actions[0] else "secondary"):
            st.session_state[ACTION] = (firm_id, action)
    kept = st.session_state.get(ACTION)
    if kept and kept[0] == firm_id and kept[1] in actions:
        FORMS[kept[1]](page, firm_id)


def _actions(firm: pd.Series) -> list[str]:
    """What can be done with the firm now, the most likely first."""
    status = firm["filing_status"]
    moves = {"filed": ["approve", "refuse"], "approved": ["reopened"]}.get(status, [] if status == "reopened"
                                                                           else ["file"])
    follow = ["follow_up"] if int(firm["open_notices"]) else []
    place = ["place"] if pd.isna(firm["lon"]) else []
    return follow + moves + ["pledge", "notice"] + place


def _day(page: kit.Page, key: str, label: str = "firms.on"):
    return st.date_input(page.tr(label), value=page.today, max_value=page.today, key=key, format="YYYY-MM-DD")


def _submit(page: kit.Page, label: str) -> bool:
    return st.form_submit_button(page.tr(label), type="primary", width="stretch")


def _file(page, firm_id):
    with st.form("firms_file_form"):
        day = _day(page, "firms_file_day")
        if _submit(page, "firms.action.file"):
            kit.attempt(lambda: firms.file_reopening(page.con, page.user, firm_id, day, page.now),
                        page.tr("firms.done.file"), FirmError, words=FIELDS)


def _approve(page, firm_id):
    with st.form("firms_approve_form"):
        day = _day(page, "firms_approve_day")
        if _submit(page, "firms.action.approve"):
            kit.attempt(lambda: firms.decide(page.con, page.user, firm_id, True, decided_on=day, now=page.now),
                        page.tr("firms.done.approve"), FirmError, words=FIELDS)


def _refuse(page, firm_id):
    with st.form("firms_refuse_form"):
        why = st.text_input(page.tr("firms.field.why"), key="firms_refuse_why")
        day = _day(page, "firms_refuse_day")
        if _submit(page, "firms.action.refuse"):
            kit.attempt(lambda: firms.decide(page.con, page.user, firm_id, False, why, day, page.now),
                        page.tr("firms.done.refuse"), FirmError, words=FIELDS)


def _reopened(page, firm_id):
    with st.form("firms_reopened_form"):
        day = _day(page, "firms_reopened_day")
        if _submit(page, "firms.action.reopened"):
            kit.attempt(lambda: firms.mark_reopened(page.con, page.user, firm_id, day, page.now),
                        page.tr("firms.done.reopened"), FirmError, words=FIELDS)


def _pledge(page, firm_id):
    with st.form("firms_pledge_form", clear_on_submit=True):
        signer = st.text_input(page.tr("firms.field.signed_by"), key="firms_pledge_by")
        day = _day(page, "firms_pledge_day")
        if _submit(page, "firms.action.pledge"):
            kit.attempt(lambda: firms.sign_pledge(page.con, page.user, firm_id, signer, day, page.now),
                        page.tr("firms.done.pledge"), FirmError, words=FIELDS)


def _notice(page, firm_id):
    with st.form("firms_notice_form", clear_on_submit=True):
        what = st.text_area(page.tr("firms.field.what"), key="firms_notice_what", height=80)
        deadline = st.date_input(page.tr("firms.deadline"), value=page.today + timedelta(days=7),
                                 min_value=page.today, key="firms_notice_deadline", format="YYYY-MM-DD")
        if _submit(page, "firms.action.notice"):
            kit.attempt(lambda: firms.issue_notice(page.con, page.user, firm_id, what, deadline, now=page.now),
                        page.tr("firms.done.notice"), FirmError, words=FIELDS)


def _follow_up(page, firm_id):
    tr, lang = page.tr, page.lang
    open_ = firms.notices(page.con, page.scope, page.today, firm_id)
    open_ = open_[open_["open"].astype(bool)]
    if open_.empty:
        st.info(tr("firms.no_open_notice"))
        return
    labels = {int(n.notice_id): tr("firms.notice_label", what=kit.plain(n.what), day=fmt_date(n.deadline, lang))
              for n in open_.itertuples()}
    with st.form("firms_follow_form", clear_on_submit=True):
        notice = kit.choose(tr("firms.notice"), labels, "firms_follow_notice", per_language=False)
        fixed = st.toggle(tr("firms.fixed"), key="firms_follow_fixed")
        note = st.text_input(tr("firms.field.note"), key="firms_follow_note")
        day = _day(page, "firms_follow_day")
        if _submit(page, "firms.action.follow_up"):
            kit.attempt(lambda: firms.follow_up(page.con, page.user, notice, fixed, note, day, page.now),
                        tr("firms.done.follow_up"), FirmError, words=FIELDS)


def _place(page, firm_id):
    tr = page.tr
    buildings = place_lists.buildings(page.con, page.scope)
    labels = dict(zip(buildings["building_id"].astype(int), (buildings["compound"] + buildings["name"]).map(kit.plain)))
    with st.form("firms_place_form"):
        building = kit.choose(tr("firms.building"), labels, "firms_place_building", per_language=False, index=None,
                              placeholder=tr("firms.building_hint"))
        left, right = st.columns(2)
        lon = left.number_input(tr("firms.lon"), value=None, format="%.6f", key="firms_place_lon")
        lat = right.number_input(tr("firms.lat"), value=None, format="%.6f", key="firms_place_lat")
        if _submit(page, "firms.action.place"):
            kit.attempt(lambda: firms.set_place(page.con, page.user, firm_id, building, lon, lat, page.now),
                        tr("firms.done.place"), FirmError, words=FIELDS)


FORMS = {"file": _file, "approve": _approve, "refuse": _refuse, "reopened": _reopened, "pledge": _pledge,
         "notice": _notice, "follow_up": _follow_up, "place": _place}


def add_form(page: kit.Page) -> None:
    """A new firm: name and kind, then a building of the community or a point (or neither yet), contact, staff."""
    tr = page.tr
    community = kit.pick_community(page, "firms_add_community")
    if community is None:
        st.info(tr("firms.no_community"))
        return
    buildings = place_lists.buildings(page.con, page.scope)
    labels = dict(zip(buildings["building_id"].astype(int), (buildings["compound"] + buildings["name"]).map(kit.plain)))
    with st.form("firms_add_form", clear_on_submit=True):
        name = st.text_input(tr("firms.field.name"), key="firms_add_name")
        kind = kit.choose(tr("firms.col.kind"), {k: tr(f"firms.kind.{k}") for k in firms.KINDS}, "firms_add_kind")
        building = kit.choose(tr("firms.building"), labels, "firms_add_building", per_language=False, index=None,
                              placeholder=tr("firms.building_hint"))
        left, right = st.columns(2)
        lon = left.number_input(tr("firms.lon"), value=None, format="%.6f", key="firms_add_lon")
        lat = right.number_input(tr("firms.lat"), value=None, format="%.6f", key="firms_add_lat")
        contact = left.text_input(tr("firms.field.contact"), key="firms_add_contact")
        phone = right.text_input(tr("firms.col.phone"), key="firms_add_phone")
        staff = st.number_input(tr("firms.col.staff"), min_value=0, value=None, step=1, key="firms_add_staff")
        if _submit(page, "firms.add_button"):
            firm = NewFirm(community, name, kind, building, lon, lat, contact, phone,
                           None if staff is None else int(staff))
            kit.attempt(lambda: firms.add_firm(page.con, page.user, firm, page.now),
                        tr("firms.done.add", name=kit.plain(name.strip())), FirmError, words=FIELDS)
