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
//! reachable from a staff-facing port: staff see monitoring data only as aggregates after
//! disclosure control (the reporting module, a later issue, will live beside this one).

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
