"""Points for now and the box on the outline preview, through the pages: every map copes with a point building,
a click or typed coordinates place one, and a drawn box keeps only the outlines inside it."""

import json

import pytest
import streamlit as st
import streamlit_folium

from resilient.core import db
from tests.conftest import open_page
from tests.views.test_imports_view import open_imports, town  # noqa: F401 (a fixture)
from views.data import imports_outlines

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database

PAGES = ["views/maps/overview.py", "views/maps/testing.py", "views/maps/coverage.py", "views/data/setup.py",
         "views/supplies/pickup.py",
         "views/data/buildings.py"]


def folium_shown(at) -> str:
    return " ".join(str(e.proto) for e in at.main
                    if type(e).__name__ == "UnknownElement" and "st_folium" in str(e.proto))


@pytest.mark.parametrize("page", PAGES)
def test_every_map_page_runs_with_buildings_known_by_a_point_only(page_db, monkeypatch, page):
    con = db.connect(page_db)
    con.execute("UPDATE building SET geom = ST_Centroid(geom) WHERE building_id % 3 = 0")
    con.execute("UPDATE stairwell SET geom = NULL WHERE building_id % 3 = 0")
    con.close()
    at = open_page(page_db, monkeypatch, "admin", page)
    assert not at.exception, (page, at.exception)
    assert not any("还没有轮廓" in e.label for e in at.expander), "a point building is on the map"
    if page in ("views/maps/overview.py", "views/maps/coverage.py"):
        shown = folium_shown(at)
        assert "CircleMarker" in shown and "Point" in shown and "marker-icon" not in shown
    if page == "views/data/setup.py":
        missing = next(t.value for t in at.dataframe if "point_only" in t.value.columns)
        assert len(missing) and missing["point_only"].all()   # listed as missing, flagged as a point


def fake_map(values: dict):
    """st_folium as a browser would answer: the value given for a map key stored under that key and returned."""
    def shown(fig, *args, key=None, **kwargs):
        value = next((v for prefix, v in values.items() if key and key.startswith(prefix)), None)
        if value is not None:
            st.session_state[key] = value
        return value
    return shown


def test_a_building_gets_a_point_clicked_on_the_map(page_db, monkeypatch):
    con = db.connect(page_db)
    building_id, name = con.execute("SELECT building_id, name FROM building ORDER BY building_id LIMIT 1").fetchone()
    lon, lat = con.execute("SELECT ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom)) FROM building "
                           "WHERE building_id = $b", {"b": building_id}).fetchone()
    con.execute("UPDATE building SET geom = NULL WHERE building_id = $b", {"b": building_id})
    con.execute("UPDATE stairwell SET geom = NULL WHERE building_id = $b", {"b": building_id})
    con.close()
    monkeypatch.setattr(streamlit_folium, "st_folium",
                        fake_map({"point_": {"last_clicked": {"lng": lon + 0.0001, "lat": lat}}}))
    at = open_page(page_db, monkeypatch, "admin", "views/data/buildings.py")
    at.selectbox(key="buildings_outline_pick.zh").set_value(building_id).run()
    at.radio(key="buildings_outline_how.zh").set_value("point").run()
    at.run()   # the click the map stored fills the fields
    assert not at.exception, at.exception
    assert at.number_input(key=f"point_lon_{building_id}").value == pytest.approx(lon + 0.0001, abs=1e-6)
    next(b for b in at.button if b.key == "buildings_save_point").click().run()
    assert not at.exception, at.exception
    con = db.connect(page_db)
    stored = con.execute("SELECT ST_AsText(geom) FROM building WHERE building_id = $b", {"b": building_id}).fetchone()
    audited = con.execute("SELECT count(*) FROM audit_log WHERE action = 'setup_point'").fetchone()[0]
    con.close()
    assert stored[0].startswith("POINT") and audited == 1


def test_typed_coordinates_outside_china_are_refused(page_db, monkeypatch):
    con = db.connect(page_db)
    building_id = con.execute("SELECT min(building_id) FROM building").fetchone()[0]
    con.execute("UPDATE building SET geom = NULL WHERE building_id = $b", {"b": building_id})
    con.close()
    at = open_page(page_db, monkeypatch, "admin", "views/data/buildings.py")
    at.selectbox(key="buildings_outline_pick.zh").set_value(building_id).run()
    at.radio(key="buildings_outline_how.zh").set_value("point").run()
    at.number_input(key=f"point_lon_{building_id}").set_value(2.35).run()
    at.number_input(key=f"point_lat_{building_id}").set_value(48.85).run()
    next(b for b in at.button if b.key == "buildings_save_point").click().run()
    assert not at.exception, at.exception
    assert any("中国境外" in e.value for e in at.error)


def test_a_box_drawn_on_the_preview_keeps_the_outlines_inside(town, monkeypatch):  # noqa: F811
    path, _ = town
    con = db.connect(path)
    rows = con.execute("""SELECT name, ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom)) FROM building
        WHERE compound_id = 1 ORDER BY building_id LIMIT 2""").fetchall()
    con.close()
    d = 0.0001
    features = [{"type": "Feature", "properties": {"name": name},
                 "geometry": {"type": "Polygon", "coordinates": [[[x - d, y - d / 2], [x + d, y - d / 2],
                                                                  [x + d, y + d / 2], [x - d, y + d / 2],
                                                                  [x - d, y - d / 2]]]}} for name, x, y in rows]
    (_, x, y) = rows[0]
    box = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [
        [[x - 2 * d, y - d], [x + 2 * d, y - d], [x + 2 * d, y + d], [x - 2 * d, y + d], [x - 2 * d, y - d]]]}}
    fake = fake_map({"footprint_preview_0": {"all_drawings": [box]}})
    monkeypatch.setattr(streamlit_folium, "st_folium", fake)
    # The outline tab is a module the page imports: once an earlier test loaded it, it holds its own st_folium.
    monkeypatch.setattr(imports_outlines, "st_folium", fake)
    at = open_imports()
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    at.file_uploader[-1].set_value(("outlines.geojson", data, "application/geo+json")).run()
    assert not at.exception, at.exception
    at.selectbox(key="fp_compound.zh").set_value(1).run()
    assert any("框内保留 1 个轮廓（文件共 2 个）" in c.value for c in at.caption)
    assert any("已匹配 **1**" in m.value for m in at.markdown), [m.value for m in at.markdown]
    next(b for b in at.button if b.label == "清除框选").click().run()
    assert not at.exception, at.exception
    assert not any("框内保留" in c.value for c in at.caption)
    assert any("已匹配 **2**" in m.value for m in at.markdown)
