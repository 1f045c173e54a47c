"""Accounts, for street administrators: create, reset a password, switch on or off. Every change is audited."""

import streamlit as st

from resilient.core import accounts
from resilient.core.accounts import ROLES, AccountError
from resilient.core.scope import EVERYTHING
from ui import kit, session

page = kit.page()
tr, con = page.tr, page.con
admin = session.require_administrator()

st.title(tr("users.title"))
users = accounts.list_users(con)
labels = {"username": tr("login.username"), "display_name": tr("login.name"), "role": tr("login.role"),
          "community": tr("app.community"), "email": tr("users.email"), "active": tr("users.active"),
          "failed_logins": tr("users.failed"), "locked_until": tr("users.locked_until"),
          "created_at": tr("users.created_at")}
shown = users.assign(role=users["role"].map(lambda r: tr(f"role.{r}")))[list(labels)]
kit.table(shown, labels, tr("users.title"), "excel_users", look={
    c: st.column_config.DatetimeColumn(labels[c], format=session.datetime_format())
    for c in ("locked_until", "created_at")})

st.subheader(tr("users.create"))
role = st.selectbox(tr("login.role"), ROLES, format_func=lambda r: tr(f"role.{r}"), key="new_role")
community_id = staff_id = volunteer_id = None
if role != "street_admin":
    community_id = kit.pick_community(page, "new_community", EVERYTHING)
if role in ("grid_worker", "doctor") and community_id is not None:
    staff_id = kit.choose(tr("users.person"), accounts.staff_choices(con, community_id, role), "new_staff",
                          per_language=False)
if role == "volunteer" and community_id is not None:
    volunteer_id = kit.choose(tr("users.person"), accounts.volunteer_choices(con, community_id), "new_volunteer",
                              per_language=False)
with st.form("create_user", clear_on_submit=True):
    username = st.text_input(tr("login.username"))
    name = st.text_input(tr("login.name"))
    email = st.text_input(tr("users.email"))
    password = st.text_input(tr("login.password"), type="password", autocomplete="new-password")
    create = st.form_submit_button(tr("users.create"), type="primary")
if create:
    try:
        made = accounts.create_user(con, admin, username, name, password or None, role, community_id=community_id,
                                    staff_id=staff_id, volunteer_id=volunteer_id, email=email.strip() or None)
        st.success(tr("users.created", username=made.username))
    except AccountError as error:
        kit.fail(error)

st.subheader(tr("users.change"))
names = dict(zip(users["user_id"], users["username"]))
if names:
    chosen = kit.choose(tr("login.username"), names, "change_user", per_language=False)
    with st.form("reset_password", clear_on_submit=True):
        new = st.text_input(tr("account.new_password"), type="password", autocomplete="new-password")
        reset = st.form_submit_button(tr("users.reset"))
    if reset:
        try:
            accounts.set_password(con, admin, int(chosen), names[chosen], new)
            st.success(tr("account.saved"))
        except AccountError as error:
            kit.fail(error)
    active = bool(users.set_index("user_id").loc[chosen, "active"])
    if st.button((tr("users.deactivate") if active else tr("users.activate")), key="toggle_active",
                 disabled=chosen == admin.user_id):
        accounts.set_active(con, admin, int(chosen), names[chosen], not active)
        st.rerun()
