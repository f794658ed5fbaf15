//! `/staff/vacancies/:id/candidates`: the pipeline board of one vacancy — its stages as
//! columns with counts (stacked as lists on narrow screens), each candidate with their score
//! and scoring progress, a GET filter form, and bulk rejection at sift for whoever decides.
//!
//! No drag and drop (WCAG 2.5.7): every move is a form on the candidate page; the board is
//! links, checkboxes and buttons, so it works by keyboard and with JavaScript off. What the
//! viewer may not see (names in a name-blind sift, colleagues' scores before their own) never
//! reaches this page: the server leaves it out.

use super::components::{ErrorPage, ErrorSummary, FormTitle, SuccessBanner};
use crate::domain::selection::{CandidateRow, PipelinePage, SCALE, Sort, Standing, score_words};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The board of vacancy `vacancy` for the signed-in selector, filtered.
#[server(prefix = "/api", endpoint = "staff-pipeline")]
pub async fn pipeline_board(
    vacancy: String,
    stage: Option<String>,
    min_score: Option<String>,
    unscored: Option<String>,
    ended: Option<String>,
    sort: Option<String>,
    page: Option<String>,
) -> Result<PipelinePage, AppError> {
    use crate::domain::selection::{PipelineFilter, Viewer};
    let actor = crate::ports::current_actor();
    crate::domain::access::signed_in(&actor)?;
    let vacancy: crate::domain::VacancyId = vacancy.parse().map_err(|_| AppError::NotFound)?;
    let viewer = Viewer::for_vacancy(&actor, vacancy)?;
    let filter = PipelineFilter::from_query(
        stage.as_deref(),
        min_score.as_deref(),
        unscored.as_deref(),
        ended.as_deref(),
        sort.as_deref(),
        page.as_deref(),
    );
    let services = crate::ports::services()?;
    services.selection.pipeline(&viewer, vacancy, filter).await
}

/// `/staff/vacancies/:id/candidates`.
#[component]
pub fn PipelineBoardPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let q = query.read();
        (
            params.read().get("id").unwrap_or_default(),
            [
                q.get("stage"),
                q.get("min_score"),
                q.get("unscored"),
                q.get("ended"),
                q.get("sort"),
                q.get("page"),
            ],
        )
    };
    let board = Resource::new(key, |(id, [stage, min, unscored, ended, sort, page])| {
        pipeline_board(id, stage, min, unscored, ended, sort, page)
    });
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(page) => view! { <Board page/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// "Scored by 2 of 3".
fn progress(row: &CandidateRow) -> String {
    format!("Scored by {} of {}", row.sheets, row.scorers)
}

fn score_text(row: &CandidateRow) -> String {
    match (row.score, row.moderated) {
        (Some(s), true) => format!("Final score {}", score_words(s)),
        (Some(s), false) => format!("Average {}", score_words(s)),
        (None, _) if row.scored_by_me || row.sheets == 0 => "No scores yet".to_owned(),
        (None, _) => "Score it to see colleagues’ scores".to_owned(),
    }
}

#[component]
fn Board(page: PipelinePage) -> impl IntoView {
    let query = use_query_map();
    let base = format!("/staff/vacancies/{}/candidates", page.vacancy);
    let outcome = move || {
        let q = query.read();
        let banner = q.get("rejected").map(|n| {
            let skipped = q.get("skipped").unwrap_or_default();
            let text = if skipped.is_empty() || skipped == "0" {
                format!("{n} rejected. Each has been sent the rejection letter.")
            } else {
                format!(
                    "{n} rejected. {skipped} left alone: they were restricted, no longer at sift, or already decided."
                )
            };
            view! { <SuccessBanner text/> }
        });
        let problem = match q.get("error").as_deref() {
            Some("none") => Some("Select the candidates to reject"),
            Some("reason") => Some("Select the reason for rejecting"),
            _ => None,
        };
        let held = match q.get("done").as_deref() {
            Some("held") => Some("Legal hold placed on the vacancy. None of its applications will be deleted until it is released."),
            Some("released") => Some("Legal hold released. The retention rules apply again."),
            _ => None,
        }
        .map(|text| view! { <SuccessBanner text/> });
        let problem = problem.map(|message| {
            view! { <ErrorSummary field="reason" message/> }
        });
        view! { {banner} {held} {problem} }
    };
    let hold_problem = move || {
        (query.read().get("error").as_deref() == Some("hold_reason")).then(|| {
            "Enter why the vacancy's applications must be kept (for example, the claim or tribunal it concerns)"
                .to_owned()
        })
    };
    let failed = move || query.read().get("error").is_some();
    let title = page.title.clone();
    let one_stage = page.filter.stage;
    let columns: Vec<_> =
        page.stages.iter().filter(|c| one_stage.is_none_or(|s| s == c.stage)).cloned().collect();
    let decide = page.can_decide;
    let reasons = page.reasons.clone();
    let vacancy = page.vacancy;
    let rows = page.candidates.clone();
    let board = view! {
        <div class="board">
            {columns.into_iter().map(|col| {
                let in_col: Vec<CandidateRow> = rows.iter().filter(|r| r.stage == col.stage).cloned().collect();
                let heading_id = format!("stage-{}", col.stage.code());
                let labelled_by = heading_id.clone();
                let more = (one_stage.is_none() && col.matching > in_col.len()).then(|| {
                    let href = format!("{base}?stage={}", col.stage.code());
                    view! { <p class="body"><a class="link" href=href>{format!("View all {} in {}", col.matching, col.stage.words())}</a></p> }
                });
                view! {
                    <section class="board__column" aria-labelledby=labelled_by>
                        <h2 class="heading-m" id=heading_id>{col.stage.words()} " " <span class="board__count">{format!("({})", col.count)}</span></h2>
                        {if in_col.is_empty() {
                            view! { <p class="body">"Nobody here."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="board__list">
                                    {in_col.into_iter().map(|r| view! { <Card row=r decide/> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        {more}
                    </section>
                }
            }).collect_view()}
        </div>
    };
    let paging = (page.pages > 1).then(|| {
        let stage = one_stage.map(|s| s.code()).unwrap_or_default();
        let current = page.filter.page.min(page.pages);
        view! {
            <nav class="pagination" aria-label="Pages of candidates">
                <ul class="list">
                    {(1..=page.pages).map(|p| {
                        let href = format!("{base}?stage={stage}&page={p}");
                        let here = (p == current).then_some("page");
                        view! { <li><a class="link" href=href aria-current=here>{format!("Page {p}")}</a></li> }
                    }).collect_view()}
                </ul>
            </nav>
        }
    });
    let ended_text = (!page.ended.is_empty()).then(|| {
        let parts: Vec<String> =
            page.ended.iter().map(|(s, n)| format!("{n} {}", ended_words(*s))).collect();
        let href = format!("{base}?ended=yes");
        view! { <p class="body">"Ended: " {parts.join(", ")} ". " <a class="link" href=href>"Include them in the board"</a></p> }
    });
    view! {
        <FormTitle text="Candidates" failed=Signal::derive(failed)/>
        <a class="back-link" href=format!("/staff/vacancies/{vacancy}")>"Back to the vacancy"</a>
        {outcome}
        <span class="caption-l">{title}</span>
        <h1 class="heading-xl">"Candidates"</h1>
        {page.name_blind.then(|| view! {
            <div class="inset-text"><p class="body">"This vacancy’s sift is name-blind: candidates are shown by number, without their name, contact details or CV, until they pass the sift."</p></div>
        })}
        <p class="body" role="status">{format!("{} matching", page.matching)}</p>
        {ended_text}
        <Filters page=page.clone()/>
        {if decide {
            view! {
                <form method="post" action=format!("/staff/vacancies/{vacancy}/reject")>
                    {board}
                    {paging}
                    <BulkReject reasons/>
                </form>
            }.into_any()
        } else {
            view! { {board} {paging} }.into_any()
        }}
        {page.holds.clone().map(|holds| view! {
            <super::holds::Retention
                summary=None
                holds
                action=format!("/staff/vacancies/{vacancy}/hold")
                covers="every application to this vacancy"
                typed=String::new()
                problem=hold_problem()
            />
        })}
    }
    .into_any()
}

fn ended_words(s: Standing) -> &'static str {
    match s {
        Standing::Rejected => "rejected",
        Standing::Appointable => "found appointable, not appointed",
        Standing::Withdrawn => "withdrawn",
        Standing::OfferDeclined => "declined the offer",
        Standing::Hired => "hired",
        Standing::Active => "in progress",
    }
}

#[component]
fn Card(row: CandidateRow, decide: bool) -> impl IntoView {
    let href = format!("/staff/candidates/{}", row.id);
    let check_id = format!("select-{}", row.id);
    let can_bulk = decide
        && row.standing.active()
        && !row.restricted
        && matches!(
            row.stage,
            crate::domain::vacancy_edit::Stage::Applied | crate::domain::vacancy_edit::Stage::Sift
        );
    let status = (!row.standing.active())
        .then(|| view! { <strong class="tag">{row.standing.words()}</strong> " " });
    let restricted = row
        .restricted
        .then(|| view! { <strong class="tag tag--incomplete">"Restricted"</strong> " " });
    let mine = if row.scored_by_me { "You have scored" } else { "Not scored by you" };
    view! {
        <li class="board__card">
            <p class="body"><a class="link" href=href>{row.label.clone()}</a></p>
            <p class="hint">{status}{restricted}{score_text(&row)} " · " {progress(&row)} " · " {mine}</p>
            {row.retention.clone().map(|r| view! { <p class="hint">{r}</p> })}
            {can_bulk.then(|| view! {
                <div class="checkboxes__item">
                    <input class="checkboxes__input" id=check_id.clone() name="candidate" type="checkbox" value=row.id.to_string()/>
                    <label class="label checkboxes__label" for=check_id>{format!("Select {} to reject", row.label)}</label>
                </div>
            })}
        </li>
    }
    .into_any()
}

#[component]
fn BulkReject(reasons: Vec<crate::domain::selection::Reason>) -> impl IntoView {
    view! {
        <h2 class="heading-m">"Reject selected candidates at sift"</h2>
        <p class="body">"Each selected candidate still at Applied or Sift is rejected with this reason and sent the rejection letter. Candidates who are restricted or already decided are left alone."</p>
        <div class="form-group">
            <label class="label" for="reason">"Reason"</label>
            <select class="select" id="reason" name="reason">
                <option value="">"Choose a reason"</option>
                {reasons.into_iter().map(|r| view! { <option value=r.code>{r.words}</option> }).collect_view()}
            </select>
        </div>
        <button class="button button--warning" type="submit">"Reject selected candidates"</button>
    }
}

#[component]
fn Filters(page: PipelinePage) -> impl IntoView {
    let f = page.filter;
    view! {
        <form class="filter" method="get" action=format!("/staff/vacancies/{}/candidates", page.vacancy)>
            <h2 class="heading-m">"Filter candidates"</h2>
            <div class="filter__item form-group">
                <label class="label" for="stage">"Stage"</label>
                <select class="select" id="stage" name="stage">
                    <option value="" selected=f.stage.is_none()>"All stages"</option>
                    {page.stages.iter().map(|c| view! {
                        <option value=c.stage.code() selected=f.stage == Some(c.stage)>{c.stage.words()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="filter__item form-group">
                <label class="label" for="min_score">"Score at least"</label>
                <select class="select" id="min_score" name="min_score">
                    <option value="" selected=f.min_score.is_none()>"Any score"</option>
                    {SCALE.iter().map(|(n, words)| view! {
                        <option value=n.to_string() selected=f.min_score == Some(n * 100)>{format!("{n} – {words}")}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="filter__item form-group">
                <label class="label" for="sort">"Order"</label>
                <select class="select" id="sort" name="sort">
                    <option value="number" selected=f.sort == Sort::Number>"Candidate number"</option>
                    <option value="score" selected=f.sort == Sort::Score>"Highest score first"</option>
                </select>
            </div>
            <div class="filter__item checkboxes__item">
                <input class="checkboxes__input" id="unscored" name="unscored" type="checkbox" value="yes" checked=f.unscored_by_me/>
                <label class="label checkboxes__label" for="unscored">"Only candidates I have not scored"</label>
            </div>
            <div class="filter__item checkboxes__item">
                <input class="checkboxes__input" id="ended" name="ended" type="checkbox" value="yes" checked=f.include_ended/>
                <label class="label checkboxes__label" for="ended">"Include rejected, withdrawn and other ended applications"</label>
            </div>
            <button class="button button--secondary" type="submit">"Apply filters"</button>
        </form>
    }
    .into_any()
}
