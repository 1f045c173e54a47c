-- Disinfection rounds (issue 17): the public areas of each building (stairwell hall, corridors, lift, letter
-- boxes, bins) and how many rounds a day each gets; a building with a household under home isolation gets
-- more (resilient/edge/disinfection.py decides). A round is done when someone taps the area within its slot of
-- the day; one mark per area, day and slot, so a second tap is said, never counted twice.
CREATE SEQUENCE disinfection_area_seq;
CREATE SEQUENCE disinfection_mark_seq;

-- A building without a lift has no lift row: the bulk creation gives one to buildings of enough floors, and
-- an office removes it (or adds it) per building.
CREATE TABLE disinfection_area (
    area_id INTEGER PRIMARY KEY DEFAULT nextval('disinfection_area_seq'),
    building_id INTEGER NOT NULL,             -- ref: building
    kind VARCHAR NOT NULL CHECK (kind IN ('hall', 'corridor', 'lift', 'letter_boxes', 'bins')),
    per_day INTEGER NOT NULL DEFAULT 1 CHECK (per_day BETWEEN 1 AND 6),   -- rounds a day in ordinary times
    created_by VARCHAR,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (building_id, kind)
);

CREATE TABLE disinfection_mark (
    mark_id BIGINT PRIMARY KEY DEFAULT nextval('disinfection_mark_seq'),
    area_id INTEGER NOT NULL,                 -- ref: disinfection_area
    day DATE NOT NULL,
    slot INTEGER NOT NULL CHECK (slot >= 0),  -- which of the day's rounds (0 = the first)
    done_at TIMESTAMP NOT NULL,
    done_by VARCHAR,
    UNIQUE (area_id, day, slot)
);
