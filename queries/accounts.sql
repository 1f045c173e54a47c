-- name: user_by_username
-- One account with what a login needs (hash, lock) — never shown, never logged.
SELECT user_id, username, display_name, password_hash, email, role, community_id, staff_id, volunteer_id,
       active, failed_logins, locked_until
FROM app_user
WHERE username = $username;

-- name: user_by_email
-- The active account a single-sign-on identity maps to (emails compared case-insensitively).
SELECT user_id, username, display_name, password_hash, email, role, community_id, staff_id, volunteer_id,
       active, failed_logins, locked_until
FROM app_user
WHERE lower(email) = lower($email) AND active;

-- name: user_insert
-- A new account; the id is the next free one.
INSERT INTO app_user (user_id, username, display_name, password_hash, email, role, community_id, staff_id,
                      volunteer_id, created_at, password_changed_at)
SELECT coalesce(max(user_id), 0) + 1, $username, $display_name, $password_hash, $email, $role, $community_id,
       $staff_id, $volunteer_id, CAST($now AS TIMESTAMP),
       CASE WHEN $password_hash IS NULL THEN NULL ELSE CAST($now AS TIMESTAMP) END
FROM app_user
RETURNING user_id;

-- name: user_login_failed
-- Count a failed password; lock the account once the count reaches $max_failures.
UPDATE app_user
SET failed_logins = failed_logins + 1,
    locked_until = CASE WHEN failed_logins + 1 >= $max_failures THEN $locked_until ELSE locked_until END
WHERE user_id = $user_id
RETURNING failed_logins, locked_until;

-- name: name_login_failures
-- Wrong passwords typed for a name with no active account, since its last sign-in: counted from the audit log,
-- so an unknown name locks as an account does without an account row being made for it.
SELECT count(*) AS failures, max(logged_at) AS last_failure
FROM audit_log
WHERE action = 'login_failed' AND target = $target AND detail = $detail
  AND logged_at > coalesce((SELECT max(logged_at) FROM audit_log WHERE action = 'login' AND target = $target),
                           TIMESTAMP '1900-01-01');

-- name: user_login_succeeded
-- A good password clears the failure count and any expired lock.
UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE user_id = $user_id;

-- name: user_set_password
-- New password hash; also lifts a lock (an administrator's reset is how a locked person gets back in).
UPDATE app_user
SET password_hash = $password_hash, password_changed_at = $now, failed_logins = 0, locked_until = NULL
WHERE user_id = $user_id;

-- name: user_set_active
-- Switch an account on or off (accounts are never deleted: the audit log names them).
UPDATE app_user SET active = $active WHERE user_id = $user_id;

-- name: users_list
-- Every account for the administrators' page, without password hashes.
SELECT u.user_id, u.username, u.display_name, u.role, c.name AS community, u.email, u.active, u.failed_logins,
       u.locked_until, u.created_at, u.password_changed_at
FROM app_user u
LEFT JOIN community c USING (community_id)
ORDER BY u.user_id;

-- name: street_admin_count
-- How many active street administrators exist (the first one comes from the command line or environment).
SELECT count(*) FROM app_user WHERE role = 'street_admin' AND active;

-- name: grids_of_staff
-- The grid cells a grid worker looks after.
SELECT grid_id FROM grid_cell WHERE grid_worker_id = $staff_id ORDER BY grid_id;

-- name: households_of_volunteer
-- The households a volunteer looks after on $today, and those of the buildings or stairwells they lead (楼长).
SELECT household_id
FROM volunteer_assignment
WHERE volunteer_id = $volunteer_id AND start_date <= $today AND (end_date IS NULL OR end_date >= $today)
UNION
SELECT h.household_id
FROM building_leader l
JOIN stairwell s ON s.building_id = l.building_id AND (l.stairwell_id IS NULL OR s.stairwell_id = l.stairwell_id)
JOIN household h ON h.stairwell_id = s.stairwell_id
WHERE l.volunteer_id = $volunteer_id AND l.start_date <= $today AND (l.end_date IS NULL OR l.end_date >= $today)
ORDER BY household_id;

-- name: staff_record
-- A staff member's community and role, to check an account is linked to the right kind of person.
SELECT community_id, role FROM staff WHERE staff_id = $staff_id;

-- name: volunteer_record
-- A volunteer's community, to link a volunteer account.
SELECT community_id FROM volunteer WHERE volunteer_id = $volunteer_id;

-- name: staff_choices
-- Staff of one community in one role, to link a grid worker's or doctor's account.
SELECT staff_id, name, phone FROM staff WHERE community_id = $community_id AND role = $role ORDER BY staff_id;

-- name: volunteer_choices
-- Volunteers of one community, to link a volunteer's account.
SELECT volunteer_id, name FROM volunteer WHERE community_id = $community_id ORDER BY volunteer_id;
