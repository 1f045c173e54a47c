"""我的配送: a volunteer's (or building leader's) requests in walking order, one card each with one tap for on
the way, delivered, or not delivered with why; workers see any volunteer's list."""

import streamlit as st

from resilient.core import roles
from resilient.supplies import requests as rq
from ui import kit
from views.supplies import request_cards

page = kit.page()
kit.require(page, "request_supplies")
tr, ntr, con, user = page.tr, page.ntr, page.con, page.user
today, now = page.today, page.now
st.title(tr("deliveries.title"))
kit.flashed()
scope = request_cards.scope_of(page)
led = rq.led_households(con, user, today)

if user.role == "volunteer":
    volunteer_id = user.volunteer_id
elif roles.may(user, "assign_requests"):
    helpers = rq.volunteers(con, scope, user).sort_values("holding", ascending=False, kind="stable")
    if helpers.empty:
        st.info(tr("deliveries.no_volunteers"))
        st.stop()
    names = {int(v): tr("requests.volunteer_holding", name=n, holding=h)
             for v, n, h in zip(helpers["volunteer_id"], helpers["name"], helpers["holding"])}
    volunteer_id = kit.choose(tr("requests.col.volunteer"), names, "dlv_volunteer")
else:
    volunteer_id = None
if volunteer_id is None:
    st.info(tr("deliveries.not_a_volunteer"))
    st.stop()

listed = rq.listing(con, scope, today, now, volunteer_id=volunteer_id)
open_now = listed[listed["status"].isin(rq.OPEN)]
closed = listed[~listed["status"].isin(rq.OPEN)]
if listed.empty:
    st.info(tr("deliveries.none"))
    st.stop()
st.caption(ntr("deliveries.to_go", len(open_now)))
events = rq.history(con, scope, listed["request_id"])
for row in open_now.itertuples(index=False):
    request_cards.card(page, row, events, led)
if not closed.empty:
    with st.expander(ntr("deliveries.done_today", len(closed))):
        for row in closed.itertuples(index=False):
            request_cards.card(page, row, events, led)
