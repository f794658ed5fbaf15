//! References (PRODUCT §2.5): HR asks for referees once a candidate reaches the offer, and the
//! applicant is told by email to name them in the portal; the portal stores each referee with
//! the consent the applicant gave for contacting them (see `portal.rs`); the candidate page
//! shows HR, and the hiring manager from the offer on, who was named ([`section`]).
//!
//! Callers authorise first (HR: `ViewReferences` at any stage). Referee details are
//! third-party personal data: this module never logs them, never writes them to the audit log
//! (ids only) and never returns them to a viewer the candidate page would not show them to.
//! Sending the requests to referees, their form and the reminder are the next step of this work.

use crate::checks::{Answer, Refusal, audit, facts, keep_form};
use crate::db::{self, Database};
use crate::mail::{NewMessage, Outbox};
use crate::staff_admin::Context;
use app::domain::{
    ApplicationId,
    checks::at_offer_stage,
    references::{RefereeRow, ReferencesSection, parse_wanted},
    time,
};
use uuid::Uuid;

/// The references use cases on the staff side.
#[derive(Debug, Clone)]
pub struct StoreReferences {
    db: Database,
    outbox: Outbox,
    organisation: String,
    public_url: url::Url,
}

impl StoreReferences {
    /// References over `db`, writing to applicants through `outbox`.
    #[must_use]
    pub const fn new(
        db: Database,
        outbox: Outbox,
        organisation: String,
        public_url: url::Url,
    ) -> Self {
        Self { db, outbox, organisation, public_url }
    }

    /// HR asks the applicant for `wanted` referees (the form's field), once, from the offer
    /// stage on; the applicant is emailed to name them in the portal.
    ///
    /// # Errors
    /// Database failure.
    pub async fn request(
        &self,
        cx: &Context,
        id: ApplicationId,
        pairs: &[(String, String)],
    ) -> Answer<()> {
        let uuid = id.as_uuid();
        let wanted = match parse_wanted(&crate::selection::field(pairs, "wanted")) {
            Ok(n) => n,
            Err(problem) => {
                return keep_form(&self.db, cx, id, vec![problem], pairs).await;
            }
        };
        let mut tx = self.db.begin().await?;
        let Some(f) = facts(tx.conn(), uuid).await? else { return Ok(Err(Refusal::NotFound)) };
        if let Some(r) = f.refusal() {
            return Ok(Err(r));
        }
        if f.hired {
            return Ok(Err(Refusal::Ended));
        }
        if !db::references::request(tx.conn(), uuid, wanted, cx.now).await? {
            return Ok(Err(Refusal::AlreadyRequested));
        }
        if let Some(to) = f.email.filter(|e| !e.is_empty()) {
            let portal = self
                .public_url
                .join("/portal/sign-in")
                .map_or_else(|_| String::new(), |u| u.to_string());
            let people =
                if wanted == 1 { "one referee".to_owned() } else { format!("{wanted} referees") };
            let message = NewMessage {
                id: Uuid::new_v4(),
                purpose: "candidate.references_requested",
                to,
                subject: format!("Your referees for {}", f.vacancy_title),
                body: format!(
                    "{org} would like to take up references for your application for {title}.\n\n\
                     Please give the details of {people} on your applicant page, and agree to each \
                     being contacted. We will not contact anyone until you have named them.\n\n\
                     Sign in with your email address here (we will send you a link): {portal}\n\n\
                     {org}",
                    org = self.organisation,
                    title = f.vacancy_title,
                ),
                staff: None,
                application: Some(uuid),
            };
            self.outbox.store(tx.conn(), &message, cx.now).await?;
        }
        db::audit::append(tx.conn(), &audit(cx, "references.request", uuid, f.vacancy)).await?;
        db::staff_forms::forget(tx.conn(), cx.by, &crate::selection::form_key(id)).await?;
        tx.commit().await?;
        self.outbox.wake();
        Ok(Ok(()))
    }
}

/// The rows the portal and the candidate page show.
pub(crate) fn rows(referees: Vec<db::references::RefereeRow>) -> Vec<RefereeRow> {
    referees
        .into_iter()
        .map(|r| RefereeRow {
            name: r.name,
            email: r.email,
            relationship: r.relationship,
            organisation: r.organisation,
            added: time::format_uk_datetime(r.added_at),
        })
        .collect()
}

/// What the candidate page shows a viewer allowed to see references at the candidate's stage
/// (the caller decides that); `can_request` for HR.
///
/// # Errors
/// Database failure.
pub async fn section(
    mut conn: db::Conn<'_>,
    c: &db::selection::Candidate,
    can_request: bool,
) -> Result<Option<ReferencesSection>, db::DbError> {
    let (f, id) = (crate::checks::Facts::of(c)?, c.id);
    let requested = db::references::requested(conn.reborrow(), id).await?;
    if requested.is_none() && !(can_request && at_offer_stage(f.stage)) {
        return Ok(None);
    }
    let referees = rows(db::references::referees(conn, id).await?);
    Ok(Some(ReferencesSection {
        requested: requested.map(|(at, wanted)| (time::format_uk_datetime(at), wanted)),
        referees,
        can_request: can_request && requested.is_none() && f.refusal().is_none() && !f.hired,
    }))
}
