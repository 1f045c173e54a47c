"""Delivery rounds: the day's door-to-door requests given to volunteers in walking order, shown, then written."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import maps, route_maps
from resilient.core.i18n import fmt_number
from resilient.supplies import rounds
from resilient.supplies.rounds import RoundsError, RoundSettings
from ui import figures, kit, session

page = kit.page()
kit.require(page, "dispatch_deliveries")
tr, ntr, con, user = page.tr, page.ntr, page.con, page.user
scope, today = page.scope, page.today
settings = RoundSettings()
KEY = "rounds_proposal"


def metres(value: float) -> str:
    return tr("rounds.metres", m=fmt_number(int(round(value)), page.lang))


st.title(tr("rounds.title"))
kit.flashed()
st.caption(tr("rounds.help", doors=settings.deliveries_per_volunteer, reach=int(settings.reach_m)))
if st.button(tr("rounds.compute"), type="primary", key="rounds_compute"):
    st.session_state[KEY] = rounds.propose(con, scope, today, page.now, settings)
proposal = st.session_state.get(KEY)
if proposal is None or proposal.day != today or proposal.scope != scope:
    st.stop()

# --- what there is to route -------------------------------------------------------------------------------------

if proposal.at_pickup:
    st.info(ntr("rounds.at_pickup", proposal.at_pickup))
if not proposal.door_households:
    st.info(tr("rounds.no_door_households"))
    st.stop()
if proposal.open_requests.empty:
    st.info(tr("rounds.nothing"))
    st.stop()
if proposal.volunteers.empty:
    st.warning(tr("rounds.no_volunteers"))
if len(proposal.left_out):
    with st.expander(ntr("rounds.left_out", len(proposal.left_out)), icon=":material/person_off:"):
        kit.table(proposal.left_out.assign(why=proposal.left_out["reason"].map(lambda r: tr(f"rounds.out.{r}"))),
                  {"name": tr("rounds.col.volunteer"), "why": tr("rounds.col.why")},
                  column_order=["name", "why"])

routes = proposal.planned.routes
figures.show(page, ("rounds.kpi.doors", fmt_number(int(routes["household_id"].nunique()), page.lang)),
             ("rounds.kpi.planned", metres(proposal.planned.total_m)),
             ("rounds.kpi.arrival", metres(proposal.arrival.total_m), None,
              None if proposal.ratio is None else f"×{proposal.ratio:.1f}"),
             ("rounds.kpi.left", fmt_number(len(proposal.planned.unassigned), page.lang)))
st.caption(tr("rounds.solved_in", seconds=f"{proposal.seconds:.2f}"))

# --- per volunteer, on the map, stop by stop --------------------------------------------------------------------

if not routes.empty:
    table = rounds.summary(proposal)
    kit.table(table.assign(metres=table["metres"].round().astype(int)),
              {"name": tr("rounds.col.volunteer"), "doors": tr("rounds.col.doors"),
               "requests": tr("rounds.col.requests"), "buildings": tr("rounds.col.buildings"),
               "metres": tr("rounds.col.metres")},
              column_order=["name", "doors", "requests", "buildings", "metres"], height=kit.height(len(table), 8))
    basemap = st.selectbox(tr("overview.basemap"), list(maps.available_basemaps(session.basemap_settings())),
                           format_func=lambda b: tr(f"overview.basemap.{b}"), key=kit.widget_key("rounds_basemap"))
    fmap = route_maps.route_map(rounds.route_points(proposal),
                                {"home": tr("rounds.map.home"), "stop": tr("rounds.map.stop"),
                                 "requests": tr("rounds.col.requests")}, basemap, session.basemap_settings())
    st_folium(fmap, height=460, use_container_width=True, returned_objects=[], key="rounds_map")
    kit.not_on_map(page)
    names = dict(zip(table["volunteer_id"], table["name"]))
    chosen = st.selectbox(tr("rounds.choose_volunteer"), list(names), format_func=lambda v: str(names[v]),
                          key="rounds_volunteer")
    stops = rounds.stop_list(con, scope, proposal, chosen, kit.revealed())
    kit.table(pd.DataFrame({"stop": stops["route_stop"], "flat": kit.flats(stops),
                            "kind": stops["kind"].map(lambda k: tr(f"rounds.kind.{k}")),
                            "leg": stops["leg_m"].round().astype(int), "name": stops["name"]}),
              {"stop": tr("rounds.col.stop"), "flat": tr("rounds.col.flat"), "kind": tr("rounds.col.kind"),
               "leg": tr("rounds.col.leg"), "name": tr("rounds.col.ask_for")}, height=kit.height(len(stops), 10))

if len(proposal.planned.unassigned):
    left = rounds.left_list(con, scope, proposal, kit.revealed())
    st.markdown(f"**{ntr('rounds.not_routed', len(left))}**")
    kit.table(pd.DataFrame({"flat": kit.flats(left), "kind": left["kind"].map(lambda k: tr(f"rounds.kind.{k}")),
                            "why": left["reason"].map(lambda r: tr(f"rounds.why.{r}",
                                                                   reach=int(settings.reach_m)))}),
              {"flat": tr("rounds.col.flat"), "kind": tr("rounds.col.kind"), "why": tr("rounds.col.why")})

# --- confirm --------------------------------------------------------------------------------------------------

changes = len(rounds.changes(proposal))
if st.button(ntr("rounds.confirm", changes), type="primary", disabled=not changes, key="rounds_confirm",
             use_container_width=True):
    try:
        written = rounds.dispatch(con, user, scope, today, page.now, proposal, settings)
    except RoundsError as error:
        st.session_state.pop(KEY, None)
        kit.fail(error)
    else:
        st.session_state.pop(KEY, None)
        kit.flash(ntr("rounds.dispatched", written))
