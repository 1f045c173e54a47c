-- The community's emergency store (应急物资库, issue 16): items, and every receipt and issue of them.
-- No FOREIGN KEY clauses (see migration 001); `-- ref:` comments name the references.
-- Stock is never stored: it is receipts - issues of store_movement, so it cannot drift from the ledger.
CREATE SEQUENCE store_item_seq;
CREATE SEQUENCE store_movement_seq;

-- One kind of thing a community keeps. daily_use_estimate is set by hand for an item never issued yet (the
-- days of cover of a new delivery); once the item has been issued the use measured from the issues counts.
-- moved_at is touched by every movement, so two concurrent issues of one item conflict and one is retried.
CREATE TABLE store_item (
    item_id INTEGER PRIMARY KEY DEFAULT nextval('store_item_seq'),
    community_id INTEGER NOT NULL,            -- ref: community
    name VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,                    -- 只, 瓶, 盒, 份: what one counts it in
    kind VARCHAR NOT NULL CHECK (kind IN ('masks', 'alcohol', 'disinfectant', 'thermometers', 'test_kits',
                                          'food_packs', 'other')),
    daily_use_estimate DOUBLE CHECK (daily_use_estimate > 0),
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR NOT NULL,
    moved_at TIMESTAMP,                       -- the last receipt or issue
    UNIQUE (community_id, name)
);

-- A receipt into the store or an issue out of it. An issue names exactly one receiver: a household, a 三包一
-- team, a volunteer, or a place by name (a sampling site, a gate).
CREATE TABLE store_movement (
    movement_id INTEGER PRIMARY KEY DEFAULT nextval('store_movement_seq'),
    item_id INTEGER NOT NULL,                 -- ref: store_item
    direction VARCHAR NOT NULL CHECK (direction IN ('receipt', 'issue')),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    moved_at TIMESTAMP NOT NULL,
    by_user VARCHAR NOT NULL,
    note VARCHAR,
    household_id INTEGER,                     -- ref: household
    team_id INTEGER,                          -- ref: team
    volunteer_id INTEGER,                     -- ref: volunteer
    site VARCHAR,
    CHECK ((direction = 'receipt' AND household_id IS NULL AND team_id IS NULL AND volunteer_id IS NULL
            AND site IS NULL)
        OR (direction = 'issue' AND (CAST(household_id IS NOT NULL AS INTEGER) + CAST(team_id IS NOT NULL AS INTEGER)
            + CAST(volunteer_id IS NOT NULL AS INTEGER) + CAST(site IS NOT NULL AS INTEGER)) = 1))
);
CREATE INDEX store_movement_item ON store_movement (item_id);
CREATE INDEX store_movement_household ON store_movement (household_id);
