-- Building leaders (楼长, issue 6): a volunteer who answers for a building, or for one stairwell of it. They call
-- residents down by batch and keep an eye on the building's vulnerable households, so a leader's account also
-- sees the households of what they lead. No FOREIGN KEY clauses (see migration 001).
CREATE TABLE building_leader (
    volunteer_id INTEGER NOT NULL,            -- ref: volunteer
    building_id INTEGER NOT NULL,             -- ref: building
    stairwell_id INTEGER,                     -- ref: stairwell; NULL: the whole building
    start_date DATE NOT NULL,
    end_date DATE
);
