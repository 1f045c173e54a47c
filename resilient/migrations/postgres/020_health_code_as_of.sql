-- 020_health_code_as_of for PostgreSQL: the same schema step as ../020_health_code_as_of.sql.

CREATE FUNCTION health_code_as_of(as_of date)
    RETURNS TABLE (code_id bigint, resident_id integer, colour varchar, shown_on date, source varchar,
                   set_by varchar, set_at timestamp)
    LANGUAGE sql STABLE AS $$
    SELECT DISTINCT ON (resident_id) code_id, resident_id, colour, shown_on, source, set_by, set_at
    FROM health_code
    WHERE shown_on <= as_of
    ORDER BY resident_id, shown_on DESC, set_at DESC, code_id DESC $$;
