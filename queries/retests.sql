-- name: retest_positive_people
-- Everyone living in a flat with someone in the tube, in the actor's scope, and whether they are already under
-- an active measure on $today or in the tube themselves.
WITH homes AS (
    SELECT DISTINCT r.household_id
    FROM sample s JOIN resident r USING (resident_id)
    WHERE s.tube_id = $tube_id
)
SELECT r.resident_id, r.household_id,
       EXISTS (SELECT 1 FROM control_measure m WHERE m.resident_id = r.resident_id
               AND active_on(m.start_date, m.released_at, $today)) AS under_measure,
       EXISTS (SELECT 1 FROM sample s WHERE s.tube_id = $tube_id AND s.resident_id = r.resident_id) AS in_tube,
       h.household_id IS NOT NULL AS in_scope
FROM resident r
JOIN homes USING (household_id)
LEFT JOIN scoped_household($community_ids, $grid_ids, $household_ids) h USING (household_id)
ORDER BY r.resident_id;

-- name: retest_insert_measures
-- Home isolation for the listed people from $today to $planned_end, as close contacts, unless already under an
-- active measure; ids continue from the maximum. Only for flats in the actor's scope.
INSERT INTO control_measure (measure_id, resident_id, category, origin, start_date, planned_end, released_at,
                             created_at)
SELECT (SELECT coalesce(max(measure_id), 0) FROM control_measure) + row_number() OVER (ORDER BY r.resident_id),
       r.resident_id, 'home_isolation', 'close_contact', $today, $planned_end, NULL, $now
FROM resident r
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h USING (household_id)
WHERE list_contains($resident_ids, r.resident_id)
  AND NOT EXISTS (SELECT 1 FROM control_measure m WHERE m.resident_id = r.resident_id
                  AND active_on(m.start_date, m.released_at, $today))
RETURNING measure_id, resident_id;

-- name: retest_link_measure
-- A measure the positive tube imposed, so a negative re-test can release exactly it.
INSERT INTO tube_measure (measure_id, tube_id, household_id, created_at)
VALUES ($measure_id, $tube_id, $household_id, $now);

-- name: retest_insert
-- The tube's people on the single-tube re-test list, once each.
INSERT INTO retest (round_id, resident_id, from_tube_id, created_at)
SELECT $round_id, s.resident_id, s.tube_id, $now
FROM sample s
WHERE s.tube_id = $tube_id
  AND NOT EXISTS (SELECT 1 FROM retest x WHERE x.round_id = $round_id AND x.resident_id = s.resident_id)
RETURNING resident_id;

-- name: retest_list
-- The round's re-test list as the viewer may see it: each person of a positive tube with compound, building,
-- stairwell and room, how many live in the flat, the measure still running on $today (the one ending last),
-- the flat's measures the tube imposed still running, and the single re-test's result.
SELECT x.resident_id, r.name, r.phone, h.household_id, c.name AS compound, b.name AS building, h.unit_no,
       h.floor, h.room, t.code AS tube_code, x.created_at, x.result, x.result_at, x.result_by,
       (SELECT count(*) FROM resident z WHERE z.household_id = h.household_id) AS household_people,
       (SELECT m.category FROM control_measure m WHERE m.resident_id = x.resident_id
            AND m.start_date <= $today AND m.released_at IS NULL ORDER BY m.planned_end DESC LIMIT 1) AS measure,
       (SELECT m.planned_end FROM control_measure m WHERE m.resident_id = x.resident_id
            AND m.start_date <= $today AND m.released_at IS NULL ORDER BY m.planned_end DESC LIMIT 1) AS measure_end,
       (SELECT count(*) FROM tube_measure q JOIN control_measure m USING (measure_id)
            WHERE q.tube_id = x.from_tube_id AND q.household_id = h.household_id AND m.released_at IS NULL)
           AS held_by_tube
FROM retest x
JOIN tube t ON t.tube_id = x.from_tube_id
JOIN resident r ON r.resident_id = x.resident_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
JOIN building b ON b.building_id = h.building_id
JOIN compound c ON c.compound_id = h.compound_id
WHERE x.round_id = $round_id AND may_see_person($personal, r.resident_id, $today)
ORDER BY c.name, h.building_id, h.unit_no, h.room, x.resident_id;

-- name: retest_of
-- One person's place on the round's re-test list, their flat, and whether the actor's scope covers them.
SELECT x.from_tube_id, t.code AS tube_code, x.result, r.household_id,
       r.household_id IN (SELECT household_id FROM scoped_household($community_ids, $grid_ids, $household_ids))
           AS in_scope
FROM retest x
JOIN tube t ON t.tube_id = x.from_tube_id
JOIN resident r ON r.resident_id = x.resident_id
WHERE x.round_id = $round_id AND x.resident_id = $resident_id;

-- name: retest_set_result
-- A single re-test's result.
UPDATE retest SET result = $result, result_at = $now, result_by = $result_by
WHERE round_id = $round_id AND resident_id = $resident_id
RETURNING resident_id;

-- name: retest_flat_pending
-- How many of the tube's people in one flat are not (yet) re-tested negative: the flat stays under its measures
-- until none are.
SELECT count(*)
FROM retest x
JOIN resident r ON r.resident_id = x.resident_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
WHERE x.round_id = $round_id AND x.from_tube_id = $tube_id AND r.household_id = $flat_id
  AND x.result IS DISTINCT FROM 'negative';

-- name: retest_releasable
-- The running measures the tube imposed on one flat, in the actor's scope: what a clear re-test releases.
SELECT q.measure_id, m.resident_id, m.category, m.planned_end
FROM tube_measure q
JOIN control_measure m USING (measure_id)
JOIN resident r ON r.resident_id = m.resident_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
WHERE q.tube_id = $tube_id AND q.household_id = $flat_id AND m.released_at IS NULL
ORDER BY q.measure_id;
