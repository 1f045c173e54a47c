"""Arrivals at the gate: register one person on a phone, a whole gate sheet at once, the recent list, the rules."""

import hashlib
from datetime import timedelta

import pandas as pd
import streamlit as st

from resilient.core import config, roles
from resilient.core.accounts import AccountError
from resilient.core.i18n import CATEGORIES, fmt_date, fmt_list, refusal
from resilient.core.masking import markdown_safe as escape
from resilient.daily import arrivals
from resilient.daily import rules as daily
from resilient.daily.arrivals import Arrival, Newcomer
from resilient.daily.rules import DailyError
from resilient.imports.sheets import ImportProblemError, read_table
from resilient.places import people
from ui import session
from ui.session import ALL

KPI_WIDTH = 104  # px: three cards abreast on a 390 px phone
SHEET_TYPES = ["xlsx", "xlsm", "csv", "txt"]
PROBLEMS_AS_TEXT = 5
# Error values that hold a code, and the translation prefix that names it.
VALUE_WORDS = {"suggested": "category", "origin": "origin", "risk": "risk", "field": "arrivals.field"}

lang = session.lang()
tr = session.translator(lang)
ntr = session.ntranslator(lang)
con = session.cursor()
user = session.current_user()
scope = session.scope()
today, now = config.today(), config.now()
if not daily.may(user, daily.MAY_REGISTER):
    st.error(tr("app.not_allowed"))
    st.stop()


def message(code: str, values: dict) -> str:
    """A refusal in the reader's words, the codes inside it translated too."""
    return refusal(code, values, lang, VALUE_WORDS)


def fail(error: DailyError | AccountError | ImportProblemError) -> None:
    st.error(message(error.code, {k: v for k, v in getattr(error, "values", {}).items() if k != "problems"}))


def flat_text(building: str, unit_no, room: str, compound: str = "") -> str:
    return f"{compound}{building} {tr('arrivals.unit_room', unit=unit_no, room=room)}"


def community_or_none() -> int | None:
    """The user's community, or the one a street administrator chose in the sidebar (None: asked to choose)."""
    if user.community_id is not None:
        return int(user.community_id)
    chosen = st.session_state.get("chosen_community", ALL)
    if chosen == ALL:
        st.info(tr("arrivals.pick_community"))
        return None
    return int(chosen)


def done_message(key: str) -> None:
    """The last write's success, kept across the rerun that cleared the form."""
    text = st.session_state.pop(key, None)
    if text:
        st.success(text, icon=":material/check_circle:")


# --- one person at the gate -----------------------------------------------------------------------------------

def register_section() -> None:
    """Built for a phone at the gate: who, from where, the rules' suggestion, one big button."""
    done_message("arr_done")
    form = st.session_state.setdefault("arr_form", 0)   # a new number clears every field for the next person
    who = st.radio(tr("arrivals.who"), ["resident", "newcomer"], horizontal=True,
                   format_func=lambda w: tr(f"arrivals.who.{w}"), key=session.widget_key(f"arr_who_{form}"))
    person = pick_resident(form) if who == "resident" else newcomer_fields(form)
    if person is None:
        return
    community_id = person.pop("community_id")
    left, right = st.columns(2)
    arrived = left.date_input(tr("arrivals.date"), value=today, max_value=today, key=f"arr_date_{form}",
                              format="YYYY-MM-DD")
    from_place = right.text_input(tr("arrivals.from_place"), key=f"arr_from_{form}",
                                  placeholder=tr("arrivals.from_place_hint"))
    with st.expander(tr("arrivals.more")):
        temperature = st.number_input(tr("arrivals.temperature"), min_value=30.0, max_value=45.0, value=None,
                                      step=0.1, format="%.1f", key=f"arr_temp_{form}")
        transport = st.text_input(tr("arrivals.transport"), key=f"arr_transport_{form}")
    # No origin chosen in advance: a forgotten choice must not register someone as arriving from abroad.
    origin = st.radio(tr("arrivals.origin"), list(arrivals.ORIGINS), horizontal=True, index=None,
                      format_func=lambda o: tr(f"origin.{o}"), key=session.widget_key(f"arr_origin_{form}"))
    risk = st.radio(tr("arrivals.risk"), list(arrivals.RISKS), horizontal=True,
                    format_func=lambda r: tr(f"risk.{r}"), key=session.widget_key(f"arr_risk_{form}"))
    if origin is None:
        st.caption(tr("arrivals.origin_first"))
        return
    category, days = arrivals.suggest(con, community_id, origin, risk)
    st.info(ntr("arrivals.suggestion", days, category=tr(f"category.{category}")),
            icon=":material/rule:")
    follow = st.toggle(tr("arrivals.follow"), value=True, key=f"arr_follow_{form}")
    reason = None
    chosen, chosen_days = category, days
    if not follow:
        # Keyed by the suggestion, so a changed origin or risk starts the decision again from its suggestion.
        left, right = st.columns([3, 2])
        chosen = left.selectbox(tr("arrivals.category"), CATEGORIES, index=CATEGORIES.index(category),
                                format_func=lambda c: tr(f"category.{c}"),
                                key=session.widget_key(f"arr_cat_{form}_{origin}_{risk}"))
        chosen_days = right.number_input(tr("arrivals.days"), min_value=1, max_value=arrivals.MAX_DAYS, value=days,
                                         step=1, key=f"arr_days_{form}_{origin}_{risk}")
        differs = (chosen, int(chosen_days)) != (category, days)
        reason = st.text_area(tr("arrivals.reason_required") if differs else tr("arrivals.reason"),
                              key=f"arr_reason_{form}", height=80, placeholder=tr("arrivals.reason_hint"))
        if differs and not (reason or "").strip():
            st.warning(ntr("arrivals.reason_needed", days, category=tr(f"category.{category}")),
                       icon=":material/edit_note:")
    end = arrived + timedelta(days=int(chosen_days))
    st.markdown(ntr("arrivals.will_register", int(chosen_days), category=tr(f"category.{chosen}"),
                    end=fmt_date(end, lang)))
    if st.button(tr("arrivals.register"), type="primary", width="stretch", key=f"arr_register_{form}",
                 icon=":material/how_to_reg:"):
        arrival = Arrival(arrival_date=arrived, origin=origin, risk=risk, from_place=from_place or None,
                          category=chosen, days=int(chosen_days), reason=reason, temperature=temperature,
                          transport=transport or None, **{k: v for k, v in person.items() if k != "label"})
        try:
            written = arrivals.register(con, user, arrival, now)
        except DailyError as error:
            fail(error)
            return
        st.session_state["arr_done"] = ntr("arrivals.registered", written["days"], who=escape(person["label"]),
                                           category=tr(f"category.{written['category']}"),
                                           end=fmt_date(written["planned_end"], lang))
        st.session_state["arr_form"] = form + 1
        st.rerun()


def pick_resident(form: int) -> dict | None:
    """Find a registered resident by flat, phone digits or name; None until one is chosen."""
    query = st.text_input(tr("arrivals.find"), key=f"arr_find_{form}", placeholder="3-2-1502 / 5678 / 张").strip()
    if not query:
        st.caption(tr("arrivals.find_help"))
        return None
    found = arrivals.find_residents(con, scope, query, today, session.revealed())
    if found.empty:
        st.warning(tr("arrivals.nobody", query=query))
        return None
    found = found.drop_duplicates("resident_id")
    label, rows = {}, {}
    for row in found.itertuples():
        text = f"{flat_text(row.building, row.unit_no, row.room, row.compound)} {row.name} {row.phone or ''}"
        if pd.notna(row.measure_id):
            text += " · " + tr("arrivals.already", category=tr(f"category.{row.category}"),
                               end=fmt_date(row.planned_end, lang))
        label[int(row.resident_id)] = escape(text.strip())
        rows[int(row.resident_id)] = row
    if len(found) == arrivals.FIND_LIMIT:
        st.caption(ntr("arrivals.more_found", arrivals.FIND_LIMIT))
    resident_id = st.radio(tr("arrivals.pick"), list(label), format_func=label.__getitem__,
                           key=session.widget_key(f"arr_pick_{form}_{query}"))
    row = rows[resident_id]
    if pd.notna(row.measure_id):
        st.warning(tr("arrivals.already_help"), icon=":material/warning:")
    return {"resident_id": int(resident_id), "community_id": int(row.community_id),
            "label": f"{flat_text(row.building, row.unit_no, row.room)} {row.name}"}


def newcomer_fields(form: int) -> dict | None:
    """Someone not on the register: the flat they stay in, name, ID number, phone."""
    community_id = community_or_none()
    if community_id is None:
        return None
    flats = arrivals.flats(con, scope, community_id)
    if flats.empty:
        st.info(tr("arrivals.no_flats"))
        return None
    number = flats["building"].str.extract(r"(\d+)", expand=False)
    label = {int(r.household_id): f"{n}-{r.unit_no}-{r.room} · {flat_text(r.building, r.unit_no, r.room, r.compound)}"
             if isinstance(n, str) else flat_text(r.building, r.unit_no, r.room, r.compound)
             for r, n in zip(flats.itertuples(), number)}
    household = st.selectbox(tr("arrivals.flat"), list(label), index=None, format_func=label.__getitem__,
                             placeholder=tr("arrivals.flat_hint"), key=f"arr_flat_{form}")
    name = st.text_input(tr("col.name"), key=f"arr_name_{form}")
    left, right = st.columns(2)
    id_number = left.text_input(tr("col.id_number"), key=f"arr_id_{form}", max_chars=18)
    phone = right.text_input(tr("col.phone"), key=f"arr_phone_{form}", max_chars=20)
    if household is None:
        st.caption(tr("arrivals.flat_first"))
        return None
    return {"newcomer": Newcomer(int(household), name, id_number, phone or None), "community_id": community_id,
            "label": f"{label[household].split(' · ')[-1]} {name.strip()}"}


# --- the gate's spreadsheet -----------------------------------------------------------------------------------

def sheet_section() -> None:
    """Upload → every row checked → problems by row and column, or a preview and one button writing all rows."""
    community_id = community_or_none()
    if community_id is None:
        return
    st.download_button(tr("arrivals.template"), arrivals.template_bytes(lang), mime=session.XLSX,
                       file_name=f"{tr('arrivals.template_file')}.xlsx", key="arr_template",
                       icon=":material/download:")
    upload = st.file_uploader(tr("arrivals.sheet_file"), type=SHEET_TYPES, key="arr_upload")
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
    except ImportProblemError as error:
        fail(error)
        return
    st.caption(ntr("import.read", len(frame), file=upload.name, columns=len(frame.columns)))
    try:
        with st.spinner(tr("import.checking")):
            preview = arrivals.validate_sheet(con, user, frame, community_id, today)
    except DailyError as error:
        fail(error)
        return
    if not preview.ok:
        show_problems(preview.problems)
        return
    if not preview.rows:
        st.warning(tr("arrivals.sheet_empty"))
        return
    rows = arrivals.preview_rows(con, preview)
    st.success(ntr("arrivals.sheet_ready", len(rows), newcomers=int(rows["newcomer"].sum())))
    shown = pd.DataFrame({
        "row": rows["row"], "name": rows["name"],
        "who": [tr("arrivals.who.newcomer") if n else tr("arrivals.who.resident") for n in rows["newcomer"]],
        "arrival_date": rows["arrival_date"],
        "origin": [f"{tr(f'origin.{o}')}·{tr(f'risk.{r}')}" for o, r in zip(rows["origin"], rows["risk"])],
        "decision": [ntr("arrivals.decision", d, category=tr(f"category.{c}"))
                     for c, d in zip(rows["category"], rows["days"])],
        "changed": [ntr("arrivals.changed_from", d, category=tr(f"category.{c}")) if (c, d) != (oc, od) else ""
                    for c, d, oc, od in zip(rows["suggested_category"], rows["suggested_days"], rows["category"],
                                            rows["days"])],
        "reason": rows["reason"]})
    st.dataframe(shown, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(shown)),
                 column_config={"row": tr("import.row"), "name": tr("col.name"), "who": tr("arrivals.col.who"),
                                "arrival_date": st.column_config.DateColumn(tr("arrivals.col.date"),
                                                                            format=session.date_format()),
                                "origin": tr("arrivals.col.origin"), "decision": tr("arrivals.col.decision"),
                                "changed": tr("arrivals.col.suggested"), "reason": tr("arrivals.col.reason")})
    if st.button(ntr("arrivals.commit", len(rows)), type="primary", width="stretch", key=f"arr_commit_{token}"):
        try:
            counts = arrivals.commit_sheet(con, user, preview, upload.name, now)
        except DailyError as error:
            fail(error)
            return
        by = fmt_list((f"{tr(f'category.{c}')} {n}" for c, n in counts["by_category"].items()), lang)
        text = ntr("arrivals.sheet_done", counts["arrivals"], newcomers=counts["newcomers"], by=by)
        st.session_state["arr_sheet_written"] = {**written, token: text}
        st.rerun()


def show_problems(problems) -> None:
    st.error(ntr("arrivals.sheet_problems", len(problems)))
    frame = pd.DataFrame({"row": [p.row for p in problems], "column": [p.column for p in problems],
                          "problem": [message(p.code, p.values) for p in problems]})
    # The first few as sentences, readable on a phone where the table's last column is cut off.
    st.markdown("\n".join(f"- {escape(tr('arrivals.problem_line', row=r, column=c or '—', problem=t))}"
                          for r, c, t in frame.head(PROBLEMS_AS_TEXT).itertuples(index=False)))
    headers = {"row": tr("import.row"), "column": tr("import.column"), "problem": tr("import.problem")}
    st.dataframe(frame, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(frame)),
                 column_config=headers)
    session.excel_button(frame, headers, tr("arrivals.problems_file"), "arr_problems_excel")


# --- who arrived ----------------------------------------------------------------------------------------------

def list_section() -> None:
    """The recent arrivals in scope, masked, with the counts by origin and an Excel export."""
    picked = st.date_input(tr("arrivals.range"), value=(today - timedelta(days=6), today), max_value=today,
                           key="arr_range", format="YYYY-MM-DD")
    since, until = (picked[0], picked[-1]) if isinstance(picked, tuple) and picked else (today, today)
    frame = arrivals.arrivals(con, scope, since, until, session.revealed())
    counts = frame["origin"].value_counts()
    with st.container(horizontal=True, gap="small"):
        st.metric(tr("arrivals.kpi.all"), len(frame), width=KPI_WIDTH)
        for origin in arrivals.ORIGINS:
            st.metric(tr(f"origin.{origin}"), int(counts.get(origin, 0)), width=KPI_WIDTH)
    if frame.empty:
        st.info(tr("arrivals.none_in_range"))
        return
    shown = pd.DataFrame({
        "arrival_date": frame["arrival_date"],
        "flat": [flat_text(b, u, r, c) for b, u, r, c in zip(frame["building"], frame["unit_no"], frame["room"],
                                                             frame["compound"])],
        "name": frame["name"], "phone": frame["phone"].fillna(""), "from_place": frame["from_place"].fillna(""),
        "origin": [f"{tr(f'origin.{o}')}·{tr(f'risk.{r}')}" for o, r in zip(frame["origin"], frame["risk"])],
        "decision": [ntr("arrivals.decision", d, category=tr(f"category.{c}"))
                     for c, d in zip(frame["category"], frame["days"])],
        "reason": frame["reason"].fillna(""),
        "newcomer": [tr("arrivals.who.newcomer") if n else "" for n in frame["newcomer"]],
        "recorded_by": frame["recorded_by"].fillna(""),
    })
    headers = {"arrival_date": tr("arrivals.col.date"), "flat": tr("arrivals.col.flat"), "name": tr("col.name"),
               "phone": tr("col.phone"), "from_place": tr("arrivals.from_place"),
               "origin": tr("arrivals.col.origin"), "decision": tr("arrivals.col.decision"),
               "reason": tr("arrivals.col.reason"), "newcomer": tr("arrivals.col.who"),
               "recorded_by": tr("arrivals.col.recorded_by")}
    st.dataframe(shown, hide_index=True, width="stretch", height=420,
                 column_config={**headers, "arrival_date": st.column_config.DateColumn(headers["arrival_date"],
                                                                                       format=session.date_format())})
    session.excel_button(shown, headers, tr("arrivals.list_file"), "arr_list_excel")
    reveal_picker(frame)


def reveal_picker(frame: pd.DataFrame) -> None:
    """Reveal one person's name and phone (logged), to call them back."""
    if not roles.may_reveal(user) or frame.empty:
        return
    rows = frame.drop_duplicates("resident_id")
    label = {int(r.resident_id): f"{flat_text(r.building, r.unit_no, r.room, r.compound)} {r.name}"
             for r in rows.itertuples()}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    who = left.selectbox(tr("overview.reveal_who"), list(label), format_func=label.__getitem__,
                         key=session.widget_key("arr_reveal_who"))
    if right.button(tr("overview.reveal"), key="arr_reveal"):
        try:
            session.revealed().add(people.reveal(con, user, scope, who, today)["resident_id"])
            st.rerun()
        except AccountError as error:
            fail(error)


# --- the community's rules ------------------------------------------------------------------------------------

def rules_section() -> None:
    """Origin and risk → measure and days, edited as a table; every problem named by row before anything is saved."""
    done_message("arr_rules_done")
    community_id = community_or_none()
    if community_id is None:
        return
    table = arrivals.rules(con, community_id)
    names = {c: tr(f"category.{c}") for c in CATEGORIES}
    codes = {v: k for k, v in names.items()}
    shown = pd.DataFrame({"origin": [tr(f"origin.{o}") for o in table["origin"]],
                          "risk": [tr(f"risk.{r}") for r in table["risk"]],
                          "category": table["category"].map(names), "days": table["days"]})
    headers = {"origin": tr("arrivals.origin"), "risk": tr("arrivals.risk"), "category": tr("arrivals.category"),
               "days": tr("arrivals.days")}
    version = st.session_state.setdefault("arr_rules_version", 0)
    edited = st.data_editor(
        shown, hide_index=True, width="stretch", num_rows="fixed", disabled=["origin", "risk"],
        key=f"arr_rules_{community_id}_{version}_{lang}",
        column_config={"origin": headers["origin"], "risk": headers["risk"],
                       "category": st.column_config.SelectboxColumn(headers["category"], options=list(names.values()),
                                                                    required=True),
                       "days": st.column_config.NumberColumn(headers["days"], min_value=1,
                                                             max_value=arrivals.MAX_DAYS, step=1, required=True)})
    st.caption(tr("arrivals.rules_help"))
    if st.button(tr("arrivals.rules_save"), type="primary", key="arr_rules_save"):
        rules = table.assign(category=[codes.get(c, c) for c in edited["category"]], days=list(edited["days"]))
        try:
            arrivals.save_rules(con, user, community_id, rules, today)
        except DailyError as error:
            fail(error)
            problems = error.values.get("problems", [])
            if problems:
                st.dataframe(pd.DataFrame({
                    "row": [p.row or "" for p in problems],
                    "column": [headers.get(p.column, p.column) for p in problems],
                    "problem": [message(p.code, p.values) for p in problems]}), hide_index=True, width="stretch",
                    column_config={"row": tr("import.row"), "column": tr("import.column"),
                                   "problem": tr("import.problem")})
            return
        st.session_state["arr_rules_done"] = tr("arrivals.rules_saved")
        st.session_state["arr_rules_version"] = version + 1
        st.rerun()


st.title(tr("arrivals.title"))
sections = {"register": register_section, "sheet": sheet_section, "list": list_section}
if daily.may(user, daily.MAY_SET_RULES):
    sections["rules"] = rules_section
chosen = st.segmented_control(tr("arrivals.section"), list(sections), default="register", key="arrivals_section",
                              format_func=lambda k: tr(f"arrivals.tab.{k}"), label_visibility="collapsed")
sections[chosen or "register"]()
