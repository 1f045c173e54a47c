-- Plans that are kept (issue 14): every plan stored for a round is a version with who wrote it and when. The
-- round's `batch` rows are always the newest version's groups; an older version comes back as a new version.
-- No FOREIGN KEY clauses (see migration 001); `-- ref:` comments name the references.
CREATE SEQUENCE plan_version_seq;

CREATE TABLE plan_version (
    version_id INTEGER PRIMARY KEY DEFAULT nextval('plan_version_seq'),
    round_id INTEGER NOT NULL,                -- ref: testing_round
    kind VARCHAR NOT NULL CHECK (kind IN ('plan', 'restore', 'manual')),
    restored_from INTEGER,                    -- ref: plan_version
    groups INTEGER NOT NULL,
    people INTEGER NOT NULL,
    created_by VARCHAR,
    created_at TIMESTAMP NOT NULL
);

-- The groups of each version, as `batch` held them while it was the round's plan.
CREATE TABLE plan_version_batch (
    version_id INTEGER NOT NULL,              -- ref: plan_version
    site_id INTEGER NOT NULL,                 -- ref: sampling_site
    stairwell_id INTEGER NOT NULL,            -- ref: stairwell
    group_no INTEGER NOT NULL,
    people INTEGER NOT NULL CHECK (people >= 0),
    slot_start TIMESTAMP NOT NULL,
    slot_end TIMESTAMP NOT NULL,
    walk_m DOUBLE
);
