//! Form fields of the application journey, in GOV.UK Design System patterns: label, hint,
//! error message and input tied together with `for`/`id` and `aria-describedby`, so screen
//! readers read them in the right order. Every field renders the same on the server and after
//! hydration; only the word count changes live, and only when JavaScript runs.

use crate::domain::application::word_count;
use crate::error::FieldError;
use leptos::prelude::*;

/// The messages of the last failed post, as a signal the fields read.
pub type Problems = Signal<Vec<FieldError>>;

/// The message for `field`, if the last post had one.
pub fn message_for(problems: Problems, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || {
        problems.read().iter().find(|p| p.field == field).map(|p| p.message.clone())
    })
}

/// The page title, prefixed with "Error: " while the last post has problems (GOV.UK). It
/// reads the problems with `try_with`: `leptos_meta` may ask for the title once more after
/// the page's owner has been disposed (on a client-side navigation to the next page), and a
/// plain read would panic there.
pub fn error_title(
    problems: Problems,
    title: impl Into<String>,
) -> impl Fn() -> String + Send + Sync + 'static {
    let title: String = title.into();
    move || {
        if problems.try_with(Vec::is_empty).unwrap_or(true) {
            title.clone()
        } else {
            format!("Error: {title}")
        }
    }
}

/// The error summary of a form's last post.
#[component]
pub fn ProblemSummary(problems: Problems) -> impl IntoView {
    move || {
        let list = problems.get();
        (!list.is_empty()).then(|| {
            view! {
                <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
                    <h2 class="error-summary__title" id="error-summary-title">"There is a problem"</h2>
                    <ul class="error-summary__list">
                        {list.into_iter().map(|p| view! { <li><super::super::components::FieldLink id=p.field message=p.message/></li> }).collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

fn described_by(parts: &[Option<String>]) -> Option<String> {
    let joined = parts.iter().flatten().cloned().collect::<Vec<_>>().join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// The inline error message, if any.
#[component]
pub fn ErrorMessage(id: String, message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message.get().map(|m| {
            view! {
                <p class="error-message" id=id.clone()>
                    <span class="visually-hidden">"Error: "</span>{m}
                </p>
            }
        })
    }
}

/// A one-line text input.
#[component]
pub fn TextInput(
    /// `id` and `name` (the error summary links to the id).
    id: &'static str,
    /// The label.
    label: &'static str,
    /// The value to show.
    #[prop(into)]
    value: String,
    /// Problems of the last post.
    problems: Problems,
    /// Hint text.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// `autocomplete` token (WCAG 1.3.5).
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// `type` (text, email, tel).
    #[prop(default = "text")]
    kind: &'static str,
    /// Extra input class (width).
    #[prop(optional)]
    width: Option<&'static str>,
    /// `inputmode`.
    #[prop(optional)]
    inputmode: Option<&'static str>,
) -> impl IntoView {
    let message = message_for(problems, id);
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let error_id = format!("{id}-error");
    let describe = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || described_by(&[hint_id.clone(), message.get().map(|_| error_id.clone())])
    };
    view! {
        <div class=move || if message.get().is_some() { "form-group form-group--error" } else { "form-group" }>
            <label class="label" for=id>{label}</label>
            {hint.map(|h| view! { <div class="hint" id=hint_id.clone()>{h}</div> })}
            <ErrorMessage id=error_id message/>
            <input
                class=move || {
                    let mut c = String::from("input");
                    if let Some(w) = width { c.push(' '); c.push_str(w); }
                    if message.get().is_some() { c.push_str(" input--error"); }
                    c
                }
                id=id name=id type=kind value=value
                autocomplete=autocomplete inputmode=inputmode spellcheck="false"
                aria-describedby=describe
            />
        </div>
    }
}

/// A textarea with a word limit. Without JavaScript the hint states the limit; with it, a live
/// count (announced politely to screen readers) says how many words are left.
#[component]
pub fn WordCountArea(
    /// `id` (the error summary links to it).
    id: String,
    /// `name` (defaults to the id).
    #[prop(optional)]
    name: Option<String>,
    /// The label (a heading-sized label when it is the page's question).
    label: String,
    /// The value to show.
    #[prop(into)]
    value: String,
    /// The word limit.
    limit: usize,
    /// The message for this field, if any.
    message: Signal<Option<String>>,
    /// Rows.
    #[prop(default = 8)]
    rows: u32,
) -> impl IntoView {
    let (text, set_text) = signal(value.clone());
    let count_id = format!("{id}-info");
    let error_id = format!("{id}-error");
    let remaining = move || {
        let used = word_count(&text.read());
        if used <= limit {
            let left = limit - used;
            format!("You have {left} word{} remaining", if left == 1 { "" } else { "s" })
        } else {
            let over = used - limit;
            format!("You have {over} word{} too many", if over == 1 { "" } else { "s" })
        }
    };
    let over = move || word_count(&text.read()) > limit;
    let describe = {
        let (count_id, error_id) = (count_id.clone(), error_id.clone());
        move || described_by(&[Some(count_id.clone()), message.get().map(|_| error_id.clone())])
    };
    view! {
        <div class=move || if message.get().is_some() { "form-group form-group--error" } else { "form-group" }>
            <label class="label" for=id.clone()>{label}</label>
            <ErrorMessage id=error_id message/>
            <textarea
                class=move || if message.get().is_some() || over() { "textarea textarea--error" } else { "textarea" }
                id=id.clone() name=name.unwrap_or_else(|| id.clone()) rows=rows spellcheck="true"
                aria-describedby=describe
                on:input=move |ev| set_text.set(event_target_value(&ev))
            >{super::super::components::textarea_text(value)}</textarea>
            <div class=move || if over() { "hint word-count word-count--over" } else { "hint word-count" }
                id=count_id aria-live="polite">{remaining}</div>
        </div>
    }
}

/// A set of radios in a fieldset whose legend is the question.
#[component]
pub fn Radios(
    /// The fieldset's id (the error summary links to the first radio: `{name}`).
    name: &'static str,
    /// The question.
    legend: &'static str,
    /// Options: value and words.
    options: Vec<(&'static str, &'static str)>,
    /// The value selected.
    #[prop(into)]
    selected: String,
    /// Problems of the last post.
    problems: Problems,
    /// Hint text.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// Offer "Prefer not to say" after an "or" divider.
    #[prop(optional)]
    prefer_not: bool,
    /// Make the legend the page heading.
    #[prop(optional)]
    heading: bool,
) -> impl IntoView {
    let message = message_for(problems, name);
    let hint_id = hint.map(|_| format!("{name}-hint"));
    let error_id = format!("{name}-error");
    let describe = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || described_by(&[hint_id.clone(), message.get().map(|_| error_id.clone())])
    };
    let item = {
        let selected = selected.clone();
        move |i: usize, value: &'static str, words: &'static str| {
            // The first radio carries the field's id, so the error summary link lands on it.
            let id = if i == 0 { name.to_owned() } else { format!("{name}-{value}") };
            view! {
                <div class="radios__item">
                    <input class="radios__input" id=id.clone() name=name type="radio" value=value
                        checked=selected == value/>
                    <label class="label radios__label" for=id>{words}</label>
                </div>
            }
        }
    };
    let count = options.len();
    view! {
        <div class=move || if message.get().is_some() { "form-group form-group--error" } else { "form-group" }>
            <fieldset class="fieldset" aria-describedby=describe>
                <legend class=if heading { "fieldset__legend fieldset__legend--l" } else { "fieldset__legend" }>
                    {if heading { view! { <h1 class="fieldset__heading">{legend}</h1> }.into_any() } else { legend.into_any() }}
                </legend>
                {hint.map(|h| view! { <div class="hint" id=hint_id.clone()>{h}</div> })}
                <ErrorMessage id=error_id message/>
                <div class="radios">
                    {options.into_iter().enumerate().map(|(i, (v, w))| item(i, v, w)).collect_view()}
                    {prefer_not.then(|| view! {
                        <div class="radios__divider">"or"</div>
                        {item(count, crate::domain::monitoring::PREFER_NOT, "Prefer not to say")}
                    })}
                </div>
            </fieldset>
        </div>
    }
}

/// A GOV.UK date input: day, month and year boxes in a fieldset (month and year only when
/// `no_day`, for "when did you start" questions).
#[component]
pub fn DateInput(
    /// Prefix of the three fields (`{prefix}_day` …).
    prefix: &'static str,
    /// The question.
    legend: &'static str,
    /// Hint (an example date).
    hint: &'static str,
    /// Day, month, year as typed.
    values: (String, String, String),
    /// Problems of the last post.
    problems: Problems,
    /// Ask for the month and year only (the day in `values` is ignored).
    #[prop(optional)]
    no_day: bool,
) -> impl IntoView {
    let message = Signal::derive(move || {
        problems.read().iter().find(|p| p.field.starts_with(prefix)).map(|p| p.message.clone())
    });
    let bad =
        move |part: &str| problems.read().iter().any(|p| p.field == format!("{prefix}_{part}"));
    let hint_id = format!("{prefix}-hint");
    let error_id = format!("{prefix}-error");
    let describe = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || described_by(&[Some(hint_id.clone()), message.get().map(|_| error_id.clone())])
    };
    let mut boxes = vec![
        ("day", "Day", values.0, "input--width-2"),
        ("month", "Month", values.1, "input--width-2"),
        ("year", "Year", values.2, "input--width-4"),
    ];
    if no_day {
        boxes.remove(0);
    }
    view! {
        <div class=move || if message.get().is_some() { "form-group form-group--error" } else { "form-group" }>
            <fieldset class="fieldset" role="group" aria-describedby=describe>
                <legend class="fieldset__legend">{legend}</legend>
                <div class="hint" id=hint_id>{hint}</div>
                <ErrorMessage id=error_id message/>
                <div class="date-input">
                    {boxes.into_iter().map(|(part, words, value, width)| {
                        let id = format!("{prefix}_{part}");
                        view! {
                            <div class="date-input__item">
                                <label class="label date-input__label" for=id.clone()>{words}</label>
                                <input class=move || if bad(part) { format!("input {width} input--error") } else { format!("input {width}") }
                                    id=id.clone() name=id type="text" inputmode="numeric" value=value/>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
        </div>
    }
}
