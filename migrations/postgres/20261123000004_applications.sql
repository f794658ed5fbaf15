-- Shortlist schema, part 4: the application journey — person specifications, applications
-- (drafts and sent), their answers, documents and consents — and the equal-opportunities
-- monitoring table, kept apart. PostgreSQL flavour; migrations/sqlite holds the same schema.

-- A vacancy's person specification: what applicants answer, one criterion per row. The weight
-- is for selectors; the careers pages never show it.
CREATE TABLE vacancy_criteria (
    vacancy_id UUID NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position BETWEEN 1 AND 20),
    text       TEXT NOT NULL CHECK (char_length(text) BETWEEN 1 AND 500),
    weight     INTEGER NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 10),
    word_limit INTEGER NOT NULL DEFAULT 250 CHECK (word_limit BETWEEN 50 AND 1000),
    PRIMARY KEY (vacancy_id, position)
);

-- One application, from the first page of the form until it is purged. A draft holds what the
-- applicant has entered so far (columns are filled page by page, each only once its page is
-- valid); `draft_input` keeps the raw text of the one page that last failed validation, so the
-- form can show it again with its errors without ever putting typed text in a URL.
-- `draft_token` is the SHA-256 of the secret in the applicant's cookie and resume link.
-- `updated_at` is "the last change": a draft untouched for 30 days is deleted by the retention
-- job (index below).
CREATE TABLE applications (
    id                 UUID PRIMARY KEY,
    vacancy_id         UUID NOT NULL REFERENCES vacancies (id),
    status             TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'withdrawn')),
    reference          TEXT UNIQUE CHECK (reference IS NULL OR char_length(reference) = 12),
    draft_token        BYTEA NOT NULL UNIQUE,
    full_name          TEXT CHECK (char_length(full_name) <= 200),
    preferred_name     TEXT CHECK (char_length(preferred_name) <= 200),
    email              TEXT CHECK (char_length(email) <= 254),
    phone              TEXT CHECK (char_length(phone) <= 30),
    contact_method     TEXT CHECK (contact_method IN ('email', 'phone')),
    right_to_work      TEXT CHECK (right_to_work IN ('yes', 'sponsorship')),
    notice_period      TEXT CHECK (char_length(notice_period) <= 100),
    earliest_start     DATE,
    salary_expectation INTEGER CHECK (salary_expectation BETWEEN 0 AND 10000000),
    covering_statement TEXT,
    source             TEXT,
    source_other       TEXT CHECK (char_length(source_other) <= 200),
    adjustments_needed BOOLEAN,
    adjustments        TEXT,
    -- Whether the applicant has been past the monitoring pages (answered or skipped). The
    -- answers themselves are never here: see eo_responses.
    monitoring_done    BOOLEAN NOT NULL DEFAULT FALSE,
    draft_input        TEXT,
    resume_sent_to     TEXT,
    declared_at        TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    submitted_at       TIMESTAMPTZ,
    CHECK ((status = 'draft') = (reference IS NULL)),
    CHECK (status = 'draft' OR (submitted_at IS NOT NULL AND declared_at IS NOT NULL))
);
CREATE INDEX applications_vacancy ON applications (vacancy_id, status);
-- Serves "drafts untouched for 30 days".
CREATE INDEX applications_draft_age ON applications (updated_at) WHERE status = 'draft';

-- One answer per person-specification criterion.
CREATE TABLE application_answers (
    application_id UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    answer         TEXT NOT NULL,
    PRIMARY KEY (application_id, position)
);

-- Documents an applicant uploaded. The object's name in storage is generated (the row's id);
-- the name the file had on the applicant's computer is data, shown, never used as a path.
CREATE TABLE application_documents (
    id             UUID PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('cv')),
    original_name  TEXT NOT NULL CHECK (char_length(original_name) BETWEEN 1 AND 255),
    media_type     TEXT NOT NULL,
    size_bytes     BIGINT  NOT NULL CHECK (size_bytes > 0),
    uploaded_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (application_id, kind)
);

-- Consent is a record, never a flag: what was agreed (wording version and the SHA-256 of the
-- exact text shown), when, how, until when, and when it was withdrawn. Withdrawing keeps the
-- record; giving again makes a new one. At most one live consent of a kind per application.
CREATE TABLE consents (
    id               UUID PRIMARY KEY,
    application_id   UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('reserve_list')),
    wording_version  INTEGER NOT NULL,
    wording_sha256   BYTEA NOT NULL,
    given_at         TIMESTAMPTZ NOT NULL,
    method           TEXT NOT NULL CHECK (method IN ('form', 'portal', 'email')),
    expires_at       TIMESTAMPTZ NOT NULL,
    withdrawn_at     TIMESTAMPTZ,
    withdrawn_method TEXT CHECK (withdrawn_method IN ('form', 'portal', 'email'))
);
CREATE UNIQUE INDEX consents_live ON consents (application_id, kind) WHERE withdrawn_at IS NULL;

-- Mail about an application goes when the application goes.
ALTER TABLE mail_outbox ADD COLUMN application_id UUID REFERENCES applications (id) ON DELETE CASCADE;

-- Equal-opportunities monitoring answers, apart from everything else (PRODUCT §3.2). The key
-- is HMAC-SHA256(eo key, application id), the eo key configured apart from the database, so
-- nothing here names an application and no foreign key or join leads to one. No timestamps
-- (they could be matched against applications' times). Its own schema, so a database role for
-- staff-facing work can be denied it with one REVOKE. Values are codes from
-- app::domain::monitoring; 'prefer_not' is an answer, NULL is "not answered".
CREATE SCHEMA eo;
CREATE TABLE eo.responses (
    pseudonym          BYTEA PRIMARY KEY CHECK (octet_length(pseudonym) = 32),
    ethnic_group       TEXT,
    ethnicity          TEXT,
    ethnicity_other    TEXT CHECK (char_length(ethnicity_other) <= 100),
    sex                TEXT,
    gender_same        TEXT,
    sexual_orientation TEXT,
    religion           TEXT,
    disability         TEXT,
    disability_impact  TEXT,
    age_band           TEXT
);
