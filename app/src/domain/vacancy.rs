//! Vacancies as the public careers pages show them.
//!
//! These types carry only what an applicant may see of a vacancy: never the panel, the
//! criteria weights or any candidate information.

use super::{VacancyId, time};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A yearly salary range in whole pounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalaryBand {
    /// Lowest salary a year, in pounds.
    pub min_pounds: i32,
    /// Highest salary a year, in pounds; equal to `min_pounds` for a spot salary.
    pub max_pounds: i32,
}

impl SalaryBand {
    /// Builds a band, refusing negative amounts and an upper bound below the lower one.
    #[must_use]
    pub fn new(min_pounds: i32, max_pounds: i32) -> Option<Self> {
        (min_pounds >= 0 && max_pounds >= min_pounds).then_some(Self { min_pounds, max_pounds })
    }

    /// "£32,000 to £38,500 a year", or "£30,000 a year" for a spot salary.
    #[must_use]
    pub fn describe(&self) -> String {
        if self.min_pounds == self.max_pounds {
            format!("{} a year", pounds(self.min_pounds))
        } else {
            format!("{} to {} a year", pounds(self.min_pounds), pounds(self.max_pounds))
        }
    }
}

/// Formats whole pounds with thousands separators: 32000 → "£32,000".
#[must_use]
pub fn pounds(amount: i32) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 2);
    if amount < 0 {
        out.push('-');
    }
    out.push('£');
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One line of the careers list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VacancySummary {
    /// The vacancy's id, used in its page's URL.
    pub id: VacancyId,
    /// Job title.
    pub title: String,
    /// The team the post sits in.
    pub team: String,
    /// Where the work is done.
    pub location: String,
    /// The pay.
    pub salary: SalaryBand,
    /// When applications close; none are accepted from this instant on.
    pub closes_at: DateTime<Utc>,
    /// One or two sentences for the list.
    pub summary: String,
}

impl VacancySummary {
    /// "Closes 5 December 2026 at 11:59pm", in UK time.
    #[must_use]
    pub fn closing_text(&self) -> String {
        time::format_uk_datetime(self.closes_at)
    }

    /// Whether applications are still accepted at `now`.
    #[must_use]
    pub fn is_open_at(&self, now: DateTime<Utc>) -> bool {
        now < self.closes_at
    }
}

/// A vacancy's own page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VacancyDetail {
    /// What the list shows.
    pub summary: VacancySummary,
    /// The full description, as plain text with blank lines between paragraphs.
    pub description: String,
    /// The number of posts being filled.
    pub posts: i32,
    /// Whether applications are accepted now (decided on the server, by its clock, so the
    /// browser and the server always agree).
    pub open_for_applications: bool,
    /// The person specification's criteria, in order (never their weights).
    pub criteria: Vec<String>,
    /// How applicants' data is used and kept.
    pub privacy: PrivacyNotice,
}

/// Shortlist's wording of the privacy notice, used until the organisation writes its own.
/// `{organisation}` is replaced by the organisation's name.
pub const DEFAULT_PRIVACY_NOTICE: &str = "{organisation} uses the information in your application only to decide whether to offer you this job. The people on the selection panel see your answers and your CV; only the HR team sees any adjustments you ask for.

Equal opportunities questions are optional. Your answers are kept apart from your application, the people deciding on it never see them, and they are only ever counted in anonymous totals.

We never sell your information or use it for marketing. You have the right to a copy of the information we hold about you, and to ask us to correct or delete it: contact the HR team, quoting your application reference.";

/// The most characters an organisation's privacy notice may have.
pub const PRIVACY_NOTICE_MAX: usize = 5000;

/// How applicants' data is used and kept, as every vacancy page states it: the organisation's
/// words (or Shortlist's), then the retention periods, which always come from configuration so
/// the page can never promise a period the purge does not keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyNotice {
    /// The employer's name.
    pub organisation: String,
    /// The organisation's own wording, if it has written one.
    pub custom: Option<String>,
    /// How long an unsuccessful application is kept after the decision, in months.
    pub retention_months: u32,
    /// How long a reserve-list consent lasts, in months.
    pub reserve_list_months: u32,
}

impl PrivacyNotice {
    /// The notice's own paragraphs (split at blank lines), as text.
    #[must_use]
    pub fn paragraphs(&self) -> Vec<String> {
        let text = self.custom.clone().unwrap_or_else(|| {
            DEFAULT_PRIVACY_NOTICE.replace("{organisation}", &self.organisation)
        });
        split_paragraphs(&text)
    }

    /// How long each kind of data is kept, in plain words.
    #[must_use]
    pub fn retention(&self) -> Vec<String> {
        vec![
            format!(
                "If you are not offered the job, we delete your application {} after the decision.",
                months(self.retention_months)
            ),
            format!(
                "If you agree, we keep it for up to {} to consider you for other jobs. You can withdraw your agreement at any time, and we then delete it as if you had not agreed.",
                months(self.reserve_list_months)
            ),
            "An application you start but do not send is deleted 30 days after you last change it."
                .to_owned(),
        ]
    }
}

/// Checks the privacy notice an HR administrator typed: trimmed; empty means "use Shortlist's
/// wording" (`None`).
///
/// # Errors
/// Too long, or holding control characters.
pub fn check_privacy_notice(raw: &str) -> Result<Option<String>, crate::error::FieldError> {
    let text = raw.trim().replace("\r\n", "\n");
    if text.is_empty() {
        return Ok(None);
    }
    let mut problems = Vec::new();
    super::application::check_text(
        &mut problems,
        "notice",
        "The privacy notice",
        &text,
        PRIVACY_NOTICE_MAX,
        true,
    );
    problems.into_iter().next().map_or(Ok(Some(text)), Err)
}

/// What the privacy-notice settings page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyNoticeSettings {
    /// The text in the box: the rejected input being corrected, the organisation's notice, or
    /// Shortlist's wording to start from.
    pub text: String,
    /// Whether Shortlist's wording is in use.
    pub using_default: bool,
    /// What is wrong with `text` (a refused save).
    pub problems: Vec<crate::error::FieldError>,
    /// The retention sentences every vacancy page adds (from configuration).
    pub retention: Vec<String>,
}

/// "1 month", "6 months".
#[must_use]
pub fn months(n: u32) -> String {
    if n == 1 { "1 month".to_owned() } else { format!("{n} months") }
}

/// Splits text into paragraphs at blank lines, joining the lines within each.
fn split_paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// What the careers list is filtered by (empty: any).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareersFilter {
    /// A location tag.
    pub location: String,
    /// A job family.
    pub family: String,
}

impl VacancyDetail {
    /// The description split into paragraphs at blank lines, for rendering as `<p>` elements.
    /// Text is always rendered as text, never as markup.
    #[must_use]
    pub fn paragraphs(&self) -> Vec<String> {
        split_paragraphs(&self.description)
    }
}

/// The careers list with what the page needs around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareersPage {
    /// The employer's name, from configuration.
    pub organisation: String,
    /// Open vacancies matching the filter, closing soonest first.
    pub vacancies: Vec<VacancySummary>,
    /// Every location tag of an open vacancy, to filter by.
    pub locations: Vec<String>,
    /// Every job family of an open vacancy, to filter by.
    pub families: Vec<String>,
    /// The filter applied.
    pub filter: CareersFilter,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salary_bands_read_like_a_job_advert() {
        assert_eq!(
            SalaryBand::new(32_000, 38_500).unwrap().describe(),
            "£32,000 to £38,500 a year"
        );
        assert_eq!(SalaryBand::new(30_000, 30_000).unwrap().describe(), "£30,000 a year");
        assert_eq!(
            SalaryBand::new(999, 1_000_000).unwrap().describe(),
            "£999 to £1,000,000 a year"
        );
        assert_eq!(SalaryBand::new(0, 0).unwrap().describe(), "£0 a year");
    }

    #[test]
    fn impossible_salary_bands_cannot_be_built() {
        assert!(SalaryBand::new(40_000, 30_000).is_none());
        assert!(SalaryBand::new(-1, 30_000).is_none());
    }

    #[test]
    fn a_vacancy_closes_at_its_closing_instant() {
        let closes_at: DateTime<Utc> = "2026-12-05T23:59:00Z".parse().unwrap();
        let v = VacancySummary {
            id: "6f1c1c1e-2d2b-4c39-9b7e-1f0a7d0b5a11".parse().unwrap(),
            title: "t".into(),
            team: "t".into(),
            location: "l".into(),
            salary: SalaryBand::new(1, 2).unwrap(),
            closes_at,
            summary: "s".into(),
        };
        assert!(v.is_open_at(closes_at - chrono::Duration::seconds(1)));
        assert!(!v.is_open_at(closes_at));
    }

    fn notice(custom: Option<&str>) -> PrivacyNotice {
        PrivacyNotice {
            organisation: "Leeds Council".into(),
            custom: custom.map(str::to_owned),
            retention_months: 6,
            reserve_list_months: 1,
        }
    }

    #[test]
    fn the_privacy_notice_states_the_configured_periods_whatever_the_wording() {
        let default = notice(None);
        assert!(default.paragraphs()[0].starts_with("Leeds Council uses the information"));
        assert_eq!(default.paragraphs().len(), 3);
        let own = notice(Some("We care.\r\n\r\nReally <b>do</b>."));
        assert_eq!(own.paragraphs(), vec!["We care.", "Really <b>do</b>."]);
        for n in [default, own] {
            let r = n.retention();
            assert!(r[0].contains("6 months after the decision"), "{r:?}");
            assert!(r[1].contains("up to 1 month "), "{r:?}");
        }
    }

    #[test]
    fn an_organisations_notice_is_checked_before_it_is_saved() {
        assert_eq!(check_privacy_notice("  \n "), Ok(None));
        assert_eq!(check_privacy_notice(" A\r\n\r\nB "), Ok(Some("A\n\nB".into())));
        assert!(check_privacy_notice(&"x".repeat(PRIVACY_NOTICE_MAX + 1)).is_err());
        assert!(check_privacy_notice("bell\u{7}").is_err());
        assert_eq!(check_privacy_notice("<b>kept</b>"), Ok(Some("<b>kept</b>".into())));
    }

    #[test]
    fn descriptions_split_into_paragraphs_at_blank_lines() {
        let d = VacancyDetail {
            summary: VacancySummary {
                id: "6f1c1c1e-2d2b-4c39-9b7e-1f0a7d0b5a11".parse().unwrap(),
                title: "t".into(),
                team: "t".into(),
                location: "l".into(),
                salary: SalaryBand::new(1, 2).unwrap(),
                closes_at: "2026-12-05T23:59:00Z".parse().unwrap(),
                summary: "s".into(),
            },
            description: "First  line\nwraps.\n\n\n\nSecond <b>para</b>.\n\n  ".into(),
            posts: 1,
            open_for_applications: true,
            criteria: Vec::new(),
            privacy: notice(None),
        };
        assert_eq!(d.paragraphs(), vec!["First line wraps.", "Second <b>para</b>."]);
    }
}
