"""My account: who I am, what I may see, and changing my password."""

import streamlit as st

from resilient.core import accounts
from resilient.core.accounts import AccountError
from ui import kit

page = kit.page()
tr, user = page.tr, page.user

st.title(tr("account.title"))
st.markdown(f"**{kit.plain(user.display_name)}** (`{user.username}`) · {tr(f'role.{user.role}')}")
st.caption(tr(f"role.{user.role}.sees"))

st.subheader(tr("account.change_password"))
with st.form("change_password", clear_on_submit=True):
    old = st.text_input(tr("account.old_password"), type="password", autocomplete="current-password")
    new = st.text_input(tr("account.new_password"), type="password", autocomplete="new-password")
    again = st.text_input(tr("account.again"), type="password", autocomplete="new-password")
    submitted = st.form_submit_button(tr("account.save"), type="primary")
if submitted:
    if new != again:
        st.error(tr("account.error.mismatch"))
    else:
        try:
            accounts.change_password(page.con, user, old, new)
            st.success(tr("account.saved"))
        except AccountError as error:
            kit.fail(error)
