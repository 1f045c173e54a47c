-- Firms and shops (企业与商铺, issue 17): the community's registry, reopening filings (复工复产申报), signed safety
-- pledges (承诺书) and rectification notices (整改通知) with their follow-ups. A firm belongs to a community and
-- stands in one of its buildings or at a point of its own (a showroom on the main road); never both.
-- No FOREIGN KEY clauses (see migration 001); `-- ref:` comments name the references.
CREATE SEQUENCE firm_seq;
CREATE SEQUENCE firm_filing_seq;
CREATE SEQUENCE firm_pledge_seq;
CREATE SEQUENCE firm_notice_seq;
CREATE SEQUENCE firm_notice_check_seq;

CREATE TABLE firm (
    firm_id INTEGER PRIMARY KEY DEFAULT nextval('firm_seq'),
    community_id INTEGER NOT NULL,            -- ref: community
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('shop', 'restaurant', 'car_dealership', 'school', 'small_firm', 'other')),
    building_id INTEGER,                      -- ref: building
    lon DOUBLE,
    lat DOUBLE,
    contact_name VARCHAR,                     -- personal data: shown masked
    contact_phone VARCHAR,
    staff INTEGER CHECK (staff >= 0),
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR NOT NULL,
    CHECK ((lon IS NULL) = (lat IS NULL)),
    CHECK (building_id IS NULL OR lon IS NULL)
);

-- A reopening filing: filed, then approved or refused (with why), an approved one reopened. A refused firm may
-- file again; a firm has at most one filing that is filed or approved (resilient/edge/firms.py checks).
CREATE TABLE firm_filing (
    filing_id INTEGER PRIMARY KEY DEFAULT nextval('firm_filing_seq'),
    firm_id INTEGER NOT NULL,                 -- ref: firm
    filed_on DATE NOT NULL,
    status VARCHAR NOT NULL DEFAULT 'filed' CHECK (status IN ('filed', 'approved', 'refused', 'reopened')),
    refused_why VARCHAR,
    decided_on DATE,
    decided_by VARCHAR,
    reopened_on DATE,
    recorded_by VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    CHECK (status <> 'refused' OR refused_why IS NOT NULL),
    CHECK ((status = 'filed') = (decided_on IS NULL))
);

-- A signed safety pledge: when, and who signed for the firm (personal data: shown masked).
CREATE TABLE firm_pledge (
    pledge_id INTEGER PRIMARY KEY DEFAULT nextval('firm_pledge_seq'),
    firm_id INTEGER NOT NULL,                 -- ref: firm
    signed_on DATE NOT NULL,
    signed_by VARCHAR NOT NULL,
    recorded_by VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);

-- A rectification notice: what must be put right by when. Closed by a follow-up that found it fixed; overdue
-- while open past its deadline.
CREATE TABLE firm_notice (
    notice_id INTEGER PRIMARY KEY DEFAULT nextval('firm_notice_seq'),
    firm_id INTEGER NOT NULL,                 -- ref: firm
    issued_on DATE NOT NULL,
    what VARCHAR NOT NULL,
    deadline DATE NOT NULL,
    issued_by VARCHAR NOT NULL,
    closed_on DATE,
    closed_by VARCHAR,
    CHECK (deadline >= issued_on),
    CHECK (closed_on IS NULL OR closed_on >= issued_on)
);

CREATE TABLE firm_notice_check (
    check_id INTEGER PRIMARY KEY DEFAULT nextval('firm_notice_check_seq'),
    notice_id INTEGER NOT NULL,               -- ref: firm_notice
    checked_on DATE NOT NULL,
    fixed BOOLEAN NOT NULL,
    note VARCHAR,
    checked_by VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);

-- Firms a viewer may see: those of their communities standing in a building they may see, or at a point of their
-- community (a grid worker sees the point firms of the whole community: a point has no grid cell). A volunteer's
-- scope (a list of households) sees none.
CREATE MACRO scoped_firm(community_ids, grid_ids, household_ids) AS TABLE
    SELECT f.* FROM firm f
    WHERE allowed(community_ids, f.community_id) AND household_ids IS NULL
      AND (f.building_id IS NULL OR f.building_id IN (
          SELECT building_id FROM scoped_building(community_ids, grid_ids, household_ids)));
