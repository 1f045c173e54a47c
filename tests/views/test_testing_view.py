"""The mass-testing page driven under AppTest: a round planned, a person sampled at the desk, progress, trace."""

import pytest
from streamlit.testing.v1 import AppTest

from resilient.core import db
from resilient.demo import database as demo_database
from resilient.testing import rounds as testing
from tests.conftest import ROOT, button, use_database
from tests.views.test_testing_desk import desk_round  # noqa: F401 (a fixture)
from tests.views.test_views import sign_in

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database


@pytest.fixture
def page(page_db, monkeypatch):
    path = page_db
    use_database(path, monkeypatch)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    sign_in(at, "leader")
    at.switch_page("views/maps/testing.py").run()
    assert not at.exception, at.exception
    return at, path


def test_plan_record_and_watch_a_round(page):
    at, path = page
    button(at, "创建").click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="round_id").value is not None
    for index in (0, 5):
        at.selectbox[next(i for i, s in enumerate(at.selectbox) if s.label == "设在楼栋旁")].select_index(index)
        button(at, "添加采样点").click().run()
        assert not at.exception, at.exception
    button(at, "生成分批计划").click().run()
    assert not at.exception, at.exception
    con = db.connect(path)
    assert con.execute("SELECT count(*) FROM batch").fetchone()[0] == 0  # shown, not written
    con.close()
    assert any(m.label == "新排入的人" and m.value != "0" for m in at.metric)
    proposal = next(d.value for d in at.dataframe if "old_site" in d.value.columns)
    assert not proposal[["old_site", "new_site"]].isna().any().any()  # a new group's old site is blank, not "None"
    button(at, "确认并保存计划").click().run()
    assert not at.exception, at.exception
    assert any("计划已保存为第" in s.value for s in at.success)
    assert any(b.label == "从现在重新分批" for b in at.button)
    con = db.connect(path)
    room = con.execute("""SELECT b.name, s.unit_no, h.room, r.resident_id, c.name FROM resident r
        JOIN household h USING (household_id) JOIN stairwell s USING (stairwell_id)
        JOIN building b USING (building_id) JOIN compound c USING (compound_id)
        WHERE b.compound_id = 1 AND NOT r.bedridden ORDER BY r.resident_id LIMIT 1""").fetchone()
    con.close()
    at.get("button_group")[0].set_value("desk").run()
    at.text_input(key="desk_tube_code").input("T0001").run()
    button(at, "开管").click().run()
    assert not at.exception, at.exception
    assert any("T0001" in m.value for m in at.markdown)
    number = int(room[0].removesuffix("栋"))
    at.text_input(key="desk_find").input(f"{number}-{room[1]}-{room[2]}").run()
    compounds = [g for g in at.get("button_group") if g.key == "desk_compound"]
    if compounds:   # the same room in both compounds: the desk asks which first
        compounds[0].set_value(room[4]).run()
    button_key = f"sample_{room[3]}"
    at.button(key=button_key).click().run()
    assert not at.exception, at.exception
    con = db.connect(path)
    assert con.execute("SELECT count(*) FROM sample WHERE resident_id = $r", {"r": room[3]}).fetchone()[0] == 1
    con.close()
    at.get("button_group")[0].set_value("progress").run()
    assert not at.exception, at.exception
    assert any(m.label == "已采样" and m.value.startswith("1 /") for m in at.metric)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_runs_in_both_languages(page, lang):
    at, _ = page
    at.sidebar.selectbox(key="lang").set_value(lang).run()
    assert not at.exception, at.exception
    assert at.title[0].value in ("全员核酸检测（按楼栋分批）", "Mass testing by building batches")


def test_a_new_round_starts_now_or_later(page, monkeypatch):
    from datetime import datetime, time, timedelta

    from resilient.core import config

    at, path = page
    afternoon = datetime.combine(config.today(), time(16, 6))
    monkeypatch.setattr(config, "now", lambda: afternoon)
    # Seen a minute ago on that clock: signed in at any real hour more than 30 minutes away, the session would
    # otherwise end as idle (the test then failed from 16:06 local to 07:36 the next morning).
    at.session_state["last_seen"] = afternoon - timedelta(minutes=1)
    at.run()
    assert at.time_input[0].value == time(16, 10) and at.date_input[0].value == afternoon.date()
    at.time_input[0].set_value(time(6, 0))
    button(at, "创建").click().run()
    assert not at.exception, at.exception
    assert any("已过去" in e.value for e in at.error)
    con = db.connect(path)
    assert con.execute("SELECT count(*) FROM testing_round").fetchone()[0] == 0
    con.close()


def test_a_grid_worker_sees_the_plan_but_has_no_plan_button(page, monkeypatch):
    from tests.conftest import signed_in_on

    at, path = page
    button(at, "创建").click().run()
    at.selectbox[next(i for i, s in enumerate(at.selectbox) if s.label == "设在楼栋旁")].select_index(0)
    button(at, "添加采样点").click().run()
    button(at, "生成分批计划").click().run()
    button(at, "确认并保存计划").click().run()
    grid = signed_in_on("views/maps/testing.py", "grid1")
    assert not any(b.label in ("生成分批计划", "从现在重新分批", "确认并保存计划") for b in grid.button)
    assert any("本轮负责人" in i.value for i in grid.info)


def test_all_communities_in_the_sidebar_cannot_create_a_round(tmp_path, monkeypatch):
    from resilient.places import setup
    from tests.conftest import demo_account, signed_in_on

    path = tmp_path / "community.duckdb"
    demo_database.ensure_database(path, residents=2_000, seed=9)
    con = db.connect(path)
    setup.create_community(con, demo_account(con, "admin"), "第二社区", "永宁街道")
    con.close()
    monkeypatch.setenv("RC_DB_PATH", str(path))
    at = signed_in_on("views/maps/testing.py", "admin")
    assert at.session_state["chosen_community"] == 0  # the sidebar on all communities
    create = button(at, "创建")
    assert create.disabled
    assert any("暂不支持全街道" in c.value for c in at.caption)


def test_the_plan_offers_the_call_down_workbook_and_the_page_to_print(page):
    at, _ = page
    button(at, "创建").click().run()
    at.selectbox[next(i for i, s in enumerate(at.selectbox) if s.label == "设在楼栋旁")].select_index(0)
    button(at, "添加采样点").click().run()
    button(at, "生成分批计划").click().run()
    button(at, "确认并保存计划").click().run()
    assert not at.exception, at.exception
    downloads = at.get("download_button")
    labels = [d.proto.label for d in downloads]
    assert "下载楼长通知单（Excel，每栋一页）" in labels and "下载打印版（A4，每栋一页，每户二维码）" in labels
    table = next(d.value for d in at.dataframe if "rooms" in d.value.columns)  # headers come from column_config
    assert table["date"].str.contains("年").all() and table["rooms"].str.len().gt(0).all()
    route = next(d.value for d in at.dataframe if "stop" in d.value.columns)   # the door-to-door route
    assert "compound" in route.columns and route["compound"].str.len().gt(0).all()   # two compounds share rooms


def test_suggested_site_added_with_one_click_and_the_plan_finishes_later_to_walk_less(page):
    at, path = page
    button(at, "创建").click().run()
    at.number_input(key="prevalence").set_value(1.0).run()
    assert any("10混1" in c.value and "11" in c.value for c in at.caption)
    button(at, "按步行最少给出建议").click().run()
    assert not at.exception, at.exception
    adds = [b for b in at.button if b.key and b.key.startswith("suggest_add_")]
    assert adds
    adds[0].click().run()
    assert not at.exception, at.exception
    con = db.connect(path)
    building = int(adds[0].key.removeprefix("suggest_add_"))
    assert con.execute("SELECT count(*) FROM sampling_site WHERE building_id = $b", {"b": building}).fetchone()[0] == 1
    con.close()
    button(at, "查看完成时间与步行距离").click().run()
    assert not at.exception, at.exception
    at.slider(key="plan_later").set_value(20).run()
    button(at, "生成分批计划").click().run()
    assert not at.exception, at.exception
    button(at, "确认并保存计划").click().run()
    assert not at.exception, at.exception
    con = db.connect(path)
    assert con.execute("SELECT count(*) FROM batch").fetchone()[0] > 0
    con.close()


def test_the_trace_table_names_the_compound(desk_round, monkeypatch):  # noqa: F811
    from resilient.testing import desk
    from tests.conftest import demo_account, open_page

    path, round_id, site, (compound, _, residents) = desk_round
    con = db.connect(path)
    leader = demo_account(con, "leader")
    desk.open_tube(con, leader, round_id, "P1", site)
    for resident in residents:
        desk.add_sample(con, leader, round_id, "P1", resident, site)
    desk.close_tube(con, leader, round_id, "P1", site)
    testing.record_result(con, leader, round_id, "P1", "positive")
    con.close()
    at = open_page(path, monkeypatch, "leader", "views/maps/testing.py")
    next(g for g in at.get("button_group") if g.key == "testing_section").set_value("results").run()
    at.text_input(key="trace_code").input("P1").run()
    assert not at.exception, at.exception
    traced = next(d.value for d in at.dataframe if "taken_at" in d.value.columns)
    assert list(traced["compound"]) == [compound] * len(residents)


def test_a_site_is_added_where_the_map_is_clicked(desk_round, monkeypatch):  # noqa: F811
    import streamlit_folium

    from tests.conftest import open_page
    from tests.views.test_points_view import fake_map
    from views.maps import testing_sites

    path, round_id, _, _ = desk_round
    con = db.connect(path)
    compound, building, lon, lat = con.execute("""SELECT c.name, b.name, ST_X(ST_Centroid(s.geom)),
        ST_Y(ST_Centroid(s.geom)) FROM stairwell s JOIN building b USING (building_id) JOIN compound c
        USING (compound_id) WHERE s.geom IS NOT NULL ORDER BY s.stairwell_id LIMIT 1""").fetchone()
    con.close()
    click = {"site_click_": {"last_clicked": {"lng": lon + 0.0001, "lat": lat}}}
    for module in (streamlit_folium, testing_sites):   # the section's module holds its own st_folium name
        monkeypatch.setattr(module, "st_folium", fake_map(click))
    at = open_page(path, monkeypatch, "leader", "views/maps/testing.py")
    at.run()   # the click the map stored names the site
    assert not at.exception, at.exception
    assert at.text_input(key="site_click_name").value == f"{compound}{building}采样点"
    at.button(key="site_click_add").click().run()
    assert not at.exception, at.exception
    con = db.connect(path)
    stored = con.execute("SELECT name, lon, lat, building_id FROM sampling_site WHERE round_id = $r ORDER BY site_id",
                         {"r": round_id}).fetchall()
    con.close()
    assert len(stored) == 2 and stored[-1][0] == f"{compound}{building}采样点" and stored[-1][3] is None
    assert stored[-1][1:3] == pytest.approx((lon + 0.0001, lat), abs=1e-7)   # plain basemap: WGS-84 as clicked
    # A click in a field far from any building: the site is numbered.
    click["site_click_"] = {"last_clicked": {"lng": lon + 0.03, "lat": lat + 0.03}}
    at.run().run()   # the map takes the click, then the page reads it
    assert at.text_input(key="site_click_name").value == "采样点3"


def test_a_grid_worker_proposes_and_the_leader_accepts_a_new_version(page, monkeypatch):
    from datetime import timedelta

    from resilient.core import config
    from tests.conftest import signed_in_on

    at, path = page
    earlier = config.now() - timedelta(hours=2)  # the proposal is made and accepted before anyone is called down
    button(at, "创建").click().run()
    for index in (0, 5):
        at.selectbox[next(i for i, s in enumerate(at.selectbox) if s.label == "设在楼栋旁")].select_index(index)
        button(at, "添加采样点").click().run()
    button(at, "生成分批计划").click().run()
    button(at, "确认并保存计划").click().run()
    assert not at.exception, at.exception
    monkeypatch.setattr(config, "now", lambda: earlier)
    grid = signed_in_on("views/maps/testing.py", "grid1")
    stairwells = next(s for s in grid.selectbox if s.label == "单元")
    con = db.connect(path)
    late = con.execute("""SELECT q.stairwell_id, min(q.site_id) FROM batch q JOIN stairwell s USING (stairwell_id)
        JOIN building b USING (building_id) JOIN grid_cell g USING (grid_id) JOIN app_user u
        ON u.staff_id = g.grid_worker_id WHERE u.username = 'grid1' GROUP BY q.stairwell_id
        ORDER BY q.stairwell_id""").fetchall()
    sites = [r[0] for r in con.execute("SELECT site_id FROM sampling_site ORDER BY site_id").fetchall()]
    versions = con.execute("SELECT count(*) FROM plan_version").fetchone()[0]
    con.close()
    stairwell, site = late[0]
    stairwells.set_value(stairwell)
    grid.selectbox(key="propose_site").set_value(next(s for s in sites if s != site))
    button(grid, "提交调整建议").click().run()
    assert not grid.exception, grid.exception
    assert any("已提交" in s.value for s in grid.success), [e.value for e in grid.error]
    assert any(d.value.iloc[0]["status"] == "待处理" for d in grid.dataframe if "status" in d.value.columns)

    at.run()
    assert any(s.value.startswith("网格员的调整建议") for s in at.subheader)
    button(at, "采纳（保存为新的计划版本）").click().run()
    assert not at.exception, at.exception
    con = db.connect(path)
    assert con.execute("SELECT count(*) FROM plan_version").fetchone()[0] == versions + 1
    moved = {r[0] for r in con.execute("SELECT site_id FROM batch WHERE stairwell_id = $s", {"s": stairwell})
             .fetchall()}
    assert moved == {next(s for s in sites if s != site)}
    assert con.execute("SELECT status FROM plan_proposal").fetchall() == [("accepted",)]
    con.close()
