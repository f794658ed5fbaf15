-- Shortlist schema, part 15: the rights-request register (PRODUCT §2.8). Every request a person
-- makes about their data — access, rectification, erasure, restriction, objection, consent
-- withdrawal — logged by HR or by the applicant portal, with its deadline, any extension and
-- its outcome. SQLite flavour; migrations/postgres holds the same schema.
--
-- An entry must outlive the data it is about, so nothing here refers to an application: the
-- person is named only by `email`, which is cleared when their data is erased, leaving the
-- reference, the kind, the dates and the outcome.
CREATE TABLE rights_requests (
    id                 BLOB PRIMARY KEY NOT NULL,
    -- Non-identifying, like RR-7KX2-93QF: what HR and the person quote.
    reference          TEXT NOT NULL UNIQUE CHECK (length(reference) = 12),
    kind               TEXT NOT NULL CHECK (kind IN ('access', 'rectification', 'erasure',
                                                     'restriction', 'objection', 'consent_withdrawal')),
    received_on        TEXT NOT NULL CHECK (length(received_on) = 10),
    verified           TEXT NOT NULL CHECK (verified IN ('portal', 'email_on_file', 'documents', 'other')),
    verification_note  TEXT CHECK (length(verification_note) <= 2000),
    email              TEXT CHECK (length(email) <= 320),
    details            TEXT CHECK (length(details) <= 2000),
    due_on             TEXT NOT NULL CHECK (length(due_on) = 10),
    extended_months    INTEGER NOT NULL DEFAULT 0 CHECK (extended_months BETWEEN 0 AND 2),
    extension_reason   TEXT CHECK (length(extension_reason) <= 2000),
    outcome            TEXT CHECK (outcome IN ('completed', 'refused', 'withdrawn')),
    outcome_note       TEXT CHECK (length(outcome_note) <= 2000),
    closed_on          TEXT CHECK (length(closed_on) = 10),
    -- NULL: made in the applicant portal.
    logged_by          BLOB REFERENCES staff_users (id) ON DELETE SET NULL,
    from_portal        INTEGER NOT NULL DEFAULT 0 CHECK (from_portal IN (0, 1)),
    logged_at          TEXT NOT NULL,
    CHECK ((outcome IS NULL) = (closed_on IS NULL)),
    CHECK ((extended_months = 0) = (extension_reason IS NULL))
);
CREATE INDEX rights_requests_due ON rights_requests (due_on) WHERE outcome IS NULL;
CREATE INDEX rights_requests_email ON rights_requests (email) WHERE email IS NOT NULL;
