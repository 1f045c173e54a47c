-- Support for those who struggle (issue 16, item 5): needs noted per household, the community's referral list,
-- referrals made and follow-up contacts. The kind and the note of a need are shown only to roles with
-- see_support_reason (resilient/core/roles.py); everyone else with the list reads "needs care".
-- No FOREIGN KEY clauses (see migration 001); `-- ref:` comments name the references.
CREATE SEQUENCE support_need_seq;
CREATE SEQUENCE support_referral_seq;
CREATE SEQUENCE support_referral_made_seq;
CREATE SEQUENCE support_follow_up_seq;

-- One household's need for care, open until someone closes it.
CREATE TABLE support_need (
    need_id INTEGER PRIMARY KEY DEFAULT nextval('support_need_seq'),
    household_id INTEGER NOT NULL,            -- ref: household
    kind VARCHAR NOT NULL CHECK (kind IN ('bereaved', 'case_household', 'alone_isolated', 'distress_at_check')),
    note VARCHAR,                             -- plain text, personal data
    noted_by VARCHAR NOT NULL,
    noted_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    closed_by VARCHAR
);

-- Where the community sends people: a hotline, a doctor, a counsellor.
CREATE TABLE support_referral (
    referral_id INTEGER PRIMARY KEY DEFAULT nextval('support_referral_seq'),
    community_id INTEGER NOT NULL,            -- ref: community
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('hotline', 'doctor', 'counsellor')),
    phone VARCHAR,
    hours VARCHAR,
    note VARCHAR,
    active BOOLEAN NOT NULL DEFAULT TRUE
);

-- A need referred to one of the list.
CREATE TABLE support_referral_made (
    made_id INTEGER PRIMARY KEY DEFAULT nextval('support_referral_made_seq'),
    need_id INTEGER NOT NULL,                 -- ref: support_need
    referral_id INTEGER NOT NULL,             -- ref: support_referral
    referred_at TIMESTAMP NOT NULL,
    referred_by VARCHAR NOT NULL
);

-- A visit or call to follow a need up, recorded like a volunteer's contact: who, when, how, how it went.
CREATE TABLE support_follow_up (
    follow_up_id INTEGER PRIMARY KEY DEFAULT nextval('support_follow_up_seq'),
    need_id INTEGER NOT NULL,                 -- ref: support_need
    household_id INTEGER NOT NULL,            -- ref: household
    kind VARCHAR NOT NULL CHECK (kind IN ('visit', 'call')),
    outcome VARCHAR NOT NULL CHECK (outcome IN ('steady', 'still_struggling', 'not_reached')),
    followed_at TIMESTAMP NOT NULL,
    recorded_by VARCHAR NOT NULL
);
CREATE INDEX support_need_household ON support_need (household_id);
CREATE INDEX support_follow_up_need ON support_follow_up (need_id);
