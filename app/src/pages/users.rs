//! User management for HR administrators: `/staff/users` (every account, and the
//! organisation's two-factor requirement), `/staff/invite` (invite someone by email) and
//! `/staff/users/:id` (one account: role, vacancy assignments, invitation, second factor,
//! deactivation).
//!
//! Reads go through server functions that authorise `ManageStaff`; every change is a plain
//! form post to a server handler (`server/src/http/users.rs`) that authorises again, so the
//! pages work with JavaScript off and nothing here can change data on its own. Problems come
//! back as codes in `?error=`, successes as `?done=`.

use super::components::{ErrorPage, ErrorSummaryList, FieldMessage, FormTitle, SuccessBanner};
use super::staff::role_words;
use crate::domain::{
    access::VacancyRole,
    staff::{AccountDetail, AccountStatus, AccountsPage, FormProblem},
};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Every staff account. HR administrators only.
#[server(prefix = "/api", endpoint = "staff-accounts")]
pub async fn staff_accounts() -> Result<AccountsPage, AppError> {
    use crate::domain::access::{Action, authorise};
    authorise(&crate::ports::current_actor(), Action::ManageStaff)?;
    crate::ports::services()?.staff_directory.accounts().await
}

/// One staff account. HR administrators only; an unknown or malformed id is not found.
#[server(prefix = "/api", endpoint = "staff-account")]
pub async fn staff_account(id: String) -> Result<AccountDetail, AppError> {
    use crate::domain::access::{Action, Actor, authorise};
    let actor = crate::ports::current_actor();
    authorise(&actor, Action::ManageStaff)?;
    let Actor::Staff(me) = &actor else { return Err(AppError::SignInRequired) };
    let id: crate::domain::StaffId = id.parse().map_err(|_| AppError::NotFound)?;
    crate::ports::services()?.staff_directory.account(id, me.id).await?.ok_or(AppError::NotFound)
}

/// The problems named in `?error=`.
fn problems_in_query() -> Memo<Vec<FormProblem>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("error").map(|c| FormProblem::list(&c)).unwrap_or_default())
}

fn summary_of(problems: &[FormProblem]) -> Vec<(String, String)> {
    problems.iter().map(|p| (p.field().to_owned(), p.message().to_owned())).collect()
}

fn message_for(problems: &[FormProblem], field: &str) -> Option<&'static str> {
    problems.iter().find(|p| p.field() == field).map(|p| p.message())
}

fn done_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "invited" => "Invitation sent. They have 72 hours to choose a password.",
        "resent" => "A new invitation has been sent.",
        "role" => "Role changed.",
        "assigned" => "Vacancy role saved.",
        "unassigned" => "Removed from the vacancy.",
        "deactivated" => "Account deactivated. Any sessions it had have ended.",
        "two-factor-reset" => {
            "Two-factor authentication reset. They will set it up again at their next sign-in if it is required."
        }
        "two-factor-setting" => "Two-factor setting saved.",
        _ => return None,
    })
}

#[component]
fn Done() -> impl IntoView {
    let query = use_query_map();
    move || {
        query
            .read()
            .get("done")
            .and_then(|c| done_text(&c))
            .map(|text| view! { <SuccessBanner text/> })
    }
}

/// `/staff/users`.
#[component]
pub fn UsersPage() -> impl IntoView {
    let page = Resource::new(|| (), |()| staff_accounts());
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <UsersView page/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn UsersView(page: AccountsPage) -> impl IntoView {
    let required = page.require_two_factor;
    view! {
        <leptos_meta::Title text="Staff accounts"/>
        <Done/>
        <h1 class="heading-xl">"Staff accounts"</h1>
        <p class="body"><a class="button" href="/staff/invite">"Invite someone"</a></p>
        <table class="table">
            <caption class="visually-hidden">"Staff accounts, by name"</caption>
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Email address"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Vacancies"</th>
                    <th scope="col">"Two-factor"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>
                {page
                    .accounts
                    .into_iter()
                    .map(|a| view! {
                        <tr>
                            <td><a class="link" href=format!("/staff/users/{}", a.id)>{a.display_name}</a></td>
                            <td>{a.email}</td>
                            <td>{role_words(a.org_role)}</td>
                            <td>{a.vacancies}</td>
                            <td>{if a.two_factor { "Set up" } else { "Not set up" }}</td>
                            <td>{a.status.words()}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
        <h2 class="heading-m">"Two-factor authentication"</h2>
        <form method="post" action="/staff/settings/two-factor">
            <fieldset class="fieldset">
                <legend class="fieldset__legend">
                    "Must every staff member use an authenticator app to sign in?"
                </legend>
                <div class="radios">
                    <div class="radios__item">
                        <input class="radios__input" id="require-yes" name="require" type="radio" value="yes" checked=required/>
                        <label class="label radios__label" for="require-yes">"Yes, require it (recommended)"</label>
                    </div>
                    <div class="radios__item">
                        <input class="radios__input" id="require-no" name="require" type="radio" value="no" checked={!required}/>
                        <label class="label radios__label" for="require-no">"No, let each person choose"</label>
                    </div>
                </div>
            </fieldset>
            <button type="submit" class="button button--secondary">"Save setting"</button>
        </form>
    }
}

/// `/staff/invite`: the invitation form. Who may send it is checked when it is posted; the
/// page itself checks too, so nobody else sees the form.
#[component]
pub fn InvitePage() -> impl IntoView {
    let allowed = Resource::new(|| (), |()| staff_accounts());
    let problems = problems_in_query();
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match allowed.await {
                    Ok(_) => view! { <InviteForm problems/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn InviteForm(problems: Memo<Vec<FormProblem>>) -> impl IntoView {
    let failed = Signal::derive(move || !problems.read().is_empty());
    let msg = move |field: &'static str| message_for(&problems.read(), field);
    let group = move |field: &'static str| {
        if msg(field).is_some() { "form-group form-group--error" } else { "form-group" }
    };
    let input = move |field: &'static str| {
        if msg(field).is_some() { "input input--error" } else { "input" }
    };
    view! {
        <FormTitle text="Invite someone" failed/>
        {move || view! { <ErrorSummaryList problems=summary_of(&problems.read())/> }}
        <a class="back-link" href="/staff/users">"Back to staff accounts"</a>
        <h1 class="heading-xl">"Invite someone"</h1>
        <p class="body">
            "They will get an email with a link to choose a password. The link works once, for 72 hours."
        </p>
        <form method="post" action="/staff/users/invite" novalidate>
            <div class=move || group("email")>
                <label class="label" for="email">"Email address"</label>
                {move || view! { <FieldMessage field="email" message=msg("email")/> }}
                <input class=move || input("email") id="email" name="email" type="email"
                    autocomplete="off" spellcheck="false"/>
            </div>
            <div class=move || group("name")>
                <label class="label" for="name">"Full name"</label>
                {move || view! { <FieldMessage field="name" message=msg("name")/> }}
                <input class=move || input("name") id="name" name="name" type="text" autocomplete="off"/>
            </div>
            <div class=move || group("role")>
                <fieldset class="fieldset" aria-describedby="role-hint">
                    <legend class="fieldset__legend">"Organisation role"</legend>
                    <p class="hint" id="role-hint">
                        "Hiring managers and panel members need no organisation role: assign them to vacancies after inviting them."
                    </p>
                    {move || view! { <FieldMessage field="role" message=msg("role")/> }}
                    <RoleRadios current="none"/>
                </fieldset>
            </div>
            <button type="submit" class="button">"Send invitation"</button>
        </form>
    }
}

/// The organisation-role radios; the first has id `role` so error links land on it.
#[component]
fn RoleRadios(current: &'static str) -> impl IntoView {
    let options = [
        ("none", "No organisation role (hiring manager or panel member)"),
        ("hr", "HR: runs vacancies, candidates, retention and reports"),
        ("hr_admin", "HR administrator: HR, plus staff accounts, settings and the audit log"),
        ("auditor", "Auditor: reports and logs, never a candidate record"),
    ];
    view! {
        <div class="radios">
            {options
                .into_iter()
                .enumerate()
                .map(|(i, (value, label))| {
                    let id = if i == 0 { "role".to_owned() } else { format!("role-{value}") };
                    view! {
                        <div class="radios__item">
                            <input class="radios__input" id=id.clone() name="role" type="radio"
                                value=value checked=current == value/>
                            <label class="label radios__label" for=id>{label}</label>
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// `/staff/users/:id`.
#[component]
pub fn AccountPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = Resource::new(id, staff_account);
    let problems = problems_in_query();
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <AccountView detail problems/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccountView(detail: AccountDetail, problems: Memo<Vec<FormProblem>>) -> impl IntoView {
    let a = detail.account;
    let base = format!("/staff/users/{}", a.id);
    let current_role = a.org_role.map_or("none", |r| r.as_str());
    let active = a.status != AccountStatus::Deactivated;
    let failed = Signal::derive(move || !problems.read().is_empty());
    let msg = move |field: &'static str| message_for(&problems.read(), field);
    let title = a.display_name.clone();
    view! {
        <FormTitle text="Staff account" failed/>
        {move || view! { <ErrorSummaryList problems=summary_of(&problems.read())/> }}
        <Done/>
        <a class="back-link" href="/staff/users">"Back to staff accounts"</a>
        <span class="caption-l">"Staff account"</span>
        <h1 class="heading-xl">{title}</h1>
        <dl class="summary-list">
            <super::components::SummaryRow key="Email address" value=a.email.clone()/>
            <super::components::SummaryRow key="Role" value={role_words(a.org_role)}/>
            <super::components::SummaryRow key="Status" value={a.status.words()}/>
            <super::components::SummaryRow
                key="Two-factor authentication"
                value={if a.two_factor { "Set up" } else { "Not set up" }}
            />
        </dl>

        {(active && !detail.is_self).then(|| view! {
            <h2 class="heading-m">"Organisation role"</h2>
            <form method="post" action=format!("{base}/role")>
                <fieldset class="fieldset">
                    <legend class="visually-hidden">"Organisation role"</legend>
                    {move || view! { <FieldMessage field="role" message=msg("role")/> }}
                    <RoleRadios current=current_role/>
                </fieldset>
                <button type="submit" class="button button--secondary">"Change role"</button>
            </form>
        })}

        <h2 class="heading-m">"Vacancies"</h2>
        {if detail.assignments.is_empty() {
            view! { <p class="body">"Not assigned to any vacancy."</p> }.into_any()
        } else {
            view! {
                <table class="table">
                    <caption class="visually-hidden">"Vacancy roles"</caption>
                    <thead><tr><th scope="col">"Vacancy"</th><th scope="col">"Role"</th><th scope="col"><span class="visually-hidden">"Action"</span></th></tr></thead>
                    <tbody>
                        {detail.assignments.into_iter().map(|asg| {
                            let base = base.clone();
                            let label = format!("Remove from {}", asg.title);
                            view! {
                                <tr>
                                    <td>{asg.title}</td>
                                    <td>{vacancy_role_words(asg.role)}</td>
                                    <td>
                                        <form method="post" action=format!("{base}/unassign")>
                                            <input type="hidden" name="vacancy" value=asg.vacancy.to_string()/>
                                            <button type="submit" class="button button--secondary" aria-label=label>"Remove"</button>
                                        </form>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {(active && !detail.vacancy_choices.is_empty()).then(|| view! {
            <form method="post" action=format!("{base}/assign")>
                <div class="form-group">
                    <label class="label" for="vacancy">"Vacancy"</label>
                    {move || view! { <FieldMessage field="vacancy" message=msg("vacancy")/> }}
                    <select class="input" id="vacancy" name="vacancy">
                        {detail.vacancy_choices.into_iter().map(|(id, title)| view! {
                            <option value=id.to_string()>{title}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="form-group">
                    <label class="label" for="vacancy-role">"Role on the vacancy"</label>
                    <select class="input" id="vacancy-role" name="role">
                        <option value="hiring_manager">"Hiring manager"</option>
                        <option value="panel_member">"Panel member"</option>
                    </select>
                </div>
                <button type="submit" class="button button--secondary">"Assign to vacancy"</button>
            </form>
        })}

        {(a.status == AccountStatus::Invited).then(|| view! {
            <h2 class="heading-m">"Invitation"</h2>
            <p class="body">"They have not chosen a password yet. A new invitation replaces nothing: earlier links keep working until they expire."</p>
            <form method="post" action=format!("{base}/resend")>
                <button type="submit" class="button button--secondary">"Send a new invitation"</button>
            </form>
        })}

        {(active && a.two_factor).then(|| view! {
            <h2 class="heading-m">"Two-factor authentication"</h2>
            <p class="body">"If they have lost their authenticator app and their recovery codes, reset it. This signs them out; they set it up again at their next sign-in."</p>
            <form method="post" action=format!("{base}/reset-two-factor")>
                <button type="submit" class="button button--secondary">"Reset two-factor authentication"</button>
            </form>
        })}

        {(active && !detail.is_self).then(|| view! {
            <h2 class="heading-m">"Deactivate account"</h2>
            <p class="body">"They will be signed out at once and cannot sign in again. The audit log keeps what they did."</p>
            <form method="post" action=format!("{base}/deactivate")>
                <div class=move || if msg("confirm").is_some() { "form-group form-group--error" } else { "form-group" }>
                    {move || view! { <FieldMessage field="confirm" message=msg("confirm")/> }}
                    <div class="checkboxes__item">
                        <input class="checkboxes__input" id="confirm" name="confirm" type="checkbox" value="yes"/>
                        <label class="label checkboxes__label" for="confirm">"I want to deactivate this account"</label>
                    </div>
                </div>
                <button type="submit" class="button button--warning">"Deactivate account"</button>
            </form>
        })}
    }
}

/// A vacancy role in words.
#[must_use]
pub const fn vacancy_role_words(role: VacancyRole) -> &'static str {
    match role {
        VacancyRole::HiringManager => "Hiring manager",
        VacancyRole::PanelMember => "Panel member",
    }
}
