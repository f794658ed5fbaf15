//! Organisation settings for HR administrators: `/staff/settings/privacy-notice`, the words
//! every vacancy page shows about how applicants' data is used, and
//! `/staff/settings/rejections`, the reasons selectors reject with and the letter applicants
//! receive.
//!
//! Reads go through server functions that authorise `ManageSettings`; saves are plain form
//! posts to `server/src/http/users.rs`, which authorise again. The retention
//! periods are shown but not editable here: they come from configuration, so the notice can
//! never promise a period the purge does not keep.

use super::apply::fields::{ErrorMessage, ProblemSummary, error_title, message_for};
use super::components::{ErrorPage, SuccessBanner, textarea_text};
use crate::domain::vacancy::PrivacyNoticeSettings;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The privacy-notice settings; with `rejected`, the caller's refused input and its message.
#[server(prefix = "/api", endpoint = "privacy-notice-settings")]
pub async fn privacy_notice_page(rejected: bool) -> Result<PrivacyNoticeSettings, AppError> {
    use crate::domain::access::{Action, authorise, signed_in};
    use crate::domain::vacancy::{DEFAULT_PRIVACY_NOTICE, check_privacy_notice};
    let actor = crate::ports::current_actor();
    authorise(&actor, Action::ManageSettings)?;
    let me = signed_in(&actor)?;
    let services = crate::ports::services()?;
    let notice = services.careers.privacy_notice().await?;
    let kept = if rejected {
        services
            .staff_directory
            .rejected_input(me.id, "privacy-notice", services.clock.now())
            .await?
    } else {
        None
    };
    let (text, problems) = match kept {
        Some(text) => {
            let problems = check_privacy_notice(&text).err().into_iter().collect();
            (text, problems)
        }
        None => (
            notice.custom.clone().unwrap_or_else(|| {
                DEFAULT_PRIVACY_NOTICE.replace("{organisation}", &notice.organisation)
            }),
            Vec::new(),
        ),
    };
    Ok(PrivacyNoticeSettings {
        text,
        using_default: notice.custom.is_none(),
        problems,
        retention: notice.retention(),
    })
}

/// `/staff/settings/privacy-notice`.
#[component]
pub fn PrivacyNoticePage() -> impl IntoView {
    let query = use_query_map();
    let page = Resource::new(
        move || query.read().get("error").as_deref() == Some("form"),
        privacy_notice_page,
    );
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(settings) => view! { <NoticeForm settings/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NoticeForm(settings: PrivacyNoticeSettings) -> impl IntoView {
    let problems = Signal::stored(settings.problems.clone());
    let message = message_for(problems, "notice");
    let query = use_query_map();
    let saved = move || {
        (query.read().get("done").as_deref() == Some("saved")).then(|| {
            view! { <SuccessBanner text="Privacy notice saved. Every vacancy page shows it now."/> }
        })
    };
    view! {
        <leptos_meta::Title text=error_title(problems, "Privacy notice")/>
        <ProblemSummary problems/>
        {saved}
        <a class="back-link" href="/staff">"Back to staff home"</a>
        <h1 class="heading-xl">"Privacy notice"</h1>
        <p class="body">"Every vacancy page, and the start of every application, tells applicants how their information is used. Write it in your organisation's words."</p>
        <p class="body">{if settings.using_default { "Shortlist's wording is in use." } else { "Your organisation's wording is in use." }}</p>
        <form method="post" action="/staff/settings/privacy-notice" novalidate>
            <div class=move || if message.get().is_some() { "form-group form-group--error" } else { "form-group" }>
                <label class="label" for="notice">"How applicants' information is used"</label>
                <div class="hint" id="notice-hint">"Plain text, up to 5,000 characters. Leave a blank line between paragraphs."</div>
                <ErrorMessage id="notice-error".to_owned() message/>
                <textarea class=move || if message.get().is_some() { "textarea textarea--error" } else { "textarea" }
                    id="notice" name="notice" rows="14"
                    aria-describedby=move || if message.get().is_some() { "notice-hint notice-error" } else { "notice-hint" }>{textarea_text(settings.text)}</textarea>
            </div>
            <h2 class="heading-m">"Added to every notice"</h2>
            <p class="body">"These periods come from Shortlist's configuration, which the deletion job keeps to, so they cannot be changed here:"</p>
            <ul class="list list--bullet">
                {settings.retention.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
            </ul>
            <button type="submit" class="button">"Save privacy notice"</button>
        </form>
        {(!settings.using_default).then(|| view! {
            <form method="post" action="/staff/settings/privacy-notice">
                <input type="hidden" name="reset" value="yes"/>
                <button type="submit" class="button button--secondary">"Use Shortlist's wording instead"</button>
            </form>
        })}
    }
}

/// The rejection settings; with `rejected`, the caller's refused form and its problem.
#[server(prefix = "/api", endpoint = "rejection-settings")]
pub async fn rejection_settings_page(
    rejected: bool,
) -> Result<crate::domain::selection::settings::RejectionSettings, AppError> {
    use crate::domain::access::{Action, authorise, signed_in};
    let actor = crate::ports::current_actor();
    authorise(&actor, Action::ManageSettings)?;
    let me = signed_in(&actor)?;
    let services = crate::ports::services()?;
    services.selection.rejection_settings(me.id, rejected, services.clock.now()).await
}

/// `/staff/settings/rejections`: the reasons selectors choose from and the letter applicants
/// receive.
#[component]
pub fn RejectionSettingsPage() -> impl IntoView {
    let query = use_query_map();
    let page = Resource::new(
        move || query.read().get("error").as_deref() == Some("form"),
        rejection_settings_page,
    );
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(settings) => view! { <RejectionsForm settings/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RejectionsForm(
    settings: crate::domain::selection::settings::RejectionSettings,
) -> impl IntoView {
    let problems = Signal::stored(settings.problems.clone());
    let letter_message = message_for(problems, "template");
    let reason_message = message_for(problems, "reason_words");
    let query = use_query_map();
    let done = move || {
        let text = match query.read().get("done").as_deref() {
            Some("letter") => "Rejection letter saved. Rejected applicants receive it from now on.",
            Some("added") => "Reason added.",
            Some("retired") => "Reason retired. Decisions that used it keep it.",
            _ => return None,
        };
        Some(view! { <SuccessBanner text/> })
    };
    let group = |m: Signal<Option<String>>| {
        move || if m.get().is_some() { "form-group form-group--error" } else { "form-group" }
    };
    view! {
        <leptos_meta::Title text=error_title(problems, "Rejections")/>
        <ProblemSummary problems/>
        {done}
        <a class="back-link" href="/staff">"Back to staff home"</a>
        <h1 class="heading-xl">"Rejections"</h1>
        <h2 class="heading-l">"Reasons"</h2>
        <p class="body">"Whoever rejects a candidate chooses one of these reasons. Reports count by them. Applicants do not see the reason, only the letter and any feedback."</p>
        <table class="table">
            <caption class="visually-hidden">"Rejection reasons in use"</caption>
            <thead><tr><th scope="col">"Reason"</th><th scope="col"><span class="visually-hidden">"Action"</span></th></tr></thead>
            <tbody>
                {settings.reasons.into_iter().map(|r| view! {
                    <tr>
                        <td>{r.words.clone()}</td>
                        <td>
                            <form method="post" action=format!("/staff/settings/rejections/reasons/{}/retire", r.code)>
                                <button type="submit" class="button button--secondary">
                                    "Retire" <span class="visually-hidden">{format!(" {}", r.words)}</span>
                                </button>
                            </form>
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <form method="post" action="/staff/settings/rejections/reasons" novalidate>
            <div class=group(reason_message)>
                <label class="label" for="reason_words">"Add a reason"</label>
                <ErrorMessage id="reason_words-error".to_owned() message=reason_message/>
                <input class="input input--width-full" id="reason_words" name="reason_words" type="text" value=settings.typed_reason/>
            </div>
            <button type="submit" class="button button--secondary">"Add reason"</button>
        </form>
        <h2 class="heading-l">"The rejection letter"</h2>
        <p class="body">{if settings.using_default { "Shortlist's letter is in use." } else { "Your organisation's letter is in use." }}</p>
        <form method="post" action="/staff/settings/rejections/letter" novalidate>
            <div class=group(letter_message)>
                <label class="label" for="template">"Letter to a rejected applicant"</label>
                <div class="hint" id="template-hint">"Plain text, up to 5,000 characters. {name} becomes the applicant's name, {vacancy} the job title, {feedback} any feedback given, {organisation} your organisation's name."</div>
                <ErrorMessage id="template-error".to_owned() message=letter_message/>
                <textarea class="textarea" id="template" name="template" rows="12" aria-describedby="template-hint">{textarea_text(settings.template)}</textarea>
            </div>
            <button type="submit" class="button">"Save letter"</button>
        </form>
        {(!settings.using_default).then(|| view! {
            <form method="post" action="/staff/settings/rejections/letter">
                <input type="hidden" name="reset" value="yes"/>
                <button type="submit" class="button button--secondary">"Use Shortlist's letter instead"</button>
            </form>
        })}
    }
    .into_any()
}
