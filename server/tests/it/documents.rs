//! Encrypted document storage against real databases (both backends) and an in-memory store.

use super::helpers::{Kind, TestDb};
use bytes::Bytes;
use futures::{StreamExt as _, TryStreamExt as _, stream};
use object_store::{ObjectStore, ObjectStoreExt as _, PutPayload, memory::InMemory};
use server::documents::{
    DocumentError, DocumentRef, Documents,
    crypto::{CHUNK, HEADER, TAG},
    random_bytes,
};
use std::sync::Arc;
use uuid::Uuid;

fn pieces(
    data: &[u8],
    size: usize,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send + use<> {
    let owned: Vec<Bytes> = data.chunks(size).map(Bytes::copy_from_slice).collect();
    stream::iter(owned.into_iter().map(Ok))
}

async fn read_all(docs: &Documents, doc: DocumentRef) -> Result<Vec<u8>, DocumentError> {
    let s = docs.get(doc).await?;
    let parts: Vec<Bytes> = s.try_collect().await?;
    Ok(parts.concat())
}

async fn setup(kind: Kind) -> (TestDb, Documents, Arc<dyn ObjectStore>, [u8; 32]) {
    let test_db = TestDb::new(kind).await;
    let db = test_db.database().await;
    let store: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let master = random_bytes::<32>();
    let docs = Documents::new(store.clone(), &master, db);
    (test_db, docs, store, master)
}

macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $(#[tokio::test] async fn $name() { super::$name(super::Kind::Sqlite).await })* }
        mod postgres { $(#[tokio::test] async fn $name() { super::$name(super::Kind::Postgres).await })* }
    };
}

both!(
    documents_round_trip_and_are_stored_encrypted,
    tampered_ciphertext_is_rejected,
    a_different_master_key_cannot_read,
    a_destroyed_key_makes_documents_unreadable_for_good,
    missing_documents_are_not_found,
    large_documents_stream_in_bounded_pieces,
    a_failed_upload_leaves_nothing_readable,
);

async fn documents_round_trip_and_are_stored_encrypted(kind: Kind) {
    let (_db, docs, store, _) = setup(kind).await;
    let app = Uuid::new_v4();
    let plain = b"Curriculum vitae of a candidate: confidential".repeat(100);
    let (doc, size) = docs.put(app, pieces(&plain, 333)).await.unwrap();
    assert_eq!(size, plain.len() as u64);
    assert_eq!(read_all(&docs, doc).await.unwrap(), plain);
    // What storage holds is not the plaintext.
    let raw = store.get(&Documents::object_path(doc)).await.unwrap().bytes().await.unwrap();
    assert!(!raw.windows(10).any(|w| w == b"Curriculum"), "plaintext reached storage");
    assert_eq!(raw.len(), HEADER + plain.len() + TAG);
    // A second document of the same application shares its key and reads back too.
    let (doc2, _) = docs.put(app, pieces(b"second", 3)).await.unwrap();
    assert_eq!(read_all(&docs, doc2).await.unwrap(), b"second");
}

async fn tampered_ciphertext_is_rejected(kind: Kind) {
    let (_db, docs, store, _) = setup(kind).await;
    let app = Uuid::new_v4();
    let (doc, _) = docs.put(app, pieces(&vec![42u8; CHUNK * 2 + 10], 4096)).await.unwrap();
    let path = Documents::object_path(doc);
    let raw = store.get(&path).await.unwrap().bytes().await.unwrap().to_vec();
    for pos in [HEADER + 5, HEADER + CHUNK + TAG + 1, raw.len() - 1] {
        let mut bad = raw.clone();
        bad[pos] ^= 0x80;
        store.put(&path, PutPayload::from(bad)).await.unwrap();
        assert!(
            matches!(read_all(&docs, doc).await, Err(DocumentError::Crypto(_))),
            "tampering at {pos} went unnoticed"
        );
    }
    // Truncated to whole chunks (the last one dropped): refused too.
    store.put(&path, PutPayload::from(raw[..HEADER + CHUNK + TAG].to_vec())).await.unwrap();
    assert!(read_all(&docs, doc).await.is_err());
    // Moved to another application's place: refused.
    let other = DocumentRef { application: Uuid::new_v4(), document: doc.document };
    docs.put(other.application, pieces(b"x", 1)).await.unwrap();
    store.put(&Documents::object_path(other), PutPayload::from(raw)).await.unwrap();
    assert!(read_all(&docs, other).await.is_err());
}

async fn a_different_master_key_cannot_read(kind: Kind) {
    let (test_db, docs, store, _) = setup(kind).await;
    let app = Uuid::new_v4();
    let (doc, _) = docs.put(app, pieces(b"secret", 6)).await.unwrap();
    let thief = Documents::new(store, &random_bytes::<32>(), test_db.database().await);
    assert!(matches!(read_all(&thief, doc).await, Err(DocumentError::Crypto(_))));
}

async fn a_destroyed_key_makes_documents_unreadable_for_good(kind: Kind) {
    let (_db, docs, store, _) = setup(kind).await;
    let app = Uuid::new_v4();
    let (doc, _) = docs.put(app, pieces(b"to be forgotten", 4)).await.unwrap();
    // Keep a copy of the ciphertext, as a backup would.
    let backup = store.get(&Documents::object_path(doc)).await.unwrap().bytes().await.unwrap();
    docs.destroy_key(app).await.unwrap();
    docs.destroy_key(app).await.unwrap();
    assert!(matches!(read_all(&docs, doc).await, Err(DocumentError::KeyDestroyed)));
    // Restoring the backup copy does not help: the key is gone.
    store.put(&Documents::object_path(doc), PutPayload::from(backup)).await.unwrap();
    assert!(matches!(read_all(&docs, doc).await, Err(DocumentError::KeyDestroyed)));
    // And no new document can be stored under a destroyed key.
    assert!(matches!(docs.put(app, pieces(b"new", 3)).await, Err(DocumentError::KeyDestroyed)));
    docs.delete(doc).await.unwrap();
    docs.delete(doc).await.unwrap();
}

async fn missing_documents_are_not_found(kind: Kind) {
    let (_db, docs, _, _) = setup(kind).await;
    let unknown = DocumentRef { application: Uuid::new_v4(), document: Uuid::new_v4() };
    assert!(matches!(read_all(&docs, unknown).await, Err(DocumentError::NotFound)));
    let app = Uuid::new_v4();
    docs.put(app, pieces(b"x", 1)).await.unwrap();
    let wrong_doc = DocumentRef { application: app, document: Uuid::new_v4() };
    assert!(matches!(read_all(&docs, wrong_doc).await, Err(DocumentError::NotFound)));
}

async fn large_documents_stream_in_bounded_pieces(kind: Kind) {
    let (_db, docs, _, _) = setup(kind).await;
    let app = Uuid::new_v4();
    // 24 MiB generated on the fly: the source never exists as one buffer.
    const PIECE: usize = 256 * 1024;
    const PIECES: usize = 96;
    let source = stream::iter(0..PIECES).map(|i| Ok(Bytes::from(vec![(i % 256) as u8; PIECE])));
    let (doc, size) = docs.put(app, source).await.unwrap();
    assert_eq!(size, (PIECE * PIECES) as u64);
    let mut out = docs.get(doc).await.unwrap();
    let (mut seen, mut largest) = (0usize, 0usize);
    while let Some(piece) = out.next().await {
        let piece = piece.unwrap();
        largest = largest.max(piece.len());
        for (k, b) in piece.iter().enumerate() {
            assert_eq!(*b, (((seen + k) / PIECE) % 256) as u8, "byte {}", seen + k);
        }
        seen += piece.len();
    }
    assert_eq!(seen, PIECE * PIECES);
    // Plaintext comes out one chunk at a time, however the store hands the object over.
    assert!(largest <= CHUNK, "a {largest}-byte piece suggests whole-file buffering");
}

async fn a_failed_upload_leaves_nothing_readable(kind: Kind) {
    let (_db, docs, store, _) = setup(kind).await;
    let app = Uuid::new_v4();
    let source = stream::iter(vec![
        Ok(Bytes::from(vec![1u8; CHUNK * 2])),
        Err(std::io::Error::other("connection reset")),
    ]);
    assert!(matches!(docs.put(app, source).await, Err(DocumentError::Source(_))));
    let listed: Vec<_> = store.list(None).try_collect().await.unwrap();
    assert!(listed.is_empty(), "a partial object was left behind: {listed:?}");
    // The same after the first part went up (a document larger than one write).
    let source = stream::iter(vec![
        Ok(Bytes::from(vec![1u8; server::documents::PART + CHUNK])),
        Err(std::io::Error::other("connection reset")),
    ]);
    assert!(matches!(docs.put(app, source).await, Err(DocumentError::Source(_))));
    let listed: Vec<_> = store.list(None).try_collect().await.unwrap();
    assert!(listed.is_empty(), "a partial multipart object was left behind: {listed:?}");
}
