-- Counts several reads share, written once so the maps, the overview's figures, teams and coverage cannot
-- disagree (issue 12). Macros only: no table changes.

-- Active measures on `day` for each key of `people` (a table or CTE of key, resident_id), in all and by
-- category, counting only `categories` (NULL = all). The one list of categories the counts name.
CREATE MACRO active_by_category(people, day, categories) AS TABLE
    SELECT p.key,
           count(*) AS active,
           count(*) FILTER (WHERE m.category = 'centralised_quarantine') AS centralised_quarantine,
           count(*) FILTER (WHERE m.category = 'medical_observation') AS medical_observation,
           count(*) FILTER (WHERE m.category = 'home_isolation') AS home_isolation,
           count(*) FILTER (WHERE m.category = 'home_observation') AS home_observation,
           count(*) FILTER (WHERE m.category = 'health_monitoring') AS health_monitoring
    FROM query_table(people) p
    JOIN control_measure m ON m.resident_id = p.resident_id
    WHERE active_on(m.start_date, m.released_at, CAST(day AS DATE)) AND allowed(categories, m.category)
    GROUP BY p.key;

-- The households each 三包一 team looks after on `day` (those in the scope given; NULLs = all), with the
-- home-isolated people in each: what a team's load (against team_standard_load) sums.
CREATE MACRO team_flats(day, community_ids, grid_ids, household_ids) AS TABLE
    WITH isolated AS (
        SELECT r.household_id, count(DISTINCT r.resident_id) AS people
        FROM resident r JOIN control_measure m ON m.resident_id = r.resident_id
        WHERE m.category = 'home_isolation' AND active_on(m.start_date, m.released_at, CAST(day AS DATE))
        GROUP BY r.household_id
    ), current AS (
        SELECT DISTINCT th.team_id, th.household_id FROM team_household th
        WHERE th.start_date <= day AND (th.end_date IS NULL OR th.end_date >= day)
          AND th.household_id IN (SELECT household_id FROM scoped_household(community_ids, grid_ids, household_ids))
    )
    SELECT c.team_id, c.household_id, coalesce(i.people, 0) AS isolated_people
    FROM current c
    LEFT JOIN isolated i ON i.household_id = c.household_id;
