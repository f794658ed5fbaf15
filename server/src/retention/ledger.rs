//! The erasure ledger: the ids of every purged application, kept outside the database.
//!
//! Restoring an older backup brings purged applications back (their rows, their wrapped keys,
//! their documents). The ledger is how the next purge run finds and erases them again, so it
//! must not be restored with them: it lives in its own store (`SHORTLIST_ERASURE_LEDGER_URL`),
//! one object per purge batch listing its ids (one per line, under `erased-lists/`), written
//! before any of the batch's rows is deleted. Ledgers written before batching hold one empty
//! object per id under `erased/`; both are read. An id says nothing about the person; the
//! ledger holds nothing else but the id of the last purge run that finished.
//!
//! Reading every id is the costly part, so a run does it only when the database may have been
//! restored: each finished run writes its id to `last-run` here and to `purge_runs` there; when
//! the database's newest finished run is not the ledger's, the database is older than the
//! ledger (a restore, or a run that died before finishing) and every id is checked.

use futures::StreamExt as _;
use object_store::{ObjectStore, ObjectStoreExt as _, PutPayload, path::Path as ObjectPath};
use std::sync::Arc;
use uuid::Uuid;

/// One empty object per id (ledgers written before the purge worked in batches).
const PREFIX: &str = "erased";
/// One object per batch, its ids one per line.
const LISTS: &str = "erased-lists";
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

    /// Records that the applications `ids` are being erased, in one object whatever their
    /// number. Repeating it for the same ids only adds a duplicate list.
    ///
    /// # Errors
    /// Storage failure.
    pub async fn record(&self, ids: &[Uuid]) -> Result<(), object_store::Error> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut text = String::with_capacity(ids.len() * 37);
        for id in ids {
            text.push_str(&id.to_string());
            text.push('\n');
        }
        let path = ObjectPath::from(format!("{LISTS}/{}", Uuid::new_v4()));
        self.store.put(&path, PutPayload::from(text.into_bytes())).await.map(|_| ())
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

    /// Every id recorded, in id order, each once (names and lines that are not ids are
    /// ignored).
    ///
    /// # Errors
    /// Storage failure.
    pub async fn ids(&self) -> Result<Vec<Uuid>, object_store::Error> {
        let mut ids = Vec::new();
        let mut singles = self.store.list(Some(&ObjectPath::from(PREFIX)));
        while let Some(meta) = singles.next().await {
            if let Some(id) = meta?.location.filename().and_then(|n| Uuid::parse_str(n).ok()) {
                ids.push(id);
            }
        }
        let mut lists = self.store.list(Some(&ObjectPath::from(LISTS)));
        while let Some(meta) = lists.next().await {
            let bytes = self.store.get(&meta?.location).await?.bytes().await?;
            let text = String::from_utf8_lossy(&bytes);
            ids.extend(text.lines().filter_map(|line| Uuid::parse_str(line.trim()).ok()));
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }
}
