-- The places sheet (resilient/imports/places.py): grid cells, compounds and buildings of one community from the
-- frame `places_rows` (row, compound_name, building_name, grid_name, units, floors, new_building), whose names are
-- the stored ones for places already there. Only whole-community importers reach any of it.

-- name: places_buildings
-- Buildings of one community with their grid cell, stairwell count and highest stairwell, to match by name.
SELECT b.building_id, b.compound_id, b.name, b.grid_id, g.name AS grid, b.floors,
       (SELECT count(*) FROM stairwell s WHERE s.building_id = b.building_id) AS units,
       (SELECT coalesce(max(s.unit_no), 0) FROM stairwell s WHERE s.building_id = b.building_id) AS top_unit
FROM building b
JOIN compound c USING (compound_id)
LEFT JOIN grid_cell g ON g.grid_id = b.grid_id
WHERE c.community_id = $community_id AND allowed($community_ids, $community_id)
  AND $grid_ids IS NULL AND $household_ids IS NULL
ORDER BY b.building_id;

-- name: places_insert_grid_cells
-- Grid cells the sheet names and the community lacks, without a grid worker (the staff sheet gives them one).
INSERT INTO grid_cell (grid_id, community_id, name, grid_worker_id)
SELECT (SELECT coalesce(max(grid_id), 0) FROM grid_cell) + row_number() OVER (ORDER BY n.first_row),
       $community_id, n.grid_name, NULL
FROM (SELECT grid_name, min("row") AS first_row FROM places_rows WHERE grid_name IS NOT NULL GROUP BY grid_name) n
WHERE NOT EXISTS (SELECT 1 FROM grid_cell g WHERE g.community_id = $community_id AND g.name = n.grid_name)
  AND allowed($community_ids, $community_id) AND $grid_ids IS NULL AND $household_ids IS NULL
RETURNING grid_id;

-- name: places_insert_compounds
-- Compounds the sheet names and the community lacks.
INSERT INTO compound (compound_id, community_id, name)
SELECT (SELECT coalesce(max(compound_id), 0) FROM compound) + row_number() OVER (ORDER BY n.first_row),
       $community_id, n.compound_name
FROM (SELECT compound_name, min("row") AS first_row FROM places_rows GROUP BY compound_name) n
WHERE NOT EXISTS (SELECT 1 FROM compound c WHERE c.community_id = $community_id AND c.name = n.compound_name)
  AND allowed($community_ids, $community_id) AND $grid_ids IS NULL AND $household_ids IS NULL
RETURNING compound_id;

-- name: places_update_buildings
-- Buildings already there get the sheet's grid cell and floors only where they have none.
UPDATE building SET grid_id = coalesce(building.grid_id, n.grid_id), floors = coalesce(building.floors, n.floors)
FROM (
    SELECT c.compound_id, r.building_name, g.grid_id, r.floors
    FROM places_rows r
    JOIN compound c ON c.community_id = $community_id AND c.name = r.compound_name
    LEFT JOIN grid_cell g ON g.community_id = $community_id AND g.name = r.grid_name
    WHERE NOT r.new_building
) n
WHERE building.compound_id = n.compound_id AND building.name = n.building_name
  AND ((building.grid_id IS NULL AND n.grid_id IS NOT NULL) OR (building.floors IS NULL AND n.floors IS NOT NULL))
  AND building.building_id IN (SELECT building_id FROM scoped_building($community_ids, $grid_ids, $household_ids))
  AND $grid_ids IS NULL AND $household_ids IS NULL
RETURNING building.building_id;

-- name: places_insert_buildings
-- New buildings in their compound and grid cell, without an outline yet (the buildings page lists them).
INSERT INTO building (building_id, compound_id, grid_id, name, floors)
SELECT (SELECT coalesce(max(building_id), 0) FROM building) + row_number() OVER (ORDER BY r."row"),
       c.compound_id, g.grid_id, r.building_name, r.floors
FROM places_rows r
JOIN compound c ON c.community_id = $community_id AND c.name = r.compound_name
LEFT JOIN grid_cell g ON g.community_id = $community_id AND g.name = r.grid_name
WHERE r.new_building
  AND NOT EXISTS (SELECT 1 FROM building b WHERE b.compound_id = c.compound_id AND b.name = r.building_name)
  AND allowed($community_ids, $community_id) AND $grid_ids IS NULL AND $household_ids IS NULL
RETURNING building_id;

-- name: places_insert_stairwells
-- Stairwells 1..units of each row's building that it does not have yet (shapes are cut afterwards).
INSERT INTO stairwell (stairwell_id, building_id, unit_no)
SELECT (SELECT coalesce(max(stairwell_id), 0) FROM stairwell) + row_number() OVER (ORDER BY n.building_id, n.unit_no),
       n.building_id, n.unit_no
FROM (
    SELECT b.building_id, u.unit_no
    FROM places_rows r
    JOIN compound c ON c.community_id = $community_id AND c.name = r.compound_name
    JOIN building b ON b.compound_id = c.compound_id AND b.name = r.building_name
    CROSS JOIN generate_series(1, r.units) AS u(unit_no)
    WHERE r.units IS NOT NULL
) n
WHERE NOT EXISTS (SELECT 1 FROM stairwell s WHERE s.building_id = n.building_id AND s.unit_no = n.unit_no)
  AND n.building_id IN (SELECT building_id FROM scoped_building($community_ids, $grid_ids, $household_ids))
  AND $grid_ids IS NULL AND $household_ids IS NULL
RETURNING stairwell_id, building_id;

-- name: places_reset_stairwell_shapes
-- Buildings given more stairwells have their outline cut again into as many pieces: old slices go first.
UPDATE stairwell SET geom = NULL
WHERE list_contains($building_ids, building_id)
  AND building_id IN (SELECT building_id FROM scoped_building($community_ids, $grid_ids, $household_ids))
RETURNING stairwell_id;
