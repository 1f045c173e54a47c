"""The gate (门岗): choose the gate once, scan passes out and in on a phone, who is out now, an arrival at the gate.

Managers also get the gates on a map with today's counts, and issuing and printing passes (gate_manage.py)."""

import streamlit as st

from resilient.core import config, roles
from resilient.core.i18n import fmt_date, fmt_time
from resilient.edge import passes
from resilient.edge.passes import PassError
from ui import figures, kit
from views.edge import gate_manage

page = kit.page()
tr, con, user, lang, ntr = page.tr, page.con, page.user, page.lang, page.ntr
kit.require(page, "scan_passes")
GATE = "gate_id"   # the gate chosen, kept for the session


def choose_gate(found) -> int | None:
    """The gate this phone stands at: chosen once, kept in the session, changed from the expander."""
    labels = {int(g.gate_id): f"{g.compound} · {g.name}" for g in found.itertuples() if g.active}
    kept = st.session_state.get(GATE)
    if kept in labels:
        with st.expander(tr("gate.at", gate=kit.plain(labels[kept]))):
            if st.button(tr("gate.change"), key="gate_change"):
                st.session_state.pop(GATE)
                st.rerun()
        return kept
    chosen = kit.choose(tr("gate.choose"), labels, "gate_pick", per_language=False, index=None,
                        placeholder=tr("gate.choose_hint"))
    if chosen is not None and st.button(tr("gate.stand_here"), type="primary", width="stretch", key="gate_keep"):
        st.session_state[GATE] = int(chosen)
        st.rerun()
    return None


def result_card(shown: dict) -> None:
    """Green when let through, red when refused and why: big enough to read at arm's length."""
    where = "" if shown["building"] is None else kit.flat(shown["building"], shown["unit_no"], shown["room"],
                                                          shown["compound"], short=True)
    if shown["allowed"]:
        st.success(tr(f"gate.allowed.{shown['direction']}"), icon=":material/check_circle:")
    else:
        st.error(tr(f"gate.refused.{shown['reason']}"), icon=":material/block:")
    if shown["number"] is not None:
        who = shown["plate"] if shown["kind"] == "vehicle" else shown["holder"]
        kind = tr(f"passes.kind.{shown['kind']}")
        st.text(f"{kind} {shown['number']}\n{who}\n{where}")
        st.caption(tr("gate.valid_until", date=fmt_date(shown["valid_until"], lang),
                      time=fmt_time(shown["at"], lang)))


@st.fragment
def scan_form(gate_id: int) -> None:
    """A scanner types the QR's code and Enter; a person types it. The form clears for the next pass, and only
    this part reruns (bench.gate)."""
    with st.form("gate_scan", clear_on_submit=True, border=False):
        code = st.text_input(tr("gate.code"), key="gate_code", placeholder="RC-P…")
        scanned = st.form_submit_button(tr("gate.check"), type="primary", width="stretch",
                                        icon=":material/qr_code_scanner:")
    if scanned and code.strip():
        try:
            st.session_state["gate_shown"] = passes.scan(con, user, code, gate_id, config.now())
        except PassError as error:
            kit.fail(error)
            return
    if "gate_shown" in st.session_state:
        result_card(st.session_state["gate_shown"])


@st.fragment(run_every=60)
def out_list() -> None:
    """Who is out now, longest first; reruns on its own every minute."""
    now = config.now()
    out = passes.out_now(con, page.scope, now)
    st.subheader(ntr("gate.out_now", len(out)))
    st.caption(tr("gate.as_of", time=fmt_time(now, lang, seconds=True)))
    if out.empty:
        st.info(tr("gate.nobody_out"))
        return
    for row, where in zip(out.head(50).itertuples(), kit.flats(out.head(50), short=True)):
        who = row.plate if row.kind == "vehicle" else row.name
        line = tr("gate.out_line", hours=row.hours, gate=row.gate)
        st.container(border=True).text(f"{where} {who}\n" + (f"⚠ {tr('gate.out_long')} · " if row.over else "")
                                       + line)


st.title(tr("gate.title"))
kit.flashed()
found = passes.gates(con, page.scope)
gate_id = None
if found.empty:
    st.info(tr("gate.no_gates"))
else:
    gate_id = choose_gate(found)
if gate_id is not None:
    scan_form(gate_id)
    if roles.may(user, "register_arrivals"):
        if st.button(tr("gate.arrival"), width="stretch", icon=":material/directions_walk:", key="gate_arrival"):
            st.session_state["arrival_gate"] = gate_id
            st.switch_page("views/daily/arrivals.py")
figures_now = passes.kpis(con, page.scope, page.now)
figures.show(page, ("gate.kpi.out_now", figures_now["out_now"]), ("gate.kpi.out_over", figures_now["out_over"]),
             ("gate.kpi.scans_today", figures_now["scans_today"]))
out_list()
if roles.may(user, "manage_passes") and st.toggle(tr("gate.manage"), key="gate_manage"):
    gate_manage.manage(page, found, figures_now)
