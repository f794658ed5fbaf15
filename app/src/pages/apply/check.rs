//! "Check your answers before sending your application": every answer with a Change link,
//! sections not yet complete marked as such, the declaration and the send button.

use super::SubmitApplication;
use super::steps::{Frame, problems_of};
use crate::domain::application::{ApplicationView, RightToWork, Step, source_words};
use crate::domain::monitoring::{self as eo, ETHNIC_GROUPS};
use leptos::prelude::*;

/// One answer with its Change link.
#[component]
fn Row(key: String, value: String, app: ApplicationView, step: Step) -> impl IntoView {
    let href = format!("{}?change=1", step.path(app.id));
    let hidden = key.to_lowercase();
    view! {
        <div class="summary-list__row">
            <dt class="summary-list__key">{key}</dt>
            <dd class="summary-list__value summary-list__value--text">{value}</dd>
            <dd class="summary-list__actions">
                <a class="link" href=href>"Change"<span class="visually-hidden">" " {hidden}</span></a>
            </dd>
        </div>
    }
}

fn or_none(v: &str) -> String {
    if v.trim().is_empty() { "None given".to_owned() } else { v.to_owned() }
}

/// A section: its answers, or a link to complete it.
#[component]
fn Section(
    title: &'static str,
    step: Step,
    app: ApplicationView,
    rows: Vec<(String, String)>,
) -> impl IntoView {
    let complete = app.done.contains(&step) && app.failed != Some(step);
    let id = format!("section-{}", step.slug());
    view! {
        <h2 class="heading-m" id=id>{title}</h2>
        {if complete {
            view! {
                <dl class="summary-list">
                    {rows.into_iter().map(|(k, v)| view! { <Row key=k value=v app=app.clone() step/> }).collect_view()}
                </dl>
            }.into_any()
        } else {
            view! {
                <p class="body"><strong class="tag tag--incomplete">"Not completed"</strong> " "
                    <a class="link" href=step.path(app.id)>"Complete " {title.to_lowercase()}</a></p>
            }.into_any()
        }}
    }
}

/// The check answers page.
#[component]
pub fn CheckPage(app: ApplicationView) -> impl IntoView {
    let action = ServerAction::<SubmitApplication>::new();
    let problems = problems_of(action);
    let declaration_error = super::fields::message_for(problems, "declaration");
    let a = app.about.clone();
    let e = app.eligibility.clone();
    let about = vec![
        ("Full name".to_owned(), a.full_name.clone()),
        ("Preferred name".to_owned(), or_none(&a.preferred_name)),
        ("Email address".to_owned(), a.email.clone()),
        ("Phone number".to_owned(), or_none(&a.phone)),
        (
            "Contact by".to_owned(),
            if a.contact_method == "phone" { "Phone" } else { "Email" }.to_owned(),
        ),
    ];
    let mut eligibility = vec![
        (
            "Right to work in the UK".to_owned(),
            RightToWork::from_code(&e.right_to_work)
                .map(RightToWork::words)
                .unwrap_or_default()
                .to_owned(),
        ),
        ("Notice period".to_owned(), e.notice_period.clone()),
        (
            "Earliest start date".to_owned(),
            start_words(&e.start_day, &e.start_month, &e.start_year),
        ),
        (
            "Salary expectation".to_owned(),
            if e.salary.is_empty() {
                "None given".to_owned()
            } else {
                format!("£{} a year", e.salary)
            },
        ),
    ];
    eligibility.extend(app.screening_questions.iter().enumerate().map(|(i, q)| {
        let answer = match e.screening.get(i).map(String::as_str) {
            Some("yes") => "Yes",
            Some("no") => "No",
            _ => "Not answered",
        };
        (q.clone(), answer.to_owned())
    }));
    let documents = vec![
        ("CV".to_owned(), app.cv.as_ref().map(|c| c.name.clone()).unwrap_or_default()),
        ("Covering statement".to_owned(), app.covering_statement.clone()),
    ];
    let answers: Vec<(String, String)> = app
        .criteria
        .iter()
        .zip(&app.answers)
        .map(|(c, a)| (format!("Criterion {}: {}", c.position, c.text), a.clone()))
        .collect();
    let source = vec![(
        "Heard about the job".to_owned(),
        if app.source.source == "other" {
            app.source.source_other.clone()
        } else {
            source_words(&app.source.source).to_owned()
        },
    )];
    let adjustments = vec![(
        "Adjustments".to_owned(),
        if app.adjustments.needed == "yes" {
            app.adjustments.details.clone()
        } else {
            "None needed".to_owned()
        },
    )];
    let reserve = vec![(
        "Reserve list".to_owned(),
        if app.reserve_list { "Yes, keep my application for other jobs" } else { "No" }.to_owned(),
    )];
    let m = &app.monitoring;
    let groups: Vec<(&'static str, &'static str)> =
        ETHNIC_GROUPS.iter().map(|g| (g.code, g.label)).collect();
    let categories: Vec<(&'static str, &'static str)> =
        ETHNIC_GROUPS.iter().flat_map(|g| g.categories.iter().copied()).collect();
    let mut monitoring = vec![
        ("Ethnic group".to_owned(), eo::words(&groups, m.ethnic_group.as_deref()).to_owned()),
        ("Sex".to_owned(), eo::words(eo::SEX, m.sex.as_deref()).to_owned()),
        (
            "Gender same as at birth".to_owned(),
            eo::words(eo::GENDER_SAME, m.gender_same.as_deref()).to_owned(),
        ),
        (
            "Sexual orientation".to_owned(),
            eo::words(eo::SEXUAL_ORIENTATION, m.sexual_orientation.as_deref()).to_owned(),
        ),
        ("Religion".to_owned(), eo::words(eo::RELIGION, m.religion.as_deref()).to_owned()),
        (
            "Long-term condition".to_owned(),
            eo::words(eo::DISABILITY, m.disability.as_deref()).to_owned(),
        ),
        ("Age".to_owned(), eo::words(eo::AGE_BAND, m.age_band.as_deref()).to_owned()),
    ];
    if m.asks_ethnicity() {
        let mut background = eo::words(&categories, m.ethnicity.as_deref()).to_owned();
        if let Some(other) = &m.ethnicity_other {
            background = format!("{background}: {other}");
        }
        monitoring.insert(1, ("Ethnic background".to_owned(), background));
    }
    view! {
        <Frame app=app.clone() step=Step::Check problems>
            <Section title="About you" step=Step::AboutYou app=app.clone() rows=about/>
            <Section title="Your eligibility" step=Step::Eligibility app=app.clone() rows=eligibility/>
            <Section title="Your CV and covering statement" step=Step::Documents app=app.clone() rows=documents/>
            {app.applies(Step::Criteria).then(|| view! {
                <Section title="The person specification" step=Step::Criteria app=app.clone() rows=answers/>
            })}
            <Section title="How you heard about the job" step=Step::Source app=app.clone() rows=source/>
            <Section title="Adjustments for your interview" step=Step::Adjustments app=app.clone() rows=adjustments/>
            <Section title="Other jobs" step=Step::Consents app=app.clone() rows=reserve/>
            <Section title="Equal opportunities monitoring" step=Step::Monitoring app=app.clone() rows=monitoring/>
            <p class="body">"Only you can see your equal opportunities answers here. The people deciding on your application never see them."</p>
            <h2 class="heading-m">"Now send your application"</h2>
            <ActionForm action attr:novalidate=true>
                <input type="hidden" name="application" value=app.id.to_string()/>
                <div class=move || if declaration_error.get().is_some() { "form-group form-group--error" } else { "form-group" }>
                    <super::fields::ErrorMessage id="declaration-error".into() message=declaration_error/>
                    <div class="checkboxes__item">
                        <input class="checkboxes__input" id="declaration" name="declaration" type="checkbox" value="yes"
                            aria-describedby=move || declaration_error.get().map(|_| "declaration-error")/>
                        <label class="label checkboxes__label" for="declaration">
                            "I confirm that the information I have given is true and complete, and I understand that giving false information may mean an offer is withdrawn."
                        </label>
                    </div>
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>"Accept and send"</button>
            </ActionForm>
        </Frame>
    }
}

fn start_words(day: &str, month: &str, year: &str) -> String {
    let date = (|| {
        chrono::NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
    })();
    date.map_or_else(String::new, |d| d.format("%-d %B %Y").to_string())
}
