-- 005_building_leaders for PostgreSQL: the same schema step as ../005_building_leaders.sql.

CREATE TABLE building_leader(volunteer_id INTEGER NOT NULL, building_id INTEGER NOT NULL, stairwell_id INTEGER, start_date DATE NOT NULL, end_date DATE);
