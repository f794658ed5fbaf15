//! Staff sign-in and the staff home page.
//!
//! The sign-in form posts to `POST /staff/sign-in`, a plain handler on the server (it sets the
//! session cookie), so it works the same with JavaScript on or off; the server sends the
//! browser back here with `?error=<reason>` when sign-in fails. The reasons never say whether
//! an email has an account.

use super::components::{ErrorPage, ErrorSummary, FormTitle};
use crate::domain::{access::OrgRole, password::PasswordLinkState};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// What the staff home page shows about the signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffHomeData {
    /// Their name.
    pub display_name: String,
    /// Their organisation-wide role, in words.
    pub role: String,
    /// What they can see, in words.
    pub reach: String,
    /// Whether they may read the audit log (HR administrators and auditors).
    pub audit_log: bool,
    /// May read the retention overview.
    pub retention: bool,
    /// May run the anonymised reports.
    pub reports: bool,
    /// May read the rights-request register.
    pub rights: bool,
    /// Whether they may manage staff accounts (HR administrators).
    pub manage_staff: bool,
    /// Whether they may change organisation settings (HR administrators).
    pub manage_settings: bool,
}

/// The role, in the words the staff pages use.
#[must_use]
pub const fn role_words(role: Option<OrgRole>) -> &'static str {
    match role {
        Some(OrgRole::HrAdmin) => "HR administrator",
        Some(OrgRole::Hr) => "HR",
        Some(OrgRole::Auditor) => "Auditor",
        None => "Hiring manager or panel member",
    }
}

/// The signed-in staff member's home page data. Any signed-in staff member may ask.
#[server(prefix = "/api", endpoint = "staff-home")]
pub async fn staff_home() -> Result<StaffHomeData, AppError> {
    use crate::domain::access::{Action, VacancyScope, authorise, signed_in};
    let actor = crate::ports::current_actor();
    let me = signed_in(&actor)?;
    let reach = match actor.vacancy_scope() {
        VacancyScope::All => "You can see every vacancy.".to_owned(),
        VacancyScope::Nothing => "You are not assigned to any vacancy yet.".to_owned(),
        VacancyScope::Assigned(v) if v.len() == 1 => "You are assigned to 1 vacancy.".to_owned(),
        VacancyScope::Assigned(v) => format!("You are assigned to {} vacancies.", v.len()),
    };
    Ok(StaffHomeData {
        display_name: me.display_name.clone(),
        role: role_words(me.org_role).to_owned(),
        reach,
        audit_log: authorise(&actor, Action::ViewAuditLog).is_ok(),
        retention: authorise(&actor, Action::ViewRetention).is_ok(),
        reports: authorise(&actor, Action::RunReports).is_ok(),
        rights: authorise(&actor, Action::ViewRightsRegister).is_ok(),
        manage_staff: authorise(&actor, Action::ManageStaff).is_ok(),
        manage_settings: authorise(&actor, Action::ManageSettings).is_ok(),
    })
}

/// `/staff`: who is signed in, and sign-out.
#[component]
pub fn StaffHomePage() -> impl IntoView {
    let home = Resource::new(|| (), |()| staff_home());
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(me) => view! {
                        <leptos_meta::Title text="Staff home"/>
                        <span class="caption-l">{me.role}</span>
                        <h1 class="heading-xl">{format!("Signed in as {}", me.display_name)}</h1>
                        <p class="body">{me.reach}</p>
                        <TwoFactorBanner/>
                        <ul class="list">
                            <li><a class="link" href="/staff/vacancies">"Vacancies"</a></li>
                            {me.manage_staff.then(|| view! {
                                <li><a class="link" href="/staff/users">"Staff accounts"</a></li>
                            })}
                            {me.manage_settings.then(|| view! {
                                <li><a class="link" href="/staff/settings/privacy-notice">"Privacy notice"</a></li>
                                <li><a class="link" href="/staff/settings/rejections">"Rejection reasons and letter"</a></li>
                            })}
                            {me.audit_log.then(|| view! {
                                <li><a class="link" href="/staff/audit">"Audit log"</a></li>
                            })}
                            {me.rights.then(|| view! {
                                <li><a class="link" href="/staff/rights">"Rights requests"</a></li>
                            })}
                            {me.retention.then(|| view! {
                                <li><a class="link" href="/staff/retention">"Retention and purges"</a></li>
                            })}
                            {me.reports.then(|| view! {
                                <li><a class="link" href="/staff/reports/funnel">"Recruitment funnel report"</a></li>
                                <li><a class="link" href="/staff/reports/diversity">"Diversity funnel report"</a></li>
                            })}
                            <li><a class="link" href="/staff/two-factor">"Two-factor authentication"</a></li>
                        </ul>
                        <form method="post" action="/staff/sign-out">
                            <button type="submit" class="button button--secondary">"Sign out"</button>
                        </form>
                    }
                        .into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TwoFactorBanner() -> impl IntoView {
    let query = use_query_map();
    move || {
        query.read().get("two-factor").map(|_| {
            view! {
                <super::components::SuccessBanner text="Two-factor authentication is set up. You will be asked for a code each time you sign in."/>
            }
        })
    }
}

/// The message for a `?error=` reason the server sent back, and the field it belongs to.
#[must_use]
pub fn sign_in_error(reason: &str) -> Option<(&'static str, &'static str)> {
    match reason {
        "missing" => Some(("email", "Enter your email address and password")),
        "credentials" => Some(("email", "Enter a correct email address and password")),
        "too-many" => Some((
            "email",
            "You have tried to sign in too many times. Wait 15 minutes, then try again",
        )),
        "expired" => {
            Some(("email", "Your sign-in timed out. Enter your email address and password again"))
        }
        "unavailable" => {
            Some(("email", "Sorry, there is a problem with the service. Try again later"))
        }
        _ => None,
    }
}

/// `/staff/sign-in`.
#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let error = move || query.read().get("error").and_then(|r| sign_in_error(&r));
    let banner = move || {
        let q = query.read();
        if q.get("signed-out").is_some() {
            Some("You have signed out.")
        } else if q.get("password-set").is_some() {
            Some("Your password has been set. Sign in with it now.")
        } else {
            None
        }
    };
    view! {
        <FormTitle text="Sign in" failed=Signal::derive(move || error().is_some())/>
        {move || banner().map(|text| view! {
            <div class="notification-banner" role="region" aria-labelledby="banner-title">
                <h2 class="notification-banner__title" id="banner-title">"Success"</h2>
                <div class="notification-banner__content">
                    <p class="body">{text}</p>
                </div>
            </div>
        })}
        {move || error().map(|(field, message)| view! { <ErrorSummary field message/> })}
        <h1 class="heading-xl">"Sign in"</h1>
        <p class="body">"For staff of the organisation. Applicants do not need an account."</p>
        <form method="post" action="/staff/sign-in" novalidate>
            <div class=move || if error().is_some() { "form-group form-group--error" } else { "form-group" }>
                <label class="label" for="email">"Email address"</label>
                {move || error().map(|(_, message)| view! {
                    <p class="error-message" id="email-error">
                        <span class="visually-hidden">"Error: "</span>{message}
                    </p>
                })}
                <input
                    class=move || if error().is_some() { "input input--error" } else { "input" }
                    id="email"
                    name="email"
                    type="email"
                    autocomplete="username"
                    spellcheck="false"
                    aria-describedby=move || error().map(|_| "email-error")
                />
            </div>
            <div class="form-group">
                <label class="label" for="password">"Password"</label>
                <input class="input" id="password" name="password" type="password" autocomplete="current-password"/>
            </div>
            <button type="submit" class="button">"Sign in"</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_reasons_never_say_whether_the_email_exists() {
        let (_, m) = sign_in_error("credentials").unwrap();
        assert!(!m.to_lowercase().contains("no account"));
        assert_eq!(sign_in_error("<script>"), None);
        assert!(sign_in_error("too-many").unwrap().1.contains("15 minutes"));
    }
}

/// The state of a set-password link, for its page. Public: the link is the credential, and
/// the answer says nothing about whose it is.
#[server(prefix = "/api", endpoint = "password-link")]
pub async fn password_link(token: String) -> Result<PasswordLinkState, AppError> {
    let services = crate::ports::services()?;
    services
        .staff_links
        .password_link(&token, services.clock.now())
        .await?
        .ok_or(AppError::NotFound)
}

/// `/staff/set-password/:token`: choose a password through a single-use link.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let state = Resource::new(token, password_link);
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(PasswordLinkState::Usable) => {
                        view! { <SetPasswordForm token=token()/> }.into_any()
                    }
                    Ok(PasswordLinkState::Expired) => view! {
                        <leptos_meta::Title text="This link has expired"/>
                        <h1 class="heading-l">"This link has expired"</h1>
                        <p class="body">"Links to set a password work for 72 hours. Ask your HR administrator to send you a new one."</p>
                    }
                        .into_any(),
                    Ok(PasswordLinkState::Used) => view! {
                        <leptos_meta::Title text="This link has already been used"/>
                        <h1 class="heading-l">"This link has already been used"</h1>
                        <p class="body">
                            "Each link works once. "
                            <a class="link" href="/staff/sign-in">"Sign in"</a>
                            " with the password you set, or ask your HR administrator for a new link."
                        </p>
                    }
                        .into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SetPasswordForm(token: String) -> impl IntoView {
    use crate::domain::password::PasswordProblem;
    let query = use_query_map();
    let problem = move || query.read().get("error").and_then(|c| PasswordProblem::from_code(&c));
    let on = move |field: &'static str| move || problem().filter(|p| p.field() == field);
    let group = move |field: &'static str| {
        move || if on(field)().is_some() { "form-group form-group--error" } else { "form-group" }
    };
    let input = move |field: &'static str| {
        move || if on(field)().is_some() { "input input--error" } else { "input" }
    };
    let message = move |field: &'static str| {
        move || {
            on(field)().map(|p| {
                view! {
                    <p class="error-message" id=format!("{field}-error")>
                        <span class="visually-hidden">"Error: "</span>{p.message()}
                    </p>
                }
            })
        }
    };
    view! {
        <FormTitle text="Create a password" failed=Signal::derive(move || problem().is_some())/>
        {move || problem().map(|p| view! { <ErrorSummary field=p.field() message=p.message()/> })}
        <h1 class="heading-xl">"Create a password"</h1>
        <form method="post" action="/staff/set-password" novalidate>
            <input type="hidden" name="token" value=token/>
            <div class=group("password")>
                <label class="label" for="password">"Password"</label>
                <p class="hint" id="password-hint">
                    "Use 8 characters or more. A few unrelated words together make a strong password that is easy to remember."
                </p>
                {message("password")}
                <input class=input("password") id="password" name="password" type="password"
                    autocomplete="new-password" aria-describedby="password-hint"/>
            </div>
            <div class=group("confirm")>
                <label class="label" for="confirm">"Confirm password"</label>
                {message("confirm")}
                <input class=input("confirm") id="confirm" name="confirm" type="password"
                    autocomplete="new-password"/>
            </div>
            <button type="submit" class="button">"Save password"</button>
        </form>
    }
}
