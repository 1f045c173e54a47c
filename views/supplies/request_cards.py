"""One request as a card, shared by the requests page and the delivery list (views/supplies/requests.py,
deliveries.py): where, what, who and when as plain text, its history on expand, and the taps the viewer may
use. Not a page itself."""

import pandas as pd
import streamlit as st

from resilient.core import roles
from resilient.core.i18n import fmt_datetime
from resilient.core.scope import Scope
from resilient.supplies import requests as rq
from resilient.supplies.requests import RequestError
from ui import kit
from ui.session import ALL

# Refusal values that are status codes, said in words.
WORDS = {"status": "requests.status", "old": "requests.status", "new": "requests.status"}
WHY = ("not_home", "no_answer", "wrong_address", "out_of_stock", "refused", "other")
ICONS = {"on_the_way": ":material/directions_run:", "delivered": ":material/check_circle:",
         "failed": ":material/cancel:", "new": ":material/undo:"}


def scope_of(page: kit.Page) -> Scope:
    """The viewer's request scope (a 楼长's whole building, a volunteer's deliveries), narrowed by the sidebar."""
    community = st.session_state.get("chosen_community", ALL)
    grid = st.session_state.get("chosen_grid", ALL)
    within = Scope(None if community == ALL else (community,), None if grid == ALL else (grid,))
    return rq.request_scope(page.con, page.user, page.today, within)


def where(page: kit.Page, row) -> str:
    return kit.flat(row.building, row.unit_no, row.room, row.compound)


def headline(page: kit.Page, row) -> str:
    """The card's first line: flat, kind and status, for an expander label or a bold line (markdown-safe)."""
    tr = page.tr
    return kit.plain(f"{where(page, row)} · {tr(f'requests.kind.{row.kind}')} · {tr(f'requests.status.{row.status}')}")


def details(page: kit.Page, row) -> None:
    """What was asked for, by whom, who holds it: personal text through st.text only."""
    tr = page.tr
    if isinstance(row.name, str):
        st.text(tr("requests.for_whom", name=row.name))
    if isinstance(row.detail, str):
        st.text(row.detail)
    if row.kind == "medicine":
        if isinstance(row.prescription, str):
            st.text(tr("requests.prescription_is", text=row.prescription))
        else:
            st.warning(tr("requests.no_prescription"), icon=":material/medication:")
    holder = row.volunteer if isinstance(row.volunteer, str) else tr("requests.nobody_yet")
    st.text(tr("requests.who_when", who=holder, by=row.created_by,
               when=fmt_datetime(pd.Timestamp(row.created_at), page.lang)))
    if row.status == "failed" and isinstance(row.failed_reason, str):
        st.text(tr("requests.why_failed", why=row.failed_reason))


def steps(page: kit.Page, events: pd.DataFrame) -> None:
    tr = page.tr
    if events.empty:
        return
    shown = pd.DataFrame({
        "status": [tr(f"requests.status.{s}") for s in events["status"]],
        "volunteer": events["volunteer"].fillna(""), "note": events["note"].fillna(""),
        "when": [fmt_datetime(pd.Timestamp(t), page.lang) for t in events["event_at"]], "by": events["by_user"]})
    kit.table(shown, {"status": tr("requests.col.status"), "volunteer": tr("requests.col.volunteer"),
                      "note": tr("requests.col.note"), "when": tr("requests.col.when"), "by": tr("requests.col.by")},
              height=kit.height(len(shown), 8))


def taps(page: kit.Page, row, led: set[int], helpers: pd.DataFrame | None = None) -> None:
    """The status buttons this viewer may use on this request, each one write; failing asks why first."""
    tr, rid = page.tr, int(row.request_id)
    asking = f"req_why_{rid}"
    allowed = rq.next_statuses(page.user, row._asdict(), led)
    if st.session_state.get(asking) and "failed" in allowed:
        why(page, rid, asking)
        return
    with st.container(horizontal=True):
        for status in allowed:
            if st.button(tr(f"requests.to.{status}"), key=f"req_{status}_{rid}", icon=ICONS[status],
                         type="primary" if status == "delivered" else "secondary"):
                if status == "failed":
                    st.session_state[asking] = True
                    st.rerun()
                kit.attempt(lambda s=status: rq.advance(page.con, page.user, rid, s),
                            tr("requests.moved", status=tr(f"requests.status.{status}")), RequestError, words=WORDS)
        if rq.may_take(page.user, row._asdict()):
            if st.button(tr("requests.take"), key=f"req_take_{rid}", icon=":material/front_hand:"):
                kit.attempt(lambda: rq.assign(page.con, page.user, rid, page.user.volunteer_id),
                            tr("requests.taken"), RequestError, words=WORDS)
    if helpers is not None and roles.may(page.user, "assign_requests") and row.status in ("new", "assigned") \
            and not helpers.empty:
        names = {int(v): page.tr("requests.volunteer_holding", name=n, holding=h)
                 for v, n, h in zip(helpers["volunteer_id"], helpers["name"], helpers["holding"])}
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        chosen = kit.choose(tr("requests.assign_to"), names, f"req_assign_who_{rid}", where=left)
        if right.button(tr("requests.assign"), key=f"req_assign_{rid}"):
            kit.attempt(lambda: rq.assign(page.con, page.user, rid, int(chosen)),
                        tr("requests.assigned_to", name=names[chosen]), RequestError, words=WORDS)


def why(page: kit.Page, rid: int, asking: str) -> None:
    """Could not deliver: a short reason and a note, then one tap."""
    tr = page.tr
    code = st.segmented_control(tr("requests.why"), list(WHY), default="not_home", key=f"req_why_code_{rid}",
                                format_func=lambda c: tr(f"requests.why.{c}")) or "other"
    note = st.text_input(tr("requests.why_note"), key=f"req_why_note_{rid}", max_chars=rq.LONGEST_TEXT - 40)
    reason = tr(f"requests.why.{code}") + (f"：{note.strip()}" if note.strip() else "")
    with st.container(horizontal=True):
        if st.button(tr("requests.to.failed"), key=f"req_fail_{rid}", type="primary", icon=ICONS["failed"]):
            st.session_state.pop(asking, None)
            kit.attempt(lambda: rq.advance(page.con, page.user, rid, "failed", reason),
                        tr("requests.moved", status=tr("requests.status.failed")), RequestError, words=WORDS)
        if st.button(tr("requests.cancel"), key=f"req_fail_cancel_{rid}"):
            st.session_state.pop(asking, None)
            st.rerun()


def card(page: kit.Page, row, events: pd.DataFrame, led: set[int], helpers: pd.DataFrame | None = None) -> None:
    """A bordered card: the headline, the details, the taps; the history folded below."""
    with st.container(border=True):
        st.markdown(f"**{headline(page, row)}**")
        details(page, row)
        taps(page, row, led, helpers)
        with st.expander(page.tr("requests.history")):
            steps(page, events[events["request_id"] == row.request_id])
