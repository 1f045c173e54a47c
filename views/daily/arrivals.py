"""Arrivals at the gate: register one person on a phone, a whole gate sheet at once, the recent list, the rules."""

import pandas as pd
import streamlit as st

from resilient.core import roles
from resilient.core.i18n import CATEGORIES, fmt_date
from resilient.daily import arrivals
from resilient.daily.arrivals import Arrival, Newcomer
from resilient.daily.rules import DailyError
from resilient.edge import passes
from ui import kit
from views.daily import arrivals_sheets as sheets
from views.daily.arrivals_sheets import fail

page = kit.page()
tr, con, user, lang = page.tr, page.con, page.user, page.lang
ntr = page.ntr
scope, today, now = page.scope, page.today, page.now
kit.require(page, "register_arrivals")


# --- one person at the gate -----------------------------------------------------------------------------------

def register_section() -> None:
    """Built for a phone at the gate: who, from where, the rules' suggestion, one big button."""
    at_gate()
    form = kit.version("arr_form")   # a new number clears every field for the next person
    who = st.radio(tr("arrivals.who"), ["resident", "newcomer"], horizontal=True,
                   format_func=lambda w: tr(f"arrivals.who.{w}"), key=kit.widget_key(f"arr_who_{form}"))
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
                      format_func=lambda o: tr(f"origin.{o}"), key=kit.widget_key(f"arr_origin_{form}"))
    risk = st.radio(tr("arrivals.risk"), list(arrivals.RISKS), horizontal=True,
                    format_func=lambda r: tr(f"risk.{r}"), key=kit.widget_key(f"arr_risk_{form}"))
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
                                key=kit.widget_key(f"arr_cat_{form}_{origin}_{risk}"))
        chosen_days = right.number_input(tr("arrivals.days"), min_value=1, max_value=arrivals.MAX_DAYS, value=days,
                                         step=1, key=f"arr_days_{form}_{origin}_{risk}")
        differs = (chosen, int(chosen_days)) != (category, days)
        reason = st.text_area(tr("arrivals.reason_required") if differs else tr("arrivals.reason"),
                              key=f"arr_reason_{form}", height=80, placeholder=tr("arrivals.reason_hint"))
        if differs and not (reason or "").strip():
            st.warning(ntr("arrivals.reason_needed", days, category=tr(f"category.{category}")),
                       icon=":material/edit_note:")
    end = arrivals.planned_end(arrived, chosen_days)
    st.markdown(ntr("arrivals.will_register", int(chosen_days), category=tr(f"category.{chosen}"),
                   end=fmt_date(end, lang)))
    if st.button(tr("arrivals.register"), type="primary", width="stretch", key=f"arr_register_{form}",
                 icon=":material/how_to_reg:"):
        arrival = Arrival(arrival_date=arrived, origin=origin, risk=risk, from_place=from_place or None,
                          category=chosen, days=int(chosen_days), reason=reason, temperature=temperature,
                          transport=transport or None, gate_id=st.session_state.get("arrival_gate"),
                          **{k: v for k, v in person.items() if k != "label"})
        try:
            written = arrivals.register(con, user, arrival, now)
        except DailyError as error:
            fail(error)
            return
        kit.flash(ntr("arrivals.registered", written["days"], who=kit.plain(person["label"]),
                     category=tr(f"category.{written['category']}"),
                     end=fmt_date(written["planned_end"], lang)), renew="arr_form")


def at_gate() -> None:
    """Opened from the gate page: the arrival is recorded at that gate until the worker says otherwise."""
    gate = st.session_state.get("arrival_gate")
    gates = passes.gates(con, scope)
    named = gates[gates["gate_id"] == gate]
    if gate is None or named.empty:
        st.session_state.pop("arrival_gate", None)
        return
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.info(tr("arrivals.at_gate", gate=kit.plain(named.iloc[0]["compound"], named.iloc[0]["name"])),
              icon=":material/door_front:")
    if right.button(tr("arrivals.not_at_gate"), key="arr_not_at_gate"):
        st.session_state.pop("arrival_gate")
        st.rerun()


def pick_resident(form: int) -> dict | None:
    """Find a registered resident by flat, phone digits or name; None until one is chosen."""
    query = st.text_input(tr("arrivals.find"), key=f"arr_find_{form}", placeholder="3-2-1502 / 5678 / 张").strip()
    if not query:
        st.caption(tr("arrivals.find_help"))
        return None
    found = arrivals.find_residents(con, scope, query, today, kit.revealed())
    if found.empty:
        st.warning(tr("arrivals.nobody", query=query))
        return None
    found = found.drop_duplicates("resident_id")
    rows = {int(row.resident_id): row for row in found.itertuples()}
    label = {i: kit.plain(kit.flat(r.building, r.unit_no, r.room, r.compound, short=True), r.name, r.phone,
                          *(["·", tr("arrivals.already", category=tr(f"category.{r.category}"),
                                     end=fmt_date(r.planned_end, lang))] if pd.notna(r.measure_id) else []))
             for i, r in rows.items()}
    if len(found) == arrivals.FIND_LIMIT:
        st.caption(ntr("arrivals.more_found", arrivals.FIND_LIMIT))
    resident_id = st.radio(tr("arrivals.pick"), list(label), format_func=label.__getitem__,
                           key=kit.widget_key(f"arr_pick_{form}_{query}"))
    row = rows[resident_id]
    if pd.notna(row.measure_id):
        st.warning(tr("arrivals.already_help"), icon=":material/warning:")
    return {"resident_id": int(resident_id), "community_id": int(row.community_id),
            "label": f"{kit.flat(row.building, row.unit_no, row.room, short=True)} {row.name}"}


def newcomer_fields(form: int) -> dict | None:
    """Someone not on the register: the flat they stay in, name, ID number, phone."""
    community_id = kit.chosen_community(page)
    if community_id is None:
        return None
    flats = arrivals.flats(con, scope, community_id)
    if flats.empty:
        st.info(tr("arrivals.no_flats"))
        return None
    where = dict(zip(flats["household_id"].astype(int), kit.flats(flats, short=True)))
    code = {int(r.household_id): arrivals.flat_code(r.building, r.unit_no, r.room) for r in flats.itertuples()}
    label = {h: f"{code[h]} · {text}" if code[h] else text for h, text in where.items()}   # as typed at the gate
    household = kit.choose(tr("arrivals.flat"), label, f"arr_flat_{form}", per_language=False, index=None,
                           placeholder=tr("arrivals.flat_hint"))
    name = st.text_input(tr("col.name"), key=f"arr_name_{form}")
    left, right = st.columns(2)
    id_number = left.text_input(tr("col.id_number"), key=f"arr_id_{form}", max_chars=18)
    phone = right.text_input(tr("col.phone"), key=f"arr_phone_{form}", max_chars=20)
    if household is None:
        st.caption(tr("arrivals.flat_first"))
        return None
    return {"newcomer": Newcomer(int(household), name, id_number, phone or None), "community_id": community_id,
            "label": f"{where[household]} {name.strip()}"}


st.title(tr("arrivals.title"))
sections = {"register": register_section, "sheet": lambda: sheets.sheet_section(page),
            "list": lambda: sheets.list_section(page)}
if roles.may(user, "set_rules"):
    sections["rules"] = lambda: sheets.rules_section(page)
chosen = kit.section("arrivals", sections)
kit.flashed()
sections[chosen]()
