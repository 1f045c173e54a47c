"""The case list import on lists written here (csv and xlsx): name matches, near and far misses, re-import,
bad rows; risk buffers; a day's state for the time slider."""

import io
from datetime import date, datetime, timedelta

import numpy as np
import openpyxl
import pytest
import shapely

from geo import chinese_coords
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.edge import cases
from resilient.edge.cases import CasesError
from resilient.imports.sheets import read_table
from tests.conftest import NOW, TODAY

pytestmark = pytest.mark.both_backends

LEADER = User(1, "leader", "社区书记", "community_leader", 1)
GRID = User(2, "grid1", "网格员甲", "grid_worker", 1, staff_id=1)
HEADER = "日期,病例号,分型,性别,年龄,市,区,居住地,经度,纬度"


def gcj(lon: float, lat: float) -> tuple[float, float]:
    """A WGS-84 point as the public list (read off AMap) writes it."""
    x, y = chinese_coords.wgs84_to_gcj02_xy(np.array([[lon, lat]]))[0]
    return round(float(x), 6), round(float(y), 6)


# Building 1 of the small community is the square from (119.950, 31.70), 0.0004 x 0.0002 degrees.
B1 = gcj(119.9502, 31.7001)
B3 = gcj(119.9532, 31.7001)
NEAR_B2 = gcj(119.9512, 31.7003)        # about 20 m north of building 2's outline
FAR = gcj(120.0030, 31.7001)            # about 5 km east
ROWS = [
    f"2026-11-20,C001,确诊,男,45,常州市,测试区,A苑1栋,{B1[0]},{B1[1]}",      # exact name
    "2026-11-21,C002,无症状,女,30,常州市,测试区,B苑,,",                      # compound only, no coordinates
    f"2026-11-21,C003,确诊,女,62,常州市,测试区,A园2号楼,{NEAR_B2[0]},{NEAR_B2[1]}",  # misspelt compound, near
    f"2026-11-22,C004,确诊,男,8,常州市,测试区,远方小区,{FAR[0]},{FAR[1]}",    # 5 km away
    "2026-11-22,C005,确诊,男,50,南京市,鼓楼区,某某花园,118.7800,32.0600",       # another city
    "2026-11-22,C006,确诊,男,50,常州市,测试区,无名小区,,",                      # no such compound, no point
]


def csv_file(tmp_path, rows=ROWS, name="cases.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def xlsx_file(tmp_path, rows=ROWS, name="cases.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    for row in rows:
        sheet.append([float(v) if i in (8, 9) and v else (int(v) if i == 4 else v)
                      for i, v in enumerate(row.split(","))])
    path = tmp_path / name
    workbook.save(path)
    return path


def check(small, path, **options):
    frame = read_table(path.read_bytes(), path.name)
    return cases.validate_cases(small, LEADER, frame, 1, TODAY, file_name=path.name, **options)


@pytest.mark.parametrize("writer", [csv_file, xlsx_file])
def test_a_list_matches_by_name_and_distance_and_names_the_misses(small, tmp_path, writer):
    preview = check(small, writer(tmp_path))
    assert preview.ok, preview.problems
    by_no = {r.case_no: r for r in preview.rows}
    assert (by_no["C001"].building_id, by_no["C001"].matched_by) == (1, "name")
    assert by_no["C001"].distance_m == 0
    assert (by_no["C002"].building_id, by_no["C002"].matched_by) == (3, "name")
    assert (by_no["C003"].building_id, by_no["C003"].matched_by) == (2, "distance")
    assert 5 < by_no["C003"].distance_m < cases.CaseSettings().match_m
    assert by_no["C004"].reason == "cases.unmatched.far" and 4_500 < by_no["C004"].reason_values["metres"] < 5_500
    assert by_no["C005"].reason == "cases.unmatched.far" and by_no["C005"].reason_values["metres"] > 100_000
    assert by_no["C006"].reason == "cases.unmatched.no_compound"
    unmatched = cases.unmatched_rows(preview)
    assert list(unmatched["case_no"]) == ["C004", "C005", "C006"]
    assert preview.counts() == {"rows": 6, "new": 6, "already": 0, "by_name": 2, "by_distance": 1, "unmatched": 3}


def test_coordinates_are_converted_from_the_datum_the_importer_names(small, tmp_path):
    """The same point given in WGS-84 and read as GCJ-02 lands some 500 m off: no longer within match_m."""
    row = "2026-11-20,C010,确诊,男,45,常州市,测试区,别处,119.9502,31.7001"
    as_wgs = check(small, csv_file(tmp_path, [row]), coords="wgs84").rows[0]
    as_gcj = check(small, csv_file(tmp_path, [row])).rows[0]
    assert (as_wgs.building_id, as_wgs.matched_by) == (1, "distance")
    assert as_gcj.matched_by == "none" and as_gcj.reason_values["metres"] > 300


def test_a_building_named_with_a_section_matches_by_name(small, tmp_path):
    small.execute("UPDATE building SET name = '314号楼A座' WHERE building_id = 2")
    small.execute("INSERT INTO building VALUES (4, 1, 2, '314号楼B座', 6, TRUE, NULL)")
    rows = ["2026-11-20,C020,确诊,男,45,常州市,测试区,A苑314号楼A座,,",
            "2026-11-20,C021,确诊,男,45,常州市,测试区,A苑 314#B座,,"]
    found = {r.case_no: (r.building_id, r.matched_by) for r in check(small, csv_file(tmp_path, rows)).rows}
    assert found == {"C020": (2, "name"), "C021": (4, "name")}


def test_import_is_stored_once_and_a_second_time_adds_nothing(small, tmp_path):
    path = csv_file(tmp_path)
    first = cases.commit_cases(small, LEADER, check(small, path), now=NOW)
    assert first["new"] == 6
    again = check(small, path)
    assert again.counts()["already"] == 6 and again.counts()["new"] == 0
    assert cases.commit_cases(small, LEADER, again, now=NOW)["new"] == 0
    assert small.execute("SELECT count(*) FROM external_case").fetchone()[0] == 6
    assert small.execute("SELECT count(*) FROM audit_log WHERE action = 'cases_imported'").fetchone()[0] == 2
    stored = cases.cases(small, Scope(community_ids=(1,)))
    assert set(stored["case_no"]) == {f"C00{i}" for i in range(1, 7)}
    assert list(cases.unmatched(small, Scope(community_ids=(1,)))["case_no"]) == ["C004", "C005", "C006"]


def test_bad_rows_are_named_and_nothing_is_written(small, tmp_path):
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    rows = [ROWS[0], "2026-11-20,C030,确诊,男,300,常州市,测试区,A苑1栋,,",
            f"{tomorrow},C031,确诊,男,30,常州市,测试区,A苑1栋,,",
            "2026-11-20,C032,确诊,男,30,常州市,测试区,A苑1栋,2.35,48.85",
            "2026-11-20,C033,重症,男,30,常州市,测试区,A苑1栋,,",
            ROWS[0]]
    preview = check(small, csv_file(tmp_path, rows))
    assert not preview.ok
    assert [(p.row, p.column, p.code) for p in preview.problems] == [
        (3, "年龄", "cases.error.age"), (4, "日期", "import.error.date_future"),
        (5, "经度", "cases.error.coordinates"), (6, "分型", "cases.error.kind"), (7, "病例号", "cases.error.duplicate")]
    with pytest.raises(CasesError):
        cases.commit_cases(small, LEADER, preview, now=NOW)
    assert small.execute("SELECT count(*) FROM external_case").fetchone()[0] == 0


def test_a_file_of_another_city_is_said_once(small, tmp_path):
    rows = ["2026-11-22,N001,确诊,男,50,南京市,鼓楼区,某某花园,118.7800,32.0600",
            "2026-11-22,N002,确诊,女,40,南京市,玄武区,某某小区,118.8000,32.0500"]
    preview = check(small, csv_file(tmp_path, rows))
    assert [(p.row, p.code) for p in preview.problems] == [(0, "cases.error.far_file")]
    assert preview.problems[0].values["cities"] == "南京市" and preview.problems[0].values["km"] > 100


def test_only_those_allowed_import(small, tmp_path):
    with pytest.raises(CasesError) as refused:
        cases.validate_cases(small, GRID, read_table(csv_file(tmp_path).read_bytes(), "cases.csv"), 1, TODAY)
    assert refused.value.code == "cases.error.not_allowed"


def test_a_buffer_holds_its_buildings_and_ends(small):
    area_id = cases.create_risk_area(small, LEADER, 1, "A苑1栋周边", "high", TODAY, building_ids=[1], buffer_m=30,
                                     now=NOW)
    inside = cases.area_buildings(small, Scope(), area_id)
    assert list(inside["building_id"]) == [1]  # building 2 stands about 60 m east of building 1
    wider = cases.create_risk_area(small, LEADER, 1, "A苑", "medium", TODAY, building_ids=[1], buffer_m=120, now=NOW)
    assert list(cases.area_buildings(small, Scope(), wider)["building_id"]) == [1, 2]
    geom = shapely.from_wkt(small.execute("SELECT ST_AsText(geom) FROM risk_area WHERE area_id = $a",
                                          {"a": area_id}).fetchone()[0])
    building = shapely.from_wkt(small.execute("SELECT ST_AsText(geom) FROM building WHERE building_id = 1")
                                .fetchone()[0])
    assert geom.contains(building)
    cases.end_risk_area(small, LEADER, area_id, TODAY, now=NOW)
    assert list(cases.risk_areas(small, Scope(), TODAY + timedelta(days=1))["area_id"]) == [wider]
    assert small.execute("SELECT count(*) FROM audit_log WHERE action LIKE 'risk_area_%'").fetchone()[0] == 3


def test_a_drawn_area_far_away_is_refused(small):
    beijing = shapely.box(116.39, 39.90, 116.40, 39.91)
    with pytest.raises(CasesError) as refused:
        cases.create_risk_area(small, LEADER, 1, "北京", "high", TODAY, shape=beijing, now=NOW)
    assert refused.value.code == "cases.error.area_far"
    drawn = cases.create_risk_area(small, LEADER, 1, "画的", "medium", TODAY,
                                   shape=shapely.geometry.mapping(shapely.box(119.9499, 31.6999, 119.9515, 31.7003)),
                                   now=NOW)
    assert list(cases.area_buildings(small, Scope(), drawn)["building_id"]) == [1, 2]


def test_state_on_a_day_before_inside_and_after_a_measure(small, tmp_path):
    cases.commit_cases(small, LEADER, check(small, csv_file(tmp_path)), now=NOW)
    scope = Scope(community_ids=(1,))
    # Resident 2 (building 1) was under home observation from 8 Nov, released on 22 Nov at 10:00.
    small.execute("UPDATE control_measure SET released_at = NULL WHERE measure_id <> 2")
    small.execute("DELETE FROM control_measure WHERE measure_id <> 2")

    def active(day):
        frame = cases.state_on(small, scope, day).buildings
        return int(frame.loc[frame["building_id"] == 1, "active"].iloc[0])

    assert [active(date(2026, 11, 7)), active(date(2026, 11, 15)), active(date(2026, 11, 23))] == [0, 1, 0]
    assert list(cases.state_on(small, scope, date(2026, 11, 20)).cases["case_no"]) == ["C001"]
    assert len(cases.state_on(small, scope, date(2026, 11, 21)).cases) == 3


def test_kpis_count_cases_matched_to_the_street(small, tmp_path):
    cases.commit_cases(small, LEADER, check(small, csv_file(tmp_path)), now=NOW)
    assert cases.kpis(small, Scope(community_ids=(1,)), date(2026, 11, 21)) == {
        "cases_matched": 3, "cases_new": 2, "contacts_linked": 0, "contacts_placed": 0}
    # A grid worker of grid 1 sees only the case matched to building 1.
    assert cases.kpis(small, Scope(community_ids=(1,), grid_ids=(1,)), TODAY)["cases_matched"] == 1


def test_the_settings_are_checked():
    with pytest.raises(CasesError):
        cases.CaseSettings(match_m=5.0)
    assert cases.CaseSettings().coords == "gcj02"
    assert isinstance(NOW, datetime)
    assert io is not None
