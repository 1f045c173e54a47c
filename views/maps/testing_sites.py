"""Part of the testing page's plan section (not a page): the tube size for the outbreak, a site added by clicking
the map, suggested sites to add with one click, and finish against walking with the office's setting."""

import streamlit as st
from streamlit_folium import st_folium

from geo import maps
from resilient.core import roles
from resilient.core.i18n import fmt_datetime, fmt_number
from resilient.testing import pooling, siting
from resilient.testing import rounds as testing
from resilient.testing.rounds import TestingError
from ui import charts, kit, session


def site_choices(page: kit.Page, round_id: int, sites_wanted: int, has_sites: bool) -> float:
    """Pooling figures, suggested sites, the finish-or-walk curve; returns the share later the plan may finish."""
    tr, lang = page.tr, page.lang
    with st.expander(tr("testing.pool_for_outbreak")):
        prevalence = st.number_input(tr("testing.prevalence"), 0.01, 50.0, 1.0, 0.1, key="prevalence") / 100
        size, tests = pooling.optimum(prevalence)
        table = pooling.pool_table(prevalence)
        st.caption(tr("testing.pool_suggested", pool=pooling.suggest_pool(prevalence), best=size,
                      tests=fmt_number(round(tests, 3), lang)))
        kit.table(table[["pool_size", "tests_per_person", "tests_per_1000"]],
                  {"pool_size": tr("testing.pool_size"), "tests_per_person": tr("testing.tests_per_person"),
                   "tests_per_1000": tr("testing.tests_per_1000")}, width="content")
    may = roles.may(page.user, "organise_testing")
    with st.expander(tr("testing.suggested_sites")):
        k = st.number_input(tr("testing.how_many_sites"), 1, 200, max(sites_wanted, 1), key="suggest_k")
        if st.button(tr("testing.suggest_sites"), key="suggest_sites"):
            st.session_state["suggested_sites"] = siting.suggested_sites(page.con, page.scope, round_id, page.today,
                                                                         int(k))
        suggested = st.session_state.get("suggested_sites")
        if suggested is not None and not suggested.empty:
            walks = siting.walks_compared(page.con, page.scope, round_id, page.today, suggested)
            st.caption(tr("testing.suggested_walk", suggested=fmt_number(round(walks["suggested"]), lang),
                          current=fmt_number(round(walks["current"]), lang) if walks["current"] == walks["current"]
                          else "–"))
            for row in suggested.itertuples():
                left, right = st.columns([4, 1])
                left.text(tr("testing.suggested_row", compound=row.compound, building=row.building, people=row.people,
                             desks=row.desks, walk=fmt_number(row.mean_walk_m, lang)))
                if may and right.button(tr("testing.add_site"), key=f"suggest_add_{row.building_id}"):
                    kit.attempt(lambda row=row: testing.add_site(
                        page.con, page.user, round_id, tr("testing.site_name", building=row.compound + row.building),
                        None, None, int(row.desks), building_id=int(row.building_id)),
                        tr("testing.site_added"), TestingError)
    if not has_sites:
        return 0.0
    with st.expander(tr("testing.finish_or_walk")):
        later = st.slider(tr("testing.later"), 0, 50, 0, 5, key="plan_later") / 100
        if st.button(tr("testing.show_trade_off"), key="trade_off"):
            st.session_state["trade_off_curve"] = siting.finish_or_walk(page.con, page.scope, round_id, page.today)
        curve = st.session_state.get("trade_off_curve")
        if curve is not None:
            charts.show(charts.trade_off(curve, lang), lang, key="trade_off_chart")
            shown = curve.assign(later=(curve["later"] * 100).round().astype(int),
                                 finish=[fmt_datetime(f, lang) for f in curve["finish"]],
                                 mean_walk_m=curve["mean_walk_m"].round(),
                                 longest_walk_m=curve["longest_walk_m"].round())
            headers = {"later": tr("testing.later_percent"), "finish": tr("testing.finish"),
                       "mean_walk_m": tr("testing.mean_walk"), "longest_walk_m": tr("testing.longest_walk")}
            kit.table(shown, headers, width="content")
    return later


def site_by_click(page: kit.Page, round_id: int, sites) -> None:
    """A new site where the map is clicked (stored WGS-84 whatever the basemap), named after the nearest
    building or numbered, its name editable before it is added."""
    tr = page.tr
    with st.expander(tr("testing.site_by_click")):
        settings = session.basemap_settings()
        basemap = kit.choose(tr("overview.basemap"), {b: tr(f"overview.basemap.{b}")
                                                      for b in maps.available_basemaps(settings)},
                             "site_click_basemap")
        map_key, name_key = f"site_click_{basemap}", "site_click_name"
        # A new click (its value is under the map's key before the map is drawn again) names the site.
        clicked = maps.clicked_point(st.session_state.get(map_key), basemap)
        if clicked is not None and clicked != st.session_state.get(f"{map_key}_used"):
            st.session_state[f"{map_key}_used"] = clicked
            named = siting.clicked_site(page.con, page.scope, round_id, *clicked)
            st.session_state[name_key] = tr("testing.site_name", building=named["building"]) \
                if named["building"] else tr("testing.site_number", n=named["number"])
        st.caption(tr("testing.site_click_how"))
        st_folium(maps.new_map(siting.area_bounds(page.con, page.scope), basemap, settings), height=420,
                  width="stretch", key=map_key, returned_objects=["last_clicked"],
                  feature_group_to_add=maps.site_click_layer(sites, clicked, st.session_state.get(name_key, ""),
                                                             basemap))
        if clicked is None:
            return
        st.text(tr("testing.site_clicked", lon=f"{clicked[0]:.6f}", lat=f"{clicked[1]:.6f}"))
        left, middle, right = st.columns(3)
        name = left.text_input(tr("testing.site"), key=name_key)
        desks = middle.number_input(tr("testing.desks"), 1, 50, 4, key="site_click_desks")
        rate = right.number_input(tr("testing.rate"), 10, 400, 120, key="site_click_rate")
        if st.button(tr("testing.add_site"), key="site_click_add", type="primary"):
            kit.attempt(lambda: testing.add_site(page.con, page.user, round_id, name, clicked[0], clicked[1],
                                                 int(desks), int(rate)), tr("testing.site_added"), TestingError)
