"""Every figure the pages and the daily report show: its label, the one function computing it, its definition.

A label is a translation key; the same words on two pages must mean the same count, so two labels that read
alike share one Figure (tests/daily/test_figures.py checks, in every language). Pages show figures through
ui.figures.show, which puts the definition on hover; the report lists its figures with the same definitions.
Sources are named as "module:function" strings: the registry imports nothing it describes, so any module may
use it.
"""

from dataclasses import dataclass

from resilient.core.i18n import CATEGORIES


@dataclass(frozen=True)
class Figure:
    """One definition: `source` computes it, `help` (a translation key) says in a line what it counts; `count`
    names the value a plural help text is chosen by, `label_count` the one of a plural label."""

    source: str
    help: str
    count: str | None = None
    label_count: str | None = None


# Shared definitions: figures read alike on several pages because they are one count.
OVERLOADED_TEAMS = Figure("resilient.daily.teams:team_load", "def.overloaded_teams")
OVERLOADED_VOLUNTEERS = Figure("resilient.coverage.volunteers:kpis", "def.overloaded_volunteers")
TEAMS = Figure("resilient.daily.teams:team_load", "def.supervision.teams")
VULNERABLE = Figure("resilient.coverage.volunteers:kpis", "def.coverage.vulnerable")
NOT_CONTACTED = Figure("resilient.coverage.volunteers:kpis", "def.coverage.not_contacted", label_count="n")
DUE = {when: Figure("resilient.places.measures:due_counts", f"def.due.{when}")
       for when in ("overdue", "today", "tomorrow")}
CHECKS = "resilient.daily.checks:period_counts"
WEEK = "resilient.daily.supervision:totals"
ROUNDS = "resilient.testing.rounds"
PLANS = "resilient.testing.plans:compare"
SUPPORT = "resilient.coverage.support:kpis"
STORE = "resilient.supplies.store:kpis"

FIGURES: dict[str, Figure] = {
    # daily checks (views/daily/checks.py)
    "checks.kpi.due": Figure(CHECKS, "def.checks.due"),
    "checks.kpi.done": Figure(CHECKS, "def.checks.done"),
    "checks.kpi.todo": Figure(CHECKS, "def.checks.todo"),
    "checks.kpi.not_required": Figure(CHECKS, "def.checks.not_required"),
    "checks.kpi.missed_week": Figure("resilient.daily.checks:missed_recently", "def.checks.missed_week"),
    # supervision, grid-worker tab and 三包一 tab (views/daily/supervision.py, supervision_teams.py)
    "supervision.kpi.workers_overloaded": Figure(WEEK, "supervision.kpi.workers_overloaded_help", count="n"),
    "supervision.kpi.missed_week": Figure(WEEK, "def.supervision.missed_week"),
    "supervision.kpi.open_alerts": Figure(WEEK, "def.supervision.open_alerts"),
    "supervision.kpi.followed": Figure(WEEK, "def.supervision.followed"),
    "supervision.kpi.teams": TEAMS,
    "supervision.kpi.teams_overloaded": OVERLOADED_TEAMS,
    "supervision.kpi.unassigned": Figure("resilient.daily.teams:unassigned", "supervision.kpi.unassigned_help"),
    "supervision.kpi.team_missed_week": Figure(WEEK, "def.supervision.team_missed_week"),
    "supervision.kpi.team_open_alerts": Figure(WEEK, "def.supervision.team_open_alerts"),
    # releases (views/daily/releases.py) and the overview's releases due (views/maps/overview.py)
    **{f"release.due.{when}": figure for when, figure in DUE.items()},
    "overview.kpi.due_today": DUE["today"],
    "overview.kpi.due_tomorrow": DUE["tomorrow"],
    # overview (views/maps/overview.py)
    "overview.kpi.residents": Figure("resilient.places.measures:kpis", "def.overview.residents"),
    "overview.kpi.households": Figure("resilient.places.measures:kpis", "def.overview.households"),
    "overview.kpi.active": Figure("resilient.places.measures:kpis", "def.overview.active"),
    "overview.kpi.new_24h": Figure("resilient.places.measures:kpis", "def.overview.new_24h"),
    **{f"category.{c}": Figure("resilient.places.measures:kpis", "def.overview.active_category")
       for c in CATEGORIES},
    # arrivals (views/daily/arrivals_sheets.py)
    "arrivals.kpi.all": Figure("resilient.daily.arrivals:arrivals", "def.arrivals.all"),
    **{f"origin.{o}": Figure("resilient.daily.arrivals:origin_counts", "def.arrivals.origin")
       for o in ("abroad", "key_area", "other_area", "close_contact")},
    # coverage (views/maps/coverage.py)
    "coverage.kpi.vulnerable": VULNERABLE,
    "coverage.kpi.covered": Figure("resilient.coverage.volunteers:kpis", "coverage.kpi.covered_help", count="n"),
    "coverage.kpi.not_contacted": NOT_CONTACTED,
    "coverage.kpi.overloaded_volunteers": OVERLOADED_VOLUNTEERS,
    "coverage.kpi.overloaded_teams": OVERLOADED_TEAMS,
    "coverage.covered_now": Figure("resilient.coverage.volunteers:suggest", "def.coverage.covered_now"),
    "coverage.covered_after": Figure("resilient.coverage.volunteers:suggest", "def.coverage.covered_after"),
    "coverage.walking": Figure("resilient.coverage.volunteers:suggest", "def.coverage.walking"),
    # support for those who struggle (views/supplies/support.py)
    "support.kpi.open": Figure(SUPPORT, "def.support.open"),
    "support.kpi.referred": Figure(SUPPORT, "def.support.referred"),
    "support.kpi.followed_up": Figure(SUPPORT, "def.support.followed_up", count="days"),
    "support.kpi.not_followed_up": Figure(SUPPORT, "def.support.not_followed_up", count="days"),
    # pick-up points (views/supplies/pickup.py)
    "pickup.kpi.points": Figure("resilient.supplies.pickup:kpis", "def.pickup.points"),
    "pickup.kpi.told": Figure("resilient.supplies.pickup:kpis", "def.pickup.told"),
    "pickup.kpi.door": Figure("resilient.supplies.door:door_households", "def.pickup.door"),
    "pickup.kpi.farthest": Figure("resilient.supplies.pickup:kpis", "def.pickup.farthest"),
    "pickup.suggest.points": Figure("resilient.supplies.pickup:suggest", "def.pickup.suggest.points"),
    "pickup.suggest.farthest": Figure("resilient.supplies.pickup:suggest", "def.pickup.suggest.farthest"),
    "pickup.suggest.walk": Figure("resilient.supplies.pickup:PickupSettings", "def.pickup.suggest.walk"),
    # mass testing (views/maps/testing_*.py)
    "testing.at_sites": Figure(f"{ROUNDS}:mode_counts", "def.testing.at_sites"),
    "testing.door_to_door": Figure(f"{ROUNDS}:mode_counts", "def.testing.door_to_door"),
    "testing.excluded": Figure(f"{ROUNDS}:mode_counts", "def.testing.excluded"),
    "testing.suggested": Figure("resilient.testing.planner:suggest_sizing", "def.testing.suggested"),
    "testing.retest_people": Figure("resilient.testing.retests:retest_counts", "def.testing.retest_people"),
    "testing.retest_waiting": Figure("resilient.testing.retests:retest_counts", "def.testing.retest_waiting"),
    "testing.negative": Figure("resilient.testing.retests:retest_counts", "def.testing.retest_negative"),
    "testing.positive": Figure("resilient.testing.retests:retest_counts", "def.testing.retest_positive"),
    "testing.proposal_kept": Figure(PLANS, "def.testing.proposal_kept"),
    "testing.proposal_moved": Figure(PLANS, "def.testing.proposal_moved"),
    "testing.proposal_retimed": Figure(PLANS, "def.testing.proposal_retimed"),
    "testing.proposal_new": Figure(PLANS, "def.testing.proposal_new"),
    "testing.proposal_dropped": Figure(PLANS, "def.testing.proposal_dropped"),
    "testing.sampled": Figure(f"{ROUNDS}:progress_totals", "def.testing.sampled"),
    "testing.estimated_finish": Figure(f"{ROUNDS}:estimated_finish", "def.testing.estimated_finish"),
    # the emergency store (views/supplies/store.py); the daily report's store figures come from the same kpis
    "store.kpi.items": Figure(STORE, "def.store.items"),
    "store.kpi.below": Figure(STORE, "def.store.below"),
    "store.kpi.lowest": Figure(STORE, "def.store.lowest"),
    # requests from sealed households (views/supplies/requests.py); the daily report takes the same kpis()
    **{f"requests.kpi.{k}": Figure("resilient.supplies.requests:kpis", f"def.requests.{k}")
       for k in ("new", "delivered", "failed", "overdue")},
    # delivery rounds (views/supplies/rounds.py)
    "rounds.kpi.doors": Figure("resilient.supplies.rounds:propose", "def.rounds.doors"),
    "rounds.kpi.planned": Figure("resilient.supplies.rounds:propose", "def.rounds.planned"),
    "rounds.kpi.arrival": Figure("resilient.supplies.rounds:propose", "def.rounds.arrival"),
    "rounds.kpi.left": Figure("resilient.supplies.rounds:propose", "def.rounds.left"),
    # health codes on the overview (views/maps/overview_codes.py) and their page (views/edge/health_codes.py)
    **{f"health_codes.kpi.{c}": Figure("resilient.edge.health_codes:counts", f"def.health_codes.{c}")
       for c in ("green", "yellow", "red")},
    "health_codes.kpi.changed_today": Figure("resilient.edge.health_codes:counts", "def.health_codes.changed_today"),
    "health_codes.kpi.alerts_open": Figure("resilient.edge.health_codes:counts", "def.health_codes.alerts_open"),
    # disinfection rounds (views/edge/disinfection.py)
    "disinfection.kpi.done": Figure("resilient.edge.disinfection:kpis", "def.disinfection.done"),
    "disinfection.kpi.missed": Figure("resilient.edge.disinfection:kpis", "def.disinfection.missed"),
    "disinfection.kpi.due": Figure("resilient.edge.disinfection:kpis", "def.disinfection.due"),
    # cases and contacts (views/edge/cases.py)
    **{f"cases.kpi.{k}": Figure("resilient.edge.cases:kpis", f"def.cases.{k}")
       for k in ("cases_matched", "cases_new", "contacts_linked", "contacts_placed")},
}

# The daily report's figures by metric (its items are "metric:subject"; see report_key).
REPORT = "resilient.daily.report:figures"
FIGURES.update({
    **{f"report.metric.{m}": Figure(REPORT, f"def.report.{m}")
       for m in ("new", "released", "transferred", "active", "due", "arrivals", "required", "done", "late",
                 "missed", "alerts_raised", "alerts_open", "unassigned_households", "rounds", "planned", "sampled")},
    "report.metric.teams": TEAMS,
    "report.metric.vulnerable_households": VULNERABLE,
    "report.metric.covered_households": Figure("resilient.coverage.volunteers:kpis", "def.report.covered_households"),
    "report.metric.not_contacted": Figure(NOT_CONTACTED.source, NOT_CONTACTED.help),
    "report.metric.overloaded_teams": OVERLOADED_TEAMS,
    "report.metric.overloaded_volunteers": OVERLOADED_VOLUNTEERS,
    # whole days, where the store page's card shows tenths: a label of its own, so the two never read alike
    "report.metric.store_lowest_days": Figure(STORE, "def.report.store_lowest_days"),
})


# Report items that are a page's card: the report shows the card's own label, so its own figure and definition.
REPORT_CARDS = {
    "requests_new": "requests.kpi.new", "requests_delivered": "requests.kpi.delivered",
    "requests_failed": "requests.kpi.failed", "requests_overdue": "requests.kpi.overdue",
    "door_households": "pickup.kpi.door", "store_below": "store.kpi.below",
    "support_open": "support.kpi.open", "support_referred": "support.kpi.referred",
    "support_followed_up": "support.kpi.followed_up", "support_not_followed_up": "support.kpi.not_followed_up",
    "passes_out_now": "gate.kpi.out_now", "passes_out_over": "gate.kpi.out_over",
    "passes_scans_today": "gate.kpi.scans_today", "passes_visits_to_make": "gate.kpi.visits_to_make",
    **{f"codes_{c}": f"health_codes.kpi.{c}" for c in ("green", "yellow", "red")},
    **{k: f"cases.kpi.{k}" for k in ("cases_matched", "cases_new", "contacts_linked", "contacts_placed")},
    "disinfection_done": "disinfection.kpi.done", "disinfection_missed": "disinfection.kpi.missed",
    **{f"firms_{k}": f"firms.kpi.{k}" for k in ("firms", "reopened", "under_notice", "notices_overdue",
                                                "pledges_signed")},
}


def report_key(item: str) -> str:
    """The label key of a report item: 'new:home_isolation' -> report.metric.new, 'arrivals:abroad' ->
    report.metric.arrivals, 'requests_new' -> requests.kpi.new (a page's card, REPORT_CARDS)."""
    metric = item.partition(":")[0]
    return REPORT_CARDS.get(metric, f"report.metric.{metric}")


def definition(key: str) -> Figure:
    """The figure a label key shows; a KeyError names a figure shown without a definition."""
    return FIGURES[key]

# The gate and arrivals to visit (views/edge/gate.py, gate_manage.py, visits.py; issue 17).
GATES = "resilient.edge.passes:kpis"
VISITS_DUE = Figure("resilient.edge.visits:visits_due", "def.visits.due")
FIGURES.update({
    "gate.kpi.out_now": Figure(GATES, "def.gate.out_now"),
    "gate.kpi.out_over": Figure(GATES, "def.gate.out_over"),
    "gate.kpi.scans_today": Figure(GATES, "def.gate.scans_today"),
    "gate.kpi.issued": Figure(GATES, "def.gate.issued"),
    "gate.kpi.visits_to_make": VISITS_DUE,
    "visits.kpi.due": VISITS_DUE,
})

# Firms and shops (views/edge/firms.py; issue 17): one kpis() for the page's cards and the daily report.
FIRMS = "resilient.edge.firms:kpis"
FIGURES.update({f"firms.kpi.{k}": Figure(FIRMS, f"def.firms.{k}")
                for k in ("firms", "reopened", "under_notice", "notices_overdue", "pledges_signed")})
