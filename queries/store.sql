-- name: store_settings_get
-- The stored settings of the emergency store (JSON), if any.
SELECT value FROM meta WHERE key = 'store_settings';

-- name: store_settings_put
-- Store the emergency store's settings (JSON), replacing earlier ones.
INSERT INTO meta (key, value) VALUES ('store_settings', $value)
ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- name: store_community
-- A community the viewer may see (empty when it is out of their scope).
SELECT community_id, name FROM community
WHERE community_id = $community_id AND allowed($community_ids, community_id);

-- name: store_item_names
-- The names of a community's items, to refuse a second item of the same name in plain words.
SELECT name FROM store_item WHERE community_id = $community_id AND allowed($community_ids, community_id);

-- name: store_item_insert
-- A new item of a community's store. Returns its id.
INSERT INTO store_item (community_id, name, unit, kind, daily_use_estimate, created_at, created_by)
VALUES ($community_id, $item_name, $unit, $kind, $daily_use_estimate, $at, $by_user)
RETURNING item_id;

-- name: store_item_get
-- One item of a community in the viewer's scope (empty when there is none there).
SELECT item_id, community_id, name, unit, kind, daily_use_estimate FROM store_item
WHERE item_id = $item_id AND allowed($community_ids, community_id);

-- name: store_item_touch
-- Mark an item moved: every receipt and issue updates its row first, so two concurrent issues of one item
-- conflict (one is retried and sees the other's issue) instead of both passing the stock check.
UPDATE store_item SET moved_at = $at WHERE item_id = $item_id;

-- name: store_on_hand
-- What an item holds now: receipts - issues.
SELECT CAST(coalesce(sum(CASE direction WHEN 'receipt' THEN quantity ELSE -quantity END), 0) AS BIGINT)
FROM store_movement WHERE item_id = $item_id;

-- name: store_movement_insert
-- One receipt or issue. Returns its id.
INSERT INTO store_movement (item_id, direction, quantity, moved_at, by_user, note, household_id, team_id,
                            volunteer_id, site)
VALUES ($item_id, $direction, $quantity, $at, $by_user, $note, $household_id, $team_id, $volunteer_id, $site)
RETURNING movement_id;

-- name: store_household
-- A household the viewer may see, with its community (empty when it is out of their scope).
SELECT household_id, community_id FROM scoped_household($community_ids, $grid_ids, $household_ids)
WHERE household_id = $household_id;

-- name: store_team
-- A 三包一 team of a community in the viewer's scope.
SELECT team_id, community_id FROM team WHERE team_id = $team_id AND allowed($community_ids, community_id);

-- name: store_volunteer
-- An active volunteer of a community in the viewer's scope.
SELECT volunteer_id, community_id FROM volunteer
WHERE volunteer_id = $volunteer_id AND active AND allowed($community_ids, community_id);

-- name: store_stock
-- Every item of the communities in scope with what it holds, what was issued from $since (the start of the
-- use window) to $until, the first day it existed (created or first moved) and whether it was ever issued.
SELECT i.item_id, i.community_id, c.name AS community, i.name, i.unit, i.kind, i.daily_use_estimate,
       CAST(coalesce(sum(CASE m.direction WHEN 'receipt' THEN m.quantity ELSE -m.quantity END), 0) AS BIGINT)
           AS on_hand,
       CAST(coalesce(sum(m.quantity) FILTER (WHERE m.direction = 'receipt'), 0) AS BIGINT) AS received,
       CAST(coalesce(sum(m.quantity) FILTER (WHERE m.direction = 'issue'), 0) AS BIGINT) AS issued,
       CAST(coalesce(sum(m.quantity) FILTER (WHERE m.direction = 'issue' AND m.moved_at >= $since
                                              AND m.moved_at < $until), 0) AS BIGINT) AS issued_window,
       count(m.movement_id) FILTER (WHERE m.direction = 'issue') AS issues,
       CAST(least(min(i.created_at), coalesce(min(m.moved_at), min(i.created_at))) AS DATE) AS first_day,
       max(m.moved_at) FILTER (WHERE m.direction = 'issue') AS last_issue
FROM store_item i
JOIN community c ON c.community_id = i.community_id
LEFT JOIN store_movement m ON m.item_id = i.item_id AND m.moved_at < $until
WHERE allowed($community_ids, i.community_id)
GROUP BY i.item_id, i.community_id, c.name, i.name, i.unit, i.kind, i.daily_use_estimate
ORDER BY i.community_id, i.kind, i.name;

-- name: store_movements
-- Receipts and issues of the items in scope, newest first, with whom each issue went to. A household issue
-- names the flat only when the household is in the viewer's scope (in_scope), with the first resident of it the
-- viewer may see one by one (for the masked name); teams by their grid worker, volunteers by name.
WITH seen AS (SELECT * FROM scoped_household($community_ids, $grid_ids, $household_ids)),
heads AS (
    SELECT r.household_id, min(r.resident_id) AS resident_id FROM resident r
    WHERE r.household_id IN (SELECT household_id FROM seen)
      AND may_see_person($personal, r.resident_id, CAST($today AS DATE))
    GROUP BY r.household_id
)
SELECT m.movement_id, m.moved_at, i.item_id, i.name AS item, i.unit, i.kind, m.direction, m.quantity, m.by_user,
       m.note,
       CASE WHEN m.household_id IS NOT NULL THEN 'household' WHEN m.team_id IS NOT NULL THEN 'team'
            WHEN m.volunteer_id IS NOT NULL THEN 'volunteer' WHEN m.site IS NOT NULL THEN 'site' END AS receiver,
       m.household_id, h.household_id IS NOT NULL AS in_scope, cp.name AS compound, b.name AS building,
       h.unit_no, h.room, hd.resident_id, r.name,
       m.team_id, gw.name AS team_worker, m.volunteer_id, v.name AS volunteer, m.site
FROM store_movement m
JOIN store_item i ON i.item_id = m.item_id
LEFT JOIN seen h ON h.household_id = m.household_id
LEFT JOIN heads hd ON hd.household_id = h.household_id
LEFT JOIN resident r ON r.resident_id = hd.resident_id
LEFT JOIN building b ON b.building_id = h.building_id
LEFT JOIN compound cp ON cp.compound_id = h.compound_id
LEFT JOIN team t ON t.team_id = m.team_id
LEFT JOIN staff gw ON gw.staff_id = t.grid_worker_id
LEFT JOIN volunteer v ON v.volunteer_id = m.volunteer_id
WHERE allowed($community_ids, i.community_id)
  AND ($item_id IS NULL OR m.item_id = $item_id)
  AND ($direction IS NULL OR m.direction = $direction)
  AND ($since IS NULL OR m.moved_at >= $since)
ORDER BY m.moved_at DESC, m.movement_id DESC
LIMIT $limit;

-- name: store_teams
-- The 三包一 teams of a community in scope, with their grid worker, for the issue form.
SELECT t.team_id, gw.name AS grid_worker, d.name AS doctor
FROM team t
LEFT JOIN staff gw ON gw.staff_id = t.grid_worker_id
LEFT JOIN staff d ON d.staff_id = t.doctor_id
WHERE t.community_id = $community_id AND allowed($community_ids, t.community_id)
ORDER BY t.team_id;

-- name: store_volunteers
-- The active volunteers of a community in scope, for the issue form.
SELECT volunteer_id, name FROM volunteer
WHERE community_id = $community_id AND active AND allowed($community_ids, community_id)
ORDER BY volunteer_id;
