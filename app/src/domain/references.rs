//! References (PRODUCT §2.5, §3.1): HR asks for referees once a candidate reaches the offer;
//! the applicant names each referee in the portal and consents to them being contacted.
//!
//! Pure: the referee form's validation, the consent's words (versioned; the server stores the
//! SHA-256 of the exact text with each referee), how many referees HR may ask for, and what the
//! portal and the candidate page show. Referee details are third-party personal data: they are
//! shown to the applicant who gave them, to HR, and to the hiring manager only from the offer
//! stage on (`access::Action::ViewReferences`); this module never decides who sees them.

use super::application::{check_text, line};
use crate::error::FieldError;
use serde::{Deserialize, Serialize};

pub mod request;

/// The most referees HR may ask for.
pub const MAX_WANTED: i32 = 4;

/// The version of the referee consent's words. Change the words, change the version.
pub const CONSENT_VERSION: i32 = 1;

/// The consent an applicant gives for one referee, as shown next to its (unticked) box.
#[must_use]
pub fn consent_wording(organisation: &str) -> String {
    format!(
        "I have told this person I am naming them as a referee, and I agree that {organisation} \
         may contact them by email to ask for a reference about me for this application. Their \
         details and their reference are deleted with my application."
    )
}

/// The referee form as typed in the portal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefereeInput {
    /// Their name.
    pub name: String,
    /// Their email address.
    pub email: String,
    /// How the applicant knows them ("my line manager at …").
    pub relationship: String,
    /// Where they work (optional).
    pub organisation: String,
    /// `yes` when the consent box is ticked.
    pub consent: String,
}

/// A valid referee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewReferee {
    /// Their name.
    pub name: String,
    /// Their email address, lower-cased.
    pub email: String,
    /// How the applicant knows them.
    pub relationship: String,
    /// Where they work.
    pub organisation: Option<String>,
}

impl RefereeInput {
    /// Validates the form. `own_email` is the applicant's address: a person cannot be their
    /// own referee.
    ///
    /// # Errors
    /// The problems (`referee_name`, `referee_email`, `relationship`, `organisation`,
    /// `consent`).
    pub fn validate(&self, own_email: &str) -> Result<NewReferee, Vec<FieldError>> {
        let mut problems = Vec::new();
        let name = line(&self.name);
        match &name {
            None => problems.push(FieldError::new("referee_name", "Enter the referee’s name")),
            Some(n) => check_text(&mut problems, "referee_name", "Name", n, 200, false),
        }
        let email = line(&self.email).map(|e| e.to_lowercase());
        match &email {
            None => {
                problems
                    .push(FieldError::new("referee_email", "Enter the referee’s email address"));
            }
            Some(e) if e.chars().count() > 254 || !super::staff::plausible_email(e) => {
                problems.push(FieldError::new(
                    "referee_email",
                    "Enter an email address in the correct format, like name@example.com",
                ));
            }
            Some(e) if e.eq_ignore_ascii_case(own_email.trim()) => {
                problems.push(FieldError::new(
                    "referee_email",
                    "Enter someone else’s email address: you cannot be your own referee",
                ));
            }
            Some(_) => {}
        }
        let relationship = line(&self.relationship);
        match &relationship {
            None => problems.push(FieldError::new(
                "relationship",
                "Enter how you know the referee, for example “my line manager at Leeds Council”",
            )),
            Some(r) => {
                check_text(&mut problems, "relationship", "How you know them", r, 200, false)
            }
        }
        let organisation = line(&self.organisation);
        if let Some(o) = &organisation {
            check_text(&mut problems, "organisation", "Organisation", o, 200, false);
        }
        if self.consent.trim() != "yes" {
            problems.push(FieldError::new(
                "consent",
                "Tick the box to agree that we may contact this referee",
            ));
        }
        match (name, email, relationship) {
            (Some(name), Some(email), Some(relationship)) if problems.is_empty() => {
                Ok(NewReferee { name, email, relationship, organisation })
            }
            _ => Err(problems),
        }
    }
}

/// Parses how many referees HR asks for.
///
/// # Errors
/// The problem, on field `wanted`.
pub fn parse_wanted(raw: &str) -> Result<i32, FieldError> {
    raw.trim().parse::<i32>().ok().filter(|n| (1..=MAX_WANTED).contains(n)).ok_or_else(|| {
        FieldError::new("wanted", &format!("Choose between 1 and {MAX_WANTED} referees"))
    })
}

/// One referee, as the applicant and staff see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefereeRow {
    /// Their name.
    pub name: String,
    /// Their email address.
    pub email: String,
    /// How the applicant knows them.
    pub relationship: String,
    /// Where they work.
    pub organisation: Option<String>,
    /// When the applicant named them (and consented), in words.
    pub added: String,
}

/// The referees of one application in the portal, once HR has asked for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalReferees {
    /// How many HR asked for.
    pub wanted: i32,
    /// Those named so far.
    pub referees: Vec<RefereeRow>,
    /// Whether the applicant may name another (fewer than asked for, application still live).
    pub can_add: bool,
    /// The consent's words.
    pub consent: String,
}

/// One referee as staff see them: who, where their request stands, and their answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffReferee {
    /// Who they are.
    pub referee: RefereeRow,
    /// Where the request stands ([`request::RequestFacts::words`]).
    pub status: String,
    /// Their reference or refusal, once given (only from the offer stage on).
    pub answer: Option<request::ReferenceView>,
}

/// The references part of the candidate page (HR; the hiring manager from the offer on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferencesSection {
    /// When HR asked for referees and how many, if it has.
    pub requested: Option<(String, i32)>,
    /// The referees the applicant named.
    pub referees: Vec<StaffReferee>,
    /// Whether this viewer may ask for referees (HR, not yet asked, application live).
    pub can_request: bool,
    /// How many named referees HR may send a request to now (HR, application live).
    pub can_send: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, email: &str, relationship: &str, consent: &str) -> RefereeInput {
        RefereeInput {
            name: name.into(),
            email: email.into(),
            relationship: relationship.into(),
            organisation: String::new(),
            consent: consent.into(),
        }
    }

    fn fields(r: Result<NewReferee, Vec<FieldError>>) -> Vec<String> {
        r.expect_err("refused").into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_complete_referee_is_accepted_with_the_address_lower_cased() {
        let ok = input(" Rowan Ashdown ", "Rowan@Example.ORG", "My line manager", "yes")
            .validate("me@example.com")
            .expect("valid");
        assert_eq!(ok.name, "Rowan Ashdown");
        assert_eq!(ok.email, "rowan@example.org");
        assert_eq!(ok.organisation, None);
    }

    #[test]
    fn each_problem_names_its_field() {
        assert_eq!(
            fields(input("", "", "", "").validate("me@example.com")),
            ["referee_name", "referee_email", "relationship", "consent"]
        );
        assert_eq!(
            fields(input("R", "not-an-address", "Manager", "yes").validate("me@example.com")),
            ["referee_email"]
        );
        assert_eq!(
            fields(input("R", "ME@example.com", "Manager", "yes").validate("me@example.com")),
            ["referee_email"],
            "not their own referee"
        );
        assert_eq!(
            fields(input("R\u{0}", "r@example.org", &"x".repeat(201), "yes").validate("me@x.org")),
            ["referee_name", "relationship"]
        );
        assert_eq!(
            fields(input("R", "r@example.org", "Manager", "no").validate("me@example.com")),
            ["consent"],
            "consent is required for each referee"
        );
    }

    #[test]
    fn hr_asks_for_one_to_four_referees() {
        assert_eq!(parse_wanted(" 2 "), Ok(2));
        for bad in ["0", "5", "two", "", "-1"] {
            assert_eq!(parse_wanted(bad).expect_err(bad).field, "wanted");
        }
    }

    #[test]
    fn the_consent_names_the_organisation() {
        assert!(consent_wording("Leeds Council").contains("Leeds Council may contact them"));
    }
}
