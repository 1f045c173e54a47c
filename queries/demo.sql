-- name: demo_account_links
-- For the demo accounts of community 1: its first grid cell's worker, its first doctor, and the volunteer
-- looking after the most households.
SELECT
    (SELECT grid_worker_id FROM grid_cell WHERE community_id = 1 ORDER BY grid_id LIMIT 1) AS grid_worker,
    (SELECT staff_id FROM staff WHERE community_id = 1 AND role = 'doctor' ORDER BY staff_id LIMIT 1) AS doctor,
    (SELECT a.volunteer_id FROM volunteer_assignment a JOIN volunteer v USING (volunteer_id)
     WHERE v.community_id = 1 GROUP BY a.volunteer_id ORDER BY count(*) DESC, a.volunteer_id LIMIT 1) AS volunteer;
