-- name: testing_round_insert
-- A new testing round; the id comes from its sequence.
INSERT INTO testing_round (community_id, name, round_date, start_at, pool_size, household_tubes, created_by,
                           created_at)
VALUES ($community_id, $round_name, $round_date, $start_at, $pool_size, $household_tubes, $created_by, $created_at)
RETURNING round_id;

-- name: testing_round
-- One round's settings.
SELECT round_id, community_id, name, round_date, start_at, pool_size, household_tubes, created_by, created_at
FROM testing_round
WHERE round_id = $round_id;

-- name: testing_building_centre
-- Where a site placed at a building's door stands: the footprint's centroid, if the actor may see it.
SELECT b.building_id, ST_X(ST_Centroid(b.geom)) AS lon, ST_Y(ST_Centroid(b.geom)) AS lat, b.community_id
FROM scoped_building($community_ids, $grid_ids, $household_ids) b
WHERE b.building_id = $building_id;

-- name: testing_site_insert
-- A sampling site of a round.
INSERT INTO sampling_site (round_id, name, building_id, lon, lat, desks, swabs_per_desk_hour, opens_at, closes_at)
VALUES ($round_id, $site_name, $building_id, $lon, $lat, $desks, $swabs_per_desk_hour, $opens_at, $closes_at)
RETURNING site_id;

-- name: testing_sites
-- The round's sites as the planner reads them (opens/closes NULL: from the round's start, no closing time).
SELECT site_id, name, lon, lat, desks, swabs_per_desk_hour, opens_at AS opens, closes_at AS closes
FROM sampling_site
WHERE round_id = $round_id
ORDER BY site_id;

-- name: testing_people
-- Everyone registered in the round's community that the viewer may see, how they are sampled on $today:
-- excluded (reason), door to door (bedridden) or at a site; whether and when they were sampled.
-- Personal rows follow $personal; names and phones leave here only to be masked.
WITH rnd AS (SELECT community_id FROM testing_round WHERE round_id = $round_id)
SELECT r.resident_id, h.household_id, h.stairwell_id, h.building_id, b.name AS building, h.unit_no, h.floor,
       h.room, r.name, r.phone, testing_exclusion(r.resident_id, $today) AS reason,
       s.taken_at AS sampled_at, t.code AS tube_code, r.bedridden
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
JOIN building b USING (building_id)
JOIN resident r USING (household_id)
LEFT JOIN sample s ON s.round_id = $round_id AND s.resident_id = r.resident_id
LEFT JOIN tube t ON t.tube_id = s.tube_id
WHERE h.community_id = (SELECT community_id FROM rnd)
  AND may_see_person($personal, r.resident_id, $today)
  AND allowed($stairwell_ids, h.stairwell_id) AND allowed($resident_ids, r.resident_id)
  AND ($building_name IS NULL OR (b.name = $building_name AND h.unit_no = $unit_no AND h.room = $room))
  AND ($phone_tail IS NULL OR r.phone LIKE '%' || $phone_tail)
ORDER BY h.building_id, h.unit_no, h.floor, h.room, r.resident_id;

-- name: testing_stairwell_load
-- Planner input: per stairwell of the round's community in scope, its entrance (the stairwell shape's centroid,
-- else its building's) and how many people come to a site (not excluded, not bedridden). Counts only.
WITH rnd AS (SELECT community_id FROM testing_round WHERE round_id = $round_id),
people AS (
    SELECT h.stairwell_id, count(*) AS people
    FROM scoped_household($community_ids, $grid_ids, $household_ids) h
    JOIN resident r USING (household_id)
    WHERE h.community_id = (SELECT community_id FROM rnd) AND NOT r.bedridden
      AND testing_exclusion(r.resident_id, $today) IS NULL
    GROUP BY h.stairwell_id
)
SELECT s.stairwell_id, s.building_id, ST_X(ST_Centroid(coalesce(s.geom, b.geom))) AS lon,
       ST_Y(ST_Centroid(coalesce(s.geom, b.geom))) AS lat, p.people
FROM people p
JOIN stairwell s USING (stairwell_id)
JOIN building b USING (building_id)
ORDER BY s.stairwell_id;

-- name: testing_batches_delete
-- Drop the round's stored plan before the new one is written.
DELETE FROM batch WHERE round_id = $round_id;

-- name: testing_batches_insert
-- The planner's groups from the registered frame `plan_batches`.
INSERT INTO batch (round_id, site_id, stairwell_id, group_no, people, slot_start, slot_end, walk_m)
SELECT $round_id, site_id, stairwell_id, group_no, people, slot_start, slot_end, walk_m
FROM plan_batches;

-- name: testing_batches
-- The round's stored plan, in slot order.
SELECT site_id, stairwell_id, group_no, people, slot_start, slot_end, walk_m
FROM batch
WHERE round_id = $round_id
ORDER BY slot_start, site_id, group_no, stairwell_id;

-- name: testing_tube
-- One tube of a round by its code.
SELECT tube_id, round_id, code, capacity, samples, site_id, opened_at, opened_by, closed_at, result, result_at,
       result_by, held_by
FROM tube
WHERE round_id = $round_id AND code = $code;

-- name: testing_tube_insert
-- A newly opened tube; capacity is the round's pool size.
INSERT INTO tube (round_id, code, capacity, site_id, opened_at, opened_by)
VALUES ($round_id, $code, $capacity, $site_id, $opened_at, $opened_by)
RETURNING tube_id;

-- name: testing_site_of_round
-- Whether the site belongs to the round.
SELECT site_id FROM sampling_site WHERE site_id = $site_id AND round_id = $round_id;

-- name: testing_person_check
-- For recording: is the resident registered in the round's community, and in the actor's scope?
SELECT r.household_id,
       x.community_id = (SELECT community_id FROM testing_round WHERE round_id = $round_id) AS in_community,
       EXISTS (SELECT 1 FROM scoped_household($community_ids, $grid_ids, $household_ids) y
               WHERE y.household_id = r.household_id) AS in_scope
FROM resident r
JOIN scoped_household(NULL, NULL, NULL) x USING (household_id)
WHERE r.resident_id = $resident_id;

-- name: testing_sample_of
-- The sample already taken from a person in the round, if any, with its tube's code.
SELECT s.sample_id, s.taken_at, t.code AS tube_code
FROM sample s
JOIN tube t USING (tube_id)
WHERE s.round_id = $round_id AND s.resident_id = $resident_id;

-- name: testing_tube_homes
-- The flats whose people are already in a tube (one tube per flat when the round says so).
SELECT DISTINCT r.household_id
FROM sample s
JOIN resident r USING (resident_id)
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h USING (household_id)
WHERE s.tube_id = $tube_id;

-- name: testing_tube_take_one
-- Count one more swab in an open tube with room; no row back means full or closed. Updating the tube's row
-- makes concurrent desks on the same tube conflict (and retry) rather than overfill it.
UPDATE tube SET samples = samples + 1
WHERE tube_id = $tube_id AND closed_at IS NULL AND samples < capacity
RETURNING samples;

-- name: testing_sample_insert
-- One swab, in one tube.
INSERT INTO sample (round_id, resident_id, tube_id, site_id, taken_at, taken_by)
VALUES ($round_id, $resident_id, $tube_id, $site_id, $taken_at, $taken_by)
RETURNING sample_id;

-- name: testing_tube_close
-- Seal an open tube.
UPDATE tube SET closed_at = $closed_at
WHERE tube_id = $tube_id AND closed_at IS NULL
RETURNING tube_id;

-- name: testing_tube_set_result
-- The lab's result for a closed tube.
UPDATE tube SET result = $result, result_at = $result_at, result_by = $result_by
WHERE tube_id = $tube_id
RETURNING tube_id;

-- name: testing_tubes_of_round
-- Every tube of the round, to check a lab file against.
SELECT tube_id, code, samples, closed_at, result FROM tube WHERE round_id = $round_id;

-- name: testing_progress
-- Per stairwell of the round's community in scope: people expected (all but the excluded), sampled, share,
-- and the stairwell's outline as GeoJSON (the building's point when it has only a point). Counts only.
WITH rnd AS (SELECT community_id FROM testing_round WHERE round_id = $round_id),
people AS (
    SELECT h.stairwell_id, count(*) AS expected, count(s.sample_id) AS sampled
    FROM scoped_household($community_ids, $grid_ids, $household_ids) h
    JOIN resident r USING (household_id)
    LEFT JOIN sample s ON s.round_id = $round_id AND s.resident_id = r.resident_id
    WHERE h.community_id = (SELECT community_id FROM rnd) AND testing_exclusion(r.resident_id, $today) IS NULL
    GROUP BY h.stairwell_id
)
SELECT p.stairwell_id, st.building_id, p.expected, p.sampled,
       round(CAST(p.sampled AS NUMERIC) / nullif(p.expected, 0), 4) AS share,
       ST_AsGeoJSON(coalesce(st.geom, CASE WHEN ST_Dimension(b.geom) = 0 THEN b.geom END)) AS geojson
FROM people p
JOIN stairwell st USING (stairwell_id)
JOIN building b USING (building_id)
ORDER BY st.building_id, p.stairwell_id;

-- name: testing_samples_over_time
-- Swabs of the round from people in scope per 15 minutes (bins with none are absent).
SELECT time_bucket(INTERVAL '15 minutes', s.taken_at) AS bin_start, count(*) AS samples
FROM sample s
JOIN resident r USING (resident_id)
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h USING (household_id)
WHERE s.round_id = $round_id
GROUP BY 1
ORDER BY bin_start;

-- name: testing_site_queues
-- Per site at $now: groups due (their slot running or starting within 30 minutes) and their people, swabs in the
-- last 30 minutes, open tubes.
SELECT x.site_id, x.name,
       (SELECT count(*) FROM batch q WHERE q.site_id = x.site_id AND q.round_id = $round_id
            AND q.slot_start < CAST($now AS TIMESTAMP) + INTERVAL '30 minutes' AND q.slot_end > CAST($now AS TIMESTAMP)) AS groups_due,
       (SELECT CAST(coalesce(sum(q.people), 0) AS INTEGER) FROM batch q WHERE q.site_id = x.site_id
            AND q.round_id = $round_id AND q.slot_start < CAST($now AS TIMESTAMP) + INTERVAL '30 minutes' AND q.slot_end > CAST($now AS TIMESTAMP))
           AS people_due,
       (SELECT count(*) FROM sample p WHERE p.site_id = x.site_id AND p.round_id = $round_id
            AND p.taken_at > CAST($now AS TIMESTAMP) - INTERVAL '30 minutes'
            AND p.taken_at <= CAST($now AS TIMESTAMP)) AS sampled_30min,
       (SELECT count(*) FROM tube u WHERE u.site_id = x.site_id AND u.round_id = $round_id
            AND u.closed_at IS NULL) AS open_tubes
FROM sampling_site x
WHERE x.round_id = $round_id
ORDER BY x.site_id;

-- name: testing_trace
-- The people of one tube the viewer may see: their flat, stairwell, building and compound (personal rows follow
-- $personal).
SELECT r.resident_id, r.name, r.phone, h.household_id, h.stairwell_id, h.building_id, c.name AS compound,
       b.name AS building, h.unit_no, h.room, s.taken_at, s.site_id
FROM sample s
JOIN tube t USING (tube_id)
JOIN resident r USING (resident_id)
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h USING (household_id)
JOIN building b USING (building_id)
JOIN compound c ON c.compound_id = h.compound_id
WHERE s.round_id = $round_id AND t.code = $code AND may_see_person($personal, r.resident_id, $today)
ORDER BY h.building_id, h.unit_no, h.room, r.resident_id;

-- name: testing_rounds
-- The rounds of the communities the viewer may see, newest first, for the page's round picker.
SELECT r.round_id, r.community_id, r.name, r.round_date, r.start_at, r.pool_size, r.household_tubes
FROM testing_round r
WHERE allowed($community_ids, r.community_id)
ORDER BY r.round_date DESC, r.round_id DESC;

-- name: testing_stairwell_names
-- Stairwells the viewer may see with their building, compound and unit, to label plans and call-down sheets.
SELECT s.stairwell_id, s.unit_no, b.building_id, b.name AS building, b.compound_name AS compound,
       ST_X(ST_Centroid(coalesce(s.geom, b.geom))) AS lon, ST_Y(ST_Centroid(coalesce(s.geom, b.geom))) AS lat
FROM scoped_building($community_ids, $grid_ids, $household_ids) b
JOIN stairwell s USING (building_id)
ORDER BY b.building_id, s.unit_no;
