//! The reserve list (PRODUCT §2.7): candidates found appointable but not appointed, kept for
//! other posts only while they consent.
//!
//! Pure: at which stages a candidate can be found appointable, which reserve-list candidates a
//! newly published vacancy should be shown (same job family, a shared location tag, or shared
//! criteria keywords), the merit order they are listed in, when the applicant is told their
//! consent is about to lapse, what the links in the emails open ([`ConsentPage`],
//! [`JoinPage`]) and what HR's reserve-list page shows ([`ReserveListPage`]). The server
//! decides who is on the list (found appointable, with a live, unexpired, unwithdrawn consent —
//! never anything else) and sends mail; nothing here reads a clock or a database.

use super::{ApplicationId, VacancyId, vacancy_edit::Stage};
use chrono::{DateTime, Months, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How long before a reserve-list consent lapses the applicant is asked to renew it.
pub const RENEWAL_NOTICE_MONTHS: u32 = 1;

/// Whether the "your consent lapses soon" email is due at `now` for a consent lapsing at
/// `expires_at`: from a calendar month before (month ends clamped) until it lapses.
#[must_use]
pub fn renewal_notice_due(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    let from = expires_at.checked_sub_months(Months::new(RENEWAL_NOTICE_MONTHS));
    from.is_some_and(|from| now >= from) && now < expires_at
}

/// What the link in a renewal email opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentPage {
    /// The consent is live: renew it or withdraw it.
    Live {
        /// The employer.
        organisation: String,
        /// The job applied for.
        vacancy_title: String,
        /// When the consent lapses unless renewed.
        expires_at: DateTime<Utc>,
        /// How long a renewal lasts, in months.
        months: u32,
    },
    /// Renewed (from this link or elsewhere): kept until the new record lapses.
    Renewed {
        /// The employer.
        organisation: String,
        /// When the renewed consent lapses.
        until: DateTime<Utc>,
    },
    /// Withdrawn: the application is no longer kept for other jobs.
    Withdrawn {
        /// The employer.
        organisation: String,
    },
    /// It lapsed before the applicant acted.
    Lapsed {
        /// The employer.
        organisation: String,
    },
}

/// What a renew or withdraw post on a link whose consent is no longer live is told.
pub const NOT_LIVE_MESSAGE: &str = "This link no longer works: the agreement it was sent about has ended or been changed already. \
     Nothing was changed. Your applicant page shows what you have agreed to.";

/// How long the link asking an appointable candidate for reserve-list consent works, in days.
pub const ASK_DAYS: i64 = 28;

/// Whether a candidate at `stage` can be found appointable, not appointed: once selectors have
/// seen them at interview or assessment, or at the offer stage before they accepted an offer
/// (an offer withdrawn because another candidate took the post). Never at the sift (nobody is
/// "appointable" on paper alone) nor after an accepted offer.
#[must_use]
pub const fn may_mark_appointable(stage: Stage, offer_accepted: bool) -> bool {
    match stage {
        Stage::Interview | Stage::Assessment => true,
        Stage::Offer => !offer_accepted,
        Stage::Applied | Stage::Sift | Stage::PreEmploymentChecks | Stage::Hired => false,
    }
}

/// What the link in the "you were found appointable" email opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum JoinPage {
    /// The applicant may agree to join the reserve list.
    Open {
        /// The employer.
        organisation: String,
        /// The job they were found appointable for.
        vacancy_title: String,
        /// How long the consent lasts, in months.
        months: u32,
    },
    /// They are on the reserve list (from this link or otherwise) until `until`.
    Joined {
        /// The employer.
        organisation: String,
        /// When the consent lapses.
        until: DateTime<Utc>,
    },
    /// The link has ended (past its date, or used and the consent since withdrawn or lapsed).
    Ended {
        /// The employer.
        organisation: String,
    },
}

/// What an agree post on a link that no longer works is told.
pub const JOIN_ENDED_MESSAGE: &str = "This link no longer works. Nothing was changed. \
     Your applicant page shows what you have agreed to.";

/// One candidate on this vacancy's own reserve list, in merit order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReserveEntry {
    /// Their application (links to the candidate page).
    pub application: ApplicationId,
    /// Their name.
    pub name: String,
    /// Their final score in words, or "Not scored".
    pub score: String,
    /// When they were found appointable.
    pub found_appointable: String,
    /// When their consent lapses.
    pub consent_until: String,
}

/// A candidate from another vacancy's reserve list who matches this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReserveMatch {
    /// Their application on the earlier vacancy.
    pub application: ApplicationId,
    /// Their name.
    pub name: String,
    /// The vacancy they were found appointable for.
    pub found_for: String,
    /// Why they match ([`match_reasons`]).
    pub reasons: Vec<String>,
    /// Their final score there, in words, or "Not scored".
    pub score: String,
    /// When their consent lapses.
    pub consent_until: String,
    /// When they were invited to apply for this vacancy, if they were.
    pub invited: Option<String>,
}

/// HR's reserve-list page for a vacancy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReserveListPage {
    /// The vacancy.
    pub vacancy: VacancyId,
    /// Its title.
    pub title: String,
    /// Whether it is published and taking applications (only then can anyone be invited).
    pub taking_applications: bool,
    /// Its own reserve list.
    pub own: Vec<ReserveEntry>,
    /// Candidates on other vacancies' reserve lists who match it.
    pub matches: Vec<ReserveMatch>,
}

/// Why an invitation was refused (`?error=` on the reserve-list page): code → message.
#[must_use]
pub fn invite_error(code: &str) -> Option<&'static str> {
    Some(match code {
        "not_open" => "Candidates can be invited only while the vacancy is published and open",
        "not_on_list" => {
            "This candidate is no longer on a reserve list that matches this vacancy: their \
             consent has ended or been withdrawn, or their application is no longer kept"
        }
        "invited" => "This candidate has already been invited to apply for this vacancy",
        _ => return None,
    })
}

/// Words too common in person specifications to say two posts are alike.
const STOP_WORDS: &[&str] = &[
    "ability",
    "able",
    "about",
    "across",
    "also",
    "and",
    "based",
    "being",
    "both",
    "candidate",
    "clear",
    "demonstrable",
    "demonstrate",
    "demonstrated",
    "desirable",
    "each",
    "effective",
    "effectively",
    "essential",
    "evidence",
    "experience",
    "from",
    "good",
    "have",
    "high",
    "including",
    "into",
    "knowledge",
    "level",
    "must",
    "other",
    "others",
    "role",
    "show",
    "skills",
    "strong",
    "that",
    "their",
    "them",
    "they",
    "this",
    "through",
    "understanding",
    "using",
    "well",
    "when",
    "where",
    "which",
    "will",
    "with",
    "within",
    "work",
    "working",
    "your",
];

/// The words of criteria text that can tie two posts together: lower-case, letters only, four
/// or more of them, not a common word of person specifications.
#[must_use]
pub fn keywords<'a>(texts: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    texts
        .into_iter()
        .flat_map(|t| t.split(|c: char| !c.is_alphabetic()))
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 4 && !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

/// What matching compares of a vacancy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VacancyProfile {
    /// Its job family, if HR chose one.
    pub job_family: Option<String>,
    /// Its location tags.
    pub location_tags: Vec<String>,
    /// Its person-specification criteria.
    pub criteria: Vec<String>,
}

/// The fewest shared criteria keywords that make two posts alike.
pub const KEYWORDS_TO_MATCH: usize = 2;

/// Why a reserve-list candidate is shown for a new vacancy, in words for HR ("Same job family:
/// Finance"); empty when they do not match.
#[must_use]
pub fn match_reasons(new: &VacancyProfile, earlier: &VacancyProfile) -> Vec<String> {
    let mut reasons = Vec::new();
    if let (Some(a), Some(b)) = (&new.job_family, &earlier.job_family)
        && a.eq_ignore_ascii_case(b)
    {
        reasons.push(format!("Same job family: {a}"));
    }
    let places: Vec<&String> = new
        .location_tags
        .iter()
        .filter(|t| earlier.location_tags.iter().any(|e| e.eq_ignore_ascii_case(t)))
        .collect();
    if !places.is_empty() {
        let list: Vec<&str> = places.iter().map(|s| s.as_str()).collect();
        reasons.push(format!("Same location: {}", list.join(", ")));
    }
    let ours = keywords(new.criteria.iter().map(String::as_str));
    let theirs = keywords(earlier.criteria.iter().map(String::as_str));
    let shared: Vec<&String> = ours.intersection(&theirs).collect();
    if shared.len() >= KEYWORDS_TO_MATCH {
        let list: Vec<&str> = shared.iter().map(|s| s.as_str()).collect();
        reasons.push(format!("Similar criteria: {}", list.join(", ")));
    }
    reasons
}

/// One candidate on a reserve list, for ordering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranked<T> {
    /// Their final score (× 100): the moderated score, else the average of submitted sheets.
    pub score: Option<i32>,
    /// When they were found appointable.
    pub decided_at: DateTime<Utc>,
    /// Whatever the caller carries along.
    pub item: T,
}

/// Sorts into merit order: highest final score first, unscored last; equal scores by who was
/// found appointable first (the order is stable and the same on every page).
pub fn merit_order<T>(list: &mut [Ranked<T>]) {
    list.sort_by(|a, b| {
        b.score
            .is_some()
            .cmp(&a.score.is_some())
            .then(b.score.cmp(&a.score))
            .then(a.decided_at.cmp(&b.decided_at))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).single().expect("time")
    }

    #[test]
    fn the_renewal_notice_is_due_from_a_month_before_until_the_consent_lapses() {
        let expires = at(2027, 11, 23);
        assert!(!renewal_notice_due(expires, at(2027, 10, 22)));
        assert!(renewal_notice_due(expires, at(2027, 10, 23)));
        assert!(renewal_notice_due(expires, at(2027, 11, 22)));
        assert!(!renewal_notice_due(expires, at(2027, 11, 23)), "lapsed: too late to renew");
        // Month ends clamp: a month before 31 March is 28 February.
        assert!(renewal_notice_due(at(2027, 3, 31), at(2027, 2, 28)));
        assert!(!renewal_notice_due(at(2027, 3, 31), at(2027, 2, 27)));
    }

    #[test]
    fn appointable_only_after_selectors_have_met_the_candidate() {
        for stage in [Stage::Applied, Stage::Sift, Stage::PreEmploymentChecks, Stage::Hired] {
            assert!(!may_mark_appointable(stage, false), "{stage:?}");
        }
        assert!(may_mark_appointable(Stage::Interview, false));
        assert!(may_mark_appointable(Stage::Assessment, false));
        assert!(may_mark_appointable(Stage::Offer, false));
        assert!(!may_mark_appointable(Stage::Offer, true), "an accepted offer is an appointment");
    }

    #[test]
    fn every_invite_error_code_has_words() {
        for code in ["not_open", "not_on_list", "invited"] {
            assert!(invite_error(code).is_some_and(|m| !m.is_empty()), "{code}");
        }
        assert_eq!(invite_error("<script>"), None);
    }

    #[test]
    fn keywords_drop_short_and_common_words() {
        let k = keywords(["Experience of PAYROLL reconciliation, and working with HMRC"]);
        assert_eq!(k.into_iter().collect::<Vec<_>>(), ["hmrc", "payroll", "reconciliation"]);
    }

    fn profile(family: Option<&str>, tags: &[&str], criteria: &[&str]) -> VacancyProfile {
        VacancyProfile {
            job_family: family.map(str::to_owned),
            location_tags: tags.iter().map(|s| (*s).to_owned()).collect(),
            criteria: criteria.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn posts_match_on_family_location_or_two_shared_keywords() {
        let new = profile(
            Some("Finance"),
            &["Leeds", "Remote"],
            &["Payroll reconciliation experience", "Knowledge of pensions"],
        );
        assert_eq!(
            match_reasons(&new, &profile(Some("finance"), &[], &[])),
            ["Same job family: Finance"]
        );
        assert_eq!(
            match_reasons(&new, &profile(None, &["remote"], &[])),
            ["Same location: Remote"]
        );
        assert_eq!(
            match_reasons(&new, &profile(None, &[], &["Pensions and payroll work"])),
            ["Similar criteria: payroll, pensions"]
        );
        assert!(
            match_reasons(&new, &profile(None, &[], &["Payroll only"])).is_empty(),
            "one shared keyword is not enough"
        );
        assert!(
            match_reasons(&new, &profile(Some("Digital"), &["Hull"], &["Experience working well"]))
                .is_empty(),
            "common words never match"
        );
        assert!(match_reasons(&profile(None, &[], &[]), &profile(None, &[], &[])).is_empty());
    }

    #[test]
    fn merit_order_is_score_then_who_was_found_appointable_first() {
        let r = |score: Option<i32>, day: u32, name: &'static str| Ranked {
            score,
            decided_at: at(2026, 11, day),
            item: name,
        };
        let mut list = vec![
            r(None, 1, "unscored"),
            r(Some(310), 5, "b"),
            r(Some(420), 9, "top"),
            r(Some(310), 2, "a"),
        ];
        merit_order(&mut list);
        let names: Vec<&str> = list.iter().map(|r| r.item).collect();
        assert_eq!(names, ["top", "a", "b", "unscored"]);
    }
}
