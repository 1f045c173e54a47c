"""What each role may see and do. Scope is computed here from the account's links, never from widgets."""

from datetime import date

import duckdb

from resilient.core import queries
from resilient.core.accounts import User
from resilient.core.scope import NOTHING, Scope

# Who may do what: every permission of the dashboard, action -> roles. Scope still limits which rows; a page is
# offered with `may`, and every write checks again with `need` (each module raising its own refusal type).
ADMIN, LEADER, GRID, DOCTOR = "street_admin", "community_leader", "grid_worker", "doctor"
VOLUNTEER, VIEWER = "volunteer", "viewer"
PERMISSIONS: dict[str, frozenset[str]] = {name: frozenset(allowed) for name, allowed in {
    "reveal": {LEADER, GRID, DOCTOR, VOLUNTEER},             # one person's full name and phone, each time logged
    "import": {ADMIN, LEADER, GRID},                         # registers, staff, volunteers, footprints (by scope)
    "create_buildings": {ADMIN, LEADER},                     # add buildings a footprint file has and the register lacks
    "create_community": {ADMIN},                             # a community under the street office
    "set_up_places": {ADMIN, LEADER},                        # grid cells, compounds, buildings, outlines by hand
    "administer": {ADMIN},                                   # accounts, the audit log, backups
    "set_rules": {ADMIN, LEADER},                            # arrival rules and check settings
    "register_arrivals": {ADMIN, LEADER, GRID},              # arrivals at the gate
    "check": {ADMIN, LEADER, GRID, DOCTOR},                  # twice-daily temperatures
    "handle_alerts": {ADMIN, LEADER, DOCTOR},                # fever alerts
    "decide": {ADMIN, LEADER, GRID, DOCTOR},                 # release, extend, transfer
    "supervise": {ADMIN, LEADER},                            # teams, reassignments
    "assign_teams": {ADMIN, LEADER, GRID},                   # put a flat with a 三包一 team
    "report": {ADMIN, LEADER, GRID, DOCTOR, VIEWER},         # the daily report
    "organise_testing": {ADMIN, LEADER, GRID, DOCTOR},       # rounds, sites, plans, lab results, positives
    "plan_testing": {ADMIN, LEADER},                         # write or restore a round's plan: its owner only
    "propose_plan_change": {GRID},                           # propose their cells' stairwell a site or start
    "record_samples": {ADMIN, LEADER, GRID, DOCTOR, VOLUNTEER},   # swabs at a desk (viewers see totals only)
    "manage_coverage": {ADMIN, LEADER, GRID},                # coverage settings and assignments
    "record_contacts": {ADMIN, LEADER, GRID, VOLUNTEER},     # a visit, call or delivery to a household
    "see_support": {ADMIN, LEADER, GRID, DOCTOR, VOLUNTEER, VIEWER},   # households needing care, follow-up duties
    "see_support_reason": {LEADER, GRID, DOCTOR},            # why a household needs care, and the note
    "note_support": {LEADER, GRID, DOCTOR},                  # note, refer and close a support need
    "follow_up_support": {LEADER, GRID, DOCTOR, VOLUNTEER},  # a follow-up visit or call
    "manage_referrals": {ADMIN, LEADER},                     # the community's referral list
    "manage_store": {ADMIN, LEADER},                         # the emergency store's items, receipts, settings
    "issue_store": {ADMIN, LEADER, GRID, DOCTOR},            # hand items out (the doctor: thermometers, disinfectant)
    "request_supplies": {ADMIN, LEADER, GRID, VOLUNTEER},    # a sealed household's request, and moving it along
    "assign_requests": {ADMIN, LEADER, GRID},                # hand any request of their scope to a volunteer
    "dispatch_deliveries": {ADMIN, LEADER, GRID},            # the day's delivery rounds given to volunteers
    "manage_pickup": {ADMIN, LEADER},                        # pick-up points: a plan saved, a point changed
    "set_health_codes": {ADMIN, LEADER, GRID, DOCTOR},       # a resident's health code, by hand or from a sheet
    # Disinfection rounds: the property company's cleaners have no role of their own; grid workers and the
    # volunteers (building leaders among them) walk the buildings and tap the areas done, leaders oversee.
    "disinfect": {ADMIN, LEADER, GRID, VOLUNTEER},
    "set_disinfection": {ADMIN, LEADER},                     # a building's public areas and their rounds a day
    # Case lists and risk areas come to the street office and the committee from the district: they bring them in.
    "import_cases": {ADMIN, LEADER},
    # Tracing is the doctors' work with the committee; placing the contacts' households under measures also needs
    # register_arrivals (the gate's path), so a doctor records and links, a leader or the street places.
    "trace_contacts": {ADMIN, LEADER, DOCTOR},
    "manage_passes": {ADMIN, LEADER, GRID},                  # gates, passes issued and revoked, cards printed
    "scan_passes": {ADMIN, LEADER, GRID, VOLUNTEER},         # gate duty: often volunteers; holders shown masked
    "visit_arrivals": {ADMIN, LEADER, GRID, DOCTOR},         # an arrival's home visit by its 三包一 team
    # Firms and shops: the committee and the street help firms file for reopening, sign pledges, issue notices;
    # grid workers walk the shops of their cells.
    "manage_firms": {ADMIN, LEADER, GRID},                   # the registry, filings, pledges, notices
}.items()}


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


def may(user: User | None, action: str) -> bool:
    """Whether this person may do `action` (a key of PERMISSIONS; an unknown action is a programming error)."""
    allowed = PERMISSIONS[action]
    return user is not None and user.role in allowed


def need(user: User | None, action: str, refusal: Exception) -> None:
    """Raise `refusal` (the calling module's own error type) unless this person may do `action`."""
    if not may(user, action):
        raise refusal
