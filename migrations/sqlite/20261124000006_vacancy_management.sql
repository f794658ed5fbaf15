-- Shortlist schema, part 6: vacancy management by HR — pipeline stages, name-blind sift, job
-- family and location tags, the closing alert — the organisation's privacy notice, and the
-- last rejected input of a staff form. SQLite flavour; migrations/postgres holds the same schema.

-- Whether the sift hides who candidates are (on by default: the fairer choice).
ALTER TABLE vacancies ADD COLUMN name_blind BOOLEAN NOT NULL DEFAULT 1;
-- The job family the post belongs to ("Finance", "Digital"): a careers filter and, later, what
-- reserve-list matching compares. NULL until HR chooses one.
ALTER TABLE vacancies ADD COLUMN job_family TEXT CHECK (length(job_family) BETWEEN 1 AND 80);
-- When HR closed the vacancy early (NULL if it closed, or will close, at closes_at).
ALTER TABLE vacancies ADD COLUMN closed_at TEXT;
-- When the hiring manager was told that applications had closed, so the alert goes once.
ALTER TABLE vacancies ADD COLUMN closing_alert_at TEXT;
-- Serves the alert job's "closed but not yet announced".
CREATE INDEX vacancies_closing_alert ON vacancies (closes_at) WHERE closing_alert_at IS NULL;

-- Where the work can be done, as filterable tags ("Leeds", "Remote"); `location` stays the
-- advert's free text ("Leeds, 2 days a week in the office").
CREATE TABLE vacancy_location_tags (
    vacancy_id BLOB NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    tag        TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 80),
    PRIMARY KEY (vacancy_id, tag)
);
CREATE INDEX vacancy_location_tags_tag ON vacancy_location_tags (tag);

-- The pipeline: which of Shortlist's stages this vacancy uses, in order. Stages are a fixed
-- set because later rules hang on them (the sift ends name-blindness; references show at
-- offer); HR chooses which optional ones apply.
CREATE TABLE vacancy_stages (
    vacancy_id BLOB NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position BETWEEN 1 AND 20),
    stage      TEXT NOT NULL CHECK (stage IN ('applied', 'sift', 'interview', 'assessment',
                                              'offer', 'pre_employment_checks', 'hired')),
    PRIMARY KEY (vacancy_id, position),
    UNIQUE (vacancy_id, stage)
);
-- Vacancies made before this migration get the default pipeline.
INSERT INTO vacancy_stages (vacancy_id, position, stage)
SELECT v.id, s.position, s.stage FROM vacancies v CROSS JOIN (
    SELECT 1 AS position, 'applied' AS stage UNION ALL SELECT 2, 'sift'
    UNION ALL SELECT 3, 'interview' UNION ALL SELECT 4, 'assessment' UNION ALL SELECT 5, 'offer'
    UNION ALL SELECT 6, 'pre_employment_checks' UNION ALL SELECT 7, 'hired') s;

-- Screening questions: yes/no questions every applicant answers (for example "Do you hold a
-- full UK driving licence?"). `expected` is the answer the post needs, if any; selectors see
-- who gave another answer, nobody is rejected automatically.
CREATE TABLE vacancy_screening_questions (
    vacancy_id BLOB NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position BETWEEN 1 AND 5),
    text       TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 300),
    expected   TEXT CHECK (expected IN ('yes', 'no')),
    PRIMARY KEY (vacancy_id, position)
);

-- An applicant's answers to the screening questions, by question position. Personal data:
-- deleted with the application.
CREATE TABLE application_screening_answers (
    application_id BLOB NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL CHECK (position BETWEEN 1 AND 5),
    answer         TEXT NOT NULL CHECK (answer IN ('yes', 'no')),
    PRIMARY KEY (application_id, position)
);

-- The organisation's own words on each vacancy page about how applicants' data is used. The
-- retention periods are not part of it: the page states them from configuration, so the
-- notice can never promise a period the purge job does not keep. NULL = Shortlist's wording.
ALTER TABLE organisation_settings ADD COLUMN privacy_notice TEXT CHECK (length(privacy_notice) <= 5000);

-- The last input of a staff form that failed validation, so the form can show it again with
-- its messages after the redirect without putting typed text in a URL. One per person and
-- form; replaced by the next failure, deleted by the next success, and ignored after a day.
CREATE TABLE staff_form_input (
    staff_id   BLOB NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    form       TEXT NOT NULL CHECK (length(form) BETWEEN 1 AND 80),
    input      TEXT NOT NULL CHECK (length(input) <= 200000),
    created_at TEXT NOT NULL,
    PRIMARY KEY (staff_id, form)
);
