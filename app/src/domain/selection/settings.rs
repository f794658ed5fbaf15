//! The organisation's rejection settings, as HR administrators edit them: the fixed list of
//! reasons selectors choose from (reports count by them; a reason in use is retired, never
//! deleted) and the letter a rejected applicant receives.

use super::{DEFAULT_REJECTION_TEMPLATE, Reason};
use crate::domain::application::check_text;
use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// The longest rejection letter template.
pub const TEMPLATE_MAX: usize = 5000;
/// The longest reason.
pub const REASON_MAX: usize = 200;
/// The most reasons in use at once (a list selectors can read at a glance).
pub const MAX_REASONS: usize = 15;

/// What the rejection settings page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectionSettings {
    /// Reasons in use, in order.
    pub reasons: Vec<Reason>,
    /// The letter in the box: a refused save being corrected, the organisation's letter, or
    /// Shortlist's to start from.
    pub template: String,
    /// Whether Shortlist's letter is in use.
    pub using_default: bool,
    /// What was wrong with the last refused form, and that form's text as typed.
    pub problems: Vec<FieldError>,
    /// The reason typed in a refused "add a reason".
    pub typed_reason: String,
}

/// Checks a letter template: `None` means "use Shortlist's letter" (empty, or exactly it).
///
/// # Errors
/// Too long, holding control characters, or without `{name}` (a letter must say who it is to).
pub fn check_template(raw: &str) -> Result<Option<String>, FieldError> {
    let text = raw.trim().replace("\r\n", "\n");
    if text.is_empty() || text == DEFAULT_REJECTION_TEMPLATE {
        return Ok(None);
    }
    let mut problems = Vec::new();
    check_text(&mut problems, "template", "The letter", &text, TEMPLATE_MAX, true);
    if problems.is_empty() && !text.contains("{name}") {
        problems.push(FieldError::new(
            "template",
            "The letter must include {name}, so it says who it is to",
        ));
    }
    problems.into_iter().next().map_or(Ok(Some(text)), Err)
}

/// Checks a new reason against the reasons in use; returns its words and a new code.
///
/// # Errors
/// Empty, too long, a duplicate, or one too many.
pub fn check_reason(raw: &str, in_use: &[Reason]) -> Result<(String, String), FieldError> {
    let words = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.is_empty() {
        return Err(FieldError::new("reason_words", "Enter the reason"));
    }
    let mut problems = Vec::new();
    check_text(&mut problems, "reason_words", "The reason", &words, REASON_MAX, false);
    if let Some(p) = problems.into_iter().next() {
        return Err(p);
    }
    if in_use.iter().any(|r| r.words.eq_ignore_ascii_case(&words)) {
        return Err(FieldError::new("reason_words", "That reason is already in the list"));
    }
    if in_use.len() >= MAX_REASONS {
        return Err(FieldError::new(
            "reason_words",
            "Retire a reason before adding another: the list holds 15",
        ));
    }
    // A code from the words (for reports and exports), made unique with a counter.
    let base: String = words
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_")
        .chars()
        .take(30)
        .collect();
    let base = if base.is_empty() { "reason".to_owned() } else { base };
    Ok((words, base))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_needs_the_name_and_the_default_is_no_custom_letter() {
        assert_eq!(check_template(""), Ok(None));
        assert_eq!(check_template(DEFAULT_REJECTION_TEMPLATE), Ok(None));
        assert_eq!(check_template("Dear {name}, no.\r\n"), Ok(Some("Dear {name}, no.".to_owned())));
        assert_eq!(check_template("Dear applicant").unwrap_err().field, "template");
        assert_eq!(
            check_template(&format!("{{name}}{}", "x".repeat(TEMPLATE_MAX))).unwrap_err().field,
            "template"
        );
    }

    #[test]
    fn a_new_reason_is_unique_and_gets_a_code_from_its_words() {
        let in_use = vec![Reason { code: "interview".into(), words: "Interview".into() }];
        assert_eq!(
            check_reason("  Salary   expectation <too high> ", &in_use),
            Ok((
                "Salary expectation <too high>".to_owned(),
                "salary_expectation_too_high".to_owned()
            ))
        );
        assert_eq!(
            check_reason("interview", &in_use).unwrap_err().message,
            "That reason is already in the list"
        );
        assert_eq!(check_reason(" ", &in_use).unwrap_err().message, "Enter the reason");
        assert_eq!(check_reason("££", &in_use).unwrap().1, "reason");
        let full: Vec<Reason> = (0..MAX_REASONS)
            .map(|i| Reason { code: i.to_string(), words: i.to_string() })
            .collect();
        assert!(check_reason("One more", &full).is_err());
    }
}
