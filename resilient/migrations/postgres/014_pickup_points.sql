-- 014_pickup_points for PostgreSQL: the same schema step as ../014_pickup_points.sql.

CREATE SEQUENCE pickup_point_seq;
CREATE TABLE pickup_building(building_id INTEGER PRIMARY KEY, point_id INTEGER NOT NULL, since TIMESTAMP NOT NULL);
CREATE TABLE pickup_point(point_id INTEGER DEFAULT(nextval('pickup_point_seq')) PRIMARY KEY, community_id INTEGER NOT NULL, "name" VARCHAR NOT NULL, lon DOUBLE PRECISION NOT NULL, lat DOUBLE PRECISION NOT NULL, "hours" VARCHAR NOT NULL, active BOOLEAN DEFAULT(CAST('t' AS BOOLEAN)) NOT NULL, created_at TIMESTAMP NOT NULL, created_by VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL);
CREATE INDEX pickup_building_point ON pickup_building(point_id);

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX pickup_point_community_id_ref ON pickup_point (community_id);
CREATE INDEX pickup_building_point_id_ref ON pickup_building (point_id);
