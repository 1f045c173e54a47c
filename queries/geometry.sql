-- name: stairwells_missing_geometry
-- Stairwells with no shape of their own, with their building's footprint (WKB) and how many stairwells the
-- building has, so the footprint can be cut into that many pieces. Whole database: run after imports.
SELECT
    s.stairwell_id,
    s.building_id,
    ST_AsWKB(b.geom) AS footprint,
    row_number() OVER (PARTITION BY s.building_id ORDER BY s.unit_no) AS position,
    count(*) OVER (PARTITION BY s.building_id) AS units,
    s.geom IS NULL AS missing
FROM stairwell s
JOIN building b USING (building_id)
WHERE b.geom IS NOT NULL
  AND s.building_id IN (SELECT building_id FROM stairwell WHERE geom IS NULL)
ORDER BY s.building_id, position;

-- name: set_stairwell_geometry
-- Write computed shapes from the registered frame `new_stairwell_geom` (stairwell_id, wkb).
UPDATE stairwell SET geom = ST_GeomFromWKB(n.wkb)
FROM new_stairwell_geom n
WHERE stairwell.stairwell_id = n.stairwell_id;
