-- 018_passes for PostgreSQL: the same schema step as ../018_passes.sql.

CREATE SEQUENCE arrival_visit_seq;
CREATE SEQUENCE gate_pass_seq;
CREATE SEQUENCE gate_seq;
CREATE SEQUENCE pass_movement_seq;
CREATE TABLE arrival_visit(visit_id INTEGER DEFAULT(nextval('arrival_visit_seq')) PRIMARY KEY, arrival_id INTEGER NOT NULL UNIQUE, temperature DECIMAL(4,1), notice_given BOOLEAN NOT NULL, door_sealed BOOLEAN NOT NULL, note VARCHAR, visited_at TIMESTAMP NOT NULL, recorded_by VARCHAR NOT NULL, CHECK((temperature BETWEEN 30 AND 45)));
CREATE TABLE gate(gate_id INTEGER DEFAULT(nextval('gate_seq')) PRIMARY KEY, compound_id INTEGER NOT NULL, "name" VARCHAR NOT NULL, lon DOUBLE PRECISION, lat DOUBLE PRECISION, active BOOLEAN DEFAULT(CAST('t' AS BOOLEAN)) NOT NULL);
CREATE TABLE gate_pass(pass_id INTEGER DEFAULT(nextval('gate_pass_seq')) PRIMARY KEY, code VARCHAR NOT NULL UNIQUE, number VARCHAR NOT NULL UNIQUE, kind VARCHAR NOT NULL, household_id INTEGER NOT NULL, resident_id INTEGER, holder_name VARCHAR, plate VARCHAR, valid_until DATE NOT NULL, status VARCHAR DEFAULT('active') NOT NULL, revoked_why VARCHAR, revoked_at TIMESTAMP, revoked_by VARCHAR, issued_at TIMESTAMP NOT NULL, issued_by VARCHAR NOT NULL, CHECK((kind IN ('person', 'vehicle'))), CHECK((status IN ('active', 'revoked'))), CHECK((revoked_why IN ('under_measure', 'by_hand'))), CHECK(((kind = 'vehicle') = (plate IS NOT NULL))));
CREATE TABLE pass_movement(movement_id BIGINT DEFAULT(nextval('pass_movement_seq')) PRIMARY KEY, pass_id INTEGER NOT NULL, gate_id INTEGER NOT NULL, direction VARCHAR NOT NULL, moved_at TIMESTAMP NOT NULL, by_user VARCHAR NOT NULL, CHECK((direction IN ('out', 'in'))));
ALTER TABLE arrival ADD COLUMN gate_id INTEGER;

CREATE FUNCTION household_under(hid integer, categories varchar[], day date) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM control_measure m JOIN resident r ON r.resident_id = m.resident_id
        WHERE r.household_id = hid AND m.category = ANY(categories)
          AND active_on(m.start_date, m.released_at, day)) $$;

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX gate_compound_id_ref ON gate (compound_id);
CREATE INDEX gate_pass_household_id_ref ON gate_pass (household_id);
CREATE INDEX gate_pass_resident_id_ref ON gate_pass (resident_id);
CREATE INDEX pass_movement_pass_id_ref ON pass_movement (pass_id);
CREATE INDEX pass_movement_gate_id_ref ON pass_movement (gate_id);
CREATE INDEX arrival_visit_arrival_id_ref ON arrival_visit (arrival_id);

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX arrival_gate_id_ref ON arrival (gate_id);
