-- name: stairwells_to_cut
-- The stairwells of buildings with an outline (not a point), with that footprint (WKB), each one's place in unit order and
-- how many the building has, so the footprint can be cut into that many pieces: of the buildings in
-- $building_ids, or ($building_ids NULL) of every building with a stairwell lacking a shape. Within scope.
SELECT
    s.stairwell_id,
    s.building_id,
    ST_AsWKB(b.geom) AS footprint,
    row_number() OVER (PARTITION BY s.building_id ORDER BY s.unit_no) AS position,
    count(*) OVER (PARTITION BY s.building_id) AS units,
    s.geom IS NULL AS missing
FROM stairwell s
JOIN scoped_building($community_ids, $grid_ids, $household_ids) b USING (building_id)
WHERE ST_Dimension(b.geom) = 2
  AND CASE WHEN $building_ids IS NULL THEN s.building_id IN (SELECT building_id FROM stairwell WHERE geom IS NULL)
           ELSE list_contains($building_ids, s.building_id) END
ORDER BY s.building_id, position;

-- name: set_stairwell_geometry
-- Write computed shapes from the registered frame `new_stairwell_geom` (stairwell_id, wkb).
UPDATE stairwell SET geom = ST_GeomFromWKB(n.wkb)
FROM new_stairwell_geom n
WHERE stairwell.stairwell_id = n.stairwell_id;
