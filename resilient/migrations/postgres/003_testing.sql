-- 003_testing for PostgreSQL: the same schema step as ../003_testing.sql.

CREATE SEQUENCE batch_seq;
CREATE SEQUENCE sample_seq;
CREATE SEQUENCE sampling_site_seq;
CREATE SEQUENCE testing_round_seq;
CREATE SEQUENCE tube_seq;
CREATE TABLE batch(batch_id INTEGER DEFAULT(nextval('batch_seq')) PRIMARY KEY, round_id INTEGER NOT NULL, site_id INTEGER NOT NULL, stairwell_id INTEGER NOT NULL, group_no INTEGER NOT NULL, people INTEGER NOT NULL, slot_start TIMESTAMP NOT NULL, slot_end TIMESTAMP NOT NULL, walk_m DOUBLE PRECISION, CHECK((people >= 0)));
CREATE TABLE retest(round_id INTEGER NOT NULL, resident_id INTEGER NOT NULL, from_tube_id INTEGER NOT NULL, created_at TIMESTAMP NOT NULL, UNIQUE(round_id, resident_id));
CREATE TABLE "sample"(sample_id INTEGER DEFAULT(nextval('sample_seq')) PRIMARY KEY, round_id INTEGER NOT NULL, resident_id INTEGER NOT NULL, tube_id INTEGER NOT NULL, site_id INTEGER, taken_at TIMESTAMP NOT NULL, taken_by VARCHAR, UNIQUE(round_id, resident_id));
CREATE TABLE sampling_site(site_id INTEGER DEFAULT(nextval('sampling_site_seq')) PRIMARY KEY, round_id INTEGER NOT NULL, "name" VARCHAR NOT NULL, building_id INTEGER, lon DOUBLE PRECISION NOT NULL, lat DOUBLE PRECISION NOT NULL, desks INTEGER NOT NULL, swabs_per_desk_hour INTEGER DEFAULT(120) NOT NULL, opens_at TIMESTAMP, closes_at TIMESTAMP, CHECK((desks >= 1)), CHECK((swabs_per_desk_hour > 0)));
CREATE TABLE testing_round(round_id INTEGER DEFAULT(nextval('testing_round_seq')) PRIMARY KEY, community_id INTEGER NOT NULL, "name" VARCHAR NOT NULL, round_date DATE NOT NULL, start_at TIMESTAMP NOT NULL, pool_size INTEGER DEFAULT(10) NOT NULL, household_tubes BOOLEAN DEFAULT(CAST('f' AS BOOLEAN)) NOT NULL, created_by VARCHAR, created_at TIMESTAMP NOT NULL, CHECK((pool_size IN (1, 5, 10, 20))));
CREATE TABLE tube(tube_id INTEGER DEFAULT(nextval('tube_seq')) PRIMARY KEY, round_id INTEGER NOT NULL, code VARCHAR NOT NULL, capacity INTEGER NOT NULL, samples INTEGER DEFAULT(0) NOT NULL, site_id INTEGER, opened_at TIMESTAMP NOT NULL, opened_by VARCHAR, closed_at TIMESTAMP, result VARCHAR, result_at TIMESTAMP, result_by VARCHAR, CHECK((capacity >= 1)), CHECK((result IN ('negative', 'positive'))), UNIQUE(round_id, code), CHECK((samples BETWEEN 0 AND capacity)));

CREATE FUNCTION testing_exclusion(rid integer, day date) RETURNS varchar
    LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN EXISTS (
        SELECT 1 FROM control_measure m
        WHERE m.resident_id = rid AND m.category IN ('centralised_quarantine', 'medical_observation')
          AND active_on(m.start_date, m.released_at, day)) THEN 'centralised' END $$;

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX testing_round_community_id_ref ON testing_round (community_id);
CREATE INDEX sampling_site_round_id_ref ON sampling_site (round_id);
CREATE INDEX sampling_site_building_id_ref ON sampling_site (building_id);
CREATE INDEX batch_round_id_ref ON batch (round_id);
CREATE INDEX batch_site_id_ref ON batch (site_id);
CREATE INDEX batch_stairwell_id_ref ON batch (stairwell_id);
CREATE INDEX tube_round_id_ref ON tube (round_id);
CREATE INDEX tube_site_id_ref ON tube (site_id);
CREATE INDEX sample_round_id_ref ON sample (round_id);
CREATE INDEX sample_resident_id_ref ON sample (resident_id);
CREATE INDEX sample_tube_id_ref ON sample (tube_id);
CREATE INDEX sample_site_id_ref ON sample (site_id);
CREATE INDEX retest_round_id_ref ON retest (round_id);
CREATE INDEX retest_resident_id_ref ON retest (resident_id);
CREATE INDEX retest_from_tube_id_ref ON retest (from_tube_id);
