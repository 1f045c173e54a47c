"""Streamlit glue shared by app.py and pages: the cached database, the language and the viewer's scope."""

from pathlib import Path

import streamlit as st

from resilient import config, db, demo
from resilient.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from resilient.scope import EVERYTHING, Scope

ALL = 0  # the "all" choice in sidebar filters; ids start at 1

@st.cache_resource(show_spinner=False)
def _connection(path: str):
    """One read-write connection per server process; each run takes its own cursor (DuckDB is not thread-shared)."""
    demo.ensure_database(Path(path))
    con = db.connect(path)
    if demo.is_demo(con):
        demo.roll_forward(con, config.today())
    return con


def cursor():
    path = config.database_path()
    if not path.exists():
        with st.spinner(tr("app.generating")):
            return _connection(str(path)).cursor()
    return _connection(str(path)).cursor()


def is_demo() -> bool:
    return demo.is_demo(cursor())


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANGUAGE)


def tr(key: str, **values) -> str:
    return t(key, lang(), **values)


def translator(language: str):
    """tr bound to one language, for format_func callbacks that Streamlit may call outside this run."""
    return lambda key, **values: t(key, language, **values)


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


def viewer_scope() -> Scope:
    """What the signed-in user may see. Everything until accounts arrive (issue 3)."""
    return EVERYTHING


def scope() -> Scope:
    """The viewer's scope narrowed by the sidebar's community and grid choice."""
    community = st.session_state.get("chosen_community", ALL)
    grid = st.session_state.get("chosen_grid", ALL)
    chosen = Scope(None if community == ALL else (community,), None if grid == ALL else (grid,))
    return viewer_scope().narrow(chosen)
