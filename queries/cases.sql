-- name: cases_buildings
-- The community's buildings in the viewer's scope a case can be matched to: names, compound, outline or point
-- as WKT (NULL when not yet on the map).
SELECT b.building_id, b.name, b.compound_id, b.compound_name AS compound, ST_AsText(b.geom) AS wkt
FROM scoped_building($community_ids, $grid_ids, $household_ids) b
WHERE b.community_id = $community_id
ORDER BY b.building_id;

-- name: cases_existing_keys
-- Cases already stored under these case numbers (any community: the key is case number and date).
SELECT case_no, case_date FROM external_case WHERE list_contains($case_nos, case_no);

-- name: cases_insert_batch
-- One imported file.
INSERT INTO case_batch (community_id, file_name, coords, rows_read, rows_new, imported_by, imported_at)
VALUES ($community_id, $file_name, $coords, $rows_read, $rows_new, $imported_by, $imported_at)
RETURNING batch_id;

-- name: cases_insert
-- One case of a file, with its match.
INSERT INTO external_case (batch_id, community_id, case_date, case_no, kind, sex, age, city, district, residence,
                           lon_given, lat_given, lon, lat, building_id, matched_by, distance_m, unmatched_reason)
VALUES ($batch_id, $community_id, $case_date, $case_no, $kind, $sex, $age, $city, $district, $residence,
        $lon_given, $lat_given, $lon, $lat, $building_id, $matched_by, $distance_m, $unmatched_reason)
RETURNING case_id;

-- name: cases_list
-- Cases in the viewer's scope reported by $until (NULL = all), newest first, with the matched building and where
-- to draw them: the case's own point, else its building's centre. Unmatched cases only for whole-community views.
SELECT e.case_id, e.case_date, e.case_no, e.kind, e.sex, e.age, e.city, e.district, e.residence,
       e.lon_given, e.lat_given, e.building_id, b.name AS building, c.name AS compound, e.matched_by,
       e.distance_m, e.unmatched_reason, e.community_id,
       coalesce(e.lon, ST_X(ST_Centroid(b.geom))) AS lon, coalesce(e.lat, ST_Y(ST_Centroid(b.geom))) AS lat
FROM external_case e
LEFT JOIN building b ON b.building_id = e.building_id
LEFT JOIN compound c ON c.compound_id = b.compound_id
WHERE allowed($community_ids, e.community_id)
  AND ($until IS NULL OR e.case_date <= $until)
  AND (e.building_id IN (SELECT building_id FROM scoped_building($community_ids, $grid_ids, $household_ids))
       OR (e.building_id IS NULL AND $grid_ids IS NULL AND $household_ids IS NULL))
ORDER BY e.case_date DESC, e.case_no;

-- name: cases_area_buildings
-- Outlines (or points) of chosen buildings of a community in the viewer's scope, for a buffer around them.
SELECT b.building_id, ST_AsText(b.geom) AS wkt
FROM scoped_building($community_ids, $grid_ids, $household_ids) b
WHERE b.community_id = $community_id AND list_contains($building_ids, b.building_id) AND b.geom IS NOT NULL;

-- name: cases_community_centre
-- The middle of a community's located buildings in the viewer's scope: where a drawn area must lie near.
SELECT ST_X(ST_Centroid(ST_Collect(list(b.geom)))), ST_Y(ST_Centroid(ST_Collect(list(b.geom))))
FROM scoped_building($community_ids, $grid_ids, $household_ids) b
WHERE b.community_id = $community_id AND b.geom IS NOT NULL;

-- name: cases_insert_area
-- A risk area, drawn or buffered (the geometry as WKT, WGS-84).
INSERT INTO risk_area (community_id, name, level, shape, buffer_m, geom, start_date, end_date, source, created_by,
                       created_at)
VALUES ($community_id, $area_name, $level, $shape, $buffer_m, ST_GeomFromText($wkt), $start_date, NULL, $source,
        $created_by, $created_at)
RETURNING area_id;

-- name: cases_insert_area_building
-- One building a buffer area was drawn around.
INSERT INTO risk_area_building (area_id, building_id) VALUES ($area_id, $building_id);

-- name: cases_areas
-- Risk areas of the viewer's communities, in force on $day (NULL = all, ended ones too), with the buildings of
-- the viewer's scope inside each and the outline as GeoJSON.
SELECT a.area_id, a.community_id, a.name, a.level, a.shape, a.buffer_m, a.start_date, a.end_date, a.source,
       a.created_by, ST_AsGeoJSON(a.geom) AS geojson,
       (SELECT count(*) FROM scoped_building($community_ids, $grid_ids, $household_ids) b
        WHERE b.geom IS NOT NULL AND ST_Intersects(b.geom, a.geom)) AS buildings
FROM risk_area a
WHERE allowed($community_ids, a.community_id)
  AND ($day IS NULL OR (a.start_date <= $day AND (a.end_date IS NULL OR a.end_date >= $day)))
ORDER BY a.end_date IS NULL DESC, a.start_date DESC, a.area_id;

-- name: cases_area_buildings_inside
-- The buildings of the viewer's scope inside one risk area.
SELECT b.building_id, b.name, b.compound_name AS compound
FROM risk_area a
JOIN scoped_building($community_ids, $grid_ids, $household_ids) b
    ON b.geom IS NOT NULL AND ST_Intersects(b.geom, a.geom)
WHERE a.area_id = $area_id AND allowed($community_ids, a.community_id)
ORDER BY b.building_id;

-- name: cases_end_area
-- A risk area lifted: its last day in force, and who lifted it (areas of the actor's communities only).
UPDATE risk_area SET end_date = $end_date, ended_by = $ended_by
WHERE area_id = $area_id AND allowed($community_ids, community_id) AND end_date IS NULL
RETURNING area_id, name, start_date;

-- name: cases_kpis
-- Cases matched to a building of the viewer's scope (all, and reported on $today), contacts linked to a resident
-- of the scope, and those of them placed under a measure.
WITH matched AS (
    SELECT e.case_id, e.case_date FROM external_case e
    WHERE e.building_id IN (SELECT building_id FROM scoped_building($community_ids, $grid_ids, $household_ids))
      AND e.case_date <= $today
), linked AS (
    SELECT k.contact_id, k.measure_id FROM close_contact k
    JOIN resident r ON r.resident_id = k.resident_id
    WHERE r.household_id IN (SELECT household_id FROM scoped_household($community_ids, $grid_ids, $household_ids))
)
SELECT (SELECT count(*) FROM matched) AS cases_matched,
       (SELECT count(*) FROM matched WHERE case_date = $today) AS cases_new,
       (SELECT count(*) FROM linked) AS contacts_linked,
       (SELECT count(*) FROM linked WHERE measure_id IS NOT NULL) AS contacts_placed;

-- name: cases_repoint_cases
-- A merged-away building's cases name the building kept (the merge checked both are the actor's).
UPDATE external_case SET building_id = $target_id WHERE building_id = $source_id;

-- name: cases_repoint_risk_buildings
-- A merged-away building's risk areas name the building kept.
UPDATE risk_area_building SET building_id = $target_id WHERE building_id = $source_id;

-- name: tracing_case
-- One case the viewer may see (its community in scope).
SELECT e.case_id, e.case_no, e.case_date, e.kind, e.community_id, e.residence
FROM external_case e
WHERE e.case_id = $case_id AND allowed($community_ids, e.community_id);

-- name: tracing_contacts
-- A case's contacts, degree 1 then their degree-2 contacts, with the resident each is linked to (flat, name and
-- phone from the register when the viewer may see them) and the measure placed.
SELECT k.contact_id, k.case_id, k.degree, k.via_contact_id, k.resident_id, k.linked_by, k.note, k.last_contact,
       k.measure_id, r.household_id, h.building_id, b.name AS building, h.unit_no, h.room,
       CASE WHEN k.resident_id IS NULL THEN k.person_name
            WHEN h.household_id IS NOT NULL AND may_see_person($personal, r.resident_id, $today) THEN r.name END AS name,
       CASE WHEN k.resident_id IS NULL THEN k.phone
            WHEN h.household_id IS NOT NULL AND may_see_person($personal, r.resident_id, $today) THEN r.phone END
           AS phone
FROM close_contact k
JOIN external_case e ON e.case_id = k.case_id AND allowed($community_ids, e.community_id)
LEFT JOIN resident r ON r.resident_id = k.resident_id
LEFT JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = r.household_id
LEFT JOIN building b ON b.building_id = h.building_id
WHERE k.case_id = $case_id
ORDER BY coalesce(k.via_contact_id, k.contact_id), k.degree, k.contact_id;

-- name: tracing_resident_by_hash
-- Residents of the viewer's scope with one of these ID hashes (the number under each salt in use).
SELECT r.resident_id, r.household_id
FROM resident r
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h USING (household_id)
WHERE list_contains($id_hashes, r.id_hash);

-- name: tracing_resident_by_flat
-- Residents of the viewer's scope by name in one flat (building name key matched by the caller's list).
SELECT r.resident_id, r.household_id
FROM resident r
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h USING (household_id)
JOIN building b ON b.building_id = h.building_id
WHERE list_contains($building_ids, h.building_id) AND h.unit_no = $unit_no AND h.room = $room
  AND r.name = $person_name;

-- name: tracing_flat_buildings
-- Buildings of the viewer's scope with their compound: where a contact's flat is looked up by its name.
SELECT b.building_id, b.name, b.compound_name AS compound
FROM scoped_building($community_ids, $grid_ids, $household_ids) b
WHERE allowed($community_ids, b.community_id);

-- name: tracing_insert_contact
-- One contact of a case.
INSERT INTO close_contact (case_id, degree, via_contact_id, resident_id, linked_by, person_name, phone, note,
                           last_contact, measure_id, created_by, created_at)
VALUES ($case_id, $degree, $via_contact_id, $resident_id, $linked_by, $person_name, $phone, $note, $last_contact,
        NULL, $created_by, $created_at)
RETURNING contact_id;

-- name: tracing_household_members
-- Everyone in the households of a case's linked contacts (in the viewer's scope), with the contact that brings
-- each household in (the lowest degree) and any measure of theirs not yet released.
WITH contact_home AS (
    SELECT household_id, degree, contact_id FROM (
        SELECT r.household_id, k.degree, k.contact_id,
               row_number() OVER (PARTITION BY r.household_id ORDER BY k.degree, k.contact_id) AS rn
        FROM close_contact k JOIN resident r ON r.resident_id = k.resident_id
        WHERE k.case_id = $case_id) ranked
    WHERE rn = 1
)
SELECT m.resident_id, m.name, m.household_id, ch.contact_id, ch.degree, h.building_id, b.name AS building,
       h.unit_no, h.room,
       (SELECT x.measure_id FROM control_measure x WHERE x.resident_id = m.resident_id AND x.released_at IS NULL
        ORDER BY x.planned_end DESC LIMIT 1) AS open_measure_id
FROM contact_home ch
JOIN scoped_household($community_ids, $grid_ids, $household_ids) h ON h.household_id = ch.household_id
JOIN resident m ON m.household_id = ch.household_id
JOIN building b ON b.building_id = h.building_id
ORDER BY ch.degree, h.building_id, h.room, m.resident_id;

-- name: tracing_set_measure
-- The measure the arrivals path opened for a linked contact, kept on the contact.
UPDATE close_contact SET measure_id = $measure_id WHERE contact_id = $contact_id AND resident_id = $resident_id;

-- name: tracing_linked_residents
-- The residents a case's contacts are linked to, with the contact (the first when linked twice).
SELECT resident_id, min(contact_id) FROM close_contact
WHERE case_id = $case_id AND resident_id IS NOT NULL
GROUP BY resident_id;
