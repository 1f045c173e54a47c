"""The tables of the arrivals page (views/daily/arrivals.py): the gate's spreadsheet, the list of who arrived,
and the community's rules.

Not a page itself: the page imports it, and passes its run's kit.Page.
"""

import hashlib
from datetime import timedelta

import pandas as pd
import streamlit as st

from resilient.core.accounts import AccountError
from resilient.core.i18n import CATEGORIES
from resilient.daily import arrivals
from resilient.daily.rules import DailyError
from resilient.imports.sheets import ImportProblemError, read_table
from ui import figures, kit, session

SHEET_TYPES = ["xlsx", "xlsm", "csv", "txt"]
PROBLEMS_AS_TEXT = 5
# Error values that hold a code, and the translation prefix that names it.
VALUE_WORDS = {"suggested": "category", "origin": "origin", "risk": "risk", "field": "arrivals.field"}


def fail(error: DailyError | AccountError | ImportProblemError) -> None:
    kit.fail(error, VALUE_WORDS)


def origin_text(page: kit.Page, origins, risks) -> list[str]:
    return [f"{page.tr(f'origin.{o}')}·{page.tr(f'risk.{r}')}" for o, r in zip(origins, risks)]


def decision_text(page: kit.Page, categories, days, key: str = "arrivals.decision") -> list[str]:
    return [page.ntr(key, d, category=page.tr(f"category.{c}")) for c, d in zip(categories, days)]


def who_text(page: kit.Page, newcomers, resident: str = "arrivals.who.resident") -> list[str]:
    return [page.tr("arrivals.who.newcomer") if n else (page.tr(resident) if resident else "") for n in newcomers]


# --- the gate's spreadsheet -----------------------------------------------------------------------------------

def sheet_section(page: kit.Page) -> None:
    """Upload → every row checked → problems by row and column, or a preview and one button writing all rows."""
    tr = page.tr
    community_id = kit.chosen_community(page)
    if community_id is None:
        return
    st.download_button(tr("arrivals.template"), arrivals.template_bytes(page.lang), mime=kit.XLSX,
                       file_name=f"{tr('arrivals.template_file')}.xlsx", key="arr_template",
                       icon=":material/download:")
    upload = kit.file_uploader(tr("arrivals.sheet_file"), SHEET_TYPES, "arr_upload")
    if upload is None:
        st.caption(tr("arrivals.sheet_help"))
        return
    data = upload.getvalue()
    token = hashlib.sha256(data).hexdigest()[:16]
    written = st.session_state.get("arr_sheet_written", {})
    if token in written:   # this very file was registered: checking it again would only find everyone registered
        st.success(written[token], icon=":material/check_circle:")
        return
    try:
        frame = read_table(data, upload.name)
        st.caption(page.ntr("import.read", len(frame), file=upload.name, columns=len(frame.columns)))
        with st.spinner(tr("import.checking")):
            preview = arrivals.validate_sheet(page.con, page.user, frame, community_id, page.today)
    except (ImportProblemError, DailyError) as error:
        fail(error)
        return
    if not preview.ok:
        st.error(page.ntr("arrivals.sheet_problems", len(preview.problems)))
        kit.problems(preview.problems, VALUE_WORDS, excel=tr("arrivals.problems_file"), key="arr_problems_excel",
                     as_text=PROBLEMS_AS_TEXT)
        return
    if not preview.rows:
        st.warning(tr("arrivals.sheet_empty"))
        return
    rows = arrivals.preview_rows(page.con, preview)
    st.success(page.ntr("arrivals.sheet_ready", len(rows), newcomers=int(rows["newcomer"].sum())))
    changed = [(c, d) != (oc, od) for c, d, oc, od in zip(rows["suggested_category"], rows["suggested_days"],
                                                          rows["category"], rows["days"])]
    suggested = decision_text(page, rows["suggested_category"], rows["suggested_days"], "arrivals.changed_from")
    shown = pd.DataFrame({
        "row": rows["row"], "name": rows["name"], "who": who_text(page, rows["newcomer"]),
        "arrival_date": rows["arrival_date"], "origin": origin_text(page, rows["origin"], rows["risk"]),
        "decision": decision_text(page, rows["category"], rows["days"]),
        "changed": [text if differs else "" for text, differs in zip(suggested, changed)], "reason": rows["reason"]})
    kit.table(shown, {"row": tr("import.row"), "name": tr("col.name"), "who": tr("arrivals.col.who"),
                      "origin": tr("arrivals.col.origin"), "decision": tr("arrivals.col.decision"),
                      "changed": tr("arrivals.col.suggested"), "reason": tr("arrivals.col.reason")},
              look={"arrival_date": st.column_config.DateColumn(tr("arrivals.col.date"), format=session.date_format())},
              height=min(420, kit.height(len(shown), 11)))
    if st.button(page.ntr("arrivals.commit", len(rows)), type="primary", width="stretch", key=f"arr_commit_{token}"):
        try:
            counts = arrivals.commit_sheet(page.con, page.user, preview, upload.name, page.now)
        except DailyError as error:
            fail(error)
            return
        by = kit.join(f"{tr(f'category.{c}')} {n}" for c, n in counts["by_category"].items())
        text = page.ntr("arrivals.sheet_done", counts["arrivals"], newcomers=counts["newcomers"], by=by)
        st.session_state["arr_sheet_written"] = {**written, token: text}
        st.rerun()


# --- who arrived ----------------------------------------------------------------------------------------------

def list_section(page: kit.Page) -> None:
    """The recent arrivals in scope, masked, with the counts by origin and an Excel export."""
    tr, today = page.tr, page.today
    picked = st.date_input(tr("arrivals.range"), value=(today - timedelta(days=6), today), max_value=today,
                           key="arr_range", format="YYYY-MM-DD")
    since, until = (picked[0], picked[-1]) if isinstance(picked, tuple) and picked else (today, today)
    frame = arrivals.arrivals(page.con, page.scope, since, until, kit.revealed())
    figures.show(page, ("arrivals.kpi.all", len(frame)),
                 *[(f"origin.{o}", n) for o, n in arrivals.origin_counts(frame).items()])
    if frame.empty:
        st.info(tr("arrivals.none_in_range"))
        return
    shown = pd.DataFrame({
        "arrival_date": frame["arrival_date"], "flat": kit.flats(frame, short=True), "name": frame["name"],
        "phone": frame["phone"].fillna(""), "from_place": frame["from_place"].fillna(""),
        "origin": origin_text(page, frame["origin"], frame["risk"]),
        "decision": decision_text(page, frame["category"], frame["days"]), "reason": frame["reason"].fillna(""),
        "newcomer": who_text(page, frame["newcomer"], resident=""), "recorded_by": frame["recorded_by"].fillna("")})
    headers = {"arrival_date": tr("arrivals.col.date"), "flat": tr("arrivals.col.flat"), "name": tr("col.name"),
               "phone": tr("col.phone"), "from_place": tr("arrivals.from_place"),
               "origin": tr("arrivals.col.origin"), "decision": tr("arrivals.col.decision"),
               "reason": tr("arrivals.col.reason"), "newcomer": tr("arrivals.col.who"),
               "recorded_by": tr("arrivals.col.recorded_by")}
    kit.table(shown, headers, tr("arrivals.list_file"), "arr_list_excel", height=420,
              look={"arrival_date": st.column_config.DateColumn(headers["arrival_date"], format=session.date_format())})
    kit.reveal_picker(page, frame, "arr_reveal",
                      lambda r: f"{kit.flat(r.building, r.unit_no, r.room, r.compound, short=True)} {r.name}")


# --- the community's rules ------------------------------------------------------------------------------------

def rules_section(page: kit.Page) -> None:
    """Origin and risk → measure and days, edited as a table; every problem named by row before anything is saved."""
    tr = page.tr
    community_id = kit.chosen_community(page)
    if community_id is None:
        return
    table = arrivals.rules(page.con, community_id)
    shown = pd.DataFrame({"origin": [tr(f"origin.{o}") for o in table["origin"]],
                          "risk": [tr(f"risk.{r}") for r in table["risk"]],
                          "category": table["category"], "days": table["days"]})
    headers = {"origin": tr("arrivals.origin"), "risk": tr("arrivals.risk"), "category": tr("arrivals.category"),
               "days": tr("arrivals.days")}
    edited = st.data_editor(
        shown, hide_index=True, width="stretch", num_rows="fixed", disabled=["origin", "risk"],
        key=f"arr_rules_{community_id}_{kit.version('arr_rules_version')}_{page.lang}",
        column_config={"origin": headers["origin"], "risk": headers["risk"],
                       "category": st.column_config.SelectboxColumn(headers["category"], options=list(CATEGORIES),
                                                                    format_func=lambda c: tr(f"category.{c}"),
                                                                    required=True),
                       "days": st.column_config.NumberColumn(headers["days"], min_value=1,
                                                             max_value=arrivals.MAX_DAYS, step=1, required=True)})
    st.caption(tr("arrivals.rules_help"))
    if st.button(tr("arrivals.rules_save"), type="primary", key="arr_rules_save"):
        try:
            arrivals.save_rules(page.con, page.user, community_id,
                                table.assign(category=list(edited["category"]), days=list(edited["days"])), page.today)
        except DailyError as error:
            fail(error)
            kit.problems(error.values.get("problems", []), VALUE_WORDS, columns=headers)
            return
        kit.flash(tr("arrivals.rules_saved"), renew="arr_rules_version")
