-- Shortlist schema, part 7: selection — where each candidate is in the pipeline, the
-- per-vacancy candidate number a name-blind sift shows instead of a name, stage history,
-- independent score sheets and moderation, notes, interviews, identity reveals, rejection
-- reasons and the rejection letter, decisions (the retention clock), the rights-request
-- restriction and the version every decision checks. PostgreSQL flavour; migrations/sqlite holds
-- the same schema.

-- How many applications each vacancy has received: the next candidate number comes from here
-- (one UPDATE … RETURNING, which serialises concurrent sends on the vacancy's row).
ALTER TABLE vacancies ADD COLUMN candidates_sent INTEGER NOT NULL DEFAULT 0;

-- "Candidate 17": numbered per vacancy in the order applications were sent. Never reused.
ALTER TABLE applications ADD COLUMN candidate_number INTEGER;
-- The pipeline stage (a code of app::domain::vacancy_edit::Stage); NULL while a draft.
ALTER TABLE applications ADD COLUMN stage TEXT CHECK (stage IN ('applied', 'sift', 'interview',
    'assessment', 'offer', 'pre_employment_checks', 'hired'));
-- Bumped by every decision; a decision names the version it was made on and is refused when
-- the candidate changed since (optimistic concurrency).
ALTER TABLE applications ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
-- How the application ended, if it has: rejected, offer declined or hired (withdrawn is the
-- status 'withdrawn'). `decided_at` is when — the retention clock starts there.
ALTER TABLE applications ADD COLUMN outcome TEXT CHECK (outcome IN ('rejected', 'offer_declined', 'hired'));
ALTER TABLE applications ADD COLUMN decided_at TIMESTAMPTZ;
ALTER TABLE applications ADD COLUMN rejection_reason TEXT;
-- The offer's answer, once the candidate gives it.
ALTER TABLE applications ADD COLUMN offer_response TEXT CHECK (offer_response IN ('accepted', 'declined'));
-- When the candidate's identity was revealed to selectors (passing the sift, or HR with a
-- reason); NULL while hidden in a name-blind sift.
ALTER TABLE applications ADD COLUMN identity_revealed_at TIMESTAMPTZ;
-- Set while a rights request is pending (PRODUCT §2.7): nobody may move, score or contact.
ALTER TABLE applications ADD COLUMN restricted_at TIMESTAMPTZ;
CREATE UNIQUE INDEX applications_candidate_number ON applications (vacancy_id, candidate_number);
CREATE INDEX applications_decided ON applications (decided_at) WHERE decided_at IS NOT NULL;

-- Applications sent before this migration join the pipeline at Applied, numbered in the order
-- they were sent.
UPDATE applications SET stage = 'applied', candidate_number = (
    SELECT COUNT(*) FROM applications b WHERE b.vacancy_id = applications.vacancy_id
      AND b.status <> 'draft'
      AND (b.submitted_at < applications.submitted_at
           OR (b.submitted_at = applications.submitted_at AND b.id <= applications.id)))
WHERE status <> 'draft';
UPDATE applications SET decided_at = withdrawn_at WHERE status = 'withdrawn';
UPDATE vacancies SET candidates_sent = (
    SELECT COUNT(*) FROM applications a WHERE a.vacancy_id = vacancies.id AND a.status <> 'draft');

-- Every stage move, with who and when (`by_staff` NULL: the applicant, e.g. sending).
CREATE TABLE stage_history (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    at             TIMESTAMPTZ NOT NULL,
    by_staff       UUID REFERENCES staff_users (id) ON DELETE SET NULL,
    from_stage     TEXT,
    to_stage       TEXT NOT NULL,
    -- What happened, when it was not a plain move: rejected, withdrawn, offer_accepted,
    -- offer_declined, hired.
    event          TEXT CHECK (event IN ('rejected', 'withdrawn', 'offer_accepted', 'offer_declined'))
);
CREATE INDEX stage_history_application ON stage_history (application_id, at);

-- One selector's scores for one candidate. Independent scoring: a sheet is private to its
-- scorer until submitted, and colleagues' submitted sheets are shown to a scorer only once
-- their own is submitted (or, for whoever decides, once they choose to moderate). `total` is
-- the sheet's weighted mean × 100, kept so the pipeline board needs no per-criterion work.
CREATE TABLE score_sheets (
    application_id UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    scorer         UUID NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    submitted_at   TIMESTAMPTZ,
    moderating     BOOLEAN NOT NULL DEFAULT FALSE,
    total          INTEGER,
    PRIMARY KEY (application_id, scorer)
);
CREATE TABLE scores (
    application_id UUID NOT NULL,
    scorer         UUID NOT NULL,
    position       INTEGER NOT NULL,
    score          INTEGER NOT NULL CHECK (score BETWEEN 1 AND 7),
    evidence       TEXT NOT NULL CHECK (char_length(evidence) <= 4000),
    PRIMARY KEY (application_id, scorer, position),
    FOREIGN KEY (application_id, scorer) REFERENCES score_sheets (application_id, scorer) ON DELETE CASCADE
);

-- The moderated final score (× 100) with its reason, set by whoever decides.
ALTER TABLE applications ADD COLUMN final_score INTEGER CHECK (final_score BETWEEN 100 AND 700);
ALTER TABLE applications ADD COLUMN final_score_reason TEXT CHECK (char_length(final_score_reason) <= 2000);

-- Notes on a candidate (general or from an interview), visible to everyone who may see the
-- candidate. Kept with the application and purged with it.
CREATE TABLE candidate_notes (
    id             UUID PRIMARY KEY NOT NULL,
    application_id UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    author         UUID REFERENCES staff_users (id) ON DELETE SET NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('note', 'interview')),
    text           TEXT NOT NULL CHECK (char_length(text) BETWEEN 1 AND 5000),
    at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX candidate_notes_application ON candidate_notes (application_id, at);

-- Interviews and who sits on each panel.
CREATE TABLE interviews (
    id             UUID PRIMARY KEY NOT NULL,
    application_id UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    starts_at      TIMESTAMPTZ NOT NULL,
    place          TEXT NOT NULL CHECK (char_length(place) BETWEEN 1 AND 500),
    created_by     UUID REFERENCES staff_users (id) ON DELETE SET NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX interviews_application ON interviews (application_id);
CREATE TABLE interview_panel (
    interview_id UUID NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    staff_id     UUID NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    PRIMARY KEY (interview_id, staff_id)
);

-- Why a candidate's identity was revealed early (HR, before the sift was passed). Passing the
-- sift needs no reason; every reveal is also in the audit log.
CREATE TABLE identity_reveals (
    application_id UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    at             TIMESTAMPTZ NOT NULL,
    by_staff       UUID REFERENCES staff_users (id) ON DELETE SET NULL,
    reason         TEXT NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 1000)
);
CREATE INDEX identity_reveals_application ON identity_reveals (application_id);

-- The organisation's fixed list of rejection reasons (reports count by them). Retired reasons
-- stay for the decisions that used them.
CREATE TABLE rejection_reasons (
    code       TEXT PRIMARY KEY NOT NULL CHECK (char_length(code) BETWEEN 1 AND 40),
    words      TEXT NOT NULL CHECK (char_length(words) BETWEEN 1 AND 200),
    position   INTEGER NOT NULL,
    retired_at TIMESTAMPTZ
);
INSERT INTO rejection_reasons (code, words, position) VALUES
    ('essential_criteria', 'Did not show the essential criteria', 1),
    ('stronger_candidates', 'Other candidates met the criteria more strongly', 2),
    ('interview', 'Did not meet the standard at interview', 3),
    ('assessment', 'Did not meet the standard at assessment', 4),
    ('eligibility', 'Not eligible for the post (for example, right to work)', 5),
    ('checks', 'Pre-employment checks not passed', 6);

-- The letter an applicant gets when rejected (NULL: Shortlist's wording). Placeholders:
-- {name}, {vacancy}, {feedback}, {organisation}.
ALTER TABLE organisation_settings ADD COLUMN rejection_template TEXT CHECK (char_length(rejection_template) <= 5000);
