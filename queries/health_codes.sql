-- name: health_code_resident
-- One resident for a code set by hand: whether the viewer's scope covers the flat and may see the person.
SELECT r.resident_id, r.household_id, h.community_id,
       $personal <> 'none' AND may_see_person($personal, r.resident_id, $today) AS visible
FROM resident r
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
WHERE r.resident_id = $resident_id;

-- name: health_code_current_of
-- The current code of these residents (the latest by date), in scope.
SELECT c.resident_id, c.code_id, c.colour, c.shown_on, c.set_at
FROM current_health_code() c
JOIN resident r ON r.resident_id = c.resident_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
WHERE list_contains($resident_ids, c.resident_id);

-- name: health_code_insert
-- A new code; every change is a row of its own.
INSERT INTO health_code (resident_id, colour, shown_on, source, set_by, set_at)
VALUES ($resident_id, $colour, $shown_on, $source, $set_by, $set_at)
RETURNING code_id;

-- name: health_code_alert_insert
-- An alert on the fever alerts' list for a yellow or red code, once per code.
INSERT INTO fever_alert (code_id, resident_id, raised_at)
SELECT $code_id, $resident_id, $raised_at
WHERE NOT EXISTS (SELECT 1 FROM fever_alert WHERE code_id = $code_id)
RETURNING alert_id;

-- name: health_code_by_hash
-- Residents with one of these ID hashes, with whether the viewer's scope covers them (a sheet's ID column).
SELECT r.id_hash, r.resident_id,
       h.household_id IS NOT NULL AND $personal <> 'none'
           AND may_see_person($personal, r.resident_id, $today) AS in_scope
FROM resident r
LEFT JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
WHERE list_contains($id_hashes, r.id_hash);

-- name: health_code_by_name
-- Residents with one of these names and their flat, with whether the viewer's scope covers them (a sheet's
-- name, building and room); the building is matched by its key in Python.
SELECT r.resident_id, r.name, b.name AS building, c.name AS compound, s.unit_no, hh.room,
       h.household_id IS NOT NULL AND $personal <> 'none'
           AND may_see_person($personal, r.resident_id, $today) AS in_scope
FROM resident r
JOIN household hh ON hh.household_id = r.household_id
JOIN stairwell s ON s.stairwell_id = hh.stairwell_id
JOIN building b ON b.building_id = s.building_id
JOIN compound c ON c.compound_id = b.compound_id
LEFT JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
WHERE list_contains($names, r.name);

-- name: health_code_counts
-- Residents in scope by current colour (as of $today: codes shown after it not yet), and codes written on
-- $today, optionally narrowed to compounds.
SELECT 'colour:' || l.colour AS item, count(*) AS n
FROM health_code_as_of(CAST($today AS DATE)) l
JOIN resident r ON r.resident_id = l.resident_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
WHERE $compound_ids IS NULL OR list_contains($compound_ids, h.compound_id)
GROUP BY l.colour
UNION ALL
SELECT 'changed_today', count(*)
FROM health_code x
JOIN resident r ON r.resident_id = x.resident_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
WHERE CAST(x.set_at AS DATE) = $today
  AND ($compound_ids IS NULL OR list_contains($compound_ids, h.compound_id))
UNION ALL
SELECT 'alerts_open', count(*)
FROM fever_alert a
JOIN resident r ON r.resident_id = a.resident_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
WHERE a.code_id IS NOT NULL AND a.handled_at IS NULL
  AND ($compound_ids IS NULL OR list_contains($compound_ids, h.compound_id));

-- name: health_code_buildings
-- Buildings in scope with how many residents hold each current colour (codes shown up to $today), narrowed to
-- compounds and to the chosen colours: the overview's filter. Counts only, no names.
SELECT h.building_id, c.name AS compound, b.name AS building,
       count(*) FILTER (WHERE l.colour = 'red') AS red,
       count(*) FILTER (WHERE l.colour = 'yellow') AS yellow,
       count(*) FILTER (WHERE l.colour = 'green') AS green
FROM health_code_as_of(CAST($today AS DATE)) l
JOIN resident r ON r.resident_id = l.resident_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
JOIN building b ON b.building_id = h.building_id
JOIN compound c ON c.compound_id = h.compound_id
WHERE ($compound_ids IS NULL OR list_contains($compound_ids, h.compound_id)) AND list_contains($colours, l.colour)
GROUP BY h.building_id, c.name, b.name
ORDER BY red DESC, yellow DESC, c.name, b.name;

-- name: health_code_history
-- One resident's codes, newest first, in scope.
SELECT x.code_id, x.colour, x.shown_on, x.source, x.set_by, x.set_at
FROM health_code x
JOIN resident r ON r.resident_id = x.resident_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
WHERE x.resident_id = $resident_id AND $personal <> 'none'
ORDER BY x.shown_on DESC, x.set_at DESC, x.code_id DESC;
