-- name: desk_buildings
-- The round's community's buildings the viewer may see, with their compound: what a typed address is matched
-- against (by building key, in Python, as the register import matches). Places only, no people.
SELECT b.building_id, b.name AS building, b.compound_name AS compound
FROM scoped_building($community_ids, $grid_ids, $household_ids) b
WHERE b.community_id = (SELECT community_id FROM testing_round WHERE round_id = $round_id)
ORDER BY b.building_id;

-- name: desk_people
-- The people a desk search found (one flat's room in some buildings, one household, one resident, or a phone's
-- last digits) that the viewer may see, with compound, building, stairwell and room, how they are sampled on
-- $today and whether they already were. Names and phones leave here only to be masked.
WITH rnd AS (SELECT community_id FROM testing_round WHERE round_id = $round_id)
SELECT r.resident_id, h.household_id, h.stairwell_id, h.building_id, c.name AS compound, b.name AS building,
       h.unit_no, h.floor, h.room, r.name, r.phone, testing_exclusion(r.resident_id, $today) AS reason,
       r.bedridden, s.taken_at AS sampled_at, t.code AS tube_code
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
JOIN building b USING (building_id)
JOIN compound c ON c.compound_id = h.compound_id
JOIN resident r USING (household_id)
LEFT JOIN sample s ON s.round_id = $round_id AND s.resident_id = r.resident_id
LEFT JOIN tube t ON t.tube_id = s.tube_id
WHERE h.community_id = (SELECT community_id FROM rnd)
  AND may_see_person($personal, r.resident_id, $today)
  AND allowed($building_ids, h.building_id) AND ($unit_no IS NULL OR h.unit_no = $unit_no)
  AND ($room IS NULL OR h.room = $room)
  AND allowed($households, h.household_id) AND allowed($resident_ids, r.resident_id)
  AND ($phone_tail IS NULL OR r.phone LIKE '%' || $phone_tail)
ORDER BY c.name, h.building_id, h.unit_no, h.floor, h.room, r.resident_id
LIMIT 60;

-- name: desk_open_tubes
-- The round's tubes not yet sealed (at the sites listed, NULL = all), the oldest first: who holds each, since when.
SELECT t.code, t.site_id, x.name AS site, t.samples, t.capacity, t.opened_at, t.opened_by,
       coalesce(t.held_by, t.opened_by) AS held_by, coalesce(t.held_since, t.opened_at) AS held_since
FROM tube t
LEFT JOIN sampling_site x ON x.site_id = t.site_id
WHERE t.round_id = $round_id AND t.closed_at IS NULL AND allowed($site_ids, t.site_id)
ORDER BY t.opened_at, t.code;

-- name: desk_tube_hold
-- A desk takes an open tube over: it holds it from $now. No row back means it was sealed meanwhile.
UPDATE tube SET held_by = $held_by, held_since = $now
WHERE tube_id = $tube_id AND closed_at IS NULL
RETURNING tube_id;

-- name: desk_settings_get
-- The stored testing settings (the lab's limits), JSON, if any.
SELECT value FROM meta WHERE key = 'testing_settings';

-- name: desk_tube_contents
-- Before a swab goes into a tube: its room, whether the round keeps one tube per flat, and the flat and stairwell
-- (compound, building, unit) of each swab in it so far (one row per swab; one row of NULLs when it is empty).
SELECT t.capacity, t.samples, x.household_tubes, h.household_id, h.stairwell_id, c.name AS compound,
       b.name AS building, h.unit_no
FROM tube t
JOIN testing_round x ON x.round_id = t.round_id
LEFT JOIN sample s ON s.tube_id = t.tube_id
LEFT JOIN resident r ON r.resident_id = s.resident_id
LEFT JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
LEFT JOIN building b ON b.building_id = h.building_id
LEFT JOIN compound c ON c.compound_id = h.compound_id
WHERE t.round_id = $round_id AND t.code = $code;

-- name: desk_planned_waiting
-- People of a planned tube's households (the round's community) who walk to a site and are not sampled yet: a
-- count, so the desk knows when to seal the tube; no names or rooms leave here.
WITH rnd AS (SELECT community_id FROM testing_round WHERE round_id = $round_id)
SELECT count(*) AS waiting
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
JOIN resident r USING (household_id)
LEFT JOIN sample s ON s.round_id = $round_id AND s.resident_id = r.resident_id
WHERE h.community_id = (SELECT community_id FROM rnd) AND allowed($households, h.household_id)
  AND NOT r.bedridden AND testing_exclusion(r.resident_id, $today) IS NULL AND s.sample_id IS NULL;
