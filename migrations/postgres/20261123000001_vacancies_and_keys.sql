-- Shortlist schema, part 1: vacancies (enough for the careers pages) and application data keys.
-- PostgreSQL flavour; migrations/sqlite holds the same schema in SQLite types. Both must stay
-- equivalent: the conformance suite runs the same tests against each.

-- The roles an organisation advertises. Candidates and selection data come in later
-- migrations and refer to vacancies, never the other way round.
CREATE TABLE vacancies (
    id           UUID PRIMARY KEY,
    title        TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    team         TEXT NOT NULL CHECK (char_length(team) BETWEEN 1 AND 200),
    location     TEXT NOT NULL CHECK (char_length(location) BETWEEN 1 AND 200),
    -- Whole pounds a year; a spot salary has min = max.
    salary_min   INTEGER NOT NULL CHECK (salary_min >= 0),
    salary_max   INTEGER NOT NULL CHECK (salary_max >= salary_min),
    summary      TEXT NOT NULL CHECK (char_length(summary) BETWEEN 1 AND 500),
    description  TEXT NOT NULL,
    posts        INTEGER NOT NULL DEFAULT 1 CHECK (posts >= 1),
    -- draft: not public; published: advertised; closed: closed by HR before or after
    -- closes_at. Passing closes_at closes a vacancy to applications without changing this.
    status       TEXT NOT NULL CHECK (status IN ('draft', 'published', 'closed')),
    closes_at    TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    CHECK (status = 'draft' OR published_at IS NOT NULL)
);

-- Serves the careers list: published and still open, ordered by closing time.
CREATE INDEX vacancies_open ON vacancies (status, closes_at);

-- One data key per application, wrapped (encrypted) by the master key from configuration.
-- Deliberately no foreign key to applications: the key row outlives the application's other
-- rows during a purge (it is destroyed first), and must never be removed by a cascade.
-- Destroying a key sets wrapped_key to NULL and records destroyed_at; the row stays so that
-- "destroyed" is never mistaken for "never existed" and no new key can be made for it.
CREATE TABLE application_keys (
    application_id UUID PRIMARY KEY,
    wrapped_key    BYTEA,
    created_at     TIMESTAMPTZ NOT NULL,
    destroyed_at   TIMESTAMPTZ,
    CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL))
);
