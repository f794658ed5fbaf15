//! Typed configuration, read once at start-up.
//!
//! Sources, later ones winning: built-in defaults (which run locally with nothing set), an
//! optional TOML file (`SHORTLIST_CONFIG` or `--config`), then environment variables. Every
//! setting is listed in [`Config::documented`], which the README table and `.env.example`
//! follow.
//!
//! Secrets are [`Secret`]s: their `Debug` prints `[redacted]`. In development, missing secrets
//! are generated once into the data directory (never a built-in value). In production mode
//! Shortlist refuses to start on any insecure setting instead of falling back.

use anyhow::{Context as _, bail};

mod applying;
mod docs;
mod mail;
mod retention;
pub use applying::ApplyingConfig;
use applying::resolve_applying;
use base64::{Engine as _, engine::general_purpose::STANDARD as B64};
use mail::resolve_mail;
pub use mail::{MailConfig, MailTransport};
pub use retention::RetentionConfig;
use retention::{RawRetention, resolve_retention};
use serde::Deserialize;
use std::{collections::HashMap, fmt, net::SocketAddr, path::PathBuf};
use zeroize::Zeroizing;

/// A value that must never be printed.
#[derive(Clone)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a secret value.
    pub const fn new(value: T) -> Self {
        Self(value)
    }
    /// The value, for the one place that uses it.
    pub const fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Development (the default: runs locally with nothing set) or production (strict).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Local use: generated secrets, plain HTTP allowed.
    Development,
    /// A real deployment: every secret set explicitly, HTTPS public URL.
    Production,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The whole configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Development or production.
    pub mode: Mode,
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// The address people use to reach Shortlist; `https://` turns on HSTS.
    pub public_url: url::Url,
    /// `sqlite://path` (created if missing) or `postgres://…`.
    pub database_url: Secret<String>,
    /// Upper bound on pooled database connections.
    pub database_max_connections: u32,
    /// Where documents go: `file://dir`, `memory://` (tests) or `s3://bucket/prefix`.
    pub documents_url: String,
    /// Wraps every application's data key. 32 bytes.
    pub master_key: Secret<Zeroizing<[u8; 32]>>,
    /// Signs cookies (used by staff sessions). At least 32 bytes.
    pub cookie_secret: Secret<Zeroizing<Vec<u8>>>,
    /// The employer's name shown on public pages.
    pub organisation_name: String,
    /// Where the built site (wasm, JS, CSS) is served from.
    pub site_root: String,
    /// Directory for local data: the SQLite file, documents, generated development secrets.
    pub data_dir: PathBuf,
    /// `tracing` filter, e.g. `info` or `server=debug,info`.
    pub log_filter: String,
    /// Log line format.
    pub log_format: LogFormat,
    /// How mail leaves Shortlist.
    pub mail: MailConfig,
    /// The application journey's settings.
    pub applying: ApplyingConfig,
    /// The retention engine's settings.
    pub retention: RetentionConfig,
    /// Disclosure control for equal-opportunities figures in reports.
    pub report_policy: app::domain::disclosure::Policy,
    /// Days after a reference request at which a referee who has not answered is reminded.
    pub reference_reminder_days: u32,
}

impl PartialEq for Secret<String> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl Eq for Secret<String> {}

/// One setting as documented: environment variable, TOML key, default, meaning.
#[derive(Debug, Clone, Copy)]
pub struct SettingDoc {
    /// Environment variable name.
    pub env: &'static str,
    /// Key in the TOML file.
    pub toml: &'static str,
    /// Default, or how it is derived.
    pub default: &'static str,
    /// What it does.
    pub meaning: &'static str,
}

/// The raw, all-optional form read from the file and the environment.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    mode: Option<Mode>,
    listen: Option<String>,
    public_url: Option<String>,
    database_url: Option<String>,
    database_max_connections: Option<u32>,
    documents_url: Option<String>,
    master_key: Option<String>,
    cookie_secret: Option<String>,
    organisation_name: Option<String>,
    site_root: Option<String>,
    data_dir: Option<String>,
    log: Option<String>,
    log_format: Option<LogFormat>,
    mail_url: Option<String>,
    mail_from: Option<String>,
    eo_key: Option<String>,
    upload_limit_mb: Option<u64>,
    reserve_list_months: Option<u32>,
    retention_months: Option<u32>,
    hired_retention_months: Option<u32>,
    draft_retention_days: Option<u32>,
    stalled_process_days: Option<u32>,
    purge_every_minutes: Option<u32>,
    erasure_ledger_url: Option<String>,
    claim_window_months: Option<u32>,
    conciliation_weeks: Option<u32>,
    claim_extension_months: Option<u32>,
    dbs_details_months: Option<u32>,
    reference_reminder_days: Option<u32>,
    report_threshold: Option<u32>,
    report_rounding: Option<bool>,
    report_perturbation: Option<bool>,
}

/// Example values that ship in `.env.example`; production refuses them.
const EXAMPLE_SECRETS: &[&str] =
    &["CHANGE-ME-base64-of-32-random-bytes", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="];

impl Config {
    /// Every setting, for the README and `--help`.
    #[must_use]
    pub const fn documented() -> &'static [SettingDoc] {
        docs::DOCS
    }

    /// Reads the configuration from the process environment and the optional file.
    ///
    /// # Errors
    /// A malformed value, an unreadable file, or an insecure production setting.
    pub fn load(file: Option<PathBuf>) -> anyhow::Result<Self> {
        let env: HashMap<String, String> = std::env::vars().collect();
        Self::from_sources(file, &env)
    }

    /// Reads the configuration from the given environment map (tests pass their own).
    ///
    /// # Errors
    /// As [`Config::load`].
    pub fn from_sources(
        file: Option<PathBuf>,
        env: &HashMap<String, String>,
    ) -> anyhow::Result<Self> {
        let file = file.or_else(|| env.get("SHORTLIST_CONFIG").map(PathBuf::from));
        let mut raw = match &file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading configuration file {}", path.display()))?;
                toml::from_str::<Raw>(&text)
                    .with_context(|| format!("parsing configuration file {}", path.display()))?
            }
            None => Raw::default(),
        };
        raw.overlay_env(env)?;
        Self::resolve(raw, env)
    }

    fn resolve(raw: Raw, env: &HashMap<String, String>) -> anyhow::Result<Self> {
        let mode = raw.mode.unwrap_or(Mode::Development);
        let listen: SocketAddr = raw
            .listen
            .as_deref()
            .unwrap_or("127.0.0.1:3000")
            .parse()
            .context("SHORTLIST_LISTEN must be an address and port, e.g. 127.0.0.1:3000")?;
        let public_url = raw.public_url.unwrap_or_else(|| format!("http://{listen}"));
        let public_url = url::Url::parse(&public_url).context(
            "SHORTLIST_PUBLIC_URL must be an absolute URL, e.g. https://jobs.example.org",
        )?;
        if !matches!(public_url.scheme(), "http" | "https") {
            bail!("SHORTLIST_PUBLIC_URL must start with http:// or https://");
        }
        let data_dir = PathBuf::from(raw.data_dir.unwrap_or_else(|| "./data".to_owned()));
        let database_url = raw
            .database_url
            .unwrap_or_else(|| format!("sqlite://{}/shortlist.db", data_dir.display()));
        let documents_url =
            raw.documents_url.unwrap_or_else(|| format!("file://{}/documents", data_dir.display()));
        let site_root = raw
            .site_root
            .or_else(|| env.get("LEPTOS_SITE_ROOT").cloned())
            .unwrap_or_else(|| "target/site".to_owned());

        let generated = match mode {
            Mode::Development => Some(dev_secrets(
                &data_dir,
                raw.master_key.is_some() && raw.cookie_secret.is_some(),
            )?),
            Mode::Production => None,
        };
        let (master_key, cookie_secret) = match generated {
            None => {
                let master = raw.master_key.context(
                    "production mode needs SHORTLIST_MASTER_KEY (base64 of 32 random bytes); \
                     refusing to start without it",
                )?;
                let cookie = raw.cookie_secret.context(
                    "production mode needs SHORTLIST_COOKIE_SECRET (base64 of at least 32 random \
                     bytes); refusing to start without it",
                )?;
                (master, cookie)
            }
            Some(generated) => (
                raw.master_key.unwrap_or(generated.master_key),
                raw.cookie_secret.unwrap_or(generated.cookie_secret),
            ),
        };
        let master_key = parse_master_key(&master_key)?;
        let cookie_secret = parse_cookie_secret(&cookie_secret)?;

        let mail = resolve_mail(mode, raw.mail_url, raw.mail_from, &data_dir, &public_url)?;
        let mut applying = resolve_applying(
            mode,
            raw.eo_key,
            raw.upload_limit_mb,
            raw.reserve_list_months,
            &master_key,
        )?;
        applying.retention_months = applying::retention_months(raw.retention_months)?;
        let retention = resolve_retention(
            mode,
            RawRetention {
                unsuccessful_months: applying.retention_months,
                hired_months: raw.hired_retention_months,
                draft_days: raw.draft_retention_days,
                stalled_days: raw.stalled_process_days,
                purge_every_minutes: raw.purge_every_minutes,
                claim_months: raw.claim_window_months,
                conciliation_weeks: raw.conciliation_weeks,
                claim_extension_months: raw.claim_extension_months,
                dbs_details_months: raw.dbs_details_months,
            },
            raw.erasure_ledger_url,
            &documents_url,
            &data_dir,
        )?;
        let report_policy = app::domain::disclosure::Policy::new(
            raw.report_threshold.unwrap_or(app::domain::disclosure::Policy::DEFAULT_THRESHOLD),
            raw.report_rounding.unwrap_or(false),
        )
        .context("SHORTLIST_REPORT_THRESHOLD must be at least 3")?
        // On unless turned off: without it, the same report run before and after one person
        // moves tells which categories they were counted in.
        .perturbing(raw.report_perturbation.unwrap_or(true));
        // The reminder must go while the link still works (it lasts `LINK_DAYS`).
        let reference_reminder_days = raw.reference_reminder_days.unwrap_or(7);
        if !(1..=21).contains(&reference_reminder_days) {
            bail!("SHORTLIST_REFERENCE_REMINDER_DAYS must be between 1 and 21");
        }
        let config = Self {
            mode,
            listen,
            public_url,
            database_url: Secret::new(database_url),
            database_max_connections: raw.database_max_connections.unwrap_or(10).max(1),
            documents_url,
            master_key: Secret::new(master_key),
            cookie_secret: Secret::new(cookie_secret),
            organisation_name: raw
                .organisation_name
                .unwrap_or_else(|| "Shortlist demo employer".to_owned()),
            site_root,
            data_dir,
            log_filter: raw.log.unwrap_or_else(|| "info".to_owned()),
            log_format: raw.log_format.unwrap_or(LogFormat::Text),
            mail,
            applying,
            retention,
            report_policy,
            reference_reminder_days,
        };
        config.check_production()?;
        Ok(config)
    }

    /// Refuses settings that are unsafe for real applicants' data.
    fn check_production(&self) -> anyhow::Result<()> {
        if self.mode != Mode::Production {
            return Ok(());
        }
        if self.public_url.scheme() != "https" {
            bail!("production mode needs an https:// SHORTLIST_PUBLIC_URL; refusing to start");
        }
        if self.documents_url.starts_with("memory:") {
            bail!("production mode cannot keep documents in memory; set SHORTLIST_DOCUMENTS_URL");
        }
        if self.master_key.expose().iter().all(|b| *b == self.master_key.expose()[0]) {
            bail!(
                "SHORTLIST_MASTER_KEY is not random; generate one with `openssl rand -base64 32`"
            );
        }
        Ok(())
    }

    /// Whether people reach Shortlist over TLS (HSTS, secure cookies).
    #[must_use]
    pub fn behind_tls(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

impl Raw {
    fn overlay_env(&mut self, env: &HashMap<String, String>) -> anyhow::Result<()> {
        let get = |k: &str| env.get(k).filter(|v| !v.trim().is_empty()).cloned();
        let parse_enum = |k: &str| -> anyhow::Result<Option<String>> {
            Ok(get(k).map(|v| v.trim().to_ascii_lowercase()))
        };
        if let Some(v) = parse_enum("SHORTLIST_MODE")? {
            self.mode = Some(match v.as_str() {
                "development" => Mode::Development,
                "production" => Mode::Production,
                _ => bail!("SHORTLIST_MODE must be `development` or `production`"),
            });
        }
        if let Some(v) = parse_enum("SHORTLIST_LOG_FORMAT")? {
            self.log_format = Some(match v.as_str() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                _ => bail!("SHORTLIST_LOG_FORMAT must be `text` or `json`"),
            });
        }
        if let Some(v) = get("SHORTLIST_UPLOAD_LIMIT_MB") {
            self.upload_limit_mb =
                Some(v.trim().parse().context("SHORTLIST_UPLOAD_LIMIT_MB must be a whole number")?);
        }
        if let Some(v) = get("SHORTLIST_RESERVE_LIST_MONTHS") {
            self.reserve_list_months = Some(
                v.trim().parse().context("SHORTLIST_RESERVE_LIST_MONTHS must be a whole number")?,
            );
        }
        if let Some(v) = get("SHORTLIST_RETENTION_MONTHS") {
            self.retention_months = Some(
                v.trim().parse().context("SHORTLIST_RETENTION_MONTHS must be a whole number")?,
            );
        }
        for (key, slot) in [
            ("SHORTLIST_HIRED_RETENTION_MONTHS", &mut self.hired_retention_months),
            ("SHORTLIST_DRAFT_RETENTION_DAYS", &mut self.draft_retention_days),
            ("SHORTLIST_STALLED_PROCESS_DAYS", &mut self.stalled_process_days),
            ("SHORTLIST_PURGE_EVERY_MINUTES", &mut self.purge_every_minutes),
            ("SHORTLIST_CLAIM_WINDOW_MONTHS", &mut self.claim_window_months),
            ("SHORTLIST_CONCILIATION_WEEKS", &mut self.conciliation_weeks),
            ("SHORTLIST_CLAIM_EXTENSION_MONTHS", &mut self.claim_extension_months),
            ("SHORTLIST_DBS_DETAILS_MONTHS", &mut self.dbs_details_months),
            ("SHORTLIST_REFERENCE_REMINDER_DAYS", &mut self.reference_reminder_days),
            ("SHORTLIST_REPORT_THRESHOLD", &mut self.report_threshold),
        ] {
            if let Some(v) = get(key) {
                *slot = Some(
                    v.trim().parse().with_context(|| format!("{key} must be a whole number"))?,
                );
            }
        }
        for (key, slot) in [
            ("SHORTLIST_REPORT_ROUNDING", &mut self.report_rounding),
            ("SHORTLIST_REPORT_PERTURBATION", &mut self.report_perturbation),
        ] {
            if let Some(v) = get(key) {
                *slot = Some(match v.trim() {
                    "true" | "1" | "yes" => true,
                    "false" | "0" | "no" => false,
                    _ => anyhow::bail!("{key} must be true or false"),
                });
            }
        }
        if let Some(v) = get("SHORTLIST_DATABASE_MAX_CONNECTIONS") {
            self.database_max_connections = Some(
                v.trim().parse().context("SHORTLIST_DATABASE_MAX_CONNECTIONS must be a number")?,
            );
        }
        for (key, slot) in [
            ("SHORTLIST_LISTEN", &mut self.listen),
            ("SHORTLIST_PUBLIC_URL", &mut self.public_url),
            ("DATABASE_URL", &mut self.database_url),
            ("SHORTLIST_DOCUMENTS_URL", &mut self.documents_url),
            ("SHORTLIST_MASTER_KEY", &mut self.master_key),
            ("SHORTLIST_COOKIE_SECRET", &mut self.cookie_secret),
            ("SHORTLIST_ORGANISATION_NAME", &mut self.organisation_name),
            ("SHORTLIST_SITE_ROOT", &mut self.site_root),
            ("SHORTLIST_DATA_DIR", &mut self.data_dir),
            ("SHORTLIST_LOG", &mut self.log),
            ("SHORTLIST_MAIL_URL", &mut self.mail_url),
            ("SHORTLIST_MAIL_FROM", &mut self.mail_from),
            ("SHORTLIST_EO_KEY", &mut self.eo_key),
            ("SHORTLIST_ERASURE_LEDGER_URL", &mut self.erasure_ledger_url),
        ] {
            if let Some(v) = get(key) {
                *slot = Some(v);
            }
        }
        Ok(())
    }
}

fn parse_master_key(text: &str) -> anyhow::Result<Zeroizing<[u8; 32]>> {
    if EXAMPLE_SECRETS.contains(&text.trim()) {
        bail!(
            "SHORTLIST_MASTER_KEY is the example value; generate one with `openssl rand -base64 32`"
        );
    }
    let bytes = Zeroizing::new(
        B64.decode(text.trim()).context("SHORTLIST_MASTER_KEY must be base64 (of 32 bytes)")?,
    );
    let key: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| anyhow::anyhow!("SHORTLIST_MASTER_KEY must decode to exactly 32 bytes"))?;
    Ok(Zeroizing::new(key))
}

fn parse_cookie_secret(text: &str) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    if EXAMPLE_SECRETS.contains(&text.trim()) {
        bail!(
            "SHORTLIST_COOKIE_SECRET is the example value; generate one with `openssl rand -base64 32`"
        );
    }
    let bytes =
        Zeroizing::new(B64.decode(text.trim()).context("SHORTLIST_COOKIE_SECRET must be base64")?);
    if bytes.len() < 32 {
        bail!("SHORTLIST_COOKIE_SECRET must decode to at least 32 bytes");
    }
    Ok(bytes)
}

/// Development secrets, generated once per data directory so that documents encrypted in one
/// run can be read in the next. They never leave the machine and are never built in.
#[derive(Debug, Deserialize, serde::Serialize)]
struct DevSecrets {
    master_key: String,
    cookie_secret: String,
}

fn dev_secrets(data_dir: &std::path::Path, both_given: bool) -> anyhow::Result<DevSecrets> {
    if both_given {
        // Both given: nothing to generate or write.
        return Ok(DevSecrets { master_key: String::new(), cookie_secret: String::new() });
    }
    let path = data_dir.join("secrets.toml");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return toml::from_str(&text).with_context(|| format!("parsing {}", path.display()));
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating data directory {}", data_dir.display()))?;
    let secrets = DevSecrets {
        master_key: B64.encode(crate::documents::random_bytes::<32>()),
        cookie_secret: B64.encode(crate::documents::random_bytes::<32>()),
    };
    let text = format!(
        "# Generated by Shortlist in development mode. Never use in production.\n{}",
        toml::to_string(&secrets).context("serialising development secrets")?
    );
    write_private(&path, &text).with_context(|| format!("writing {}", path.display()))?;
    Ok(secrets)
}

/// Writes a file readable by its owner only.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn key() -> String {
        B64.encode(crate::documents::random_bytes::<32>())
    }

    #[test]
    fn runs_locally_with_nothing_set() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let c = Config::from_sources(None, &env(&[("SHORTLIST_DATA_DIR", data.to_str().unwrap())]))
            .unwrap();
        assert_eq!(c.mode, Mode::Development);
        assert_eq!(c.listen, "127.0.0.1:3000".parse().unwrap());
        assert!(c.database_url.expose().starts_with("sqlite://"));
        assert!(c.documents_url.starts_with("file://"));
        // Equal-opportunities figures: threshold 10, not rounded, perturbed.
        assert_eq!(c.report_policy.threshold(), 10);
        assert!(!c.report_policy.rounds() && c.report_policy.perturbs());
        // Generated secrets are kept, so a second start reads the same key.
        let again =
            Config::from_sources(None, &env(&[("SHORTLIST_DATA_DIR", data.to_str().unwrap())]))
                .unwrap();
        assert_eq!(c.master_key.expose().as_slice(), again.master_key.expose().as_slice());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(data.join("secrets.toml")).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "secrets file readable by others");
        }
    }

    #[test]
    fn secrets_never_appear_in_debug_output() {
        let master = key();
        let c = Config::from_sources(
            None,
            &env(&[
                ("SHORTLIST_MASTER_KEY", &master),
                ("SHORTLIST_COOKIE_SECRET", &key()),
                ("DATABASE_URL", "postgres://user:hunter2@db/shortlist"),
            ]),
        )
        .unwrap();
        let debug = format!("{c:?}");
        assert!(!debug.contains(&master));
        assert!(!debug.contains("hunter2"));
        assert!(debug.contains("[redacted]"));
    }

    #[test]
    fn production_refuses_to_start_without_real_secrets() {
        let base = [
            ("SHORTLIST_MODE", "production"),
            ("SHORTLIST_PUBLIC_URL", "https://jobs.example.org"),
        ];
        let err = Config::from_sources(None, &env(&base)).unwrap_err().to_string();
        assert!(err.contains("SHORTLIST_MASTER_KEY"), "{err}");

        let master = key();
        let mut no_cookie = base.to_vec();
        no_cookie.push(("SHORTLIST_MASTER_KEY", &master));
        let err = Config::from_sources(None, &env(&no_cookie)).unwrap_err().to_string();
        assert!(err.contains("SHORTLIST_COOKIE_SECRET"), "{err}");

        let cookie = key();
        let mut example = base.to_vec();
        example.push(("SHORTLIST_MASTER_KEY", "CHANGE-ME-base64-of-32-random-bytes"));
        example.push(("SHORTLIST_COOKIE_SECRET", &cookie));
        assert!(Config::from_sources(None, &env(&example)).is_err());

        let zero = B64.encode([0u8; 32]);
        let mut weak = base.to_vec();
        weak.push(("SHORTLIST_MASTER_KEY", &zero));
        weak.push(("SHORTLIST_COOKIE_SECRET", &cookie));
        assert!(Config::from_sources(None, &env(&weak)).is_err());

        let mut good = base.to_vec();
        good.push(("SHORTLIST_MASTER_KEY", &master));
        good.push(("SHORTLIST_COOKIE_SECRET", &cookie));
        let err = Config::from_sources(None, &env(&good)).unwrap_err().to_string();
        assert!(err.contains("SHORTLIST_MAIL_URL"), "{err}");
        good.push(("SHORTLIST_MAIL_URL", "smtp://user:pw@mail.example.org:587"));
        let err = Config::from_sources(None, &env(&good)).unwrap_err().to_string();
        assert!(err.contains("unencrypted"), "{err}");
        good.pop();
        good.push(("SHORTLIST_MAIL_URL", "smtp://user:pw@mail.example.org:587?tls=required"));
        let err = Config::from_sources(None, &env(&good)).unwrap_err().to_string();
        assert!(err.contains("SHORTLIST_EO_KEY"), "{err}");
        let eo = key();
        good.push(("SHORTLIST_EO_KEY", &eo));
        let c = Config::from_sources(None, &env(&good)).unwrap();
        assert!(c.behind_tls());
        assert!(!format!("{c:?}").contains("pw@"), "the SMTP password is redacted");
        assert_eq!(c.mail.from, "Shortlist <no-reply@jobs.example.org>");
    }

    #[test]
    fn production_refuses_plain_http_and_memory_documents() {
        let (master, cookie) = (key(), key());
        let mut http = vec![
            ("SHORTLIST_MODE", "production"),
            ("SHORTLIST_MASTER_KEY", master.as_str()),
            ("SHORTLIST_COOKIE_SECRET", cookie.as_str()),
            ("SHORTLIST_PUBLIC_URL", "http://jobs.example.org"),
        ];
        assert!(Config::from_sources(None, &env(&http)).is_err());
        http[3] = ("SHORTLIST_PUBLIC_URL", "https://jobs.example.org");
        http.push(("SHORTLIST_DOCUMENTS_URL", "memory://"));
        assert!(Config::from_sources(None, &env(&http)).is_err());
    }

    #[test]
    fn file_values_are_overridden_by_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("shortlist.toml");
        std::fs::write(
            &file,
            format!(
                "listen = \"127.0.0.1:4000\"\norganisation_name = \"From file\"\nmaster_key = \"{}\"\ncookie_secret = \"{}\"\n",
                key(),
                key()
            ),
        )
        .unwrap();
        let c = Config::from_sources(
            Some(file.clone()),
            &env(&[("SHORTLIST_ORGANISATION_NAME", "From env")]),
        )
        .unwrap();
        assert_eq!(c.listen.port(), 4000);
        assert_eq!(c.organisation_name, "From env");

        std::fs::write(&file, "lisen = \"typo\"\n").unwrap();
        let err = format!("{:#}", Config::from_sources(Some(file), &env(&[])).unwrap_err());
        assert!(err.contains("lisen"), "unknown keys are named: {err}");
    }

    #[test]
    fn malformed_values_are_refused_with_the_setting_named() {
        let (master, cookie) = (key(), key());
        let base = [
            ("SHORTLIST_MASTER_KEY", master.as_str()),
            ("SHORTLIST_COOKIE_SECRET", cookie.as_str()),
        ];
        for (k, v) in [
            ("SHORTLIST_LISTEN", "localhost"),
            ("SHORTLIST_MODE", "prod"),
            ("SHORTLIST_PUBLIC_URL", "ftp://x"),
            ("SHORTLIST_MASTER_KEY", "c2hvcnQ="),
            ("SHORTLIST_DATABASE_MAX_CONNECTIONS", "many"),
            ("SHORTLIST_REPORT_ROUNDING", "sometimes"),
            ("SHORTLIST_REPORT_PERTURBATION", "maybe"),
        ] {
            let mut pairs = base.to_vec();
            pairs.retain(|(key, _)| *key != k);
            pairs.push((k, v));
            let err = format!("{:#}", Config::from_sources(None, &env(&pairs)).unwrap_err());
            assert!(err.contains(k) || err.contains("SHORTLIST_"), "{k}: {err}");
        }
    }

    /// The README table and `.env.example` are how operators learn the settings; a setting
    /// added here without documenting it there fails this test.
    #[test]
    fn every_setting_is_documented_in_readme_and_env_example() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        let example = std::fs::read_to_string(root.join(".env.example")).unwrap();
        for s in Config::documented() {
            assert!(readme.contains(&format!("| `{}` |", s.env)), "README lacks {}", s.env);
            assert!(example.contains(s.env), ".env.example lacks {}", s.env);
        }
    }

    /// The example secrets in `.env.example` must be the ones production refuses.
    #[test]
    fn env_example_secrets_are_refused_in_production() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let example = std::fs::read_to_string(root.join(".env.example")).unwrap();
        for line in example.lines().filter(|l| l.contains("_KEY=") || l.contains("_SECRET=")) {
            let value = line.split_once('=').unwrap().1;
            assert!(EXAMPLE_SECRETS.contains(&value), "{line} is not a refused example value");
        }
    }
}
