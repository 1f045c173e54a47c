"""Volunteer coverage: which vulnerable households nobody looks after, who is overloaded, and the fixes."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import maps
from resilient.core import roles
from resilient.core.i18n import fmt_number
from resilient.coverage import volunteers as coverage
from resilient.coverage.volunteers import CoverageError, CoverageSettings
from ui import figures, kit, session
from views.maps import coverage_lists as lists
from views.maps.coverage_lists import household_labels, shown_households

page = kit.page()
tr, con, user = page.tr, page.con, page.user
ntr = page.ntr
scope, today = page.scope, page.today
settings = coverage.load_settings(con)
manager = roles.may(user, "manage_coverage")
reach = int(settings.reach_m)


# --- headline -------------------------------------------------------------------------------------------------

st.title(tr("coverage.title"))
kit.flashed()
kpi = coverage.kpis(con, scope, settings, today)
days = settings.not_contacted_days
figures.show(page, ("coverage.kpi.vulnerable", kpi["vulnerable_households"]),
             ("coverage.kpi.covered", f"{kpi['covered_share']:.0%}", {"n": kpi["covered_households"], "reach": reach}),
             ("coverage.kpi.not_contacted", kpi["not_contacted"], {"n": days, "days": days}),
             ("coverage.kpi.overloaded_volunteers", kpi["overloaded_volunteers"]),
             ("coverage.kpi.overloaded_teams", kpi["overloaded_teams"], {"standard": settings.team_standard_load}))


# --- sections -------------------------------------------------------------------------------------------------

@st.fragment
def map_section() -> None:
    """Buildings by uncovered households, volunteers by load; a click lists that building's gaps."""
    frame = coverage.building_gaps(con, scope, settings, today)
    if frame.empty:
        st.info(tr("overview.no_buildings"))
        return
    map_settings = session.basemap_settings()
    basemap = st.selectbox(tr("overview.basemap"), list(maps.available_basemaps(map_settings)),
                           format_func=lambda b: tr(f"overview.basemap.{b}"), key=kit.widget_key("cov_basemap"))
    tooltip = {"name": tr("col.building"), "compound": tr("col.compound"), "grid": tr("col.grid"),
               **{c: tr(f"coverage.col.{c}") for c in ("vulnerable", "uncovered", "not_contacted")}}
    labels = {"legend": tr("coverage.legend"), "none": tr("coverage.legend_none"),
              "volunteers": tr("coverage.volunteers"), "load": tr("coverage.col.load"),
              **{state: tr(f"coverage.load.{state}") for state in maps.LOAD_COLOURS}}
    fmap = maps.coverage_gap_map(frame, coverage.volunteer_load(con, scope, settings, today), tooltip, labels,
                                 basemap, map_settings, lambda v: fmt_number(v, page.lang))
    st.caption(tr("coverage.map_help"))
    kit.not_on_map(page)
    clicked = st_folium(fmap, height=520, use_container_width=True, returned_objects=["last_active_drawing"],
                        key="coverage_map")
    building_id = maps.clicked_id(clicked)
    if building_id not in set(frame["building_id"]):
        return
    building = frame.set_index("building_id").loc[building_id]
    st.subheader(tr("coverage.building_gaps", building=building["name"], compound=building["compound"]))
    gaps = coverage.gap_list(con, scope, settings, today, kit.revealed())
    gaps = gaps[gaps["building_id"] == building_id]
    if gaps.empty:
        st.success(tr("coverage.no_gaps_here"))
        return
    kit.table(shown_households(page, gaps), household_labels(page))


def gaps_section() -> None:
    """Every household to act on, with why: the table a leader works down."""
    gaps = coverage.gap_list(con, scope, settings, today, kit.revealed())
    if gaps.empty:
        st.success(tr("coverage.no_gaps"))
        return
    counts = coverage.gap_counts(gaps)
    chosen = st.multiselect(tr("coverage.gap_filter"), list(counts), placeholder=tr("app.all"),
                            format_func=lambda r: f"{tr(f'coverage.gap.{r}')} ({counts[r]})",
                            key=kit.widget_key("cov_gap_filter"))
    st.caption(ntr("coverage.gap_help", settings.not_contacted_days, reach=reach))
    gaps = gaps[gaps["reason"].isin(chosen)] if chosen else gaps
    kit.table(shown_households(page, gaps), household_labels(page), tr("coverage.gaps_file"), "cov_gaps_excel",
              height=420)
    lists.reveal(page, gaps, "cov_gaps")


def suggest_section() -> None:
    """Compute the exact best assignment, compare it with today's, and apply the rows the leader keeps."""
    if not manager:
        st.info(tr("coverage.managers_only"))
        return
    st.caption(tr("coverage.suggest_help", reach=reach))
    if st.button(tr("coverage.compute"), type="primary", key="cov_compute"):
        st.session_state["cov_suggestion"] = coverage.suggest(con, scope, settings, today)
    suggestion = st.session_state.get("cov_suggestion")
    if suggestion is None or suggestion.today != today:
        return
    figures.show(page, ("coverage.covered_now", kit.fraction(suggestion.covered_now, suggestion.vulnerable)),
                 ("coverage.covered_after", kit.fraction(suggestion.covered_after, suggestion.vulnerable), None,
                  suggestion.extra_covered),
                 ("coverage.walking", f"{suggestion.distance_m / 1000:.1f} km"))
    st.caption(tr("coverage.solved_in", seconds=f"{suggestion.seconds:.2f}"))
    if suggestion.assignments.empty:
        st.info(tr("coverage.nothing_to_add"))
    else:
        rows = coverage.suggestion_rows(con, scope, settings, suggestion)
        table = pd.DataFrame({"apply": True, "volunteer": rows["volunteer"], "household": kit.flats(rows),
                              "distance_m": rows["distance_m"], "replaces": rows["replaces"].map(kit.join),
                              "household_id": rows["household_id"]})
        edited = st.data_editor(
            table, hide_index=True, width="stretch", disabled=["volunteer", "household", "distance_m", "replaces"],
            column_order=["apply", "volunteer", "household", "distance_m", "replaces"], key="cov_editor",
            column_config={"apply": st.column_config.CheckboxColumn(tr("coverage.col.apply")),
                           **{c: tr(f"coverage.col.{c}") for c in ("volunteer", "household", "replaces")},
                           "distance_m": tr("coverage.col.distance")})
        chosen = edited.loc[edited["apply"], "household_id"].tolist()
        if st.button(ntr("coverage.apply", len(chosen)), type="primary", disabled=not chosen, key="cov_apply"):
            try:
                written = coverage.apply(con, user, suggestion, chosen)
            except CoverageError as error:
                kit.fail(error)
            else:
                # The headline above was drawn before the write and the suggestion is spent: draw it all again.
                for spent in ("cov_suggestion", "cov_editor"):
                    st.session_state.pop(spent, None)
                kit.flash(ntr("coverage.applied", written))
    if not suggestion.uncovered.empty:
        st.markdown(f"**{ntr('coverage.left_uncovered', len(suggestion.uncovered))}**")
        left = coverage.suggestion_uncovered(con, scope, suggestion)
        kit.table(pd.DataFrame({"household": kit.flats(left),
                                "why": left["reason"].map(lambda r: tr(f"coverage.why.{r}", reach=reach))}),
                  {"household": tr("coverage.col.household"), "why": tr("coverage.col.why")})


def settings_section() -> None:
    """The rules' numbers, changed by the community without a code change."""
    if not manager:
        st.info(tr("coverage.managers_only"))
        return
    with st.form("cov_settings"):
        left, middle, right = st.columns(3)
        age = left.number_input(tr("coverage.setting.age"), 40, 100, settings.elderly_age)
        walk = middle.number_input(tr("coverage.setting.reach"), 50, 3000, reach, step=50)
        days = right.number_input(tr("coverage.setting.days"), 1, 30, settings.not_contacted_days)
        team = left.number_input(tr("coverage.setting.team"), 1, 50, settings.team_standard_load)
        reasons = st.multiselect(tr("coverage.setting.reasons"), list(coverage.REASONS),
                                 placeholder=tr("app.none_chosen"),
                                 default=list(settings.reasons), format_func=lambda r: tr(f"coverage.need.{r}"))
        if st.form_submit_button(tr("coverage.setting.save"), type="primary"):
            try:
                coverage.save_settings(con, user, CoverageSettings(int(age), tuple(reasons), float(walk), int(team),
                                                                   int(days)))
                st.session_state.pop("cov_suggestion", None)
                st.success(tr("coverage.setting.saved"))
                st.rerun()
            except CoverageError as error:
                kit.fail(error)
    st.caption(tr("coverage.setting.note"))


# A volunteer's page opens on their own list; suggestions and the rules are for those who manage coverage.
order = ["lists", "map", "gaps"] if user.role == "volunteer" else ["map", "gaps", "suggest", "lists", "settings"]
sections = {"map": map_section, "gaps": gaps_section, "suggest": suggest_section,
            "lists": lambda: lists.lists_section(page, settings, manager), "settings": settings_section}
sections = {name: sections[name] for name in order if manager or name not in ("suggest", "settings")}
sections[kit.section("coverage", sections)]()
