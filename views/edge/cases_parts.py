"""The risk-area and contact sections of the cases page (views/edge/cases.py); not a page of its own."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import maps
from resilient.core import roles
from resilient.core.i18n import fmt_date
from resilient.edge import cases, tracing
from resilient.edge.cases import CasesError
from resilient.places import measures
from ui import kit, session

AREA_HEADERS = ("name", "level", "shape", "start_date", "end_date", "buildings", "source")


def areas_section(page: kit.Page, settings: cases.CaseSettings) -> None:
    tr, lang = page.tr, page.lang
    areas = cases.risk_areas(page.con, page.scope)
    if areas.empty:
        st.info(tr("cases.areas.empty"))
    else:
        shown = areas.assign(level=areas["level"].map(lambda v: tr(f"cases.level.{v}")),
                             shape=areas["shape"].map(lambda v: tr(f"cases.shape.{v}")),
                             start_date=areas["start_date"].map(lambda d: fmt_date(d, lang)),
                             end_date=areas["end_date"].map(lambda d: "" if pd.isna(d) else fmt_date(d, lang)),
                             source=areas["source"].fillna(""))
        kit.table(shown[list(AREA_HEADERS)], {k: tr(f"cases.area.{k}") for k in AREA_HEADERS})
    if not roles.may(page.user, "import_cases"):
        return
    running = areas[areas["end_date"].isna()] if not areas.empty else areas
    if not running.empty:
        with st.expander(tr("cases.areas.end")):
            labels = dict(zip(running["area_id"].astype(int), running["name"]))
            area_id = kit.choose(tr("cases.areas.which"), labels, "cases_end_area")
            last = st.date_input(tr("cases.areas.last_day"), value=page.today, max_value=page.today,
                                 key="cases_end_day")
            if st.button(tr("cases.areas.end_button"), key="cases_end_button"):
                kit.attempt(lambda: cases.end_risk_area(page.con, page.user, area_id, last),
                            tr("cases.areas.ended"), CasesError)
    new_area(page, settings)


def new_area(page: kit.Page, settings: cases.CaseSettings) -> None:
    """A new area: drawn on the map, or a buffer of N m around buildings picked from a list."""
    tr = page.tr
    st.subheader(tr("cases.areas.new"))
    community_id = kit.chosen_community(page)
    if community_id is None:
        return
    left, middle, right = st.columns(3)
    name = left.text_input(tr("cases.area.name"), key="cases_area_name")
    level = kit.choose(tr("cases.area.level"), {lv: tr(f"cases.level.{lv}") for lv in cases.LEVELS},
                       "cases_area_level", where=middle)
    start = right.date_input(tr("cases.area.start_date"), value=page.today, max_value=page.today,
                             key="cases_area_start")
    source = st.text_input(tr("cases.area.source"), key="cases_area_source")
    how = st.radio(tr("cases.areas.how"), ["buffer", "drawn"], horizontal=True, key=kit.widget_key("cases_how"),
                   format_func=lambda v: tr(f"cases.shape.{v}"))
    buildings = measures.building_density(page.con, page.scope, measures.Filters(), page.today)
    buildings = buildings[buildings["geojson"].notna()]
    if buildings.empty:
        st.info(tr("overview.no_buildings"))
        return
    labels = dict(zip(buildings["building_id"].astype(int), buildings["compound"] + buildings["name"]))
    if how == "buffer":
        chosen = st.multiselect(tr("cases.areas.buildings"), list(labels), format_func=labels.__getitem__,
                                placeholder=tr("app.none_chosen"), key="cases_area_buildings")
        metres = st.number_input(tr("cases.areas.buffer_m"), min_value=5.0, max_value=2000.0,
                                 value=float(settings.buffer_m), step=10.0, key="cases_area_buffer")
        shape_kw = {"building_ids": chosen, "buffer_m": metres}
        ready = bool(chosen)
    else:
        basemap = "plain"
        frame = buildings.assign(label=buildings["building_id"].map(labels))
        fmap = maps.drawing_map(frame, None, None, basemap, session.basemap_settings())
        drawn = st_folium(fmap, height=420, use_container_width=True, returned_objects=["all_drawings"],
                          key="cases_draw_map")
        shape = last_polygon(drawn)
        shape_kw = {"shape": shape}
        ready = shape is not None
        st.caption(tr("cases.areas.draw_help") if not ready else tr("cases.areas.drawn"))
    if st.button(tr("cases.areas.create"), type="primary", disabled=not ready, key="cases_area_create"):
        kit.attempt(lambda: cases.create_risk_area(page.con, page.user, community_id, name, level, start,
                                                   source=source, **shape_kw),
                    tr("cases.areas.created"), CasesError)


def last_polygon(value: dict | None) -> dict | None:
    """The last polygon drawn on the map, as GeoJSON (the plain basemap draws WGS-84 as stored)."""
    shapes = [d.get("geometry") for d in (value or {}).get("all_drawings") or [] if isinstance(d, dict)]
    shapes = [g for g in shapes if g and g.get("type") in ("Polygon", "MultiPolygon")]
    return shapes[-1] if shapes else None


CONTACT_HEADERS = ("degree", "name", "phone", "place", "linked", "last_contact", "measure")


def contacts_section(page: kit.Page) -> None:
    tr, lang, con = page.tr, page.lang, page.con
    stored = cases.cases(con, page.scope)
    if stored.empty:
        st.info(tr("cases.list.empty"))
        return
    labels = {int(r.case_id): f"{r.case_no} · {fmt_date(r.case_date, lang)} · {r.residence}"
              for r in stored.itertuples()}
    case_id = kit.choose(tr("cases.contacts.case"), labels, "cases_contact_case")
    found = tracing.contacts(con, page.scope, case_id, page.today, kit.revealed())
    if found.empty:
        st.info(tr("cases.contacts.empty"))
    else:
        shown = pd.DataFrame({
            "degree": found["degree"].map(lambda d: tr(f"cases.degree.{d}")), "name": found["name"].fillna(""),
            "phone": found["phone"].fillna(""),
            "place": [kit.flat(b, u, r) if isinstance(b, str) else "" for b, u, r in
                      zip(found["building"], found["unit_no"], found["room"])],
            "linked": found["linked_by"].map(lambda v: tr(f"cases.linked.{v}") if isinstance(v, str)
                                             else tr("cases.linked.none")),
            "last_contact": found["last_contact"].map(lambda d: "" if pd.isna(d) else fmt_date(d, lang)),
            "measure": found["measure_id"].map(lambda m: "" if pd.isna(m) else tr("cases.contacts.placed"))})
        kit.table(shown, {k: tr(f"cases.contacts.col.{k}") for k in CONTACT_HEADERS})
    add_contact(page, case_id, found)
    place(page, case_id)


def add_contact(page: kit.Page, case_id: int, found: pd.DataFrame) -> None:
    tr = page.tr
    with st.expander(tr("cases.contacts.add"), icon=":material/person_add:"):
        degree = st.radio(tr("cases.contacts.degree"), [1, 2], horizontal=True, key=kit.widget_key("cases_degree"),
                          format_func=lambda d: tr(f"cases.degree.{d}"))
        via = None
        if degree == 2:
            firsts = found[found["degree"] == 1]
            if firsts.empty:
                st.info(tr("cases.contacts.no_first"))
                return
            via = kit.choose(tr("cases.contacts.via"), {int(r.contact_id): f"#{r.contact_id} {r.name or ''}"
                                                        for r in firsts.itertuples()}, "cases_via")
        name = st.text_input(tr("cases.contacts.name"), key="cases_contact_name")
        flat = st.text_input(tr("cases.contacts.flat"), placeholder="A苑3栋2单元1502", key="cases_contact_flat")
        id_number = st.text_input(tr("cases.contacts.id_number"), key="cases_contact_id")
        phone = st.text_input(tr("cases.contacts.phone"), key="cases_contact_phone")
        last = st.date_input(tr("cases.contacts.last_contact"), value=None, max_value=page.today,
                             key="cases_contact_last")
        note = st.text_input(tr("cases.contacts.note"), key="cases_contact_note")
        if st.button(tr("cases.contacts.save"), type="primary", key="cases_contact_save"):
            kit.attempt(lambda: tracing.add_contact(page.con, page.user, case_id, degree=degree, via_contact_id=via,
                                                    name=name, phone=phone, id_number=id_number, flat=flat,
                                                    last_contact=last, note=note),
                        tr("cases.contacts.saved"), CasesError)


def place(page: kit.Page, case_id: int) -> None:
    """Who would go under which measure, then one confirmed action (leaders and the street only)."""
    tr, ntr = page.tr, page.ntr
    st.subheader(tr("cases.place.title"))
    plan = tracing.placement(page.con, page.user, case_id, page.today)
    if plan.empty:
        st.info(tr("cases.place.nobody"))
        return
    shown = pd.DataFrame({
        "name": plan["name"], "place": [kit.flat(b, u, r) for b, u, r in zip(plan["building"], plan["unit_no"],
                                                                           plan["room"])],
        "degree": plan["degree"].map(lambda d: tr(f"cases.degree.{d}")),
        "measure": [tr(f"category.{c}") + " · " + ntr("cases.place.days", int(d)) if p else tr("cases.place.already")
                    for c, d, p in zip(plan["category"], plan["days"], plan["placed"])]})
    kit.table(shown, {k: tr(f"cases.place.col.{k}") for k in ("name", "place", "degree", "measure")})
    todo = int(plan["placed"].sum())
    if not todo:
        st.info(tr("cases.place.nobody"))
        return
    if not roles.may(page.user, "register_arrivals"):
        st.caption(tr("cases.place.leader_only"))
        return
    sure = st.checkbox(ntr("cases.place.confirm", todo), key=f"cases_place_sure_{case_id}")
    if st.button(tr("cases.place.button"), type="primary", disabled=not sure, key=f"cases_place_{case_id}"):
        kit.attempt(lambda: tracing.place_under_measures(page.con, page.user, case_id),
                    ntr("cases.place.done", todo), CasesError)
