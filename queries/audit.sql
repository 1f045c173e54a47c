-- name: audit_insert
-- Append one audit entry (the id comes from audit_log_seq).
INSERT INTO audit_log (logged_at, username, role, action, target, old_value, new_value, detail)
VALUES ($logged_at, $username, $role, $action, $target, $old_value, $new_value, $detail);

-- name: audit_search
-- The log, newest first, for administrators (the page checks the role). NULL parameters do not filter.
SELECT audit_id, logged_at, username, role, action, target, old_value, new_value, detail
FROM audit_log
WHERE ($username IS NULL OR username = $username)
  AND ($action IS NULL OR action = $action)
  AND ($since IS NULL OR logged_at >= CAST($since AS DATE))
  AND ($until IS NULL OR logged_at < CAST($until AS DATE) + INTERVAL 1 DAY)
  AND ($text IS NULL OR concat_ws(' ', target, old_value, new_value, detail) ILIKE '%' || $text || '%')
ORDER BY logged_at DESC, audit_id DESC
LIMIT $limit;

-- name: audit_actions
-- The kinds of entry present, for the filter.
SELECT DISTINCT action FROM audit_log ORDER BY action;
