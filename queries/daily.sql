-- name: daily_settings_get
-- The stored settings of the day's work (checks, alerts, releases), JSON, if any.
SELECT value FROM meta WHERE key = 'daily_settings';

-- name: daily_settings_put
-- Store the day's settings (JSON), replacing earlier ones.
INSERT OR REPLACE INTO meta (key, value) VALUES ('daily_settings', $value);

-- name: daily_measure
-- One measure with its flat, grid cell, community and follower, and whether the viewer's scope covers it
-- (aggregate-only viewers never do).
SELECT m.measure_id, m.resident_id, m.category, m.origin, m.start_date, m.planned_end, m.released_at,
       m.created_at, r.household_id, b.grid_id, c.community_id, g.grid_worker_id,
       coalesce(f.staff_id, g.grid_worker_id) AS follower_id,
       $personal <> 'none' AND r.household_id IN (
           SELECT household_id FROM scoped_household($community_ids, $grid_ids, $household_ids)) AS in_scope
FROM control_measure m
JOIN resident r ON r.resident_id = m.resident_id
JOIN household h ON h.household_id = r.household_id
JOIN stairwell s ON s.stairwell_id = h.stairwell_id
JOIN building b ON b.building_id = s.building_id
JOIN compound c ON c.compound_id = b.compound_id
LEFT JOIN grid_cell g ON g.grid_id = b.grid_id
LEFT JOIN measure_follower f ON f.measure_id = m.measure_id
WHERE m.measure_id = $measure_id;

-- name: daily_event_insert
-- One step of a person's history (the caller has checked scope, inside the transaction of the change).
INSERT INTO measure_event (resident_id, measure_id, kind, event_at, by_user, reason, detail)
VALUES ($resident_id, $measure_id, $kind, $event_at, $by_user, $reason, $detail);
