//! The careers page: the organisation's open vacancies. Public, no sign-in.

use super::components::{ErrorPage, SummaryRow};
use crate::domain::vacancy::{CareersFilter, CareersPage as CareersData, VacancySummary};
use crate::error::AppError;
use leptos::prelude::*;

/// Lists the open vacancies matching the filter. Public by design: anyone may see what is
/// advertised.
#[server(prefix = "/api", endpoint = "careers")]
pub async fn careers_page(
    location: Option<String>,
    family: Option<String>,
) -> Result<CareersData, AppError> {
    // Authorisation: none needed; this is the public careers list. The filter is only ever
    // compared with stored tags (an unknown one matches nothing).
    let clip =
        |s: Option<String>| s.unwrap_or_default().trim().chars().take(80).collect::<String>();
    let filter = CareersFilter { location: clip(location), family: clip(family) };
    let services = crate::ports::services()?;
    services.careers.careers(services.clock.now(), filter).await
}

/// "3 vacancies", "1 vacancy", "No vacancies".
#[must_use]
pub fn count_text(n: usize) -> String {
    match n {
        0 => "No vacancies".to_owned(),
        1 => "1 vacancy".to_owned(),
        n => format!("{n} vacancies"),
    }
}

/// The careers page.
#[component]
pub fn CareersPage() -> impl IntoView {
    // The filter is a GET form, so it works without JavaScript and the address can be shared.
    let query = leptos_router::hooks::use_query_map();
    let page = Resource::new(
        move || {
            let q = query.read();
            (q.get("location").unwrap_or_default(), q.get("family").unwrap_or_default())
        },
        |(location, family)| careers_page(Some(location), Some(family)),
    );
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading vacancies…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => view! { <CareersList data/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CareersList(data: CareersData) -> impl IntoView {
    let filtered = data.filter != CareersFilter::default();
    let mut count = count_text(data.vacancies.len());
    if filtered {
        count.push_str(" matching your filters");
    }
    let empty = data.vacancies.is_empty();
    view! {
        <leptos_meta::Title text="Current vacancies"/>
        <span class="caption-l">{data.organisation}</span>
        <h1 class="heading-xl">"Current vacancies"</h1>
        <Filters locations=data.locations families=data.families filter=data.filter/>
        <p class="body" id="vacancy-count" role="status">{count}</p>
        {if empty && filtered {
            view! {
                <p class="body">"No open vacancy matches your filters. " <a class="link" href="/">"Show all vacancies"</a></p>
            }
                .into_any()
        } else if empty {
            view! {
                <p class="body">"There are no vacancies open at the moment. Check again soon."</p>
            }
                .into_any()
        } else {
            view! {
                <ul class="vacancy-list" aria-labelledby="vacancy-count">
                    {data
                        .vacancies
                        .into_iter()
                        .map(|vacancy| view! { <VacancyItem vacancy/> })
                        .collect_view()}
                </ul>
            }
                .into_any()
        }}
    }
}

/// The location and job-family filters: a GET form of two selects.
#[component]
fn Filters(locations: Vec<String>, families: Vec<String>, filter: CareersFilter) -> impl IntoView {
    if locations.is_empty() && families.is_empty() {
        return ().into_any();
    }
    let select = |id: &'static str,
                  label: &'static str,
                  any: &'static str,
                  options: Vec<String>,
                  chosen: String| {
        view! {
            <div class="form-group filter__item">
                <label class="label" for=id>{label}</label>
                <select class="select" id=id name=id>
                    <option value="" selected=chosen.is_empty()>{any}</option>
                    {options.into_iter().map(|o| {
                        let selected = o == chosen;
                        let value = o.clone();
                        view! { <option value=value selected=selected>{o}</option> }
                    }).collect_view()}
                </select>
            </div>
        }
    };
    view! {
        <form class="filter" method="get" action="/" role="search" aria-label="Filter vacancies">
            {select("location", "Location", "Any location", locations, filter.location)}
            {select("family", "Job family", "Any job family", families, filter.family)}
            <button type="submit" class="button button--secondary">"Apply filters"</button>
        </form>
    }
    .into_any()
}

#[component]
fn VacancyItem(vacancy: VacancySummary) -> impl IntoView {
    let href = format!("/vacancies/{}", vacancy.id);
    let closing = vacancy.closing_text();
    let salary = vacancy.salary.describe();
    view! {
        <li class="vacancy">
            <h2 class="heading-m">
                <a class="link" href=href>{vacancy.title}</a>
            </h2>
            <p class="body">{vacancy.summary}</p>
            <dl class="summary-list">
                <SummaryRow key="Team" value=vacancy.team/>
                <SummaryRow key="Location" value=vacancy.location/>
                <SummaryRow key="Salary" value=salary/>
                <SummaryRow key="Closing date" value=closing/>
            </dl>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::count_text;

    #[test]
    fn counts_read_naturally() {
        assert_eq!(count_text(0), "No vacancies");
        assert_eq!(count_text(1), "1 vacancy");
        assert_eq!(count_text(12), "12 vacancies");
    }
}
