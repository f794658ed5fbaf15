//! The server's integration tests, in one binary (one link step instead of one per file).
//!
//! - `conformance`: the store's behaviour, run identically against SQLite and PostgreSQL.
//! - `documents`: encrypted document storage over a real database and an in-memory store.
//! - `staff`: staff accounts, sessions and the audit log, on both backends.
//! - `access`: the access matrix, every route by every kind of actor.
//! - `applicant`: a simulated applicant (the journey's calls, uploads, stored counts), shared.
//! - `applying`: the application journey, bad input, uploads, monitoring kept apart.
//! - `portal`: the applicant portal: links, withdrawing, consents, contact corrections.
//! - `accounts`: user management, invitations by email, the mail outbox and second factors.
//! - `signin`: staff sign-in, sign-out and sessions over HTTP.
//! - `selection`: the pipeline board and candidate pages from outside: EO separation, the
//!   name-blind sift, independent scoring.
//! - `checks`: pre-employment checks, the hire export against its documented schema, the
//!   hand-over, DBS minimisation and the purge of checks, on both backends.
//! - `decisions`: rejections, the restriction freeze, version checks, the pipeline to hired.
//! - `references`: HR asks for referees at the offer; the applicant names them in the portal
//!   with consent; who sees them; the purge takes them.
//! - `reference_requests`: HR sends each referee a single-use link; the referee's form, bad
//!   input kept for them, decline, reuse and expiry refused, one reminder, who reads answers.
//! - `reserve_list`: the renewal notice a month before a reserve-list consent lapses, its
//!   one-click renew and withdraw, used and lapsed links; candidates found appointable, the
//!   one-click join link, who is on a list (consent only), merit order, matches for a new
//!   vacancy and invitations.
//! - `access_bundles`: access bundles compared with a search of every table, HR's review and
//!   release, the portal's copies; erasure on request through the purge, refused under hold.
//! - `rights`: the rights-request register — logging, deadlines, due soon and overdue, the
//!   extension that tells the person, closing once, who may see it, and portal requests.
//! - `retention`: stored retention dates, legal holds, the purge's completeness on both
//!   backends, interruption at every step, a restored backup purged again, two purgers at once.
//! - `purge_runs`: the purge interrupted at every step, two purgers at once, a restored backup,
//!   the retention dashboard and schedule.
//! - `purge_kill`: a real `server purge` process killed at random moments, many times.
//! - `vacancies`: HR's vacancy management, the closing alert, and the careers pages after it.
//! - `http`: the whole application started in-process on port 0 and driven over HTTP.
//!
//! PostgreSQL tests need a server (see `helpers::postgres_admin_url`); when none answers they
//! fail with a message saying so — they never skip.

// Helpers outside #[test] functions unwrap too; in a test binary a panic is the failure report.
#![expect(clippy::unwrap_used, reason = "test code: a panic is a failing test with its location")]

#[macro_use]
mod helpers;
mod access;
mod access_bundles;
mod accounts;
mod applicant;
mod applying;
mod checks;
mod conformance;
mod decisions;
mod documents;
mod http;
mod outbox;
mod portal;
mod purge_kill;
mod purge_runs;
mod reference_requests;
mod references;
mod reports;
mod reserve_list;
mod retention;
mod rights;
mod selection;
mod signin;
mod staff;
mod vacancies;
