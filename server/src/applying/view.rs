//! Building what the journey's pages show the draft's owner ([`ApplicationView`]) from the
//! stored rows: the saved values of each page (or the input that last failed), which pages
//! are done, the person specification, screening questions, the CV and the owner's own
//! monitoring answers (read through `monitoring`, the only module that touches them).

use super::*;

impl StoreApplying {
    /// Everything the pages show, from the stored rows.
    pub(super) async fn build_view(
        &self,
        tx: &mut db::Tx,
        row: ApplicationRow,
        now: DateTime<Utc>,
    ) -> Result<ApplicationView, AppError> {
        let id = ApplicationId::from_uuid(row.id);
        let vacancy = row.vacancy();
        let criteria =
            applications::criteria(tx.conn(), row.vacancy_id).await.map_err(AppError::internal)?;
        let stored_answers =
            applications::answers(tx.conn(), row.id).await.map_err(AppError::internal)?;
        let cv = applications::cv(tx.conn(), row.id).await.map_err(AppError::internal)?;
        let screening_questions = applications::screening_questions(tx.conn(), row.vacancy_id)
            .await
            .map_err(AppError::internal)?;
        let screening = applications::screening_answers(tx.conn(), row.id)
            .await
            .map_err(AppError::internal)?
            .into_iter()
            .map(|(_, a)| a)
            .collect();
        let reserve_list = applications::has_live_consent(tx.conn(), row.id, "reserve_list", now)
            .await
            .map_err(AppError::internal)?;
        let monitoring = monitoring::own_answers(tx.conn(), &self.pseudonyms.pseudonym(id))
            .await
            .map_err(AppError::internal)?;
        let answers = criteria
            .iter()
            .map(|c| {
                stored_answers
                    .iter()
                    .find(|(p, _)| *p == c.position)
                    .map(|(_, a)| a.clone())
                    .unwrap_or_default()
            })
            .collect();
        let mut done = Vec::new();
        let mut mark = |cond: bool, step: Step| {
            if cond {
                done.push(step);
            }
        };
        mark(row.full_name.is_some(), Step::AboutYou);
        mark(row.right_to_work.is_some(), Step::Eligibility);
        mark(row.covering_statement.is_some() && cv.is_some(), Step::Documents);
        mark(!stored_answers.is_empty(), Step::Criteria);
        mark(row.source.is_some(), Step::Source);
        mark(row.adjustments_needed.is_some(), Step::Adjustments);
        mark(
            row.adjustments_needed.is_some() && (row.monitoring_done || reserve_list),
            Step::Consents,
        );
        mark(row.monitoring_done, Step::Monitoring);
        mark(row.monitoring_done && monitoring.ethnicity.is_some(), Step::Ethnicity);
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        let start = row.earliest_start;
        let mut view = ApplicationView {
            id,
            vacancy: VacancyId::from_uuid(row.vacancy_id),
            vacancy_title: vacancy.title.clone(),
            organisation: self.settings.organisation.clone(),
            closes_at: vacancy.closes_at,
            open: vacancy.open_at(now),
            status: Status::from_code(&row.status)
                .ok_or_else(|| AppError::internal("unknown application status"))?,
            reference: row.reference.as_deref().and_then(Reference::parse),
            criteria,
            screening_questions,
            about: AboutYouInput {
                full_name: s(&row.full_name),
                preferred_name: s(&row.preferred_name),
                email: s(&row.email),
                phone: s(&row.phone),
                contact_method: s(&row.contact_method),
            },
            eligibility: EligibilityInput {
                right_to_work: s(&row.right_to_work),
                notice_period: s(&row.notice_period),
                start_day: start.map(|d| d.format("%-d").to_string()).unwrap_or_default(),
                start_month: start.map(|d| d.format("%-m").to_string()).unwrap_or_default(),
                start_year: start.map(|d| d.format("%Y").to_string()).unwrap_or_default(),
                salary: row.salary_expectation.map(|p| p.to_string()).unwrap_or_default(),
                screening,
            },
            cv: cv.map(|d| UploadedFile {
                name: d.original_name,
                size_bytes: d.size_bytes,
                kind: DocKind::from_media_type(&d.media_type)
                    .map_or("Document", DocKind::words)
                    .to_owned(),
            }),
            covering_statement: s(&row.covering_statement),
            answers,
            source: SourceInput { source: s(&row.source), source_other: s(&row.source_other) },
            adjustments: AdjustmentsInput {
                needed: row
                    .adjustments_needed
                    .map(|n| if n { "yes" } else { "no" }.to_owned())
                    .unwrap_or_default(),
                details: s(&row.adjustments),
            },
            reserve_list,
            reserve_list_wording: self.wording(),
            monitoring,
            done,
            failed: None,
        };
        if let Some(pending) =
            row.draft_input.as_deref().and_then(|j| serde_json::from_str::<PendingInput>(j).ok())
        {
            pending.apply_to(&mut view);
        }
        Ok(view)
    }
}
