-- Shortlist schema, part 11: references (PRODUCT §2.5). HR asks for referees once a candidate
-- reaches the offer; the applicant names them in the portal, consenting to each being
-- contacted. Referees are data subjects too: their rows go with the application when it is
-- purged. PostgreSQL flavour; migrations/sqlite holds the same schema.

-- When HR asked the applicant for referees, and how many.
ALTER TABLE applications ADD COLUMN references_requested_at TIMESTAMPTZ;
ALTER TABLE applications ADD COLUMN references_wanted INTEGER CHECK (references_wanted BETWEEN 1 AND 4);

-- One referee an applicant named. `consent_sha256` is the SHA-256 of the exact words the
-- applicant agreed to (contacting this referee about this application), `consent_version` their
-- version. The request to the referee and the reference itself are added by later work.
CREATE TABLE referees (
    id              UUID PRIMARY KEY,
    application_id  UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    name            TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    email           TEXT NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    relationship    TEXT NOT NULL CHECK (char_length(relationship) BETWEEN 1 AND 200),
    organisation    TEXT CHECK (char_length(organisation) <= 200),
    consent_version INTEGER NOT NULL,
    consent_sha256  BYTEA NOT NULL,
    consent_at      TIMESTAMPTZ NOT NULL,
    added_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX referees_application ON referees (application_id);

DROP VIEW live_applications;
CREATE VIEW live_applications AS SELECT * FROM applications WHERE purging_at IS NULL;
