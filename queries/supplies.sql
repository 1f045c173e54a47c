-- Requests from sealed households (issue 16): entered, moved along, listed, counted. Every read joins
-- scoped_household, so a request is seen only by whoever may see its household.

-- name: requests_households_in_scope
-- Which of the listed households the viewer may see (a request is entered or imported only for these).
SELECT h.household_id
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
WHERE list_contains($listed_ids, h.household_id)
ORDER BY h.household_id;

-- name: requests_assigned_households
-- Households of the requests handed to a volunteer and not yet closed: the door they must find.
SELECT DISTINCT r.household_id
FROM supply_request r
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
WHERE r.volunteer_id = $volunteer_id AND r.status IN ('assigned', 'on_the_way')
ORDER BY r.household_id;

-- name: requests_insert
-- A new request (the caller has checked role and scope).
INSERT INTO supply_request (household_id, kind, detail, prescription, status, created_at, created_by, updated_at,
                            source)
VALUES ($household_id, $kind, $detail, $prescription, 'new', $at, $by, $at, $source)
RETURNING request_id;

-- name: requests_event_insert
-- One step of a request's history.
INSERT INTO supply_request_event (request_id, status, volunteer_id, note, event_at, by_user)
VALUES ($request_id, $status, $volunteer_id, $note, $at, $by);

-- name: requests_one
-- One request in scope, with where its household is (for the checks before it moves).
SELECT r.request_id, r.household_id, r.kind, r.status, r.volunteer_id, r.route_stop, r.failed_reason,
       r.updated_at, h.building_id, h.stairwell_id
FROM supply_request r
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
WHERE r.request_id = $request_id;

-- name: requests_last_event
-- The latest step of a request: who made it and when, for the word a double tap gets.
SELECT status, by_user, event_at
FROM supply_request_event
WHERE request_id = $request_id
ORDER BY event_at DESC, event_id DESC
LIMIT 1;

-- name: requests_move
-- A request's new status (the caller has checked the transition, role and scope). A request back to new has
-- no volunteer or stop; delivered_at is when it was closed, delivered or failed.
UPDATE supply_request SET
    status = $status,
    volunteer_id = CASE WHEN $status = 'new' THEN NULL ELSE coalesce($volunteer_id, volunteer_id) END,
    route_stop = CASE WHEN $status = 'new' OR $volunteer_id IS DISTINCT FROM volunteer_id AND $volunteer_id IS NOT NULL
                      THEN NULL ELSE route_stop END,
    failed_reason = CASE WHEN $status = 'failed' THEN $reason ELSE NULL END,
    delivered_at = CASE WHEN $status IN ('delivered', 'failed') THEN CAST($at AS TIMESTAMP) ELSE NULL END,
    updated_at = $at
WHERE request_id = $request_id;

-- name: requests_list
-- Requests of households in scope made since $since or still open at $now, with where the household is and
-- who holds the request; ordered for a volunteer's walk (route stop, then age) when $volunteer_id is given.
SELECT r.request_id, r.household_id, r.kind, r.detail, r.prescription, r.status, r.failed_reason,
       r.volunteer_id, v.name AS volunteer, r.route_stop, r.created_at, r.created_by, r.updated_at,
       r.delivered_at, r.source, h.building_id, b.name AS building, c.name AS compound, h.stairwell_id,
       h.unit_no, h.floor, h.room, h.grid_id
FROM supply_request r
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
JOIN building b ON b.building_id = h.building_id
JOIN compound c ON c.compound_id = h.compound_id
LEFT JOIN volunteer v ON v.volunteer_id = r.volunteer_id
WHERE r.created_at <= $now
  AND (r.created_at >= $since OR r.status IN ('new', 'assigned', 'on_the_way') OR r.delivered_at >= $since)
  AND ($volunteer_id IS NULL OR r.volunteer_id = $volunteer_id)
ORDER BY CASE WHEN $volunteer_id IS NULL THEN 0 ELSE coalesce(r.route_stop, 2147483647) END,
         r.created_at, r.request_id;

-- name: requests_events
-- The history of the listed requests in scope, oldest step first.
SELECT e.request_id, e.status, e.volunteer_id, v.name AS volunteer, e.note, e.event_at, e.by_user
FROM supply_request_event e
JOIN supply_request r ON r.request_id = e.request_id
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
LEFT JOIN volunteer v ON v.volunteer_id = e.volunteer_id
WHERE list_contains($request_ids, e.request_id)
ORDER BY e.request_id, e.event_at, e.event_id;

-- name: requests_overdue
-- Open requests in scope made before $before, oldest first, with where, who holds it and the building's leader.
SELECT r.request_id, r.household_id, r.kind, r.status, r.created_at, r.volunteer_id, v.name AS volunteer,
       h.building_id, b.name AS building, c.name AS compound, h.unit_no, h.room, g.name AS grid,
       s.name AS grid_worker,
       (SELECT string_agg(lv.name, '、' ORDER BY lv.name)
        FROM building_leader l JOIN volunteer lv ON lv.volunteer_id = l.volunteer_id
        WHERE l.building_id = h.building_id AND (l.stairwell_id IS NULL OR l.stairwell_id = h.stairwell_id)
          AND l.start_date <= CAST($now AS DATE) AND (l.end_date IS NULL OR l.end_date >= CAST($now AS DATE)))
           AS leader
FROM supply_request r
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
JOIN building b ON b.building_id = h.building_id
JOIN compound c ON c.compound_id = h.compound_id
LEFT JOIN grid_cell g ON g.grid_id = h.grid_id
LEFT JOIN staff s ON s.staff_id = g.grid_worker_id
LEFT JOIN volunteer v ON v.volunteer_id = r.volunteer_id
WHERE r.status IN ('new', 'assigned', 'on_the_way') AND r.created_at <= $before
ORDER BY r.created_at, r.request_id;

-- name: requests_day_counts
-- For the daily report: requests in scope made on $day, delivered on $day and failed on $day (a request that
-- failed and was tried again still failed that day), as the records stood at $now.
SELECT
    count(*) FILTER (WHERE r.created_at >= $day AND r.created_at < $next_day AND r.created_at <= $now) AS new,
    count(*) FILTER (WHERE EXISTS (
        SELECT 1 FROM supply_request_event e WHERE e.request_id = r.request_id AND e.status = 'delivered'
          AND e.event_at >= $day AND e.event_at < $next_day AND e.event_at <= $now)) AS delivered,
    count(*) FILTER (WHERE EXISTS (
        SELECT 1 FROM supply_request_event e WHERE e.request_id = r.request_id AND e.status = 'failed'
          AND e.event_at >= $day AND e.event_at < $next_day AND e.event_at <= $now)) AS failed
FROM supply_request r
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id;

-- name: requests_flats
-- The flats of one building in scope (one stairwell when $stairwell_id is given) with their open requests:
-- the buttons a worker taps.
SELECT h.household_id, h.stairwell_id, h.unit_no, h.floor, h.room,
       (SELECT count(*) FROM supply_request r
        WHERE r.household_id = h.household_id AND r.status IN ('new', 'assigned', 'on_the_way')) AS open_requests
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
WHERE h.building_id = $building_id AND ($stairwell_id IS NULL OR h.stairwell_id = $stairwell_id)
ORDER BY h.unit_no, h.floor, h.room;

-- name: requests_sheet_households
-- Every flat in scope with its building and compound names, for matching a sheet's rows.
SELECT h.household_id, h.building_id, b.name AS building, c.name AS compound, h.unit_no, h.room
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
JOIN building b ON b.building_id = h.building_id
JOIN compound c ON c.compound_id = h.compound_id
ORDER BY h.household_id;

-- name: requests_volunteers
-- Active volunteers of the communities in scope, with how many open requests each holds: whom to hand one to.
SELECT v.volunteer_id, v.name,
       (SELECT count(*) FROM supply_request r
        WHERE r.volunteer_id = v.volunteer_id AND r.status IN ('assigned', 'on_the_way')) AS holding
FROM volunteer v
WHERE v.active AND allowed($community_ids, v.community_id)
  AND ($household_ids IS NULL OR v.volunteer_id = $volunteer_id)
ORDER BY v.name, v.volunteer_id;

-- name: demo_requests_households
-- Demo only: households of community 1 in a fixed shuffled order (by seed), with the volunteer looking after each
-- today and whether it is one of the demo volunteer's (the one looking after the most households).
WITH busiest AS (
    SELECT a.volunteer_id FROM volunteer_assignment a JOIN volunteer v USING (volunteer_id)
    WHERE v.community_id = 1 GROUP BY a.volunteer_id ORDER BY count(*) DESC, a.volunteer_id LIMIT 1
), homes AS (
    SELECT h.household_id,
           (SELECT min(a.volunteer_id) FROM volunteer_assignment a
            WHERE a.household_id = h.household_id AND a.start_date <= $as_of
              AND (a.end_date IS NULL OR a.end_date >= $as_of)) AS volunteer_id,
           EXISTS (SELECT 1 FROM volunteer_assignment a WHERE a.household_id = h.household_id
                   AND a.volunteer_id = (SELECT volunteer_id FROM busiest)) AS demo_volunteer
    FROM scoped_household($community_ids, $grid_ids, $household_ids) h
    WHERE h.community_id = 1
)
SELECT household_id, volunteer_id, demo_volunteer
FROM homes
ORDER BY demo_volunteer DESC, volunteer_id IS NULL, hash(household_id + $seed), household_id
LIMIT $most;
