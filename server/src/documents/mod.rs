//! Document storage: encrypted objects in `object_store`, keyed per application.
//!
//! [`open_object_store`] turns `SHORTLIST_DOCUMENTS_URL` into a store: a local folder by
//! default, in memory for tests, or S3-compatible storage by URL. [`Documents`] writes and
//! reads documents through envelope encryption (see [`crypto`]): each application's data key
//! is created on first use, stored wrapped in the database, and destroyed to make the
//! application's documents unreadable everywhere at once.
//!
//! This module never writes plaintext to storage, never holds a whole document in memory,
//! and never logs document names or contents.

pub mod crypto;
pub mod sniff;

pub use crypto::random_bytes;

use crate::db::{self, Database, DbError, keys::KeyState};
use bytes::Bytes;
use crypto::{CryptoError, DataKey, MasterKey, Opener, Sealer};
use futures::{Stream, StreamExt as _, stream::BoxStream};
use object_store::{
    ObjectStore, ObjectStoreExt as _, WriteMultipart, local::LocalFileSystem, memory::InMemory,
    path::Path as ObjectPath, prefix::PrefixStore,
};
use std::sync::Arc;
use uuid::Uuid;

/// What can go wrong with a document.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// No such document.
    #[error("document not found")]
    NotFound,
    /// The application's key was destroyed: its documents are gone for good.
    #[error("the application's data key has been destroyed")]
    KeyDestroyed,
    /// The stored bytes failed authentication or are not a Shortlist document.
    #[error("document unreadable: {0}")]
    Crypto(#[from] CryptoError),
    /// The object store failed.
    #[error("object storage: {0}")]
    Storage(#[from] object_store::Error),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbError),
    /// The upload stream failed before it ended.
    #[error("upload interrupted: {0}")]
    Source(std::io::Error),
}

/// Opens the object store named by a documents URL.
///
/// # Errors
/// An unsupported scheme, an unusable folder, or invalid S3 settings.
pub fn open_object_store(url: &str) -> anyhow::Result<Arc<dyn ObjectStore>> {
    if url == "memory://" || url == "memory:" {
        return Ok(Arc::new(InMemory::new()));
    }
    if let Some(path) = url.strip_prefix("file://") {
        std::fs::create_dir_all(path)
            .map_err(|e| anyhow::anyhow!("creating documents folder {path}: {e}"))?;
        // Emptied folders go with their last file: a folder named after an application would
        // otherwise outlive its purge (and 100,000 purged applications leave 100,000 folders).
        return Ok(Arc::new(LocalFileSystem::new_with_prefix(path)?.with_automatic_cleanup(true)));
    }
    if url.starts_with("s3://") {
        let parsed = url::Url::parse(url)?;
        let store = object_store::aws::AmazonS3Builder::from_env().with_url(url).build()?;
        let prefix = parsed.path().trim_matches('/');
        return Ok(if prefix.is_empty() {
            Arc::new(store)
        } else {
            Arc::new(PrefixStore::new(store, prefix))
        });
    }
    anyhow::bail!(
        "a storage URL (documents, erasure ledger) must start with file://, s3:// or memory://"
    )
}

/// Identifies one stored document of one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentRef {
    /// The application that owns the document (and its key).
    pub application: Uuid,
    /// The document.
    pub document: Uuid,
}

impl DocumentRef {
    fn path(&self) -> ObjectPath {
        ObjectPath::from(format!("applications/{}/{}", self.application, self.document))
    }
}

/// Encrypted document storage.
#[derive(Clone)]
pub struct Documents {
    store: Arc<dyn ObjectStore>,
    master: Arc<MasterKey>,
    db: Database,
}

impl std::fmt::Debug for Documents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Documents").field("store", &self.store.to_string()).finish()
    }
}

/// How many object-store part uploads may be in flight per document.
const UPLOAD_CONCURRENCY: usize = 2;
/// The size of one stored part (S3's smallest but the last): a document up to this size is
/// stored in one write, a larger one in parts of this size.
pub const PART: usize = 5 * 1024 * 1024;

impl Documents {
    /// Builds the document service.
    #[must_use]
    pub fn new(store: Arc<dyn ObjectStore>, master_key: &[u8; 32], db: Database) -> Self {
        Self { store, master: Arc::new(MasterKey::new(master_key)), db }
    }

    /// Whether the store answers (a missing probe object counts as an answer).
    ///
    /// # Errors
    /// The store is unreachable.
    pub async fn ping(&self) -> Result<(), DocumentError> {
        match self.store.head(&ObjectPath::from("healthz/probe")).await {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Creates the application's data key on `conn` (the caller's transaction), so its first
    /// upload only has to read it. A key already there is kept.
    ///
    /// # Errors
    /// Database failure.
    pub async fn create_key(&self, conn: db::Conn<'_>, application: Uuid) -> Result<(), DbError> {
        let wrapped = self.master.wrap(&DataKey::generate(), application.as_bytes());
        db::keys::insert_if_absent(conn, application, &wrapped).await.map(|_| ())
    }

    /// The application's data key, created (and stored wrapped) on first use.
    async fn key_for_writing(&self, application: Uuid) -> Result<DataKey, DocumentError> {
        let mut conn = self.db.acquire().await?;
        match db::keys::state(conn.conn(), application).await? {
            KeyState::Live(wrapped) => {
                Ok(self.master.unwrap_key(&wrapped, application.as_bytes())?)
            }
            KeyState::Destroyed => Err(DocumentError::KeyDestroyed),
            KeyState::Missing => {
                let key = DataKey::generate();
                let wrapped = self.master.wrap(&key, application.as_bytes());
                // Two uploads for one application may race to create its key: the insert
                // keeps the first, and the one whose insert did not take reads that one back.
                if db::keys::insert_if_absent(conn.conn(), application, &wrapped).await? {
                    return Ok(key);
                }
                match db::keys::state(conn.conn(), application).await? {
                    KeyState::Live(stored) => {
                        Ok(self.master.unwrap_key(&stored, application.as_bytes())?)
                    }
                    _ => Err(DocumentError::KeyDestroyed),
                }
            }
        }
    }

    async fn key_for_reading(&self, application: Uuid) -> Result<DataKey, DocumentError> {
        let mut conn = self.db.acquire().await?;
        match db::keys::state(conn.conn(), application).await? {
            KeyState::Live(wrapped) => {
                Ok(self.master.unwrap_key(&wrapped, application.as_bytes())?)
            }
            KeyState::Destroyed => Err(DocumentError::KeyDestroyed),
            KeyState::Missing => Err(DocumentError::NotFound),
        }
    }

    /// Encrypts and stores a document from a stream, returning its reference and plaintext
    /// size. Memory use is bounded by the part size ([`PART`]), not the document size: a
    /// document that fits in one part is stored with a single write (most CVs), a larger one
    /// goes up part by part.
    ///
    /// # Errors
    /// The key was destroyed, the source failed, or storage failed (nothing is left behind).
    pub async fn put<S>(
        &self,
        application: Uuid,
        source: S,
    ) -> Result<(DocumentRef, u64), DocumentError>
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send,
    {
        let key = self.key_for_writing(application).await?;
        let doc = DocumentRef { application, document: Uuid::new_v4() };
        let path = doc.path();
        let (mut sealer, header) = Sealer::new(&key, path.as_ref().as_bytes());
        // Sealed bytes wait here until a part is full; only then does a multipart upload start.
        let mut pending = header;
        let mut writer: Option<WriteMultipart> = None;
        let mut size = 0u64;
        let mut source = std::pin::pin!(source);
        let streamed: Result<(), DocumentError> = async {
            while let Some(piece) = source.next().await {
                let piece = piece.map_err(DocumentError::Source)?;
                size += piece.len() as u64;
                pending.extend_from_slice(&sealer.push(&piece)?);
                if pending.len() >= PART {
                    let w = match writer.as_mut() {
                        Some(w) => w,
                        None => writer.insert(WriteMultipart::new_with_chunk_size(
                            self.store.put_multipart(&path).await?,
                            PART,
                        )),
                    };
                    w.wait_for_capacity(UPLOAD_CONCURRENCY).await?;
                    w.write(&std::mem::take(&mut pending));
                }
            }
            pending.extend_from_slice(&sealer.finish()?);
            Ok(())
        }
        .await;
        match (streamed, writer) {
            (Ok(()), None) => {
                self.store.put(&path, Bytes::from(pending).into()).await?;
                Ok((doc, size))
            }
            (Ok(()), Some(mut w)) => {
                w.write(&pending);
                w.finish().await?;
                Ok((doc, size))
            }
            (Err(e), writer) => {
                // Best effort: a failed abort leaves an incomplete upload that the store
                // expires; the object itself was never completed, so nothing is readable.
                if let Some(w) = writer {
                    let _ = w.abort().await;
                }
                Err(e)
            }
        }
    }

    /// Like [`Documents::put`], but judges the file by its content as it streams in (see
    /// [`sniff`]): an oversize file is cut off at the limit, and a file that turns out not to
    /// be an accepted document is deleted again, so a refusal leaves nothing stored.
    ///
    /// # Errors
    /// As [`Documents::put`]. A refused file is `Ok(Err(refusal))`.
    pub async fn put_checked<S>(
        &self,
        application: Uuid,
        source: S,
        limit: u64,
    ) -> Result<Result<(DocumentRef, u64, sniff::DocKind), sniff::Refusal>, DocumentError>
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send,
    {
        let inspector = std::sync::Mutex::new(sniff::Inspector::new(limit));
        let refused = std::sync::Mutex::new(None);
        let checked = source.map(|piece| {
            let piece = piece?;
            let mut guard = inspector.lock().map_err(|_| std::io::Error::other("inspector"))?;
            match guard.feed(&piece) {
                Ok(()) => Ok(piece),
                Err(refusal) => {
                    if let Ok(mut r) = refused.lock() {
                        *r = Some(refusal);
                    }
                    Err(std::io::Error::other("refused"))
                }
            }
        });
        let stored = self.put(application, checked).await;
        if let Some(refusal) = refused.into_inner().ok().flatten() {
            return Ok(Err(refusal));
        }
        let (doc, size) = stored?;
        let verdict = inspector
            .into_inner()
            .map_err(|_| DocumentError::Source(std::io::Error::other("inspector")))?
            .finish();
        match verdict {
            Ok(kind) => Ok(Ok((doc, size, kind))),
            Err(refusal) => {
                self.delete(doc).await?;
                Ok(Err(refusal))
            }
        }
    }

    /// Reads and decrypts a document as a stream. The first chunk is authenticated before
    /// this returns, so a wrong key or tampered start fails here rather than mid-download.
    ///
    /// # Errors
    /// Not found, key destroyed, storage failure, or failed authentication.
    pub async fn get(
        &self,
        doc: DocumentRef,
    ) -> Result<BoxStream<'static, Result<Bytes, DocumentError>>, DocumentError> {
        let key = self.key_for_reading(doc.application).await?;
        let path = doc.path();
        let source = match self.store.get(&path).await {
            Ok(r) => r.into_stream(),
            Err(object_store::Error::NotFound { .. }) => return Err(DocumentError::NotFound),
            Err(e) => return Err(e.into()),
        };
        let opener = Opener::new(&key, path.as_ref().as_bytes());
        let mut stream = decrypting(source, opener);
        // Pull until the first plaintext (or the end) so errors surface before streaming.
        let mut first = Vec::new();
        let mut ended = true;
        while let Some(piece) = stream.next().await {
            let piece = piece?;
            if !piece.is_empty() {
                first.push(Ok(piece));
                ended = false;
                break;
            }
        }
        let head = futures::stream::iter(first);
        Ok(if ended { head.boxed() } else { head.chain(stream).boxed() })
    }

    /// Destroys the application's data key, making all its documents unreadable, in every
    /// copy. Idempotent.
    ///
    /// # Errors
    /// The database failed.
    pub async fn destroy_key(&self, application: Uuid) -> Result<(), DocumentError> {
        let mut conn = self.db.acquire().await?;
        db::keys::destroy(conn.conn(), application, chrono::Utc::now()).await?;
        Ok(())
    }

    /// Deletes the stored object. A missing object counts as deleted.
    ///
    /// # Errors
    /// Storage failure.
    pub async fn delete(&self, doc: DocumentRef) -> Result<(), DocumentError> {
        match self.store.delete(&doc.path()).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes every object stored for the application — its current documents and any left
    /// by an interrupted upload or a replaced file — and returns how many there were. Missing
    /// objects count as deleted, so an interrupted purge can run this again.
    ///
    /// # Errors
    /// Storage failure (what was deleted stays deleted; the caller runs it again).
    pub async fn delete_all(&self, application: Uuid) -> Result<u64, DocumentError> {
        let prefix = ObjectPath::from(format!("applications/{application}"));
        let mut listing = self.store.list(Some(&prefix));
        let mut deleted = 0;
        while let Some(meta) = listing.next().await {
            let meta = match meta {
                Ok(m) => m,
                Err(object_store::Error::NotFound { .. }) => continue,
                Err(e) => return Err(e.into()),
            };
            match self.store.delete(&meta.location).await {
                Ok(()) => deleted += 1,
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(deleted)
    }

    /// The raw stored bytes, for tests that tamper with ciphertext.
    #[doc(hidden)]
    #[must_use]
    pub fn object_store(&self) -> Arc<dyn ObjectStore> {
        Arc::clone(&self.store)
    }

    /// Where a document lives in the object store.
    #[doc(hidden)]
    #[must_use]
    pub fn object_path(doc: DocumentRef) -> ObjectPath {
        doc.path()
    }
}

/// Turns a ciphertext stream into a plaintext stream, failing on the first bad chunk and on a
/// stream that ends before its last chunk.
fn decrypting(
    source: BoxStream<'static, object_store::Result<Bytes>>,
    opener: Opener,
) -> BoxStream<'static, Result<Bytes, DocumentError>> {
    struct State {
        source: BoxStream<'static, object_store::Result<Bytes>>,
        opener: Option<Opener>,
    }
    futures::stream::try_unfold(State { source, opener: Some(opener) }, |mut st| async move {
        loop {
            let Some(opener) = st.opener.as_mut() else { return Ok(None) };
            if let Some(plain) = opener.next_chunk()? {
                return Ok(Some((Bytes::from(plain), st)));
            }
            match st.source.next().await {
                Some(piece) => opener.push(&piece?)?,
                None => {
                    let last =
                        st.opener.take().map(Opener::finish).transpose()?.unwrap_or_default();
                    return Ok(Some((Bytes::from(last), st)));
                }
            }
        }
    })
    .boxed()
}
