-- 004_coverage for PostgreSQL: the same schema step as ../004_coverage.sql.

CREATE SEQUENCE contact_seq;
CREATE TABLE contact(contact_id BIGINT DEFAULT(nextval('contact_seq')) PRIMARY KEY, volunteer_id INTEGER NOT NULL, household_id INTEGER NOT NULL, kind VARCHAR NOT NULL, contacted_at TIMESTAMP NOT NULL, recorded_by VARCHAR, CHECK((kind IN ('visit', 'call', 'delivery'))));
CREATE TABLE team(team_id INTEGER PRIMARY KEY, community_id INTEGER NOT NULL, grid_worker_id INTEGER, doctor_id INTEGER, police_id INTEGER);
CREATE TABLE team_household(team_id INTEGER, household_id INTEGER, start_date DATE, end_date DATE, PRIMARY KEY(team_id, household_id, start_date));

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX contact_volunteer_id_ref ON contact (volunteer_id);
CREATE INDEX contact_household_id_ref ON contact (household_id);
CREATE INDEX team_community_id_ref ON team (community_id);
CREATE INDEX team_grid_worker_id_ref ON team (grid_worker_id);
CREATE INDEX team_doctor_id_ref ON team (doctor_id);
CREATE INDEX team_police_id_ref ON team (police_id);
CREATE INDEX team_household_team_id_ref ON team_household (team_id);
CREATE INDEX team_household_household_id_ref ON team_household (household_id);
