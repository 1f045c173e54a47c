"""The emergency store (issue 16): stock by receipt and issue, daily use and days of cover, the alert, refusals."""

import threading
from datetime import datetime, timedelta

import pytest

from resilient.core import audit, db, roles
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.supplies import store
from resilient.supplies.store import StoreError, StoreSettings
from tests.conftest import NOW, TODAY

pytestmark = pytest.mark.both_backends

LEADER = User(1, "leader", "书记", "community_leader", community_id=1)
GRID1 = User(2, "grid1", "网格员甲", "grid_worker", community_id=1, staff_id=1)
DOCTOR = User(3, "doctor", "医生", "doctor", community_id=1, staff_id=3)
VOLUNTEER = User(4, "vol", "志愿者", "volunteer", community_id=1, volunteer_id=1)
OTHER_LEADER = User(5, "leader2", "别的书记", "community_leader", community_id=2)
ALL = Scope()


@pytest.fixture
def shop(small):
    """The small community with a doctor, a police officer, a team and a volunteer, and masks received 7 days ago:
    1000 masks, 100 bottles of alcohol received 6 days ago."""
    con = small
    con.execute("INSERT INTO community VALUES (2, '别的社区', '测试街道', '测试区')")
    con.execute("INSERT INTO staff VALUES (3, 1, 'doctor', '医生丙', NULL), (4, 1, 'police', '民警丁', NULL)")
    con.execute("INSERT INTO team VALUES (1, 1, 1, 3, 4)")
    con.execute("INSERT INTO volunteer (volunteer_id, community_id, name) VALUES (1, 1, '志愿者戊'), "
                "(2, 2, '别处志愿者')")
    week_ago = NOW - timedelta(days=7)
    masks = store.add_item(con, LEADER, 1, "医用口罩", "只", "masks", now=week_ago)
    store.receive(con, LEADER, masks, 1000, now=week_ago)
    alcohol = store.add_item(con, LEADER, 1, "75%酒精", "瓶", "alcohol", now=week_ago + timedelta(days=1))
    store.receive(con, LEADER, alcohol, 100, now=week_ago + timedelta(days=1))
    return con, masks, alcohol


def row(con, item_id, settings=None, today=TODAY):
    frame = store.stock(con, ALL, today, settings).set_index("item_id")
    return frame.loc[item_id]


def test_days_of_cover_fall_with_issues_and_the_alert_comes_below_the_threshold(shop):
    con, masks, _ = shop
    assert row(con, masks)["use_basis"] == "none" and row(con, masks)["on_hand"] == 1000
    store.issue(con, GRID1, masks, 70, household_id=11, now=NOW - timedelta(days=2))
    first = row(con, masks)
    assert first["on_hand"] == 930 and first["daily_use"] == pytest.approx(10)   # 70 over the last 7 days
    assert first["days_of_cover"] == pytest.approx(93.0) and not first["alert"]
    store.issue(con, LEADER, masks, 560, team_id=1, now=NOW)
    second = row(con, masks)
    assert second["on_hand"] == 370 and second["daily_use"] == pytest.approx(90)
    assert second["days_of_cover"] == pytest.approx(4.1) and bool(second["alert"])
    assert store.below(store.stock(con, ALL, TODAY))["item_id"].tolist() == [masks]
    # the threshold is a setting: at 3 days the same stock is no longer raised
    assert not row(con, masks, StoreSettings(cover_alert_days=3))["alert"]
    assert StoreSettings().cover_alert_days == 10   # data/defaults.toml [store], the Wuhan 2021 figure


def test_a_newer_item_measures_its_use_over_fewer_days(shop):
    """Alcohol first came two days ago: 30 issued since is 10 a day over its 3 days (today included), not 30/7."""
    con, _, alcohol = shop
    moved = {"t": NOW - timedelta(days=2), "i": alcohol}
    con.execute("UPDATE store_item SET created_at = $t WHERE item_id = $i", moved)
    con.execute("UPDATE store_movement SET moved_at = $t WHERE item_id = $i", moved)
    store.issue(con, DOCTOR, alcohol, 30, household_id=11, now=NOW - timedelta(hours=1))
    assert row(con, alcohol)["daily_use"] == pytest.approx(10)   # 30 over 3 days (two days ago, yesterday, today)


def test_a_new_item_without_use_has_no_cover_figure_and_a_hand_figure_gives_one(shop):
    con, masks, _ = shop
    kits = store.add_item(con, LEADER, 1, "抗原试剂", "盒", "test_kits", now=NOW)
    store.receive(con, LEADER, kits, 50, now=NOW)
    found = row(con, kits)
    assert found["use_basis"] == "none" and found["days_of_cover"] != found["days_of_cover"]   # NaN, not inf
    assert not found["alert"]
    packs = store.add_item(con, LEADER, 1, "生活物资包", "份", "food_packs", daily_use_estimate=20, now=NOW)
    store.receive(con, LEADER, packs, 100, now=NOW)
    estimated = row(con, packs)
    assert estimated["use_basis"] == "estimate" and estimated["days_of_cover"] == pytest.approx(5.0)
    assert bool(estimated["alert"])
    store.issue(con, LEADER, packs, 10, site="东门卡口", now=NOW)   # once issued, the measured use counts
    assert row(con, packs)["use_basis"] == "measured" and row(con, packs)["daily_use"] == pytest.approx(10)
    figures = store.kpis(con, ALL, TODAY)
    assert figures == {"items": 4, "below": 1, "lowest_days": 9.0, "lowest_item": "生活物资包", "threshold": 10}


def test_an_issue_larger_than_the_stock_is_refused_and_writes_nothing(shop):
    con, masks, _ = shop
    before = con.execute("SELECT count(*) FROM store_movement").fetchone()[0], len(audit.search(con))
    with pytest.raises(StoreError) as refused:
        store.issue(con, GRID1, masks, 1001, household_id=11, now=NOW)
    assert refused.value.code == "store.error.not_enough" and refused.value.values["on_hand"] == 1000
    after = con.execute("SELECT count(*) FROM store_movement").fetchone()[0], len(audit.search(con))
    assert after == before and row(con, masks)["on_hand"] == 1000
    with pytest.raises(StoreError, match="quantity"):
        store.issue(con, GRID1, masks, 0, household_id=11, now=NOW)
    with pytest.raises(StoreError, match="one_receiver"):
        store.issue(con, GRID1, masks, 1, household_id=11, team_id=1, now=NOW)


def test_a_failing_audit_leaves_no_movement(shop, monkeypatch):
    """All or nothing: the movement and its audit row land together or not at all."""
    con, masks, _ = shop

    def broken(*args, **kwargs):
        raise RuntimeError("disk trouble")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        store.issue(con, LEADER, masks, 5, team_id=1, now=NOW)
    assert con.execute("SELECT count(*) FROM store_movement WHERE direction = 'issue'").fetchone()[0] == 0


def test_concurrent_issues_cannot_drive_the_stock_below_zero(tmp_path):
    """Eight desks issue 300 masks of 1000 at once: three go through, the rest are refused, stock stays 100."""
    con = db.connect(tmp_path / "store.duckdb")
    con.execute("INSERT INTO community VALUES (1, '测试社区', NULL, NULL)")
    masks = store.add_item(con, LEADER, 1, "口罩", "只", "masks", now=NOW)
    store.receive(con, LEADER, masks, 1000, now=NOW)
    outcomes, barrier = [], threading.Barrier(8)

    def desk():
        cursor = con.cursor()
        barrier.wait()
        try:
            store.issue(cursor, LEADER, masks, 300, site="采样点", now=NOW)
            outcomes.append("issued")
        except StoreError as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=desk) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("issued") == 3 and set(outcomes) <= {"issued", "store.error.not_enough"}
    assert row(con, masks)["on_hand"] == 100
    con.close()


def test_every_write_is_audited_with_its_action(shop):
    con, masks, _ = shop
    store.issue(con, DOCTOR, masks, 2, household_id=11, note="体温计随送", now=NOW)
    store.save_settings(con, LEADER, StoreSettings(cover_alert_days=7))
    actions = audit.search(con)["action"].tolist()
    assert actions.count("store_item_added") == 2 and actions.count("store_received") == 2
    assert "store_issued" in actions and "store_settings_saved" in actions
    assert store.load_settings(con).cover_alert_days == 7
    issued = audit.search(con, action="store_issued").iloc[0]
    assert '"household_id": 11' in issued["new_value"] and '"on_hand": 998' in issued["new_value"]


def test_issued_to_says_what_went_to_which_household_or_team(shop):
    con, masks, alcohol = shop
    store.issue(con, GRID1, masks, 10, household_id=11, now=NOW - timedelta(hours=3))
    store.issue(con, GRID1, masks, 5, household_id=11, now=NOW - timedelta(hours=2))
    store.issue(con, DOCTOR, alcohol, 2, household_id=21, now=NOW - timedelta(hours=1))
    store.issue(con, LEADER, masks, 100, team_id=1, now=NOW)
    store.issue(con, LEADER, masks, 40, volunteer_id=1, now=NOW)
    every = store.issued_to(con, ALL, TODAY)
    flat = every[(every["household_id"] == 11)].iloc[0]
    assert (flat["quantity"], flat["issues"], flat["building"], flat["room"]) == (15, 2, "1栋", "101")
    assert flat["name"] == "居*1"   # masked as everywhere
    assert store.issued_to(con, ALL, TODAY, receiver="team")["quantity"].tolist() == [100]
    assert store.issued_to(con, ALL, TODAY, item_id=alcohol)["household_id"].tolist() == [21]
    assert store.issued_to(con, ALL, TODAY, team_id=1)["team_worker"].tolist() == ["网格员甲"]
    assert store.issued_to(con, ALL, TODAY, household_id=31).empty
    # a grid worker sees the households of their own cells only; the stock counts every issue
    grid = roles.scope_for(con, GRID1, TODAY)
    mine = store.issued_to(con, grid, TODAY, receiver="household")
    assert mine["household_id"].tolist() == [11]
    moved = store.movements(con, grid, TODAY, direction="issue")
    assert not moved[moved["household_id"] == 21].iloc[0]["in_scope"]
    assert pd_isna(moved[moved["household_id"] == 21].iloc[0]["room"])


def pd_isna(value) -> bool:
    return value is None or value != value


def test_scope_refusals(shop):
    con, masks, _ = shop
    with pytest.raises(StoreError) as refused:   # household 21 is in grid 2
        store.issue(con, GRID1, masks, 1, household_id=21, now=NOW)
    assert refused.value.code == "store.error.household_out_of_scope"
    with pytest.raises(StoreError, match="unknown_item"):   # another community's leader cannot see the item
        store.issue(con, OTHER_LEADER, masks, 1, site="x", now=NOW)
    with pytest.raises(StoreError, match="unknown_item"):
        store.receive(con, OTHER_LEADER, masks, 1, now=NOW)
    with pytest.raises(StoreError, match="community_out_of_scope"):
        store.add_item(con, OTHER_LEADER, 1, "口罩2", "只", "masks", now=NOW)
    with pytest.raises(StoreError, match="unknown_volunteer"):   # a volunteer of another community
        store.issue(con, LEADER, masks, 1, volunteer_id=2, now=NOW)
    with pytest.raises(StoreError, match="duplicate"):
        store.add_item(con, LEADER, 1, "医用口罩", "只", "masks", now=NOW)
    assert store.stock(con, roles.scope_for(con, OTHER_LEADER, TODAY), TODAY).empty
    assert con.execute("SELECT count(*) FROM store_movement WHERE direction = 'issue'").fetchone()[0] == 0


def test_permission_refusals(shop):
    con, masks, _ = shop
    for who in (GRID1, DOCTOR, VOLUNTEER):   # receipts and items: the street admin and the community leader
        with pytest.raises(StoreError, match="not_allowed"):
            store.receive(con, who, masks, 1, now=NOW)
        with pytest.raises(StoreError, match="not_allowed"):
            store.add_item(con, who, 1, "新品", "个", "other", now=NOW)
    with pytest.raises(StoreError, match="not_allowed"):   # a volunteer fetches, but does not hand out stock
        store.issue(con, VOLUNTEER, masks, 1, household_id=11, now=NOW)
    with pytest.raises(StoreError, match="not_allowed"):
        store.save_settings(con, GRID1, StoreSettings(cover_alert_days=5))
    assert roles.may(DOCTOR, "issue_store") and not roles.may(DOCTOR, "manage_store")


def test_settings_out_of_range_are_refused():
    with pytest.raises(StoreError, match="settings"):
        StoreSettings(cover_alert_days=0)


def test_the_day_reads_as_it_stood_at_its_end(shop):
    """stock(today) counts movements up to the end of that day only: yesterday's figures do not move later."""
    con, masks, _ = shop
    store.issue(con, LEADER, masks, 100, team_id=1, now=datetime.combine(TODAY, datetime.min.time()))
    assert row(con, masks, today=TODAY - timedelta(days=1))["on_hand"] == 1000
    assert row(con, masks)["on_hand"] == 900
