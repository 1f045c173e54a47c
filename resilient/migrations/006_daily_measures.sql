-- Control measures day by day (issue 7): arrivals and their rules, twice-daily health checks and fever alerts,
-- who follows whom, and every change to a measure kept as an event. control_measure keeps its columns (the
-- demo and fixtures insert whole rows): who released or transferred a measure lives in measure_event.
-- Ids come from sequences so several workers writing at once never pick the same one. No FOREIGN KEY clauses
-- (see migration 001); `-- ref:` comments name the references.
CREATE SEQUENCE arrival_seq;
CREATE SEQUENCE health_check_seq;
CREATE SEQUENCE fever_alert_seq;
CREATE SEQUENCE measure_event_seq;

-- A community's rules: where an arrival comes from and how risky they are -> which measure, for how many days.
-- A community without rows uses the built-in defaults (resilient/daily/arrivals.py).
CREATE TABLE arrival_rule (
    community_id INTEGER NOT NULL,            -- ref: community
    origin VARCHAR NOT NULL CHECK (origin IN ('key_area', 'other_area', 'abroad', 'close_contact')),
    risk VARCHAR NOT NULL CHECK (risk IN ('high', 'low')),
    category VARCHAR NOT NULL CHECK (category IN (
        'centralised_quarantine', 'medical_observation', 'home_isolation',
        'home_observation', 'health_monitoring')),
    days INTEGER NOT NULL CHECK (days BETWEEN 1 AND 60),
    PRIMARY KEY (community_id, origin, risk)
);

-- A person registered at the gate: an existing resident, or a newcomer who got a resident row in a flat.
CREATE TABLE arrival (
    arrival_id INTEGER PRIMARY KEY DEFAULT nextval('arrival_seq'),
    resident_id INTEGER NOT NULL,             -- ref: resident
    arrival_date DATE NOT NULL,
    from_place VARCHAR,                       -- as said at the gate: 武汉市江汉区, 首尔
    origin VARCHAR NOT NULL CHECK (origin IN ('key_area', 'other_area', 'abroad', 'close_contact')),
    risk VARCHAR NOT NULL CHECK (risk IN ('high', 'low')),
    temperature DECIMAL(4, 1),                -- at the gate
    transport VARCHAR,
    newcomer BOOLEAN NOT NULL DEFAULT FALSE,
    suggested_category VARCHAR NOT NULL,
    suggested_days INTEGER NOT NULL,
    category VARCHAR NOT NULL,                -- what the worker decided
    days INTEGER NOT NULL,
    reason VARCHAR,                           -- required when the decision differs from the suggestion
    measure_id INTEGER NOT NULL,              -- ref: control_measure
    recorded_by VARCHAR,
    recorded_at TIMESTAMP NOT NULL
);

-- Morning and afternoon temperature and symptoms of a person under a home measure. One row per slot.
CREATE TABLE health_check (
    check_id BIGINT PRIMARY KEY DEFAULT nextval('health_check_seq'),
    measure_id INTEGER NOT NULL,              -- ref: control_measure
    resident_id INTEGER NOT NULL,             -- ref: resident
    day DATE NOT NULL,
    period VARCHAR NOT NULL CHECK (period IN ('am', 'pm')),
    temperature DECIMAL(4, 1) NOT NULL CHECK (temperature BETWEEN 30 AND 45),
    symptoms VARCHAR[] NOT NULL,              -- codes (resilient/daily/checks.py SYMPTOMS); empty when none
    note VARCHAR,
    recorded_by VARCHAR,
    recorded_at TIMESTAMP NOT NULL,
    UNIQUE (resident_id, day, period)         -- a second recording of a slot is refused, never counted twice
);

-- A check with fever or a symptom, listed for the doctors until one of them handles it.
CREATE TABLE fever_alert (
    alert_id BIGINT PRIMARY KEY DEFAULT nextval('fever_alert_seq'),
    check_id BIGINT NOT NULL UNIQUE,          -- ref: health_check
    resident_id INTEGER NOT NULL,             -- ref: resident
    raised_at TIMESTAMP NOT NULL,
    handled_at TIMESTAMP,
    handled_by VARCHAR,
    note VARCHAR
);

-- Who follows a measure when it is not the grid worker of the household's grid cell (the default).
CREATE TABLE measure_follower (
    measure_id INTEGER PRIMARY KEY,           -- ref: control_measure
    staff_id INTEGER NOT NULL,                -- ref: staff
    assigned_at TIMESTAMP NOT NULL,
    assigned_by VARCHAR
);

-- Every change to a person's measures, in the same transaction as the change: the resident's history.
CREATE TABLE measure_event (
    event_id BIGINT PRIMARY KEY DEFAULT nextval('measure_event_seq'),
    resident_id INTEGER NOT NULL,             -- ref: resident
    measure_id INTEGER,                       -- ref: control_measure
    kind VARCHAR NOT NULL CHECK (kind IN (
        'arrival', 'created', 'extended', 'released', 'transferred', 'reassigned', 'team_assigned',
        'check_corrected')),
    event_at TIMESTAMP NOT NULL,
    by_user VARCHAR,
    reason VARCHAR,
    detail VARCHAR                            -- JSON: old and new values
);

-- Every measure with its flat, building, grid cell and community, and who follows it: the staff member a
-- supervisor handed the person to (handed_to), else the grid worker of the flat's grid cell. Written once, so the
-- check list and every write agree on who follows whom. Callers narrow by scope.
CREATE MACRO measure_place() AS TABLE
    SELECT m.measure_id, m.resident_id, m.category, m.origin, m.start_date, m.planned_end, m.released_at,
           m.created_at, r.household_id, r.name, r.phone, s.building_id, b.name AS building, s.unit_no, h.floor,
           h.room, b.grid_id, c.community_id, c.name AS compound, g.grid_worker_id, f.staff_id AS handed_to,
           coalesce(f.staff_id, g.grid_worker_id) AS follower_id
    FROM control_measure m
    JOIN resident r ON r.resident_id = m.resident_id
    JOIN household h ON h.household_id = r.household_id
    JOIN stairwell s ON s.stairwell_id = h.stairwell_id
    JOIN building b ON b.building_id = s.building_id
    JOIN compound c ON c.compound_id = b.compound_id
    LEFT JOIN grid_cell g ON g.grid_id = b.grid_id
    LEFT JOIN measure_follower f ON f.measure_id = m.measure_id;
