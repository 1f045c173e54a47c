"""Twice-daily checks (issue 7): statuses at the deadlines, alerts at the fever threshold, one reading per slot."""

from datetime import date, datetime, timedelta

import pytest

from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.daily import checks
from resilient.daily import rules as daily
from resilient.daily.rules import DailyError, DailySettings
from tests.conftest import TODAY

pytestmark = pytest.mark.both_backends

LEADER = User(1, "leader", "社区书记", "community_leader", community_id=1)
GRID1 = User(2, "grid1", "网格员甲", "grid_worker", community_id=1, staff_id=1)
GRID2 = User(5, "grid2", "网格员乙", "grid_worker", community_id=1, staff_id=2)
VIEWER = User(3, "viewer", "查看", "viewer", community_id=1)
DOCTOR = User(4, "doctor", "医生", "doctor", community_id=1, staff_id=3)
ALL = Scope()
YESTERDAY = TODAY - timedelta(days=1)


def at(hour: int, minute: int = 0, second: int = 0, day: date = TODAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second)


def add_home_measures(small):
    """Adds measure 6: resident 3 (flat 12, grid 1) home isolation 20 Nov - 4 Dec, created 20 Nov 09:00;
    measure 7: resident 8 (flat 21, grid 2) home observation 22 Nov - 6 Dec, created 22 Nov 15:00; a doctor."""
    small.execute("INSERT INTO staff VALUES (3, 1, 'doctor', '医生丙', NULL)")
    small.execute("""INSERT INTO control_measure VALUES
        (6, 3, 'home_isolation', 'key_area', DATE '2026-11-20', DATE '2026-12-04', NULL, TIMESTAMP '2026-11-20 09:00'),
        (7, 8, 'home_observation', 'key_area', DATE '2026-11-22', DATE '2026-12-06', NULL,
            TIMESTAMP '2026-11-22 15:00')""")
    return small


@pytest.fixture
def home(small):
    return add_home_measures(small)


def statuses(con, day, now, scope=ALL) -> dict:
    frame = checks.check_list(con, scope, day, now)
    return {int(m): (a, p) for m, a, p in zip(frame["measure_id"], frame["am_status"], frame["pm_status"])}


def test_missed_exactly_at_the_deadline(home):
    assert statuses(home, TODAY, at(11, 59, 59)) == {6: ("due", "due"), 7: ("due", "due")}
    assert statuses(home, TODAY, at(12)) == {6: ("missed", "due"), 7: ("missed", "due")}
    assert statuses(home, TODAY, at(17, 59, 59))[6] == ("missed", "due")
    assert statuses(home, TODAY, at(18))[6] == ("missed", "missed")


def test_on_time_before_the_deadline_late_at_it(home):
    checks.record_check(home, GRID1, 6, TODAY, "am", 36.6, now=at(11, 59, 59))
    checks.record_check(home, GRID2, 7, TODAY, "am", 36.6, now=at(12))
    assert statuses(home, TODAY, at(12, 30)) == {6: ("done", "due"), 7: ("late", "due")}
    # As of before the reading, it was not there yet.
    assert statuses(home, TODAY, at(11, 59, 58))[6] == ("due", "due")


def test_slots_follow_the_term_and_creation_time(home):
    # Measure 1 ends today: its last check day was yesterday; measure 2 was released yesterday at 10:00.
    assert 1 not in statuses(home, TODAY, at(20))
    assert statuses(home, YESTERDAY, at(20))[1] == ("missed", "missed")
    assert 2 not in statuses(home, YESTERDAY, at(20))
    # Measure 7 was created at 15:00 on its first day: the morning was not required of it.
    assert statuses(home, YESTERDAY, at(20, day=YESTERDAY))[7] == ("not_required", "missed")
    # Health monitoring (measure 5) is not checked unless the settings say so.
    assert 5 not in statuses(home, TODAY, at(20))
    daily.save_settings(home, LEADER, DailySettings(check_categories=("home_isolation", "health_monitoring")))
    assert set(statuses(home, TODAY, at(20))) == {5, 6}


def test_settings_move_the_deadline(home):
    daily.save_settings(home, LEADER, DailySettings(am_due="10:00", pm_due="16:30"))
    assert statuses(home, TODAY, at(9, 59, 59))[6] == ("due", "due")
    assert statuses(home, TODAY, at(10))[6] == ("missed", "due")
    assert statuses(home, TODAY, at(16, 30))[6] == ("missed", "missed")
    for bad in [dict(am_due="19:00"), dict(fever_threshold=30), dict(release_normal_days=0),
                dict(check_categories=("sauna",)), dict(am_due="noon")]:
        with pytest.raises(DailyError) as refused:
            DailySettings(**bad)
        assert refused.value.code == "daily.error.settings"
    with pytest.raises(DailyError):
        daily.save_settings(home, GRID1, DailySettings())


def test_fever_threshold_and_symptoms_raise_alerts(home):
    low = checks.record_check(home, GRID1, 6, YESTERDAY, "am", 37.2, now=at(9, day=YESTERDAY))
    fever = checks.record_check(home, GRID1, 6, YESTERDAY, "pm", 37.3, now=at(15, day=YESTERDAY))
    cough = checks.record_check(home, GRID2, 7, TODAY, "am", 36.5, symptoms=["cough"], now=at(9))
    assert low["alert_id"] is None and fever["alert_id"] is not None and cough["alert_id"] is not None
    listed = checks.alerts(home, ALL, at(10))
    assert listed["resident_id"].tolist() == [8, 3]
    assert listed["temperature"].tolist() == [36.5, 37.3]
    assert listed["name"].tolist() == ["居*8", "居*3"]
    # Before the cough was recorded only the fever was there; grid 1 sees only its own resident.
    assert checks.alerts(home, ALL, at(8))["resident_id"].tolist() == [3]
    assert checks.alerts(home, Scope(grid_ids=(1,)), at(10))["resident_id"].tolist() == [3]
    assert checks.alerts(home, Scope(personal="none"), at(10)).empty
    flagged = checks.check_list(home, ALL, YESTERDAY, at(20, day=YESTERDAY)).set_index("measure_id")
    assert (flagged.loc[6, "am_abnormal"], flagged.loc[6, "pm_abnormal"]) == (False, True)


def test_doctor_handles_an_alert_once(home):
    alert = checks.record_check(home, GRID1, 6, TODAY, "am", 38.1, now=at(9))["alert_id"]
    with pytest.raises(DailyError) as refused:
        checks.handle_alert(home, GRID1, alert, "看过了", now=at(10))
    assert refused.value.code == "daily.error.not_allowed"
    with pytest.raises(DailyError) as refused:
        checks.handle_alert(home, DOCTOR, alert, " ", now=at(10))
    assert refused.value.code == "daily.error.reason_required"
    checks.handle_alert(home, DOCTOR, alert, "上门复测 37.0，已送发热门诊", now=at(10))
    assert checks.alerts(home, ALL, at(11)).empty
    assert checks.alerts(home, ALL, at(9, 30))["alert_id"].tolist() == [alert]   # still open then
    with pytest.raises(DailyError) as refused:
        checks.handle_alert(home, DOCTOR, alert, "again", now=at(11))
    assert refused.value.code == "checks.error.alert_handled" and refused.value.values["by"] == "doctor"
    assert home.execute("SELECT count(*) FROM audit_log WHERE action = 'fever_alert_handled'").fetchone()[0] == 1


def test_a_second_reading_of_a_slot_is_refused_and_a_correction_is_explicit(home):
    checks.record_check(home, GRID1, 6, TODAY, "am", 36.6, now=at(9))
    before = home.execute("SELECT * FROM health_check").fetchall()
    with pytest.raises(DailyError) as refused:
        checks.record_check(home, GRID1, 6, TODAY, "am", 38.0, now=at(9, 5))
    assert refused.value.code == "checks.error.already_recorded"
    assert refused.value.values["by"] == "grid1" and refused.value.values["at"] == at(9)
    assert home.execute("SELECT * FROM health_check").fetchall() == before
    assert home.execute("SELECT count(*) FROM fever_alert").fetchone()[0] == 0
    with pytest.raises(DailyError):
        checks.correct_check(home, GRID1, 6, TODAY, "am", 38.0, reason="", now=at(9, 10))
    done = checks.correct_check(home, GRID1, 6, TODAY, "am", 38.0, reason="读错了体温计", now=at(9, 10))
    assert done["alert_id"] is not None
    assert home.execute("SELECT temperature FROM health_check").fetchone()[0] == pytest.approx(38.0)
    assert home.execute("SELECT kind, reason FROM measure_event").fetchall() == [("check_corrected", "读错了体温计")]


def test_recording_is_refused_outside_scope_term_and_range(home):
    cases = [
        (GRID1, 7, TODAY, "am", 36.5, "daily.error.out_of_scope"),        # grid 2's resident
        (VIEWER, 6, TODAY, "am", 36.5, "daily.error.not_allowed"),
        (GRID1, 6, TODAY, "noon", 36.5, "checks.error.period"),
        (GRID1, 6, TODAY, "am", 3.65, "checks.error.temperature"),
        (GRID1, 6, TODAY + timedelta(days=1), "am", 36.5, "checks.error.future_day"),
        (GRID1, 6, date(2026, 11, 19), "am", 36.5, "checks.error.not_in_term"),
        (GRID1, 1, TODAY, "am", 36.5, "checks.error.not_in_term"),        # term ended yesterday
        (GRID1, 99, TODAY, "am", 36.5, "daily.error.unknown_measure"),
    ]
    for actor, measure, day, period, temperature, code in cases:
        with pytest.raises(DailyError) as refused:
            checks.record_check(home, actor, measure, day, period, temperature, now=at(9))
        assert refused.value.code == code, (measure, code)
    with pytest.raises(DailyError) as refused:
        checks.record_check(home, GRID1, 6, TODAY, "am", 36.5, symptoms=["hiccups"], now=at(9))
    assert refused.value.code == "checks.error.symptom"
    assert home.execute("SELECT count(*) FROM health_check").fetchone()[0] == 0


def test_list_scope_and_follower(home):
    assert set(statuses(home, TODAY, at(9), Scope(grid_ids=(1,)))) == {6}
    assert checks.check_list(home, Scope(personal="none"), TODAY, at(9)).empty
    frame = checks.check_list(home, ALL, TODAY, at(9), follower_id=2)
    assert frame["measure_id"].tolist() == [7]
    assert frame.loc[0, "days_left"] == 13 and frame.loc[0, "room"] == "101"
    # A resident reassigned to grid worker 1 shows in their list although the flat is in grid 2.
    home.execute("INSERT INTO measure_follower VALUES (7, 1, TIMESTAMP '2026-11-23 08:00', 'leader')")
    mine = checks.check_list(home, Scope(grid_ids=(1,)), TODAY, at(9), follower_id=1, own_staff_id=1)
    assert mine["measure_id"].tolist() == [6, 7]
    checks.record_check(home, GRID1, 7, TODAY, "am", 36.4, now=at(9))
