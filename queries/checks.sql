-- name: check_slots
-- Every morning and afternoon check due from $since to $until (inclusive) for measures of $categories in the
-- viewer's scope (or followed by $own_staff_id, whoever's grid cell the flat is in): the days of the term,
-- start_date up to the day before planned_end, while not released. Status as of $now: done (recorded before
-- the slot's deadline), late, missed (deadline passed, nothing recorded), due, or not_required (the deadline
-- passed before the measure was created). Names and phones only for viewers of persons.
WITH days AS (
    SELECT CAST(d AS DATE) AS day
    FROM generate_series(CAST($since AS DATE), CAST($until AS DATE), INTERVAL '1 day') t(d)
),
periods AS (
    SELECT 'am' AS period, CAST($am_due AS TIME) AS due_time UNION ALL SELECT 'pm', CAST($pm_due AS TIME)
),
m AS (
    SELECT p.measure_id, p.resident_id, p.category, p.start_date, p.planned_end, p.released_at, p.created_at,
           p.household_id, p.building_id, p.compound, p.building, p.unit_no, p.floor, p.room, p.grid_id, p.community_id,
           p.follower_id,
           CASE WHEN $personal <> 'none' THEN p.name END AS name,
           CASE WHEN $personal <> 'none' THEN p.phone END AS phone
    FROM measure_place() p
    WHERE list_contains($categories, p.category)
      AND p.start_date <= CAST($until AS DATE) AND p.planned_end > CAST($since AS DATE)
      AND (p.household_id IN (SELECT household_id FROM scoped_household($community_ids, $grid_ids, $household_ids))
           OR ($own_staff_id IS NOT NULL AND p.handed_to = $own_staff_id))
),
slots AS (
    SELECT m.*, days.day, periods.period, days.day + periods.due_time AS due_at
    FROM m
    JOIN days ON days.day >= m.start_date AND days.day < m.planned_end
        AND active_on(m.start_date, m.released_at, days.day)
    CROSS JOIN periods
)
SELECT sl.measure_id, sl.resident_id, sl.category, sl.start_date, sl.planned_end, sl.household_id,
       sl.building_id, sl.compound, sl.building, sl.unit_no, sl.floor, sl.room, sl.grid_id, sl.community_id, sl.follower_id,
       sl.name, sl.phone, sl.day, sl.period, sl.due_at,
       hc.check_id, hc.temperature, hc.symptoms, hc.note, hc.recorded_at, hc.recorded_by,
       hc.check_id IS NOT NULL AND (hc.temperature >= $fever_threshold OR coalesce(array_length(hc.symptoms, 1), 0) > 0) AS abnormal,
       CASE WHEN sl.due_at <= sl.created_at THEN 'not_required'
            WHEN hc.check_id IS NOT NULL AND hc.recorded_at < sl.due_at THEN 'done'
            WHEN hc.check_id IS NOT NULL THEN 'late'
            WHEN CAST($now AS TIMESTAMP) >= sl.due_at THEN 'missed'
            ELSE 'due' END AS status
FROM slots sl
LEFT JOIN health_check hc ON hc.resident_id = sl.resident_id AND hc.day = sl.day AND hc.period = sl.period
    AND hc.recorded_at <= $now
ORDER BY sl.day, sl.building_id, sl.unit_no, sl.floor, sl.room, sl.resident_id, sl.period;

-- name: check_of_slot
-- The check already recorded for a person's slot, if any.
SELECT check_id, measure_id, temperature, symptoms, note, recorded_by, recorded_at
FROM health_check WHERE resident_id = $resident_id AND day = $day AND period = $period;

-- name: check_insert
-- One check (the caller has checked scope, term and slot); returns its id.
INSERT INTO health_check (measure_id, resident_id, day, period, temperature, symptoms, note, recorded_by,
                          recorded_at)
VALUES ($measure_id, $resident_id, $day, $period, $temperature, $symptoms, $note, $recorded_by, $recorded_at)
RETURNING check_id;

-- name: check_update
-- A correction of a recorded check, said to be one (the caller has checked scope and kept the old values).
UPDATE health_check SET temperature = $temperature, symptoms = $symptoms, note = $note,
       recorded_by = $recorded_by, recorded_at = $recorded_at
WHERE check_id = $check_id;

-- name: alert_insert
-- A fever alert for a check, once per check.
INSERT INTO fever_alert (check_id, resident_id, raised_at)
SELECT $check_id, $resident_id, $raised_at
WHERE NOT EXISTS (SELECT 1 FROM fever_alert WHERE check_id = $check_id)
RETURNING alert_id;

-- name: alert_get
-- One alert with the flat of its resident and whether the viewer's scope covers it.
SELECT a.alert_id, a.check_id, a.resident_id, a.raised_at, a.handled_at, a.handled_by, a.note,
       $personal <> 'none' AND r.household_id IN (
           SELECT household_id FROM scoped_household($community_ids, $grid_ids, $household_ids)) AS in_scope
FROM fever_alert a
JOIN resident r ON r.resident_id = a.resident_id
WHERE a.alert_id = $alert_id;

-- name: alert_handle
-- Mark an open alert handled; nothing when someone handled it first.
UPDATE fever_alert SET handled_at = $handled_at, handled_by = $handled_by, note = $note
WHERE alert_id = $alert_id AND handled_at IS NULL
RETURNING alert_id;

-- name: alerts_list
-- Alerts of residents in scope raised up to $now, open ones (handled after $now counts as open) or all, newest
-- first, with the flat and what raised it: a reading (kind 'fever') or a yellow or red health code (kind
-- 'health_code', its colour and day; the name only for viewers who may see the person, a doctor's people under
-- measures).
SELECT a.alert_id, a.resident_id,
       CASE WHEN a.code_id IS NULL THEN 'fever' ELSE 'health_code' END AS kind,
       CASE WHEN $personal <> 'none' AND (a.code_id IS NULL
                 OR may_see_person($personal, r.resident_id, CAST($now AS DATE))) THEN r.name END AS name,
       CASE WHEN $personal <> 'none' AND (a.code_id IS NULL
                 OR may_see_person($personal, r.resident_id, CAST($now AS DATE))) THEN r.phone END AS phone,
       c.name AS compound, b.name AS building, h.unit_no, h.room, h.grid_id, coalesce(hc.day, x.shown_on) AS day,
       hc.period, hc.temperature, hc.symptoms, x.colour,
       hc.note AS check_note, a.raised_at, a.handled_at, a.handled_by, a.note,
       a.handled_at IS NULL OR a.handled_at > $now AS open
FROM fever_alert a
LEFT JOIN health_check hc ON hc.check_id = a.check_id
LEFT JOIN health_code x ON x.code_id = a.code_id
JOIN resident r ON r.resident_id = a.resident_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
JOIN building b ON b.building_id = h.building_id
JOIN compound c ON c.compound_id = h.compound_id
WHERE a.raised_at <= $now AND ($open_only = FALSE OR a.handled_at IS NULL OR a.handled_at > $now)
ORDER BY a.raised_at DESC, a.alert_id DESC;
