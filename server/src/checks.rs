//! Pre-employment checks and the hand-over of hires (PRODUCT §2.6): HR records the right to
//! work (with its evidence, encrypted with the application's key like a CV) and the DBS check
//! the vacancy needs, from the offer stage on; exports a hire for the HR system as JSON or CSV
//! (schema `shortlist.hire/1`, see `docs/HIRE_EXPORT.md`) and confirms the hand-over, from
//! which the hired retention rule runs. The retention job calls [`minimise_dbs`] to reduce DBS
//! details to the date, certificate number and decision once the configured months have passed.
//!
//! Callers authorise `ManageChecks` on the candidate's vacancy, as stored, before calling.
//! Every change and every export is audit-logged (ids and the format only). This module never
//! reads equal-opportunities answers and never returns anything to a hiring manager or panel
//! member: the candidate page asks [`section`] only for a viewer who manages checks.

use crate::db::{self, Database, DbError, retention::Scope};
use crate::documents::{DocumentError, DocumentRef, Documents};
use crate::selection::form_key;
use crate::staff_admin::Context;
use app::domain::{
    ApplicationId, VacancyId,
    checks::{
        ChecksSection, DbsInput, DbsLevel, DbsOutcome, DbsView, HIRE_SCHEMA, HandOverView, HireDbs,
        HireEmployment, HireExport, HirePerson, HireRtw, HireVacancy, RtwCheckType, RtwInput,
        RtwOutcome, RtwView, at_offer_stage, dbs_details_due, dbs_details_until,
    },
    time,
    vacancy_edit::Stage,
};
use app::error::FieldError;
use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use futures::Stream;
use uuid::Uuid;

/// Why a check or hand-over did not happen. Each has a code for the page's `?error=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such sent application.
    NotFound,
    /// The form had problems; it was kept for its author.
    Invalid,
    /// The candidate has not reached the offer stage.
    NotAtOffer,
    /// A rights request froze the application.
    Restricted,
    /// Rejected, withdrawn or declined: there is nothing to check.
    Ended,
    /// The vacancy needs no criminal-record check.
    NoDbsNeeded,
    /// Export and hand-over are for hires.
    NotHired,
    /// The hand-over is confirmed after an export.
    NotExported,
    /// Already handed over.
    HandedOver,
    /// Referees were already asked for.
    AlreadyRequested,
    /// Every named referee has been sent a request already (or none is named yet).
    NoRefereesToAsk,
}

impl Refusal {
    /// The code in `?error=` after a redirect.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Invalid => "form",
            Self::NotAtOffer => "not_offer",
            Self::Restricted => "restricted",
            Self::Ended => "ended",
            Self::NoDbsNeeded => "no_dbs",
            Self::NotHired => "not_hired",
            Self::NotExported => "not_exported",
            Self::HandedOver => "handed_over",
            Self::AlreadyRequested => "references_requested",
            Self::NoRefereesToAsk => "no_referees",
        }
    }
}

/// Done, refused, or the database failed.
pub type Answer<T> = Result<Result<T, Refusal>, DbError>;

/// The checks and hand-over use cases.
#[derive(Clone)]
pub struct StoreChecks {
    db: Database,
    documents: Documents,
    upload_limit: u64,
}

impl std::fmt::Debug for StoreChecks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreChecks").finish_non_exhaustive()
    }
}

/// The facts that decide whether checks (and a request for referees) may be made.
pub(crate) struct Facts {
    pub(crate) vacancy: Uuid,
    pub(crate) stage: Stage,
    pub(crate) restricted: bool,
    pub(crate) ended: bool,
    pub(crate) hired: bool,
    pub(crate) email: Option<String>,
    pub(crate) vacancy_title: String,
}

pub(crate) async fn facts(conn: db::Conn<'_>, id: Uuid) -> Result<Option<Facts>, DbError> {
    db::selection::candidate(conn, id).await?.as_ref().map(Facts::of).transpose()
}

impl Facts {
    /// The facts of a candidate already read.
    pub(crate) fn of(c: &db::selection::Candidate) -> Result<Self, DbError> {
        let stage = Stage::from_code(&c.stage)
            .ok_or_else(|| DbError::Sqlx(sqlx::Error::Decode("unknown stage".into())))?;
        let hired = c.outcome.as_deref() == Some("hired");
        Ok(Self {
            vacancy: c.vacancy_id,
            stage,
            restricted: c.restricted,
            ended: c.status != "submitted" || (c.outcome.is_some() && !hired),
            hired,
            email: c.email.clone(),
            vacancy_title: c.vacancy_title.clone(),
        })
    }

    /// Why checks may not be recorded now, if they may not.
    pub(crate) fn refusal(&self) -> Option<Refusal> {
        if self.restricted {
            Some(Refusal::Restricted)
        } else if self.ended {
            Some(Refusal::Ended)
        } else if !at_offer_stage(self.stage) {
            Some(Refusal::NotAtOffer)
        } else {
            None
        }
    }
}

pub(crate) fn audit(
    cx: &Context,
    action: &'static str,
    id: Uuid,
    vacancy: Uuid,
) -> db::audit::AuditEntry {
    db::audit::AuditEntry {
        at: cx.now,
        actor: Some(cx.by),
        action,
        object_type: Some("application"),
        object_id: Some(id),
        vacancy: Some(VacancyId::from_uuid(vacancy)),
        client_addr: Some(cx.client.clone()),
        outcome: db::audit::Outcome::Ok,
    }
}

fn today(now: DateTime<Utc>) -> NaiveDate {
    time::to_uk(now).0.date()
}

fn field(pairs: &[(String, String)], name: &str) -> String {
    crate::selection::field(pairs, name)
}

fn boxes(pairs: &[(String, String)], prefix: &str) -> [String; 3] {
    ["day", "month", "year"].map(|part| field(pairs, &format!("{prefix}_{part}")))
}

/// Keeps a refused candidate-page form for its author (shown again with its problems).
pub(crate) async fn keep_form(
    db: &Database,
    cx: &Context,
    id: ApplicationId,
    problems: Vec<FieldError>,
    typed: &[(String, String)],
) -> Answer<()> {
    let kept = crate::selection::Kept { problems, typed: typed.to_vec() };
    let json = serde_json::to_string(&kept).unwrap_or_default();
    let mut conn = db.acquire().await?;
    db::staff_forms::keep(conn.conn(), cx.by, &form_key(id), &json, cx.now).await?;
    Ok(Err(Refusal::Invalid))
}

impl StoreChecks {
    /// Checks over `db`, evidence in `documents`, refusing evidence over `upload_limit` bytes.
    #[must_use]
    pub const fn new(db: Database, documents: Documents, upload_limit: u64) -> Self {
        Self { db, documents, upload_limit }
    }

    async fn keep_form(
        &self,
        cx: &Context,
        id: ApplicationId,
        problems: Vec<FieldError>,
        typed: &[(String, String)],
    ) -> Answer<()> {
        keep_form(&self.db, cx, id, problems, typed).await
    }

    /// Records (or replaces) the right-to-work check, with its evidence if `evidence` holds a
    /// file (its original name and bytes). The form is validated before any byte is stored;
    /// evidence is judged by content like a CV and a refused file leaves nothing behind.
    ///
    /// # Errors
    /// Database or storage failure.
    pub async fn record_rtw<S>(
        &self,
        cx: &Context,
        id: ApplicationId,
        pairs: &[(String, String)],
        evidence: Option<(String, S)>,
    ) -> Result<Result<(), Refusal>, DocumentError>
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send,
    {
        let uuid = id.as_uuid();
        {
            let mut conn = self.db.acquire().await?;
            match facts(conn.conn(), uuid).await? {
                None => return Ok(Err(Refusal::NotFound)),
                Some(f) => {
                    if let Some(r) = f.refusal() {
                        return Ok(Err(r));
                    }
                }
            }
        }
        let input = RtwInput {
            check_type: field(pairs, "rtw_type"),
            checked: boxes(pairs, "rtw_checked"),
            outcome: field(pairs, "rtw_outcome"),
            expires: boxes(pairs, "rtw_expires"),
        };
        let check = match input.validate(today(cx.now)) {
            Ok(check) => check,
            Err(problems) => return Ok(self.keep_form(cx, id, problems, pairs).await?),
        };
        let stored = match evidence {
            Some((name, body)) => {
                let name: String = name.chars().filter(|c| !c.is_control()).take(255).collect();
                match self.documents.put_checked(uuid, body, self.upload_limit).await {
                    Ok(Ok((doc, size, kind))) => Some((doc, name, kind.media_type(), size)),
                    Ok(Err(refusal)) => {
                        let message = refusal
                            .message()
                            .replace("Upload your CV as", "Upload the evidence as");
                        let problem = FieldError { field: "rtw_document".into(), message };
                        return Ok(self.keep_form(cx, id, vec![problem], pairs).await?);
                    }
                    Err(DocumentError::KeyDestroyed | DocumentError::NotFound) => {
                        return Ok(Err(Refusal::NotFound));
                    }
                    Err(e) => return Err(e),
                }
            }
            None => None,
        };
        let saved = self.save_rtw(cx, id, &check, stored.as_ref()).await;
        match saved {
            Ok(Ok(replaced)) => {
                if let Some(old) = replaced {
                    // Best effort after commit: the purge removes the whole prefix anyway.
                    let _ = self
                        .documents
                        .delete(DocumentRef { application: uuid, document: old })
                        .await;
                }
                Ok(Ok(()))
            }
            other => {
                if let Some((doc, ..)) = stored {
                    let _ = self.documents.delete(doc).await;
                }
                Ok(other?.map(|_| ()))
            }
        }
    }

    async fn save_rtw(
        &self,
        cx: &Context,
        id: ApplicationId,
        check: &app::domain::checks::RtwCheck,
        stored: Option<&(DocumentRef, String, &'static str, u64)>,
    ) -> Answer<Option<Uuid>> {
        let uuid = id.as_uuid();
        let mut tx = self.db.begin().await?;
        // Facts again, inside the transaction: the candidate may have changed meanwhile.
        let Some(f) = facts(tx.conn(), uuid).await? else { return Ok(Err(Refusal::NotFound)) };
        if let Some(r) = f.refusal() {
            return Ok(Err(r));
        }
        let evidence = stored.map(|(doc, name, media_type, size)| db::checks::Evidence {
            id: doc.document,
            name,
            media_type,
            size: i64::try_from(*size).unwrap_or(i64::MAX),
        });
        let replaced =
            db::checks::save_rtw(tx.conn(), uuid, check, evidence, cx.by.as_uuid(), cx.now).await?;
        db::audit::append(tx.conn(), &audit(cx, "check.right_to_work", uuid, f.vacancy)).await?;
        db::staff_forms::forget(tx.conn(), cx.by, &form_key(id)).await?;
        tx.commit().await?;
        Ok(Ok(replaced))
    }

    /// Records (or replaces) the DBS check, decided today, when the vacancy needs one.
    ///
    /// # Errors
    /// Database failure.
    pub async fn record_dbs(
        &self,
        cx: &Context,
        id: ApplicationId,
        pairs: &[(String, String)],
    ) -> Answer<()> {
        let uuid = id.as_uuid();
        let input = DbsInput {
            level: field(pairs, "dbs_level"),
            certificate_number: field(pairs, "dbs_number"),
            issued: boxes(pairs, "dbs_issued"),
            outcome: field(pairs, "dbs_outcome"),
            information: field(pairs, "dbs_information"),
        };
        let mut tx = self.db.begin().await?;
        let Some(f) = facts(tx.conn(), uuid).await? else { return Ok(Err(Refusal::NotFound)) };
        if let Some(r) = f.refusal() {
            return Ok(Err(r));
        }
        if DbsLevel::from_code(&db::checks::required_level(tx.conn(), uuid).await?).is_none() {
            return Ok(Err(Refusal::NoDbsNeeded));
        }
        let check = match input.validate(today(cx.now)) {
            Ok(check) => check,
            Err(problems) => {
                drop(tx);
                return self.keep_form(cx, id, problems, pairs).await;
            }
        };
        db::checks::save_dbs(tx.conn(), uuid, &check, today(cx.now), cx.by.as_uuid(), cx.now)
            .await?;
        db::audit::append(tx.conn(), &audit(cx, "check.dbs", uuid, f.vacancy)).await?;
        db::staff_forms::forget(tx.conn(), cx.by, &form_key(id)).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// The right-to-work evidence, for download (audited): its reference, original name and
    /// media type. `None` when there is none.
    ///
    /// # Errors
    /// Database failure.
    pub async fn rtw_evidence(
        &self,
        cx: &Context,
        id: ApplicationId,
    ) -> Result<Option<(DocumentRef, String, String)>, DbError> {
        let uuid = id.as_uuid();
        let mut tx = self.db.begin().await?;
        let Some(f) = facts(tx.conn(), uuid).await? else { return Ok(None) };
        if !at_offer_stage(f.stage) {
            return Ok(None);
        }
        let Some(row) = db::checks::rtw(tx.conn(), uuid).await? else { return Ok(None) };
        let (Some(doc), Some(name), Some(media_type)) =
            (row.document_id, row.document_name, row.document_type)
        else {
            return Ok(None);
        };
        db::audit::append(tx.conn(), &audit(cx, "check.right_to_work.download", uuid, f.vacancy))
            .await?;
        tx.commit().await?;
        Ok(Some((DocumentRef { application: uuid, document: doc }, name, media_type)))
    }

    /// Exports a hire (`format` is `JSON` or `CSV`, for the audit log) and notes the time, so
    /// the hand-over can be confirmed.
    ///
    /// # Errors
    /// Database failure.
    pub async fn export(
        &self,
        cx: &Context,
        id: ApplicationId,
        format: &'static str,
    ) -> Answer<HireExport> {
        let uuid = id.as_uuid();
        let mut tx = self.db.begin().await?;
        let Some(f) = facts(tx.conn(), uuid).await? else { return Ok(Err(Refusal::NotFound)) };
        if f.restricted {
            return Ok(Err(Refusal::Restricted));
        }
        let Some(h) = db::checks::hire(tx.conn(), uuid).await? else {
            return Ok(Err(Refusal::NotHired));
        };
        let rtw = db::checks::rtw(tx.conn(), uuid).await?;
        let dbs = db::checks::dbs(tx.conn(), uuid).await?;
        db::checks::exported(tx.conn(), uuid, cx.now).await?;
        db::audit::append_with_details(
            tx.conn(),
            &audit(cx, "hire.export", uuid, f.vacancy),
            format,
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(HireExport {
            schema: HIRE_SCHEMA.to_owned(),
            exported_at: cx.now,
            application_reference: h.reference.unwrap_or_default(),
            vacancy: HireVacancy {
                id: h.vacancy_id.to_string(),
                title: h.title,
                team: h.team,
                location: h.location,
                job_family: h.job_family,
            },
            person: HirePerson {
                full_name: h.full_name.unwrap_or_default(),
                preferred_name: h.preferred_name,
                email: h.email.unwrap_or_default(),
                phone: h.phone,
                preferred_contact: h.contact_method,
            },
            employment: HireEmployment {
                earliest_start: h.earliest_start,
                notice_period: h.notice_period,
                salary_expectation: h.salary_expectation,
            },
            right_to_work: rtw.map(|r| HireRtw {
                check_type: r.check_type,
                checked_on: r.checked_on,
                outcome: r.outcome,
                expires_on: r.expires_on,
            }),
            dbs: dbs.map(|d| HireDbs {
                certificate_number: d.certificate_number,
                issued_on: d.issued_on,
                outcome: d.outcome,
                level: d.level,
            }),
            hired_at: h.decided_at.unwrap_or(cx.now),
        }))
    }

    /// Confirms that the hire reached the HR system: from now the hired retention rule runs
    /// (the retention date is recomputed in the same transaction).
    ///
    /// # Errors
    /// Database failure.
    pub async fn confirm_hand_over(&self, cx: &Context, id: ApplicationId) -> Answer<()> {
        let uuid = id.as_uuid();
        let mut tx = self.db.begin().await?;
        let Some(f) = facts(tx.conn(), uuid).await? else { return Ok(Err(Refusal::NotFound)) };
        if f.restricted {
            return Ok(Err(Refusal::Restricted));
        }
        if !f.hired {
            return Ok(Err(Refusal::NotHired));
        }
        match db::checks::hand_over(tx.conn(), uuid).await? {
            (_, Some(_)) => return Ok(Err(Refusal::HandedOver)),
            (None, None) => return Ok(Err(Refusal::NotExported)),
            (Some(_), None) => {}
        }
        if !db::checks::confirm_hand_over(tx.conn(), uuid, cx.now).await? {
            return Ok(Err(Refusal::HandedOver));
        }
        db::retention::refresh(tx.conn(), Scope::Application(uuid)).await?;
        db::audit::append(tx.conn(), &audit(cx, "hire.hand_over", uuid, f.vacancy)).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }
}

/// What the candidate page shows a viewer who manages checks; `None` before the offer stage.
///
/// # Errors
/// Database failure.
pub async fn section(
    mut conn: db::Conn<'_>,
    c: &db::selection::Candidate,
    dbs_months: u32,
) -> Result<Option<ChecksSection>, DbError> {
    let (f, id) = (Facts::of(c)?, c.id);
    if !at_offer_stage(f.stage) {
        return Ok(None);
    }
    let rtw = db::checks::rtw(conn.reborrow(), id).await?;
    let dbs = db::checks::dbs(conn.reborrow(), id).await?;
    let required = DbsLevel::from_code(&db::checks::required_level(conn.reborrow(), id).await?);
    let hand_over = if f.hired {
        let (exported, confirmed) = db::checks::hand_over(conn.reborrow(), id).await?;
        Some(HandOverView {
            exported: exported.map(time::format_uk_datetime),
            confirmed: confirmed.map(time::format_uk_datetime),
        })
    } else {
        None
    };
    let decode = |what: &str| DbError::Sqlx(sqlx::Error::Decode(format!("unknown {what}").into()));
    let rtw = match rtw {
        None => None,
        Some(r) => Some(RtwView {
            check: app::domain::checks::RtwCheck {
                check_type: RtwCheckType::from_code(&r.check_type)
                    .ok_or_else(|| decode("check type"))?,
                checked_on: r.checked_on,
                outcome: RtwOutcome::from_code(&r.outcome).ok_or_else(|| decode("outcome"))?,
                expires_on: r.expires_on,
            },
            document: r.document_name.map(|n| (n, r.document_size.unwrap_or(0))),
            recorded: format!(
                "{}, {}",
                r.recorded_by_name.unwrap_or_else(|| "A former colleague".to_owned()),
                time::format_uk_datetime(r.recorded_at)
            ),
        }),
    };
    let dbs = match dbs {
        None => None,
        Some(d) => Some(DbsView {
            certificate_number: d.certificate_number,
            issued_on: d.issued_on,
            outcome: DbsOutcome::from_code(&d.outcome).ok_or_else(|| decode("DBS outcome"))?,
            decided_on: d.decided_on,
            details: match (d.minimised_at, d.level.as_deref().and_then(DbsLevel::from_code)) {
                (None, Some(level)) => Some((level, d.information)),
                _ => None,
            },
            details_until: dbs_details_until(d.decided_on, dbs_months),
        }),
    };
    Ok(Some(ChecksSection {
        rtw,
        dbs_required: required,
        dbs,
        can_record: !f.restricted && !f.ended,
        hand_over,
    }))
}

/// DBS checks whose details are due for minimisation on `today` (UK date), with `months`
/// after the decision: application ids.
///
/// # Errors
/// Database failure.
pub async fn dbs_due(
    conn: db::Conn<'_>,
    today: NaiveDate,
    months: u32,
) -> Result<Vec<Uuid>, DbError> {
    // The query narrows by a bound a few days generous (month ends); the rule decides exactly.
    let bound = today
        .checked_sub_months(chrono::Months::new(months))
        .map_or(today, |d| d + chrono::Duration::days(4));
    Ok(db::checks::unminimised_before(conn, bound)
        .await?
        .into_iter()
        .filter(|(_, decided)| dbs_details_due(*decided, months, today))
        .map(|(id, _)| id)
        .collect())
}

/// Reduces every DBS check due on `today` to its date, certificate number and decision, one
/// transaction each. Returns how many it reduced.
///
/// # Errors
/// Database failure.
pub async fn minimise_dbs(
    db: &Database,
    today: NaiveDate,
    months: u32,
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    let due = {
        let mut conn = db.acquire().await?;
        dbs_due(conn.conn(), today, months).await?
    };
    let mut done = 0;
    for id in due {
        let mut tx = db.begin().await?;
        if db::checks::minimise(tx.conn(), id, now).await? {
            done += 1;
        }
        tx.commit().await?;
    }
    Ok(done)
}
