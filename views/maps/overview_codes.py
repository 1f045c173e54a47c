"""The overview's health codes: residents by current colour and a filter listing the buildings holding a colour
(part of views/maps/overview.py, kept apart so the page stays short)."""

import pandas as pd
import streamlit as st

from resilient.edge import health_codes
from ui import figures, kit


def codes_panel(page: kit.Page, compound_ids: tuple[int, ...] | None) -> None:
    """Counts by colour in the overview's compounds; chosen colours list their buildings, worst first (counts,
    never names). Nothing when no code was ever recorded here."""
    tr = page.tr
    counts = health_codes.counts(page.con, page.scope, page.today, compound_ids)
    if not any(counts[c] for c in health_codes.COLOURS):
        return
    figures.show(page, *[(f"health_codes.kpi.{c}", counts[c]) for c in ("green", "yellow", "red")],
                 ("health_codes.kpi.alerts_open", counts["alerts_open"]))
    chosen = st.pills(tr("health_codes.filter"), list(health_codes.COLOURS), selection_mode="multi",
                      format_func=lambda c: tr(f"health_codes.colour.{c}"), key=kit.widget_key("overview_codes"))
    if not chosen:
        return
    found = health_codes.buildings(page.con, page.scope, page.today, chosen, compound_ids)
    if found.empty:
        st.info(tr("health_codes.no_buildings"))
        return
    shown = pd.DataFrame({"building": found["compound"] + found["building"],
                          **{c: found[c] for c in health_codes.COLOURS if c in chosen}})
    kit.table(shown, {"building": tr("col.building"),
                      **{c: tr(f"health_codes.colour.{c}") for c in health_codes.COLOURS if c in chosen}},
              tr("health_codes.buildings_file"), "overview_codes_excel")
