"""Local accounts: argon2 password hashes, lockout after repeated failures, roles linked to real people.

The first street administrator comes from the command line (`python -m resilient.core.accounts create-admin`) or
from RC_ADMIN_USER / RC_ADMIN_PASSWORD on first start; there is never a default password.
"""

import argparse
import functools
import getpass
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from resilient.core import audit, config, db, queries
from resilient.core.i18n import t

ROLES = ["street_admin", "community_leader", "grid_worker", "doctor", "volunteer", "viewer"]
MAX_FAILURES = 5             # wrong passwords in a row before the account locks
LOCK_MINUTES = 15            # how long it stays locked
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()   # argon2id with the library's current recommended costs


@dataclass(frozen=True)
class User:
    """The signed-in person, as every read and write sees them. Never carries the password hash."""

    user_id: int
    username: str
    display_name: str
    role: str
    community_id: int | None = None
    staff_id: int | None = None
    volunteer_id: int | None = None


class AccountError(ValueError):
    """A refusal to show the person: `code` is a translation key, `values` fill it in."""

    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code = code
        self.values = values


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@functools.cache
def _dummy_hash() -> str:
    """A hash no password is checked against for real: verifying it costs what a real account's check costs."""
    return _hasher.hash("not a password of anyone")


def password_matches(password_hash: str | None, password: str) -> bool:
    """Always one argon2 verification, also without a stored hash, so the answer's time tells nothing."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def check_new_password(password: str, username: str) -> None:
    """Long enough and not the user name; raises AccountError with the reason."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("account.error.too_short", n=MIN_PASSWORD_LENGTH)
    if password.strip().lower() == username.strip().lower():
        raise AccountError("account.error.same_as_username")


def _user(row: dict) -> User:
    return User(int(row["user_id"]), row["username"], row["display_name"], row["role"],
                _int(row["community_id"]), _int(row["staff_id"]), _int(row["volunteer_id"]))


def _int(value) -> int | None:
    return None if value is None or value != value else int(value)


def _row(con: duckdb.DuckDBPyConnection, name: str, **params) -> dict | None:
    frame = queries.fetch_df(con, name, **params)
    return None if frame.empty else frame.iloc[0].to_dict()


def _check_links(con: duckdb.DuckDBPyConnection, role: str, community_id, staff_id, volunteer_id) -> None:
    """Each role must point at what its scope is computed from, so no account sees 'everything' by mistake."""
    if role not in ROLES:
        raise AccountError("account.error.role")
    if role in ("community_leader", "grid_worker", "doctor", "volunteer") and community_id is None:
        raise AccountError("account.error.needs_community")
    if role in ("grid_worker", "doctor"):
        staff = _row(con, "staff_record", staff_id=staff_id) if staff_id is not None else None
        if staff is None or staff["role"] != role or int(staff["community_id"]) != community_id:
            raise AccountError("account.error.needs_staff")
    if role == "volunteer":
        volunteer = _row(con, "volunteer_record", volunteer_id=volunteer_id) if volunteer_id is not None else None
        if volunteer is None or int(volunteer["community_id"]) != community_id:
            raise AccountError("account.error.needs_volunteer")


def create_user(con: duckdb.DuckDBPyConnection, actor: User | None, username: str, display_name: str,
                password: str | None, role: str, *, community_id: int | None = None, staff_id: int | None = None,
                volunteer_id: int | None = None, email: str | None = None, now: datetime | None = None) -> User:
    """A new account, written with its audit entry in one transaction. Password None: single sign-on only."""
    username = username.strip()
    if not username:
        raise AccountError("account.error.username")
    if password is None and not email:
        raise AccountError("account.error.needs_password_or_email")
    if password is not None:
        check_new_password(password, username)
    _check_links(con, role, community_id, staff_id, volunteer_id)
    if _row(con, "user_by_username", username=username) is not None:
        raise AccountError("account.error.exists", username=username)
    now = now or config.now()
    with db.transaction(con):
        user_id = queries.fetch_all(
            con, "user_insert", username=username, display_name=display_name.strip() or username,
            password_hash=None if password is None else hash_password(password), email=email or None, role=role,
            community_id=community_id, staff_id=staff_id, volunteer_id=volunteer_id, now=now)[0][0]
        audit.record(con, actor, "user_created", f"app_user:{username}", at=now,
                     new={"role": role, "community_id": community_id, "staff_id": staff_id,
                          "volunteer_id": volunteer_id, "email": email})
    return User(user_id, username, display_name.strip() or username, role, community_id, staff_id, volunteer_id)


def authenticate(con: duckdb.DuckDBPyConnection, username: str, password: str,
                 now: datetime | None = None) -> User:
    """The account for a correct password; otherwise AccountError. Every attempt is audited.

    Wrong user and wrong password get the same message, so names cannot be probed; a locked account says
    until when, so a grid worker knows whether to wait or to call the administrator. An unknown or inactive
    name locks the same way after the same failures, at the same cost in password hashing.
    """
    now = now or config.now()
    row = _row(con, "user_by_username", username=username.strip())
    if row is None or not row["active"]:
        _refuse_unknown(con, username.strip(), password, now)
    locked_until = row["locked_until"]
    if locked_until is not None and locked_until == locked_until and locked_until > now:
        with db.transaction(con):
            audit.record(con, None, "login_failed", f"app_user:{row['username']}", at=now,
                         username=row["username"], detail="account locked")
        raise AccountError("login.error.locked", until=locked_until)
    if not password_matches(row["password_hash"], password):
        with db.transaction(con):
            failures, locked = queries.fetch_all(con, "user_login_failed", user_id=int(row["user_id"]),
                                                 max_failures=MAX_FAILURES,
                                                 locked_until=now + timedelta(minutes=LOCK_MINUTES))[0]
            audit.record(con, None, "login_failed", f"app_user:{row['username']}", at=now,
                         username=row["username"], detail=f"wrong password ({failures} in a row)")
            if failures >= MAX_FAILURES:
                audit.record(con, None, "account_locked", f"app_user:{row['username']}", at=now,
                             username=row["username"], new={"locked_until": locked})
        if failures >= MAX_FAILURES:
            raise AccountError("login.error.locked", until=locked)
        raise AccountError("login.error.wrong")
    user = _user(row)
    with db.transaction(con):
        queries.fetch_all(con, "user_login_succeeded", user_id=user.user_id)
        audit.record(con, user, "login", f"app_user:{user.username}", at=now)
    return user


UNKNOWN = "unknown or inactive account"  # the audit detail an unknown name's failures are counted by


def _refuse_unknown(con: duckdb.DuckDBPyConnection, username: str, password: str, now: datetime) -> None:
    """The answers a real account gives (wrong, then locked from the MAX_FAILURES-th failure in a row, for
    LOCK_MINUTES from the last), for a name without an active account; its failures are read from the audit log."""
    target = f"app_user:{username}"
    failures, last = queries.fetch_all(con, "name_login_failures", target=target, detail=UNKNOWN)[0]
    if failures >= MAX_FAILURES and last + timedelta(minutes=LOCK_MINUTES) > now:
        with db.transaction(con):
            audit.record(con, None, "login_failed", target, at=now, username=username, detail="account locked")
        raise AccountError("login.error.locked", until=last + timedelta(minutes=LOCK_MINUTES))
    password_matches(None, password)
    locked = now + timedelta(minutes=LOCK_MINUTES)
    with db.transaction(con):
        audit.record(con, None, "login_failed", target, at=now, username=username, detail=UNKNOWN)
        if failures + 1 >= MAX_FAILURES:
            audit.record(con, None, "account_locked", target, at=now, username=username,
                         new={"locked_until": locked})
    if failures + 1 >= MAX_FAILURES:
        raise AccountError("login.error.locked", until=locked)
    raise AccountError("login.error.wrong")


def sso_user(con: duckdb.DuckDBPyConnection, email: str | None, now: datetime | None = None) -> User:
    """The account a single-sign-on identity maps to, by email; same roles as local accounts."""
    row = _row(con, "user_by_email", email=email) if email else None
    if row is None:
        with db.transaction(con):
            audit.record(con, None, "login_failed", f"sso:{email}", at=now, username=email,
                         detail="no account for this single-sign-on email")
        raise AccountError("login.error.no_sso_account", email=email or "")
    user = _user(row)
    with db.transaction(con):
        audit.record(con, user, "login", f"app_user:{user.username}", at=now, detail="single sign-on")
    return user


def change_password(con: duckdb.DuckDBPyConnection, user: User, old: str, new: str,
                    now: datetime | None = None) -> None:
    row = _row(con, "user_by_username", username=user.username)
    if row is None or not password_matches(row["password_hash"], old):
        raise AccountError("account.error.old_password")
    check_new_password(new, user.username)
    set_password(con, user, user.user_id, user.username, new, now)


def set_password(con: duckdb.DuckDBPyConnection, actor: User, user_id: int, username: str, new: str,
                 now: datetime | None = None) -> None:
    """Store a new hash and unlock; the audit entry says who changed whose password, never the password."""
    check_new_password(new, username)
    now = now or config.now()
    with db.transaction(con):
        queries.fetch_all(con, "user_set_password", user_id=user_id, password_hash=hash_password(new), now=now)
        audit.record(con, actor, "password_changed", f"app_user:{username}", at=now)


def set_active(con: duckdb.DuckDBPyConnection, actor: User, user_id: int, username: str, active: bool) -> None:
    with db.transaction(con):
        queries.fetch_all(con, "user_set_active", user_id=user_id, active=active)
        audit.record(con, actor, "user_updated", f"app_user:{username}", old={"active": not active},
                     new={"active": active})


def list_users(con: duckdb.DuckDBPyConnection):
    return queries.fetch_df(con, "users_list")


def staff_choices(con: duckdb.DuckDBPyConnection, community_id: int, role: str) -> dict[int, str]:
    return {int(r[0]): r[1] for r in queries.fetch_all(con, "staff_choices", community_id=community_id, role=role)}


def volunteer_choices(con: duckdb.DuckDBPyConnection, community_id: int) -> dict[int, str]:
    return {int(r[0]): r[1] for r in queries.fetch_all(con, "volunteer_choices", community_id=community_id)}


def has_admin(con: duckdb.DuckDBPyConnection) -> bool:
    return queries.fetch_all(con, "street_admin_count")[0][0] > 0


def admin_from_environment(con: duckdb.DuckDBPyConnection, environ=os.environ) -> User | None:
    """On first start with no administrator, create one from RC_ADMIN_USER and RC_ADMIN_PASSWORD if both set."""
    username, password = environ.get("RC_ADMIN_USER"), environ.get("RC_ADMIN_PASSWORD")
    if has_admin(con) or not username or not password:
        return None
    return create_user(con, None, username, environ.get("RC_ADMIN_NAME", username), password, "street_admin")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Manage accounts from the command line.")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create-admin", help="create a street administrator (asks for the password)")
    create.add_argument("--username", required=True)
    create.add_argument("--name", help="display name")
    create.add_argument("--path", help="database file (default: RC_DB_PATH or data/community.duckdb)")
    create.add_argument("--database-url", help="a PostgreSQL database, postgresql://… (default: RC_DATABASE_URL; "
                                               "without either, the DuckDB file)")
    args = parser.parse_args(argv)
    password = os.environ.get("RC_ADMIN_PASSWORD") or getpass.getpass("Password: ")
    if not os.environ.get("RC_ADMIN_PASSWORD") and getpass.getpass("Again: ") != password:
        print("The two passwords differ; nothing was created.", file=sys.stderr)
        return 2
    try:
        con = db.connect(args.database_url or args.path or config.database_target())
    except db.StorageError as error:  # held by a running server, or read-only: said plainly, in both languages
        print(f"{t(error.code, 'zh')}\n{t(error.code, 'en')}", file=sys.stderr)
        return 2
    try:
        user = create_user(con, None, args.username, args.name or args.username, password, "street_admin")
    except AccountError as error:
        print(f"Not created: {error.code} {error.values}", file=sys.stderr)
        return 2
    finally:
        con.close()
    print(f"Created street administrator {user.username!r}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
