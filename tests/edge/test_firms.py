"""Firms and shops (issue 17): the registry in a building or at a point, reopening filings and their moves,
pledges, rectification notices with follow-ups and overdue ones, the scope a grid worker reads, the figures."""

from datetime import datetime, timedelta

import pytest

from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.edge import firms
from resilient.edge.firms import FirmError, NewFirm
from resilient.ops import integrity
from resilient.places import setup
from tests.conftest import TODAY

pytestmark = pytest.mark.both_backends

LEADER = User(1, "leader", "社区书记", "community_leader", community_id=1)
GRID1 = User(2, "grid1", "网格员甲", "grid_worker", community_id=1, staff_id=1)
GRID2 = User(3, "grid2", "网格员乙", "grid_worker", community_id=1, staff_id=2)
DOCTOR = User(4, "doctor", "医生", "doctor", community_id=1, staff_id=3)
OTHER = User(5, "other", "别的书记", "community_leader", community_id=2)
NOW = datetime(TODAY.year, TODAY.month, TODAY.day, 10)
ALL = Scope()


def code(refused) -> str:
    return refused.value.code


@pytest.fixture
def registry(small):
    """A shop in building 1 (grid 1), a car dealership in building 3 (grid 2), a school at a point, a firm nowhere."""
    ids = {
        "shop": firms.add_firm(small, LEADER, NewFirm(1, "好又多*超市", "商铺", building_id=1, contact_name="王小明",
                                                      contact_phone="138 1234 5678", staff=4), now=NOW),
        "cars": firms.add_firm(small, LEADER, NewFirm(1, "常州4S店", "4S店", building_id=3, staff=30), now=NOW),
        "school": firms.add_firm(small, LEADER, NewFirm(1, "实验小学", "school", lon=119.955, lat=31.701,
                                                        contact_phone="0519-8888 8888"), now=NOW),
        "nowhere": firms.add_firm(small, GRID1, NewFirm(1, "小吃店", "餐饮"), now=NOW),
    }
    return small, ids


def test_a_firm_is_added_with_its_kind_from_an_offices_word_and_its_contact_masked(registry):
    con, ids = registry
    found = firms.firms(con, ALL, TODAY).set_index("firm_id")
    assert found.at[ids["cars"], "kind"] == "car_dealership" and found.at[ids["nowhere"], "kind"] == "restaurant"
    assert found.at[ids["shop"], "contact_name"] == "王*明" and found.at[ids["shop"], "contact_phone"] == "138****5678"
    assert con.execute("SELECT contact_phone FROM firm WHERE firm_id = ?", [ids["shop"]]).fetchone()[0] == "13812345678"
    assert found.at[ids["school"], "lon"] == pytest.approx(119.955)
    assert found.at[ids["shop"], "lat"] == pytest.approx(31.7001, abs=1e-3)   # the building's centre
    assert found.at[ids["nowhere"], "lon"] != found.at[ids["nowhere"], "lon"]   # NaN: nowhere yet
    assert set(found["state"]) == {"not_filed"}
    assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'firm_added'").fetchone()[0] == 4


def test_bad_input_is_refused_naming_the_field(small):
    for firm, wanted in [(NewFirm(1, " ", "shop"), "firms.error.required"),
                         (NewFirm(1, "某店", "银行"), "firms.error.kind"),
                         (NewFirm(1, "某店", "shop", building_id=1, lon=119.9, lat=31.7), "firms.error.two_places"),
                         (NewFirm(1, "某店", "shop", lon=2.35, lat=48.85), "firms.error.place"),
                         (NewFirm(1, "某店", "shop", contact_phone="电话"), "firms.error.phone"),
                         (NewFirm(1, "某店", "shop", building_id=99), "firms.error.building_out_of_scope"),
                         (NewFirm(2, "某店", "shop"), "firms.error.community_out_of_scope")]:
        with pytest.raises(FirmError) as refused:
            firms.add_firm(small, LEADER, firm, now=NOW)
        assert code(refused) == wanted, firm
    with pytest.raises(FirmError) as doctor:
        firms.add_firm(small, DOCTOR, NewFirm(1, "某店", "shop"), now=NOW)
    assert code(doctor) == "firms.error.not_allowed"
    with pytest.raises(FirmError) as other_cell:   # building 3 is grid 2's
        firms.add_firm(small, GRID1, NewFirm(1, "某店", "shop", building_id=3), now=NOW)
    assert code(other_cell) == "firms.error.building_out_of_scope"
    assert small.execute("SELECT count(*) FROM firm").fetchone()[0] == 0


def test_a_grid_worker_sees_the_firms_of_their_cells_and_the_communitys_point_firms(registry):
    con, ids = registry
    from resilient.core import roles

    seen = {name for name, firm_id in ids.items()
            if firm_id in set(firms.firms(con, roles.scope_for(con, GRID1, TODAY), TODAY)["firm_id"])}
    assert seen == {"shop", "school", "nowhere"}
    seen = set(firms.firms(con, roles.scope_for(con, GRID2, TODAY), TODAY)["firm_id"])
    assert ids["cars"] in seen and ids["shop"] not in seen
    assert firms.firms(con, roles.scope_for(con, OTHER, TODAY), TODAY).empty
    assert firms.firms(con, Scope(community_ids=(1,), household_ids=(11,)), TODAY).empty   # a volunteer: none
    with pytest.raises(FirmError) as refused:
        firms.file_reopening(con, GRID1, ids["cars"], now=NOW)
    assert code(refused) == "firms.error.out_of_scope"


def test_a_filing_moves_filed_approved_reopened_and_a_refused_one_may_file_again(registry):
    con, ids = registry
    firms.file_reopening(con, GRID1, ids["shop"], TODAY - timedelta(days=3), now=NOW)
    with pytest.raises(FirmError) as twice:
        firms.file_reopening(con, GRID1, ids["shop"], now=NOW)
    assert code(twice) == "firms.error.filing_filed"
    with pytest.raises(FirmError) as early:
        firms.mark_reopened(con, LEADER, ids["shop"], now=NOW)
    assert code(early) == "firms.error.not_approved"
    with pytest.raises(FirmError) as no_why:
        firms.decide(con, LEADER, ids["shop"], approve=False, why="  ", now=NOW)
    assert code(no_why) == "firms.error.required"
    firms.decide(con, LEADER, ids["shop"], approve=False, why="消毒记录不全", now=NOW)
    assert firms.firms(con, ALL, TODAY).set_index("firm_id").at[ids["shop"], "state"] == "refused"
    firms.file_reopening(con, GRID1, ids["shop"], TODAY - timedelta(days=1), now=NOW)
    firms.decide(con, LEADER, ids["shop"], approve=True, now=NOW)
    firms.mark_reopened(con, LEADER, ids["shop"], TODAY, now=NOW)
    row = firms.firms(con, ALL, TODAY).set_index("firm_id").loc[ids["shop"]]
    assert row["state"] == "reopened" and row["decided_by"] == "leader" and row["reopened_on"].date() == TODAY
    with pytest.raises(FirmError) as future:
        firms.file_reopening(con, LEADER, ids["cars"], TODAY + timedelta(days=1), now=NOW)
    assert code(future) == "firms.error.future"
    history = firms.history(con, ALL, ids["shop"])["filings"]
    assert list(history["status"]) == ["reopened", "refused"] and history["refused_why"].iloc[1] == "消毒记录不全"
    assert con.execute("SELECT list(action ORDER BY audit_id) FROM audit_log WHERE target = ?",
                       [f"firm:{ids['shop']}"]).fetchone()[0][1:] == [
        "firm_filed", "firm_filing_decided", "firm_filed", "firm_filing_decided", "firm_reopened"]


def test_notices_are_overdue_past_their_deadline_until_a_follow_up_finds_them_fixed(registry):
    con, ids = registry
    late = firms.issue_notice(con, GRID1, ids["shop"], "缺少测温登记", TODAY - timedelta(days=2),
                              TODAY - timedelta(days=5), now=NOW)
    fresh = firms.issue_notice(con, LEADER, ids["cars"], "展厅通风", TODAY + timedelta(days=3), now=NOW)
    with pytest.raises(FirmError) as backwards:
        firms.issue_notice(con, LEADER, ids["cars"], "x", TODAY - timedelta(days=1), now=NOW)
    assert code(backwards) == "firms.error.deadline"
    overdue = firms.overdue_notices(con, ALL, TODAY)
    assert list(overdue["notice_id"]) == [late]
    assert list(firms.notices(con, ALL, TODAY)["notice_id"]) == [late, fresh]   # the overdue one first
    assert firms.overdue_notices(con, ALL, TODAY - timedelta(days=2)).empty   # on its deadline: not yet overdue
    states = firms.firms(con, ALL, TODAY).set_index("firm_id")["state"]
    assert states[ids["shop"]] == "overdue" and states[ids["cars"]] == "under_notice"
    with pytest.raises(FirmError) as no_note:
        firms.follow_up(con, GRID1, late, fixed=False, now=NOW)
    assert code(no_note) == "firms.error.required"
    assert firms.follow_up(con, GRID1, late, fixed=False, note="仍未整改", now=NOW) is False
    assert list(firms.overdue_notices(con, ALL, TODAY)["notice_id"]) == [late]
    assert firms.follow_up(con, GRID1, late, fixed=True, now=NOW) is True
    assert firms.overdue_notices(con, ALL, TODAY).empty
    with pytest.raises(FirmError) as closed:
        firms.follow_up(con, GRID1, late, fixed=True, now=NOW)
    assert code(closed) == "firms.error.notice_closed"
    with pytest.raises(FirmError) as unseen:   # the dealership's notice is of grid 2's building
        firms.follow_up(con, GRID1, fresh, fixed=True, now=NOW)
    assert code(unseen) == "firms.error.notice_unknown"


def test_kpis_count_firms_reopened_under_notice_overdue_and_pledges(registry):
    con, ids = registry
    assert firms.kpis(con, ALL, TODAY) == {"firms": 4, "reopened": 0, "under_notice": 0, "notices_overdue": 0,
                                           "pledges_signed": 0}
    firms.file_reopening(con, LEADER, ids["cars"], TODAY - timedelta(days=2), now=NOW)
    firms.decide(con, LEADER, ids["cars"], approve=True, decided_on=TODAY - timedelta(days=1), now=NOW)
    firms.mark_reopened(con, LEADER, ids["cars"], TODAY, now=NOW)
    firms.sign_pledge(con, LEADER, ids["cars"], "李经理", TODAY - timedelta(days=2), now=NOW)
    firms.sign_pledge(con, LEADER, ids["cars"], "李经理", now=NOW)   # signed again: still one firm
    firms.sign_pledge(con, GRID1, ids["school"], "张校长", now=NOW)
    firms.issue_notice(con, LEADER, ids["cars"], "a", TODAY - timedelta(days=1), TODAY - timedelta(days=4), now=NOW)
    firms.issue_notice(con, LEADER, ids["cars"], "b", TODAY - timedelta(days=1), TODAY - timedelta(days=4), now=NOW)
    firms.issue_notice(con, LEADER, ids["school"], "c", TODAY + timedelta(days=5), now=NOW)
    assert firms.kpis(con, ALL, TODAY) == {"firms": 4, "reopened": 1, "under_notice": 2, "notices_overdue": 2,
                                           "pledges_signed": 2}
    assert firms.kpis(con, ALL, TODAY - timedelta(days=3))["pledges_signed"] == 0   # a past day as it stood
    assert firms.kpis(con, Scope(community_ids=(2,)), TODAY)["firms"] == 0
    pledges = firms.history(con, ALL, ids["cars"])["pledges"]
    assert list(pledges["signed_by"]) == ["李*理", "李*理"]


def test_a_firm_is_placed_later_and_follows_a_merged_building(registry):
    con, ids = registry
    with pytest.raises(FirmError) as neither:
        firms.set_place(con, LEADER, ids["nowhere"], now=NOW)
    assert code(neither) == "firms.error.one_place"
    firms.set_place(con, LEADER, ids["nowhere"], building_id=2, now=NOW)
    firms.set_place(con, LEADER, ids["shop"], building_id=2, now=NOW)
    assert con.execute("SELECT count(*) FROM firm WHERE building_id = 2").fetchone()[0] == 2
    con.execute("DELETE FROM household WHERE household_id = 21")
    con.execute("DELETE FROM resident WHERE household_id = 21")
    con.execute("DELETE FROM control_measure WHERE resident_id IN (7, 8)")
    setup.merge_buildings(con, LEADER, 2, 1)
    assert con.execute("SELECT count(*) FROM firm WHERE building_id = 1").fetchone()[0] == 2
    assert integrity.reference_problems(con) == {}
