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
fn pounds(amount: i32) -> String {
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
}

impl VacancyDetail {
    /// The description split into paragraphs at blank lines, for rendering as `<p>` elements.
    /// Text is always rendered as text, never as markup.
    #[must_use]
    pub fn paragraphs(&self) -> Vec<String> {
        self.description
            .split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect()
    }
}

/// The careers list with what the page needs around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareersPage {
    /// The employer's name, from configuration.
    pub organisation: String,
    /// Open vacancies, closing soonest first.
    pub vacancies: Vec<VacancySummary>,
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
        };
        assert_eq!(d.paragraphs(), vec!["First line wraps.", "Second <b>para</b>."]);
    }
}
