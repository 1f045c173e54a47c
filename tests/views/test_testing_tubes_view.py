"""The desk names a household's planned tube (the call-down sheet's 管号) and, once the tube's households are all
sampled, tells the desk to seal it and open the next: a word, the tube stays open (issue 14, item 7)."""

from datetime import datetime

from resilient.core import db, roles
from resilient.testing import desk, plans, sheets
from tests.conftest import button, demo_account, demo_day, open_page
from tests.views.test_testing_desk import desk_round, to_desk  # noqa: F401 (a fixture)


def test_the_desk_says_the_planned_tube_and_when_to_seal_it(desk_round, monkeypatch):  # noqa: F811
    path, round_id, site, _ = desk_round
    con = db.connect(path)
    leader = demo_account(con, "leader")
    day = demo_day(con)
    plans.make_plan(con, leader, round_id, now=datetime.combine(day, datetime.min.time()))
    homes = sheets.call_down(con, roles.scope_for(con, leader, day), round_id, day).households
    one_stairwell = homes.groupby(["building_id", "tube"]).filter(
        lambda t: t["stairwell_id"].nunique() == 1 and len(t) > 1 and (t["tube"] == t["tube_last"]).all())
    members = one_stairwell[one_stairwell[["building_id", "tube"]].apply(tuple, axis=1)
                            == tuple(one_stairwell[["building_id", "tube"]].iloc[0])]
    last = members.iloc[-1]
    walking = {code: desk.find_people(con, roles.scope_for(con, leader, day), round_id, code, day)
               for code in members["code"]}
    walking = {code: found[found["mode"] == "site"] for code, found in walking.items()}
    con.close()

    at = open_page(path, monkeypatch, "leader", "views/maps/testing.py")
    to_desk(at)
    at.text_input(key="desk_tube_code").input("Q1").run()
    button(at, "开管").click().run()
    at.text_input(key="desk_find").input(last["code"]).run()
    assert not at.exception, at.exception
    said = [i.value for i in at.info if "按计划" in i.value]
    assert said and f"管 {int(last['tube'])}" in said[0] and str(last["room"]) in said[0], said
    con = db.connect(path)
    for code, found in walking.items():   # the tube's other households sampled already, all but one person
        for resident in found["resident_id"][: None if code != last["code"] else -1]:
            desk.add_sample(con, leader, round_id, "Q1", int(resident), site)
    con.close()
    at.text_input(key="desk_find").set_value(last["code"] + " ").run()
    assert not any("已全部采完" in w.value for w in at.warning)
    at.button(key=f"sample_{int(walking[last['code']]['resident_id'].iloc[-1])}").click().run()
    assert not at.exception, at.exception
    done = [w.value for w in at.warning if "已全部采完" in w.value]
    assert done and f"管 {int(last['tube'])}" in done[0] and "请封管" in done[0], [w.value for w in at.warning]
    con = db.connect(path)
    assert con.execute("SELECT closed_at IS NULL FROM tube WHERE code = 'Q1'").fetchone()[0]   # a word, not a rule
    con.close()
    button(at, "封管").click().run()
    assert not at.exception, at.exception
    assert not any("已全部采完" in w.value for w in at.warning)
