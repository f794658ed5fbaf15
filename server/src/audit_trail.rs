//! The `AuditTrail` port over the database, and the audit log's CSV export.
//!
//! CSV cells that a spreadsheet would treat as a formula (starting with `=`, `+`, `-`, `@`, tab
//! or carriage return) are prefixed with an apostrophe, so an exported log cannot run anything
//! when opened.

use crate::db::{
    Database, DbError,
    audit::{self, AuditEntry, Outcome},
};
use app::domain::{
    StaffId,
    audit::{AuditQuery, AuditRow},
};
use app::error::AppError;
use chrono::{DateTime, Utc};

/// Reads (and records reading) the audit log.
#[derive(Debug, Clone)]
pub struct StoreAuditTrail {
    db: Database,
}

impl StoreAuditTrail {
    /// Over this database.
    #[must_use]
    pub const fn new(db: Database) -> Self {
        Self { db }
    }
}

/// Finds entries and records the look (`audit.view` or `audit.export`) in one transaction.
///
/// # Errors
/// Database failure.
pub async fn search_and_record(
    db: &Database,
    viewer: StaffId,
    query: &AuditQuery,
    limit: i64,
    now: DateTime<Utc>,
    action: &'static str,
) -> Result<Vec<AuditRow>, DbError> {
    let (from, before) = query.bounds();
    let mut tx = db.begin().await?;
    let filter = audit::Filter {
        action: query.action.as_deref(),
        actor_email: query.user.as_deref(),
        from,
        before,
        actor: None,
        vacancy: query.vacancy,
    };
    let rows = audit::search(tx.conn(), &filter, limit).await?;
    let entry = AuditEntry {
        at: now,
        actor: Some(viewer),
        action,
        object_type: None,
        object_id: None,
        vacancy: None,
        client_addr: None,
        outcome: Outcome::Ok,
    };
    audit::append(tx.conn(), &entry).await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|(e, email)| AuditRow {
            at: e.at,
            actor: email,
            action: e.action,
            object: match (e.object_type, e.object_id) {
                _ if e.details.is_some() => e.details,
                (Some(t), Some(id)) => Some(format!("{t} {id}")),
                (Some(t), None) => Some(t),
                _ => None,
            },
            vacancy: e.vacancy.map(|v| v.to_string()),
            client_addr: e.client_addr,
            outcome: e.outcome.as_str().to_owned(),
        })
        .collect())
}

#[async_trait::async_trait]
impl app::ports::AuditTrail for StoreAuditTrail {
    async fn search(
        &self,
        viewer: StaffId,
        query: &AuditQuery,
        limit: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<AuditRow>, AppError> {
        search_and_record(&self.db, viewer, query, limit, now, "audit.view")
            .await
            .map_err(AppError::internal)
    }

    async fn vacancies(&self) -> Result<Vec<(app::domain::VacancyId, String)>, AppError> {
        let mut conn = self.db.acquire().await.map_err(AppError::internal)?;
        crate::db::vacancies::titles(conn.conn()).await.map_err(AppError::internal)
    }
}

/// One CSV cell: quoted, quotes doubled, formula starts neutralised.
fn cell(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    format!("\"{}\"", guarded.replace('"', "\"\""))
}

/// The rows as CSV with a header line.
#[must_use]
pub fn to_csv(rows: &[AuditRow]) -> String {
    let mut out = String::from("at_utc,actor,action,object,vacancy,client_address,outcome\r\n");
    for r in rows {
        let fields = [
            r.at.to_rfc3339(),
            r.actor.clone().unwrap_or_default(),
            r.action.clone(),
            r.object.clone().unwrap_or_default(),
            r.vacancy.clone().unwrap_or_default(),
            r.client_addr.clone().unwrap_or_default(),
            r.outcome.clone(),
        ];
        let line: Vec<String> = fields.iter().map(|f| cell(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(cell("staff.sign_in"), "\"staff.sign_in\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for start in ["+1", "-1", "@SUM(A1)", "\tx"] {
            assert!(cell(start).starts_with("\"'"), "{start}");
        }
    }

    #[test]
    fn csv_has_a_header_and_one_line_per_row() {
        let row = AuditRow {
            at: "2026-11-23T09:00:00Z".parse().unwrap(),
            actor: Some("hr@example.org".into()),
            action: "staff.sign_in".into(),
            object: None,
            vacancy: None,
            client_addr: Some("192.0.2.1".into()),
            outcome: "ok".into(),
        };
        let csv = to_csv(&[row.clone(), row]);
        let lines: Vec<_> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], "at_utc,actor,action,object,vacancy,client_address,outcome");
        assert!(lines[1].starts_with("\"2026-11-23T09:00:00+00:00\",\"hr@example.org\""));
    }
}
