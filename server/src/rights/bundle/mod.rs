//! Access bundles (PRODUCT §2.8, UK GDPR article 15): everything Shortlist holds about one
//! person, as a ZIP with a readable index (`index.html`), every record in full (`records.json`)
//! and their documents decrypted (`documents/…`).
//!
//! What "everything" means is [`SECTIONS`]: each table that holds a person's data, read row by
//! row with every column (`db::export`), for each of the applications made with their address,
//! plus what is kept against the address itself. The list mirrors the purge's deletion list
//! (`db::purge::erase_rows`); the access-bundle test compares a bundle with a search of every
//! table, so a table left out here fails it.
//!
//! Three copies exist, told apart by [`Audience`]:
//! - HR's review copy, before release: references in full, flagged as third-party data to
//!   check; equal-opportunities answers left out, because staff never see them (ARCHITECTURE);
//! - the released copy the person downloads from the portal: references flagged, their own
//!   monitoring answers included;
//! - the self-service copy in the portal: the same, but references are withheld (they are
//!   other people's words, released only after HR's review through an access request).
//!
//! Generation streams: the records are read first (small), then the archive is produced piece
//! by piece and each document is decrypted into it chunk by chunk, never whole. The two
//! readable files are rendered in [`render`]. Nothing here logs a value.

mod render;

use super::zip::ZipWriter;
use crate::db::{
    self, Database, DbError,
    export::{Param, Record},
};
use crate::documents::{DocumentRef, Documents};
use crate::monitoring::Pseudonymiser;
use app::domain::ApplicationId;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt as _};
use render::{index, records};
use serde_json::{Value, json};
use sha2::Digest as _;
use std::fmt::Write as _;
use std::sync::Arc;
use uuid::Uuid;

/// Who a bundle is for; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// HR, reviewing before release.
    Review,
    /// The person, after HR released it.
    Released,
    /// The person, straight from the portal.
    SelfService,
}

impl Audience {
    const fn references(self) -> bool {
        matches!(self, Self::Review | Self::Released)
    }

    const fn monitoring(self) -> bool {
        matches!(self, Self::Released | Self::SelfService)
    }

    const fn words(self) -> &'static str {
        match self {
            Self::Review => "Review copy for HR: equal-opportunities answers are left out",
            Self::Released => "Your copy, released after review",
            Self::SelfService => "Your copy, downloaded from your applicant page",
        }
    }
}

/// Where a section's rows come from.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// A query with `$1` = an application's id, run for each of the person's applications.
    Application(&'static str),
    /// A query with `$1` = `candidate:<application id>`, for each application.
    CandidateForm(&'static str),
    /// A query with `$1` = the person's address in lower case, run once.
    Person(&'static str),
    /// The monitoring answers of each application, by pseudonym (person's copies only).
    Monitoring,
}

/// One part of the bundle.
#[derive(Debug, Clone, Copy)]
struct Section {
    key: &'static str,
    title: &'static str,
    about: &'static str,
    source: Source,
    /// Other people's words about the person: flagged for review, withheld from self-service.
    third_party: bool,
}

const fn section(
    key: &'static str,
    title: &'static str,
    about: &'static str,
    source: Source,
) -> Section {
    Section { key, title, about, source, third_party: false }
}

/// Every table holding a person's data, in the order the index shows them.
const SECTIONS: &[Section] = &[
    section(
        "applications",
        "Applications",
        "Each application: what you entered about yourself and its status.",
        Source::Application("SELECT * FROM applications WHERE id = $1"),
    ),
    section(
        "application_answers",
        "Answers to the criteria",
        "Your answer to each criterion of the job.",
        Source::Application(
            "SELECT * FROM application_answers WHERE application_id = $1 ORDER BY position",
        ),
    ),
    section(
        "application_screening_answers",
        "Screening answers",
        "Your answers to the screening questions.",
        Source::Application(
            "SELECT * FROM application_screening_answers WHERE application_id = $1 ORDER BY position",
        ),
    ),
    section(
        "application_documents",
        "Documents",
        "The documents you uploaded; the files are in the documents folder.",
        Source::Application("SELECT * FROM application_documents WHERE application_id = $1"),
    ),
    section(
        "consents",
        "Consents",
        "Each consent you gave, with the version and fingerprint of the words you agreed to (the words are in consent_wordings).",
        Source::Application("SELECT * FROM consents WHERE application_id = $1 ORDER BY given_at"),
    ),
    section(
        "consent_links",
        "Consent renewal links",
        "Links we emailed to renew a consent (the links themselves are not kept).",
        Source::Application("SELECT * FROM consent_links WHERE application_id = $1"),
    ),
    section(
        "reserve_asks",
        "Reserve-list invitations to join",
        "Links we emailed asking whether you wanted to join the reserve list.",
        Source::Application("SELECT * FROM reserve_asks WHERE application_id = $1"),
    ),
    section(
        "reserve_invitations",
        "Invitations to apply",
        "Jobs we invited you to apply for from the reserve list.",
        Source::Application("SELECT * FROM reserve_invitations WHERE application_id = $1"),
    ),
    section(
        "stage_history",
        "Stage history",
        "Each move of your application between stages, when and by whom.",
        Source::Application(
            "SELECT * FROM stage_history WHERE application_id = $1 ORDER BY at, id",
        ),
    ),
    section(
        "score_sheets",
        "Score sheets",
        "Each selector's score sheet for your application.",
        Source::Application("SELECT * FROM score_sheets WHERE application_id = $1"),
    ),
    section(
        "scores",
        "Scores",
        "Each score given against each criterion, with the evidence noted.",
        Source::Application(
            "SELECT * FROM scores WHERE application_id = $1 ORDER BY scorer, position",
        ),
    ),
    section(
        "candidate_notes",
        "Notes",
        "Notes selectors wrote about your application.",
        Source::Application("SELECT * FROM candidate_notes WHERE application_id = $1"),
    ),
    section(
        "interviews",
        "Interviews",
        "Interviews arranged with you.",
        Source::Application("SELECT * FROM interviews WHERE application_id = $1"),
    ),
    section(
        "interview_panel",
        "Interview panels",
        "Who sat on each interview panel.",
        Source::Application(
            "SELECT * FROM interview_panel WHERE interview_id IN (SELECT id FROM interviews WHERE application_id = $1)",
        ),
    ),
    section(
        "identity_reveals",
        "Name-blind reveals",
        "When a selector was shown your name during a name-blind sift, and why.",
        Source::Application("SELECT * FROM identity_reveals WHERE application_id = $1"),
    ),
    section(
        "right_to_work_checks",
        "Right-to-work checks",
        "The check of your right to work in the UK.",
        Source::Application("SELECT * FROM right_to_work_checks WHERE application_id = $1"),
    ),
    section(
        "dbs_checks",
        "DBS checks",
        "The criminal record (DBS) check, if the job needed one.",
        Source::Application("SELECT * FROM dbs_checks WHERE application_id = $1"),
    ),
    section(
        "legal_holds",
        "Legal holds",
        "Holds that stop your application being deleted while a legal matter is open.",
        Source::Application("SELECT * FROM legal_holds WHERE application_id = $1"),
    ),
    section(
        "mail_outbox",
        "Emails to you about your applications",
        "Every email we sent or queued to you about your applications.",
        Source::Application(
            "SELECT * FROM mail_outbox WHERE application_id = $1 \
            AND lower(to_addr) = COALESCE((SELECT lower(email) FROM applications WHERE id = $1), '') ORDER BY created_at",
        ),
    ),
    section(
        "rectifications",
        "Corrections",
        "Corrections HR made to your applications at your request, and why.",
        Source::Application(
            "SELECT * FROM rectifications WHERE application_id = $1 ORDER BY corrected_at",
        ),
    ),
    section(
        "audit_log",
        "Audit events",
        "Every recorded action taken on your applications.",
        Source::Application("SELECT * FROM audit_log WHERE object_id = $1 ORDER BY at"),
    ),
    section(
        "staff_form_input",
        "Unsaved selector forms",
        "Forms a selector started about you and has not finished.",
        Source::CandidateForm("SELECT * FROM staff_form_input WHERE form = $1"),
    ),
    Section {
        third_party: true,
        ..section(
            "referees",
            "Referees",
            "The referees named for you. Third-party data: another person's details.",
            Source::Application("SELECT * FROM referees WHERE application_id = $1"),
        )
    },
    Section {
        third_party: true,
        ..section(
            "reference_responses",
            "References",
            "What your referees wrote. Third-party data: another person's words.",
            Source::Application(
                "SELECT * FROM reference_responses WHERE referee_id IN (SELECT id FROM referees WHERE application_id = $1)",
            ),
        )
    },
    Section {
        third_party: true,
        ..section(
            "reference_drafts",
            "Unsent reference drafts",
            "References your referees started and have not sent. Third-party data.",
            Source::Application(
                "SELECT * FROM reference_drafts WHERE referee_id IN (SELECT id FROM referees WHERE application_id = $1)",
            ),
        )
    },
    Section {
        third_party: true,
        ..section(
            "mail_to_others",
            "Emails to others about your applications",
            "Emails about your applications sent to someone else, such as a request to a referee. Third-party data: another person's address.",
            Source::Application(
                "SELECT * FROM mail_outbox WHERE application_id = $1 \
            AND lower(to_addr) <> COALESCE((SELECT lower(email) FROM applications WHERE id = $1), '') ORDER BY created_at",
            ),
        )
    },
    section(
        "equal_opportunities",
        "Equal-opportunities monitoring",
        "Your own monitoring answers. They are kept apart from your application and selectors never see them.",
        Source::Monitoring,
    ),
    section(
        "portal_links",
        "Applicant page links",
        "Links to your applicant page we emailed you (the links themselves are not kept).",
        Source::Person("SELECT * FROM portal_links WHERE lower(email) = $1 ORDER BY created_at"),
    ),
    section(
        "mail_to_you",
        "Other emails to you",
        "Emails sent to your address that are not about one application.",
        Source::Person(
            "SELECT * FROM mail_outbox WHERE lower(to_addr) = $1 AND application_id IS NULL AND staff_id IS NULL ORDER BY created_at",
        ),
    ),
    section(
        "rights_requests",
        "Your requests about your data",
        "The requests you made about your data and what we did.",
        Source::Person("SELECT * FROM rights_requests WHERE lower(email) = $1 ORDER BY logged_at"),
    ),
    section(
        "rights_audit",
        "Audit events about your requests",
        "Every recorded action taken on your requests.",
        Source::Person(
            "SELECT * FROM audit_log WHERE object_id IN (SELECT id FROM rights_requests WHERE lower(email) = $1) ORDER BY at",
        ),
    ),
];

/// One document to decrypt into the archive.
#[derive(Debug, Clone)]
struct DocumentEntry {
    doc: DocumentRef,
    file: String,
}

/// What was gathered for one person, ready to stream.
#[derive(Debug)]
pub struct Bundle {
    audience: Audience,
    email: String,
    generated_at: DateTime<Utc>,
    organisation: String,
    sections: Vec<(Section, Vec<Record>)>,
    wordings: Vec<Value>,
    documents: Vec<DocumentEntry>,
    applications: Vec<Uuid>,
}

impl Bundle {
    /// The ids of the applications it covers (for auditing the download against each).
    #[must_use]
    pub fn applications(&self) -> &[Uuid] {
        &self.applications
    }
}

/// A file name safe in any archive tool: letters, digits, dot, dash and underscore.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .take(100)
        .collect();
    let cleaned = cleaned.trim_start_matches('.');
    if cleaned.is_empty() { "document".to_owned() } else { cleaned.to_owned() }
}

fn text(record: &Record, key: &str) -> Option<String> {
    record.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Builds bundles over the database and the document store.
#[derive(Clone)]
pub struct Bundler {
    db: Database,
    documents: Documents,
    pseudonyms: Arc<Pseudonymiser>,
    organisation: String,
    reserve_list_months: u32,
}

impl std::fmt::Debug for Bundler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bundler").finish_non_exhaustive()
    }
}

impl Bundler {
    /// The bundler.
    #[must_use]
    pub const fn new(
        db: Database,
        documents: Documents,
        pseudonyms: Arc<Pseudonymiser>,
        organisation: String,
        reserve_list_months: u32,
    ) -> Self {
        Self { db, documents, pseudonyms, organisation, reserve_list_months }
    }

    /// Reads every record held about `email` for `audience`. `None` when no application made
    /// with the address is held (nothing to give; the register says so).
    ///
    /// # Errors
    /// Database failure.
    pub async fn gather(
        &self,
        email: &str,
        audience: Audience,
        now: DateTime<Utc>,
    ) -> Result<Option<Bundle>, DbError> {
        let email = email.trim().to_lowercase();
        let mut conn = self.db.acquire().await?;
        let applications = db::export::applications_of(conn.conn(), &email).await?;
        if applications.is_empty() {
            return Ok(None);
        }
        let monitoring = match self.db.backend() {
            db::Backend::Sqlite => "SELECT * FROM eo_responses WHERE pseudonym = $1",
            db::Backend::Postgres => "SELECT * FROM eo.responses WHERE pseudonym = $1",
        };
        let mut sections = Vec::with_capacity(SECTIONS.len());
        for s in SECTIONS {
            if s.third_party && !audience.references() {
                continue;
            }
            let mut rows = Vec::new();
            match s.source {
                Source::Application(sql) => {
                    for id in &applications {
                        rows.extend(db::export::rows(conn.conn(), sql, &Param::Id(*id)).await?);
                    }
                }
                Source::CandidateForm(sql) => {
                    for id in &applications {
                        let key = Param::Text(format!("candidate:{id}"));
                        rows.extend(db::export::rows(conn.conn(), sql, &key).await?);
                    }
                }
                Source::Person(sql) => {
                    rows = db::export::rows(conn.conn(), sql, &Param::Text(email.clone())).await?;
                }
                Source::Monitoring => {
                    if !audience.monitoring() {
                        continue;
                    }
                    for id in &applications {
                        let pseudonym = self.pseudonyms.pseudonym(ApplicationId::from_uuid(*id));
                        let mut found =
                            db::export::rows(conn.conn(), monitoring, &Param::Bytes(pseudonym))
                                .await?;
                        // Stored without the application (ARCHITECTURE): say which it was
                        // for here, in the person's own copy only.
                        for r in &mut found {
                            r.insert("application_id".to_owned(), Value::from(id.to_string()));
                        }
                        rows.extend(found);
                    }
                }
            }
            sections.push((*s, rows));
        }
        let documents = Self::documents_of(&sections);
        Ok(Some(Bundle {
            audience,
            email,
            generated_at: now,
            organisation: self.organisation.clone(),
            sections,
            wordings: self.wordings(),
            documents,
            applications,
        }))
    }

    /// The CVs and right-to-work evidence named in the records.
    fn documents_of(sections: &[(Section, Vec<Record>)]) -> Vec<DocumentEntry> {
        let mut out = Vec::new();
        for (s, rows) in sections {
            let (id_key, name_key) = match s.key {
                "application_documents" => ("id", "original_name"),
                "right_to_work_checks" => ("document_id", "document_name"),
                _ => continue,
            };
            for r in rows {
                let (Some(application), Some(document)) = (
                    text(r, "application_id").and_then(|s| s.parse::<Uuid>().ok()),
                    text(r, id_key).and_then(|s| s.parse::<Uuid>().ok()),
                ) else {
                    continue;
                };
                let name = text(r, name_key).unwrap_or_default();
                out.push(DocumentEntry {
                    doc: DocumentRef { application, document },
                    file: format!("documents/{application}/{document}-{}", safe_name(&name)),
                });
            }
        }
        out
    }

    /// The words of each consent, so the fingerprints in the consent records can be checked.
    fn wordings(&self) -> Vec<Value> {
        let words = [
            (
                "reserve_list",
                app::domain::application::RESERVE_LIST_WORDING_VERSION,
                app::domain::application::reserve_list_wording(
                    &self.organisation,
                    self.reserve_list_months,
                ),
            ),
            ("referee_details", 1, app::domain::references::consent_wording(&self.organisation)),
        ];
        words
            .into_iter()
            .map(|(kind, version, text)| {
                let sha = sha2::Sha256::digest(text.as_bytes());
                let hex = sha.iter().fold(String::new(), |mut s, b| {
                    let _ = write!(s, "{b:02x}");
                    s
                });
                json!({ "kind": kind, "version": version, "text": text, "sha256": hex })
            })
            .collect()
    }

    /// The archive, piece by piece: index, records, then each document decrypted as it
    /// streams. A failure part-way ends the stream with an error, so the download fails
    /// rather than ending as a silently incomplete archive.
    pub fn stream(
        &self,
        bundle: Bundle,
    ) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
        let documents = self.documents.clone();
        tokio::spawn(async move {
            if let Err(e) = write(&documents, bundle, &tx).await {
                tracing::warn!(error = %e, "access bundle stopped part-way");
                let _ = tx.send(Err(std::io::Error::other(e))).await;
            }
        });
        futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|b| (b, rx)) })
    }
}

type Sender = tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>;

/// Why writing stopped (the receiver went away counts: the download was abandoned).
#[derive(Debug, thiserror::Error)]
enum WriteError {
    #[error(transparent)]
    Zip(#[from] super::zip::TooLarge),
    #[error(transparent)]
    Document(#[from] crate::documents::DocumentError),
    #[error("the download was abandoned")]
    Gone,
}

async fn send(tx: &Sender, b: Bytes) -> Result<(), WriteError> {
    if b.is_empty() {
        return Ok(());
    }
    tx.send(Ok(b)).await.map_err(|_| WriteError::Gone)
}

async fn write(documents: &Documents, bundle: Bundle, tx: &Sender) -> Result<(), WriteError> {
    let local = app::domain::time::to_uk(bundle.generated_at).0;
    let mut zip = ZipWriter::new(local);
    send(tx, zip.whole("index.html", index(&bundle).as_bytes())?).await?;
    let records = serde_json::to_vec_pretty(&records(&bundle)).unwrap_or_default();
    send(tx, zip.whole("records.json", &records)?).await?;
    for d in &bundle.documents {
        let mut body = match documents.get(d.doc).await {
            Ok(body) => body,
            // Listed but gone from the store (a check's evidence replaced): nothing to copy.
            Err(crate::documents::DocumentError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        };
        send(tx, zip.start(&d.file)?).await?;
        while let Some(piece) = body.next().await {
            let piece = piece?;
            zip.data(&piece)?;
            send(tx, piece).await?;
        }
        send(tx, zip.end()?).await?;
    }
    send(tx, zip.finish()?).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_in_any_archive_tool() {
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("My CV (final).pdf"), "My_CV__final_.pdf");
        assert_eq!(safe_name("..."), "document");
        assert_eq!(safe_name(&"a".repeat(300)).len(), 100);
    }

    #[test]
    fn every_copy_is_told_apart() {
        assert!(Audience::Review.references() && !Audience::Review.monitoring());
        assert!(Audience::Released.references() && Audience::Released.monitoring());
        assert!(!Audience::SelfService.references() && Audience::SelfService.monitoring());
    }
}
