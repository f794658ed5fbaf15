-- Shortlist schema, part 12: asking referees for references (PRODUCT §2.5). HR sends each
-- referee the applicant named a single-use link to a form; the referee gives a reference or
-- declines; one reminder goes out if they have not answered. Everything here is the referee's
-- and the applicant's personal data: it goes with the application when it is purged.
-- PostgreSQL flavour; migrations/sqlite holds the same schema.

-- When the request was sent, until when its link works, and when the one reminder went.
ALTER TABLE referees ADD COLUMN requested_at TIMESTAMPTZ;
ALTER TABLE referees ADD COLUMN request_expires_at TIMESTAMPTZ;
ALTER TABLE referees ADD COLUMN reminded_at TIMESTAMPTZ;

-- The links sent to a referee (the request, and the reminder's). Only the SHA-256 of each
-- link's secret is stored. Every link of a referee stops working once they answer (a row in
-- reference_responses) or the request expires.
CREATE TABLE reference_links (
    token_digest BYTEA PRIMARY KEY CHECK (octet_length(token_digest) = 32),
    referee_id   UUID NOT NULL REFERENCES referees (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX reference_links_referee ON reference_links (referee_id);

-- A referee's answer: a reference, or a refusal to give one. One per referee: the primary
-- key is what makes a link single-use even when two submissions race.
CREATE TABLE reference_responses (
    referee_id     UUID PRIMARY KEY REFERENCES referees (id) ON DELETE CASCADE,
    declined       BOOLEAN NOT NULL,
    decline_reason TEXT CHECK (char_length(decline_reason) <= 1000),
    referee_role   TEXT CHECK (char_length(referee_role) <= 200),
    capacity       TEXT CHECK (char_length(capacity) <= 200),
    worked_from    TEXT CHECK (char_length(worked_from) = 7),
    worked_to      TEXT CHECK (char_length(worked_to) = 7),
    applicant_role TEXT CHECK (char_length(applicant_role) <= 200),
    reemploy       TEXT CHECK (reemploy IN ('yes', 'no', 'cannot_say')),
    -- Whether they know of a reason not to employ the applicant in this work, and what.
    concerns_known BOOLEAN,
    concerns       TEXT CHECK (char_length(concerns) <= 1000),
    statement      TEXT CHECK (char_length(statement) <= 20000),
    submitted_at   TIMESTAMPTZ NOT NULL
);

-- What a referee typed into a form that had problems, so the page can show it again without
-- JavaScript. Deleted when they answer; goes with the referee.
CREATE TABLE reference_drafts (
    referee_id UUID PRIMARY KEY REFERENCES referees (id) ON DELETE CASCADE,
    fields     TEXT NOT NULL CHECK (char_length(fields) <= 40000),
    saved_at   TIMESTAMPTZ NOT NULL
);
