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
//! through [`diversity`], which counts answers against the furthest step each application
//! reached and returns nothing but tables already protected by
//! [`app::domain::disclosure`].

use crate::db::{Conn, DbError};
use app::domain::{ApplicationId, monitoring::Monitoring};
use aws_lc_rs::hmac;
use zeroize::Zeroizing;

/// The monitoring key and the pseudonyms it makes.
pub struct Pseudonymiser {
    key: hmac::Key,
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
        Self { key: hmac::Key::new(hmac::HMAC_SHA256, key.as_slice()) }
    }

    /// The pseudonym of an application: 32 bytes, the same every time for the same key.
    #[must_use]
    pub fn pseudonym(&self, application: ApplicationId) -> Vec<u8> {
        let mut input = b"shortlist-eo-v1:".to_vec();
        input.extend_from_slice(application.as_uuid().as_bytes());
        hmac::sign(&self.key, &input).as_ref().to_vec()
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

type Answers = (
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
    let sql = format!("SELECT {COLUMNS} FROM {t} WHERE pseudonym = $1", t = table(&conn));
    let row: Option<Answers> = crate::db::on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(pseudonym).fetch_optional(&mut *c).await)?;
    Ok(row.map_or_else(Monitoring::default, |r| Monitoring {
        ethnic_group: r.0,
        ethnicity: r.1,
        ethnicity_other: r.2,
        sex: r.3,
        gender_same: r.4,
        sexual_orientation: r.5,
        religion: r.6,
        disability: r.7,
        disability_impact: r.8,
        age_band: r.9,
    }))
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
    words: &'static str,
    choices: Vec<(&'static str, &'static str)>,
}

fn questions() -> Vec<Question> {
    use app::domain::monitoring as m;
    let q = |words, choices: &[m::Choice]| Question { words, choices: choices.to_vec() };
    vec![
        Question {
            words: "Ethnic group",
            choices: m::ETHNIC_GROUPS.iter().map(|g| (g.code, g.label)).collect(),
        },
        q("Sex", m::SEX),
        q("Gender identity the same as sex registered at birth", m::GENDER_SAME),
        q("Sexual orientation", m::SEXUAL_ORIENTATION),
        q("Religion or belief", m::RELIGION),
        q("Disability", m::DISABILITY),
        q("Age", m::AGE_BAND),
    ]
}

/// The columns [`questions`] reads, in the same order.
const QUESTION_COLUMNS: &str =
    "ethnic_group, sex, gender_same, sexual_orientation, religion, disability, age_band";

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

/// Counts the monitoring answers of the applications in `scope` (each with the furthest step
/// it reached and the part it belongs to, `0..parts`) and protects the counts. Applications
/// without answers count as "Not answered". Answers are read as a stream (memory grows with
/// the scope, not with the monitoring table), matched by pseudonym, and never leave this
/// function except as protected figures.
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub async fn diversity(
    conn: Conn<'_>,
    pseudonyms: &Pseudonymiser,
    scope: &[(ApplicationId, app::domain::reports::Step, usize)],
    parts: usize,
    policy: &app::domain::disclosure::Policy,
) -> Result<Vec<DiversityTables>, DbError> {
    use app::domain::disclosure::{Counts, protect};
    use futures::TryStreamExt as _;
    use std::collections::HashMap;
    let questions = questions();
    let steps = app::domain::reports::Step::ALL.len();
    // pseudonym → (furthest step, part, answers seen)
    let mut wanted: HashMap<[u8; 32], (usize, usize, bool)> = HashMap::with_capacity(scope.len());
    for (id, step, part) in scope {
        let mut key = [0u8; 32];
        key.copy_from_slice(&pseudonyms.pseudonym(*id));
        wanted.insert(key, (step.index(), *part, false));
    }
    let mut counts: Vec<Vec<Counts>> = questions
        .iter()
        .map(|q| vec![Counts::new(q.choices.len() + 2, steps); parts.max(1)])
        .collect();
    let row_of = |q: &Question, answer: Option<&str>| match answer {
        None => q.choices.len() + 1,
        Some(code) if code == app::domain::monitoring::PREFER_NOT => q.choices.len(),
        Some(code) => q.choices.iter().position(|c| c.0 == code).unwrap_or(q.choices.len() + 1),
    };
    type Row = (
        Vec<u8>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let sql = format!("SELECT pseudonym, {QUESTION_COLUMNS} FROM {t}", t = table(&conn));
    let mut tally = |row: Row| {
        let Ok(key) = <[u8; 32]>::try_from(row.0.as_slice()) else { return };
        let Some(entry) = wanted.get_mut(&key) else { return };
        entry.2 = true;
        let (step, part) = (entry.0, entry.1);
        let answers = [&row.1, &row.2, &row.3, &row.4, &row.5, &row.6, &row.7];
        for ((q, answer), tables) in questions.iter().zip(answers).zip(counts.iter_mut()) {
            tables[part].add(row_of(q, answer.as_deref()), step, 1);
        }
    };
    crate::db::on_conn!(conn, c => {
        let mut rows = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql)).fetch(&mut *c);
        while let Some(row) = rows.try_next().await? {
            tally(row);
        }
    });
    for (step, part, seen) in wanted.values() {
        if !seen {
            for (q, tables) in questions.iter().zip(counts.iter_mut()) {
                tables[*part].add(q.choices.len() + 1, *step, 1);
            }
        }
    }
    Ok(questions
        .iter()
        .zip(counts)
        .map(|(q, tables)| {
            let mut whole = Counts::new(q.choices.len() + 2, steps);
            for t in &tables {
                for i in 0..t.rows() {
                    for j in 0..t.cols() {
                        whole.add(i, j, t.entry(i, j));
                    }
                }
            }
            // Parts with nobody in them add nothing to the whole and are left out of the
            // protection (an all-zero part would otherwise hide every entry of every part);
            // they are published as wholly suppressed.
            let present: Vec<usize> =
                (0..tables.len()).filter(|&k| tables[k].total() > 0).collect();
            let linked: Vec<Counts> = if present.len() > 1 {
                present.iter().map(|&k| tables[k].clone()).collect()
            } else {
                Vec::new()
            };
            let protected = protect(&whole, &linked, policy);
            let mut categories: Vec<String> = q.choices.iter().map(|c| c.1.to_owned()).collect();
            categories.push("Prefer not to say".to_owned());
            categories.push("Not answered".to_owned());
            let empty = app::domain::disclosure::protect_table(
                &Counts::new(q.choices.len() + 2, steps),
                policy,
            )
            .whole;
            let shown = protected.parts.clone();
            let parts = if present.len() > 1 && shown.is_none() {
                None
            } else {
                Some(
                    (0..tables.len())
                        .map(|k| match (present.iter().position(|&p| p == k), &shown) {
                            (Some(i), Some(shown)) if present.len() > 1 => shown[i].clone(),
                            (Some(_), _) => protected.whole.clone(),
                            (None, _) => empty.clone(),
                        })
                        .collect(),
                )
            };
            DiversityTables { question: q.words, categories, whole: protected.whole, parts }
        })
        .collect())
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
