-- name: rounds_open_requests
-- Requests in scope still to be taken to the door by $until (new, or assigned and not yet set out), with where
-- their building is (its outline's centre, or its point) and the community whose volunteers may take them.
SELECT r.request_id, r.household_id, h.building_id, h.community_id, r.kind, r.status, r.volunteer_id,
       r.route_stop, r.created_at,
       ST_X(ST_Centroid(b.geom)) AS lon, ST_Y(ST_Centroid(b.geom)) AS lat
FROM supply_request r
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
JOIN building b ON b.building_id = h.building_id
WHERE r.status IN ('new', 'assigned') AND r.created_at <= $until
ORDER BY r.request_id;

-- name: rounds_volunteers
-- Active volunteers of the communities in scope with their home's centre, and whether they are unwell on $day:
-- a resident of their home building with their phone (the schema has no volunteer -> resident link; the phone
-- is how the volunteer sheet recognises them) under an active measure, or with a fever alert raised that day or
-- still open. Grid cells and households do not narrow volunteers: a round crosses cell borders.
SELECT v.volunteer_id, v.community_id, v.name, v.home_building_id,
       ST_X(ST_Centroid(b.geom)) AS lon, ST_Y(ST_Centroid(b.geom)) AS lat,
       EXISTS (SELECT 1 FROM resident p JOIN household hh ON hh.household_id = p.household_id
               JOIN stairwell s ON s.stairwell_id = hh.stairwell_id
               JOIN control_measure m ON m.resident_id = p.resident_id
               WHERE s.building_id = v.home_building_id AND p.phone = v.phone
                 AND active_on(m.start_date, m.released_at, CAST($day AS DATE))) AS under_measure,
       EXISTS (SELECT 1 FROM resident p JOIN household hh ON hh.household_id = p.household_id
               JOIN stairwell s ON s.stairwell_id = hh.stairwell_id
               JOIN fever_alert f ON f.resident_id = p.resident_id
               WHERE s.building_id = v.home_building_id AND p.phone = v.phone
                 AND CAST(f.raised_at AS DATE) <= $day
                 AND (CAST(f.raised_at AS DATE) = $day OR f.handled_at IS NULL)) AS fever
FROM volunteer v
LEFT JOIN building b ON b.building_id = v.home_building_id
WHERE v.active AND allowed($community_ids, v.community_id)
  AND ($grid_ids IS NULL OR TRUE) AND ($household_ids IS NULL OR TRUE)
ORDER BY v.volunteer_id;

-- name: rounds_held
-- What each volunteer of the communities in scope already has on $day outside the requests being planned again:
-- doors on the way or assigned by another dispatch (they take room), and the last stop number used that day.
SELECT r.volunteer_id,
       count(DISTINCT r.household_id) FILTER (WHERE r.status IN ('assigned', 'on_the_way')) AS doors,
       max(r.route_stop) AS last_stop
FROM supply_request r
JOIN volunteer v ON v.volunteer_id = r.volunteer_id
WHERE allowed($community_ids, v.community_id)
  AND NOT list_contains($replanned, r.request_id)
  AND (r.status IN ('assigned', 'on_the_way')
       OR (r.status IN ('delivered', 'failed') AND CAST(r.delivered_at AS DATE) = $day))
GROUP BY r.volunteer_id;

-- name: rounds_write
-- The dispatch's rows (rounds_rows, registered by the caller): each request's new status, volunteer and stop.
UPDATE supply_request r
SET status = w.status, volunteer_id = w.volunteer_id, route_stop = w.route_stop, updated_at = $now
FROM rounds_rows w
WHERE r.request_id = w.request_id;

-- name: rounds_write_events
-- One history row per request the dispatch changed.
INSERT INTO supply_request_event (request_id, status, volunteer_id, note, event_at, by_user)
SELECT request_id, status, volunteer_id, note, $now, $by_user FROM rounds_rows;
