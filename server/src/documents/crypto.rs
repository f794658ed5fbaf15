//! Envelope encryption for documents.
//!
//! Each application has its own random 256-bit *data key*. Documents are encrypted with it
//! before they reach object storage; the data key itself is stored only *wrapped* (encrypted)
//! by the master key from configuration. Destroying the wrapped key makes every copy of the
//! application's documents unreadable, backups included.
//!
//! Documents are encrypted in 64 KiB chunks with XChaCha20-Poly1305 in the STREAM
//! construction (big-endian 32-bit counter, last-chunk flag), so a file of any size is
//! encrypted and decrypted without being held in memory, and a reordered, truncated or
//! extended ciphertext fails authentication. The object's path is bound in as associated
//! data, so a ciphertext moved to another path does not decrypt.
//!
//! Object layout: `b"SLD1"` ‖ 19-byte random nonce prefix ‖ chunk₀ ‖ … ‖ chunkₙ (each chunk
//! is ≤ 64 KiB of plaintext plus a 16-byte tag; the last chunk may be empty).
//!
//! This module never logs, stores or returns a key in the clear outside [`DataKey`].

use bytes::BytesMut;
use chacha20poly1305::{
    XChaCha20Poly1305, XNonce,
    aead::{
        Aead, KeyInit, OsRng, Payload,
        generic_array::GenericArray,
        rand_core::RngCore,
        stream::{DecryptorBE32, EncryptorBE32},
    },
};
use zeroize::Zeroizing;

/// Plaintext bytes per chunk.
pub const CHUNK: usize = 64 * 1024;
/// Authentication tag bytes per chunk.
pub const TAG: usize = 16;
/// Format marker and version.
pub const MAGIC: &[u8; 4] = b"SLD1";
/// Nonce prefix length for XChaCha20 with a 5-byte STREAM counter and flag.
pub const NONCE_PREFIX: usize = 19;
/// Bytes before the first chunk.
pub const HEADER: usize = MAGIC.len() + NONCE_PREFIX;

/// Cryptographically secure random bytes from the operating system.
#[must_use]
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    OsRng.fill_bytes(&mut out);
    out
}

/// Why decryption or unwrapping failed. Deliberately coarse: the caller learns that the data
/// is unreadable, not which byte was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// Wrong key, tampered or truncated data, or data moved to another place.
    #[error("data failed authentication")]
    Authentication,
    /// Not in Shortlist's document format.
    #[error("not an encrypted Shortlist document")]
    Format,
}

/// The master key from configuration, used only to wrap and unwrap data keys.
pub struct MasterKey(XChaCha20Poly1305);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

/// One application's document key, in the clear. Zeroed when dropped.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey([redacted])")
    }
}

impl DataKey {
    /// A fresh random key.
    #[must_use]
    pub fn generate() -> Self {
        Self(Zeroizing::new(random_bytes::<32>()))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(GenericArray::from_slice(self.0.as_slice()))
    }
}

impl MasterKey {
    /// Builds the master key from its 32 bytes.
    #[must_use]
    pub fn new(bytes: &[u8; 32]) -> Self {
        Self(XChaCha20Poly1305::new(GenericArray::from_slice(bytes)))
    }

    /// Wraps a data key for storage, bound to its owner so it cannot be moved to another
    /// application's row. Output: 24-byte nonce ‖ ciphertext ‖ tag.
    #[must_use]
    pub fn wrap(&self, key: &DataKey, owner: &[u8]) -> Vec<u8> {
        let nonce = random_bytes::<24>();
        let aad = wrap_aad(owner);
        let sealed = self
            .0
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: key.0.as_slice(), aad: &aad })
            // The AEAD fails only for inputs beyond 2^38 bytes; a key is 32.
            .expect("sealing a 32-byte key cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        out
    }

    /// Unwraps a stored data key.
    ///
    /// # Errors
    /// [`CryptoError::Authentication`] for a wrong master key, a tampered value or a key that
    /// belongs to another owner.
    pub fn unwrap_key(&self, wrapped: &[u8], owner: &[u8]) -> Result<DataKey, CryptoError> {
        if wrapped.len() != 24 + 32 + TAG {
            return Err(CryptoError::Format);
        }
        let (nonce, sealed) = wrapped.split_at(24);
        let aad = wrap_aad(owner);
        let plain = Zeroizing::new(
            self.0
                .decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad: &aad })
                .map_err(|_| CryptoError::Authentication)?,
        );
        let bytes: [u8; 32] = plain.as_slice().try_into().map_err(|_| CryptoError::Format)?;
        Ok(DataKey(Zeroizing::new(bytes)))
    }
    /// Seals a small secret (such as a staff member's TOTP key) for storage, bound to its
    /// purpose and owner so it cannot be moved to another row or column. Output: 24-byte
    /// nonce ‖ ciphertext ‖ tag.
    #[must_use]
    pub fn seal_secret(&self, plain: &[u8], purpose: &str, owner: &[u8]) -> Vec<u8> {
        let nonce = random_bytes::<24>();
        let aad = secret_aad(purpose, owner);
        let sealed = self
            .0
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad: &aad })
            // The AEAD fails only for inputs beyond 2^38 bytes; secrets are tiny.
            .expect("sealing a small secret cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens a secret sealed by [`MasterKey::seal_secret`] for the same purpose and owner.
    ///
    /// # Errors
    /// [`CryptoError`] for a wrong key, tampering, or another purpose or owner.
    pub fn open_secret(
        &self,
        sealed: &[u8],
        purpose: &str,
        owner: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        if sealed.len() < 24 + TAG {
            return Err(CryptoError::Format);
        }
        let (nonce, body) = sealed.split_at(24);
        let aad = secret_aad(purpose, owner);
        self.0
            .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: &aad })
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Authentication)
    }
}

fn secret_aad(purpose: &str, owner: &[u8]) -> Vec<u8> {
    let mut aad = format!("shortlist/secret/v1/{purpose}/").into_bytes();
    aad.extend_from_slice(owner);
    aad
}

fn wrap_aad(owner: &[u8]) -> Vec<u8> {
    let mut aad = b"shortlist/data-key/v1/".to_vec();
    aad.extend_from_slice(owner);
    aad
}

/// Encrypts a byte stream chunk by chunk. Feed plaintext with [`Sealer::push`], which returns
/// ciphertext as whole chunks become available, then call [`Sealer::finish`].
pub struct Sealer {
    inner: EncryptorBE32<XChaCha20Poly1305>,
    pending: Vec<u8>,
    aad: Vec<u8>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer").field("pending", &self.pending.len()).finish()
    }
}

impl Sealer {
    /// Starts a new object; returns the sealer and the header to write first.
    #[must_use]
    pub fn new(key: &DataKey, aad: &[u8]) -> (Self, Vec<u8>) {
        let prefix = random_bytes::<NONCE_PREFIX>();
        let inner = EncryptorBE32::from_aead(key.cipher(), GenericArray::from_slice(&prefix));
        let mut header = MAGIC.to_vec();
        header.extend_from_slice(&prefix);
        (Self { inner, pending: Vec::with_capacity(CHUNK + 1), aad: aad.to_vec() }, header)
    }

    /// Adds plaintext; returns the ciphertext of every chunk now complete.
    ///
    /// # Errors
    /// [`CryptoError::Format`] if the object would exceed the STREAM counter (2³² chunks).
    pub fn push(&mut self, mut data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let mut out = Vec::new();
        while !data.is_empty() {
            let room = CHUNK + 1 - self.pending.len();
            let take = room.min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
            // Keep one byte back so the final chunk is always sealed by `finish` as "last".
            if self.pending.len() > CHUNK {
                let rest = self.pending.split_off(CHUNK);
                let sealed = self
                    .inner
                    .encrypt_next(Payload { msg: &self.pending, aad: &self.aad })
                    .map_err(|_| CryptoError::Format)?;
                out.extend_from_slice(&sealed);
                self.pending = rest;
            }
        }
        Ok(out)
    }

    /// Seals the remaining plaintext as the last chunk.
    ///
    /// # Errors
    /// As [`Sealer::push`].
    pub fn finish(self) -> Result<Vec<u8>, CryptoError> {
        self.inner
            .encrypt_last(Payload { msg: &self.pending, aad: &self.aad })
            .map_err(|_| CryptoError::Format)
    }
}

/// Decrypts a ciphertext stream chunk by chunk; the mirror of [`Sealer`]. Feed ciphertext
/// with [`Opener::push`], take plaintext one chunk at a time with [`Opener::next_chunk`], and
/// end with [`Opener::finish`].
pub struct Opener {
    inner: Option<DecryptorBE32<XChaCha20Poly1305>>,
    key: DataKey,
    // A cursor over buffered ciphertext: taking a chunk off the front is O(1), so a store that
    // hands over a whole object at once costs no repeated copying.
    buffer: BytesMut,
    aad: Vec<u8>,
}

impl std::fmt::Debug for Opener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opener").field("buffer", &self.buffer.len()).finish()
    }
}

impl Opener {
    /// Prepares to decrypt an object stored at the place `aad` names.
    #[must_use]
    pub fn new(key: &DataKey, aad: &[u8]) -> Self {
        Self { inner: None, key: key.clone(), buffer: BytesMut::new(), aad: aad.to_vec() }
    }

    /// Adds ciphertext.
    ///
    /// # Errors
    /// [`CryptoError::Format`] when the header is not Shortlist's.
    pub fn push(&mut self, data: &[u8]) -> Result<(), CryptoError> {
        self.buffer.extend_from_slice(data);
        if self.inner.is_none() && self.buffer.len() >= HEADER {
            if &self.buffer[..MAGIC.len()] != MAGIC {
                return Err(CryptoError::Format);
            }
            let header = self.buffer.split_to(HEADER);
            let prefix = GenericArray::clone_from_slice(&header[MAGIC.len()..]);
            self.inner = Some(DecryptorBE32::from_aead(self.key.cipher(), &prefix));
        }
        Ok(())
    }

    /// The plaintext of the next complete, authenticated chunk, if one is buffered.
    ///
    /// # Errors
    /// [`CryptoError::Authentication`] when the chunk fails authentication.
    pub fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, CryptoError> {
        let Some(inner) = self.inner.as_mut() else { return Ok(None) };
        // A full chunk is opened only once more bytes follow it: otherwise it may be the last
        // one, which must be opened with the last-chunk flag by `finish`.
        if self.buffer.len() <= CHUNK + TAG {
            return Ok(None);
        }
        let sealed = self.buffer.split_to(CHUNK + TAG);
        inner
            .decrypt_next(Payload { msg: &sealed, aad: &self.aad })
            .map(Some)
            .map_err(|_| CryptoError::Authentication)
    }

    /// Opens the last chunk. Fails if the stream was truncated anywhere.
    ///
    /// # Errors
    /// [`CryptoError`] when the object is truncated or the last chunk fails authentication.
    pub fn finish(mut self) -> Result<Vec<u8>, CryptoError> {
        if self.next_chunk()?.is_some() {
            // The caller stopped taking chunks early; finishing now would skip plaintext.
            return Err(CryptoError::Format);
        }
        let inner = self.inner.ok_or(CryptoError::Format)?;
        inner
            .decrypt_last(Payload { msg: &self.buffer, aad: &self.aad })
            .map_err(|_| CryptoError::Authentication)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal(key: &DataKey, aad: &[u8], plain: &[u8], piece: usize) -> Vec<u8> {
        let (mut s, mut out) = Sealer::new(key, aad);
        for part in plain.chunks(piece.max(1)) {
            out.extend(s.push(part).unwrap());
        }
        out.extend(s.finish().unwrap());
        out
    }

    fn open(
        key: &DataKey,
        aad: &[u8],
        sealed: &[u8],
        piece: usize,
    ) -> Result<Vec<u8>, CryptoError> {
        let mut o = Opener::new(key, aad);
        let mut out = Vec::new();
        for part in sealed.chunks(piece.max(1)) {
            o.push(part)?;
            while let Some(plain) = o.next_chunk()? {
                assert!(plain.len() <= CHUNK);
                out.extend(plain);
            }
        }
        out.extend(o.finish()?);
        Ok(out)
    }

    #[test]
    fn round_trips_at_every_chunk_boundary_and_piece_size() {
        let key = DataKey::generate();
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 17] {
            let plain: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            for piece in [1000, 7, CHUNK + TAG, 3 * CHUNK] {
                let sealed = seal(&key, b"p", &plain, piece);
                assert_eq!(open(&key, b"p", &sealed, piece).unwrap(), plain, "len {len}");
            }
        }
    }

    #[test]
    fn every_flipped_bit_position_class_is_rejected() {
        let key = DataKey::generate();
        let plain = vec![7u8; CHUNK * 2 + 5];
        let sealed = seal(&key, b"p", &plain, 4096);
        for pos in [HEADER - 1, HEADER, HEADER + CHUNK, sealed.len() - 1] {
            let mut bad = sealed.clone();
            bad[pos] ^= 1;
            assert!(open(&key, b"p", &bad, 4096).is_err(), "flip at {pos} accepted");
        }
        let mut bad_magic = sealed.clone();
        bad_magic[0] = b'X';
        assert_eq!(open(&key, b"p", &bad_magic, 4096), Err(CryptoError::Format));
    }

    #[test]
    fn truncation_and_extension_are_rejected() {
        let key = DataKey::generate();
        let sealed = seal(&key, b"p", &vec![1u8; CHUNK * 3], 4096);
        // Dropping the last chunk leaves a stream whose final chunk lacks the "last" flag.
        let cut = HEADER + 2 * (CHUNK + TAG);
        assert!(open(&key, b"p", &sealed[..cut], 4096).is_err());
        assert!(open(&key, b"p", &sealed[..sealed.len() - 1], 4096).is_err());
        assert!(open(&key, b"p", &sealed[..HEADER - 1], 4096).is_err());
        let mut longer = sealed.clone();
        longer.extend_from_slice(&[0; TAG]);
        assert!(open(&key, b"p", &longer, 4096).is_err());
    }

    #[test]
    fn wrong_key_or_wrong_place_is_rejected() {
        let key = DataKey::generate();
        let sealed = seal(&key, b"applications/a/doc", b"hello", 10);
        assert_eq!(
            open(&DataKey::generate(), b"applications/a/doc", &sealed, 10),
            Err(CryptoError::Authentication)
        );
        assert_eq!(
            open(&key, b"applications/b/doc", &sealed, 10),
            Err(CryptoError::Authentication)
        );
    }

    #[test]
    fn wrapped_keys_open_only_with_their_master_and_owner() {
        let master = MasterKey::new(&random_bytes::<32>());
        let key = DataKey::generate();
        let wrapped = master.wrap(&key, b"owner-1");
        let back = master.unwrap_key(&wrapped, b"owner-1").unwrap();
        assert_eq!(back.0.as_slice(), key.0.as_slice());
        assert!(master.unwrap_key(&wrapped, b"owner-2").is_err());
        let other = MasterKey::new(&random_bytes::<32>());
        assert!(other.unwrap_key(&wrapped, b"owner-1").is_err());
        assert!(matches!(master.unwrap_key(&wrapped[1..], b"owner-1"), Err(CryptoError::Format)));
        assert!(!format!("{key:?}{master:?}").contains(&format!("{:?}", key.0.as_slice())));
    }
}
