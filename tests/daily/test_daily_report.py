"""The daily report (issue 7): figures for any date against hand counts and against the pages' own numbers."""

import html
from datetime import datetime, timedelta

import pytest

from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.coverage import volunteers as coverage
from resilient.daily import arrivals, checks, releases, supervision
from resilient.daily import report as daily_report
from resilient.daily.arrivals import Arrival
from resilient.places import measures
from resilient.places.measures import Filters
from resilient.testing import desk
from resilient.testing import rounds as testing
from tests.conftest import NOW, TODAY
from tests.daily.test_checks import add_home_measures

pytestmark = pytest.mark.both_backends

LEADER = User(1, "leader", "社区书记", "community_leader", community_id=1)
GRID1 = User(2, "grid1", "网格员甲", "grid_worker", community_id=1, staff_id=1)
GRID2 = User(5, "grid2", "网格员乙", "grid_worker", community_id=1, staff_id=2)
ALL = Scope()
EVENING = datetime(2026, 11, 23, 20, 0)


@pytest.fixture
def day(small):
    """test_checks' measures, an arrival today (resident 9 from another area: health monitoring), readings today:
    measure 6 morning on time, measure 7 morning late with 37.5 (an alert)."""
    add_home_measures(small)
    arrivals.register(small, LEADER, Arrival(arrival_date=TODAY, origin="other_area", resident_id=9),
                      now=datetime(2026, 11, 23, 9))
    checks.record_check(small, GRID1, 6, TODAY, "am", 36.5, now=datetime(2026, 11, 23, 9))
    checks.record_check(small, GRID2, 7, TODAY, "am", 37.5, now=datetime(2026, 11, 23, 12, 30))
    return small


def table(frame) -> dict:
    return {(s, i): (v, p, c) for s, i, v, p, c in frame.itertuples(index=False)}


def test_figures_against_hand_counts(day):
    frame = daily_report.report(day, ALL, TODAY, EVENING)
    assert list(frame.columns) == ["section", "item", "value", "previous", "change"]
    got = table(frame)
    # Active at the end of the day: isolation 1 and 6, observation 7 (2 was released on the 22nd), centralised
    # 3, monitoring 5 and today's arrival. The day before, as it stood at its end: the same without the arrival
    # and without centralised 3 (registered only today, at 10:00), and observation 7 only.
    assert got[("measures", "active:all")] == (6, 4, 2)
    assert got[("measures", "active:centralised_quarantine")] == (1, 0, 1)
    assert got[("measures", "active:home_isolation")] == (2, 2, 0)
    assert got[("measures", "active:home_observation")] == (1, 1, 0)
    assert got[("measures", "active:health_monitoring")] == (2, 1, 1)
    assert got[("measures", "new:all")] == (1, 1, 0)
    assert got[("measures", "new:home_observation")] == (0, 1, -1)
    assert got[("measures", "released:home_observation")] == (0, 1, -1)
    assert got[("measures", "due:home_isolation")] == (1, 0, 1)
    assert got[("arrivals", "arrivals:other_area")] == (1, 0, 1)
    assert got[("arrivals", "arrivals:all")] == (1, 0, 1)
    # Checks today: measures 6 and 7 twice; yesterday 1, 6 twice, 7 only in the afternoon (created at 15:00).
    assert got[("checks", "required")] == (4, 5, -1)
    assert got[("checks", "done")] == (1, 0, 1)
    assert got[("checks", "late")] == (1, 0, 1)
    assert got[("checks", "missed")] == (2, 5, -3)
    assert got[("checks", "alerts_raised")] == (1, 0, 1)
    assert got[("checks", "alerts_open")] == (1, 0, 1)
    assert got[("teams", "unassigned_households")] == (2, 2, 0)
    assert not any(s == "testing" for s, _ in got)


def test_figures_equal_what_the_pages_show(day):
    got = table(daily_report.report(day, ALL, TODAY, EVENING))
    for scope in (ALL, Scope(community_ids=(1,), grid_ids=(1,)), Scope(personal="none")):
        got = table(daily_report.report(day, scope, TODAY, EVENING))
        k = measures.kpis(day, scope, Filters(), TODAY, EVENING)
        assert got[("measures", "active:all")][0] == k["active"]
        for category in ("centralised_quarantine", "home_isolation", "home_observation", "health_monitoring"):
            assert got[("measures", f"active:{category}")][0] == k[category]
        assert got[("measures", "due:all")][0] == k["due_today"]
    slots = checks.slots(day, ALL, TODAY, TODAY, EVENING)
    assert table(daily_report.report(day, ALL, TODAY, EVENING))[("checks", "missed")][0] == \
        int((slots["status"] == "missed").sum())
    workers = supervision.workers(day, ALL, TODAY, EVENING)   # Monday: the week is today
    assert int(workers["missed_week"].sum()) == 2 and int(workers["open_alerts"].sum()) == 1
    cover = coverage.kpis(day, ALL, coverage.load_settings(day), TODAY)
    got = table(daily_report.report(day, ALL, TODAY, EVENING))
    assert got[("coverage", "vulnerable_households")][0] == cover["vulnerable_households"] > 0
    assert got[("coverage", "covered_households")][0] == cover["covered_households"]


def test_during_the_day_only_what_happened_so_far(day):
    got = table(daily_report.report(day, ALL, TODAY, datetime(2026, 11, 23, 11, 59, 59)))
    assert got[("checks", "missed")][0] == 0 and got[("checks", "done")][0] == 1
    assert got[("checks", "alerts_raised")][0] == 0
    got = table(daily_report.report(day, ALL, TODAY, datetime(2026, 11, 23, 12)))
    assert got[("checks", "missed")][0] == 1   # measure 7's morning reading came only at 12:30


def test_releases_and_transfers_are_counted_apart(day):
    releases.transfer(day, LEADER, 6, "centralised_quarantine", "同户阳性", now=datetime(2026, 11, 23, 15))
    got = table(daily_report.report(day, ALL, TODAY, EVENING))
    assert got[("measures", "transferred:home_isolation")][0] == 1
    assert got[("measures", "released:all")][0] == 0
    assert got[("measures", "new:centralised_quarantine")][0] == 1
    assert got[("measures", "active:home_isolation")][0] == 1


def test_testing_progress_when_a_round_exists(day):
    round_id = testing.create_round(day, LEADER, 1, "第一轮", TODAY, datetime(2026, 11, 23, 7),
                                    now=datetime(2026, 11, 23, 6))
    desk.open_tube(day, LEADER, round_id, "T1", None)
    desk.add_sample(day, LEADER, round_id, "T1", 1, None, taken_at=datetime(2026, 11, 23, 8))
    got = table(daily_report.report(day, ALL, TODAY, EVENING))
    expected = testing.progress_by_stairwell(day, ALL, round_id, TODAY)
    assert got[("testing", "planned")] == (int(expected["expected"].sum()), 0, int(expected["expected"].sum()))
    assert got[("testing", "planned")][0] == 8   # nine residents, resident 4 in centralised quarantine
    assert got[("testing", "sampled")][0] == 1


def test_printable_page(day):
    frame = daily_report.report(day, ALL, TODAY, EVENING)
    page = daily_report.html_page(frame, TODAY, "zh", "测试社区", generated=EVENING)
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page and "Noto Sans CJK SC" in page
    assert "疫情防控日报 · 2026年11月23日" in page and "<script" not in page and "http" not in page
    assert "在管 · 居家隔离" in page and "境外" in page
    english = daily_report.html_page(frame, TODAY, "en", generated=EVENING)
    assert "Daily epidemic control report · 23 Nov 2026" in english and "Active · Home isolation" in english


def test_the_printed_report_carries_each_figure_s_definition(day):
    """A printed page travels without the dashboard's hover text: its definitions go with it, the rules' numbers
    filled in, once per figure (the measures' metrics once, not once per category)."""
    frame = daily_report.report(day, ALL, TODAY, EVENING)
    page = daily_report.html_page(frame, TODAY, "zh", "测试社区", generated=EVENING, con=day)
    assert "统计口径" in page
    for item in ("new", "due", "teams", "overloaded_teams"):
        assert html.escape(daily_report.definition(item, "zh", day)) in page
    assert page.count(html.escape(daily_report.definition("active", "zh", day))) == 1
    assert "{" not in page.split("统计口径")[1]   # every placeholder filled


def test_demo_database_report_runs(demo_db):
    con, _ = demo_db
    now = datetime.combine(TODAY, datetime.min.time()) + timedelta(hours=20)
    frame = daily_report.report(con, ALL, TODAY, now)
    got = table(frame)
    k = measures.kpis(con, ALL, Filters(), TODAY, now)
    assert got[("measures", "active:all")][0] == k["active"] > 0
    assert got[("teams", "teams")][0] >= 8 and got[("teams", "unassigned_households")][0] == 0
    assert got[("checks", "done")][1] > 0 and got[("checks", "missed")][1] > 0
    assert got[("arrivals", "arrivals:all")][0] > 0
    assert daily_report.html_page(frame, TODAY, "zh").count("<table>") == len(set(frame["section"]))


def test_measure_grid_puts_categories_in_rows_and_changes_in_brackets(day):
    frame = daily_report.report(day, ALL, TODAY, EVENING)
    grid = daily_report.measure_grid(frame, "zh").set_index("管控类别")
    active, _, change = table(frame)[("measures", "active:home_isolation")]
    expected = f"{active}" + (f" ({'+' if change > 0 else ''}{change})" if change else "")
    assert list(grid.index)[0] == daily_report.t("report.all", "zh")
    assert len(grid) == 1 + len(daily_report.CATEGORIES)
    assert list(grid.columns) == [daily_report.t(f"report.metric.{m}", "zh") for m in daily_report.MEASURE_METRICS]
    cell = grid.loc[daily_report.t("category.home_isolation", "zh"),
                    daily_report.t("report.metric.active", "zh")]
    assert cell == expected


def test_printable_page_is_audited(day):
    frame = daily_report.report(day, ALL, TODAY, EVENING)
    page = daily_report.audited_html(day, LEADER, frame, TODAY, "zh", "测试社区", EVENING)
    assert page.startswith("<!DOCTYPE html>") and "测试社区" in page
    logged = day.execute("SELECT action, target FROM audit_log WHERE target LIKE 'daily_report:%'").fetchall()
    assert logged == [("export", "daily_report:2026-11-23")]


def test_supplies_and_edge_rows_are_the_pages_own_counts(demo_db):
    """Requests, the store, support, health codes, cases and firms: each report row is the kpis() its page's
    card shows, under the card's own label (one figure, one definition)."""
    import math

    from resilient.coverage import support
    from resilient.daily import figures as registry
    from resilient.edge import cases, firms, health_codes
    from resilient.supplies import requests, store

    con, _ = demo_db
    day, now = TODAY, NOW   # the day the session's demo describes
    got = {item: value for item, value in daily_report.report(con, ALL, day, now).set_index("item")["value"].items()}
    asked, kept, cared = requests.kpis(con, ALL, day, now), store.kpis(con, ALL, day), support.kpis(con, ALL, day)
    expected = {"requests_new": asked["new"], "requests_delivered": asked["delivered"],
                "requests_overdue": asked["overdue"], "store_below": kept["below"],
                "store_lowest_days": math.floor(kept["lowest_days"]), "support_open": cared["open"],
                "support_not_followed_up": cared["not_followed_up"],
                "codes_yellow": health_codes.kpis(con, ALL, day)["yellow"],
                "cases_matched": cases.kpis(con, ALL, day)["cases_matched"],
                "firms_notices_overdue": firms.kpis(con, ALL, day)["notices_overdue"]}
    assert {k: got.get(k) for k in expected} == expected
    assert kept["items"] and cared["open"] and expected["cases_matched"] and expected["firms_notices_overdue"]
    for item in set(expected) - {"store_lowest_days"}:
        assert daily_report.item_label(item, "zh") == daily_report.t(registry.REPORT_CARDS[item], "zh", n=2)
    # the store card shows tenths (3.5), the report whole days (3): never under one label
    assert daily_report.item_label("store_lowest_days", "zh") != daily_report.t("store.kpi.lowest", "zh")
