-- name: arrival_rules_get
-- The community's stored arrival rules (none: the built-in defaults apply).
SELECT origin, risk, category, days FROM arrival_rule WHERE community_id = $community_id
ORDER BY origin, risk;

-- name: arrival_rules_delete
-- Drop the community's rules before the new set is written (in one transaction with the inserts).
DELETE FROM arrival_rule WHERE community_id = $community_id;

-- name: arrival_rule_insert
-- One rule of a community's set.
INSERT INTO arrival_rule (community_id, origin, risk, category, days)
VALUES ($community_id, $origin, $risk, $category, $days);

-- name: arrival_household
-- A flat the viewer may see, with its community.
SELECT h.household_id, h.community_id, h.grid_id
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
WHERE h.household_id = $household_id;

-- name: arrival_resident
-- A resident the viewer may see one by one, with flat, community and any measure not yet released.
SELECT r.resident_id, r.household_id, h.community_id,
       (SELECT m.measure_id FROM control_measure m
        WHERE m.resident_id = r.resident_id AND m.released_at IS NULL ORDER BY m.planned_end DESC LIMIT 1)
           AS open_measure_id,
       (SELECT m.category FROM control_measure m
        WHERE m.resident_id = r.resident_id AND m.released_at IS NULL ORDER BY m.planned_end DESC LIMIT 1)
           AS open_category,
       (SELECT max(m.planned_end) FROM control_measure m
        WHERE m.resident_id = r.resident_id AND m.released_at IS NULL) AS open_until
FROM resident r
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h USING (household_id)
WHERE r.resident_id = $resident_id AND $personal = 'all';

-- name: arrival_residents_by_hash
-- Registered residents with one of these ID hashes, with whether the viewer's scope covers their flat.
SELECT r.id_hash, r.resident_id, r.household_id,
       h.household_id IS NOT NULL AS in_scope
FROM resident r
LEFT JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
WHERE list_contains($id_hashes, r.id_hash);

-- name: arrival_flats
-- Flats of a community in the viewer's scope, by building name, unit and room, for a gate sheet's addresses.
SELECT h.household_id, b.name AS building, c.name AS compound, h.unit_no, h.room
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
JOIN building b ON b.building_id = h.building_id
JOIN compound c ON c.compound_id = h.compound_id
WHERE h.community_id = $community_id;

-- name: arrival_insert_resident
-- A newcomer's resident row in a flat of the viewer's scope; ids continue from the maximum. Returns the id.
INSERT INTO resident (resident_id, household_id, name, sex, birth_date, phone, id_masked, id_hash)
SELECT (SELECT coalesce(max(resident_id), 0) FROM resident) + 1, h.household_id, $person_name, $sex, $birth_date,
       $phone, $id_masked, $id_hash
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
WHERE h.household_id = $household_id
RETURNING resident_id;

-- name: arrival_insert_measure
-- The decided measure of an arrival, for a resident in the viewer's scope; ids continue from the maximum.
INSERT INTO control_measure (measure_id, resident_id, category, origin, start_date, planned_end, released_at,
                             created_at)
SELECT (SELECT coalesce(max(measure_id), 0) FROM control_measure) + 1, r.resident_id, $category, $origin,
       $start_date, $planned_end, NULL, $now
FROM resident r
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h USING (household_id)
WHERE r.resident_id = $resident_id
RETURNING measure_id;

-- name: arrival_insert
-- The gate's record of one arrival (the person and the measure written just before, same transaction).
INSERT INTO arrival (resident_id, arrival_date, from_place, origin, risk, temperature, transport, newcomer,
                     suggested_category, suggested_days, category, days, reason, measure_id, recorded_by,
                     recorded_at, gate_id)
VALUES ($resident_id, $arrival_date, $from_place, $origin, $risk, $temperature, $transport, $newcomer,
        $suggested_category, $suggested_days, $category, $days, $reason, $measure_id, $recorded_by, $recorded_at,
        $gate_id)
RETURNING arrival_id;

-- name: arrival_list
-- Arrivals between $since and $until in the viewer's scope, newest first, with the flat and the decision.
SELECT a.arrival_id, a.arrival_date, a.resident_id, r.name, r.phone, b.name AS building, h.unit_no, h.room,
       a.from_place, a.origin, a.risk, a.temperature, a.transport, a.newcomer, a.suggested_category,
       a.suggested_days, a.category, a.days, a.reason, a.measure_id, a.recorded_by, a.recorded_at,
       c.name AS compound
FROM arrival a
JOIN resident r ON r.resident_id = a.resident_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
JOIN building b ON b.building_id = h.building_id
JOIN compound c ON c.compound_id = h.compound_id
WHERE a.arrival_date BETWEEN $since AND $until
  AND may_see_person($personal, a.resident_id, a.arrival_date)
ORDER BY a.arrival_date DESC, a.arrival_id DESC;

-- name: arrival_counts
-- Arrivals per origin on each day from $since to $until, in the viewer's scope (counts only).
SELECT a.arrival_date AS day, a.origin, count(*) AS arrivals
FROM arrival a
JOIN resident r ON r.resident_id = a.resident_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
WHERE a.arrival_date BETWEEN $since AND $until
GROUP BY a.arrival_date, a.origin
ORDER BY day, a.origin;

-- name: resident_find
-- Residents the viewer may see one by one, found by flat ($building/$unit_no/$room, the compound's name when
-- given), by phone digits or room number ($digits), or by part of the name ($name_part); at most $limit people,
-- each with every measure not yet released (one row per measure, or one row without).
WITH found AS (
    SELECT r.resident_id, r.household_id, h.community_id, r.name, r.phone, c.name AS compound, b.name AS building,
           h.unit_no, h.floor, h.room
    FROM resident r
    JOIN scoped_household($community_ids, $grid_ids, $household_ids) h USING (household_id)
    JOIN building b ON b.building_id = h.building_id
    JOIN compound c ON c.compound_id = h.compound_id
    WHERE may_see_person($personal, r.resident_id, $today)
      AND ($building IS NULL OR (b.name = $building AND h.unit_no = $unit_no AND h.room = $room
                                 AND c.name LIKE '%' || $compound || '%'))
      AND ($digits IS NULL OR r.phone LIKE '%' || $digits OR h.room = $digits)
      AND ($name_part IS NULL OR r.name LIKE '%' || $name_part || '%')
    ORDER BY try_cast(regexp_extract(b.name, '\d+') AS INTEGER), b.name, h.unit_no, h.floor, h.room, r.resident_id
    LIMIT $limit
)
SELECT f.resident_id, f.household_id, f.community_id, f.name, f.phone, f.compound, f.building, f.unit_no,
       f.room, m.measure_id, m.category, m.start_date, m.planned_end
FROM found f
LEFT JOIN control_measure m ON m.resident_id = f.resident_id AND m.released_at IS NULL
ORDER BY try_cast(regexp_extract(f.building, '\d+') AS INTEGER), f.building, f.unit_no, f.floor, f.room,
         f.resident_id, m.planned_end;
