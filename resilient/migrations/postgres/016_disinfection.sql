-- 016_disinfection for PostgreSQL: the same schema step as ../016_disinfection.sql.

CREATE SEQUENCE disinfection_area_seq;
CREATE SEQUENCE disinfection_mark_seq;
CREATE TABLE disinfection_area(area_id INTEGER DEFAULT(nextval('disinfection_area_seq')) PRIMARY KEY, building_id INTEGER NOT NULL, kind VARCHAR NOT NULL, per_day INTEGER DEFAULT(1) NOT NULL, created_by VARCHAR, created_at TIMESTAMP NOT NULL, CHECK((kind IN ('hall', 'corridor', 'lift', 'letter_boxes', 'bins'))), CHECK((per_day BETWEEN 1 AND 6)), UNIQUE(building_id, kind));
CREATE TABLE disinfection_mark(mark_id BIGINT DEFAULT(nextval('disinfection_mark_seq')) PRIMARY KEY, area_id INTEGER NOT NULL, "day" DATE NOT NULL, slot INTEGER NOT NULL, done_at TIMESTAMP NOT NULL, done_by VARCHAR, CHECK((slot >= 0)), UNIQUE(area_id, "day", slot));

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX disinfection_area_building_id_ref ON disinfection_area (building_id);
CREATE INDEX disinfection_mark_area_id_ref ON disinfection_mark (area_id);
