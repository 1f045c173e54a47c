"""Every page under AppTest: signed out only the login renders; signed in, each role sees its scope, in both
languages; sessions expire; administrator pages refuse everyone else."""

import json
from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from resilient.core import config, db, roles
from resilient.demo import database as demo_database
from tests.conftest import ROOT, demo_account, use_database

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database

VIEWS = ["views/maps/overview.py", "views/maps/coverage.py", "views/data/imports.py", "views/data/account.py"]
ADMIN_VIEWS = ["views/data/users.py", "views/data/audit.py", "views/data/backup.py"]
LOGIN_TITLE = {"zh": "韧性社区 · 登录", "en": "Resilient Community · Sign in"}


@pytest.fixture
def fresh(page_db, monkeypatch):
    use_database(page_db, monkeypatch)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def sign_in(at, username, password=demo_database.DEMO_PASSWORD, lang="zh"):
    labels = {"zh": ("用户名", "密码"), "en": ("User name", "Password")}[lang]
    next(t for t in at.text_input if t.label == labels[0]).input(username)
    next(t for t in at.text_input if t.label == labels[1]).input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def app(fresh):
    return sign_in(fresh, "admin")


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def number(at, label):
    return int(metric(at, label).replace(",", ""))


def map_elements(at):
    return [e for e in at.main if type(e).__name__ == "UnknownElement" and "st_folium" in str(e.proto)]


def test_signed_out_session_renders_only_the_login(fresh):
    assert fresh.title[0].value == LOGIN_TITLE["zh"]
    assert not fresh.metric and not map_elements(fresh)
    assert [s.key for s in fresh.sidebar.selectbox] == ["lang"]  # no community or grid data either
    assert "admin" in fresh.dataframe[0].value.iloc[:, 0].tolist()  # demo accounts listed on a demo database


def test_wrong_password_is_refused_with_a_message(fresh):
    sign_in(fresh, "grid1", "not-the-password")
    assert fresh.title[0].value == LOGIN_TITLE["zh"]
    assert "不正确" in fresh.error[0].value


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", VIEWS + ADMIN_VIEWS)
def test_every_page_runs_in_both_languages(fresh, page, lang):
    fresh.sidebar.selectbox(key="lang").set_value(lang).run()
    sign_in(fresh, "admin", lang=lang)
    fresh.switch_page(page).run()
    assert not fresh.exception, fresh.exception
    assert fresh.title and fresh.title[0].value != LOGIN_TITLE[lang]


def test_overview_in_chinese_by_default(app):
    assert app.title[0].value == "各楼栋隔离管控分布"
    assert metric(app, "居民") == "3,000"
    assert len(map_elements(app)) == 2   # measures by building, then the day slider's cases and risk areas
    assert len(app.get("plotly_chart")) == 1


def test_overview_in_english(app):
    app.sidebar.selectbox(key="lang").set_value("en").run()
    assert app.title[0].value == "Control measures by building"
    assert metric(app, "Residents") == "3,000"
    assert {"Home isolation", "Health monitoring", "Release due today"} <= {m.label for m in app.metric}


def expected_counts(path, username):
    """Residents and buildings the role may see, counted straight from the database with the role's scope."""
    con = db.connect(path)
    scope = roles.scope_for(con, _user(con, username), config.today())
    params = {k: v for k, v in scope.params().items() if k != "personal"}
    residents = con.execute("SELECT count(*) FROM scoped_household($community_ids, $grid_ids, $household_ids) "
                            "JOIN resident USING (household_id)", params).fetchone()[0]
    buildings = con.execute("SELECT count(*) FROM scoped_building($community_ids, $grid_ids, $household_ids)",
                            params).fetchone()[0]
    return residents, buildings


def _user(con, username):
    return demo_account(con, username)


@pytest.mark.parametrize("username", ["admin", "leader", "grid1", "doctor", "volunteer", "viewer"])
def test_each_role_sees_exactly_its_scope_on_the_overview(fresh, page_db, username):
    residents, buildings = expected_counts(page_db, username)
    sign_in(fresh, username)
    assert fresh.title[0].value == "各楼栋隔离管控分布"
    assert number(fresh, "居民") == residents
    script = json.loads(map_elements(fresh)[0].proto.json_args)["script"]
    assert script.count('"type": "Feature"') == buildings
    if username in ("grid1", "volunteer"):
        assert residents < 3_000
    else:
        assert residents == 3_000  # one community in this demo: leader, doctor and viewer see all of it


def test_audit_page_lists_what_happened(app):
    app.switch_page("views/data/audit.py").run()
    log = app.dataframe[0].value
    assert {"登录", "新建账户"} <= set(log["action"])
    assert "admin" in set(log["username"])


def test_grid_filter_narrows_every_figure(app):
    everyone = number(app, "居民")
    app.sidebar.selectbox(key="grid.zh").select_index(1).run()
    assert not app.exception
    assert 0 < number(app, "居民") < everyone
    app.sidebar.selectbox(key="grid.zh").select_index(0).run()
    assert number(app, "居民") == everyone


def test_choices_survive_a_language_switch(app):
    app.sidebar.selectbox(key="grid.zh").select_index(2).run()
    chosen = app.sidebar.selectbox(key="grid.zh").value
    app.sidebar.selectbox(key="lang").set_value("en").run()
    assert app.sidebar.selectbox(key="grid.en").value == chosen
    assert app.title[0].value == "Control measures by building"


def test_idle_session_expires_back_to_the_login(app):
    app.session_state["last_seen"] = config.now() - timedelta(minutes=31)
    app.run()
    assert app.title[0].value == LOGIN_TITLE["zh"]
    assert "自动退出" in app.warning[0].value


def test_sign_out(app):
    app.sidebar.button(key="sign_out").click().run()
    assert app.title[0].value == LOGIN_TITLE["zh"]


@pytest.mark.parametrize("page", ADMIN_VIEWS)
def test_administrator_pages_refuse_other_roles(page_db, monkeypatch, page):
    use_database(page_db, monkeypatch)
    con = db.connect(page_db)
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    at.session_state["user"] = _user(con, "leader")
    at.run()
    assert at.error and "无权" in at.error[0].value
    assert not at.dataframe


def test_first_start_builds_the_demo_database(tmp_path, monkeypatch):
    path = tmp_path / "new" / "community.duckdb"
    monkeypatch.setenv("RC_DB_PATH", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert path.exists()
    sign_in(at, "leader")
    assert metric(at, "居民") == "15,000"


def test_shown_tables_download_as_excel_with_the_readers_headers(app):
    """The audit table's download: the file holds the same rows, headers in Chinese, and the export is logged."""
    import io

    import openpyxl

    from ui import session

    app.switch_page("views/data/audit.py").run()
    button = next(b for b in app.get("download_button") if "下载Excel" in str(b.proto))
    assert button is not None
    shown = app.dataframe[0].value
    con = db.connect(config.database_target())
    from resilient.core.i18n import t
    from resilient.ops import exports

    headers = {"logged_at": t("audit.when", "zh"), "username": t("audit.username", "zh"), "role": t("login.role", "zh")}
    data = exports.audited_excel(con, _user(con, "admin"), "操作日志", shown, headers)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]][:3] == ["时间", "用户名", "角色"]
    assert sheet.max_row == len(shown) + 1
    assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'export' AND target = 'table:操作日志'"
                       ).fetchone()[0] >= 1
    assert session.XLSX.endswith("sheet")


def test_a_quiet_month_charts_whole_people_from_zero():
    """No one under a measure: the 30-day curve reads 0 to 1 in whole people, not -1 to 1 in halves."""
    import pandas as pd

    from ui import charts

    days = pd.date_range("2026-11-01", periods=3).repeat(2)
    quiet = pd.DataFrame({"day": days, "category": ["home_isolation", "health_monitoring"] * 3, "active": 0})
    axis = charts.active_by_day(quiet, "zh").layout.yaxis
    assert axis.rangemode == "nonnegative" and axis.dtick == 1 and axis.range[0] == 0
    busy = charts.active_by_day(quiet.assign(active=[100, 50, 120, 40, 0, 3]), "en").layout.yaxis
    assert busy.rangemode == "nonnegative" and busy.dtick is None  # plotly picks its ticks for large counts
