-- name: report_measures
-- Per category on $day, for people in scope (counts only): measures starting that day, ended that day by a
-- release or by a transfer, active at the end of the day (as overview_kpis counts them), ending that day.
WITH m AS (
    SELECT m.measure_id, m.category, m.start_date, m.planned_end, m.released_at,
           EXISTS (SELECT 1 FROM measure_event e WHERE e.measure_id = m.measure_id AND e.kind = 'transferred')
               AS transferred
    FROM scoped_household($community_ids, $grid_ids, $household_ids) h
    JOIN resident r USING (household_id)
    JOIN control_measure m USING (resident_id)
)
SELECT category,
       count(*) FILTER (WHERE start_date = $day) AS new,
       count(*) FILTER (WHERE CAST(released_at AS DATE) = $day AND NOT transferred) AS released,
       count(*) FILTER (WHERE CAST(released_at AS DATE) = $day AND transferred) AS transferred,
       count(*) FILTER (WHERE active_on(start_date, released_at, $day)) AS active,
       count(*) FILTER (WHERE active_on(start_date, released_at, $day) AND planned_end = $day) AS due
FROM m
GROUP BY category;

-- name: report_alerts
-- Fever alerts of people in scope raised on $day up to $at, and those open at $at (the end of the day, or now
-- while it runs). Counts only.
SELECT count(*) FILTER (WHERE CAST(a.raised_at AS DATE) = $day AND a.raised_at <= $at) AS raised,
       count(*) FILTER (WHERE a.raised_at <= $at AND (a.handled_at IS NULL OR a.handled_at > $at)) AS open
FROM fever_alert a
JOIN resident r ON r.resident_id = a.resident_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id;
