"""三包一 teams (issue 7): every home-isolated flat gets a grid worker, a doctor and a police officer.

A team belongs to the grid cells of its grid worker (grid_cell.grid_worker_id), so the suggestion for a flat is
the least loaded team of the flat's grid cell. Load is home-isolated people against the standard of 9 per team
(coverage settings, team_standard_load), the same count coverage.team_load shows.
"""

from datetime import date, datetime

import duckdb
import pandas as pd

from resilient.core import audit, config, queries
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.coverage import volunteers as coverage
from resilient.daily.rules import DailyError, event, missing, need, retrying, scope_of

LOAD_COLUMNS = ["team_id", "community_id", "grid_ids", "grid_worker_id", "grid_worker", "doctor_id", "doctor",
                "police_id", "police", "households", "isolated_households", "isolated_people", "standard",
                "overloaded"]


def team_load(con: duckdb.DuckDBPyConnection, scope: Scope, today: date, standard: int | None = None) -> pd.DataFrame:
    """Each team in scope: members, grid cells, flats and isolated people on `today`, against the standard
    (the stored one unless given: the coverage page passes the settings it shows)."""
    standard = standard or coverage.load_settings(con).team_standard_load
    frame = queries.fetch_df(con, "team_loads", **scope.params(), today=today)
    frame["grid_ids"] = [[] if missing(g) else [int(x) for x in g] for g in frame["grid_ids"]]
    for column in ("households", "isolated_households", "isolated_people"):
        frame[column] = frame[column].astype(int)
    frame["standard"] = standard
    frame["overloaded"] = frame["isolated_people"] > standard
    return frame[LOAD_COLUMNS]


def _household(con, scope: Scope, household_id: int, today: date) -> dict:
    found = queries.fetch_df(con, "team_household_info", **scope.params(), household_id=int(household_id),
                             today=today)
    if found.empty:
        raise DailyError("teams.error.household_out_of_scope", household_id=household_id)
    row = found.iloc[0].to_dict()
    row["team_id"] = None if missing(row["team_id"]) else int(row["team_id"])
    row["under_measure"] = [] if missing(row["under_measure"]) else [int(r) for r in row["under_measure"]]
    return row


def unassigned(con: duckdb.DuckDBPyConnection, scope: Scope, today: date) -> pd.DataFrame:
    """Every home-isolated flat in scope without a team on `today`, with the suggested team: the least loaded
    team of its grid cell counting the flats suggested above it in the list, so that assigning every
    suggestion spreads a cell's flats over its teams instead of piling them on one."""
    frame = queries.fetch_df(con, "team_unassigned", **scope.params(), today=today)
    if frame.empty:
        return frame.assign(suggested_team_id=pd.Series(dtype=object))
    frame["isolated_people"] = frame["isolated_people"].astype(int)
    loads = team_load(con, Scope(community_ids=tuple(sorted({int(c) for c in frame["community_id"]}))), today)
    grid_worker = dict(queries.fetch_all(con, "team_grid_workers", grid_ids=[int(g) for g in frame["grid_id"]]))
    running = {int(t): [int(p), int(h)] for t, p, h in zip(loads["team_id"], loads["isolated_people"],
                                                           loads["households"])}
    teams_of: dict[int, list[int]] = {}
    for team, worker in zip(loads["team_id"], loads["grid_worker_id"]):
        teams_of.setdefault(int(worker), []).append(int(team))
    suggested = []
    for grid, people in zip(frame["grid_id"], frame["isolated_people"]):
        options = teams_of.get(grid_worker.get(int(grid)), [])
        if not options:
            suggested.append(None)
            continue
        best = min(options, key=lambda t: (*running[t], t))
        running[best][0] += int(people)
        running[best][1] += 1
        suggested.append(best)
    frame["suggested_team_id"] = pd.Series(suggested, index=frame.index, dtype=object)
    return frame


def create_team(con: duckdb.DuckDBPyConnection, actor: User | None, community_id: int, grid_worker_id: int,
                doctor_id: int, police_id: int, today: date | None = None) -> int:
    """A new team of three from the community's staff, each in the right post; returns its id."""
    need(actor, "supervise")
    scope = scope_of(con, actor, today or config.today())
    if scope.community_ids is not None and int(community_id) not in scope.community_ids:
        raise DailyError("teams.error.community_out_of_scope", community_id=community_id)
    wanted = {"grid_worker": grid_worker_id, "doctor": doctor_id, "police": police_id}
    roles = dict(queries.fetch_all(con, "team_staff", community_id=int(community_id),
                                   staff_ids=[int(s) for s in wanted.values() if s is not None]))
    for role, staff_id in wanted.items():
        if staff_id is None or roles.get(int(staff_id)) != role:
            raise DailyError("teams.error.member", role=role, staff_id=staff_id)

    def work():
        team_id = int(queries.fetch_all(con, "team_insert", community_id=int(community_id),
                                        grid_worker_id=int(grid_worker_id), doctor_id=int(doctor_id),
                                        police_id=int(police_id))[0][0])
        audit.record(con, actor, "team_created", f"team:{team_id}", new={"community_id": int(community_id),
                     **{k: int(v) for k, v in wanted.items()}})
        return team_id

    return retrying(con, work)


def assign_team(con: duckdb.DuckDBPyConnection, actor: User | None, household_id: int, team_id: int,
                today: date, now: datetime | None = None, reason: str | None = None) -> int | None:
    """Put a flat with a team from `today` (ending its current team); returns the previous team's id.
    The people of the flat under a measure get the change in their history."""
    return assign_teams(con, actor, [(household_id, team_id)], today, now, reason)[0]


def assign_teams(con: duckdb.DuckDBPyConnection, actor: User | None, pairs, today: date,
                 now: datetime | None = None, reason: str | None = None) -> list[int | None]:
    """Several (household, team) assignments at once, all or none: one refusal (naming its flat) writes
    nothing, so a leader's "assign all" never leaves half the flats moved."""
    need(actor, "assign_teams")
    now = now or config.now()
    scope = scope_of(con, actor, today)

    def work():
        return [_assign(con, actor, scope, int(h), int(t), today, now, reason) for h, t in pairs]

    return retrying(con, work)


def _assign(con, actor: User, scope, household_id: int, team_id: int, today: date, now: datetime,
            reason: str | None) -> int | None:
    flat = _household(con, scope, household_id, today)
    found = queries.fetch_df(con, "team_get", team_id=team_id)
    if found.empty or int(found.iloc[0]["community_id"]) != int(flat["community_id"]):
        raise DailyError("teams.error.unknown_team", team_id=team_id)
    if flat["team_id"] == team_id:
        raise DailyError("teams.error.already", household_id=household_id, team_id=team_id)
    if actor.role == "grid_worker" and found.iloc[0]["grid_worker_id"] != actor.staff_id:
        raise DailyError("teams.error.other_grid", team_id=team_id)
    queries.fetch_all(con, "team_household_end", household_id=household_id, today=today)
    queries.fetch_all(con, "team_household_start", team_id=team_id, household_id=household_id, today=today)
    for resident_id in flat["under_measure"]:
        event(con, actor, resident_id, None, "team_assigned", now, reason=(reason or "").strip() or None,
              detail={"household_id": household_id, "old_team_id": flat["team_id"], "new_team_id": team_id})
    audit.record(con, actor, "team_assigned", f"household:{household_id}",
                 old={"team_id": flat["team_id"]}, new={"team_id": team_id, "from": today})
    return flat["team_id"]


def households(con: duckdb.DuckDBPyConnection, scope: Scope, today: date) -> pd.DataFrame:
    """(team_id, household_id) pairs on `today` in scope."""
    return queries.fetch_df(con, "team_households", **scope.params(), today=today)


def team_households(con: duckdb.DuckDBPyConnection, scope: Scope, today: date) -> pd.DataFrame:
    """Each team's flats on `today` in scope: compound, building, unit, room, since when, isolated people."""
    frame = queries.fetch_df(con, "team_household_list", **scope.params(), today=today)
    frame["isolated_people"] = frame["isolated_people"].astype(int)
    return frame


def staff(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Grid workers, doctors and police of the communities in scope (staff_id, community_id, role, name): who
    can be put on a team, and (grid workers and doctors) who can follow a person."""
    return queries.fetch_df(con, "team_staff_choices", **scope.params())


# --- the supervisor's page: where a flat can move, who can join a team ------------------------------------------

POSTS = ("grid_worker", "doctor", "police")


def move_candidates(con: duckdb.DuckDBPyConnection, scope: Scope, team_id: int, today: date) -> pd.DataFrame:
    """The teams a flat of `team_id` can move to (team_load rows): the others of its community, those of the
    same grid worker first, then the least loaded (isolated people, then flats), so the likeliest is on top."""
    loads = team_load(con, scope, today)
    own = loads[loads["team_id"] == int(team_id)]
    if own.empty:
        return loads.iloc[0:0]
    worker, community = own.iloc[0]["grid_worker_id"], own.iloc[0]["community_id"]
    found = loads[(loads["community_id"] == community) & (loads["team_id"] != int(team_id))]
    found = found.assign(other_worker=found["grid_worker_id"] != worker)
    return found.sort_values(["other_worker", "isolated_people", "households", "team_id"]) \
        .drop(columns="other_worker").reset_index(drop=True)


def member_choices(con: duckdb.DuckDBPyConnection, scope: Scope, community_id: int,
                   today: date) -> dict[str, pd.DataFrame]:
    """Per post (POSTS), the community's staff who can fill it, with the number of teams each serves on
    already (`serving`), so a new team does not pile on the same people."""
    loads = team_load(con, scope, today)
    serving = pd.concat([loads["grid_worker_id"], loads["doctor_id"], loads["police_id"]]).value_counts()
    found = staff(con, scope)
    found = found[found["community_id"] == int(community_id)]
    return {post: found[found["role"] == post].assign(
        serving=lambda f: [int(serving.get(s, 0)) for s in f["staff_id"]]).reset_index(drop=True) for post in POSTS}


def flats_of(con: duckdb.DuckDBPyConnection, scope: Scope, team_id: int, today: date) -> pd.DataFrame:
    """One team's flats on `today` in scope (team_households narrowed to it)."""
    frame = team_households(con, scope, today)
    return frame[frame["team_id"] == int(team_id)].reset_index(drop=True)
