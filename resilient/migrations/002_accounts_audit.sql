-- Who may see what (issue 3): accounts with roles, volunteers' households, and the audit log.

CREATE TABLE app_user (
    user_id INTEGER PRIMARY KEY,
    username VARCHAR NOT NULL UNIQUE,
    display_name VARCHAR NOT NULL,
    password_hash VARCHAR,                    -- argon2id; NULL for single-sign-on accounts
    email VARCHAR,                            -- matched against the identity provider's email for SSO
    role VARCHAR NOT NULL CHECK (role IN (
        'street_admin', 'community_leader', 'grid_worker', 'doctor', 'volunteer', 'viewer')),
    community_id INTEGER,                     -- ref: community; NULL only for street administrators and viewers
    staff_id INTEGER,                         -- ref: staff; grid workers (their grid cells) and doctors
    volunteer_id INTEGER,                     -- ref: volunteer; volunteers (their households)
    active BOOLEAN NOT NULL DEFAULT TRUE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    password_changed_at TIMESTAMP
);

-- Households a volunteer looks after. Issue 6 (coverage) adds contacts and the solver on top.
CREATE TABLE volunteer_assignment (
    volunteer_id INTEGER NOT NULL,            -- ref: volunteer
    household_id INTEGER NOT NULL,            -- ref: household
    start_date DATE NOT NULL,
    end_date DATE,
    PRIMARY KEY (volunteer_id, household_id, start_date)
);

CREATE SEQUENCE audit_log_seq;

-- Append-only: the application has no code path that updates or deletes a row here.
CREATE TABLE audit_log (
    audit_id BIGINT PRIMARY KEY DEFAULT nextval('audit_log_seq'),
    logged_at TIMESTAMP NOT NULL,
    username VARCHAR,                         -- NULL when nobody was signed in (a failed login names the attempt)
    role VARCHAR,
    action VARCHAR NOT NULL,                  -- login, login_failed, logout, reveal, export, import, write, ...
    target VARCHAR,                           -- what was touched: 'resident:123', 'app_user:alice', a file name
    old_value VARCHAR,                        -- JSON
    new_value VARCHAR,                        -- JSON
    detail VARCHAR
);

-- Households a viewer may see. Every read of people starts here, so a role's limits apply to all reads at once.
CREATE MACRO scoped_household(community_ids, grid_ids, household_ids) AS TABLE
    SELECT h.household_id, h.stairwell_id, h.floor, h.room, s.unit_no, s.building_id, b.compound_id,
           b.grid_id, c.community_id
    FROM household h
    JOIN stairwell s USING (stairwell_id)
    JOIN building b USING (building_id)
    JOIN compound c USING (compound_id)
    WHERE allowed(community_ids, c.community_id) AND allowed(grid_ids, b.grid_id)
      AND allowed(household_ids, h.household_id);

-- Buildings a viewer may see, now also narrowed to a volunteer's households.
CREATE OR REPLACE MACRO scoped_building(community_ids, grid_ids, household_ids) AS TABLE
    SELECT b.*, c.community_id, c.name AS compound_name
    FROM building b
    JOIN compound c USING (compound_id)
    WHERE allowed(community_ids, c.community_id) AND allowed(grid_ids, b.grid_id)
      AND (household_ids IS NULL OR b.building_id IN (
          SELECT s.building_id FROM stairwell s JOIN household h USING (stairwell_id)
          WHERE list_contains(household_ids, h.household_id)));

-- Whether a viewer whose personal rule is `personal` may see this resident one by one on `day`.
CREATE MACRO may_see_person(personal, rid, day) AS (
    personal = 'all' OR (personal = 'under_measure' AND EXISTS (
        SELECT 1 FROM control_measure m WHERE m.resident_id = rid AND active_on(m.start_date, m.released_at, day))));
