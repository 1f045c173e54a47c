-- A grid worker's proposal for the plan (issue 14): one stairwell of their cells to another site and/or a later
-- start, with a note; the round's owner accepts it (a new plan version) or declines it with a reason.
-- No FOREIGN KEY clauses (see migration 001); `-- ref:` comments name the references.
CREATE SEQUENCE plan_proposal_seq;

CREATE TABLE plan_proposal (
    proposal_id INTEGER PRIMARY KEY DEFAULT nextval('plan_proposal_seq'),
    round_id INTEGER NOT NULL,                -- ref: testing_round
    stairwell_id INTEGER NOT NULL,            -- ref: stairwell
    site_id INTEGER NOT NULL,                 -- ref: sampling_site (the stairwell's site after the change)
    earliest_start TIMESTAMP,                 -- NULL: its groups keep their slots
    note VARCHAR,
    status VARCHAR NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined')),
    proposed_by VARCHAR NOT NULL,
    proposed_at TIMESTAMP NOT NULL,
    decided_by VARCHAR,
    decided_at TIMESTAMP,
    reason VARCHAR,                           -- why it was declined
    version_id INTEGER                        -- ref: plan_version (the version it became)
);
