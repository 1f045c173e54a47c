"""Bring a real community in: register, staff and volunteer sheets, and building footprints.

Every file is read and checked first; the problems are listed by row and column; nothing is written until the
person confirms, and then all of it or nothing.
"""

import hashlib

import pandas as pd
import streamlit as st

from resilient.imports import register as register_import
from resilient.imports.register import ImportProblemError
from resilient.places import places
from ui import kit
from views.data import imports_outlines as outlines

page = kit.page()
tr, con, user = page.tr, page.con, page.user
ntr = page.ntr
scope = page.viewer_scope  # an import reaches the whole community, whatever grid cell the sidebar shows
kit.require(page, "import")

SHEET_TYPES = ["xlsx", "xlsm", "csv", "txt"]
KINDS = {
    "register": (register_import.REGISTER_FIELDS, register_import.validate_register, register_import.commit_register),
    "staff": (register_import.STAFF_FIELDS, register_import.validate_staff, register_import.commit_staff),
    "volunteer": (register_import.VOLUNTEER_FIELDS, register_import.validate_volunteers,
                  register_import.commit_volunteers),
}
IGNORE = ""


# Problem values that hold a code, and the translation prefix that names it.
VALUE_WORDS = {"field": "field", "expected": "import.sex", "old": "import.role"}


def field_label(field: str) -> str:
    return tr(f"field.{field}")


def choose_community(key: str) -> int | None:
    """Leaders and grid workers import into their own community; a street administrator picks one."""
    return kit.pick_community(page, key, scope)


def column_mapping(kind: str, columns: list[str]) -> dict[str, str]:
    """Known headers matched by their usual names; the person maps any other column, or ignores it."""
    fields = KINDS[kind][0]
    mapping, unknown = register_import.match_headers(columns, fields)
    if unknown:
        st.warning(ntr("import.unknown_columns", len(unknown)))
        overrides = {}
        left, right = st.columns(2)
        for i, column in enumerate(unknown):
            target = (left if i % 2 == 0 else right).selectbox(
                tr("import.map_column", column=column), [IGNORE, *fields],
                format_func=lambda f: tr("import.ignore") if f == IGNORE else field_label(f),
                key=kit.widget_key(f"map_{kind}_{column}"))
            overrides[column] = target or None
        mapping, _ = register_import.match_headers(columns, fields, overrides)
    with st.expander(tr("import.mapping_shown")):
        st.dataframe(pd.DataFrame({tr("import.column"): list(mapping),
                                   tr("import.field"): [field_label(f) for f in mapping.values()]}),
                     hide_index=True, width="stretch")
    return mapping


def show_problems(problems) -> None:
    st.error(ntr("import.problems", len(problems)))
    kit.problems(problems, VALUE_WORDS, excel=tr("import.problem"), key="excel_problems")


def sheet_import(kind: str) -> None:
    """One spreadsheet kind end to end: template, upload, mapping, check, confirm."""
    fields, validate, commit = KINDS[kind]
    st.download_button(tr("import.template"), register_import.template_bytes(kind), mime=kit.XLSX,
                       file_name=f"{tr(f'import.kind.{kind}')}_{tr('import.template_suffix')}.xlsx",
                       key=f"template_{kind}")
    upload = st.file_uploader(tr("import.file"), type=SHEET_TYPES, key=f"upload_{kind}")
    if upload is None:
        return
    data = upload.getvalue()
    try:
        sheets = register_import.sheet_names(data) if data[:2] == b"PK" else []
        sheet = st.selectbox(tr("import.sheet"), sheets, key=f"sheet_{kind}") if len(sheets) > 1 else None
        frame = register_import.read_table(data, upload.name, sheet)
    except ImportProblemError as error:
        kit.fail(error)
        return
    st.caption(ntr("import.read", len(frame), file=upload.name, columns=len(frame.columns)))
    mapping = column_mapping(kind, list(frame.columns))
    community_id = choose_community(f"community_{kind}")
    options = {}
    if kind == "register":
        options["census"] = st.checkbox(tr("import.census"), key=f"census_{kind}", help=tr("import.census_help"))
    try:
        with st.spinner(tr("import.checking")):
            preview = validate(con, frame, mapping, community_id=community_id, scope=scope, **options)
    except ImportProblemError as error:
        kit.fail(error)
        return
    if not preview.ok:
        show_problems(preview.problems)
        return
    st.success(ntr("import.ready", len(preview.rows)))
    st.dataframe(pd.DataFrame({tr("import.what"): [tr(f"import.count.{k}") for k in preview.counts],
                               tr("import.how_many"): list(preview.counts.values())}), hide_index=True)
    token = hashlib.sha256(data).hexdigest()[:16]
    if st.button(tr("import.commit"), type="primary", key=f"commit_{kind}_{token}"):
        bar = st.progress(0.0, text=tr("import.writing"))
        try:
            counts = commit(con, user, preview, source_name=upload.name,
                            progress=lambda f: bar.progress(min(1.0, f), text=tr("import.writing")))
        except ImportProblemError as error:
            kit.fail(error)
            return
        bar.empty()
        st.success(tr("import.done", created=counts.get("created", 0), updated=counts.get("updated", 0),
                      unchanged=counts.get("unchanged", 0)))


st.title(tr("import.title"))
if places.communities(con, scope).empty:
    st.info(tr("import.no_community"))
    st.page_link("views/data/setup.py", label=tr("nav.setup"), icon=":material/checklist:")
    st.stop()
st.caption(tr("import.intro"))
tabs = st.tabs([tr("import.kind.register"), tr("import.kind.staff"), tr("import.kind.volunteer"),
                tr("import.kind.footprints")])
for tab, kind in zip(tabs[:3], KINDS):
    with tab:
        sheet_import(kind)
with tabs[3]:
    outlines.outline_import(page, choose_community("community_footprints"))
