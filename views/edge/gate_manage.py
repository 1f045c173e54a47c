"""The gate page's part for those who manage passes (not a page): the gates' map, adding a gate, issuing person
passes for a compound, a vehicle pass by hand, the cards to print, passes of households under measures."""

import streamlit as st
from streamlit_folium import st_folium

from geo import gate_maps
from resilient.core.i18n import fmt_number
from resilient.edge import passes
from resilient.edge.passes import PassError
from resilient.places import places
from ui import figures, kit


def manage(page: kit.Page, gates, figures_now: dict) -> None:
    tr, con = page.tr, page.con
    figures.show(page, ("gate.kpi.issued", figures_now["issued"]),
                 ("gate.kpi.visits_to_make", figures_now["visits_to_make"]))
    if not gates.empty:
        gate_map_section(page)
    compounds = places.compounds(con, page.scope)
    if compounds.empty:
        st.info(tr("gate.no_compounds"))
        return
    labels = dict(zip(compounds["compound_id"].astype(int), compounds["name"].map(kit.plain)))
    compound = kit.choose(tr("gate.compound"), labels, "gate_compound", per_language=False)
    with st.expander(tr("gate.add_gate")):
        add_gate(page, compound)
    with st.expander(tr("gate.issue")):
        issue(page, compound)
    with st.expander(tr("gate.vehicle")):
        vehicle(page, compound)
    waiting = passes.under_measures(con, page.scope, page.now)
    if not waiting.empty:
        st.warning(page.ntr("gate.under_measures", len(waiting)), icon=":material/warning:")
        if st.button(tr("gate.revoke_all"), key="gate_revoke_all"):
            kit.attempt(lambda: passes.revoke_under_measures(con, page.user, page.now),
                        page.ntr("gate.revoked", len(waiting)), PassError)


def gate_map_section(page: kit.Page) -> None:
    counts = passes.gate_counts(page.con, page.scope, page.now)
    words = {k: page.tr(f"gate.map.{k}") for k in ("out_today", "in_today", "out_now")}
    if counts["lon"].notna().any():
        st_folium(gate_maps.gate_map(counts, words), height=360, use_container_width=True, returned_objects=[],
                  key="gate_map")
    kit.table(counts[["compound", "name", "out_today", "in_today", "out_now"]],
              {"compound": page.tr("col.compound"), "name": page.tr("gate.gate"), **words})


def add_gate(page: kit.Page, compound: int) -> None:
    tr = page.tr
    name = st.text_input(tr("gate.gate_name"), key="gate_new_name", placeholder=tr("gate.gate_name_hint"))
    left, right = st.columns(2)
    lon = left.number_input(tr("gate.lon"), value=None, format="%.6f", key="gate_new_lon")
    lat = right.number_input(tr("gate.lat"), value=None, format="%.6f", key="gate_new_lat")
    if st.button(tr("gate.add"), key="gate_add", disabled=not name.strip()):
        kit.attempt(lambda: passes.add_gate(page.con, page.user, compound, name, lon, lat, page.now),
                    tr("gate.added", name=kit.plain(name.strip())), PassError)


def issue(page: kit.Page, compound: int) -> None:
    """What a bulk issue will do, then the button; and the cards to print."""
    tr, lang = page.tr, page.lang
    flats = passes.compound_flats(page.con, page.scope, compound, page.now)
    wanted = int((~flats["under_measure"] & ~flats["has_pass"]).sum())
    st.markdown(tr("gate.issue_preview", households=fmt_number(len(flats), lang), issue=fmt_number(wanted, lang),
                   under=fmt_number(int(flats["under_measure"].sum()), lang)))
    st.caption(tr("gate.issue_why"))
    if st.button(tr("gate.issue_button"), type="primary", key="gate_issue", disabled=wanted == 0):
        kit.attempt(lambda: passes.issue_compound(page.con, page.user, compound, page.now),
                    page.ntr("gate.issued", wanted), PassError)
    st.download_button(tr("gate.print"), key="gate_print", mime="text/html", file_name=f"passes-{compound}.html",
                       icon=":material/print:",
                       data=lambda: passes.print_cards(page.con, page.user, compound, lang, page.now))


def vehicle(page: kit.Page, compound: int) -> None:
    tr = page.tr
    flats = passes.compound_flats(page.con, page.scope, compound, page.now)
    flats = flats[~flats["under_measure"]]
    if flats.empty:
        st.info(tr("gate.no_flats"))
        return
    labels = dict(zip(flats["household_id"].astype(int), kit.flats(flats, short=True)))
    household = kit.choose(tr("gate.flat"), labels, "gate_vehicle_flat", per_language=False, index=None,
                           placeholder=tr("gate.flat_hint"))
    plate = st.text_input(tr("gate.plate"), key="gate_plate", placeholder="苏D12345")
    holder = st.text_input(tr("gate.holder"), key="gate_holder")
    if st.button(tr("gate.vehicle_button"), key="gate_vehicle", disabled=household is None or not plate.strip()):
        kit.attempt(lambda: passes.issue_vehicle(page.con, page.user, household, plate, holder, now=page.now),
                    tr("gate.vehicle_issued", plate=kit.plain(plate.strip())), PassError)
