"""The firms page under AppTest, on the demo: the overdue notice listed first, the figures, the map and the list;
a firm's actions on a phone (file, approve, reopened; a notice followed up as fixed); a firm without a location;
an empty registry says what to do; a doctor is not offered the page."""

import pytest

from resilient.core import db
from tests import conftest

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database


def query(path, sql, params=None):
    con = db.connect(path)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def firms_page(path, monkeypatch, username, lang="zh"):
    at = conftest.open_page(path, monkeypatch, username, "views/edge/firms.py", lang)
    assert not at.exception, at.exception
    return at


def firm_id(path, name: str) -> int:
    return query(path, "SELECT firm_id FROM firm WHERE name = ?", [name])[0][0]


def press(at, key: str):
    next(b for b in at.button if b.key == key).click().run()
    assert not at.exception, at.exception
    return at


def submit(at, label: str):
    [b for b in at.button if b.label == label][-1].click().run()   # the form's button, below the action's
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_overdue_notice_comes_first_then_the_figures_map_and_list(page_db, monkeypatch, lang):
    at = firms_page(page_db, monkeypatch, "leader", lang)
    assert at.title[0].value == ("企业与商铺" if lang == "zh" else "Firms and shops")
    assert at.warning[0].value.startswith("1 份整改通知已逾期" if lang == "zh" else "1 rectification notice is overdue")
    assert any("展厅未设测温点和扫码登记" in t.value for t in at.text)
    shown = at.dataframe[0].value
    assert len(shown) == 8 and {"汽车4S店" if lang == "zh" else "Car dealership"} <= set(shown.iloc[:, 1])
    assert "王*国" in set(shown.iloc[:, 5]) and "王建国" not in set(shown.iloc[:, 5])   # the contact masked


def test_a_grid_worker_files_a_firm_and_the_leader_approves_and_marks_it_reopened(page_db, monkeypatch):
    logistics = firm_id(page_db, "恒信物流有限公司")
    at = firms_page(page_db, monkeypatch, "grid1")
    at.selectbox(key="firms_pick").set_value(logistics).run()
    assert not at.exception, at.exception
    assert any(t.value.startswith("恒信物流有限公司") for t in at.text)
    press(at, "firms_do_file")
    submit(at, "申报复工")
    assert at.success[0].value == "已登记复工申报。"
    at = firms_page(page_db, monkeypatch, "leader")
    at.selectbox(key="firms_pick").set_value(logistics).run()
    press(at, "firms_do_approve")
    submit(at, "批准复工")
    at.selectbox(key="firms_pick").set_value(logistics).run()
    press(at, "firms_do_reopened")
    submit(at, "登记已复工")
    assert query(page_db, "SELECT status, decided_by FROM firm_filing WHERE firm_id = ?", [logistics]) == [
        ("reopened", "leader")]


def test_an_overdue_notice_followed_up_as_fixed_leaves_the_warning(page_db, monkeypatch):
    dealer = firm_id(page_db, "常州一汽大众4S店")
    at = firms_page(page_db, monkeypatch, "leader", "en")
    at.selectbox(key="firms_pick").set_value(dealer).run()
    press(at, "firms_do_follow_up")
    at.toggle(key="firms_follow_fixed").set_value(True)
    submit(at, "Follow up a notice")
    assert at.success[0].value == "Follow-up recorded."
    assert not any("overdue" in w.value for w in at.warning)


def test_a_refusal_without_a_reason_is_said_and_nothing_written(page_db, monkeypatch):
    school = firm_id(page_db, "永宁实验小学")
    at = firms_page(page_db, monkeypatch, "leader")
    at.selectbox(key="firms_pick").set_value(school).run()
    press(at, "firms_do_refuse")
    submit(at, "不予批准")
    assert at.error[0].value == "请填写不予批准原因。"
    assert query(page_db, "SELECT status FROM firm_filing WHERE firm_id = ?", [school]) == [("filed",)]


def test_a_firm_without_a_location_is_said_and_placed(page_db, monkeypatch):
    school = firm_id(page_db, "永宁实验小学")
    query(page_db, "UPDATE firm SET lon = NULL, lat = NULL WHERE firm_id = ?", [school])
    at = firms_page(page_db, monkeypatch, "leader")
    assert any(c.value.startswith("1 家未定位") for c in at.caption)
    at.selectbox(key="firms_pick").set_value(school).run()
    assert at.warning[-1].value.startswith("这家企业还没有位置")
    press(at, "firms_do_place")
    at.number_input(key="firms_place_lon").set_value(119.95)
    at.number_input(key="firms_place_lat").set_value(31.70)
    submit(at, "设定位置")
    assert query(page_db, "SELECT lon, lat FROM firm WHERE firm_id = ?", [school]) == [(119.95, 31.70)]


def test_an_empty_registry_says_what_to_do_and_a_firm_is_added(page_db, monkeypatch):
    for table in ("firm_notice_check", "firm_notice", "firm_pledge", "firm_filing", "firm"):
        query(page_db, f"DELETE FROM {table}")
    at = firms_page(page_db, monkeypatch, "admin")
    assert at.info[0].value.startswith("还没有登记企业或商铺")
    at.text_input(key="firms_add_name").input("<b>新*店_</b>")
    submit(at, "登记")
    assert query(page_db, "SELECT name, kind FROM firm") == [("<b>新*店_</b>", "shop")]
    assert at.success[0].value == r"已登记 \<b\>新\*店\_\</b\>。"   # as typed, escaped for markdown
    assert list(at.dataframe[0].value.iloc[:, 0]) == ["<b>新*店_</b>"]


def test_a_doctor_is_not_offered_the_page(page_db, monkeypatch):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        conftest.open_page(page_db, monkeypatch, "doctor", "views/edge/firms.py")
