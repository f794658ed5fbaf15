//! Rectification by HR (PRODUCT §2.8): in answer to a rectification request, HR corrects one
//! field of one of the person's applications, with a note saying why. The applicant corrects
//! their own contact details in the portal; this covers what they cannot reach.
//!
//! Only the fields in [`Field`] can be corrected this way: what a selector wrote is their
//! record, not the person's data to rewrite, and an answer to a criterion is evidence that was
//! scored. Never decides which applications are the person's (the server checks the one named
//! is held under the request's address).

use crate::domain::application::{check_phone, check_text, check_words, line};
use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A field HR may correct.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    /// Full name.
    FullName,
    /// Preferred name.
    PreferredName,
    /// Phone number.
    Phone,
    /// Notice period.
    NoticePeriod,
    /// Reasonable adjustments asked for.
    Adjustments,
}

impl Field {
    /// Every field, in the form's order.
    pub const ALL: [Self; 5] =
        [Self::FullName, Self::PreferredName, Self::Phone, Self::NoticePeriod, Self::Adjustments];

    /// The column and form code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::FullName => "full_name",
            Self::PreferredName => "preferred_name",
            Self::Phone => "phone",
            Self::NoticePeriod => "notice_period",
            Self::Adjustments => "adjustments",
        }
    }

    /// In plain words.
    #[must_use]
    pub const fn words(self) -> &'static str {
        match self {
            Self::FullName => "Full name",
            Self::PreferredName => "Preferred name",
            Self::Phone => "Phone number",
            Self::NoticePeriod => "Notice period",
            Self::Adjustments => "Adjustments asked for",
        }
    }

    /// From its code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// The longest note.
pub const MAX_NOTE: usize = 1000;

/// HR's correction form as sent.
#[derive(Debug, Clone, Default)]
pub struct RectifyInput {
    /// The application's id.
    pub application: String,
    /// A [`Field`] code.
    pub field: String,
    /// The correct value (blank clears an optional field).
    pub value: String,
    /// Why, for the record.
    pub note: String,
}

/// A checked correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rectification {
    /// The application corrected.
    pub application: Uuid,
    /// The field.
    pub field: Field,
    /// Its new value (`None`: cleared).
    pub value: Option<String>,
    /// Why.
    pub note: String,
}

impl RectifyInput {
    /// Checks the form; `held` are the ids of the applications held under the request's
    /// address (any other id is refused as if unknown).
    ///
    /// # Errors
    /// The problems, each for its field.
    pub fn validate(&self, held: &[Uuid]) -> Result<Rectification, Vec<FieldError>> {
        let mut problems = Vec::new();
        let application =
            self.application.trim().parse::<Uuid>().ok().filter(|id| held.contains(id));
        if application.is_none() {
            problems.push(FieldError::new("application", "Select the application to correct"));
        }
        let field = Field::from_code(self.field.trim());
        let value = line(&self.value);
        match (field, &value) {
            (None, _) => problems.push(FieldError::new("field", "Select what to correct")),
            (Some(Field::FullName), None) => {
                problems.push(FieldError::new("value", "Enter the correct full name"));
            }
            (Some(Field::FullName | Field::PreferredName), Some(v)) => {
                check_text(&mut problems, "value", "The correct value", v, 200, false);
            }
            (Some(Field::Phone), Some(v)) => check_phone(&mut problems, "value", v),
            (Some(Field::NoticePeriod), Some(v)) => {
                check_text(&mut problems, "value", "The correct value", v, 100, false);
            }
            (Some(Field::Adjustments), Some(v)) => check_words(
                &mut problems,
                "value",
                "The correct value",
                v,
                crate::domain::application::ADJUSTMENT_WORDS,
            ),
            (Some(_), None) => {}
        }
        let note = line(&self.note);
        match &note {
            None => {
                problems.push(FieldError::new("rectify_note", "Enter why the correction is made"))
            }
            Some(n) => check_text(&mut problems, "rectify_note", "The note", n, MAX_NOTE, true),
        }
        match (application, field, note, problems.is_empty()) {
            (Some(application), Some(field), Some(note), true) => {
                Ok(Rectification { application, field, value, note })
            }
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(application: &str, field: &str, value: &str, note: &str) -> RectifyInput {
        RectifyInput {
            application: application.to_owned(),
            field: field.to_owned(),
            value: value.to_owned(),
            note: note.to_owned(),
        }
    }

    fn fields(r: Result<Rectification, Vec<FieldError>>) -> Vec<String> {
        r.unwrap_err().into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_correction_names_a_held_application_a_field_a_valid_value_and_why() {
        let id = Uuid::new_v4();
        let held = [id];
        let ok =
            input(&id.to_string(), "full_name", "  Ada Quill ", "Married name").validate(&held);
        assert_eq!(
            ok,
            Ok(Rectification {
                application: id,
                field: Field::FullName,
                value: Some("Ada Quill".to_owned()),
                note: "Married name".to_owned()
            })
        );
        let cleared =
            input(&id.to_string(), "phone", " ", "Number no longer in use").validate(&held);
        assert_eq!(cleared.unwrap().value, None, "an optional field may be cleared");
        let foreign = Uuid::new_v4().to_string();
        assert_eq!(
            fields(input(&foreign, "phone", "07700 900982", "x").validate(&held)),
            ["application"]
        );
        assert_eq!(
            fields(input("nonsense", "email", "", "").validate(&held)),
            ["application", "field", "rectify_note"]
        );
        assert_eq!(fields(input(&id.to_string(), "full_name", "", "x").validate(&held)), ["value"]);
        assert_eq!(
            fields(input(&id.to_string(), "phone", "call me", "x").validate(&held)),
            ["value"]
        );
        assert_eq!(
            fields(input(&id.to_string(), "notice_period", &"a".repeat(101), "x").validate(&held)),
            ["value"]
        );
        assert_eq!(
            fields(
                input(&id.to_string(), "preferred_name", "Ada", &"n".repeat(1001)).validate(&held)
            ),
            ["rectify_note"]
        );
    }

    #[test]
    fn every_field_round_trips_its_code() {
        for f in Field::ALL {
            assert_eq!(Field::from_code(f.code()), Some(f));
        }
        assert_eq!(Field::from_code("email"), None, "the address is the person's to change");
    }
}
