"""The audit log, searchable by administrators. Read-only: the application never edits or deletes an entry."""

import streamlit as st

from resilient.core import audit
from ui import kit, session

page = kit.page()
tr = page.tr
ntr = page.ntr
session.require_administrator()

st.title(tr("audit.title"))
left, middle, right = st.columns(3)
username = left.text_input(tr("audit.username"), key="audit_user")
action = middle.selectbox(tr("audit.action"), ["", *audit.actions(page.con)], key=kit.widget_key("audit_action"),
                          format_func=lambda a: tr("app.all") if a == "" else tr(f"action.{a}"))
text = right.text_input(tr("audit.text"), key="audit_text")
left, right = st.columns(2)
since = left.date_input(tr("audit.since"), value=None, key="audit_since")
until = right.date_input(tr("audit.until"), value=None, key="audit_until")
entries = audit.search(page.con, username=username.strip(), action=action, text=text.strip(), since=since,
                       until=until)
st.caption(ntr("audit.shown", len(entries)))
labels = {"logged_at": tr("audit.when"), "username": tr("audit.username"), "role": tr("login.role"),
          "action": tr("audit.action"), "target": tr("audit.target"), "old_value": tr("audit.old"),
          "new_value": tr("audit.new"), "detail": tr("audit.detail")}
shown = entries.assign(action=entries["action"].map(lambda a: tr(f"action.{a}")),
                       role=entries["role"].map(lambda r: tr(f"role.{r}") if isinstance(r, str) else ""))[list(labels)]
kit.table(shown, labels, tr("audit.title"), "excel_audit",
          look={"logged_at": st.column_config.DatetimeColumn(labels["logged_at"], format=session.datetime_format())})
