//! The application journey: `/vacancies/:id/apply` (before you start), `/apply/:id/:step`
//! (one topic per page), `/apply/:id/confirmation`, and `/apply/link-not-valid`.
//!
//! Every page is a form posting to a server function. Without JavaScript the browser posts
//! it and follows the redirect (to the next page, or back to the same page with the problems
//! in `__err`; the values typed are kept with the draft on the server and shown again). With
//! JavaScript the same server function is called without a reload and the router follows the
//! same redirect. The server is the only judge of every rule.
//!
//! The applicant is known by their draft's secret, held in an HttpOnly cookie set when the
//! draft starts (or when they follow the emailed resume link). Nothing here trusts the
//! application id in a form on its own: a wrong or missing secret is "page not found".

mod check;
pub(crate) mod fields;
pub(crate) mod steps;

use super::components::{ErrorPage, set_status};
use crate::domain::application::{ApplicationView, Step};
use crate::domain::{ApplicationId, VacancyDetail};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The cookie that holds an application's secret (`__Host-` prefixed over TLS, which browsers
/// accept only from a secure origin for the whole site).
#[must_use]
pub fn cookie_name(id: ApplicationId, secure: bool) -> String {
    format!("{}shortlist-apply-{}", if secure { "__Host-" } else { "" }, id.as_uuid().simple())
}

/// The `Set-Cookie` value that gives this browser an application's secret: HttpOnly (no
/// script reads it), `SameSite=Lax` (sent when the applicant follows the emailed link, never
/// on another site's form posts), for as long as a draft is kept (30 days).
#[must_use]
pub fn secret_cookie(id: ApplicationId, secret: &str, secure: bool) -> String {
    format!(
        "{}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        cookie_name(id, secure),
        30 * 24 * 3600,
        if secure { "; Secure" } else { "" }
    )
}

#[cfg(feature = "ssr")]
mod server {
    use super::cookie_name;
    use crate::domain::{ApplicationId, application::Step};
    use crate::error::AppError;
    use crate::ports::{PageInput, Services, request_cookie, services};

    pub fn set_secret_cookie(services: &Services, id: ApplicationId, secret: &str) {
        crate::ports::set_cookie(&super::secret_cookie(id, secret, services.secure_cookies));
    }

    /// The application named in a form, with the secret from this browser's cookie. A
    /// malformed id or a missing cookie is "not found", like a wrong secret.
    pub fn draft(application: &str) -> Result<(Services, ApplicationId, String), AppError> {
        let id: ApplicationId = application.parse().map_err(|_| AppError::NotFound)?;
        let services = services()?;
        let secret =
            request_cookie(&cookie_name(id, services.secure_cookies)).ok_or(AppError::NotFound)?;
        Ok((services, id, secret))
    }

    /// Saves one page and sends the browser on: to check answers when changing an answer
    /// from there, otherwise to the next page.
    pub async fn save(
        application: &str,
        change: Option<String>,
        input: PageInput,
    ) -> Result<(), AppError> {
        let (services, id, secret) = draft(application)?;
        let next = services.applying.save(id, &secret, input, services.clock.now()).await?;
        go_on(id, next, change.is_some());
        Ok(())
    }

    pub fn go_on(id: ApplicationId, next: Step, changing: bool) {
        let to = if changing && next != Step::Ethnicity { Step::Check } else { next };
        leptos_axum::redirect(&to.path(id));
    }
}

/// A form field that may be missing (an unticked box, a forged form), as text.
#[cfg(feature = "ssr")]
fn text(v: Option<String>) -> String {
    v.unwrap_or_default()
}

/// The application as its owner sees it. Only for the holder of its secret.
#[server(prefix = "/api", endpoint = "application")]
pub async fn my_application(application: String) -> Result<ApplicationView, AppError> {
    // Authorisation: the draft's secret, checked by the port.
    let (services, id, secret) = server::draft(&application)?;
    services.applying.view(id, &secret, services.clock.now()).await
}

/// Starts an application for an open vacancy: a new draft, its secret in a cookie.
#[server(prefix = "/api", endpoint = "apply-start")]
pub async fn start_application(vacancy: Option<String>) -> Result<(), AppError> {
    // Authorisation: none; anyone may apply for an open vacancy.
    let vacancy: crate::domain::VacancyId =
        text(vacancy).parse().map_err(|_| AppError::NotFound)?;
    let services = crate::ports::services()?;
    let (id, secret) = services.applying.start(vacancy, services.clock.now()).await?;
    server::set_secret_cookie(&services, id, &secret);
    leptos_axum::redirect(&Step::AboutYou.path(id));
    Ok(())
}

/// Saves "About you".
#[server(prefix = "/api", endpoint = "apply-about-you")]
pub async fn save_about_you(
    application: String,
    change: Option<String>,
    full_name: Option<String>,
    preferred_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    contact_method: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::application::AboutYouInput;
    let input = AboutYouInput {
        full_name: text(full_name),
        preferred_name: text(preferred_name),
        email: text(email),
        phone: text(phone),
        contact_method: text(contact_method),
    };
    server::save(&application, change, crate::ports::PageInput::AboutYou(input)).await
}

/// Saves "Your eligibility".
#[server(prefix = "/api", endpoint = "apply-eligibility")]
pub async fn save_eligibility(
    application: String,
    change: Option<String>,
    right_to_work: Option<String>,
    notice_period: Option<String>,
    start_day: Option<String>,
    start_month: Option<String>,
    start_year: Option<String>,
    salary: Option<String>,
    screening_1: Option<String>,
    screening_2: Option<String>,
    screening_3: Option<String>,
    screening_4: Option<String>,
    screening_5: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::application::EligibilityInput;
    // One field per question (at most `vacancy_edit::MAX_QUESTIONS`), so a plain form post
    // and the enhanced one send the same names.
    let screening = [screening_1, screening_2, screening_3, screening_4, screening_5]
        .into_iter()
        .map(text)
        .collect();
    let input = EligibilityInput {
        right_to_work: text(right_to_work),
        notice_period: text(notice_period),
        start_day: text(start_day),
        start_month: text(start_month),
        start_year: text(start_year),
        salary: text(salary),
        screening,
    };
    server::save(&application, change, crate::ports::PageInput::Eligibility(input)).await
}

/// Saves the CV (a multipart upload, streamed) and the covering statement.
#[server(prefix = "/api", endpoint = "apply-cv", input = server_fn::codec::MultipartFormData)]
pub async fn save_documents(data: server_fn::codec::MultipartData) -> Result<(), AppError> {
    use futures::StreamExt as _;
    /// The most a text field of this form may hold (the statement's word limit fits easily).
    const TEXT_LIMIT: usize = 64 * 1024;
    let mut form = data.into_inner().ok_or_else(|| AppError::Validation(Vec::new()))?;
    let (mut application, mut change, mut statement) = (String::new(), None, String::new());
    // Text fields come first in the form, so the draft is known before the file streams in.
    while let Some(field) = form.next_field().await.map_err(|_| AppError::Validation(Vec::new()))? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "cv" {
            let (services, id, secret) = server::draft(&application)?;
            let upload = crate::ports::Upload {
                name: field.file_name().unwrap_or_default().to_owned(),
                body: field.map(|chunk| chunk.map_err(std::io::Error::other)).boxed(),
            };
            let next = services
                .applying
                .save_documents(
                    id,
                    &secret,
                    std::mem::take(&mut statement),
                    Some(upload),
                    services.clock.now(),
                )
                .await?;
            server::go_on(id, next, change.is_some());
            return Ok(());
        }
        let mut field = field;
        let mut value = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| AppError::Validation(Vec::new()))? {
            value.extend_from_slice(&chunk);
            if value.len() > TEXT_LIMIT {
                return Err(AppError::field(
                    "covering_statement",
                    "Covering statement must be 750 words or fewer",
                ));
            }
        }
        let value = String::from_utf8(value).map_err(|_| AppError::Validation(Vec::new()))?;
        match name.as_str() {
            "application" => application = value,
            "change" => change = Some(value),
            "covering_statement" => statement = value,
            _ => {}
        }
    }
    // No file field at all (a script, or a browser that left it out): the statement alone.
    let (services, id, secret) = server::draft(&application)?;
    let next = services
        .applying
        .save_documents(id, &secret, statement, None, services.clock.now())
        .await?;
    server::go_on(id, next, change.is_some());
    Ok(())
}

/// Saves the answers to the person specification.
#[server(prefix = "/api", endpoint = "apply-answers")]
pub async fn save_answers(
    application: String,
    change: Option<String>,
    #[server(default)] answers: Vec<String>,
) -> Result<(), AppError> {
    server::save(&application, change, crate::ports::PageInput::Criteria(answers)).await
}

/// Saves how they heard about the job.
#[server(prefix = "/api", endpoint = "apply-source")]
pub async fn save_source(
    application: String,
    change: Option<String>,
    source: Option<String>,
    source_other: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::application::SourceInput;
    let input = SourceInput { source: text(source), source_other: text(source_other) };
    server::save(&application, change, crate::ports::PageInput::Source(input)).await
}

/// Saves the adjustments request.
#[server(prefix = "/api", endpoint = "apply-adjustments")]
pub async fn save_adjustments(
    application: String,
    change: Option<String>,
    adjustments_needed: Option<String>,
    adjustments: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::application::AdjustmentsInput;
    let input = AdjustmentsInput { needed: text(adjustments_needed), details: text(adjustments) };
    server::save(&application, change, crate::ports::PageInput::Adjustments(input)).await
}

/// Gives (box ticked) or withdraws (box not ticked) the reserve-list consent.
#[server(prefix = "/api", endpoint = "apply-reserve-list")]
pub async fn save_reserve_list(
    application: String,
    change: Option<String>,
    reserve_list: Option<String>,
) -> Result<(), AppError> {
    let given = reserve_list.as_deref() == Some("yes");
    server::save(&application, change, crate::ports::PageInput::ReserveList(given)).await
}

/// Saves the main monitoring page, or skips the section.
#[server(prefix = "/api", endpoint = "apply-monitoring")]
pub async fn save_monitoring(
    application: String,
    change: Option<String>,
    skip: Option<String>,
    ethnic_group: Option<String>,
    sex: Option<String>,
    gender_same: Option<String>,
    sexual_orientation: Option<String>,
    religion: Option<String>,
    disability: Option<String>,
    disability_impact: Option<String>,
    age_band: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::monitoring::Monitoring;
    let input = if skip.is_some() {
        crate::ports::PageInput::MonitoringSkipped
    } else {
        crate::ports::PageInput::Monitoring(Monitoring {
            ethnic_group,
            ethnicity: None,
            ethnicity_other: None,
            sex,
            gender_same,
            sexual_orientation,
            religion,
            disability,
            disability_impact,
            age_band,
        })
    };
    server::save(&application, change, input).await
}

/// Saves the ethnic category within the chosen group.
#[server(prefix = "/api", endpoint = "apply-ethnicity")]
pub async fn save_ethnicity(
    application: String,
    change: Option<String>,
    ethnicity: Option<String>,
    ethnicity_other: Option<String>,
) -> Result<(), AppError> {
    server::save(
        &application,
        change,
        crate::ports::PageInput::Ethnicity(ethnicity, ethnicity_other),
    )
    .await
}

/// Sends the application. Sending twice is one application; after the closing time, nothing
/// is sent.
#[server(prefix = "/api", endpoint = "apply-submit")]
pub async fn submit_application(
    application: String,
    declaration: Option<String>,
) -> Result<(), AppError> {
    let (services, id, secret) = server::draft(&application)?;
    services
        .applying
        .submit(id, &secret, declaration.as_deref() == Some("yes"), services.clock.now())
        .await?;
    leptos_axum::redirect(&format!("/apply/{id}/confirmation"));
    Ok(())
}

/// `/vacancies/:id/apply`: what applying involves and how the applicant's data is used.
#[component]
pub fn StartPage() -> impl IntoView {
    let params = use_params_map();
    let detail = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        super::vacancy::vacancy_page,
    );
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <StartContent detail/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StartContent(detail: VacancyDetail) -> impl IntoView {
    let start = ServerAction::<StartApplication>::new();
    let id = detail.summary.id.to_string();
    let title = detail.summary.title.clone();
    let closing = detail.summary.closing_text();
    let problem = move || match start.value().get() {
        Some(Err(AppError::Validation(p))) => p.first().map(|p| p.message.clone()),
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    };
    view! {
        <leptos_meta::Title text=format!("Apply for {title}")/>
        <nav class="back-link-wrap" aria-label="Back">
            <a class="back-link" href=format!("/vacancies/{id}")>"Back to the job advert"</a>
        </nav>
        {move || problem().map(|m| view! {
            <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
                <h2 class="error-summary__title" id="error-summary-title">"There is a problem"</h2>
                <p class="body">{m}</p>
            </div>
        })}
        <span class="caption-l">{detail.summary.team.clone()}</span>
        <h1 class="heading-xl">"Apply for " {detail.summary.title.clone()}</h1>
        {if detail.open_for_applications {
            view! {
                <p class="body">"Applications close on " <strong>{closing}</strong> "."</p>
                <h2 class="heading-m">"Before you start"</h2>
                <p class="body">"You will need:"</p>
                <ul class="list">
                    <li>"your CV as a PDF, Word (DOCX), OpenDocument (ODT), RTF or plain text file"</li>
                    <li>"a covering statement of up to 750 words"</li>
                    <li>"to say how you meet each point of the person specification"</li>
                </ul>
                <p class="body">"It takes about 30 minutes. Your answers are saved as you go, and we email you a link so you can come back to them."</p>
                <super::vacancy::PrivacySection notice=detail.privacy.clone()/>
                <ActionForm action=start>
                    <input type="hidden" name="vacancy" value=id.clone()/>
                    <button type="submit" class="button button--start">"Start now"</button>
                </ActionForm>
            }.into_any()
        } else {
            view! {
                <div class="inset-text">
                    <p class="body">"This vacancy closed on " {closing} ". It is no longer accepting applications."</p>
                </div>
            }.into_any()
        }}
    }
}

/// `/apply/:id/:step`: one page of the form.
#[component]
pub fn StepPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let p = params.read();
        (p.get("id").unwrap_or_default(), p.get("step").unwrap_or_default())
    };
    let view_data = Resource::new(key, |(id, _)| my_application(id));
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let step = Step::from_slug(&key().1);
                match (view_data.await, step) {
                    (Ok(app), Some(step)) => page_for(app, step),
                    (Err(error), _) => view! { <ErrorPage error/> }.into_any(),
                    (_, None) => view! { <ErrorPage error=AppError::NotFound/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn page_for(app: ApplicationView, step: Step) -> AnyView {
    use crate::domain::application::Status;
    if app.status != Status::Draft {
        return view! { <AlreadySent app/> }.into_any();
    }
    if !app.open {
        set_status(410);
        return view! {
            <leptos_meta::Title text="This vacancy has closed"/>
            <h1 class="heading-l">"This vacancy has closed"</h1>
            <p class="body">"Applications for " {app.vacancy_title.clone()} " closed on "
                {crate::domain::time::format_uk_datetime(app.closes_at)} ". Your application was not sent."</p>
        }
        .into_any();
    }
    if !app.applies(step) {
        return view! { <ErrorPage error=AppError::NotFound/> }.into_any();
    }
    match step {
        Step::Check => view! { <check::CheckPage app/> }.into_any(),
        _ => steps::step_form(app, step),
    }
}

#[component]
fn AlreadySent(app: ApplicationView) -> impl IntoView {
    view! {
        <leptos_meta::Title text="Application already sent"/>
        <h1 class="heading-l">"You have already sent this application"</h1>
        <p class="body">"It can no longer be changed. "
            <a class="link" href=format!("/apply/{}/confirmation", app.id)>"See your application reference"</a>"."</p>
    }
}

/// `/apply/:id/confirmation`: the reference, once sent.
#[component]
pub fn ConfirmationPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(move || params.read().get("id").unwrap_or_default(), my_application);
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(app) => match app.reference.clone() {
                        Some(reference) => view! {
                            <leptos_meta::Title text="Application sent"/>
                            <div class="panel panel--confirmation">
                                <h1 class="panel__title">"Application sent"</h1>
                                <div class="panel__body">"Your reference number"<br/><strong>{reference.to_string()}</strong></div>
                            </div>
                            <p class="body">"We have sent a confirmation email to " <strong>{app.about.email.clone()}</strong> "."</p>
                            <h2 class="heading-m">"What happens next"</h2>
                            <p class="body">"After the closing date, the people recruiting for "
                                {app.vacancy_title.clone()} " will read your application. We will email you when there is news."</p>
                            <p class="body"><a class="link" href="/">"See other vacancies at " {app.organisation.clone()}</a></p>
                        }.into_any(),
                        None => view! { <ErrorPage error=AppError::NotFound/> }.into_any(),
                    },
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/apply/link-not-valid`: where an unknown or used resume link lands.
#[component]
pub fn LinkNotValidPage() -> impl IntoView {
    set_status(404);
    view! {
        <leptos_meta::Title text="This link is not valid"/>
        <h1 class="heading-l">"This link is not valid"</h1>
        <p class="body">"The link may have been copied wrongly, or the draft it pointed to has been sent or deleted. Drafts are deleted 30 days after they were last changed."</p>
        <p class="body"><a class="link" href="/">"Go to current vacancies"</a></p>
    }
}
