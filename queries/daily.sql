-- name: daily_settings_get
-- The stored settings of the day's work (checks, alerts, releases), JSON, if any.
SELECT value FROM meta WHERE key = 'daily_settings';

-- name: daily_settings_put
-- Store the day's settings (JSON), replacing earlier ones.
INSERT INTO meta (key, value) VALUES ('daily_settings', $value)
ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- name: daily_measure
-- One measure with its flat, grid cell, community and follower, and whether the viewer's scope covers it
-- (aggregate-only viewers never do).
SELECT p.measure_id, p.resident_id, p.category, p.origin, p.start_date, p.planned_end, p.released_at,
       p.created_at, p.household_id, p.grid_id, p.community_id, p.grid_worker_id, p.follower_id,
       $personal <> 'none' AND p.household_id IN (
           SELECT household_id FROM scoped_household($community_ids, $grid_ids, $household_ids)) AS in_scope
FROM measure_place() p
WHERE p.measure_id = $measure_id;

-- name: daily_event_insert
-- One step of a person's history (the caller has checked scope, inside the transaction of the change).
INSERT INTO measure_event (resident_id, measure_id, kind, event_at, by_user, reason, detail)
VALUES ($resident_id, $measure_id, $kind, $event_at, $by_user, $reason, $detail);
