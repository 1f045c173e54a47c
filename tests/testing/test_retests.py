"""Positive to released (issue 14): the re-test list a positive tube makes, single re-test results, and a negative
re-test releasing what the tube imposed (with the event in each resident's history), a positive one keeping it."""

from datetime import datetime

import pytest

from resilient.core import roles
from resilient.core.accounts import User
from resilient.daily import releases
from resilient.ops import exports
from resilient.testing import desk, retests
from resilient.testing import rounds as testing
from resilient.testing.rounds import TestingError
from tests.conftest import TODAY

pytestmark = pytest.mark.both_backends

START = datetime(2026, 11, 23, 6, 0)
ADMIN = User(1, "admin", "管理员", "street_admin")
VIEWER = User(5, "viewer", "观察员", "viewer", community_id=1)


@pytest.fixture
def positive(small):
    """Tube P1 holds residents 1 (flat 11), 3 (flat 12) and 7 (flat 21), tested positive and acted on.

    Before: 1 under home isolation, 7 under health monitoring, 2 released yesterday; so the tube puts 2 and 3 (and
    8, 7's flatmate) under home isolation."""
    con = small
    round_id = testing.create_round(con, ADMIN, 1, "第1轮", TODAY, START, pool_size=10, now=START)
    site = testing.add_site(con, ADMIN, round_id, "广场", 119.95, 31.70, desks=2)
    desk.open_tube(con, ADMIN, round_id, "P1", site)
    for resident in (1, 3, 7):
        desk.add_sample(con, ADMIN, round_id, "P1", resident, site)
    desk.close_tube(con, ADMIN, round_id, "P1", site)
    testing.record_result(con, ADMIN, round_id, "P1", "positive")
    counts = retests.act_on_positive(con, ADMIN, round_id, "P1", TODAY)
    assert counts["measures"] == 3 and counts["retests"] == 3
    return con, round_id


def scope():
    return roles.scope_for(None, ADMIN, TODAY)


def active(con, resident_id) -> list[str]:
    """The measures still running (a measure released today still counts on today's lists: active_on)."""
    return [r[0] for r in con.execute("""SELECT category FROM control_measure WHERE resident_id = $r
        AND start_date <= $d AND released_at IS NULL""", {"r": resident_id, "d": TODAY}).fetchall()]


def test_the_retest_list_names_people_households_and_measures(positive):
    con, round_id = positive
    listed = retests.retest_list(con, scope(), round_id, TODAY).set_index("resident_id")
    assert sorted(listed.index) == [1, 3, 7]
    assert dict(listed["household_id"]) == {1: 11, 3: 12, 7: 21}
    assert dict(listed["tube_code"]) == {1: "P1", 3: "P1", 7: "P1"}
    assert dict(listed["measure"]) == {1: "home_isolation", 3: "home_isolation", 7: "health_monitoring"}
    assert dict(listed["household_people"]) == {1: 2, 3: 1, 7: 2}
    assert listed.loc[1, "name"] == "居*1" and listed.loc[1, "compound"] == "A苑"
    assert listed["result"].isna().all() and not listed["flagged"].any()
    book = exports.excel_bytes({"re-test": listed.reset_index()}, {"name": "姓名"})
    assert book[:2] == b"PK"


def test_a_negative_retest_releases_what_the_tube_imposed_with_the_event(positive):
    con, round_id = positive
    outcome = retests.record_retest(con, ADMIN, round_id, 3, "negative", TODAY)
    assert outcome == {"released": 1, "flagged": False, "waiting": 0}
    assert active(con, 3) == []
    history = releases.history(con, scope(), 3, TODAY)
    assert list(history["kind"]) == ["created", "released"]
    assert history.iloc[1]["reason"] == "negative_retest" and history.iloc[1]["detail"]["tube"] == "P1"
    # 7's own health monitoring was not the tube's doing: it stays; 8's isolation (the tube's) goes.
    assert retests.record_retest(con, ADMIN, round_id, 7, "negative", TODAY)["released"] == 1
    assert active(con, 7) == ["health_monitoring"] and active(con, 8) == []
    assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'retest_result'").fetchone()[0] == 2


def test_a_negative_retest_says_who_in_the_flat_still_waits(small):
    """Regression: the first of a flat's two negatives said "released 0 people", as if nothing would be."""
    con = small
    round_id = testing.create_round(con, ADMIN, 1, "第1轮", TODAY, START, pool_size=10, now=START)
    site = testing.add_site(con, ADMIN, round_id, "广场", 119.95, 31.70, desks=2)
    desk.open_tube(con, ADMIN, round_id, "Q1", site)
    for resident in (7, 8):  # both of flat 21
        desk.add_sample(con, ADMIN, round_id, "Q1", resident, site)
    desk.close_tube(con, ADMIN, round_id, "Q1", site)
    testing.record_result(con, ADMIN, round_id, "Q1", "positive")
    retests.act_on_positive(con, ADMIN, round_id, "Q1", TODAY)
    assert retests.record_retest(con, ADMIN, round_id, 7, "negative", TODAY) == \
        {"released": 0, "flagged": False, "waiting": 1}
    assert active(con, 8) == ["home_isolation"]
    assert retests.record_retest(con, ADMIN, round_id, 8, "negative", TODAY) == \
        {"released": 1, "flagged": False, "waiting": 0}
    assert active(con, 8) == []


def test_a_positive_retest_keeps_the_measures_and_flags_the_case(positive):
    con, round_id = positive
    outcome = retests.record_retest(con, ADMIN, round_id, 1, "positive", TODAY)
    assert outcome == {"released": 0, "flagged": True, "waiting": 0}
    assert active(con, 2) == ["home_isolation"] and active(con, 1) == ["home_isolation"]
    listed = retests.retest_list(con, scope(), round_id, TODAY).set_index("resident_id")
    assert listed.loc[1, "flagged"] and listed.loc[1, "result"] == "positive"
    # the flat stays closed however its other re-tests come out
    retests.record_retest(con, ADMIN, round_id, 3, "negative", TODAY)
    assert active(con, 2) == ["home_isolation"]


def test_retest_results_are_checked(positive):
    con, round_id = positive
    with pytest.raises(TestingError) as caught:
        retests.record_retest(con, ADMIN, round_id, 2, "negative", TODAY)   # 2 was not in the tube
    assert caught.value.code == "testing.error.not_on_retest_list"
    with pytest.raises(TestingError) as caught:
        retests.record_retest(con, VIEWER, round_id, 3, "negative", TODAY)
    assert caught.value.code == "testing.error.not_allowed"
    retests.record_retest(con, ADMIN, round_id, 3, "阴性", TODAY)
    again = retests.record_retest(con, ADMIN, round_id, 3, "negative", TODAY)
    assert again == {"released": 0, "flagged": False, "waiting": 0}
    with pytest.raises(TestingError) as caught:
        retests.record_retest(con, ADMIN, round_id, 3, "positive", TODAY)
    assert caught.value.code == "testing.error.result_exists"
