"""The testing page's desk and re-test list under AppTest (issue 14): rows as plain text naming the compound, a
shared room asking for the compound first, a household code, another desk's lost tube closed, the re-test list."""

from datetime import datetime

import pytest

from resilient.core import db
from resilient.testing import desk, retests
from resilient.testing import rounds as testing
from resilient.testing.codes import household_code
from tests.conftest import button, demo_account, demo_day, open_page

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database

MARKDOWN_NAMES = ("#冯芳[", "_芳", "*丽*")   # masked: "#**[", "_*", "***"


@pytest.fixture
def desk_round(page_db):
    """A round with one site; flat 1栋1单元102 exists in both compounds; the 丽景苑 one's people have names that
    markdown would eat."""
    con = db.connect(page_db)
    leader = demo_account(con, "leader")
    day = demo_day(con)
    start = datetime.combine(day, datetime.min.time())
    round_id = testing.create_round(con, leader, 1, "第1轮", day, start, now=start)
    site = testing.add_site(con, leader, round_id, "广场", None, None, desks=2, building_id=1)
    people = con.execute("""SELECT c.name, h.household_id, r.resident_id
        FROM household h JOIN stairwell s USING (stairwell_id) JOIN building b USING (building_id)
        JOIN compound c USING (compound_id) JOIN resident r USING (household_id)
        WHERE b.name = '1栋' AND s.unit_no = 1 AND h.room = '102' ORDER BY c.name, r.resident_id""").fetchall()
    flats = [(name, household, [r for _, h, r in people if h == household])
             for name, household in dict.fromkeys((n, h) for n, h, _ in people)]
    assert len({f[0] for f in flats}) == 2
    lijing = next(f for f in flats if f[0] == "丽景苑")
    for resident, name in zip(lijing[2], MARKDOWN_NAMES):
        con.execute("UPDATE resident SET name = $n, bedridden = FALSE WHERE resident_id = $r",
                    {"n": name, "r": resident})
    con.close()
    return page_db, round_id, site, lijing


def to_desk(at):
    next(g for g in at.get("button_group") if g.key == "testing_section").set_value("desk").run()
    assert not at.exception, at.exception


def shown_text(at) -> str:
    return "\n".join(t.value for t in at.text)


def markdown_text(at) -> str:
    return "\n".join(m.value for m in [*at.markdown, *at.caption, *at.info, *at.warning, *at.success])


def test_a_shared_room_asks_for_the_compound_and_rows_are_plain_text(desk_round, monkeypatch):
    path, round_id, site, (_, household, residents) = desk_round
    at = open_page(path, monkeypatch, "leader", "views/maps/testing.py")
    to_desk(at)
    at.text_input(key="desk_find").input("1-1-102").run()
    assert not at.exception, at.exception
    assert not [b for b in at.button if b.key and b.key.startswith("sample_")]   # nobody to tap yet
    compounds = next(g for g in at.get("button_group") if g.key == "desk_compound")
    compounds.set_value("丽景苑").run()
    assert not at.exception, at.exception
    keys = {b.key for b in at.button if b.key and b.key.startswith("sample_")}
    assert keys == {f"sample_{r}" for r in residents}
    text = shown_text(at)
    assert "丽景苑" in text and "1栋" in text and "102" in text
    for masked in ("#**[", "_*", "***"):
        assert masked in text
    assert not any(m in markdown_text(at) for m in ("#**[", "_*", "冯", "丽景苑1栋"))
    # The address as the register writes it, and the household's printed code, find the same flat.
    at.text_input(key="desk_find").input("丽景苑1栋1单元102").run()
    assert not at.exception, at.exception
    assert {b.key for b in at.button if b.key and b.key.startswith("sample_")} == keys
    at.text_input(key="desk_find").input(household_code(household)).run()
    assert not at.exception, at.exception
    assert {b.key for b in at.button if b.key and b.key.startswith("sample_")} == keys


def test_another_desks_lost_tube_is_listed_and_closed(desk_round, monkeypatch):
    path, round_id, site, (_, _, residents) = desk_round
    con = db.connect(path)
    leader = demo_account(con, "leader")
    desk.open_tube(con, leader, round_id, "G1-0001", site)
    for resident in residents:
        desk.add_sample(con, leader, round_id, "G1-0001", resident, site)
    con.execute("UPDATE tube SET opened_at = opened_at - INTERVAL 5 HOUR WHERE code = 'G1-0001'")
    con.close()
    at = open_page(path, monkeypatch, "leader", "views/maps/testing.py")
    to_desk(at)
    listed = next(d.value for d in at.dataframe if "G1-0001" in d.value.iloc[:, 0].tolist())
    assert listed.iloc[0].tolist()[1:3] == [len(residents), 10] and listed.iloc[0].tolist()[-1] == "超时"
    assert any("超过 4 小时" in w.value for w in at.warning)
    at.selectbox(key="desk_open_tube").set_value("G1-0001").run()
    button(at, "封管").click().run()
    assert not at.exception, at.exception
    con = db.connect(path)
    assert con.execute("SELECT closed_at IS NOT NULL FROM tube WHERE code = 'G1-0001'").fetchone()[0]
    con.close()


def test_a_tube_opened_here_is_in_the_sites_list_at_once(desk_round, monkeypatch):
    """The site's list of open tubes is a fragment of its own, refreshed by a button: a tube this desk opens
    (or seals) reruns both, or the list said 'no open tubes' beside the tube in hand."""
    path, *_ = desk_round
    at = open_page(path, monkeypatch, "leader", "views/maps/testing.py")
    to_desk(at)
    at.text_input(key="desk_tube_code").input("T9").run()
    at.button(key="open_tube").click().run()
    assert not at.exception, at.exception
    assert any("T9" in d.value.iloc[:, 0].tolist() for d in at.dataframe)
    at.button(key="close_tube").click().run()
    assert not at.exception, at.exception
    assert not any("T9" in d.value.iloc[:, 0].tolist() for d in at.dataframe)


def test_the_retest_list_is_shown_and_a_negative_retest_releases(desk_round, monkeypatch):
    path, round_id, site, (_, household, residents) = desk_round
    con = db.connect(path)
    leader = demo_account(con, "leader")
    day = demo_day(con)
    con.execute("UPDATE control_measure SET released_at = TIMESTAMP '2000-01-01' WHERE resident_id IN "
                "(SELECT resident_id FROM resident WHERE household_id = $h)", {"h": household})
    desk.open_tube(con, leader, round_id, "P1", site)
    for resident in residents:
        desk.add_sample(con, leader, round_id, "P1", resident, site)
    desk.close_tube(con, leader, round_id, "P1", site)
    testing.record_result(con, leader, round_id, "P1", "positive")
    retests.act_on_positive(con, leader, round_id, "P1", day)
    con.close()
    at = open_page(path, monkeypatch, "leader", "views/maps/testing.py")
    next(g for g in at.get("button_group") if g.key == "testing_section").set_value("results").run()
    assert not at.exception, at.exception
    assert any(s.value == "单管复检名单" for s in at.subheader)
    listed = next(d.value for d in at.dataframe if "resident_id" in d.value.columns or len(d.value) == len(residents))
    assert len(listed) == len(residents)
    for resident in residents:   # all of the flat's tube people re-test negative: the flat is released
        at.selectbox(key="retest_person").set_value(resident)   # in a form: sent with the submit
        button(at, "保存复检结果").click().run()
        assert not at.exception, at.exception
    assert any(f"已解除 {len(residents)} 人" in s.value for s in at.success), [s.value for s in at.success]
    con = db.connect(path)
    assert con.execute("SELECT list(result) FROM retest WHERE list_contains($r, resident_id)",
                       {"r": residents}).fetchone()[0] == ["negative"] * len(residents)
    assert con.execute("""SELECT count(*) FROM control_measure m JOIN tube_measure USING (measure_id)
        WHERE m.released_at IS NULL""").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM measure_event WHERE kind = 'released' AND reason = 'negative_retest'"
                       ).fetchone()[0] == len(residents)
    con.close()


def test_the_desk_is_asked_before_a_tube_mixes_stairwells(desk_round, monkeypatch):
    path, round_id, site, (_, household, residents) = desk_round
    con = db.connect(path)
    leader = demo_account(con, "leader")
    strangers = [r for (r,) in con.execute("""SELECT r.resident_id FROM resident r JOIN household h USING (household_id)
        WHERE h.stairwell_id <> (SELECT stairwell_id FROM household WHERE household_id = $h) AND NOT r.bedridden
          AND testing_exclusion(r.resident_id, current_date) IS NULL ORDER BY r.resident_id LIMIT 2""",
                                             {"h": household}).fetchall()]
    con.close()
    at = open_page(path, monkeypatch, "leader", "views/maps/testing.py")
    to_desk(at)

    def tube_with_a_stranger(code: str, stranger: int) -> None:
        at.text_input(key="desk_tube_code").input(code).run()
        button(at, "开管").click().run()
        con = db.connect(path)
        desk.add_sample(con, leader, round_id, code, stranger, site)   # another stairwell's swab is in it already
        con.close()

    def tube(code: str) -> tuple:
        con = db.connect(path)
        row = con.execute("SELECT samples, closed_at IS NOT NULL FROM tube WHERE code = $c", {"c": code}).fetchone()
        con.close()
        return row

    tube_with_a_stranger("M1", strangers[0])
    at.text_input(key="desk_find").input("丽景苑1栋1单元102").run()
    at.button(key=f"sample_{residents[0]}").click().run()
    assert not at.exception, at.exception
    assert any("此管已有" in w.value and "建议封管" in w.value for w in at.warning), [w.value for w in at.warning]
    assert tube("M1") == (1, False)   # asked, not recorded
    at.button(key="advice_new_tube").click().run()   # seal it and take a new one
    assert not at.exception, at.exception
    assert tube("M1") == (1, True)
    assert at.button(key=f"sample_{residents[0]}").disabled   # no tube in hand until a new one is opened
    tube_with_a_stranger("M2", strangers[1])
    at.button(key=f"sample_{residents[0]}").click().run()
    at.button(key="advice_go_on").click().run()   # or go on
    assert not at.exception, at.exception
    assert not any("此管已有" in w.value for w in at.warning)
    at.button(key=f"sample_{residents[1]}").click().run()   # the flat's stairwell is in the tube now: no question
    assert not any("此管已有" in w.value for w in at.warning)
    assert tube("M2") == (3, False)
