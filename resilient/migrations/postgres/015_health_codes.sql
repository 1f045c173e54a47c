-- 015_health_codes for PostgreSQL: the same schema step as ../015_health_codes.sql.

CREATE SEQUENCE health_code_seq;
CREATE TABLE health_code(code_id BIGINT DEFAULT(nextval('health_code_seq')) PRIMARY KEY, resident_id INTEGER NOT NULL, colour VARCHAR NOT NULL, shown_on DATE NOT NULL, "source" VARCHAR NOT NULL, set_by VARCHAR, set_at TIMESTAMP NOT NULL, CHECK((colour IN ('green', 'yellow', 'red'))), CHECK(("source" IN ('sheet', 'hand'))));
ALTER TABLE fever_alert ADD COLUMN code_id BIGINT;
ALTER TABLE fever_alert ALTER COLUMN check_id DROP NOT NULL;
CREATE UNIQUE INDEX fever_alert_code ON fever_alert(code_id);
CREATE INDEX health_code_resident ON health_code(resident_id, shown_on);

CREATE FUNCTION current_health_code()
    RETURNS TABLE (code_id bigint, resident_id integer, colour varchar, shown_on date, source varchar,
                   set_by varchar, set_at timestamp)
    LANGUAGE sql STABLE AS $$
    SELECT DISTINCT ON (resident_id) code_id, resident_id, colour, shown_on, source, set_by, set_at
    FROM health_code
    ORDER BY resident_id, shown_on DESC, set_at DESC, code_id DESC $$;

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX health_code_resident_id_ref ON health_code (resident_id);

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX fever_alert_code_id_ref ON fever_alert (code_id);
