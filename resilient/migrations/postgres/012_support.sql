-- 012_support for PostgreSQL: the same schema step as ../012_support.sql.

CREATE SEQUENCE support_follow_up_seq;
CREATE SEQUENCE support_need_seq;
CREATE SEQUENCE support_referral_made_seq;
CREATE SEQUENCE support_referral_seq;
CREATE TABLE support_follow_up(follow_up_id INTEGER DEFAULT(nextval('support_follow_up_seq')) PRIMARY KEY, need_id INTEGER NOT NULL, household_id INTEGER NOT NULL, kind VARCHAR NOT NULL, outcome VARCHAR NOT NULL, followed_at TIMESTAMP NOT NULL, recorded_by VARCHAR NOT NULL, CHECK((kind IN ('visit', 'call'))), CHECK((outcome IN ('steady', 'still_struggling', 'not_reached'))));
CREATE TABLE support_need(need_id INTEGER DEFAULT(nextval('support_need_seq')) PRIMARY KEY, household_id INTEGER NOT NULL, kind VARCHAR NOT NULL, note VARCHAR, noted_by VARCHAR NOT NULL, noted_at TIMESTAMP NOT NULL, closed_at TIMESTAMP, closed_by VARCHAR, CHECK((kind IN ('bereaved', 'case_household', 'alone_isolated', 'distress_at_check'))));
CREATE TABLE support_referral(referral_id INTEGER DEFAULT(nextval('support_referral_seq')) PRIMARY KEY, community_id INTEGER NOT NULL, "name" VARCHAR NOT NULL, kind VARCHAR NOT NULL, phone VARCHAR, "hours" VARCHAR, note VARCHAR, active BOOLEAN DEFAULT(CAST('t' AS BOOLEAN)) NOT NULL, CHECK((kind IN ('hotline', 'doctor', 'counsellor'))));
CREATE TABLE support_referral_made(made_id INTEGER DEFAULT(nextval('support_referral_made_seq')) PRIMARY KEY, need_id INTEGER NOT NULL, referral_id INTEGER NOT NULL, referred_at TIMESTAMP NOT NULL, referred_by VARCHAR NOT NULL);
CREATE INDEX support_follow_up_need ON support_follow_up(need_id);
CREATE INDEX support_need_household ON support_need(household_id);

-- PostgreSQL joins and looks up by reference columns: an index on each (`-- ref:` in the DuckDB twin; DuckDB scans without one).
CREATE INDEX support_need_household_id_ref ON support_need (household_id);
CREATE INDEX support_referral_community_id_ref ON support_referral (community_id);
CREATE INDEX support_referral_made_need_id_ref ON support_referral_made (need_id);
CREATE INDEX support_referral_made_referral_id_ref ON support_referral_made (referral_id);
CREATE INDEX support_follow_up_need_id_ref ON support_follow_up (need_id);
CREATE INDEX support_follow_up_household_id_ref ON support_follow_up (household_id);
