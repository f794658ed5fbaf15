-- Shortlist schema, part 16: access bundles released through the register, and rectification
-- by HR (PRODUCT §2.8).
-- PostgreSQL flavour; migrations/sqlite holds the same schema.
--
-- An access request is answered by HR reviewing the person's bundle and releasing it; the
-- person then downloads it from the applicant portal. The bundle itself is never stored: each
-- download is made afresh from what is held (streamed, documents decrypted on the way), so no
-- second copy of anyone's data sits in storage waiting to be purged.
ALTER TABLE rights_requests ADD COLUMN released_on DATE;

-- Rectification by HR (PRODUCT §2.8): each correction HR makes to an application in answer to
-- a rectification request, with the note that explains it. The old value is not kept — the
-- point of rectifying is that the wrong value goes. Purged with the application.
CREATE TABLE rectifications (
    id              UUID PRIMARY KEY,
    application_id  UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    request_id      UUID REFERENCES rights_requests (id) ON DELETE SET NULL,
    field           TEXT NOT NULL CHECK (field IN ('full_name', 'preferred_name', 'phone',
                                                   'notice_period', 'adjustments')),
    note            TEXT NOT NULL CHECK (length(note) BETWEEN 1 AND 1000),
    corrected_by    UUID REFERENCES staff_users (id) ON DELETE SET NULL,
    corrected_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX rectifications_application ON rectifications (application_id);
