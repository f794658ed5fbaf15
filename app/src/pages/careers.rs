//! The careers page: the organisation's open vacancies. Public, no sign-in.

use super::components::{ErrorPage, SummaryRow};
use crate::domain::vacancy::{CareersPage as CareersData, VacancySummary};
use crate::error::AppError;
use leptos::prelude::*;

/// Lists the open vacancies. Public by design: anyone may see what is advertised.
#[server(prefix = "/api", endpoint = "careers")]
pub async fn careers_page() -> Result<CareersData, AppError> {
    // Authorisation: none needed; this is the public careers list.
    let services = crate::ports::services()?;
    let vacancies = services.careers.open_vacancies(services.clock.now()).await?;
    Ok(CareersData { organisation: services.organisation_name.to_string(), vacancies })
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
    let page = Resource::new(|| (), |()| careers_page());
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
    let count = count_text(data.vacancies.len());
    let empty = data.vacancies.is_empty();
    view! {
        <leptos_meta::Title text="Current vacancies"/>
        <span class="caption-l">{data.organisation}</span>
        <h1 class="heading-xl">"Current vacancies"</h1>
        <p class="body" id="vacancy-count">{count}</p>
        {if empty {
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
