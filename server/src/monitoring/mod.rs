//! Equal-opportunities monitoring answers: the only module that touches them.
//!
//! Answers are stored apart from applications (`eo_responses` on SQLite, `eo.responses` in its
//! own schema on PostgreSQL), keyed by a pseudonym: HMAC-SHA256 under the monitoring key
//! (`SHORTLIST_EO_KEY`, configured apart from the database) of the application's id. Without
//! that key nothing in the table leads back to an application; with the database alone it
//! cannot be recomputed.
//!
//! Reading individual answers is offered only for the data subject's own application (the
//! applicant's check-answers page; later their access bundle). This module must never be
//! reachable from a staff-facing port with single answers: staff see monitoring data only
//! through the diversity funnel, which adds up the sealed [`tallies`] (answers against the
//! furthest step each application reached, kept as applications are sent and moved) and
//! returns nothing but tables already protected by [`app::domain::disclosure`].

pub mod tallies;

pub use tallies::{Tallied, count_progress, count_sent, tallied};

use crate::db::{Conn, DbError};
use app::domain::{ApplicationId, monitoring::Monitoring};
use aws_lc_rs::hmac;
use zeroize::Zeroizing;

/// The monitoring key and the pseudonyms it makes.
pub struct Pseudonymiser {
    key: hmac::Key,
    tallies: tallies::TallyKey,
}

impl std::fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonymiser(<redacted>)")
    }
}

impl Pseudonymiser {
    /// A pseudonymiser over the configured key.
    #[must_use]
    pub fn new(key: &Zeroizing<[u8; 32]>) -> Self {
        let key = hmac::Key::new(hmac::HMAC_SHA256, key.as_slice());
        let tallies = tallies::TallyKey::derive(&key);
        Self { key, tallies }
    }

    /// The pseudonym of an application: 32 bytes, the same every time for the same key.
    #[must_use]
    pub fn pseudonym(&self, application: ApplicationId) -> Vec<u8> {
        let mut input = b"shortlist-eo-v1:".to_vec();
        input.extend_from_slice(application.as_uuid().as_bytes());
        hmac::sign(&self.key, &input).as_ref().to_vec()
    }

    /// An application's record key for disclosure control's perturbation: one byte, uniform,
    /// fixed for the application, and — being keyed and never stored — unknown to anyone who
    /// reads the database or the reports.
    #[must_use]
    pub fn record_key(&self, application: ApplicationId) -> u8 {
        let mut input = b"shortlist-eo-record-key-v1:".to_vec();
        input.extend_from_slice(application.as_uuid().as_bytes());
        hmac::sign(&self.key, &input).as_ref()[0]
    }
}

const COLUMNS: &str = "ethnic_group, ethnicity, ethnicity_other, sex, gender_same, \
                       sexual_orientation, religion, disability, disability_impact, age_band";

fn table(conn: &Conn<'_>) -> &'static str {
    match conn {
        Conn::Sqlite(_) => "eo_responses",
        Conn::Postgres(_) => "eo.responses",
    }
}

/// A row of the answers table: the pseudonym, then [`COLUMNS`].
type AnswersRow = (
    Vec<u8>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Stores (or replaces) the answers for a pseudonym.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn store(conn: Conn<'_>, pseudonym: &[u8], m: &Monitoring) -> Result<(), DbError> {
    let sql = format!(
        "INSERT INTO {t} (pseudonym, {COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (pseudonym) DO UPDATE SET ethnic_group = excluded.ethnic_group, \
         ethnicity = excluded.ethnicity, ethnicity_other = excluded.ethnicity_other, sex = excluded.sex, \
         gender_same = excluded.gender_same, sexual_orientation = excluded.sexual_orientation, \
         religion = excluded.religion, disability = excluded.disability, \
         disability_impact = excluded.disability_impact, age_band = excluded.age_band",
        t = table(&conn)
    );
    crate::db::on_conn!(conn, c => sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(pseudonym).bind(&m.ethnic_group).bind(&m.ethnicity).bind(&m.ethnicity_other)
        .bind(&m.sex).bind(&m.gender_same).bind(&m.sexual_orientation).bind(&m.religion)
        .bind(&m.disability).bind(&m.disability_impact).bind(&m.age_band)
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The answers stored for a pseudonym — for the data subject only.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn own_answers(conn: Conn<'_>, pseudonym: &[u8]) -> Result<Monitoring, DbError> {
    let sql =
        format!("SELECT pseudonym, {COLUMNS} FROM {t} WHERE pseudonym = $1", t = table(&conn));
    let row: Option<AnswersRow> = crate::db::on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(pseudonym).fetch_optional(&mut *c).await)?;
    Ok(row.map_or_else(Monitoring::default, answers_of))
}

fn answers_of(r: AnswersRow) -> Monitoring {
    Monitoring {
        ethnic_group: r.1,
        ethnicity: r.2,
        ethnicity_other: r.3,
        sex: r.4,
        gender_same: r.5,
        sexual_orientation: r.6,
        religion: r.7,
        disability: r.8,
        disability_impact: r.9,
        age_band: r.10,
    }
}

/// Deletes the answers for a pseudonym (skipping the section, or purging the application).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn delete(conn: Conn<'_>, pseudonym: &[u8]) -> Result<u64, DbError> {
    let sql = format!("DELETE FROM {t} WHERE pseudonym = $1", t = table(&conn));
    Ok(crate::db::on_conn!(conn, c => sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(pseudonym).execute(&mut *c).await.map(|r| r.rows_affected()))?)
}

/// One monitoring question as the diversity funnel counts it.
struct Question {
    column: &'static str,
    words: &'static str,
    choices: Vec<(&'static str, &'static str)>,
}

fn questions() -> Vec<Question> {
    use app::domain::monitoring as m;
    let q = |column, words, choices: &[m::Choice]| Question {
        column,
        words,
        choices: choices.to_vec(),
    };
    vec![
        Question {
            column: "ethnic_group",
            words: "Ethnic group",
            choices: m::ETHNIC_GROUPS.iter().map(|g| (g.code, g.label)).collect(),
        },
        q("sex", "Sex", m::SEX),
        q("gender_same", "Gender identity the same as sex registered at birth", m::GENDER_SAME),
        q("sexual_orientation", "Sexual orientation", m::SEXUAL_ORIENTATION),
        q("religion", "Religion or belief", m::RELIGION),
        q("disability", "Disability", m::DISABILITY),
        q("age_band", "Age", m::AGE_BAND),
    ]
}

/// The row of `q`'s table an answer counts in: its choice, then "Prefer not to say", then
/// "Not answered" (also for a code no longer offered).
fn row_of(q: &Question, answer: Option<&str>) -> usize {
    match answer {
        None => q.choices.len() + 1,
        Some(code) if code == app::domain::monitoring::PREFER_NOT => q.choices.len(),
        Some(code) => q.choices.iter().position(|c| c.0 == code).unwrap_or(q.choices.len() + 1),
    }
}

/// One question's protected tables: categories × furthest step, for the whole scope and for
/// each part of it (job families).
#[derive(Debug, Clone)]
pub struct DiversityTables {
    /// The question.
    pub question: &'static str,
    /// Row labels: the answers offered, then "Prefer not to say", then "Not answered".
    pub categories: Vec<String>,
    /// The whole scope.
    pub whole: app::domain::disclosure::Published,
    /// Each part; `None` when the parts cannot be shown beside the whole without revealing a
    /// small count (see [`app::domain::disclosure::Protected::parts`]).
    pub parts: Option<Vec<app::domain::disclosure::Published>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_per_key_and_unlinkable_across_keys() {
        let a = Pseudonymiser::new(&Zeroizing::new([7; 32]));
        let b = Pseudonymiser::new(&Zeroizing::new([8; 32]));
        let id = ApplicationId::from_uuid(uuid::Uuid::new_v4());
        assert_eq!(a.pseudonym(id), a.pseudonym(id));
        assert_eq!(a.pseudonym(id).len(), 32);
        assert_ne!(a.pseudonym(id), b.pseudonym(id));
        // The id itself appears nowhere in the pseudonym.
        let p = a.pseudonym(id);
        assert!(!p.windows(16).any(|w| w == id.as_uuid().as_bytes()));
    }
}
