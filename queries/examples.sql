-- name: example_register
-- Every resident with the address an office's register gives them, in the order they were made.
SELECT co.name AS community, c.name AS compound, b.name AS building, s.unit_no, h.room, r.name, r.phone,
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
SELECT b.name, c.name AS compound, b.floors, ST_AsWKB(b.geom) AS wkb
FROM building b
JOIN compound c USING (compound_id)
WHERE ST_Dimension(b.geom) = 2
ORDER BY b.building_id;
