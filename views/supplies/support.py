"""Support for those who struggle: the households needing care, one tap for a follow-up, referrals, the list.

Why a household needs care comes back from the domain only for roles that may know it; everyone else with the
page reads "needs care" and the follow-up duties. Sized for a grid worker's phone: one card per household.
"""

import streamlit as st

from resilient.core import roles
from resilient.coverage import support
from resilient.coverage.support import SupportError
from ui import figures, kit
from views.supplies import support_parts as parts

page = kit.page()
kit.require(page, "see_support")
tr, ntr, con, user = page.tr, page.ntr, page.con, page.user
scope, today = page.scope, page.today
settings = support.SupportSettings()

st.title(tr("support.title"))
kit.flashed()
kpi = support.kpis(con, scope, today, settings)
figures.show(page, ("support.kpi.open", kpi["open"]), ("support.kpi.referred", kpi["referred"]),
             ("support.kpi.followed_up", kpi["followed_up"], {"days": kpi["days"]}),
             ("support.kpi.not_followed_up", kpi["not_followed_up"], {"days": kpi["days"]}))


def why(row) -> str:
    """The reason for those who may know it, else the words every role may read."""
    kind = getattr(row, "kind", None)
    return tr(f"support.kind.{kind}") if isinstance(kind, str) else tr("support.needs_care")


def households_section() -> None:
    """One card per household with an open need: where, whom to ask for, the last follow-up, one tap to record."""
    rows = support.support_list(con, scope, user, today, kit.revealed(), settings=settings)
    if rows.empty:
        st.info(tr("support.none_open"))
        return
    only_due = st.toggle(tr("support.only_due"), value=False, key="support_only_due")
    shown = rows[rows["due"]] if only_due else rows
    if shown.empty:
        st.success(tr("support.none_due"))
        return
    may_follow = roles.may(user, "follow_up_support")
    if may_follow:
        left, right = st.columns(2)
        kind = left.segmented_control(tr("support.follow_up_kind"), list(support.FOLLOW_UP_KINDS), default="call",
                                      format_func=lambda k: tr(f"coverage.kind.{k}"), key="support_kind") or "call"
        outcome = right.segmented_control(tr("support.outcome"), list(support.OUTCOMES), default="steady",
                                          format_func=lambda o: tr(f"support.outcome.{o}"),
                                          key="support_outcome") or "steady"
        st.caption(tr("support.record_help"))
    paged = kit.pager(shown, "support_page")
    for row, place in zip(paged.itertuples(index=False), kit.flats(paged)):
        with st.container(border=True):
            top, button = st.columns([3, 1], vertical_alignment="center")
            due = f" · :orange[:material/warning: {tr('support.due')}]" if row.due else ""
            top.markdown(f"**{kit.plain(place)}** {kit.plain(row.name, row.phone)}  \n"
                         f"{why(row)} · {parts.follow_up_text(page, row.last_follow_up)}{due}")
            if getattr(row, "note", None) and isinstance(row.note, str):
                top.text(row.note)  # personal data: plain text, never markdown
            if may_follow and button.button(tr("support.record"), key=f"support_rec_{row.need_id}",
                                            icon=":material/check:", type="primary", width="stretch"):
                kit.attempt(lambda r=row: support.follow_up(con, user, int(r.need_id), kind, outcome, page.now),
                            tr("support.recorded", household=place), SupportError)
            parts.referral_line(page, row)
            if roles.may(user, "note_support"):
                parts.need_actions(page, row)
    kit.excel_button(parts.export_frame(page, shown, why), parts.export_headers(page), tr("support.file"),
                     "support_excel")
    kit.reveal_picker(page, shown, "support_reveal",
                      lambda r: f"{kit.flat(r.building, r.unit_no, r.room, short=True)} {r.name}")


sections = {"households": households_section}
if roles.may(user, "note_support"):
    sections["note"] = lambda: parts.note_section(page)
sections["referrals"] = lambda: parts.referrals_section(page)
sections[kit.section("support", sections)]()
