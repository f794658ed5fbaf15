//! The audit log as HR administrators and auditors read it: the filter they choose and the rows
//! they see. Rows carry ids, codes and the acting staff member's email — never a candidate's
//! name or anything a person typed.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One entry, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// The acting staff member's email, if anyone was identified.
    pub actor: Option<String>,
    /// What, as a code such as `staff.sign_in`.
    pub action: String,
    /// The object's kind and id, such as `staff 5e1e…`.
    pub object: Option<String>,
    /// The vacancy it concerns.
    pub vacancy: Option<String>,
    /// The client's address.
    pub client_addr: Option<String>,
    /// `ok`, `refused` or `failed`.
    pub outcome: String,
}

/// A validated filter: entries from the start of `from` to the end of `to` (UTC days), of one
/// action and one acting staff member if given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// Only this action code.
    pub action: Option<String>,
    /// Only entries by the staff member with this email (normalised to lower case).
    pub user: Option<String>,
    /// First day included.
    pub from: Option<NaiveDate>,
    /// Last day included.
    pub to: Option<NaiveDate>,
    /// Only entries about this vacancy.
    pub vacancy: Option<crate::domain::VacancyId>,
}

impl AuditQuery {
    /// Reads the filter form's fields (empty means "any").
    ///
    /// # Errors
    /// A validation error naming each field that is not a date (`YYYY-MM-DD`), an action code
    /// or an email address, or a `to` before `from`.
    pub fn parse(
        action: &str,
        user: &str,
        from: &str,
        to: &str,
        vacancy: &str,
    ) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let date = |field: &str, text: &str, errors: &mut Vec<_>| {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            NaiveDate::parse_from_str(text, "%Y-%m-%d").map_or_else(
                |_| {
                    errors.push(crate::error::FieldError {
                        field: field.to_owned(),
                        message: "Enter a real date, for example 2026-11-23".to_owned(),
                    });
                    None
                },
                Some,
            )
        };
        let from = date("from", from, &mut errors);
        let to = date("to", to, &mut errors);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            errors.push(crate::error::FieldError {
                field: "to".to_owned(),
                message: "The end date must be the same as or after the start date".to_owned(),
            });
        }
        let action = action.trim();
        let action_ok = action.len() <= 64
            && action.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'.');
        if !action_ok {
            errors.push(crate::error::FieldError {
                field: "action".to_owned(),
                message: "Choose an action from the list".to_owned(),
            });
        }
        let user = user.trim().to_lowercase();
        let user_ok = user.is_empty()
            || (user.len() <= 254
                && user.contains('@')
                && !user.chars().any(|c| c.is_whitespace() || c.is_control()));
        if !user_ok {
            errors.push(crate::error::FieldError {
                field: "user".to_owned(),
                message: "Enter an email address in the correct format, like name@example.org"
                    .to_owned(),
            });
        }
        let vacancy = match vacancy.trim() {
            "" => None,
            text => text.parse().map_or_else(
                |_| {
                    errors.push(crate::error::FieldError::new(
                        "vacancy",
                        "Choose a vacancy from the list",
                    ));
                    None
                },
                Some,
            ),
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(Self {
            action: (!action.is_empty()).then(|| action.to_owned()),
            user: (!user.is_empty()).then_some(user),
            from,
            to,
            vacancy,
        })
    }

    /// The instants the filter covers: from the start of `from` to just before the day after
    /// `to`.
    #[must_use]
    pub fn bounds(&self) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        let start = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        (self.from.and_then(start), self.to.and_then(|d| d.succ_opt()).and_then(start))
    }
}

/// The audit page: matching rows, and the vacancies the filter offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPageData {
    /// Matching entries, newest first.
    pub rows: Vec<AuditRow>,
    /// Every vacancy, by title, for the vacancy filter.
    pub vacancies: Vec<(crate::domain::VacancyId, String)>,
}

/// The action codes the filter offers.
pub const ACTIONS: &[&str] = &[
    "staff.sign_in",
    "staff.sign_out",
    "staff.set_password",
    "staff.create_admin",
    "staff.second_factor",
    "staff.enrol_two_factor",
    "staff.invite",
    "staff.resend_invitation",
    "staff.change_role",
    "staff.assign",
    "staff.unassign",
    "staff.reset_two_factor",
    "staff.deactivate",
    "settings.require_two_factor",
    "settings.allow_one_factor",
    "settings.privacy_notice",
    "settings.rejection_letter",
    "settings.rejection_reason",
    "audit.view",
    "audit.export",
    "vacancy.create",
    "vacancy.update",
    "vacancy.publish",
    "vacancy.close",
    "candidate.score.save",
    "candidate.score.submit",
    "candidate.moderate",
    "candidate.final_score",
    "candidate.note",
    "candidate.move",
    "candidate.reject",
    "candidate.withdraw",
    "candidate.offer",
    "candidate.interview",
    "candidate.reveal.early",
    "candidate.reveal.sift",
    "candidate.cv.download",
    "legal_hold.place",
    "legal_hold.release",
    "check.right_to_work",
    "check.right_to_work.download",
    "check.dbs",
    "hire.export",
    "hire.hand_over",
    "report.funnel",
    "report.diversity",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fields_mean_any() {
        assert_eq!(AuditQuery::parse("", "", " ", "", "").unwrap(), AuditQuery::default());
    }

    #[test]
    fn dates_are_whole_utc_days() {
        let q =
            AuditQuery::parse("staff.sign_in", " HR@Example.org", "2026-11-01", "2026-11-30", "")
                .unwrap();
        let (from, to) = q.bounds();
        assert_eq!(from.unwrap().to_rfc3339(), "2026-11-01T00:00:00+00:00");
        assert_eq!(to.unwrap().to_rfc3339(), "2026-12-01T00:00:00+00:00");
        assert_eq!(q.action.as_deref(), Some("staff.sign_in"));
        assert_eq!(q.user.as_deref(), Some("hr@example.org"));
    }

    #[test]
    fn malformed_input_names_each_field() {
        let fields = |r: Result<AuditQuery, AppError>| match r {
            Err(AppError::Validation(f)) => f.into_iter().map(|e| e.field).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            fields(AuditQuery::parse("", "", "2026-02-30", "31/12/2026", "")),
            ["from", "to"]
        );
        assert_eq!(fields(AuditQuery::parse("", "", "2026-12-02", "2026-12-01", "")), ["to"]);
        assert_eq!(
            fields(AuditQuery::parse("<script>", "", "", "", "not-a-vacancy")),
            ["action", "vacancy"]
        );
        assert_eq!(
            fields(AuditQuery::parse("x' OR 1=1", "not an email", "", "", "")),
            ["action", "user"]
        );
    }
}
