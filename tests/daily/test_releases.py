"""Releases (issue 7): who is due, the normal-days rule naming what is missing, extension, transfer, history."""

from datetime import date, datetime, timedelta

import pytest

from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.daily import checks, releases
from resilient.daily import rules as daily
from resilient.daily.rules import DailyError, DailySettings
from tests.conftest import TODAY
from tests.daily.test_checks import add_home_measures, at

pytestmark = pytest.mark.both_backends

LEADER = User(1, "leader", "社区书记", "community_leader", community_id=1)
GRID1 = User(2, "grid1", "网格员甲", "grid_worker", community_id=1, staff_id=1)
GRID2 = User(5, "grid2", "网格员乙", "grid_worker", community_id=1, staff_id=2)
VIEWER = User(3, "viewer", "查看", "viewer", community_id=1)
ALL = Scope()
D21, D22 = date(2026, 11, 21), date(2026, 11, 22)


@pytest.fixture
def home(small):
    return add_home_measures(small)


def normal_days(con, measure=1, days=(D21, D22), skip=()):
    for day in days:
        for period, hour in (("am", 9), ("pm", 15)):
            if (day, period) not in skip:
                checks.record_check(con, GRID1, measure, day, period, 36.5, now=at(hour, day=day))


def measure_row(con, measure_id):
    return con.execute("SELECT category, start_date, planned_end, released_at FROM control_measure "
                       "WHERE measure_id = $m", {"m": measure_id}).fetchone()


def contents(con):
    return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall()))
            for t in ("control_measure", "measure_event", "audit_log")}


def test_release_needs_the_last_days_normal_and_names_the_missing_check(home):
    normal_days(home, skip={(D22, "pm")})
    before = contents(home)
    with pytest.raises(DailyError) as refused:
        releases.release(home, GRID1, 1, TODAY, now=at(10))
    assert refused.value.code == "releases.error.missing_check"
    assert refused.value.values == {"measure_id": 1, "day": D22, "period": "pm"}
    assert contents(home) == before
    checks.record_check(home, GRID1, 1, D22, "pm", 36.7, now=at(8))   # late, but recorded and normal
    releases.release(home, GRID1, 1, TODAY, now=at(10))
    assert measure_row(home, 1)[3] == at(10)
    assert home.execute("SELECT kind, by_user FROM measure_event WHERE measure_id = 1 AND kind = 'released'"
                        ).fetchall() == [("released", "grid1")]
    with pytest.raises(DailyError) as refused:
        releases.release(home, GRID1, 1, TODAY, now=at(11))
    assert refused.value.code == "releases.error.ended"


def test_release_refused_for_a_fever_an_open_alert_or_too_early(home):
    normal_days(home, skip={(D21, "am")})
    checks.record_check(home, GRID1, 1, D21, "am", 37.4, now=at(9, day=D21))
    with pytest.raises(DailyError) as refused:
        releases.release(home, GRID1, 1, TODAY, now=at(10))
    # The open alert is named first; once a doctor handled it, the abnormal reading still blocks.
    assert refused.value.code == "releases.error.open_alert"
    alert = checks.alerts(home, ALL, at(10))["alert_id"].iloc[0]
    checks.handle_alert(home, User(4, "doctor", "医生", "doctor", community_id=1, staff_id=3), int(alert), "复测正常",
                        now=at(9, 30))
    with pytest.raises(DailyError) as refused:
        releases.release(home, GRID1, 1, TODAY, now=at(10))
    assert refused.value.code == "releases.error.abnormal_check"
    assert refused.value.values["day"] == D21 and refused.value.values["temperature"] == pytest.approx(37.4)
    with pytest.raises(DailyError) as refused:
        releases.release(home, GRID1, 6, TODAY, now=at(10))
    assert refused.value.code == "releases.error.too_early"
    assert refused.value.values["end"] == date(2026, 12, 4)


def test_the_number_of_normal_days_is_a_setting(home):
    daily.save_settings(home, LEADER, DailySettings(release_normal_days=3))
    normal_days(home)
    with pytest.raises(DailyError) as refused:
        releases.release(home, GRID1, 1, TODAY, now=at(10))
    assert refused.value.values["day"] == date(2026, 11, 20) and refused.value.values["period"] == "am"
    daily.save_settings(home, LEADER, DailySettings(release_normal_days=1))
    releases.release(home, GRID1, 1, TODAY, now=at(10))


def test_measures_without_checks_release_on_time(home):
    # Centralised quarantine (measure 3, resident 4) is not checked at home: due tomorrow, free then.
    with pytest.raises(DailyError):
        releases.release(home, GRID1, 3, TODAY, now=at(10))
    releases.release(home, GRID1, 3, TODAY + timedelta(days=1), now=at(10) + timedelta(days=1))
    with pytest.raises(DailyError) as refused:
        releases.release(home, GRID1, 7, TODAY, now=at(10))   # grid 2's resident
    assert refused.value.code == "daily.error.out_of_scope"
    with pytest.raises(DailyError) as refused:
        releases.release(home, VIEWER, 1, TODAY, now=at(10))
    assert refused.value.code == "daily.error.not_allowed"


def test_due_list_today_tomorrow_and_readiness(home):
    normal_days(home)
    frame = releases.due(home, ALL, TODAY, at(10))
    assert frame[["measure_id", "due", "ready"]].values.tolist() == [[1, "today", True], [3, "tomorrow", False]]
    assert frame["name"].tolist() == ["居*1", "居*4"]
    # Overdue the next day when nobody released it; the day after its term it has no check tasks.
    later = releases.due(home, ALL, TODAY + timedelta(days=1), at(10) + timedelta(days=1))
    assert later[["measure_id", "due"]].values.tolist() == [[1, "overdue"], [3, "today"]]
    assert 1 not in set(checks.check_list(home, ALL, TODAY, at(20))["measure_id"])
    missing = releases.due(home, Scope(grid_ids=(1,)), TODAY, at(10), DailySettings(release_normal_days=3))
    assert missing.loc[0, "problem"] == "releases.error.missing_check"
    assert missing.loc[0, "problem_day"] == date(2026, 11, 20)
    assert releases.due(home, Scope(grid_ids=(2,)), TODAY, at(10)).empty


def test_extension_needs_a_reason_and_brings_the_checks_back(home):
    with pytest.raises(DailyError) as refused:
        releases.extend(home, GRID1, 1, 3, "  ", now=at(10))
    assert refused.value.code == "daily.error.reason_required"
    with pytest.raises(DailyError) as refused:
        releases.extend(home, GRID1, 1, 0, "发热观察", now=at(10))
    assert refused.value.code == "releases.error.days"
    assert releases.extend(home, GRID1, 1, 3, "复测结果未出", now=at(10)) == date(2026, 11, 26)
    assert measure_row(home, 1)[2] == date(2026, 11, 26)
    assert 1 in set(checks.check_list(home, ALL, TODAY, at(20))["measure_id"])
    with pytest.raises(DailyError):
        releases.release(home, GRID1, 1, TODAY, now=at(10))
    with pytest.raises(DailyError) as refused:
        releases.extend(home, GRID1, 2, 3, "x", now=at(10))   # released yesterday
    assert refused.value.code == "releases.error.ended"


def test_transfer_to_centralised_opens_a_new_measure_and_history_tells_it_all(home):
    with pytest.raises(DailyError) as refused:
        releases.transfer(home, GRID1, 6, "moon", "x", now=at(10))
    assert refused.value.code == "releases.error.transfer_to"
    new = releases.transfer(home, GRID1, 6, "centralised_quarantine", "同户阳性", now=at(10))
    assert new == 8
    assert measure_row(home, 6)[3] == at(10)
    assert measure_row(home, 8) == ("centralised_quarantine", TODAY, TODAY + timedelta(days=14), None)
    releases.extend(home, LEADER, 8, 2, "酒店通知延长", now=at(11))
    done = releases.history(home, ALL, 3, TODAY)
    assert [(k, m) for k, m in zip(done["kind"], done["measure_id"])] == [
        ("created", 6), ("transferred", 6), ("created", 8), ("extended", 8)]
    assert done["event_at"].tolist()[0] == datetime(2026, 11, 20, 9, 0)
    assert done["detail"].iloc[1]["to"] == "centralised_quarantine"
    assert done["detail"].iloc[3]["new_end"] == "2026-12-09"
    assert done["reason"].tolist()[1:] == ["同户阳性", "同户阳性", "酒店通知延长"]
    # Centralised to centralised is not a transfer; to hospital ends it without a new measure.
    with pytest.raises(DailyError) as refused:
        releases.transfer(home, GRID1, 8, "centralised_quarantine", "x", now=at(12))
    assert refused.value.code == "releases.error.transfer_same"
    assert releases.transfer(home, GRID1, 8, "hospital", "发热送医", now=at(12)) is None
    assert measure_row(home, 8)[3] == at(12)
    assert home.execute("SELECT count(*) FROM control_measure").fetchone()[0] == 8


def test_history_of_old_measures_and_scope(home):
    done = releases.history(home, ALL, 2, TODAY)   # released before events existed
    assert done[["kind", "measure_id"]].values.tolist() == [["created", 2], ["released", 2]]
    assert done["event_at"].tolist() == [datetime(2026, 11, 8, 10), datetime(2026, 11, 22, 10)]
    assert releases.history(home, Scope(grid_ids=(2,)), 2, TODAY).empty
    assert releases.history(home, Scope(personal="none"), 2, TODAY).empty
    # A doctor sees only people under a measure: resident 3 (isolated) yes, resident 9 (none) no.
    assert not releases.history(home, Scope(personal="under_measure"), 3, TODAY).empty
    assert releases.history(home, Scope(personal="under_measure"), 9, TODAY).empty



def test_under_measure_finds_running_measures_only(home):
    found = releases.under_measure(home, ALL, "1-1-101", TODAY)
    assert found[["resident_id", "measure_id"]].values.tolist() == [[1, 1]]   # resident 2's was released
    assert found.loc[0, "name"] == "居*1"
    assert releases.under_measure(home, ALL, "1-1-101", TODAY, revealed={1}).loc[0, "name"] == "居民1"
    assert releases.under_measure(home, Scope(grid_ids=(2,)), "1-1-101", TODAY).empty
    assert releases.under_measure(home, ALL, "1-2-301", TODAY)["measure_id"].tolist() == [3, 4]


def test_due_names_the_abnormal_reading_and_reveals_on_request(home):
    normal_days(home, skip={(D21, "am")})
    checks.record_check(home, GRID1, 1, D21, "am", 37.4, now=at(9, day=D21))
    alert = checks.alerts(home, ALL, at(10))["alert_id"].iloc[0]
    checks.handle_alert(home, User(4, "doctor", "医生", "doctor", community_id=1, staff_id=3), int(alert), "复测正常",
                        now=at(9, 30))
    frame = releases.due(home, ALL, TODAY, at(10), revealed={1})
    row = frame[frame["measure_id"] == 1].iloc[0]
    assert (row["problem"], row["problem_day"], row["problem_period"]) == ("releases.error.abnormal_check", D21, "am")
    assert row["problem_temperature"] == pytest.approx(37.4) and row["name"] == "居民1"
