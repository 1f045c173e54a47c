"""Cases and risk areas (issue 17): a public case list checked then confirmed, the cases that match no building
and why, risk areas drawn or buffered, a case's contacts and the action that puts their households under
measures. The risk-area and contact sections are in views/edge/cases_parts.py."""

import hashlib

import pandas as pd
import streamlit as st

from resilient.core import roles
from resilient.core.i18n import fmt_date, fmt_number
from resilient.edge import cases
from resilient.edge.cases import CasesError
from resilient.imports.sheets import ImportProblemError, read_table, sheet_names
from ui import figures, kit
from views.edge import cases_parts as parts

page = kit.page()
tr, ntr, con, lang = page.tr, page.ntr, page.con, page.lang
scope, today, user = page.scope, page.today, page.user
if not (roles.may(user, "import_cases") or roles.may(user, "trace_contacts")):
    st.error(tr("app.not_allowed"))
    st.stop()

st.title(tr("cases.title"))
kit.flashed()
figures.show(page, *[(f"cases.kpi.{k}", v) for k, v in cases.kpis(con, scope, today).items()])
settings = cases.CaseSettings()
WORDS = {"field": "cases.field"}


def reason(code, values: dict, residence, metres) -> str:
    """Why a case matches no building, in the reader's words (a stored case's values recomputed)."""
    if not isinstance(code, str):
        return ""
    given = {"value": residence, "metres": metres, "match_m": settings.match_m, **(values or {})}
    return kit.text(code, {k: fmt_number(round(v), lang) if k != "value" and isinstance(v, int | float) and v == v
                           else v for k, v in given.items()})


def rows_shown(frame: pd.DataFrame) -> pd.DataFrame:
    values = frame["reason_values"] if "reason_values" in frame else [{}] * len(frame)
    return pd.DataFrame({
        "case_no": frame["case_no"], "case_date": frame["case_date"].map(lambda d: fmt_date(d, lang)),
        "kind": frame["kind"].map(lambda k: tr(f"cases.kind.{k}")), "residence": frame["residence"],
        "building": frame["building"].fillna(""), "matched_by": frame["matched_by"].map(lambda m: tr(f"cases.by.{m}")),
        "distance_m": frame["distance_m"].map(lambda m: "" if m != m or m is None else fmt_number(round(m), lang)),
        "reason": [reason(c, v, r, m) for c, v, r, m in zip(frame["reason"] if "reason" in frame
                                                            else frame["unmatched_reason"], values,
                                                            frame["residence"], frame["distance_m"])]})


HEADERS = {k: tr(f"cases.col.{k}") for k in ("case_no", "case_date", "kind", "residence", "building", "matched_by",
                                              "distance_m", "reason")}


def import_section() -> None:
    community_id = kit.chosen_community(page)
    if community_id is None:
        return
    st.caption(tr("cases.import.help", match_m=fmt_number(settings.match_m, lang)))
    coords = st.selectbox(tr("cases.import.coords"), list(cases.COORDS), index=cases.COORDS.index(settings.coords),
                          format_func=lambda c: tr(f"cases.coords.{c}"), key=kit.widget_key("cases_coords"))
    upload = kit.file_uploader(tr("cases.import.file"), ["csv", "txt", "xlsx", "xlsm"], "cases_upload")
    if upload is None:
        return
    data = upload.getvalue()
    try:
        names = sheet_names(data) if data[:2] == b"PK" else []
        frame = read_table(data, upload.name, names[0] if names else None)
        preview = cases.validate_cases(con, user, frame, community_id, today, coords, upload.name)
    except (ImportProblemError, CasesError) as error:
        kit.fail(error, WORDS)
        return
    if not preview.ok:
        st.error(ntr("cases.import.problems", len(preview.problems)))
        kit.problems(preview.problems, WORDS, as_text=3)
        return
    counts = preview.counts()
    st.success(tr("cases.import.ready", **{k: fmt_number(v, lang) for k, v in counts.items()}))
    shown = cases.preview_rows(preview)
    kit.table(rows_shown(shown[~shown["known"]]), HEADERS)
    token = hashlib.sha256(data).hexdigest()[:16]
    if counts["new"] and st.button(tr("cases.import.commit"), type="primary", key=f"cases_commit_{token}"):
        kit.attempt(lambda: cases.commit_cases(con, user, preview), tr("cases.import.done", **counts), CasesError,
                    words=WORDS)


def list_section() -> None:
    stored = cases.cases(con, scope)
    if stored.empty:
        st.info(tr("cases.list.empty"))
        return
    missed = stored[stored["matched_by"] == "none"]
    st.subheader(ntr("cases.list.unmatched", len(missed)))
    if not missed.empty:
        kit.table(rows_shown(missed), HEADERS)
    st.subheader(ntr("cases.list.all", len(stored)))
    kit.table(rows_shown(stored), HEADERS, excel=tr("cases.title"), key="cases_excel")


names = [n for n, allowed in [("import", roles.may(user, "import_cases")), ("list", True), ("areas", True),
                              ("contacts", roles.may(user, "trace_contacts"))] if allowed]
chosen = kit.section("cases", names)
if chosen == "import":
    import_section()
elif chosen == "list":
    list_section()
elif chosen == "areas":
    parts.areas_section(page, settings)
else:
    parts.contacts_section(page)
