"""The supervision page under AppTest: figures match the domain, hand-overs, team assignment and the rules save."""

import re
from datetime import date, datetime, time

import pytest
from streamlit.testing.v1 import AppTest

from resilient.core import config, db, roles
from resilient.daily import rules as daily
from resilient.daily import supervision, teams
from tests.conftest import ROOT, button, button_group, choose, demo_account, signed_in_on, use_database
from tests.views.test_views import sign_in

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database

PAGE = "views/daily/supervision.py"


@pytest.fixture
def database(page_db, monkeypatch):
    """A fresh copy of the demo per test, and the clock stopped at 20:00 on the demo's day, so the page and the
    figures computed here agree on which checks are due, late or missed."""
    path = page_db
    con = db.connect(path)
    day = date.fromisoformat(con.execute("SELECT value FROM meta WHERE key = 'demo_as_of'").fetchone()[0])
    con.close()
    evening = datetime.combine(day, time(20, 0))
    monkeypatch.setattr(config, "now", lambda: evening)
    use_database(path, monkeypatch)
    return path


def open_page(username="leader", lang="zh"):
    return signed_in_on(PAGE, username, lang)


def domain(path, username="leader"):
    """The connection, the user and their scope, the page's day and moment."""
    con = db.connect(path)
    user = demo_account(con, username)
    now = config.now()
    return con, user, roles.scope_for(con, user, now.date()), now.date(), now


def group(at):
    return button_group(at, "supervision_section")


def section(at, name):
    choose(at, "supervision_section", name)


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


TABLES = {"workers": "followed", "people": "place", "teams": "team", "flats": "since"}   # a column only it has


def table(at, name):
    return next(d.value for d in at.dataframe if TABLES[name] in d.value.columns)


def team_number(label: str) -> int:
    """第6组 · 第4网格 / Team 6 · 第4网格 -> 6"""
    return int(re.search(r"\d+", label).group())


def texts(at) -> str:
    """Everything the page shows as text, to look for untranslated keys."""
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption", "info", "success", "warning", "error")
             for e in at.get(kind)]
    parts += [w.label for kind in ("selectbox", "multiselect", "text_input", "number_input", "button", "metric")
              for w in at.get(kind)]
    parts += [str(list(d.value.columns)) for d in at.dataframe]
    return "\n".join(map(str, parts))


@pytest.mark.parametrize(("username", "lang", "title", "tabs"), [
    ("leader", "zh", "督导与三包一", ["网格员", "三包一小组", "监测规则"]),
    ("admin", "zh", "督导与三包一", ["网格员", "三包一小组", "监测规则"]),
    ("leader", "en", "Supervision and teams", ["Grid workers", "三包一 teams", "Check rules"]),
    ("admin", "en", "Supervision and teams", ["Grid workers", "三包一 teams", "Check rules"]),
])
def test_every_section_runs_for_leader_and_admin_in_both_languages(database, username, lang, title, tabs):
    at = open_page(username, lang)
    assert at.title[0].value == title
    assert group(at).options == tabs
    for name in ("workers", "teams", "settings"):
        section(at, name)
        assert at.title[0].value == title
        shown = texts(at)
        assert "supervision." not in shown and "check.status." not in shown, shown
    section(at, "workers")
    assert len(at.dataframe) == 2        # the workers, and the first worker's people


def test_a_grid_worker_is_not_offered_the_page(database):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    sign_in(at, "grid1")
    with pytest.raises(ValueError, match="Could not find a navigation page") as refused:
        at.switch_page(PAGE)
    assert "views/daily/checks.py" in str(refused.value)       # the grid worker's own pages are there
    # Opened by its path all the same, the page refuses before reading anything.
    con = db.connect(database)
    worker = demo_account(con, "grid1")
    con.close()
    direct = AppTest.from_file(str(ROOT / PAGE), default_timeout=90)
    direct.session_state["user"] = worker
    direct.run()
    assert [e.value for e in direct.error] == ["您的角色无权查看此页。"]
    assert not direct.dataframe and not direct.metric


def test_worker_figures_equal_the_domain_and_problems_come_first(database):
    at = open_page()
    con, _, scope, today, now = domain(database)
    frame = supervision.workers(con, scope, today, now)
    shown = metrics(at)
    assert shown["超负荷"] == str(int(frame["overloaded"].sum())) != "0"
    assert shown["本周漏报"] == str(int(frame["missed_week"].sum()))
    assert shown["预警未处置人数"] == str(int(frame["open_alerts"].sum()))
    assert shown["跟进人数"] == str(int(frame["followed"].sum()))
    workers = table(at, "workers")
    columns = ["name", "followed", "done_week", "late_week", "missed_week", "open_alerts"]
    assert sorted(map(tuple, workers[columns].values.tolist())) == sorted(map(tuple, frame[columns].values.tolist()))
    overloaded = set(frame.loc[frame["overloaded"], "name"])
    assert set(workers["name"].head(len(overloaded))) == overloaded                       # problems first
    assert all(workers["flags"].head(len(overloaded)).str.contains("超负荷"))
    calm = workers[~workers["flags"].str.startswith("⚠️")]
    assert set(calm["name"]) == set(frame.loc[~frame["overloaded"] & (frame["open_alerts"] == 0) &
                                              (frame["missed_week"] == 0), "name"])
    # The chosen worker (the first row) and their people, with days left each, names masked.
    staff_id = at.selectbox(key="sup_worker.zh").value
    assert frame.set_index("staff_id").loc[staff_id, "name"] == workers["name"].iloc[0]
    people = supervision.followed(con, scope, staff_id, today, now)
    listed = table(at, "people")
    assert listed["days_left"].tolist() == people["days_left"].tolist()
    assert len(listed) == frame.set_index("staff_id").loc[staff_id, "followed"]
    assert all("*" in n for n in listed["name"] if n)
    con.close()


def test_team_figures_equal_the_domain(database):
    at = open_page(lang="en")
    section(at, "teams")
    con, _, scope, today, now = domain(database)
    view = supervision.team_view(con, scope, today, now)
    shown = metrics(at)
    assert shown["Teams"] == str(len(view))
    assert shown["Overloaded teams"] == str(int(view["overloaded"].sum()))
    assert shown["No team"] == "0"
    assert shown["Isolated flats: open alerts"] == str(int(view["open_alerts"].sum()))
    assert shown["Isolated flats: missed"] == str(int(view["missed_week"].sum()))
    listed = table(at, "teams")
    columns = ["households", "isolated_people", "done_week", "late_week", "missed_week", "open_alerts"]
    assert listed.assign(team_id=listed["team"].map(team_number)).set_index("team_id")[columns].sort_index() \
        .values.tolist() == view.set_index("team_id")[columns].sort_index().values.tolist()
    assert listed["team"].iloc[0].startswith("Team ") and " · " in listed["members"].iloc[0]
    team_id = at.selectbox(key="sup_team.en").value
    flats = teams.team_households(con, scope, today)
    assert len(table(at, "flats")) == (flats["team_id"] == team_id).sum() \
        == view.set_index("team_id").loc[team_id, "households"]
    assert any(s.value == "Every home-isolated flat has a team." for s in at.success)
    con.close()


def test_handing_people_over_writes_the_follower_and_their_history(database):
    at = open_page()
    con, _, scope, today, now = domain(database)
    staff_id = at.selectbox(key="sup_worker.zh").value
    people = supervision.followed(con, scope, staff_id, today, now)
    con.close()
    chosen = [int(m) for m in people["measure_id"].head(2)]
    at.multiselect(key=f"sup_reassign_who_{staff_id}_0.zh").set_value(chosen).run()
    # Without a reason nothing is written.
    assert at.button(key="sup_reassign").label.startswith("转交 2 人给 ")
    at.button(key="sup_reassign").click().run()
    assert [e.value for e in at.error] == ["请填写原因（原因）。"]
    con = db.connect(database)
    assert con.execute("SELECT count(*) FROM measure_follower").fetchone()[0] == 0
    con.close()
    at.text_input(key=f"sup_reassign_reason_{staff_id}_0").input("网格员超负荷")
    at.button(key="sup_reassign").click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("已将 2 人转交给") for s in at.success)
    assert at.text_input(key=f"sup_reassign_reason_{staff_id}_1").value == ""            # ready for the next
    assert at.multiselect(key=f"sup_reassign_who_{staff_id}_1.zh").value == []
    con = db.connect(database)
    target_id = con.execute("SELECT DISTINCT staff_id FROM measure_follower").fetchall()
    assert len(target_id) == 1 and target_id[0][0] != staff_id
    followers = con.execute("SELECT measure_id, assigned_by FROM measure_follower ORDER BY measure_id").fetchall()
    assert followers == [(m, "leader") for m in sorted(chosen)]
    events = con.execute("SELECT measure_id, kind, reason, by_user FROM measure_event WHERE kind = 'reassigned' "
                         "ORDER BY measure_id").fetchall()
    assert events == [(m, "reassigned", "网格员超负荷", "leader") for m in sorted(chosen)]
    _, _, scope, today, now = domain(database)
    after = supervision.workers(con, scope, today, now).set_index("staff_id")
    con.close()
    # The page's table was drawn again with the change.
    workers = table(at, "workers").set_index("name")
    assert workers.loc[after.loc[staff_id, "name"], "followed"] == after.loc[staff_id, "followed"] \
        == len(people) - 2


def test_assigning_the_suggested_teams_leaves_no_isolated_flat_without_one(database):
    con, _, scope, today, _ = domain(database)
    flats = con.execute("SELECT household_id FROM team_household ORDER BY team_id DESC, household_id "
                        "LIMIT 5").fetchall()
    con.execute("DELETE FROM team_household WHERE list_contains($h, household_id)", {"h": [f[0] for f in flats]})
    waiting = teams.unassigned(con, scope, today)
    con.close()
    assert len(waiting) >= 4 and waiting["suggested_team_id"].notna().all()
    at = open_page()
    section(at, "teams")
    assert metrics(at)["隔离户未分组"] == str(len(waiting))
    assert f"未分配小组的居家隔离户（{len(waiting)} 户）" in [h.value for h in at.subheader]
    button(at, f"分配 {len(waiting)} 户").click().run()
    assert not at.exception, at.exception
    assert any(s.value == f"已为 {len(waiting)} 户分配三包一小组。" for s in at.success)
    con = db.connect(database)
    assert teams.unassigned(con, scope, today).empty
    placed = dict(teams.households(con, scope, today)[["household_id", "team_id"]].values.tolist())
    assert {int(h): placed[int(h)] for h in waiting["household_id"]} == \
        {int(h): int(t) for h, t in zip(waiting["household_id"], waiting["suggested_team_id"])}
    loads = teams.team_load(con, scope, today)
    con.close()
    assert metrics(at)["隔离户未分组"] == "0"
    listed = table(at, "teams")
    assert sorted(zip(listed["team"].map(team_number), listed["households"], listed["isolated_people"])) == sorted(
        zip(loads["team_id"], loads["households"], loads["isolated_people"]))


def test_moving_a_flat_between_teams_needs_a_reason(database):
    at = open_page()
    section(at, "teams")
    team_id = at.selectbox(key="sup_team.zh").value
    household = at.selectbox(key=f"sup_move_{team_id}.zh").value
    target = at.selectbox(key=f"sup_move_to_{team_id}_0.zh").value
    assert at.button(key="sup_move").label == f"调整到第{target}组"
    at.button(key="sup_move").click().run()
    assert [e.value for e in at.error] == ["请填写原因（原因）。"]
    at.text_input(key=f"sup_move_reason_{team_id}_0").input("就近管理")
    at.button(key="sup_move").click().run()
    assert not at.exception, at.exception
    assert any(s.value.endswith(f"调整到第{target}组。") for s in at.success)
    con, _, scope, today, _ = domain(database)
    placed = dict(teams.households(con, scope, today)[["household_id", "team_id"]].values.tolist())
    reasons = {r[0] for r in con.execute("SELECT reason FROM measure_event WHERE kind = 'team_assigned'").fetchall()}
    con.close()
    assert placed[household] == target != team_id and reasons == {"就近管理"}


def test_creating_a_team_from_the_communitys_staff(database):
    at = open_page()
    section(at, "teams")
    con, _, scope, today, _ = domain(database)
    before = len(teams.team_load(con, scope, today))
    con.close()
    button(at, "新建小组").click().run()
    assert not at.exception, at.exception
    assert any(s.value == f"已新建第{before + 1}组。" for s in at.success)
    con, _, scope, today, _ = domain(database)
    assert len(teams.team_load(con, scope, today)) == before + 1
    con.close()


def test_the_check_rules_save(database):
    at = open_page()
    section(at, "settings")
    next(n for n in at.number_input if n.label == "网格员标准负荷（人）").set_value(12)
    next(n for n in at.number_input if n.label == "发热阈值（℃，达到即预警）").set_value(37.5)
    next(t for t in at.time_input if t.label == "上午体温截止时间").set_value(time(11, 30))
    button(at, "保存规则").click().run()
    assert not at.exception, at.exception
    assert any(s.value == "监测规则已保存，立即生效。" for s in at.success)
    con = db.connect(database)
    saved = daily.load_settings(con)
    assert (saved.worker_standard_load, saved.fever_threshold, saved.am_due, saved.pm_due) == (12, 37.5, "11:30",
                                                                                              "18:00")
    # A morning deadline after the afternoon's is refused, in words, and changes nothing.
    next(t for t in at.time_input if t.label == "上午体温截止时间").set_value(time(19, 0))
    button(at, "保存规则").click().run()
    assert any("上午体温截止时间" in e.value for e in at.error)
    assert daily.load_settings(con) == saved
    con.close()
    # The worker table now counts overload against 12.
    section(at, "workers")
    con, _, scope, today, now = domain(database)
    overloaded = int(supervision.workers(con, scope, today, now)["overloaded"].sum())
    con.close()
    assert metrics(at)["超负荷"] == str(overloaded) and overloaded > 1
