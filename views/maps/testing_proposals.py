"""The testing page's proposals (not a page): a grid worker proposes another site or a later start for a stairwell
of their cells and follows what became of it; the round's owner sees the pending ones with what each changes and
accepts (a new plan version) or declines them with a reason."""

from datetime import datetime

import pandas as pd
import streamlit as st

from resilient.testing import proposals
from resilient.testing import rounds as testing
from resilient.testing.rounds import TestingError
from ui import kit
from views.maps.testing_versions import when


def _shown(page: kit.Page, frame: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """A listing's rows with the stairwell, sites, times and states in the reader's words."""
    tr = page.tr
    site_names = dict(zip(sites["site_id"].astype(int), sites["name"]))
    return frame.assign(
        stairwell=frame["compound"].fillna("") + frame["building"].fillna("")
        + frame["unit_no"].map(lambda n: tr("unit.name", n=int(n))),
        old_site=frame["old_site_id"].map(lambda s: "" if pd.isna(s) else site_names.get(int(s), "")),
        new_site=frame["site_id"].map(lambda s: site_names.get(int(s), "")),
        old_start=frame["old_start"].map(lambda v: when(page, v)),
        new_start=frame["new_start"].map(lambda v: when(page, v)),
        proposed_at=frame["proposed_at"].map(lambda v: when(page, v)),
        change=frame["change"].map(lambda c: tr(f"testing.change.{c}")),
        status=frame["status"].map(lambda s: tr(f"testing.proposal_status.{s}")),
        note=frame["note"].fillna(""), reason=frame["reason"].fillna(""))


HEADERS = ("stairwell", "people", "change", "old_site", "new_site", "old_start", "new_start", "note")


def _headers(page: kit.Page, *more: str) -> dict[str, str]:
    tr = page.tr
    words = {"stairwell": tr("col.unit"), "people": tr("col.people"), "change": tr("testing.change"),
             "old_site": tr("testing.old_site"), "new_site": tr("testing.new_site"),
             "old_start": tr("testing.old_start"), "new_start": tr("testing.new_start"),
             "note": tr("testing.proposal_note"), "status": tr("testing.proposal_state"),
             "reason": tr("testing.decline_reason"), "proposed_by": tr("testing.version_by"),
             "proposed_at": tr("testing.version_at")}
    return {name: words[name] for name in (*more, *HEADERS)}


def propose(page: kit.Page, round_id: int, sites: pd.DataFrame, plan: pd.DataFrame) -> None:
    """A grid worker's form: one stairwell of their cells, a site, an earliest start, a note; then their own."""
    tr, con, user = page.tr, page.con, page.user
    names = testing.stairwell_names(con, page.scope)
    names = names[names["stairwell_id"].isin(plan["stairwell_id"])]
    labels = dict(zip(names["stairwell_id"].astype(int), names["compound"].fillna("") + names["building"]
                      + names["unit_no"].map(lambda n: tr("unit.name", n=int(n)))))
    if labels and not sites.empty:
        with st.expander(tr("testing.propose")), st.form("propose_change"):
            stairwell = kit.choose(tr("col.unit"), labels, "propose_stairwell")
            site = kit.choose(tr("testing.site"), dict(zip(sites["site_id"].astype(int), sites["name"])),
                              "propose_site", per_language=False)
            left, right = st.columns(2)
            day = left.date_input(tr("testing.propose_day"), value=page.today, key="propose_day")
            start = right.time_input(tr("testing.propose_start"), value=None, step=300, key="propose_start")
            note = st.text_input(tr("testing.proposal_note"), max_chars=proposals.NOTE_LIMIT, key="propose_note")
            if st.form_submit_button(tr("testing.propose_send")):
                kit.attempt(lambda: proposals.propose_change(
                    con, user, round_id, int(stairwell), int(site),
                    None if start is None else datetime.combine(day, start), note, now=page.now),
                    tr("testing.proposal_sent"), TestingError)
    kit.flashed()
    mine = proposals.listing(con, page.scope, round_id, proposed_by=user.username)
    if not mine.empty:
        st.subheader(tr("testing.my_proposals"))
        headers = _headers(page, "status", "reason", "proposed_at")
        kit.table(_shown(page, mine, sites)[list(headers)], headers)


def review(page: kit.Page, round_id: int, sites: pd.DataFrame) -> None:
    """The owner's pending proposals with what each changes; one chosen is accepted or declined."""
    tr, con, user = page.tr, page.con, page.user
    pending = proposals.listing(con, page.scope, round_id, status="pending")
    if pending.empty:
        return
    st.subheader(tr("testing.pending_proposals"))
    shown = _shown(page, pending, sites)
    headers = _headers(page, "proposed_by", "proposed_at")
    kit.table(shown[list(headers)], headers)
    labels = {int(p): f"#{p} · {s} · {by}" for p, s, by in
              zip(shown["proposal_id"], shown["stairwell"], shown["proposed_by"])}
    chosen = kit.choose(tr("testing.which_proposal"), labels, "proposal_id", per_language=False)
    reason = st.text_input(tr("testing.decline_reason"), max_chars=proposals.NOTE_LIMIT, key="decline_reason")
    left, right = st.columns(2)
    if left.button(tr("testing.accept_proposal"), type="primary", key="accept_proposal"):
        kit.attempt(lambda: proposals.accept(con, user, round_id, int(chosen), now=page.now),
                    tr("testing.proposal_accepted"), TestingError)
    if right.button(tr("testing.decline_proposal"), key="decline_proposal"):
        kit.attempt(lambda: proposals.decline(con, user, round_id, int(chosen), reason, now=page.now),
                    tr("testing.proposal_declined"), TestingError)
