"""The delivery rounds page under AppTest: plain words with nothing to route, the plan beside arrival order, the
map, a volunteer's stops, confirmation writing the round, and the roles it is closed to."""

from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from resilient.core import config, db, roles
from resilient.supplies import door, rounds
from tests import conftest
from tests.conftest import ROOT, button, demo_account, demo_day, use_database
from tests.views.test_views import map_elements, sign_in

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database

PAGE = "views/supplies/rounds.py"


def open_page(path, monkeypatch, username, lang="zh"):
    return conftest.open_page(path, monkeypatch, username, PAGE, lang)


def seed_requests(path, count=12):
    """`count` food requests of the demo's door households (one each), made in the last hour."""
    con = db.connect(path)
    user = demo_account(con, "leader")
    day = demo_day(con)
    scope = roles.scope_for(con, user, day)
    households = door.door_households(con, scope, day)["household_id"].astype(int).tolist()[:count]
    morning = config.now() - timedelta(hours=1)   # the page plans at the real now: the requests came before it
    for k, household in enumerate(households):
        con.execute("""INSERT INTO supply_request (household_id, kind, created_at, created_by, updated_at)
                       VALUES ($h, 'food', $t, 'grid1', $t)""", {"h": household, "t": morning + timedelta(minutes=k)})
    proposal = rounds.propose(con, scope, day, config.now())
    con.close()
    return households, proposal


def plan(at):
    button(at, "生成配送方案").click().run()
    assert not at.exception, at.exception
    return at


def clear_requests(path):
    """The demo seeds a morning's requests; a day without any starts from none."""
    con = db.connect(path)
    con.execute("DELETE FROM supply_request_event")
    con.execute("DELETE FROM supply_request")
    con.close()


def test_nothing_to_route_is_said_plainly(page_db, monkeypatch):
    clear_requests(page_db)
    at = plan(open_page(page_db, monkeypatch, "leader"))
    assert "目前没有待配送的上门请求。" in [i.value for i in at.info]
    assert not map_elements(at)


def test_the_leader_sees_the_plan_and_confirms_it(page_db, monkeypatch):
    clear_requests(page_db)
    households, proposal = seed_requests(page_db)
    assert len(proposal.planned.routes), "the demo's door households should be in reach of a volunteer"
    at = plan(open_page(page_db, monkeypatch, "leader"))
    shown = {m.label: m.value for m in at.metric}
    assert shown["上门户数"] == str(proposal.planned.routes["household_id"].nunique())
    assert shown["方案步行"] == f"{round(proposal.planned.total_m):,} 米"
    assert shown["按先后顺序步行"] == f"{round(proposal.arrival.total_m):,} 米"
    assert len(map_elements(at)) == 1
    per_volunteer = at.dataframe[0].value
    assert per_volunteer["doors"].sum() == proposal.planned.routes["household_id"].nunique()
    stops = at.dataframe[1].value
    assert stops["stop"].tolist() == sorted(stops["stop"]) and "*" in "".join(stops["name"].dropna())  # masked
    routed = len(proposal.planned.routes)
    button(at, f"确认派发（{routed} 个请求）").click().run()
    assert not at.exception, at.exception
    assert f"已派发 {routed} 个请求。" in [s.value for s in at.success]
    con = db.connect(page_db)
    statuses = dict(con.execute("SELECT status, count(*) FROM supply_request GROUP BY 1").fetchall())
    assert statuses.get("assigned") == routed
    assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'dispatch_deliveries'").fetchone()[0] == 1
    con.close()


def test_the_page_speaks_english(page_db, monkeypatch):
    seed_requests(page_db, 4)
    at = open_page(page_db, monkeypatch, "leader", "en")
    button(at, "Plan the rounds").click().run()
    assert not at.exception, at.exception
    assert "Walking in arrival order" in [m.label for m in at.metric]


@pytest.mark.parametrize("username", ["doctor"])
def test_other_roles_do_not_get_the_page(page_db, monkeypatch, username):
    use_database(page_db, monkeypatch)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    sign_in(at, username)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)
    con = db.connect(page_db)
    doctor = demo_account(con, username)
    con.close()
    direct = AppTest.from_file(str(ROOT / PAGE), default_timeout=90)
    direct.session_state["user"] = doctor
    direct.run()
    assert [e.value for e in direct.error] == ["您的角色无权查看此页。"]
    assert not direct.button and not direct.metric
