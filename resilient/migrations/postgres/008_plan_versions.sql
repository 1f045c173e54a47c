-- 008_plan_versions for PostgreSQL: the same schema step as ../008_plan_versions.sql.

CREATE SEQUENCE plan_version_seq;
CREATE TABLE plan_version(version_id INTEGER DEFAULT(nextval('plan_version_seq')) PRIMARY KEY, round_id INTEGER NOT NULL, kind VARCHAR NOT NULL, restored_from INTEGER, "groups" INTEGER NOT NULL, people INTEGER NOT NULL, created_by VARCHAR, created_at TIMESTAMP NOT NULL, CHECK((kind IN ('plan', 'restore', 'manual'))));
CREATE TABLE plan_version_batch(version_id INTEGER NOT NULL, site_id INTEGER NOT NULL, stairwell_id INTEGER NOT NULL, group_no INTEGER NOT NULL, people INTEGER NOT NULL, slot_start TIMESTAMP NOT NULL, slot_end TIMESTAMP NOT NULL, walk_m DOUBLE PRECISION, CHECK((people >= 0)));

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX plan_version_round_id_ref ON plan_version (round_id);
CREATE INDEX plan_version_restored_from_ref ON plan_version (restored_from);
CREATE INDEX plan_version_batch_version_id_ref ON plan_version_batch (version_id);
CREATE INDEX plan_version_batch_site_id_ref ON plan_version_batch (site_id);
CREATE INDEX plan_version_batch_stairwell_id_ref ON plan_version_batch (stairwell_id);
