//! Legal holds (claim, dispute, tribunal) placed and released by HR on one candidate or on a
//! whole vacancy. A hold keeps every application it covers from the purge until it is
//! released; both steps recompute the retention dates they touch in the same transaction and
//! are audit-logged (ids only — the reason is stored with the hold, never in the log).
//!
//! A hold is allowed whatever the candidate's state — restricted, ended, hired — because a
//! claim can arrive at any time; it changes nothing about the candidate but how long it is kept.

use super::{Answer, StoreSelection, entry, required};
use crate::db::{self, retention::Scope};
use crate::staff_admin::Context;
use crate::vacancy_admin::vacancy_entry;
use app::domain::{ApplicationId, VacancyId, selection::MAX_REASON};

/// What the form says when the reason is missing or too long.
const MISSING: &str =
    "Enter why the application must be kept (for example, the claim or tribunal it concerns)";
const TOO_LONG: &str = "Reason must be 1,000 characters or fewer";

/// Where a released hold was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// On one candidate.
    Candidate(ApplicationId),
    /// On a whole vacancy.
    Vacancy(VacancyId),
}

impl StoreSelection {
    /// Places a legal hold on the candidate, with a reason.
    ///
    /// # Errors
    /// Database failure.
    pub async fn hold(
        &self,
        cx: &Context,
        id: ApplicationId,
        pairs: &[(String, String)],
    ) -> Answer<()> {
        let (mut tx, c) = match self.open(id).await? {
            Ok(found) => found,
            Err(r) => return Ok(Err(r)),
        };
        let reason = match required(pairs, "hold_reason", MISSING, MAX_REASON, TOO_LONG) {
            Ok(reason) => reason,
            Err(problem) => return Self::refuse_form(tx, cx, id, vec![problem], pairs).await,
        };
        db::retention::place_hold(
            tx.conn(),
            Scope::Application(c.id),
            &reason,
            cx.by.as_uuid(),
            cx.now,
        )
        .await?;
        Self::finish(tx, cx, id, entry(cx, "legal_hold.place", &c)).await
    }

    /// Places a legal hold on every application of a vacancy, with a reason. `Ok(Err)` when
    /// the reason is missing or too long (its message).
    ///
    /// # Errors
    /// Database failure.
    pub async fn hold_vacancy(
        &self,
        cx: &Context,
        vacancy: VacancyId,
        pairs: &[(String, String)],
    ) -> Result<Result<(), &'static str>, db::DbError> {
        let reason = match required(pairs, "hold_reason", MISSING, MAX_REASON, TOO_LONG) {
            Ok(reason) => reason,
            Err(problem) => {
                return Ok(Err(if problem.message == MISSING { MISSING } else { TOO_LONG }));
            }
        };
        let mut tx = self.db.begin().await?;
        db::retention::place_hold(
            tx.conn(),
            Scope::Vacancy(vacancy.as_uuid()),
            &reason,
            cx.by.as_uuid(),
            cx.now,
        )
        .await?;
        db::audit::append(tx.conn(), &vacancy_entry(cx, "legal_hold.place", vacancy)).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// What a hold in force covers (for authorising its release); `None` if there is no such
    /// hold in force.
    ///
    /// # Errors
    /// Database failure.
    pub async fn hold_target(
        &self,
        hold: uuid::Uuid,
    ) -> Result<Option<(Held, VacancyId)>, db::DbError> {
        let mut conn = self.db.acquire().await?;
        let row: Option<(Option<uuid::Uuid>, Option<uuid::Uuid>, Option<uuid::Uuid>)> = crate::on_conn!(conn.conn(), c => sqlx::query_as(
            "SELECT h.application_id, h.vacancy_id, COALESCE(h.vacancy_id, a.vacancy_id) \
             FROM legal_holds h LEFT JOIN live_applications a ON a.id = h.application_id \
             WHERE h.id = $1 AND h.released_at IS NULL")
            .bind(hold).fetch_optional(&mut *c).await)?;
        Ok(match row {
            Some((Some(a), _, Some(v))) => {
                Some((Held::Candidate(ApplicationId::from_uuid(a)), VacancyId::from_uuid(v)))
            }
            Some((None, Some(v), _)) => {
                Some((Held::Vacancy(VacancyId::from_uuid(v)), VacancyId::from_uuid(v)))
            }
            _ => None,
        })
    }

    /// Releases a hold in force; the retention rules resume for what it covered. Returns
    /// whether there was such a hold.
    ///
    /// # Errors
    /// Database failure.
    pub async fn release_hold(&self, cx: &Context, hold: uuid::Uuid) -> Result<bool, db::DbError> {
        let mut tx = self.db.begin().await?;
        let Some(scope) =
            db::retention::release_hold(tx.conn(), hold, cx.by.as_uuid(), cx.now).await?
        else {
            return Ok(false);
        };
        let audit = match scope {
            Scope::Application(a) => {
                let Some(c) = db::selection::candidate(tx.conn(), a).await? else {
                    return Ok(false);
                };
                entry(cx, "legal_hold.release", &c)
            }
            Scope::Vacancy(v) => vacancy_entry(cx, "legal_hold.release", VacancyId::from_uuid(v)),
            Scope::All => return Ok(false),
        };
        db::audit::append(tx.conn(), &audit).await?;
        tx.commit().await?;
        Ok(true)
    }
}
