"""A grid worker's proposals for the round's plan: one stairwell of their own cells to another site and/or a later
start, with a note. Only the round's owner writes the plan, so a proposal waits until the owner accepts it (a new
plan version with every other group as it is) or declines it (the reason kept). A stairwell already called down
or sampled is refused both ways: its people are already on their way or done.
"""

from datetime import datetime

import duckdb
import pandas as pd

from resilient.core import audit, queries, roles
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.testing import planner, plans
from resilient.testing.rounds import (
    TestingError,
    _now,
    _round,
    batches_frame,
    retrying,
    sites_frame,
    stairwell_load,
)

STATUSES = ("pending", "accepted", "declined")
NOTE_LIMIT = 500


def _touched(con: duckdb.DuckDBPyConnection, scope: Scope, round_id: int, current: pd.DataFrame,
             stairwell_id: int, now: datetime) -> None:
    """Refused when the stairwell's first group is called down already or someone of it gave a swab."""
    mine = current[current["stairwell_id"] == stairwell_id]
    ahead = pd.Timestamp(now) + pd.Timedelta(minutes=plans.CALL_AHEAD_MINUTES)
    sampled = {int(r[0]) for r in queries.fetch_all(con, "plans_sampled_stairwells", **scope.params(),
                                                       round_id=round_id)}
    if stairwell_id in sampled or (mine["slot_start"] < ahead).any():
        raise TestingError("testing.error.proposal_touched", minutes=plans.CALL_AHEAD_MINUTES)


def changed_batches(current: pd.DataFrame, stairwell_id: int, site_id: int, earliest_start: datetime | None,
                    walk_m: float) -> pd.DataFrame:
    """The plan with one stairwell's groups at `site_id`, shifted so the first starts at `earliest_start` (their
    spacing kept); every other group as it is."""
    mine = current["stairwell_id"] == stairwell_id
    rows = current[mine].copy()
    if earliest_start is not None and not rows.empty:
        shift = pd.Timestamp(earliest_start) - rows["slot_start"].min()
        rows["slot_start"] = rows["slot_start"] + shift
        rows["slot_end"] = rows["slot_end"] + shift
    rows["site_id"] = int(site_id)
    rows["walk_m"] = float(walk_m)
    return plans._groups(pd.concat([current[~mine], rows], ignore_index=True))


def _walk(load: pd.DataFrame, sites: pd.DataFrame, stairwell_id: int, site_id: int) -> float:
    stairwell = load[load["stairwell_id"] == stairwell_id]
    site = sites[sites["site_id"] == site_id]
    if stairwell.empty or site.empty or stairwell[["lon", "lat"]].isna().any(axis=None):
        return float("nan")
    return round(float(planner.distance_matrix(stairwell, site)[0, 0]), 1)


def propose_change(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, stairwell_id: int, site_id: int,
                   earliest_start: datetime | None = None, note: str = "", now: datetime | None = None) -> int:
    """A grid worker's proposal, stored pending with its audit row; only for a stairwell of their cells that the
    plan holds and nobody has called down or sampled yet."""
    roles.need(actor, "propose_plan_change", TestingError("testing.error.propose_role"))
    _round(con, round_id)
    now = now or _now()
    scope = roles.scope_for(con, actor, now.date())
    stairwell_id, site_id = int(stairwell_id), int(site_id)
    if stairwell_id not in set(stairwell_load(con, scope, round_id, now.date())["stairwell_id"].astype(int)):
        raise TestingError("testing.error.proposal_not_yours", stairwell_id=stairwell_id)
    current = plans._groups(batches_frame(con, round_id))
    mine = current[current["stairwell_id"] == stairwell_id]
    if mine.empty:
        raise TestingError("testing.error.proposal_unplanned")
    if site_id not in set(sites_frame(con, round_id)["site_id"].astype(int)):
        raise TestingError("testing.error.unknown_site", site_id=site_id)
    if earliest_start is not None and earliest_start < now:
        raise TestingError("testing.error.start_past", start=earliest_start, now=now)
    same_site = set(mine["site_id"].astype(int)) == {site_id}
    if same_site and (earliest_start is None or pd.Timestamp(earliest_start) == mine["slot_start"].min()):
        raise TestingError("testing.error.proposal_nothing")
    _touched(con, scope, round_id, current, stairwell_id, now)
    note = (note or "").strip()[:NOTE_LIMIT]

    def work():
        proposal_id = int(queries.fetch_all(con, "proposals_insert", round_id=round_id, stairwell_id=stairwell_id,
                                            site_id=site_id, earliest_start=earliest_start, note=note or None,
                                            proposed_by=actor.username, proposed_at=now)[0][0])
        audit.record(con, actor, "testing_plan_proposed", f"plan_proposal:{proposal_id}",
                     new={"round_id": round_id, "stairwell_id": stairwell_id, "site_id": site_id,
                          "earliest_start": earliest_start, "note": note})
        return proposal_id
    return retrying(con, work)


def listing(con: duckdb.DuckDBPyConnection, scope: Scope, round_id: int, proposed_by: str | None = None,
            status: str | None = None) -> pd.DataFrame:
    """The round's proposals the viewer may see (a grid worker: `proposed_by` themselves), newest first, each with
    what it changes against the current plan: its people, site and first slot before and after, and whether its
    people move to another site ("moved") or only get another slot ("retimed")."""
    frame = queries.fetch_df(con, "proposals_of_round", **scope.params(), round_id=round_id,
                             proposed_by=proposed_by)
    if status is not None:
        frame = frame[frame["status"] == status].reset_index(drop=True)
    current = plans._groups(batches_frame(con, round_id))
    first = current.sort_values("slot_start").groupby("stairwell_id").agg(
        people=("people", "sum"), old_site_id=("site_id", "first"), old_start=("slot_start", "min"))
    frame = frame.join(first, on="stairwell_id")
    frame["people"] = frame["people"].fillna(0).astype(int)
    frame["new_start"] = frame["earliest_start"].where(frame["earliest_start"].notna(), frame["old_start"])
    moved = frame["old_site_id"].notna() & (frame["old_site_id"] != frame["site_id"])
    frame["change"] = "same"
    frame.loc[frame["new_start"] != frame["old_start"], "change"] = "retimed"
    frame.loc[moved, "change"] = "moved"
    return frame


def _pending(con: duckdb.DuckDBPyConnection, round_id: int, proposal_id: int) -> dict:
    frame = queries.fetch_df(con, "proposals_one", round_id=round_id, proposal_id=int(proposal_id))
    if frame.empty:
        raise TestingError("testing.error.unknown_proposal", proposal_id=proposal_id)
    row = frame.iloc[0].to_dict()
    if row["status"] != "pending":
        raise TestingError("testing.error.proposal_decided", proposal_id=proposal_id)
    return row


def preview(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, proposal_id: int,
            now: datetime | None = None) -> plans.Proposal:
    """The plan the proposal would make, against the current one, before the owner accepts it."""
    rnd = _round(con, round_id)
    now = now or _now()
    scope = plans._owner(con, actor, rnd, now.date())
    row = _pending(con, round_id, proposal_id)
    stairwell_id = int(row["stairwell_id"])
    current = plans._groups(batches_frame(con, round_id))
    _touched(con, scope, round_id, current, stairwell_id, now)
    start = None if pd.isna(row["earliest_start"]) else pd.Timestamp(row["earliest_start"]).to_pydatetime()
    walk = _walk(stairwell_load(con, scope, round_id, now.date()), sites_frame(con, round_id), stairwell_id,
                 int(row["site_id"]))
    batches = changed_batches(current, stairwell_id, int(row["site_id"]), start, walk)
    changes, summary = plans.compare(current, batches, set())
    return plans.Proposal(round_id, plans.current_version(con, round_id), batches, changes, summary, kind="manual")


def accept(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, proposal_id: int,
           now: datetime | None = None) -> int:
    """The owner accepts: the proposal becomes a new plan version and is marked accepted with it, in one
    transaction; refused when its stairwell was called down or sampled meanwhile. Returns the version."""
    now = now or _now()
    proposal = preview(con, actor, round_id, proposal_id, now)

    def then(version_id: int) -> None:
        _decide(con, actor, round_id, proposal_id, now, "accepted", version_id=version_id)
        audit.record(con, actor, "testing_proposal_accepted", f"plan_proposal:{proposal_id}",
                     old={"status": "pending"}, new={"status": "accepted", "version": version_id})
    return plans._write(con, actor, round_id, proposal.batches, proposal.kind, None, proposal.summary,
                        proposal.base_version, then=then)


def decline(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, proposal_id: int, reason: str,
            now: datetime | None = None) -> None:
    """The owner declines, with the reason the grid worker then reads; audited."""
    rnd = _round(con, round_id)
    now = now or _now()
    plans._owner(con, actor, rnd, now.date())
    reason = (reason or "").strip()[:NOTE_LIMIT]
    if not reason:
        raise TestingError("testing.error.decline_reason")
    _pending(con, round_id, proposal_id)

    def work():
        _decide(con, actor, round_id, proposal_id, now, "declined", reason=reason)
        audit.record(con, actor, "testing_proposal_declined", f"plan_proposal:{proposal_id}",
                     old={"status": "pending"}, new={"status": "declined", "reason": reason})
    retrying(con, work)


def _decide(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, proposal_id: int, now: datetime,
            status: str, *, reason: str | None = None, version_id: int | None = None) -> None:
    """Mark a pending proposal decided (the caller writes the audit row); one decided meanwhile is refused."""
    if not queries.fetch_all(con, "proposals_decide", round_id=round_id, proposal_id=int(proposal_id),
                             status=status, decided_by=actor.username, decided_at=now, reason=reason,
                             version_id=version_id):
        raise TestingError("testing.error.proposal_decided", proposal_id=proposal_id)
