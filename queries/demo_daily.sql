-- name: demo_daily_teams
-- Demo: 三包一 teams for each grid worker in scope, one per `$standard` isolated people of their cells on $as_of
-- (at least one), doctors and police of the community taken in turn; ids continue from the maximum.
INSERT INTO team (team_id, community_id, grid_worker_id, doctor_id, police_id)
WITH isolated AS (
    SELECT g.grid_worker_id, count(DISTINCT m.resident_id) AS people
    FROM scoped_household($community_ids, $grid_ids, $household_ids) h
    JOIN grid_cell g ON g.grid_id = h.grid_id
    JOIN resident r ON r.household_id = h.household_id
    JOIN control_measure m ON m.resident_id = r.resident_id
    WHERE m.category = 'home_isolation' AND active_on(m.start_date, m.released_at, CAST($as_of AS DATE))
    GROUP BY g.grid_worker_id
), workers AS (
    SELECT DISTINCT g.community_id, g.grid_worker_id FROM grid_cell g
    WHERE g.grid_worker_id IS NOT NULL AND allowed($community_ids, g.community_id)
), wanted AS (
    SELECT w.community_id, w.grid_worker_id,
           CAST(greatest(1, ceil(coalesce(i.people, 0) / $standard)) AS INTEGER) AS n
    FROM workers w LEFT JOIN isolated i USING (grid_worker_id)
), posts AS (
    SELECT community_id,
           list(staff_id ORDER BY staff_id) FILTER (WHERE role = 'doctor') AS doctors,
           list(staff_id ORDER BY staff_id) FILTER (WHERE role = 'police') AS police
    FROM staff GROUP BY community_id
), teams AS (
    SELECT w.community_id, w.grid_worker_id, p.doctors, p.police,
           row_number() OVER (PARTITION BY w.community_id ORDER BY w.grid_worker_id, k.k) - 1 AS turn
    FROM wanted w
    CROSS JOIN LATERAL (SELECT unnest(range(w.n)) AS k) k
    JOIN posts p ON p.community_id = w.community_id
)
SELECT (SELECT coalesce(max(team_id), 0) FROM team) + row_number() OVER (ORDER BY community_id, grid_worker_id, turn),
       community_id, grid_worker_id,
       CASE WHEN len(doctors) > 0 THEN doctors[1 + turn % len(doctors)] END,
       CASE WHEN len(police) > 0 THEN police[1 + turn % len(police)] END
FROM teams;

-- name: demo_daily_team_households
-- Demo: every flat in scope with someone in home isolation on $as_of goes to one of its grid worker's teams,
-- dealt in turn, from the day its first isolation started.
INSERT INTO team_household (team_id, household_id, start_date, end_date)
WITH flats AS (
    SELECT h.household_id, g.grid_worker_id, min(m.start_date) AS since
    FROM scoped_household($community_ids, $grid_ids, $household_ids) h
    JOIN grid_cell g ON g.grid_id = h.grid_id
    JOIN resident r ON r.household_id = h.household_id
    JOIN control_measure m ON m.resident_id = r.resident_id
    WHERE m.category = 'home_isolation' AND active_on(m.start_date, m.released_at, CAST($as_of AS DATE))
    GROUP BY ALL
), numbered AS (
    SELECT f.*, row_number() OVER (PARTITION BY f.grid_worker_id ORDER BY f.household_id) - 1 AS k
    FROM flats f
), teams AS (
    SELECT team_id, grid_worker_id, row_number() OVER (PARTITION BY grid_worker_id ORDER BY team_id) - 1 AS j,
           count(*) OVER (PARTITION BY grid_worker_id) AS n
    FROM team
)
SELECT t.team_id, f.household_id, f.since, NULL
FROM numbered f
JOIN teams t ON t.grid_worker_id = f.grid_worker_id AND t.j = f.k % t.n;

-- name: demo_daily_arrivals
-- Demo: the gate's record of every measure in scope (arrival day = start), the risk the rules would have needed,
-- and a reason where the decision differs from the default rules.
INSERT INTO arrival (resident_id, arrival_date, from_place, origin, risk, temperature, transport, newcomer,
                     suggested_category, suggested_days, category, days, reason, measure_id, recorded_by,
                     recorded_at)
SELECT m.resident_id, m.start_date,
       CASE m.origin WHEN 'abroad' THEN ['首尔', '东京', '新加坡', '米兰'][1 + CAST(hash(m.measure_id, $seed) % 4 AS BIGINT)]
                     WHEN 'key_area' THEN ['武汉市', '孝感市', '黄冈市'][1 + CAST(hash(m.measure_id, $seed) % 3 AS BIGINT)]
                     WHEN 'other_area' THEN ['南京市', '苏州市', '无锡市', '上海市'][1 + CAST(hash(m.measure_id, $seed) % 4 AS BIGINT)]
                     ELSE NULL END,
       m.origin,
       CASE WHEN m.category IN ('home_observation', 'health_monitoring')
                 OR (m.origin = 'close_contact' AND m.category = 'home_isolation') THEN 'low' ELSE 'high' END,
       36.0 + (hash(m.measure_id, $seed, 't') % 9) / 10.0,
       ['火车', '飞机', '自驾', '长途汽车'][1 + CAST(hash(m.measure_id, $seed, 'v') % 4 AS BIGINT)],
       FALSE,
       CASE m.origin WHEN 'abroad' THEN 'centralised_quarantine' WHEN 'other_area' THEN 'health_monitoring'
                     WHEN 'close_contact' THEN 'home_isolation'
                     ELSE CASE WHEN m.category = 'home_observation' THEN 'home_observation' ELSE 'home_isolation' END
       END AS suggested,
       14, m.category, CAST(m.planned_end - m.start_date AS INTEGER),
       CASE WHEN m.category IN ('centralised_quarantine', 'medical_observation') AND m.origin = 'key_area'
            THEN '卫健部门通知：密切接触者的同行人员' END,
       m.measure_id, 'demo', m.created_at
FROM control_measure m
JOIN resident r ON r.resident_id = m.resident_id
WHERE r.household_id IN (SELECT household_id FROM scoped_household($community_ids, $grid_ids, $household_ids))
ORDER BY m.measure_id;

-- name: demo_daily_arrival_events
-- Demo: each seeded arrival in the person's history.
INSERT INTO measure_event (resident_id, measure_id, kind, event_at, by_user, reason, detail)
SELECT a.resident_id, a.measure_id, 'arrival', a.recorded_at, a.recorded_by, NULL,
       to_json({'arrival_id': a.arrival_id, 'arrival_date': a.arrival_date, 'from_place': a.from_place,
                'origin': a.origin, 'risk': a.risk, 'newcomer': FALSE})::VARCHAR
FROM arrival a ORDER BY a.arrival_id;

-- name: demo_daily_checks
-- Demo: morning and afternoon readings of people under home measures in scope for the $days days before $as_of
-- and the morning of $as_of (three in four done by then), none after $now; about 3 in 100 forgotten, about 1 in
-- 100 a fever.
INSERT INTO health_check (measure_id, resident_id, day, period, temperature, symptoms, note, recorded_by,
                          recorded_at)
WITH days AS (
    SELECT CAST(d AS DATE) AS day FROM generate_series(CAST($as_of AS DATE) - CAST($days AS INTEGER),
                                                       CAST($as_of AS DATE), INTERVAL 1 DAY) t(d)
), slots AS (
    SELECT m.measure_id, m.resident_id, m.created_at, days.day, p.period,
           hash(m.resident_id, days.day, p.period, $seed) % 1000 AS luck,
           days.day + CASE p.period WHEN 'am' THEN INTERVAL 8 HOUR ELSE INTERVAL 14 HOUR END
               + INTERVAL 1 MINUTE * (hash(m.resident_id, days.day, p.period, $seed, 'm') % 180) AS taken
    FROM control_measure m
    JOIN resident r ON r.resident_id = m.resident_id
    JOIN days ON days.day >= m.start_date AND days.day < m.planned_end
        AND active_on(m.start_date, m.released_at, days.day)
    CROSS JOIN (SELECT unnest(['am', 'pm']) AS period) p
    WHERE list_contains($categories, m.category)
      AND r.household_id IN (SELECT household_id FROM scoped_household($community_ids, $grid_ids, $household_ids))
)
SELECT measure_id, resident_id, day, period,
       CASE WHEN luck < 10 THEN 37.5 + (luck % 8) / 10.0 ELSE 36.0 + (luck % 9) / 10.0 END,
       CASE WHEN luck < 4 THEN ['cough'] ELSE [] END::VARCHAR[],
       NULL, 'demo', taken
FROM slots
WHERE taken > created_at AND luck < 970 AND taken <= $now
  AND (day < CAST($as_of AS DATE) OR (period = 'am' AND luck < 750))
ORDER BY measure_id, day, period;

-- name: demo_daily_alerts
-- Demo: an alert for every seeded fever or symptom, handled an hour later unless it was raised on $as_of.
INSERT INTO fever_alert (check_id, resident_id, raised_at, handled_at, handled_by, note)
SELECT c.check_id, c.resident_id, c.recorded_at,
       CASE WHEN c.day < CAST($as_of AS DATE) THEN c.recorded_at + INTERVAL 1 HOUR END,
       CASE WHEN c.day < CAST($as_of AS DATE) THEN 'demo' END,
       CASE WHEN c.day < CAST($as_of AS DATE) THEN '上门复测，已告知发热门诊' END
FROM health_check c
WHERE c.temperature >= $fever_threshold OR len(c.symptoms) > 0
ORDER BY c.check_id;

-- name: demo_daily_alerts_after
-- Demo rolled forward: alerts of readings that would lie after $now today (a demo opened at 00:30).
DELETE FROM fever_alert WHERE check_id IN (SELECT check_id FROM health_check WHERE recorded_at > $now);

-- name: demo_daily_checks_after
-- Demo rolled forward: readings that would lie after $now, so no form is offered for a check already "taken".
DELETE FROM health_check WHERE recorded_at > $now;

-- name: demo_daily_support_referrals
-- Demo: each community in scope keeps a short referral list (a hotline, the community doctor, a counsellor).
INSERT INTO support_referral (community_id, name, kind, phone, hours, note, active)
SELECT c.community_id, x.name, x.kind, x.phone, x.hours, x.note, TRUE
FROM community c
CROSS JOIN (VALUES ('区心理援助热线', 'hotline', '12320', '24小时', '接通后按心理援助'),
                   ('社区卫生服务中心全科门诊', 'doctor', '0519-86000120', '8:00-17:00', NULL),
                   ('心理咨询志愿者', 'counsellor', '13800000000', '每天 19:00-21:00', '电话或视频')) x(name, kind, phone, hours, note)
WHERE allowed($community_ids, c.community_id)
ORDER BY c.community_id, x.kind;

-- name: demo_daily_support_needs
-- Demo: in each community in scope, the two first flats of the volunteer looking after the most (a bereaved
-- family, noted by the grid worker three days ago; distress noticed at a check yesterday) and the first flat
-- under home isolation of its first grid cell (a confirmed or suspected household, noted two days ago).
INSERT INTO support_need (household_id, kind, note, noted_by, noted_at)
WITH top AS (
    SELECT v.community_id, a.volunteer_id
    FROM volunteer_assignment a JOIN volunteer v USING (volunteer_id)
    WHERE allowed($community_ids, v.community_id)
    GROUP BY v.community_id, a.volunteer_id
    QUALIFY row_number() OVER (PARTITION BY v.community_id ORDER BY count(*) DESC, a.volunteer_id) = 1
), theirs AS (
    SELECT h.community_id, h.household_id,
           row_number() OVER (PARTITION BY h.community_id ORDER BY h.household_id) AS k
    FROM top t
    JOIN volunteer_assignment a ON a.volunteer_id = t.volunteer_id
    JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = a.household_id
    WHERE a.start_date <= $as_of AND (a.end_date IS NULL OR a.end_date >= $as_of)
    QUALIFY k <= 2
), isolated AS (
    SELECT DISTINCT h.community_id, h.household_id
    FROM scoped_household($community_ids, $grid_ids, $household_ids) h
    JOIN resident r ON r.household_id = h.household_id
    JOIN control_measure m ON m.resident_id = r.resident_id
    WHERE m.category = 'home_isolation' AND active_on(m.start_date, m.released_at, CAST($as_of AS DATE))
      AND h.grid_id = (SELECT min(g.grid_id) FROM grid_cell g WHERE g.community_id = h.community_id)
      AND h.household_id NOT IN (SELECT household_id FROM theirs)
), chosen AS (
    SELECT household_id, CASE k WHEN 1 THEN 'bereaved' ELSE 'distress_at_check' END AS kind,
           CASE k WHEN 1 THEN '老伴上周病逝，现一人在家，子女在外地。' ELSE '下午测体温时情绪低落，说睡不着。' END AS note,
           CASE k WHEN 1 THEN 3 ELSE 1 END AS days_ago
    FROM theirs
    UNION ALL
    SELECT household_id, 'case_household', '家中一人核酸阳性，全家居家隔离，担心孩子。', 2
    FROM isolated
    QUALIFY row_number() OVER (PARTITION BY community_id ORDER BY household_id) = 1
)
SELECT household_id, kind, note, CASE kind WHEN 'distress_at_check' THEN 'doctor' ELSE 'grid1' END,
       least(CAST($as_of AS DATE) - to_days(days_ago) + INTERVAL 10 HOUR, CAST($now AS TIMESTAMP))
FROM chosen
ORDER BY household_id;

-- name: demo_daily_support_care
-- Demo: the bereaved families are referred to the hotline the day after they were noted and called back
-- yesterday; the confirmed or suspected households were visited once. The distress noticed yesterday waits.
INSERT INTO support_referral_made (need_id, referral_id, referred_at, referred_by)
SELECT n.need_id, r.referral_id, least(n.noted_at + INTERVAL 1 DAY, CAST($now AS TIMESTAMP)), 'grid1'
FROM support_need n
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = n.household_id
JOIN support_referral r ON r.community_id = h.community_id AND r.kind = 'hotline'
WHERE n.kind = 'bereaved'
ORDER BY n.need_id;

-- name: demo_daily_support_follow_ups
-- Demo: the follow-ups the care above describes (nothing after $now).
INSERT INTO support_follow_up (need_id, household_id, kind, outcome, followed_at, recorded_by)
SELECT n.need_id, n.household_id, CASE n.kind WHEN 'bereaved' THEN 'call' ELSE 'visit' END,
       CASE n.kind WHEN 'bereaved' THEN 'still_struggling' ELSE 'steady' END,
       least(CAST($as_of AS DATE) - INTERVAL 1 DAY + INTERVAL 15 HOUR, CAST($now AS TIMESTAMP)), 'grid1'
FROM support_need n
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = n.household_id
WHERE n.kind IN ('bereaved', 'case_household')
ORDER BY n.need_id
-- name: demo_daily_code_sheet
-- The demo's health-code sheet: every $step-th resident (by id) with name, building and room; mostly green, one in
-- 29 yellow, one in 997 red, as an office's sheet would come.
SELECT r.name AS "姓名", c.name AS "小区", b.name AS "楼栋", h.unit_no AS "单元", h.room AS "房号",
       CASE WHEN r.resident_id % 997 = 0 THEN '红码' WHEN r.resident_id % 29 = 0 THEN '黄码' ELSE '绿码' END
           AS "健康码"
FROM resident r
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
JOIN building b ON b.building_id = h.building_id
JOIN compound c ON c.compound_id = h.compound_id
WHERE r.resident_id % $step = 0
QUALIFY count(*) OVER (PARTITION BY r.name, b.building_id, h.room) = 1
ORDER BY r.resident_id
LIMIT $most;

-- name: demo_daily_disinfection_marks
-- Done-marks for the demo's areas on $day: most areas' rounds whose slot began before $now, a few forgotten.
INSERT INTO disinfection_mark (area_id, day, slot, done_at, done_by)
SELECT a.area_id, $day, 0, $done_at, 'demo'
FROM disinfection_area a
WHERE hash(a.area_id, $seed) % 5 <> 0 AND $done_at <= $now;
