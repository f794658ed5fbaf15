//! `/staff/vacancies/:id/reserve-list`: HR's reserve-list page for a vacancy — its own reserve
//! list (candidates found appointable for it who agreed to be kept), and the candidates on
//! other vacancies' reserve lists who match it, each list in merit order, with why each one
//! matches and a button inviting them to apply while the vacancy is open.
//!
//! Only candidates with a live reserve-list consent ever reach this page: the server decides
//! who is on a list and leaves everyone else out. The invite button is a plain form post to
//! `server/src/http/vacancies.rs`, which authorises and checks the list again.

use super::components::{ErrorPage, ErrorSummaryList, SuccessBanner};
use crate::domain::reserve::{ReserveListPage, invite_error};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The reserve-list page of vacancy `vacancy`. HR only.
#[server(prefix = "/api", endpoint = "staff-reserve-list")]
pub async fn load_reserve_lists(vacancy: String) -> Result<ReserveListPage, AppError> {
    use crate::domain::access::{Action, authorise};
    let actor = crate::ports::current_actor();
    authorise(&actor, Action::ManageVacancies)?;
    let vacancy: crate::domain::VacancyId = vacancy.parse().map_err(|_| AppError::NotFound)?;
    let services = crate::ports::services()?;
    services.reserve_lists.page(vacancy, services.clock.now()).await
}

/// `/staff/vacancies/:id/reserve-list`.
#[component]
pub fn StaffReserveListPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || (params.read().get("id").unwrap_or_default(), query.read().to_query_string());
    let data = Resource::new(key, |(id, _)| load_reserve_lists(id));
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <Lists page/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Lists(page: ReserveListPage) -> impl IntoView {
    let query = use_query_map();
    let done = (query.read_untracked().get("done").as_deref() == Some("invited"))
        .then_some("Invitation sent. It is recorded in the audit log.");
    let problems: Vec<(String, String)> = query
        .read_untracked()
        .get("error")
        .and_then(|c| invite_error(&c))
        .map(|m| vec![("matches".to_owned(), m.to_owned())])
        .unwrap_or_default();
    let title = format!("Reserve list – {}", page.title);
    let title = if problems.is_empty() { title } else { format!("Error: {title}") };
    let vacancy = page.vacancy;
    let open = page.taking_applications;
    let own = if page.own.is_empty() {
        view! { <p class="body" id="own-empty">"Nobody is on this vacancy’s reserve list."</p> }
            .into_any()
    } else {
        view! {
            <table class="table" id="own-list">
                <caption class="visually-hidden">"This vacancy’s reserve list, in merit order"</caption>
                <thead><tr>
                    <th scope="col">"Candidate"</th>
                    <th scope="col" class="table__header--numeric">"Score"</th>
                    <th scope="col">"Found appointable"</th>
                    <th scope="col">"Consent until"</th>
                </tr></thead>
                <tbody>
                    {page.own.into_iter().map(|e| view! {
                        <tr>
                            <td><a class="link" href=format!("/staff/candidates/{}", e.application)>{e.name}</a></td>
                            <td class="table__cell--numeric">{e.score}</td>
                            <td>{e.found_appointable}</td>
                            <td>{e.consent_until}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    let matches = if page.matches.is_empty() {
        view! { <p class="body" id="matches-empty">"Nobody on another reserve list matches this vacancy."</p> }.into_any()
    } else {
        view! {
            <table class="table" id="match-list">
                <caption class="visually-hidden">"Candidates on other reserve lists who match this vacancy, in merit order"</caption>
                <thead><tr>
                    <th scope="col">"Candidate"</th>
                    <th scope="col">"Why they match"</th>
                    <th scope="col" class="table__header--numeric">"Score"</th>
                    <th scope="col">"Consent until"</th>
                    <th scope="col">"Invitation"</th>
                </tr></thead>
                <tbody>
                    {page.matches.into_iter().map(|m| {
                        let action = match (m.invited, open) {
                            (Some(at), _) => view! { <span>{format!("Invited {at}")}</span> }.into_any(),
                            (None, true) => view! {
                                <form method="post" action=format!("/staff/vacancies/{vacancy}/reserve-list/{}/invite", m.application)>
                                    <button class="button button--secondary" type="submit">
                                        "Invite to apply"<span class="visually-hidden">{format!(": {}", m.name)}</span>
                                    </button>
                                </form>
                            }.into_any(),
                            (None, false) => view! { <span>"Not invited"</span> }.into_any(),
                        };
                        view! {
                            <tr>
                                <td>{m.name}<br/><span class="hint">{format!("Found appointable for {}", m.found_for)}</span></td>
                                <td><ul class="list">{m.reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul></td>
                                <td class="table__cell--numeric">{m.score}</td>
                                <td>{m.consent_until}</td>
                                <td>{action}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <leptos_meta::Title text=title/>
        <a class="back-link" href=format!("/staff/vacancies/{vacancy}")>"Back to the vacancy"</a>
        {done.map(|text| view! { <SuccessBanner text/> })}
        <ErrorSummaryList problems/>
        <span class="caption-l">{page.title.clone()}</span>
        <h1 class="heading-xl">"Reserve list"</h1>
        <p class="body">"Candidates found appointable but not appointed are listed only while they agree to be kept for other jobs. Highest final score first (the moderated score, else the average of the submitted score sheets); equal scores by who was found appointable first."</p>
        <h2 class="heading-l">"This vacancy’s reserve list"</h2>
        {own}
        <h2 class="heading-l" id="matches">"Candidates on other reserve lists who match this vacancy"</h2>
        <p class="body">"They match on the same job family, a shared location, or at least two shared words in the criteria."</p>
        {(!open).then(|| view! {
            <div class="inset-text"><p class="body">"Candidates can be invited once this vacancy is published, until it closes."</p></div>
        })}
        {matches}
    }
    .into_any()
}
