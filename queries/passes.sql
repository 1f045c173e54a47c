-- Gates and passes (出入证) and the visit an arrival gets: resilient/edge/passes.py, resilient/edge/visits.py.

-- name: passes_gates
-- The gates of the compounds in scope, with their compound and community.
SELECT g.gate_id, g.compound_id, c.name AS compound, c.community_id, g.name, g.lon, g.lat, g.active
FROM gate g JOIN compound c ON c.compound_id = g.compound_id
WHERE allowed($community_ids, c.community_id)
ORDER BY c.name, g.name, g.gate_id;

-- name: passes_compound
-- One compound in scope (its community), for every write that names it.
SELECT c.compound_id, c.community_id, c.name FROM compound c
WHERE c.compound_id = $compound_id AND allowed($community_ids, c.community_id);

-- name: passes_gate_insert
-- A new gate of a compound.
INSERT INTO gate (compound_id, name, lon, lat) VALUES ($compound_id, $gate_name, $lon, $lat) RETURNING gate_id;

-- name: passes_compound_households
-- The compound's flats in scope for a bulk issue: whether one is under a measure that keeps it in, whether it
-- already holds an active person pass, and its first resident (the holder named on the card).
SELECT h.household_id, c.name AS compound, b.name AS building, h.unit_no, h.room,
       household_under(h.household_id, $categories, CAST($today AS DATE)) AS under_measure,
       EXISTS (SELECT 1 FROM gate_pass p WHERE p.household_id = h.household_id AND p.kind = 'person'
               AND p.status = 'active' AND p.valid_until >= $today) AS has_pass,
       (SELECT min(r.resident_id) FROM resident r WHERE r.household_id = h.household_id) AS resident_id
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
JOIN building b ON b.building_id = h.building_id
JOIN compound c ON c.compound_id = h.compound_id
WHERE h.compound_id = $compound_id
ORDER BY b.building_id, h.unit_no, h.floor, h.room;

-- name: passes_household
-- One flat in scope with its compound, and whether it is under a measure that keeps it in.
SELECT h.household_id, h.compound_id, h.community_id,
       household_under(h.household_id, $categories, CAST($today AS DATE)) AS under_measure
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
WHERE h.household_id = $household_id;

-- name: passes_serial
-- How many passes a compound has been issued (the next card's serial follows).
SELECT count(*) FROM gate_pass p JOIN household h ON h.household_id = p.household_id
JOIN stairwell s ON s.stairwell_id = h.stairwell_id JOIN building b ON b.building_id = s.building_id
WHERE b.compound_id = $compound_id
  AND h.household_id IN (SELECT household_id FROM scoped_household($community_ids, $grid_ids, $household_ids));

-- name: passes_insert
-- One pass issued.
INSERT INTO gate_pass (code, number, kind, household_id, resident_id, holder_name, plate, valid_until, issued_at,
                       issued_by)
VALUES ($code, $number, $kind, $household_id, $resident_id, $holder_name, $plate, $valid_until, $now, $by)
RETURNING pass_id;

-- name: passes_plate_active
-- An active vehicle pass for this plate (a plate holds one pass at a time).
SELECT pass_id, number FROM gate_pass WHERE kind = 'vehicle' AND plate = $plate AND status = 'active';

-- name: passes_by_code
-- The pass a scanned code names, as the gate sees it: holder, flat, status, whether its household is under a
-- measure now, and its last movement. The gate's scope is the community: a guard on duty checks every pass.
SELECT p.pass_id, p.number, p.kind, p.household_id, p.plate, p.valid_until, p.status, p.revoked_why,
       coalesce(r.name, p.holder_name) AS name, p.resident_id, h.community_id, c.name AS compound,
       b.name AS building, h.unit_no, h.room,
       household_under(p.household_id, $categories, CAST($now AS DATE)) AS under_measure,
       last.direction AS last_direction, last.moved_at AS last_at
FROM gate_pass p
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = p.household_id
JOIN building b ON b.building_id = h.building_id
JOIN compound c ON c.compound_id = h.compound_id
LEFT JOIN resident r ON r.resident_id = p.resident_id
LEFT JOIN (SELECT pass_id, direction, moved_at FROM (
               SELECT pass_id, direction, moved_at,
                      row_number() OVER (PARTITION BY pass_id ORDER BY moved_at DESC, movement_id DESC) AS rn
               FROM pass_movement) ranked WHERE rn = 1) last
       ON last.pass_id = p.pass_id
WHERE p.code = $code;

-- name: passes_movement_insert
-- A scan let through.
INSERT INTO pass_movement (pass_id, gate_id, direction, moved_at, by_user) VALUES ($pass_id, $gate_id, $direction, $now, $by);

-- name: passes_revoke
-- A pass revoked, with why, when and by whom.
UPDATE gate_pass SET status = 'revoked', revoked_why = $why, revoked_at = $now, revoked_by = $by
WHERE pass_id = $pass_id AND status = 'active';

-- name: passes_under_measures
-- Active passes in scope whose household is under a measure that keeps it in: revoked at their next scan, or
-- all at once from the gate page.
SELECT p.pass_id, p.number, p.kind, p.household_id, c.name AS compound, b.name AS building, h.unit_no, h.room
FROM gate_pass p
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = p.household_id
JOIN building b ON b.building_id = h.building_id
JOIN compound c ON c.compound_id = h.compound_id
WHERE p.status = 'active' AND household_under(p.household_id, $categories, CAST($now AS DATE))
ORDER BY p.pass_id;

-- name: passes_out_now
-- Passes in scope whose last movement is out: who is out now, since when, through which gate.
WITH last AS (
    SELECT pass_id, gate_id, direction, moved_at FROM (
        SELECT pass_id, gate_id, direction, moved_at,
               row_number() OVER (PARTITION BY pass_id ORDER BY moved_at DESC, movement_id DESC) AS rn
        FROM pass_movement) ranked
    WHERE rn = 1
)
SELECT p.pass_id, p.number, p.kind, p.plate, coalesce(r.name, p.holder_name) AS name, p.resident_id,
       p.household_id, c.name AS compound, b.name AS building, h.unit_no, h.room, l.gate_id, g.name AS gate,
       l.moved_at AS out_since
FROM last l
JOIN gate_pass p ON p.pass_id = l.pass_id
JOIN gate g ON g.gate_id = l.gate_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = p.household_id
JOIN building b ON b.building_id = h.building_id
JOIN compound c ON c.compound_id = h.compound_id
LEFT JOIN resident r ON r.resident_id = p.resident_id
WHERE l.direction = 'out' AND l.moved_at <= $now
ORDER BY l.moved_at, p.pass_id;

-- name: passes_gate_counts
-- Each gate in scope with its scans today (out, in) and the passes whose last movement went out through it.
WITH last AS (
    SELECT pass_id, gate_id, direction FROM (
        SELECT pass_id, gate_id, direction,
               row_number() OVER (PARTITION BY pass_id ORDER BY moved_at DESC, movement_id DESC) AS rn
        FROM pass_movement WHERE moved_at <= $now) ranked
    WHERE rn = 1
)
SELECT g.gate_id, g.name, c.name AS compound, g.lon, g.lat, g.active,
       CAST((SELECT count(*) FROM pass_movement m WHERE m.gate_id = g.gate_id AND m.direction = 'out'
             AND CAST(m.moved_at AS DATE) = CAST($now AS DATE) AND m.moved_at <= $now) AS INTEGER) AS out_today,
       CAST((SELECT count(*) FROM pass_movement m WHERE m.gate_id = g.gate_id AND m.direction = 'in'
             AND CAST(m.moved_at AS DATE) = CAST($now AS DATE) AND m.moved_at <= $now) AS INTEGER) AS in_today,
       CAST((SELECT count(*) FROM last l WHERE l.gate_id = g.gate_id AND l.direction = 'out') AS INTEGER)
           AS out_now
FROM gate g JOIN compound c ON c.compound_id = g.compound_id
WHERE allowed($community_ids, c.community_id)
ORDER BY c.name, g.name, g.gate_id;

-- name: passes_cards
-- The active passes of a compound in scope, for the sheet of cards to print.
SELECT p.pass_id, p.number, p.code, p.kind, p.plate, coalesce(r.name, p.holder_name) AS name, p.resident_id,
       p.valid_until, c.name AS compound, b.name AS building, h.unit_no, h.room
FROM gate_pass p
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = p.household_id
JOIN building b ON b.building_id = h.building_id
JOIN compound c ON c.compound_id = h.compound_id
LEFT JOIN resident r ON r.resident_id = p.resident_id
WHERE h.compound_id = $compound_id AND p.status = 'active'
ORDER BY p.kind, b.building_id, h.unit_no, h.floor, h.room, p.pass_id;

-- name: passes_kpis
-- Passes active in scope, and scans today (movements let through).
SELECT CAST(count(*) FILTER (WHERE p.status = 'active' AND p.valid_until >= CAST($now AS DATE)) AS INTEGER),
       CAST((SELECT count(*) FROM pass_movement m JOIN gate_pass q ON q.pass_id = m.pass_id
             WHERE q.household_id IN (SELECT household_id FROM scoped_household($community_ids, $grid_ids,
                                                                                $household_ids))
               AND CAST(m.moved_at AS DATE) = CAST($now AS DATE) AND m.moved_at <= $now) AS INTEGER)
FROM gate_pass p
WHERE p.household_id IN (SELECT household_id FROM scoped_household($community_ids, $grid_ids, $household_ids));

-- name: visits_due
-- Arrivals in scope whose measure is open and takes a home visit, not yet visited: with the flat, the team that
-- looks after it (else the flat's grid worker) and the three members. Every arrival has an open measure, so a
-- doctor sees it; names are blanked in Python for a viewer who sees nobody one by one.
SELECT a.arrival_id, a.arrival_date, a.recorded_at, a.resident_id, r.name, r.phone, a.from_place, a.origin,
       a.category, a.temperature AS gate_temperature, h.household_id, c.name AS compound, b.name AS building,
       h.unit_no, h.room, t.team_id, coalesce(t.grid_worker_id, g.grid_worker_id) AS grid_worker_id,
       t.doctor_id, t.police_id
FROM arrival a
JOIN control_measure m ON m.measure_id = a.measure_id
JOIN resident r ON r.resident_id = a.resident_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
JOIN building b ON b.building_id = h.building_id
JOIN compound c ON c.compound_id = h.compound_id
LEFT JOIN grid_cell g ON g.grid_id = h.grid_id
LEFT JOIN team_household th ON th.household_id = h.household_id AND th.start_date <= CAST($now AS DATE)
     AND (th.end_date IS NULL OR th.end_date >= CAST($now AS DATE))
LEFT JOIN team t ON t.team_id = th.team_id
WHERE m.released_at IS NULL AND list_contains($categories, a.category) AND a.recorded_at <= $now
  AND NOT EXISTS (SELECT 1 FROM arrival_visit v WHERE v.arrival_id = a.arrival_id)
ORDER BY a.recorded_at DESC, a.arrival_id;

-- name: visit_arrival
-- One arrival in scope, for recording its visit: whether it was visited already.
SELECT a.arrival_id, a.resident_id, h.household_id,
       EXISTS (SELECT 1 FROM arrival_visit v WHERE v.arrival_id = a.arrival_id) AS visited
FROM arrival a
JOIN resident r ON r.resident_id = a.resident_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
WHERE a.arrival_id = $arrival_id AND may_see_person($personal, a.resident_id, CAST($now AS DATE));

-- name: visit_insert
-- The visit recorded.
INSERT INTO arrival_visit (arrival_id, temperature, notice_given, door_sealed, note, visited_at, recorded_by)
VALUES ($arrival_id, $temperature, $notice_given, $door_sealed, $note, $now, $by) RETURNING visit_id;

-- name: passes_active_of_resident
-- The active passes of a resident's household, when a measure is written for them (scope checked by the caller).
SELECT p.pass_id
FROM gate_pass p JOIN resident r ON r.household_id = p.household_id
WHERE r.resident_id = $resident_id AND p.status = 'active'
ORDER BY p.pass_id;
