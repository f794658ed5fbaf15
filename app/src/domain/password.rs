//! Why a new staff password was refused, in words a person can act on.
//!
//! The server checks passwords (`server::auth::password`); the words live here so the page that
//! shows the problem and the handler that finds it agree. The short `code` travels in the
//! redirect back to the form, so no password or message text ever appears in a URL.

use serde::{Deserialize, Serialize};

/// Whether a set-password link can still be used (the link itself is the credential).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordLinkState {
    /// It can be used now.
    Usable,
    /// It is past its expiry.
    Expired,
    /// It has been used.
    Used,
}

/// A problem with a proposed password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    /// Nothing entered.
    Missing,
    /// Fewer than 8 characters.
    TooShort,
    /// More than 128 characters.
    TooLong,
    /// Contains the person's name or email address.
    Personal,
    /// Common or easily guessed.
    Guessable,
    /// The confirmation differs.
    Mismatch,
}

impl PasswordProblem {
    const ALL: [Self; 6] = [
        Self::Missing,
        Self::TooShort,
        Self::TooLong,
        Self::Personal,
        Self::Guessable,
        Self::Mismatch,
    ];

    /// A short code for the redirect back to the form.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::TooShort => "too-short",
            Self::TooLong => "too-long",
            Self::Personal => "personal",
            Self::Guessable => "guessable",
            Self::Mismatch => "mismatch",
        }
    }

    /// Reads a code; unknown codes are ignored.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The field the message belongs to.
    #[must_use]
    pub const fn field(self) -> &'static str {
        match self {
            Self::Mismatch => "confirm",
            _ => "password",
        }
    }

    /// The error message, in GOV.UK style.
    #[must_use]
    pub const fn message(self) -> &'static str {
        match self {
            Self::Missing => "Enter a password",
            Self::TooShort => "Password must be 8 characters or more",
            Self::TooLong => "Password must be 128 characters or fewer",
            Self::Personal => "Password must not contain your name or email address",
            Self::Guessable => {
                "Choose a password that is harder to guess: avoid common passwords, words, names \
                 and patterns. A few unrelated words together work well"
            }
            Self::Mismatch => "Passwords do not match",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_ignored() {
        for p in PasswordProblem::ALL {
            assert_eq!(PasswordProblem::from_code(p.code()), Some(p));
        }
        assert_eq!(PasswordProblem::from_code("<b>"), None);
    }
}
