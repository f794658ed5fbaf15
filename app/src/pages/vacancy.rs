//! A vacancy's own page: the full advert. Public, no sign-in.

use super::components::{ErrorPage, SummaryRow};
use crate::domain::{VacancyDetail, vacancy::PrivacyNotice};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// One advertised vacancy. Public by design; a draft or unknown vacancy is "not found", and
/// so is an id that is not an id at all (the address is wrong either way).
#[server(prefix = "/api", endpoint = "vacancy")]
pub async fn vacancy_page(id: String) -> Result<VacancyDetail, AppError> {
    // Authorisation: none needed; advertised vacancies are public.
    let id: crate::domain::VacancyId = id.parse().map_err(|_| AppError::NotFound)?;
    let services = crate::ports::services()?;
    services.careers.advertised_vacancy(id, services.clock.now()).await?.ok_or(AppError::NotFound)
}

/// The vacancy page at `/vacancies/:id`.
#[component]
pub fn VacancyPage() -> impl IntoView {
    let params = use_params_map();
    let detail = Resource::new(move || params.read().get("id").unwrap_or_default(), vacancy_page);
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading vacancy…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <VacancyAdvert detail/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn VacancyAdvert(detail: VacancyDetail) -> impl IntoView {
    let paragraphs = detail.paragraphs();
    let s = detail.summary;
    let closing = s.closing_text();
    let salary = s.salary.describe();
    let posts = detail.posts.to_string();
    let apply = format!("/vacancies/{}/apply", s.id);
    let status = if detail.open_for_applications {
        view! {
            <p class="body">"Applications close on " <strong>{closing.clone()}</strong> "."</p>
            <p class="body"><a class="button" href=apply.clone()>"Apply for this job"</a></p>
        }
        .into_any()
    } else {
        view! {
            <div class="inset-text">
                <p class="body">"This vacancy closed on " {closing.clone()} ". It is no longer accepting applications."</p>
            </div>
        }
            .into_any()
    };
    view! {
        <leptos_meta::Title text=s.title.clone()/>
        <nav class="back-link-wrap" aria-label="Back">
            <a class="back-link" href="/">"All vacancies"</a>
        </nav>
        <span class="caption-l">{s.team.clone()}</span>
        <h1 class="heading-xl">{s.title}</h1>
        <p class="lead">{s.summary}</p>
        {status}
        <dl class="summary-list">
            <SummaryRow key="Team" value=s.team/>
            <SummaryRow key="Location" value=s.location/>
            <SummaryRow key="Salary" value=salary/>
            <SummaryRow key="Number of posts" value=posts/>
            <SummaryRow key="Closing date" value=closing/>
        </dl>
        <h2 class="heading-l">"About the role"</h2>
        {paragraphs.into_iter().map(|p| view! { <p class="body">{p}</p> }).collect_view()}
        {(!detail.criteria.is_empty()).then(|| view! {
            <h2 class="heading-l">"What we are looking for"</h2>
            <p class="body">"Your application will be assessed against these criteria. You will be asked how you meet each one."</p>
            <ul class="list list--bullet">
                {detail.criteria.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}
            </ul>
        })}
        <PrivacySection notice=detail.privacy/>
    }
}

/// "How we use your information": the organisation's notice and the retention periods from
/// configuration. On every vacancy page and at the start of every application.
#[component]
pub fn PrivacySection(notice: PrivacyNotice) -> impl IntoView {
    view! {
        <h2 class="heading-l" id="privacy">"How we use your information"</h2>
        {notice.paragraphs().into_iter().map(|p| view! { <p class="body">{p}</p> }).collect_view()}
        <h3 class="heading-m">"How long we keep it"</h3>
        <ul class="list list--bullet">
            {notice.retention().into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
        </ul>
    }
}
