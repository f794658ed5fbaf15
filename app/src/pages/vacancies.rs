//! Vacancies for staff: `/staff/vacancies` (the vacancies a person may see, with their
//! counts), `/staff/vacancies/new` and `/staff/vacancies/:id` (the editor for HR; a read-only
//! summary for the vacancy's hiring manager and panel).
//!
//! Reads go through server functions that authorise; every change is a plain form post to a
//! server handler (`server/src/http/vacancies.rs`) that authorises again, so the pages work
//! with JavaScript off. A rejected save comes back as `?error=form`: the server kept the input,
//! and the editor shows it again with its messages (typed text never travels in a URL).

use super::apply::fields::{DateInput, ProblemSummary, Radios, TextInput, error_title};
use super::components::{ErrorPage, SuccessBanner, SummaryRow};
use super::users::vacancy_role_words;
use crate::domain::{
    access::VacancyRole,
    vacancy_edit::{
        MAX_CRITERIA, MAX_QUESTIONS, StaffVacancies, Stage, VacancyEditor, VacancyInput,
        VacancyStatus,
    },
};
use crate::error::{AppError, FieldError};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The vacancies the signed-in person may see.
#[server(prefix = "/api", endpoint = "staff-vacancies")]
pub async fn staff_vacancy_list() -> Result<StaffVacancies, AppError> {
    use crate::domain::access::{Action, authorise, signed_in};
    let actor = crate::ports::current_actor();
    signed_in(&actor)?;
    let services = crate::ports::services()?;
    let vacancies = services.vacancies.list(&actor.vacancy_scope(), services.clock.now()).await?;
    Ok(StaffVacancies { vacancies, can_manage: authorise(&actor, Action::ManageVacancies).is_ok() })
}

/// The editor of vacancy `id` (empty: a new vacancy). HR may edit; the vacancy's own hiring
/// manager and panel may read it. With `rejected`, the caller's last rejected input is shown.
#[server(prefix = "/api", endpoint = "vacancy-editor")]
pub async fn vacancy_editor_page(
    id: String,
    rejected: bool,
) -> Result<(VacancyEditor, bool, bool), AppError> {
    use crate::domain::access::{Action, authorise, signed_in};
    let actor = crate::ports::current_actor();
    let me = signed_in(&actor)?;
    let id: Option<crate::domain::VacancyId> =
        if id.is_empty() { None } else { Some(id.parse().map_err(|_| AppError::NotFound)?) };
    let can_manage = authorise(&actor, Action::ManageVacancies).is_ok();
    match id {
        Some(v) if !can_manage => authorise(&actor, Action::ViewVacancy(v))?,
        None if !can_manage => return Err(AppError::Forbidden),
        _ => {}
    }
    let services = crate::ports::services()?;
    let editor =
        services.vacancies.editor(me.id, id, rejected && can_manage, services.clock.now()).await?;
    let sees_candidates = id.is_some_and(|v| authorise(&actor, Action::ViewCandidates(v)).is_ok());
    Ok((editor, can_manage, sees_candidates))
}

fn done_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "created" => "Vacancy saved as a draft.",
        "saved" => "Changes saved.",
        "published" => {
            "Vacancy published. It is on the careers page now. Its reserve-list page shows the candidates on reserve lists who match it."
        }
        "closed" => "Vacancy closed. The hiring manager has been told.",
        _ => return None,
    })
}

/// `/staff/vacancies`.
#[component]
pub fn StaffVacanciesPage() -> impl IntoView {
    let page = Resource::new(|| (), |()| staff_vacancy_list());
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <VacancyList page/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn VacancyList(page: StaffVacancies) -> impl IntoView {
    view! {
        <leptos_meta::Title text="Vacancies"/>
        <a class="back-link" href="/staff">"Back to staff home"</a>
        <h1 class="heading-xl">"Vacancies"</h1>
        {page.can_manage.then(|| view! {
            <p class="body"><a class="button" href="/staff/vacancies/new">"Create a vacancy"</a></p>
        })}
        {if page.vacancies.is_empty() {
            view! { <p class="body">"There are no vacancies you can see yet."</p> }.into_any()
        } else {
            view! {
                <table class="table">
                    <caption class="visually-hidden">"Vacancies: drafts first, then by closing date"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Vacancy"</th>
                            <th scope="col">"Team"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Closes"</th>
                            <th scope="col" class="table__header--numeric">"Applications"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {page.vacancies.into_iter().map(|v| view! {
                            <tr>
                                <td><a class="link" href=format!("/staff/vacancies/{}", v.id)>{v.title}</a></td>
                                <td>{v.team}</td>
                                <td>{v.status}</td>
                                <td>{v.closes}</td>
                                <td class="table__cell--numeric">{v.applications}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

/// `/staff/vacancies/new` and `/staff/vacancies/:id`.
#[component]
pub fn VacancyEditorPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let id = params.read().get("id").unwrap_or_default();
        let error = query.read().get("error");
        (id, error)
    };
    let editor =
        Resource::new(key, |(id, error)| vacancy_editor_page(id, error.as_deref() == Some("form")));
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match editor.await {
                    Ok((editor, true, candidates)) => view! {
                        <CandidatesLink editor=editor.clone() candidates/>
                        {editor.id.map(|id| view! {
                            <p class="body"><a class="link" id="reserve-list-link" href=format!("/staff/vacancies/{id}/reserve-list")>
                                "Reserve list and matching candidates"
                            </a></p>
                        })}
                        <Editor editor/>
                    }.into_any(),
                    Ok((editor, false, candidates)) => view! {
                        <CandidatesLink editor=editor.clone() candidates/>
                        <ReadOnly editor/>
                    }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The query's `done` banner and action errors (`publish`, `confirm`, `closed`).
#[component]
fn Outcome(publish_problems: Vec<FieldError>) -> impl IntoView {
    let query = use_query_map();
    let done = move || query.read().get("done").and_then(|c| done_text(&c));
    let error = move || query.read().get("error");
    move || {
        let banner = done().map(|text| view! { <SuccessBanner text/> });
        let problem: Option<Vec<FieldError>> = match error().as_deref() {
            Some("publish") => Some(publish_problems.clone()),
            Some("confirm") => Some(vec![FieldError::new(
                "confirm",
                "Tick the box to confirm you want to close the vacancy",
            )]),
            Some("closed") => Some(vec![FieldError::new(
                "title",
                "This vacancy is closed, so it can no longer be changed",
            )]),
            _ => None,
        };
        let summary = problem.map(|list| {
            let problems = Signal::stored(list);
            view! { <ProblemSummary problems/> }
        });
        view! { {banner} {summary} }
    }
}

#[component]
fn Editor(editor: VacancyEditor) -> impl IntoView {
    let problems = Signal::stored(editor.problems.clone());
    let query = use_query_map();
    let action_failed = move || {
        matches!(query.read().get("error").as_deref(), Some("publish" | "confirm" | "closed"))
    };
    let heading = match editor.id {
        Some(_) => editor.input.title.clone(),
        None => "Create a vacancy".to_owned(),
    };
    let page_title = if editor.id.is_some() { "Edit vacancy" } else { "Create a vacancy" };
    let title = error_title(problems, page_title);
    let title = move || {
        if action_failed() && !title().starts_with("Error") {
            format!("Error: {page_title}")
        } else {
            title()
        }
    };
    let action = editor
        .id
        .map_or_else(|| "/staff/vacancies/new".to_owned(), |id| format!("/staff/vacancies/{id}"));
    let closed = editor.status == VacancyStatus::Closed;
    let input = editor.input.clone();
    view! {
        <leptos_meta::Title text=title/>
        <ProblemSummary problems/>
        <Outcome publish_problems=editor.publish_problems.clone()/>
        <a class="back-link" href="/staff/vacancies">"Back to vacancies"</a>
        <span class="caption-l">{if editor.id.is_some() { editor.status_words.clone() } else { "New vacancy".to_owned() }}</span>
        <h1 class="heading-xl">{heading}</h1>
        {editor.id.map(|_| view! {
            <p class="body">{format!("Applications sent: {}", editor.applications)}</p>
        })}
        {if closed {
            view! {
                <p class="body">"This vacancy is closed. Its advert, person specification and team can no longer be changed."</p>
                <ReadOnlyDetails editor=editor.clone()/>
            }.into_any()
        } else {
            view! {
                <form method="post" action=action novalidate>
                    <AdvertFields input=input.clone() problems/>
                    <PipelineFields editor=editor.clone() problems/>
                    <CriteriaFields editor=editor.clone() problems/>
                    <QuestionFields editor=editor.clone() problems/>
                    <TeamFields editor=editor.clone() problems/>
                    <button type="submit" class="button">
                        {if editor.id.is_some() { "Save changes" } else { "Save as draft" }}
                    </button>
                </form>
                <LifecycleActions editor=editor.clone()/>
            }.into_any()
        }}
    }
}

#[component]
fn AdvertFields(input: VacancyInput, problems: Signal<Vec<FieldError>>) -> impl IntoView {
    let area = |id: &'static str,
                label: &'static str,
                hint: &'static str,
                value: String,
                rows: u32| {
        let message = super::apply::fields::message_for(problems, id);
        view! {
            <div class=move || if message.get().is_some() { "form-group form-group--error" } else { "form-group" }>
                <label class="label" for=id>{label}</label>
                <div class="hint" id=format!("{id}-hint")>{hint}</div>
                <super::apply::fields::ErrorMessage id=format!("{id}-error") message/>
                <textarea class=move || if message.get().is_some() { "textarea textarea--error" } else { "textarea" }
                    id=id name=id rows=rows aria-describedby=format!("{id}-hint")>{super::components::textarea_text(value)}</textarea>
            </div>
        }
    };
    view! {
        <h2 class="heading-l">"The advert"</h2>
        <TextInput id="title" label="Job title" value=input.title problems/>
        <TextInput id="team" label="Team" value=input.team problems/>
        <TextInput id="location" label="Location" value=input.location problems
            hint="As the advert should say it, for example “Leeds, 2 days a week in the office”"/>
        <TextInput id="salary_min" label="Lowest salary (£ a year)" value=input.salary_min problems
            width="input--width-10" inputmode="numeric"/>
        <TextInput id="salary_max" label="Highest salary (£ a year)" value=input.salary_max problems
            width="input--width-10" inputmode="numeric" hint="Leave empty for a spot salary"/>
        <DateInput prefix="closes" legend="Closing date" hint="For example, 5 12 2026"
            values=(input.closes_day, input.closes_month, input.closes_year) problems/>
        <TextInput id="closes_time" label="Closing time (UK time)" value=input.closes_time problems
            width="input--width-5" hint="For example, 23:59 or 5pm. Applications sent from this moment on are refused."/>
        <TextInput id="posts" label="Number of posts" value=input.posts problems width="input--width-2" inputmode="numeric"/>
        {area("summary", "Summary", "One or two sentences for the list of vacancies (500 characters at most)", input.summary, 3)}
        {area("description", "Description", "The full advert. Leave a blank line between paragraphs.", input.description, 12)}
        <h2 class="heading-l">"Tags"</h2>
        <TextInput id="job_family" label="Job family (optional)" value=input.job_family problems
            hint="For example, Finance or Digital. Applicants can filter the careers page by it."/>
        <TextInput id="location_tags" label="Location tags (optional)" value=input.location_tags problems
            hint="Places applicants can filter by, separated by commas, for example “Leeds, Remote”"/>
        <h2 class="heading-l">"Sift"</h2>
        <Radios name="name_blind" legend="Should the sift be name-blind?"
            hint="Selectors see “Candidate 1”, “Candidate 2” and only the answers to the person specification until a candidate passes the sift."
            options=vec![("yes", "Yes (recommended)"), ("no", "No")]
            selected=input.name_blind problems/>
        <h2 class="heading-l">"Pre-employment checks"</h2>
        <Radios name="dbs_level" legend="Which criminal-record (DBS) check does the post need?"
            hint="Only where the law allows one for this work. HR records it at offer stage; its details are reduced to the date, certificate number and decision six months after the decision."
            options=std::iter::once(("none", "None")).chain(crate::domain::checks::DbsLevel::ALL.iter().map(|l| (l.code(), l.words()))).collect()
            selected=input.dbs_level problems/>
    }
}

#[component]
fn PipelineFields(editor: VacancyEditor, problems: Signal<Vec<FieldError>>) -> impl IntoView {
    let message = super::apply::fields::message_for(problems, "stages");
    if editor.locked {
        let names = editor.stages.iter().map(|s| s.words()).collect::<Vec<_>>().join(" → ");
        return view! {
            <h2 class="heading-l">"Pipeline"</h2>
            <p class="body">{names}</p>
            <p class="hint">"The stages were fixed when the vacancy was published."</p>
        }
        .into_any();
    }
    let fixed = Stage::ALL
        .iter()
        .filter(|s| !s.optional())
        .map(|s| s.words())
        .collect::<Vec<_>>()
        .join(", ");
    let chosen = editor.input.stages.clone();
    view! {
        <h2 class="heading-l">"Pipeline"</h2>
        <div class=move || if message.get().is_some() { "form-group form-group--error" } else { "form-group" }>
            <fieldset class="fieldset" aria-describedby="stages-hint">
                <legend class="fieldset__legend">"Which optional stages does this vacancy use?"</legend>
                <div class="hint" id="stages-hint">{format!("Every vacancy has {fixed}. Stages are fixed once the vacancy is published.")}</div>
                <super::apply::fields::ErrorMessage id="stages-error".to_owned() message/>
                <div class="checkboxes">
                    {Stage::ALL.into_iter().filter(|s| s.optional()).enumerate().map(|(i, s)| {
                        let id = if i == 0 { "stages".to_owned() } else { format!("stage-{}", s.code()) };
                        view! {
                            <div class="checkboxes__item">
                                <input class="checkboxes__input" id=id.clone() name="stage" type="checkbox"
                                    value=s.code() checked=chosen.iter().any(|c| c == s.code())/>
                                <label class="label checkboxes__label" for=id>{s.words()}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
        </div>
    }
    .into_any()
}

/// A small text input in a repeated row (criteria, questions), with its own message.
fn row_input(
    problems: Signal<Vec<FieldError>>,
    id: String,
    label: String,
    value: String,
    width: &'static str,
) -> impl IntoView {
    let field = id.clone();
    let message = Signal::derive(move || {
        problems.read().iter().find(|p| p.field == field).map(|p| p.message.clone())
    });
    let error_id = format!("{id}-error");
    view! {
        <div class=move || if message.get().is_some() { "form-group form-group--error" } else { "form-group" }>
            <label class="label" for=id.clone()>{label}</label>
            <super::apply::fields::ErrorMessage id=error_id.clone() message/>
            <input class=move || if message.get().is_some() { format!("input {width} input--error") } else { format!("input {width}") }
                id=id.clone() name=id type="text" value=value
                aria-describedby=move || message.get().map(|_| error_id.clone())/>
        </div>
    }
}

#[component]
fn CriteriaFields(editor: VacancyEditor, problems: Signal<Vec<FieldError>>) -> impl IntoView {
    if editor.locked {
        return view! {
            <h2 class="heading-l">"Person specification"</h2>
            <CriteriaTable input=editor.input.clone()/>
            <p class="hint">"The criteria were fixed when the vacancy was published: applicants have answered them."</p>
        }
        .into_any();
    }
    let mut rows = editor.input.criteria.clone();
    let blanks = (MAX_CRITERIA - rows.len().min(MAX_CRITERIA)).min(3);
    rows.extend((0..blanks).map(|_| crate::domain::vacancy_edit::CriterionInput {
        text: String::new(),
        weight: "1".into(),
        words: "250".into(),
    }));
    view! {
        <h2 class="heading-l">"Person specification"</h2>
        <p class="body">"Applicants answer each criterion in their own words; selectors score each answer. The weight says how much a criterion counts in the total score."</p>
        <p class="hint">{format!("Leave a criterion empty to remove it. Up to {MAX_CRITERIA}; save to add more rows.")}</p>
        {rows.into_iter().enumerate().map(|(i, c)| {
            let n = i + 1;
            view! {
                <fieldset class="fieldset">
                    <legend class="fieldset__legend fieldset__legend--s">{format!("Criterion {n}")}</legend>
                    {row_input(problems, format!("criterion_{n}_text"), "What the applicant must show".into(), c.text, "input--width-full")}
                    {row_input(problems, format!("criterion_{n}_weight"), "Weight (1 to 10)".into(), c.weight, "input--width-2")}
                    {row_input(problems, format!("criterion_{n}_words"), "Word limit for the answer (50 to 1000)".into(), c.words, "input--width-4")}
                </fieldset>
            }
        }).collect_view()}
    }
    .into_any()
}

#[component]
fn CriteriaTable(input: VacancyInput) -> impl IntoView {
    view! {
        <table class="table">
            <caption class="visually-hidden">"Person specification"</caption>
            <thead><tr>
                <th scope="col">"Criterion"</th>
                <th scope="col" class="table__header--numeric">"Weight"</th>
                <th scope="col" class="table__header--numeric">"Word limit"</th>
            </tr></thead>
            <tbody>
                {input.criteria.into_iter().map(|c| view! {
                    <tr><td>{c.text}</td><td class="table__cell--numeric">{c.weight}</td><td class="table__cell--numeric">{c.words}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

fn expected_words(code: &str) -> &'static str {
    match code {
        "yes" => "Yes",
        "no" => "No",
        _ => "Either",
    }
}

#[component]
fn QuestionFields(editor: VacancyEditor, problems: Signal<Vec<FieldError>>) -> impl IntoView {
    if editor.locked {
        return view! {
            <h2 class="heading-l">"Screening questions"</h2>
            <QuestionList input=editor.input.clone()/>
        }
        .into_any();
    }
    let mut rows = editor.input.questions.clone();
    let blanks = (MAX_QUESTIONS - rows.len().min(MAX_QUESTIONS)).min(2);
    rows.extend((0..blanks).map(|_| crate::domain::vacancy_edit::QuestionInput::default()));
    view! {
        <h2 class="heading-l">"Screening questions (optional)"</h2>
        <p class="body">"Yes or no questions every applicant answers, such as “Do you hold a full UK driving licence?”. Selectors see who gave an answer other than the one the post needs; nobody is rejected automatically."</p>
        {rows.into_iter().enumerate().map(|(i, q)| {
            let n = i + 1;
            let select_id = format!("question_{n}_expected");
            view! {
                <fieldset class="fieldset">
                    <legend class="fieldset__legend fieldset__legend--s">{format!("Question {n}")}</legend>
                    {row_input(problems, format!("question_{n}_text"), "Question".into(), q.text, "input--width-full")}
                    <div class="form-group">
                        <label class="label" for=select_id.clone()>"Answer the post needs"</label>
                        <select class="select" id=select_id.clone() name=select_id>
                            {["", "yes", "no"].into_iter().map(|v| view! {
                                <option value=v selected=q.expected == v>{expected_words(v)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                </fieldset>
            }
        }).collect_view()}
    }
    .into_any()
}

#[component]
fn QuestionList(input: VacancyInput) -> impl IntoView {
    if input.questions.is_empty() {
        return view! { <p class="body">"None."</p> }.into_any();
    }
    view! {
        <table class="table">
            <caption class="visually-hidden">"Screening questions"</caption>
            <thead><tr><th scope="col">"Question"</th><th scope="col">"Answer the post needs"</th></tr></thead>
            <tbody>
                {input.questions.into_iter().map(|q| view! {
                    <tr><td>{q.text}</td><td>{expected_words(&q.expected)}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn TeamFields(editor: VacancyEditor, problems: Signal<Vec<FieldError>>) -> impl IntoView {
    let message = super::apply::fields::message_for(problems, "roles");
    let input = editor.input.clone();
    view! {
        <h2 class="heading-l">"Hiring manager and panel"</h2>
        <div class=move || if message.get().is_some() { "form-group form-group--error" } else { "form-group" }>
            <p class="hint" id="roles-hint">"The hiring manager runs the selection and is told when applications close. Panel members read and score applications. Everyone else has no access to this vacancy's candidates (HR sees every vacancy)."</p>
            <super::apply::fields::ErrorMessage id="roles-error".to_owned() message/>
            {if editor.team.is_empty() {
                view! { <p class="body">"There are no staff accounts to choose from yet."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <caption class="visually-hidden">"Roles on this vacancy"</caption>
                        <thead><tr><th scope="col">"Name"</th><th scope="col">"Role on this vacancy"</th></tr></thead>
                        <tbody>
                            {editor.team.into_iter().enumerate().map(|(i, person)| {
                                let name = format!("role_{}", person.id);
                                let id = if i == 0 { "roles".to_owned() } else { name.clone() };
                                let current = input.role_of(person.id).to_owned();
                                view! {
                                    <tr>
                                        <td><label class="label" for=id.clone()>{person.name}</label></td>
                                        <td>
                                            <select class="select" id=id name=name>
                                                {[("none", "No role"), ("hiring_manager", "Hiring manager"), ("panel_member", "Panel member")]
                                                    .into_iter().map(|(v, w)| view! {
                                                        <option value=v selected=current == v>{w}</option>
                                                    }).collect_view()}
                                            </select>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </div>
    }
}

/// Publish (drafts) and close (published) forms.
#[component]
fn LifecycleActions(editor: VacancyEditor) -> impl IntoView {
    let Some(id) = editor.id else { return ().into_any() };
    match editor.status {
        VacancyStatus::Draft => view! {
            <h2 class="heading-l">"Publish"</h2>
            {if editor.publish_problems.is_empty() {
                view! { <p class="body">"Publishing puts the vacancy on the careers page. Its stages, criteria and screening questions are then fixed."</p> }.into_any()
            } else {
                view! {
                    <p class="body">"Before you can publish:"</p>
                    <ul class="list list--bullet">
                        {editor.publish_problems.iter().map(|p| view! { <li>{p.message.clone()}</li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form method="post" action=format!("/staff/vacancies/{id}/publish")>
                <button type="submit" class="button button--secondary">"Publish vacancy"</button>
            </form>
        }
        .into_any(),
        VacancyStatus::Published => view! {
            <h2 class="heading-l">"Close the vacancy"</h2>
            <p class="body">"Closing stops applications at once, before the closing date, and tells the hiring manager. A vacancy also stops taking applications by itself at its closing time."</p>
            <form method="post" action=format!("/staff/vacancies/{id}/close")>
                <div class="form-group">
                    <div class="checkboxes__item">
                        <input class="checkboxes__input" id="confirm" name="confirm" type="checkbox" value="yes"/>
                        <label class="label checkboxes__label" for="confirm">"I want to close this vacancy now"</label>
                    </div>
                </div>
                <button type="submit" class="button button--warning">"Close vacancy"</button>
            </form>
        }
        .into_any(),
        VacancyStatus::Closed => ().into_any(),
    }
}

/// What a hiring manager or panel member sees of a vacancy they are assigned to.
/// A link to the vacancy's pipeline board, for those who may see its candidates.
#[component]
fn CandidatesLink(editor: VacancyEditor, candidates: bool) -> impl IntoView {
    editor.id.filter(|_| candidates).map(|id| {
        view! {
            <p class="body"><a class="link" href=format!("/staff/vacancies/{id}/candidates")>
                {format!("Candidates ({} applications)", editor.applications)}
            </a></p>
        }
    })
}

#[component]
fn ReadOnly(editor: VacancyEditor) -> impl IntoView {
    let title = editor.input.title.clone();
    view! {
        <leptos_meta::Title text=title.clone()/>
        <a class="back-link" href="/staff/vacancies">"Back to vacancies"</a>
        <span class="caption-l">{editor.status_words.clone()}</span>
        <h1 class="heading-xl">{title}</h1>
        <p class="body">{format!("Applications sent: {}", editor.applications)}</p>
        <ReadOnlyDetails editor/>
    }
}

#[component]
fn ReadOnlyDetails(editor: VacancyEditor) -> impl IntoView {
    let i = editor.input.clone();
    let stages = editor.stages.iter().map(|s| s.words()).collect::<Vec<_>>().join(" → ");
    let team: Vec<(String, VacancyRole)> = editor
        .team
        .iter()
        .filter_map(|p| VacancyRole::parse(i.role_of(p.id)).map(|r| (p.name.clone(), r)))
        .collect();
    view! {
        <dl class="summary-list">
            <SummaryRow key="Team" value=i.team.clone()/>
            <SummaryRow key="Location" value=i.location.clone()/>
            <SummaryRow key="Number of posts" value=i.posts.clone()/>
            <SummaryRow key="Job family" value=i.job_family.clone()/>
            <SummaryRow key="Location tags" value=i.location_tags.clone()/>
            <SummaryRow key="Name-blind sift" value=if i.name_blind == "yes" { "Yes" } else { "No" }/>
            <SummaryRow key="Criminal-record check" value=crate::domain::checks::DbsLevel::from_code(&i.dbs_level).map_or("None", |l| l.words())/>
            <SummaryRow key="Pipeline" value=stages/>
        </dl>
        <h2 class="heading-l">"Person specification"</h2>
        <CriteriaTable input=i.clone()/>
        <h2 class="heading-l">"Screening questions"</h2>
        <QuestionList input=i/>
        <h2 class="heading-l">"Hiring manager and panel"</h2>
        <ul class="list">
            {team.into_iter().map(|(name, role)| view! { <li>{format!("{name}: {}", vacancy_role_words(role))}</li> }).collect_view()}
        </ul>
    }
}
