-- Shortlist schema, part 12: asking referees for references (PRODUCT §2.5). HR sends each
-- referee the applicant named a single-use link to a form; the referee gives a reference or
-- declines; one reminder goes out if they have not answered. Everything here is the referee's
-- and the applicant's personal data: it goes with the application when it is purged.
-- SQLite flavour; migrations/postgres holds the same schema.

-- When the request was sent, until when its link works, and when the one reminder went.
ALTER TABLE referees ADD COLUMN requested_at TEXT;
ALTER TABLE referees ADD COLUMN request_expires_at TEXT;
ALTER TABLE referees ADD COLUMN reminded_at TEXT;

-- The links sent to a referee (the request, and the reminder's). Only the SHA-256 of each
-- link's secret is stored. Every link of a referee stops working once they answer (a row in
-- reference_responses) or the request expires.
CREATE TABLE reference_links (
    token_digest BLOB PRIMARY KEY NOT NULL CHECK (length(token_digest) = 32),
    referee_id   BLOB NOT NULL REFERENCES referees (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL
);
CREATE INDEX reference_links_referee ON reference_links (referee_id);

-- A referee's answer: a reference, or a refusal to give one. One per referee: the primary
-- key is what makes a link single-use even when two submissions race.
CREATE TABLE reference_responses (
    referee_id     BLOB PRIMARY KEY NOT NULL REFERENCES referees (id) ON DELETE CASCADE,
    declined       BOOLEAN NOT NULL,
    decline_reason TEXT CHECK (length(decline_reason) <= 1000),
    referee_role   TEXT CHECK (length(referee_role) <= 200),
    capacity       TEXT CHECK (length(capacity) <= 200),
    worked_from    TEXT CHECK (length(worked_from) = 7),
    worked_to      TEXT CHECK (length(worked_to) = 7),
    applicant_role TEXT CHECK (length(applicant_role) <= 200),
    reemploy       TEXT CHECK (reemploy IN ('yes', 'no', 'cannot_say')),
    -- Whether they know of a reason not to employ the applicant in this work, and what.
    concerns_known BOOLEAN,
    concerns       TEXT CHECK (length(concerns) <= 1000),
    statement      TEXT CHECK (length(statement) <= 20000),
    submitted_at   TEXT NOT NULL
);

-- What a referee typed into a form that had problems, so the page can show it again without
-- JavaScript. Deleted when they answer; goes with the referee.
CREATE TABLE reference_drafts (
    referee_id BLOB PRIMARY KEY NOT NULL REFERENCES referees (id) ON DELETE CASCADE,
    fields     TEXT NOT NULL CHECK (length(fields) <= 40000),
    saved_at   TEXT NOT NULL
);
