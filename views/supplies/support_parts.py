"""Parts of the support page (views/supplies/support.py): a card's referral and closing, noting a need by hand
or from what the data suggests, the referral list and its editor, and the export of the cards.

Not a page itself: the page imports it and passes its run's kit.Page.
"""

import pandas as pd
import streamlit as st

from resilient.core import roles
from resilient.coverage import support
from resilient.coverage.support import SupportError
from resilient.places import places
from ui import kit
from views.maps.coverage_lists import last_contact_text


def follow_up_text(page: kit.Page, when) -> str:
    """When the household was last followed up, or that it never was."""
    return page.tr("support.never") if when is None or pd.isna(when) else last_contact_text(page, when)


def referral_line(page: kit.Page, row) -> None:
    """When the household was referred, and to whom for those who may know it (plain text: the list's words)."""
    if pd.isna(row.referred_at):
        return
    to = getattr(row, "referral", None)
    words = page.tr("support.referred_on", when=last_contact_text(page, row.referred_at))
    st.text(f"{words} {to} {getattr(row, 'referral_phone', '') or ''}".strip() if isinstance(to, str) else words)


def need_actions(page: kit.Page, row) -> None:
    """Refer the need to one of the list, or close it: for those who note needs, folded under the card."""
    tr = page.tr
    with st.expander(tr("support.more")):
        listed = support.referrals(page.con, page.scope)
        listed = listed[listed["community_id"] == row.community_id]
        if listed.empty:
            st.info(tr("support.no_referrals"))
        else:
            names = {int(r.referral_id): f"{r.name}（{tr(f'support.referral_kind.{r.kind}')}）"
                     for r in listed.itertuples()}
            chosen = kit.choose(tr("support.refer_to"), names, f"support_to_{row.need_id}")
            if st.button(tr("support.refer"), key=f"support_refer_{row.need_id}", width="stretch"):
                kit.attempt(lambda: support.refer(page.con, page.user, int(row.need_id), int(chosen), page.now),
                            tr("support.referred"), SupportError)
        if st.button(tr("support.close"), key=f"support_close_{row.need_id}", width="stretch"):
            kit.attempt(lambda: support.close_need(page.con, page.user, int(row.need_id), page.now),
                        tr("support.closed"), SupportError)


def note_section(page: kit.Page) -> None:
    """Note a need: one tap on what the data suggests, or by hand for a flat chosen by building and room."""
    tr = page.tr
    found = support.derived_needs(page.con, page.scope, page.today)
    st.subheader(tr("support.suggested"))
    if found.empty:
        st.info(tr("support.none_suggested"))
    else:
        st.caption(tr("support.suggested_help"))
        for row, place in zip(found.itertuples(index=False), kit.flats(found)):
            left, right = st.columns([3, 1], vertical_alignment="center")
            left.markdown(f"**{kit.plain(place)}** · {tr(f'support.kind.{row.kind}')}")
            if right.button(tr("support.note"), key=f"support_derived_{row.household_id}_{row.kind}",
                            width="stretch"):
                kit.attempt(lambda r=row: support.note_need(page.con, page.user, int(r.household_id), r.kind,
                                                            at=page.now), tr("support.noted"), SupportError)
    st.subheader(tr("support.by_hand"))
    buildings = places.buildings(page.con, page.scope)
    if buildings.empty:
        st.info(tr("overview.no_buildings"))
        return
    names = dict(zip(buildings["building_id"], buildings["compound"] + buildings["name"]))
    building = kit.choose(tr("col.building"), names, "support_building")
    flats = support.flats(page.con, page.scope, building)
    if flats.empty:
        st.info(tr("support.no_flats"))
        return
    rooms = {int(r.household_id): tr("coverage.unit_room", unit=r.unit_no, room=r.room) for r in flats.itertuples()}
    with st.form("support_note", clear_on_submit=True):
        household = kit.choose(tr("support.flat"), rooms, "support_flat")
        kind = st.radio(tr("support.kind"), list(support.KINDS), format_func=lambda k: tr(f"support.kind.{k}"))
        note = st.text_area(tr("support.note_text"), max_chars=support.NOTE_CHARS, help=tr("support.note_help"))
        if st.form_submit_button(tr("support.note"), type="primary"):
            kit.attempt(lambda: support.note_need(page.con, page.user, int(household), kind, note, page.now),
                        tr("support.noted"), SupportError)


def referrals_section(page: kit.Page) -> None:
    """The community's referral list; a leader adds and changes entries."""
    tr = page.tr
    editor = roles.may(page.user, "manage_referrals")
    listed = support.referrals(page.con, page.scope, everything=editor)
    if listed.empty:
        st.info(tr("support.no_referrals"))
    else:
        shown = pd.DataFrame({"name": listed["name"],
                              "kind": listed["kind"].map(lambda k: tr(f"support.referral_kind.{k}")),
                              "phone": listed["phone"].fillna(""), "hours": listed["hours"].fillna(""),
                              "note": listed["note"].fillna(""), "active": listed["active"].astype(bool)})
        kit.table(shown, {c: tr(f"support.col.{c}") for c in shown.columns})
    if not editor:
        return
    community = kit.chosen_community(page)
    if community is None:
        return
    entries = {0: tr("support.new_referral"), **{int(r.referral_id): r.name for r in listed.itertuples()
                                                 if r.community_id == community}}
    chosen = kit.choose(tr("support.edit_referral"), entries, "support_entry")
    old = listed.set_index("referral_id").loc[chosen] if chosen else None
    with st.form(f"support_referral_{chosen}"):
        name = st.text_input(tr("support.col.name"), value="" if old is None else old["name"])
        kinds = list(support.REFERRAL_KINDS)
        kind = st.selectbox(tr("support.col.kind"), kinds, index=0 if old is None else kinds.index(old["kind"]),
                            format_func=lambda k: tr(f"support.referral_kind.{k}"))
        phone = st.text_input(tr("support.col.phone"), value="" if old is None else old["phone"] or "")
        hours = st.text_input(tr("support.col.hours"), value="" if old is None else old["hours"] or "")
        note = st.text_input(tr("support.col.note"), value="" if old is None else old["note"] or "")
        active = st.checkbox(tr("support.col.active"), value=True if old is None else bool(old["active"]))
        if st.form_submit_button(tr("support.save_referral"), type="primary"):
            kit.attempt(lambda: support.save_referral(page.con, page.user, community, name, kind, phone, hours, note,
                                                      active, chosen or None), tr("support.referral_saved"),
                        SupportError)


def export_frame(page: kit.Page, rows: pd.DataFrame, why) -> pd.DataFrame:
    """The cards as a table to download: what each reader's cards show, nothing more."""
    return pd.DataFrame({"household": kit.flats(rows), "name": rows["name"].fillna(""),
                         "phone": rows["phone"].fillna(""), "need": [why(r) for r in rows.itertuples()],
                         "last_follow_up": rows["last_follow_up"].map(lambda w: follow_up_text(page, w)),
                         "due": rows["due"].map(lambda d: page.tr("support.due") if d else "")})


def export_headers(page: kit.Page) -> dict[str, str]:
    tr = page.tr
    return {"household": tr("support.col.household"), "name": tr("col.name"), "phone": tr("col.phone"),
            **{c: tr(f"support.col.{c}") for c in ("need", "last_follow_up", "due")}}
