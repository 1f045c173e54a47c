-- name: supervision_workers
-- Grid workers of the communities in scope (a grid worker: themselves), with their grid cells.
SELECT s.staff_id, s.community_id, s.name,
       (SELECT list(g.grid_id ORDER BY g.grid_id) FROM grid_cell g WHERE g.grid_worker_id = s.staff_id) AS grid_ids
FROM staff s
WHERE s.role = 'grid_worker' AND allowed($community_ids, s.community_id)
  AND ($grid_ids IS NULL OR s.staff_id IN (
      SELECT g.grid_worker_id FROM grid_cell g WHERE list_contains($grid_ids, g.grid_id)))
ORDER BY s.staff_id;

-- name: follower_staff
-- A staff member of a community who can follow people (grid workers and doctors).
SELECT staff_id, community_id, role, name FROM staff
WHERE staff_id = $staff_id AND role IN ('grid_worker', 'doctor');

-- name: follower_put
-- Who follows a measure from now on (the caller has checked the measure in scope and the staff member).
INSERT INTO measure_follower (measure_id, staff_id, assigned_at, assigned_by)
VALUES ($measure_id, $staff_id, $assigned_at, $assigned_by)
ON CONFLICT (measure_id) DO UPDATE SET staff_id = excluded.staff_id, assigned_at = excluded.assigned_at,
    assigned_by = excluded.assigned_by;
