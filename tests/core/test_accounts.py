"""Accounts, lockout, role scopes, masking, reveals and the audit trail, on the domain functions."""

from datetime import date, datetime, timedelta

import pytest

from resilient.core import accounts, audit, masking, roles
from resilient.core.accounts import AccountError
from resilient.demo import database as demo_database
from resilient.demo import generator
from resilient.places import measures, people
from tests.conftest import NOW, TODAY
from tests.testing import demo_town as demo

pytestmark = pytest.mark.both_backends


@pytest.fixture
def town(con):
    """The demo community with its demo accounts, built fresh (tests here write)."""
    demo.generate(con, residents=3_000, seed=11, as_of=TODAY)
    users = {u.username: u for u in demo_database.create_demo_accounts(con)}
    return con, users


def log(con, action=None):
    frame = audit.search(con, action=action)
    return list(zip(frame["action"], frame["target"], frame["username"]))


def test_passwords_are_argon2_hashed_never_stored_plain(town):
    con, _ = town
    hashes = [r[0] for r in con.execute("SELECT password_hash FROM app_user").fetchall()]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any(demo_database.DEMO_PASSWORD in h for h in hashes)
    assert demo_database.DEMO_PASSWORD not in " ".join(str(v) for v in audit.search(con).to_numpy().ravel())


def test_login_and_failures_are_audited(town):
    con, _ = town
    user = accounts.authenticate(con, "grid1", demo_database.DEMO_PASSWORD, NOW)
    assert user.role == "grid_worker" and user.staff_id is not None
    with pytest.raises(AccountError, match="login.error.wrong"):
        accounts.authenticate(con, "grid1", "not-the-password", NOW)
    with pytest.raises(AccountError, match="login.error.wrong"):
        accounts.authenticate(con, "nobody", "whatever-123", NOW)
    entries = log(con)
    assert ("login", "app_user:grid1", "grid1") in entries
    assert ("login_failed", "app_user:grid1", "grid1") in entries
    assert ("login_failed", "app_user:nobody", "nobody") in entries


def test_lockout_after_repeated_failures_and_release_after_the_lock(town):
    con, _ = town
    for _ in range(accounts.MAX_FAILURES - 1):
        with pytest.raises(AccountError, match="wrong"):
            accounts.authenticate(con, "doctor", "bad-password-1", NOW)
    with pytest.raises(AccountError, match="locked") as locked:
        accounts.authenticate(con, "doctor", "bad-password-1", NOW)
    assert locked.value.values["until"] == NOW + timedelta(minutes=accounts.LOCK_MINUTES)
    # Even the right password is refused while locked.
    with pytest.raises(AccountError, match="locked"):
        accounts.authenticate(con, "doctor", demo_database.DEMO_PASSWORD, NOW + timedelta(minutes=5))
    later = NOW + timedelta(minutes=accounts.LOCK_MINUTES, seconds=1)
    assert accounts.authenticate(con, "doctor", demo_database.DEMO_PASSWORD, later).username == "doctor"
    assert ("account_locked", "app_user:doctor", "doctor") in log(con)


def test_a_success_resets_the_failure_count(town):
    con, _ = town
    for _ in range(accounts.MAX_FAILURES - 1):
        with pytest.raises(AccountError):
            accounts.authenticate(con, "leader", "bad-password-1", NOW)
    accounts.authenticate(con, "leader", demo_database.DEMO_PASSWORD, NOW)
    with pytest.raises(AccountError, match="wrong"):  # counting starts again: not locked
        accounts.authenticate(con, "leader", "bad-password-1", NOW)



def answers(con, username: str) -> list[str]:
    """What the login form says to seven wrong passwords in a row, then one after the lock, in Chinese."""
    from resilient.core.i18n import refusal

    said = []
    for at in [NOW] * 7 + [NOW + timedelta(minutes=accounts.LOCK_MINUTES, seconds=1)]:
        with pytest.raises(AccountError) as refused:
            accounts.authenticate(con, username, "bad-password-1", at)
        said.append(refusal(refused.value.code, refused.value.values, "zh"))
    return said


def test_an_unknown_name_answers_exactly_as_a_real_account(town):
    """From the fifth wrong password a real account is locked: an unknown or inactive name must say the same,
    or anyone could confirm which user names exist."""
    con, users = town
    real = answers(con, "doctor")
    assert real[3] == "用户名或密码不正确。" and "已锁定" in real[4] and "已锁定" in real[5]
    assert answers(con, "no-such-person") == real
    accounts.set_active(con, users["admin"], users["viewer"].user_id, "viewer", False)
    assert answers(con, "viewer") == real
    assert not con.execute("SELECT count(*) FROM app_user WHERE username = 'no-such-person'").fetchone()[0]
    assert ("account_locked", "app_user:no-such-person", "no-such-person") in log(con)


def test_an_unknown_name_costs_the_same_password_hashing(town, monkeypatch):
    """The time an answer takes must not tell a real name from an unknown one: both verify an argon2 hash."""
    con, _ = town
    verified = []

    class Counting:
        def __init__(self, hasher):
            self.hasher = hasher

        def verify(self, stored, password):
            verified.append(stored[:9])
            return self.hasher.verify(stored, password)

        def __getattr__(self, name):
            return getattr(self.hasher, name)

    monkeypatch.setattr(accounts, "_hasher", Counting(accounts._hasher))
    for name in ("doctor", "no-such-person"):
        with pytest.raises(AccountError):
            accounts.authenticate(con, name, "bad-password-1", NOW)
    assert verified == ["$argon2id", "$argon2id"]

def test_password_change_rules_and_audit(town):
    con, users = town
    user = users["viewer"]
    with pytest.raises(AccountError, match="old_password"):
        accounts.change_password(con, user, "wrong-old-one", "a-new-password")
    with pytest.raises(AccountError, match="too_short"):
        accounts.change_password(con, user, demo_database.DEMO_PASSWORD, "short")
    with pytest.raises(AccountError, match="same_as_username"):
        accounts.change_password(con, users["volunteer"], demo_database.DEMO_PASSWORD, "VOLUNTEER ")
    accounts.change_password(con, user, demo_database.DEMO_PASSWORD, "a-new-password")
    assert accounts.authenticate(con, "viewer", "a-new-password", NOW).username == "viewer"
    assert ("password_changed", "app_user:viewer", "viewer") in log(con)


def test_accounts_must_be_linked_to_what_their_scope_comes_from(town):
    con, users = town
    admin = users["admin"]
    with pytest.raises(AccountError, match="needs_staff"):
        accounts.create_user(con, admin, "g2", "G", "long-enough-pw", "grid_worker", community_id=1)
    doctor_staff = users["doctor"].staff_id
    with pytest.raises(AccountError, match="needs_staff"):  # a doctor's record cannot make a grid worker
        accounts.create_user(con, admin, "g2", "G", "long-enough-pw", "grid_worker", community_id=1,
                             staff_id=doctor_staff)
    with pytest.raises(AccountError, match="needs_community"):
        accounts.create_user(con, admin, "c2", "C", "long-enough-pw", "community_leader")
    with pytest.raises(AccountError, match="exists"):
        accounts.create_user(con, admin, "leader", "L", "long-enough-pw", "viewer")
    made = accounts.create_user(con, admin, "sso-leader", "S", None, "community_leader", community_id=1,
                                email="Leader@Example.org")
    assert accounts.sso_user(con, "leader@example.org").username == made.username
    with pytest.raises(AccountError, match="no_sso_account"):
        accounts.sso_user(con, "stranger@example.org")
    assert ("user_created", "app_user:sso-leader", "admin") in log(con)


def test_first_admin_from_environment_only_when_none_exists(con):
    env = {"RC_ADMIN_USER": "chief", "RC_ADMIN_PASSWORD": "a-strong-password"}
    assert accounts.admin_from_environment(con, {}) is None
    assert accounts.admin_from_environment(con, env).role == "street_admin"
    assert accounts.admin_from_environment(con, {**env, "RC_ADMIN_USER": "second"}) is None
    with pytest.raises(AccountError, match="too_short"):
        accounts.admin_from_environment(duplicate_db(), {"RC_ADMIN_USER": "x", "RC_ADMIN_PASSWORD": "123"})


def duplicate_db():
    from resilient.core import db

    return db.connect(":memory:")


def test_create_admin_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RC_ADMIN_PASSWORD", "a-strong-password")
    path = tmp_path / "real.duckdb"
    assert accounts.main(["create-admin", "--username", "chief", "--path", str(path)]) == 0
    assert "chief" in capsys.readouterr().out
    from resilient.core import db

    con = db.connect(path)
    assert accounts.authenticate(con, "chief", "a-strong-password", NOW).role == "street_admin"
    assert not generator.is_demo(con)


def scope_residents(con, scope):
    return con.execute("SELECT count(*) FROM scoped_household($community_ids, $grid_ids, $household_ids) h "
                       "JOIN resident USING (household_id)",
                       {k: v for k, v in scope.params().items() if k != "personal"}).fetchone()[0]


def test_each_role_gets_its_scope(town):
    con, users = town
    scopes = {name: roles.scope_for(con, user, TODAY) for name, user in users.items()}
    total = con.execute("SELECT count(*) FROM resident").fetchone()[0]
    assert scope_residents(con, scopes["admin"]) == total
    assert scope_residents(con, scopes["leader"]) == total  # the demo has one community
    grid_worker = scopes["grid1"]
    expected = con.execute("""SELECT count(*) FROM resident JOIN household USING (household_id)
        JOIN stairwell USING (stairwell_id) JOIN building b USING (building_id) JOIN grid_cell g USING (grid_id)
        WHERE g.grid_worker_id = $s""", {"s": users["grid1"].staff_id}).fetchone()[0]
    assert 0 < scope_residents(con, grid_worker) == expected < total
    volunteer = scopes["volunteer"]
    assigned = con.execute("SELECT list(DISTINCT household_id) FROM volunteer_assignment WHERE volunteer_id = $v",
                           {"v": users["volunteer"].volunteer_id}).fetchone()[0]
    assert set(volunteer.household_ids) == set(assigned) and assigned
    assert scopes["doctor"].personal == "under_measure" and scopes["viewer"].personal == "none"
    assert roles.scope_for(con, None, TODAY).community_ids == ()


def test_a_grid_worker_gets_no_row_of_another_grid(town):
    con, users = town
    scope = roles.scope_for(con, users["grid1"], TODAY)
    outside = con.execute("""SELECT b.building_id FROM building b WHERE NOT list_contains($g, b.grid_id)
        AND EXISTS (SELECT 1 FROM stairwell s JOIN household h USING (stairwell_id) JOIN resident r
        USING (household_id) JOIN control_measure m USING (resident_id) WHERE s.building_id = b.building_id
        AND m.released_at IS NULL) LIMIT 1""", {"g": list(scope.grid_ids)}).fetchone()[0]
    assert people.under_measure_in_building(con, scope, outside, TODAY).empty
    assert people.under_measure_in_building(con, roles.scope_for(con, users["leader"], TODAY), outside,
                                            TODAY).shape[0] > 0


def test_viewer_gets_no_personal_row_and_doctor_only_people_under_measures(town):
    con, users = town
    busiest = con.execute("""SELECT s.building_id FROM control_measure m JOIN resident USING (resident_id)
        JOIN household USING (household_id) JOIN stairwell s USING (stairwell_id) WHERE m.released_at IS NULL
        GROUP BY 1 ORDER BY count(*) DESC LIMIT 1""").fetchone()[0]
    viewer = roles.scope_for(con, users["viewer"], TODAY)
    assert people.under_measure_in_building(con, viewer, busiest, TODAY).empty
    assert measures.building_households(con, viewer, busiest, TODAY).empty  # rooms point at people too
    assert not measures.building_stairwells(con, viewer, busiest, TODAY).empty  # aggregates stay
    doctor = roles.scope_for(con, users["doctor"], TODAY)
    rows = people.under_measure_in_building(con, doctor, busiest, TODAY)
    assert len(rows) > 0
    # The doctor's personal rule also refuses a resident who is under no measure.
    free = con.execute("SELECT resident_id FROM resident WHERE resident_id NOT IN "
                       "(SELECT resident_id FROM control_measure) LIMIT 1").fetchone()[0]
    with pytest.raises(AccountError):
        people.reveal(con, users["doctor"], doctor, free, TODAY)


def test_names_and_phones_are_masked_until_revealed_and_each_reveal_is_logged(town):
    con, users = town
    user = users["grid1"]
    scope = roles.scope_for(con, user, TODAY)
    building = con.execute("""SELECT s.building_id FROM control_measure m JOIN resident USING (resident_id)
        JOIN household h USING (household_id) JOIN stairwell s USING (stairwell_id) JOIN building b USING (building_id)
        WHERE m.released_at IS NULL AND list_contains($g, b.grid_id) LIMIT 1""",
                           {"g": list(scope.grid_ids)}).fetchone()[0]
    masked = people.under_measure_in_building(con, scope, building, TODAY)
    full = con.execute("SELECT resident_id, name, phone FROM resident").df().set_index("resident_id")
    first = masked.iloc[0]
    assert first["name"] == masking.mask_name(full.loc[first["resident_id"], "name"]) != full.loc[
        first["resident_id"], "name"]
    revealed = people.reveal(con, user, scope, int(first["resident_id"]), TODAY)
    assert revealed["name"] == full.loc[first["resident_id"], "name"]
    shown = people.under_measure_in_building(con, scope, building, TODAY, {int(first["resident_id"])})
    assert shown.iloc[0]["name"] == revealed["name"] and shown.iloc[1]["name"] != full.loc[
        shown.iloc[1]["resident_id"], "name"]
    assert ("reveal", f"resident:{first['resident_id']}", "grid1") in log(con)
    with pytest.raises(AccountError):  # a viewer may never reveal, and the attempt is logged too
        people.reveal(con, users["viewer"], roles.scope_for(con, users["viewer"], TODAY), int(first["resident_id"]),
                      TODAY)
    assert ("reveal_refused", f"resident:{first['resident_id']}", "viewer") in log(con)


def test_export_is_masked_scoped_and_audited(town):
    import io

    import openpyxl

    con, users = town
    user = users["grid1"]
    scope = roles.scope_for(con, user, TODAY)
    building = con.execute("""SELECT s.building_id FROM control_measure m JOIN resident USING (resident_id)
        JOIN household USING (household_id) JOIN stairwell s USING (stairwell_id) JOIN building b USING (building_id)
        WHERE m.released_at IS NULL AND list_contains($g, b.grid_id) LIMIT 1""",
                           {"g": list(scope.grid_ids)}).fetchone()[0]
    data = people.export_under_measure(con, user, scope, building, "3栋", TODAY, "zh")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["单元", "楼层", "房号", "姓名", "电话"]
    phones = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True) if row[4]]
    assert phones and all("****" in p for p in phones)
    assert ("export", f"building:{building}", "grid1") in log(con)
    volunteer = roles.scope_for(con, users["volunteer"], TODAY)
    elsewhere = con.execute("""SELECT s.building_id FROM control_measure m JOIN resident USING (resident_id)
        JOIN household h USING (household_id) JOIN stairwell s USING (stairwell_id) WHERE m.released_at IS NULL
        GROUP BY 1 HAVING NOT bool_or(list_contains($h, h.household_id)) LIMIT 1""",
                            {"h": list(volunteer.household_ids)}).fetchone()[0]
    data = people.export_under_measure(con, users["volunteer"], volunteer, elsewhere, "x", TODAY, "zh")
    assert openpyxl.load_workbook(io.BytesIO(data)).active.max_row == 1  # the header only


@pytest.mark.parametrize("name, masked", [("张三", "张*"), ("张小三", "张*三"), ("欧阳娜娜", "欧**娜"), ("王", "*"),
                                          (None, "")])
def test_mask_name(name, masked):
    assert masking.mask_name(name) == masked


def test_mask_phone():
    assert masking.mask_phone("13812341234") == "138****1234"
    assert masking.mask_phone(float("nan")) == ""


def test_masked_text_is_safe_in_markdown():
    assert masking.markdown_safe("张*三 138****1234") == "张\\*三 138\\*\\*\\*\\*1234"


def test_audit_log_has_no_update_or_delete_path():
    from resilient.core import queries

    for name, text in queries.all_queries().items():
        if "audit_log" in text:
            assert not any(word in text.upper() for word in ("UPDATE AUDIT_LOG", "DELETE FROM AUDIT_LOG")), name


def test_audit_search_filters(town):
    con, _ = town
    accounts.authenticate(con, "grid1", demo_database.DEMO_PASSWORD, datetime(2026, 11, 20, 9))
    assert len(audit.search(con, username="grid1", action="login")) == 1
    assert len(audit.search(con, text="grid1")) >= 2  # created and login
    assert audit.search(con, since=date(2026, 11, 21), until=date(2026, 11, 21), username="grid1").empty
