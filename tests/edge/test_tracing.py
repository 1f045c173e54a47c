"""Contact tracing: contacts linked to residents, degree 2, and their households placed under the rule's measure
through the arrivals path, with the link in each history, audited, all or nothing."""

import json

import pytest

from resilient.core import ids
from resilient.core.accounts import User
from resilient.core.scope import Scope
from resilient.edge import cases, tracing
from resilient.edge.cases import CasesError
from tests.conftest import NOW, TODAY

pytestmark = pytest.mark.both_backends

LEADER = User(1, "leader", "社区书记", "community_leader", 1)
DOCTOR = User(3, "doctor", "医生", "doctor", 1)
ID_3 = "32040219800101001" + ids.check_digit("32040219800101001")


@pytest.fixture
def traced(small):
    """The small community with one case (C001, from a list) and resident 3 (household 12) registered by ID."""
    small.execute("INSERT INTO meta VALUES ('id_salt', 'salt')")
    small.execute("UPDATE resident SET id_hash = $h WHERE resident_id = 3", {"h": ids.hash_id(ID_3, "salt")})
    small.execute("INSERT INTO case_batch VALUES (1, 1, 'x.csv', 'wgs84', 1, 1, 'leader', "
                  "TIMESTAMP '2026-11-22 09:00')")
    small.execute("""INSERT INTO external_case (case_id, batch_id, community_id, case_date, case_no, kind, residence,
                     building_id, matched_by) VALUES (1, 1, 1, DATE '2026-11-22', 'C001', 'confirmed', 'A苑3栋', 3,
                     'name')""")
    return small


def test_contacts_are_linked_by_id_number_and_by_name_and_flat(traced):
    first = tracing.add_contact(traced, DOCTOR, 1, id_number=ID_3, now=NOW)
    assert (first["resident_id"], first["linked_by"]) == (3, "id_number")
    by_flat = tracing.add_contact(traced, DOCTOR, 1, name="居民9", flat="B苑3栋1单元502", now=NOW)
    assert (by_flat["resident_id"], by_flat["linked_by"]) == (9, "name_flat")
    outsider = tracing.add_contact(traced, DOCTOR, 1, degree=2, via_contact_id=first["contact_id"], name="王*_五",
                                   phone="138 1234 5678", now=NOW)
    assert outsider["resident_id"] is None
    shown = tracing.contacts(traced, Scope(community_ids=(1,)), 1, TODAY)
    assert list(shown["degree"]) == [1, 2, 1]  # each degree-1 contact followed by its own contacts
    assert shown.iloc[1]["phone"] == "138****5678" and shown.iloc[1]["via_contact_id"] == first["contact_id"]
    assert traced.execute("SELECT count(*) FROM audit_log WHERE action = 'contact_recorded'").fetchone()[0] == 3
    assert traced.execute("SELECT count(*) FROM close_contact WHERE resident_id IS NULL AND person_name = '王*_五'"
                          ).fetchone()[0] == 1


def test_a_degree_two_contact_needs_its_degree_one_contact(traced):
    with pytest.raises(CasesError) as refused:
        tracing.add_contact(traced, DOCTOR, 1, degree=2, via_contact_id=99, name="某人", now=NOW)
    assert refused.value.code == "tracing.error.via"
    with pytest.raises(CasesError):
        tracing.add_contact(traced, DOCTOR, 1, degree=2, name="某人", now=NOW)


def test_the_households_go_under_the_rules_measure_with_the_link_in_history(traced):
    first = tracing.add_contact(traced, LEADER, 1, id_number=ID_3, now=NOW)        # household 12: resident 3
    tracing.add_contact(traced, LEADER, 1, degree=2, via_contact_id=first["contact_id"], name="居民9",
                        flat="B苑3栋1单元502", now=NOW)                              # household 31: resident 9
    plan = tracing.placement(traced, LEADER, 1, TODAY)
    assert dict(zip(plan["resident_id"], plan["category"])) == {3: "centralised_quarantine", 9: "home_isolation"}
    done = tracing.place_under_measures(traced, LEADER, 1, now=NOW)
    assert done["placed"] == 2 and done["households"] == 2
    rows = traced.execute("""SELECT m.resident_id, m.category, m.origin, a.origin, e.detail
        FROM control_measure m JOIN arrival a USING (measure_id)
        JOIN measure_event e ON e.measure_id = m.measure_id AND e.kind = 'arrival'
        ORDER BY m.resident_id""").fetchall()
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [(3, "centralised_quarantine", "close_contact", "close_contact"),
                                                        (9, "home_isolation", "close_contact", "close_contact")]
    links = [json.loads(r[4])["link"] for r in rows]
    assert [(k["case_no"], k["degree"]) for k in links] == [("C001", 1), ("C001", 2)]
    assert traced.execute("SELECT count(*) FROM close_contact WHERE measure_id IS NOT NULL").fetchone()[0] == 2
    assert traced.execute("SELECT count(*) FROM audit_log WHERE action = 'contacts_placed'").fetchone()[0] == 1
    assert traced.execute("SELECT count(*) FROM audit_log WHERE action = 'arrival_registered'").fetchone()[0] == 2
    assert cases.kpis(traced, Scope(community_ids=(1,)), TODAY)["contacts_placed"] == 2
    with pytest.raises(CasesError) as again:
        tracing.place_under_measures(traced, LEADER, 1, now=NOW)
    assert again.value.code == "tracing.error.nobody_to_place"


def test_someone_already_under_a_measure_is_left_and_the_rest_placed(traced):
    # Household 11: resident 1 is under home isolation already, resident 2 is not (released yesterday).
    tracing.add_contact(traced, LEADER, 1, name="居民2", flat="A苑1栋1单元101", now=NOW)
    plan = tracing.placement(traced, LEADER, 1, TODAY)
    assert dict(zip(plan["resident_id"], plan["placed"])) == {1: False, 2: True}
    assert tracing.place_under_measures(traced, LEADER, 1, now=NOW)["placed"] == 1


def test_placing_is_all_or_nothing(traced, monkeypatch):
    tracing.add_contact(traced, LEADER, 1, id_number=ID_3, now=NOW)
    tracing.add_contact(traced, LEADER, 1, name="居民9", flat="B苑3栋1单元502", now=NOW)
    before = traced.execute("SELECT count(*) FROM control_measure").fetchone()[0]
    real = tracing.arrivals._register
    calls = []

    def second_fails(con, actor, scope, arrival, now):
        calls.append(arrival.resident_id)
        if len(calls) == 2:
            raise tracing.DailyError("arrivals.error.under_measure", resident_id=arrival.resident_id)
        return real(con, actor, scope, arrival, now)

    monkeypatch.setattr(tracing.arrivals, "_register", second_fails)
    with pytest.raises(CasesError) as refused:
        tracing.place_under_measures(traced, LEADER, 1, now=NOW)
    assert refused.value.code == "tracing.error.place_row"
    assert traced.execute("SELECT count(*) FROM control_measure").fetchone()[0] == before
    assert traced.execute("SELECT count(*) FROM audit_log WHERE action = 'contacts_placed'").fetchone()[0] == 0


def test_a_doctor_links_but_does_not_place(traced):
    tracing.add_contact(traced, DOCTOR, 1, id_number=ID_3, now=NOW)
    with pytest.raises(CasesError) as refused:
        tracing.place_under_measures(traced, DOCTOR, 1, now=NOW)
    assert refused.value.code == "cases.error.not_allowed"
    grid = User(2, "grid1", "网格员甲", "grid_worker", 1, staff_id=1)
    with pytest.raises(CasesError):
        tracing.add_contact(traced, grid, 1, name="某人", now=NOW)
