-- name: pickup_buildings
-- Buildings in scope with where they stand (centroid of the outline or the point; NULL for neither), their
-- households and residents in scope, and the active pick-up point they fetch from.
WITH flats AS (
    SELECT h.building_id, count(DISTINCT h.household_id) AS households, count(r.resident_id) AS residents
    FROM scoped_household($community_ids, $grid_ids, $household_ids) h
    LEFT JOIN resident r ON r.household_id = h.household_id
    GROUP BY h.building_id
)
SELECT b.building_id, b.community_id, b.compound_name AS compound, b.name,
       ST_X(ST_Centroid(b.geom)) AS lon, ST_Y(ST_Centroid(b.geom)) AS lat, ST_AsGeoJSON(b.geom) AS geojson,
       coalesce(f.households, 0) AS households, coalesce(f.residents, 0) AS residents,
       p.point_id, p.name AS point
FROM scoped_building($community_ids, $grid_ids, $household_ids) b
LEFT JOIN flats f ON f.building_id = b.building_id
LEFT JOIN pickup_building pb ON pb.building_id = b.building_id
LEFT JOIN pickup_point p ON p.point_id = pb.point_id AND p.active
ORDER BY b.building_id;

-- name: pickup_points
-- Active pick-up points of the viewer's communities; one limited to grid cells or households sees the points
-- serving a building of theirs only.
SELECT p.point_id, p.community_id, p.name, p.lon, p.lat, p.hours, p.updated_at
FROM pickup_point p
WHERE p.active AND allowed($community_ids, p.community_id)
  AND (($grid_ids IS NULL AND $household_ids IS NULL) OR EXISTS (
      SELECT 1 FROM pickup_building pb
      JOIN scoped_building($community_ids, $grid_ids, $household_ids) b ON b.building_id = pb.building_id
      WHERE pb.point_id = p.point_id))
ORDER BY p.community_id, p.name, p.point_id;

-- name: pickup_household_points
-- Each household in scope with its building, stairwell and room and the point it is told to fetch from (NULL
-- while its building has none); one household when $household_id is given.
SELECT h.household_id, h.building_id, b.compound_name AS compound, b.name AS building, h.unit_no, h.floor, h.room,
       p.point_id, p.name AS point, p.hours, p.lon, p.lat
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
JOIN scoped_building($community_ids, $grid_ids, $household_ids) b ON b.building_id = h.building_id
LEFT JOIN pickup_building pb ON pb.building_id = h.building_id
LEFT JOIN pickup_point p ON p.point_id = pb.point_id AND p.active
WHERE $household_id IS NULL OR h.household_id = $household_id
ORDER BY b.compound_name, length(b.name), b.name, h.unit_no, h.floor, h.room;

-- name: pickup_point_row
-- One active point as it stands, in the viewer's communities: what a change by hand starts from.
SELECT point_id, community_id, name, lon, lat, hours
FROM pickup_point
WHERE point_id = $point_id AND active AND allowed($community_ids, community_id);

-- name: pickup_community_points
-- How many active points a community has before its plan is replaced (for the audit row).
SELECT count(*) FROM pickup_point WHERE community_id = $community_id AND active;

-- name: pickup_clear_community
-- The buildings of a community's points let go of them: a new plan replaces the whole of the old one.
DELETE FROM pickup_building
WHERE point_id IN (SELECT point_id FROM pickup_point WHERE community_id = $community_id);

-- name: pickup_retire_community
-- The community's points of the old plan kept, inactive, so a notice handed out can still be traced.
UPDATE pickup_point SET active = FALSE, updated_at = $now WHERE community_id = $community_id AND active;

-- name: pickup_insert_point
-- A point of a new plan.
INSERT INTO pickup_point (community_id, name, lon, lat, hours, active, created_at, created_by, updated_at)
VALUES ($community_id, $point_name, $lon, $lat, $hours, TRUE, $now, $by_user, $now)
RETURNING point_id;

-- name: pickup_assign_building
-- A building told to fetch from a point.
INSERT INTO pickup_building (building_id, point_id, since) VALUES ($building_id, $point_id, $now);

-- name: pickup_update_point
-- A point moved, renamed or given other hours by hand.
UPDATE pickup_point SET name = $point_name, lon = $lon, lat = $lat, hours = $hours, updated_at = $now
WHERE point_id = $point_id;
