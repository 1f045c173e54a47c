-- name: footprint_register_buildings
-- Buildings of one community the importer may see, to match footprints against; has_geom: its outline is drawn
-- (a point only is not; wkb: its outline or point, to measure how far a footprint of the same name is).
SELECT b.building_id, b.compound_id, b.compound_name, b.grid_id, b.name, b.floors,
       coalesce(ST_Dimension(b.geom) = 2, false) AS has_geom,
       ST_AsWKB(b.geom) AS wkb
FROM scoped_building($community_ids, $grid_ids, $household_ids) b
WHERE b.community_id = $community_id
ORDER BY b.compound_id, b.building_id;

-- name: footprint_community_locations
-- Where the community's buildings already are (outlines or points), whoever's grid cell they are in: only places
-- are read, to tell a footprint near them from one in another city.
SELECT b.building_id, ST_AsWKB(b.geom) AS wkb
FROM building b
JOIN compound c USING (compound_id)
WHERE c.community_id = $community_id AND allowed($community_ids, c.community_id) AND b.geom IS NOT NULL
ORDER BY b.building_id;

-- name: footprint_community_compounds
-- The community's compounds, to find the ones a footprint file names (and create those it lacks).
SELECT compound_id, name
FROM compound
WHERE community_id = $community_id AND allowed($community_ids, community_id)
ORDER BY compound_id;

-- name: footprint_insert_compounds
-- Compounds a footprint file names that the community lacks, from the registered frame footprint_new_compounds
-- (position, name), numbered after the last compound. Only for an importer who sees whole communities.
INSERT INTO compound (compound_id, community_id, name)
SELECT (SELECT coalesce(max(compound_id), 0) FROM compound) + row_number() OVER (ORDER BY f.position),
       $community_id, f.name
FROM footprint_new_compounds f
WHERE allowed($community_ids, $community_id) AND $grid_ids IS NULL AND $household_ids IS NULL
RETURNING compound_id, name;

-- name: footprint_compound
-- The compound new buildings are to go into, only if it lies in the import's community and the importer's scope.
SELECT compound_id, name
FROM compound
WHERE compound_id = $compound_id AND community_id = $community_id AND allowed($community_ids, community_id);

-- name: footprint_compound_names
-- Building names already taken in a compound (names are unique per compound), as far as the importer sees it:
-- only those who see whole communities may create buildings, so for them that is every name.
SELECT name FROM scoped_building($community_ids, $grid_ids, $household_ids) WHERE compound_id = $compound_id;

-- name: footprint_set_geometry
-- Footprints (and floors, where the file gives them) from the registered frame footprint_updates
-- (building_id, wkb, floors), only on buildings the importer may see. Returns the ids written.
UPDATE building SET geom = ST_GeomFromWKB(f.wkb), floors = coalesce(f.floors, building.floors)
FROM footprint_updates f
WHERE building.building_id = f.building_id
  AND building.building_id IN (SELECT building_id FROM scoped_building($community_ids, $grid_ids, $household_ids))
RETURNING building.building_id;

-- name: footprint_insert_buildings
-- Buildings the register lacked, from the registered frame footprint_new_buildings (position, compound_id, name,
-- floors, wkb), numbered after the last building. Only for an importer who sees whole communities (no grid or
-- household limit): the new buildings' grid cell is left to assign. Returns the new ids.
INSERT INTO building (building_id, compound_id, grid_id, name, floors, geom)
SELECT (SELECT coalesce(max(building_id), 0) FROM building) + row_number() OVER (ORDER BY f.position),
       f.compound_id, NULL, f.name, f.floors, ST_GeomFromWKB(f.wkb)
FROM footprint_new_buildings f
JOIN compound c USING (compound_id)
WHERE allowed($community_ids, c.community_id) AND $grid_ids IS NULL AND $household_ids IS NULL
RETURNING building_id;

-- name: footprint_reset_stairwells
-- Forget the stairwell shapes of buildings whose footprint changed: they were cut from the old one.
UPDATE stairwell SET geom = NULL
WHERE list_contains($building_ids, building_id)
  AND building_id IN (SELECT building_id FROM scoped_building($community_ids, $grid_ids, $household_ids));
