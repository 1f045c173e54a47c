"""The testing page's planning (not a page): the owner's plan as a proposal to confirm, re-planned from now while
the round runs, and the kept versions with the previous one restorable."""

from datetime import datetime

import pandas as pd
import streamlit as st

from resilient.core.i18n import fmt_when
from resilient.testing import plans
from resilient.testing import rounds as testing
from resilient.testing.rounds import TestingError
from ui import figures, kit

PROPOSAL = "testing_proposal"


def planning(page: kit.Page, round_id: int, sites: pd.DataFrame, replan: bool, later: float = 0.0) -> None:
    """The owner's buttons: plan (or re-plan from now), the proposal's changes with confirm / discard, versions."""
    tr = page.tr
    label = tr("testing.replan") if replan else tr("testing.make_plan")
    if not sites.empty and st.button(label, type="primary", key="make_plan"):
        try:
            st.session_state[PROPOSAL] = plans.propose_plan(page.con, page.user, round_id, page.now, later)
        except TestingError as error:
            kit.fail(error)
    if replan:
        st.caption(tr("testing.replan_note", minutes=plans.CALL_AHEAD_MINUTES))
        change_site(page, round_id, sites)
    proposal = st.session_state.get(PROPOSAL)
    if proposal is not None and proposal.round_id == round_id:
        show_proposal(page, proposal, sites)
    kit.flashed()
    versions(page, round_id)


def change_site(page: kit.Page, round_id: int, sites: pd.DataFrame) -> None:
    """A site's desks and hours, changed while the round runs; the re-plan then takes them into account."""
    tr = page.tr
    with st.expander(tr("testing.change_site")), st.form("change_site"):
        names = dict(zip(sites["site_id"].astype(int), sites["name"]))
        site = kit.choose(tr("testing.site"), names, "change_site_id", per_language=False)
        row = sites.set_index("site_id").loc[site]
        left, middle, right = st.columns(3)
        desks = left.number_input(tr("testing.desks"), 1, 50, int(row["desks"]))
        opens = middle.time_input(tr("testing.opens_at"), value=None, step=300)
        closes = right.time_input(tr("testing.closes_at"), value=None, step=300)
        if st.form_submit_button(tr("testing.save_site")):
            day = page.today
            kit.attempt(lambda: plans.change_site(
                page.con, page.user, round_id, int(site), int(desks),
                None if opens is None else datetime.combine(day, opens),
                None if closes is None else datetime.combine(day, closes)), tr("testing.site_changed"), TestingError)


def when(page: kit.Page, value) -> str:
    return "" if value is None or pd.isna(value) else fmt_when(pd.Timestamp(value), page.today, page.lang)


def show_proposal(page: kit.Page, proposal: plans.Proposal, sites: pd.DataFrame) -> None:
    """What the plan would change, before anything is written."""
    tr, summary = page.tr, proposal.summary
    st.subheader(tr("testing.proposal"))
    figures.show(page, ("testing.proposal_kept", f"{summary['kept_groups']} / {summary['kept_people']}"),
                 *[(f"testing.proposal_{k}", summary[f"{k}_people"]) for k in ("moved", "retimed", "new", "dropped")])
    if proposal.plan is not None and not proposal.plan.batches.empty:
        st.caption(tr("testing.proposal_finish", finish=when(page, proposal.plan.finish),
                      bound=when(page, proposal.plan.lower_bound), wait=f"{proposal.plan.max_wait_minutes:.0f}"))
    changed = proposal.changes[~proposal.changes["status"].isin(["same", "kept"])]
    if not changed.empty:
        shown = plans.named_changes(changed, testing.stairwell_names(page.con, page.scope), sites)
        shown = shown.assign(
            stairwell=shown["compound"] + shown["building"] + shown["unit_no"].map(lambda n: tr("unit.name", n=n)),
            status=shown["status"].map(lambda s: tr(f"testing.change.{s}")),
            old_site=shown["old_site"].fillna(""), new_site=shown["new_site"].fillna(""),  # not "None"
            old_start=shown["old_start"].map(lambda v: when(page, v)),
            new_start=shown["new_start"].map(lambda v: when(page, v)))
        headers = {"stairwell": tr("col.unit"), "status": tr("testing.change"), "people": tr("col.people"),
                   "old_site": tr("testing.old_site"), "old_start": tr("testing.old_start"),
                   "new_site": tr("testing.new_site"), "new_start": tr("testing.new_start")}
        kit.table(shown[list(headers)], headers, height=kit.height(len(shown), 10))
    left, right = st.columns(2)
    if left.button(tr("testing.confirm_plan"), type="primary", key="confirm_plan"):
        try:
            version = plans.adopt(page.con, page.user, proposal)
        except TestingError as error:
            st.session_state.pop(PROPOSAL, None)
            kit.fail(error)
            return
        st.session_state.pop(PROPOSAL, None)
        kit.flash(tr("testing.plan_saved", version=version, groups=summary["groups"], people=summary["people"]))
    if right.button(tr("testing.discard_plan"), key="discard_plan"):
        st.session_state.pop(PROPOSAL, None)
        st.rerun()


def versions(page: kit.Page, round_id: int) -> None:
    """Every written plan with who and when; any earlier one comes back as a proposal to confirm."""
    tr = page.tr
    kept = plans.versions(page.con, round_id)
    if kept.empty:
        return
    with st.expander(tr("testing.versions")):
        shown = kept.assign(kind=kept["kind"].map(lambda k: tr(f"testing.version.{k}")),
                            created_at=kept["created_at"].map(lambda v: when(page, v)),
                            current=kept["current"].map(lambda c: "✓" if c else ""))
        headers = {"version_id": tr("testing.version"), "kind": tr("testing.version_kind"),
                   "created_by": tr("testing.version_by"), "created_at": tr("testing.version_at"),
                   "groups": tr("testing.groups"), "people": tr("col.people"), "current": tr("testing.current")}
        kit.table(shown[list(headers)], headers)
        earlier = kept[~kept["current"]]
        if earlier.empty:
            return
        labels = {int(v): f"#{v} · {when(page, t)} · {by}" for v, t, by in
                  zip(earlier["version_id"], earlier["created_at"], earlier["created_by"])}
        chosen = kit.choose(tr("testing.restore_which"), labels, "restore_version", per_language=False)
        if st.button(tr("testing.restore"), key="restore_plan"):
            try:
                st.session_state[PROPOSAL] = plans.propose_restore(page.con, page.user, round_id, int(chosen))
                st.rerun()
            except TestingError as error:
                kit.fail(error)
