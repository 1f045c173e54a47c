"""The import page driven as a person would: upload, see problems by row and column, confirm, see it written."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from resilient.core import db, ids
from tests.conftest import ROOT, use_database
from tests.views.test_views import sign_in

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database


def an_id(birth: str = "19900101", serial: str = "123") -> str:
    first17 = "320411" + birth + serial
    return first17 + ids.check_digit(first17)


@pytest.fixture
def town(page_db, monkeypatch):
    """A demo database of its own: these tests write."""
    path = page_db
    con = db.connect(path)
    flat = con.execute("""SELECT c.name, b.name, s.unit_no, h.room FROM household h JOIN stairwell s
        USING (stairwell_id) JOIN building b USING (building_id) JOIN compound c USING (compound_id)
        ORDER BY h.household_id LIMIT 1""").fetchone()
    con.close()
    use_database(path, monkeypatch)
    return path, flat


def open_imports(username="leader"):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    sign_in(at, username)
    at.switch_page("views/data/imports.py").run()
    assert not at.exception, at.exception
    return at


def residents(path, id_number):
    con = db.connect(path)
    salt = con.execute("SELECT value FROM meta WHERE key = 'id_salt'").fetchone()[0]
    found = con.execute("SELECT name, phone FROM resident WHERE id_hash = $h",
                        {"h": ids.hash_id(id_number, salt)}).fetchall()
    total = con.execute("SELECT count(*) FROM resident").fetchone()[0]
    con.close()
    return found, total


def register_csv(flat, id_number, phone="13812345678", encoding="utf-8", name="王小明") -> bytes:
    compound, building, unit, room = flat
    text = ("小区,楼栋,单元,房号,姓名,身份证号,联系电话\n"
            f"{compound},{building},{unit},{room},{name},{id_number},{phone}\n")
    return text.encode(encoding)


def test_a_bad_row_is_named_and_nothing_is_written(town):
    path, flat = town
    before = residents(path, an_id())[1]
    bad = an_id()[:-1] + ("0" if an_id()[-1] != "0" else "1")  # wrong check digit
    at = open_imports()
    at.file_uploader[0].set_value(("登记表.csv", register_csv(flat, bad), "text/csv")).run()
    assert not at.exception, at.exception
    problems = at.dataframe[-1].value
    assert problems.iloc[0, 0] == 2 and problems.iloc[0, 1] == "身份证号"  # spreadsheet row 2, the ID column
    assert "校验" in problems.iloc[0, 2]
    assert not [b for b in at.button if b.label == "确认导入"]
    assert residents(path, bad)[1] == before


def test_a_clean_gbk_file_is_written_once_and_audited(town):
    path, flat = town
    number = an_id(serial="457")
    at = open_imports()
    at.file_uploader[0].set_value(("登记表.csv", register_csv(flat, number, encoding="gbk"), "text/csv")).run()
    assert not at.exception, at.exception
    assert at.success and "通过检查" in at.success[0].value
    next(b for b in at.button if b.label == "确认导入").click().run()
    assert not at.exception, at.exception
    assert any("导入完成" in s.value for s in at.success)
    found, total = residents(path, number)
    assert found == [("王小明", "13812345678")]
    con = db.connect(path)
    # The demo's own set-up imports are there too, under demo-setup; this page's is the newest, once.
    entries = con.execute("""SELECT username, detail FROM audit_log WHERE action = 'import'
                             AND username <> 'demo-setup' ORDER BY audit_id""").fetchall()
    con.close()
    assert len(entries) == 1 and entries[0][0] == "leader" and json.loads(entries[0][1])["created"] == 1


def test_a_name_like_a_formula_is_imported_as_typed_with_a_warning_naming_the_row(town):
    path, flat = town
    number = an_id(serial="468")
    at = open_imports()
    at.file_uploader[0].set_value(("登记表.csv", register_csv(flat, number, name="=1+1"), "text/csv")).run()
    assert not at.exception, at.exception
    assert any("公式" in w.value for w in at.warning)
    warned = next(d.value for d in at.dataframe if "=1+1" in d.value.to_string())
    assert warned.iloc[0, 0] == 2 and warned.iloc[0, 1] == "姓名" and "=1+1" in warned.iloc[0, 2]
    next(b for b in at.button if b.label == "确认导入").click().run()
    assert not at.exception, at.exception
    assert residents(path, number)[0] == [("=1+1", "13812345678")]


def test_unknown_header_asks_for_a_mapping(town):
    path, flat = town
    compound, building, unit, room = flat
    text = f"小区,楼栋,单元,房号,姓名,身份证号,微信\n{compound},{building},{unit},{room},李四,{an_id(serial='789')},x\n"
    at = open_imports()
    at.file_uploader[0].set_value(("登记表.csv", text.encode(), "text/csv")).run()
    assert not at.exception, at.exception
    assert any("无法识别" in w.value for w in at.warning)
    assert any(s.label == "“微信”列是" for s in at.selectbox)


def test_footprints_are_previewed_then_written(town):
    path, flat = town
    con = db.connect(path)
    lon, lat, name = con.execute("""SELECT ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom)), name
        FROM building WHERE compound_id = 1 ORDER BY building_id LIMIT 1""").fetchone()
    con.close()
    d = 0.0002
    feature = {"type": "Feature", "properties": {"name": name, "building:levels": "9"},
               "geometry": {"type": "Polygon", "coordinates": [[[lon - d, lat - d / 2], [lon + d, lat - d / 2],
                                                                  [lon + d, lat + d / 2], [lon - d, lat + d / 2],
                                                                  [lon - d, lat - d / 2]]]}}
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    at = open_imports()
    at.file_uploader[-1].set_value(("outlines.geojson", data, "application/geo+json")).run()
    assert not at.exception, at.exception
    at.selectbox(key="fp_compound.zh").set_value(1).run()
    assert any("已匹配 **1**" in m.value for m in at.markdown)
    assert [e for e in at.main if type(e).__name__ == "UnknownElement" and "st_folium" in str(e.proto)]
    next(b for b in at.button if b.label == "确认写入轮廓").click().run()
    assert not at.exception, at.exception
    assert any("已写入 1 个" in s.value for s in at.success)
    con = db.connect(path)
    floors = con.execute("SELECT floors FROM building WHERE compound_id = 1 AND name = $n", {"n": name}).fetchone()
    con.close()
    assert floors == (9,)


def test_roles_that_do_not_import_are_refused(town, monkeypatch):
    path, _ = town
    con = db.connect(path)
    from resilient.core import accounts

    volunteer = accounts._user(accounts._row(con, "user_by_username", username="volunteer"))
    con.close()
    at = AppTest.from_file(str(ROOT / "views" / "data" / "imports.py"), default_timeout=60)
    at.session_state["user"] = volunteer
    at.run()
    assert at.error and "无权" in at.error[0].value
    assert not at.file_uploader
