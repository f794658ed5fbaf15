//! `server seed-demo`: a few demo vacancies so a new user sees a working careers page.
//!
//! Idempotent: fixed ids, and existing rows are left alone. Closing dates are set relative to
//! the time of seeding so the demo is always open.

use crate::db::{
    Database,
    vacancies::{self, Status, VacancyRecord},
};
use chrono::{DateTime, Duration, DurationRound as _, Utc};
use uuid::Uuid;

/// The demo vacancies, relative to `now`.
#[must_use]
pub fn demo_vacancies(now: DateTime<Utc>) -> Vec<VacancyRecord> {
    let day = now.duration_trunc(Duration::days(1)).unwrap_or(now);
    // Close at 23:59 UTC so that the closing time reads naturally.
    let closes = |days: i64| day + Duration::days(days) + Duration::minutes(23 * 60 + 59);
    let v = |id: u128,
             title: &str,
             team: &str,
             location: &str,
             min,
             max,
             summary: &str,
             description: &str,
             posts,
             days| VacancyRecord {
        id: Uuid::from_u128(id),
        title: title.to_owned(),
        team: team.to_owned(),
        location: location.to_owned(),
        salary_min: min,
        salary_max: max,
        summary: summary.to_owned(),
        description: description.to_owned(),
        posts,
        status: Status::Published,
        closes_at: closes(days),
        published_at: Some(now),
        created_at: now,
    };
    vec![
        v(
            0x5e1ec7ed_0000_4000_8000_000000000001,
            "Senior Data Protection Officer",
            "Information Governance",
            "Leeds (hybrid, 2 days a week in the office)",
            48_000,
            56_000,
            "Lead our data protection work: advise on new systems, run impact assessments and answer rights requests.",
            "You will be the organisation's expert on UK GDPR and the Data Protection Act 2018.\n\n\
             You will advise teams on lawful processing, run data protection impact assessments, \
             keep our records of processing up to date and handle rights requests within their deadlines.\n\n\
             We welcome applications from people with practical experience of data protection in a public or regulated setting.",
            1,
            28,
        ),
        v(
            0x5e1ec7ed_0000_4000_8000_000000000002,
            "Recruitment Coordinator",
            "People and Culture",
            "Manchester",
            29_500,
            32_000,
            "Keep our hiring running smoothly: schedule interviews, support panels and look after applicants.",
            "You will coordinate recruitment campaigns from advert to offer.\n\n\
             You will schedule interviews, support selection panels, arrange reasonable adjustments \
             and make sure every applicant is kept informed.",
            2,
            14,
        ),
        v(
            0x5e1ec7ed_0000_4000_8000_000000000003,
            "Software Developer (Rust)",
            "Digital Services",
            "Remote (UK)",
            45_000,
            45_000,
            "Build and run accessible public services in Rust with a small, friendly team.",
            "You will design, build and operate web services used by thousands of people.\n\n\
             We work in Rust, test thoroughly and release often. Accessibility and privacy are part of \
             everything we build.",
            1,
            42,
        ),
    ]
}

/// The person specification of each demo vacancy: (criterion, weight, word limit).
fn demo_criteria(index: usize) -> Vec<(String, i32, i32)> {
    let c = |t: &str, w, l| (t.to_owned(), w, l);
    match index {
        0 => vec![
            c(
                "Expert knowledge of UK GDPR and the Data Protection Act 2018, applied in practice",
                3,
                250,
            ),
            c("Experience of running data protection impact assessments", 2, 250),
            c("Clear written advice for people who are not data protection specialists", 2, 250),
        ],
        1 => vec![
            c("Experience of organising a busy diary or schedule for several people", 2, 250),
            c(
                "Care for the experience of people applying for jobs, including arranging adjustments",
                3,
                250,
            ),
        ],
        _ => vec![
            c(
                "Experience of building and running web services in Rust or a similar language",
                3,
                300,
            ),
            c("Building services that are accessible to everyone", 2, 250),
            c("Testing your own work thoroughly", 2, 250),
        ],
    }
}

/// Inserts the demo vacancies that are not there yet; returns how many were added.
///
/// # Errors
/// Database failure.
pub async fn seed_demo(db: &Database, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut tx = db.begin().await?;
    let mut added = 0;
    for (i, v) in demo_vacancies(now).into_iter().enumerate() {
        if vacancies::insert(tx.conn(), &v).await? {
            crate::db::applications::set_criteria(tx.conn(), v.id, &demo_criteria(i)).await?;
            added += 1;
        }
    }
    tx.commit().await?;
    Ok(added)
}
