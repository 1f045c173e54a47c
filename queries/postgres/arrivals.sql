-- PostgreSQL variants of queries/arrivals.sql.

-- name: resident_find
-- The building's number (its first digits, NULL when none or too long for an integer) as DuckDB's
-- try_cast(regexp_extract(...)) reads it.
-- Residents the viewer may see one by one, found by flat ($building/$unit_no/$room, the compound's name when
-- given), by phone digits or room number ($digits), or by part of the name ($name_part); at most $limit people,
-- each with every measure not yet released (one row per measure, or one row without).
WITH found AS (
    SELECT r.resident_id, r.household_id, h.community_id, r.name, r.phone, c.name AS compound, b.name AS building,
           h.unit_no, h.floor, h.room
    FROM resident r
    JOIN scoped_household($community_ids, $grid_ids, $household_ids) h USING (household_id)
    JOIN building b ON b.building_id = h.building_id
    JOIN compound c ON c.compound_id = h.compound_id
    WHERE may_see_person($personal, r.resident_id, $today)
      AND ($building IS NULL OR (b.name = $building AND h.unit_no = $unit_no AND h.room = $room
                                 AND c.name LIKE '%' || $compound || '%'))
      AND ($digits IS NULL OR r.phone LIKE '%' || $digits OR h.room = $digits)
      AND ($name_part IS NULL OR r.name LIKE '%' || $name_part || '%')
    ORDER BY
        CASE WHEN length(substring(b.name FROM '[0-9]+')) <= 9 THEN CAST(substring(b.name FROM '[0-9]+') AS INTEGER) END,
        b.name, h.unit_no, h.floor, h.room, r.resident_id
    LIMIT $limit
)
SELECT f.resident_id, f.household_id, f.community_id, f.name, f.phone, f.compound, f.building, f.unit_no,
       f.room, m.measure_id, m.category, m.start_date, m.planned_end
FROM found f
LEFT JOIN control_measure m ON m.resident_id = f.resident_id AND m.released_at IS NULL
ORDER BY
    CASE WHEN length(substring(f.building FROM '[0-9]+')) <= 9 THEN CAST(substring(f.building FROM '[0-9]+') AS INTEGER) END,
    f.building, f.unit_no, f.floor, f.room, f.resident_id, m.planned_end;
