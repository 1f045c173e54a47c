-- 009_tubes_retests for PostgreSQL: the same schema step as ../009_tubes_retests.sql.

CREATE TABLE tube_measure(measure_id INTEGER PRIMARY KEY, tube_id INTEGER NOT NULL, household_id INTEGER NOT NULL, created_at TIMESTAMP NOT NULL);
ALTER TABLE tube ADD COLUMN held_by VARCHAR;
ALTER TABLE tube ADD COLUMN held_since TIMESTAMP;
ALTER TABLE retest ADD COLUMN result VARCHAR;
ALTER TABLE retest ADD COLUMN result_at TIMESTAMP;
ALTER TABLE retest ADD COLUMN result_by VARCHAR;

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX tube_measure_tube_id_ref ON tube_measure (tube_id);
CREATE INDEX tube_measure_household_id_ref ON tube_measure (household_id);
