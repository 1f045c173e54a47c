"""A round's plan, kept: only its owner writes it, a new plan is a proposal shown before it is written, every
written plan is a version (who, when), and an older version can be restored.

The owner is whoever organises the whole community: its community leader or a street administrator (the schema
has no street-wide round). A grid worker reads the plan but never replaces it, since planning from their scope
would drop every stairwell outside their cells.

A plan written while the round runs keeps what has already reached people: groups whose slot starts within
CALL_AHEAD_MINUTES (their building leader has called them down; the site's queue shows them) and every group of
a stairwell where someone has given a swab. The rest is planned again from now, each site taking new groups only
after the kept ones it holds.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import numpy as np
import pandas as pd

from resilient.core import audit, queries, roles
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.testing import planner
from resilient.testing.rounds import (
    TestingError,
    _cumulative,
    _now,
    _round,
    batches_frame,
    retrying,
    sites_frame,
    stairwell_load,
)

CALL_AHEAD_MINUTES = 30  # building leaders call a group down about this long before its slot
GROUP_COLUMNS = ["stairwell_id", "site_id", "group_no", "people", "slot_start", "slot_end", "walk_m"]
STATUSES = ("kept", "same", "moved", "retimed", "new", "dropped")
AUDITED = ("groups", "people", "kept_groups", "kept_people", "moved_people", "retimed_people", "new_people",
           "dropped_people")


@dataclass
class Proposal:
    """A plan not yet written: the groups it would store, what they change against the current plan per
    stairwell (`changes`, one of STATUSES) and in sum (`summary`), the version it was made from."""

    round_id: int
    base_version: int | None
    batches: pd.DataFrame
    changes: pd.DataFrame
    summary: dict
    kind: str = "plan"
    restored_from: int | None = None
    plan: planner.Plan | None = field(default=None, repr=False)


def _owner(con: duckdb.DuckDBPyConnection, actor: User | None, rnd: dict, day: date) -> Scope:
    """The actor's whole scope, refused unless they own the round: the sidebar's narrowing never shrinks a plan."""
    roles.need(actor, "plan_testing", TestingError("testing.error.plan_owner"))
    scope = roles.scope_for(con, actor, day)
    if scope.community_ids is not None and int(rnd["community_id"]) not in scope.community_ids:
        raise TestingError("testing.error.out_of_scope")
    return scope


def current_version(con: duckdb.DuckDBPyConnection, round_id: int) -> int | None:
    value = queries.fetch_all(con, "plans_current_version", round_id=round_id)[0][0]
    return None if value is None else int(value)


def _groups(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    if "walk_m" not in out:
        out["walk_m"] = float("nan")
    out = out[GROUP_COLUMNS].astype({"stairwell_id": int, "site_id": int, "group_no": int, "people": int,
                                     "walk_m": float})
    out["slot_start"] = pd.to_datetime(out["slot_start"]).astype("datetime64[us]")
    out["slot_end"] = pd.to_datetime(out["slot_end"]).astype("datetime64[us]")
    return out.sort_values(["slot_start", "site_id", "group_no", "stairwell_id"]).reset_index(drop=True)


def compare(old: pd.DataFrame, new: pd.DataFrame, kept: set) -> tuple[pd.DataFrame, dict]:
    """Per stairwell what a new plan changes (status, people, first slot and site before and after) and the sums
    the confirmation shows: groups and people kept, unchanged, moved to another site, given another slot."""
    def per_stairwell(frame):
        ordered = frame.sort_values(["stairwell_id", "group_no"])
        ordered = ordered.assign(key=list(zip(ordered["site_id"], ordered["group_no"], ordered["people"],
                                              ordered["slot_start"])))
        return ordered.groupby("stairwell_id").agg(sig=("key", tuple), people=("people", "sum"),
                                                   groups=("people", "size"), site_id=("site_id", "first"),
                                                   slot_start=("slot_start", "min"))

    before, after = per_stairwell(old), per_stairwell(new)
    rows = []
    for stairwell in sorted(set(before.index) | set(after.index)):
        was = before.loc[stairwell] if stairwell in before.index else None
        now = after.loc[stairwell] if stairwell in after.index else None
        if stairwell in kept:
            status = "kept"
        elif was is None:
            status = "new"
        elif now is None:
            status = "dropped"
        elif set(s for s, *_ in was["sig"]) != set(s for s, *_ in now["sig"]):
            status = "moved"
        elif was["sig"] != now["sig"]:
            status = "retimed"
        else:
            status = "same"
        shown = now if now is not None else was
        rows.append({"stairwell_id": int(stairwell), "status": status, "people": int(shown["people"]),
                     "groups": int(shown["groups"]),
                     "old_site_id": None if was is None else int(was["site_id"]),
                     "new_site_id": None if now is None else int(now["site_id"]),
                     "old_start": None if was is None else was["slot_start"],
                     "new_start": None if now is None else now["slot_start"]})
    changes = pd.DataFrame(rows, columns=["stairwell_id", "status", "people", "groups", "old_site_id", "new_site_id",
                                          "old_start", "new_start"])
    summary = {"groups": len(new), "people": int(new["people"].sum()) if len(new) else 0}
    for status in STATUSES:
        part = changes[changes["status"] == status]
        summary[f"{status}_stairwells"] = len(part)
        summary[f"{status}_people"] = int(part["people"].sum())
        summary[f"{status}_groups"] = int(part["groups"].sum())
    return changes, summary


def named_changes(changes: pd.DataFrame, names: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """compare()'s rows with each stairwell's compound, building and unit_no and the sites' names, to show."""
    site_names = dict(zip(sites["site_id"], sites["name"]))
    out = changes.merge(names[["stairwell_id", "compound", "building", "unit_no"]], on="stairwell_id", how="left")
    out[["compound", "building"]] = out[["compound", "building"]].fillna("")
    out["unit_no"] = out["unit_no"].fillna(0).astype(int)
    return out.assign(old_site=out["old_site_id"].map(site_names), new_site=out["new_site_id"].map(site_names))


def _sites_after(sites: pd.DataFrame, kept: pd.DataFrame, start: datetime) -> pd.DataFrame:
    """Each site opens for new groups at the plan's start, its own opening, or after its last kept group."""
    sites = sites.copy()
    opens = pd.to_datetime(sites["opens"]).fillna(pd.Timestamp(start))
    opens = opens.where(opens > pd.Timestamp(start), pd.Timestamp(start))
    if not kept.empty:
        last = kept.groupby("site_id")["slot_end"].max()
        held = sites["site_id"].map(last)
        opens = opens.where(held.isna() | (held <= opens), held)
    sites["opens"] = opens
    return sites


def propose_plan(con: duckdb.DuckDBPyConnection, actor: User, round_id: int,
                 now: datetime | None = None, later: float = 0.0) -> Proposal:
    """The round's plan from its sites and people as it would be written now, without writing it; `later` lets it
    finish up to that share after the shortest round so fewer walk far (0.1 = 10 %)."""
    rnd = _round(con, round_id)
    now = now or _now()
    scope = _owner(con, actor, rnd, now.date())
    start = max(pd.Timestamp(rnd["start_at"]), pd.Timestamp(now).ceil("min")).to_pydatetime()
    current = _groups(batches_frame(con, round_id))
    called = current["slot_start"] < pd.Timestamp(now) + pd.Timedelta(minutes=CALL_AHEAD_MINUTES)
    sampled = {int(r[0]) for r in queries.fetch_all(con, "plans_sampled_stairwells", **scope.params(),
                                                       round_id=round_id)}
    kept_stairwells = set(current.loc[called, "stairwell_id"]) | (sampled & set(current["stairwell_id"]))
    kept = current[current["stairwell_id"].isin(kept_stairwells)]
    load = stairwell_load(con, scope, round_id, now.date())
    load = load[~load["stairwell_id"].isin(kept_stairwells)]
    sites = _sites_after(sites_frame(con, round_id), kept, start)
    try:
        plan = planner.plan_round(load, sites, start, later=later)
    except ValueError as error:
        raise TestingError("testing.error.plan_impossible", reason=str(error)) from error
    frames = [f for f in (kept, _groups(plan.batches)) if not f.empty]
    batches = _groups(pd.concat(frames, ignore_index=True)) if frames else current.iloc[0:0]
    changes, summary = compare(current, batches, kept_stairwells)
    return Proposal(round_id, current_version(con, round_id), batches, changes, summary, plan=plan)


def propose_restore(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, version_id: int) -> Proposal:
    """An earlier version's groups as a proposal, shown against the current plan before it is written."""
    rnd = _round(con, round_id)
    _owner(con, actor, rnd, _now().date())
    old = queries.fetch_df(con, "plans_version_batches", round_id=round_id, version_id=version_id)
    if old.empty:
        raise TestingError("testing.error.unknown_version", version_id=version_id)
    current = _groups(batches_frame(con, round_id))
    batches = _groups(old)
    changes, summary = compare(current, batches, set())
    return Proposal(round_id, current_version(con, round_id), batches, changes, summary, kind="restore",
                    restored_from=int(version_id))


def _write(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, batches: pd.DataFrame, kind: str,
           restored_from: int | None, summary: dict, base_version=..., then=None) -> int:
    """The round's groups replaced and kept as a new version with its audit row, in one transaction; `then`
    (given the version id) writes what else belongs to it, a proposal accepted, in the same transaction."""
    known = set(sites_frame(con, round_id)["site_id"].astype(int))
    strangers = sorted(set(batches["site_id"].astype(int)) - known)
    if strangers:
        raise TestingError("testing.error.plan_site", sites=", ".join(map(str, strangers)))

    def work():
        if base_version is not ... and current_version(con, round_id) != base_version:
            raise TestingError("testing.error.plan_stale")
        queries.fetch_all(con, "testing_batches_delete", round_id=round_id)
        version_id = queries.fetch_all(con, "plans_version_insert", round_id=round_id, kind=kind,
                                       restored_from=restored_from, groups=len(batches),
                                       people=int(batches["people"].sum()), created_by=actor.username,
                                       created_at=_now())[0][0]
        con.register("plan_batches", batches)
        try:
            queries.fetch_all(con, "testing_batches_insert", round_id=round_id)
            queries.fetch_all(con, "plans_version_batches_insert", version_id=version_id)
        finally:
            con.unregister("plan_batches")
        audit.record(con, actor, "testing_plan_saved", f"testing_round:{round_id}",
                     new={"version": int(version_id), "kind": kind, "restored_from": restored_from,
                          **{k: summary[k] for k in AUDITED if k in summary}})
        if then is not None:
            then(int(version_id))
        return int(version_id)
    return retrying(con, work)


def adopt(con: duckdb.DuckDBPyConnection, actor: User, proposal: Proposal) -> int:
    """Write a confirmed proposal as the round's plan; refused when another plan was written since it was made."""
    rnd = _round(con, proposal.round_id)
    _owner(con, actor, rnd, _now().date())
    return _write(con, actor, proposal.round_id, proposal.batches, proposal.kind, proposal.restored_from,
                  proposal.summary, proposal.base_version)


def make_plan(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, now: datetime | None = None,
              later: float = 0.0) -> int:
    """Propose and adopt at once (scripts, the demo, tests); the page always shows the proposal first."""
    return adopt(con, actor, propose_plan(con, actor, round_id, now, later))


def save_plan(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, batches: pd.DataFrame) -> int:
    """Groups made elsewhere (a planner run by hand) stored as a new version, all or nothing; returns the groups."""
    rnd = _round(con, round_id)
    _owner(con, actor, rnd, _now().date())
    missing = [c for c in GROUP_COLUMNS[:-1] if c not in batches.columns]
    if missing:
        raise TestingError("testing.error.plan_columns", columns=", ".join(missing))
    frame = _groups(batches)
    _, summary = compare(_groups(batches_frame(con, round_id)), frame, set())
    _write(con, actor, round_id, frame, "manual", None, summary)
    return len(frame)


def change_site(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, site_id: int, desks: int,
                opens_at: datetime | None = None, closes_at: datetime | None = None) -> None:
    """A site opening late, closing early or losing a desk: the owner changes it, then re-plans from now."""
    rnd = _round(con, round_id)
    _owner(con, actor, rnd, _now().date())
    if desks < 1:
        raise TestingError("testing.error.site_capacity")
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise TestingError("testing.error.site_hours")
    old = sites_frame(con, round_id).set_index("site_id")

    def work():
        if not queries.fetch_all(con, "plans_site_change", round_id=round_id, site_id=site_id, desks=int(desks),
                                 opens_at=opens_at, closes_at=closes_at):
            raise TestingError("testing.error.unknown_site", site_id=site_id)
        before = old.loc[site_id]
        audit.record(con, actor, "testing_site_changed", f"sampling_site:{site_id}",
                     old={"desks": int(before["desks"]), "opens_at": before["opens"], "closes_at": before["closes"]},
                     new={"desks": int(desks), "opens_at": opens_at, "closes_at": closes_at})
    retrying(con, work)


def versions(con: duckdb.DuckDBPyConnection, round_id: int) -> pd.DataFrame:
    """The round's plan versions, newest first, the current one marked."""
    frame = queries.fetch_df(con, "plans_versions", round_id=round_id)
    frame["current"] = np.arange(len(frame)) == 0
    frame["restored_from"] = [None if pd.isna(v) else int(v) for v in frame["restored_from"]]
    return frame


def planned_over_time(con: duckdb.DuckDBPyConnection, scope: Scope, round_id: int) -> pd.DataFrame:
    """What the stored plan expects per 15 minutes and cumulative, of the stairwells in the viewer's scope."""
    return _cumulative(queries.fetch_df(con, "plans_planned_over_time", **scope.params(), round_id=round_id),
                       "planned")
