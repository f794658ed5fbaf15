//! The pages about a person's data in the applicant portal: `/portal/data-request` (a request
//! about your data, logged in the rights register), `/portal/erase` (what erasing means, and
//! the confirmation) and `/portal/erased` (after it). The erasure itself and the downloads are
//! the server's handlers (`server::http::rights`): they run the purge and stream files.
//!
//! Like the rest of the portal, these pages know the applicant only by the link's cookie, and
//! must never show equal-opportunities answers or anything staff have written.

use super::with_portal;
use crate::domain::portal::PortalView;
use crate::pages::apply::fields::{ProblemSummary, Radios, WordCountArea, error_title};
use crate::pages::apply::steps::problems_of;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/portal/data-request`: a rights request, made as the link's holder.
#[component]
pub fn DataRequestPage() -> impl IntoView {
    with_portal(|_| view! { <DataRequestContent/> })
}

#[component]
fn DataRequestContent() -> impl IntoView {
    let action = ServerAction::<super::MakeRightsRequest>::new();
    let problems = problems_of(action);
    let message = Signal::derive(move || {
        problems.get().into_iter().find(|p| p.field == "details").map(|p| p.message)
    });
    let options: Vec<(&'static str, &'static str)> = crate::domain::rights::RequestKind::ALL
        .into_iter()
        .map(|k| (k.code(), k.portal_words()))
        .collect();
    view! {
        <leptos_meta::Title text=error_title(problems, "Make a request about your data")/>
        <nav class="back-link-wrap" aria-label="Back">
            <a class="back-link" href="/portal">"Back"</a>
        </nav>
        <ProblemSummary problems/>
        <h1 class="heading-l">"Make a request about your data"</h1>
        <p class="body">"Your request goes to our HR team. Because you opened this page from the link we emailed you, you do not need to prove who you are again. We will answer within one month, and tell you if we need longer and why."</p>
        <ActionForm action attr:novalidate=true>
            <Radios name="kind" legend="What would you like us to do?" options selected="" problems/>
            <WordCountArea
                id="details".to_owned()
                label="Tell us more (optional)".to_owned()
                value=""
                limit=crate::domain::rights::register::PORTAL_DETAILS_WORDS
                message
                rows=5
            />
            <button type="submit" class="button">"Send request"</button>
        </ActionForm>
    }
}

/// `/portal/erase`: what erasing means, and the confirmation. A plain form post to the server's
/// handler (`server::http::rights::portal_erase`), which runs the purge at once.
#[component]
pub fn ErasePage() -> impl IntoView {
    with_portal(|portal| view! { <EraseContent portal/> })
}

#[component]
fn EraseContent(portal: PortalView) -> impl IntoView {
    let query = use_query_map();
    let (error, reference) = query.with_untracked(|q| (q.get("error"), q.get("reference")));
    // Shown only if it has the register's shape: the query is anyone's to write.
    let reference = reference.filter(|r| crate::domain::rights::register::looks_like_reference(r));
    let confirm_error = (error.as_deref() == Some("confirm"))
        .then_some("Tick the box to confirm you want us to erase your data");
    let problems: Vec<crate::error::FieldError> = confirm_error
        .map(|m| vec![crate::error::FieldError::new("confirm", m)])
        .unwrap_or_default();
    let problems = Signal::stored(problems);
    let held = error.as_deref() == Some("held");
    let group = if confirm_error.is_some() { "form-group form-group--error" } else { "form-group" };
    view! {
        <leptos_meta::Title text=error_title(problems, "Erase your data")/>
        <nav class="back-link-wrap" aria-label="Back">
            <a class="back-link" href="/portal">"Back"</a>
        </nav>
        <ProblemSummary problems/>
        {held.then(|| view! {
            <div class="notification-banner" role="region" aria-labelledby="held-title">
                <div class="notification-banner__header">
                    <h2 class="notification-banner__title" id="held-title">"Important"</h2>
                </div>
                <div class="notification-banner__content">
                    <p class="notification-banner__heading">"We cannot erase your data yet"</p>
                    <p class="body">"We have to keep it while a legal matter is dealt with (a legal hold), so nothing has been erased. Your request is recorded"
                        {reference.clone().map(|r| format!(" with the reference {r}"))}
                        ". We will erase your data when the hold ends, or explain why we cannot."</p>
                </div>
            </div>
        })}
        <span class="caption-l">{portal.organisation.clone()}</span>
        <h1 class="heading-l">"Erase your data"</h1>
        <p class="body">"We will delete everything we hold about you, at once and for good:"</p>
        <ul class="list list--bullet">
            <li>"your applications, answers and documents"</li>
            <li>"selectors' scores and notes, interview records and references about you"</li>
            <li>"your equal-opportunities answers and consents"</li>
            <li>"emails we sent you and this link"</li>
        </ul>
        <p class="body">"Any application still in progress ends: we cannot consider an application we no longer hold. We keep only counts that cannot identify you, and a record that we received and carried out your request."</p>
        <p class="body">"If you want a copy first, " <a class="link" href="/portal/data/download" download="">"download your data"</a> " before you continue."</p>
        {(!portal.applications.is_empty()).then(|| view! {
            <h2 class="heading-m">"Applications that will be erased"</h2>
            <ul class="list list--bullet">
                {portal.applications.iter().map(|a| view! {
                    <li>{format!("{} ({})", a.vacancy_title, a.reference)}</li>
                }).collect_view()}
            </ul>
        })}
        <form method="post" action="/portal/erase" novalidate>
            <div class=group>
                {confirm_error.map(|m| view! {
                    <p class="error-message" id="confirm-error"><span class="visually-hidden">"Error: "</span>{m}</p>
                })}
                <div class="checkboxes__item">
                    <input class="checkboxes__input" id="confirm" name="confirm" type="checkbox" value="yes"
                        aria-describedby=confirm_error.map(|_| "confirm-error")/>
                    <label class="label checkboxes__label" for="confirm">
                        "I understand that my data will be erased at once and cannot be recovered"
                    </label>
                </div>
            </div>
            <div class="button-group">
                <button type="submit" class="button button--warning">"Erase my data"</button>
                <a class="link" href="/portal">"Cancel"</a>
            </div>
        </form>
    }
}

/// `/portal/erased`: the confirmation after an erasure. Needs no link (it has gone with the
/// data); shows the register reference from the query only if it looks like one.
#[component]
pub fn ErasedPage() -> impl IntoView {
    let query = use_query_map();
    let reference = query
        .with_untracked(|q| q.get("reference"))
        .filter(|r| crate::domain::rights::register::looks_like_reference(r));
    view! {
        <leptos_meta::Title text="Your data has been erased"/>
        <div class="panel panel--confirmation">
            <h1 class="panel__title">"Your data has been erased"</h1>
            {reference.map(|r| view! { <div class="panel__body">"Your reference is" <br/><strong>{r}</strong></div> })}
        </div>
        <p class="body">"We have deleted your applications, documents and everything else we held about you. The link you used no longer works."</p>
        <p class="body">"We keep a record that we received and carried out your request, under the reference above, with no other details about you."</p>
    }
}
