//! Outgoing mail: the outbox every message goes through, and the dispatcher that delivers it.
//!
//! A message is stored (in the same transaction as the change that caused it, so an
//! invitation is never lost and never sent for a change that rolled back), then delivered by a
//! background dispatcher through the configured transport: an SMTP relay, or `.eml` files in a
//! folder (the development default, read with `server outbox`). A failed attempt is retried
//! with exponential back-off; after [`MAX_ATTEMPTS`] the message is marked failed. Delivered
//! and failed messages lose their body, because the links they carry are credentials.
//!
//! This module never logs an address, a subject or a body: only message ids and error kinds.

use crate::config::{MailConfig, MailTransport};
use crate::db::{self, Database, DbError};
use app::ports::Clock;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use lettre::{
    AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor, message::Mailbox,
    message::header::ContentType,
};
use std::{path::PathBuf, sync::Arc};
use tokio::sync::Notify;
use uuid::Uuid;

pub use db::mail::NewMessage;

/// Attempts before a message is given up.
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a dispatcher may hold a message before another may take it over.
const LEASE: Duration = Duration::minutes(2);
/// How often the dispatcher looks for due messages when nothing wakes it (retries, and
/// messages stored by other instances).
const POLL: std::time::Duration = std::time::Duration::from_secs(5);

/// The delay before the next attempt after `attempts` failed ones, or `None` to give up:
/// 30 s, 1 min, 2 min, … doubling, at most 6 hours apart.
#[must_use]
pub fn backoff(attempts: i64) -> Option<Duration> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let exponent = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    Some(Duration::seconds(30 * 2_i64.pow(exponent)).min(Duration::hours(6)))
}

/// The handle the rest of the server uses to send mail.
#[derive(Debug, Clone)]
pub struct Outbox {
    wake: Arc<Notify>,
}

impl Default for Outbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Outbox {
    /// A new outbox handle (one per process; the dispatcher shares its wake-up).
    #[must_use]
    pub fn new() -> Self {
        Self { wake: Arc::new(Notify::new()) }
    }

    /// Stores a message on `conn` (normally the caller's transaction). Call [`Outbox::wake`]
    /// after committing.
    ///
    /// # Errors
    /// Database failure.
    pub async fn store(
        &self,
        conn: db::Conn<'_>,
        message: &NewMessage,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        db::mail::insert(conn, message, now).await
    }

    /// Tells the dispatcher in this process that a message is waiting.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// Why a delivery failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Worth trying again later (relay unreachable, temporary SMTP error, disk full).
    #[error("temporary: {0}")]
    Temporary(String),
    /// Will never work (a malformed address, a permanent SMTP refusal).
    #[error("permanent: {0}")]
    Permanent(String),
}

/// Somewhere messages can be delivered.
#[async_trait]
pub trait Transport: Send + Sync {
    /// Delivers one message; `id` names it for file names and logs.
    async fn deliver(&self, id: Uuid, message: Message) -> Result<(), DeliveryError>;

    /// How many messages the dispatcher may claim at once for this transport: as many as it
    /// delivers well within the claim's lease. One by default (a relay may take its full
    /// timeout over each).
    fn batch(&self) -> usize {
        1
    }

    /// Delivers several messages, answering for each in order. By default one after another.
    async fn deliver_all(&self, messages: Vec<(Uuid, Message)>) -> Vec<Result<(), DeliveryError>> {
        let mut outcomes = Vec::with_capacity(messages.len());
        for (id, message) in messages {
            outcomes.push(self.deliver(id, message).await);
        }
        outcomes
    }
}

/// Writes each message to `<folder>/<id>.eml`, atomically (a reader never sees half a file).
#[derive(Debug, Clone)]
pub struct FolderTransport {
    folder: PathBuf,
}

impl FolderTransport {
    /// Delivers into `folder`, created on first use.
    #[must_use]
    pub const fn new(folder: PathBuf) -> Self {
        Self { folder }
    }
}

impl FolderTransport {
    /// Writes the messages (blocking: run on the blocking pool). A folder that cannot be made
    /// fails them all; otherwise each file succeeds or fails alone.
    fn write_all(
        folder: &std::path::Path,
        messages: &[(Uuid, Vec<u8>)],
    ) -> Vec<Result<(), DeliveryError>> {
        let io =
            |e: &std::io::Error| DeliveryError::Temporary(format!("writing file: {}", e.kind()));
        if let Err(e) = std::fs::create_dir_all(folder) {
            return messages.iter().map(|_| Err(io(&e))).collect();
        }
        messages
            .iter()
            .map(|(id, bytes)| {
                let partial = folder.join(format!(".{id}.eml.partial"));
                std::fs::write(&partial, bytes)
                    .and_then(|()| std::fs::rename(&partial, folder.join(format!("{id}.eml"))))
                    .map_err(|e| io(&e))
            })
            .collect()
    }
}

#[async_trait]
impl Transport for FolderTransport {
    async fn deliver(&self, id: Uuid, message: Message) -> Result<(), DeliveryError> {
        self.deliver_all(vec![(id, message)])
            .await
            .pop()
            .unwrap_or_else(|| Err(DeliveryError::Temporary("no outcome".into())))
    }

    /// Files are written in moments: a batch easily fits the lease.
    fn batch(&self) -> usize {
        64
    }

    /// Writes the whole batch in one trip to the blocking pool rather than three per message.
    async fn deliver_all(&self, messages: Vec<(Uuid, Message)>) -> Vec<Result<(), DeliveryError>> {
        let n = messages.len();
        let formatted: Vec<(Uuid, Vec<u8>)> =
            messages.into_iter().map(|(id, m)| (id, m.formatted())).collect();
        let folder = self.folder.clone();
        tokio::task::spawn_blocking(move || Self::write_all(&folder, &formatted))
            .await
            .unwrap_or_else(|_| {
                (0..n).map(|_| Err(DeliveryError::Temporary("writer stopped".into()))).collect()
            })
    }
}

/// Sends through an SMTP relay.
#[derive(Debug, Clone)]
pub struct SmtpTransport(AsyncSmtpTransport<Tokio1Executor>);

impl SmtpTransport {
    /// Builds the transport from a lettre connection URL.
    ///
    /// # Errors
    /// The URL is not one lettre understands.
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|_| anyhow::anyhow!("SHORTLIST_MAIL_URL is not a usable SMTP URL"))?;
        Ok(Self(builder.timeout(Some(std::time::Duration::from_secs(30))).build()))
    }
}

#[async_trait]
impl Transport for SmtpTransport {
    async fn deliver(&self, _id: Uuid, message: Message) -> Result<(), DeliveryError> {
        match self.0.send(message).await {
            Ok(_) => Ok(()),
            // lettre's error text can quote the relay's reply, which may name the recipient;
            // keep only the kind.
            Err(e) if e.is_permanent() => Err(DeliveryError::Permanent("smtp refused".into())),
            Err(e) if e.is_timeout() => Err(DeliveryError::Temporary("smtp timeout".into())),
            Err(e) if e.is_transient() => Err(DeliveryError::Temporary("smtp busy".into())),
            Err(_) => Err(DeliveryError::Temporary("smtp connection".into())),
        }
    }
}

/// The transport the configuration names.
///
/// # Errors
/// An SMTP URL lettre cannot use.
pub fn transport_for(config: &MailConfig) -> anyhow::Result<Arc<dyn Transport>> {
    Ok(match &config.transport {
        MailTransport::Folder(dir) => Arc::new(FolderTransport::new(dir.clone())),
        MailTransport::Smtp(url) => Arc::new(SmtpTransport::from_url(url.expose())?),
    })
}

/// Delivers what the outbox holds.
#[derive(Clone)]
pub struct Dispatcher {
    db: Database,
    transport: Arc<dyn Transport>,
    from: Mailbox,
    clock: Arc<dyn Clock>,
    wake: Arc<Notify>,
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher").finish_non_exhaustive()
    }
}

/// What one pass delivered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Delivered.
    pub sent: usize,
    /// Failed, to be retried.
    pub retrying: usize,
    /// Failed for good.
    pub failed: usize,
}

impl Dispatcher {
    /// A dispatcher woken by `outbox`.
    ///
    /// # Errors
    /// A `From` address that is not one (configuration checks it first).
    pub fn new(
        db: Database,
        outbox: &Outbox,
        transport: Arc<dyn Transport>,
        from: &str,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        let from = from.parse().map_err(|_| anyhow::anyhow!("SHORTLIST_MAIL_FROM is invalid"))?;
        Ok(Self { db, transport, from, clock, wake: outbox.wake.clone() })
    }

    /// Delivers every message due now, a batch at a time (the transport's [`Transport::batch`]):
    /// one statement claims a batch, and one records all its deliveries. Stops after a batch
    /// shorter than the limit (nothing more was due).
    ///
    /// # Errors
    /// Database failure (delivery failures are recorded, not returned).
    pub async fn run_once(&self) -> Result<Pass, DbError> {
        let mut pass = Pass::default();
        loop {
            let now = self.clock.now();
            let claimed = {
                let mut conn = self.db.acquire().await?;
                db::mail::claim_due(conn.conn(), now, now + LEASE, self.transport.batch()).await?
            };
            if claimed.is_empty() {
                return Ok(pass);
            }
            // A short batch took everything due when it was claimed; what is stored later
            // wakes the dispatcher again, so no second (empty) claim is needed to find out.
            let last = claimed.len() < self.transport.batch();
            let mut outcomes: Vec<Option<Result<(), DeliveryError>>> = Vec::new();
            let mut built = Vec::new();
            for m in &claimed {
                match self.build(m) {
                    Ok(message) => {
                        outcomes.push(None);
                        built.push((m.id, message));
                    }
                    Err(e) => outcomes.push(Some(Err(e))),
                }
            }
            let mut delivered = self.transport.deliver_all(built).await.into_iter();
            let outcomes = outcomes.into_iter().map(|o| {
                o.or_else(|| delivered.next())
                    .unwrap_or_else(|| Err(DeliveryError::Temporary("no outcome".into())))
            });
            let now = self.clock.now();
            let mut sent = Vec::new();
            let mut conn = self.db.acquire().await?;
            for (m, outcome) in claimed.iter().zip(outcomes) {
                match outcome {
                    Ok(()) => {
                        tracing::info!(message = %m.id, "mail delivered");
                        sent.push(m.id);
                    }
                    Err(e) => {
                        let (retry, text) = match &e {
                            DeliveryError::Temporary(t) => (backoff(m.attempts + 1), t.as_str()),
                            DeliveryError::Permanent(t) => (None, t.as_str()),
                        };
                        db::mail::mark_failed(conn.conn(), m.id, now, retry.map(|d| now + d), text)
                            .await?;
                        if retry.is_some() {
                            tracing::warn!(message = %m.id, error = %e, "mail delivery failed; will retry");
                            pass.retrying += 1;
                        } else {
                            tracing::error!(message = %m.id, error = %e, "mail delivery failed for good");
                            pass.failed += 1;
                        }
                    }
                }
            }
            db::mail::mark_sent(conn.conn(), &sent, now).await?;
            pass.sent += sent.len();
            if last {
                return Ok(pass);
            }
        }
    }

    fn build(&self, m: &db::mail::Claimed) -> Result<Message, DeliveryError> {
        let to: Mailbox =
            m.to.parse()
                .map_err(|_| DeliveryError::Permanent("invalid recipient address".into()))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .date(m.created_at.into())
            .header(ContentType::TEXT_PLAIN)
            .body(plain_body(&m.body))
            .map_err(|_| DeliveryError::Permanent("message could not be built".into()))
    }

    /// Delivers until `shutdown` completes: at once when woken, otherwise every few seconds.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            if let Err(e) = self.run_once().await {
                tracing::error!(error = %e, "mail dispatcher could not reach the database");
            }
            tokio::select! {
                () = &mut shutdown => return,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }
}

/// The body as 8-bit text, so links stay on one line, unwrapped and readable in the `.eml`
/// (quoted-printable would break them with soft line breaks); lettre's own choice only if a
/// line is too long for 8-bit.
fn plain_body(text: &str) -> lettre::message::Body {
    use lettre::message::{Body, header::ContentTransferEncoding};
    Body::new_with_encoding(text.to_owned(), ContentTransferEncoding::EightBit)
        .unwrap_or_else(Body::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_and_gives_up() {
        assert_eq!(backoff(1), Some(Duration::seconds(30)));
        assert_eq!(backoff(2), Some(Duration::seconds(60)));
        assert_eq!(backoff(7), Some(Duration::seconds(30 * 64)));
        assert_eq!(backoff(MAX_ATTEMPTS), None);
        assert!((1..MAX_ATTEMPTS).all(|n| backoff(n) <= Some(Duration::hours(6))));
    }
}
