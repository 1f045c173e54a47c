"""Entry point: navigation and the sidebar (language, community and grid cell). Pages do the rest."""

import streamlit as st

from resilient import config, i18n, places, session
from resilient.scope import Scope
from resilient.session import ALL

st.set_page_config(page_title="韧性社区 Resilient Community", page_icon="🏘️", layout="wide")

with st.sidebar:
    st.selectbox("语言 / Language", list(i18n.LANGUAGES), format_func=i18n.LANGUAGES.get, key="lang")
    tr = session.translator(session.lang())
    con = session.cursor()
    rights = session.viewer_scope()
    communities = places.communities(con, rights)
    community_ids = communities["community_id"].tolist()
    names = dict(zip(community_ids, communities["name"]))
    if len(community_ids) == 1:
        community = community_ids[0]
        st.markdown(f"**{tr('app.community')}**: {names[community]}")
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

page = st.navigation([st.Page("views/overview.py", title=tr("nav.overview"), icon="🗺️", default=True)])
page.run()
