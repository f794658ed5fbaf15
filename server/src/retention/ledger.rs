//! The erasure ledger: the ids of every purged application, kept outside the database.
//!
//! Restoring an older backup brings purged applications back (their rows, their wrapped keys,
//! their documents). The ledger is how the next purge run finds and erases them again, so it
//! must not be restored with them: it lives in its own store (`SHORTLIST_ERASURE_LEDGER_URL`),
//! one empty object per id, written before any row is deleted. An id says nothing about the
//! person; the ledger holds nothing else but the id of the last purge run that finished.
//!
//! Reading every id is the costly part, so a run does it only when the database may have been
//! restored: each finished run writes its id to `last-run` here and to `purge_runs` there; when
//! the database's newest finished run is not the ledger's, the database is older than the
//! ledger (a restore, or a run that died before finishing) and every id is checked.

use futures::StreamExt as _;
use object_store::{ObjectStore, ObjectStoreExt as _, PutPayload, path::Path as ObjectPath};
use std::sync::Arc;
use uuid::Uuid;

const PREFIX: &str = "erased";
const LAST_RUN: &str = "last-run";

/// The erasure ledger.
#[derive(Clone)]
pub struct Ledger {
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger").field("store", &self.store.to_string()).finish()
    }
}

impl Ledger {
    /// A ledger in the given store.
    #[must_use]
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        Self { store }
    }

    /// Records that the application is being erased. Idempotent.
    ///
    /// # Errors
    /// Storage failure.
    pub async fn record(&self, id: Uuid) -> Result<(), object_store::Error> {
        let path = ObjectPath::from(format!("{PREFIX}/{id}"));
        self.store.put(&path, PutPayload::new()).await.map(|_| ())
    }

    /// Records the purge run that just finished.
    ///
    /// # Errors
    /// Storage failure.
    pub async fn record_run(&self, run: Uuid) -> Result<(), object_store::Error> {
        let payload = PutPayload::from(run.to_string().into_bytes());
        self.store.put(&ObjectPath::from(LAST_RUN), payload).await.map(|_| ())
    }

    /// The last purge run that finished, as the ledger knows it (`None` before the first, or if
    /// the marker is unreadable — which makes the caller check every id: the safe reading).
    ///
    /// # Errors
    /// Storage failure other than a missing marker.
    pub async fn last_run(&self) -> Result<Option<Uuid>, object_store::Error> {
        match self.store.get(&ObjectPath::from(LAST_RUN)).await {
            Ok(found) => {
                let bytes = found.bytes().await?;
                Ok(std::str::from_utf8(&bytes).ok().and_then(|t| Uuid::parse_str(t.trim()).ok()))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every id recorded (objects whose names are not ids are ignored).
    ///
    /// # Errors
    /// Storage failure.
    pub async fn ids(&self) -> Result<Vec<Uuid>, object_store::Error> {
        let prefix = ObjectPath::from(PREFIX);
        let mut listing = self.store.list(Some(&prefix));
        let mut ids = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta?;
            if let Some(id) = meta.location.filename().and_then(|n| Uuid::parse_str(n).ok()) {
                ids.push(id);
            }
        }
        Ok(ids)
    }
}
