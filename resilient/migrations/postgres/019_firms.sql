-- 019_firms for PostgreSQL: the same schema step as ../019_firms.sql.

CREATE SEQUENCE firm_filing_seq;
CREATE SEQUENCE firm_notice_check_seq;
CREATE SEQUENCE firm_notice_seq;
CREATE SEQUENCE firm_pledge_seq;
CREATE SEQUENCE firm_seq;
CREATE TABLE firm(firm_id INTEGER DEFAULT(nextval('firm_seq')) PRIMARY KEY, community_id INTEGER NOT NULL, "name" VARCHAR NOT NULL, kind VARCHAR NOT NULL, building_id INTEGER, lon DOUBLE PRECISION, lat DOUBLE PRECISION, contact_name VARCHAR, contact_phone VARCHAR, staff INTEGER, created_at TIMESTAMP NOT NULL, created_by VARCHAR NOT NULL, CHECK((kind IN ('shop', 'restaurant', 'car_dealership', 'school', 'small_firm', 'other'))), CHECK((staff >= 0)), CHECK(((lon IS NULL) = (lat IS NULL))), CHECK(((building_id IS NULL) OR (lon IS NULL))));
CREATE TABLE firm_filing(filing_id INTEGER DEFAULT(nextval('firm_filing_seq')) PRIMARY KEY, firm_id INTEGER NOT NULL, filed_on DATE NOT NULL, status VARCHAR DEFAULT('filed') NOT NULL, refused_why VARCHAR, decided_on DATE, decided_by VARCHAR, reopened_on DATE, recorded_by VARCHAR NOT NULL, recorded_at TIMESTAMP NOT NULL, CHECK((status IN ('filed', 'approved', 'refused', 'reopened'))), CHECK(((status != 'refused') OR (refused_why IS NOT NULL))), CHECK(((status = 'filed') = (decided_on IS NULL))));
CREATE TABLE firm_notice(notice_id INTEGER DEFAULT(nextval('firm_notice_seq')) PRIMARY KEY, firm_id INTEGER NOT NULL, issued_on DATE NOT NULL, what VARCHAR NOT NULL, deadline DATE NOT NULL, issued_by VARCHAR NOT NULL, closed_on DATE, closed_by VARCHAR, CHECK((deadline >= issued_on)), CHECK(((closed_on IS NULL) OR (closed_on >= issued_on))));
CREATE TABLE firm_notice_check(check_id INTEGER DEFAULT(nextval('firm_notice_check_seq')) PRIMARY KEY, notice_id INTEGER NOT NULL, checked_on DATE NOT NULL, fixed BOOLEAN NOT NULL, note VARCHAR, checked_by VARCHAR NOT NULL, recorded_at TIMESTAMP NOT NULL);
CREATE TABLE firm_pledge(pledge_id INTEGER DEFAULT(nextval('firm_pledge_seq')) PRIMARY KEY, firm_id INTEGER NOT NULL, signed_on DATE NOT NULL, signed_by VARCHAR NOT NULL, recorded_by VARCHAR NOT NULL, recorded_at TIMESTAMP NOT NULL);

CREATE FUNCTION scoped_firm(community_ids integer[], grid_ids integer[], household_ids integer[])
    RETURNS TABLE (firm_id integer, community_id integer, name varchar, kind varchar, building_id integer,
                   lon double precision, lat double precision, contact_name varchar, contact_phone varchar,
                   staff integer, created_at timestamp, created_by varchar)
    LANGUAGE sql STABLE AS $$
    SELECT f.firm_id, f.community_id, f.name, f.kind, f.building_id, f.lon, f.lat, f.contact_name,
           f.contact_phone, f.staff, f.created_at, f.created_by
    FROM firm f
    WHERE allowed(community_ids, f.community_id) AND household_ids IS NULL
      AND (f.building_id IS NULL OR f.building_id IN (
          SELECT sb.building_id FROM scoped_building(community_ids, grid_ids, household_ids) sb)) $$;

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX firm_community_id_ref ON firm (community_id);
CREATE INDEX firm_building_id_ref ON firm (building_id);
CREATE INDEX firm_filing_firm_id_ref ON firm_filing (firm_id);
CREATE INDEX firm_pledge_firm_id_ref ON firm_pledge (firm_id);
CREATE INDEX firm_notice_firm_id_ref ON firm_notice (firm_id);
CREATE INDEX firm_notice_check_notice_id_ref ON firm_notice_check (notice_id);
