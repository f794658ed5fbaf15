//! Logging set-up. Log lines carry ids, routes and counts — never names, emails, document
//! contents or free text a person typed.

use crate::config::{Config, LogFormat};
use std::io::IsTerminal as _;
use tracing_subscriber::{EnvFilter, fmt};

/// Installs the global subscriber once; later calls (tests) are ignored.
pub fn init(config: &Config) {
    let filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    // Colour only for a person at a terminal; files and log collectors get plain text.
    let builder =
        fmt().with_env_filter(filter).with_target(false).with_ansi(std::io::stdout().is_terminal());
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
