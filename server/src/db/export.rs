//! Reading rows as they are stored, column by column, for access bundles (`crate::rights::
//! bundle`): a person's copy of what is held about them must show every column, not what a
//! page happens to use, so rows are read generically and turned into JSON values by their
//! stored type.
//!
//! Columns that hold secrets rather than facts about the person — link digests, wrapped keys,
//! the monitoring pseudonym — are left out ([`SECRET_COLUMNS`]). Never logs a value.

use super::{Conn, DbError, on_conn};
use serde_json::{Map, Value};
use sqlx::{Column as _, Row as _, TypeInfo as _, ValueRef as _};
use uuid::Uuid;

/// Columns never copied into a bundle: they are keys to things, not information about anyone.
pub const SECRET_COLUMNS: &[&str] =
    &["token_hash", "token_digest", "draft_token", "wrapped_key", "pseudonym", "code_hash"];

/// What a query's single parameter is.
#[derive(Debug, Clone)]
pub enum Param {
    /// An id.
    Id(Uuid),
    /// Text (an address in lower case, a form key).
    Text(String),
    /// Bytes (a pseudonym).
    Bytes(Vec<u8>),
}

/// One row: column name to value, in the table's column order.
pub type Record = Map<String, Value>;

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// SQLite stores ids as 16-byte blobs; other blobs (hashes of wording) are shown in hex.
fn sqlite_value(row: &sqlx::sqlite::SqliteRow, i: usize) -> Result<Value, sqlx::Error> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let kind = raw.type_info().name().to_owned();
    Ok(match kind.as_str() {
        "INTEGER" | "BOOLEAN" => Value::from(row.try_get_unchecked::<i64, _>(i)?),
        "REAL" => Value::from(row.try_get_unchecked::<f64, _>(i)?),
        "BLOB" => {
            let bytes = row.try_get_unchecked::<Vec<u8>, _>(i)?;
            match Uuid::from_slice(&bytes) {
                Ok(id) => Value::from(id.to_string()),
                Err(_) => Value::from(hex(&bytes)),
            }
        }
        _ => Value::from(row.try_get_unchecked::<String, _>(i)?),
    })
}

fn postgres_value(row: &sqlx::postgres::PgRow, i: usize) -> Result<Value, sqlx::Error> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let kind = raw.type_info().name().to_owned();
    Ok(match kind.as_str() {
        "UUID" => Value::from(row.try_get::<Uuid, _>(i)?.to_string()),
        "INT2" => Value::from(row.try_get::<i16, _>(i)?),
        "INT4" => Value::from(row.try_get::<i32, _>(i)?),
        "INT8" => Value::from(row.try_get::<i64, _>(i)?),
        "BOOL" => Value::from(row.try_get::<bool, _>(i)?),
        "FLOAT4" | "FLOAT8" => Value::from(row.try_get::<f64, _>(i)?),
        "TIMESTAMPTZ" => Value::from(
            row.try_get::<chrono::DateTime<chrono::Utc>, _>(i)?
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ),
        "DATE" => Value::from(row.try_get::<chrono::NaiveDate, _>(i)?.to_string()),
        "BYTEA" => Value::from(hex(&row.try_get::<Vec<u8>, _>(i)?)),
        _ => Value::from(row.try_get_unchecked::<String, _>(i)?),
    })
}

/// Every row `sql` returns for `param`, secret columns left out.
///
/// # Errors
/// Database failure, or a column of a type this module cannot show.
pub async fn rows(conn: Conn<'_>, sql: &str, param: &Param) -> Result<Vec<Record>, DbError> {
    macro_rules! run {
        ($c:ident, $value:ident) => {{
            let q = sqlx::query(sqlx::AssertSqlSafe(sql));
            let q = match param {
                Param::Id(id) => q.bind(*id),
                Param::Text(t) => q.bind(t.clone()),
                Param::Bytes(b) => q.bind(b.clone()),
            };
            let rows = q.fetch_all(&mut *$c).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let mut record = Map::new();
                for (i, column) in row.columns().iter().enumerate() {
                    if SECRET_COLUMNS.contains(&column.name()) {
                        continue;
                    }
                    record.insert(column.name().to_owned(), $value(row, i)?);
                }
                out.push(record);
            }
            Ok::<_, sqlx::Error>(out)
        }};
    }
    Ok(match conn {
        Conn::Sqlite(c) => run!(c, sqlite_value),
        Conn::Postgres(c) => run!(c, postgres_value),
    }?)
}

/// The ids of the applications made with `email` (any case) that are not being purged,
/// drafts included, oldest first.
///
/// # Errors
/// Database failure.
pub async fn applications_of(conn: Conn<'_>, email: &str) -> Result<Vec<Uuid>, DbError> {
    const SQL: &str = "SELECT id FROM applications WHERE lower(email) = $1 AND purging_at IS NULL \
                       ORDER BY created_at, id";
    let rows: Vec<(Uuid,)> = on_conn!(conn, c => sqlx::query_as(SQL)
        .bind(email.to_lowercase()).fetch_all(&mut *c).await)?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
