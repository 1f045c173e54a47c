"""Every page runs under AppTest in both languages with its key elements; the sidebar drives the scope."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

PAGES = ["views/overview.py"]


@pytest.fixture
def app(demo_file, monkeypatch):
    monkeypatch.setenv("RC_DB_PATH", str(demo_file))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def map_elements(at):
    return [e for e in at.main if type(e).__name__ == "UnknownElement" and "st_folium" in str(e.proto)]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_runs_in_both_languages(app, page, lang):
    app.sidebar.selectbox(key="lang").set_value(lang).run()
    app.switch_page(page).run()
    assert not app.exception, app.exception
    assert app.title, "page has no title"


def test_overview_in_chinese_by_default(app):
    assert app.title[0].value == "各楼栋隔离管控分布"
    assert metric(app, "居民") == "3,000"
    assert len(map_elements(app)) == 1
    assert len(app.get("plotly_chart")) == 1


def test_overview_in_english(app):
    app.sidebar.selectbox(key="lang").set_value("en").run()
    assert app.title[0].value == "Control measures by building"
    assert metric(app, "Residents") == "3,000"
    assert {"Home isolation", "Health monitoring", "Release due today"} <= {m.label for m in app.metric}


def test_grid_filter_narrows_every_figure(app):
    everyone = int(metric(app, "居民").replace(",", ""))
    app.sidebar.selectbox(key="grid.zh").select_index(1).run()
    assert not app.exception
    one_grid = int(metric(app, "居民").replace(",", ""))
    assert 0 < one_grid < everyone
    app.sidebar.selectbox(key="grid.zh").select_index(0).run()
    assert int(metric(app, "居民").replace(",", "")) == everyone


def test_choices_survive_a_language_switch(app):
    app.sidebar.selectbox(key="grid.zh").select_index(2).run()
    chosen = app.sidebar.selectbox(key="grid.zh").value
    app.sidebar.selectbox(key="lang").set_value("en").run()
    assert app.sidebar.selectbox(key="grid.en").value == chosen
    assert app.title[0].value == "Control measures by building"


def test_first_start_builds_the_demo_database(tmp_path, monkeypatch):
    path = tmp_path / "new" / "community.duckdb"
    monkeypatch.setenv("RC_DB_PATH", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert path.exists()
    assert metric(at, "居民") == "15,000"


def test_map_carries_every_building_in_scope(app):
    args = map_elements(app)[0].proto.json_args if hasattr(map_elements(app)[0].proto, "json_args") else ""
    text = str(map_elements(app)[0].proto) if not args else args
    assert text.count("Feature") > 10
