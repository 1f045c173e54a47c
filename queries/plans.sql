-- name: plans_current_version
-- The newest plan version of a round (its groups are the round's `batch` rows), NULL before the first.
SELECT max(version_id) AS version_id FROM plan_version WHERE round_id = $round_id;

-- name: plans_versions
-- Every plan version of a round, newest first: who wrote it, when, how, and its size.
SELECT version_id, kind, restored_from, groups, people, created_by, created_at
FROM plan_version
WHERE round_id = $round_id
ORDER BY version_id DESC;

-- name: plans_version_insert
-- A new plan version; the id comes from its sequence.
INSERT INTO plan_version (round_id, kind, restored_from, groups, people, created_by, created_at)
VALUES ($round_id, $kind, $restored_from, $groups, $people, $created_by, $created_at)
RETURNING version_id;

-- name: plans_version_batches_insert
-- The version's groups from the registered frame `plan_batches`.
INSERT INTO plan_version_batch (version_id, site_id, stairwell_id, group_no, people, slot_start, slot_end, walk_m)
SELECT $version_id, site_id, stairwell_id, group_no, people, slot_start, slot_end, walk_m
FROM plan_batches;

-- name: plans_version_batches
-- The groups of one version of the round's plan (none when the version is of another round).
SELECT g.site_id, g.stairwell_id, g.group_no, g.people, g.slot_start, g.slot_end, g.walk_m
FROM plan_version_batch g
JOIN plan_version v USING (version_id)
WHERE v.version_id = $version_id AND v.round_id = $round_id
ORDER BY g.slot_start, g.site_id, g.group_no, g.stairwell_id;

-- name: plans_sampled_stairwells
-- Stairwells in scope where someone already gave a swab in the round: their groups stay as they are.
SELECT DISTINCT h.stairwell_id
FROM sample s
JOIN resident r USING (resident_id)
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h USING (household_id)
WHERE s.round_id = $round_id;

-- name: plans_planned_over_time
-- People the stored plan expects per 15 minutes, by the start of their group's slot, counting only the groups of
-- stairwells in the viewer's scope (a grid worker's curve is their cells').
SELECT time_bucket(INTERVAL '15 minutes', q.slot_start) AS bin_start, CAST(sum(q.people) AS INTEGER) AS planned
FROM batch q
JOIN stairwell s USING (stairwell_id)
JOIN scoped_building($community_ids, $grid_ids, $household_ids) b ON b.building_id = s.building_id
WHERE q.round_id = $round_id
GROUP BY 1
ORDER BY bin_start;

-- name: plans_site_change
-- A site's desks and hours changed while the round runs (it opens late, a desk closes); none back: not the round's.
UPDATE sampling_site SET desks = $desks, opens_at = $opens_at, closes_at = $closes_at
WHERE site_id = $site_id AND round_id = $round_id
RETURNING site_id;
