"""Sign in: local account, or single sign-on when configured. The only page a signed-out session can open."""

import pandas as pd
import streamlit as st

from resilient.core import accounts
from resilient.core.accounts import AccountError
from resilient.demo import database as demo_database
from resilient.demo import generator as demo
from ui import kit, session

page = kit.page()
tr, con = page.tr, page.con
ntr = page.ntr

st.title(tr("login.title"))
if st.session_state.pop("expired", False):
    st.warning(ntr("login.expired", session.IDLE_MINUTES))

if session.sso_configured():
    if st.user.is_logged_in:
        try:
            session.sign_in(accounts.sso_user(con, st.user.get("email")))
            st.rerun()
        except AccountError as error:
            kit.fail(error)
    else:
        st.button(tr("login.sso"), on_click=st.login, type="primary")
        st.divider()

with st.form("login", clear_on_submit=False):
    username = st.text_input(tr("login.username"), autocomplete="username")
    password = st.text_input(tr("login.password"), type="password", autocomplete="current-password")
    submitted = st.form_submit_button(tr("login.submit"), type="primary", use_container_width=True)
if submitted:
    try:
        session.sign_in(accounts.authenticate(con, username, password, page.now))
        st.rerun()
    except AccountError as error:
        kit.fail(error)   # a lockout's end in the reader's date format

if demo.is_demo(con):
    # Demo databases only: a newcomer can try every role at once. A real database has no such accounts.
    st.info(tr("login.demo_accounts", password=demo_database.DEMO_PASSWORD))
    st.dataframe(pd.DataFrame([(u, n, tr(f"role.{r}")) for u, n, r in demo_database.DEMO_ACCOUNTS],
                              columns=[tr("login.username"), tr("login.name"), tr("login.role")]),
                 hide_index=True, width="stretch")
elif not accounts.has_admin(con):
    st.warning(tr("login.no_admin"))
