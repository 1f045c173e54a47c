"""The set-up pages on a new database, as an administrator follows them, and every page on unfinished data."""

import pytest
from streamlit.testing.v1 import AppTest

from resilient.core import accounts, db
from resilient.places import setup
from tests.conftest import ROOT, open_page
from tests.views.test_views import sign_in

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database

PASSWORD = "a-long-enough-password"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGES = ["views/maps/overview.py", "views/maps/testing.py", "views/maps/coverage.py", "views/daily/checks.py",
         "views/daily/arrivals.py", "views/daily/releases.py", "views/daily/supervision.py", "views/daily/report.py",
         "views/data/setup.py", "views/data/buildings.py", "views/data/imports.py", "views/data/account.py",
         "views/data/users.py", "views/data/audit.py", "views/data/backup.py"]


@pytest.fixture
def new_database(tmp_path, monkeypatch):
    """A database as `create-admin` leaves it: the schema and one administrator, no community."""
    path = tmp_path / "office.duckdb"
    con = db.connect(path)
    accounts.create_user(con, None, "chief", "街道管理员", PASSWORD, "street_admin")
    con.close()
    monkeypatch.setenv("RC_DB_PATH", str(path))
    return path


def signed_in(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    if lang != "zh":
        at.sidebar.selectbox(key="lang").set_value(lang).run()
    return sign_in(at, "chief", PASSWORD, lang)


def texts(at) -> str:
    return " ".join(e.value for e in [*at.markdown, *at.info, *at.caption, *at.success, *at.error, *at.warning]
                    if isinstance(e.value, str))


def test_a_new_database_opens_on_set_up_and_the_first_steps_work_from_the_page(new_database):
    at = signed_in()
    assert not at.exception
    assert at.title[0].value == "社区设置"               # not an empty map
    assert "还没有社区" in texts(at)
    next(t for t in at.text_input if t.label == "社区名称").input("永定社区")
    next(t for t in at.text_input if t.label == "街道").input("三井街道")
    next(b for b in at.button if b.label == "新建社区").click().run()
    assert not at.exception and "已建立：永定社区" in texts(at)
    assert "下一步：建立网格" in texts(at)
    next(t for t in at.text_input if t.label == "姓名").input("王网格")
    next(t for t in at.text_input if t.label == "手机号码").input("13800001234")
    next(b for b in at.button if b.label == "添加工作人员").click().run()
    next(t for t in at.text_input if t.label == "网格名称").input("第1网格")
    next(s for s in at.selectbox if s.label == "网格员").set_value(1)      # the staff member just added
    next(b for b in at.button if b.label == "添加网格").click().run()
    assert not at.exception
    next(t for t in at.text_input if t.label == "小区名称").input("永宁花园")
    next(b for b in at.button if b.label == "添加小区").click().run()
    assert not at.exception
    con = db.connect(new_database)
    try:
        steps = {s.step: s for s in setup.status(con, setup.Scope(), 1)}
    finally:
        con.close()
    assert steps["grid_cells"].done and steps["compounds"].count == 1 and not steps["outlines"].done


def test_a_refused_step_says_why_and_changes_nothing(new_database):
    at = signed_in("en")
    next(t for t in at.text_input if t.label == "Community name").input(" ")
    next(t for t in at.text_input if t.label == "Street office").input("三井街道")
    next(b for b in at.button if b.label == "Set up the community").click().run()
    assert not at.exception and "Please enter the community name." in texts(at)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_a_database_with_no_community(new_database, page):
    at = signed_in()
    at.switch_page(page).run()
    assert not at.exception, (page, at.exception)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_buildings_lacking_outlines_and_a_community_without_grid_cells(page_db, monkeypatch,
                                                                                          page):
    con = db.connect(page_db)
    con.execute("UPDATE building SET geom = NULL WHERE building_id % 3 = 0")
    con.execute("UPDATE stairwell SET geom = NULL WHERE building_id % 3 = 0")
    con.execute("INSERT INTO community VALUES (99, '新建社区', '三井街道', NULL)")     # nothing under it yet
    con.close()
    at = open_page(page_db, monkeypatch, "admin", page)
    assert not at.exception, (page, at.exception)
    if page in ("views/maps/overview.py", "views/maps/coverage.py"):
        assert any("还没有轮廓" in e.label for e in at.expander), "the map says which buildings it leaves off"


def test_an_office_brings_its_community_in_through_the_pages_alone(new_database):
    """Set-up, then the outline file and the register on the import page, then the overview draws it all."""
    from resilient.demo import examples

    at = signed_in()
    next(t for t in at.text_input if t.label == "社区名称").input("永定社区")
    next(t for t in at.text_input if t.label == "街道").input("三井街道")
    next(b for b in at.button if b.label == "新建社区").click().run()
    at.switch_page("views/data/imports.py").run()
    assert not at.exception, at.exception
    at.file_uploader[-1].set_value(("示例楼栋轮廓.geojson", examples.outline_file(), "application/geo+json")).run()
    assert not at.exception, at.exception
    at.checkbox(key="fp_create").check().run()
    next(b for b in at.button if b.label == "确认写入轮廓").click().run()
    assert not at.exception, at.exception
    assert at.success, [e.value for e in at.error]
    at.file_uploader[0].set_value(("示例住户登记表.xlsx", examples.register_file(),
                                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).run()
    at.checkbox(key="census_register").check().run()
    assert not at.exception, at.exception
    next(b for b in at.button if b.label == "确认导入").click().run()
    assert not at.exception, at.exception
    con = db.connect(new_database)
    try:
        counts = con.execute("SELECT count(*), count(geom) FROM building").fetchone()
        residents = con.execute("SELECT count(*) FROM resident").fetchone()[0]
    finally:
        con.close()
    example = examples._example_database().cursor()
    assert counts == (example.execute("SELECT count(*) FROM building").fetchone()[0],) * 2
    assert residents == example.execute("SELECT count(*) FROM resident").fetchone()[0]
    at.switch_page("views/maps/overview.py").run()
    assert not at.exception, at.exception
    drawn = [e for e in at.main if type(e).__name__ == "UnknownElement" and "st_folium" in str(e.proto)]
    assert drawn and str(counts[0]) and "Polygon" in str(drawn[0].proto)
    assert not any("还没有轮廓" in e.label for e in at.expander)


def places_sheet(rows) -> bytes:
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["网格", "小区", "楼栋", "单元数", "层数"])
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_places_sheet_sets_up_grid_cells_compounds_and_buildings_from_the_page(new_database):
    at = signed_in()
    next(t for t in at.text_input if t.label == "社区名称").input("永定社区")
    next(t for t in at.text_input if t.label == "街道").input("三井街道")
    next(b for b in at.button if b.label == "新建社区").click().run()
    assert any(e.label == "用表格一次建好网格、小区和楼栋" for e in at.expander)
    bad = places_sheet([["第1网格", "永宁花园", "1号楼", "99", ""], ["第1网格", "永宁花园", "1栋", "2", ""]])
    at.file_uploader(key="upload_places").set_value(("楼栋.xlsx", bad, XLSX)).run()
    assert not at.exception, at.exception
    assert any("发现 2 处问题" in e.value for e in at.error), [e.value for e in at.error]
    assert not any(b.label == "确认导入" for b in at.button)
    good = places_sheet([["第1网格", "永宁花园", "1号楼", "2", "18"], ["第2网格", "永宁花园", "314号楼A座", "3", ""],
                         ["第2网格", "丽景苑", "1栋", "1", "6"]])
    at.file_uploader(key="upload_places").set_value(("楼栋.xlsx", good, XLSX)).run()
    assert not at.exception, at.exception
    next(b for b in at.button if b.label == "确认导入").click().run()
    assert not at.exception, at.exception
    assert "已写入 3 栋楼：新建 3 栋" in texts(at), texts(at)
    con = db.connect(new_database)
    try:
        made = con.execute("SELECT count(*), count(grid_id) FROM building").fetchone()
        stairwells = con.execute("SELECT count(*) FROM stairwell").fetchone()[0]
        grids = con.execute("SELECT count(*) FROM grid_cell").fetchone()[0]
    finally:
        con.close()
    assert made == (3, 3) and stairwells == 6 and grids == 2
    assert any("下载Excel模板" in str(b.proto) for b in at.get("download_button"))   # the places template


def test_new_buildings_from_an_outline_file_go_into_a_compound_just_made_and_still_empty(new_database):
    """The compound added on the set-up page holds no building yet; the outline tab still offers it."""
    from tests.footprint_files import geojson_bytes

    at = signed_in()
    next(t for t in at.text_input if t.label == "社区名称").input("永定社区")
    next(t for t in at.text_input if t.label == "街道").input("三井街道")
    next(b for b in at.button if b.label == "新建社区").click().run()
    next(t for t in at.text_input if t.label == "小区名称").input("永宁花园")
    next(b for b in at.button if b.label == "添加小区").click().run()
    at.switch_page("views/data/imports.py").run()
    at.file_uploader[-1].set_value(("楼栋.geojson", geojson_bytes(), "application/geo+json")).run()
    at.checkbox(key="fp_create").check().run()
    assert not at.exception, at.exception
    into = next(s for s in at.selectbox if s.label == "新建到小区")
    assert into.options == ["永宁花园"]
    next(b for b in at.button if b.label == "确认写入轮廓").click().run()
    assert not at.exception and at.success, [e.value for e in at.error]
    con = db.connect(new_database)
    try:
        placed = con.execute("""SELECT c.name, count(b.geom) FROM building b JOIN compound c USING (compound_id)
                                GROUP BY c.name""").fetchall()
    finally:
        con.close()
    assert placed == [("永宁花园", 2)]
