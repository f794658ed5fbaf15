//! The candidate page's pre-employment checks and hand-over section, shown to HR alone from
//! the offer stage on (the server leaves it out of every other viewer's page): the right to
//! work with its evidence, the DBS check the post needs (its details reduced after the
//! configured months), and for a hire the export for the HR system and the hand-over.
//!
//! Every form is a plain post (the right-to-work one multipart, for its evidence) to
//! `server/src/http/checks.rs`, so it works with JavaScript off; a refused form comes back with
//! its problems and what was typed.

use super::components::{SummaryRow, textarea_text};
use crate::domain::checks::{
    ChecksSection, DbsLevel, DbsOutcome, DbsView, HandOverView, RtwCheckType, RtwOutcome, RtwView,
};
use crate::domain::selection::CandidatePage;
use leptos::prelude::*;

fn day(d: chrono::NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// What the page says after a check was saved (`?done=`).
#[must_use]
pub fn done_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "right_to_work" => "Right-to-work check saved.",
        "dbs" => "DBS check saved.",
        "handed_over" => {
            "Hand-over confirmed. The application is now kept for the hired retention period."
        }
        "references_requested" => "Referees asked for. The applicant has been emailed.",
        "references_sent" => "Reference requests sent. Each referee has been emailed a link.",
        _ => return None,
    })
}

/// Why a check or hand-over was refused (`?error=`): the field to link and the message.
#[must_use]
pub fn action_error(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code {
        "not_offer" => {
            ("decision", "Checks are recorded once the candidate reaches the offer stage")
        }
        "no_dbs" => ("checks", "This post needs no criminal-record check"),
        "not_hired" => ("hand-over", "Only a candidate marked hired can be handed over"),
        "not_exported" => {
            ("hand-over", "Export the hire for the HR system before confirming the hand-over")
        }
        "handed_over" => ("hand-over", "This hire has already been handed over"),
        "references_requested" => ("references", "Referees have already been asked for"),
        "no_referees" => (
            "references",
            "Every referee the applicant named has answered or has a request still open",
        ),
        _ => return None,
    })
}

fn problem(page: &CandidatePage, field: &str) -> Option<String> {
    page.problems.iter().find(|p| p.field.starts_with(field)).map(|p| p.message.clone())
}

#[component]
fn Inline(message: Option<String>, id: String) -> impl IntoView {
    message.map(|m| {
        view! {
            <p class="error-message" id=id><span class="visually-hidden">"Error: "</span>{m}</p>
        }
    })
}

#[component]
fn DateBoxes(
    page: CandidatePage,
    prefix: &'static str,
    legend: &'static str,
    hint: &'static str,
) -> impl IntoView {
    let message = problem(&page, prefix);
    let error_id = format!("{prefix}-error");
    let described = if message.is_some() {
        format!("{prefix}-hint {error_id}")
    } else {
        format!("{prefix}-hint")
    };
    view! {
        <fieldset class="fieldset" role="group" aria-describedby=described>
            <legend class="fieldset__legend fieldset__legend--s">{legend}</legend>
            <p class="hint" id=format!("{prefix}-hint")>{hint}</p>
            <Inline message id=error_id/>
            <div class="date-input">
                {["day", "month", "year"].into_iter().map(|part| {
                    let name = format!("{prefix}_{part}");
                    let label = match part { "day" => "Day", "month" => "Month", _ => "Year" };
                    let width = if part == "year" { "input input--width-4" } else { "input input--width-2" };
                    view! {
                        <div class="date-input__item">
                            <label class="label date-input__label" for=name.clone()>{label}</label>
                            <input class=width id=name.clone() name=name.clone() type="text" inputmode="numeric" value=page.typed_or(&name, "")/>
                        </div>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}

#[component]
fn Choice(
    page: CandidatePage,
    name: &'static str,
    legend: &'static str,
    options: Vec<(&'static str, &'static str)>,
    #[prop(into)] stored: String,
) -> impl IntoView {
    let chosen = page.typed_or(name, &stored);
    let message = problem(&page, name);
    let error_id = format!("{name}-error");
    let described = message.is_some().then(|| error_id.clone());
    view! {
        <fieldset class="fieldset" aria-describedby=described>
            <legend class="fieldset__legend fieldset__legend--s">{legend}</legend>
            <Inline message id=error_id/>
            <div class="radios">
                {options.into_iter().enumerate().map(|(i, (value, words))| {
                    let id = if i == 0 { name.to_owned() } else { format!("{name}-{value}") };
                    view! {
                        <div class="radios__item">
                            <input class="radios__input" id=id.clone() name=name type="radio" value=value checked=chosen == value/>
                            <label class="label radios__label" for=id>{words}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}

#[component]
fn RtwSummary(rtw: RtwView, id: String) -> impl IntoView {
    let evidence = rtw.document.map(|(name, size)| {
        let kb = (size + 1023) / 1024;
        view! {
            <p class="body"><a class="link" href=format!("/staff/candidates/{id}/right-to-work/evidence") download="">
                {format!("Download the evidence: {name} ({kb} KB)")}
            </a></p>
        }
    });
    view! {
        <dl class="summary-list" id="rtw-recorded">
            <SummaryRow key="How it was checked" value=rtw.check.check_type.words()/>
            <SummaryRow key="Date checked" value=day(rtw.check.checked_on)/>
            <SummaryRow key="Outcome" value=rtw.check.outcome.words()/>
            {rtw.check.expires_on.map(|d| view! { <SummaryRow key="Permission ends" value=day(d)/> })}
            <SummaryRow key="Recorded by" value=rtw.recorded/>
        </dl>
        {evidence}
    }
}

#[component]
fn RtwForm(page: CandidatePage, recorded: bool) -> impl IntoView {
    let file_problem = problem(&page, "rtw_document");
    view! {
        <form method="post" enctype="multipart/form-data" action=format!("/staff/candidates/{}/right-to-work", page.id)>
            <h4 class="heading-s">{if recorded { "Record the check again" } else { "Record the check" }}</h4>
            <Choice page=page.clone() name="rtw_type" legend="How was the right to work checked?"
                options=RtwCheckType::ALL.iter().map(|t| (t.code(), t.words())).collect() stored=""/>
            <DateBoxes page=page.clone() prefix="rtw_checked" legend="Date checked" hint="For example, 20 11 2026"/>
            <Choice page=page.clone() name="rtw_outcome" legend="What did the check find?"
                options=RtwOutcome::ALL.iter().map(|o| (o.code(), o.words())).collect() stored=""/>
            <DateBoxes page=page.clone() prefix="rtw_expires" legend="Date permission ends (time-limited only)"
                hint="Leave empty unless the right to work is for a limited time. A follow-up check is due before this date."/>
            <div class="form-group">
                <label class="label" for="rtw_document">"Evidence (optional)"</label>
                <p class="hint" id="rtw_document-hint">"A PDF of the copied documents or the online check’s result. It is encrypted and deleted with the application."</p>
                <Inline message=file_problem.clone() id="rtw_document-error".to_owned()/>
                <input class="file-upload" id="rtw_document" name="rtw_document" type="file"
                    aria-describedby=if file_problem.is_some() { "rtw_document-hint rtw_document-error" } else { "rtw_document-hint" }/>
            </div>
            <button class="button" type="submit">"Save right-to-work check"</button>
        </form>
    }
}

#[component]
fn DbsSummary(dbs: DbsView) -> impl IntoView {
    let details = match dbs.details.clone() {
        Some((level, information)) => view! {
            <SummaryRow key="Level" value=level.words()/>
            <SummaryRow key="What was disclosed" value=information.unwrap_or_else(|| "Nothing".to_owned())/>
            <SummaryRow key="Details kept until" value=day(dbs.details_until)/>
        }
        .into_any(),
        None => view! {
            <SummaryRow key="Details" value=format!("Reduced to the date, certificate number and decision ({})", day(dbs.details_until))/>
        }
        .into_any(),
    };
    view! {
        <dl class="summary-list" id="dbs-recorded">
            <SummaryRow key="Certificate number" value=dbs.certificate_number.clone()/>
            <SummaryRow key="Date of issue" value=day(dbs.issued_on)/>
            <SummaryRow key="Decision" value=dbs.outcome.words()/>
            <SummaryRow key="Decided on" value=day(dbs.decided_on)/>
            {details}
        </dl>
    }
}

#[component]
fn DbsForm(page: CandidatePage, required: DbsLevel, recorded: bool) -> impl IntoView {
    let number_problem = problem(&page, "dbs_number");
    let info_problem = problem(&page, "dbs_information");
    view! {
        <form method="post" action=format!("/staff/candidates/{}/dbs", page.id)>
            <h4 class="heading-s">{if recorded { "Record the DBS check again" } else { "Record the DBS check" }}</h4>
            <Choice page=page.clone() name="dbs_level" legend="Level of the certificate"
                options=DbsLevel::ALL.iter().map(|l| (l.code(), l.words())).collect() stored=required.code()/>
            <div class="form-group">
                <label class="label" for="dbs_number">"Certificate number"</label>
                <p class="hint" id="dbs_number-hint">"12 numbers, printed at the top right of the certificate"</p>
                <Inline message=number_problem.clone() id="dbs_number-error".to_owned()/>
                <input class="input input--width-20" id="dbs_number" name="dbs_number" type="text" inputmode="numeric"
                    autocomplete="off" spellcheck="false" value=page.typed_or("dbs_number", "")
                    aria-describedby=if number_problem.is_some() { "dbs_number-hint dbs_number-error" } else { "dbs_number-hint" }/>
            </div>
            <DateBoxes page=page.clone() prefix="dbs_issued" legend="Date of issue" hint="For example, 1 11 2026"/>
            <Choice page=page.clone() name="dbs_outcome" legend="Your decision"
                options=DbsOutcome::ALL.iter().map(|o| (o.code(), o.words())).collect() stored=""/>
            <div class="form-group">
                <label class="label" for="dbs_information">"What was disclosed, and how you considered it"</label>
                <p class="hint" id="dbs_information-hint">"Leave empty if the certificate is clear. This and the level are removed once the period for DBS details has passed (the date is shown when saved); the date, number and decision stay."</p>
                <Inline message=info_problem.clone() id="dbs_information-error".to_owned()/>
                <textarea class="textarea" id="dbs_information" name="dbs_information" rows="4"
                    aria-describedby=if info_problem.is_some() { "dbs_information-hint dbs_information-error" } else { "dbs_information-hint" }>
                    {textarea_text(page.typed_or("dbs_information", ""))}
                </textarea>
            </div>
            <button class="button" type="submit">"Save DBS check"</button>
        </form>
    }
}

#[component]
fn HandOver(hand_over: HandOverView, id: String) -> impl IntoView {
    let state = match (&hand_over.confirmed, &hand_over.exported) {
        (Some(at), _) => format!("Handed over on {at}. The hired retention period runs from then."),
        (None, Some(at)) => format!("Last exported on {at}. Confirm once the HR system has it."),
        (None, None) => "Not exported yet.".to_owned(),
    };
    let confirm = (hand_over.confirmed.is_none() && hand_over.exported.is_some()).then(|| {
        view! {
            <form method="post" action=format!("/staff/candidates/{id}/hand-over")>
                <button class="button" type="submit">"Confirm the hand-over"</button>
            </form>
        }
    });
    view! {
        <h3 class="heading-m" id="hand-over">"Hand-over to the HR system"</h3>
        <p class="body">"The export holds who was hired, into which post, their start details and the checks’ outcomes — never scores, notes or monitoring answers. See the schema in the documentation (shortlist.hire/1)."</p>
        <ul class="list">
            <li><a class="link" href=format!("/staff/candidates/{id}/hire.json") download="">"Download the hire as JSON"</a></li>
            <li><a class="link" href=format!("/staff/candidates/{id}/hire.csv") download="">"Download the hire as CSV"</a></li>
        </ul>
        <p class="body" id="hand-over-state">{state}</p>
        {confirm}
    }
}

/// The references part of the candidate page: the referees the applicant named and, for HR
/// before asking, the form that asks for them.
#[component]
pub fn References(
    page: CandidatePage,
    section: crate::domain::references::ReferencesSection,
) -> impl IntoView {
    let wanted = page.typed_or("wanted", "2");
    let request = section.can_request.then(|| view! {
        <form method="post" action=format!("/staff/candidates/{}/references/request", page.id)>
            <div class="form-group">
                <label class="label" for="wanted">"How many referees?"</label>
                <p class="hint" id="wanted-hint">"We email the applicant to name them, and to agree to each being contacted, in their applicant page."</p>
                <Inline message=problem(&page, "wanted") id="wanted-error".to_owned()/>
                <input class="input input--width-2" id="wanted" name="wanted" type="text" inputmode="numeric" value=wanted aria-describedby="wanted-hint"/>
            </div>
            <button class="button" type="submit">"Ask the applicant for referees"</button>
        </form>
    });
    let send = (section.can_send > 0).then(|| {
        let n = section.can_send;
        let label = if n == 1 {
            "Send the reference request".to_owned()
        } else {
            format!("Send reference requests to {n} referees")
        };
        view! {
            <form method="post" action=format!("/staff/candidates/{}/references/send", page.id)>
                <p class="body">"Each referee is emailed a link of their own to give a reference or decline. It works once, for 28 days; one reminder goes if they have not answered. A referee whose link ended unanswered can be sent a new one."</p>
                <button class="button" type="submit">{label}</button>
            </form>
        }
    });
    view! {
        <section aria-labelledby="references">
            <h2 class="heading-l" id="references">"References"</h2>
            <p class="hint">"Referees’ details are third-party personal data: they are deleted with the application."</p>
            {match section.requested.clone() {
                Some((at, wanted)) => view! {
                    <p class="body">{format!("Asked for {wanted} on {at}. The applicant has named {}.", section.referees.len())}</p>
                }.into_any(),
                None => view! { <p class="body">"Referees have not been asked for yet."</p> }.into_any(),
            }}
            {(!section.referees.is_empty()).then(|| view! {
                <table class="table" id="referees">
                    <caption class="visually-hidden">"Referees the applicant named"</caption>
                    <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"How the applicant knows them"</th><th scope="col">"Request"</th></tr></thead>
                    <tbody>
                        {section.referees.iter().map(|r| view! {
                            <tr>
                                <td>{r.referee.name.clone()}{r.referee.organisation.clone().map(|o| format!(", {o}"))}</td>
                                <td>{r.referee.email.clone()}</td>
                                <td>{r.referee.relationship.clone()}</td>
                                <td>{r.status.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {section.referees.iter().filter_map(|r| r.answer.clone().map(|answer| (r.referee.name.clone(), answer)))
                .map(|(name, answer)| view! { <Answer name answer/> }).collect_view()}
            {send}
            {request}
        </section>
    }
    .into_any()
}

/// One referee's answer: the reference, or that they declined.
#[component]
fn Answer(
    name: String,
    answer: crate::domain::references::request::ReferenceView,
) -> impl IntoView {
    use crate::domain::references::request::ReferenceView;
    match answer {
        ReferenceView::Given { at, referee_role, capacity, worked, applicant_role, reemploy, concerns, statement } => view! {
            <h3 class="heading-m">{format!("Reference from {name}")}</h3>
            <dl class="summary-list reference">
                <SummaryRow key="Received" value=at/>
                <SummaryRow key="Referee’s job title" value=referee_role.unwrap_or_else(|| "Not given".to_owned())/>
                <SummaryRow key="How they know the applicant" value=capacity/>
                <SummaryRow key="Worked together" value=worked/>
                <SummaryRow key="Applicant’s role" value=applicant_role/>
                <SummaryRow key="Would employ them again" value=reemploy/>
                <SummaryRow key="Known reason not to employ them" value=concerns/>
            </dl>
            <h4 class="heading-s">"Their reference"</h4>
            <p class="body reference-statement">{statement}</p>
        }
        .into_any(),
        ReferenceView::Declined { at, reason } => view! {
            <h3 class="heading-m">{format!("{name} declined to give a reference")}</h3>
            <p class="body">{format!("On {at}.")}</p>
            {reason.map(|r| view! { <p class="body">{format!("Their reason: {r}")}</p> })}
        }
        .into_any(),
    }
}

/// The section, for a page that carries one.
#[component]
pub fn Checks(page: CandidatePage, section: ChecksSection) -> impl IntoView {
    let id = page.id.to_string();
    let rtw_recorded = section.rtw.is_some();
    let dbs = match section.dbs_required {
        None => {
            view! { <p class="body">"This post needs no criminal-record check."</p> }.into_any()
        }
        Some(required) => {
            let recorded = section.dbs.is_some();
            view! {
                <p class="body">{format!("This post needs: {}.", required.words())}</p>
                {section.dbs.clone().map(|dbs| view! { <DbsSummary dbs/> })}
                {section.can_record.then(|| view! { <DbsForm page=page.clone() required recorded/> })}
            }
            .into_any()
        }
    };
    view! {
        <section aria-labelledby="checks">
            <h2 class="heading-l" id="checks">"Pre-employment checks"</h2>
            <p class="hint">"Only HR sees this."</p>
            <h3 class="heading-m">"Right to work in the UK"</h3>
            {section.rtw.clone().map(|rtw| view! { <RtwSummary rtw id=id.clone()/> })}
            {(!rtw_recorded).then(|| view! { <p class="body">"Not recorded yet."</p> })}
            {section.can_record.then(|| view! { <RtwForm page=page.clone() recorded=rtw_recorded/> })}
            <h3 class="heading-m">"Criminal record (DBS)"</h3>
            {dbs}
            {section.hand_over.clone().map(|hand_over| view! { <HandOver hand_over id=id.clone()/> })}
        </section>
    }
    .into_any()
}
