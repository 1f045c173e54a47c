-- name: example_register
-- Every resident with the address an office's register gives them, in the order they were made.
SELECT r.resident_id, co.name AS community, c.name AS compound, b.name AS building, s.unit_no, h.room, r.name,
       r.phone,
       r.sex, r.birth_date, r.disabled, r.bedridden, r.chronic_illness, r.low_income, r.pregnant
FROM resident r
JOIN household h USING (household_id)
JOIN stairwell s USING (stairwell_id)
JOIN building b USING (building_id)
JOIN compound c USING (compound_id)
JOIN community co ON co.community_id = c.community_id
ORDER BY r.resident_id;

-- name: example_outlines
-- Every building with an outline (points are no outline) with the properties an office's outline file carries.
SELECT co.name AS community, b.name, c.name AS compound, b.floors, ST_AsWKB(b.geom) AS wkb
FROM building b
JOIN compound c USING (compound_id)
JOIN community co ON co.community_id = c.community_id
WHERE ST_Dimension(b.geom) = 2
ORDER BY b.building_id;

-- name: example_communities
-- The communities an office sets up first, with their street office and district.
SELECT name, street, district FROM community ORDER BY community_id;

-- name: example_grid_cells
-- Every grid cell by community, in the order they were made (some may hold no building yet).
SELECT co.name AS community, g.name
FROM grid_cell g JOIN community co USING (community_id)
ORDER BY g.grid_id;

-- name: example_places
-- Every building as a places sheet gives it: grid cell, compound, name, stairwells, floors.
SELECT co.name AS community, g.name AS grid, c.name AS compound, b.name AS building, b.floors,
       (SELECT count(*) FROM stairwell s WHERE s.building_id = b.building_id) AS units
FROM building b
JOIN compound c USING (compound_id)
JOIN community co ON co.community_id = c.community_id
LEFT JOIN grid_cell g ON g.grid_id = b.grid_id
ORDER BY b.building_id;

-- name: example_staff
-- Every staff member as a staff sheet gives them: post, and the grid cells a grid worker looks after.
SELECT co.name AS community, s.name, s.phone, s.role,
       coalesce(string_agg(g.name, '、' ORDER BY g.grid_id), '') AS grids
FROM staff s
JOIN community co USING (community_id)
LEFT JOIN grid_cell g ON g.grid_worker_id = s.staff_id
GROUP BY s.staff_id, co.name, s.name, s.phone, s.role
ORDER BY s.staff_id;

-- name: example_volunteers
-- Every volunteer as a volunteer sheet gives them: home compound and building, capacity, status.
SELECT co.name AS community, v.name, v.phone, c.name AS compound, b.name AS building, v.capacity, v.active
FROM volunteer v
JOIN community co USING (community_id)
LEFT JOIN building b ON b.building_id = v.home_building_id
LEFT JOIN compound c ON c.compound_id = b.compound_id
ORDER BY v.volunteer_id;
