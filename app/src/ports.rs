//! Ports: the use cases server functions call, declared here and implemented in `server`.
//!
//! Server-only (`ssr`). A port speaks in domain types and [`AppError`]; it never exposes a
//! database row, a connection or a storage handle. Server functions reach the ports through
//! [`Services`], which the server provides as Leptos context on both the render path and the
//! server-function path. A port method does not authorise: its caller (the server function)
//! has already decided the person may ask.

use crate::domain::{VacancyDetail, VacancyId, password::PasswordLinkState};
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
    /// The careers list at `now`: published vacancies still open that match `filter`,
    /// closing soonest first, with the locations and job families to filter by.
    async fn careers(
        &self,
        now: DateTime<Utc>,
        filter: crate::domain::vacancy::CareersFilter,
    ) -> Result<crate::domain::vacancy::CareersPage, AppError>;

    /// The privacy notice as applicants read it (the organisation's words or Shortlist's, and
    /// the configured retention periods).
    async fn privacy_notice(&self) -> Result<crate::domain::vacancy::PrivacyNotice, AppError>;

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

    /// `viewer`'s last rejected input for the staff form `form`, if kept (see the
    /// `staff_form_input` table); the page shows it again with its messages.
    async fn rejected_input(
        &self,
        viewer: crate::domain::StaffId,
        form: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, AppError>;

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

/// Vacancy management, for staff (the caller has authorised: `ManageVacancies` for the
/// editor; the list is cut to the caller's [`crate::domain::access::VacancyScope`]).
#[async_trait]
pub trait Vacancies: Send + Sync {
    /// The vacancies in `scope`, drafts first, with their counts of applications.
    async fn list(
        &self,
        scope: &crate::domain::access::VacancyScope,
        now: DateTime<Utc>,
    ) -> Result<Vec<crate::domain::vacancy_edit::StaffVacancyRow>, AppError>;

    /// The editor for vacancy `id` (`None`: a new one). With `rejected`, it shows `viewer`'s
    /// last rejected input for that form with its messages instead of what is stored. An
    /// unknown vacancy is `NotFound`.
    async fn editor(
        &self,
        viewer: crate::domain::StaffId,
        id: Option<VacancyId>,
        rejected: bool,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::vacancy_edit::VacancyEditor, AppError>;
}

/// Anonymised reports for HR and auditors (the caller has authorised `RunReports`). Every run
/// is recorded in the audit log with its filter (`how` says page or CSV).
#[async_trait]
pub trait Reports: Send + Sync {
    /// The recruitment funnel, held applications and purged ones' anonymised facts together.
    async fn funnel(
        &self,
        viewer: crate::domain::StaffId,
        filter: &crate::domain::reports::FunnelFilter,
        how: &'static str,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::reports::FunnelPage, AppError>;

    /// The diversity funnel, protected by disclosure control before it leaves the monitoring
    /// module. Refused (validation error on `family`) when the base is below the threshold.
    async fn diversity(
        &self,
        viewer: crate::domain::StaffId,
        filter: &crate::domain::reports::DiversityFilter,
        how: &'static str,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::reports::DiversityPage, AppError>;
}

/// The retention overview for HR and auditors: counts, dates, candidate numbers and vacancy
/// titles, never a name or an address.
#[async_trait]
pub trait RetentionOverviews: Send + Sync {
    /// The purge log, what is due within the window after `now`, and the holds in force. The
    /// caller has authorised `ViewRetention`; `may_open` says whether it may link candidates.
    async fn overview(
        &self,
        now: DateTime<Utc>,
        may_open: bool,
    ) -> Result<crate::domain::retention::view::RetentionOverview, AppError>;

    /// The retention schedule for the configured periods (the caller has authorised
    /// `ViewRetention`).
    fn schedule(&self) -> Vec<crate::domain::retention::schedule::ScheduleRow>;
}

/// Selection, for staff: the pipeline board and the candidate page, each built for one
/// [`crate::domain::selection::Viewer`] (the caller authorised `ViewCandidates` on the vacancy
/// the candidate belongs to, as stored — see [`Selection::vacancy_of`]). What the viewer may
/// not see (a hidden identity, colleagues' scores before their own) is left out of the answer,
/// never sent for the page to hide. Decisions are form posts handled by the server.
#[async_trait]
pub trait Selection: Send + Sync {
    /// The vacancy a sent application belongs to; `None` for an unknown id or a draft.
    async fn vacancy_of(
        &self,
        application: crate::domain::ApplicationId,
    ) -> Result<Option<VacancyId>, AppError>;

    /// The pipeline board of `vacancy`, filtered. An unknown vacancy is `NotFound`.
    async fn pipeline(
        &self,
        viewer: &crate::domain::selection::Viewer,
        vacancy: VacancyId,
        filter: crate::domain::selection::PipelineFilter,
    ) -> Result<crate::domain::selection::PipelinePage, AppError>;

    /// The candidate page. With `rejected`, it shows the viewer's last refused form on this
    /// page with its problems.
    async fn candidate(
        &self,
        viewer: &crate::domain::selection::Viewer,
        application: crate::domain::ApplicationId,
        rejected: bool,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::selection::CandidatePage, AppError>;

    /// The organisation's rejection reasons and letter, for HR administrators (the caller has
    /// authorised `ManageSettings`). With `rejected`, `viewer`'s last refused form on that page.
    async fn rejection_settings(
        &self,
        viewer: crate::domain::StaffId,
        rejected: bool,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::selection::settings::RejectionSettings, AppError>;
}

/// One page of the application form, as sent, for [`Applying::save`].
#[derive(Debug, Clone)]
pub enum PageInput {
    /// About you.
    AboutYou(crate::domain::application::AboutYouInput),
    /// Eligibility.
    Eligibility(crate::domain::application::EligibilityInput),
    /// Answers to the person specification, in criterion order.
    Criteria(Vec<String>),
    /// Source.
    Source(crate::domain::application::SourceInput),
    /// Adjustments.
    Adjustments(crate::domain::application::AdjustmentsInput),
    /// The reserve-list box: ticked or not.
    ReserveList(bool),
    /// The main monitoring page.
    Monitoring(crate::domain::monitoring::Monitoring),
    /// "Skip this section": monitoring not answered (any earlier answers are removed).
    MonitoringSkipped,
    /// The ethnic category and its description.
    Ethnicity(Option<String>, Option<String>),
}

/// A file being uploaded: its name on the applicant's computer and its bytes as they arrive.
pub struct Upload {
    /// The original file name (data only; never a storage path).
    pub name: String,
    /// The bytes, streamed.
    pub body: futures::stream::BoxStream<'static, Result<bytes::Bytes, std::io::Error>>,
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upload").finish_non_exhaustive()
    }
}

/// The application journey, for the holder of an application's secret (the cookie set when
/// the draft was started, or the emailed resume link). A wrong or missing secret is
/// `NotFound`, exactly like an unknown application, so ids cannot be probed.
#[async_trait]
pub trait Applying: Send + Sync {
    /// Starts a draft for an open vacancy; returns its id and secret.
    async fn start(
        &self,
        vacancy: VacancyId,
        now: DateTime<Utc>,
    ) -> Result<(crate::domain::ApplicationId, String), AppError>;

    /// The application as its owner sees it.
    async fn view(
        &self,
        id: crate::domain::ApplicationId,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::application::ApplicationView, AppError>;

    /// Validates and saves one page of a draft; returns the page to go to next. Invalid input
    /// is kept with the draft (to show again) and answered with `Validation`.
    async fn save(
        &self,
        id: crate::domain::ApplicationId,
        secret: &str,
        input: PageInput,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::application::Step, AppError>;

    /// Saves the covering statement and, if given, a CV (checked by content, encrypted as it
    /// streams in, replacing any earlier CV).
    async fn save_documents(
        &self,
        id: crate::domain::ApplicationId,
        secret: &str,
        statement: String,
        cv: Option<Upload>,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::application::Step, AppError>;

    /// Sends the application (idempotent: sending twice is one application).
    async fn submit(
        &self,
        id: crate::domain::ApplicationId,
        secret: &str,
        declared: bool,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::application::Reference, AppError>;
}

/// The applicant portal, for the holder of a portal link (its secret travels in an HttpOnly
/// cookie set when the emailed link is opened). A missing, wrong, expired or revoked secret is
/// `SignInRequired`; an application that is not the link holder's is `NotFound`, exactly like
/// an unknown one.
#[async_trait]
pub trait Portal: Send + Sync {
    /// Emails a new portal link to `email` if any application has been sent from it. The
    /// answer is the same whether or not the address is known; only a malformed address is a
    /// `Validation` error.
    async fn request_link(&self, email: &str, now: DateTime<Utc>) -> Result<(), AppError>;

    /// Everything the portal shows.
    async fn view(
        &self,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::portal::PortalView, AppError>;

    /// Withdraws a sent application. Withdrawing one already withdrawn changes nothing.
    async fn withdraw(
        &self,
        secret: &str,
        application: crate::domain::ApplicationId,
        now: DateTime<Utc>,
    ) -> Result<(), AppError>;

    /// Gives (`true`) or withdraws (`false`) the reserve-list consent of one application.
    async fn set_reserve_list(
        &self,
        secret: &str,
        application: crate::domain::ApplicationId,
        give: bool,
        now: DateTime<Utc>,
    ) -> Result<(), AppError>;

    /// Corrects the person's contact details on every one of their applications. A changed
    /// address revokes every portal link of the old one (this one included) and tells both
    /// addresses; the answer is whether the address changed (the caller then signs out).
    async fn correct_contact(
        &self,
        secret: &str,
        input: crate::domain::application::AboutYouInput,
        now: DateTime<Utc>,
    ) -> Result<bool, AppError>;

    /// Names a referee for one of the holder's applications, with the consent to contact
    /// them. Only once the employer has asked for referees, and no more than it asked for.
    async fn add_referee(
        &self,
        secret: &str,
        application: crate::domain::ApplicationId,
        input: crate::domain::references::RefereeInput,
        now: DateTime<Utc>,
    ) -> Result<(), AppError>;

    /// Logs a rights request made by the portal link's holder (identity checked by the link),
    /// received today, and acknowledges it by email with its reference and deadline.
    async fn rights_request(
        &self,
        secret: &str,
        input: crate::domain::rights::register::PortalRequestInput,
        now: DateTime<Utc>,
    ) -> Result<(), AppError>;

    /// Ends this portal link at once.
    async fn sign_out(&self, secret: &str, now: DateTime<Utc>) -> Result<(), AppError>;
}

/// A referee's reference request, for the holder of the link emailed to them (its secret is
/// in the page's address and travels back with the form). An unknown or malformed secret is
/// `NotFound`. A used, expired or no-longer-needed request answers a form with a `Validation`
/// error on `form` and changes nothing.
#[async_trait]
pub trait RefereeRequests: Send + Sync {
    /// What the link opens.
    async fn page(
        &self,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::references::request::RequestPage, AppError>;

    /// Gives the reference. A form with problems is kept for the page to show again.
    async fn give(
        &self,
        secret: &str,
        input: crate::domain::references::request::ReferenceInput,
        now: DateTime<Utc>,
    ) -> Result<(), AppError>;

    /// Declines to give a reference, with an optional reason.
    async fn decline(&self, secret: &str, reason: &str, now: DateTime<Utc>)
    -> Result<(), AppError>;
}

/// The link in a reserve-list renewal email, for whoever holds it (its secret is in the page's
/// address and travels back with the form). An unknown or malformed secret is `NotFound`; a
/// renew or withdraw on a consent that is no longer live is a `Validation` error on `form` and
/// changes nothing.
#[async_trait]
pub trait ReserveConsents: Send + Sync {
    /// What the link opens.
    async fn page(
        &self,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::reserve::ConsentPage, AppError>;

    /// Renews the consent for the configured months from now.
    async fn renew(&self, secret: &str, now: DateTime<Utc>) -> Result<(), AppError>;

    /// Withdraws the consent at once.
    async fn withdraw(&self, secret: &str, now: DateTime<Utc>) -> Result<(), AppError>;

    /// What the link in the "you were found appointable" letter opens.
    async fn join_page(
        &self,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::reserve::JoinPage, AppError>;

    /// Gives reserve-list consent (method `email`) through that link: once, before it expires,
    /// while the application is still kept as appointable and unrestricted. Otherwise a
    /// `Validation` error on `form`, and nothing changes.
    async fn join(&self, secret: &str, now: DateTime<Utc>) -> Result<(), AppError>;
}

/// Reserve lists, for HR (the caller has authorised `ManageVacancies`): a vacancy's own list and
/// the candidates on other lists who match it, in merit order. Invitations are form posts
/// handled by the server.
#[async_trait]
pub trait ReserveLists: Send + Sync {
    /// The reserve-list page of vacancy `vacancy`; an unknown vacancy is `NotFound`.
    async fn page(
        &self,
        vacancy: VacancyId,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::reserve::ReserveListPage, AppError>;
}

/// The rights-request register, for HR and auditors (the caller has authorised
/// `ViewRightsRegister`; `can_manage` says whether it also holds `ManageRightsRequests`).
#[async_trait]
pub trait RightsRegister: Send + Sync {
    /// The register, as `show` asks, with the overdue and due-soon counts at `now`.
    async fn register(
        &self,
        show: crate::domain::rights::register::Show,
        now: DateTime<Utc>,
        can_manage: bool,
    ) -> Result<crate::domain::rights::register::RegisterPage, AppError>;

    /// `viewer`'s last refused "log a request" form (problems and what was typed), when
    /// `rejected`; else nothing.
    async fn log_form(
        &self,
        viewer: crate::domain::StaffId,
        rejected: bool,
        now: DateTime<Utc>,
    ) -> Result<(Vec<crate::error::FieldError>, Vec<(String, String)>), AppError>;

    /// One entry (`id` as in its address; unknown or malformed is `NotFound`), with `viewer`'s
    /// last refused form on it when `rejected`.
    async fn request(
        &self,
        viewer: crate::domain::StaffId,
        id: &str,
        rejected: bool,
        can_manage: bool,
        now: DateTime<Utc>,
    ) -> Result<crate::domain::rights::register::RequestView, AppError>;
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
    /// Vacancy management.
    pub vacancies: Arc<dyn Vacancies>,
    /// The application journey.
    pub applying: Arc<dyn Applying>,
    /// The applicant portal.
    pub portal: Arc<dyn Portal>,
    /// Referees' reference requests.
    pub referee_requests: Arc<dyn RefereeRequests>,
    /// Reserve-list consents renewed or withdrawn from an email.
    pub reserve_consents: Arc<dyn ReserveConsents>,
    /// Reserve lists and their matches, for HR.
    pub reserve_lists: Arc<dyn ReserveLists>,
    /// The rights-request register.
    pub rights: Arc<dyn RightsRegister>,
    /// Selection: the pipeline board and candidate pages.
    pub selection: Arc<dyn Selection>,
    /// The retention overview (purge log, what is due, holds in force).
    pub retention: Arc<dyn RetentionOverviews>,
    /// Anonymised reports.
    pub reports: Arc<dyn Reports>,
    /// The clock every rule reads.
    pub clock: Arc<dyn Clock>,
    /// Whether cookies must be `Secure` (Shortlist is reached over TLS).
    pub secure_cookies: bool,
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

/// The value of the request's cookie `name`, if it sent one.
#[must_use]
pub fn request_cookie(name: &str) -> Option<String> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    cookie_in(&parts.headers, name)
}

/// The value of cookie `name` in these request headers, if any. The one cookie parser: pages,
/// server functions and the server's own handlers all read cookies through it.
#[must_use]
pub fn cookie_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Adds a `Set-Cookie` header to the response being built.
pub fn set_cookie(value: &str) {
    if let (Some(opts), Ok(v)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        opts.append_header(http::header::SET_COOKIE, v);
    }
}
