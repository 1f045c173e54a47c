-- name: building_density
-- Active control measures per building on $today, by category, with residents for the per-100 rate.
-- $compound_ids and $categories narrow further (NULL = all). Geometry comes back as GeoJSON text.
-- $bbox (min lon, min lat, max lon, max lat; NULL = everywhere) keeps the buildings touching the map's view;
-- $tolerance (degrees, 0 = none) simplifies outlines to what the zoom can show.
WITH b AS (
    SELECT * FROM scoped_building($community_ids, $grid_ids, $household_ids)
    WHERE allowed($compound_ids, compound_id) AND ($bbox IS NULL OR geom && ST_MakeEnvelope(
        (CAST($bbox AS DOUBLE PRECISION[]))[1], (CAST($bbox AS DOUBLE PRECISION[]))[2],
        (CAST($bbox AS DOUBLE PRECISION[]))[3], (CAST($bbox AS DOUBLE PRECISION[]))[4]))
),
h AS (
    SELECT * FROM scoped_household($community_ids, $grid_ids, $household_ids)
    WHERE allowed($compound_ids, compound_id) AND building_id IN (SELECT building_id FROM b)
),
residents AS (
    SELECT h.building_id AS key, h.household_id, r.resident_id
    FROM h
    JOIN resident r USING (household_id)
),
people AS (
    SELECT key AS building_id, count(DISTINCT household_id) AS households, count(*) AS residents
    FROM residents
    GROUP BY key
),
active AS (SELECT * FROM active_by_category(residents, $today, $categories))
SELECT
    b.building_id,
    b.name,
    b.compound_name AS compound,
    g.name AS grid,
    b.floors,
    coalesce(p.households, 0) AS households,
    coalesce(p.residents, 0) AS residents,
    coalesce(COLUMNS(a.* EXCLUDE (key)), 0),  -- active and one column per category (active_by_category)
    round(100.0 * coalesce(a.active, 0) / nullif(p.residents, 0), 1) AS per_100,
    ST_AsGeoJSON(CASE WHEN $tolerance > 0 THEN ST_SimplifyPreserveTopology(b.geom, $tolerance) ELSE b.geom END)
        AS geojson
FROM b
LEFT JOIN grid_cell g USING (grid_id)
LEFT JOIN people p USING (building_id)
LEFT JOIN active a ON a.key = b.building_id
ORDER BY b.building_id;

-- name: map_extent
-- How many buildings with a footprint the viewer's map holds, how many touch $bbox (the map's view; NULL =
-- everywhere), and the corners of them all: decides between buildings and areas before any shape is read.
SELECT
    count(*) AS buildings,
    count(*) FILTER (WHERE $bbox IS NULL OR geom && ST_MakeEnvelope(
        (CAST($bbox AS DOUBLE PRECISION[]))[1], (CAST($bbox AS DOUBLE PRECISION[]))[2],
        (CAST($bbox AS DOUBLE PRECISION[]))[3], (CAST($bbox AS DOUBLE PRECISION[]))[4])) AS in_view,
    min(ST_XMin(geom)) AS min_lon, min(ST_YMin(geom)) AS min_lat,
    max(ST_XMax(geom)) AS max_lon, max(ST_YMax(geom)) AS max_lat
FROM scoped_building($community_ids, $grid_ids, $household_ids)
WHERE allowed($compound_ids, compound_id) AND geom IS NOT NULL;

-- name: area_density
-- building_density summed per grid cell, compound or community ($level), for a map zoomed out over a street or
-- a district: one outline per area (the convex hull of its footprints, simplified by $tolerance degrees) with
-- its buildings, residents and active measures. Counts cover the whole area; $bbox only drops areas out of view.
WITH b AS (
    SELECT building_id, geom, community_id,
           CASE $level WHEN 'community' THEN community_id WHEN 'compound' THEN compound_id ELSE grid_id END
               AS area_id
    FROM scoped_building($community_ids, $grid_ids, $household_ids)
    WHERE allowed($compound_ids, compound_id)
),
h AS (
    SELECT h.household_id, b.area_id
    FROM scoped_household($community_ids, $grid_ids, $household_ids) h
    JOIN b USING (building_id)
),
residents AS (
    SELECT h.area_id AS key, h.household_id, r.resident_id
    FROM h
    JOIN resident r USING (household_id)
),
people AS (
    SELECT key AS area_id, count(DISTINCT household_id) AS households, count(*) AS residents
    FROM residents
    GROUP BY key
),
active AS (SELECT * FROM active_by_category(residents, $today, $categories)),
shapes AS (
    SELECT area_id, any_value(community_id) AS community_id, count(*) AS buildings,
           ST_ConvexHull(ST_Collect(list(geom))) AS hull
    FROM b
    WHERE geom IS NOT NULL
    GROUP BY area_id
),
areas AS (  -- an area of one or two buildings known by their points only has a point or a line for a hull
    SELECT * REPLACE (CASE WHEN ST_Dimension(hull) < 2 THEN ST_Buffer(hull, 0.0003) ELSE hull END AS hull)
    FROM shapes
),
names AS (
    SELECT 'community' AS level, community_id AS area_id, name FROM community
    UNION ALL SELECT 'compound', compound_id, name FROM compound
    UNION ALL SELECT 'grid', grid_id, name FROM grid_cell
)
SELECT
    s.area_id,
    n.name,
    c.name AS community,
    s.buildings,
    coalesce(p.households, 0) AS households,
    coalesce(p.residents, 0) AS residents,
    coalesce(COLUMNS(a.* EXCLUDE (key)), 0),  -- active and one column per category (active_by_category)
    round(100.0 * coalesce(a.active, 0) / nullif(p.residents, 0), 1) AS per_100,
    ST_X(ST_Centroid(s.hull)) AS lon,
    ST_Y(ST_Centroid(s.hull)) AS lat,
    ST_AsGeoJSON(CASE WHEN $tolerance > 0 THEN ST_SimplifyPreserveTopology(s.hull, $tolerance) ELSE s.hull END)
        AS geojson
FROM areas s
LEFT JOIN names n ON n.level = $level AND n.area_id = s.area_id
LEFT JOIN community c ON c.community_id = s.community_id
LEFT JOIN people p ON p.area_id = s.area_id
LEFT JOIN active a ON a.key = s.area_id
WHERE $bbox IS NULL OR s.hull && ST_MakeEnvelope(
    (CAST($bbox AS DOUBLE PRECISION[]))[1], (CAST($bbox AS DOUBLE PRECISION[]))[2],
    (CAST($bbox AS DOUBLE PRECISION[]))[3], (CAST($bbox AS DOUBLE PRECISION[]))[4])
ORDER BY s.area_id;

-- name: due_counts
-- One row: measures in scope (and the compound filter) still running on $today whose term ended before it
-- (overdue), ends on it (today) or ends tomorrow: the releases page and the overview count releases due by it.
SELECT count(*) FILTER (WHERE m.planned_end < CAST($today AS DATE)) AS overdue,
       count(*) FILTER (WHERE m.planned_end = CAST($today AS DATE)) AS today,
       count(*) FILTER (WHERE m.planned_end = CAST($today AS DATE) + 1) AS tomorrow
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
JOIN resident r USING (household_id)
JOIN control_measure m USING (resident_id)
WHERE allowed($compound_ids, h.compound_id) AND active_on(m.start_date, m.released_at, $today);

-- name: overview_kpis
-- One row: residents, households, active measures by category, measures created in the 24 hours before $now
-- (releases due come from due_counts). Follows scope and compound filter, not the category filter.
WITH r AS (
    SELECT 0 AS key, r.resident_id, r.household_id
    FROM scoped_household($community_ids, $grid_ids, $household_ids) h
    JOIN resident r USING (household_id)
    WHERE allowed($compound_ids, h.compound_id)
),
m AS (
    SELECT m.*, active_on(m.start_date, m.released_at, $today) AS is_active
    FROM control_measure m
    WHERE m.resident_id IN (SELECT resident_id FROM r)
),
dates AS (
    SELECT
        count(*) FILTER (WHERE created_at > CAST($now AS TIMESTAMP) - INTERVAL '24 hours'
                               AND created_at <= CAST($now AS TIMESTAMP)) AS new_24h
    FROM m
),
active AS (SELECT * FROM active_by_category(r, $today, NULL))
SELECT
    (SELECT count(*) FROM r) AS residents,
    (SELECT count(DISTINCT household_id) FROM r) AS households,
    coalesce(COLUMNS(a.* EXCLUDE (key)), 0),  -- active and one column per category (active_by_category)
    d.*
FROM dates d
LEFT JOIN active a ON TRUE;

-- name: active_measures_by_day
-- Active measures per day and category over the $days days ending $today (days with none are absent).
WITH days AS (
    SELECT CAST(d AS DATE) AS day
    FROM generate_series(CAST($today AS DATE) - ($days - 1) * INTERVAL '1 day', CAST($today AS DATE), INTERVAL '1 day') t(d)
),
m AS (
    SELECT m.category, m.start_date, m.released_at
    FROM scoped_household($community_ids, $grid_ids, $household_ids) h
    JOIN resident r USING (household_id)
    JOIN control_measure m USING (resident_id)
    WHERE allowed($compound_ids, h.compound_id) AND allowed($categories, m.category)
)
SELECT days.day, m.category, count(*) AS active
FROM days
JOIN m ON active_on(m.start_date, m.released_at, days.day)
GROUP BY days.day, m.category
ORDER BY days.day, m.category;

-- name: building_stairwells
-- One building's stairwells: households, residents and active measures on $today, and their shapes.
SELECT
    s.stairwell_id,
    s.unit_no,
    count(DISTINCT h.household_id) AS households,
    count(DISTINCT r.resident_id) AS residents,
    count(m.measure_id) FILTER (WHERE active_on(m.start_date, m.released_at, $today)) AS active,
    count(DISTINCT h.household_id) FILTER (WHERE active_on(m.start_date, m.released_at, $today)) AS households_under_measure,
    (SELECT ST_AsGeoJSON(x.geom) FROM stairwell x WHERE x.stairwell_id = s.stairwell_id) AS geojson
FROM scoped_building($community_ids, $grid_ids, $household_ids) b
JOIN stairwell s USING (building_id)
LEFT JOIN household h ON h.stairwell_id = s.stairwell_id AND allowed($household_ids, h.household_id)
LEFT JOIN resident r USING (household_id)
LEFT JOIN control_measure m USING (resident_id)
WHERE b.building_id = $building_id
GROUP BY s.stairwell_id, s.unit_no
ORDER BY s.unit_no;

-- name: building_households_under_measure
-- Households of one building with someone under an active measure: where, which measure, days left.
SELECT
    h.unit_no,
    h.floor,
    h.room,
    m.category,
    count(*) AS people,
    min(m.start_date) AS start_date,
    max(m.planned_end) AS planned_end,
    max(m.planned_end) - CAST($today AS DATE) AS days_left
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
JOIN resident r USING (household_id)
JOIN control_measure m USING (resident_id)
WHERE h.building_id = $building_id AND active_on(m.start_date, m.released_at, $today)
  AND $personal <> 'none'  -- a room with its measure points at a person: not for aggregate-only viewers
GROUP BY h.unit_no, h.floor, h.room, m.category
ORDER BY h.unit_no, h.floor, h.room, m.category;

-- name: worst_buildings
-- The $top buildings with the most people under an active control measure on $today ($by 'active': how many;
-- 'per_100': per 100 residents), ties by how many then by id; only buildings with someone under a measure.
-- $compound_ids and $categories narrow as in building_density. The footprint's corners (NULL for a building
-- without one) let the map zoom to it.
WITH b AS (
    SELECT * FROM scoped_building($community_ids, $grid_ids, $household_ids)
    WHERE allowed($compound_ids, compound_id)
),
h AS (
    SELECT * FROM scoped_household($community_ids, $grid_ids, $household_ids)
    WHERE allowed($compound_ids, compound_id) AND building_id IN (SELECT building_id FROM b)
),
residents AS (
    SELECT h.building_id AS key, h.household_id, r.resident_id
    FROM h
    JOIN resident r USING (household_id)
),
people AS (
    SELECT key AS building_id, count(*) AS residents
    FROM residents
    GROUP BY key
),
active AS (SELECT key, active FROM active_by_category(residents, $today, $categories)),
ranked AS (
    SELECT
        b.building_id,
        b.name,
        b.compound_name AS compound,
        coalesce(p.residents, 0) AS residents,
        a.active,
        round(100.0 * a.active / nullif(p.residents, 0), 1) AS per_100,
        ST_XMin(b.geom) AS min_lon, ST_YMin(b.geom) AS min_lat, ST_XMax(b.geom) AS max_lon, ST_YMax(b.geom) AS max_lat
    FROM b
    JOIN active a ON a.key = b.building_id
    LEFT JOIN people p USING (building_id)
    WHERE a.active > 0
)
SELECT * FROM ranked
ORDER BY CASE WHEN $by = 'per_100' THEN per_100 ELSE active END DESC NULLS LAST, active DESC, building_id
LIMIT $top;
