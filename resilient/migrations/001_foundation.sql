-- The community, its places and its people. WGS-84 (lon, lat) everywhere; local time, naive.
-- No FOREIGN KEY clauses: DuckDB refuses any update of an indexed column on a referenced row (moving a
-- resident under a measure to another household, renaming a building), so references are checked by
-- resilient/ops/integrity.py after every import and in the tests instead. `-- ref:` comments name them.
CREATE TABLE meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE community (
    community_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    street VARCHAR,            -- 街道 overseeing it
    district VARCHAR
);

CREATE TABLE staff (
    staff_id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL,  -- ref: community
    role VARCHAR NOT NULL CHECK (role IN ('grid_worker', 'doctor', 'police')),
    name VARCHAR NOT NULL,
    phone VARCHAR
);

CREATE TABLE grid_cell (
    grid_id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL,  -- ref: community
    name VARCHAR NOT NULL,
    grid_worker_id INTEGER  -- ref: staff
);

CREATE TABLE compound (
    compound_id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL,  -- ref: community
    name VARCHAR NOT NULL
);

CREATE TABLE building (
    building_id INTEGER PRIMARY KEY,
    compound_id INTEGER NOT NULL,  -- ref: compound
    grid_id INTEGER,  -- ref: grid_cell
    name VARCHAR NOT NULL,                     -- as residents say it: 3栋
    floors INTEGER CHECK (floors BETWEEN 1 AND 200),
    managed_by_property BOOLEAN NOT NULL DEFAULT TRUE,
    geom GEOMETRY,                             -- footprint polygon, WGS-84
    UNIQUE (compound_id, name)
);

CREATE TABLE stairwell (
    stairwell_id INTEGER PRIMARY KEY,
    building_id INTEGER NOT NULL,  -- ref: building
    unit_no INTEGER NOT NULL CHECK (unit_no >= 1),
    geom GEOMETRY,                             -- its part of the footprint
    UNIQUE (building_id, unit_no)
);

CREATE TABLE household (
    household_id INTEGER PRIMARY KEY,
    stairwell_id INTEGER NOT NULL,  -- ref: stairwell
    floor INTEGER NOT NULL,
    room VARCHAR NOT NULL,                     -- 1502: floor 15, door 02
    UNIQUE (stairwell_id, room)
);

CREATE TABLE resident (
    resident_id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL,  -- ref: household
    name VARCHAR NOT NULL,
    sex VARCHAR CHECK (sex IN ('M', 'F')),
    birth_date DATE,
    phone VARCHAR,
    id_masked VARCHAR,                         -- 3204**********1234; the full number is never stored
    id_hash VARCHAR,                           -- sha256(salt || id number), for matching imports
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    bedridden BOOLEAN NOT NULL DEFAULT FALSE,
    chronic_illness BOOLEAN NOT NULL DEFAULT FALSE,
    low_income BOOLEAN NOT NULL DEFAULT FALSE,
    pregnant BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE control_measure (
    measure_id INTEGER PRIMARY KEY,
    resident_id INTEGER NOT NULL,  -- ref: resident
    category VARCHAR NOT NULL CHECK (category IN (
        'centralised_quarantine', 'medical_observation', 'home_isolation',
        'home_observation', 'health_monitoring')),
    origin VARCHAR NOT NULL CHECK (origin IN ('key_area', 'other_area', 'abroad', 'close_contact')),
    start_date DATE NOT NULL,
    planned_end DATE NOT NULL,
    released_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    CHECK (planned_end >= start_date)
);

CREATE TABLE volunteer (
    volunteer_id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL,  -- ref: community
    name VARCHAR NOT NULL,
    phone VARCHAR,
    home_building_id INTEGER,  -- ref: building
    capacity INTEGER NOT NULL DEFAULT 5 CHECK (capacity >= 0),   -- households they can look after
    active BOOLEAN NOT NULL DEFAULT TRUE
);

-- Scope filtering written once: NULL allows everything, a list allows its members, an empty list nothing.
CREATE MACRO allowed(ids, x) AS (ids IS NULL OR list_contains(ids, x));

-- Buildings a viewer may see. Every read of people starts here so access control narrows all reads at once.
CREATE MACRO scoped_building(community_ids, grid_ids) AS TABLE
    SELECT b.*, c.community_id, c.name AS compound_name
    FROM building b
    JOIN compound c USING (compound_id)
    WHERE allowed(community_ids, c.community_id) AND allowed(grid_ids, b.grid_id);

-- A measure is active on a day when it has started and was not released by the end of that day.
CREATE MACRO active_on(m_start, m_released, day) AS (
    m_start <= day AND (m_released IS NULL OR m_released >= day + INTERVAL 1 DAY));
