-- Tubes that always finish and re-tests that release (issue 14). A tube names who holds it now (a desk that took
-- it over from a lost session); a re-test keeps its single result; the measures a positive tube imposed are
-- linked to it, so a negative re-test releases exactly those and nothing a flat was under before.
-- No FOREIGN KEY clauses (see migration 001); `-- ref:` comments name the references.
ALTER TABLE tube ADD COLUMN held_by VARCHAR;          -- NULL: still the desk that opened it
ALTER TABLE tube ADD COLUMN held_since TIMESTAMP;
ALTER TABLE retest ADD COLUMN result VARCHAR;         -- 'negative' or 'positive', checked by the domain
ALTER TABLE retest ADD COLUMN result_at TIMESTAMP;
ALTER TABLE retest ADD COLUMN result_by VARCHAR;

CREATE TABLE tube_measure (
    measure_id INTEGER PRIMARY KEY,           -- ref: control_measure
    tube_id INTEGER NOT NULL,                 -- ref: tube
    household_id INTEGER NOT NULL,            -- ref: household
    created_at TIMESTAMP NOT NULL
);
