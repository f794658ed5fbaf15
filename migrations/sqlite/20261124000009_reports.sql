-- Shortlist schema, part 9: reports. Every report run is recorded in the audit log with its
-- filter in words ("applied 2026-01 to 2026-12; job family Finance"): never a name, an address
-- or a monitoring answer, so the purge need not touch it.
ALTER TABLE audit_log ADD COLUMN details TEXT CHECK (length(details) <= 300);
