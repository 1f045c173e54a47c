-- 006_daily_measures for PostgreSQL: the same schema step as ../006_daily_measures.sql.

CREATE SEQUENCE arrival_seq;
CREATE SEQUENCE fever_alert_seq;
CREATE SEQUENCE health_check_seq;
CREATE SEQUENCE measure_event_seq;
CREATE TABLE arrival(arrival_id INTEGER DEFAULT(nextval('arrival_seq')) PRIMARY KEY, resident_id INTEGER NOT NULL, arrival_date DATE NOT NULL, from_place VARCHAR, origin VARCHAR NOT NULL, risk VARCHAR NOT NULL, temperature DECIMAL(4,1), transport VARCHAR, newcomer BOOLEAN DEFAULT(CAST('f' AS BOOLEAN)) NOT NULL, suggested_category VARCHAR NOT NULL, suggested_days INTEGER NOT NULL, category VARCHAR NOT NULL, "days" INTEGER NOT NULL, reason VARCHAR, measure_id INTEGER NOT NULL, recorded_by VARCHAR, recorded_at TIMESTAMP NOT NULL, CHECK((origin IN ('key_area', 'other_area', 'abroad', 'close_contact'))), CHECK((risk IN ('high', 'low'))));
CREATE TABLE arrival_rule(community_id INTEGER, origin VARCHAR, risk VARCHAR, category VARCHAR NOT NULL, "days" INTEGER NOT NULL, CHECK((origin IN ('key_area', 'other_area', 'abroad', 'close_contact'))), CHECK((risk IN ('high', 'low'))), CHECK((category IN ('centralised_quarantine', 'medical_observation', 'home_isolation', 'home_observation', 'health_monitoring'))), CHECK(("days" BETWEEN 1 AND 60)), PRIMARY KEY(community_id, origin, risk));
CREATE TABLE fever_alert(alert_id BIGINT DEFAULT(nextval('fever_alert_seq')) PRIMARY KEY, check_id BIGINT NOT NULL UNIQUE, resident_id INTEGER NOT NULL, raised_at TIMESTAMP NOT NULL, handled_at TIMESTAMP, handled_by VARCHAR, note VARCHAR);
CREATE TABLE health_check(check_id BIGINT DEFAULT(nextval('health_check_seq')) PRIMARY KEY, measure_id INTEGER NOT NULL, resident_id INTEGER NOT NULL, "day" DATE NOT NULL, period VARCHAR NOT NULL, temperature DECIMAL(4,1) NOT NULL, symptoms VARCHAR[] NOT NULL, note VARCHAR, recorded_by VARCHAR, recorded_at TIMESTAMP NOT NULL, CHECK((period IN ('am', 'pm'))), CHECK((temperature BETWEEN 30 AND 45)), UNIQUE(resident_id, "day", period));
CREATE TABLE measure_event(event_id BIGINT DEFAULT(nextval('measure_event_seq')) PRIMARY KEY, resident_id INTEGER NOT NULL, measure_id INTEGER, kind VARCHAR NOT NULL, event_at TIMESTAMP NOT NULL, by_user VARCHAR, reason VARCHAR, detail VARCHAR, CHECK((kind IN ('arrival', 'created', 'extended', 'released', 'transferred', 'reassigned', 'team_assigned', 'check_corrected'))));
CREATE TABLE measure_follower(measure_id INTEGER PRIMARY KEY, staff_id INTEGER NOT NULL, assigned_at TIMESTAMP NOT NULL, assigned_by VARCHAR);

CREATE FUNCTION measure_place()
    RETURNS TABLE (measure_id integer, resident_id integer, category varchar, origin varchar, start_date date,
                   planned_end date, released_at timestamp, created_at timestamp, household_id integer,
                   name varchar, phone varchar, building_id integer, building varchar, unit_no integer,
                   floor integer, room varchar, grid_id integer, community_id integer, compound varchar,
                   grid_worker_id integer, handed_to integer, follower_id integer)
    LANGUAGE sql STABLE AS $$
    SELECT m.measure_id, m.resident_id, m.category, m.origin, m.start_date, m.planned_end, m.released_at,
           m.created_at, r.household_id, r.name, r.phone, s.building_id, b.name AS building, s.unit_no, h.floor,
           h.room, b.grid_id, c.community_id, c.name AS compound, g.grid_worker_id, f.staff_id AS handed_to,
           coalesce(f.staff_id, g.grid_worker_id) AS follower_id
    FROM control_measure m
    JOIN resident r ON r.resident_id = m.resident_id
    JOIN household h ON h.household_id = r.household_id
    JOIN stairwell s ON s.stairwell_id = h.stairwell_id
    JOIN building b ON b.building_id = s.building_id
    JOIN compound c ON c.compound_id = b.compound_id
    LEFT JOIN grid_cell g ON g.grid_id = b.grid_id
    LEFT JOIN measure_follower f ON f.measure_id = m.measure_id $$;

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX arrival_rule_community_id_ref ON arrival_rule (community_id);
CREATE INDEX arrival_resident_id_ref ON arrival (resident_id);
CREATE INDEX arrival_measure_id_ref ON arrival (measure_id);
CREATE INDEX health_check_measure_id_ref ON health_check (measure_id);
CREATE INDEX health_check_resident_id_ref ON health_check (resident_id);
CREATE INDEX fever_alert_check_id_ref ON fever_alert (check_id);
CREATE INDEX fever_alert_resident_id_ref ON fever_alert (resident_id);
CREATE INDEX measure_follower_staff_id_ref ON measure_follower (staff_id);
CREATE INDEX measure_event_resident_id_ref ON measure_event (resident_id);
CREATE INDEX measure_event_measure_id_ref ON measure_event (measure_id);
