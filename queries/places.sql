-- name: communities_in_scope
-- Communities the viewer may pick in the sidebar.
SELECT c.community_id, c.name, c.street
FROM community c
WHERE allowed($community_ids, c.community_id)
ORDER BY c.community_id;

-- name: grids_in_scope
-- Grid cells with their grid worker, for the sidebar filter.
SELECT g.grid_id, g.community_id, g.name, s.name AS grid_worker
FROM grid_cell g
LEFT JOIN staff s ON s.staff_id = g.grid_worker_id
WHERE allowed($community_ids, g.community_id) AND allowed($grid_ids, g.grid_id)
  AND ($household_ids IS NULL OR g.grid_id IN (
      SELECT grid_id FROM scoped_household($community_ids, $grid_ids, $household_ids)))
ORDER BY g.community_id, g.grid_id;

-- name: compounds_in_scope
-- Compounds holding at least one building the viewer may see.
SELECT DISTINCT b.compound_id, b.compound_name AS name, b.community_id
FROM scoped_building($community_ids, $grid_ids, $household_ids) b
ORDER BY b.compound_id;

-- name: buildings_in_scope
-- Buildings the viewer may see with their outline as GeoJSON, for maps that colour buildings by their own figures.
SELECT b.building_id, b.name, b.compound_name AS compound, g.name AS grid, ST_AsGeoJSON(b.geom) AS geojson
FROM scoped_building($community_ids, $grid_ids, $household_ids) b
LEFT JOIN grid_cell g ON g.grid_id = b.grid_id
ORDER BY b.building_id;

-- name: stairwells_of_building
-- The stairwells (units) of one building in scope, for choosing one.
SELECT s.stairwell_id, s.unit_no
FROM stairwell s
JOIN scoped_building($community_ids, $grid_ids, $household_ids) b ON b.building_id = s.building_id
WHERE s.building_id = $building_id
ORDER BY s.unit_no;
