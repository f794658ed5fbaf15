//! Equal-opportunities monitoring: the questions, their answer codes and the rules for a valid
//! set of answers.
//!
//! Wording follows the Census 2021 questions for England and Wales and the GSS harmonised
//! standards (ethnic group asked in two steps — the five groups, then the 19 categories — sex,
//! gender identity, sexual orientation, religion, the two-part disability question) and an age
//! band. Every question may be left unanswered and every question offers "Prefer not to say".
//!
//! This module only describes and validates answers. It must never be used to show a person's
//! answers to anyone but that person: the answers are stored apart (see
//! `server/src/monitoring/`) and staff only ever see aggregates after disclosure control.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// The code for "Prefer not to say", an answer in its own right (unlike leaving it blank).
pub const PREFER_NOT: &str = "prefer_not";

/// One answer a question offers: the stored code and the words shown.
pub type Choice = (&'static str, &'static str);

/// One ethnic group (step one) with its categories (step two).
#[derive(Debug, Clone, Copy)]
pub struct EthnicGroup {
    /// Code stored for the group.
    pub code: &'static str,
    /// The group as the Census words it.
    pub label: &'static str,
    /// The categories within it; the last is always "Any other … background", which may be
    /// described in the applicant's own words.
    pub categories: &'static [Choice],
}

/// The five ethnic groups and their 19 categories (Census 2021, England and Wales).
pub const ETHNIC_GROUPS: &[EthnicGroup] = &[
    EthnicGroup {
        code: "asian",
        label: "Asian, Asian British or Asian Welsh",
        categories: &[
            ("bangladeshi", "Bangladeshi"),
            ("chinese", "Chinese"),
            ("indian", "Indian"),
            ("pakistani", "Pakistani"),
            ("asian_other", "Any other Asian background"),
        ],
    },
    EthnicGroup {
        code: "black",
        label: "Black, Black British, Black Welsh, Caribbean or African",
        categories: &[
            ("african", "African"),
            ("caribbean", "Caribbean"),
            ("black_other", "Any other Black, Black British or Caribbean background"),
        ],
    },
    EthnicGroup {
        code: "mixed",
        label: "Mixed or Multiple ethnic groups",
        categories: &[
            ("white_asian", "White and Asian"),
            ("white_black_african", "White and Black African"),
            ("white_black_caribbean", "White and Black Caribbean"),
            ("mixed_other", "Any other Mixed or Multiple ethnic background"),
        ],
    },
    EthnicGroup {
        code: "white",
        label: "White",
        categories: &[
            ("white_british", "English, Welsh, Scottish, Northern Irish or British"),
            ("irish", "Irish"),
            ("gypsy_traveller", "Gypsy or Irish Traveller"),
            ("roma", "Roma"),
            ("white_other", "Any other White background"),
        ],
    },
    EthnicGroup {
        code: "other",
        label: "Other ethnic group",
        categories: &[("arab", "Arab"), ("other_other", "Any other ethnic group")],
    },
];

/// "What is your sex?"
pub const SEX: &[Choice] = &[("female", "Female"), ("male", "Male")];
/// "Is the gender you identify with the same as your sex registered at birth?"
pub const GENDER_SAME: &[Choice] = &[("yes", "Yes"), ("no", "No")];
/// "Which of the following best describes your sexual orientation?"
pub const SEXUAL_ORIENTATION: &[Choice] = &[
    ("straight", "Straight or Heterosexual"),
    ("gay_lesbian", "Gay or Lesbian"),
    ("bisexual", "Bisexual"),
    ("other", "Other sexual orientation"),
];
/// "What is your religion?"
pub const RELIGION: &[Choice] = &[
    ("none", "No religion"),
    (
        "christian",
        "Christian (including Church of England, Catholic, Protestant and all other Christian denominations)",
    ),
    ("buddhist", "Buddhist"),
    ("hindu", "Hindu"),
    ("jewish", "Jewish"),
    ("muslim", "Muslim"),
    ("sikh", "Sikh"),
    ("other", "Any other religion"),
];
/// "Do you have any physical or mental health conditions or illnesses lasting or expected to
/// last 12 months or more?"
pub const DISABILITY: &[Choice] = &[("yes", "Yes"), ("no", "No")];
/// "Do any of your conditions or illnesses reduce your ability to carry out day-to-day
/// activities?"
pub const DISABILITY_IMPACT: &[Choice] =
    &[("a_lot", "Yes, a lot"), ("a_little", "Yes, a little"), ("not_at_all", "Not at all")];
/// "What is your age?"
pub const AGE_BAND: &[Choice] = &[
    ("16_24", "16 to 24"),
    ("25_34", "25 to 34"),
    ("35_44", "35 to 44"),
    ("45_54", "45 to 54"),
    ("55_64", "55 to 64"),
    ("65_plus", "65 or over"),
];

/// The group with this code.
#[must_use]
pub fn ethnic_group(code: &str) -> Option<&'static EthnicGroup> {
    ETHNIC_GROUPS.iter().find(|g| g.code == code)
}

/// The words for an answer code to `choices`, "Prefer not to say", or "Not answered".
#[must_use]
pub fn words(choices: &[Choice], code: Option<&str>) -> &'static str {
    match code {
        None => "Not answered",
        Some(PREFER_NOT) => "Prefer not to say",
        Some(code) => choices.iter().find(|(c, _)| *c == code).map_or("Not answered", |(_, w)| w),
    }
}

/// The monitoring answers as the form sends them and the applicant sees them again. `None` is
/// "not answered".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Monitoring {
    /// Step one: the group code, or "prefer_not".
    pub ethnic_group: Option<String>,
    /// Step two: a category within the group, or "prefer_not".
    pub ethnicity: Option<String>,
    /// The applicant's own description, only with an "Any other …" category.
    pub ethnicity_other: Option<String>,
    /// Sex.
    pub sex: Option<String>,
    /// Gender identity the same as sex registered at birth.
    pub gender_same: Option<String>,
    /// Sexual orientation.
    pub sexual_orientation: Option<String>,
    /// Religion.
    pub religion: Option<String>,
    /// Long-term condition or illness.
    pub disability: Option<String>,
    /// How much it reduces day-to-day activities.
    pub disability_impact: Option<String>,
    /// Age band.
    pub age_band: Option<String>,
}

/// An answer: blank is `None`; anything else must be one of `choices` or "prefer_not".
fn answer(
    raw: Option<&str>,
    choices: &[Choice],
    field: &str,
    problems: &mut Vec<FieldError>,
) -> Option<String> {
    let raw = raw.map(str::trim).filter(|v| !v.is_empty())?;
    if raw == PREFER_NOT || choices.iter().any(|(c, _)| *c == raw) {
        Some(raw.to_owned())
    } else {
        problems.push(FieldError::new(field, "Select one of the options"));
        None
    }
}

impl Monitoring {
    /// Validates the first monitoring page (everything but the ethnic category): each answer
    /// must be blank, one of its options or "Prefer not to say". The ethnic category and its
    /// description are kept only if they still belong to the chosen group.
    ///
    /// # Errors
    /// A value the form never offers (a forged post).
    pub fn with_main_page(&self, page: &Self) -> Result<Self, Vec<FieldError>> {
        let mut problems = Vec::new();
        let groups: Vec<Choice> = ETHNIC_GROUPS.iter().map(|g| (g.code, g.label)).collect();
        let group = answer(page.ethnic_group.as_deref(), &groups, "ethnic_group", &mut problems);
        let mut next = Self {
            sex: answer(page.sex.as_deref(), SEX, "sex", &mut problems),
            gender_same: answer(
                page.gender_same.as_deref(),
                GENDER_SAME,
                "gender_same",
                &mut problems,
            ),
            sexual_orientation: answer(
                page.sexual_orientation.as_deref(),
                SEXUAL_ORIENTATION,
                "sexual_orientation",
                &mut problems,
            ),
            religion: answer(page.religion.as_deref(), RELIGION, "religion", &mut problems),
            disability: answer(page.disability.as_deref(), DISABILITY, "disability", &mut problems),
            disability_impact: answer(
                page.disability_impact.as_deref(),
                DISABILITY_IMPACT,
                "disability_impact",
                &mut problems,
            ),
            age_band: answer(page.age_band.as_deref(), AGE_BAND, "age_band", &mut problems),
            ethnic_group: group,
            ethnicity: None,
            ethnicity_other: None,
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        // The impact question only follows a "Yes" to the first part.
        if next.disability.as_deref() != Some("yes") {
            next.disability_impact = None;
        }
        if next.ethnic_group == self.ethnic_group {
            next.ethnicity.clone_from(&self.ethnicity);
            next.ethnicity_other.clone_from(&self.ethnicity_other);
        }
        Ok(next)
    }

    /// Validates the second ethnicity step against the group chosen in the first.
    ///
    /// # Errors
    /// A category outside the chosen group, or a description that is too long or not text.
    pub fn with_ethnicity(
        &self,
        ethnicity: Option<&str>,
        other: Option<&str>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut problems = Vec::new();
        let categories =
            self.ethnic_group.as_deref().and_then(ethnic_group).map_or(&[][..], |g| g.categories);
        let ethnicity = answer(ethnicity, categories, "ethnicity", &mut problems);
        let other = other.map(str::trim).filter(|o| {
            !o.is_empty() && ethnicity.as_deref().is_some_and(|e| e.ends_with("_other"))
        });
        if let Some(o) = other {
            if o.chars().count() > 100 {
                problems.push(FieldError::new(
                    "ethnicity_other",
                    "Description must be 100 characters or fewer",
                ));
            } else if o.chars().any(char::is_control) {
                problems.push(FieldError::new("ethnicity_other", "Description must be text only"));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self { ethnicity, ethnicity_other: other.map(str::to_owned), ..self.clone() })
    }

    /// Whether the second ethnicity step applies (a group was chosen, not "Prefer not to say").
    #[must_use]
    pub fn asks_ethnicity(&self) -> bool {
        self.ethnic_group.as_deref().and_then(ethnic_group).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_census_has_nineteen_categories_in_five_groups() {
        assert_eq!(ETHNIC_GROUPS.len(), 5);
        assert_eq!(ETHNIC_GROUPS.iter().map(|g| g.categories.len()).sum::<usize>(), 19);
        // Every code is unique, across groups too, and none clashes with "prefer_not".
        let mut codes: Vec<&str> =
            ETHNIC_GROUPS.iter().flat_map(|g| g.categories.iter().map(|(c, _)| *c)).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 19);
        assert!(!codes.contains(&PREFER_NOT));
    }

    fn page(pairs: &[(&str, &str)]) -> Monitoring {
        let get = |k: &str| pairs.iter().find(|(f, _)| *f == k).map(|(_, v)| (*v).to_owned());
        Monitoring {
            ethnic_group: get("ethnic_group"),
            sex: get("sex"),
            gender_same: get("gender_same"),
            sexual_orientation: get("sexual_orientation"),
            religion: get("religion"),
            disability: get("disability"),
            disability_impact: get("disability_impact"),
            age_band: get("age_band"),
            ..Monitoring::default()
        }
    }

    #[test]
    fn every_question_may_be_skipped_or_declined() {
        let blank = Monitoring::default().with_main_page(&page(&[])).unwrap();
        assert_eq!(blank, Monitoring::default());
        let declined = Monitoring::default()
            .with_main_page(&page(&[("sex", PREFER_NOT), ("ethnic_group", PREFER_NOT)]))
            .unwrap();
        assert_eq!(declined.sex.as_deref(), Some(PREFER_NOT));
        assert!(!declined.asks_ethnicity());
    }

    #[test]
    fn forged_codes_are_refused() {
        let err = Monitoring::default()
            .with_main_page(&page(&[("sex", "<script>"), ("religion", "pastafarian")]))
            .unwrap_err();
        assert_eq!(err.len(), 2);
        assert_eq!(err[0].field, "sex");
    }

    #[test]
    fn the_second_step_only_accepts_categories_of_the_chosen_group() {
        let m = Monitoring::default().with_main_page(&page(&[("ethnic_group", "white")])).unwrap();
        assert!(m.asks_ethnicity());
        assert!(m.with_ethnicity(Some("indian"), None).is_err());
        let m = m.with_ethnicity(Some("white_other"), Some("  Polish ")).unwrap();
        assert_eq!(m.ethnicity_other.as_deref(), Some("Polish"));
        // A description is kept only with an "Any other" category.
        let m2 = m.with_ethnicity(Some("irish"), Some("ignored")).unwrap();
        assert_eq!(m2.ethnicity_other, None);
        // Changing the group drops the category chosen for the old one.
        let changed = m.with_main_page(&page(&[("ethnic_group", "asian")])).unwrap();
        assert_eq!(changed.ethnicity, None);
        let same = m.with_main_page(&page(&[("ethnic_group", "white")])).unwrap();
        assert_eq!(same.ethnicity.as_deref(), Some("white_other"));
    }

    #[test]
    fn the_impact_question_needs_a_yes_first() {
        let m = Monitoring::default()
            .with_main_page(&page(&[("disability", "no"), ("disability_impact", "a_lot")]))
            .unwrap();
        assert_eq!(m.disability_impact, None);
    }
}
