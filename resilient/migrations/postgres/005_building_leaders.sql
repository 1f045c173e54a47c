-- 005_building_leaders for PostgreSQL: the same schema step as ../005_building_leaders.sql.

CREATE TABLE building_leader(volunteer_id INTEGER NOT NULL, building_id INTEGER NOT NULL, stairwell_id INTEGER, start_date DATE NOT NULL, end_date DATE);

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX building_leader_volunteer_id_ref ON building_leader (volunteer_id);
CREATE INDEX building_leader_building_id_ref ON building_leader (building_id);
CREATE INDEX building_leader_stairwell_id_ref ON building_leader (stairwell_id);
