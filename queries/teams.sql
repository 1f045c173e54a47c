-- name: team_loads
-- 三包一 teams of the communities in scope (a grid worker: the teams of their own grid cells) with their members,
-- grid cells, households looked after on $today and the home-isolated people in them. The grid cells of a team
-- are those of its grid worker.
WITH flats AS (SELECT * FROM team_flats($today, $community_ids, $grid_ids, $household_ids))
SELECT t.team_id, t.community_id, t.grid_worker_id, t.doctor_id, t.police_id,
       gw.name AS grid_worker, d.name AS doctor, p.name AS police,
       (SELECT list(g.grid_id ORDER BY g.grid_id) FROM grid_cell g WHERE g.grid_worker_id = t.grid_worker_id)
           AS grid_ids,
       count(f.household_id) AS households,
       count(f.household_id) FILTER (WHERE f.isolated_people > 0) AS isolated_households,
       CAST(coalesce(sum(f.isolated_people), 0) AS INTEGER) AS isolated_people
FROM team t
LEFT JOIN flats f ON f.team_id = t.team_id
LEFT JOIN staff gw ON gw.staff_id = t.grid_worker_id
LEFT JOIN staff d ON d.staff_id = t.doctor_id
LEFT JOIN staff p ON p.staff_id = t.police_id
WHERE allowed($community_ids, t.community_id)
  AND ($grid_ids IS NULL OR t.grid_worker_id IN (
      SELECT g.grid_worker_id FROM grid_cell g WHERE list_contains($grid_ids, g.grid_id)))
GROUP BY t.team_id, t.community_id, t.grid_worker_id, t.doctor_id, t.police_id, gw.name, d.name, p.name
ORDER BY t.team_id;

-- name: team_household_info
-- A flat in scope: its grid cell, community, the grid cell's worker, its current team and its isolated people.
SELECT h.household_id, h.grid_id, h.community_id, g.grid_worker_id,
       (SELECT min(th.team_id) FROM team_household th WHERE th.household_id = h.household_id
          AND th.start_date <= $today AND (th.end_date IS NULL OR th.end_date >= $today)) AS team_id,
       (SELECT list(r.resident_id ORDER BY r.resident_id) FROM resident r JOIN control_measure m USING (resident_id)
        WHERE r.household_id = h.household_id AND active_on(m.start_date, m.released_at, CAST($today AS DATE)))
           AS under_measure
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
LEFT JOIN grid_cell g ON g.grid_id = h.grid_id
WHERE h.household_id = $household_id;

-- name: team_get
-- One team.
SELECT team_id, community_id, grid_worker_id, doctor_id, police_id FROM team WHERE team_id = $team_id;

-- name: team_staff
-- Staff of a community by id, with their role, to check a team's members.
SELECT staff_id, role FROM staff WHERE community_id = $community_id AND list_contains($staff_ids, staff_id);

-- name: team_insert
-- A new team; ids continue from the maximum (a concurrent insert conflicts and is retried).
INSERT INTO team (team_id, community_id, grid_worker_id, doctor_id, police_id)
SELECT (SELECT coalesce(max(team_id), 0) FROM team) + 1, $community_id, $grid_worker_id, $doctor_id, $police_id
RETURNING team_id;

-- name: team_household_end
-- End a flat's current team from $today (a row started today never counts: it ends the day before).
UPDATE team_household SET end_date = CAST($today AS DATE) - 1
WHERE household_id = $household_id AND start_date <= $today AND (end_date IS NULL OR end_date >= $today)
RETURNING team_id;

-- name: team_household_start
-- A flat's team from $today; the same team again on the same day reopens that day's row.
INSERT INTO team_household (team_id, household_id, start_date, end_date)
VALUES ($team_id, $household_id, $today, NULL)
ON CONFLICT (team_id, household_id, start_date) DO UPDATE SET end_date = NULL;

-- name: team_unassigned
-- Flats in scope with someone in home isolation on $today and no team: where they are and how many people.
SELECT h.household_id, h.grid_id, h.community_id, c.name AS compound, b.name AS building, h.unit_no, h.room,
       count(DISTINCT r.resident_id) AS isolated_people, min(m.planned_end) AS first_end
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
JOIN building b ON b.building_id = h.building_id
JOIN compound c ON c.compound_id = h.compound_id
JOIN resident r ON r.household_id = h.household_id
JOIN control_measure m ON m.resident_id = r.resident_id
WHERE m.category = 'home_isolation' AND active_on(m.start_date, m.released_at, CAST($today AS DATE))
  AND NOT EXISTS (SELECT 1 FROM team_household th WHERE th.household_id = h.household_id
                  AND th.start_date <= $today AND (th.end_date IS NULL OR th.end_date >= $today))
GROUP BY h.household_id, h.grid_id, h.community_id, c.name, b.name, h.unit_no, h.room
ORDER BY h.grid_id, b.name, h.unit_no, h.room;

-- name: team_households
-- The flats each team in scope looks after on $today.
SELECT th.team_id, th.household_id
FROM team_household th
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = th.household_id
WHERE th.start_date <= $today AND (th.end_date IS NULL OR th.end_date >= $today)
ORDER BY th.team_id, th.household_id;

-- name: team_grid_workers
-- The grid worker of each listed grid cell.
SELECT grid_id, grid_worker_id FROM grid_cell WHERE list_contains($grid_ids, grid_id);

-- name: team_staff_choices
-- Staff of the communities in scope in a post that serves on a team or follows people (grid workers, doctors,
-- police), by post and id: the choices when forming a team or handing a person over.
SELECT staff_id, community_id, role, name
FROM staff
WHERE allowed($community_ids, community_id) AND role IN ('grid_worker', 'doctor', 'police')
ORDER BY role, staff_id;

-- name: team_household_list
-- The flats each team in scope looks after on $today: where they are, since when, and their home-isolated people.
WITH isolated AS (
    SELECT r.household_id, count(DISTINCT r.resident_id) AS people
    FROM resident r JOIN control_measure m ON m.resident_id = r.resident_id
    WHERE m.category = 'home_isolation' AND active_on(m.start_date, m.released_at, CAST($today AS DATE))
    GROUP BY r.household_id
)
SELECT th.team_id, th.household_id, h.grid_id, c.name AS compound, b.name AS building, h.unit_no, h.room,
       th.start_date, CAST(coalesce(i.people, 0) AS INTEGER) AS isolated_people
FROM team_household th
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = th.household_id
JOIN building b ON b.building_id = h.building_id
JOIN compound c ON c.compound_id = h.compound_id
LEFT JOIN isolated i ON i.household_id = th.household_id
WHERE th.start_date <= $today AND (th.end_date IS NULL OR th.end_date >= $today)
ORDER BY th.team_id, c.name, b.building_id, h.unit_no, h.floor, h.room;
