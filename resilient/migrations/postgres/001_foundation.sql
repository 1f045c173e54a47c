-- 001_foundation for PostgreSQL: the same schema step as ../001_foundation.sql.

CREATE TABLE building(building_id INTEGER PRIMARY KEY, compound_id INTEGER NOT NULL, grid_id INTEGER, "name" VARCHAR NOT NULL, floors INTEGER, managed_by_property BOOLEAN DEFAULT(CAST('t' AS BOOLEAN)) NOT NULL, geom geometry, CHECK((floors BETWEEN 1 AND 200)), UNIQUE(compound_id, "name"));
CREATE TABLE community(community_id INTEGER PRIMARY KEY, "name" VARCHAR NOT NULL, street VARCHAR, district VARCHAR);
CREATE TABLE compound(compound_id INTEGER PRIMARY KEY, community_id INTEGER NOT NULL, "name" VARCHAR NOT NULL);
CREATE TABLE control_measure(measure_id INTEGER PRIMARY KEY, resident_id INTEGER NOT NULL, category VARCHAR NOT NULL, origin VARCHAR NOT NULL, start_date DATE NOT NULL, planned_end DATE NOT NULL, released_at TIMESTAMP, created_at TIMESTAMP NOT NULL, CHECK((category IN ('centralised_quarantine', 'medical_observation', 'home_isolation', 'home_observation', 'health_monitoring'))), CHECK((origin IN ('key_area', 'other_area', 'abroad', 'close_contact'))), CHECK((planned_end >= start_date)));
CREATE TABLE grid_cell(grid_id INTEGER PRIMARY KEY, community_id INTEGER NOT NULL, "name" VARCHAR NOT NULL, grid_worker_id INTEGER);
CREATE TABLE household(household_id INTEGER PRIMARY KEY, stairwell_id INTEGER NOT NULL, floor INTEGER NOT NULL, room VARCHAR NOT NULL, UNIQUE(stairwell_id, room));
CREATE TABLE meta("key" VARCHAR PRIMARY KEY, "value" VARCHAR NOT NULL);
CREATE TABLE resident(resident_id INTEGER PRIMARY KEY, household_id INTEGER NOT NULL, "name" VARCHAR NOT NULL, sex VARCHAR, birth_date DATE, phone VARCHAR, id_masked VARCHAR, id_hash VARCHAR, disabled BOOLEAN DEFAULT(CAST('f' AS BOOLEAN)) NOT NULL, bedridden BOOLEAN DEFAULT(CAST('f' AS BOOLEAN)) NOT NULL, chronic_illness BOOLEAN DEFAULT(CAST('f' AS BOOLEAN)) NOT NULL, low_income BOOLEAN DEFAULT(CAST('f' AS BOOLEAN)) NOT NULL, pregnant BOOLEAN DEFAULT(CAST('f' AS BOOLEAN)) NOT NULL, CHECK((sex IN ('M', 'F'))));
CREATE TABLE staff(staff_id INTEGER PRIMARY KEY, community_id INTEGER NOT NULL, "role" VARCHAR NOT NULL, "name" VARCHAR NOT NULL, phone VARCHAR, CHECK(("role" IN ('grid_worker', 'doctor', 'police'))));
CREATE TABLE stairwell(stairwell_id INTEGER PRIMARY KEY, building_id INTEGER NOT NULL, unit_no INTEGER NOT NULL, geom geometry, CHECK((unit_no >= 1)), UNIQUE(building_id, unit_no));
CREATE TABLE volunteer(volunteer_id INTEGER PRIMARY KEY, community_id INTEGER NOT NULL, "name" VARCHAR NOT NULL, phone VARCHAR, home_building_id INTEGER, capacity INTEGER DEFAULT(5) NOT NULL, active BOOLEAN DEFAULT(CAST('t' AS BOOLEAN)) NOT NULL, CHECK((capacity >= 0)));

-- DuckDB's list_contains and the foundation's macros, as SQL functions (anycompatible: a NULL or an int2[]
-- list from the driver resolves against the other argument, as DuckDB's macros did).
CREATE FUNCTION list_contains(ids anycompatiblearray, x anycompatible) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT x = ANY(ids) $$;
CREATE FUNCTION allowed(ids anycompatiblearray, x anycompatible) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT ids IS NULL OR x = ANY(ids) $$;
CREATE FUNCTION active_on(m_start date, m_released timestamp, day date) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT m_start <= day AND (m_released IS NULL OR m_released >= day + INTERVAL '1 day') $$;
CREATE FUNCTION scoped_building(community_ids integer[], grid_ids integer[])
    RETURNS TABLE (building_id integer, compound_id integer, grid_id integer, name varchar, floors integer,
                   managed_by_property boolean, geom geometry, community_id integer, compound_name varchar)
    LANGUAGE sql STABLE AS $$
    SELECT b.building_id, b.compound_id, b.grid_id, b.name, b.floors, b.managed_by_property, b.geom,
           c.community_id, c.name
    FROM building b JOIN compound c USING (compound_id)
    WHERE allowed(community_ids, c.community_id) AND allowed(grid_ids, b.grid_id) $$;

-- DuckDB's functions the named queries use, so the same SQL runs here: list = array_agg, ST_AsWKB = ST_AsBinary.
CREATE AGGREGATE list(anycompatible) (SFUNC = array_append, STYPE = anycompatiblearray, INITCOND = '{}');
CREATE FUNCTION st_aswkb(g geometry) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$ SELECT ST_AsBinary(g) $$;

-- DuckDB's sha256(text): the hex digest of the text's UTF-8 bytes (PostgreSQL's own takes and gives bytea).
-- The demo generator hashes id numbers with it, and imports must find those residents again.
CREATE OR REPLACE FUNCTION sha256(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT encode(pg_catalog.sha256(convert_to(value, 'UTF8')), 'hex') $$;

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX staff_community_id_ref ON staff (community_id);
CREATE INDEX grid_cell_community_id_ref ON grid_cell (community_id);
CREATE INDEX grid_cell_grid_worker_id_ref ON grid_cell (grid_worker_id);
CREATE INDEX compound_community_id_ref ON compound (community_id);
CREATE INDEX building_compound_id_ref ON building (compound_id);
CREATE INDEX building_grid_id_ref ON building (grid_id);
CREATE INDEX stairwell_building_id_ref ON stairwell (building_id);
CREATE INDEX household_stairwell_id_ref ON household (stairwell_id);
CREATE INDEX resident_household_id_ref ON resident (household_id);
CREATE INDEX control_measure_resident_id_ref ON control_measure (resident_id);
CREATE INDEX volunteer_community_id_ref ON volunteer (community_id);
CREATE INDEX volunteer_home_building_id_ref ON volunteer (home_building_id);

-- DuckDB's time_bucket(width, ts) for a width of days or less: bins counted from DuckDB's own origin, Monday
-- 3 January 2000 (the charts' 15-minute bins).
CREATE FUNCTION time_bucket(width interval, ts timestamp) RETURNS timestamp
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT date_bin(width, ts, TIMESTAMP '2000-01-03') $$;
