//! Operator tasks behind the command line that change accounts: creating the first HR
//! administrator. Kept apart from `cli` so tests call them directly.

use crate::auth::links;
use crate::config::Config;
use crate::db::{
    audit::{self, AuditEntry, Outcome},
    staff::{self, StaffRecord},
};
use crate::startup::connect_and_migrate;
use anyhow::{Context as _, bail};
use app::domain::{StaffId, access::OrgRole};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Creates an HR administrator without a password and returns the one-time link that lets them
/// set one.
///
/// # Errors
/// An email that is not an address, an email already in use, or a database failure.
pub async fn create_admin(
    config: &Config,
    email: &str,
    name: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<url::Url> {
    let email = staff::normalise_email(email);
    let plausible = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if !plausible {
        bail!("--email must be an email address, like name@example.org");
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        bail!("--name must be 1 to 200 characters");
    }
    let db = connect_and_migrate(config).await?;
    let id = StaffId::from_uuid(Uuid::new_v4());
    let record = StaffRecord {
        id,
        email,
        display_name: name.to_owned(),
        password_hash: None,
        org_role: Some(OrgRole::HrAdmin),
        created_at: now,
        deactivated_at: None,
    };
    let created = {
        let mut tx = db.begin().await?;
        let created = staff::insert(tx.conn(), &record).await?;
        if created {
            let entry = AuditEntry {
                at: now,
                actor: None,
                action: "staff.create_admin",
                object_type: Some("staff"),
                object_id: Some(id.as_uuid()),
                vacancy: None,
                client_addr: None,
                outcome: Outcome::Ok,
            };
            audit::append(tx.conn(), &entry).await?;
        }
        tx.commit().await?;
        created
    };
    if !created {
        db.close().await;
        bail!("an account with that email address already exists");
    }
    let token = links::issue(&db, id, now).await?;
    db.close().await;
    config
        .public_url
        .join(&format!("staff/set-password/{}", token.expose()))
        .context("building the link from SHORTLIST_PUBLIC_URL")
}
