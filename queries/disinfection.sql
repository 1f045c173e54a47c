-- name: disinfection_create_areas
-- Every building in scope (of one community, or all) gets the public areas it lacks of $kinds; a lift only
-- where the building has at least $lift_from floors. Returns the areas made.
INSERT INTO disinfection_area (building_id, kind, per_day, created_by, created_at)
SELECT b.building_id, k.kind, $per_day, $created_by, $created_at
FROM scoped_building($community_ids, $grid_ids, $household_ids) b
CROSS JOIN (SELECT unnest(CAST($kinds AS VARCHAR[])) AS kind) k
WHERE ($community_id IS NULL OR b.community_id = $community_id)
  AND (k.kind <> 'lift' OR coalesce(b.floors, 0) >= $lift_from)
  AND NOT EXISTS (SELECT 1 FROM disinfection_area a WHERE a.building_id = b.building_id AND a.kind = k.kind)
RETURNING area_id;

-- name: disinfection_building
-- One building in scope, for a change to its areas.
SELECT b.building_id, b.name, b.compound_name AS compound, b.floors, b.community_id
FROM scoped_building($community_ids, $grid_ids, $household_ids) b
WHERE b.building_id = $building_id;

-- name: disinfection_area_upsert
-- A building's area of a kind with its rounds a day: made, or its rounds changed.
INSERT INTO disinfection_area (building_id, kind, per_day, created_by, created_at)
VALUES ($building_id, $kind, $per_day, $created_by, $created_at)
ON CONFLICT (building_id, kind) DO UPDATE SET per_day = excluded.per_day;

-- name: disinfection_area_marks_drop
-- The marks of a building's areas not among $kinds (an area the building does not have: no lift).
DELETE FROM disinfection_mark
WHERE area_id IN (SELECT area_id FROM disinfection_area
                  WHERE building_id = $building_id AND NOT list_contains($kinds, kind));

-- name: disinfection_area_drop
-- A building's areas not among $kinds.
DELETE FROM disinfection_area WHERE building_id = $building_id AND NOT list_contains($kinds, kind);

-- name: disinfection_areas
-- Public areas of buildings in scope (one building, some compounds, or all), each with whether its building has
-- a household under one of $categories on $day, or a public list's case matched to it reported in the $case_days
-- up to $day (a case near: more rounds).
SELECT a.area_id, a.building_id, a.kind, a.per_day, b.name AS building, b.compound_name AS compound,
       b.compound_id, EXISTS (
           SELECT 1 FROM control_measure m
           JOIN resident r ON r.resident_id = m.resident_id
           JOIN household h ON h.household_id = r.household_id
           JOIN stairwell s ON s.stairwell_id = h.stairwell_id
           WHERE s.building_id = a.building_id AND list_contains($categories, m.category)
             AND active_on(m.start_date, m.released_at, $day)) OR EXISTS (
           SELECT 1 FROM external_case x
           WHERE x.building_id = a.building_id AND x.case_date <= $day
             AND x.case_date > CAST($day AS DATE) - CAST($case_days AS INTEGER)) AS near_case
FROM disinfection_area a
JOIN scoped_building($community_ids, $grid_ids, $household_ids) b ON b.building_id = a.building_id
WHERE ($building_id IS NULL OR a.building_id = $building_id)
  AND ($compound_ids IS NULL OR list_contains($compound_ids, b.compound_id))
ORDER BY b.compound_name, a.building_id, a.kind;

-- name: disinfection_marks
-- The day's done-marks of areas in scope (one building or all).
SELECT m.area_id, m.slot, m.done_at, m.done_by
FROM disinfection_mark m
JOIN disinfection_area a ON a.area_id = m.area_id
JOIN scoped_building($community_ids, $grid_ids, $household_ids) b ON b.building_id = a.building_id
WHERE m.day = $day AND ($building_id IS NULL OR a.building_id = $building_id);

-- name: disinfection_mark_of_slot
-- The mark of one area's slot, if any.
SELECT mark_id, done_at, done_by FROM disinfection_mark WHERE area_id = $area_id AND day = $day AND slot = $slot;

-- name: disinfection_mark_insert
-- One round done; nothing when the slot is marked already (two taps at once).
INSERT INTO disinfection_mark (area_id, day, slot, done_at, done_by)
VALUES ($area_id, $day, $slot, $done_at, $done_by)
ON CONFLICT (area_id, day, slot) DO NOTHING
RETURNING mark_id;

-- name: disinfection_buildings
-- Buildings in scope that have public areas, with their outline (or point) for the map.
SELECT b.building_id, b.name, b.compound_name AS compound, ST_AsGeoJSON(b.geom) AS geojson
FROM scoped_building($community_ids, $grid_ids, $household_ids) b
WHERE EXISTS (SELECT 1 FROM disinfection_area a WHERE a.building_id = b.building_id)
ORDER BY b.compound_name, b.building_id;
