//! Shortlist's server: everything only the server has.
//!
//! Configuration ([`config`]), the HTTP surface ([`http`]), start-up ([`startup`]) and the
//! adapters that implement `app`'s ports: the database ([`db`]), encrypted document storage
//! ([`documents`]) and the careers catalogue ([`careers`]). `main.rs` is a thin wrapper over
//! [`cli`], so tests build the whole application in-process.
//!
//! Nothing here renders pages or holds a rule a page could need: those live in `app`.

pub mod admin;
pub mod applying;
pub mod audit_trail;
pub mod auth;
pub mod careers;
pub mod checks;
pub mod cli;
pub mod config;
pub mod db;
pub mod documents;
pub mod http;
pub mod jobs;
pub mod mail;
pub mod monitoring;
pub mod portal;
pub mod references;
pub mod reports;
pub mod reserve;
pub mod retention;
pub mod rights;
pub mod seed;
pub mod selection;
pub mod staff_admin;
pub mod startup;
pub mod telemetry;
pub mod vacancy_admin;
