"""Sign in: local account, or single sign-on when configured. The only page a signed-out session can open."""

import pandas as pd
import streamlit as st

from resilient.core import accounts, config
from resilient.core.accounts import AccountError
from resilient.core.i18n import fmt_date
from resilient.demo import generator as demo
from ui import session

lang = session.lang()
tr = session.translator(lang)
ntr = session.ntranslator(lang)
con = session.cursor()

st.title(tr("login.title"))
if st.session_state.pop("expired", False):
    st.warning(ntr("login.expired", session.IDLE_MINUTES))

if session.sso_configured():
    if st.user.is_logged_in:
        try:
            session.sign_in(accounts.sso_user(con, st.user.get("email")))
            st.rerun()
        except AccountError as error:
            st.error(tr(error.code, **error.values))
    else:
        st.button(tr("login.sso"), on_click=st.login, type="primary")
        st.divider()

with st.form("login", clear_on_submit=False):
    username = st.text_input(tr("login.username"), autocomplete="username")
    password = st.text_input(tr("login.password"), type="password", autocomplete="current-password")
    submitted = st.form_submit_button(tr("login.submit"), type="primary", use_container_width=True)
if submitted:
    try:
        session.sign_in(accounts.authenticate(con, username, password, config.now()))
        st.rerun()
    except AccountError as error:
        values = dict(error.values)
        if "until" in values:
            values["until"] = fmt_date(values["until"], lang, with_time=True)
        st.error(tr(error.code, **values))

if demo.is_demo(con):
    # Demo databases only: a newcomer can try every role at once. A real database has no such accounts.
    st.info(tr("login.demo_accounts", password=demo.DEMO_PASSWORD))
    st.dataframe(pd.DataFrame([(u, n, tr(f"role.{r}")) for u, n, r in demo.DEMO_ACCOUNTS],
                              columns=[tr("login.username"), tr("login.name"), tr("login.role")]),
                 hide_index=True, width="stretch")
elif not accounts.has_admin(con):
    st.warning(tr("login.no_admin"))
