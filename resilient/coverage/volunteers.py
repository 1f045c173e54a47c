"""Volunteer coverage of vulnerable households (issue 6): who needs cover, who has it, and suggested assignments.

The rules' numbers (age, reasons, walking reach, 三包一 team load, days without contact) are settings stored in
the meta table, not code. Distances are metres between building footprint centroids, computed in Python
(geo.distance) so the coordinate order is never in doubt: the rules and the solver on the local frame, the
figures shown and audited as WGS-84 geodesics.
"""

import json
import time
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from geo import distance
from resilient.core import audit, config, db, queries, reference, roles
from resilient.core.accounts import User
from resilient.core.masking import mask_people
from resilient.core.scope import Scope
from resilient.places import places as place_lists  # (`places` is a local name in suggest)

# "support": an open support need (resilient/coverage/support.py), named so, whatever its kind, to everyone.
REASONS = ("elderly_alone", "elderly_only", "disabled", "bedridden", "chronic_illness", "low_income", "pregnant",
           "home_isolation", "home_observation", "support")
CONTACT_KINDS = ("visit", "call", "delivery")
# Why a needy household is not covered, in the order the rules are checked.
GAPS = ("assigned_out_of_reach", "no_volunteer_in_reach", "all_in_reach_full", "not_assigned",
        "volunteer_over_capacity", "team_overloaded")
RETRIES = db.WRITE_ATTEMPTS

NEEDS_COLUMNS = ["household_id", "building_id", "reasons", "people"]


class CoverageError(ValueError):
    """A refusal: `code` is a translation key ("coverage.error.x"), `values` fill it in."""

    def __init__(self, code: str, /, **values):
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True)
@reference.defaults_from("defaults.toml", "coverage")
class CoverageSettings:
    """The rules' numbers, so a community can change them without a code change; defaults in data/defaults.toml."""

    elderly_age: int
    reasons: tuple[str, ...]
    reach_m: float
    team_standard_load: int              # isolated people per 三包一 team
    not_contacted_days: int

    def __post_init__(self):
        unknown = [r for r in self.reasons if r not in REASONS]
        if unknown:
            raise CoverageError("coverage.error.settings", reasons=", ".join(unknown))
        if self.elderly_age < 0 or self.reach_m < 0 or self.team_standard_load < 1 or self.not_contacted_days < 1:
            raise CoverageError("coverage.error.settings", reasons="")
        object.__setattr__(self, "reasons", tuple(self.reasons))


reference.check_defaults(CoverageSettings, "defaults.toml", "coverage")


def load_settings(con: duckdb.DuckDBPyConnection) -> CoverageSettings:
    """The stored settings; the defaults when none were saved, and unknown keys ignored from older versions."""
    rows = queries.fetch_all(con, "coverage_settings_get")
    if not rows:
        return CoverageSettings()
    stored = json.loads(rows[0][0])
    known = {f.name for f in fields(CoverageSettings)}
    return CoverageSettings(**{k: v for k, v in stored.items() if k in known})


def save_settings(con: duckdb.DuckDBPyConnection, actor: User | None, settings: CoverageSettings) -> None:
    """Store the settings as JSON under 'coverage_settings', audited in the same transaction."""
    _need(actor, "manage_coverage")
    old = load_settings(con)
    value = json.dumps(asdict(settings), ensure_ascii=False, sort_keys=True)

    def work():
        con.execute(queries.sql("coverage_settings_put"), {"value": value})
        audit.record(con, actor, "write", "meta:coverage_settings", old=asdict(old), new=asdict(settings))

    _retrying(con, work)


def _need(actor: User | None, action: str) -> None:
    roles.need(actor, action, CoverageError("coverage.error.not_allowed"))


def _retrying(con: duckdb.DuckDBPyConnection, work, attempts: int = RETRIES):
    """db.retrying with this module's 'busy' refusal."""
    return db.retrying(con, work, lambda: CoverageError("coverage.error.busy"), attempts)


# --- who needs cover ------------------------------------------------------------------------------------------

def _households(con: duckdb.DuckDBPyConnection, scope: Scope, settings: CoverageSettings, today: date):
    return queries.fetch_df(con, "coverage_households", **scope.params(), today=today,
                            elderly_age=settings.elderly_age)


def _reasons(row, settings: CoverageSettings) -> list[str]:
    people, elderly = int(row.people), int(row.elderly)
    found = {
        "elderly_alone": people == 1 and elderly == 1,
        "elderly_only": people >= 2 and elderly == people,
        "disabled": bool(row.disabled), "bedridden": bool(row.bedridden),
        "chronic_illness": bool(row.chronic_illness), "low_income": bool(row.low_income),
        "pregnant": bool(row.pregnant), "home_isolation": bool(row.home_isolation),
        "home_observation": bool(row.home_observation), "support": bool(row.support),
    }
    return [r for r in REASONS if r in settings.reasons and found[r]]


def _needy(con, scope: Scope, settings: CoverageSettings, today: date) -> pd.DataFrame:
    frame = _households(con, scope, settings, today)
    frame["reasons"] = [_reasons(row, settings) for row in frame.itertuples(index=False)]
    # astype(bool): an empty mask of objects would be read as a list of columns, not a mask.
    return frame[frame["reasons"].map(bool).astype(bool)].reset_index(drop=True)


def needs(con: duckdb.DuckDBPyConnection, scope: Scope, settings: CoverageSettings, today: date) -> pd.DataFrame:
    """Households in scope needing a volunteer on `today`, each with every reason that applies (codes)."""
    return _needy(con, scope, settings, today)[NEEDS_COLUMNS]


# --- who has it -----------------------------------------------------------------------------------------------

def _volunteers(con, scope: Scope, today: date) -> pd.DataFrame:
    frame = queries.fetch_df(con, "coverage_volunteers", **scope.params(), today=today)
    frame["assigned"] = frame["assigned"].astype(int)
    frame["capacity"] = frame["capacity"].astype(int)
    frame["active"] = frame["active"].astype(bool)
    return frame


def volunteer_load(con: duckdb.DuckDBPyConnection, scope: Scope, settings: CoverageSettings,
                   today: date) -> pd.DataFrame:
    """Each volunteer's households assigned against capacity, so overloads show before requests go unanswered."""
    frame = _volunteers(con, scope, today)
    frame["over_capacity"] = frame["assigned"] > frame["capacity"]
    return frame[["volunteer_id", "name", "active", "capacity", "assigned", "over_capacity", "home_building_id",
                  "lon", "lat"]]


def team_load(con: duckdb.DuckDBPyConnection, scope: Scope, settings: CoverageSettings,
              today: date) -> pd.DataFrame:
    """Each 三包一 team's isolated people against the standard load."""
    frame = queries.fetch_df(con, "coverage_team_loads", **scope.params(), today=today)
    frame["team_load"] = frame["team_load"].astype(int)
    frame["overloaded"] = frame["team_load"] > settings.team_standard_load
    return frame


def _pair_distances(needy: pd.DataFrame, vols: pd.DataFrame) -> np.ndarray:
    """Metres from every needy household (rows) to every volunteer's home (columns); inf where unknown."""
    if needy.empty or vols.empty:
        return np.full((len(needy), len(vols)), np.inf)
    d = distance.local_matrix(needy["lon"], needy["lat"], vols["lon"], vols["lat"])
    return np.where(np.isnan(d), np.inf, d)


def _reported_distances(needy: pd.DataFrame, vols: pd.DataFrame, rows: list[int], cols: list[int]) -> np.ndarray:
    """Geodesic metres of chosen pairs, the figures shown and audited (the rules use the local matrix, ~0.3 %
    apart)."""
    if not rows:
        return np.zeros(0)
    return np.atleast_1d(distance.geodesic_m(needy["lon"].to_numpy(float)[rows], needy["lat"].to_numpy(float)[rows],
                                             vols["lon"].to_numpy(float)[cols], vols["lat"].to_numpy(float)[cols]))


def coverage(con: duckdb.DuckDBPyConnection, scope: Scope, settings: CoverageSettings, today: date) -> pd.DataFrame:
    """One row per needy household: covered or the first rule that fails, and when it was last contacted;
    `team_overloaded` also where another rule fails first (a volunteer found for it still leaves it uncovered)."""
    needy = _needy(con, scope, settings, today)
    vols = _volunteers(con, scope, today)
    vols = vols[vols["active"]].reset_index(drop=True)
    dist = _pair_distances(needy, vols)
    in_reach = dist <= settings.reach_m
    full = (vols["assigned"] >= vols["capacity"]).to_numpy()
    over = (vols["assigned"] > vols["capacity"]).to_numpy()
    column = {int(v): j for j, v in enumerate(vols["volunteer_id"])}
    assigned: dict[int, list[int]] = {}
    for a in queries.fetch_df(con, "coverage_assignments", **scope.params(), today=today).itertuples(index=False):
        if int(a.volunteer_id) in column:
            assigned.setdefault(int(a.household_id), []).append(column[int(a.volunteer_id)])
    teams = queries.fetch_df(con, "coverage_teams", **scope.params(), today=today)
    team_over = {int(h): int(load) > settings.team_standard_load
                 for h, load in zip(teams["household_id"], teams["team_load"])}
    team_over_any: dict[int, bool] = {}
    for h, o in team_over.items():
        team_over_any[h] = team_over_any.get(h, False) or o
    last = dict(queries.fetch_all(con, "coverage_last_contact", **scope.params(), today=today))
    rows, chosen = [], []
    for i, h in enumerate(needy.itertuples(index=False)):
        hid = int(h.household_id)
        team_over = "home_isolation" in h.reasons and team_over_any.get(hid, False)
        mine = [j for j in assigned.get(hid, []) if in_reach[i, j]]
        if not mine:
            if assigned.get(hid):
                gap = "assigned_out_of_reach"
            elif not in_reach[i].any():
                gap = "no_volunteer_in_reach"
            elif full[in_reach[i]].all():
                gap = "all_in_reach_full"
            else:
                gap = "not_assigned"
        elif over[mine].all():
            gap = "volunteer_over_capacity"
        elif team_over:
            gap = "team_overloaded"
        else:
            gap = None
        nearest = min(mine, key=lambda j: dist[i, j]) if mine else None
        if nearest is not None:
            chosen.append((i, nearest))
        when = last.get(hid)
        quiet = when is None or (today - when.date()).days >= settings.not_contacted_days
        rows.append((hid, int(h.building_id), h.reasons, int(h.people), gap is None, gap,
                     None if nearest is None else int(vols["volunteer_id"].iloc[nearest]), None, when, quiet,
                     team_over))
    frame = pd.DataFrame(rows, columns=["household_id", "building_id", "reasons", "people", "covered", "reason",
                                        "volunteer_id", "distance_m", "last_contact", "not_contacted",
                                        "team_overloaded"])
    metres = np.full(len(frame), np.nan)
    metres[[i for i, _ in chosen]] = _reported_distances(needy, vols, [i for i, _ in chosen], [j for _, j in chosen])
    frame["distance_m"] = metres
    return frame


def kpis(con: duckdb.DuckDBPyConnection, scope: Scope, settings: CoverageSettings, today: date) -> dict:
    """The headline numbers of the coverage page and the daily report."""
    cover = coverage(con, scope, settings, today)
    load = volunteer_load(con, scope, settings, today)
    from resilient.daily import teams as team_loads  # daily.teams reads these settings: imported here, not above

    # The one count of overloaded teams (the supervision page and the daily report read it too).
    teams = team_loads.team_load(con, scope, today, settings.team_standard_load)
    return {
        "vulnerable_households": len(cover),
        "covered_households": int(cover["covered"].sum()),
        "covered_share": float(cover["covered"].mean()) if len(cover) else 1.0,
        "overloaded_volunteers": int((load["over_capacity"] & load["active"]).sum()),
        "overloaded_teams": int(teams["overloaded"].sum()),
        "not_contacted": int(cover["not_contacted"].sum()),
    }


# --- lists to act on -------------------------------------------------------------------------------------------

def by_building(cover: pd.DataFrame) -> pd.DataFrame:
    """Per building: vulnerable households, how many are uncovered and how many not contacted (the gap map)."""
    if cover.empty:
        return pd.DataFrame(columns=["building_id", "vulnerable", "uncovered", "not_contacted"])
    return (cover.assign(uncovered=~cover["covered"].astype(bool))
            .groupby("building_id", as_index=False)
            .agg(vulnerable=("household_id", "size"), uncovered=("uncovered", "sum"),
                 not_contacted=("not_contacted", "sum")))


def household_labels(con: duckdb.DuckDBPyConnection, scope: Scope, household_ids, today: date,
                     revealed: set[int] = frozenset()) -> pd.DataFrame:
    """Building, unit, room and whom to ask for, masked except for revealed residents; scope still applies."""
    frame = queries.fetch_df(con, "coverage_household_labels", **scope.params(), today=today,
                             listed_ids=[int(h) for h in household_ids])
    return mask_people(frame, revealed)


def gap_list(con: duckdb.DuckDBPyConnection, scope: Scope, settings: CoverageSettings, today: date,
             revealed: set[int] = frozenset()) -> pd.DataFrame:
    """Households to act on: uncovered (with the reason) or not contacted for the set number of days."""
    cover = coverage(con, scope, settings, today)
    todo = cover[~cover["covered"] | cover["not_contacted"]].copy()
    todo["reason"] = todo["reason"].where(todo["reason"].notna(), "not_contacted")
    labels = household_labels(con, scope, todo["household_id"], today, revealed)
    return labels.merge(todo.drop(columns=["building_id"]), on="household_id").reset_index(drop=True)


def volunteer_list(con: duckdb.DuckDBPyConnection, scope: Scope, settings: CoverageSettings, volunteer_id: int,
                   today: date, revealed: set[int] = frozenset()) -> pd.DataFrame:
    """One volunteer's households in scope with needs and last contact: the list they work through."""
    mine = {int(h) for v, h in queries.fetch_all(con, "coverage_assignments", **scope.params(), today=today)
            if int(v) == int(volunteer_id)}
    cover = coverage(con, scope, settings, today)
    cover = cover[cover["household_id"].isin(mine)].drop(columns=["building_id"])
    # Households no longer needing cover stay on the list (no reasons) until someone ends the assignment.
    listed = household_labels(con, scope, sorted(mine), today, revealed).merge(cover, on="household_id", how="left")
    listed["reasons"] = listed["reasons"].map(lambda r: r if isinstance(r, list) else [])
    last = dict(queries.fetch_all(con, "coverage_last_contact", **scope.params(), today=today))
    listed["last_contact"] = listed["household_id"].map(lambda h: last.get(int(h)))
    return listed.reset_index(drop=True)


def leaders(con: duckdb.DuckDBPyConnection, scope: Scope, today: date) -> pd.DataFrame:
    """Building leaders (楼长) of the buildings in scope: volunteer, building, stairwell (NaN: whole building)."""
    return queries.fetch_df(con, "coverage_leaders", **scope.params(), today=today)


def leader_list(con: duckdb.DuckDBPyConnection, scope: Scope, settings: CoverageSettings, volunteer_id: int,
                today: date, revealed: set[int] = frozenset()) -> pd.DataFrame:
    """A building leader's vulnerable households: who looks after each, the gap, the last contact."""
    led = [int(r[0]) for r in queries.fetch_all(con, "coverage_led_households", **scope.params(),
                                                 volunteer_id=int(volunteer_id), today=today)]
    cover = coverage(con, scope, settings, today)
    cover = cover[cover["household_id"].isin(led)]
    labels = household_labels(con, scope, cover["household_id"], today, revealed)
    listed = labels.merge(cover.drop(columns=["building_id"]), on="household_id").reset_index(drop=True)
    names = _volunteers(con, scope, today).set_index("volunteer_id")["name"]
    listed["volunteer"] = listed["volunteer_id"].map(lambda v: names.get(int(v)) if pd.notna(v) else None)
    return listed


def set_leader(con: duckdb.DuckDBPyConnection, actor: User | None, volunteer_id: int, building_id: int,
               stairwell_id: int | None, today: date) -> None:
    """Make a volunteer the leader of a building (or one stairwell) from today; the previous one steps down."""
    _need(actor, "manage_coverage")
    scope = roles.scope_for(con, actor, today)
    if building_id not in set(queries.fetch_df(con, "buildings_in_scope", **scope.params())["building_id"]):
        raise CoverageError("coverage.error.building_out_of_scope", building_id=building_id)
    if volunteer_id not in set(_volunteers(con, scope, today)["volunteer_id"]):
        raise CoverageError("coverage.error.volunteer_out_of_scope", volunteer_id=volunteer_id)
    place = {"building_id": int(building_id), "stairwell_id": None if stairwell_id is None else int(stairwell_id)}

    def work():
        before = [int(r[0]) for r in queries.fetch_all(con, "coverage_leader_end", **place, today=today)]
        queries.fetch_all(con, "coverage_leader_insert", volunteer_id=int(volunteer_id), **place, today=today)
        audit.record(con, actor, "write", f"building_leader:{building_id}:{stairwell_id or ''}",
                     old={"volunteer_ids": before}, new={"volunteer_id": int(volunteer_id), "from": today})

    _retrying(con, work)


# --- contacts -------------------------------------------------------------------------------------------------

def record_contact(con: duckdb.DuckDBPyConnection, actor: User | None, volunteer_id: int, household_id: int,
                   kind: str, at: datetime | None = None) -> int:
    """One contact, only by or for the volunteer assigned to the household and within the actor's scope."""
    _need(actor, "record_contacts")
    if kind not in CONTACT_KINDS:
        raise CoverageError("coverage.error.kind", kind=kind)
    at = at or config.now()
    if actor.role == "volunteer" and actor.volunteer_id != volunteer_id:
        raise CoverageError("coverage.error.not_assigned", household_id=household_id)
    scope = roles.scope_for(con, actor, at.date())
    if scope.household_ids is not None and household_id not in scope.household_ids:
        raise CoverageError("coverage.error.not_assigned", household_id=household_id)
    visible = queries.fetch_all(con, "coverage_assignments", **scope.params(), today=at.date())
    if (volunteer_id, household_id) not in {(int(v), int(h)) for v, h in visible}:
        raise CoverageError("coverage.error.not_assigned", household_id=household_id)

    def work():
        contact_id = queries.fetch_all(con, "coverage_contact_insert", volunteer_id=volunteer_id,
                                       household_id=household_id, kind=kind, contacted_at=at,
                                       recorded_by=actor.username)[0][0]
        audit.record(con, actor, "write", f"contact:{contact_id}",
                     new={"volunteer_id": volunteer_id, "household_id": household_id, "kind": kind, "at": at})
        return int(contact_id)

    return _retrying(con, work)


# --- suggested assignments ------------------------------------------------------------------------------------

@dataclass
class Suggestion:
    """New assignments on top of the current ones, with the comparison and why the rest stay uncovered."""

    today: date
    assignments: pd.DataFrame            # volunteer_id, household_id, distance_m
    uncovered: pd.DataFrame              # household_id, reason: no volunteer in reach, all full, team overloaded
    covered_now: int
    covered_after: int
    vulnerable: int
    distance_m: float                    # total walking distance of the new assignments
    seconds: float = 0.0
    scope: Scope = field(default_factory=Scope)
    # Households whose assigned volunteer lives out of reach -> those volunteers: applying a new assignment
    # ends theirs, so the far volunteer's load goes down as the near one's goes up.
    replaces: dict[int, list[int]] = field(default_factory=dict)

    @property
    def extra_covered(self) -> int:
        return self.covered_after - self.covered_now


def match(dist: np.ndarray, free: np.ndarray, reach_m: float) -> list[tuple[int, int]]:
    """Exact optimum: the most households matched, then the least total distance, each column at most `free`.

    Solved as a minimum-weight full bipartite matching (scipy.sparse.csgraph.min_weight_full_bipartite_matching,
    LAPJVsp): every volunteer appears once per free slot, every household also has its own 'left uncovered'
    column costing more than any sum of real distances, and each real pair costs distance + 1 (no zero weights
    in a sparse matrix; the +1 per match is the same for every solution with the same number covered).
    """
    n, m = dist.shape
    if n == 0 or m == 0:
        return []
    ok = dist <= reach_m
    slots = np.minimum(np.asarray(free, dtype=int).clip(min=0), ok.sum(axis=0))
    if slots.sum() == 0:
        return []
    owner = np.repeat(np.arange(m), slots)                       # slot column -> volunteer
    big = float(n) * (float(reach_m) + 2.0) + 1.0
    hh, vv = np.nonzero(ok[:, owner])                            # household row, slot column
    cost = dist[hh, owner[vv]] + 1.0
    rows = np.concatenate([hh, np.arange(n)])
    cols = np.concatenate([vv, len(owner) + np.arange(n)])
    data = np.concatenate([cost, np.full(n, big)])
    graph = csr_matrix((data, (rows, cols)), shape=(n, len(owner) + n))
    _, chosen = min_weight_full_bipartite_matching(graph)
    return [(i, int(owner[c])) for i, c in enumerate(chosen) if c < len(owner)]


def suggest(con: duckdb.DuckDBPyConnection, scope: Scope, settings: CoverageSettings, today: date) -> Suggestion:
    """Assign uncovered needy households to active volunteers in reach with free capacity, exactly optimal."""
    started = time.perf_counter()
    cover = coverage(con, scope, settings, today)
    open_gaps = {"assigned_out_of_reach", "no_volunteer_in_reach", "all_in_reach_full", "not_assigned",
                 "volunteer_over_capacity"}
    todo = cover[cover["reason"].isin(open_gaps)].reset_index(drop=True)
    needy = _needy(con, scope, settings, today).set_index("household_id")
    vols = _volunteers(con, scope, today)
    vols = vols[vols["active"] & vols["lon"].notna()].reset_index(drop=True)
    places = needy.loc[todo["household_id"], ["lon", "lat"]].reset_index()
    dist = _pair_distances(places, vols)
    free = (vols["capacity"] - vols["assigned"]).clip(lower=0).to_numpy()
    pairs = match(dist, free, settings.reach_m)
    metres = _reported_distances(places, vols, [i for i, _ in pairs], [j for _, j in pairs])
    assignments = pd.DataFrame(
        [(int(vols["volunteer_id"].iloc[j]), int(places["household_id"].iloc[i]), float(d))
         for (i, j), d in zip(pairs, metres)], columns=["volunteer_id", "household_id", "distance_m"])
    done = {i for i, _ in pairs}
    in_reach = dist <= settings.reach_m
    # A household whose 三包一 team is overloaded stays uncovered when a volunteer is found for it: it is counted
    # so here, as coverage() will count it once the assignment is written.
    team_over = set(cover.loc[cover["team_overloaded"], "household_id"].astype(int))
    left = [i for i in range(len(places)) if i not in done]
    left_ids = {int(places["household_id"].iloc[i]) for i in left}
    uncovered = pd.DataFrame(
        [(int(places["household_id"].iloc[i]), "all_in_reach_full" if in_reach[i].any() else "no_volunteer_in_reach")
         for i in left] + [(h, "team_overloaded") for h in sorted(team_over - left_ids)],
        columns=["household_id", "reason"])
    covered_now = int(cover["covered"].sum())
    gained = int((~assignments["household_id"].isin(team_over)).sum())
    far = set(todo.loc[todo["reason"] == "assigned_out_of_reach", "household_id"].astype(int))
    replaces: dict[int, list[int]] = {}
    for v, h in queries.fetch_all(con, "coverage_assignments", **scope.params(), today=today):
        if int(h) in far:
            replaces.setdefault(int(h), []).append(int(v))
    return Suggestion(today, assignments, uncovered, covered_now, covered_now + gained, len(cover),
                      float(assignments["distance_m"].sum()), time.perf_counter() - started, scope, replaces)


def apply(con: duckdb.DuckDBPyConnection, actor: User | None, suggestion: Suggestion,
          chosen_household_ids=None) -> int:
    """Write the chosen suggested assignments (all when None) in one audited transaction: all or nothing."""
    _need(actor, "manage_coverage")
    rows = suggestion.assignments
    if chosen_household_ids is not None:
        rows = rows[rows["household_id"].isin([int(h) for h in chosen_household_ids])]
    if rows.empty:
        return 0
    scope = roles.scope_for(con, actor, suggestion.today)
    visible = set(_households(con, scope, CoverageSettings(), suggestion.today)["household_id"].astype(int))
    outside = [int(h) for h in rows["household_id"] if int(h) not in visible]
    if outside:
        raise CoverageError("coverage.error.out_of_scope", household_id=outside[0])

    def work():
        # Re-checked inside the transaction: a suggestion computed before someone else's apply may be stale.
        load = _volunteers(con, Scope(), suggestion.today).set_index("volunteer_id")
        for vid, extra in rows["volunteer_id"].astype(int).value_counts().items():
            if vid not in load.index or not load.loc[vid, "active"] or \
                    load.loc[vid, "assigned"] + extra > load.loc[vid, "capacity"]:
                raise CoverageError("coverage.error.capacity", volunteer_id=int(vid))
        for r in rows.itertuples(index=False):
            for far in suggestion.replaces.get(int(r.household_id), []):
                for name in ("coverage_assignment_end", "coverage_assignment_drop"):
                    queries.fetch_all(con, name, volunteer_id=far, household_id=int(r.household_id),
                                      today=suggestion.today)
                audit.record(con, actor, "write", f"volunteer_assignment:{far}:{int(r.household_id)}",
                             old={"volunteer_id": far, "household_id": int(r.household_id)},
                             new={"end_date": suggestion.today - timedelta(days=1), "why": "assigned_out_of_reach"})
            queries.fetch_all(con, "coverage_assignment_insert", volunteer_id=int(r.volunteer_id),
                              household_id=int(r.household_id), start_date=suggestion.today)
            audit.record(con, actor, "write", f"volunteer_assignment:{int(r.volunteer_id)}:{int(r.household_id)}",
                         new={"volunteer_id": int(r.volunteer_id), "household_id": int(r.household_id),
                              "start_date": suggestion.today, "distance_m": round(float(r.distance_m), 1)})
        return len(rows)

    return _retrying(con, work)



# --- the coverage page: what it lists and chooses from --------------------------------------------------------

def building_gaps(con: duckdb.DuckDBPyConnection, scope: Scope, settings: CoverageSettings,
                  today: date) -> pd.DataFrame:
    """Every building in scope (name, compound, grid cell, outline) with its vulnerable, uncovered and not
    contacted households, 0 where it has none: what the gap map colours."""
    found = place_lists.buildings(con, scope)[["building_id", "name", "compound", "grid", "geojson"]]
    frame = found.merge(by_building(coverage(con, scope, settings, today)), on="building_id", how="left")
    for column in ("vulnerable", "uncovered", "not_contacted"):
        frame[column] = frame[column].fillna(0).astype(int)
    return frame


def gap_counts(gaps: pd.DataFrame) -> dict[str, int]:
    """Households of gap_list() per reason, in the order of GAPS (not contacted last), the reasons it has only."""
    counts = gaps["reason"].value_counts()
    return {r: int(counts[r]) for r in (*GAPS, "not_contacted") if r in counts}


def active_volunteers(con: duckdb.DuckDBPyConnection, scope: Scope, settings: CoverageSettings,
                      today: date) -> pd.DataFrame:
    """volunteer_load() of the volunteers who take households now: the ones a leader can choose."""
    load = volunteer_load(con, scope, settings, today)
    return load[load["active"]].reset_index(drop=True)


def leads(con: duckdb.DuckDBPyConnection, scope: Scope, volunteer_id: int | None, today: date) -> bool:
    """Whether a volunteer is a building leader (楼长) of a building in scope today."""
    return volunteer_id is not None and int(volunteer_id) in set(leaders(con, scope, today)["volunteer_id"])


def leaders_by_volunteer(con: duckdb.DuckDBPyConnection, scope: Scope, today: date) -> pd.DataFrame:
    """One row per building leader in scope (volunteer_id, name) with `places`, what they lead: a list of
    (compound, building, unit_no), unit_no None for a whole building; in leaders()' order."""
    found = leaders(con, scope, today)
    led = [(c, b, None if pd.isna(u) else u) for c, b, u in zip(found["compound"], found["building"],
                                                                  found["unit_no"])]
    grouped = found.assign(volunteer_id=found["volunteer_id"].astype(int), places=led) \
        .groupby("volunteer_id", sort=False).agg(name=("name", "first"), places=("places", list))
    return grouped.reset_index()


def suggestion_rows(con: duckdb.DuckDBPyConnection, scope: Scope, settings: CoverageSettings,
                    suggestion: Suggestion, revealed: set[int] = frozenset()) -> pd.DataFrame:
    """The suggested assignments as a leader reviews them: volunteer, household (compound, building, unit_no,
    room), distance in whole metres, and `replaces`, the names of the far volunteers each one takes over from."""
    names = volunteer_load(con, scope, settings, suggestion.today).set_index("volunteer_id")["name"]
    where = household_labels(con, scope, suggestion.assignments["household_id"], suggestion.today, revealed)
    rows = suggestion.assignments.merge(where, on="household_id")
    return pd.DataFrame({
        "volunteer": rows["volunteer_id"].map(names), "compound": rows["compound"], "building": rows["building"],
        "unit_no": rows["unit_no"], "room": rows["room"], "distance_m": rows["distance_m"].round().astype(int),
        "replaces": [[str(names.get(v, v)) for v in suggestion.replaces.get(int(h), [])]
                     for h in rows["household_id"]],
        "household_id": rows["household_id"]})


def suggestion_uncovered(con: duckdb.DuckDBPyConnection, scope: Scope, suggestion: Suggestion,
                         revealed: set[int] = frozenset()) -> pd.DataFrame:
    """The households the suggestion still leaves uncovered, where they are and why (`reason`)."""
    where = household_labels(con, scope, suggestion.uncovered["household_id"], suggestion.today, revealed)
    return suggestion.uncovered.merge(where, on="household_id")
