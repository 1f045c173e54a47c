-- Firms and shops: the registry, reopening filings, pledges, rectification notices (resilient/edge/firms.py).
-- Every read goes through scoped_firm (migration 019): a grid worker sees the firms in buildings of their cells
-- and the point firms of their community.

-- name: firms_list
-- The firms in scope with where they stand (the building's centre or their own point), their latest filing,
-- their latest pledge and their open and overdue notices on $today.
SELECT f.firm_id, f.community_id, f.name, f.kind, f.building_id, b.name AS building, c.name AS compound,
       coalesce(f.lon, ST_X(ST_Centroid(b.geom))) AS lon, coalesce(f.lat, ST_Y(ST_Centroid(b.geom))) AS lat,
       f.contact_name, f.contact_phone, f.staff,
       fl.filing_id, fl.status AS filing_status, fl.filed_on, fl.refused_why, fl.decided_on, fl.decided_by,
       fl.reopened_on,
       pl.signed_on AS pledge_on, pl.signed_by AS pledge_by,
       (SELECT count(*) FROM firm_notice n WHERE n.firm_id = f.firm_id AND n.issued_on <= $today
          AND (n.closed_on IS NULL OR n.closed_on > $today)) AS open_notices,
       (SELECT count(*) FROM firm_notice n WHERE n.firm_id = f.firm_id AND n.deadline < $today
          AND (n.closed_on IS NULL OR n.closed_on > $today)) AS overdue_notices
FROM scoped_firm($community_ids, $grid_ids, $household_ids) f
LEFT JOIN building b ON b.building_id = f.building_id
LEFT JOIN compound c ON c.compound_id = b.compound_id
LEFT JOIN (SELECT * FROM (
               SELECT *, row_number() OVER (PARTITION BY firm_id ORDER BY filed_on DESC, filing_id DESC) AS rn
               FROM firm_filing WHERE filed_on <= $today) ranked WHERE rn = 1) fl
       ON fl.firm_id = f.firm_id
LEFT JOIN (SELECT * FROM (
               SELECT *, row_number() OVER (PARTITION BY firm_id ORDER BY signed_on DESC, pledge_id DESC) AS rn
               FROM firm_pledge WHERE signed_on <= $today) ranked WHERE rn = 1) pl
       ON pl.firm_id = f.firm_id
ORDER BY f.name, f.firm_id;

-- name: firms_one
-- One firm in scope, for every write that names it.
SELECT f.firm_id, f.community_id, f.name, f.building_id
FROM scoped_firm($community_ids, $grid_ids, $household_ids) f
WHERE f.firm_id = $firm_id;

-- name: firms_building
-- A building in scope a firm is placed in, with its community.
SELECT b.building_id, b.community_id, b.name
FROM scoped_building($community_ids, $grid_ids, $household_ids) b
WHERE b.building_id = $building_id;

-- name: firms_insert
-- A new firm of the registry.
INSERT INTO firm (community_id, name, kind, building_id, lon, lat, contact_name, contact_phone, staff, created_at,
                  created_by)
VALUES ($community_id, $firm_name, $kind, $building_id, $lon, $lat, $contact_name, $contact_phone, $staff, $now, $by)
RETURNING firm_id;

-- name: firms_set_place
-- Where a firm stands: its building_id, or its own lon/lat (the other cleared); checked in scope before.
UPDATE firm SET building_id = $building_id, lon = $lon, lat = $lat WHERE firm_id = $firm_id;

-- name: firms_filings
-- A firm's filings, newest first (the firm checked in scope by firms_one).
SELECT filing_id, firm_id, filed_on, status, refused_why, decided_on, decided_by, reopened_on, recorded_by
FROM firm_filing WHERE firm_id = $firm_id ORDER BY filed_on DESC, filing_id DESC;

-- name: firms_filing_insert
-- A reopening filing.
INSERT INTO firm_filing (firm_id, filed_on, recorded_by, recorded_at) VALUES ($firm_id, $filed_on, $by, $now)
RETURNING filing_id;

-- name: firms_filing_decide
-- A filing approved or refused, by whom and when.
UPDATE firm_filing SET status = $status, refused_why = $why, decided_on = $decided_on, decided_by = $by
WHERE filing_id = $filing_id AND status = 'filed';

-- name: firms_filing_reopened
-- An approved filing's firm reopened on a day.
UPDATE firm_filing SET status = 'reopened', reopened_on = $reopened_on WHERE filing_id = $filing_id AND status = 'approved';

-- name: firms_pledges
-- A firm's signed pledges, newest first (the firm checked in scope by firms_one).
SELECT pledge_id, signed_on, signed_by, recorded_by FROM firm_pledge WHERE firm_id = $firm_id
ORDER BY signed_on DESC, pledge_id DESC;

-- name: firms_pledge_insert
-- A signed safety pledge.
INSERT INTO firm_pledge (firm_id, signed_on, signed_by, recorded_by, recorded_at)
VALUES ($firm_id, $signed_on, $signed_by, $by, $now) RETURNING pledge_id;

-- name: firms_notices
-- Rectification notices of firms in scope (one firm, or all), with the last follow-up and whether each is open or
-- overdue on $today; overdue first, then by deadline.
SELECT n.notice_id, n.firm_id, f.name AS firm, f.kind, n.issued_on, n.what, n.deadline, n.issued_by, n.closed_on,
       n.closed_by, (n.closed_on IS NULL OR n.closed_on > $today) AS open,
       (n.deadline < $today AND (n.closed_on IS NULL OR n.closed_on > $today)) AS overdue,
       ch.checked_on AS last_checked_on, ch.fixed AS last_fixed, ch.note AS last_note
FROM firm_notice n
JOIN scoped_firm($community_ids, $grid_ids, $household_ids) f ON f.firm_id = n.firm_id
LEFT JOIN (SELECT * FROM (
               SELECT *, row_number() OVER (PARTITION BY notice_id ORDER BY checked_on DESC, check_id DESC) AS rn
               FROM firm_notice_check) ranked WHERE rn = 1) ch
       ON ch.notice_id = n.notice_id
WHERE ($firm_id IS NULL OR n.firm_id = $firm_id) AND n.issued_on <= $today
ORDER BY overdue DESC, open DESC, n.deadline, n.notice_id;

-- name: firms_notice_insert
-- A rectification notice.
INSERT INTO firm_notice (firm_id, issued_on, what, deadline, issued_by)
VALUES ($firm_id, $issued_on, $what, $deadline, $by) RETURNING notice_id;

-- name: firms_notice_check_insert
-- A follow-up of a notice.
INSERT INTO firm_notice_check (notice_id, checked_on, fixed, note, checked_by, recorded_at)
VALUES ($notice_id, $checked_on, $fixed, $note, $by, $now) RETURNING check_id;

-- name: firms_notice_close
-- A notice closed by a follow-up that found it fixed.
UPDATE firm_notice SET closed_on = $closed_on, closed_by = $by WHERE notice_id = $notice_id AND closed_on IS NULL;

-- name: firms_repoint_building
-- A merged-away building's firms stand in the one left (setup.BUILDING_REFERENCES).
UPDATE firm SET building_id = $target_id WHERE building_id = $source_id;
