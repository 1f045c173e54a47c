-- Volunteer coverage of vulnerable households (issue 6): contacts made and 三包一 teams for home isolation.
-- No FOREIGN KEY clauses (see migration 001); `-- ref:` comments name the references.
CREATE SEQUENCE contact_seq;

-- A visit, call or delivery a volunteer made to a household they look after.
CREATE TABLE contact (
    contact_id BIGINT PRIMARY KEY DEFAULT nextval('contact_seq'),
    volunteer_id INTEGER NOT NULL,            -- ref: volunteer
    household_id INTEGER NOT NULL,            -- ref: household
    kind VARCHAR NOT NULL CHECK (kind IN ('visit', 'call', 'delivery')),
    contacted_at TIMESTAMP NOT NULL,
    recorded_by VARCHAR
);

-- A 三包一 team: one grid worker, one community doctor and one police officer for isolated households.
CREATE TABLE team (
    team_id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL,            -- ref: community
    grid_worker_id INTEGER,                   -- ref: staff
    doctor_id INTEGER,                        -- ref: staff
    police_id INTEGER                         -- ref: staff
);

-- Households a team looks after, from start_date to end_date (NULL: still).
CREATE TABLE team_household (
    team_id INTEGER NOT NULL,                 -- ref: team
    household_id INTEGER NOT NULL,            -- ref: household
    start_date DATE NOT NULL,
    end_date DATE,
    PRIMARY KEY (team_id, household_id, start_date)
);
