-- 004_coverage for PostgreSQL: the same schema step as ../004_coverage.sql.

CREATE SEQUENCE contact_seq;
CREATE TABLE contact(contact_id BIGINT DEFAULT(nextval('contact_seq')) PRIMARY KEY, volunteer_id INTEGER NOT NULL, household_id INTEGER NOT NULL, kind VARCHAR NOT NULL, contacted_at TIMESTAMP NOT NULL, recorded_by VARCHAR, CHECK((kind IN ('visit', 'call', 'delivery'))));
CREATE TABLE team(team_id INTEGER PRIMARY KEY, community_id INTEGER NOT NULL, grid_worker_id INTEGER, doctor_id INTEGER, police_id INTEGER);
CREATE TABLE team_household(team_id INTEGER, household_id INTEGER, start_date DATE, end_date DATE, PRIMARY KEY(team_id, household_id, start_date));
