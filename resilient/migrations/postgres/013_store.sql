-- 013_store for PostgreSQL: the same schema step as ../013_store.sql.

CREATE SEQUENCE store_item_seq;
CREATE SEQUENCE store_movement_seq;
CREATE TABLE store_item(item_id INTEGER DEFAULT(nextval('store_item_seq')) PRIMARY KEY, community_id INTEGER NOT NULL, "name" VARCHAR NOT NULL, unit VARCHAR NOT NULL, kind VARCHAR NOT NULL, daily_use_estimate DOUBLE PRECISION, created_at TIMESTAMP NOT NULL, created_by VARCHAR NOT NULL, moved_at TIMESTAMP, CHECK((kind IN ('masks', 'alcohol', 'disinfectant', 'thermometers', 'test_kits', 'food_packs', 'other'))), CHECK((daily_use_estimate > 0)), UNIQUE(community_id, "name"));
CREATE TABLE store_movement(movement_id INTEGER DEFAULT(nextval('store_movement_seq')) PRIMARY KEY, item_id INTEGER NOT NULL, direction VARCHAR NOT NULL, quantity INTEGER NOT NULL, moved_at TIMESTAMP NOT NULL, by_user VARCHAR NOT NULL, note VARCHAR, household_id INTEGER, team_id INTEGER, volunteer_id INTEGER, site VARCHAR, CHECK((direction IN ('receipt', 'issue'))), CHECK((quantity > 0)), CHECK((((direction = 'receipt') AND (household_id IS NULL) AND (team_id IS NULL) AND (volunteer_id IS NULL) AND (site IS NULL)) OR ((direction = 'issue') AND ((((CAST((household_id IS NOT NULL) AS INTEGER) + CAST((team_id IS NOT NULL) AS INTEGER)) + CAST((volunteer_id IS NOT NULL) AS INTEGER)) + CAST((site IS NOT NULL) AS INTEGER)) = 1)))));
CREATE INDEX store_movement_household ON store_movement(household_id);
CREATE INDEX store_movement_item ON store_movement(item_id);

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX store_item_community_id_ref ON store_item (community_id);
CREATE INDEX store_movement_item_id_ref ON store_movement (item_id);
CREATE INDEX store_movement_household_id_ref ON store_movement (household_id);
CREATE INDEX store_movement_team_id_ref ON store_movement (team_id);
CREATE INDEX store_movement_volunteer_id_ref ON store_movement (volunteer_id);
