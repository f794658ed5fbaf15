-- Shortlist schema, part 17: the funnel's times survive the purge (PRODUCT §2.9), and two
-- indexes for the batched purge.
-- PostgreSQL flavour; migrations/sqlite holds the same schema.
--
-- Median time in each step and time to hire were computed from held applications only, so a
-- period's medians changed once its applications were purged. The anonymised facts now keep
-- the durations themselves — whole days, never a date: days from sending to the hire decision
-- (hired applications only; never negative) and the days spent in each step before the next move, stored as
-- 'sifted:3,interviewed:10' (step codes of app::domain::reports::Step).
ALTER TABLE anonymised_facts ADD COLUMN days_to_hire INTEGER CHECK (days_to_hire >= 0);
-- No length limit: the purge writes it, and a limit it could exceed would stop the purge.
ALTER TABLE anonymised_facts ADD COLUMN step_days TEXT;

-- The purge now removes a batch's personal mail and minimises its register entries with one
-- statement each (see server/src/db/purge.rs); these indexes keep both from reading the whole
-- outbox or register once per batch, whatever their size.
CREATE INDEX mail_outbox_personal ON mail_outbox (to_addr) WHERE staff_id IS NULL AND application_id IS NULL;
CREATE INDEX rights_requests_lower_email ON rights_requests (lower(email)) WHERE email IS NOT NULL;
