-- name: support_needs
-- Support needs of households in scope noted by the end of $today, open ones (and closed ones when $closed), with
-- where the household is, its follow-ups and its latest referral. The kind, the note, who noted it and where it
-- was referred come only when $with_reason (the viewer may know why); otherwise NULL.
WITH listed AS (
    SELECT n.*, h.building_id, h.community_id
    FROM support_need n
    JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = n.household_id
    WHERE n.noted_at < CAST($today AS DATE) + INTERVAL 1 DAY
      AND ($closed OR n.closed_at IS NULL OR n.closed_at >= CAST($today AS DATE) + INTERVAL 1 DAY)
), follow AS (
    SELECT need_id, followed_at AS last_follow_up, follow_ups, outcome AS last_outcome
    FROM (SELECT f.need_id, f.followed_at, f.outcome, count(*) OVER (PARTITION BY f.need_id) AS follow_ups,
                 row_number() OVER (PARTITION BY f.need_id ORDER BY f.followed_at DESC, f.follow_up_id DESC) AS nth
          FROM support_follow_up f
          WHERE f.need_id IN (SELECT need_id FROM listed)
            AND f.followed_at < CAST($today AS DATE) + INTERVAL 1 DAY) latest
    WHERE nth = 1
), referred AS (
    SELECT need_id, referred_at, referral_id
    FROM (SELECT m.need_id, m.referred_at, m.referral_id,
                 row_number() OVER (PARTITION BY m.need_id ORDER BY m.referred_at DESC, m.made_id DESC) AS nth
          FROM support_referral_made m
          WHERE m.need_id IN (SELECT need_id FROM listed)
            AND m.referred_at < CAST($today AS DATE) + INTERVAL 1 DAY) latest
    WHERE nth = 1
)
SELECT l.need_id, l.household_id, l.building_id, l.community_id, l.noted_at, l.closed_at,
       CASE WHEN $with_reason THEN l.kind END AS kind,
       CASE WHEN $with_reason THEN l.note END AS note,
       CASE WHEN $with_reason THEN l.noted_by END AS noted_by,
       CASE WHEN $with_reason THEN l.closed_by END AS closed_by,
       f.last_follow_up, coalesce(f.follow_ups, 0) AS follow_ups, f.last_outcome,
       r.referred_at,
       CASE WHEN $with_reason THEN s.name END AS referral,
       CASE WHEN $with_reason THEN s.phone END AS referral_phone
FROM listed l
LEFT JOIN follow f ON f.need_id = l.need_id
LEFT JOIN referred r ON r.need_id = l.need_id
LEFT JOIN support_referral s ON s.referral_id = r.referral_id
ORDER BY l.noted_at, l.need_id;

-- name: support_household_in_scope
-- The community of a household if it is in the actor's scope (no row otherwise).
SELECT h.community_id
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
WHERE h.household_id = $household_id;

-- name: support_need_of
-- One need as a write checks it: its household and community, whether it is open, and whether it is in scope.
SELECT n.need_id, n.household_id, n.kind, n.closed_at, h.community_id
FROM support_need n
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = n.household_id
WHERE n.need_id = $need_id;

-- name: support_open_kind
-- An open need of that kind at the same door (the caller has checked scope; a second one is refused).
SELECT need_id FROM support_need
WHERE household_id = $household_id AND kind = $kind AND closed_at IS NULL;

-- name: support_need_insert
-- Note a need (the caller has checked scope); returns its id.
INSERT INTO support_need (household_id, kind, note, noted_by, noted_at)
VALUES ($household_id, $kind, $note, $noted_by, $noted_at)
RETURNING need_id;

-- name: support_need_close
-- Close an open need (the caller has checked scope).
UPDATE support_need SET closed_at = $closed_at, closed_by = $closed_by
WHERE need_id = $need_id AND closed_at IS NULL;

-- name: support_referrals
-- The referral list of the communities in scope (active ones, or every one when $all).
SELECT referral_id, community_id, name, kind, phone, hours, note, active
FROM support_referral
WHERE allowed($community_ids, community_id) AND ($all OR active)
ORDER BY community_id, kind, name, referral_id;

-- name: support_referral_insert
-- A new entry of a community's referral list (the caller has checked scope); returns its id.
INSERT INTO support_referral (community_id, name, kind, phone, hours, note, active)
VALUES ($community_id, $referral_name, $kind, $phone, $hours, $note, $active)
RETURNING referral_id;

-- name: support_referral_update
-- Change an entry of the referral list (the caller has checked its community).
UPDATE support_referral SET name = $referral_name, kind = $kind, phone = $phone, hours = $hours, note = $note,
    active = $active
WHERE referral_id = $referral_id;

-- name: support_referral_made_insert
-- A need referred to one of the list (the caller has checked both); returns its id.
INSERT INTO support_referral_made (need_id, referral_id, referred_at, referred_by)
VALUES ($need_id, $referral_id, $referred_at, $referred_by)
RETURNING made_id;

-- name: support_follow_up_insert
-- One follow-up of a need (the caller has checked scope and that the need is open); returns its id.
INSERT INTO support_follow_up (need_id, household_id, kind, outcome, followed_at, recorded_by)
VALUES ($need_id, $household_id, $kind, $outcome, $followed_at, $recorded_by)
RETURNING follow_up_id;

-- name: support_derived
-- Households in scope the data says may need care on $today and that have no open need of that kind: a flat
-- under measures a positive tube imposed, or with someone whose single re-test was positive (case_household);
-- one person living alone under home isolation or observation (alone_isolated).
WITH homes AS (
    SELECT h.household_id FROM scoped_household($community_ids, $grid_ids, $household_ids) h
), cases AS (
    SELECT DISTINCT q.household_id
    FROM tube_measure q JOIN control_measure m USING (measure_id)
    WHERE active_on(m.start_date, m.released_at, CAST($today AS DATE))
    UNION
    SELECT DISTINCT r.household_id
    FROM retest x JOIN resident r USING (resident_id)
    WHERE x.result = 'positive' AND x.result_at < CAST($today AS DATE) + INTERVAL 1 DAY
), alone AS (
    SELECT r.household_id
    FROM resident r
    GROUP BY r.household_id
    HAVING count(*) = 1
    INTERSECT
    SELECT r.household_id
    FROM control_measure m JOIN resident r USING (resident_id)
    WHERE m.category IN ('home_isolation', 'home_observation')
      AND active_on(m.start_date, m.released_at, CAST($today AS DATE))
), found AS (
    SELECT household_id, 'case_household' AS kind FROM cases
    UNION ALL
    SELECT household_id, 'alone_isolated' AS kind FROM alone
)
SELECT f.household_id, f.kind
FROM found f
JOIN homes USING (household_id)
WHERE NOT EXISTS (SELECT 1 FROM support_need n WHERE n.household_id = f.household_id AND n.kind = f.kind
                  AND n.closed_at IS NULL)
ORDER BY f.household_id, f.kind;

-- name: support_flats
-- The flats of one building in scope, to note a need by hand: stairwell and room.
SELECT h.household_id, h.unit_no, h.floor, h.room
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
WHERE h.building_id = $building_id
ORDER BY h.unit_no, h.floor, h.room;
