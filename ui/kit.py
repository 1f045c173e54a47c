"""What every page repeats, written once: the preamble, refusals, messages kept across a rerun, KPI cards,
tables with their Excel download, choices shown by label, the reveal picker and personal data as plain text."""

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from numbers import Integral
from typing import NoReturn

import duckdb
import pandas as pd
import streamlit as st

from resilient.core import config, db, roles
from resilient.core.accounts import AccountError, User
from resilient.core.i18n import fmt_list, fmt_number, refusal
from resilient.core.masking import markdown_safe
from resilient.core.scope import Scope
from resilient.places import people, places, setup
from ui import session

ALL = session.ALL  # the sidebar's "all" choice
XLSX = session.XLSX
widget_key = session.widget_key  # a key per language, for widgets whose labels are translated
excel_button = session.excel_button  # a table's download, for a table drawn another way than kit.table
revealed = session.revealed  # the residents whose name and phone this session was shown
KPI_WIDTH = 104  # px: three cards abreast on a 390 px phone
FLASH = "kit_flash"  # the message a change leaves for the run that shows it
ICONS = {"success": ":material/check_circle:", "warning": ":material/warning:", "info": ":material/info:"}


@dataclass
class Page:
    """The run's reader, language, connection and moment; the scopes are read only by pages that need them."""

    lang: str
    tr: Callable[..., str]
    ntr: Callable[..., str]   # for a message that states a count: ntr(key, n, **values)
    con: duckdb.DuckDBPyConnection
    user: User | None
    today: date
    now: datetime

    @cached_property
    def scope(self) -> Scope:
        """What the user may see, narrowed by the sidebar's community and grid cell."""
        return session.scope()

    @cached_property
    def viewer_scope(self) -> Scope:
        """What the user may see, whatever the sidebar narrows the page to."""
        return session.viewer_scope()


def page() -> Page:
    """The top of every page, read once: what the page's widgets, domain calls and words need."""
    lang = session.lang()
    return Page(lang, session.translator(lang), session.ntranslator(lang), session.cursor(), session.current_user(),
                config.today(), config.now())


def require(page: Page, action: str) -> None:
    """Stop the page for anyone whose role may not do `action`, whatever the navigation offered (a typed URL too)."""
    if not roles.may(page.user, action):
        st.error(page.tr("app.not_allowed"))
        st.stop()


def _tr() -> Callable[..., str]:
    """tr bound to this run's language (format_func callbacks may be called after the run)."""
    return session.translator(session.lang())


# --- words ----------------------------------------------------------------------------------------------------

def text(code: str, values: dict | None = None, words: dict[str, str] | None = None) -> str:
    """A refusal or problem in the reader's words, the codes and dates inside it translated too."""
    return refusal(code, values or {}, session.lang(), words)


def fail(error: Exception, words: dict[str, str] | None = None, icon: str | None = None, **values) -> None:
    """A domain refusal (its `code` a translation key) shown as an error; `values` replace the error's own."""
    shown = {k: v for k, v in getattr(error, "values", {}).items() if k != "problems"} | values
    st.error(text(error.code, shown, words), icon=icon)


def join(items: Iterable) -> str:
    """Items listed as the reader writes them (Babel: 甲、乙和丙 / a, b, and c)."""
    return fmt_list((str(i) for i in items), session.lang())


def plain(*parts) -> str:
    """Personal data for markdown and widget labels: masked names and phones hold '*' (张*三, 138****1234),
    which markdown would read as emphasis. Missing parts are left out."""
    return markdown_safe(" ".join(str(p) for p in parts if not _missing(p) and str(p)))


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def flat(building, unit_no, room, compound="", short: bool = False) -> str:
    """Where a household lives: A苑3栋 2单元1502, or short as a gate worker types it (A苑3栋 2-1502)."""
    key = "arrivals.unit_room" if short else "checks.unit_room"
    return f"{compound or ''}{building} {_tr()(key, unit=unit_no, room=room)}"


def flats(frame: pd.DataFrame, short: bool = False) -> list[str]:
    """flat() for every row of a frame with building, unit_no, room (and compound) columns."""
    compounds = frame["compound"] if "compound" in frame else [""] * len(frame)
    return [flat(b, u, r, c, short) for c, b, u, r in zip(compounds, frame["building"], frame["unit_no"],
                                                          frame["room"])]


def reason_given(reason: str | None, field: str) -> bool:
    """Whether a reason was typed for a change that needs one; when not, the refusal says which field."""
    if (reason or "").strip():
        return True
    st.error(_tr()("daily.error.reason_required", field=field))
    return False


# --- messages kept across a rerun -----------------------------------------------------------------------------

def version(name: str) -> int:
    """A counter in widget keys: a new number gives the form new, empty widgets."""
    return st.session_state.get(name, 0)


def flash(message: str, kind: str = "success", renew: str | None = None, toast: bool = False) -> NoReturn:
    """Keep `message` for the rerun that redraws the page with the change; `renew` names the version() counter
    of a form to clear. `toast` also shows it where the reader is scrolled to."""
    st.session_state[FLASH] = (kind, message, toast)
    if renew:
        st.session_state[renew] = version(renew) + 1
    st.rerun()


def attempt(write: Callable[[], object], done: str, refusals: type[Exception], renew: str | None = None,
            words: dict[str, str] | None = None) -> None:
    """Run one write from a button: its refusal shown in the reader's words, or `done` kept for the redraw that
    shows the change (`renew` clears that form)."""
    try:
        write()
    except (refusals, db.StorageError) as error:  # a full disk or a read-only file: the page goes on, unchanged
        fail(error, words)
        return
    flash(done, renew=renew)


def flashed() -> None:
    """The message the last change kept, shown once."""
    kept = st.session_state.pop(FLASH, None)
    if kept:
        kind, message, toast = kept
        getattr(st, kind)(message, icon=ICONS.get(kind))
        if toast:
            st.toast(message, icon=ICONS.get(kind))


# --- figures, tables, choices ---------------------------------------------------------------------------------

def kpis(*cards) -> None:
    """Fixed-width cards that wrap: one row on a desk, three abreast on a phone instead of a tall stack.
    A card is (label, value[, help[, delta]]); whole numbers are grouped as the reader reads them. Labels wrap
    onto a second line instead of being cut, and a card widens for a long value (160/2,286), so the values
    stay whole; the cards of a row line up by their values."""
    lang = session.lang()
    st.html(KPI_STYLE)
    with st.container(horizontal=True, gap="small", vertical_alignment="bottom"):
        for label, value, *more in cards:
            help_text, delta = (*more, None, None)[:2]
            shown = fmt_number(int(value), lang) if isinstance(value, Integral) else value
            st.metric(label, shown, delta=delta, help=help_text, width=card_width(str(shown)))


# Streamlit cuts a metric's label to one line with an ellipsis ("Release due to…"): let it wrap instead.
KPI_STYLE = """<style>
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p {
  white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: anywhere; line-height: 1.25;
}
</style>"""
VALUE_PX = {",": 9, ".": 9, ":": 9, " ": 8, "/": 13, "%": 30}  # px a value's character takes (2.25 rem, measured)


def card_width(shown: str) -> int:
    """KPI_WIDTH, or wide enough for the whole value: Streamlit cuts a value that does not fit ("160/…")."""
    needed = sum(37 if unicodedata.east_asian_width(c) in "WF" else VALUE_PX.get(c, 18) for c in shown)
    return max(KPI_WIDTH, needed + 4)


def fraction(part: int, whole: int) -> str:
    """159/2,285 with the reader's grouping, as the cards beside it write whole numbers."""
    lang = session.lang()
    return f"{fmt_number(int(part), lang)}/{fmt_number(int(whole), lang)}"


# The usual columns' names and their headers' keys, so each page does not spell them out again.
COLUMNS = {"compound": "col.compound", "building": "col.building", "grid": "col.grid", "unit_no": "col.unit",
           "floor": "col.floor", "room": "col.room", "name": "col.name", "phone": "col.phone",
           "id_number": "col.id_number", "category": "col.category", "people": "col.people",
           "households": "col.households", "residents": "col.residents", "active": "col.active",
           "households_under_measure": "col.households_under_measure", "start_date": "col.start",
           "planned_end": "col.planned_end", "days_left": "col.days_left"}


def headers(*names: str, **more: str) -> dict[str, str]:
    """The reader's headers for the usual columns `names` (COLUMNS), then `more` as given, in that order."""
    tr = _tr()
    return {**{name: tr(COLUMNS[name]) for name in names}, **more}


def height(rows: int, most: int = 15) -> int:
    """Every row in sight up to `most`, then the table scrolls."""
    return 38 + 35 * min(max(rows, 1), most)


def table(frame: pd.DataFrame, headers: dict[str, str], excel: str | None = None, key: str | None = None,
          look: dict | None = None, **options) -> None:
    """A table with the reader's headers (`look` for typed columns), and its Excel download when `excel` names
    the file: the download holds what is shown, with the same headers."""
    shown = {**headers, **dated(frame, headers, look or {}), **(look or {})}
    st.dataframe(frame, hide_index=True, column_config=shown, **{"width": "stretch", **options})
    if excel:
        session.excel_button(frame, headers, excel, key)


def dated(frame: pd.DataFrame, headers: dict[str, str], look: dict) -> dict:
    """The reader's date format for every column of days or moments that `look` does not type: Streamlit shows
    them as 2026-11-23 or 2026-11-23 10:00:00 beside the 2026年11月23日 of the captions."""
    typed = {}
    for column in frame.columns:
        if column in look:
            continue
        kind = _date_kind(frame[column])
        if kind == "date":
            typed[column] = st.column_config.DateColumn(headers.get(column), format=session.date_format())
        elif kind == "datetime":
            typed[column] = st.column_config.DatetimeColumn(headers.get(column), format=session.datetime_format())
    return typed


def _date_kind(values: pd.Series) -> str | None:
    """'date' for days, 'datetime' for moments (a datetime column all at midnight holds days), else None."""
    if pd.api.types.is_datetime64_any_dtype(values):
        present = values.dropna()
        return "date" if (present == present.dt.normalize()).all() else "datetime"
    if values.dtype == object:
        first = next((v for v in values if not _missing(v)), None)
        if isinstance(first, datetime):
            return "datetime"
        if isinstance(first, date):
            return "date"
    return None


def whole(label: str, **options) -> st.column_config.NumberColumn:
    """A column of whole numbers (counts, days)."""
    return st.column_config.NumberColumn(label, format="%d", **options)


def choose(label: str, labels: dict, key: str, where=st, per_language: bool = True, **options):
    """A selectbox of ids or codes shown by their labels; keyed per language when the labels are translated."""
    return where.selectbox(label, list(labels), format_func=labels.__getitem__,
                           key=widget_key(key) if per_language else key, **options)


def section(prefix: str, names: Iterable[str], default: str | None = None,
            label: Callable[[str], str] | None = None) -> str:
    """One section of the page at a time, chosen above it (not st.tabs: a map drawn in a hidden tab gets no
    size and shows the whole world). Labels are `{prefix}.tab.{name}` unless `label` says otherwise."""
    tr = _tr()
    names = list(names)
    first = default or names[0]
    chosen = st.segmented_control(tr(f"{prefix}.section"), names, default=first, key=f"{prefix}_section",
                                  format_func=label or (lambda k: tr(f"{prefix}.tab.{k}")),
                                  label_visibility="collapsed")
    return chosen or first


# --- files in -------------------------------------------------------------------------------------------------

# Streamlit's uploader writes "Upload" and "50MB per file • XLSX, CSV" in English whatever the page's language, and
# takes no words from Python: hide its own and show ours in their place, for this uploader only (its key's class).
UPLOADER_STYLE = """<style>
.st-key-{key} [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p,
.st-key-{key} [data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
.st-key-{key} [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: {button}; font-size: 0.875rem; line-height: 1.6;
}}
.st-key-{key} [data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: {limit}; font-size: 0.875rem; line-height: 1.6;
}}
</style>"""


PAGE_ROWS = 40


def pager(frame: pd.DataFrame, key: str, size: int = PAGE_ROWS) -> pd.DataFrame:
    """A long list a page at a time: a form per row costs the server more with every widget already on the page
    (751 check forms took 5 s of CPU a rerun), so only `size` rows are drawn, with the choice of which."""
    pages = max(1, -(-len(frame) // size))
    if pages == 1:
        return frame
    tr = _tr()
    at = st.session_state.get(key, 1)
    if not 1 <= at <= pages:
        st.session_state.pop(key, None)
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    at = left.number_input(tr("app.page", pages=pages), min_value=1, max_value=pages, step=1, key=key)
    first = (int(at) - 1) * size
    right.caption(tr("app.page_rows", first=first + 1, last=min(first + size, len(frame)), n=len(frame)))
    return frame.iloc[first:first + size]


def file_uploader(label: str, types: list[str], key: str, where=st, **options):
    """st.file_uploader with its button and its size and type line in the reader's language."""
    tr = _tr()
    size = options.get("max_upload_size") or st.get_option("server.maxUploadSize")
    limit = tr("upload.limit", size=fmt_number(int(size), session.lang()), types="/".join(t.upper() for t in types))
    st.html(UPLOADER_STYLE.format(key=key, button=css_text(tr("upload.button")), limit=css_text(limit)))
    return where.file_uploader(label, type=types, key=key, **options)


def css_text(words: str) -> str:
    """Words as a CSS string: quoted, with nothing that could end the string or the style element."""
    return '"' + "".join(f"\\{ord(c):x} " if c in '"\\<>\n' else c for c in words) + '"'


# --- the page menu on a narrow screen ------------------------------------------------------------------------

# Below Streamlit's md breakpoint (768 px) the sidebar lies over the page. Streamlit folds it after a choice only
# when the browser says it is a phone; a narrow window, a tablet or a phone asking for the desktop site kept the
# menu open over the page chosen. Installed once per browser tab; it waits for Streamlit's own click handling,
# then folds the menu if it is still open.
MENU_CLOSER = """<script>
(() => {
  if (document.rcMenuCloses) return;
  document.rcMenuCloses = true;
  document.addEventListener("click", (event) => {
    if (!event.target.closest('[data-testid="stSidebarNav"] a') || window.innerWidth >= 768) return;
    setTimeout(() => {
      const fold = document.querySelector('[data-testid="stSidebarCollapseButton"] button[aria-expanded="true"]');
      if (fold) fold.click();
    }, 0);
  });
})();
</script>"""


def menu_folds_after_choice() -> None:
    """Fold the page menu after a page is chosen on a narrow screen: one tap per page change, not three."""
    st.html(MENU_CLOSER, unsafe_allow_javascript=True)


# --- communities ----------------------------------------------------------------------------------------------

def chosen_community(page: Page) -> int | None:
    """The user's community, or the one a street administrator chose in the sidebar (None, with a note asking
    to choose one, when they chose them all)."""
    if page.user.community_id is not None:
        return int(page.user.community_id)
    chosen = st.session_state.get("chosen_community", ALL)
    if chosen == ALL:
        st.info(page.tr("arrivals.pick_community"))
        return None
    return int(chosen)


def pick_community(page: Page, key: str, scope: Scope | None = None) -> int | None:
    """A community of `scope`: the only one there is, or the one picked; None when there is none."""
    found = places.communities(page.con, scope or page.scope)
    names = dict(zip(found["community_id"].astype(int), found["name"]))
    if len(names) <= 1:
        return next(iter(names), None)
    return choose(page.tr("app.community"), names, key)


# --- places not on the map ----------------------------------------------------------------------------------

def not_on_map(page: Page) -> None:
    """Buildings registered before their outline came are left off every map: say how many, list them, and
    point whoever may draw outlines to where that is done. One with a point for now is on the map, as a dot."""
    missing = setup.buildings_without_outline(page.con, page.scope)
    missing = missing[~missing["point_only"].astype(bool)]
    if missing.empty:
        return
    with st.expander(page.ntr("map.not_on_map", len(missing)), icon=":material/info:"):
        table(missing[["compound", "name", "grid", "households"]], {
            "compound": page.tr("col.compound"), "name": page.tr("col.building"), "grid": page.tr("col.grid"),
            "households": page.tr("setup.households")}, height=height(len(missing), 8))
        if roles.may(page.user, "set_up_places"):
            st.page_link("views/data/buildings.py", label=page.tr("setup.go_buildings"),
                         icon=":material/edit_location_alt:")


# --- personal data --------------------------------------------------------------------------------------------

def reveal_picker(page: Page, frame: pd.DataFrame, key: str, label: Callable, fragment: bool = False) -> None:
    """Choose one person of `frame` and show their full name and phone (logged), for roles whose work is
    calling them; `label(row)` names each. In a fragment, only the fragment runs again."""
    if not roles.may(page.user, "reveal") or frame.empty or "resident_id" not in frame:
        return
    rows = frame[frame["resident_id"].notna()].drop_duplicates("resident_id")
    labels = {int(r.resident_id): label(r) for r in rows.itertuples()}
    if not labels:
        return
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    who = choose(page.tr("overview.reveal_who"), labels, f"{key}_who", where=left)
    if right.button(page.tr("overview.reveal"), key=f"{key}_reveal"):
        try:
            session.revealed().add(people.reveal(page.con, page.user, page.scope, who, page.today)["resident_id"])
            st.rerun(scope="fragment" if fragment else "app")
        except AccountError as error:
            fail(error)


# --- problems in a file ---------------------------------------------------------------------------------------

def problems(found: list, words: dict[str, str] | None = None, columns: dict[str, str] | None = None,
             column_header: str | None = None, excel: str | None = None, key: str | None = None,
             as_text: int = 0) -> None:
    """Every problem by row and column, in words (`columns` names the columns a reader does not see as such);
    the first `as_text` also as sentences, readable on a phone where the table's last column is cut off."""
    if not found:
        return
    tr = _tr()
    rows = [_problem(p) for p in found]
    frame = pd.DataFrame({"row": [r for r, _, _, _ in rows],
                          "column": [(columns or {}).get(c, c) for _, c, _, _ in rows],
                          "problem": [text(code, values, words) for _, _, code, values in rows]})
    if as_text:
        st.markdown("\n".join(f"- {plain(tr('arrivals.problem_line', row=r, column=c or '—', problem=t))}"
                              for r, c, t in frame.head(as_text).itertuples(index=False)))
    labels = {"row": tr("import.row"), "column": column_header or tr("import.column"), "problem": tr("import.problem")}
    table(frame, labels, excel, key, height=min(420, height(len(frame), 11)))


def _problem(found) -> tuple:
    """(row, column, code, values) of an import Problem, or of a dict {row, code, problem} from a lab file."""
    if isinstance(found, dict):
        return found.get("row") or "", found.get("column", found.get("code", "")), found["problem"], {}
    return found.row or "", found.column, found.code, found.values
