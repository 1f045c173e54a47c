"""The overview's map under AppTest: the worst ten beside it, a pick that zooms to one and opens it, and the open
building kept when the language changes (the map remounts in the other language with an empty click)."""

import pytest
import streamlit as st
import streamlit_folium

from resilient.core import db, roles
from resilient.places import measures
from resilient.places.measures import Filters
from tests.conftest import demo_account, demo_day, open_page

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database

PAGE = "views/maps/overview.py"
NO_CLICK = {"last_active_drawing": None, "last_object_clicked": None}


def worst(path, username="leader"):
    con = db.connect(path)
    today = demo_day(con)
    scope = roles.scope_for(con, demo_account(con, username), today)
    frame = measures.worst_buildings(con, scope, Filters(), today, "active")
    con.close()
    return frame


def breakdowns(at):
    return [h.value for h in at.subheader if "明细" in h.value or "in detail" in h.value]


def remounting_map(click: dict, calls: list):
    """st_folium as the browser answers: the first call is the reader's click on the Chinese map (stored under
    the map's key, as the component does); a map drawn in another language is a new component, whose value is
    empty until clicked, while the old click stays stored under the key."""
    def shown(fig, *args, key=None, **kwargs):
        calls.append(kwargs)
        if key != "overview_map":
            return None
        if not any(c.get("clicked") for c in calls[:-1]):
            calls[-1]["clicked"] = True
            st.session_state[key] = click
            return click
        return click if "在管人数" in fig.get_root().render() else NO_CLICK
    return shown


@pytest.fixture
def building(page_db):
    row = worst(page_db).iloc[0]
    return page_db, int(row["building_id"]), row["name"]


def test_the_open_building_survives_a_language_switch(building, monkeypatch):
    path, building_id, name = building
    calls = []
    click = {"last_active_drawing": {"properties": {"building_id": building_id}},
             "last_object_clicked": {"lat": 31.7, "lng": 119.95}}
    monkeypatch.setattr(streamlit_folium, "st_folium", remounting_map(click, calls))
    at = open_page(path, monkeypatch, "leader", PAGE)
    at.run()  # the click the map stored opens the building
    assert not at.exception, at.exception
    assert any(name in h for h in breakdowns(at))
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert not at.exception, at.exception
    assert any(name in h and "in detail" in h for h in breakdowns(at)), breakdowns(at)
    assert at.selectbox(key="overview_pick.en").value == building_id  # the picker follows the click


def test_the_worst_ten_are_listed_in_plain_text_worst_first(page_db, monkeypatch):
    expected = worst(page_db)
    at = open_page(page_db, monkeypatch, "leader", PAGE)
    listed = next(t.value for t in at.dataframe if "building" in t.value.columns)
    assert len(listed) == len(expected) == measures.WORST
    assert list(listed["rank"]) == list(range(1, 11))
    assert list(listed["building"]) == list(expected["compound"] + " " + expected["name"])
    values = list(expected["active"])
    assert values == sorted(values, reverse=True) and values[-1] > 0


def test_a_pick_from_the_list_zooms_the_map_and_opens_the_building(page_db, monkeypatch):
    calls = []

    def recording(fig, *args, key=None, **kwargs):
        calls.append(kwargs)
        return NO_CLICK

    monkeypatch.setattr(streamlit_folium, "st_folium", recording)
    expected = worst(page_db).iloc[2]
    at = open_page(page_db, monkeypatch, "leader", PAGE)
    assert calls[-1]["center"] is None and not breakdowns(at)
    at.selectbox(key="overview_pick.zh").set_value(int(expected["building_id"])).run()
    assert not at.exception, at.exception
    assert any(expected["name"] in h for h in breakdowns(at))
    (lat, lon), zoom = calls[-1]["center"], calls[-1]["zoom"]
    assert expected["min_lat"] <= lat <= expected["max_lat"] and expected["min_lon"] <= lon <= expected["max_lon"]
    assert zoom >= 17
    at.run()  # nothing new: the map is left where it is, the building still open
    assert calls[-1]["center"] == (lat, lon) and any(expected["name"] in h for h in breakdowns(at))
