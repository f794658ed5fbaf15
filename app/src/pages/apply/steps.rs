//! The form pages of the journey, one topic each. Each posts to its own server function; the
//! page shows the values saved (or, after a failed post, the values as sent) and the problems
//! the server found.

use super::fields::{DateInput, Problems, Radios, TextInput, WordCountArea, message_for};
use super::{
    SaveAboutYou, SaveAdjustments, SaveAnswers, SaveDocuments, SaveEligibility, SaveEthnicity,
    SaveMonitoring, SaveReserveList, SaveSource,
};
use crate::domain::application::{
    ADJUSTMENT_WORDS, ApplicationView, SOURCES, STATEMENT_WORDS, Step,
};
use crate::domain::monitoring::{self as eo, ETHNIC_GROUPS};
use crate::error::{AppError, FieldError};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

/// The problems of an action's last result: field messages, or one general message.
pub(crate) fn problems_of<S>(action: ServerAction<S>) -> Problems
where
    S: ServerFn<Output = (), Error = AppError> + Clone + Send + Sync + 'static,
{
    Signal::derive(move || match action.value().get() {
        Some(Err(AppError::Validation(p))) if p.is_empty() => {
            vec![FieldError::new("form", "Check your answers and try again")]
        }
        Some(Err(AppError::Validation(p))) => p,
        Some(Err(e)) => vec![FieldError::new("form", &e.to_string())],
        _ => Vec::new(),
    })
}

/// Title (with "Error: " while there are problems), back link, error summary and caption.
#[component]
pub(super) fn Frame(
    app: ApplicationView,
    step: Step,
    problems: Problems,
    /// Whether the page's `<h1>` is rendered by the first question (its legend).
    #[prop(optional)]
    heading_in_form: bool,
    children: Children,
) -> impl IntoView {
    let back = previous(&app, step)
        .map_or_else(|| format!("/vacancies/{}/apply", app.vacancy), |s| s.path(app.id));
    view! {
        <leptos_meta::Title text=super::fields::error_title(problems, step.title())/>
        <nav class="back-link-wrap" aria-label="Back">
            <a class="back-link" href=back>"Back"</a>
        </nav>
        <super::fields::ProblemSummary problems/>
        <span class="caption-l">{app.vacancy_title.clone()}</span>
        {(!heading_in_form).then(|| view! { <h1 class="heading-l">{step.title()}</h1> })}
        {children()}
    }
}

fn previous(app: &ApplicationView, step: Step) -> Option<Step> {
    let i = Step::ALL.iter().position(|s| *s == step)?;
    Step::ALL[..i].iter().rev().copied().find(|s| app.applies(*s))
}

/// Hidden fields every form carries: which application, and whether this is a change made
/// from check answers.
#[component]
fn Hidden(app: ApplicationView) -> impl IntoView {
    let query = use_query_map();
    let changing = query.read_untracked().get("change").is_some();
    view! {
        <input type="hidden" name="application" value=app.id.to_string()/>
        {changing.then(|| view! { <input type="hidden" name="change" value="1"/> })}
    }
}

fn continue_button() -> impl IntoView {
    view! { <button type="submit" class="button">"Save and continue"</button> }
}

/// The form for `step` (not check answers).
pub(super) fn step_form(app: ApplicationView, step: Step) -> AnyView {
    match step {
        Step::AboutYou => view! { <AboutYouForm app/> }.into_any(),
        Step::Eligibility => view! { <EligibilityForm app/> }.into_any(),
        Step::Documents => view! { <DocumentsForm app/> }.into_any(),
        Step::Criteria => view! { <CriteriaForm app/> }.into_any(),
        Step::Source => view! { <SourceForm app/> }.into_any(),
        Step::Adjustments => view! { <AdjustmentsForm app/> }.into_any(),
        Step::Consents => view! { <ReserveListForm app/> }.into_any(),
        Step::Monitoring => view! { <MonitoringForm app/> }.into_any(),
        Step::Ethnicity => view! { <EthnicityForm app/> }.into_any(),
        Step::Check => {
            view! { <crate::pages::components::ErrorPage error=AppError::NotFound/> }.into_any()
        }
    }
}

#[component]
fn AboutYouForm(app: ApplicationView) -> impl IntoView {
    let action = ServerAction::<SaveAboutYou>::new();
    let problems = problems_of(action);
    let a = app.about.clone();
    view! {
        <Frame app=app.clone() step=Step::AboutYou problems>
            <ActionForm action attr:novalidate=true>
                <Hidden app=app.clone()/>
                <TextInput id="full_name" label="Full name" value=a.full_name problems autocomplete="name"/>
                <TextInput id="preferred_name" label="Preferred name (optional)" value=a.preferred_name problems
                    hint="What you would like us to call you, if different" autocomplete="nickname"/>
                <TextInput id="email" label="Email address" value=a.email problems kind="email" autocomplete="email"
                    hint="We will send your application reference and a link back to your draft here"/>
                <TextInput id="phone" label="Phone number (optional)" value=a.phone problems kind="tel" autocomplete="tel"
                    width="input--width-20" hint="For international numbers include the country code"/>
                <Radios name="contact_method" legend="How would you like us to contact you?"
                    options=vec![("email", "Email"), ("phone", "Phone")] selected=a.contact_method problems/>
                {continue_button()}
            </ActionForm>
        </Frame>
    }
}

#[component]
fn EligibilityForm(app: ApplicationView) -> impl IntoView {
    let action = ServerAction::<SaveEligibility>::new();
    let problems = problems_of(action);
    let e = app.eligibility.clone();
    view! {
        <Frame app=app.clone() step=Step::Eligibility problems>
            <ActionForm action attr:novalidate=true>
                <Hidden app=app.clone()/>
                <Radios name="right_to_work" legend="Do you have the right to work in the UK?"
                    hint="We check this before anyone starts work. Needing sponsorship does not stop you applying."
                    options=vec![("yes", "Yes"), ("sponsorship", "No, I would need sponsorship")]
                    selected=e.right_to_work problems/>
                <TextInput id="notice_period" label="What is your notice period?" value=e.notice_period problems
                    hint="For example, 1 month. Enter \u{201c}None\u{201d} if you could start at once" width="input--width-20"/>
                <DateInput prefix="start" legend="When is the earliest you could start?" hint="For example, 27 3 2027"
                    values=(e.start_day, e.start_month, e.start_year) problems/>
                <TextInput id="salary" label="What salary do you expect? (optional)" value=e.salary problems
                    hint="In pounds a year, for example 32000" inputmode="numeric" width="input--width-10"/>
                {app.screening_questions.iter().enumerate().map(|(i, question)| {
                    let answer = e.screening.get(i).cloned().unwrap_or_default();
                    view! { <ScreeningQuestion index=i question=question.clone() answer problems/> }
                }).collect_view()}
                {continue_button()}
            </ActionForm>
        </Frame>
    }
}

/// One screening question: yes or no radios whose legend is the question HR wrote.
#[component]
fn ScreeningQuestion(
    index: usize,
    question: String,
    answer: String,
    problems: super::fields::Problems,
) -> impl IntoView {
    let name = crate::domain::application::screening_field(index);
    let field = name.clone();
    let message = Signal::derive(move || {
        problems.read().iter().find(|p| p.field == field).map(|p| p.message.clone())
    });
    let error_id = format!("{name}-error");
    let describe = {
        let error_id = error_id.clone();
        move || message.get().map(|_| error_id.clone())
    };
    let radio = |value: &'static str, words: &'static str, first: bool| {
        let id = if first { name.clone() } else { format!("{name}-{value}") };
        view! {
            <div class="radios__item">
                <input class="radios__input" id=id.clone() name=name.clone() type="radio" value=value
                    checked=answer == value/>
                <label class="label radios__label" for=id>{words}</label>
            </div>
        }
    };
    view! {
        <div class=move || if message.get().is_some() { "form-group form-group--error" } else { "form-group" }>
            <fieldset class="fieldset" aria-describedby=describe>
                <legend class="fieldset__legend">{question}</legend>
                <super::fields::ErrorMessage id=error_id message/>
                <div class="radios radios--inline">
                    {radio("yes", "Yes", true)}
                    {radio("no", "No", false)}
                </div>
            </fieldset>
        </div>
    }
}

#[component]
fn DocumentsForm(app: ApplicationView) -> impl IntoView {
    // Multipart, so not an ActionForm: without JavaScript the browser posts the form; with it,
    // the same form data goes to the same server function without a reload.
    let upload =
        Action::new_local(|data: &leptos::web_sys::FormData| save_documents_from(data.clone()));
    let problems = problems_of_local(upload);
    let statement_message = message_for(problems, "covering_statement");
    let cv_message = message_for(problems, "cv");
    let query = use_query_map();
    let changing = query.read_untracked().get("change").is_some();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        use leptos::wasm_bindgen::JsCast as _;
        let Some(form) =
            ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        if let Ok(data) = leptos::web_sys::FormData::new_with_form(&form) {
            ev.prevent_default();
            upload.dispatch_local(data);
        }
    };
    view! {
        <Frame app=app.clone() step=Step::Documents problems>
            <form method="post" action=SaveDocuments::url() enctype="multipart/form-data" novalidate on:submit=on_submit>
                <input type="hidden" name="application" value=app.id.to_string()/>
                {changing.then(|| view! { <input type="hidden" name="change" value="1"/> })}
                <WordCountArea id="covering_statement".into() label="Covering statement".into()
                    value=app.covering_statement.clone() limit=STATEMENT_WORDS message=statement_message rows=12/>
                <div class=move || if cv_message.get().is_some() { "form-group form-group--error" } else { "form-group" }>
                    <label class="label" for="cv">{if app.cv.is_some() { "Replace your CV (optional)" } else { "Upload your CV" }}</label>
                    {app.cv.clone().map(|cv| view! {
                        <p class="body" id="cv-current">"Uploaded: " <strong>{cv.name}</strong> " (" {cv.kind} ", " {size_words(cv.size_bytes)} ")"</p>
                    })}
                    <div class="hint" id="cv-hint">"PDF, Word (DOCX), OpenDocument (ODT), RTF or plain text, up to 10MB"</div>
                    <super::fields::ErrorMessage id="cv-error".into() message=cv_message/>
                    <input class="file-upload" id="cv" name="cv" type="file"
                        accept=".pdf,.docx,.odt,.rtf,.txt,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.oasis.opendocument.text,application/rtf,text/plain"
                        aria-describedby=move || if cv_message.get().is_some() { "cv-hint cv-error" } else { "cv-hint" }/>
                </div>
                <button type="submit" class="button" disabled=move || upload.pending().get()>"Save and continue"</button>
            </form>
        </Frame>
    }
}

async fn save_documents_from(data: leptos::web_sys::FormData) -> Result<(), AppError> {
    super::save_documents(data.into()).await
}

fn problems_of_local(action: Action<leptos::web_sys::FormData, Result<(), AppError>>) -> Problems {
    Signal::derive(move || match action.value().get() {
        Some(Err(AppError::Validation(p))) => p,
        Some(Err(e)) => vec![FieldError::new("form", &e.to_string())],
        _ => Vec::new(),
    })
}

fn size_words(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1}MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{}KB", (bytes + 1023) / 1024)
    }
}

#[component]
fn CriteriaForm(app: ApplicationView) -> impl IntoView {
    let action = ServerAction::<SaveAnswers>::new();
    let problems = problems_of(action);
    let items = app.criteria.iter().zip(app.answers.iter().cloned()).enumerate().map(|(i, (c, answer))| {
        let id = format!("answer_{}", c.position);
        let field = id.clone();
        let message = Signal::derive(move || problems.read().iter().find(|p| p.field == field).map(|p| p.message.clone()));
        view! {
            <h2 class="heading-m">{format!("Criterion {}", c.position)}</h2>
            <p class="body">{c.text.clone()}</p>
            <WordCountArea id=id name=format!("answers[{i}]") label=format!("Your answer to criterion {}", c.position)
                value=answer limit=usize::try_from(c.word_limit).unwrap_or(0) message/>
        }
    }).collect_view();
    view! {
        <Frame app=app.clone() step=Step::Criteria problems>
            <p class="body">"Give examples of what you have done. Selectors score each answer against its criterion."</p>
            <ActionForm action attr:novalidate=true>
                <Hidden app=app.clone()/>
                {items}
                {continue_button()}
            </ActionForm>
        </Frame>
    }
}

#[component]
fn SourceForm(app: ApplicationView) -> impl IntoView {
    let action = ServerAction::<SaveSource>::new();
    let problems = problems_of(action);
    view! {
        <Frame app=app.clone() step=Step::Source problems heading_in_form=true>
            <ActionForm action attr:novalidate=true>
                <Hidden app=app.clone()/>
                <Radios name="source" legend=Step::Source.title() heading=true options=SOURCES.to_vec()
                    selected=app.source.source.clone() problems/>
                <TextInput id="source_other" label="If somewhere else, where?" value=app.source.source_other.clone() problems/>
                {continue_button()}
            </ActionForm>
        </Frame>
    }
}

#[component]
fn AdjustmentsForm(app: ApplicationView) -> impl IntoView {
    let action = ServerAction::<SaveAdjustments>::new();
    let problems = problems_of(action);
    let message = message_for(problems, "adjustments");
    view! {
        <Frame app=app.clone() step=Step::Adjustments problems>
            <p class="body">"Tell us if you need anything to take part in an interview or assessment, such as step-free access, extra time or a sign language interpreter."</p>
            <p class="body">"Only the recruitment team in HR sees this. The people deciding on your application do not."</p>
            <ActionForm action attr:novalidate=true>
                <Hidden app=app.clone()/>
                <Radios name="adjustments_needed" legend="Do you need any adjustments?"
                    options=vec![("yes", "Yes"), ("no", "No")] selected=app.adjustments.needed.clone() problems/>
                <WordCountArea id="adjustments".into() label="If yes, what do you need?".into()
                    value=app.adjustments.details.clone() limit=ADJUSTMENT_WORDS message rows=5/>
                {continue_button()}
            </ActionForm>
        </Frame>
    }
}

#[component]
fn ReserveListForm(app: ApplicationView) -> impl IntoView {
    let action = ServerAction::<SaveReserveList>::new();
    let problems = problems_of(action);
    view! {
        <Frame app=app.clone() step=Step::Consents problems>
            <p class="body">"If you are not offered this job but are found suitable, we can keep your application on a reserve list and contact you about similar jobs."</p>
            <p class="body">"This is up to you. Saying no makes no difference to how this application is considered. If you agree, you can withdraw at any time and your application is then deleted on the usual timetable."</p>
            <ActionForm action attr:novalidate=true>
                <Hidden app=app.clone()/>
                <div class="form-group">
                    <fieldset class="fieldset">
                        <legend class="fieldset__legend">"Reserve list"</legend>
                        <div class="checkboxes__item">
                            <input class="checkboxes__input" id="reserve_list" name="reserve_list" type="checkbox" value="yes"
                                checked=app.reserve_list/>
                            <label class="label checkboxes__label" for="reserve_list">{app.reserve_list_wording.clone()}</label>
                        </div>
                    </fieldset>
                </div>
                {continue_button()}
            </ActionForm>
        </Frame>
    }
}

#[component]
fn MonitoringForm(app: ApplicationView) -> impl IntoView {
    let action = ServerAction::<SaveMonitoring>::new();
    let skip = ServerAction::<SaveMonitoring>::new();
    let problems = problems_of(action);
    let m = app.monitoring.clone();
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let groups: Vec<(&'static str, &'static str)> =
        ETHNIC_GROUPS.iter().map(|g| (g.code, g.label)).collect();
    let (for_skip, for_answers) = (app.clone(), app.clone());
    view! {
        <Frame app=app.clone() step=Step::Monitoring problems>
            <p class="body">"We ask these questions to check that our recruitment is fair to everyone. Every question is optional, and you can skip the whole section."</p>
            <div class="inset-text">
                <p class="body">"The people deciding on your application never see your answers. They are stored apart from your application and only ever reported as anonymous totals."</p>
            </div>
            <ActionForm action=skip>
                <Hidden app=for_skip/>
                <input type="hidden" name="skip" value="yes"/>
                <button type="submit" class="button button--secondary">"Skip this section"</button>
            </ActionForm>
            <ActionForm action attr:novalidate=true>
                <Hidden app=for_answers/>
                <Radios name="ethnic_group" legend="What is your ethnic group?" options=groups selected=v(&m.ethnic_group) problems prefer_not=true/>
                <Radios name="sex" legend="What is your sex?" hint="A question about gender identity follows"
                    options=eo::SEX.to_vec() selected=v(&m.sex) problems prefer_not=true/>
                <Radios name="gender_same" legend="Is the gender you identify with the same as your sex registered at birth?"
                    options=eo::GENDER_SAME.to_vec() selected=v(&m.gender_same) problems prefer_not=true/>
                <Radios name="sexual_orientation" legend="Which of the following best describes your sexual orientation?"
                    options=eo::SEXUAL_ORIENTATION.to_vec() selected=v(&m.sexual_orientation) problems prefer_not=true/>
                <Radios name="religion" legend="What is your religion?"
                    options=eo::RELIGION.to_vec() selected=v(&m.religion) problems prefer_not=true/>
                <Radios name="disability" legend="Do you have any physical or mental health conditions or illnesses lasting or expected to last 12 months or more?"
                    options=eo::DISABILITY.to_vec() selected=v(&m.disability) problems prefer_not=true/>
                <Radios name="disability_impact" legend="If yes, do any of your conditions or illnesses reduce your ability to carry out day-to-day activities?"
                    options=eo::DISABILITY_IMPACT.to_vec() selected=v(&m.disability_impact) problems prefer_not=true/>
                <Radios name="age_band" legend="What is your age?" options=eo::AGE_BAND.to_vec() selected=v(&m.age_band) problems prefer_not=true/>
                {continue_button()}
            </ActionForm>
        </Frame>
    }
}

#[component]
fn EthnicityForm(app: ApplicationView) -> impl IntoView {
    let action = ServerAction::<SaveEthnicity>::new();
    let problems = problems_of(action);
    let group = app.monitoring.ethnic_group.as_deref().and_then(eo::ethnic_group);
    let (legend, options) = group.map_or(("", Vec::new()), |g| (g.label, g.categories.to_vec()));
    let m = app.monitoring.clone();
    view! {
        <Frame app=app.clone() step=Step::Ethnicity problems>
            <ActionForm action attr:novalidate=true>
                <Hidden app=app.clone()/>
                <Radios name="ethnicity" legend options
                    selected=m.ethnicity.clone().unwrap_or_default() problems prefer_not=true/>
                <TextInput id="ethnicity_other" label="If you chose \u{201c}any other\u{201d}, you can describe your background (optional)"
                    value=m.ethnicity_other.clone().unwrap_or_default() problems/>
                {continue_button()}
            </ActionForm>
        </Frame>
    }
}
