//! `/staff/retention`: the retention overview for HR and auditors — the purge log (what each
//! run deleted, in counts), the applications due for deletion in the next 30 days and by which
//! rule, and every legal hold in force. Read-only: holds are placed and released on the
//! candidate page and the vacancy's board; purges run on a schedule and by `server purge`.

use super::components::ErrorPage;
use crate::domain::retention::view::{DUE_WINDOW_DAYS, RetentionOverview};
use crate::error::AppError;
use leptos::prelude::*;

/// The overview. HR and auditors only.
#[server(prefix = "/api", endpoint = "staff-retention")]
pub async fn retention_page_data() -> Result<RetentionOverview, AppError> {
    use crate::domain::access::{Action, authorise};
    let actor = crate::ports::current_actor();
    authorise(&actor, Action::ViewRetention)?;
    // HR (who manage retention) open candidates; auditors read counts and numbers only.
    let may_open = authorise(&actor, Action::ManageRetention).is_ok();
    let services = crate::ports::services()?;
    services.retention.overview(services.clock.now(), may_open).await
}

/// The retention overview page.
#[component]
pub fn RetentionPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| retention_page_data());
    view! {
        <leptos_meta::Title text="Retention and purges"/>
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(overview) => view! { <Overview overview/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Overview(overview: RetentionOverview) -> impl IntoView {
    let may_open = overview.may_open;
    let due_heading =
        format!("Due for deletion in the next {DUE_WINDOW_DAYS} days ({})", overview.due_total);
    let shown = overview.due.len();
    let more = (i64::try_from(shown).unwrap_or(i64::MAX) < overview.due_total).then(|| {
        view! { <p class="hint">{format!("The {shown} soonest are listed.")}</p> }
    });
    view! {
        <a class="back-link" href="/staff">"Back to your staff home"</a>
        <h1 class="heading-xl">"Retention and purges"</h1>
        {overview.claim_warning.clone().map(|text| view! {
            <div class="warning-text" id="claim-warning">
                <span class="warning-text__icon" aria-hidden="true">"!"</span>
                <strong class="warning-text__text"><span class="visually-hidden">"Warning: "</span>{text}</strong>
            </div>
        })}
        <p class="body">"Unsuccessful candidates’ data is deleted after the configured period from the decision (longer only with their reserve-list consent), drafts after a period without changes. Nothing on legal hold or still in progress is deleted. Each candidate page shows its date and the rule that set it. "
            <a class="link" href="/staff/retention/schedule">"The retention schedule"</a>" lists every kind of data and how long it is kept."</p>

        <h2 class="heading-l">"Applications by rule"</h2>
        {if overview.by_rule.is_empty() {
            view! { <p class="body">"No applications are stored."</p> }.into_any()
        } else {
            view! {
                <table class="table">
                    <caption class="visually-hidden">"How many applications each retention rule covers"</caption>
                    <thead><tr><th scope="col">"Rule"</th><th scope="col" class="table__header--numeric">"Applications"</th></tr></thead>
                    <tbody>
                        {overview.by_rule.clone().into_iter().map(|(rule, n)| view! {
                            <tr><td>{rule}</td><td class="table__cell--numeric">{n}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}

        <h2 class="heading-l">{due_heading}</h2>
        {if overview.due.is_empty() {
            view! { <p class="body">"Nothing is due in this period."</p> }.into_any()
        } else {
            view! {
                <table class="table">
                    <caption class="visually-hidden">"Applications due for deletion, soonest first"</caption>
                    <thead><tr>
                        <th scope="col">"Candidate"</th><th scope="col">"Vacancy"</th>
                        <th scope="col">"Deleted from"</th><th scope="col">"Rule"</th>
                    </tr></thead>
                    <tbody>
                        {overview.due.into_iter().map(|d| {
                            let who = if may_open && !d.label.starts_with("Draft") {
                                view! { <a class="link" href=format!("/staff/candidates/{}", d.id)>{d.label}</a> }.into_any()
                            } else {
                                view! { <span>{d.label}</span> }.into_any()
                            };
                            view! { <tr><td>{who}</td><td>{d.vacancy_title}</td><td>{d.due}</td><td>{d.rule}</td></tr> }
                        }).collect_view()}
                    </tbody>
                </table>
                {more}
            }.into_any()
        }}

        <h2 class="heading-l">"Legal holds in force"</h2>
        {if overview.holds.is_empty() {
            view! { <p class="body">"No legal hold is in force."</p> }.into_any()
        } else {
            view! {
                <table class="table">
                    <caption class="visually-hidden">"Legal holds in force, newest first"</caption>
                    <thead><tr><th scope="col">"Covers"</th><th scope="col">"Reason"</th><th scope="col">"Placed"</th></tr></thead>
                    <tbody>
                        {overview.holds.into_iter().map(|h| {
                            let covers = if may_open {
                                view! { <a class="link" href=h.href>{h.covers}</a> }.into_any()
                            } else {
                                view! { <span>{h.covers}</span> }.into_any()
                            };
                            view! { <tr><td>{covers}</td><td>{h.reason}</td><td>{h.placed}</td></tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}

        <h2 class="heading-l">"Purge log"</h2>
        {if overview.runs.is_empty() {
            view! { <p class="body">"No purge has run yet."</p> }.into_any()
        } else {
            view! {
                <table class="table">
                    <caption class="visually-hidden">"Purge runs, newest first"</caption>
                    <thead><tr>
                        <th scope="col">"Started"</th><th scope="col">"How"</th><th scope="col">"As of"</th>
                        <th scope="col" class="table__header--numeric">"Applications"</th>
                        <th scope="col" class="table__header--numeric">"Drafts"</th>
                        <th scope="col" class="table__header--numeric">"Documents"</th>
                        <th scope="col" class="table__header--numeric">"Rows"</th>
                        <th scope="col" class="table__header--numeric">"Restored, erased again"</th>
                        <th scope="col">"Outcome"</th>
                    </tr></thead>
                    <tbody>
                        {overview.runs.into_iter().map(|r| view! {
                            <tr>
                                <td>{r.started}</td><td>{r.trigger}</td><td>{r.as_of}</td>
                                <td class="table__cell--numeric">{r.applications}</td>
                                <td class="table__cell--numeric">{r.drafts}</td>
                                <td class="table__cell--numeric">{r.documents}</td>
                                <td class="table__cell--numeric">{r.rows}</td>
                                <td class="table__cell--numeric">{r.restored}</td>
                                <td>{match (r.took, r.failure) {
                                    (Some(took), _) => format!("Finished in {took}"),
                                    (None, Some(why)) => format!("Failed: {why} (the next run finishes its work)"),
                                    (None, None) => "Interrupted or still running (the next run finishes its work)".to_owned(),
                                }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
    .into_any()
}

/// The retention schedule. HR and auditors only.
#[server(prefix = "/api", endpoint = "staff-retention-schedule")]
pub async fn retention_schedule_rows()
-> Result<Vec<crate::domain::retention::schedule::ScheduleRow>, AppError> {
    use crate::domain::access::{Action, authorise};
    authorise(&crate::ports::current_actor(), Action::ViewRetention)?;
    Ok(crate::ports::services()?.retention.schedule())
}

/// `/staff/retention/schedule`: every kind of data, why, on what basis, for how long, from
/// when — generated from the configuration, with a CSV download.
#[component]
pub fn RetentionSchedulePage() -> impl IntoView {
    let rows = Resource::new(|| (), |()| retention_schedule_rows());
    view! {
        <leptos_meta::Title text="Retention schedule"/>
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(rows) => view! {
                        <a class="back-link" href="/staff/retention">"Back to retention and purges"</a>
                        <h1 class="heading-xl">"Retention schedule"</h1>
                        <p class="body">"Generated from this installation’s settings, so it always says what the purge does. Publish it with the privacy notice."</p>
                        <p class="body"><a class="link" href="/staff/retention/schedule.csv" download="">"Download the schedule (CSV)"</a></p>
                        <table class="table">
                            <caption class="visually-hidden">"What is kept, why, on what basis and for how long"</caption>
                            <thead><tr>
                                <th scope="col">"Data"</th><th scope="col">"Includes"</th><th scope="col">"Purpose"</th>
                                <th scope="col">"Lawful basis"</th><th scope="col">"Kept for"</th><th scope="col">"From"</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| view! {
                                    <tr>
                                        <th scope="row">{r.category}</th><td>{r.examples}</td><td>{r.purpose}</td>
                                        <td>{r.basis}</td><td>{r.kept_for}</td><td>{r.from}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
