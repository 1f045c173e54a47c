-- name: report_measures
-- Per category on $day, for people in scope (counts only), as the records stood at $at (the day's end, or now
-- while it runs), so a day's figures never change afterwards: measures registered by $registered (the end of a
-- past day; NULL for the running day, as the pages count), each with the end
-- it had then (before any later extension) and ended only if ended by then. Starting that day, ended that day
-- by a release or by a transfer, active at the end of the day (as overview_kpis counts them), and due that day:
-- its term ended that day and it was still running when the day began, released during the day or not.
WITH m AS (
    SELECT m.measure_id, m.category, m.start_date,
           coalesce((SELECT CAST(CAST(e.detail AS JSON) ->> 'old_end' AS DATE) FROM measure_event e
                     WHERE e.measure_id = m.measure_id AND e.kind = 'extended' AND e.event_at > $at
                     ORDER BY e.event_at, e.event_id LIMIT 1), m.planned_end) AS planned_end,
           CASE WHEN m.released_at <= $at THEN m.released_at END AS ended_at,
           EXISTS (SELECT 1 FROM measure_event e WHERE e.measure_id = m.measure_id AND e.kind = 'transferred'
                   AND e.event_at <= $at) AS transferred
    FROM scoped_household($community_ids, $grid_ids, $household_ids) h
    JOIN resident r USING (household_id)
    JOIN control_measure m USING (resident_id)
    WHERE $registered IS NULL OR m.created_at <= $registered
)
SELECT category,
       count(*) FILTER (WHERE start_date = $day) AS new,
       count(*) FILTER (WHERE CAST(ended_at AS DATE) = $day AND NOT transferred) AS released,
       count(*) FILTER (WHERE CAST(ended_at AS DATE) = $day AND transferred) AS transferred,
       count(*) FILTER (WHERE active_on(start_date, ended_at, $day)) AS active,
       count(*) FILTER (WHERE start_date <= $day AND planned_end = $day
                        AND (ended_at IS NULL OR ended_at >= CAST($day AS DATE))) AS due
FROM m
GROUP BY category;

-- name: report_alerts
-- Fever alerts of people in scope raised on $day up to $at, and those open at $at (the end of the day, or now
-- while it runs). Counts only; health-code alerts are counted by resilient/edge/health_codes.kpis.
SELECT count(*) FILTER (WHERE CAST(a.raised_at AS DATE) = $day AND a.raised_at <= $at) AS raised,
       count(*) FILTER (WHERE a.raised_at <= $at AND (a.handled_at IS NULL OR a.handled_at > $at)) AS open
FROM fever_alert a
JOIN resident r ON r.resident_id = a.resident_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
WHERE a.code_id IS NULL;
