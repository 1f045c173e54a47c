-- name: release_due
-- Measures in scope not released by $today's end whose term ends by tomorrow (overdue ones included), with the
-- flat; names and phones only for viewers of persons.
SELECT m.measure_id, m.resident_id,
       CASE WHEN $personal <> 'none' THEN r.name END AS name,
       CASE WHEN $personal <> 'none' THEN r.phone END AS phone,
       b.name AS building, h.unit_no, h.floor, h.room, h.grid_id, m.category, m.origin, m.start_date,
       m.planned_end, m.created_at, c.name AS compound
FROM control_measure m
JOIN resident r ON r.resident_id = m.resident_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
JOIN building b ON b.building_id = h.building_id
JOIN compound c ON c.compound_id = h.compound_id
WHERE active_on(m.start_date, m.released_at, $today) AND m.planned_end <= CAST($today AS DATE) + 1
ORDER BY m.planned_end, b.name, h.unit_no, h.floor, h.room, m.resident_id;

-- name: measure_end
-- End a measure (release or transfer) at $now, only when still running and in the actor's scope (or followed
-- by $own_staff_id). Returns the measure when it was ended.
UPDATE control_measure SET released_at = $now
WHERE measure_id = $measure_id AND released_at IS NULL
  AND (resident_id IN (SELECT r.resident_id FROM resident r
                       JOIN scoped_household($community_ids, $grid_ids, $household_ids) h USING (household_id))
       OR measure_id IN (SELECT f.measure_id FROM measure_follower f WHERE f.staff_id = $own_staff_id))
RETURNING measure_id;

-- name: measure_extend
-- Move a running measure's end by $days, in the actor's scope (or followed by $own_staff_id).
UPDATE control_measure SET planned_end = planned_end + CAST($days AS INTEGER)
WHERE measure_id = $measure_id AND released_at IS NULL
  AND (resident_id IN (SELECT r.resident_id FROM resident r
                       JOIN scoped_household($community_ids, $grid_ids, $household_ids) h USING (household_id))
       OR measure_id IN (SELECT f.measure_id FROM measure_follower f WHERE f.staff_id = $own_staff_id))
RETURNING planned_end;

-- name: measure_insert_transfer
-- The centralised quarantine a home measure is transferred to, from $today for $days; ids continue from the
-- maximum. Only for a resident in the actor's scope (or whose measure $from_measure_id $own_staff_id follows).
INSERT INTO control_measure (measure_id, resident_id, category, origin, start_date, planned_end, released_at,
                             created_at)
SELECT (SELECT coalesce(max(measure_id), 0) FROM control_measure) + 1, m.resident_id, 'centralised_quarantine',
       m.origin, $today, CAST($today AS DATE) + CAST($days AS INTEGER), NULL, $now
FROM control_measure m
WHERE m.measure_id = $from_measure_id
  AND (m.resident_id IN (SELECT r.resident_id FROM resident r
                         JOIN scoped_household($community_ids, $grid_ids, $household_ids) h USING (household_id))
       OR m.measure_id IN (SELECT f.measure_id FROM measure_follower f WHERE f.staff_id = $own_staff_id))
RETURNING measure_id;

-- name: open_alert_residents
-- Residents in scope with a fever alert nobody has handled.
SELECT DISTINCT a.resident_id
FROM fever_alert a
JOIN resident r ON r.resident_id = a.resident_id
WHERE a.handled_at IS NULL AND list_contains($resident_ids, a.resident_id)
  AND r.household_id IN (SELECT household_id FROM scoped_household($community_ids, $grid_ids, $household_ids));

-- name: resident_history
-- A resident's history in time order (an arrival before the measure it opened at the same moment): stored
-- events, and for measures written before events existed (or by other modules) their creation and end as the
-- measure rows tell them. Only for viewers who may see the person.
WITH person AS (
    SELECT r.resident_id
    FROM resident r
    JOIN scoped_household($community_ids, $grid_ids, $household_ids) h USING (household_id)
    WHERE r.resident_id = $resident_id AND may_see_person($personal, r.resident_id, $today)
),
events AS (
    SELECT e.event_at, e.kind, e.measure_id, e.by_user, e.reason, e.detail, e.event_id
    FROM measure_event e WHERE e.resident_id IN (SELECT resident_id FROM person)
    UNION ALL
    SELECT m.created_at, 'created', m.measure_id, NULL, NULL,
           to_json({'category': m.category, 'start_date': m.start_date, 'planned_end': m.planned_end})::VARCHAR,
           NULL
    FROM control_measure m
    WHERE m.resident_id IN (SELECT resident_id FROM person)
      AND NOT EXISTS (SELECT 1 FROM measure_event e WHERE e.measure_id = m.measure_id AND e.kind = 'created')
    UNION ALL
    SELECT m.released_at, 'released', m.measure_id, NULL, NULL, NULL, NULL
    FROM control_measure m
    WHERE m.resident_id IN (SELECT resident_id FROM person) AND m.released_at IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM measure_event e WHERE e.measure_id = m.measure_id
                      AND e.kind IN ('released', 'transferred'))
)
SELECT ev.event_at, ev.kind, ev.measure_id, m.category, ev.by_user, ev.reason, ev.detail
FROM events ev
LEFT JOIN control_measure m ON m.measure_id = ev.measure_id
ORDER BY ev.event_at, ev.kind <> 'arrival', ev.event_id NULLS FIRST, ev.kind;
