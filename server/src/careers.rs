//! The careers adapter: implements `app`'s [`Careers`] port over the database.
//!
//! It maps storage failures to [`AppError::internal`] (logged once, never sent) and otherwise
//! adds no rule of its own. The privacy notice's retention periods come from configuration,
//! never from the database, so the pages state exactly what the purge keeps to.

use crate::db::{self, Database};
use app::{
    domain::{
        VacancyDetail, VacancyId,
        vacancy::{CareersFilter, CareersPage, PrivacyNotice},
    },
    error::AppError,
    ports::Careers,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// What the careers pages state from configuration.
#[derive(Debug, Clone)]
pub struct CareersSettings {
    /// The employer's name.
    pub organisation: String,
    /// How long an unsuccessful application is kept after the decision, in months.
    pub retention_months: u32,
    /// How long a reserve-list consent lasts, in months.
    pub reserve_list_months: u32,
}

/// Vacancies from the database.
#[derive(Debug, Clone)]
pub struct StoreCareers {
    db: Database,
    settings: CareersSettings,
}

impl StoreCareers {
    /// Builds the adapter.
    #[must_use]
    pub const fn new(db: Database, settings: CareersSettings) -> Self {
        Self { db, settings }
    }

    async fn notice(&self, conn: db::Conn<'_>) -> Result<PrivacyNotice, AppError> {
        let custom = db::settings::privacy_notice(conn).await.map_err(AppError::internal)?;
        Ok(PrivacyNotice {
            organisation: self.settings.organisation.clone(),
            custom,
            retention_months: self.settings.retention_months,
            reserve_list_months: self.settings.reserve_list_months,
        })
    }
}

#[async_trait]
impl Careers for StoreCareers {
    async fn careers(
        &self,
        now: DateTime<Utc>,
        filter: CareersFilter,
    ) -> Result<CareersPage, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        let vacancies = db::vacancies::open_matching(conn.conn(), now, &filter)
            .await
            .map_err(AppError::internal)?;
        let (locations, families) =
            db::vacancies::filter_options(conn.conn(), now).await.map_err(AppError::internal)?;
        Ok(CareersPage {
            organisation: self.settings.organisation.clone(),
            vacancies,
            locations,
            families,
            filter,
        })
    }

    async fn privacy_notice(&self) -> Result<PrivacyNotice, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        self.notice(conn.conn()).await
    }

    async fn advertised_vacancy(
        &self,
        id: VacancyId,
        now: DateTime<Utc>,
    ) -> Result<Option<VacancyDetail>, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        let privacy = self.notice(conn.conn()).await?;
        db::vacancies::advertised(conn.conn(), id, now, privacy).await.map_err(AppError::internal)
    }
}
