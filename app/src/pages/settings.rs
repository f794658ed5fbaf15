//! Organisation settings for HR administrators: `/staff/settings/privacy-notice`, the words
//! every vacancy page shows about how applicants' data is used.
//!
//! The read goes through a server function that authorises `ManageSettings`; the save is a
//! plain form post to `server/src/http/users.rs`, which authorises again. The retention
//! periods are shown but not editable here: they come from configuration, so the notice can
//! never promise a period the purge does not keep.

use super::apply::fields::{ErrorMessage, ProblemSummary, error_title, message_for};
use super::components::{ErrorPage, SuccessBanner};
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
                    aria-describedby=move || if message.get().is_some() { "notice-hint notice-error" } else { "notice-hint" }>{settings.text}</textarea>
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
