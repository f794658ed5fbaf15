//! Ports: the use cases server functions call, declared here and implemented in `server`.
//!
//! Server-only (`ssr`). A port speaks in domain types and [`AppError`]; it never exposes a
//! database row, a connection or a storage handle. Server functions reach the ports through
//! [`Services`], which the server provides as Leptos context on both the render path and the
//! server-function path. A port method does not authorise: its caller (the server function)
//! has already decided the person may ask.

use crate::domain::{VacancyDetail, VacancyId, VacancySummary, password::PasswordLinkState};
use crate::error::AppError;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::{fmt, sync::Arc};

/// The source of "now". Rules take time as a parameter; tests set it.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The public careers pages' view of vacancies.
#[async_trait]
pub trait Careers: Send + Sync {
    /// Published vacancies still open at `now`, closing soonest first.
    async fn open_vacancies(&self, now: DateTime<Utc>) -> Result<Vec<VacancySummary>, AppError>;

    /// A vacancy that has been advertised (published or since closed), or `None` if there is
    /// no such vacancy or it was never made public.
    async fn advertised_vacancy(
        &self,
        id: VacancyId,
        now: DateTime<Utc>,
    ) -> Result<Option<VacancyDetail>, AppError>;
}

/// Staff account links.
#[async_trait]
pub trait StaffLinks: Send + Sync {
    /// The state of a set-password link; `None` if Shortlist never issued it or its account
    /// is gone or deactivated.
    async fn password_link(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<PasswordLinkState>, AppError>;
}

/// The audit log, for the people allowed to read it.
#[async_trait]
pub trait AuditTrail: Send + Sync {
    /// Entries matching `query`, newest first, at most `limit`; records that `viewer` looked
    /// (as `audit.view`) in the same log.
    async fn search(
        &self,
        viewer: crate::domain::StaffId,
        query: &crate::domain::audit::AuditQuery,
        limit: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<crate::domain::audit::AuditRow>, AppError>;

    /// Every vacancy, by title, for the filter.
    async fn vacancies(&self) -> Result<Vec<(crate::domain::VacancyId, String)>, AppError>;
}

/// Staff accounts, for HR administrators (the caller has authorised `ManageStaff`).
#[async_trait]
pub trait StaffDirectory: Send + Sync {
    /// Every account, by name, and the organisation's two-factor requirement.
    async fn accounts(&self) -> Result<crate::domain::staff::AccountsPage, AppError>;

    /// One account, as seen by `viewer`; `None` if there is no such account.
    async fn account(
        &self,
        id: crate::domain::StaffId,
        viewer: crate::domain::StaffId,
    ) -> Result<Option<crate::domain::staff::AccountDetail>, AppError>;
}

/// Each staff member's own second factor.
#[async_trait]
pub trait TwoFactor: Send + Sync {
    /// What the two-factor page shows `staff`.
    async fn page(
        &self,
        staff: crate::domain::StaffId,
        signing_in: bool,
    ) -> Result<crate::domain::staff::TwoFactorPage, AppError>;
}

/// Everything a server function may use, provided as Leptos context by the server.
#[derive(Clone)]
pub struct Services {
    /// Vacancies for the careers pages.
    pub careers: Arc<dyn Careers>,
    /// Set-password links.
    pub staff_links: Arc<dyn StaffLinks>,
    /// The audit log.
    pub audit: Arc<dyn AuditTrail>,
    /// Staff accounts.
    pub staff_directory: Arc<dyn StaffDirectory>,
    /// Second factors.
    pub two_factor: Arc<dyn TwoFactor>,
    /// The clock every rule reads.
    pub clock: Arc<dyn Clock>,
    /// The employer's name, from configuration.
    pub organisation_name: Arc<str>,
}

impl fmt::Debug for Services {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Services").field("organisation_name", &self.organisation_name).finish()
    }
}

/// Who is making the current request, as the server's session layer resolved it from the
/// session cookie (never from anything else the request says). Signed out when there is no
/// request context (route generation) or no live session.
#[must_use]
pub fn current_actor() -> crate::domain::access::Actor {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::domain::access::Actor>().cloned())
        .unwrap_or(crate::domain::access::Actor::SignedOut)
}

/// The part-finished sign-in the current request carries, if any (see
/// [`crate::domain::access::PendingSignIn`]).
#[must_use]
pub fn pending_sign_in() -> Option<crate::domain::access::PendingSignIn> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::domain::access::PendingSignIn>().copied())
}

/// The services of the current request. A missing context is a wiring bug on the server,
/// reported as an internal error rather than a panic (route generation renders without it).
pub fn services() -> Result<Services, AppError> {
    leptos::prelude::use_context::<Services>()
        .ok_or_else(|| AppError::internal("Services missing from Leptos context"))
}
