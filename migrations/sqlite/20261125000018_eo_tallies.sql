-- Shortlist schema, part 18: the diversity funnel's running tallies (PRODUCT §2.9, §3.2).
-- SQLite flavour; migrations/postgres holds the same schema.
--
-- The diversity funnel used to match every monitoring answer to its application on each run
-- (a pseudonym per application, a pass over the whole answers table): about ten seconds at a
-- million applications. The monitoring module now keeps, per vacancy and year sent, the counts
-- of answers against the furthest step reached, updated in the same transaction as the send,
-- each stage move and the purge (which takes a person's answers out of the counts before it
-- deletes them), and the report adds those up.
--
-- The counts are sealed (XChaCha20-Poly1305 under a key derived from the monitoring key,
-- which is configured apart from the database, bound to the row's year and vacancy): with the
-- database alone a small count next to a known stage move cannot be read, so the tallies link
-- no answer to an application where the answers table does not. Each write re-seals the whole
-- row with a fresh nonce, so which count changed is not visible either. NULL: nothing counted
-- yet (on PostgreSQL a row is created first, then locked, so concurrent sends never lose a
-- count; SQLite has one writer at a time). No
-- foreign key: like eo_responses, nothing here points at the hiring tables.
CREATE TABLE eo_tallies (
    year       INTEGER NOT NULL CHECK (year BETWEEN 1970 AND 9999),
    vacancy_id BLOB NOT NULL CHECK (length(vacancy_id) = 16),
    sealed     BLOB,
    PRIMARY KEY (year, vacancy_id)
);

-- One row once the tallies have been built from the answers already held (at the first start
-- after this migration); from then on only sends and moves change them.
CREATE TABLE eo_tallies_built (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    built_at TEXT NOT NULL
);
