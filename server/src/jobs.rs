//! The loop every background job runs in: a tick at a fixed interval until the server shuts
//! down, each failure logged (the job's next tick picks its work up again).
//!
//! Jobs must be safe to run on several instances at once (each claims its work in the
//! database); this module only schedules them. It never logs anything but the job's name and
//! the error, which callers keep free of personal data.

use std::{future::Future, time::Duration};

/// Calls `job` every `every` until `shutdown` completes. A tick missed while a run was slow is
/// delayed, not run twice in a row.
pub async fn every<F, Fut, E>(
    what: &'static str,
    every: Duration,
    shutdown: impl Future<Output = ()>,
    mut job: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    let mut shutdown = std::pin::pin!(shutdown);
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = &mut shutdown => return,
            _ = tick.tick() => {
                if let Err(e) = job().await {
                    tracing::warn!(job = what, error = %e, "background job failed; will try again");
                }
            }
        }
    }
}
