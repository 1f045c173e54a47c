-- name: coverage_settings_get
-- The stored coverage settings (JSON), if any.
SELECT value FROM meta WHERE key = 'coverage_settings';

-- name: coverage_settings_put
-- Store the coverage settings (JSON), replacing earlier ones.
INSERT INTO meta (key, value) VALUES ('coverage_settings', $value)
ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- name: coverage_households
-- Households in scope with their building's centre and what may make them vulnerable on $today (an open support
-- need among them: resilient/coverage/support.py).
WITH measured AS (
    SELECT resident_id,
           bool_or(category = 'home_isolation') AS isolated,
           bool_or(category = 'home_observation') AS observed
    FROM control_measure
    WHERE active_on(start_date, released_at, CAST($today AS DATE))
    GROUP BY resident_id
), cared AS (
    SELECT DISTINCT household_id FROM support_need
    WHERE noted_at < CAST($today AS DATE) + INTERVAL 1 DAY
      AND (closed_at IS NULL OR closed_at >= CAST($today AS DATE) + INTERVAL 1 DAY)
)
SELECT h.household_id, h.building_id, h.community_id,
       ST_X(ST_Centroid(b.geom)) AS lon, ST_Y(ST_Centroid(b.geom)) AS lat,
       count(r.resident_id) AS people,
       count(r.resident_id) FILTER (
           WHERE r.birth_date <= CAST($today AS DATE) - CAST($elderly_age AS INTEGER) * INTERVAL '1 year') AS elderly,
       bool_or(r.disabled) AS disabled, bool_or(r.bedridden) AS bedridden,
       bool_or(r.chronic_illness) AS chronic_illness, bool_or(r.low_income) AS low_income,
       bool_or(r.pregnant) AS pregnant,
       coalesce(bool_or(m.isolated), FALSE) AS home_isolation,
       coalesce(bool_or(m.observed), FALSE) AS home_observation,
       count(r.resident_id) FILTER (WHERE m.isolated) AS isolated_people,
       bool_or(s.household_id IS NOT NULL) AS support
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
JOIN building b ON b.building_id = h.building_id
JOIN resident r ON r.household_id = h.household_id
LEFT JOIN measured m ON m.resident_id = r.resident_id
LEFT JOIN cared s ON s.household_id = h.household_id
GROUP BY h.household_id, h.building_id, h.community_id, ST_X(ST_Centroid(b.geom)), ST_Y(ST_Centroid(b.geom))
ORDER BY h.household_id;

-- name: coverage_volunteers
-- Volunteers of the communities in scope (a volunteer's own scope: those of its households), with their home
-- building's centre and how many households each looks after on $today, wherever those are.
SELECT v.volunteer_id, v.community_id, v.name, v.capacity, v.active, v.home_building_id,
       ST_X(ST_Centroid(b.geom)) AS lon, ST_Y(ST_Centroid(b.geom)) AS lat,
       (SELECT count(DISTINCT a.household_id) FROM volunteer_assignment a
        WHERE a.volunteer_id = v.volunteer_id AND a.start_date <= $today
          AND (a.end_date IS NULL OR a.end_date >= $today)) AS assigned
FROM volunteer v
LEFT JOIN building b ON b.building_id = v.home_building_id
WHERE allowed($community_ids, v.community_id)
  AND ($household_ids IS NULL OR v.volunteer_id IN (
      SELECT a.volunteer_id FROM volunteer_assignment a WHERE list_contains($household_ids, a.household_id)))
  -- grid cells do not narrow volunteers: walking reach crosses cell borders
  AND ($grid_ids IS NULL OR TRUE)
ORDER BY v.volunteer_id;

-- name: coverage_assignments
-- Who looks after which household in scope on $today.
SELECT DISTINCT a.volunteer_id, a.household_id
FROM volunteer_assignment a
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = a.household_id
WHERE a.start_date <= $today AND (a.end_date IS NULL OR a.end_date >= $today)
ORDER BY a.household_id, a.volunteer_id;

-- name: coverage_teams
-- The 三包一 team of each household in scope on $today and the isolated people that team looks after in all.
WITH flats AS (SELECT * FROM team_flats($today, NULL, NULL, NULL)),
load AS (SELECT team_id, sum(isolated_people) AS team_load FROM flats GROUP BY team_id)
SELECT f.household_id, f.team_id, l.team_load
FROM flats f
JOIN load l ON l.team_id = f.team_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = f.household_id
ORDER BY f.household_id, f.team_id;

-- name: coverage_team_loads
-- Teams of the communities in scope with the isolated people of their households (those in scope) on $today.
WITH flats AS (SELECT * FROM team_flats($today, $community_ids, $grid_ids, $household_ids))
SELECT t.team_id, t.community_id, CAST(coalesce(sum(f.isolated_people), 0) AS BIGINT) AS team_load
FROM team t
LEFT JOIN flats f ON f.team_id = t.team_id
WHERE allowed($community_ids, t.community_id)
GROUP BY t.team_id, t.community_id
ORDER BY t.team_id;

-- name: coverage_last_contact
-- The latest contact with each household in scope up to the end of $today: a volunteer's visit, call or
-- delivery, or a follow-up of a support need (a visit or call too, whoever made it).
WITH contacts AS (
    SELECT household_id, contacted_at FROM contact
    UNION ALL
    SELECT household_id, followed_at FROM support_follow_up
)
SELECT c.household_id, max(c.contacted_at) AS last_contact
FROM contacts c
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = c.household_id
WHERE c.contacted_at < CAST($today AS DATE) + INTERVAL 1 DAY
GROUP BY c.household_id;

-- name: coverage_contact_insert
-- Record one contact (the caller has checked scope and assignment); returns its id.
INSERT INTO contact (volunteer_id, household_id, kind, contacted_at, recorded_by)
VALUES ($volunteer_id, $household_id, $kind, $contacted_at, $recorded_by)
RETURNING contact_id;

-- name: coverage_assignment_insert
-- A volunteer's new assignment from $start_date (the caller has checked scope).
INSERT INTO volunteer_assignment (volunteer_id, household_id, start_date, end_date)
VALUES ($volunteer_id, $household_id, $start_date, NULL);

-- name: coverage_household_labels
-- Where each listed household in scope is and whom to ask for: its eldest resident the viewer may see
-- (the one most likely to need the help); name and phone are masked by the caller.
WITH listed AS (
    SELECT h.*, b.name AS building, c.name AS compound
    FROM scoped_household($community_ids, $grid_ids, $household_ids) h
    JOIN building b ON b.building_id = h.building_id
    JOIN compound c ON c.compound_id = h.compound_id
    WHERE list_contains($listed_ids, h.household_id)
), person AS (
    SELECT household_id, resident_id
    FROM (SELECT r.household_id, r.resident_id,
                 row_number() OVER (PARTITION BY r.household_id
                                    ORDER BY coalesce(r.birth_date, DATE '9999-12-31'), r.resident_id) AS nth
          FROM resident r
          WHERE r.household_id IN (SELECT household_id FROM listed)
            AND may_see_person($personal, r.resident_id, CAST($today AS DATE))) eldest
    WHERE nth = 1
)
SELECT l.household_id, l.building_id, l.compound, l.building, l.unit_no, l.floor, l.room,
       p.resident_id, r.name, r.phone
FROM listed l
LEFT JOIN person p ON p.household_id = l.household_id
LEFT JOIN resident r ON r.resident_id = p.resident_id
ORDER BY l.compound, l.building_id, l.unit_no, l.floor, l.room;

-- name: coverage_leaders
-- Building leaders (楼长) of the buildings in scope on $today, with what they lead.
SELECT l.volunteer_id, v.name, l.building_id, b.name AS building, b.compound_name AS compound, l.stairwell_id,
       s.unit_no, l.start_date
FROM building_leader l
JOIN scoped_building($community_ids, $grid_ids, $household_ids) b ON b.building_id = l.building_id
JOIN volunteer v ON v.volunteer_id = l.volunteer_id
LEFT JOIN stairwell s ON s.stairwell_id = l.stairwell_id
WHERE l.start_date <= $today AND (l.end_date IS NULL OR l.end_date >= $today)
ORDER BY b.compound_name, l.building_id, s.unit_no NULLS FIRST, l.volunteer_id;

-- name: coverage_led_households
-- Households in scope of the buildings or stairwells a volunteer leads on $today.
SELECT DISTINCT h.household_id
FROM building_leader l
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.building_id = l.building_id
    AND (l.stairwell_id IS NULL OR h.stairwell_id = l.stairwell_id)
WHERE l.volunteer_id = $volunteer_id AND l.start_date <= $today AND (l.end_date IS NULL OR l.end_date >= $today)
ORDER BY h.household_id;

-- name: coverage_leader_end
-- End the current leader of that place (the caller has checked scope), before a new one starts.
UPDATE building_leader SET end_date = CAST($today AS DATE) - INTERVAL 1 DAY
WHERE building_id = $building_id AND stairwell_id IS NOT DISTINCT FROM $stairwell_id
  AND start_date <= $today AND (end_date IS NULL OR end_date >= $today)
RETURNING volunteer_id;

-- name: coverage_leader_insert
-- A new 楼长 from $today (the caller has checked scope).
INSERT INTO building_leader (volunteer_id, building_id, stairwell_id, start_date, end_date)
VALUES ($volunteer_id, $building_id, $stairwell_id, $today, NULL);

-- name: coverage_assignment_end
-- End a volunteer's current assignment: it ends yesterday (the caller has checked scope).
UPDATE volunteer_assignment SET end_date = CAST($today AS DATE) - INTERVAL 1 DAY
WHERE volunteer_id = $volunteer_id AND household_id = $household_id AND start_date < $today
  AND (end_date IS NULL OR end_date >= $today);

-- name: coverage_assignment_drop
-- An assignment that would have begun today never took effect: it goes (the caller has checked scope).
DELETE FROM volunteer_assignment
WHERE volunteer_id = $volunteer_id AND household_id = $household_id AND start_date >= $today;
