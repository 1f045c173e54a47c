-- Mass testing (issue 5): rounds, sampling sites, the planner's batches, tubes, samples and re-tests.
-- Ids come from sequences so several desks writing at once never pick the same one. No FOREIGN KEY clauses
-- (see migration 001); `-- ref:` comments name the references.
CREATE SEQUENCE testing_round_seq;
CREATE SEQUENCE sampling_site_seq;
CREATE SEQUENCE batch_seq;
CREATE SEQUENCE tube_seq;
CREATE SEQUENCE sample_seq;

CREATE TABLE testing_round (
    round_id INTEGER PRIMARY KEY DEFAULT nextval('testing_round_seq'),
    community_id INTEGER NOT NULL,            -- ref: community
    name VARCHAR NOT NULL,
    round_date DATE NOT NULL,
    start_at TIMESTAMP NOT NULL,
    pool_size INTEGER NOT NULL DEFAULT 10 CHECK (pool_size IN (1, 5, 10, 20)),   -- swabs per tube
    household_tubes BOOLEAN NOT NULL DEFAULT FALSE,                              -- one tube per household
    created_by VARCHAR,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE sampling_site (
    site_id INTEGER PRIMARY KEY DEFAULT nextval('sampling_site_seq'),
    round_id INTEGER NOT NULL,                -- ref: testing_round
    name VARCHAR NOT NULL,
    building_id INTEGER,                      -- ref: building; a site set up at a building's door
    lon DOUBLE NOT NULL,
    lat DOUBLE NOT NULL,
    desks INTEGER NOT NULL CHECK (desks >= 1),
    swabs_per_desk_hour INTEGER NOT NULL DEFAULT 120 CHECK (swabs_per_desk_hour > 0),
    opens_at TIMESTAMP,
    closes_at TIMESTAMP
);

-- The planner's output as stored: which stairwell goes to which site, in which group and time slot.
CREATE TABLE batch (
    batch_id INTEGER PRIMARY KEY DEFAULT nextval('batch_seq'),
    round_id INTEGER NOT NULL,                -- ref: testing_round
    site_id INTEGER NOT NULL,                 -- ref: sampling_site
    stairwell_id INTEGER NOT NULL,            -- ref: stairwell
    group_no INTEGER NOT NULL,
    people INTEGER NOT NULL CHECK (people >= 0),
    slot_start TIMESTAMP NOT NULL,
    slot_end TIMESTAMP NOT NULL,
    walk_m DOUBLE
);

CREATE TABLE tube (
    tube_id INTEGER PRIMARY KEY DEFAULT nextval('tube_seq'),
    round_id INTEGER NOT NULL,                -- ref: testing_round
    code VARCHAR NOT NULL,                    -- the barcode on the tube
    capacity INTEGER NOT NULL CHECK (capacity >= 1),
    samples INTEGER NOT NULL DEFAULT 0,       -- swabs in it; every add updates this row, so concurrent desks
                                              -- filling one tube conflict and retry instead of overfilling it
    site_id INTEGER,                          -- ref: sampling_site
    opened_at TIMESTAMP NOT NULL,
    opened_by VARCHAR,
    closed_at TIMESTAMP,
    result VARCHAR CHECK (result IN ('negative', 'positive')),
    result_at TIMESTAMP,
    result_by VARCHAR,
    UNIQUE (round_id, code),
    CHECK (samples BETWEEN 0 AND capacity)
);

CREATE TABLE sample (
    sample_id INTEGER PRIMARY KEY DEFAULT nextval('sample_seq'),
    round_id INTEGER NOT NULL,                -- ref: testing_round
    resident_id INTEGER NOT NULL,             -- ref: resident
    tube_id INTEGER NOT NULL,                 -- ref: tube
    site_id INTEGER,                          -- ref: sampling_site
    taken_at TIMESTAMP NOT NULL,
    taken_by VARCHAR,
    UNIQUE (round_id, resident_id)            -- a double scan cannot count twice
);

-- People of a positive pooled tube, to be re-tested one per tube.
CREATE TABLE retest (
    round_id INTEGER NOT NULL,                -- ref: testing_round
    resident_id INTEGER NOT NULL,             -- ref: resident
    from_tube_id INTEGER NOT NULL,            -- ref: tube
    created_at TIMESTAMP NOT NULL,
    UNIQUE (round_id, resident_id)
);

-- Why a resident is not sampled in a round on `day`: in centralised quarantine or medical observation (away
-- from home). NULL when they are to be sampled.
CREATE MACRO testing_exclusion(rid, day) AS (
    CASE WHEN EXISTS (
        SELECT 1 FROM control_measure m
        WHERE m.resident_id = rid AND m.category IN ('centralised_quarantine', 'medical_observation')
          AND active_on(m.start_date, m.released_at, day)) THEN 'centralised' END);
