//! The erasure ledger: the ids of every purged application, kept outside the database.
//!
//! Restoring an older backup brings purged applications back (their rows, their wrapped keys,
//! their documents). The ledger is how the next purge run finds and erases them again, so it
//! must not be restored with them: it lives in its own store (`SHORTLIST_ERASURE_LEDGER_URL`),
//! one empty object per id, written before any row is deleted. An id says nothing about the
//! person; the ledger holds nothing else.

use futures::StreamExt as _;
use object_store::{ObjectStore, ObjectStoreExt as _, PutPayload, path::Path as ObjectPath};
use std::sync::Arc;
use uuid::Uuid;

const PREFIX: &str = "erased";

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
