-- Shortlist schema, part 2: staff accounts, their vacancy assignments, server-side sessions
-- and the audit log. PostgreSQL flavour; keep in step with migrations/sqlite.

-- Staff who sign in. Applicants and referees never have accounts (they use emailed links).
-- email is stored lower-cased and trimmed, so it is unique whatever the case typed.
-- password_hash is a PHC-format Argon2id hash, NULL until the invitee sets a password.
-- deactivated_at set = the account can no longer sign in and its sessions are gone.
CREATE TABLE staff_users (
    id             UUID PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE CHECK (email = lower(trim(email)) AND char_length(email) BETWEEN 3 AND 254),
    display_name   TEXT NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 200),
    password_hash  TEXT,
    org_role       TEXT CHECK (org_role IN ('hr_admin', 'hr', 'auditor')),
    created_at     TIMESTAMPTZ NOT NULL,
    deactivated_at TIMESTAMPTZ
);

-- Per-vacancy roles, assigned by HR. One role per person per vacancy.
CREATE TABLE staff_vacancy_roles (
    staff_id   UUID NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    vacancy_id UUID NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('hiring_manager', 'panel_member')),
    PRIMARY KEY (staff_id, vacancy_id)
);
CREATE INDEX staff_vacancy_roles_vacancy ON staff_vacancy_roles (vacancy_id);

-- Server-side sessions, shared by every instance. Only the SHA-256 of the session token is
-- stored, so a leaked database backup cannot be replayed as a cookie. A session ends at
-- the earlier of last_seen_at + idle timeout and created_at + absolute timeout (checked by the
-- server against its clock), at sign-out, or when its user is deactivated (rows deleted).
CREATE TABLE staff_sessions (
    token_hash   BYTEA PRIMARY KEY NOT NULL CHECK (octet_length(token_hash) = 32),
    staff_id     UUID NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);

-- Single-use links that let a staff member set their password (after an invitation, or from
-- `server create-admin`). Only the token's SHA-256 is stored. A link works once (used_at) and
-- until expires_at; setting a password ends the account's other sessions.
CREATE TABLE staff_password_links (
    token_hash BYTEA PRIMARY KEY NOT NULL CHECK (octet_length(token_hash) = 32),
    staff_id   UUID NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX staff_password_links_staff ON staff_password_links (staff_id);

-- The audit log: append-only (no UPDATE or DELETE is issued by the application, except the
-- purge's removal of a purged candidate's personal fields, which are kept in their own
-- columns for that reason — never copied into free text). Who (actor_staff_id, no foreign
-- key: entries outlive accounts), when (UTC), what (action + object), from where.
CREATE TABLE audit_log (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             TIMESTAMPTZ NOT NULL,
    actor_staff_id UUID,
    action         TEXT NOT NULL CHECK (char_length(action) BETWEEN 1 AND 64),
    object_type    TEXT,
    object_id      UUID,
    vacancy_id     UUID,
    client_addr    TEXT,
    outcome        TEXT NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed'))
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_staff_id, at);
CREATE INDEX audit_log_object ON audit_log (object_id, at);
-- Serves the sign-in rate limit per client address.
CREATE INDEX audit_log_client ON audit_log (client_addr, at);
