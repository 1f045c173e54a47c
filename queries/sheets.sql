-- name: sheets_households
-- Call-down sheets: everyone of the round's community in the viewer's scope who walks to a site (not excluded,
-- not bedridden, as testing_stairwell_load counts them) with their flat; the name only where the viewer may see
-- that person, and it leaves here only to be masked. Aggregate-only viewers get no rows: a room with its head
-- count points at people. $building_ids narrows to some buildings (NULL: all), as the desk asks for one.
WITH rnd AS (SELECT community_id FROM testing_round WHERE round_id = $round_id)
SELECT h.household_id, h.stairwell_id, h.floor, h.room, r.resident_id,
       CASE WHEN may_see_person($personal, r.resident_id, $today) THEN r.name END AS name
FROM scoped_household($community_ids, $grid_ids, $household_ids) h
JOIN resident r USING (household_id)
WHERE h.community_id = (SELECT community_id FROM rnd) AND $personal <> 'none'
  AND allowed($building_ids, h.building_id) AND NOT r.bedridden AND testing_exclusion(r.resident_id, $today) IS NULL
ORDER BY h.stairwell_id, h.floor, h.room, r.resident_id;
