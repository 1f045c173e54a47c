-- Health codes (issue 17): the colour a resident showed or declared (green / yellow / red) on a day, from a
-- sheet or set by hand. Every change is a new row, so the history stays; the current code is the latest by
-- date (then by when it was written). A yellow or red code raises an alert on the fever alerts' list, handled
-- the same way by the doctors: fever_alert gains the code it was raised for (check_id is empty then).
CREATE SEQUENCE health_code_seq;

CREATE TABLE health_code (
    code_id BIGINT PRIMARY KEY DEFAULT nextval('health_code_seq'),
    resident_id INTEGER NOT NULL,             -- ref: resident
    colour VARCHAR NOT NULL CHECK (colour IN ('green', 'yellow', 'red')),
    shown_on DATE NOT NULL,                   -- the day the code was shown or declared
    source VARCHAR NOT NULL CHECK (source IN ('sheet', 'hand')),
    set_by VARCHAR,
    set_at TIMESTAMP NOT NULL
);
CREATE INDEX health_code_resident ON health_code (resident_id, shown_on);

-- An alert is raised for a check (a fever or a symptom) or for a code (yellow or red), once each.
ALTER TABLE fever_alert ADD COLUMN code_id BIGINT;   -- ref: health_code
ALTER TABLE fever_alert ALTER COLUMN check_id DROP NOT NULL;
CREATE UNIQUE INDEX fever_alert_code ON fever_alert (code_id);

-- Each resident's current code: the latest by date, then by when it was written. Callers narrow by scope.
CREATE MACRO current_health_code() AS TABLE
    SELECT code_id, resident_id, colour, shown_on, source, set_by, set_at
    FROM health_code
    QUALIFY row_number() OVER (PARTITION BY resident_id ORDER BY shown_on DESC, set_at DESC, code_id DESC) = 1;
