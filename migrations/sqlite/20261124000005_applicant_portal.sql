-- Shortlist schema, part 5: the applicant portal. SQLite flavour; migrations/postgres holds the
-- same schema.

-- A portal link: a single-purpose secret sent by email that opens the portal for one email
-- address (every application sent from it). Only the SHA-256 of the secret is stored. A link
-- may be used again and again until it expires (7 days) or is revoked (signing out, or the
-- address being changed); a new one can be asked for at any time.
CREATE TABLE portal_links (
    token_digest BLOB PRIMARY KEY NOT NULL CHECK (length(token_digest) = 32),
    email        TEXT NOT NULL CHECK (length(email) <= 254),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT
);
-- Revoking every link of an address (change of address), and the purge deleting them.
CREATE INDEX portal_links_email ON portal_links (email);

-- When the applicant withdrew (the decision time from which retention counts).
ALTER TABLE applications ADD COLUMN withdrawn_at TEXT;
-- The portal finds a person's applications by their (lower-cased) address.
CREATE INDEX applications_email ON applications (email) WHERE status <> 'draft';
