-- 010_plan_proposals for PostgreSQL: the same schema step as ../010_plan_proposals.sql.

CREATE SEQUENCE plan_proposal_seq;
CREATE TABLE plan_proposal(proposal_id INTEGER DEFAULT(nextval('plan_proposal_seq')) PRIMARY KEY, round_id INTEGER NOT NULL, stairwell_id INTEGER NOT NULL, site_id INTEGER NOT NULL, earliest_start TIMESTAMP, note VARCHAR, status VARCHAR DEFAULT('pending') NOT NULL, proposed_by VARCHAR NOT NULL, proposed_at TIMESTAMP NOT NULL, decided_by VARCHAR, decided_at TIMESTAMP, reason VARCHAR, version_id INTEGER, CHECK((status IN ('pending', 'accepted', 'declined'))));

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX plan_proposal_round_id_ref ON plan_proposal (round_id);
CREATE INDEX plan_proposal_stairwell_id_ref ON plan_proposal (stairwell_id);
CREATE INDEX plan_proposal_site_id_ref ON plan_proposal (site_id);
CREATE INDEX plan_proposal_version_id_ref ON plan_proposal (version_id);
