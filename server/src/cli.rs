//! The `server` command line: `serve` (the default), `migrate`, `seed-demo`, `create-admin`,
//! `outbox`, `purge`, `config`.

use crate::{config::Config, seed, startup, telemetry};
use clap::{Parser, Subcommand};
use std::{path::PathBuf, process::ExitCode};

/// Shortlist: a recruitment tracking system that keeps personal data only as long as the law
/// allows.
#[derive(Debug, Parser)]
#[command(name = "server", version, about)]
pub struct Cli {
    /// Optional TOML configuration file (environment variables override it).
    #[arg(long, global = true, env = "SHORTLIST_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Migrate the database, then serve HTTP until Ctrl-C or SIGTERM (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Add a few demo vacancies (idempotent), so a new installation has something to show.
    SeedDemo,
    /// Create an HR administrator and print a one-time link (valid 72 hours) to set their
    /// password. There is never a default password.
    CreateAdmin {
        /// Their email address (how they sign in).
        #[arg(long)]
        email: String,
        /// Their name as colleagues see it.
        #[arg(long, default_value = "HR administrator")]
        name: String,
    },
    /// List the newest messages in the mail outbox (development: read them in
    /// `<data_dir>/outbox/<id>.eml`). Bodies are kept only until delivery.
    Outbox {
        /// How many messages to list.
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// Purge what the retention rules say is due: finish interrupted purges, erase again what
    /// a restored backup brought back, then purge applications whose retention date has passed
    /// and abandoned drafts. Waits for nobody: if another instance is purging, says so and
    /// exits.
    Purge {
        /// List what would go and why, changing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Purge (or preview) as of the end of this day (YYYY-MM-DD, UTC) instead of now.
        /// A real run cannot look ahead of today.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
        as_of: Option<chrono::NaiveDate>,
    },
    /// List every configuration setting with its default.
    Config,
}

fn parse_as_of(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date in the form YYYY-MM-DD, e.g. 2027-05-31"))
}

/// Runs the command line; the exit code says whether it worked.
pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Config) = cli.command {
        for s in Config::documented() {
            println!("{:<36} {:<26} default: {}\n    {}\n", s.env, s.toml, s.default, s.meaning);
        }
        return ExitCode::SUCCESS;
    }
    let config = match Config::load(cli.config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("shortlist: configuration error: {e:#}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&config);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => migrate(&config).await,
        Command::SeedDemo => seed_demo(&config).await,
        Command::CreateAdmin { ref email, ref name } => create_admin(&config, email, name).await,
        Command::Outbox { limit } => outbox(&config, limit).await,
        Command::Purge { dry_run, as_of } => purge(&config, dry_run, as_of).await,
        Command::Config => Ok(()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "failed");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    tracing::info!(mode = ?config.mode, public_url = %config.public_url, "starting Shortlist");
    let app = startup::Application::build(config).await?;
    app.run_until(startup::shutdown_signal()).await?;
    Ok(())
}

async fn migrate(config: &Config) -> anyhow::Result<()> {
    let db = startup::connect_and_migrate(config).await?;
    db.close().await;
    tracing::info!("database is up to date");
    Ok(())
}

async fn seed_demo(config: &Config) -> anyhow::Result<()> {
    let db = startup::connect_and_migrate(config).await?;
    let added = seed::seed_demo(&db, chrono::Utc::now()).await?;
    db.close().await;
    tracing::info!(added, "demo vacancies seeded");
    Ok(())
}

async fn create_admin(config: &Config, email: &str, name: &str) -> anyhow::Result<()> {
    let link = crate::admin::create_admin(config, email, name, chrono::Utc::now()).await?;
    // The one place a secret is printed: to the operator's terminal, once, never to the log.
    println!("Created an HR administrator account for {}.", email.trim());
    println!("They set their password here (the link works once, for 72 hours):");
    println!("{link}");
    Ok(())
}

async fn purge(
    config: &Config,
    dry_run: bool,
    as_of: Option<chrono::NaiveDate>,
) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let as_of = match as_of {
        None => now,
        Some(day) => {
            let end = day
                .and_hms_opt(23, 59, 59)
                .map(|t| t.and_utc())
                .ok_or_else(|| anyhow::anyhow!("--as-of is not a day"))?;
            // Purging ahead of time would erase what the rules still keep.
            if !dry_run && day > now.date_naive() {
                anyhow::bail!(
                    "--as-of {day} is in the future; only a --dry-run can look ahead (nothing was purged)"
                );
            }
            end.min(if dry_run { end } else { now })
        }
    };
    let db = startup::connect_and_migrate(config).await?;
    let store = crate::documents::open_object_store(&config.documents_url)?;
    let documents = crate::documents::Documents::new(store, config.master_key.expose(), db.clone());
    let pseudonyms =
        std::sync::Arc::new(crate::monitoring::Pseudonymiser::new(config.applying.eo_key.expose()));
    let purger = startup::purger(
        config,
        &db,
        &documents,
        &pseudonyms,
        std::sync::Arc::new(app::ports::SystemClock),
    )?;
    let result = purge_with(&purger, dry_run, as_of).await;
    db.close().await;
    result
}

/// Runs (or previews) a purge and prints what it did — ids, references, rules and counts,
/// never a name or an address.
async fn purge_with(
    purger: &crate::retention::Purger,
    dry_run: bool,
    as_of: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    use crate::retention::Outcome;
    let day = as_of.format("%Y-%m-%d %H:%M UTC");
    if dry_run {
        let plan = purger.plan(as_of).await?;
        println!("Dry run as of {day}: nothing was changed.");
        if plan.interrupted > 0 {
            println!("{} interrupted purge(s) would be finished.", plan.interrupted);
        }
        if plan.restored > 0 {
            println!(
                "{} application(s) listed in the erasure ledger are back (a restored backup) and would be erased again.",
                plan.restored
            );
        }
        if plan.dbs_minimise > 0 {
            println!(
                "{} DBS check(s) would be reduced to date, certificate number and decision.",
                plan.dbs_minimise
            );
        }
        println!("{} application(s) and draft(s) are due:", plan.due.len());
        for d in &plan.due {
            let rule = app::domain::retention::Rule::from_code(&d.retention_rule)
                .map_or_else(|| d.retention_rule.clone(), |r| r.words().to_owned());
            println!(
                "  {}  {:<12}  {}  due {}  — {}  ({})",
                d.id,
                d.reference.as_deref().unwrap_or("draft"),
                d.status,
                d.retain_until.format("%Y-%m-%d"),
                rule,
                d.vacancy_title
            );
        }
        return Ok(());
    }
    match purger.run(as_of, crate::retention::Trigger::Command).await? {
        Outcome::Busy => {
            println!("Another instance is purging now; nothing was done. Try again later.");
        }
        Outcome::Done { run, counts } => {
            println!(
                "Purge as of {day} finished (log entry {run}): {} application(s), {} draft(s), {} document(s), {} row(s); {} brought back by a restore and erased again; {} DBS check(s) reduced to date, number and decision.",
                counts.applications,
                counts.drafts,
                counts.documents,
                counts.rows,
                counts.restored,
                counts.dbs_minimised
            );
        }
    }
    Ok(())
}

async fn outbox(config: &Config, limit: i64) -> anyhow::Result<()> {
    let db = startup::connect_and_migrate(config).await?;
    let messages = {
        let mut conn = db.acquire().await?;
        crate::db::mail::recent(conn.conn(), limit.clamp(1, 1000)).await?
    };
    db.close().await;
    if messages.is_empty() {
        println!("The outbox is empty.");
    }
    let folder = match &config.mail.transport {
        crate::config::MailTransport::Folder(dir) => Some(dir.clone()),
        crate::config::MailTransport::Smtp(_) => None,
    };
    // For the operator's terminal only; never logged.
    for m in messages {
        let status = match (m.sent_at, m.failed_at) {
            (Some(at), _) => format!("sent {}", at.format("%Y-%m-%d %H:%M:%S UTC")),
            (None, Some(at)) => format!(
                "failed {} ({})",
                at.format("%Y-%m-%d %H:%M:%S UTC"),
                m.last_error.as_deref().unwrap_or("unknown")
            ),
            (None, None) => format!(
                "pending, attempt {} at {}",
                m.attempts + 1,
                m.next_attempt_at.format("%Y-%m-%d %H:%M:%S UTC")
            ),
        };
        println!(
            "{}  {}  {}  to {}  \"{}\"  [{}]",
            m.id,
            m.created_at.format("%Y-%m-%d %H:%M"),
            m.purpose,
            m.to,
            m.subject,
            status
        );
        if let (Some(dir), Some(_)) = (&folder, m.sent_at) {
            println!("    {}", dir.join(format!("{}.eml", m.id)).display());
        }
    }
    Ok(())
}
