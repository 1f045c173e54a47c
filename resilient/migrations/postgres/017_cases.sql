-- 017_cases for PostgreSQL: the same schema step as ../017_cases.sql.

CREATE SEQUENCE case_batch_seq;
CREATE SEQUENCE close_contact_seq;
CREATE SEQUENCE external_case_seq;
CREATE SEQUENCE risk_area_seq;
CREATE TABLE case_batch(batch_id INTEGER DEFAULT(nextval('case_batch_seq')) PRIMARY KEY, community_id INTEGER NOT NULL, file_name VARCHAR NOT NULL, coords VARCHAR NOT NULL, rows_read INTEGER NOT NULL, rows_new INTEGER NOT NULL, imported_by VARCHAR NOT NULL, imported_at TIMESTAMP NOT NULL, CHECK((coords IN ('wgs84', 'gcj02', 'bd09'))));
CREATE TABLE close_contact(contact_id INTEGER DEFAULT(nextval('close_contact_seq')) PRIMARY KEY, case_id INTEGER NOT NULL, degree INTEGER NOT NULL, via_contact_id INTEGER, resident_id INTEGER, linked_by VARCHAR, person_name VARCHAR, phone VARCHAR, note VARCHAR, last_contact DATE, measure_id INTEGER, created_by VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, CHECK((degree IN (1, 2))), CHECK((linked_by IN ('id_number', 'name_flat'))), CHECK(((degree = 1) = (via_contact_id IS NULL))));
CREATE TABLE external_case(case_id INTEGER DEFAULT(nextval('external_case_seq')) PRIMARY KEY, batch_id INTEGER NOT NULL, community_id INTEGER NOT NULL, case_date DATE NOT NULL, case_no VARCHAR NOT NULL, kind VARCHAR NOT NULL, sex VARCHAR, age INTEGER, city VARCHAR, district VARCHAR, residence VARCHAR, lon_given DOUBLE PRECISION, lat_given DOUBLE PRECISION, lon DOUBLE PRECISION, lat DOUBLE PRECISION, building_id INTEGER, matched_by VARCHAR NOT NULL, distance_m DOUBLE PRECISION, unmatched_reason VARCHAR, CHECK((kind IN ('confirmed', 'asymptomatic', 'suspected', 'other'))), CHECK((sex IN ('M', 'F'))), CHECK((age BETWEEN 0 AND 130)), CHECK((matched_by IN ('name', 'distance', 'none'))), UNIQUE(case_no, case_date));
CREATE TABLE risk_area(area_id INTEGER DEFAULT(nextval('risk_area_seq')) PRIMARY KEY, community_id INTEGER NOT NULL, "name" VARCHAR NOT NULL, "level" VARCHAR NOT NULL, shape VARCHAR NOT NULL, buffer_m DOUBLE PRECISION, geom geometry NOT NULL, start_date DATE NOT NULL, end_date DATE, "source" VARCHAR, created_by VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, ended_by VARCHAR, CHECK(("level" IN ('high', 'medium'))), CHECK((shape IN ('drawn', 'buffer'))), CHECK(((end_date IS NULL) OR (end_date >= start_date))));
CREATE TABLE risk_area_building(area_id INTEGER NOT NULL, building_id INTEGER NOT NULL);

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX case_batch_community_id_ref ON case_batch (community_id);
CREATE INDEX external_case_batch_id_ref ON external_case (batch_id);
CREATE INDEX external_case_community_id_ref ON external_case (community_id);
CREATE INDEX external_case_building_id_ref ON external_case (building_id);
CREATE INDEX risk_area_community_id_ref ON risk_area (community_id);
CREATE INDEX risk_area_building_area_id_ref ON risk_area_building (area_id);
CREATE INDEX risk_area_building_building_id_ref ON risk_area_building (building_id);
CREATE INDEX close_contact_case_id_ref ON close_contact (case_id);
CREATE INDEX close_contact_via_contact_id_ref ON close_contact (via_contact_id);
CREATE INDEX close_contact_resident_id_ref ON close_contact (resident_id);
CREATE INDEX close_contact_measure_id_ref ON close_contact (measure_id);
