-- Shortlist schema, part 10: pre-employment checks (right to work, criminal record) and the
-- hand-over of hires to the HR system (PRODUCT §2.6). HR only, from the offer stage on. PostgreSQL
-- flavour; migrations/sqlite holds the same schema.

-- The level of criminal-record check a post needs (app::domain::checks::DbsLevel), or none.
ALTER TABLE vacancies ADD COLUMN dbs_level TEXT NOT NULL DEFAULT 'none'
    CHECK (dbs_level IN ('none', 'basic', 'standard', 'enhanced', 'enhanced_barred'));

-- One right-to-work check per application (recording it again replaces it). The evidence, if
-- uploaded, is an object under the application's prefix in the document store, encrypted with
-- the application's data key like a CV; its name there is `document_id`, the name it had on
-- HR's computer is data only.
CREATE TABLE right_to_work_checks (
    application_id UUID PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    check_type     TEXT NOT NULL CHECK (check_type IN ('manual', 'online', 'idsp')),
    checked_on     DATE NOT NULL,
    outcome        TEXT NOT NULL CHECK (outcome IN ('unlimited', 'time_limited', 'not_permitted')),
    expires_on     DATE,
    document_id    UUID,
    document_name  TEXT CHECK (char_length(document_name) BETWEEN 1 AND 255),
    document_type  TEXT,
    document_size  INTEGER CHECK (document_size > 0),
    recorded_by    UUID REFERENCES staff_users (id) ON DELETE SET NULL,
    recorded_at    TIMESTAMPTZ NOT NULL,
    CHECK ((outcome = 'time_limited') = (expires_on IS NOT NULL)),
    CHECK ((document_id IS NULL) = (document_name IS NULL))
);

-- One DBS check per application. `level` and `information` are the certificate's details:
-- the retention job removes them `SHORTLIST_DBS_DETAILS_MONTHS` after `decided_on`
-- (app::domain::checks::dbs_details_until), leaving the date, the number and the decision, and
-- sets `minimised_at`.
CREATE TABLE dbs_checks (
    application_id     UUID PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    level              TEXT CHECK (level IN ('basic', 'standard', 'enhanced', 'enhanced_barred')),
    certificate_number TEXT NOT NULL CHECK (char_length(certificate_number) = 12),
    issued_on          DATE NOT NULL,
    outcome            TEXT NOT NULL CHECK (outcome IN ('clear', 'suitable', 'not_suitable')),
    information        TEXT CHECK (char_length(information) <= 2000),
    decided_on         DATE NOT NULL,
    minimised_at       TIMESTAMPTZ,
    recorded_by        UUID REFERENCES staff_users (id) ON DELETE SET NULL,
    recorded_at        TIMESTAMPTZ NOT NULL,
    CHECK (minimised_at IS NULL OR (level IS NULL AND information IS NULL))
);
-- Serves "details due for minimisation".
CREATE INDEX dbs_checks_unminimised ON dbs_checks (decided_on) WHERE minimised_at IS NULL;

-- When the hire was last exported for the HR system (the hand-over is confirmed after it).
ALTER TABLE applications ADD COLUMN hire_exported_at TIMESTAMPTZ;

-- How many DBS checks each purge run minimised.
ALTER TABLE purge_runs ADD COLUMN dbs_minimised BIGINT NOT NULL DEFAULT 0;

-- live_applications fixes its columns on PostgreSQL; recreated on both for the same schema.
DROP VIEW live_applications;
CREATE VIEW live_applications AS SELECT * FROM applications WHERE purging_at IS NULL;
