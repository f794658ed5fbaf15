//! Answering requests: HR's review copy of an access bundle and its release, the portal's own
//! copies, erasure — from the register or from the portal — through the retention engine's
//! purge (`crate::retention::Purger::erase_person`, never a second deletion path), HR's
//! corrections (rectification) and withdrawing consents received by email.
//!
//! Every step is audited (`rights.bundle_review`, `rights.release`, `rights.erase`,
//! `rights.erase_refused`, `rights.withdraw_consent` against the register entry;
//! `rights.rectify` and `portal.download_data` against the application), never with the
//! person's address. Nothing here logs an address or a record.

use super::bundle::{Audience, Bundle};
use super::{Answer, Refusal, StoreRights, audit, insert};
use crate::db::{self, DbError};
use crate::mail::NewMessage;
use crate::retention::{Erasure, PurgeError};
use crate::staff_admin::Context;
use app::domain::rights::{
    RequestKind, due_date,
    rectify::RectifyInput,
    register::{NewRequest, Verification},
};
use app::domain::time;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// How an erasure from the register or the portal ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Erased {
    /// Everything held under the address went; the entry is closed as completed.
    Done,
    /// A legal hold applies: nothing was erased; the entry is closed as refused, with the
    /// holds' reasons in its note (HR sees them; the person is told a hold applies).
    Held,
}

impl Erased {
    /// The audit action recording it.
    const fn action(&self) -> &'static str {
        match self {
            Self::Done => "rights.erase",
            Self::Held => "rights.erase_refused",
        }
    }
}

/// An erasure asked for in the portal: the register entry's reference and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalErasure {
    /// The register entry's reference, for the person to quote.
    pub reference: String,
    /// How it ended.
    pub erased: Erased,
}

/// The register entry's note for an erasure refused under legal hold.
fn held_note(reasons: &[String]) -> String {
    let note = format!("Refused: a legal hold applies. {}", reasons.join("; "));
    note.chars().take(2000).collect()
}

impl StoreRights {
    /// The open-or-closed entry `id` if it is of `kind` and still names an address.
    async fn entry_of(
        &self,
        id: Uuid,
        kind: RequestKind,
    ) -> Result<Result<db::rights::Entry, Refusal>, DbError> {
        let mut conn = self.db.acquire().await?;
        let Some(entry) = db::rights::get(conn.conn(), id).await? else {
            return Ok(Err(Refusal::NotFound));
        };
        if RequestKind::from_code(&entry.kind) != Some(kind) {
            return Ok(Err(Refusal::WrongKind));
        }
        if entry.email.as_deref().is_none_or(str::is_empty) {
            return Ok(Err(Refusal::NoAddress));
        }
        Ok(Ok(entry))
    }

    /// Like [`Self::entry_of`], but refused as closed once the entry has an outcome: what every
    /// action that answers a request needs.
    async fn open_entry_of(
        &self,
        id: Uuid,
        kind: RequestKind,
    ) -> Result<Result<db::rights::Entry, Refusal>, DbError> {
        Ok(self.entry_of(id, kind).await?.and_then(|entry| {
            if entry.outcome.is_some() { Err(Refusal::Closed) } else { Ok(entry) }
        }))
    }

    /// HR's review copy of the bundle for access request `id` (audited).
    ///
    /// # Errors
    /// Database failure.
    pub async fn review_copy(&self, cx: &Context, id: Uuid) -> Answer<Bundle> {
        let entry = match self.entry_of(id, RequestKind::Access).await? {
            Ok(entry) => entry,
            Err(r) => return Ok(Err(r)),
        };
        let email = entry.email.unwrap_or_default();
        let Some(bundle) = self.bundler.gather(&email, Audience::Review, cx.now).await? else {
            return Ok(Err(Refusal::NothingHeld));
        };
        let mut conn = self.db.acquire().await?;
        db::audit::append(conn.conn(), &audit(cx, "rights.bundle_review", id)).await?;
        Ok(Ok(bundle))
    }

    /// Releases the bundle of open access request `id` to the person: the entry is closed as
    /// completed and they are emailed a link to their applicant page, where they download it.
    ///
    /// # Errors
    /// Database failure.
    pub async fn release(&self, cx: &Context, id: Uuid) -> Answer<()> {
        let entry = match self.open_entry_of(id, RequestKind::Access).await? {
            Ok(entry) => entry,
            Err(r) => return Ok(Err(r)),
        };
        let email = entry.email.unwrap_or_default();
        let mut tx = self.db.begin().await?;
        if db::export::applications_of(tx.conn(), &email).await?.is_empty() {
            return Ok(Err(Refusal::NothingHeld));
        }
        if !db::rights::release(tx.conn(), id, time::uk_date(cx.now)).await? {
            return Ok(Err(Refusal::Closed));
        }
        let link = crate::portal::issue_link(tx.conn(), &self.public_url, &email, cx.now).await?;
        let message = NewMessage {
            id: Uuid::new_v4(),
            purpose: "rights.release",
            to: email,
            subject: format!("Your request {}: your copy of your data is ready", entry.reference),
            body: format!(
                "Hello,\n\nYou asked us for a copy of the data we hold about you (reference \
                 {reference}). It is ready: open your applicant page and choose \"Download\" \
                 next to the request.\n\n{link}\n\nThe link works for 7 days. After that, ask \
                 for a new one on the applicant page's sign-in form.\n\n{org}",
                reference = entry.reference,
                org = self.organisation,
            ),
            staff: None,
            application: None,
        };
        self.outbox.store(tx.conn(), &message, cx.now).await?;
        db::audit::append(tx.conn(), &audit(cx, "rights.release", id)).await?;
        tx.commit().await?;
        self.outbox.wake();
        Ok(Ok(()))
    }

    /// Erases everything held under the address of open erasure request `id`, through the
    /// purge, and closes the entry with what happened.
    ///
    /// # Errors
    /// Database, storage or ledger failure (what was marked is finished by the next purge).
    pub async fn erase(
        &self,
        cx: &Context,
        id: Uuid,
    ) -> Result<Result<Erased, Refusal>, PurgeError> {
        let entry = match self.open_entry_of(id, RequestKind::Erasure).await? {
            Ok(entry) => entry,
            Err(r) => return Ok(Err(r)),
        };
        let email = entry.email.unwrap_or_default();
        let erasure = self.purger.erase_person(&email).await?;
        let Some(erased) = self.settle_erasure(id, erasure, cx.now).await? else {
            return Ok(Err(Refusal::NothingHeld));
        };
        let mut conn = self.db.acquire().await?;
        db::audit::append(conn.conn(), &audit(cx, erased.action(), id)).await?;
        Ok(Ok(erased))
    }

    /// Closes erasure request `id` as the erasure came out — completed, or refused with the
    /// holds' reasons — and says which. `None` when nothing was held under the address, which
    /// the caller answers (HR is told so; a portal request is closed as done).
    async fn settle_erasure(
        &self,
        id: Uuid,
        erasure: Erasure,
        now: DateTime<Utc>,
    ) -> Result<Option<Erased>, DbError> {
        let (erased, note) = match erasure {
            Erasure::NothingHeld => return Ok(None),
            Erasure::Refused { reasons } => (Erased::Held, held_note(&reasons)),
            Erasure::Erased { applications, .. } => {
                (Erased::Done, format!("Erased: {applications} application(s) purged at once."))
            }
        };
        self.close_erasure(id, &erased, &note, now).await?;
        Ok(Some(erased))
    }

    async fn close_erasure(
        &self,
        id: Uuid,
        erased: &Erased,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let outcome = if *erased == Erased::Done { "completed" } else { "refused" };
        let mut conn = self.db.acquire().await?;
        db::rights::close(conn.conn(), id, outcome, Some(note), time::uk_date(now)).await?;
        Ok(())
    }

    /// Corrects one field of one of the person's applications in answer to open
    /// rectification request `id`, with HR's note (audited against the application).
    ///
    /// # Errors
    /// Database failure.
    pub async fn rectify(&self, cx: &Context, id: Uuid, pairs: &[(String, String)]) -> Answer<()> {
        let entry = match self.open_entry_of(id, RequestKind::Rectification).await? {
            Ok(entry) => entry,
            Err(r) => return Ok(Err(r)),
        };
        let mut tx = self.db.begin().await?;
        let held: Vec<Uuid> = db::rights::held(tx.conn(), entry.email.as_deref().unwrap_or(""))
            .await?
            .into_iter()
            .map(|h| h.id)
            .collect();
        let input = RectifyInput {
            application: crate::selection::field(pairs, "application"),
            field: crate::selection::field(pairs, "field"),
            value: crate::selection::field(pairs, "value"),
            note: crate::selection::field(pairs, "rectify_note"),
        };
        let fix = match input.validate(&held) {
            Ok(fix) => fix,
            Err(problems) => return Self::refuse(tx, cx, Some(id), problems, pairs).await,
        };
        let done = db::rights::rectify(
            tx.conn(),
            fix.application,
            fix.field.code(),
            fix.value.as_deref(),
            &fix.note,
            id,
            cx.by.as_uuid(),
            cx.now,
        )
        .await?;
        if !done {
            return Ok(Err(Refusal::NothingHeld));
        }
        let event = db::audit::AuditEntry {
            object_type: Some("application"),
            object_id: Some(fix.application),
            ..audit(cx, "rights.rectify", id)
        };
        db::audit::append(tx.conn(), &event).await?;
        db::staff_forms::forget(tx.conn(), cx.by, &super::form_key(Some(id))).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Withdraws the person's reserve-list consents at once, in answer to open consent
    /// withdrawal request `id` (received by email or post; the portal and the emailed links
    /// withdraw by themselves): recorded on each consent with the method `email`, retention
    /// dates recomputed, and the request closed as completed.
    ///
    /// # Errors
    /// Database failure.
    pub async fn withdraw_consents(&self, cx: &Context, id: Uuid) -> Answer<()> {
        let entry = match self.open_entry_of(id, RequestKind::ConsentWithdrawal).await? {
            Ok(entry) => entry,
            Err(r) => return Ok(Err(r)),
        };
        let mut tx = self.db.begin().await?;
        let held = db::rights::held(tx.conn(), entry.email.as_deref().unwrap_or("")).await?;
        if held.is_empty() {
            return Ok(Err(Refusal::NothingHeld));
        }
        for h in &held {
            db::applications::withdraw_consent(tx.conn(), h.id, "reserve_list", "email", cx.now)
                .await?;
        }
        let note = format!(
            "Reserve-list consent withdrawn on {} application(s); no longer kept for other jobs.",
            held.len()
        );
        if !db::rights::close(tx.conn(), id, "completed", Some(&note), time::uk_date(cx.now))
            .await?
        {
            return Ok(Err(Refusal::Closed));
        }
        db::audit::append(tx.conn(), &audit(cx, "rights.withdraw_consent", id)).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// A copy for the portal's holder of `email`: the self-service copy, or — with
    /// `reference` — the copy released for that access request of theirs. `None` when there
    /// is nothing to give them (no data held, or no such released request of theirs).
    ///
    /// # Errors
    /// Database failure.
    pub async fn portal_copy(
        &self,
        email: &str,
        reference: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<Bundle>, DbError> {
        let audience = match reference {
            None => Audience::SelfService,
            Some(wanted) => {
                let mut conn = self.db.acquire().await?;
                let released = db::rights::released_to(conn.conn(), email).await?;
                if !released.iter().any(|(r, _)| r.eq_ignore_ascii_case(wanted)) {
                    return Ok(None);
                }
                Audience::Released
            }
        };
        let Some(bundle) = self.bundler.gather(email, audience, now).await? else {
            return Ok(None);
        };
        let mut tx = self.db.begin().await?;
        for id in bundle.applications().iter().copied() {
            let entry = db::audit::AuditEntry {
                object_type: Some("application"),
                ..db::audit::AuditEntry::unattended(now, "portal.download_data", id)
            };
            db::audit::append(tx.conn(), &entry).await?;
        }
        tx.commit().await?;
        Ok(Some(bundle))
    }

    /// Erasure asked for in the portal by the holder of `email`: logged in the register as a
    /// portal request (identity checked by the portal link), carried out at once through the
    /// purge, and the entry closed with what happened.
    ///
    /// # Errors
    /// Database, storage or ledger failure.
    pub async fn portal_erase(
        &self,
        email: &str,
        now: DateTime<Utc>,
    ) -> Result<PortalErasure, PurgeError> {
        let today = time::uk_date(now);
        let new = NewRequest {
            kind: RequestKind::Erasure,
            received: today,
            verified: Verification::PortalSignIn,
            verification_note: None,
            email: email.trim().to_lowercase(),
            details: Some("Asked on the applicant page to erase all my data.".to_owned()),
            due: due_date(today),
        };
        let (id, reference) = {
            let mut tx = self.db.begin().await?;
            let (id, reference) = insert(tx.conn(), &new, None, now).await?;
            let entry = db::audit::AuditEntry {
                object_type: Some("rights_request"),
                ..db::audit::AuditEntry::unattended(now, "rights.log", id)
            };
            db::audit::append(tx.conn(), &entry).await?;
            tx.commit().await?;
            (id, reference)
        };
        let erasure = self.purger.erase_person(email).await?;
        let erased = match self.settle_erasure(id, erasure, now).await? {
            Some(erased) => erased,
            None => {
                self.close_erasure(id, &Erased::Done, "Nothing was held for the address.", now)
                    .await?;
                Erased::Done
            }
        };
        let entry = db::audit::AuditEntry {
            object_type: Some("rights_request"),
            ..db::audit::AuditEntry::unattended(now, erased.action(), id)
        };
        let mut conn = self.db.acquire().await?;
        db::audit::append(conn.conn(), &entry).await?;
        Ok(PortalErasure { reference, erased })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_note_names_every_hold_and_fits_the_register() {
        let note = held_note(&["Employment tribunal claim".to_owned(), "Audit".to_owned()]);
        assert_eq!(note, "Refused: a legal hold applies. Employment tribunal claim; Audit");
        assert_eq!(held_note(&["x".repeat(3000)]).chars().count(), 2000);
    }
}
