//! The one error type every server function returns to the browser.
//!
//! It says what a person can act on (not found, not allowed, which fields are wrong) and
//! nothing more. Internal causes (database, storage, bugs) are logged once on the server by
//! [`AppError::internal`] and reach the browser only as [`AppError::Internal`]: a raw
//! database or I/O message must never be serialised into a response.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// A message about one form field, shown inline and in the error summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The `name` of the form field, which is also the anchor the error summary links to.
    pub field: String,
    /// What is wrong and how to fix it, in the GOV.UK error message style.
    pub message: String,
}

impl FieldError {
    /// A message for `field`.
    #[must_use]
    pub fn new(field: &str, message: &str) -> Self {
        Self { field: field.to_owned(), message: message.to_owned() }
    }
}

/// What went wrong, as far as the person using Shortlist needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The thing does not exist, or exists but this person may not know it does.
    #[error("Page not found")]
    NotFound,
    /// The person must sign in (or sign in again: their session ended) before doing this.
    #[error("Sign in to continue")]
    SignInRequired,
    /// The person is signed in but may not do this.
    #[error("You do not have permission to do that")]
    Forbidden,
    /// The input is wrong; each message belongs to one field.
    #[error("There is a problem with what you entered")]
    Validation(Vec<FieldError>),
    /// Something failed on the server; the cause is in the server log, not here.
    #[error("Sorry, there is a problem with the service. Try again later.")]
    Internal,
    /// The browser could not reach the server or understand its answer.
    #[error("Sorry, Shortlist could not be reached. Check your connection and try again.")]
    Unreachable,
}

impl AppError {
    /// Logs an internal cause once and returns the generic error that is safe to send.
    ///
    /// Callers pass errors whose text holds no personal data (driver and storage errors,
    /// never user input), because the text goes to the log.
    #[must_use]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        #[cfg(feature = "ssr")]
        tracing::error!(error = %cause, "internal error");
        #[cfg(not(feature = "ssr"))]
        let _ = cause;
        Self::Internal
    }

    /// A validation error for a single field.
    #[must_use]
    pub fn field(field: &str, message: &str) -> Self {
        Self::Validation(vec![FieldError { field: field.to_owned(), message: message.to_owned() }])
    }

    /// The HTTP status that best describes this error.
    #[must_use]
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::SignInRequired => 401,
            Self::Forbidden => 403,
            Self::Validation(_) => 422,
            Self::Internal => 500,
            Self::Unreachable => 502,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Failures to reach or understand the server, seen in the browser.
            ServerFnErrorErr::Request(_)
            | ServerFnErrorErr::Response(_)
            | ServerFnErrorErr::Deserialization(_) => Self::Unreachable,
            // Malformed arguments sent by a client: the request itself is wrong.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                Self::Validation(Vec::new())
            }
            other => Self::internal(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_error_text_never_carries_the_cause() {
        let err = AppError::internal("relation \"vacancies\" does not exist");
        assert_eq!(err, AppError::Internal);
        let wire = serde_json::to_string(&err).unwrap();
        assert!(!wire.contains("vacancies"), "cause leaked onto the wire: {wire}");
    }

    #[test]
    fn malformed_arguments_are_a_client_error_not_a_server_fault() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("bad uuid".into()));
        assert_eq!(err.status(), 422);
    }

    #[test]
    fn validation_errors_round_trip_through_json() {
        let err = AppError::field("email", "Enter an email address");
        let json = serde_json::to_string(&err).unwrap();
        let back: AppError = serde_json::from_str(&json).unwrap();
        assert_eq!(back, err);
    }
}
