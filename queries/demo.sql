-- name: demo_account_links
-- For the demo accounts of community 1: its first grid cell's worker, its first doctor, and the volunteer
-- looking after the most households.
SELECT
    (SELECT grid_worker_id FROM grid_cell WHERE community_id = 1 ORDER BY grid_id LIMIT 1) AS grid_worker,
    (SELECT staff_id FROM staff WHERE community_id = 1 AND role = 'doctor' ORDER BY staff_id LIMIT 1) AS doctor,
    (SELECT a.volunteer_id FROM volunteer_assignment a JOIN volunteer v USING (volunteer_id)
     WHERE v.community_id = 1 GROUP BY a.volunteer_id ORDER BY count(*) DESC, a.volunteer_id LIMIT 1) AS volunteer;

-- name: demo_office_measures
-- The demo's control measures, to carry onto the residents its register import made.
SELECT measure_id, resident_id, category, origin, start_date, planned_end, released_at, created_at
FROM control_measure ORDER BY measure_id;

-- name: demo_office_assignments
-- Volunteers' households as the generator dealt them.
SELECT volunteer_id, household_id, start_date, end_date FROM volunteer_assignment ORDER BY ALL;

-- name: demo_office_contacts
-- Volunteers' latest calls and visits as the generator made them.
SELECT volunteer_id, household_id, kind, contacted_at, recorded_by FROM contact ORDER BY contact_id;

-- name: demo_office_leaders
-- Building leaders as the generator chose them.
SELECT volunteer_id, building_id, stairwell_id, start_date, end_date FROM building_leader ORDER BY ALL;

-- name: demo_office_residents
-- Each resident with their household and ID hash: the key that survives a register import.
SELECT resident_id, household_id, id_hash FROM resident;

-- name: demo_office_volunteer_keys
-- Each volunteer by community and phone: how a volunteer sheet recognises them.
SELECT v.volunteer_id, co.name AS community, v.phone
FROM volunteer v JOIN community co USING (community_id);

-- name: demo_office_building_keys
-- Each building by community, compound and name.
SELECT b.building_id, co.name AS community, c.name AS compound, b.name AS building
FROM building b JOIN compound c USING (compound_id) JOIN community co ON co.community_id = c.community_id;

-- name: demo_office_insert_meta
-- The demo's seed, date and ID salt, written before anything is imported so the imports hash with it.
INSERT INTO meta VALUES ('id_salt', $salt), ('demo_seed', $seed), ('demo_as_of', $as_of);

-- name: demo_office_insert_measures
-- Carried measures (the frame office_rows, ids already mapped).
INSERT INTO control_measure BY NAME SELECT * FROM office_rows;

-- name: demo_office_insert_assignments
-- Carried volunteer assignments.
INSERT INTO volunteer_assignment BY NAME SELECT * FROM office_rows;

-- name: demo_office_insert_contacts
-- Carried contacts; their ids come from the sequence.
INSERT INTO contact BY NAME SELECT * FROM office_rows;

-- name: demo_office_insert_leaders
-- Carried building leaders.
INSERT INTO building_leader BY NAME SELECT * FROM office_rows;
