//! The diversity funnel's running tallies: per vacancy and year sent, how many applications
//! gave each monitoring answer, against the furthest step each reached.
//!
//! Kept up to date in the same transaction as the send ([`count_sent`]) and each stage move
//! that takes an application further ([`count_progress`]), and taken out in the purge's
//! ([`count_purged`]), so the report adds up a few sealed rows instead of matching every
//! answer to its application on each run. Built once from the answers already held ([`build`])
//! the first time a database has the table.
//!
//! Each row is sealed with XChaCha20-Poly1305 under a key derived from the monitoring key and
//! bound to its year and vacancy (see migration 18 for why), re-sealed whole with a fresh nonce
//! on every write. They leave this module only through [`Tallied::protect`] (and the number
//! of applications they count, which the hiring tables hold anyway).
//!
//! This module must never return a single application's answers, never hand out an unsealed
//! count, and never store anything that names an application or a pseudonym.

use super::{Pseudonymiser, Question, questions, row_of};
use crate::db::{Conn, DbError, on_conn};
use app::domain::{
    ApplicationId,
    disclosure::{Counts, Policy, Published, protect, protect_table},
    monitoring::Monitoring,
    reports::Step,
};
use chacha20poly1305::{
    XChaCha20Poly1305, XNonce,
    aead::{Aead, KeyInit, Payload},
};
use chrono::{DateTime, Datelike, Utc};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

const STEPS: usize = Step::ALL.len();

/// A tally row's key: the year sent and the vacancy.
type RowKey = (i32, Uuid);
const NONCE: usize = 24;

/// The key the tallies are sealed with.
pub(super) struct TallyKey(XChaCha20Poly1305);

impl TallyKey {
    /// Derived from the monitoring key, so it is configured (and rotated) with it and never
    /// stored with the data.
    pub(super) fn derive(key: &aws_lc_rs::hmac::Key) -> Self {
        let tag = aws_lc_rs::hmac::sign(key, b"shortlist-eo-tallies-v1:key");
        Self(
            XChaCha20Poly1305::new_from_slice(tag.as_ref())
                .unwrap_or_else(|_| unreachable!("an HMAC-SHA256 tag is 32 bytes, the key length")),
        )
    }

    fn aad(year: i32, vacancy: Uuid) -> Vec<u8> {
        let mut aad = b"shortlist-eo-tally-v1:".to_vec();
        aad.extend_from_slice(&year.to_be_bytes());
        aad.extend_from_slice(vacancy.as_bytes());
        aad
    }

    fn seal(&self, year: i32, vacancy: Uuid, tally: &Tally) -> Result<Vec<u8>, DbError> {
        let plain = serde_json::to_vec(tally).map_err(|e| broken(&e.to_string()))?;
        let nonce = crate::documents::random_bytes::<NONCE>();
        let aad = Self::aad(year, vacancy);
        let sealed = self
            .0
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: &aad })
            .map_err(|_| broken("the tally could not be sealed"))?;
        Ok([nonce.as_slice(), &sealed].concat())
    }

    fn open(&self, year: i32, vacancy: Uuid, sealed: &[u8]) -> Result<Tally, DbError> {
        if sealed.len() < NONCE {
            return Err(broken("a sealed tally is too short"));
        }
        let (nonce, body) = sealed.split_at(NONCE);
        let aad = Self::aad(year, vacancy);
        let plain = self
            .0
            .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: &aad })
            // Coarse on purpose: wrong monitoring key, or a row altered or moved.
            .map_err(|_| broken("a tally failed authentication (is SHORTLIST_EO_KEY right?)"))?;
        serde_json::from_slice(&plain).map_err(|e| broken(&e.to_string()))
    }
}

fn broken(why: &str) -> DbError {
    DbError::Sqlx(sqlx::Error::Decode(format!("monitoring tally: {why}").into()))
}

/// One vacancy's counts for one year: question column → answer code (`""`: not answered) →
/// per furthest step, the number of applications and their cell key (their record keys added
/// up, modulo 256: what disclosure control's perturbation picks a figure's change by).
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Tally {
    counts: BTreeMap<String, BTreeMap<String, [(u64, u8); STEPS]>>,
}

/// The answers the funnel counts, by question column (the order of [`questions`]).
fn counted(m: &Monitoring) -> [(&'static str, Option<&str>); 7] {
    [
        ("ethnic_group", m.ethnic_group.as_deref()),
        ("sex", m.sex.as_deref()),
        ("gender_same", m.gender_same.as_deref()),
        ("sexual_orientation", m.sexual_orientation.as_deref()),
        ("religion", m.religion.as_deref()),
        ("disability", m.disability.as_deref()),
        ("age_band", m.age_band.as_deref()),
    ]
}

impl Tally {
    /// Counts one application's answers (its record key `key`) at `step` (`up`) or takes them
    /// away from it.
    fn count(&mut self, m: &Monitoring, key: u8, step: Step, up: bool) {
        for (question, answer) in counted(m) {
            let (n, sum) = &mut self
                .counts
                .entry(question.to_owned())
                .or_default()
                .entry(answer.unwrap_or_default().to_owned())
                .or_insert([(0, 0); STEPS])[step.index()];
            // Never below zero: a tally is only ever taken from after being counted.
            if up {
                *n = n.saturating_add(1);
                *sum = sum.wrapping_add(key);
            } else if *n > 0 {
                *n -= 1;
                *sum = sum.wrapping_sub(key);
            }
        }
    }
}

fn tables(conn: &Conn<'_>) -> (&'static str, &'static str) {
    match conn {
        Conn::Sqlite(_) => ("eo_tallies", "eo_tallies_built"),
        Conn::Postgres(_) => ("eo.tallies", "eo.tallies_built"),
    }
}

/// The year a tally row belongs to: the calendar year (UTC) the application was sent in, the
/// diversity funnel's period.
#[must_use]
pub fn year_of(sent: DateTime<Utc>) -> i32 {
    sent.year()
}

/// Reads rows for update; the tallies come back in the order of `keys` (empty for a row not
/// written yet). On PostgreSQL missing rows are created empty first, so concurrent writers
/// queue on the row locks (taken in key order) instead of both inserting and one count being
/// lost; SQLite's write transaction already holds the database's one write lock, so there it
/// is one read. At most two statements whatever the number of rows.
async fn locked(
    mut conn: Conn<'_>,
    key: &TallyKey,
    keys: &[RowKey],
) -> Result<Vec<Tally>, DbError> {
    let (t, _) = tables(&conn);
    let pairs =
        crate::db::placeholders_as(0, keys.len(), |k| format!("(${}, ${})", 2 * k + 1, 2 * k + 2));
    let empty = crate::db::placeholders_as(0, keys.len(), |k| {
        format!("(${}, ${}, NULL)", 2 * k + 1, 2 * k + 2)
    });
    let create = format!(
        "INSERT INTO {t} (year, vacancy_id, sealed) VALUES {empty} \
         ON CONFLICT (year, vacancy_id) DO NOTHING"
    );
    let lock = if matches!(conn, Conn::Postgres(_)) { " FOR UPDATE" } else { "" };
    let read = format!(
        "SELECT year, vacancy_id, sealed FROM {t} WHERE (year, vacancy_id) IN (VALUES {pairs}) \
         ORDER BY year, vacancy_id{lock}"
    );
    if let Conn::Postgres(c) = &mut conn {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(create.as_str()));
        for (year, vacancy) in keys {
            q = q.bind(*year).bind(*vacancy);
        }
        q.execute(&mut **c).await?;
    }
    let rows: Vec<(i32, Uuid, Option<Vec<u8>>)> = on_conn!(conn, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(read.as_str()));
        for (year, vacancy) in keys {
            q = q.bind(*year).bind(*vacancy);
        }
        q.fetch_all(&mut *c).await
    })?;
    let mut found: HashMap<RowKey, Tally> = HashMap::with_capacity(rows.len());
    for (year, vacancy, sealed) in rows {
        let tally = match sealed {
            Some(s) => key.open(year, vacancy, &s)?,
            None => Tally::default(),
        };
        found.insert((year, vacancy), tally);
    }
    Ok(keys.iter().map(|k| found.remove(k).unwrap_or_default()).collect())
}

/// Seals and writes `tallies`, one statement whatever their number.
async fn write(conn: Conn<'_>, key: &TallyKey, tallies: &[(RowKey, Tally)]) -> Result<(), DbError> {
    let (t, _) = tables(&conn);
    let mut sealed = Vec::with_capacity(tallies.len());
    for ((year, vacancy), tally) in tallies {
        sealed.push((*year, *vacancy, key.seal(*year, *vacancy, tally)?));
    }
    let rows = crate::db::placeholders_as(0, sealed.len(), |k| {
        format!("(${}, ${}, ${})", 3 * k + 1, 3 * k + 2, 3 * k + 3)
    });
    let sql = format!(
        "INSERT INTO {t} (year, vacancy_id, sealed) VALUES {rows} \
         ON CONFLICT (year, vacancy_id) DO UPDATE SET sealed = excluded.sealed"
    );
    on_conn!(conn, c => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
        for (year, vacancy, bytes) in sealed {
            q = q.bind(year).bind(vacancy).bind(bytes);
        }
        q.execute(&mut *c).await.map(|_| ())
    })?;
    Ok(())
}

/// Counts or takes away some applications' answers in one vacancy's tally for one year.
async fn change(
    mut conn: Conn<'_>,
    key: &TallyKey,
    (year, vacancy): RowKey,
    how: impl FnOnce(&mut Tally),
) -> Result<(), DbError> {
    let mut tally =
        locked(conn.reborrow(), key, &[(year, vacancy)]).await?.pop().unwrap_or_default();
    how(&mut tally);
    write(conn, key, &[((year, vacancy), tally)]).await
}

/// Counts a sent application's answers (`answers`: as stored for it, default when it has
/// none) at Applied, in the send's transaction. `sent`: its send time (the year it counts in).
///
/// # Errors
/// Database failure, or a tally sealed under another key.
#[tracing::instrument(skip_all)]
pub async fn count_sent(
    conn: Conn<'_>,
    pseudonyms: &Pseudonymiser,
    application: ApplicationId,
    answers: &Monitoring,
    (vacancy, sent): (Uuid, DateTime<Utc>),
) -> Result<(), DbError> {
    let key = pseudonyms.record_key(application);
    change(conn, &pseudonyms.tallies, (year_of(sent), vacancy), |tally| {
        tally.count(answers, key, Step::Applied, true);
    })
    .await
}

/// Moves a sent application's answers from the furthest step it had reached to the one it
/// reaches now, in the move's transaction; nothing when it goes no further.
///
/// # Errors
/// Database failure, or a tally sealed under another key.
#[tracing::instrument(skip_all)]
pub async fn count_progress(
    mut conn: Conn<'_>,
    pseudonyms: &Pseudonymiser,
    application: ApplicationId,
    vacancy: Uuid,
    sent: DateTime<Utc>,
    (before, now): (Step, Step),
) -> Result<(), DbError> {
    if now <= before {
        return Ok(());
    }
    let answers = super::own_answers(conn.reborrow(), &pseudonyms.pseudonym(application)).await?;
    let key = pseudonyms.record_key(application);
    change(conn, &pseudonyms.tallies, (year_of(sent), vacancy), |tally| {
        tally.count(&answers, key, before, false);
        tally.count(&answers, key, now, true);
    })
    .await
}

/// Whether the tallies open with this monitoring key (true when there are none yet). Checked
/// at start, so a changed `SHORTLIST_EO_KEY` stops the server with the reason instead of
/// failing every send and move that must update a tally.
///
/// # Errors
/// Database failure.
pub async fn open_with(conn: Conn<'_>, pseudonyms: &Pseudonymiser) -> Result<bool, DbError> {
    let (t, _) = tables(&conn);
    let sql = format!("SELECT year, vacancy_id, sealed FROM {t} WHERE sealed IS NOT NULL LIMIT 1");
    let row: Option<(i32, Uuid, Vec<u8>)> = on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_optional(&mut *c).await)?;
    Ok(row.is_none_or(|(year, vacancy, sealed)| {
        pseudonyms.tallies.open(year, vacancy, &sealed).is_ok()
    }))
}

/// Takes purged applications out of the tallies, in the purge's transaction and before their
/// answers are deleted (`purged`: each sent application's id, vacancy, send time and furthest
/// step). A year's diversity figures then no longer include them: the purge leaves no trace of
/// a person's monitoring answers, not even inside a sealed count.
///
/// # Errors
/// Database failure, or a tally sealed under another key.
#[tracing::instrument(skip_all, fields(purged = purged.len()))]
pub async fn count_purged(
    mut conn: Conn<'_>,
    pseudonyms: &Pseudonymiser,
    purged: &[(ApplicationId, Uuid, DateTime<Utc>, Step)],
) -> Result<(), DbError> {
    if purged.is_empty() {
        return Ok(());
    }
    let keys: Vec<Vec<u8>> = purged.iter().map(|p| pseudonyms.pseudonym(p.0)).collect();
    let sql = format!(
        "SELECT pseudonym, {} FROM {} WHERE pseudonym IN ({})",
        super::COLUMNS,
        super::table(&conn),
        crate::db::placeholders(1, keys.len())
    );
    let rows: Vec<super::AnswersRow> = on_conn!(conn.reborrow(), c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()));
        for k in &keys {
            q = q.bind(k.as_slice());
        }
        q.fetch_all(&mut *c).await
    })?;
    let mut answers: HashMap<Vec<u8>, Monitoring> =
        rows.into_iter().map(|r| (r.0.clone(), super::answers_of(r))).collect();
    // Every (year, vacancy) the batch touches, read and written once each, in two statements
    // (the batch's size does not change the number of statements).
    let mut groups: BTreeMap<RowKey, Vec<(Monitoring, u8, Step)>> = BTreeMap::new();
    for ((id, vacancy, sent, step), key) in purged.iter().zip(&keys) {
        let m = answers.remove(key).unwrap_or_default();
        let record = pseudonyms.record_key(*id);
        groups.entry((year_of(*sent), *vacancy)).or_default().push((m, record, *step));
    }
    let rows: Vec<RowKey> = groups.keys().copied().collect();
    let tallies = locked(conn.reborrow(), &pseudonyms.tallies, &rows).await?;
    let changed: Vec<(RowKey, Tally)> = rows
        .into_iter()
        .zip(tallies)
        .map(|(row, mut tally)| {
            for (m, record, step) in groups.get(&row).into_iter().flatten() {
                tally.count(m, *record, *step, false);
            }
            (row, tally)
        })
        .collect();
    write(conn, &pseudonyms.tallies, &changed).await
}

/// Whether the tallies have been built, taking their write lock first (in a transaction; on
/// PostgreSQL a table lock, so sends and moves wait for a build and then add to it).
///
/// # Errors
/// Database failure.
pub async fn built(mut conn: Conn<'_>) -> Result<bool, DbError> {
    let (t, built) = tables(&conn);
    if matches!(conn, Conn::Postgres(_)) {
        let lock = format!("LOCK TABLE {t} IN EXCLUSIVE MODE");
        on_conn!(conn.reborrow(), c => sqlx::query(sqlx::AssertSqlSafe(lock))
            .execute(&mut *c).await.map(|_| ()))?;
    }
    let done = format!("SELECT COUNT(*) FROM {built}");
    let (n,): (i64,) = on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(done))
        .fetch_one(&mut *c).await)?;
    Ok(n > 0)
}

/// Builds the tallies from the answers already held, once per database: `scope` is every
/// sent application held (its id, vacancy, send time and furthest step), read in the same
/// transaction after [`built`] answered no (which took the lock that keeps a second build
/// out until this one commits).
///
/// # Errors
/// Database failure.
#[tracing::instrument(skip_all)]
pub(crate) async fn build(
    mut conn: Conn<'_>,
    pseudonyms: &Pseudonymiser,
    scope: &[(ApplicationId, Uuid, DateTime<Utc>, Step)],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    use futures::TryStreamExt as _;
    let built = tables(&conn).1;
    // pseudonym → (row, record key, furthest step, answers seen)
    let mut wanted: HashMap<[u8; 32], (usize, u8, Step, bool)> =
        HashMap::with_capacity(scope.len());
    let mut rows: Vec<RowKey> = Vec::new();
    let mut row_of_key: HashMap<RowKey, usize> = HashMap::new();
    for (id, vacancy, sent, step) in scope {
        let key = (year_of(*sent), *vacancy);
        let row = *row_of_key.entry(key).or_insert_with(|| {
            rows.push(key);
            rows.len() - 1
        });
        let mut p = [0u8; 32];
        p.copy_from_slice(&pseudonyms.pseudonym(*id));
        wanted.insert(p, (row, pseudonyms.record_key(*id), *step, false));
    }
    let mut tallies = vec![Tally::default(); rows.len()];
    let sql = format!("SELECT pseudonym, {} FROM {}", super::COLUMNS, super::table(&conn));
    on_conn!(conn.reborrow(), c => {
        let mut stream = sqlx::query_as::<_, super::AnswersRow>(sqlx::AssertSqlSafe(sql)).fetch(&mut *c);
        while let Some(r) = stream.try_next().await? {
            let Ok(p) = <[u8; 32]>::try_from(r.0.as_slice()) else { continue };
            let Some(entry) = wanted.get_mut(&p) else { continue };
            entry.3 = true;
            tallies[entry.0].count(&super::answers_of(r), entry.1, entry.2, true);
        }
    });
    for (row, record, step, seen) in wanted.values() {
        if !seen {
            tallies[*row].count(&Monitoring::default(), *record, *step, true);
        }
    }
    let built_rows: Vec<(RowKey, Tally)> = rows.into_iter().zip(tallies).collect();
    for chunk in built_rows.chunks(500) {
        write(conn.reborrow(), &pseudonyms.tallies, chunk).await?;
    }
    let mark = format!("INSERT INTO {built} (id, built_at) VALUES (1, $1)");
    on_conn!(conn, c => sqlx::query(sqlx::AssertSqlSafe(mark))
        .bind(now).execute(&mut *c).await.map(|_| ()))?;
    Ok(())
}

/// One year's tallies, added up per part (job family) and still unprotected: only the number
/// of applications per part and the protected tables ever leave it.
pub struct Tallied {
    /// Per question (the order of [`questions`]): one table per part.
    counts: Vec<Vec<Counts>>,
    questions: Vec<Question>,
}

impl std::fmt::Debug for Tallied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tallied(<unprotected counts>)")
    }
}

/// Adds up the tallies of applications sent in `year`, each vacancy's in the part
/// `part_of(vacancy)` (`0..parts`).
///
/// # Errors
/// Database failure, or a tally sealed under another key.
#[tracing::instrument(skip_all)]
pub async fn tallied(
    conn: Conn<'_>,
    pseudonyms: &Pseudonymiser,
    year: i32,
    part_of: impl Fn(Uuid) -> usize,
    parts: usize,
) -> Result<Tallied, DbError> {
    let (t, _) = tables(&conn);
    let sql = format!("SELECT vacancy_id, sealed FROM {t} WHERE year = $1 AND sealed IS NOT NULL");
    let rows: Vec<(Uuid, Vec<u8>)> = on_conn!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(year).fetch_all(&mut *c).await)?;
    let questions = questions();
    let parts = parts.max(1);
    let mut counts: Vec<Vec<Counts>> =
        questions.iter().map(|q| vec![Counts::new(q.choices.len() + 2, STEPS); parts]).collect();
    for (vacancy, sealed) in rows {
        let tally = pseudonyms.tallies.open(year, vacancy, &sealed)?;
        let part = part_of(vacancy).min(parts - 1);
        for (q, tables) in questions.iter().zip(&mut counts) {
            let Some(answers) = tally.counts.get(q.column) else { continue };
            for (code, by_step) in answers {
                let row = row_of(q, (!code.is_empty()).then_some(code.as_str()));
                for (step, (n, key)) in by_step.iter().enumerate() {
                    tables[part].add_keyed(row, step, *n, *key);
                }
            }
        }
    }
    Ok(Tallied { counts, questions })
}

impl Tallied {
    /// How many applications the tallies count, in one part or (`None`) in all.
    #[must_use]
    pub fn applications(&self, part: Option<usize>) -> u64 {
        // Every application is counted once under every question; the first will do.
        self.counts.first().map_or(0, |tables| match part {
            Some(p) => tables.get(p).map_or(0, Counts::total),
            None => tables.iter().map(Counts::total).sum(),
        })
    }

    /// The protected tables, question by question: the whole, and each part where the parts
    /// can be shown beside the whole without revealing a small count.
    #[must_use]
    pub fn protect(self, policy: &Policy) -> Vec<super::DiversityTables> {
        self.questions
            .iter()
            .zip(self.counts)
            .map(|(q, tables)| protect_question(q, &tables, policy))
            .collect()
    }
}

fn protect_question(q: &Question, tables: &[Counts], policy: &Policy) -> super::DiversityTables {
    let mut whole = Counts::new(q.choices.len() + 2, STEPS);
    for t in tables {
        for i in 0..t.rows() {
            for j in 0..t.cols() {
                whole.add_keyed(i, j, t.entry(i, j), t.key(i, j));
            }
        }
    }
    // Parts with nobody in them add nothing to the whole and are left out of the protection
    // (an all-zero part would otherwise hide every entry of every part); they are published
    // as wholly suppressed.
    let present: Vec<usize> = (0..tables.len()).filter(|&k| tables[k].total() > 0).collect();
    let linked: Vec<Counts> = if present.len() > 1 {
        present.iter().map(|&k| tables[k].clone()).collect()
    } else {
        Vec::new()
    };
    let protected = protect(&whole, &linked, policy);
    let mut categories: Vec<String> = q.choices.iter().map(|c| c.1.to_owned()).collect();
    categories.push("Prefer not to say".to_owned());
    categories.push("Not answered".to_owned());
    let empty: Published = protect_table(&Counts::new(q.choices.len() + 2, STEPS), policy).whole;
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
    super::DiversityTables { question: q.words, categories, whole: protected.whole, parts }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zeroize::Zeroizing;

    fn key(byte: u8) -> TallyKey {
        let k = Zeroizing::new([byte; 32]);
        TallyKey::derive(&aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, k.as_slice()))
    }

    fn answers(sex: &str) -> Monitoring {
        Monitoring { sex: Some(sex.to_owned()), ..Monitoring::default() }
    }

    #[test]
    fn a_tally_opens_only_with_its_key_year_and_vacancy() {
        let (v, w) = (Uuid::new_v4(), Uuid::new_v4());
        let mut tally = Tally::default();
        tally.count(&answers("female"), 9, Step::Applied, true);
        let sealed = key(1).seal(2026, v, &tally).unwrap();
        assert_eq!(key(1).open(2026, v, &sealed).unwrap(), tally);
        assert!(key(2).open(2026, v, &sealed).is_err(), "another monitoring key");
        assert!(key(1).open(2025, v, &sealed).is_err(), "moved to another year");
        assert!(key(1).open(2026, w, &sealed).is_err(), "moved to another vacancy");
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(key(1).open(2026, v, &tampered).is_err(), "altered");
        assert!(key(1).open(2026, v, &sealed[..10]).is_err(), "truncated");
        // Nothing readable in the sealed bytes, and a fresh nonce each time.
        assert!(!sealed.windows(6).any(|w| w == b"female"));
        assert_ne!(key(1).seal(2026, v, &tally).unwrap(), sealed);
    }

    #[test]
    fn moving_an_application_moves_every_answer_and_never_goes_below_zero() {
        let mut tally = Tally::default();
        let m = Monitoring {
            sex: Some("male".to_owned()),
            age_band: Some("prefer_not".to_owned()),
            ..Monitoring::default()
        };
        tally.count(&m, 200, Step::Applied, true);
        tally.count(&m, 200, Step::Applied, false);
        tally.count(&m, 200, Step::Sifted, true);
        let one = [(0, 0), (1, 200), (0, 0), (0, 0), (0, 0)];
        assert_eq!(tally.counts["sex"]["male"], one);
        assert_eq!(tally.counts["age_band"]["prefer_not"], one);
        // Unanswered questions count under "".
        assert_eq!(tally.counts["religion"][""], one);
        assert_eq!(tally.counts.len(), 7);
        tally.count(&m, 200, Step::Hired, false);
        assert_eq!(tally.counts["sex"]["male"], one);
        // A second person's record key adds up modulo 256, and leaves with them.
        tally.count(&m, 100, Step::Sifted, true);
        assert_eq!(tally.counts["sex"]["male"][1], (2, 44));
        tally.count(&m, 200, Step::Sifted, false);
        assert_eq!(tally.counts["sex"]["male"][1], (1, 100));
    }
}
