-- name: proposals_insert
-- A grid worker's proposal for the round's plan, checked against their scope first; the id from its sequence.
INSERT INTO plan_proposal (round_id, stairwell_id, site_id, earliest_start, note, proposed_by, proposed_at)
VALUES ($round_id, $stairwell_id, $site_id, $earliest_start, $note, $proposed_by, $proposed_at)
RETURNING proposal_id;

-- name: proposals_one
-- One proposal of a round by its id (none when it is another round's).
SELECT proposal_id, round_id, stairwell_id, site_id, earliest_start, note, status, proposed_by, proposed_at,
       decided_by, decided_at, reason, version_id
FROM plan_proposal
WHERE proposal_id = $proposal_id AND round_id = $round_id;

-- name: proposals_of_round
-- The round's proposals for stairwells the viewer may see, newest first, with the stairwell's compound, building
-- and unit; only $proposed_by's when it is given (a grid worker's own).
SELECT p.proposal_id, p.stairwell_id, p.site_id, p.earliest_start, p.note, p.status, p.proposed_by,
       p.proposed_at, p.decided_by, p.decided_at, p.reason, p.version_id, b.compound_name AS compound,
       b.name AS building, s.unit_no
FROM plan_proposal p
JOIN stairwell s USING (stairwell_id)
JOIN scoped_building($community_ids, $grid_ids, $household_ids) b ON b.building_id = s.building_id
WHERE p.round_id = $round_id AND ($proposed_by IS NULL OR p.proposed_by = $proposed_by)
ORDER BY p.proposal_id DESC;

-- name: proposals_decide
-- A pending proposal accepted (with the version it became) or declined (with the reason); none back: decided.
UPDATE plan_proposal SET status = $status, decided_by = $decided_by, decided_at = $decided_at, reason = $reason,
       version_id = $version_id
WHERE proposal_id = $proposal_id AND round_id = $round_id AND status = 'pending'
RETURNING proposal_id;
