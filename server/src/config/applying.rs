//! Settings for the application journey: the monitoring (equal-opportunities) key, the upload
//! limit and how long a reserve-list consent lasts.
//!
//! The monitoring key keys the pseudonyms that link equal-opportunities answers to
//! applications, so it must live apart from the database (and from the master key): in
//! production it must be given explicitly and differ from the master key; in development, when
//! not given, it is derived from the master key (so a development data directory keeps working
//! from one run to the next without another file to look after).

use super::{Mode, Secret};
use anyhow::{Context as _, bail};
use base64::{Engine as _, engine::general_purpose::STANDARD as B64};
use zeroize::Zeroizing;

/// The application journey's settings.
#[derive(Debug, Clone)]
pub struct ApplyingConfig {
    /// Keys equal-opportunities pseudonyms. 32 bytes.
    pub eo_key: Secret<Zeroizing<[u8; 32]>>,
    /// The largest upload, in bytes.
    pub upload_limit: u64,
    /// How long a reserve-list consent lasts, in months.
    pub reserve_list_months: u32,
    /// How long an unsuccessful application is kept after the decision, in months.
    pub retention_months: u32,
}

/// The retention period of unsuccessful applications: 6 months unless configured, and never
/// outside 1 to 24 (a longer period is not "no longer than necessary" without consent).
pub(super) fn retention_months(configured: Option<u32>) -> anyhow::Result<u32> {
    let months = configured.unwrap_or(6);
    if !(1..=24).contains(&months) {
        bail!("SHORTLIST_RETENTION_MONTHS must be between 1 and 24");
    }
    Ok(months)
}

pub(super) fn resolve_applying(
    mode: Mode,
    eo_key: Option<String>,
    upload_limit_mb: Option<u64>,
    reserve_list_months: Option<u32>,
    master_key: &[u8; 32],
) -> anyhow::Result<ApplyingConfig> {
    let text = match (eo_key, mode) {
        (Some(k), _) => k,
        (None, Mode::Production) => bail!(
            "production mode needs SHORTLIST_EO_KEY (base64 of 32 random bytes, kept apart from \
             database backups); refusing to start without it"
        ),
        (None, Mode::Development) => development_key(master_key),
    };
    let bytes = Zeroizing::new(
        B64.decode(text.trim()).context("SHORTLIST_EO_KEY must be base64 (of 32 bytes)")?,
    );
    let key: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| anyhow::anyhow!("SHORTLIST_EO_KEY must decode to exactly 32 bytes"))?;
    if &key == master_key {
        bail!("SHORTLIST_EO_KEY must differ from SHORTLIST_MASTER_KEY");
    }
    if key.iter().all(|b| *b == key[0]) {
        bail!("SHORTLIST_EO_KEY is not random; generate one with `openssl rand -base64 32`");
    }
    let upload_limit_mb = upload_limit_mb.unwrap_or(10);
    if !(1..=50).contains(&upload_limit_mb) {
        bail!("SHORTLIST_UPLOAD_LIMIT_MB must be between 1 and 50");
    }
    let reserve_list_months = reserve_list_months.unwrap_or(12);
    if !(1..=24).contains(&reserve_list_months) {
        bail!("SHORTLIST_RESERVE_LIST_MONTHS must be between 1 and 24");
    }
    Ok(ApplyingConfig {
        eo_key: Secret::new(Zeroizing::new(key)),
        upload_limit: upload_limit_mb * 1024 * 1024,
        reserve_list_months,
        retention_months: 6,
    })
}

/// The development monitoring key: HMAC-SHA256 of a fixed label under the master key.
fn development_key(master_key: &[u8; 32]) -> String {
    use aws_lc_rs::hmac;
    let tag =
        hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, master_key), b"shortlist development eo key");
    B64.encode(tag.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> String {
        B64.encode(crate::documents::random_bytes::<32>())
    }

    #[test]
    fn production_needs_its_own_random_key() {
        let master = [9u8; 32];
        let err =
            resolve_applying(Mode::Production, None, None, None, &master).unwrap_err().to_string();
        assert!(err.contains("SHORTLIST_EO_KEY"), "{err}");
        let same = B64.encode(master);
        assert!(resolve_applying(Mode::Production, Some(same), None, None, &master).is_err());
        let flat = B64.encode([1u8; 32]);
        assert!(resolve_applying(Mode::Production, Some(flat), None, None, &master).is_err());
        let ok = resolve_applying(Mode::Production, Some(key()), None, None, &master).unwrap();
        assert_eq!(ok.upload_limit, 10 * 1024 * 1024);
        assert_eq!(ok.reserve_list_months, 12);
    }

    #[test]
    fn development_derives_a_stable_key_that_is_not_the_master_key() {
        let master = [9u8; 32];
        let a = resolve_applying(Mode::Development, None, None, None, &master).unwrap();
        let b = resolve_applying(Mode::Development, None, None, None, &master).unwrap();
        assert_eq!(a.eo_key.expose().as_slice(), b.eo_key.expose().as_slice());
        assert_ne!(a.eo_key.expose().as_slice(), master.as_slice());
        assert_eq!(format!("{:?}", a.eo_key), "[redacted]");
    }

    #[test]
    fn limits_stay_in_range() {
        let master = [9u8; 32];
        assert!(resolve_applying(Mode::Development, Some(key()), Some(0), None, &master).is_err());
        assert!(resolve_applying(Mode::Development, Some(key()), Some(51), None, &master).is_err());
        assert!(resolve_applying(Mode::Development, Some(key()), None, Some(25), &master).is_err());
        let c =
            resolve_applying(Mode::Development, Some(key()), Some(2), Some(6), &master).unwrap();
        assert_eq!((c.upload_limit, c.reserve_list_months), (2 * 1024 * 1024, 6));
        assert_eq!(retention_months(None).unwrap(), 6);
        assert_eq!(retention_months(Some(12)).unwrap(), 12);
        assert!(retention_months(Some(0)).is_err() && retention_months(Some(25)).is_err());
    }
}
