-- 007_shared_counts for PostgreSQL: the same schema step as ../007_shared_counts.sql.

-- active_by_category reads query_table(people), a table named at the call: PostgreSQL has no such thing, so
-- the queries that use it have variants in queries/postgres/ instead of a function here.
CREATE FUNCTION team_flats(day date, community_ids integer[], grid_ids integer[], household_ids integer[])
    RETURNS TABLE (team_id integer, household_id integer, isolated_people bigint)
    LANGUAGE sql STABLE AS $$
    WITH isolated AS (
        SELECT r.household_id, count(DISTINCT r.resident_id) AS people
        FROM resident r JOIN control_measure m ON m.resident_id = r.resident_id
        WHERE m.category = 'home_isolation' AND active_on(m.start_date, m.released_at, day)
        GROUP BY r.household_id
    ), current AS (
        SELECT DISTINCT th.team_id, th.household_id FROM team_household th
        WHERE th.start_date <= day AND (th.end_date IS NULL OR th.end_date >= day)
          AND th.household_id IN (SELECT sh.household_id FROM scoped_household(community_ids, grid_ids, household_ids) sh)
    )
    SELECT c.team_id, c.household_id, coalesce(i.people, 0)
    FROM current c
    LEFT JOIN isolated i ON i.household_id = c.household_id $$;
