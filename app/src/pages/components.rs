//! Small pieces of page shared by several pages.

use crate::error::AppError;
use leptos::prelude::*;

/// Sets the HTTP status of the page being rendered on the server (no-op in the browser).
pub fn set_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(opts), Ok(code)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(status))
    {
        opts.set_status(code);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

/// A whole-page error in the GOV.UK "there is a problem with the service" pattern, with the
/// HTTP status set to match.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    set_status(error.status());
    let (title, body) = match &error {
        AppError::NotFound => (
            "Page not found",
            "If you typed the web address, check it is correct. If you pasted the web address, \
             check you copied the entire address.",
        ),
        AppError::SignInRequired => ("Sign in to continue", "Your session may have ended."),
        AppError::Forbidden => ("You do not have permission to see this page", ""),
        AppError::Validation(_) => ("There is a problem with the request", ""),
        AppError::Internal | AppError::Unreachable => {
            ("Sorry, there is a problem with the service", "Try again later.")
        }
    };
    view! {
        <leptos_meta::Title text=title/>
        <h1 class="heading-l">{title}</h1>
        {(!body.is_empty()).then(|| view! { <p class="body">{body}</p> })}
        {matches!(error, AppError::SignInRequired)
            .then(|| view! { <p class="body"><a class="link" href="/staff/sign-in">"Sign in"</a></p> })}
        <p class="body"><a class="link" href="/">"Go to current vacancies"</a></p>
    }
}

/// One row of a GOV.UK-style summary list (`<dl class="summary-list">`): a key and its value.
#[component]
pub fn SummaryRow(key: &'static str, #[prop(into)] value: String) -> impl IntoView {
    view! {
        <div class="summary-list__row">
            <dt class="summary-list__key">{key}</dt>
            <dd class="summary-list__value">{value}</dd>
        </div>
    }
}

/// The GOV.UK error summary at the top of a form page: one problem, linking to its field.
#[component]
pub fn ErrorSummary(#[prop(into)] field: String, #[prop(into)] message: String) -> impl IntoView {
    view! {
        <div class="error-summary" role="alert" aria-labelledby="error-summary-title">
            <h2 class="error-summary__title" id="error-summary-title">"There is a problem"</h2>
            <ul class="error-summary__list">
                <li><FieldLink id=field message/></li>
            </ul>
        </div>
    }
}

/// The page title, prefixed with "Error: " while the page shows a problem (GOV.UK pattern).
#[component]
pub fn FormTitle(text: &'static str, #[prop(into)] failed: Signal<bool>) -> impl IntoView {
    view! {
        <leptos_meta::Title text=move || {
            // `try_get`: the title may be asked for after the page is disposed (see
            // `apply::fields::error_title`).
            if failed.try_get().unwrap_or(false) { format!("Error: {text}") } else { text.to_owned() }
        }/>
    }
}

/// An error-summary link to the field `id`. With JavaScript on, the client router handles
/// `#id` links by scrolling without moving focus; GOV.UK's error summary puts focus in the
/// field, so keyboard and screen-reader users land where they must type. Without JavaScript
/// the browser follows the fragment and focuses the field itself.
#[component]
pub fn FieldLink(#[prop(into)] id: String, #[prop(into)] message: String) -> impl IntoView {
    let target = id.clone();
    let on_click = move |ev: leptos::ev::MouseEvent| {
        use leptos::wasm_bindgen::JsCast as _;
        let field = document()
            .get_element_by_id(&target)
            .and_then(|el| el.dyn_into::<leptos::web_sys::HtmlElement>().ok());
        if let Some(field) = field {
            ev.prevent_default();
            let _ = field.focus();
        }
    };
    view! { <a href=format!("#{id}") on:click=on_click>{message}</a> }
}

/// The GOV.UK error summary for several problems, each linking to its field.
#[component]
pub fn ErrorSummaryList(problems: Vec<(String, String)>) -> impl IntoView {
    (!problems.is_empty()).then(|| {
        view! {
            <div class="error-summary" role="alert" aria-labelledby="error-summary-title">
                <h2 class="error-summary__title" id="error-summary-title">"There is a problem"</h2>
                <ul class="error-summary__list">
                    {problems
                        .into_iter()
                        .map(|(field, message)| view! { <li><FieldLink id=field message/></li> })
                        .collect_view()}
                </ul>
            </div>
        }
    })
}

/// The page an unknown or malformed emailed link opens (404): the same heading everywhere,
/// then what this kind of link's holder can do instead (`children`).
#[component]
pub fn LinkNotValid(children: Children) -> impl IntoView {
    set_status(404);
    view! {
        <leptos_meta::Title text="This link is not valid"/>
        <h1 class="heading-l">"This link is not valid"</h1>
        {children()}
    }
}

/// A GOV.UK success banner.
#[component]
pub fn SuccessBanner(#[prop(into)] text: String) -> impl IntoView {
    view! {
        <div class="notification-banner notification-banner--success" role="region" aria-labelledby="banner-title">
            <h2 class="notification-banner__title" id="banner-title">"Success"</h2>
            <div class="notification-banner__content">
                <p class="body">{text}</p>
            </div>
        </div>
    }
}

/// An inline error message for one field, if it has one.
#[component]
pub fn FieldMessage(field: &'static str, message: Option<&'static str>) -> impl IntoView {
    message.map(|m| {
        view! {
            <p class="error-message" id=format!("{field}-error")>
                <span class="visually-hidden">"Error: "</span>{m}
            </p>
        }
    })
}

/// The text to put inside a `<textarea>`. Leptos renders a textarea's children on the server
/// without escaping (as it does a `<script>`'s), so typed text holding `</textarea>` would end
/// the element early and whatever followed would become markup. On the server the text is
/// escaped here (the browser decodes it back into the box); in the browser, where children
/// become a DOM text node, it is left as it is.
#[must_use]
pub fn textarea_text(text: String) -> String {
    #[cfg(feature = "ssr")]
    {
        text.replace('&', "&amp;").replace('<', "&lt;")
    }
    #[cfg(not(feature = "ssr"))]
    {
        text
    }
}
