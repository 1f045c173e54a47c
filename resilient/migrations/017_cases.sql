-- Cases and risk areas from outside, and contact tracing links (issue 17, items 4 and 5).
-- No FOREIGN KEY clauses (see migration 001); `-- ref:` comments name the references. Coordinates WGS-84: a list
-- in GCJ-02 or BD-09 is converted on import, and what the file said is kept beside it (lon_given, lat_given).
CREATE SEQUENCE case_batch_seq;
CREATE SEQUENCE external_case_seq;
CREATE SEQUENCE risk_area_seq;
CREATE SEQUENCE close_contact_seq;

-- One file of cases brought in: who, when, which community it was matched against, in which datum.
CREATE TABLE case_batch (
    batch_id INTEGER PRIMARY KEY DEFAULT nextval('case_batch_seq'),
    community_id INTEGER NOT NULL,            -- ref: community
    file_name VARCHAR NOT NULL,
    coords VARCHAR NOT NULL CHECK (coords IN ('wgs84', 'gcj02', 'bd09')),
    rows_read INTEGER NOT NULL,
    rows_new INTEGER NOT NULL,
    imported_by VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL
);

-- A case as the public list gives it, and the building of ours it was matched to (if any), how and how far.
CREATE TABLE external_case (
    case_id INTEGER PRIMARY KEY DEFAULT nextval('external_case_seq'),
    batch_id INTEGER NOT NULL,                -- ref: case_batch
    community_id INTEGER NOT NULL,            -- ref: community
    case_date DATE NOT NULL,
    case_no VARCHAR NOT NULL,                 -- 病例号 as published
    kind VARCHAR NOT NULL CHECK (kind IN ('confirmed', 'asymptomatic', 'suspected', 'other')),
    sex VARCHAR CHECK (sex IN ('M', 'F')),
    age INTEGER CHECK (age BETWEEN 0 AND 130),
    city VARCHAR,
    district VARCHAR,
    residence VARCHAR,                        -- 居住地 as written
    lon_given DOUBLE,                         -- as the file gave them, in the batch's datum
    lat_given DOUBLE,
    lon DOUBLE,                               -- WGS-84
    lat DOUBLE,
    building_id INTEGER,                      -- ref: building (matched; NULL when none)
    matched_by VARCHAR NOT NULL CHECK (matched_by IN ('name', 'distance', 'none')),
    distance_m DOUBLE,                        -- to the matched (or, unmatched, the nearest) building
    unmatched_reason VARCHAR,                 -- a translation key when matched_by = 'none'
    UNIQUE (case_no, case_date)
);

-- A high- or medium-risk area: a drawn polygon, or a buffer around chosen buildings (geometry stored either way).
CREATE TABLE risk_area (
    area_id INTEGER PRIMARY KEY DEFAULT nextval('risk_area_seq'),
    community_id INTEGER NOT NULL,            -- ref: community
    name VARCHAR NOT NULL,
    level VARCHAR NOT NULL CHECK (level IN ('high', 'medium')),
    shape VARCHAR NOT NULL CHECK (shape IN ('drawn', 'buffer')),
    buffer_m DOUBLE,
    geom GEOMETRY NOT NULL,                   -- WGS-84
    start_date DATE NOT NULL,
    end_date DATE,                            -- the last day in force; NULL while it lasts
    source VARCHAR,                           -- the notice it comes from
    created_by VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    ended_by VARCHAR,
    CHECK (end_date IS NULL OR end_date >= start_date)
);

-- The buildings a buffer area was drawn around.
CREATE TABLE risk_area_building (
    area_id INTEGER NOT NULL,                 -- ref: risk_area
    building_id INTEGER NOT NULL              -- ref: building
);

-- A close contact of a case (degree 1) or a contact of a contact (degree 2, `via` the contact it came from): a
-- resident of ours when linked, else a person not registered here by name and phone as text.
CREATE TABLE close_contact (
    contact_id INTEGER PRIMARY KEY DEFAULT nextval('close_contact_seq'),
    case_id INTEGER NOT NULL,                 -- ref: external_case
    degree INTEGER NOT NULL CHECK (degree IN (1, 2)),
    via_contact_id INTEGER,                   -- ref: close_contact (degree 2 only)
    resident_id INTEGER,                      -- ref: resident (linked)
    linked_by VARCHAR CHECK (linked_by IN ('id_number', 'name_flat')),
    person_name VARCHAR,                      -- as told, for a person not registered here
    phone VARCHAR,
    note VARCHAR,
    last_contact DATE,
    measure_id INTEGER,                       -- ref: control_measure (placed through the arrivals path)
    created_by VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK ((degree = 1) = (via_contact_id IS NULL))
);
