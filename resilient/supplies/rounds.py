"""Delivery rounds (issue 16): the day's door-to-door requests given to volunteers in walking order, shown first
and written when the dispatcher confirms.

Which requests: those of households served at the door (resilient/supplies/door.door_households, the one
definition) still new or assigned, made by the moment of planning; the rest are fetched from the pick-up point
and only counted. Which volunteers: the community's active ones with a home on the map, not unwell that day (the
Wuhan advice: delivery workers' own health is checked). A volunteer's room is the [rounds] setting in doors a
round, less the doors they already carry (on the way) or hold from a dispatch outside this scope.

A later dispatch the same day plans again only what has not set out: requests on the way, delivered or given up
are kept as they are, assigned and new ones are planned afresh (an assigned request that now finds nobody goes
back to new, with why in its history), and a volunteer's new stops are numbered after the ones they already had.
"""

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from resilient.core import audit, db, queries, reference, roles
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.coverage import volunteers as coverage
from resilient.supplies import door
from resilient.supplies.routing import Routes, in_arrival_order, plan_routes

__all__ = ["Proposal", "RoundSettings", "RoundsError", "dispatch", "in_arrival_order", "plan_routes", "propose"]

STOP_COLUMNS = ["request_id", "household_id", "building_id", "lon", "lat", "created_at"]
VOLUNTEER_WHY = ("no_home", "under_measure", "fever")  # why a volunteer is left out of the day's rounds


class RoundsError(ValueError):
    """A refusal: `code` is a translation key ("rounds.error.x"), `values` fill it in."""

    def __init__(self, code: str, /, **values):
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True)
@reference.defaults_from("defaults.toml", "rounds")
class RoundSettings:
    """How much one volunteer takes in a round and how far from home they walk for it."""

    deliveries_per_volunteer: int     # doors (households) a round
    reach_m: float                    # metres from the volunteer's home to a door, straight line

    def __post_init__(self):
        if self.deliveries_per_volunteer < 1 or self.reach_m <= 0:
            raise RoundsError("rounds.error.settings")


reference.check_defaults(RoundSettings, "defaults.toml", "rounds")


@dataclass
class Proposal:
    """A round as planned, before anything is written: what the page shows and dispatch() writes."""

    day: date
    scope: Scope
    planned: Routes                   # the routes and the requests left with why
    arrival: Routes                   # the same routed requests in the order they came in
    volunteers: pd.DataFrame          # volunteer_id, name, community_id, lon, lat: who may take a round
    left_out: pd.DataFrame            # volunteer_id, name, reason (VOLUNTEER_WHY)
    at_pickup: int                    # open requests of households not served at the door: not routed
    door_households: int              # households in scope served at the door, with requests or not
    basis: frozenset                  # (request_id, status, volunteer_id, route_stop) the plan started from
    open_requests: pd.DataFrame = field(default_factory=pd.DataFrame)  # the door requests planned
    seconds: float = 0.0

    @property
    def ratio(self) -> float | None:
        """Metres walked in arrival order per metre of the planned rounds (None when nobody walks)."""
        return self.arrival.total_m / self.planned.total_m if self.planned.total_m > 0 else None


def _int(value) -> int | None:
    return None if pd.isna(value) else int(value)


def _basis(frame: pd.DataFrame) -> frozenset:
    return frozenset((int(r.request_id), str(r.status), _int(r.volunteer_id), _int(r.route_stop))
                     for r in frame.itertuples(index=False))


def _open(con, scope: Scope, day: date, now: datetime) -> tuple[pd.DataFrame, int, int]:
    """The open requests of door households in scope, how many open new ones are for the pick-up point, and how
    many households in scope are served at the door."""
    until = min(now, datetime.combine(day + timedelta(days=1), datetime.min.time()))
    found = queries.fetch_df(con, "rounds_open_requests", **scope.params(), until=until)
    at_door = set(door.door_households(con, scope, day)["household_id"].astype(int))
    served = found["household_id"].astype(int).isin(at_door)
    return found[served].reset_index(drop=True), int((~served & (found["status"] == "new")).sum()), len(at_door)


def _volunteers(con, scope: Scope, day: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Who may take a round today, and who is left out with why."""
    found = queries.fetch_df(con, "rounds_volunteers", **scope.params(), day=day)
    why = pd.Series(None, index=found.index, dtype=object)
    why[found["fever"].astype(bool)] = "fever"
    why[found["under_measure"].astype(bool)] = "under_measure"
    why[found["lon"].isna() | found["lat"].isna()] = "no_home"
    left = found[why.notna()].assign(reason=why[why.notna()])[["volunteer_id", "name", "reason"]]
    ready = found[why.isna()][["volunteer_id", "name", "community_id", "lon", "lat"]]
    return ready.reset_index(drop=True), left.reset_index(drop=True)


def propose(con: duckdb.DuckDBPyConnection, scope: Scope, day: date, now: datetime,
            settings: RoundSettings | None = None) -> Proposal:
    """The day's rounds in scope as they would be written, with arrival order beside them."""
    started = time.perf_counter()
    settings = settings or RoundSettings()
    requests, at_pickup, at_door = _open(con, scope, day, now)
    ready, left_out = _volunteers(con, scope, day)
    held = queries.fetch_df(con, "rounds_held", **scope.params(), day=day,
                            replanned=[int(r) for r in requests["request_id"]] or [-1]).set_index("volunteer_id")
    ready["capacity"] = [max(settings.deliveries_per_volunteer - int(held["doors"].get(v, 0)), 0)
                         for v in ready["volunteer_id"]]
    first_stop = {int(v): int(s) + 1 for v, s in held["last_stop"].dropna().items()}
    planned, arrival = [], []
    for community in sorted(set(requests["community_id"].astype(int))):
        stops = requests[requests["community_id"] == community][STOP_COLUMNS]
        theirs = ready[ready["community_id"] == community]
        plan = plan_routes(stops, theirs, reach_m=settings.reach_m, first_stop=first_stop)
        planned.append(plan)
        arrival.append(in_arrival_order(stops[stops["request_id"].isin(plan.routes["request_id"])], theirs))
    return Proposal(day, scope, _joined(planned), _joined(arrival), ready, left_out, at_pickup, at_door,
                    _basis(requests), requests, time.perf_counter() - started)


def _joined(parts: list[Routes]) -> Routes:
    if not parts:
        return plan_routes(pd.DataFrame(columns=STOP_COLUMNS), pd.DataFrame(columns=["volunteer_id", "lon", "lat"]))
    return Routes(pd.concat([p.routes for p in parts], ignore_index=True),
                  pd.concat([p.unassigned for p in parts], ignore_index=True))


def changes(proposal: Proposal) -> pd.DataFrame:
    """What changes: routed requests not already at that volunteer and stop; assigned ones now left, back to new."""
    before = proposal.open_requests.set_index("request_id")
    routed = proposal.planned.routes.set_index("request_id")
    rows = []
    for rid, r in routed.iterrows():
        old = before.loc[rid]
        if (old["status"], _int(old["volunteer_id"]), _int(old["route_stop"])) != \
                ("assigned", int(r["volunteer_id"]), int(r["route_stop"])):
            rows.append((int(rid), "assigned", int(r["volunteer_id"]), int(r["route_stop"]), None))
    why = proposal.planned.unassigned.set_index("request_id")["reason"]
    for rid, old in before.iterrows():
        if old["status"] == "assigned" and rid not in routed.index:
            rows.append((int(rid), "new", None, None, f"rounds:{why.get(rid, 'all_full')}"))
    return pd.DataFrame(rows, columns=["request_id", "status", "volunteer_id", "route_stop", "note"]).astype(
        {"request_id": "int64", "volunteer_id": "Int64", "route_stop": "Int64"})


def _within(scope: Scope, allowed: Scope) -> bool:
    """Whether every community, grid cell and household `scope` reaches is one `allowed` reaches."""
    for mine, theirs in ((scope.community_ids, allowed.community_ids), (scope.grid_ids, allowed.grid_ids),
                         (scope.household_ids, allowed.household_ids)):
        if theirs is not None and (mine is None or not set(mine) <= set(theirs)):
            return False
    return True


def dispatch(con: duckdb.DuckDBPyConnection, actor: User | None, scope: Scope, day: date, now: datetime,
             proposal: Proposal | None = None, settings: RoundSettings | None = None) -> int:
    """Write the round (the proposal shown, or one planned now) in one audited transaction: every request's
    volunteer and stop, an event per request changed, one audit row. Refused when the requests moved since the
    proposal was made. Returns the number of requests changed."""
    roles.need(actor, "dispatch_deliveries", RoundsError("rounds.error.not_allowed"))
    if not _within(scope, roles.scope_for(con, actor, day)):
        raise RoundsError("rounds.error.out_of_scope")
    proposal = proposal or propose(con, scope, day, now, settings)
    if proposal.day != day or proposal.scope != scope:
        raise RoundsError("rounds.error.changed")
    rows = changes(proposal)

    def work():
        # Re-read inside the transaction: someone may have dispatched or set out since the proposal was made.
        if _basis(_open(con, scope, day, now)[0]) != proposal.basis:
            raise RoundsError("rounds.error.changed")
        if rows.empty:
            return 0
        con.register("rounds_rows", rows)
        try:
            queries.fetch_all(con, "rounds_write", now=now)
            queries.fetch_all(con, "rounds_write_events", now=now, by_user=actor.username)
        finally:
            con.unregister("rounds_rows")
        audit.record(con, actor, "dispatch_deliveries", f"supply_rounds:{day.isoformat()}",
                     new={"assigned": int((rows["status"] == "assigned").sum()),
                          "back_to_new": int((rows["status"] == "new").sum()),
                          "volunteers": int(proposal.planned.routes["volunteer_id"].nunique()),
                          "metres": round(proposal.planned.total_m), "arrival_metres": round(proposal.arrival.total_m)},
                     at=now)
        return len(rows)

    with db.transaction(con):
        return work()


# --- what the page shows ---------------------------------------------------------------------------------------

def summary(proposal: Proposal) -> pd.DataFrame:
    """One row per volunteer given a round: name, doors, requests, buildings, metres planned; longest first."""
    per = proposal.planned.per_volunteer()
    names = proposal.volunteers.set_index("volunteer_id")["name"]
    per.insert(1, "name", per["volunteer_id"].map(names))
    return per.rename(columns={"households": "doors"}).sort_values(["metres", "volunteer_id"],
                                                                   ascending=[False, True]).reset_index(drop=True)


def route_points(proposal: Proposal) -> pd.DataFrame:
    """The walks to draw: per volunteer their home (seq 0) and each building in walking order, with its first
    stop number and how many requests it gets; volunteer_id, name, seq, first_stop, requests, lon, lat."""
    routes = proposal.planned.routes
    if routes.empty:
        return pd.DataFrame(columns=["volunteer_id", "name", "seq", "first_stop", "requests", "lon", "lat"])
    where = proposal.open_requests.set_index("request_id")[["lon", "lat"]]
    doors = routes.join(where, on="request_id").sort_values(["volunteer_id", "route_stop"])
    doors = doors.groupby(["volunteer_id", "building_id"], sort=False).agg(
        first_stop=("route_stop", "min"), requests=("request_id", "size"), lon=("lon", "first"),
        lat=("lat", "first")).reset_index().sort_values(["volunteer_id", "first_stop"])
    doors["seq"] = doors.groupby("volunteer_id").cumcount() + 1
    homes = proposal.volunteers[proposal.volunteers["volunteer_id"].isin(doors["volunteer_id"])]
    homes = homes.assign(seq=0, first_stop=0, requests=0)
    frame = pd.concat([homes, doors], ignore_index=True)
    frame["name"] = frame["volunteer_id"].map(proposal.volunteers.set_index("volunteer_id")["name"])
    return frame.sort_values(["volunteer_id", "seq"])[["volunteer_id", "name", "seq", "first_stop", "requests",
                                                       "lon", "lat"]].reset_index(drop=True)


def stop_list(con: duckdb.DuckDBPyConnection, scope: Scope, proposal: Proposal, volunteer_id: int,
              revealed: set[int] = frozenset()) -> pd.DataFrame:
    """One volunteer's stops in order: stop, the metres walked to it, what is asked, the flat (names masked)."""
    mine = proposal.planned.routes[proposal.planned.routes["volunteer_id"] == int(volunteer_id)]
    kinds = proposal.open_requests.set_index("request_id")["kind"]
    labels = coverage.household_labels(con, scope, mine["household_id"].unique(), proposal.day, revealed)
    labels = labels.drop(columns=["building_id"])
    return mine.assign(kind=mine["request_id"].map(kinds)).merge(labels, on="household_id", how="left") \
        .sort_values("route_stop").reset_index(drop=True)


def left_list(con: duckdb.DuckDBPyConnection, scope: Scope, proposal: Proposal,
              revealed: set[int] = frozenset()) -> pd.DataFrame:
    """The requests no round takes, with why and the flat (names masked)."""
    left = proposal.planned.unassigned.merge(proposal.open_requests[["request_id", "household_id", "kind"]],
                                             on="request_id")
    labels = coverage.household_labels(con, scope, left["household_id"].unique(), proposal.day, revealed)
    return left.merge(labels.drop(columns=["building_id"]), on="household_id", how="left").reset_index(drop=True)
