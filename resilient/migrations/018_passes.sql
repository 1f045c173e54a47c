-- Gates and passes (出入证) at the compound's edge, and the visit every arrival gets (issue 17).
-- No FOREIGN KEY clauses (see migration 001); `-- ref:` comments name the references.
CREATE SEQUENCE gate_seq;
CREATE SEQUENCE gate_pass_seq;
CREATE SEQUENCE pass_movement_seq;
CREATE SEQUENCE arrival_visit_seq;

-- A gate of a compound, a place on the map.
CREATE TABLE gate (
    gate_id INTEGER PRIMARY KEY DEFAULT nextval('gate_seq'),
    compound_id INTEGER NOT NULL,             -- ref: compound
    name VARCHAR NOT NULL,
    lon DOUBLE,
    lat DOUBLE,
    active BOOLEAN NOT NULL DEFAULT TRUE
);

-- A pass. A person pass belongs to a household: a resident takes it to go out and hands it back on return, so
-- its movements alternate out / in. A vehicle pass is issued once for a plate and kept.
-- code is what the QR carries: random, stored, never derived from an id (it cannot be guessed from another pass).
CREATE TABLE gate_pass (
    pass_id INTEGER PRIMARY KEY DEFAULT nextval('gate_pass_seq'),
    code VARCHAR NOT NULL UNIQUE,
    number VARCHAR NOT NULL UNIQUE,           -- printed on the card: P + compound + serial
    kind VARCHAR NOT NULL CHECK (kind IN ('person', 'vehicle')),
    household_id INTEGER NOT NULL,            -- ref: household
    resident_id INTEGER,                      -- ref: resident (the holder when named in the register)
    holder_name VARCHAR,                      -- the holder as typed, when not a resident row
    plate VARCHAR,                            -- vehicles: normalised (苏D12345)
    valid_until DATE NOT NULL,
    status VARCHAR NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    revoked_why VARCHAR CHECK (revoked_why IN ('under_measure', 'by_hand')),
    revoked_at TIMESTAMP,
    revoked_by VARCHAR,
    issued_at TIMESTAMP NOT NULL,
    issued_by VARCHAR NOT NULL,
    CHECK ((kind = 'vehicle') = (plate IS NOT NULL))
);

-- Every scan that was let through: the pass went out or came in at a gate.
CREATE TABLE pass_movement (
    movement_id BIGINT PRIMARY KEY DEFAULT nextval('pass_movement_seq'),
    pass_id INTEGER NOT NULL,                 -- ref: gate_pass
    gate_id INTEGER NOT NULL,                 -- ref: gate
    direction VARCHAR NOT NULL CHECK (direction IN ('out', 'in')),
    moved_at TIMESTAMP NOT NULL,
    by_user VARCHAR NOT NULL
);

-- The home visit an arrival gets from its 三包一 team: temperature, the notice handed over, the door sealed.
CREATE TABLE arrival_visit (
    visit_id INTEGER PRIMARY KEY DEFAULT nextval('arrival_visit_seq'),
    arrival_id INTEGER NOT NULL UNIQUE,       -- ref: arrival
    temperature DECIMAL(4, 1) CHECK (temperature BETWEEN 30 AND 45),
    notice_given BOOLEAN NOT NULL,
    door_sealed BOOLEAN NOT NULL,
    note VARCHAR,
    visited_at TIMESTAMP NOT NULL,
    recorded_by VARCHAR NOT NULL
);

-- Whether someone of household `hid` is under a measure of `categories` on `day`: its passes go no further.
CREATE MACRO household_under(hid, categories, day) AS (EXISTS (
    SELECT 1 FROM control_measure m JOIN resident r ON r.resident_id = m.resident_id
    WHERE r.household_id = hid AND list_contains(categories, m.category)
      AND active_on(m.start_date, m.released_at, day)));

-- The gate an arrival was registered at, when it was (ref: gate; checked by queries/integrity.sql).
ALTER TABLE arrival ADD COLUMN gate_id INTEGER;       -- ref: gate
