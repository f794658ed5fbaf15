-- Shortlist schema, part 11: references (PRODUCT §2.5). HR asks for referees once a candidate
-- reaches the offer; the applicant names them in the portal, consenting to each being
-- contacted. Referees are data subjects too: their rows go with the application when it is
-- purged. SQLite flavour; migrations/postgres holds the same schema.

-- When HR asked the applicant for referees, and how many.
ALTER TABLE applications ADD COLUMN references_requested_at TEXT;
ALTER TABLE applications ADD COLUMN references_wanted INTEGER CHECK (references_wanted BETWEEN 1 AND 4);

-- One referee an applicant named. `consent_sha256` is the SHA-256 of the exact words the
-- applicant agreed to (contacting this referee about this application), `consent_version` their
-- version. The request to the referee and the reference itself are added by later work.
CREATE TABLE referees (
    id              BLOB PRIMARY KEY NOT NULL,
    application_id  BLOB NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email           TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    relationship    TEXT NOT NULL CHECK (length(relationship) BETWEEN 1 AND 200),
    organisation    TEXT CHECK (length(organisation) <= 200),
    consent_version INTEGER NOT NULL,
    consent_sha256  BLOB NOT NULL,
    consent_at      TEXT NOT NULL,
    added_at        TEXT NOT NULL
);
CREATE INDEX referees_application ON referees (application_id);

DROP VIEW live_applications;
CREATE VIEW live_applications AS SELECT * FROM applications WHERE purging_at IS NULL;
