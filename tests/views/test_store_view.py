"""The emergency store page under AppTest: the demo's short items raised, a doctor's issue lowers the cover."""

import pytest

from resilient.core import db
from resilient.daily import arrivals
from resilient.supplies import store
from tests import conftest
from tests.conftest import button, choose
from tests.views.test_arrivals_view import query, user_and_scope

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database

PAGE = "views/supplies/store.py"


def open_page(path, monkeypatch, username, lang="zh"):
    return conftest.open_page(path, monkeypatch, username, PAGE, lang)


def stock(path, username="leader"):
    _, scope, day = user_and_scope(path, username)
    con = db.connect(path)
    try:
        return store.stock(con, scope, day).set_index("name")
    finally:
        con.close()


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_section_runs_and_the_short_items_are_raised(page_db, monkeypatch, lang):
    at = open_page(page_db, monkeypatch, "leader", lang)
    assert at.title[0].value == {"zh": "应急物资库", "en": "Emergency store"}[lang]
    short = stock(page_db)
    short = short[short["alert"].astype(bool)]
    assert len(short) == 2   # the demo's alcohol and thermometers
    assert int(metric(at, {"zh": "储备不足", "en": "Running short"}[lang])) == 2
    warning = at.warning[0].value
    assert all(name in warning for name in short.index)
    for name in ("issue", "movements", "issued", "receive", "items", "stock"):
        choose(at, "store_section", name)
    assert at.download_button  # the Excel of stock and movements


def test_a_doctor_issues_thermometers_to_a_household_and_the_cover_falls(page_db, monkeypatch):
    before = stock(page_db, "doctor").loc["电子体温计"]
    item_id = int(before["item_id"])
    _, scope, _ = user_and_scope(page_db, "doctor")
    con = db.connect(page_db)
    household = int(arrivals.flats(con, scope, 1)["household_id"].iloc[0])
    con.close()
    at = open_page(page_db, monkeypatch, "doctor")
    choose(at, "store_section", "issue")
    at.selectbox(key="store_issue_item_0").set_value(item_id).run()
    at.number_input(key="store_issue_qty_0").set_value(10).run()
    at.selectbox(key="store_issue_flat_0").set_value(household).run()
    button(at, "发放").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    after = stock(page_db, "doctor").loc["电子体温计"]
    assert after["on_hand"] == before["on_hand"] - 10
    assert after["days_of_cover"] < before["days_of_cover"]
    assert any("已发放电子体温计 10支" in s.value for s in at.success)
    audited = "SELECT count(*) FROM audit_log WHERE action = 'store_issued' AND username = 'doctor'"
    assert query(page_db, audited)[0][0] == 1


def test_an_issue_above_the_stock_is_refused_on_the_page(page_db, monkeypatch):
    before = stock(page_db, "grid1").loc["75%酒精"]
    at = open_page(page_db, monkeypatch, "grid1")
    choose(at, "store_section", "issue")
    at.selectbox(key="store_issue_item_0").set_value(int(before["item_id"])).run()
    at.number_input(key="store_issue_qty_0").set_value(int(before["on_hand"]) + 1).run()
    choose(at, "store_issue_to_0.zh", "site")
    at.text_input(key="store_issue_site_0").input("东门").run()
    button(at, "发放").click().run()
    assert "库存不足" in at.error[0].value
    assert stock(page_db, "grid1").loc["75%酒精"]["on_hand"] == before["on_hand"]


def test_an_empty_store_says_what_to_do(page_db, monkeypatch):
    query(page_db, "DELETE FROM store_movement")
    query(page_db, "DELETE FROM store_item")
    at = open_page(page_db, monkeypatch, "leader")
    assert "还没有登记物资" in at.info[0].value
    at.text_input(key="store_item_name_0").input("医用口罩").run()
    at.text_input(key="store_item_unit_0").input("只").run()
    button(at, "登记物资").click().run()
    assert not at.exception, at.exception
    assert "医用口罩" in stock(page_db).index
    grid = open_page(page_db, monkeypatch, "grid1")
    choose(grid, "store_section", "issued")
    grid.selectbox(key="store_to_item.zh").set_value(int(stock(page_db).loc["医用口罩"]["item_id"])).run()
    assert any("还没有发放过" in i.value for i in grid.info)
