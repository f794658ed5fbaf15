//! `/staff/reports/funnel` and `/staff/reports/diversity`: anonymised reports for HR and
//! auditors, each a GET filter form (works without JavaScript, bookmarkable), tables, a chart
//! drawn as SVG on the server with a text alternative, and a CSV download carrying the same
//! filter. Every run is recorded in the audit log by the port.
//!
//! The diversity page shows only what the monitoring module published: figures, "fewer than
//! N" and "withheld" — it never receives a count that was suppressed.

use super::audit::encode;
use super::components::{ErrorPage, ErrorSummary};
use crate::domain::disclosure::{Figure, Published};
use crate::domain::reports::{DiversityPage, FunnelPage, QuestionTable, Step};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The recruitment funnel for a filter. HR and auditors only.
#[server(prefix = "/api", endpoint = "staff-report-funnel")]
pub async fn funnel_report(
    from: String,
    to: String,
    vacancy: String,
    family: String,
    location: String,
) -> Result<FunnelPage, AppError> {
    use crate::domain::access::{Action, Actor, authorise};
    let actor = crate::ports::current_actor();
    authorise(&actor, Action::RunReports)?;
    let Actor::Staff(me) = &actor else { return Err(AppError::SignInRequired) };
    let services = crate::ports::services()?;
    let now = services.clock.now();
    let filter = crate::domain::reports::FunnelFilter::parse(
        &from,
        &to,
        &vacancy,
        &family,
        &location,
        crate::domain::time::to_uk(now).0.date(),
    )?;
    services.reports.funnel(me.id, &filter, "page", now).await
}

/// The diversity funnel for a year and, optionally, a job family. HR and auditors only.
#[server(prefix = "/api", endpoint = "staff-report-diversity")]
pub async fn diversity_report(year: String, family: String) -> Result<DiversityPage, AppError> {
    use crate::domain::access::{Action, Actor, authorise};
    let actor = crate::ports::current_actor();
    authorise(&actor, Action::RunReports)?;
    let Actor::Staff(me) = &actor else { return Err(AppError::SignInRequired) };
    let services = crate::ports::services()?;
    let now = services.clock.now();
    let filter = crate::domain::reports::DiversityFilter::parse(
        &year,
        &family,
        crate::domain::time::to_uk(now).0.date(),
    )?;
    services.reports.diversity(me.id, &filter, "page", now).await
}

fn problem_of(error: AppError) -> Result<(String, String), AppError> {
    match error {
        AppError::Validation(errors) => {
            let first = errors.into_iter().next();
            Ok(first.map(|e| (e.field, e.message)).unwrap_or_default())
        }
        other => Err(other),
    }
}

/// The funnel page.
#[component]
pub fn FunnelReportPage() -> impl IntoView {
    let query = use_query_map();
    let field = move |name: &str| query.read().get(name).unwrap_or_default();
    let filter =
        move || (field("from"), field("to"), field("vacancy"), field("family"), field("location"));
    let data = Resource::new(filter, |(f, t, v, fa, l)| funnel_report(f, t, v, fa, l));
    view! {
        <leptos_meta::Title text="Recruitment funnel"/>
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <FunnelView page/> }.into_any(),
                    Err(error) => match problem_of(error) {
                        Ok((field, message)) => view! {
                            <ErrorSummary field message/>
                            <a class="back-link" href="/staff/reports/funnel">"Start again with the last twelve months"</a>
                        }.into_any(),
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    },
                }
            })}
        </Suspense>
    }
}

/// A horizontal bar chart with its text alternative: one bar per labelled value; values that
/// are not shown get no bar and their words instead.
#[component]
fn BarChart(id: String, title: String, bars: Vec<(String, Figure)>) -> impl IntoView {
    let max = bars.iter().filter_map(|(_, f)| f.shown()).max().unwrap_or(0).max(1);
    let row_height = 28;
    let height = row_height * bars.len().max(1) + 8;
    let summary = bars
        .iter()
        .map(|(label, f)| format!("{label}: {}", f.words()))
        .collect::<Vec<_>>()
        .join("; ");
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled = format!("{title_id} {desc_id}");
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 640 {height}") width="100%" role="img" aria-labelledby=labelled focusable="false">
                <title id=title_id.clone()>{title.clone()}</title>
                <desc id=desc_id>{summary}</desc>
                {bars.into_iter().enumerate().map(|(i, (label, f))| {
                    let y = i * row_height + 4;
                    let width = f.shown().map_or(0, |n| n * 380 / max);
                    view! {
                        <text x="0" y=y + 18 class="chart__label">{label}</text>
                        <rect x="220" y=y width=width height="20" class="chart__bar"/>
                        <text x=230 + width y=y + 18 class="chart__value">{f.words()}</text>
                    }
                }).collect_view()}
            </svg>
            <figcaption class="hint">{title}</figcaption>
        </figure>
    }
}

#[component]
fn FunnelView(page: FunnelPage) -> impl IntoView {
    let FunnelPage { report, filter, choices } = page;
    let vacancy = filter.vacancy.map(|v| v.to_string()).unwrap_or_default();
    let family = filter.family.clone().unwrap_or_default();
    let location = filter.location.clone().unwrap_or_default();
    let csv = format!(
        "/staff/reports/funnel.csv?from={}&to={}&vacancy={}&family={}&location={}",
        encode(&filter.from),
        encode(&filter.to),
        encode(&vacancy),
        encode(&family),
        encode(&location)
    );
    let bars: Vec<(String, Figure)> = report
        .steps
        .iter()
        .map(|s| (s.step.words().to_owned(), Figure::Shown(s.reached)))
        .collect();
    let days = |d: Option<i64>| d.map_or_else(|| "–".to_owned(), |d| d.to_string());
    view! {
        <a class="back-link" href="/staff">"Back to your staff home"</a>
        <h1 class="heading-xl">"Recruitment funnel"</h1>
        <form method="get" action="/staff/reports/funnel" class="filter">
            <div class="form-group">
                <label class="label" for="from">"First month applied"</label>
                <div class="hint" id="from-hint">"For example, 2026-01"</div>
                <input class="input input--width-10" id="from" name="from" value=filter.from.clone() aria-describedby="from-hint" inputmode="numeric"/>
            </div>
            <div class="form-group">
                <label class="label" for="to">"Last month applied"</label>
                <input class="input input--width-10" id="to" name="to" value=filter.to.clone() inputmode="numeric"/>
            </div>
            <div class="form-group">
                <label class="label" for="vacancy">"Vacancy"</label>
                <select class="input" id="vacancy" name="vacancy">
                    <option value="" selected=vacancy.is_empty()>"All vacancies"</option>
                    {choices.vacancies.into_iter().map(|(id, title)| {
                        let id = id.to_string();
                        let selected = id == vacancy;
                        view! { <option value=id selected=selected>{title}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="form-group">
                <label class="label" for="family">"Job family"</label>
                <select class="input" id="family" name="family">
                    <option value="" selected=family.is_empty()>"All job families"</option>
                    {choices.families.into_iter().map(|f| {
                        let selected = f == family;
                        let value = f.clone(); view! { <option value=value selected=selected>{f}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="form-group">
                <label class="label" for="location">"Location"</label>
                <select class="input" id="location" name="location">
                    <option value="" selected=location.is_empty()>"All locations"</option>
                    {choices.locations.into_iter().map(|l| {
                        let selected = l == location;
                        let value = l.clone(); view! { <option value=value selected=selected>{l}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button">"Run report"</button>
        </form>
        <p class="body" id="funnel-scope">{format!(
            "{} applications ({}), of which {} are counted from the anonymised facts left after their data was deleted.",
            report.total, report.described, report.purged
        )}</p>
        <p class="body"><a class="link" href=csv download>"Download this report (CSV)"</a></p>

        <h2 class="heading-l">"Stages reached"</h2>
        <BarChart id="funnel-chart".to_owned() title="Applications reaching each stage".to_owned() bars/>
        <table class="table" id="funnel-steps">
            <caption class="visually-hidden">"Applications reaching each stage, conversion, drop-off and time in stage"</caption>
            <thead><tr>
                <th scope="col">"Stage"</th>
                <th scope="col" class="table__header--numeric">"Reached"</th>
                <th scope="col" class="table__header--numeric">"Conversion from previous stage"</th>
                <th scope="col" class="table__header--numeric">"Went no further"</th>
                <th scope="col" class="table__header--numeric">"Median days in stage"</th>
            </tr></thead>
            <tbody>
                {report.steps.iter().map(|s| view! {
                    <tr>
                        <th scope="row">{s.step.words()}</th>
                        <td class="table__cell--numeric">{s.reached}</td>
                        <td class="table__cell--numeric">{s.conversion.map_or_else(|| "–".to_owned(), |c| format!("{c}%"))}</td>
                        <td class="table__cell--numeric">{s.stopped_here}</td>
                        <td class="table__cell--numeric">{days(s.median_days)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <p class="body">{format!("Median days from applying to being hired: {}. Times cover applications still held; deleted applications keep only their month.", days(report.median_days_to_hire))}</p>

        <h2 class="heading-l">"Rejection reasons"</h2>
        {if report.reasons.is_empty() {
            view! { <p class="body">"No rejections in this period."</p> }.into_any()
        } else {
            view! {
                <table class="table" id="funnel-reasons">
                    <caption class="visually-hidden">"Rejections by reason"</caption>
                    <thead><tr><th scope="col">"Reason"</th><th scope="col" class="table__header--numeric">"Rejections"</th></tr></thead>
                    <tbody>{report.reasons.iter().map(|(r, n)| view! {
                        <tr><td>{r.clone()}</td><td class="table__cell--numeric">{*n}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            }.into_any()
        }}

        <h2 class="heading-l">"Sources"</h2>
        <table class="table" id="funnel-sources">
            <caption class="visually-hidden">"Applications and hires by where applicants heard of the vacancy"</caption>
            <thead><tr>
                <th scope="col">"Source"</th>
                <th scope="col" class="table__header--numeric">"Applications"</th>
                <th scope="col" class="table__header--numeric">"Hires"</th>
            </tr></thead>
            <tbody>{report.sources.iter().map(|s| view! {
                <tr><td>{s.source.clone()}</td><td class="table__cell--numeric">{s.applications}</td><td class="table__cell--numeric">{s.hires}</td></tr>
            }).collect_view()}</tbody>
        </table>
    }
}

/// The diversity page.
#[component]
pub fn DiversityReportPage() -> impl IntoView {
    let query = use_query_map();
    let field = move |name: &str| query.read().get(name).unwrap_or_default();
    let filter = move || (field("year"), field("family"));
    let data = Resource::new(filter, |(y, f)| diversity_report(y, f));
    view! {
        <leptos_meta::Title text="Diversity funnel"/>
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (year, family) = filter();
                match data.await {
                    Ok(page) => view! { <DiversityView page/> }.into_any(),
                    Err(error) => match problem_of(error) {
                        Ok((field, message)) => view! {
                            <ErrorSummary field message/>
                            <h1 class="heading-xl">"Diversity funnel"</h1>
                            <p class="body">{format!("No report was produced for year “{year}”{}.", if family.is_empty() { String::new() } else { format!(", job family “{family}”") })}</p>
                            <a class="link" href="/staff/reports/diversity">"Run it for the whole organisation this year"</a>
                        }.into_any(),
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    },
                }
            })}
        </Suspense>
    }
}

#[component]
fn DiversityView(page: DiversityPage) -> impl IntoView {
    let DiversityPage { report, filter, families } = page;
    let family = filter.family.clone().unwrap_or_default();
    let csv =
        format!("/staff/reports/diversity.csv?year={}&family={}", filter.year, encode(&family));
    let note = report.note();
    let threshold = report.threshold;
    view! {
        <a class="back-link" href="/staff">"Back to your staff home"</a>
        <h1 class="heading-xl">"Diversity funnel"</h1>
        <form method="get" action="/staff/reports/diversity" class="filter">
            <div class="form-group">
                <label class="label" for="year">"Year applied"</label>
                <input class="input input--width-4" id="year" name="year" value=filter.year.to_string() inputmode="numeric"/>
            </div>
            <div class="form-group">
                <label class="label" for="family">"Job family"</label>
                <select class="input" id="family" name="family">
                    <option value="" selected=family.is_empty()>"Whole organisation"</option>
                    {families.into_iter().map(|f| {
                        let selected = f == family;
                        let value = f.clone(); view! { <option value=value selected=selected>{f}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button">"Run report"</button>
        </form>
        <p class="body">{report.described.clone()}</p>
        <div class="inset-text" id="disclosure-note"><p class="body">{note}</p></div>
        <p class="body"><a class="link" href=csv download>"Download this report (CSV)"</a></p>
        {report.tables.into_iter().enumerate().map(|(k, t)| view! { <QuestionView k t threshold/> }).collect_view()}
    }
}

#[component]
fn QuestionView(k: usize, t: QuestionTable, threshold: u32) -> impl IntoView {
    let rows = t.categories.len();
    let bars: Vec<(String, Figure)> =
        t.categories.iter().enumerate().map(|(i, c)| (c.clone(), t.figures.row_total(i))).collect();
    let id = format!("diversity-{k}");
    let cell = |f: Figure| view! { <td class="table__cell--numeric">{f.words()}</td> };
    let labels: Vec<String> = t.categories.iter().cloned().chain(["Total".to_owned()]).collect();
    let question = t.question.clone();
    view! {
        <h2 class="heading-l">{question.clone()}</h2>
        <BarChart id=format!("{id}-chart") title=format!("{question}: applications by answer") bars/>
        <table class="table" id=id>
            <caption class="body">{format!("{question}: furthest stage reached, by answer")}</caption>
            <thead><tr>
                <th scope="col">"Answer"</th>
                {Step::ALL.iter().map(|s| view! { <th scope="col" class="table__header--numeric">{s.words()}</th> }).collect_view()}
                <th scope="col" class="table__header--numeric">"Total"</th>
                <th scope="col" class="table__header--numeric">"Reached interview"</th>
                <th scope="col" class="table__header--numeric">"Hired"</th>
            </tr></thead>
            <tbody>
                {labels.into_iter().enumerate().map(|(i, label)| {
                    let share = |step: Step| {
                        let reached = if i < rows { t.reached(i, step) } else { column_reached(&t.figures, step) };
                        Published::share(reached, t.figures.row_total(i), threshold)
                            .map_or_else(|| "–".to_owned(), |p| format!("{p}%"))
                    };
                    view! {
                        <tr>
                            <th scope="row">{label}</th>
                            {(0..=Step::ALL.len()).map(|j| cell(t.figures.figure(i, j))).collect_view()}
                            <td class="table__cell--numeric">{share(Step::Interviewed)}</td>
                            <td class="table__cell--numeric">{share(Step::Hired)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// "Reached at least `step`" for the totals row, from shown column totals only.
fn column_reached(p: &Published, step: Step) -> Figure {
    let mut sum = 0;
    for col in step.index()..Step::ALL.len() {
        match p.col_total(col) {
            Figure::Shown(n) => sum += n,
            _ => return Figure::Withheld,
        }
    }
    Figure::Shown(sum)
}
