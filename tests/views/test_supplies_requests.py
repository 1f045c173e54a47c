"""The requests and delivery pages under AppTest: a grid worker enters a request in two taps, a volunteer marks
one delivered, and the pages say plainly when there is nothing (no buildings, no flats, no requests)."""

import pytest

from resilient.core import config, db, roles
from resilient.places import places
from resilient.supplies import requests as rq
from tests import conftest
from tests.conftest import demo_account

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database

REQUESTS, DELIVERIES = "views/supplies/requests.py", "views/supplies/deliveries.py"


def first_flat(path, username):
    con = db.connect(path)
    user = demo_account(con, username)
    scope = rq.request_scope(con, user, config.today())
    building = int(places.buildings(con, scope)["building_id"].iloc[0])
    stairwells = places.stairwells(con, scope, building)
    stairwell = int(stairwells["stairwell_id"].iloc[0]) if len(stairwells) > 1 else None
    household = int(rq.flats(con, scope, building, stairwell)["household_id"].iloc[0])
    con.close()
    return household


def flat_buttons(at):
    return next(g for g in at.get("button_group") if g.key.startswith("req_flat_"))


def test_a_grid_worker_enters_a_request_in_two_taps(page_db, monkeypatch):
    household = first_flat(page_db, "grid1")
    at = conftest.open_page(page_db, monkeypatch, "grid1", REQUESTS)
    assert at.title[0].value == "封控楼栋物资需求"
    flat_buttons(at).set_value(household).run()                      # tap 1: the flat
    assert not at.exception, at.exception
    at.button(key="req_kind_food_0").click().run()                   # tap 2: the kind
    assert not at.exception, at.exception
    assert any("已登记" in s.value for s in at.success)
    con = db.connect(page_db)
    made = con.execute("""SELECT household_id, kind, status, created_by FROM supply_request
                          ORDER BY request_id DESC LIMIT 1""").fetchone()
    con.close()
    assert made == (household, "food", "new", "grid1")
    assert flat_buttons(at).value is None                            # the next flat starts afresh


def test_medicine_asks_for_the_prescription_first(page_db, monkeypatch):
    household = first_flat(page_db, "grid1")
    at = conftest.open_page(page_db, monkeypatch, "grid1", REQUESTS)
    flat_buttons(at).set_value(household).run()
    at.button(key="req_kind_medicine_0").click().run()
    assert not at.exception, at.exception
    at.text_area(key="req_rx_text_0").input("硝苯地平缓释片 20mg").run()
    at.button(key="req_rx_save_0").click().run()
    assert not at.exception, at.exception
    con = db.connect(page_db)
    assert con.execute("SELECT kind, prescription FROM supply_request ORDER BY request_id DESC LIMIT 1"
                       ).fetchone() == ("medicine", "硝苯地平缓释片 20mg")
    con.close()


def handed_to_the_volunteer(path) -> int:
    con = db.connect(path)
    leader, volunteer = demo_account(con, "leader"), demo_account(con, "volunteer")
    household = roles.scope_for(con, volunteer, config.today()).household_ids[0]
    request_id = rq.create(con, leader, household, "goods", "口罩<b>*2*</b>")
    rq.assign(con, leader, request_id, volunteer.volunteer_id)
    con.close()
    return request_id


def test_a_volunteer_marks_a_delivery_delivered(page_db, monkeypatch):
    request_id = handed_to_the_volunteer(page_db)
    at = conftest.open_page(page_db, monkeypatch, "volunteer", DELIVERIES)
    assert at.title[0].value == "我的配送"
    assert "口罩<b>*2*</b>" in [t.value for t in at.text]             # detail as plain text
    at.button(key=f"req_on_the_way_{request_id}").click().run()
    at.button(key=f"req_delivered_{request_id}").click().run()
    assert not at.exception, at.exception
    assert any("已送达" in s.value for s in at.success)
    con = db.connect(page_db)
    assert con.execute("SELECT status FROM supply_request WHERE request_id = ?", [request_id]).fetchone() == \
        ("delivered",)
    assert con.execute("SELECT count(*) FROM supply_request_event WHERE request_id = ?",
                       [request_id]).fetchone() == (4,)
    con.close()


def test_not_delivered_asks_why(page_db, monkeypatch):
    request_id = handed_to_the_volunteer(page_db)
    at = conftest.open_page(page_db, monkeypatch, "volunteer", DELIVERIES)
    at.button(key=f"req_failed_{request_id}").click().run()
    conftest.choose(at, f"req_why_code_{request_id}", "no_answer")
    at.text_input(key=f"req_why_note_{request_id}").input("敲门三次").run()
    at.button(key=f"req_fail_{request_id}").click().run()
    assert not at.exception, at.exception
    con = db.connect(page_db)
    assert con.execute("SELECT status, failed_reason FROM supply_request WHERE request_id = ?",
                       [request_id]).fetchone() == ("failed", "联系不上：敲门三次")
    con.close()


def test_a_grid_worker_sees_a_volunteers_list(page_db, monkeypatch):
    handed_to_the_volunteer(page_db)
    at = conftest.open_page(page_db, monkeypatch, "leader", DELIVERIES)
    assert not at.exception, at.exception
    assert at.selectbox(key="dlv_volunteer.zh").value is not None


def test_no_requests_and_a_building_without_flats_are_said_plainly(page_db, monkeypatch):
    con = db.connect(page_db)
    con.execute("DELETE FROM supply_request_event")
    con.execute("DELETE FROM supply_request")
    grid, compound = con.execute("SELECT grid_id, compound_id FROM building ORDER BY building_id LIMIT 1").fetchone()
    con.execute("INSERT INTO building (building_id, compound_id, grid_id, name) VALUES (9999, ?, ?, '0空楼')",
                [compound, grid])
    con.close()
    at = conftest.open_page(page_db, monkeypatch, "leader", REQUESTS)
    assert any("今天还没有物资需求" in i.value for i in at.info)
    at.selectbox(key="req_building.zh").set_value(9999).run()
    assert not at.exception, at.exception
    assert any("还没有登记住户" in i.value for i in at.info)
    volunteer = conftest.open_page(page_db, monkeypatch, "volunteer", DELIVERIES)
    assert any("今天没有分配" in i.value for i in volunteer.info)


def test_an_empty_community_is_said_plainly(page_db, monkeypatch):
    con = db.connect(page_db)
    for table in ("supply_request_event", "supply_request", "household", "stairwell", "building_leader",
                  "building"):
        con.execute(f"DELETE FROM {table}")
    con.close()
    at = conftest.open_page(page_db, monkeypatch, "grid1", REQUESTS)
    assert any("还没有楼栋" in i.value for i in at.info)
    assert any("今天还没有物资需求" in i.value for i in at.info)


def test_both_pages_run_in_english_on_the_demo(page_db, monkeypatch):
    for path in (REQUESTS, DELIVERIES):
        at = conftest.open_page(page_db, monkeypatch, "admin", path, lang="en")
        assert not at.exception, at.exception
        assert at.title[0].value in ("Requests from sealed households", "My deliveries")
