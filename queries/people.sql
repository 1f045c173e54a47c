-- name: people_under_measure_in_building
-- Residents of one building under an active measure on $today: the call list a grid worker or doctor uses.
-- Full names and phones leave this query only to be masked (resilient/core/masking.py) unless revealed.
SELECT r.resident_id, h.unit_no, h.floor, h.room, r.name, r.phone, r.id_masked, m.category, m.planned_end,
       m.planned_end - CAST($today AS DATE) AS days_left
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
JOIN resident r USING (household_id)
JOIN control_measure m USING (resident_id)
WHERE h.building_id = $building_id
  AND active_on(m.start_date, m.released_at, $today)
  AND may_see_person($personal, r.resident_id, $today)
ORDER BY h.unit_no, h.floor, h.room, r.resident_id;

-- name: person_contact
-- One resident's full name and phone, only if the viewer may see that person.
SELECT r.resident_id, r.name, r.phone
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
JOIN resident r USING (household_id)
WHERE r.resident_id = $resident_id AND may_see_person($personal, r.resident_id, $today);
