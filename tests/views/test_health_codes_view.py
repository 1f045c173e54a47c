"""The health-code page under AppTest: a code set by hand on a phone raises the alert the doctors see, a sheet with
a bad row is named row by row and writes nothing, the counts carry their definitions."""

import io

import pandas as pd
import pytest

from resilient.core import db
from tests import conftest

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database

PAGE = "views/edge/health_codes.py"


def query(path, sql, params=None):
    con = db.connect(path)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def grid1_resident(path):
    """A resident of grid1's cells whose current code is not red and who has no open code alert."""
    return query(path, """
        SELECT r.resident_id, c.name, b.name, s.unit_no, h.room
        FROM resident r JOIN household h USING (household_id) JOIN stairwell s USING (stairwell_id)
        JOIN building b USING (building_id) JOIN compound c ON c.compound_id = b.compound_id
        JOIN app_user u ON u.username = 'grid1'
        JOIN grid_cell g ON g.grid_id = b.grid_id AND g.grid_worker_id = u.staff_id
        WHERE NOT EXISTS (SELECT 1 FROM fever_alert a WHERE a.resident_id = r.resident_id AND a.handled_at IS NULL)
          AND r.resident_id NOT IN (SELECT resident_id FROM current_health_code() WHERE colour = 'red')
          AND (SELECT count(*) FROM resident x WHERE x.household_id = r.household_id) = 1
        ORDER BY r.resident_id LIMIT 1""")[0]


def find_box(at):
    return next(t for t in at.text_input if t.key and t.key.endswith("_find"))


def test_a_red_code_set_by_hand_raises_the_alert_on_the_doctors_list(page_db, monkeypatch):
    resident_id, compound, building, unit, room = grid1_resident(page_db)
    alerts = len(query(page_db, "SELECT * FROM fever_alert WHERE code_id IS NOT NULL"))
    at = conftest.open_page(page_db, monkeypatch, "grid1", PAGE)
    assert at.title[0].value == "健康码"
    find_box(at).set_value(f"{compound}{building}{unit}单元{room}").run()
    assert not at.exception, at.exception
    assert any(b.key == "hc_set_red" and b.label == "红码" for b in at.button)
    next(b for b in at.button if b.key == "hc_set_red").click().run()
    assert not at.exception, at.exception
    assert any("已发出预警" in w.value for w in at.warning)
    assert query(page_db, "SELECT colour FROM current_health_code() WHERE resident_id = $r",
                 {"r": resident_id}) == [("red",)]
    assert len(query(page_db, "SELECT * FROM fever_alert WHERE code_id IS NOT NULL")) == alerts + 1
    assert at.dataframe[0].value.iloc[0, 0] == "红码"                   # the history, newest first
    doctor = conftest.open_page(page_db, monkeypatch, "doctor", "views/daily/checks.py")
    conftest.choose(doctor, "checks_section", "alerts")
    assert any("健康码转为红码" in m.value and f"{building} " in m.value and str(room) in m.value
               for m in doctor.markdown)


def test_the_same_colour_again_is_said_and_not_written(page_db, monkeypatch):
    resident_id, compound, building, unit, room = grid1_resident(page_db)
    at = conftest.open_page(page_db, monkeypatch, "leader", PAGE)
    find_box(at).set_value(f"{compound}{building}{unit}单元{room}").run()
    next(b for b in at.button if b.key == "hc_set_yellow").click().run()
    before = query(page_db, "SELECT count(*) FROM health_code")[0][0]
    next(b for b in at.button if b.key == "hc_set_yellow").click().run()
    assert not at.exception, at.exception
    assert any("未重复记录" in m.value for m in at.info)
    assert query(page_db, "SELECT count(*) FROM health_code")[0][0] == before


def sheet_bytes(rows) -> bytes:
    out = io.BytesIO()
    pd.DataFrame(rows).to_csv(out, index=False)
    return out.getvalue()


def test_a_sheet_with_a_bad_row_is_named_by_row_and_field_and_nothing_is_written(page_db, monkeypatch):
    _, compound, building, unit, room = grid1_resident(page_db)
    name = query(page_db, """SELECT r.name FROM resident r JOIN household h USING (household_id)
                             JOIN stairwell s USING (stairwell_id) JOIN building b USING (building_id)
                             WHERE b.name = $b AND s.unit_no = $u AND h.room = $r""",
                 {"b": building, "u": unit, "r": room})[0][0]
    at = conftest.open_page(page_db, monkeypatch, "leader", PAGE, lang="en")
    assert at.title[0].value == "Health codes"
    conftest.choose(at, "health_codes_section", "sheet")
    assert any(b.label == "Download the template" or "template" in b.label.lower() for b in at.get("download_button"))
    before = query(page_db, "SELECT count(*) FROM health_code")[0][0]
    data = sheet_bytes([{"姓名": name, "小区": compound, "楼栋": building, "单元": unit, "房号": room,
                         "健康码": "红码", "日期": "2026-01-01"},
                        {"姓名": name, "小区": compound, "楼栋": building, "单元": unit, "房号": room,
                         "健康码": "紫码", "日期": "2026-01-02"}])
    uploader = next(u for u in at.get("file_uploader") if u.key and "health_code" in u.key)
    uploader.set_value(("codes.csv", data, "text/csv")).run()
    assert not at.exception, at.exception
    assert any("problem" in e.value.lower() for e in at.error)
    problems = at.dataframe[-1].value
    assert list(problems.iloc[:, 0]) == [3]
    assert "紫码" in problems.iloc[0, 2] and problems.iloc[0, 1] == "健康码"
    assert query(page_db, "SELECT count(*) FROM health_code")[0][0] == before


def test_counts_with_their_definitions_in_english(page_db, monkeypatch):
    at = conftest.open_page(page_db, monkeypatch, "admin", PAGE, lang="en")
    conftest.choose(at, "health_codes_section", "counts")
    assert len(at.metric) == 5 and all(m.help for m in at.metric)
    assert not at.exception


def test_a_resident_found_by_building_then_flat(page_db, monkeypatch):
    _, compound, building, unit, room = grid1_resident(page_db)
    at = conftest.open_page(page_db, monkeypatch, "grid1", PAGE)
    next(g for g in at.get("button_group") if g.key and g.key.startswith("hc_0_how")).set_value("building").run()
    assert not at.exception, at.exception
    next(s for s in at.selectbox if s.key and "hc_0_building" in s.key).set_value(f"{compound}{building}").run()
    flat = next(s for s in at.selectbox if s.key and "hc_0_flat" in s.key)
    assert flat.value is None and flat.placeholder == "选择房号"
    flat.set_value(f"{unit}-{room}").run()
    assert not at.exception, at.exception
    assert any(b.key == "hc_set_green" for b in at.button)
