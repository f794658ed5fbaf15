//! The rights-request register: `/staff/rights` (every request, open ones by deadline, with
//! the overdue and due-soon counts and a view of just those), `/staff/rights/new` (HR logs a
//! request) and `/staff/rights/:id` (one request: what was asked, how identity was checked, the
//! applications held under the address, and HR's forms to extend and close it).
//!
//! HR reads and changes the register; auditors read it. The forms are plain posts to
//! `server/src/http/rights.rs`, so they work with JavaScript off; a refused form comes back
//! with its messages and what was typed. The register never shows more of a person than the
//! address the request was logged under, and after an erasure not even that.

use super::components::{ErrorPage, ErrorSummaryList, SuccessBanner, SummaryRow, textarea_text};
use crate::domain::rights::RequestKind;
use crate::domain::rights::register::{
    Outcome, RegisterPage, RegisterRow, RequestView, Show, Urgency, Verification,
};
use crate::error::{AppError, FieldError};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The register. HR and auditors.
#[server(prefix = "/api", endpoint = "staff-rights")]
pub async fn load_register(show: Option<String>) -> Result<RegisterPage, AppError> {
    use crate::domain::access::{Action, authorise};
    let actor = crate::ports::current_actor();
    authorise(&actor, Action::ViewRightsRegister)?;
    let can_manage = authorise(&actor, Action::ManageRightsRequests).is_ok();
    let services = crate::ports::services()?;
    let show = Show::from_query(show.as_deref());
    services.rights.register(show, services.clock.now(), can_manage).await
}

/// The "log a request" form's last refused input (`rejected`), for HR.
#[server(prefix = "/api", endpoint = "staff-rights-new")]
pub async fn load_log_form(
    rejected: bool,
) -> Result<(Vec<FieldError>, Vec<(String, String)>), AppError> {
    use crate::domain::access::{Action, authorise};
    let actor = crate::ports::current_actor();
    authorise(&actor, Action::ManageRightsRequests)?;
    let me = crate::domain::access::signed_in(&actor)?;
    let services = crate::ports::services()?;
    services.rights.log_form(me.id, rejected, services.clock.now()).await
}

/// One request. HR and auditors.
#[server(prefix = "/api", endpoint = "staff-rights-request")]
pub async fn load_request(id: String, rejected: bool) -> Result<RequestView, AppError> {
    use crate::domain::access::{Action, authorise};
    let actor = crate::ports::current_actor();
    authorise(&actor, Action::ViewRightsRegister)?;
    let can_manage = authorise(&actor, Action::ManageRightsRequests).is_ok();
    let me = crate::domain::access::signed_in(&actor)?;
    let services = crate::ports::services()?;
    services.rights.request(me.id, &id, rejected, can_manage, services.clock.now()).await
}

/// `/staff/rights`.
#[component]
pub fn RightsRegisterPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("show"), load_register);
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <Register page/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn who(row: &RegisterRow) -> String {
    match (&row.email, row.from_portal) {
        (Some(e), true) => format!("{e} (applicant portal)"),
        (Some(e), false) => e.clone(),
        (None, _) => "Erased".to_owned(),
    }
}

#[component]
fn Register(page: RegisterPage) -> impl IntoView {
    let tab = |show: Show, href: &'static str, text: &'static str| {
        if page.show == show {
            view! { <li><strong aria-current="page">{text}</strong></li> }.into_any()
        } else {
            view! { <li><a class="link" href=href>{text}</a></li> }.into_any()
        }
    };
    let urgent = (page.overdue + page.due_soon > 0).then(|| {
        view! {
            <div class="warning-text" id="urgent">
                <span class="warning-text__icon" aria-hidden="true">"!"</span>
                <strong class="warning-text__text"><span class="visually-hidden">"Warning: "</span>
                    {format!("{} overdue, {} due within a week.", page.overdue, page.due_soon)}
                </strong>
            </div>
        }
    });
    let rows = if page.rows.is_empty() {
        view! { <p class="body" id="register-empty">"No requests to show."</p> }.into_any()
    } else {
        view! {
            <table class="table" id="register">
                <caption class="visually-hidden">"Rights requests"</caption>
                <thead><tr>
                    <th scope="col">"Reference"</th><th scope="col">"Request"</th>
                    <th scope="col">"Received"</th><th scope="col">"Due"</th>
                    <th scope="col">"Status"</th><th scope="col">"Person"</th>
                </tr></thead>
                <tbody>
                    {page.rows.iter().map(|r| {
                        let status = match r.urgency {
                            Urgency::Overdue => view! { <strong class="tag tag--red">{r.urgency.words()}</strong> }.into_any(),
                            Urgency::DueSoon => view! { <strong class="tag tag--yellow">{r.urgency.words()}</strong> }.into_any(),
                            u => view! { <span>{u.words()}</span> }.into_any(),
                        };
                        view! {
                            <tr>
                                <td><a class="link" href=format!("/staff/rights/{}", r.id)>{r.reference.clone()}</a></td>
                                <td>{r.kind.words()}</td>
                                <td>{r.received.clone()}</td>
                                <td>{r.due.clone()}</td>
                                <td>{status}</td>
                                <td>{who(r)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <leptos_meta::Title text="Rights requests"/>
        <a class="back-link" href="/staff">"Back to your staff home"</a>
        <h1 class="heading-xl">"Rights requests"</h1>
        <p class="body">"Each request must be answered within one month of receipt (the next working day if that falls on a weekend or bank holiday), or within three months if it was extended with a reason the person was told."</p>
        {urgent}
        {page.can_manage.then(|| view! {
            <p class="body"><a class="button" href="/staff/rights/new">"Log a request"</a></p>
        })}
        <nav aria-label="Which requests">
            <ul class="list list--inline">
                {tab(Show::Open, "/staff/rights", "Open")}
                {tab(Show::Urgent, "/staff/rights?show=urgent", "Overdue and due soon")}
                {tab(Show::All, "/staff/rights?show=all", "All")}
            </ul>
        </nav>
        {rows}
    }
    .into_any()
}

fn problem_of(problems: &[FieldError], field: &str) -> Option<String> {
    problems.iter().find(|p| p.field.starts_with(field)).map(|p| p.message.clone())
}

fn typed_of(typed: &[(String, String)], name: &str) -> String {
    typed.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
}

#[component]
fn Inline(message: Option<String>, #[prop(into)] id: String) -> impl IntoView {
    message.map(|m| {
        view! { <p class="error-message" id=id><span class="visually-hidden">"Error: "</span>{m}</p> }
    })
}

fn group_class(message: &Option<String>) -> &'static str {
    if message.is_some() { "form-group form-group--error" } else { "form-group" }
}

/// A GOV.UK radios question. The first radio carries the field's id (`name`), so the error
/// summary's link lands on it.
#[component]
fn Choice(
    name: &'static str,
    legend: &'static str,
    /// Value and words of each option.
    options: Vec<(String, String)>,
    /// The value to show chosen.
    chosen: String,
    problem: Option<String>,
    /// A question of its own page section (`m`) or part of a form (`s`).
    #[prop(default = "s")]
    size: &'static str,
) -> impl IntoView {
    view! {
        <div class=group_class(&problem)>
            <fieldset class="fieldset">
                <legend class=format!("fieldset__legend fieldset__legend--{size}")>{legend}</legend>
                <Inline message=problem.clone() id=format!("{name}-error")/>
                <div class="radios">
                    {options.into_iter().enumerate().map(|(i, (value, words))| {
                        let id = if i == 0 { name.to_owned() } else { format!("{name}-{value}") };
                        let checked = chosen == value;
                        view! {
                            <div class="radios__item">
                                <input class="radios__input" id=id.clone() name=name type="radio" value=value checked=checked/>
                                <label class="label radios__label" for=id>{words}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
        </div>
    }
}

/// Day, month and year boxes named `{prefix}_day` etc.
#[component]
fn DateBoxes(
    prefix: &'static str,
    legend: &'static str,
    problem: Option<String>,
    typed: Vec<(String, String)>,
) -> impl IntoView {
    let error_id: &'static str =
        if prefix == "received" { "received-error" } else { "closed-error" };
    view! {
        <div class=group_class(&problem)>
            <fieldset class="fieldset" role="group">
                <legend class="fieldset__legend fieldset__legend--s">{legend}</legend>
                <p class="hint">"For example, 27 3 2027"</p>
                <Inline message=problem.clone() id=error_id/>
                <div class="date-input">
                    {[("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4)].into_iter().map(|(part, label, width)| {
                        let name = format!("{prefix}_{part}");
                        let value = typed_of(&typed, &name);
                        view! {
                            <div class="date-input__item">
                                <label class="label date-input__label" for=name.clone()>{label}</label>
                                <input class=format!("input date-input__input input--width-{width}") id=name.clone() name=name type="text" inputmode="numeric" value=value/>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
        </div>
    }
}

/// `/staff/rights/new`.
#[component]
pub fn LogRequestPage() -> impl IntoView {
    let query = use_query_map();
    let data =
        Resource::new(move || query.read().get("error").as_deref() == Some("form"), load_log_form);
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((problems, typed)) => view! { <LogForm problems typed/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn LogForm(problems: Vec<FieldError>, typed: Vec<(String, String)>) -> impl IntoView {
    let title =
        if problems.is_empty() { "Log a rights request" } else { "Error: Log a rights request" };
    let summary: Vec<(String, String)> =
        problems.iter().map(|p| (p.field.clone(), p.message.clone())).collect();
    let kind_problem = problem_of(&problems, "kind");
    let verified_problem = problem_of(&problems, "verified");
    let note_problem = problem_of(&problems, "verification_note");
    let email_problem = problem_of(&problems, "email");
    let details_problem = problem_of(&problems, "details");
    let kind = typed_of(&typed, "kind");
    let verified = typed_of(&typed, "verified");
    view! {
        <leptos_meta::Title text=title/>
        <a class="back-link" href="/staff/rights">"Back to rights requests"</a>
        <ErrorSummaryList problems=summary/>
        <h1 class="heading-xl">"Log a rights request"</h1>
        <form method="post" action="/staff/rights">
            <Choice
                name="kind"
                legend="What did the person ask for?"
                size="m"
                options=RequestKind::ALL.iter().map(|k| (k.code().to_owned(), k.words().to_owned())).collect()
                chosen=kind
                problem=kind_problem
            />
            <DateBoxes prefix="received" legend="When was it received?" problem=problem_of(&problems, "received") typed=typed.clone()/>
            <div class=group_class(&email_problem)>
                <label class="label" for="email">"The person’s email address"</label>
                <p class="hint" id="email-hint">"The address their applications were made with: it is how their data is found."</p>
                <Inline message=email_problem.clone() id="email-error"/>
                <input class="input" id="email" name="email" type="email" autocomplete="off" spellcheck="false" value=typed_of(&typed, "email") aria-describedby="email-hint"/>
            </div>
            <Choice
                name="verified"
                legend="How did you check the request came from them?"
                size="m"
                options=Verification::STAFF_CHOICES.iter().map(|v| (v.code().to_owned(), v.words().to_owned())).collect()
                chosen=verified
                problem=verified_problem
            />
            <div class=group_class(&note_problem)>
                <label class="label" for="verification_note">"Note about the check (needed for another way)"</label>
                <Inline message=note_problem.clone() id="verification_note-error"/>
                <textarea class="textarea" id="verification_note" name="verification_note" rows="2">{textarea_text(typed_of(&typed, "verification_note"))}</textarea>
            </div>
            <div class=group_class(&details_problem)>
                <label class="label" for="details">"What they asked (optional)"</label>
                <Inline message=details_problem.clone() id="details-error"/>
                <textarea class="textarea" id="details" name="details" rows="4">{textarea_text(typed_of(&typed, "details"))}</textarea>
            </div>
            <button class="button" type="submit">"Log the request"</button>
        </form>
    }
}

/// `/staff/rights/:id`.
#[component]
pub fn RightsRequestPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        (
            params.read().get("id").unwrap_or_default(),
            query.read().get("error").as_deref() == Some("form"),
            query.read().to_query_string(),
        )
    };
    let data = Resource::new(key, |(id, rejected, _)| load_request(id, rejected));
    view! {
        <Suspense fallback=|| view! { <p class="body">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <Request view/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn done_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "logged" => "Request logged. Its deadline is below.",
        "extended" => "Deadline extended. The person has been emailed the new date and the reason.",
        "closed" => "Request closed.",
        "released" => {
            "Copy released. The person has been emailed a link to download it from their applicant page; the request is closed as completed."
        }
        "consent_withdrawn" => "Consent withdrawn. The request is closed as completed.",
        "rectified" => "Corrected. The change and its note are recorded against the application.",
        "erased" => {
            "Erased. Everything held under the address was purged at once; the request is closed as completed."
        }
        "held" => {
            "Not erased: a legal hold applies. The request is closed as refused, with the hold's reason below."
        }
        _ => return None,
    })
}

#[component]
fn Request(view: RequestView) -> impl IntoView {
    let query = use_query_map();
    let done = query.read_untracked().get("done").and_then(|c| done_text(&c));
    let mut summary: Vec<(String, String)> =
        view.problems.iter().map(|p| (p.field.clone(), p.message.clone())).collect();
    let refused = match query.read_untracked().get("error").as_deref() {
        Some("closed") => Some(("outcome", "This request is closed, so it cannot be changed")),
        Some("kind") => Some(("answer", "That action does not answer this kind of request")),
        Some("no_address") => {
            Some(("answer", "This request no longer names the person: their data has been erased"))
        }
        Some("nothing_held") => Some((
            "answer",
            "No applications are held under this address. Close the request saying so",
        )),
        _ => None,
    };
    if let Some((field, message)) = refused {
        summary.push((field.to_owned(), message.to_owned()));
    }
    let row = view.row.clone();
    let title = format!("Rights request {}", row.reference);
    let title = if summary.is_empty() { title } else { format!("Error: {title}") };
    let open = row.urgency != Urgency::Closed;
    let forms = (view.can_manage && open).then(|| view! { <Handle view=view.clone()/> });
    let answer = (view.can_manage && open && !view.applications.is_empty()).then(|| {
        if view.row.kind == RequestKind::Rectification {
            view! { <Rectify view=view.clone()/> }.into_any()
        } else {
            view! { <Answer id=view.row.id.clone() kind=view.row.kind/> }.into_any()
        }
    });
    let corrections = (!view.corrections.is_empty()).then(|| {
        view! {
            <h2 class="heading-l">"Corrections made"</h2>
            <ul class="list list--bullet" id="corrections">
                {view.corrections.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}
            </ul>
        }
    });
    let applications = if view.applications.is_empty() {
        view! { <p class="body" id="held-none">"No applications are held under this address."</p> }
            .into_any()
    } else {
        view! {
            <table class="table" id="held">
                <caption class="visually-hidden">"Applications held under this address"</caption>
                <thead><tr><th scope="col">"Reference"</th><th scope="col">"Vacancy"</th><th scope="col">"Where it stands"</th></tr></thead>
                <tbody>
                    {view.applications.iter().map(|a| view! {
                        <tr>
                            <td><a class="link" href=format!("/staff/candidates/{}", a.id)>{a.reference.clone()}</a></td>
                            <td>{a.vacancy_title.clone()}</td>
                            <td>{a.standing.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <leptos_meta::Title text=title/>
        <a class="back-link" href="/staff/rights">"Back to rights requests"</a>
        {done.map(|text| view! { <SuccessBanner text/> })}
        <ErrorSummaryList problems=summary/>
        <span class="caption-l">{row.kind.words()}</span>
        <h1 class="heading-xl">{format!("Request {}", row.reference)}</h1>
        <dl class="summary-list" id="request">
            <SummaryRow key="Status" value=row.urgency.words()/>
            <SummaryRow key="Received" value=row.received.clone()/>
            <SummaryRow key="Due" value=row.due.clone()/>
            <SummaryRow key="Person" value=who(&row)/>
            <SummaryRow key="Identity checked" value=view.verified.words()/>
            {view.verification_note.clone().map(|n| view! { <SummaryRow key="Note about the check" value=n/> })}
            {view.details.clone().map(|d| view! { <SummaryRow key="What they asked" value=d/> })}
            {view.extension.clone().map(|(m, r)| view! {
                <SummaryRow key="Extension" value=format!("{} beyond the first: {r}", crate::domain::vacancy::months(m))/>
            })}
            {view.outcome.clone().map(|(o, note, on)| view! {
                <SummaryRow key="Outcome" value=match note { Some(n) => format!("{} on {on}: {n}", o.words()), None => format!("{} on {on}", o.words()) }/>
            })}
            {view.released.clone().map(|on| view! { <SummaryRow key="Copy released" value=on/> })}
            <SummaryRow key="Logged by" value=view.logged.clone()/>
        </dl>
        <h2 class="heading-l">"Applications held under this address"</h2>
        {applications}
        {corrections}
        {answer}
        {forms}
    }
    .into_any()
}

/// Answering an open access or erasure request, or what a restriction or objection does while
/// it is open (other kinds are answered by hand, then closed below).
#[component]
fn Answer(id: String, kind: RequestKind) -> impl IntoView {
    match kind {
        RequestKind::Access => view! {
            <h2 class="heading-l" id="answer">"Answer the request"</h2>
            <p class="body">"Download the copy and check it before release. References are marked as third-party data: remove or redact another person's details where the law requires before you release. Equal-opportunities answers are not in your copy; they are added to the person's."</p>
            <p class="body"><a class="link" href=format!("/staff/rights/{id}/bundle") download="">"Download the copy for review (ZIP file)"</a></p>
            <form method="post" action=format!("/staff/rights/{id}/release")>
                <button class="button" type="submit">"Release to the person"</button>
            </form>
        }.into_any(),
        RequestKind::Erasure => view! {
            <h2 class="heading-l" id="answer">"Answer the request"</h2>
            <div class="warning-text">
                <span class="warning-text__icon" aria-hidden="true">"!"</span>
                <strong class="warning-text__text">
                    <span class="visually-hidden">"Warning"</span>
                    "This erases every application held under the address at once, with their documents, scores, notes and references. It cannot be undone. If a legal hold applies, nothing is erased and the request is refused with the hold's reason."
                </strong>
            </div>
            <form method="post" action=format!("/staff/rights/{id}/erase")>
                <button class="button button--warning" type="submit">"Erase now"</button>
            </form>
        }.into_any(),
        RequestKind::ConsentWithdrawal => view! {
            <h2 class="heading-l" id="answer">"Answer the request"</h2>
            <p class="body">"Withdrawing ends the person's reserve-list consent on every application above at once: they leave every reserve list, and each application is kept only as long as an unsuccessful one. The request is closed as completed. (Consents withdrawn on the applicant page or from an emailed link need nothing from you.)"</p>
            <form method="post" action=format!("/staff/rights/{id}/withdraw-consent")>
                <button class="button" type="submit">"Withdraw their consent now"</button>
            </form>
        }.into_any(),
        RequestKind::Restriction | RequestKind::Objection => view! {
            <h2 class="heading-l" id="answer">"Processing is restricted"</h2>
            <p class="body" id="restricted">"While this request is open, the applications above are restricted: nobody can move, score or decide them, or contact the person about them. Their data is kept. Closing the request lifts the restriction."</p>
        }.into_any(),
        _ => ().into_any(),
    }
}

/// Correcting one field of one of the person's applications, with a note (rectification).
#[component]
fn Rectify(view: RequestView) -> impl IntoView {
    let id = view.row.id.clone();
    let value_problem = problem_of(&view.problems, "value");
    let note_problem = problem_of(&view.problems, "rectify_note");
    view! {
        <form method="post" action=format!("/staff/rights/{id}/rectify")>
            <h2 class="heading-l" id="answer">"Correct the person's data"</h2>
            <p class="body">"The person corrects their own contact details on their applicant page. Correct here what they cannot reach. The wrong value is not kept; your note is, with the application."</p>
            <Choice
                name="application"
                legend="Which application?"
                options=view.applications.iter().map(|a| (a.id.clone(), format!("{} – {}", a.reference, a.vacancy_title))).collect()
                chosen=view.typed("application")
                problem=problem_of(&view.problems, "application")
            />
            <Choice
                name="field"
                legend="What is wrong?"
                options=crate::domain::rights::rectify::Field::ALL.iter().map(|f| (f.code().to_owned(), f.words().to_owned())).collect()
                chosen=view.typed("field")
                problem=problem_of(&view.problems, "field")
            />
            <div class=group_class(&value_problem)>
                <label class="label" for="value">"The correct value"</label>
                <div class="hint" id="value-hint">"Leave blank to remove a preferred name, phone number, notice period or adjustments."</div>
                <Inline message=value_problem.clone() id="value-error"/>
                <textarea class="textarea" id="value" name="value" rows="2" aria-describedby="value-hint">{textarea_text(view.typed("value"))}</textarea>
            </div>
            <div class=group_class(&note_problem)>
                <label class="label" for="rectify_note">"Why it is corrected"</label>
                <Inline message=note_problem.clone() id="rectify_note-error"/>
                <textarea class="textarea" id="rectify_note" name="rectify_note" rows="3">{textarea_text(view.typed("rectify_note"))}</textarea>
            </div>
            <button class="button" type="submit">"Make the correction"</button>
        </form>
    }
}

#[component]
fn Handle(view: RequestView) -> impl IntoView {
    let id = view.row.id.clone();
    let months_problem = problem_of(&view.problems, "months");
    let reason_problem = problem_of(&view.problems, "reason");
    let outcome_problem = problem_of(&view.problems, "outcome");
    let note_problem = problem_of(&view.problems, "note");
    let already = view.extension.as_ref().map_or(0, |(m, _)| *m);
    let chosen_outcome = view.typed("outcome");
    let extend = (already < crate::domain::rights::MAX_EXTENSION_MONTHS).then(|| view! {
        <form method="post" action=format!("/staff/rights/{id}/extend")>
            <h2 class="heading-l">"Extend the deadline"</h2>
            <p class="body">"Only for a complex request or many requests from the person. The person is emailed the new date and the reason."</p>
            <Choice
                name="months"
                legend="How long beyond the first month, in all?"
                options=[1u32, 2].into_iter().filter(|m| *m > already).map(|m| (m.to_string(), crate::domain::vacancy::months(m))).collect()
                chosen=view.typed("months")
                problem=months_problem
            />
            <div class=group_class(&reason_problem)>
                <label class="label" for="reason">"Why it needs longer"</label>
                <Inline message=reason_problem.clone() id="reason-error"/>
                <textarea class="textarea" id="reason" name="reason" rows="3">{textarea_text(view.typed("reason"))}</textarea>
            </div>
            <button class="button button--secondary" type="submit">"Extend and tell the person"</button>
        </form>
    });
    view! {
        {extend}
        <form method="post" action=format!("/staff/rights/{id}/close")>
            <h2 class="heading-l">"Close the request"</h2>
            <Choice
                name="outcome"
                legend="How did it end?"
                options=Outcome::ALL.iter().map(|o| (o.code().to_owned(), o.words().to_owned())).collect()
                chosen=chosen_outcome
                problem=outcome_problem
            />
            <div class=group_class(&note_problem)>
                <label class="label" for="note">"What was done, or why it was refused"</label>
                <Inline message=note_problem.clone() id="note-error"/>
                <textarea class="textarea" id="note" name="note" rows="3">{textarea_text(view.typed("note"))}</textarea>
            </div>
            <DateBoxes prefix="closed" legend="Date closed" problem=problem_of(&view.problems, "closed") typed=view.typed.clone()/>
            <button class="button" type="submit">"Close the request"</button>
        </form>
    }
}
