//! `/reserve-list/:token`: the page the link in a reserve-list renewal email opens, with one
//! button to keep the application for other jobs for another period and one to stop now; and
//! `/reserve-list/join/:token`: the page the link in the "you were found appointable" letter
//! opens, with one button to join the reserve list.
//!
//! The link's secret is the only credential (the applicant need not sign in). Opening the page
//! changes nothing; each button is a plain form post that works without JavaScript and acts
//! only while the consent it was sent about is live. The page shows nothing of the application
//! beyond the job's title.

use super::apply::fields::ProblemSummary;
use super::apply::steps::problems_of;
use super::components::{ErrorPage, LinkNotValid, set_status};
use crate::domain::reserve::{ConsentPage, JoinPage};
use crate::domain::time::format_uk_date;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// What the link opens.
#[server(prefix = "/api", endpoint = "reserve-consent")]
pub async fn load_reserve_consent(token: String) -> Result<ConsentPage, AppError> {
    // Authorisation: the link's secret, checked by the port.
    let services = crate::ports::services()?;
    services.reserve_consents.page(&token, services.clock.now()).await
}

/// Renews the consent.
#[server(prefix = "/api", endpoint = "reserve-renew")]
pub async fn renew_reserve_consent(token: String) -> Result<(), AppError> {
    // Authorisation: the link's secret, checked (with the consent still live) by the port.
    let services = crate::ports::services()?;
    services.reserve_consents.renew(&token, services.clock.now()).await?;
    leptos_axum::redirect(&format!("/reserve-list/{token}?done=renewed"));
    Ok(())
}

/// Withdraws the consent.
#[server(prefix = "/api", endpoint = "reserve-withdraw")]
pub async fn withdraw_reserve_consent(token: String) -> Result<(), AppError> {
    // Authorisation: the link's secret, checked (with the consent still live) by the port.
    let services = crate::ports::services()?;
    services.reserve_consents.withdraw(&token, services.clock.now()).await?;
    leptos_axum::redirect(&format!("/reserve-list/{token}?done=withdrawn"));
    Ok(())
}

/// What the join link opens.
#[server(prefix = "/api", endpoint = "reserve-join-page")]
pub async fn load_reserve_join(token: String) -> Result<JoinPage, AppError> {
    // Authorisation: the link's secret, checked by the port.
    let services = crate::ports::services()?;
    services.reserve_consents.join_page(&token, services.clock.now()).await
}

/// Joins the reserve list.
#[server(prefix = "/api", endpoint = "reserve-join")]
pub async fn join_reserve_list(token: String) -> Result<(), AppError> {
    // Authorisation: the link's secret, checked (unused, unexpired, still appointable) by the
    // port.
    let services = crate::ports::services()?;
    services.reserve_consents.join(&token, services.clock.now()).await?;
    leptos_axum::redirect(&format!("/reserve-list/join/{token}?done=joined"));
    Ok(())
}

/// `/reserve-list/join/:token`.
#[component]
pub fn JoinReserveListPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let data = Resource::new(
        move || (token(), query.read().to_query_string()),
        |(token, _)| load_reserve_join(token),
    );
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(JoinPage::Open { organisation, vacancy_title, months }) => view! {
                        <JoinOpen token=token() organisation vacancy_title months/>
                    }
                    .into_any(),
                    Ok(JoinPage::Joined { organisation, until }) => view! {
                        <Outcome
                            organisation
                            title="You are on our reserve list"
                            body=format!("Thank you. We will keep your application until {} and may invite you to apply for jobs that match it. You can stop this at any time from your applicant page.", format_uk_date(until))
                            status=200
                        />
                    }
                    .into_any(),
                    Ok(JoinPage::Ended { organisation }) => view! {
                        <Outcome
                            organisation
                            title="This link has ended"
                            body="It was for one use, for a limited time. Your applicant page shows what you have agreed to.".to_owned()
                            status=410
                        />
                    }
                    .into_any(),
                    Err(AppError::NotFound) => view! { <NotValid/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Outcome(organisation: String, title: &'static str, body: String, status: u16) -> impl IntoView {
    set_status(status);
    view! {
        <leptos_meta::Title text=title/>
        <span class="caption-l">{organisation}</span>
        <h1 class="heading-l">{title}</h1>
        <p class="body">{body}</p>
        <p class="body"><a class="link" href="/portal/sign-in">"See your applications"</a></p>
    }
}

#[component]
fn JoinOpen(
    token: String,
    organisation: String,
    vacancy_title: String,
    months: u32,
) -> impl IntoView {
    let join = ServerAction::<JoinReserveList>::new();
    let problems = problems_of(join);
    let period = crate::domain::vacancy::months(months);
    view! {
        <leptos_meta::Title text=super::apply::fields::error_title(problems, "Join our reserve list?")/>
        <ProblemSummary problems/>
        <span class="caption-l">{organisation.clone()}</span>
        <h1 class="heading-l">"Join our reserve list?"</h1>
        <p class="body">{format!(
            "You were found appointable for {vacancy_title}, but we do not have a post to offer you now."
        )}</p>
        <p class="body">{format!(
            "If you agree, {organisation} will keep your application for {period} and may contact you to invite you to apply for other jobs that match it. Only our HR team sees the reserve list."
        )}</p>
        <p class="body">"You can stop this at any time from your applicant page. If you do not agree, do nothing: we will not contact you about other jobs, and your application will be deleted at the end of our usual period after a decision."</p>
        <ActionForm action=join>
            <input type="hidden" name="token" value=token/>
            <button type="submit" class="button">"I agree: keep my application for other jobs"</button>
        </ActionForm>
    }
}

/// `/reserve-list/:token`.
#[component]
pub fn ReserveConsentPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let token = move || params.read().get("token").unwrap_or_default();
    // Keyed on the query too: the buttons redirect back here with `?done=…`.
    let data = Resource::new(
        move || (token(), query.read().to_query_string()),
        |(token, _)| load_reserve_consent(token),
    );
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(ConsentPage::Live { organisation, vacancy_title, expires_at, months }) => view! {
                        <Live token=token() organisation vacancy_title expires_at=format_uk_date(expires_at) months/>
                    }
                    .into_any(),
                    Ok(other) => view! { <Ended page=other/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotValid/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NotValid() -> impl IntoView {
    view! {
        <LinkNotValid>
            <p class="body">"Check you copied the whole link from the email. You can also change what you have agreed to from your applicant page."</p>
            <p class="body"><a class="link" href="/portal/sign-in">"Get a link to your applicant page"</a></p>
        </LinkNotValid>
    }
}

#[component]
fn Ended(page: ConsentPage) -> impl IntoView {
    let (title, body, status, organisation) = match page {
        ConsentPage::Renewed { organisation, until } => (
            "We will keep your application for other jobs",
            format!("Thank you. We will keep it until {} unless you tell us to stop.", format_uk_date(until)),
            200,
            organisation,
        ),
        ConsentPage::Withdrawn { organisation } => (
            "We will no longer keep your application for other jobs",
            "It will be deleted at the end of the usual period after the decision.".to_owned(),
            200,
            organisation,
        ),
        ConsentPage::Lapsed { organisation } | ConsentPage::Live { organisation, .. } => (
            "Your agreement has ended",
            "The time you agreed to has passed, so we no longer keep your application for other jobs.".to_owned(),
            410,
            organisation,
        ),
    };
    view! { <Outcome organisation title body status/> }
}

#[component]
fn Live(
    token: String,
    organisation: String,
    vacancy_title: String,
    expires_at: String,
    months: u32,
) -> impl IntoView {
    let renew = ServerAction::<RenewReserveConsent>::new();
    let withdraw = ServerAction::<WithdrawReserveConsent>::new();
    let renew_problems = problems_of(renew);
    let withdraw_problems = problems_of(withdraw);
    let renew_token = token.clone();
    let problems = Signal::derive(move || {
        let mut all = renew_problems.get();
        all.extend(withdraw_problems.get());
        all
    });
    view! {
        <leptos_meta::Title text=super::apply::fields::error_title(problems, "Keep your application for other jobs?")/>
        <ProblemSummary problems/>
        <span class="caption-l">{organisation}</span>
        <h1 class="heading-l">"Keep your application for other jobs?"</h1>
        <p class="body">{format!(
            "You agreed that we may keep your application for {vacancy_title} and contact you about other jobs that match it. That ends on {expires_at}."
        )}</p>
        <ActionForm action=renew>
            <input type="hidden" name="token" value=renew_token/>
            <button type="submit" class="button">{format!("Keep it for another {}", crate::domain::vacancy::months(months))}</button>
        </ActionForm>
        <ActionForm action=withdraw>
            <input type="hidden" name="token" value=token/>
            <button type="submit" class="button button--secondary">"Stop keeping it now"</button>
        </ActionForm>
        <p class="body">"If you do nothing, we stop keeping it for other jobs on that date."</p>
    }
}
