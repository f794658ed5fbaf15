-- Shortlist schema, part 14: the reserve list itself (PRODUCT §2.7). A candidate found
-- appointable but not appointed is on the vacancy's reserve list while their reserve-list
-- consent is live; they can give that consent afterwards with one click from an email; when HR
-- publishes a vacancy, matching candidates can be invited to apply, and every invitation is
-- kept. PostgreSQL flavour; migrations/sqlite holds the same schema.

-- When selectors found the candidate appointable but had no post for them. The outcome is
-- 'rejected' (unsuccessful: the retention clock starts at `decided_at`), with no rejection
-- reason; this column is what makes it "appointable, not appointed".
ALTER TABLE applications ADD COLUMN appointable_at TIMESTAMPTZ;
CREATE INDEX applications_appointable ON applications (appointable_at) WHERE appointable_at IS NOT NULL;
-- The view froze the column list when it was made: remake it so it shows the new column.
DROP VIEW live_applications;
CREATE VIEW live_applications AS SELECT * FROM applications WHERE purging_at IS NULL;

-- The link in the "you were found appointable" email that asks for reserve-list consent. Only
-- the SHA-256 of its secret is stored; it works once, until `expires_at`.
CREATE TABLE reserve_asks (
    token_digest   BYTEA PRIMARY KEY CHECK (octet_length(token_digest) = 32),
    application_id UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    created_at     TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    used_at        TIMESTAMPTZ
);
CREATE INDEX reserve_asks_application ON reserve_asks (application_id);

-- Each invitation to apply for a newly published vacancy sent to a reserve-list candidate:
-- one per candidate and vacancy. The email itself is in the outbox with the application.
CREATE TABLE reserve_invitations (
    vacancy_id     UUID NOT NULL REFERENCES vacancies (id),
    application_id UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    invited_by     UUID REFERENCES staff_users (id) ON DELETE SET NULL,
    invited_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (vacancy_id, application_id)
);
CREATE INDEX reserve_invitations_application ON reserve_invitations (application_id);
