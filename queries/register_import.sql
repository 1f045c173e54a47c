-- name: import_id_salt
-- The salt ID numbers are hashed with (the demo generator writes one; an import makes one if missing).
SELECT value FROM meta WHERE key = 'id_salt';

-- name: id_salts
-- The database's salt and the communities' own (joined from an office with another: meta id_salt:<community>).
SELECT key, value FROM meta WHERE key = 'id_salt' OR key LIKE 'id_salt:%' ORDER BY key;

-- name: import_insert_salt
-- Store a new ID salt; only ever written once per database.
INSERT INTO meta (key, value) VALUES ('id_salt', $salt);

-- name: import_compounds
-- Compounds of the communities being imported into ($communities), to match the 小区 column.
SELECT compound_id, community_id, name
FROM compound
WHERE list_contains($communities, community_id)
ORDER BY compound_id;

-- name: import_buildings
-- Buildings of those communities in the importer's communities, to match names; in_scope: the importer's grid
-- cells or households reach it (a row in another building is refused by name, not reported as unknown).
SELECT b.building_id, b.compound_id, c.community_id, b.name, b.grid_id, b.floors, c.name AS compound_name,
       b.building_id IN (SELECT building_id FROM scoped_building($community_ids, $grid_ids, $household_ids))
           AS in_scope
FROM building b
JOIN compound c USING (compound_id)
WHERE list_contains($communities, c.community_id) AND allowed($community_ids, c.community_id)
ORDER BY b.building_id;

-- name: import_stairwells
-- Stairwells of the buildings the importer may see in those communities, matched by (building, unit number).
SELECT s.stairwell_id, s.building_id, s.unit_no
FROM stairwell s
JOIN scoped_building($community_ids, $grid_ids, $household_ids) b USING (building_id)
WHERE list_contains($communities, b.community_id);

-- name: import_households
-- Flats the importer may see in those communities, matched by (stairwell, room).
SELECT h.household_id, h.stairwell_id, h.room, h.floor
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
WHERE list_contains($communities, h.community_id);

-- name: import_grids
-- Grid cells of those communities, matched by name (第1网格).
SELECT grid_id, community_id, name
FROM grid_cell
WHERE list_contains($communities, community_id)
ORDER BY grid_id;

-- name: import_known_residents
-- Residents whose ID hash is in the registered frame `import_hashes`, with their current values, and whether
-- the importer's scope covers their household (a move out of a flat they may not see is refused).
SELECT r.id_hash, r.resident_id, r.household_id, r.name, r.sex, r.birth_date, r.phone, r.id_masked,
       r.disabled, r.bedridden, r.chronic_illness, r.low_income, r.pregnant,
       h.household_id IS NOT NULL AS in_scope
FROM resident r
JOIN import_hashes i USING (id_hash)
LEFT JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id;

-- name: import_insert_compounds
-- Census: compounds named in `import_rows` that the community does not have yet; ids continue from the maximum.
INSERT INTO compound (compound_id, community_id, name)
SELECT (SELECT coalesce(max(compound_id), 0) FROM compound)
           + row_number() OVER (ORDER BY n.community_id, n.compound_name),
       n.community_id, n.compound_name
FROM (SELECT DISTINCT community_id, compound_name FROM import_rows) n
WHERE NOT EXISTS (SELECT 1 FROM compound c WHERE c.community_id = n.community_id AND c.name = n.compound_name)
  AND allowed($community_ids, n.community_id) AND $grid_ids IS NULL AND $household_ids IS NULL
RETURNING compound_id;

-- name: import_insert_buildings
-- Census: buildings not yet in their compound, as tall as the highest of their floors column and rooms. Only
-- for importers who see whole communities (a grid worker's new building would be outside their own scope).
INSERT INTO building (building_id, compound_id, grid_id, name, floors)
SELECT (SELECT coalesce(max(building_id), 0) FROM building)
           + row_number() OVER (ORDER BY n.compound_id, n.building_name),
       n.compound_id, n.grid_id, n.building_name, n.floors
FROM (
    SELECT c.compound_id, c.community_id, r.building_name, min(r.grid_id) AS grid_id,
           greatest(max(r.floors), max(r.floor)) AS floors
    FROM import_rows r
    JOIN compound c ON c.community_id = r.community_id AND c.name = r.compound_name
    GROUP BY c.compound_id, c.community_id, r.building_name
) n
WHERE NOT EXISTS (SELECT 1 FROM building b WHERE b.compound_id = n.compound_id AND b.name = n.building_name)
  AND allowed($community_ids, n.community_id)
  AND $grid_ids IS NULL AND $household_ids IS NULL
RETURNING building_id;

-- name: import_insert_stairwells
-- Census: stairwells not yet in buildings the importer may see (shapes are cut from the footprint afterwards).
INSERT INTO stairwell (stairwell_id, building_id, unit_no)
SELECT (SELECT coalesce(max(stairwell_id), 0) FROM stairwell)
           + row_number() OVER (ORDER BY n.building_id, n.unit_no),
       n.building_id, n.unit_no
FROM (
    SELECT DISTINCT b.building_id, r.unit_no
    FROM import_rows r
    JOIN compound c ON c.community_id = r.community_id AND c.name = r.compound_name
    JOIN building b ON b.compound_id = c.compound_id AND b.name = r.building_name
) n
WHERE NOT EXISTS (SELECT 1 FROM stairwell s WHERE s.building_id = n.building_id AND s.unit_no = n.unit_no)
  AND n.building_id IN (SELECT building_id FROM scoped_building($community_ids, $grid_ids, $household_ids))
  AND $household_ids IS NULL
RETURNING stairwell_id, building_id;

-- name: import_insert_households
-- Census: flats not yet in their stairwell (of a building the importer may see), floor read from the room.
INSERT INTO household (household_id, stairwell_id, floor, room)
SELECT (SELECT coalesce(max(household_id), 0) FROM household)
           + row_number() OVER (ORDER BY n.stairwell_id, n.room),
       n.stairwell_id, n.floor, n.room
FROM (
    SELECT s.stairwell_id, s.building_id, r.room, min(r.floor) AS floor
    FROM import_rows r
    JOIN compound c ON c.community_id = r.community_id AND c.name = r.compound_name
    JOIN building b ON b.compound_id = c.compound_id AND b.name = r.building_name
    JOIN stairwell s ON s.building_id = b.building_id AND s.unit_no = r.unit_no
    GROUP BY s.stairwell_id, s.building_id, r.room
) n
WHERE NOT EXISTS (SELECT 1 FROM household h WHERE h.stairwell_id = n.stairwell_id AND h.room = n.room)
  AND n.building_id IN (SELECT building_id FROM scoped_building($community_ids, $grid_ids, $household_ids))
  AND $household_ids IS NULL
RETURNING household_id;

-- name: import_placed_rows
-- The household each row of `import_rows` lands in, by natural keys, once missing places exist; only flats the
-- importer may see (a row left out means the database no longer matches the preview).
SELECT r.row, h.household_id
FROM import_rows r
JOIN compound c ON c.community_id = r.community_id AND c.name = r.compound_name
JOIN building b ON b.compound_id = c.compound_id AND b.name = r.building_name
JOIN stairwell s ON s.building_id = b.building_id AND s.unit_no = r.unit_no
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h
    ON h.stairwell_id = s.stairwell_id AND h.room = r.room
ORDER BY r.row;

-- name: import_moved_residents
-- Rows of `import_people` whose ID number belongs to a resident of another household that may not move here
-- (moves not allowed, or the old flat outside the importer's scope). Checked again inside the commit: someone
-- may have imported since the preview.
SELECT p.row
FROM import_people p
JOIN resident r USING (id_hash)
WHERE r.household_id <> p.household_id
  AND (NOT $allow_moves
       OR r.household_id NOT IN (SELECT household_id FROM scoped_household($community_ids, $grid_ids, $household_ids)));

-- name: import_update_residents
-- Residents already registered (same ID hash) whose row differs; NULL in `import_people` keeps the stored value.
-- Only residents of flats the importer may see, moving only to such flats.
UPDATE resident
SET household_id = p.household_id, name = p.name, sex = p.sex, birth_date = p.birth_date,
    phone = coalesce(p.phone, resident.phone), id_masked = p.id_masked,
    disabled = coalesce(p.disabled, resident.disabled), bedridden = coalesce(p.bedridden, resident.bedridden),
    chronic_illness = coalesce(p.chronic_illness, resident.chronic_illness),
    low_income = coalesce(p.low_income, resident.low_income), pregnant = coalesce(p.pregnant, resident.pregnant)
FROM import_people p
WHERE resident.id_hash = p.id_hash
  AND (resident.household_id IS DISTINCT FROM p.household_id OR resident.name IS DISTINCT FROM p.name
       OR resident.sex IS DISTINCT FROM p.sex OR resident.birth_date IS DISTINCT FROM p.birth_date
       OR resident.id_masked IS DISTINCT FROM p.id_masked
       OR coalesce(p.phone, resident.phone) IS DISTINCT FROM resident.phone
       OR coalesce(p.disabled, resident.disabled) IS DISTINCT FROM resident.disabled
       OR coalesce(p.bedridden, resident.bedridden) IS DISTINCT FROM resident.bedridden
       OR coalesce(p.chronic_illness, resident.chronic_illness) IS DISTINCT FROM resident.chronic_illness
       OR coalesce(p.low_income, resident.low_income) IS DISTINCT FROM resident.low_income
       OR coalesce(p.pregnant, resident.pregnant) IS DISTINCT FROM resident.pregnant)
  AND resident.household_id IN (SELECT household_id FROM scoped_household($community_ids, $grid_ids, $household_ids))
  AND p.household_id IN (SELECT household_id FROM scoped_household($community_ids, $grid_ids, $household_ids))
RETURNING resident.resident_id;

-- name: import_insert_residents
-- Residents not registered yet, in flats the importer may see; ids continue from the maximum, in row order.
INSERT INTO resident (resident_id, household_id, name, sex, birth_date, phone, id_masked, id_hash, disabled,
                      bedridden, chronic_illness, low_income, pregnant)
SELECT (SELECT coalesce(max(resident_id), 0) FROM resident) + row_number() OVER (ORDER BY p.row),
       p.household_id, p.name, p.sex, p.birth_date, p.phone, p.id_masked, p.id_hash,
       coalesce(p.disabled, FALSE), coalesce(p.bedridden, FALSE), coalesce(p.chronic_illness, FALSE),
       coalesce(p.low_income, FALSE), coalesce(p.pregnant, FALSE)
FROM import_people p
WHERE NOT EXISTS (SELECT 1 FROM resident r WHERE r.id_hash = p.id_hash)
  AND p.household_id IN (SELECT household_id FROM scoped_household($community_ids, $grid_ids, $household_ids))
RETURNING resident_id;

-- name: import_staff
-- Staff of one community with a phone: the key a staff list is matched on.
SELECT staff_id, role, name, phone FROM staff WHERE community_id = $community_id AND phone IS NOT NULL;

-- name: import_update_staff
-- Staff in `import_staff_rows` already known by phone whose name or role differs; only by an importer who
-- sees the whole community (as every staff and volunteer write below).
UPDATE staff SET name = r.name, role = r.role
FROM import_staff_rows r
WHERE staff.community_id = $community_id AND staff.phone = r.phone
  AND (staff.name IS DISTINCT FROM r.name OR staff.role IS DISTINCT FROM r.role)
  AND allowed($community_ids, $community_id) AND $grid_ids IS NULL AND $household_ids IS NULL
RETURNING staff.staff_id;

-- name: import_insert_staff
-- Staff in `import_staff_rows` not known by phone in the community; ids continue from the maximum.
INSERT INTO staff (staff_id, community_id, role, name, phone)
SELECT (SELECT coalesce(max(staff_id), 0) FROM staff) + row_number() OVER (ORDER BY r.row),
       $community_id, r.role, r.name, r.phone
FROM import_staff_rows r
WHERE NOT EXISTS (SELECT 1 FROM staff s WHERE s.community_id = $community_id AND s.phone = r.phone)
  AND allowed($community_ids, $community_id) AND $grid_ids IS NULL AND $household_ids IS NULL
RETURNING staff_id;

-- name: import_assign_grids
-- Grid cells named in `import_staff_grids` (phone, grid_id) handed to that grid worker, when not already theirs.
UPDATE grid_cell SET grid_worker_id = s.staff_id
FROM import_staff_grids g
JOIN staff s ON s.phone = g.phone AND s.community_id = $community_id
WHERE grid_cell.grid_id = g.grid_id AND grid_cell.community_id = $community_id
  AND grid_cell.grid_worker_id IS DISTINCT FROM s.staff_id
  AND allowed($community_ids, $community_id) AND $grid_ids IS NULL AND $household_ids IS NULL
RETURNING grid_cell.grid_id;

-- name: import_volunteers
-- Volunteers of one community, matched by phone.
SELECT volunteer_id, name, phone, home_building_id, capacity, active
FROM volunteer
WHERE community_id = $community_id AND phone IS NOT NULL;

-- name: import_update_volunteers
-- Volunteers in `import_volunteer_rows` known by phone whose row differs; NULL keeps the stored value.
UPDATE volunteer
SET name = r.name, home_building_id = coalesce(r.home_building_id, volunteer.home_building_id),
    capacity = coalesce(r.capacity, volunteer.capacity), active = coalesce(r.active, volunteer.active)
FROM import_volunteer_rows r
WHERE volunteer.community_id = $community_id AND volunteer.phone = r.phone
  AND (volunteer.name IS DISTINCT FROM r.name
       OR coalesce(r.home_building_id, volunteer.home_building_id) IS DISTINCT FROM volunteer.home_building_id
       OR coalesce(r.capacity, volunteer.capacity) IS DISTINCT FROM volunteer.capacity
       OR coalesce(r.active, volunteer.active) IS DISTINCT FROM volunteer.active)
  AND allowed($community_ids, $community_id) AND $grid_ids IS NULL AND $household_ids IS NULL
RETURNING volunteer.volunteer_id;

-- name: import_insert_volunteers
-- Volunteers in `import_volunteer_rows` not known by phone; a blank capacity is 5 and a blank status active.
INSERT INTO volunteer (volunteer_id, community_id, name, phone, home_building_id, capacity, active)
SELECT (SELECT coalesce(max(volunteer_id), 0) FROM volunteer) + row_number() OVER (ORDER BY r.row),
       $community_id, r.name, r.phone, r.home_building_id, coalesce(r.capacity, 5), coalesce(r.active, TRUE)
FROM import_volunteer_rows r
WHERE NOT EXISTS (SELECT 1 FROM volunteer v WHERE v.community_id = $community_id AND v.phone = r.phone)
  AND allowed($community_ids, $community_id) AND $grid_ids IS NULL AND $household_ids IS NULL
RETURNING volunteer_id;
