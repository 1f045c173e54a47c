"""Disinfection rounds: on a phone a building's areas as big buttons to tap done; at a desk the missed on a map."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import maps
from resilient.core import roles
from resilient.core.i18n import fmt_number, fmt_time
from resilient.edge import disinfection
from resilient.edge.disinfection import DisinfectionError
from ui import figures, kit, session

page = kit.page()
tr, con, user, lang = page.tr, page.con, page.user, page.lang
ntr = page.ntr
scope, today, now = page.scope, page.today, page.now
kit.require(page, "disinfect")
ICONS = {"done": ":material/check_circle:", "due": ":material/cleaning_services:", "missed": ":material/error:",
         "later": ":material/schedule:"}


def area_label(row) -> str:
    """'大堂 · 已消杀 09:05' / '大堂 · 待消杀' / '电梯 · 漏消 1 次': the button says the area's state."""
    name = tr(f"disinfection.kind.{row.kind}")
    if row.state == "done":
        state = tr("disinfection.state.done", time=fmt_time(pd.Timestamp(row.done_at).to_pydatetime(), lang))
    else:
        state = tr(f"disinfection.state.{row.state}")
    missed = f" · {ntr('disinfection.missed_n', int(row.missed))}" if row.missed else ""
    return f"{name} · {state}{missed}"


def tap(area_id: int) -> None:
    try:
        result = disinfection.mark_done(con, user, area_id, now)
    except DisinfectionError as error:
        kit.fail(error)
        return
    when = fmt_time(result["done_at"], lang)
    if result["already"]:
        kit.flash(tr("disinfection.already", by=kit.plain(result["done_by"]), time=when), "info")
    kit.flash(tr("disinfection.marked", time=when, n=result["slot"] + 1, rounds=result["rounds"]))


def mark_section() -> None:
    """A building, then each of its areas as a button the width of the phone: one tap, one round done."""
    found = disinfection.areas(con, scope, today, now)
    if found.empty:
        st.info(tr("disinfection.no_areas"))
        return
    places = found.drop_duplicates("building_id")
    labels = dict(zip(places["building_id"], places["compound"] + places["building"]))
    chosen = st.selectbox(tr("disinfection.building"), list(labels), format_func=labels.__getitem__,
                          key=kit.widget_key("disinfection_building"))
    shown = found[found["building_id"] == chosen]
    if bool(shown["near_case"].any()):
        st.warning(tr("disinfection.near_case", rounds=int(shown["rounds"].max())))
    for row in shown.itertuples(index=False):
        if st.button(area_label(row), key=f"dis_{row.area_id}", icon=ICONS[row.state], width="stretch",
                     type="primary" if row.state in ("due", "missed") else "secondary"):
            tap(int(row.area_id))


def map_section() -> None:
    """Today's rounds done and missed, the buildings coloured by rounds missed, and the list of them."""
    figures.show(page, *[(f"disinfection.kpi.{k}", v) for k, v in disinfection.kpis(con, scope, today, now).items()])
    frame = disinfection.by_building(con, scope, today, now)
    if frame.empty:
        st.info(tr("disinfection.no_areas"))
        return
    frame = frame.assign(building=frame["compound"] + frame["name"])
    tooltip = {"building": tr("col.building"), "done": tr("disinfection.col.done"),
               "missed": tr("disinfection.col.missed")}
    fmap = maps.missed_rounds_map(frame, tooltip, tr("disinfection.legend"), tr("disinfection.legend_none"),
                                  "plain", session.basemap_settings(), lambda v: fmt_number(v, lang))
    st_folium(fmap, height=460, use_container_width=True, returned_objects=[], key="disinfection_map")
    unplaced = frame[frame["geojson"].isna()]
    if not unplaced.empty:
        st.caption(ntr("disinfection.not_on_map", len(unplaced)))
        st.text("、".join(unplaced["building"]))
    missed = frame[frame["missed"] > 0].sort_values("missed", ascending=False)
    if missed.empty:
        st.success(tr("disinfection.none_missed"))
        return
    kit.table(missed[["building", "done", "missed"]], tooltip, tr("disinfection.file"), "disinfection_excel")


def areas_section() -> None:
    """Areas for every building at once, then one building's areas and rounds a day (no lift: leave it out)."""
    if st.button(tr("disinfection.create"), icon=":material/add_home_work:"):
        try:
            made = disinfection.create_areas(con, user, now=now)
        except DisinfectionError as error:
            kit.fail(error)
            return
        kit.flash(ntr("disinfection.created", made))
    st.caption(tr("disinfection.create_help", floors=disinfection.DisinfectionSettings().lift_from_floors))
    found = disinfection.areas(con, scope, today, now)
    if found.empty:
        return
    places = found.drop_duplicates("building_id")
    labels = dict(zip(places["building_id"], places["compound"] + places["building"]))
    chosen = st.selectbox(tr("disinfection.building"), list(labels), format_func=labels.__getitem__,
                          key=kit.widget_key("disinfection_set_building"))
    have = found[found["building_id"] == chosen]
    with st.form(f"areas_{chosen}"):
        kinds = st.multiselect(tr("disinfection.kinds"), list(disinfection.KINDS), default=list(have["kind"]),
                               format_func=lambda k: tr(f"disinfection.kind.{k}"), placeholder=tr("app.none_chosen"))
        per_day = st.number_input(tr("disinfection.per_day"), min_value=1, max_value=disinfection.MOST_PER_DAY,
                                  value=int(have["per_day"].max()), step=1)
        if st.form_submit_button(tr("disinfection.save"), type="primary"):
            try:
                disinfection.set_building_areas(con, user, int(chosen), {k: int(per_day) for k in kinds}, now)
            except DisinfectionError as error:
                kit.fail(error)
                return
            kit.flash(tr("disinfection.saved"))


st.title(tr("disinfection.title"))
kit.flashed()
sections = {"mark": mark_section, "map": map_section}
if roles.may(user, "set_disinfection"):
    sections["areas"] = areas_section
chosen_section = kit.section("disinfection", sections, default="mark",
                             label=lambda k: tr(f"disinfection.tab.{k}"))
sections[chosen_section]()
