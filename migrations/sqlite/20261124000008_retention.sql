-- Shortlist schema, part 8: the retention engine — each application's retention date and the
-- rule that set it (computed by app::domain::retention, stored so "what is due" is an index
-- range), the purge marker, legal holds, the anonymised facts a purge leaves behind, the purge
-- log, the lease that lets one instance purge at a time, and the periods the dates were
-- computed with. SQLite flavour; migrations/postgres holds the same schema.

-- When the application may be purged (NULL while something is still going on: in progress,
-- awaiting hand-over, on legal hold) and the rule that says so (app::domain::retention::Rule).
ALTER TABLE applications ADD COLUMN retain_until TEXT;
ALTER TABLE applications ADD COLUMN retention_rule TEXT NOT NULL DEFAULT 'in_progress'
    CHECK (retention_rule IN ('draft', 'in_progress', 'stalled', 'unsuccessful', 'reserve_list',
                              'awaiting_hand_over', 'hired', 'legal_hold', 'erasure'));
-- Set by the first step of a purge (with the data key destroyed in the same transaction): from
-- then on the application is hidden from every page and the next run finishes the purge.
ALTER TABLE applications ADD COLUMN purging_at TEXT;
-- When HR confirmed a hire's hand-over to the HR system (the hired rule runs from here).
ALTER TABLE applications ADD COLUMN handed_over_at TEXT;
CREATE INDEX applications_due ON applications (retain_until) WHERE retain_until IS NOT NULL AND purging_at IS NULL;
CREATE INDEX applications_purging ON applications (purging_at) WHERE purging_at IS NOT NULL;

-- Every read of applications for a page goes through this view, so a marked (half-purged)
-- application is never shown. PostgreSQL fixes a view's columns when it is created, so a later
-- migration that adds a column to applications drops and recreates this view (on both backends).
CREATE VIEW live_applications AS SELECT * FROM applications WHERE purging_at IS NULL;

-- Legal holds (claim, dispute, tribunal) on one application or a whole vacancy. A held
-- application is never purged; released holds stay as the record of what was held and why.
CREATE TABLE legal_holds (
    id             BLOB PRIMARY KEY NOT NULL,
    application_id BLOB REFERENCES applications (id) ON DELETE CASCADE,
    vacancy_id     BLOB REFERENCES vacancies (id) ON DELETE CASCADE,
    reason         TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    placed_by      BLOB REFERENCES staff_users (id) ON DELETE SET NULL,
    placed_at      TEXT NOT NULL,
    released_by    BLOB REFERENCES staff_users (id) ON DELETE SET NULL,
    released_at    TEXT,
    CHECK ((application_id IS NULL) <> (vacancy_id IS NULL))
);
CREATE INDEX legal_holds_application ON legal_holds (application_id);
CREATE INDEX legal_holds_vacancy ON legal_holds (vacancy_id) WHERE released_at IS NULL;

-- A purge deletes an application's rows by application id, and deleting the application checks
-- every table that refers to it: without these, each purged application would scan the whole
-- outbox and consent history (the purge benchmark showed the cost growing with what is kept).
CREATE INDEX mail_outbox_application ON mail_outbox (application_id);
CREATE INDEX consents_application ON consents (application_id);
CREATE INDEX staff_form_input_form ON staff_form_input (form);

-- What a purged application leaves for reports: no identifier of the person or the
-- application, months rather than days.
CREATE TABLE anonymised_facts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    vacancy_id       BLOB NOT NULL,
    source           TEXT,
    stage_reached    TEXT,
    outcome          TEXT NOT NULL CHECK (outcome IN ('rejected', 'withdrawn', 'offer_declined',
                                                      'hired', 'no_decision')),
    rejection_reason TEXT,
    applied_month    TEXT NOT NULL CHECK (length(applied_month) = 7),
    decided_month    TEXT CHECK (length(decided_month) = 7)
);
CREATE INDEX anonymised_facts_vacancy ON anonymised_facts (vacancy_id);
CREATE INDEX anonymised_facts_month ON anonymised_facts (applied_month);

-- One row per purge run, with counts only. Counters are added to in the same transaction as
-- the work they count, so the log adds up even when a run is interrupted.
CREATE TABLE purge_runs (
    id                 BLOB PRIMARY KEY NOT NULL,
    started_at         TEXT NOT NULL,
    finished_at        TEXT,
    as_of              TEXT NOT NULL,
    trigger_kind       TEXT NOT NULL CHECK (trigger_kind IN ('schedule', 'command', 'erasure')),
    applications       INTEGER NOT NULL DEFAULT 0,
    drafts             INTEGER NOT NULL DEFAULT 0,
    documents          INTEGER NOT NULL DEFAULT 0,
    rows_deleted       INTEGER NOT NULL DEFAULT 0,
    restored_repurged  INTEGER NOT NULL DEFAULT 0,
    -- Why a run stopped early (a table, a step or a storage error; never a row's values).
    failure            TEXT CHECK (length(failure) <= 300)
);
CREATE INDEX purge_runs_started ON purge_runs (started_at);

-- Only one instance purges at a time: the holder of this row's lease, until it expires.
CREATE TABLE purge_lease (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    holder     BLOB,
    expires_at TEXT
);
INSERT INTO purge_lease (id, holder, expires_at) VALUES (1, NULL, NULL);

-- The periods the stored dates were computed with (JSON of app::domain::retention::Periods);
-- when the configuration changes, start-up recomputes every date.
ALTER TABLE organisation_settings ADD COLUMN retention_periods TEXT;
