"""What each role may see and do. Scope is computed here from the account's links, never from widgets."""

from datetime import date

import duckdb

from resilient.core import queries
from resilient.core.accounts import User
from resilient.core.scope import NOTHING, Scope

# Roles that may see a person's full name and phone, one person at a time, each time logged.
MAY_REVEAL = {"community_leader", "grid_worker", "doctor", "volunteer"}
# Roles that bring data in: registers, staff and volunteer lists, footprints (each import checks rows by scope).
MAY_IMPORT = {"street_admin", "community_leader", "grid_worker"}
# Roles that manage accounts and read the audit log.
ADMINISTRATORS = {"street_admin"}


def scope_for(con: duckdb.DuckDBPyConnection, user: User | None, today: date) -> Scope:
    """The part of the database this person may read. Unknown roles and no user get nothing."""
    if user is None:
        return NOTHING
    community = None if user.community_id is None else (user.community_id,)
    if user.role == "street_admin":
        return Scope()
    if user.role == "community_leader":
        return Scope(community_ids=community)
    if user.role == "grid_worker":
        grids = tuple(r[0] for r in queries.fetch_all(con, "grids_of_staff", staff_id=user.staff_id))
        return Scope(community_ids=community, grid_ids=grids)
    if user.role == "doctor":
        return Scope(community_ids=community, personal="under_measure")
    if user.role == "volunteer":
        households = tuple(r[0] for r in queries.fetch_all(con, "households_of_volunteer",
                                                          volunteer_id=user.volunteer_id, today=today))
        return Scope(community_ids=community, household_ids=households)
    if user.role == "viewer":
        return Scope(community_ids=community, personal="none")
    return NOTHING


def may_reveal(user: User | None) -> bool:
    return user is not None and user.role in MAY_REVEAL


def may_import(user: User | None) -> bool:
    return user is not None and user.role in MAY_IMPORT


def is_administrator(user: User | None) -> bool:
    return user is not None and user.role in ADMINISTRATORS
