"""Firms and shops (企业商铺): overdue rectification notices first, the figures, the map and the list at a desk; a
firm chosen on a phone gets its filing, pledge and notice actions as big buttons with short forms
(firms_parts.py); a new firm added at the end."""

import streamlit as st
from streamlit_folium import st_folium

from geo import firm_maps
from resilient.core.i18n import fmt_date
from resilient.edge import firms
from ui import figures, kit
from views.edge import firms_parts

page = kit.page()
tr, con, lang, ntr = page.tr, page.con, page.lang, page.ntr
kit.require(page, "manage_firms")

st.title(tr("firms.title"))
kit.flashed()
found = firms.firms(con, page.scope, page.today)
numbers = firms.kpis(con, page.scope, page.today)
figures.show(page, ("firms.kpi.firms", numbers["firms"]), ("firms.kpi.reopened", numbers["reopened"]),
             ("firms.kpi.under_notice", numbers["under_notice"]),
             ("firms.kpi.notices_overdue", numbers["notices_overdue"]),
             ("firms.kpi.pledges_signed", numbers["pledges_signed"]))

overdue = firms.overdue_notices(con, page.scope, page.today)
if not overdue.empty:
    st.warning(ntr("firms.overdue", len(overdue)), icon=":material/warning:")
    for row in overdue.itertuples():
        st.container(border=True).text(f"{row.firm}\n{row.what}\n"
                                       + tr("firms.deadline_was", day=fmt_date(row.deadline, lang)))

if found.empty:
    st.info(tr("firms.none"))
else:
    words = firms_parts.words(page)
    placed = found[found["lon"].notna()]
    if not placed.empty:
        st_folium(firm_maps.firm_map(found, {"legend": tr("firms.legend"), **words}), height=420,
                  use_container_width=True, returned_objects=[], key="firms_map")
    nowhere = found[found["lon"].isna()]
    if not nowhere.empty:
        st.caption(ntr("firms.nowhere", len(nowhere)))
        st.text("、".join(nowhere["name"]))
    shown = found.assign(kind=found["kind"].map(words), state=found["state"].map(words),
                         where=firms_parts.places(found))
    kit.table(shown[["name", "kind", "where", "state", "staff", "contact_name", "contact_phone"]],
              {"name": tr("firms.col.name"), "kind": tr("firms.col.kind"), "where": tr("firms.col.where"),
               "state": tr("firms.col.state"), "staff": tr("firms.col.staff"),
               "contact_name": tr("firms.col.contact"), "contact_phone": tr("firms.col.phone")},
              excel="firms", key="firms_excel")
    labels = dict(zip(found["firm_id"].astype(int), found["name"].map(kit.plain)))
    chosen = kit.choose(tr("firms.choose"), labels, "firms_pick", per_language=False, index=None,
                        placeholder=tr("firms.choose_hint"))
    if chosen is not None:
        firms_parts.firm_card(page, found[found["firm_id"] == chosen].iloc[0])

with st.expander(tr("firms.add"), icon=":material/add_business:"):
    firms_parts.add_form(page)
