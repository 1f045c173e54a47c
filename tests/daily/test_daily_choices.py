"""The daily pages' rules, on the domain: the check list's half-day, figures and filters, recent missed checks;
which releases to show and what may be done; a flat as typed at the gate, a measure's end, arrivals by origin."""

from datetime import date, timedelta

import pandas as pd
import pytest

from resilient.daily import arrivals, checks, releases, rules
from resilient.daily.rules import DailyError, DailySettings
from tests.conftest import TODAY
from tests.daily import test_checks
from tests.daily.test_checks import ALL, GRID1, LEADER, YESTERDAY, at

pytestmark = pytest.mark.both_backends

home = test_checks.home


def test_the_half_day_a_worker_is_filling_in():
    assert checks.default_period(DailySettings(), at(11, 59, 59)) == "am"
    assert checks.default_period(DailySettings(), at(12)) == "pm"
    assert checks.default_period(DailySettings(am_due="10:00"), at(10, 30)) == "pm"


def test_only_a_grid_workers_list_adds_their_own_people():
    assert checks.viewer_staff_id(GRID1) == 1
    assert checks.viewer_staff_id(LEADER) is None and checks.viewer_staff_id(None) is None


def test_check_list_figures_and_filters(home):
    people = checks.check_list(home, ALL, TODAY, at(20))
    assert sorted(people["measure_id"]) == [6, 7]
    assert checks.period_counts(people, "am") == {"due": 2, "done": 0, "todo": 2, "not_required": 0}
    checks.record_check(home, GRID1, 6, TODAY, "am", 36.6, now=at(13))        # late, still a reading
    people = checks.check_list(home, ALL, TODAY, at(20))
    assert checks.period_counts(people, "am") == {"due": 2, "done": 1, "todo": 1, "not_required": 0}
    assert checks.period_counts(people, "pm") == {"due": 2, "done": 0, "todo": 2, "not_required": 0}
    assert checks.narrow(people, "am", todo_only=True)["measure_id"].tolist() == [7]
    assert checks.narrow(people, "pm", todo_only=True)["measure_id"].tolist() == [6, 7]
    # Found by flat (as the hint shows it: building-stairwell-room) or by part of the compound and building.
    assert checks.narrow(people, "am", find="1栋-1-201")["measure_id"].tolist() == [6]
    assert checks.narrow(people, "am", find=" A苑2栋 ")["measure_id"].tolist() == [7]
    assert checks.narrow(people, "am", todo_only=True, find="1栋").empty
    assert checks.narrow(people, "am", find="9栋").empty


def test_missed_checks_of_the_last_days(home):
    found = checks.missed_recently(home, ALL, TODAY, at(20))
    assert set(found["status"]) == {"missed"} and found["day"].min() >= TODAY - timedelta(days=6)
    assert found["name"].str.contains(r"\*").all()                      # masked, like every list
    assert {(7, YESTERDAY, "pm"), (6, TODAY, "am")} <= set(zip(found["measure_id"], found["day"], found["period"]))
    assert (7, YESTERDAY, "am") not in set(zip(found["measure_id"], found["day"], found["period"]))  # not required
    today_only = checks.missed_recently(home, ALL, TODAY, at(20), days=1)
    assert set(today_only["day"]) == {TODAY}
    assert checks.missed_recently(home, ALL, TODAY, at(20), own_staff_id=1, days=1)["measure_id"].nunique() >= 1


def due_frame() -> pd.DataFrame:
    return pd.DataFrame({"measure_id": [1, 2, 3, 4], "due": ["today", "overdue", "today", "tomorrow"],
                         "ready": [True, False, True, False]})


def test_releases_counted_and_shown_by_choice():
    frame = due_frame()
    assert releases.due_counts(frame) == {"overdue": 1, "today": 2, "tomorrow": 1}
    assert releases.show_counts(frame) == {"ready": 2, "all": 4, "blocked": 2}
    assert releases.shown_due(frame, "ready")["measure_id"].tolist() == [1, 3]
    assert releases.shown_due(frame, "blocked")["measure_id"].tolist() == [2, 4]
    assert releases.shown_due(frame, "all")["measure_id"].tolist() == [1, 2, 3, 4]
    assert releases.show_counts(frame.iloc[0:0]) == {"ready": 0, "all": 0, "blocked": 0}


def test_what_may_be_done_to_a_measure_and_the_end_it_gives():
    assert releases.actions_for("home_isolation") == ["extend", "hospital", "centralised_quarantine"]
    assert releases.actions_for("centralised_quarantine") == ["extend", "hospital"]
    end = date(2026, 11, 30)
    assert releases.new_end("extend", end, 5, TODAY) == date(2026, 12, 5)
    assert releases.new_end("centralised_quarantine", end, 14, TODAY) == TODAY + timedelta(days=14)
    assert releases.new_end("hospital", end, 14, TODAY) is None


def test_a_flat_as_typed_at_the_gate():
    assert arrivals.flat_code("3栋", 2, "1502") == "3-2-1502"
    assert arrivals.flat_code("12号楼", 1, "101") == "12-1-101"
    assert arrivals.flat_code("综合楼", 1, "101") is None


def test_a_measures_end_and_arrivals_by_origin():
    assert arrivals.planned_end(TODAY, 14) == TODAY + timedelta(days=14)
    frame = pd.DataFrame({"origin": ["abroad", "key_area", "abroad"]})
    assert arrivals.origin_counts(frame) == {"abroad": 2, "key_area": 1, "other_area": 0, "close_contact": 0}
    assert set(arrivals.origin_counts(frame.iloc[0:0]).values()) == {0}


def test_a_settings_refusal_names_each_setting():
    with pytest.raises(DailyError) as refused:
        DailySettings(am_due="19:00", fever_threshold=30)
    assert rules.settings_fields(refused.value) == ["fever_threshold", "am_due", "pm_due"]
    assert rules.settings_fields(DailyError("daily.error.settings", field="am_due / pm_due")) == ["am_due", "pm_due"]
    assert rules.settings_fields(DailyError("daily.error.busy")) == []
