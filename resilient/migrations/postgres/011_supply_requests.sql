-- 011_supply_requests for PostgreSQL: the same schema step as ../011_supply_requests.sql.

CREATE SEQUENCE supply_request_event_seq;
CREATE SEQUENCE supply_request_seq;
CREATE TABLE supply_request(request_id INTEGER DEFAULT(nextval('supply_request_seq')) PRIMARY KEY, household_id INTEGER NOT NULL, kind VARCHAR NOT NULL, detail VARCHAR, prescription VARCHAR, status VARCHAR DEFAULT('new') NOT NULL, failed_reason VARCHAR, volunteer_id INTEGER, route_stop INTEGER, created_at TIMESTAMP NOT NULL, created_by VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL, delivered_at TIMESTAMP, "source" VARCHAR DEFAULT('hand') NOT NULL, CHECK((kind IN ('food', 'medicine', 'goods', 'parcel', 'other'))), CHECK((status IN ('new', 'assigned', 'on_the_way', 'delivered', 'failed'))), CHECK(("source" IN ('hand', 'sheet'))));
CREATE TABLE supply_request_event(event_id INTEGER DEFAULT(nextval('supply_request_event_seq')) PRIMARY KEY, request_id INTEGER NOT NULL, status VARCHAR NOT NULL, volunteer_id INTEGER, note VARCHAR, event_at TIMESTAMP NOT NULL, by_user VARCHAR NOT NULL);
CREATE INDEX supply_request_event_request ON supply_request_event(request_id);
CREATE INDEX supply_request_household ON supply_request(household_id);

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX supply_request_household_id_ref ON supply_request (household_id);
CREATE INDEX supply_request_volunteer_id_ref ON supply_request (volunteer_id);
CREATE INDEX supply_request_event_request_id_ref ON supply_request_event (request_id);
CREATE INDEX supply_request_event_volunteer_id_ref ON supply_request_event (volunteer_id);
