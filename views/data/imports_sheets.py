"""One spreadsheet end to end, as the import page (register, staff, volunteers) and the set-up page (places)
both take it: template, upload, column mapping, check, problems, confirm. Not a page of its own."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from resilient.imports import register as register_import
from resilient.imports.register import ImportProblemError
from ui import kit

SHEET_TYPES = ["xlsx", "xlsm", "csv", "txt"]
IGNORE = ""
# Problem values that hold a code, and the translation prefix that names it.
VALUE_WORDS = {"field": "field", "expected": "import.sex", "old": "import.role"}


@dataclass(frozen=True)
class Sheet:
    """A kind of sheet: its fields (data/columns.toml), and the domain's validate and commit for it."""

    kind: str
    fields: dict[str, list[str]]
    validate: Callable
    commit: Callable


def column_mapping(page: kit.Page, sheet: Sheet, columns: list[str]) -> dict[str, str]:
    """Known headers matched by their usual names; the person maps any other column, or ignores it."""
    tr = page.tr
    mapping, unknown = register_import.match_headers(columns, sheet.fields)
    if unknown:
        st.warning(page.ntr("import.unknown_columns", len(unknown)))
        overrides = {}
        left, right = st.columns(2)
        for i, column in enumerate(unknown):
            target = (left if i % 2 == 0 else right).selectbox(
                tr("import.map_column", column=column), [IGNORE, *sheet.fields],
                format_func=lambda f: tr("import.ignore") if f == IGNORE else tr(f"field.{f}"),
                key=kit.widget_key(f"map_{sheet.kind}_{column}"))
            overrides[column] = target or None
        mapping, _ = register_import.match_headers(columns, sheet.fields, overrides)
    with st.expander(tr("import.mapping_shown")):
        st.dataframe(pd.DataFrame({tr("import.column"): list(mapping),
                                   tr("import.field"): [tr(f"field.{f}") for f in mapping.values()]}),
                     hide_index=True, width="stretch")
    return mapping


def sheet_import(page: kit.Page, sheet: Sheet, community: Callable[[], int | None],
                 options: Callable[[], dict] = dict, done: Callable[[dict], None] | None = None) -> None:
    """Template, upload, mapping, check, confirm; `community` and `options` are asked once the file is read, and
    `done` shows what the commit did (by default the created / updated / unchanged line)."""
    tr, ntr, kind = page.tr, page.ntr, sheet.kind
    st.download_button(tr("import.template"), register_import.template_bytes(kind), mime=kit.XLSX,
                       file_name=f"{tr(f'import.kind.{kind}')}_{tr('import.template_suffix')}.xlsx",
                       key=f"template_{kind}")
    upload = kit.file_uploader(tr("import.file"), SHEET_TYPES, f"upload_{kind}")
    if upload is None:
        return
    data = upload.getvalue()
    try:
        names = register_import.sheet_names(data) if data[:2] == b"PK" else []
        chosen = st.selectbox(tr("import.sheet"), names, key=f"sheet_{kind}") if len(names) > 1 else None
        frame = register_import.read_table(data, upload.name, chosen)
    except ImportProblemError as error:
        kit.fail(error)
        return
    st.caption(ntr("import.read", len(frame), file=upload.name, columns=len(frame.columns)))
    mapping = column_mapping(page, sheet, list(frame.columns))
    community_id = community()
    try:
        with st.spinner(tr("import.checking")):
            preview = sheet.validate(page.con, frame, mapping, community_id=community_id, scope=page.viewer_scope,
                                     **options())
    except ImportProblemError as error:
        kit.fail(error)
        return
    if not preview.ok:
        st.error(ntr("import.problems", len(preview.problems)))
        kit.problems(preview.problems, VALUE_WORDS, excel=tr("import.problem"), key=f"excel_problems_{kind}")
        return
    st.success(ntr("import.ready", len(preview.rows)))
    if preview.warnings:
        st.warning(ntr("import.formula_names", len(preview.warnings)))
        kit.problems(preview.warnings, VALUE_WORDS, key=f"warnings_{kind}")
    st.dataframe(pd.DataFrame({tr("import.what"): [tr(f"import.count.{k}") for k in preview.counts],
                               tr("import.how_many"): list(preview.counts.values())}), hide_index=True)
    token = hashlib.sha256(data).hexdigest()[:16]
    if st.button(tr("import.commit"), type="primary", key=f"commit_{kind}_{token}"):
        bar = st.progress(0.0, text=tr("import.writing"))
        try:
            counts = sheet.commit(page.con, page.user, preview, source_name=upload.name,
                                  progress=lambda f: bar.progress(min(1.0, f), text=tr("import.writing")))
        except ImportProblemError as error:
            kit.fail(error)
            return
        bar.empty()
        if done is not None:
            done(counts)
            return
        st.success(tr("import.done", created=counts.get("created", 0), updated=counts.get("updated", 0),
                      unchanged=counts.get("unchanged", 0)))
