-- The demo's gates, passes, a morning's movements and the visits of past arrivals (resilient/demo/daily.py).

-- name: demo_passes_gates
-- Demo: two gates a compound, east and north of its buildings.
INSERT INTO gate (compound_id, name, lon, lat)
WITH centres AS (
    SELECT b.compound_id, ST_X(ST_Centroid(b.geom)) AS x, ST_Y(ST_Centroid(b.geom)) AS y
    FROM scoped_building($community_ids, $grid_ids, $household_ids) b WHERE b.geom IS NOT NULL
), box AS (
    SELECT compound_id, min(x) AS x0, max(x) AS x1, min(y) AS y0, max(y) AS y1 FROM centres GROUP BY compound_id
)
SELECT compound_id, name, lon, lat FROM (
    SELECT compound_id, '东门' AS name, round(x1 + 0.0004, 6) AS lon, round((y0 + y1) / 2, 6) AS lat, 1 AS k FROM box
    UNION ALL
    SELECT compound_id, '北门', round((x0 + x1) / 2, 6), round(y1 + 0.0003, 6), 2 FROM box
) ORDER BY compound_id, k;

-- name: demo_passes_person
-- Demo: one person pass for every flat in scope not under a measure that keeps it in, issued three days ago.
INSERT INTO gate_pass (code, number, kind, household_id, resident_id, valid_until, issued_at, issued_by)
SELECT 'RC-P' || upper(substr(md5(CAST(hash(h.household_id, $seed, 'pass') AS VARCHAR)), 1, 10)),
       printf('P%03d-%05d', h.compound_id, row_number() OVER (PARTITION BY h.compound_id ORDER BY h.household_id)),
       'person', h.household_id,
       (SELECT min(r.resident_id) FROM resident r WHERE r.household_id = h.household_id),
       CAST($as_of AS DATE) + INTERVAL 27 DAY, CAST($as_of AS DATE) - INTERVAL 3 DAY + INTERVAL 8 HOUR, 'demo'
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
WHERE NOT household_under(h.household_id, $categories, CAST($as_of AS DATE))
  AND EXISTS (SELECT 1 FROM resident r WHERE r.household_id = h.household_id);

-- name: demo_passes_vehicle
-- Demo: a vehicle pass for one flat in thirty that holds a person pass (苏D plates, Changzhou).
INSERT INTO gate_pass (code, number, kind, household_id, holder_name, plate, valid_until, issued_at, issued_by)
SELECT 'RC-P' || upper(substr(md5(CAST(hash(p.household_id, $seed, 'car') AS VARCHAR)), 1, 10)),
       printf('V%03d-%05d', h.compound_id, row_number() OVER (PARTITION BY h.compound_id ORDER BY p.household_id)),
       'vehicle', p.household_id, NULL,
       '苏D' || printf('%05d', CAST(hash(p.household_id, $seed, 'plate') % 100000 AS BIGINT)),
       p.valid_until, p.issued_at, 'demo'
FROM gate_pass p
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = p.household_id
WHERE p.kind = 'person' AND hash(p.household_id, $seed, 'has_car') % 30 = 0
QUALIFY row_number() OVER (PARTITION BY '苏D' || printf('%05d', CAST(hash(p.household_id, $seed, 'plate') % 100000
                                                                       AS BIGINT)) ORDER BY p.household_id) = 1;

-- name: demo_passes_movements
-- Demo: one pass in twelve went out in the 10 hours before the end of the demo's day (or now, when earlier)
-- through one of its compound's gates; two in three of them came back 1 to 5 hours later. Nothing after $now.
INSERT INTO pass_movement (pass_id, gate_id, direction, moved_at, by_user)
WITH outs AS (
    SELECT p.pass_id, p.household_id,
           (SELECT min(g.gate_id) FROM gate g WHERE g.compound_id = h.compound_id)
               + CAST((hash(p.pass_id, $seed, 'gate') >> 11) % 2 AS INTEGER) AS gate_id,
           least(CAST($now AS TIMESTAMP), CAST($as_of AS DATE) + INTERVAL 1 DAY)
               - to_minutes(CAST(30 + hash(p.pass_id, $seed, 'out') % 570 AS BIGINT)) AS out_at,
           hash(p.pass_id, $seed, 'back') % 3 < 2 AS back,
           to_minutes(CAST(60 + hash(p.pass_id, $seed, 'long') % 240 AS BIGINT)) AS away
    FROM gate_pass p
    JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = p.household_id
    WHERE hash(p.pass_id, $seed, 'moves') % 12 = 0
)
SELECT pass_id, gate_id, direction, moved_at, 'demo' FROM (
    SELECT pass_id, gate_id, 'out' AS direction, out_at AS moved_at FROM outs
    UNION ALL
    SELECT pass_id, gate_id, 'in', out_at + away FROM outs WHERE back
) WHERE moved_at <= $now AND gate_id IN (SELECT gate_id FROM gate)
ORDER BY moved_at, pass_id;

-- name: demo_passes_visits
-- Demo: every arrival in scope registered more than 12 hours before the end of the demo's day (or now) was
-- visited two hours after it was registered; the later ones wait for their visit.
INSERT INTO arrival_visit (arrival_id, temperature, notice_given, door_sealed, visited_at, recorded_by)
SELECT a.arrival_id, 36.2 + (hash(a.arrival_id, $seed, 'visit') % 6) / 10.0, TRUE,
       a.category IN ('home_isolation', 'medical_observation'), a.recorded_at + INTERVAL 2 HOUR, 'demo'
FROM arrival a
JOIN resident r ON r.resident_id = a.resident_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
WHERE a.recorded_at < least(CAST($now AS TIMESTAMP), CAST($as_of AS DATE) + INTERVAL 1 DAY) - INTERVAL 12 HOUR;
