//! The documented list of every setting: the README table, `.env.example` and `server config`
//! follow it (a test keeps them in step).

use super::SettingDoc;

pub(super) const DOCS: &[SettingDoc] = &[
    SettingDoc {
        env: "SHORTLIST_MODE",
        toml: "mode",
        default: "development",
        meaning: "`development` or `production`. Production refuses to start without explicit secrets and an https public URL.",
    },
    SettingDoc {
        env: "SHORTLIST_LISTEN",
        toml: "listen",
        default: "127.0.0.1:3000",
        meaning: "Address and port to listen on (port 0 picks a free one).",
    },
    SettingDoc {
        env: "SHORTLIST_PUBLIC_URL",
        toml: "public_url",
        default: "http://<listen>",
        meaning: "The address people use. `https://` turns on HSTS and secure cookies.",
    },
    SettingDoc {
        env: "DATABASE_URL",
        toml: "database_url",
        default: "sqlite://<data_dir>/shortlist.db",
        meaning: "`sqlite://path` (created if missing) or `postgres://user@host/db`.",
    },
    SettingDoc {
        env: "SHORTLIST_DATABASE_MAX_CONNECTIONS",
        toml: "database_max_connections",
        default: "10",
        meaning: "Pool size per instance.",
    },
    SettingDoc {
        env: "SHORTLIST_DOCUMENTS_URL",
        toml: "documents_url",
        default: "file://<data_dir>/documents",
        meaning: "Document storage: `file://dir`, `s3://bucket/prefix` (credentials from the standard `AWS_*` variables), or `memory://` (tests only; refused in production).",
    },
    SettingDoc {
        env: "SHORTLIST_MASTER_KEY",
        toml: "master_key",
        default: "development: generated into <data_dir>/secrets.toml",
        meaning: "Base64 of 32 random bytes (`openssl rand -base64 32`). Wraps every application's document key. Required in production.",
    },
    SettingDoc {
        env: "SHORTLIST_COOKIE_SECRET",
        toml: "cookie_secret",
        default: "development: generated into <data_dir>/secrets.toml",
        meaning: "Base64 of at least 32 random bytes. Signs session and CSRF cookies (staff sign-in builds on it). Required in production.",
    },
    SettingDoc {
        env: "SHORTLIST_ORGANISATION_NAME",
        toml: "organisation_name",
        default: "Shortlist demo employer",
        meaning: "The employer's name shown on public pages.",
    },
    SettingDoc {
        env: "SHORTLIST_SITE_ROOT",
        toml: "site_root",
        default: "$LEPTOS_SITE_ROOT or target/site",
        meaning: "Directory of the built site (wasm, JS, CSS).",
    },
    SettingDoc {
        env: "SHORTLIST_DATA_DIR",
        toml: "data_dir",
        default: "./data",
        meaning: "Local data: SQLite file, documents, generated development secrets.",
    },
    SettingDoc {
        env: "SHORTLIST_LOG",
        toml: "log",
        default: "info",
        meaning: "Log filter (`tracing` syntax, e.g. `server=debug,info`).",
    },
    SettingDoc {
        env: "SHORTLIST_LOG_FORMAT",
        toml: "log_format",
        default: "text",
        meaning: "`text` or `json`.",
    },
    SettingDoc {
        env: "SHORTLIST_MAIL_URL",
        toml: "mail_url",
        default: "development: file://<data_dir>/outbox",
        meaning: "Where mail goes: `smtps://user:pass@host:465` or `smtp://user:pass@host:587?tls=required` (SMTP relay), or `file://dir` (one `.eml` file per message). Required in production, where plain-text SMTP to another host is refused.",
    },
    SettingDoc {
        env: "SHORTLIST_MAIL_FROM",
        toml: "mail_from",
        default: "Shortlist <no-reply@<public_url host>>",
        meaning: "The `From` address of every message.",
    },
    SettingDoc {
        env: "SHORTLIST_EO_KEY",
        toml: "eo_key",
        default: "development: derived from the master key",
        meaning: "Base64 of 32 random bytes, different from the master key. Makes the pseudonyms that key equal-opportunities answers; keep it apart from database backups. Required in production.",
    },
    SettingDoc {
        env: "SHORTLIST_UPLOAD_LIMIT_MB",
        toml: "upload_limit_mb",
        default: "10",
        meaning: "The largest CV an applicant may upload, in megabytes (1 to 50).",
    },
    SettingDoc {
        env: "SHORTLIST_RESERVE_LIST_MONTHS",
        toml: "reserve_list_months",
        default: "12",
        meaning: "How long a reserve-list consent lasts, in months (1 to 24).",
    },
    SettingDoc {
        env: "SHORTLIST_RETENTION_MONTHS",
        toml: "retention_months",
        default: "6",
        meaning: "How long an unsuccessful application is kept after the decision, in months (1 to 24). Stated on every vacancy page; the purge keeps to it.",
    },
    SettingDoc {
        env: "SHORTLIST_HIRED_RETENTION_MONTHS",
        toml: "hired_retention_months",
        default: "6",
        meaning: "How long a hire's application is kept after its hand-over to the HR system, in months (1 to 24).",
    },
    SettingDoc {
        env: "SHORTLIST_DBS_DETAILS_MONTHS",
        toml: "dbs_details_months",
        default: "6",
        meaning: "Months after a DBS decision at which the certificate's details are reduced to its date, number and the decision (1 to 24).",
    },
    SettingDoc {
        env: "SHORTLIST_REFERENCE_REMINDER_DAYS",
        toml: "reference_reminder_days",
        default: "7",
        meaning: "Days after a reference request at which a referee who has not answered is reminded, once (1 to 21; the link works for 28 days).",
    },
    SettingDoc {
        env: "SHORTLIST_DRAFT_RETENTION_DAYS",
        toml: "draft_retention_days",
        default: "30",
        meaning: "How long an unsent draft is kept after its last change, in days (1 to 90).",
    },
    SettingDoc {
        env: "SHORTLIST_STALLED_PROCESS_DAYS",
        toml: "stalled_process_days",
        default: "90",
        meaning: "Days after a vacancy closes at which an application with no decision counts as ended (30 to 365); the unsuccessful period runs from then.",
    },
    SettingDoc {
        env: "SHORTLIST_PURGE_EVERY_MINUTES",
        toml: "purge_every_minutes",
        default: "60",
        meaning: "Minutes between purge runs inside the server (0 turns the schedule off; `server purge` always works). Only one instance purges at a time.",
    },
    SettingDoc {
        env: "SHORTLIST_ERASURE_LEDGER_URL",
        toml: "erasure_ledger_url",
        default: "file://<data_dir>/erasure-ledger",
        meaning: "Where the ids of purged applications are kept (file://, s3:// or memory:// for tests). Keep it apart from database and document backups: after a restore, the next purge erases every application listed here again.",
    },
    SettingDoc {
        env: "SHORTLIST_CLAIM_WINDOW_MONTHS",
        toml: "claim_window_months",
        default: "3",
        meaning: "The employment-tribunal claim period after a recruitment decision, in months (less a day). With the two settings below it is the longest a claim may take to arrive; the retention overview warns HR when the unsuccessful period is shorter.",
    },
    SettingDoc {
        env: "SHORTLIST_CONCILIATION_WEEKS",
        toml: "conciliation_weeks",
        default: "12",
        meaning: "The longest early conciliation that pauses the claim period, in weeks.",
    },
    SettingDoc {
        env: "SHORTLIST_CLAIM_EXTENSION_MONTHS",
        toml: "claim_extension_months",
        default: "1",
        meaning: "What is added to the claim period after early conciliation ends, in months.",
    },
    SettingDoc {
        env: "SHORTLIST_CONFIG",
        toml: "-",
        default: "none",
        meaning: "Path of an optional TOML file with any of the keys above.",
    },
];
