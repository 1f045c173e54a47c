-- PostgreSQL variants of queries/measures.sql: the DuckDB table macro active_by_category (query_table) written
-- out in each query, and the DuckDB-only SELECT forms (COLUMNS, * REPLACE, list) in plain SQL.

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
active AS (  -- active_by_category(residents, $today, $categories) inlined: PostgreSQL has no table macros
    SELECT p.key,
           count(*) AS active,
           count(*) FILTER (WHERE m.category = 'centralised_quarantine') AS centralised_quarantine,
           count(*) FILTER (WHERE m.category = 'medical_observation') AS medical_observation,
           count(*) FILTER (WHERE m.category = 'home_isolation') AS home_isolation,
           count(*) FILTER (WHERE m.category = 'home_observation') AS home_observation,
           count(*) FILTER (WHERE m.category = 'health_monitoring') AS health_monitoring
    FROM residents p
    JOIN control_measure m ON m.resident_id = p.resident_id
    WHERE active_on(m.start_date, m.released_at, CAST($today AS DATE)) AND allowed($categories, m.category)
    GROUP BY p.key
)
SELECT
    b.building_id,
    b.name,
    b.compound_name AS compound,
    g.name AS grid,
    b.floors,
    coalesce(p.households, 0) AS households,
    coalesce(p.residents, 0) AS residents,
    coalesce(a.active, 0) AS active,
    coalesce(a.centralised_quarantine, 0) AS centralised_quarantine,
    coalesce(a.medical_observation, 0) AS medical_observation,
    coalesce(a.home_isolation, 0) AS home_isolation,
    coalesce(a.home_observation, 0) AS home_observation,
    coalesce(a.health_monitoring, 0) AS health_monitoring,
    round(100.0 * coalesce(a.active, 0) / nullif(p.residents, 0), 1) AS per_100,
    ST_AsGeoJSON(CASE WHEN $tolerance > 0 THEN ST_SimplifyPreserveTopology(b.geom, $tolerance) ELSE b.geom END)
        AS geojson
FROM b
LEFT JOIN grid_cell g USING (grid_id)
LEFT JOIN people p USING (building_id)
LEFT JOIN active a ON a.key = b.building_id
ORDER BY b.building_id;

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
active AS (  -- active_by_category(residents, $today, $categories) inlined: PostgreSQL has no table macros
    SELECT p.key,
           count(*) AS active,
           count(*) FILTER (WHERE m.category = 'centralised_quarantine') AS centralised_quarantine,
           count(*) FILTER (WHERE m.category = 'medical_observation') AS medical_observation,
           count(*) FILTER (WHERE m.category = 'home_isolation') AS home_isolation,
           count(*) FILTER (WHERE m.category = 'home_observation') AS home_observation,
           count(*) FILTER (WHERE m.category = 'health_monitoring') AS health_monitoring
    FROM residents p
    JOIN control_measure m ON m.resident_id = p.resident_id
    WHERE active_on(m.start_date, m.released_at, CAST($today AS DATE)) AND allowed($categories, m.category)
    GROUP BY p.key
),
shapes AS (
    SELECT area_id, min(community_id) AS community_id, count(*) AS buildings,
           ST_ConvexHull(ST_Collect(geom)) AS hull
    FROM b
    WHERE geom IS NOT NULL
    GROUP BY area_id
),
areas AS (  -- an area of one or two buildings known by their points only has a point or a line for a hull
    SELECT area_id, community_id, buildings,
           CASE WHEN ST_Dimension(hull) < 2 THEN ST_Buffer(hull, 0.0003) ELSE hull END AS hull
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
    coalesce(a.active, 0) AS active,
    coalesce(a.centralised_quarantine, 0) AS centralised_quarantine,
    coalesce(a.medical_observation, 0) AS medical_observation,
    coalesce(a.home_isolation, 0) AS home_isolation,
    coalesce(a.home_observation, 0) AS home_observation,
    coalesce(a.health_monitoring, 0) AS health_monitoring,
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

-- name: overview_kpis
-- One row: residents, households, active measures by category, measures created in the 24 hours before $now
-- (releases due come from due_counts). Follows scope and compound filter, not the category filter.
-- Here one pass over the scope's measures (a hash join), not IN (subquery) and a second join as in DuckDB's:
-- PostgreSQL cannot tell how many rows the CTE holds and looked each of a million residents up in the index.
WITH r AS (
    SELECT r.resident_id, r.household_id
    FROM scoped_household($community_ids, $grid_ids, $household_ids) h
    JOIN resident r USING (household_id)
    WHERE allowed($compound_ids, h.compound_id)
),
m AS (
    SELECT m.category, m.created_at, active_on(m.start_date, m.released_at, CAST($today AS DATE)) AS is_active
    FROM control_measure m
    JOIN r USING (resident_id)
),
counted AS (
    SELECT count(*) FILTER (WHERE is_active) AS active,
           count(*) FILTER (WHERE is_active AND category = 'centralised_quarantine') AS centralised_quarantine,
           count(*) FILTER (WHERE is_active AND category = 'medical_observation') AS medical_observation,
           count(*) FILTER (WHERE is_active AND category = 'home_isolation') AS home_isolation,
           count(*) FILTER (WHERE is_active AND category = 'home_observation') AS home_observation,
           count(*) FILTER (WHERE is_active AND category = 'health_monitoring') AS health_monitoring,
           count(*) FILTER (WHERE created_at > CAST($now AS TIMESTAMP) - INTERVAL '24 hours'
                                  AND created_at <= CAST($now AS TIMESTAMP)) AS new_24h
    FROM m
),
people AS (
    SELECT count(*) AS residents, count(DISTINCT household_id) AS households FROM r
)
SELECT p.residents, p.households, c.active, c.centralised_quarantine, c.medical_observation, c.home_isolation,
       c.home_observation, c.health_monitoring, c.new_24h
FROM people p, counted c;

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
active AS (  -- active_by_category(residents, $today, $categories).active inlined
    SELECT p.key, count(*) AS active
    FROM residents p
    JOIN control_measure m ON m.resident_id = p.resident_id
    WHERE active_on(m.start_date, m.released_at, CAST($today AS DATE)) AND allowed($categories, m.category)
    GROUP BY p.key
),
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
