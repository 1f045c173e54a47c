"""Support for those who struggle (issue 16, item 5): a bereaved household referred and followed up, the counts,
the reason kept from roles that need not know it (rows, audit log, exports), closing, and coverage's needs."""

import io
from datetime import timedelta

import openpyxl
import pytest

from resilient.core import queries, roles
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.coverage import support, volunteers
from resilient.coverage.support import SupportError
from resilient.ops import exports
from tests.conftest import NOW, TODAY

pytestmark = pytest.mark.both_backends

ADMIN = User(1, "admin", "管理员", "street_admin")
LEADER = User(2, "leader", "社区书记", "community_leader", community_id=1)
GRID = User(3, "grid1", "网格员甲", "grid_worker", community_id=1, staff_id=1)
DOCTOR = User(4, "doctor", "医生", "doctor", community_id=1)
VOLUNTEER = User(5, "vol1", "志愿者一", "volunteer", community_id=1, volunteer_id=1)
VIEWER = User(6, "viewer", "查看", "viewer", community_id=1)
NOTE = "丈夫上周去世，*独居* [夜里失眠]"   # markdown signs kept as typed


@pytest.fixture
def bereaved(small):
    """Household 12 (one resident, grid 1) has lost someone; volunteer 1 looks after it; one hotline listed."""
    small.execute("INSERT INTO volunteer VALUES (1, 1, '志愿者1', NULL, 1, 5, TRUE)")
    small.execute("INSERT INTO volunteer_assignment VALUES (1, 12, DATE '2026-11-20', NULL)")
    need = support.note_need(small, GRID, 12, "bereaved", NOTE, at=NOW - timedelta(days=2))
    line = support.save_referral(small, LEADER, 1, "区心理援助热线", "hotline", "12320", "24小时")
    return small, need, line


def scope(con, user):
    return roles.scope_for(con, user, TODAY)


def test_a_bereaved_household_is_referred_and_followed_up_and_counted(bereaved):
    con, need, line = bereaved
    before = support.kpis(con, Scope(), TODAY)
    assert before == {"open": 1, "referred": 0, "followed_up": 0, "not_followed_up": 1, "days": 3}
    support.refer(con, DOCTOR, need, line, at=NOW - timedelta(days=1))
    support.follow_up(con, VOLUNTEER, need, "call", "still_struggling", at=NOW)
    after = support.kpis(con, Scope(), TODAY)
    assert after == {"open": 1, "referred": 1, "followed_up": 1, "not_followed_up": 0, "days": 3}
    row = support.support_list(con, scope(con, LEADER), LEADER, TODAY).iloc[0]
    assert (row["kind"], row["note"], row["referral"], row["follow_ups"], row["last_outcome"], bool(row["due"])) \
        == ("bereaved", NOTE, "区心理援助热线", 1, "still_struggling", False)
    # Three days on without another follow-up it is due again (the setting).
    later = TODAY + timedelta(days=3)
    assert support.kpis(con, Scope(), later)["not_followed_up"] == 1
    assert bool(support.support_list(con, Scope(), LEADER, later).iloc[0]["due"])
    # A grid worker of another cell does not count it; a day before it was noted nobody does.
    assert support.kpis(con, Scope(grid_ids=(2,)), TODAY)["open"] == 0
    assert support.kpis(con, Scope(), TODAY - timedelta(days=3))["open"] == 0


@pytest.mark.parametrize("user", [LEADER, GRID, DOCTOR])
def test_those_who_may_know_see_why(bereaved, user):
    con, _, _ = bereaved
    rows = support.support_list(con, scope(con, user), user, TODAY)
    assert list(rows["kind"]) == ["bereaved"] and list(rows["note"]) == [NOTE]


@pytest.mark.parametrize("user", [VOLUNTEER, VIEWER, ADMIN])
def test_the_others_see_a_household_needing_care_and_never_why(bereaved, user):
    con, need, line = bereaved
    support.refer(con, LEADER, need, line, at=NOW)
    rows = support.support_list(con, scope(con, user), user, TODAY)
    assert list(rows["need_id"]) == [need] and bool(rows.iloc[0]["due"])
    assert not set(support.REASON_COLUMNS) & set(rows.columns)
    cells = " ".join(str(v) for v in rows.to_numpy().ravel())
    assert "bereaved" not in cells and "去世" not in cells and "热线" not in cells and "grid1" not in cells
    # The export a page makes of those rows holds nothing more.
    workbook = openpyxl.load_workbook(io.BytesIO(exports.audited_excel(con, user, "support", rows, {})))
    text = " ".join(str(c.value) for sheet in workbook for line_ in sheet.iter_rows() for c in line_)
    assert "bereaved" not in text and "去世" not in text


def test_a_viewer_gets_no_names_and_a_volunteer_only_their_households(bereaved):
    con, _, _ = bereaved
    support.note_need(con, LEADER, 31, "distress_at_check", at=NOW)
    assert list(support.support_list(con, scope(con, VOLUNTEER), VOLUNTEER, TODAY)["household_id"]) == [12]
    seen = support.support_list(con, scope(con, VIEWER), VIEWER, TODAY)
    assert sorted(seen["household_id"]) == [12, 31] and (seen["name"].fillna("") == "").all()


def test_the_audit_log_never_holds_the_kind_the_note_or_where_it_was_referred(bereaved):
    con, need, line = bereaved
    support.refer(con, GRID, need, line, at=NOW)
    support.follow_up(con, GRID, need, "visit", "steady", at=NOW)
    support.close_need(con, LEADER, need, at=NOW + timedelta(minutes=5))
    log = con.execute("SELECT action, target, coalesce(old_value, '') || coalesce(new_value, '') || "
                      "coalesce(detail, '') FROM audit_log WHERE action LIKE 'support_%' ORDER BY logged_at").fetchall()
    assert [a for a, _, _ in log] == ["support_need_noted", "support_referral_saved", "support_referred",
                                      "support_followed_up", "support_need_closed"]
    told = " ".join(v for a, _, v in log if a != "support_referral_saved")
    assert "bereaved" not in told and "去世" not in told and "热线" not in told and "referral_id" not in told
    assert all(t == f"support_need:{need}" for a, t, _ in log if a != "support_referral_saved")


def test_refusals(bereaved):
    con, need, line = bereaved
    with pytest.raises(SupportError) as refused:
        support.note_need(con, VOLUNTEER, 12, "bereaved", at=NOW)
    assert refused.value.code == "support.error.not_allowed"
    with pytest.raises(SupportError) as refused:
        support.note_need(con, GRID, 12, "bereaved", at=NOW)
    assert refused.value.code == "support.error.already_open"
    with pytest.raises(SupportError) as refused:
        support.note_need(con, GRID, 31, "bereaved", at=NOW)        # building 3 is in grid 2
    assert refused.value.code == "support.error.out_of_scope"
    with pytest.raises(SupportError) as refused:
        support.note_need(con, GRID, 12, "sad", at=NOW)
    assert refused.value.code == "support.error.kind"
    with pytest.raises(SupportError) as refused:
        support.note_need(con, GRID, 11, "bereaved", "x" * 501, at=NOW)
    assert refused.value.code == "support.error.note_long"
    other = support.note_need(con, LEADER, 31, "distress_at_check", at=NOW)
    with pytest.raises(SupportError) as refused:       # not one of the volunteer's households
        support.follow_up(con, VOLUNTEER, other, "call", "steady", at=NOW)
    assert refused.value.code == "support.error.out_of_scope"
    with pytest.raises(SupportError) as refused:
        support.save_referral(con, GRID, 1, "x", "hotline")
    assert refused.value.code == "support.error.not_allowed"
    support.save_referral(con, LEADER, 1, "区心理援助热线", "hotline", active=False, referral_id=line)
    with pytest.raises(SupportError) as refused:        # an inactive entry is not offered
        support.refer(con, LEADER, need, line, at=NOW)
    assert refused.value.code == "support.error.referral_unknown"
    assert support.referrals(con, Scope()).empty and len(support.referrals(con, Scope(), everything=True)) == 1
    support.close_need(con, LEADER, need, at=NOW)
    with pytest.raises(SupportError) as refused:
        support.follow_up(con, GRID, need, "call", "steady", at=NOW)
    assert refused.value.code == "support.error.closed"
    assert queries.fetch_all(con, "reference_problems") and all(
        n == 0 for r, n in queries.fetch_all(con, "reference_problems") if r.startswith("support_"))


def test_a_closed_need_leaves_the_list_and_the_counts(bereaved):
    con, need, _ = bereaved
    support.close_need(con, GRID, need, at=NOW)
    assert support.kpis(con, Scope(), TODAY)["open"] == 0
    assert support.support_list(con, Scope(), LEADER, TODAY).empty
    closed = support.support_list(con, Scope(), LEADER, TODAY, closed=True)
    assert list(closed["closed_by"]) == ["grid1"]
    # Yesterday it was still open.
    assert support.kpis(con, Scope(), TODAY - timedelta(days=1))["open"] == 1


def test_an_open_support_need_is_a_coverage_need_and_a_follow_up_a_contact(bereaved):
    con, need, _ = bereaved
    settings = volunteers.CoverageSettings()
    needs = dict(zip(volunteers.needs(con, Scope(), settings, TODAY)["household_id"],
                     volunteers.needs(con, Scope(), settings, TODAY)["reasons"]))
    assert "support" in list(needs[12]) and 31 not in needs
    cover = volunteers.coverage(con, Scope(), settings, TODAY).set_index("household_id")
    assert bool(cover.loc[12, "not_contacted"])
    support.follow_up(con, GRID, need, "visit", "steady", at=NOW)
    cover = volunteers.coverage(con, Scope(), settings, TODAY).set_index("household_id")
    assert not bool(cover.loc[12, "not_contacted"]) and cover.loc[12, "last_contact"] == NOW
    # Closed, the household needs cover no more on that account; switched off in the settings, neither.
    off = volunteers.CoverageSettings(reasons=tuple(r for r in volunteers.REASONS if r != "support"))
    assert 12 not in set(volunteers.needs(con, Scope(), off, TODAY)["household_id"])
    support.close_need(con, GRID, need, at=NOW)
    assert 12 not in set(volunteers.needs(con, Scope(), settings, TODAY)["household_id"])


def test_derived_needs_offer_case_households_and_people_alone_under_measures(small):
    # Resident 9 lives alone in 31 and goes into home isolation; household 11's measure came from a positive tube.
    small.execute("""INSERT INTO control_measure VALUES (9, 9, 'home_isolation', 'close_contact', DATE '2026-11-22',
                     DATE '2026-12-06', NULL, TIMESTAMP '2026-11-22 10:00')""")
    small.execute("INSERT INTO tube_measure VALUES (1, 1, 11, TIMESTAMP '2026-11-20 10:00')")
    found = support.derived_needs(small, Scope(), TODAY)
    assert list(zip(found["household_id"], found["kind"])) == [(11, "case_household"), (31, "alone_isolated")]
    assert list(support.derived_needs(small, Scope(grid_ids=(1,)), TODAY)["household_id"]) == [11]
    support.note_need(small, LEADER, 31, "alone_isolated", at=NOW)
    assert list(support.derived_needs(small, Scope(), TODAY)["household_id"]) == [11]
