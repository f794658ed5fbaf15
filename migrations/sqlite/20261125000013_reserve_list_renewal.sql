-- Shortlist schema, part 13: keeping reserve-list consent honest over time (PRODUCT §2.7). A
-- month before a reserve-list consent lapses the applicant is emailed a link that renews it or
-- withdraws it with one click each. SQLite flavour; migrations/postgres holds the same schema.

-- When the applicant was told this consent lapses soon (once per consent record).
ALTER TABLE consents ADD COLUMN renewal_notice_at TEXT;
-- A renewal closes the old record (withdrawn by email) and opens a new one that names it here,
-- so the history reads "given, renewed, renewed" rather than "given, withdrawn".
ALTER TABLE consents ADD COLUMN renews BLOB;

-- The link in a renewal email. Only the SHA-256 of its secret is stored; it works until the
-- consent it was sent for lapses, and only while that consent is live.
CREATE TABLE consent_links (
    token_digest   BLOB PRIMARY KEY NOT NULL CHECK (length(token_digest) = 32),
    consent_id     BLOB NOT NULL REFERENCES consents (id) ON DELETE CASCADE,
    application_id BLOB NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    created_at     TEXT NOT NULL
);
CREATE INDEX consent_links_application ON consent_links (application_id);
