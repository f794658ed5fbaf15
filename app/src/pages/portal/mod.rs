//! The applicant portal: `/portal` (your applications, and downloads of your data),
//! `/portal/withdraw/:id` (confirm a withdrawal), `/portal/contact` (correct contact details),
//! `/portal/sign-in` (send me a new link) and, in [`your_data`], `/portal/data-request`,
//! `/portal/erase` and `/portal/erased`, with the server functions of all of them. Downloads
//! and the erasure itself are the server's handlers (`server::http::rights`): they stream files
//! and run the purge.
//!
//! The applicant is known by a portal link's secret, held in an HttpOnly cookie set when they
//! open the emailed link (`server::http::applying::open_portal`). Every server function reads
//! that cookie and lets the port decide; an application id in a form is never trusted on its
//! own. Every form is a plain post that works without JavaScript (Post/Redirect/Get); outcomes
//! travel as codes in the query (`?done=withdrawn`), never as typed text.
//!
//! These pages must never show equal-opportunities answers or anything staff have written.

use super::apply::fields::{ProblemSummary, Radios, TextInput, error_title};
use super::apply::steps::problems_of;
use super::components::{ErrorPage, SuccessBanner, SummaryRow};
use crate::domain::portal::{PortalApplication, PortalView};
use crate::domain::time::{format_uk_date, format_uk_datetime};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

mod your_data;
pub use your_data::{DataRequestPage, ErasePage, ErasedPage};

/// The portal cookie's name (`__Host-` prefixed over TLS).
#[must_use]
pub fn cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-shortlist-portal" } else { "shortlist-portal" }
}

/// The `Set-Cookie` value that gives this browser a portal link's secret: HttpOnly,
/// `SameSite=Lax` (sent when the applicant follows the emailed link), until the link expires.
#[must_use]
pub fn secret_cookie(secret: &str, max_age_seconds: i64, secure: bool) -> String {
    format!(
        "{}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{}",
        cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

#[cfg(feature = "ssr")]
mod server {
    use crate::error::AppError;
    use crate::ports::{Services, request_cookie, services};

    /// The services and this browser's portal secret; no cookie is `SignInRequired`.
    pub fn holder() -> Result<(Services, String), AppError> {
        let services = services()?;
        let secret = request_cookie(super::cookie_name(services.secure_cookies))
            .ok_or(AppError::SignInRequired)?;
        Ok((services, secret))
    }

    /// An application id from a form; a malformed one is "not found", like someone else's.
    pub fn application(raw: &str) -> Result<crate::domain::ApplicationId, AppError> {
        raw.parse().map_err(|_| AppError::NotFound)
    }
}

/// Everything the portal shows, for the holder of a live portal link.
#[server(prefix = "/api", endpoint = "portal")]
pub async fn load_portal() -> Result<PortalView, AppError> {
    // Authorisation: the portal link's secret, checked by the port.
    let (services, secret) = server::holder()?;
    services.portal.view(&secret, services.clock.now()).await
}

/// "Send me a new link": the same answer whether or not the address is known.
#[server(prefix = "/api", endpoint = "portal-request-link")]
pub async fn request_portal_link(email: Option<String>) -> Result<(), AppError> {
    // Authorisation: none; anyone may ask, and learns nothing from the answer.
    let services = crate::ports::services()?;
    services.portal.request_link(&email.unwrap_or_default(), services.clock.now()).await?;
    leptos_axum::redirect("/portal/sign-in?sent=1");
    Ok(())
}

/// Withdraws one of the holder's applications.
#[server(prefix = "/api", endpoint = "portal-withdraw")]
pub async fn withdraw_application(application: String) -> Result<(), AppError> {
    // Authorisation: the portal secret, and the application must be the holder's (port).
    let (services, secret) = server::holder()?;
    let id = server::application(&application)?;
    services.portal.withdraw(&secret, id, services.clock.now()).await?;
    leptos_axum::redirect("/portal?done=withdrawn");
    Ok(())
}

/// Gives or withdraws the reserve-list consent of one of the holder's applications.
#[server(prefix = "/api", endpoint = "portal-reserve-list")]
pub async fn set_reserve_list(application: String, give: Option<String>) -> Result<(), AppError> {
    // Authorisation: the portal secret, and the application must be the holder's (port).
    let (services, secret) = server::holder()?;
    let id = server::application(&application)?;
    let give = give.as_deref() == Some("yes");
    services.portal.set_reserve_list(&secret, id, give, services.clock.now()).await?;
    // The application in the address makes each change a new address, so the page reloads
    // its data even after the same change to another application.
    let done = if give { "reserve-given" } else { "reserve-withdrawn" };
    leptos_axum::redirect(&format!("/portal?done={done}&application={id}"));
    Ok(())
}

/// Corrects the holder's contact details on all their applications. A new email address
/// ends this portal link (a new one is sent to the new address).
#[server(prefix = "/api", endpoint = "portal-contact")]
pub async fn correct_contact(
    full_name: Option<String>,
    preferred_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    contact_method: Option<String>,
) -> Result<(), AppError> {
    // Authorisation: the portal secret, checked by the port.
    let (services, secret) = server::holder()?;
    let input = crate::domain::application::AboutYouInput {
        full_name: full_name.unwrap_or_default(),
        preferred_name: preferred_name.unwrap_or_default(),
        email: email.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
        contact_method: contact_method.unwrap_or_default(),
    };
    let moved = services.portal.correct_contact(&secret, input, services.clock.now()).await?;
    if moved {
        crate::ports::set_cookie(&secret_cookie("", 0, services.secure_cookies));
        leptos_axum::redirect("/portal/sign-in?moved=1");
    } else {
        leptos_axum::redirect("/portal?done=contact");
    }
    Ok(())
}

/// Makes a rights request (access, correction, erasure, …) as the portal link's holder.
#[server(prefix = "/api", endpoint = "portal-rights-request")]
pub async fn make_rights_request(
    kind: Option<String>,
    details: Option<String>,
) -> Result<(), AppError> {
    // Authorisation: the portal secret, checked by the port (the request is the holder's own).
    let (services, secret) = server::holder()?;
    let input = crate::domain::rights::register::PortalRequestInput {
        kind: kind.unwrap_or_default(),
        details: details.unwrap_or_default(),
    };
    services.portal.rights_request(&secret, input, services.clock.now()).await?;
    leptos_axum::redirect("/portal?done=rights-request");
    Ok(())
}

/// Names a referee for one of the holder's applications, with consent to contact them.
#[server(prefix = "/api", endpoint = "portal-referee")]
pub async fn add_referee(
    application: String,
    referee_name: Option<String>,
    referee_email: Option<String>,
    relationship: Option<String>,
    organisation: Option<String>,
    consent: Option<String>,
) -> Result<(), AppError> {
    // Authorisation: the portal secret, and the application must be the holder's (port).
    let (services, secret) = server::holder()?;
    let id = server::application(&application)?;
    let input = crate::domain::references::RefereeInput {
        name: referee_name.unwrap_or_default(),
        email: referee_email.unwrap_or_default(),
        relationship: relationship.unwrap_or_default(),
        organisation: organisation.unwrap_or_default(),
        consent: consent.unwrap_or_default(),
    };
    services.portal.add_referee(&secret, id, input, services.clock.now()).await?;
    leptos_axum::redirect(&format!("/portal?done=referee&application={id}"));
    Ok(())
}

/// Signs out of the portal: the link stops working at once.
#[server(prefix = "/api", endpoint = "portal-sign-out")]
pub async fn portal_sign_out() -> Result<(), AppError> {
    // Authorisation: only the holder's own link is ended; none needed beyond the cookie.
    let services = crate::ports::services()?;
    if let Some(secret) = crate::ports::request_cookie(cookie_name(services.secure_cookies)) {
        services.portal.sign_out(&secret, services.clock.now()).await?;
    }
    crate::ports::set_cookie(&secret_cookie("", 0, services.secure_cookies));
    leptos_axum::redirect("/portal/sign-in?signed-out=1");
    Ok(())
}

/// Loads the portal and renders `page` with it, or the right error page (a dead or missing
/// link sends the applicant to the page that sends a new one).
fn with_portal<F, V>(page: F) -> impl IntoView
where
    F: Fn(PortalView) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    // Keyed on the query: the portal's own forms redirect back to `/portal?done=…`, a
    // navigation within the same route that must show the changed applications.
    let query = use_query_map();
    let data = Resource::new(move || query.read().to_query_string(), |_| load_portal());
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || {
                let page = page.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(portal) => page(portal).into_any(),
                        Err(AppError::SignInRequired) => view! { <LinkEnded/> }.into_any(),
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn LinkEnded() -> impl IntoView {
    super::components::set_status(401);
    view! {
        <leptos_meta::Title text="Your link has ended"/>
        <h1 class="heading-l">"Your link has ended"</h1>
        <p class="body">"Links to your applications work for 7 days, and end when you sign out or change your email address."</p>
        <p class="body"><a class="link" href="/portal/sign-in">"Get a new link by email"</a></p>
    }
}

/// `/portal`: the applicant's applications.
#[component]
pub fn PortalPage() -> impl IntoView {
    with_portal(|portal| view! { <PortalContent portal/> })
}

fn banner_for(code: &str) -> Option<&'static str> {
    match code {
        "withdrawn" => Some("Your application has been withdrawn."),
        "reserve-given" => Some("We will keep your application for other jobs."),
        "reserve-withdrawn" => Some("We will no longer keep your application for other jobs."),
        "contact" => Some("Your contact details have been updated."),
        "referee" => Some("Referee added. We will not contact them until we are ready to."),
        "rights-request" => Some(
            "Your request has been sent. We have emailed you its reference and the date we will answer by.",
        ),
        _ => None,
    }
}

#[component]
fn PortalContent(portal: PortalView) -> impl IntoView {
    let query = use_query_map();
    let banner = query.read_untracked().get("done").as_deref().and_then(banner_for);
    let sign_out = ServerAction::<PortalSignOut>::new();
    let c = portal.contact.clone();
    let wording = portal.reserve_list_wording.clone();
    view! {
        <leptos_meta::Title text="Your applications"/>
        {banner.map(|text| view! { <SuccessBanner text/> })}
        <span class="caption-l">{portal.organisation.clone()}</span>
        <h1 class="heading-l">"Your applications"</h1>
        {if portal.applications.is_empty() {
            view! { <p class="body">"There are no applications from this email address."</p> }.into_any()
        } else {
            portal.applications.iter().cloned()
                .map(|a| view! { <ApplicationCard app=a wording=wording.clone()/> })
                .collect_view().into_any()
        }}
        <h2 class="heading-m" id="contact">"Your contact details"</h2>
        <dl class="summary-list">
            <SummaryRow key="Full name" value=c.full_name.clone()/>
            <SummaryRow key="Preferred name" value=if c.preferred_name.is_empty() { "None given".to_owned() } else { c.preferred_name.clone() }/>
            <SummaryRow key="Email address" value=c.email.clone()/>
            <SummaryRow key="Phone number" value=if c.phone.is_empty() { "None given".to_owned() } else { c.phone.clone() }/>
            <SummaryRow key="Contact by" value=if c.contact_method == "phone" { "Phone" } else { "Email" }/>
        </dl>
        <p class="body"><a class="link" href="/portal/contact">"Correct your contact details"</a></p>
        <h2 class="heading-m" id="your-data">"Your data"</h2>
        <p class="body">"You can ask for a copy of the data we hold about you, or ask us to correct it, delete it, stop using it for now, or stop using it for something you object to. We answer within one month."</p>
        <p class="body">"You can download a copy of what we hold about you now. It has everything except what your referees wrote: those are another person's words, which we check before sending them in answer to an access request."</p>
        <p class="body"><a class="link" href="/portal/data/download" download="">"Download a copy of your data (ZIP file)"</a></p>
        {(!portal.released.is_empty()).then(|| view! {
            <h3 class="heading-s">"Copies prepared for your requests"</h3>
            <ul class="list">
                {portal.released.iter().map(|r| {
                    let href = format!("/portal/data/download/{}", r.reference);
                    let label = format!("Download the copy for request {} (released {})",
                        r.reference, crate::domain::time::format_day(r.released_on));
                    view! { <li><a class="link" href=href download="">{label}</a></li> }
                }).collect_view()}
            </ul>
        })}
        <p class="body"><a class="link" href="/portal/data-request">"Make a request about your data"</a></p>
        <p class="body"><a class="link" href="/portal/erase">"Erase your data"</a></p>
        <h2 class="heading-m">"Signing out"</h2>
        <p class="body">"This link works until " {format_uk_datetime(portal.link_expires_at)}
            ". Sign out to end it now, for example on a shared computer."</p>
        <ActionForm action=sign_out>
            <button type="submit" class="button button--secondary">"Sign out"</button>
        </ActionForm>
    }
}

#[component]
fn ApplicationCard(app: PortalApplication, wording: String) -> impl IntoView {
    let reserve = ServerAction::<SetReserveList>::new();
    let id = app.id.to_string();
    let heading_id = format!("application-{}", app.reference);
    let reserve_words = match (app.reserve_list.given_at, app.reserve_list.expires_at) {
        (Some(given), Some(until)) => format!(
            "Yes: you agreed on {}. It lasts until {} unless you withdraw it.",
            format_uk_date(given),
            format_uk_date(until)
        ),
        _ => "No".to_owned(),
    };
    let on_list = app.reserve_list.given_at.is_some();
    let withdraw_href = format!("/portal/withdraw/{id}");
    let referees = app.referees.clone().map(|r| {
        view! { <Referees referees=r id=id.clone() title=app.vacancy_title.clone()/> }
    });
    view! {
        <section class="portal-application" aria-labelledby=heading_id.clone()>
            <h2 class="heading-m" id=heading_id.clone()>{app.vacancy_title.clone()}</h2>
            <dl class="summary-list">
                <SummaryRow key="Reference" value=app.reference.to_string()/>
                <SummaryRow key="Sent" value=format_uk_datetime(app.submitted_at)/>
                <SummaryRow key="Status" value=app.status_words()/>
                {app.withdrawn_at.map(|at| view! { <SummaryRow key="Withdrawn" value=format_uk_datetime(at)/> })}
                <SummaryRow key="Kept for other jobs" value=reserve_words/>
            </dl>
            {if on_list {
                view! {
                    <ActionForm action=reserve>
                        <input type="hidden" name="application" value=id.clone()/>
                        <input type="hidden" name="give" value="no"/>
                        <button type="submit" class="button button--secondary">
                            "Stop keeping this application for other jobs"
                        </button>
                    </ActionForm>
                }.into_any()
            } else if app.can_join_reserve_list() {
                view! {
                    <details class="details">
                        <summary class="details__summary">"Keep this application for other jobs"</summary>
                        <div class="details__text">
                            <p class="body">{wording.clone()}</p>
                            <ActionForm action=reserve>
                                <input type="hidden" name="application" value=id.clone()/>
                                <input type="hidden" name="give" value="yes"/>
                                <button type="submit" class="button">"I agree: keep my application"</button>
                            </ActionForm>
                        </div>
                    </details>
                }.into_any()
            } else {
                ().into_any()
            }}
            {referees}
            {app.can_withdraw().then(|| view! {
                <p class="body">
                    <a class="link" href=withdraw_href.clone()>
                        "Withdraw this application"<span class="visually-hidden">" for " {app.vacancy_title.clone()}</span>
                    </a>
                </p>
            })}
        </section>
    }
}

#[component]
fn Referees(
    referees: crate::domain::references::PortalReferees,
    id: String,
    title: String,
) -> impl IntoView {
    let named = referees.referees.len();
    view! {
        <h3 class="heading-s">"Referees"</h3>
        <p class="body">{format!("We have asked for {} referee{}. You have named {named}.", referees.wanted, if referees.wanted == 1 { "" } else { "s" })}</p>
        {(!referees.referees.is_empty()).then(|| view! {
            <ul class="list">
                {referees.referees.iter().map(|r| view! {
                    <li>{format!("{} ({}), {}", r.name, r.email, r.relationship)}</li>
                }).collect_view()}
            </ul>
        })}
        {referees.can_add.then(|| view! {
            <p class="body"><a class="link" href=format!("/portal/referees/{id}")>
                "Name a referee"<span class="visually-hidden">" for " {title.clone()}</span>
            </a></p>
        })}
    }
}

/// `/portal/referees/:id`: name a referee, with consent to contact them.
#[component]
pub fn RefereePage() -> impl IntoView {
    let params = use_params_map();
    let wanted = params.read_untracked().get("id").unwrap_or_default();
    with_portal(move |portal| {
        let found = portal.application(&wanted);
        match found {
            Some(app) => match app.referees.clone() {
                Some(r) if r.can_add => view! { <RefereeForm app referees=r/> }.into_any(),
                _ => view! {
                    <leptos_meta::Title text="No referees needed"/>
                    <h1 class="heading-l">"You do not need to name a referee for this application"</h1>
                    <p class="body">"Either we have not asked for referees, you have named all we asked for, or the application has ended."</p>
                    <p class="body"><a class="link" href="/portal">"Back to your applications"</a></p>
                }
                .into_any(),
            },
            None => view! { <ErrorPage error=AppError::NotFound/> }.into_any(),
        }
    })
}

#[component]
fn RefereeForm(
    app: PortalApplication,
    referees: crate::domain::references::PortalReferees,
) -> impl IntoView {
    let action = ServerAction::<AddReferee>::new();
    let problems = problems_of(action);
    view! {
        <leptos_meta::Title text=error_title(problems, "Name a referee")/>
        <nav class="back-link-wrap" aria-label="Back">
            <a class="back-link" href="/portal">"Back"</a>
        </nav>
        <ProblemSummary problems/>
        <span class="caption-l">{app.vacancy_title.clone()}</span>
        <h1 class="heading-l">"Name a referee"</h1>
        <p class="body">"Choose someone who knows your work, such as a current or recent manager. Tell them first that you are naming them."</p>
        <ActionForm action attr:novalidate=true>
            <input type="hidden" name="application" value=app.id.to_string()/>
            <TextInput id="referee_name" label="Their full name" value="" problems autocomplete="off"/>
            <TextInput id="referee_email" label="Their email address" value="" problems kind="email" autocomplete="off"
                hint="We will send the reference request here"/>
            <TextInput id="relationship" label="How do you know them?" value="" problems
                hint="For example, my line manager at Leeds City Council from 2021 to 2024"/>
            <TextInput id="organisation" label="Where do they work? (optional)" value="" problems/>
            <div class="form-group" id="consent-group">
                <fieldset class="fieldset">
                    <legend class="fieldset__legend fieldset__legend--s">"Agreement to contact them"</legend>
                    <ConsentError problems/>
                    <div class="checkboxes__item">
                        <input class="checkboxes__input" id="consent" name="consent" type="checkbox" value="yes"/>
                        <label class="label checkboxes__label" for="consent">{referees.consent.clone()}</label>
                    </div>
                </fieldset>
            </div>
            <button type="submit" class="button">"Add referee"</button>
        </ActionForm>
    }
}

#[component]
fn ConsentError(problems: super::apply::fields::Problems) -> impl IntoView {
    move || {
        problems.get().into_iter().find(|p| p.field == "consent").map(|p| view! {
            <p class="error-message" id="consent-error"><span class="visually-hidden">"Error: "</span>{p.message}</p>
        })
    }
}

/// `/portal/withdraw/:id`: "Are you sure?" before withdrawing.
#[component]
pub fn WithdrawPage() -> impl IntoView {
    let params = use_params_map();
    let wanted = params.read_untracked().get("id").unwrap_or_default();
    with_portal(move |portal| {
        let found = portal.application(&wanted);
        match found {
            Some(app) if app.can_withdraw() => {
                view! { <WithdrawContent app retention_months=portal.retention_months/> }.into_any()
            }
            Some(app) if app.decided.is_some() => view! {
                <leptos_meta::Title text="This application has been decided"/>
                <h1 class="heading-l">"You cannot withdraw this application"</h1>
                <p class="body">{format!("A decision has already been made on it: {}.", app.status_words())}</p>
                <p class="body"><a class="link" href="/portal">"Back to your applications"</a></p>
            }
            .into_any(),
            Some(_) => view! {
                <leptos_meta::Title text="Application already withdrawn"/>
                <h1 class="heading-l">"You have already withdrawn this application"</h1>
                <p class="body"><a class="link" href="/portal">"Back to your applications"</a></p>
            }
            .into_any(),
            None => view! { <ErrorPage error=AppError::NotFound/> }.into_any(),
        }
    })
}

#[component]
fn WithdrawContent(app: PortalApplication, retention_months: u32) -> impl IntoView {
    let action = ServerAction::<WithdrawApplication>::new();
    view! {
        <leptos_meta::Title text="Withdraw your application"/>
        <nav class="back-link-wrap" aria-label="Back">
            <a class="back-link" href="/portal">"Back"</a>
        </nav>
        <span class="caption-l">{app.vacancy_title.clone()}</span>
        <h1 class="heading-l">"Are you sure you want to withdraw your application?"</h1>
        <div class="warning-text">
            <span class="warning-text__icon" aria-hidden="true">"!"</span>
            <strong class="warning-text__text">
                <span class="visually-hidden">"Warning: "</span>
                "You cannot undo this. We will stop considering you for this job."
            </strong>
        </div>
        <p class="body">{format!(
            "We keep a withdrawn application for {}, then delete it, unless you have agreed that we may keep it longer for other jobs.",
            crate::domain::vacancy::months(retention_months)
        )}</p>
        <ActionForm action>
            <input type="hidden" name="application" value=app.id.to_string()/>
            <div class="button-group">
                <button type="submit" class="button button--warning">"Withdraw application"</button>
                <a class="link" href="/portal">"Cancel"</a>
            </div>
        </ActionForm>
    }
}

/// `/portal/contact`: correct contact details.
#[component]
pub fn ContactPage() -> impl IntoView {
    with_portal(|portal| view! { <ContactContent portal/> })
}

#[component]
fn ContactContent(portal: PortalView) -> impl IntoView {
    let action = ServerAction::<CorrectContact>::new();
    let problems = problems_of(action);
    let c = portal.contact;
    view! {
        <leptos_meta::Title text=error_title(problems, "Your contact details")/>
        <nav class="back-link-wrap" aria-label="Back">
            <a class="back-link" href="/portal">"Back"</a>
        </nav>
        <ProblemSummary problems/>
        <h1 class="heading-l">"Your contact details"</h1>
        <p class="body">"Changes apply to all your applications. If you change your email address, this link ends and we send a new one to the new address."</p>
        <ActionForm action attr:novalidate=true>
            <TextInput id="full_name" label="Full name" value=c.full_name problems autocomplete="name"/>
            <TextInput id="preferred_name" label="Preferred name (optional)" value=c.preferred_name problems autocomplete="nickname"/>
            <TextInput id="email" label="Email address" value=c.email problems kind="email" autocomplete="email"/>
            <TextInput id="phone" label="Phone number (optional)" value=c.phone problems kind="tel" autocomplete="tel"
                width="input--width-20" hint="For international numbers include the country code"/>
            <Radios name="contact_method" legend="How would you like us to contact you?"
                options=vec![("email", "Email"), ("phone", "Phone")] selected=c.contact_method problems/>
            <button type="submit" class="button">"Save changes"</button>
        </ActionForm>
    }
}

/// `/portal/sign-in`: "Get a link to your applications".
#[component]
pub fn PortalSignInPage() -> impl IntoView {
    // Read reactively: the form's own redirect (`?sent=1`) is a navigation within this route.
    let query = use_query_map();
    move || {
        let q = query.read();
        if q.get("sent").is_some() {
            return view! { <LinkSent/> }.into_any();
        }
        let note = if q.get("link").is_some() {
            Some(
                "That link has ended. Links work for 7 days, and end when you sign out or change your email address.",
            )
        } else if q.get("moved").is_some() {
            Some("Your email address has been changed. We have sent a new link to the new address.")
        } else if q.get("signed-out").is_some() {
            Some("You have signed out. The link you used no longer works.")
        } else {
            None
        };
        view! { <LinkForm note/> }.into_any()
    }
}

#[component]
fn LinkSent() -> impl IntoView {
    view! {
        <leptos_meta::Title text="Check your email"/>
        <h1 class="heading-l">"Check your email"</h1>
        <p class="body">"If we hold applications made with that email address, we have sent it a link to them. It works for 7 days."</p>
        <p class="body">"The email may take a few minutes to arrive. Check your spam folder if it does not."</p>
        <p class="body"><a class="link" href="/portal/sign-in">"Send another link"</a></p>
    }
}

#[component]
fn LinkForm(note: Option<&'static str>) -> impl IntoView {
    let action = ServerAction::<RequestPortalLink>::new();
    let problems = problems_of(action);
    view! {
        <leptos_meta::Title text=error_title(problems, "Get a link to your applications")/>
        <ProblemSummary problems/>
        {note.map(|n| view! { <div class="inset-text"><p class="body">{n}</p></div> })}
        <h1 class="heading-l">"Get a link to your applications"</h1>
        <p class="body">"Enter the email address you applied with. We will email you a link to see your applications, withdraw one, correct your details or change what you have agreed to."</p>
        <ActionForm action attr:novalidate=true>
            <TextInput id="email" label="Email address" value=String::new() problems kind="email" autocomplete="email"/>
            <button type="submit" class="button">"Send me a link"</button>
        </ActionForm>
    }
}
