"""Streamlit glue shared by app.py and views: the database, the language, the signed-in user and their scope."""

import os
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import duckdb
import streamlit as st

from geo import basemaps
from geo.basemaps import BasemapSettings
from resilient.core import accounts, audit, config, db, pg, roles
from resilient.core.accounts import User
from resilient.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, column_date_format, column_datetime_format, nt, t
from resilient.core.scope import NOTHING, Scope
from resilient.demo import database as demo_database
from resilient.demo import generator as demo
from resilient.ops import backup, exports

ALL = 0  # the "all" choice in sidebar filters; ids start at 1
# Sign out after this long without a click: a shared office PC must not stay open on someone's account.
IDLE_MINUTES = int(os.environ.get("RC_SESSION_IDLE_MINUTES", "30"))

@st.cache_resource(show_spinner=False)
def _connection(target: str):
    """One connection per server process; each run takes its own cursor (DuckDB is not thread-shared).

    On PostgreSQL (RC_DATABASE_URL) the file's steps have no meaning and are skipped: no restore waits beside a
    file, no demo is generated (an empty database starts as a real office does: an administrator from
    RC_ADMIN_USER or `python -m resilient.core.accounts create-admin`, then the set-up page), and a demo's dates
    are not rolled forward (the roll is DuckDB's SQL). The connection lends: each cursor borrows a pooled
    connection only while a statement or transaction runs (pg.Lending), so pages and callbacks kept across
    reruns hold none, and the pool of each process serves every session."""
    if pg.is_url(target):
        con = db.connect(target, lending=True)
    else:
        backup.apply_pending_restore(Path(target))  # a restore made from the UI takes effect here, before any open
        demo_database.ensure_database(Path(target))
        con = db.connect(target)
        if demo.is_demo(con):
            demo.roll_forward(con, config.today())
    accounts.admin_from_environment(con)
    return con


def database():
    """The process's connection; take .cursor() from it in each thread (download callbacks run in another).
    A file that cannot be opened stops the run with the reason in plain words (tried again on the next run)."""
    target = config.database_target()
    with plain_storage_errors(opening=True):
        if not pg.is_url(target) and not Path(target).exists():
            with st.spinner(tr("app.generating")):
                return _connection(str(target))
        return _connection(str(target))


@contextmanager
def plain_storage_errors(*, opening: bool = False):
    """The database file held by another program, read-only or on a full disk, said in the reader's words
    (never DuckDB's message, which names the server's paths), and the run stopped; any other error goes on.
    On PostgreSQL a server that cannot be reached (or refuses) is said as such, not as a file; `opening`: no
    change was being made, so none is said to be lost."""
    try:
        yield
    except duckdb.Error as error:
        refused = db.storage_error(error)
        if refused is None:
            raise
        code = refused.code
        if config.database_url() and code != "db.error.disk_full":
            code = "db.error.server_down" if opening else "db.error.server"
        st.error(tr(code), icon=":material/database:")
        st.stop()


def cursor():
    return database().cursor()


def is_demo() -> bool:
    return demo.is_demo(cursor())


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANGUAGE)


def tr(key: str, **values) -> str:
    return t(key, lang(), **values)


def ntr(key: str, n: int, **values) -> str:
    """A text stating a count, in the form `n` takes in the reader's language; {n} shows it."""
    return nt(key, n, lang(), **values)


def translator(language: str):
    """tr bound to one language, for format_func callbacks that Streamlit may call outside this run."""
    return lambda key, **values: t(key, language, **values)


def ntranslator(language: str):
    """ntr bound to one language, as translator binds tr."""
    return lambda key, n, **values: nt(key, n, language, **values)


def date_format() -> str:
    """A table column's date format (st.column_config.DateColumn) in the reader's language, as fmt_date shows it."""
    return column_date_format(lang())


def datetime_format() -> str:
    """The same for a DatetimeColumn, as fmt_datetime shows it."""
    return column_datetime_format(lang())


def widget_key(name: str) -> str:
    """A widget key per language, carrying the choice over from the other language.

    Streamlit keeps showing a keyed widget's old option labels when only their language changes, so each
    language gets its own widget; the chosen values (ids, codes) do not depend on the language.
    """
    key = f"{name}.{lang()}"
    if key not in st.session_state:
        for other in LANGUAGES:
            previous = st.session_state.get(f"{name}.{other}")
            if previous is not None:
                st.session_state[key] = previous
                break
    return key


def current_user() -> User | None:
    return st.session_state.get("user")


def sign_in(user: User) -> None:
    st.session_state["user"] = user
    st.session_state["last_seen"] = config.now()
    st.session_state["revealed"] = set()


def sign_out(action: str = "logout") -> None:
    """Forget the user and everything revealed to them; `action` says why in the audit log."""
    user = current_user()
    try:
        if user is not None:
            con = cursor()
            with plain_storage_errors(), db.transaction(con):
                audit.record(con, user, action, f"app_user:{user.username}")
    finally:  # signed out even when a full disk keeps the audit row from being written (and says so)
        for key in ("user", "last_seen", "revealed"):
            st.session_state.pop(key, None)


def expire_if_idle() -> bool:
    """Sign out a session idle for IDLE_MINUTES; returns True when it just did."""
    now = config.now()
    last = st.session_state.get("last_seen")
    if current_user() is not None and last is not None and now - last > timedelta(minutes=IDLE_MINUTES):
        sign_out("session_expired")
        st.session_state["expired"] = True
        return True
    st.session_state["last_seen"] = now
    return False


def revealed() -> set[int]:
    return st.session_state.setdefault("revealed", set())


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def excel_button(frame, headers: dict[str, str], name: str, key: str) -> None:
    """Download the table as shown, with the reader's headers; the file is made, and logged, only on click."""
    connection, user = database(), current_user()
    st.download_button(tr("app.excel"), key=key, mime=XLSX, file_name=f"{name}_{config.today():%Y%m%d}.xlsx",
                       data=lambda: exports.audited_excel(connection.cursor(), user, name, frame, headers))


def require_administrator() -> User:
    """Stop a view for anyone but an administrator, whatever the navigation offered."""
    user = current_user()
    if not roles.may(user, "administer"):
        st.error(tr("app.not_allowed"))
        st.stop()
    return user


def sso_configured() -> bool:
    """Single sign-on is on when .streamlit/secrets.toml has an [auth] section (st.login, OIDC)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def basemap_settings() -> BasemapSettings:
    """Tile keys from the environment, else .streamlit/secrets.toml: geo/ is handed the secrets, never reads them."""
    return basemaps.load_settings(secrets=st.secrets)


def viewer_scope() -> Scope:
    """What the signed-in user may see, from their role; nothing at all when nobody is signed in."""
    user = current_user()
    return NOTHING if user is None else roles.scope_for(cursor(), user, config.today())


def scope() -> Scope:
    """The viewer's scope narrowed by the sidebar's community and grid choice."""
    community = st.session_state.get("chosen_community", ALL)
    grid = st.session_state.get("chosen_grid", ALL)
    chosen = Scope(None if community == ALL else (community,), None if grid == ALL else (grid,))
    return viewer_scope().narrow(chosen)
