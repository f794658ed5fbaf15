//! Second-factor pages: `/staff/two-factor` (set up an authenticator app: QR code, the key to
//! type instead, recovery codes, then a code to confirm) and `/staff/sign-in/code` (the code
//! asked for after the password).
//!
//! Both post plain forms to server handlers (`server/src/http/second_factor.rs`), so they work
//! without JavaScript. The enrolment page reads its state through a server function that only
//! ever describes the requester's own second factor.

use super::components::{ErrorPage, ErrorSummary, FieldMessage, FormTitle, SuccessBanner};
use crate::domain::staff::{EnrolmentView, TwoFactorPage as PageData, TwoFactorState};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The requester's own second factor: a signed-in staff member, or someone whose sign-in
/// ends with enrolling one.
#[server(prefix = "/api", endpoint = "two-factor")]
pub async fn two_factor() -> Result<PageData, AppError> {
    use crate::domain::access::{Actor, PendingStage};
    let services = crate::ports::services()?;
    match (crate::ports::current_actor(), crate::ports::pending_sign_in()) {
        (Actor::Staff(me), _) => services.two_factor.page(me.id, false).await,
        (Actor::SignedOut, Some(p)) if p.stage == PendingStage::Enrol => {
            services.two_factor.page(p.staff, true).await
        }
        _ => Err(AppError::SignInRequired),
    }
}

fn code_error(reason: &str) -> Option<&'static str> {
    match reason {
        "missing" => Some("Enter the 6-digit code from your authenticator app"),
        "wrong" => Some(
            "The code is not correct or has already been used. Enter the newest code from your app",
        ),
        _ => None,
    }
}

/// `/staff/two-factor`.
#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let page = Resource::new(|| (), |()| two_factor());
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => view! { <TwoFactorView data/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TwoFactorView(data: PageData) -> impl IntoView {
    let query = use_query_map();
    let error = move || query.read().get("error").and_then(|r| code_error(&r));
    let done = move || query.read().get("done").filter(|d| d == "enrolled").is_some();
    match data.state {
        TwoFactorState::Enrolled { recovery_codes_left } => view! {
            <leptos_meta::Title text="Two-factor authentication"/>
            {move || done().then(|| view! { <SuccessBanner text="Two-factor authentication is set up. You will be asked for a code each time you sign in."/> })}
            <h1 class="heading-xl">"Two-factor authentication"</h1>
            <p class="body">"Your account is protected by an authenticator app."</p>
            <p class="body">{format!("You have {recovery_codes_left} unused recovery codes.")}</p>
            <p class="body"><a class="link" href="/staff">"Go to the staff home page"</a></p>
        }
        .into_any(),
        TwoFactorState::NotEnrolled => view! {
            <leptos_meta::Title text="Set up two-factor authentication"/>
            <h1 class="heading-xl">"Set up two-factor authentication"</h1>
            <p class="body">
                {if data.required {
                    "Your organisation requires an authenticator app to sign in to Shortlist."
                } else {
                    "An authenticator app protects your account even if someone learns your password."
                }}
            </p>
            <form method="post" action="/staff/two-factor/start">
                <button type="submit" class="button">"Set up an authenticator app"</button>
            </form>
        }
        .into_any(),
        TwoFactorState::Enrolling(view_data) => {
            view! { <Enrolment data=view_data required=data.required signing_in=data.signing_in error/> }
                .into_any()
        }
    }
}

#[component]
fn Enrolment(
    data: EnrolmentView,
    required: bool,
    signing_in: bool,
    error: impl Fn() -> Option<&'static str> + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let failed = Signal::derive(move || error().is_some());
    view! {
        <FormTitle text="Set up two-factor authentication" failed/>
        {move || error().map(|message| view! { <ErrorSummary field="code" message/> })}
        <h1 class="heading-xl">"Set up two-factor authentication"</h1>
        {(required && signing_in).then(|| view! {
            <p class="body">"Your organisation requires an authenticator app. Set one up to finish signing in."</p>
        })}
        <h2 class="heading-m">"1. Add Shortlist to your authenticator app"</h2>
        <p class="body">"Scan this QR code with an authenticator app on your phone."</p>
        <div class="qr" role="img" aria-label="QR code for your authenticator app" inner_html=data.qr_svg></div>
        <p class="body">"If you cannot scan it, choose to enter a key in your app and type this key:"</p>
        <p class="body"><code class="key" id="totp-key">{data.key}</code></p>
        <h2 class="heading-m">"2. Save your recovery codes"</h2>
        <p class="body">
            "If you lose your phone, each of these codes lets you sign in once instead of a code from the app. "
            "Keep them somewhere safe: they are not shown again after you finish."
        </p>
        <ul class="list recovery-codes" id="recovery-codes">
            {data.recovery_codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
        </ul>
        <h2 class="heading-m">"3. Enter a code from the app"</h2>
        <form method="post" action="/staff/two-factor/confirm" novalidate>
            <div class=move || if error().is_some() { "form-group form-group--error" } else { "form-group" }>
                <label class="label" for="code">"Code from your authenticator app"</label>
                <p class="hint" id="code-hint">"The 6-digit code shown for Shortlist, for example 123456"</p>
                {move || view! { <FieldMessage field="code" message=error()/> }}
                <input class=move || if error().is_some() { "input input--width-10 input--error" } else { "input input--width-10" }
                    id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                    spellcheck="false" aria-describedby="code-hint"/>
            </div>
            <button type="submit" class="button">"Finish setting up"</button>
        </form>
    }
}

fn sign_in_code_error(reason: &str) -> Option<&'static str> {
    match reason {
        "missing" => Some("Enter the code from your authenticator app, or a recovery code"),
        "wrong" => Some(
            "The code is not correct or has already been used. Enter the newest code from your app, or a recovery code",
        ),
        _ => None,
    }
}

/// `/staff/sign-in/code`: the second step of signing in.
#[component]
pub fn SignInCodePage() -> impl IntoView {
    let query = use_query_map();
    let error = move || query.read().get("error").and_then(|r| sign_in_code_error(&r));
    view! {
        <FormTitle text="Enter your code" failed=Signal::derive(move || error().is_some())/>
        {move || error().map(|message| view! { <ErrorSummary field="code" message/> })}
        <h1 class="heading-xl">"Enter your code"</h1>
        <form method="post" action="/staff/sign-in/code" novalidate>
            <div class=move || if error().is_some() { "form-group form-group--error" } else { "form-group" }>
                <label class="label" for="code">"Code from your authenticator app"</label>
                <p class="hint" id="code-hint">
                    "The 6-digit code shown for Shortlist. If you do not have your phone, enter one of your recovery codes."
                </p>
                {move || view! { <FieldMessage field="code" message=error()/> }}
                <input class=move || if error().is_some() { "input input--width-10 input--error" } else { "input input--width-10" }
                    id="code" name="code" type="text" autocomplete="one-time-code"
                    spellcheck="false" aria-describedby="code-hint"/>
            </div>
            <button type="submit" class="button">"Continue"</button>
        </form>
        <p class="body"><a class="link" href="/staff/sign-in">"Start signing in again"</a></p>
    }
}
