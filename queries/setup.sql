-- name: setup_communities
-- Every community in scope with the street office over it, for the set-up page and for name checks.
SELECT c.community_id, c.name, c.street, c.district
FROM community c
WHERE allowed($community_ids, c.community_id)
ORDER BY c.community_id;

-- name: setup_insert_community
-- A new community; ids continue from the maximum (no sequences: ids are stable across backups).
INSERT INTO community (community_id, name, street, district)
SELECT coalesce(max(community_id), 0) + 1, $new_name, $street, $district FROM community
RETURNING community_id;

-- Reads for the set-up pages take the viewer's scope and show nothing to anyone who sees less than the whole
-- community (only they set up places). Lookups before a write are checked against scope by resilient/places/setup.

-- name: setup_grid_cells
-- Grid cells of one community with their grid worker (NULL when none yet) and how many buildings each holds.
SELECT g.grid_id, g.name, g.grid_worker_id, s.name AS grid_worker,
       (SELECT count(*) FROM building b WHERE b.grid_id = g.grid_id) AS buildings
FROM grid_cell g
LEFT JOIN staff s ON s.staff_id = g.grid_worker_id
WHERE g.community_id = $community_id AND allowed($community_ids, $community_id) AND $grid_ids IS NULL AND $household_ids IS NULL
ORDER BY g.grid_id;

-- name: setup_insert_grid_cell
INSERT INTO grid_cell (grid_id, community_id, name, grid_worker_id)
SELECT coalesce(max(grid_id), 0) + 1, $community_id, $new_name, $grid_worker_id FROM grid_cell
RETURNING grid_id;

-- name: setup_grid_cell
-- One grid cell with its community, to check a change against the actor's scope.
SELECT grid_id, community_id, name, grid_worker_id FROM grid_cell WHERE grid_id = $grid_id;

-- name: setup_set_grid_worker
UPDATE grid_cell SET grid_worker_id = $staff_id WHERE grid_id = $grid_id;

-- name: setup_staff_member
-- One staff member, to check a grid worker belongs to the grid cell's community.
SELECT staff_id, community_id, role, name FROM staff WHERE staff_id = $staff_id;

-- name: setup_compounds
-- Compounds of one community with their counts of buildings and of buildings lacking an outline (a point is
-- no outline).
SELECT c.compound_id, c.name,
       count(b.building_id) AS buildings,
       count(b.building_id) FILTER (WHERE NOT coalesce(ST_Dimension(b.geom) = 2, false)) AS without_outline
FROM compound c
LEFT JOIN building b ON b.compound_id = c.compound_id
WHERE c.community_id = $community_id AND allowed($community_ids, $community_id) AND $grid_ids IS NULL AND $household_ids IS NULL
GROUP BY c.compound_id, c.name
ORDER BY c.compound_id;

-- name: setup_insert_compound
INSERT INTO compound (compound_id, community_id, name)
SELECT coalesce(max(compound_id), 0) + 1, $community_id, $new_name FROM compound
RETURNING compound_id;

-- name: setup_compound
SELECT compound_id, community_id, name FROM compound WHERE compound_id = $compound_id;

-- name: setup_building
-- One building with its compound and community, and what hangs on it, to check a change before making it.
SELECT b.building_id, b.name, b.compound_id, b.grid_id, b.floors, coalesce(ST_Dimension(b.geom) = 2, false) AS has_outline,
       coalesce(ST_Dimension(b.geom) = 0, false) AS has_point,
       c.community_id, c.name AS compound_name,
       (SELECT count(*) FROM stairwell s JOIN household h USING (stairwell_id)
        WHERE s.building_id = b.building_id) AS households
FROM building b
JOIN compound c USING (compound_id)
WHERE b.building_id = $building_id;

-- name: setup_insert_building
INSERT INTO building (building_id, compound_id, grid_id, name, floors)
SELECT coalesce(max(building_id), 0) + 1, $compound_id, $grid_id, $new_name, $floors FROM building
RETURNING building_id;

-- name: setup_insert_stairwells
-- Stairwells 1..n of a new building, without shapes until it has an outline.
INSERT INTO stairwell (stairwell_id, building_id, unit_no)
SELECT (SELECT coalesce(max(stairwell_id), 0) FROM stairwell) + u.unit_no, $building_id, u.unit_no
FROM generate_series(1, $units) AS u(unit_no);

-- name: setup_building_names
-- Names taken in a compound, to keep them unique (the schema's UNIQUE would refuse with DuckDB's words).
SELECT building_id, name FROM building WHERE compound_id = $compound_id;

-- name: setup_rename_building
UPDATE building SET name = $new_name WHERE building_id = $building_id;

-- name: setup_move_building
UPDATE building SET compound_id = $compound_id, grid_id = $grid_id WHERE building_id = $building_id;

-- name: setup_set_outline
-- An outline or a point (set_point): either replaces what the building had.
UPDATE building SET geom = ST_GeomFromWKB($wkb) WHERE building_id = $building_id;

-- name: setup_stairwells
SELECT stairwell_id, unit_no FROM stairwell WHERE building_id = $building_id ORDER BY unit_no;

-- name: setup_room_clashes
-- Rooms of the source stairwell that its twin in the target building already has: a merge would make two flats
-- out of one door.
SELECT h.room
FROM household h
JOIN household t ON t.stairwell_id = $target_stairwell_id AND t.room = h.room
WHERE h.stairwell_id = $source_stairwell_id
ORDER BY h.room;

-- name: setup_move_stairwell
-- A source stairwell whose unit number the target lacks moves over whole; its shape is cut again later.
UPDATE stairwell SET building_id = $target_id, geom = NULL WHERE stairwell_id = $stairwell_id;

-- name: setup_delete_stairwell
DELETE FROM stairwell WHERE stairwell_id = $stairwell_id;

-- name: setup_delete_building_stairwells
DELETE FROM stairwell WHERE building_id = $building_id;

-- name: setup_delete_building
DELETE FROM building WHERE building_id = $building_id;

-- name: setup_reset_stairwell_shapes
UPDATE stairwell SET geom = NULL WHERE building_id = $building_id;

-- name: setup_community_centre
-- Where a community already is: the centre of its located buildings, outlines and points (NULL when none is).
SELECT ST_X(ST_Centroid(ST_Collect(list(ST_Centroid(b.geom))))) AS lon,
       ST_Y(ST_Centroid(ST_Collect(list(ST_Centroid(b.geom))))) AS lat
FROM building b
JOIN compound c USING (compound_id)
WHERE c.community_id = $community_id AND b.geom IS NOT NULL;

-- name: setup_status_counts
-- What a community has, step by step, for the set-up page: each figure counted once, here.
SELECT
    (SELECT count(*) FROM grid_cell g WHERE g.community_id = $community_id) AS grid_cells,
    (SELECT count(*) FROM grid_cell g WHERE g.community_id = $community_id AND g.grid_worker_id IS NULL)
        AS grid_cells_without_worker,
    (SELECT count(*) FROM compound c WHERE c.community_id = $community_id) AS compounds,
    (SELECT count(*) FROM building b JOIN compound c USING (compound_id) WHERE c.community_id = $community_id)
        AS buildings,
    (SELECT count(*) FROM building b JOIN compound c USING (compound_id)
     WHERE c.community_id = $community_id AND NOT coalesce(ST_Dimension(b.geom) = 2, false)) AS buildings_without_outline,
    (SELECT count(*) FROM building b JOIN compound c USING (compound_id)
     WHERE c.community_id = $community_id AND b.grid_id IS NULL) AS buildings_without_grid,
    (SELECT count(*) FROM household h JOIN stairwell s USING (stairwell_id) JOIN building b USING (building_id)
     JOIN compound c USING (compound_id) WHERE c.community_id = $community_id) AS households,
    (SELECT count(*) FROM household h JOIN stairwell s USING (stairwell_id) JOIN building b USING (building_id)
     JOIN compound c USING (compound_id)
     WHERE c.community_id = $community_id
       AND NOT EXISTS (SELECT 1 FROM resident r WHERE r.household_id = h.household_id)) AS households_empty,
    (SELECT count(*) FROM resident r JOIN household h USING (household_id) JOIN stairwell s USING (stairwell_id)
     JOIN building b USING (building_id) JOIN compound c USING (compound_id)
     WHERE c.community_id = $community_id) AS residents,
    (SELECT count(*) FROM staff s WHERE s.community_id = $community_id) AS staff,
    (SELECT count(*) FROM staff s WHERE s.community_id = $community_id AND s.role = 'grid_worker') AS grid_workers,
    (SELECT count(*) FROM volunteer v WHERE v.community_id = $community_id) AS volunteers
WHERE allowed($community_ids, $community_id) AND $grid_ids IS NULL AND $household_ids IS NULL;

-- name: setup_buildings_without_outline
-- Buildings of the viewer's scope without an outline, with how many households each holds: point_only ones are on
-- the map as a point (the set-up page lists them as still missing), the others are left off every map.
SELECT b.building_id, b.compound_name AS compound, b.name, g.name AS grid, b.geom IS NOT NULL AS point_only,
       (SELECT count(*) FROM stairwell s JOIN household h USING (stairwell_id)
        WHERE s.building_id = b.building_id) AS households
FROM scoped_building($community_ids, $grid_ids, $household_ids) b
LEFT JOIN grid_cell g ON g.grid_id = b.grid_id
WHERE NOT coalesce(ST_Dimension(b.geom) = 2, false)
ORDER BY b.compound_name, b.name;

-- name: setup_building_uses
-- What still names a building besides its stairwells (volunteers living there, sampling sites at its door, its
-- leaders): a building in use is not deleted.
SELECT 'volunteer' AS ref, count(*) FROM volunteer WHERE home_building_id = $building_id
UNION ALL SELECT 'sampling_site', count(*) FROM sampling_site WHERE building_id = $building_id
UNION ALL SELECT 'building_leader', count(*) FROM building_leader WHERE building_id = $building_id
UNION ALL SELECT 'pickup_point', count(*) FROM pickup_building WHERE building_id = $building_id
UNION ALL SELECT 'firm', count(*) FROM firm WHERE building_id = $building_id;

-- name: setup_repoint_households
-- A merged stairwell's households, testing plans and leaders go to its twin (setup.STAIRWELL_REFERENCES).
UPDATE household SET stairwell_id = $target_id WHERE stairwell_id = $source_id;

-- name: setup_repoint_batches
UPDATE batch SET stairwell_id = $target_id WHERE stairwell_id = $source_id;

-- name: setup_repoint_plan_versions
-- Kept plan versions follow a merged stairwell too, so a restored plan names the one that is left.
UPDATE plan_version_batch SET stairwell_id = $target_id WHERE stairwell_id = $source_id;

-- name: setup_repoint_plan_proposals
-- A grid worker's plan proposals follow a merged stairwell, so the one that is left is what they change.
UPDATE plan_proposal SET stairwell_id = $target_id WHERE stairwell_id = $source_id;

-- name: setup_repoint_stairwell_leaders
UPDATE building_leader SET stairwell_id = $target_id WHERE stairwell_id = $source_id;

-- name: setup_repoint_volunteer_homes
-- What named the merged-away building names the target (setup.BUILDING_REFERENCES; stairwells move one by one).
UPDATE volunteer SET home_building_id = $target_id WHERE home_building_id = $source_id;

-- name: setup_repoint_sites
UPDATE sampling_site SET building_id = $target_id WHERE building_id = $source_id;

-- name: setup_repoint_building_leaders
UPDATE building_leader SET building_id = $target_id WHERE building_id = $source_id;

-- name: setup_drop_twin_pickup
-- A merged building whose twin already has a pick-up point keeps the twin's: one point per building.
DELETE FROM pickup_building WHERE building_id = $source_id
  AND EXISTS (SELECT 1 FROM pickup_building t WHERE t.building_id = $target_id);

-- name: setup_repoint_pickup
UPDATE pickup_building SET building_id = $target_id WHERE building_id = $source_id
-- name: setup_repoint_disinfection_areas
-- A merged building's public areas join the one left, except a kind it has already (dropped below).
UPDATE disinfection_area SET building_id = $target_id
WHERE building_id = $source_id
  AND kind NOT IN (SELECT kind FROM disinfection_area WHERE building_id = $target_id);

-- name: setup_drop_disinfection_marks
-- The done-marks of the public areas still on a building that goes (merged away or deleted).
DELETE FROM disinfection_mark
WHERE area_id IN (SELECT area_id FROM disinfection_area WHERE building_id = $source_id);

-- name: setup_drop_disinfection_areas
-- The public areas still on a building that goes.
DELETE FROM disinfection_area WHERE building_id = $source_id;

-- name: setup_take_outline
UPDATE building SET geom = (SELECT geom FROM building WHERE building_id = $source_id) WHERE building_id = $target_id;

-- name: setup_insert_staff
INSERT INTO staff (staff_id, community_id, role, name, phone)
SELECT coalesce(max(staff_id), 0) + 1, $community_id, $role, $new_name, $phone FROM staff
RETURNING staff_id;

-- name: setup_staff
SELECT staff_id, role, name FROM staff WHERE community_id = $community_id AND allowed($community_ids, $community_id) AND $grid_ids IS NULL AND $household_ids IS NULL
ORDER BY role, staff_id;

-- name: setup_community_buildings
-- Every building of one community for the buildings page: compound, grid cell, households, whether it has an
-- outline or only a point, and the shape as GeoJSON.
SELECT b.building_id, b.name, b.compound_id, c.name AS compound, b.grid_id, g.name AS grid, b.floors,
       (SELECT count(*) FROM stairwell s JOIN household h USING (stairwell_id)
        WHERE s.building_id = b.building_id) AS households,
       coalesce(ST_Dimension(b.geom) = 2, false) AS has_outline, coalesce(ST_Dimension(b.geom) = 0, false) AS has_point,
       ST_X(ST_Centroid(b.geom)) AS lon, ST_Y(ST_Centroid(b.geom)) AS lat, ST_AsGeoJSON(b.geom) AS geojson
FROM building b
JOIN compound c USING (compound_id)
LEFT JOIN grid_cell g ON g.grid_id = b.grid_id
WHERE c.community_id = $community_id AND allowed($community_ids, $community_id) AND $grid_ids IS NULL AND $household_ids IS NULL
ORDER BY c.name, b.name;
