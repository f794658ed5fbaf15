//! The application form: its pages, what each page accepts, and the application reference.
//!
//! Every page has an *input* type holding exactly what the form sent, as text, and a
//! `validate` that turns it into the values stored or into GOV.UK-style field messages. The
//! server is the only judge (the browser shows the same messages because it gets them from the
//! server), and the rules here are pure: "today" is a parameter.
//!
//! Text is never interpreted: markup in a name or an answer is stored as typed and always
//! shown as text. Control characters are refused (they have no place in a form and can hide
//! content from a reader).

mod pages;

pub use pages::*;

use super::{ApplicationId, VacancyId, monitoring::Monitoring};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The pages of the journey, in order. `slug` is the last part of the page's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Step {
    /// Name and contact details.
    AboutYou,
    /// Right to work, notice, start date, salary.
    Eligibility,
    /// CV and covering statement.
    Documents,
    /// One answer per person-specification criterion.
    Criteria,
    /// How they heard about the role.
    Source,
    /// Reasonable adjustments for interview.
    Adjustments,
    /// The reserve-list consent.
    Consents,
    /// Equal-opportunities monitoring (optional).
    Monitoring,
    /// The ethnic category within the group chosen on the monitoring page.
    Ethnicity,
    /// Check answers, declaration and send.
    Check,
}

impl Step {
    /// The pages an applicant fills in, in order (check answers last).
    pub const ALL: [Self; 10] = [
        Self::AboutYou,
        Self::Eligibility,
        Self::Documents,
        Self::Criteria,
        Self::Source,
        Self::Adjustments,
        Self::Consents,
        Self::Monitoring,
        Self::Ethnicity,
        Self::Check,
    ];

    /// The page's address segment.
    #[must_use]
    pub const fn slug(self) -> &'static str {
        match self {
            Self::AboutYou => "about-you",
            Self::Eligibility => "eligibility",
            Self::Documents => "cv",
            Self::Criteria => "person-specification",
            Self::Source => "source",
            Self::Adjustments => "adjustments",
            Self::Consents => "reserve-list",
            Self::Monitoring => "monitoring",
            Self::Ethnicity => "monitoring-ethnicity",
            Self::Check => "check",
        }
    }

    /// The page's heading (and title).
    #[must_use]
    pub const fn title(self) -> &'static str {
        match self {
            Self::AboutYou => "About you",
            Self::Eligibility => "Your eligibility",
            Self::Documents => "Your CV and covering statement",
            Self::Criteria => "How you meet the person specification",
            Self::Source => "How did you hear about this job?",
            Self::Adjustments => "Adjustments for your interview",
            Self::Consents => "Being considered for other jobs",
            Self::Monitoring => "Equal opportunities monitoring",
            Self::Ethnicity => "Your ethnic background",
            Self::Check => "Check your answers before sending your application",
        }
    }

    /// The step with this slug.
    #[must_use]
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// The address of this page of `application`.
    #[must_use]
    pub fn path(self, application: ApplicationId) -> String {
        format!("/apply/{application}/{}", self.slug())
    }
}

/// Where an application is. Drafts can be changed; the others cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Being filled in.
    Draft,
    /// Sent.
    Submitted,
    /// Withdrawn by the applicant.
    Withdrawn,
}

impl Status {
    /// Storage code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// From the storage code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Draft, Self::Submitted, Self::Withdrawn].into_iter().find(|s| s.code() == code)
    }
}

// ---------------------------------------------------------------------------------------------
// Consent.

/// The current version of the reserve-list consent wording. Change the wording, change the
/// version: every consent record names the version (and the hash of the exact text) agreed to.
pub const RESERVE_LIST_WORDING_VERSION: i32 = 1;

/// The reserve-list consent, as shown next to its (unticked) box. `months` is how long the
/// consent lasts, from configuration.
#[must_use]
pub fn reserve_list_wording(organisation: &str, months: u32) -> String {
    format!(
        "I agree that if I am not offered this job but am found suitable, {organisation} may keep \
         my application for {months} months after the decision and contact me about other jobs \
         that match it. I can withdraw this at any time from my applicant page or the link in \
         any email, and it then ends at once."
    )
}

// ---------------------------------------------------------------------------------------------
// The reference.

/// The characters of a reference: digits and capitals without the easily confused 0, 1, I, L,
/// O and U.
const REFERENCE_ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

/// An application's reference, like `SL-7KX2-93QF`: what the applicant quotes and staff search
/// for. Random (about 39 bits), so it reveals neither order nor volume.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Reference(String);

impl Reference {
    /// A reference from 64 random bits.
    #[must_use]
    pub fn from_random(mut bits: u64) -> Self {
        let mut chars = [0u8; 8];
        for c in &mut chars {
            // 30^8 is far below 2^64, so the modulo bias is negligible.
            *c = REFERENCE_ALPHABET[usize::try_from(bits % 30).unwrap_or(0)];
            bits /= 30;
        }
        let s = String::from_utf8_lossy(&chars);
        Self(format!("SL-{}-{}", &s[..4], &s[4..]))
    }

    /// Reads a reference as someone might type it: any case, spaces or missing hyphens.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let body: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let body = body.strip_prefix("SL")?;
        (body.len() == 8 && body.bytes().all(|b| REFERENCE_ALPHABET.contains(&b)))
            .then(|| Self(format!("SL-{}-{}", &body[..4], &body[4..])))
    }

    /// The reference as shown and stored.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

// ---------------------------------------------------------------------------------------------
// What the journey's pages show.

/// An uploaded CV, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedFile {
    /// The name the file had on the applicant's computer (data only).
    pub name: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// The type decided from the content ("PDF", "Word document", …).
    pub kind: String,
}

/// A draft (or sent application) as its owner sees it on the journey's pages. Only ever
/// returned to the holder of the application's own secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationView {
    /// Id (in the pages' addresses).
    pub id: ApplicationId,
    /// The vacancy applied for.
    pub vacancy: VacancyId,
    /// Its title.
    pub vacancy_title: String,
    /// The organisation's name.
    pub organisation: String,
    /// When applications close.
    pub closes_at: DateTime<Utc>,
    /// Whether it still accepts applications (by the server's clock).
    pub open: bool,
    /// Draft, sent or withdrawn.
    pub status: Status,
    /// Set when sent.
    pub reference: Option<Reference>,
    /// The person specification.
    pub criteria: Vec<Criterion>,
    /// The vacancy's screening questions (answered on the eligibility page).
    pub screening_questions: Vec<String>,
    /// About you, as saved (or as last sent, if that failed).
    pub about: AboutYouInput,
    /// Eligibility, likewise.
    pub eligibility: EligibilityInput,
    /// The CV, if uploaded.
    pub cv: Option<UploadedFile>,
    /// Covering statement.
    pub covering_statement: String,
    /// One answer per criterion (empty strings where not yet answered).
    pub answers: Vec<String>,
    /// Source.
    pub source: SourceInput,
    /// Adjustments.
    pub adjustments: AdjustmentsInput,
    /// Whether a live reserve-list consent exists.
    pub reserve_list: bool,
    /// The consent's wording, as it would be recorded.
    pub reserve_list_wording: String,
    /// The applicant's own monitoring answers.
    pub monitoring: Monitoring,
    /// Pages saved at least once.
    pub done: Vec<Step>,
    /// The page whose last post failed validation (its values above are that post's).
    pub failed: Option<Step>,
}

impl ApplicationView {
    /// The first page not yet saved, or check answers.
    #[must_use]
    pub fn next_unfinished(&self) -> Step {
        Step::ALL
            .into_iter()
            .find(|s| !self.done.contains(s) && self.applies(*s) && *s != Step::Check)
            .unwrap_or(Step::Check)
    }

    /// Whether a page is part of this application's journey.
    #[must_use]
    pub fn applies(&self, step: Step) -> bool {
        match step {
            Step::Criteria => !self.criteria.is_empty(),
            Step::Ethnicity => self.monitoring.asks_ethnicity(),
            _ => true,
        }
    }
}

/// A draft saved by the raw text of a page that failed validation, so the page can show it
/// again. Stored with the draft; cleared when the page is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PendingInput {
    /// About you.
    AboutYou(AboutYouInput),
    /// Eligibility.
    Eligibility(EligibilityInput),
    /// Covering statement.
    Documents(String),
    /// Criteria answers.
    Criteria(Vec<String>),
    /// Source.
    Source(SourceInput),
    /// Adjustments.
    Adjustments(AdjustmentsInput),
}

impl PendingInput {
    /// The page it belongs to.
    #[must_use]
    pub const fn step(&self) -> Step {
        match self {
            Self::AboutYou(_) => Step::AboutYou,
            Self::Eligibility(_) => Step::Eligibility,
            Self::Documents(_) => Step::Documents,
            Self::Criteria(_) => Step::Criteria,
            Self::Source(_) => Step::Source,
            Self::Adjustments(_) => Step::Adjustments,
        }
    }

    /// Puts the pending values in place of the saved ones.
    pub fn apply_to(self, view: &mut ApplicationView) {
        view.failed = Some(self.step());
        match self {
            Self::AboutYou(v) => view.about = v,
            Self::Eligibility(v) => view.eligibility = v,
            Self::Documents(v) => view.covering_statement = v,
            Self::Criteria(v) => view.answers = v,
            Self::Source(v) => view.source = v,
            Self::Adjustments(v) => view.adjustments = v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn references_look_like_sl_xxxx_xxxx_and_read_back_forgivingly() {
        let r = Reference::from_random(0x0123_4567_89ab_cdef);
        assert_eq!(r.as_str().len(), 12);
        assert!(r.as_str().starts_with("SL-"));
        assert_eq!(&r.as_str()[7..8], "-");
        assert_eq!(Reference::parse(&r.as_str().to_lowercase().replace('-', " ")), Some(r.clone()));
        assert_eq!(Reference::parse("SL-7KX2-93QF").unwrap().as_str(), "SL-7KX2-93QF");
        assert_eq!(Reference::parse("SL-7KX2-93QO"), None, "O is not in the alphabet");
        assert_eq!(Reference::parse("SL-7KX2-93Q"), None);
        assert_eq!(Reference::parse("XX-7KX2-93QF"), None);
        assert_ne!(Reference::from_random(1), Reference::from_random(2));
    }

    #[test]
    fn steps_round_trip_through_their_slugs() {
        for s in Step::ALL {
            assert_eq!(Step::from_slug(s.slug()), Some(s));
        }
        assert_eq!(Step::from_slug("../etc"), None);
    }
}
