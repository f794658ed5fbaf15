//! The careers adapter: implements `app`'s [`Careers`] port over the database.
//!
//! It maps storage failures to [`AppError::internal`] (logged once, never sent) and otherwise
//! adds no rule of its own.

use crate::db::{self, Database};
use app::{
    domain::{VacancyDetail, VacancyId, VacancySummary},
    error::AppError,
    ports::Careers,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Vacancies from the database.
#[derive(Debug, Clone)]
pub struct StoreCareers {
    db: Database,
}

impl StoreCareers {
    /// Builds the adapter.
    #[must_use]
    pub const fn new(db: Database) -> Self {
        Self { db }
    }
}

#[async_trait]
impl Careers for StoreCareers {
    async fn open_vacancies(&self, now: DateTime<Utc>) -> Result<Vec<VacancySummary>, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        db::vacancies::open_at(conn.conn(), now).await.map_err(AppError::internal)
    }

    async fn advertised_vacancy(
        &self,
        id: VacancyId,
        now: DateTime<Utc>,
    ) -> Result<Option<VacancyDetail>, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        db::vacancies::advertised(conn.conn(), id, now).await.map_err(AppError::internal)
    }
}
