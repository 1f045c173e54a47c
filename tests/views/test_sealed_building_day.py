"""A sealed building's day through the pages, as the people in it would tap it (issue 16, "done when").

A grid worker enters a request for a disabled resident's flat in two taps; the leader plans the day's door-to-door
round and confirms it; the volunteer it went to marks it on the way, then delivered, on their phone list; a request
left since the morning is raised as overdue on the grid worker's page; the daily report's supplies rows are the
requests page's own counts.
"""

from datetime import timedelta

import pytest

from resilient.core import config, db, roles
from resilient.daily import report as daily_report
from resilient.supplies import door
from resilient.supplies import requests as rq
from tests import conftest
from tests.conftest import button, demo_account
from tests.views.test_supplies_requests import first_flat, flat_buttons

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database

REQUESTS, ROUNDS = "views/supplies/requests.py", "views/supplies/rounds.py"
DELIVERIES, REPORT = "views/supplies/deliveries.py", "views/daily/report.py"


def the_morning(path) -> int:
    """A clean day: no requests yet; the first flat grid1 is offered has a disabled resident (served at the door)."""
    household = first_flat(path, "grid1")
    con = db.connect(path)
    con.execute("DELETE FROM supply_request_event")
    con.execute("DELETE FROM supply_request")
    con.execute("""UPDATE resident SET disabled = TRUE WHERE resident_id =
                   (SELECT min(resident_id) FROM resident WHERE household_id = $h)""", {"h": household})
    leader = demo_account(con, "leader")
    assert household in set(door.door_households(con, scope_of(con, leader), config.today())["household_id"])
    con.close()
    return household


def scope_of(con, user):
    return roles.scope_for(con, user, config.today())


def test_a_sealed_building_s_day(page_db, monkeypatch):
    household = the_morning(page_db)

    # 1. The grid worker, on a phone: the flat, then the kind.
    at = conftest.open_page(page_db, monkeypatch, "grid1", REQUESTS)
    flat_buttons(at).set_value(household).run()
    at.button(key="req_kind_food_0").click().run()
    assert not at.exception, at.exception
    con = db.connect(page_db)
    request_id, status = con.execute("SELECT request_id, status FROM supply_request WHERE household_id = $h",
                                     {"h": household}).fetchone()
    con.close()
    assert status == "new"

    # 2. The leader plans the day's round and confirms it.
    at = conftest.open_page(page_db, monkeypatch, "leader", ROUNDS)
    button(at, "生成配送方案").click().run()
    assert not at.exception, at.exception
    button(at, "确认派发（1 个请求）").click().run()
    assert not at.exception, at.exception
    con = db.connect(page_db)
    status, volunteer_id, stop = con.execute(
        "SELECT status, volunteer_id, route_stop FROM supply_request WHERE request_id = $r", {"r": request_id}
    ).fetchone()
    assert (status, stop) == ("assigned", 1) and volunteer_id is not None
    # The volunteer it went to signs in on their phone (the demo's volunteer account is theirs today).
    con.execute("UPDATE app_user SET volunteer_id = $v WHERE username = 'volunteer'", {"v": volunteer_id})
    con.close()

    # 3. The volunteer: on the way, then delivered.
    at = conftest.open_page(page_db, monkeypatch, "volunteer", DELIVERIES)
    at.button(key=f"req_on_the_way_{request_id}").click().run()
    at.button(key=f"req_delivered_{request_id}").click().run()
    assert not at.exception, at.exception
    con = db.connect(page_db)
    assert con.execute("SELECT status FROM supply_request WHERE request_id = $r",
                       {"r": request_id}).fetchone()[0] == "delivered"
    history = [r[0] for r in con.execute("SELECT status FROM supply_request_event WHERE request_id = $r "
                                         "ORDER BY event_id", {"r": request_id}).fetchall()]
    assert history == ["new", "assigned", "on_the_way", "delivered"]

    # 4. A request made in the small hours and still not delivered is raised to the grid worker.
    grid1 = demo_account(con, "grid1")
    late = rq.create(con, grid1, household, "medicine", "降压药", "硝苯地平缓释片",
                     at=config.now() - timedelta(hours=rq.RequestSettings().overdue_hours + 1))
    con.close()
    at = conftest.open_page(page_db, monkeypatch, "grid1", REQUESTS)
    assert any("小时未送达" in w.value for w in at.warning), [w.value for w in at.warning]

    # 5. The daily report's supplies rows are the requests page's counts.
    con = db.connect(page_db)
    leader = demo_account(con, "leader")
    counts = rq.kpis(con, scope_of(con, leader), config.today(), config.now())
    con.close()
    assert counts["delivered"] == 1 and counts["overdue"] >= 1 and late
    at = conftest.open_page(page_db, monkeypatch, "leader", REPORT)
    assert not at.exception, at.exception
    shown = {}
    for frame in (d.value for d in at.dataframe):
        if "item" in frame.columns:
            shown.update(dict(zip(frame["item"], frame["value"])))
    labels = {k: daily_report.item_label(f"requests_{k}", "zh") for k in ("new", "delivered", "overdue")}
    assert {k: int(shown[label]) for k, label in labels.items()} == {k: counts[k] for k in labels}
