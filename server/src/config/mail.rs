//! Outgoing mail settings: where mail goes (an SMTP relay or a folder of `.eml` files) and
//! the `From` address. Production needs an explicit transport and refuses plain-text SMTP to
//! another machine, because messages carry single-use links.

use super::{Mode, Secret};
use anyhow::bail;
use std::path::PathBuf;

/// Where outgoing mail goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransport {
    /// Each message written as an `.eml` file to this folder (development, or a relay that
    /// picks files up).
    Folder(PathBuf),
    /// An SMTP relay, as a lettre connection URL (`smtps://user:pass@host:465`,
    /// `smtp://host:587?tls=required`); it may hold a password.
    Smtp(Secret<String>),
}

/// Outgoing mail settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailConfig {
    /// The transport.
    pub transport: MailTransport,
    /// The `From` mailbox, e.g. `Recruitment <jobs@example.org>`.
    pub from: String,
}

/// Reads the mail settings. Production needs an explicit transport, and refuses SMTP that
/// would send single-use links in plain text to another machine.
pub(super) fn resolve_mail(
    mode: Mode,
    url: Option<String>,
    from: Option<String>,
    data_dir: &std::path::Path,
    public_url: &url::Url,
) -> anyhow::Result<MailConfig> {
    let url = match (url, mode) {
        (Some(url), _) => url.trim().to_owned(),
        (None, Mode::Development) => format!("file://{}/outbox", data_dir.display()),
        (None, Mode::Production) => bail!(
            "production mode needs SHORTLIST_MAIL_URL (an smtps:// or smtp://…?tls=required relay, \
             or file://dir); refusing to start without it"
        ),
    };
    let transport = if let Some(dir) = url.strip_prefix("file://") {
        if dir.is_empty() {
            bail!("SHORTLIST_MAIL_URL file:// needs a folder, e.g. file:///var/spool/shortlist");
        }
        MailTransport::Folder(PathBuf::from(dir))
    } else if url.starts_with("smtps://") || url.starts_with("smtp://") {
        let parsed = url::Url::parse(&url)
            .map_err(|_| anyhow::anyhow!("SHORTLIST_MAIL_URL is not a valid smtp:// URL"))?;
        let host = parsed.host_str().unwrap_or_default();
        let local = matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]");
        let encrypted = parsed.scheme() == "smtps"
            || parsed.query_pairs().any(|(k, v)| k == "tls" && v == "required");
        if mode == Mode::Production && !encrypted && !local {
            bail!(
                "SHORTLIST_MAIL_URL sends mail unencrypted to another host; use smtps:// or add \
                 ?tls=required (refusing to start in production)"
            );
        }
        MailTransport::Smtp(Secret::new(url))
    } else {
        bail!("SHORTLIST_MAIL_URL must start with smtps://, smtp:// or file://");
    };
    let from = from.unwrap_or_else(|| {
        format!("Shortlist <no-reply@{}>", public_url.host_str().unwrap_or("localhost"))
    });
    if from.parse::<lettre::message::Mailbox>().is_err() {
        bail!("SHORTLIST_MAIL_FROM must be an address, e.g. Recruitment <jobs@example.org>");
    }
    Ok(MailConfig { transport, from })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn mail_goes_to_a_folder_in_development_and_bad_addresses_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_str().unwrap();
        let c = Config::from_sources(None, &env(&[("SHORTLIST_DATA_DIR", data)])).unwrap();
        assert_eq!(c.mail.transport, MailTransport::Folder(dir.path().join("outbox")));
        for (k, v) in [
            ("SHORTLIST_MAIL_URL", "http://mail"),
            ("SHORTLIST_MAIL_URL", "file://"),
            ("SHORTLIST_MAIL_FROM", "not an address"),
        ] {
            let err = Config::from_sources(None, &env(&[("SHORTLIST_DATA_DIR", data), (k, v)]))
                .unwrap_err()
                .to_string();
            assert!(err.contains(k), "{k}={v}: {err}");
        }
    }
}
