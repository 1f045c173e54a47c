-- PostgreSQL variants of queries/releases.sql.

-- name: resident_history
-- The JSON of a measure without a 'created' event built by json_build_object (DuckDB: a struct's to_json).
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
           CAST(json_build_object('category', m.category, 'start_date', m.start_date,
                                   'planned_end', m.planned_end) AS VARCHAR),
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
