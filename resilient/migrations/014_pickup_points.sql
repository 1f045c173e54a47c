-- Pick-up points (issue 16): where the able-bodied of a building, or of a few buildings, fetch their supplies, so
-- volunteers carry to the door only for those who cannot come. No FOREIGN KEY clauses (see migration 001).
CREATE SEQUENCE pickup_point_seq;

-- One point: a place at a building's door or anywhere clicked, its opening hours as the office writes them
-- ("每天 9:00-11:00, 15:00-17:00", printed on the household's notice as written). A replaced plan's points stay,
-- inactive, so a notice already handed out can still be traced to what it said.
CREATE TABLE pickup_point (
    point_id INTEGER PRIMARY KEY DEFAULT nextval('pickup_point_seq'),
    community_id INTEGER NOT NULL,            -- ref: community
    name VARCHAR NOT NULL,
    lon DOUBLE NOT NULL,                      -- WGS-84
    lat DOUBLE NOT NULL,
    hours VARCHAR NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Which point a building's households fetch from: one point per building at a time (the key), an active one.
CREATE TABLE pickup_building (
    building_id INTEGER PRIMARY KEY,          -- ref: building
    point_id INTEGER NOT NULL,                -- ref: pickup_point
    since TIMESTAMP NOT NULL
);
CREATE INDEX pickup_building_point ON pickup_building (point_id);
