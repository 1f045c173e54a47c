-- 002_accounts_audit for PostgreSQL: the same schema step as ../002_accounts_audit.sql.

CREATE SEQUENCE audit_log_seq;
CREATE TABLE app_user(user_id INTEGER PRIMARY KEY, username VARCHAR NOT NULL UNIQUE, display_name VARCHAR NOT NULL, password_hash VARCHAR, email VARCHAR, "role" VARCHAR NOT NULL, community_id INTEGER, staff_id INTEGER, volunteer_id INTEGER, active BOOLEAN DEFAULT(CAST('t' AS BOOLEAN)) NOT NULL, failed_logins INTEGER DEFAULT(0) NOT NULL, locked_until TIMESTAMP, created_at TIMESTAMP NOT NULL, password_changed_at TIMESTAMP, CHECK(("role" IN ('street_admin', 'community_leader', 'grid_worker', 'doctor', 'volunteer', 'viewer'))));
CREATE TABLE audit_log(audit_id BIGINT DEFAULT(nextval('audit_log_seq')) PRIMARY KEY, logged_at TIMESTAMP NOT NULL, username VARCHAR, "role" VARCHAR, "action" VARCHAR NOT NULL, "target" VARCHAR, old_value VARCHAR, new_value VARCHAR, detail VARCHAR);
CREATE TABLE volunteer_assignment(volunteer_id INTEGER, household_id INTEGER, start_date DATE, end_date DATE, PRIMARY KEY(volunteer_id, household_id, start_date));

CREATE FUNCTION scoped_household(community_ids integer[], grid_ids integer[], household_ids integer[])
    RETURNS TABLE (household_id integer, stairwell_id integer, floor integer, room varchar, unit_no integer,
                   building_id integer, compound_id integer, grid_id integer, community_id integer)
    LANGUAGE sql STABLE AS $$
    SELECT h.household_id, h.stairwell_id, h.floor, h.room, s.unit_no, s.building_id, b.compound_id,
           b.grid_id, c.community_id
    FROM household h
    JOIN stairwell s USING (stairwell_id)
    JOIN building b USING (building_id)
    JOIN compound c USING (compound_id)
    WHERE allowed(community_ids, c.community_id) AND allowed(grid_ids, b.grid_id)
      AND allowed(household_ids, h.household_id) $$;
DROP FUNCTION scoped_building(integer[], integer[]);
CREATE FUNCTION scoped_building(community_ids integer[], grid_ids integer[], household_ids integer[])
    RETURNS TABLE (building_id integer, compound_id integer, grid_id integer, name varchar, floors integer,
                   managed_by_property boolean, geom geometry, community_id integer, compound_name varchar)
    LANGUAGE sql STABLE AS $$
    SELECT b.building_id, b.compound_id, b.grid_id, b.name, b.floors, b.managed_by_property, b.geom,
           c.community_id, c.name
    FROM building b JOIN compound c USING (compound_id)
    WHERE allowed(community_ids, c.community_id) AND allowed(grid_ids, b.grid_id)
      AND (household_ids IS NULL OR b.building_id IN (
          SELECT s.building_id FROM stairwell s JOIN household h USING (stairwell_id)
          WHERE h.household_id = ANY(household_ids))) $$;
CREATE FUNCTION may_see_person(personal varchar, rid integer, day date) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT personal = 'all' OR (personal = 'under_measure' AND EXISTS (
        SELECT 1 FROM control_measure m WHERE m.resident_id = rid AND active_on(m.start_date, m.released_at, day))) $$;

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX app_user_community_id_ref ON app_user (community_id);
CREATE INDEX app_user_staff_id_ref ON app_user (staff_id);
CREATE INDEX app_user_volunteer_id_ref ON app_user (volunteer_id);
CREATE INDEX volunteer_assignment_volunteer_id_ref ON volunteer_assignment (volunteer_id);
CREATE INDEX volunteer_assignment_household_id_ref ON volunteer_assignment (household_id);
