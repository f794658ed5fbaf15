//! The referee's pages: `/reference/:token` (the reference form) and
//! `/reference/:token/decline` (say you cannot give one), with their server functions.
//!
//! A referee has no account: the link emailed to them carries a secret of their own in its
//! path. Opening the page changes nothing; only the form posts (which send the secret back in a
//! hidden field) act, and the port accepts one answer per referee, so a used, expired or
//! no-longer-wanted link is refused with a clear message and nothing changes. Every form is a
//! plain post that works without JavaScript; a form with problems is kept by the server so the
//! page shows it again.
//!
//! These pages show the referee only what they need to answer: who asked, about whom and for
//! which job. They must never show anything else of the application.

use super::apply::fields::{
    DateInput, ErrorMessage, ProblemSummary, Radios, TextInput, WordCountArea, error_title,
    message_for,
};
use super::apply::steps::problems_of;
use super::components::{ErrorPage, LinkNotValid, set_status};
use crate::domain::references::request::{
    OpenRequest, REASON_CHARS, Reemploy, RequestPage, STATEMENT_WORDS,
};
use crate::domain::time::format_uk_date;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// What the referee's link opens.
#[server(prefix = "/api", endpoint = "reference")]
pub async fn load_reference(token: String) -> Result<RequestPage, AppError> {
    // Authorisation: the link's secret, checked by the port.
    let services = crate::ports::services()?;
    services.referee_requests.page(&token, services.clock.now()).await
}

/// Gives the reference.
#[server(prefix = "/api", endpoint = "reference-give")]
pub async fn give_reference(
    token: String,
    referee_role: Option<String>,
    capacity: Option<String>,
    from_month: Option<String>,
    from_year: Option<String>,
    to_month: Option<String>,
    to_year: Option<String>,
    still: Option<String>,
    applicant_role: Option<String>,
    reemploy: Option<String>,
    concerns: Option<String>,
    concerns_details: Option<String>,
    statement: Option<String>,
) -> Result<(), AppError> {
    // Authorisation: the link's secret, checked (with its single use) by the port.
    let services = crate::ports::services()?;
    let input = crate::domain::references::request::ReferenceInput {
        referee_role: referee_role.unwrap_or_default(),
        capacity: capacity.unwrap_or_default(),
        from_month: from_month.unwrap_or_default(),
        from_year: from_year.unwrap_or_default(),
        to_month: to_month.unwrap_or_default(),
        to_year: to_year.unwrap_or_default(),
        still: still.unwrap_or_default(),
        applicant_role: applicant_role.unwrap_or_default(),
        reemploy: reemploy.unwrap_or_default(),
        concerns: concerns.unwrap_or_default(),
        concerns_details: concerns_details.unwrap_or_default(),
        statement: statement.unwrap_or_default(),
    };
    services.referee_requests.give(&token, input, services.clock.now()).await?;
    leptos_axum::redirect(&format!("/reference/{token}?answered=given"));
    Ok(())
}

/// Declines to give a reference.
#[server(prefix = "/api", endpoint = "reference-decline")]
pub async fn decline_reference(token: String, reason: Option<String>) -> Result<(), AppError> {
    // Authorisation: the link's secret, checked (with its single use) by the port.
    let services = crate::ports::services()?;
    let reason = reason.unwrap_or_default();
    services.referee_requests.decline(&token, &reason, services.clock.now()).await?;
    leptos_axum::redirect(&format!("/reference/{token}?answered=declined"));
    Ok(())
}

/// Loads the request behind the link in the address and renders `page` with an open one;
/// every other state has its own page.
fn with_request<F, V>(page: F) -> impl IntoView
where
    F: Fn(String, OpenRequest) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    let params = use_params_map();
    let query = use_query_map();
    let token = move || params.read().get("token").unwrap_or_default();
    // Keyed on the query too: the forms redirect back to `?answered=…`, a navigation within
    // the same route that must show the answered state.
    let data = Resource::new(
        move || (token(), query.read().to_query_string()),
        |(token, _)| load_reference(token),
    );
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || {
                let page = page.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(RequestPage::Open(open)) => page(token(), *open).into_any(),
                        Ok(other) => view! { <Closed page=other/> }.into_any(),
                        Err(AppError::NotFound) => view! { <NotValid/> }.into_any(),
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn NotValid() -> impl IntoView {
    view! {
        <LinkNotValid>
            <p class="body">"Check you copied the whole link from the email. If it still does not work, reply to the email to ask for a new one."</p>
        </LinkNotValid>
    }
}

/// The page of a link that can no longer be answered.
#[component]
fn Closed(page: RequestPage) -> impl IntoView {
    let (title, body, status) = match &page {
        RequestPage::Answered { declined: false, .. } => (
            "Thank you for your reference",
            "We have received it. This link has now been used and no longer works.",
            200,
        ),
        RequestPage::Answered { declined: true, .. } => (
            "Thank you for letting us know",
            "We have recorded that you cannot give a reference. This link has now been used and no longer works.",
            200,
        ),
        RequestPage::Expired { .. } => (
            "This link has ended",
            "Reference links work for 28 days. Reply to the email if you would still like to give a reference.",
            410,
        ),
        RequestPage::NotNeeded { .. } | RequestPage::Open(_) => (
            "This reference is no longer needed",
            "The application has ended or is paused, so we do not need a reference now. Thank you for your time.",
            410,
        ),
    };
    let organisation = match page {
        RequestPage::Answered { organisation, .. }
        | RequestPage::Expired { organisation }
        | RequestPage::NotNeeded { organisation } => organisation,
        RequestPage::Open(open) => open.organisation.clone(),
    };
    set_status(status);
    view! {
        <leptos_meta::Title text=title/>
        <span class="caption-l">{organisation}</span>
        <h1 class="heading-l">{title}</h1>
        <p class="body">{body}</p>
    }
}

/// `/reference/:token`: the reference form.
#[component]
pub fn ReferencePage() -> impl IntoView {
    with_request(|token, open| view! { <ReferenceForm token open/> })
}

#[component]
fn ReferenceForm(token: String, open: OpenRequest) -> impl IntoView {
    let action = ServerAction::<GiveReference>::new();
    let problems = problems_of(action);
    let k = open.kept.clone();
    let decline_href = format!("/reference/{token}/decline");
    let about = format!(
        "{} has applied for {} and named you as a referee. They agreed that we may contact you.",
        open.applicant_name, open.vacancy_title
    );
    let until = format!(
        "This link is for you alone. It works once, until {}. What you write is shared with the people making the hiring decision and deleted with the application.",
        format_uk_date(open.expires_at)
    );
    let reemploy_options: Vec<(&'static str, &'static str)> =
        Reemploy::ALL.iter().map(|r| (r.code(), r.words())).collect();
    let statement_message = message_for(problems, "statement");
    let details_message = message_for(problems, "concerns_details");
    view! {
        <leptos_meta::Title text=error_title(problems, "Give a reference")/>
        <ProblemSummary problems/>
        <span class="caption-l">{open.organisation.clone()}</span>
        <h1 class="heading-l">{format!("Give a reference for {}", open.applicant_name)}</h1>
        <p class="body">{format!("Dear {},", open.referee_name)}</p>
        <p class="body">{about}</p>
        <div class="inset-text"><p class="body">{until}</p></div>
        <p class="body"><a class="link" href=decline_href>"I cannot give a reference"</a></p>
        <ActionForm action attr:novalidate=true>
            <input type="hidden" name="token" value=token/>
            <TextInput id="referee_role" label="Your job title (optional)" value=k.referee_role problems autocomplete="organization-title"/>
            <TextInput id="capacity" label="How do you know the applicant?" value=k.capacity problems
                hint="For example, I was their line manager"/>
            <DateInput prefix="from" legend="When did you start working together?" hint="For example, 3 2021"
                values=(String::new(), k.from_month, k.from_year) problems no_day=true/>
            <DateInput prefix="to" legend="When did you stop working together?"
                hint="For example, 6 2024. Leave blank and tick the box below if you still work together"
                values=(String::new(), k.to_month, k.to_year) problems no_day=true/>
            <div class="checkboxes__item form-group">
                <input class="checkboxes__input" id="still" name="still" type="checkbox" value="yes" checked=k.still == "yes"/>
                <label class="label checkboxes__label" for="still">"We still work together"</label>
            </div>
            <TextInput id="applicant_role" label="What was their job title or role?" value=k.applicant_role problems/>
            <Radios name="reemploy" legend="Would you employ them again?" options=reemploy_options selected=k.reemploy problems
                hint="Choose “Cannot say” if you were not their employer or your organisation does not answer this"/>
            <Radios name="concerns" legend="Do you know of any reason they should not be employed in this kind of work?"
                options=vec![("no", "No"), ("yes", "Yes")] selected=k.concerns problems
                hint="For example, dismissal or a final warning for misconduct. Answer only from what you know yourself."/>
            <div class=move || if details_message.get().is_some() { "form-group form-group--error" } else { "form-group" }>
                <label class="label" for="concerns_details">"If yes, what do you know?"</label>
                <ErrorMessage id="concerns_details-error".to_owned() message=details_message/>
                <textarea class="textarea" id="concerns_details" name="concerns_details" rows="4">{super::components::textarea_text(k.concerns_details)}</textarea>
            </div>
            <WordCountArea id="statement".to_owned() label="Your reference".to_owned() value=k.statement
                limit=STATEMENT_WORDS message=statement_message rows=10/>
            <button type="submit" class="button">"Send reference"</button>
        </ActionForm>
    }
}

/// `/reference/:token/decline`: "I cannot give a reference".
#[component]
pub fn DeclineReferencePage() -> impl IntoView {
    with_request(|token, open| view! { <DeclineForm token open/> })
}

#[component]
fn DeclineForm(token: String, open: OpenRequest) -> impl IntoView {
    let action = ServerAction::<DeclineReference>::new();
    let problems = problems_of(action);
    let back = format!("/reference/{token}");
    let reason_message = message_for(problems, "reason");
    view! {
        <leptos_meta::Title text=error_title(problems, "Tell us you cannot give a reference")/>
        <nav class="back-link-wrap" aria-label="Back">
            <a class="back-link" href=back.clone()>"Back"</a>
        </nav>
        <ProblemSummary problems/>
        <span class="caption-l">{open.organisation.clone()}</span>
        <h1 class="heading-l">{format!("Tell us you cannot give a reference for {}", open.applicant_name)}</h1>
        <p class="body">"Once you send this, the link stops working."</p>
        <ActionForm action attr:novalidate=true>
            <input type="hidden" name="token" value=token/>
            <div class=move || if reason_message.get().is_some() { "form-group form-group--error" } else { "form-group" }>
                <label class="label" for="reason">"Reason (optional)"</label>
                <div class="hint" id="reason-hint">{format!("For example, you did not work with them. Up to {REASON_CHARS} characters.")}</div>
                <ErrorMessage id="reason-error".to_owned() message=reason_message/>
                <textarea class="textarea" id="reason" name="reason" rows="4" aria-describedby="reason-hint"></textarea>
            </div>
            <div class="button-group">
                <button type="submit" class="button button--warning">"I cannot give a reference"</button>
                <a class="link" href=back>"Cancel"</a>
            </div>
        </ActionForm>
    }
}
