//! The `server` command line: `serve` (the default), `migrate`, `seed-demo`, `create-admin`,
//! `outbox`, `config`.

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
    /// List every configuration setting with its default.
    Config,
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
