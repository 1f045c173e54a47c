"""Entry point: sign-in, navigation by role, and the sidebar (language, user, community and grid cell)."""

import streamlit as st

from resilient.core import config, i18n, roles
from resilient.core.scope import Scope
from resilient.places import places
from ui import kit, session
from ui.session import ALL

st.set_page_config(page_title="韧性社区 Resilient Community", page_icon="🏘️", layout="wide")

with st.sidebar:
    st.selectbox("语言 / Language", list(i18n.LANGUAGES), format_func=i18n.LANGUAGES.get, key="lang")
    tr = session.translator(session.lang())
con = session.cursor()  # the gate: a file held by another server, read-only or on a full disk is said here, plainly

session.expire_if_idle()
user = session.current_user()
if user is None:
    # Nothing but the sign-in page exists for a session that has not signed in.
    with session.plain_storage_errors():
        st.navigation([st.Page("views/login.py", title=tr("nav.login"), icon=":material/login:")],
                      position="hidden").run()
    st.stop()

# The sidebar reads the database too: a file that went bad mid-session is said in plain words there as well.
with session.plain_storage_errors(), st.sidebar:
    st.markdown(f"**{kit.plain(user.display_name)}** · {tr(f'role.{user.role}')}")
    if st.button(tr("app.sign_out"), key="sign_out"):
        session.sign_out()
        if session.sso_configured() and st.user.is_logged_in:
            st.logout()  # also end the identity provider's session, or the next visitor is signed straight in
        st.rerun()
    rights = session.viewer_scope()
    communities = places.communities(con, rights)
    community_ids = communities["community_id"].tolist()
    names = dict(zip(community_ids, communities["name"]))
    if len(community_ids) <= 1:
        community = community_ids[0] if community_ids else ALL
        if community_ids:
            st.markdown(f"**{tr('app.community')}**: {kit.plain(names[community])}")
    else:
        community = st.selectbox(tr("app.community"), [ALL, *community_ids], key=session.widget_key("community"),
                                 format_func=lambda c: tr("app.all") if c == ALL else names[c])
    grids = places.grids(con, rights.narrow(Scope(None if community == ALL else (community,))))
    grid_label = {g.grid_id: f"{g.name}（{g.grid_worker}）" if g.grid_worker else g.name for g in grids.itertuples()}
    grid_key = session.widget_key("grid")
    if st.session_state.get(grid_key) not in grid_label:
        st.session_state[grid_key] = ALL  # the chosen grid cell is not in the chosen community
    grid = st.selectbox(tr("app.grid"), [ALL, *grid_label], key=grid_key,
                        format_func=lambda g: tr("app.all") if g == ALL else grid_label[g])
    st.session_state["chosen_community"], st.session_state["chosen_grid"] = community, grid
    if session.is_demo():
        st.caption(tr("app.demo_note"))
    st.caption(tr("app.data_as_of", when=i18n.fmt_date(config.now(), session.lang(), with_time=True)))
    kit.menu_folds_after_choice()

# Grouped by what the work is, every page listed in its section: a flat menu hides those past 10.
# An office starting from an empty database opens on its set-up page instead of empty maps.
setting_up = roles.may(user, "set_up_places") and not community_ids
maps = [st.Page("views/maps/overview.py", title=tr("nav.overview"), icon=":material/map:", default=not setting_up),
        st.Page("views/maps/testing.py", title=tr("nav.testing"), icon=":material/biotech:"),
        st.Page("views/maps/coverage.py", title=tr("nav.coverage"), icon=":material/volunteer_activism:")]
day = []
if roles.may(user, "check"):
    day.append(st.Page("views/daily/checks.py", title=tr("nav.checks"), icon=":material/thermostat:"))
if roles.may(user, "register_arrivals"):
    day.append(st.Page("views/daily/arrivals.py", title=tr("nav.arrivals"), icon=":material/directions_walk:"))
if roles.may(user, "decide"):
    day.append(st.Page("views/daily/releases.py", title=tr("nav.releases"), icon=":material/event_available:"))
if roles.may(user, "supervise"):
    day.append(st.Page("views/daily/supervision.py", title=tr("nav.supervision"), icon=":material/supervisor_account:"))
if roles.may(user, "report"):
    day.append(st.Page("views/daily/report.py", title=tr("nav.report"), icon=":material/summarize:"))
# Life in sealed buildings (issue 16), in the order of a day's work: what is asked for, taken to the door, fetched
# from a point, kept in the store, and the households who need more than supplies.
supplies = []
if roles.may(user, "request_supplies"):
    supplies += [st.Page("views/supplies/requests.py", title=tr("nav.requests"), icon=":material/shopping_basket:"),
                 st.Page("views/supplies/deliveries.py", title=tr("nav.deliveries"), icon=":material/local_shipping:")]
if roles.may(user, "dispatch_deliveries"):
    supplies.append(st.Page("views/supplies/rounds.py", title=tr("nav.rounds"), icon=":material/route:"))
# Pick-up points: every role may see where its buildings fetch from; "manage_pickup" changes them (on the page).
supplies.append(st.Page("views/supplies/pickup.py", title=tr("nav.pickup"), icon=":material/storefront:"))
if roles.may(user, "issue_store"):
    supplies.append(st.Page("views/supplies/store.py", title=tr("nav.store"), icon=":material/inventory_2:"))
if roles.may(user, "see_support"):
    supplies.append(st.Page("views/supplies/support.py", title=tr("nav.support"), icon=":material/favorite:"))
# The compound's edge and the world outside (issue 17): the gate first, what it sets off, then the world outside.
edge = []
if roles.may(user, "scan_passes"):
    edge.append(st.Page("views/edge/gate.py", title=tr("nav.gate"), icon=":material/door_front:"))
if roles.may(user, "visit_arrivals"):
    edge.append(st.Page("views/edge/visits.py", title=tr("nav.visits"), icon=":material/home_health:"))
if roles.may(user, "set_health_codes"):
    edge.append(st.Page("views/edge/health_codes.py", title=tr("nav.health_codes"), icon=":material/qr_code_2:"))
if roles.may(user, "import_cases") or roles.may(user, "trace_contacts"):
    edge.append(st.Page("views/edge/cases.py", title=tr("nav.cases"), icon=":material/coronavirus:"))
if roles.may(user, "disinfect"):
    edge.append(st.Page("views/edge/disinfection.py", title=tr("nav.disinfection"), icon=":material/sanitizer:"))
if roles.may(user, "manage_firms"):
    edge.append(st.Page("views/edge/firms.py", title=tr("nav.firms"), icon=":material/store:"))
data = []
if roles.may(user, "set_up_places"):
    data += [st.Page("views/data/setup.py", title=tr("nav.setup"), icon=":material/checklist:", default=setting_up),
             st.Page("views/data/buildings.py", title=tr("nav.buildings"), icon=":material/edit_location_alt:")]
if roles.may(user, "import"):
    data.append(st.Page("views/data/imports.py", title=tr("nav.imports"), icon=":material/upload_file:"))
data.append(st.Page("views/data/account.py", title=tr("nav.account"), icon=":material/person:"))
if roles.may(user, "administer"):
    data += [st.Page("views/data/users.py", title=tr("nav.users"), icon=":material/group:"),
             st.Page("views/data/audit.py", title=tr("nav.audit"), icon=":material/history:"),
             st.Page("views/data/backup.py", title=tr("nav.backup"), icon=":material/backup:")]
sections = {tr("nav.section.maps"): maps, tr("nav.section.daily"): day, tr("nav.section.supplies"): supplies,
            tr("nav.section.edge"): edge, tr("nav.section.data"): data}
with session.plain_storage_errors():  # a write the disk refused, on any page: said once, in the reader's words
    st.navigation({name: pages for name, pages in sections.items() if pages}, expanded=True).run()
