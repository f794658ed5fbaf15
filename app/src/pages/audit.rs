//! `/staff/audit`: the audit log for HR administrators and auditors, with filters and a CSV
//! download. Reading the log is itself recorded in the log.
//!
//! The filter is a GET form, so it works without JavaScript and a filtered view can be
//! bookmarked; the CSV link carries the same filter.

use super::components::{ErrorPage, ErrorSummary};
use crate::domain::audit::{ACTIONS, AuditPageData};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Most entries shown on the page (the CSV has them all).
pub const PAGE_LIMIT: i64 = 200;

/// Audit entries matching the filter. HR administrators and auditors only.
#[server(prefix = "/api", endpoint = "audit-log")]
pub async fn audit_log(
    action: String,
    user: String,
    from: String,
    to: String,
    vacancy: String,
) -> Result<AuditPageData, AppError> {
    use crate::domain::access::{Action, authorise};
    let actor = crate::ports::current_actor();
    authorise(&actor, Action::ViewAuditLog)?;
    let crate::domain::access::Actor::Staff(me) = &actor else {
        return Err(AppError::SignInRequired);
    };
    let services = crate::ports::services()?;
    let vacancies = services.audit.vacancies().await?;
    let query = crate::domain::audit::AuditQuery::parse(&action, &user, &from, &to, &vacancy)?;
    let rows = services.audit.search(me.id, &query, PAGE_LIMIT, services.clock.now()).await?;
    Ok(AuditPageData { rows, vacancies })
}

/// The audit log page.
#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let field = move |name: &str| query.read().get(name).unwrap_or_default();
    let filter =
        move || (field("action"), field("user"), field("from"), field("to"), field("vacancy"));
    let rows = Resource::new(filter, |(a, u, f, t, v)| audit_log(a, u, f, t, v));
    view! {
        <leptos_meta::Title text="Audit log"/>
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (action, user, from, to, vacancy) = filter();
                let filter = Filter { action, user, from, to, vacancy };
                match rows.await {
                    Ok(data) => view! { <AuditView filter data problem=None/> }.into_any(),
                    Err(AppError::Validation(errors)) => {
                        let first = errors.into_iter().next();
                        let problem = first.map(|e| (e.field, e.message));
                        let data = AuditPageData { rows: Vec::new(), vacancies: Vec::new() };
                        view! { <AuditView filter data problem/> }.into_any()
                    }
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The filter as typed.
struct Filter {
    action: String,
    user: String,
    from: String,
    to: String,
    vacancy: String,
}

#[component]
fn AuditView(
    filter: Filter,
    data: AuditPageData,
    problem: Option<(String, String)>,
) -> impl IntoView {
    let Filter { action, user, from, to, vacancy } = filter;
    let AuditPageData { rows, vacancies } = data;
    let csv = format!(
        "/staff/audit.csv?action={}&user={}&from={}&to={}&vacancy={}",
        encode(&action),
        encode(&user),
        encode(&from),
        encode(&to),
        encode(&vacancy)
    );
    let titles: std::collections::HashMap<String, String> =
        vacancies.iter().map(|(id, t)| (id.to_string(), t.clone())).collect();
    let count = rows.len();
    view! {
        {problem.map(|(field, message)| view! { <ErrorSummary field message/> })}
        <h1 class="heading-xl">"Audit log"</h1>
        <form method="get" action="/staff/audit" class="filter">
            <div class="form-group">
                <label class="label" for="action">"Action"</label>
                <select class="input" id="action" name="action">
                    <option value="" selected=action.is_empty()>"Any action"</option>
                    {ACTIONS
                        .iter()
                        .map(|a| view! { <option value=*a selected=action == *a>{*a}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="form-group">
                <label class="label" for="user">"Staff email address"</label>
                <input class="input" id="user" name="user" type="email" value=user spellcheck="false"/>
            </div>
            <div class="form-group">
                <label class="label" for="vacancy">"Vacancy"</label>
                <select class="input" id="vacancy" name="vacancy">
                    <option value="" selected=vacancy.is_empty()>"Any vacancy"</option>
                    {vacancies
                        .into_iter()
                        .map(|(id, title)| {
                            let id = id.to_string();
                            let selected = id == vacancy;
                            view! { <option value=id selected=selected>{title}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="form-group">
                <label class="label" for="from">"From (UTC date)"</label>
                <input class="input" id="from" name="from" type="date" value=from/>
            </div>
            <div class="form-group">
                <label class="label" for="to">"To (UTC date)"</label>
                <input class="input" id="to" name="to" type="date" value=to/>
            </div>
            <button type="submit" class="button">"Filter"</button>
        </form>
        <p class="body">
            {format!("Showing the newest {count} entries. ")}
            <a class="link" href=csv download>"Download all matching entries (CSV)"</a>
        </p>
        <table class="table">
            <caption class="visually-hidden">"Audit log entries, newest first"</caption>
            <thead>
                <tr>
                    <th scope="col">"When (UK time)"</th>
                    <th scope="col">"Who"</th>
                    <th scope="col">"Action"</th>
                    <th scope="col">"Object"</th>
                    <th scope="col">"Vacancy"</th>
                    <th scope="col">"From"</th>
                    <th scope="col">"Outcome"</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|r| view! {
                        <tr>
                            <td>{crate::domain::time::format_uk_datetime(r.at)}</td>
                            <td>{r.actor.unwrap_or_else(|| "–".to_owned())}</td>
                            <td>{r.action}</td>
                            <td>{r.object.unwrap_or_default()}</td>
                            <td>{r.vacancy.map(|v| titles.get(&v).cloned().unwrap_or(v)).unwrap_or_default()}</td>
                            <td>{r.client_addr.unwrap_or_default()}</td>
                            <td>{r.outcome}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// Percent-encodes a query value (the values here are dates and action codes, but the page
/// must never build a broken or injectable link from whatever was in the address bar).
pub(crate) fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
