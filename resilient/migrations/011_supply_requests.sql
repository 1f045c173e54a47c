-- Requests from sealed households and the door-to-door rounds that answer them (issue 16).
-- No FOREIGN KEY clauses (see migration 001); `-- ref:` comments name the references.
CREATE SEQUENCE supply_request_seq;
CREATE SEQUENCE supply_request_event_seq;

-- One thing a household asked for. Its status moves new -> assigned -> on_the_way -> delivered, or ends in failed
-- with why; every change is a supply_request_event row as well as an audit row.
CREATE TABLE supply_request (
    request_id INTEGER PRIMARY KEY DEFAULT nextval('supply_request_seq'),
    household_id INTEGER NOT NULL,            -- ref: household
    kind VARCHAR NOT NULL CHECK (kind IN ('food', 'medicine', 'goods', 'parcel', 'other')),
    detail VARCHAR,                           -- what exactly, in the household's words
    prescription VARCHAR,                     -- for medicine: the prescription as noted
    status VARCHAR NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'assigned', 'on_the_way', 'delivered', 'failed')),
    failed_reason VARCHAR,                    -- why it could not be delivered
    volunteer_id INTEGER,                     -- ref: volunteer (who takes it to the door)
    route_stop INTEGER,                       -- its place in that volunteer's walking route for the day
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,                   -- when it reached the door (delivered) or was given up (failed)
    source VARCHAR NOT NULL DEFAULT 'hand' CHECK (source IN ('hand', 'sheet'))
);

-- The history of a request: each status it took, who moved it and when.
CREATE TABLE supply_request_event (
    event_id INTEGER PRIMARY KEY DEFAULT nextval('supply_request_event_seq'),
    request_id INTEGER NOT NULL,              -- ref: supply_request
    status VARCHAR NOT NULL,
    volunteer_id INTEGER,                     -- ref: volunteer
    note VARCHAR,
    event_at TIMESTAMP NOT NULL,
    by_user VARCHAR NOT NULL
);
CREATE INDEX supply_request_household ON supply_request (household_id);
CREATE INDEX supply_request_event_request ON supply_request_event (request_id);
