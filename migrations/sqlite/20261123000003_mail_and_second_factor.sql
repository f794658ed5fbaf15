-- Shortlist schema, part 3: the mail outbox, second-factor sign-in (TOTP and recovery codes)
-- and organisation settings. SQLite flavour; keep in step with migrations/postgres.

-- Every message Shortlist sends goes through here: stored first (in the same transaction as
-- the change that caused it), then delivered by the dispatcher (SMTP, or .eml files in
-- development). body_text is cleared once delivered, because messages carry single-use links
-- that are credentials. purpose names the kind of message, never its content.
-- staff_id ties a message to a staff account (invitations), so deleting the account deletes it.
CREATE TABLE mail_outbox (
    id              BLOB PRIMARY KEY NOT NULL,
    created_at      TEXT NOT NULL,
    purpose         TEXT NOT NULL CHECK (length(purpose) BETWEEN 1 AND 64),
    to_addr         TEXT NOT NULL CHECK (length(to_addr) BETWEEN 3 AND 254),
    subject         TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    body_text       TEXT,
    staff_id        BLOB REFERENCES staff_users (id) ON DELETE CASCADE,
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT NOT NULL,
    claimed_until   TEXT,
    sent_at         TEXT,
    failed_at       TEXT,
    last_error      TEXT CHECK (length(last_error) <= 200)
);
-- Serves the dispatcher's "what is due".
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX mail_outbox_created ON mail_outbox (created_at);

-- TOTP: the shared secret, sealed with the master key (never stored in the clear), and the
-- last time step accepted, so a code cannot be replayed.
ALTER TABLE staff_users ADD COLUMN totp_secret BLOB;
ALTER TABLE staff_users ADD COLUMN totp_last_step INTEGER;

-- A TOTP enrolment begun but not yet confirmed with a code: the new secret and the recovery
-- codes to show with it, both sealed. Replaced when enrolment starts again; deleted when it
-- completes.
CREATE TABLE staff_totp_enrolments (
    staff_id       BLOB PRIMARY KEY NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    secret         BLOB NOT NULL,
    recovery_codes BLOB NOT NULL,
    created_at     TEXT NOT NULL
);

-- Single-use recovery codes: only their SHA-256 digests.
CREATE TABLE staff_recovery_codes (
    staff_id  BLOB NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    code_hash BLOB NOT NULL CHECK (length(code_hash) = 32),
    used_at   TEXT,
    PRIMARY KEY (staff_id, code_hash)
);

-- A session that has passed the password but not yet the second factor: 'verify' (enter a
-- code) or 'enrol' (the organisation requires TOTP and this person has none yet). Such a
-- session signs nobody in; it only lets its holder finish signing in, a few attempts within
-- a few minutes.
ALTER TABLE staff_sessions ADD COLUMN pending TEXT CHECK (pending IN ('verify', 'enrol'));
ALTER TABLE staff_sessions ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;

-- Organisation-wide settings: exactly one row. require_totp NULL = the mode's default
-- (required in production, optional in development).
CREATE TABLE organisation_settings (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    require_totp BOOLEAN
);
INSERT INTO organisation_settings (id, require_totp) VALUES (1, NULL);
