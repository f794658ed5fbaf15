//! A streaming ZIP writer for access bundles: entries are stored (not compressed — the
//! documents inside are mostly compressed formats already, and storing keeps memory flat),
//! each followed by a data descriptor so its size and checksum need not be known before its
//! bytes are sent. The caller sends what [`ZipWriter`] returns, in order, and the entries'
//! bytes between `start` and `end`; nothing is held but the central directory's entries.
//!
//! Never holds an entry's contents; refuses to go past the classic format's 4 GiB limits
//! rather than write an archive readers would misread.

use bytes::{BufMut as _, Bytes, BytesMut};
use chrono::{Datelike as _, NaiveDateTime, Timelike as _};

static CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

/// Flags: sizes in a data descriptor (bit 3), UTF-8 names (bit 11).
const FLAGS: u16 = 0x0008 | 0x0800;
/// Version needed to extract: 2.0 (stored entries, data descriptors).
const VERSION: u16 = 20;

/// The archive would pass the classic format's limits (4 GiB, 65,535 entries).
#[derive(Debug, thiserror::Error)]
#[error("the archive would be larger than the ZIP format allows without ZIP64")]
pub struct TooLarge;

#[derive(Debug)]
struct Entry {
    name: String,
    crc: u32,
    size: u32,
    offset: u32,
}

/// The entry being written.
struct Open {
    name: String,
    digest: crc::Digest<'static, u32>,
    size: u64,
    offset: u32,
}

/// Writes one archive; see the module docs.
pub struct ZipWriter {
    written: u64,
    entries: Vec<Entry>,
    open: Option<Open>,
    time: u16,
    date: u16,
}

impl std::fmt::Debug for ZipWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZipWriter").field("entries", &self.entries.len()).finish_non_exhaustive()
    }
}

fn small(n: u64) -> Result<u32, TooLarge> {
    u32::try_from(n).ok().filter(|n| *n != u32::MAX).ok_or(TooLarge)
}

impl ZipWriter {
    /// A new archive whose entries carry the local time `at` (MS-DOS time, 2-second steps).
    #[must_use]
    pub fn new(at: NaiveDateTime) -> Self {
        let year = u16::try_from(at.year().clamp(1980, 2107) - 1980).unwrap_or(0);
        let date = (year << 9)
            | (u16::try_from(at.month()).unwrap_or(1) << 5)
            | u16::try_from(at.day()).unwrap_or(1);
        let time = (u16::try_from(at.hour()).unwrap_or(0) << 11)
            | (u16::try_from(at.minute()).unwrap_or(0) << 5)
            | u16::try_from(at.second() / 2).unwrap_or(0);
        Self { written: 0, entries: Vec::new(), open: None, time, date }
    }

    fn counted(&mut self, b: BytesMut) -> Bytes {
        self.written += b.len() as u64;
        b.freeze()
    }

    /// Starts an entry named `name` (a path inside the archive, `/`-separated); returns its
    /// local header. Any entry still open is ended first (its descriptor comes first).
    ///
    /// # Errors
    /// The archive would pass the format's limits.
    pub fn start(&mut self, name: &str) -> Result<Bytes, TooLarge> {
        // The open entry's descriptor (already counted by `end`) goes first.
        let ended = self.end()?;
        if self.entries.len() >= usize::from(u16::MAX) {
            return Err(TooLarge);
        }
        let offset = small(self.written)?;
        let name_len = u16::try_from(name.len()).map_err(|_| TooLarge)?;
        let mut out = BytesMut::new();
        out.put_u32_le(0x0403_4b50);
        out.put_u16_le(VERSION);
        out.put_u16_le(FLAGS);
        out.put_u16_le(0); // stored
        out.put_u16_le(self.time);
        out.put_u16_le(self.date);
        out.put_u32_le(0); // crc, size and size: in the descriptor
        out.put_u32_le(0);
        out.put_u32_le(0);
        out.put_u16_le(name_len);
        out.put_u16_le(0);
        out.put_slice(name.as_bytes());
        self.open = Some(Open { name: name.to_owned(), digest: CRC32.digest(), size: 0, offset });
        let header = self.counted(out);
        Ok(if ended.is_empty() { header } else { [ended, header].concat().into() })
    }

    /// Accounts for `data`, the next bytes of the open entry, which the caller sends as they
    /// are (stored entries are their own bytes).
    ///
    /// # Errors
    /// No entry is open, or the entry or archive would pass the format's limits.
    pub fn data(&mut self, data: &[u8]) -> Result<(), TooLarge> {
        let open = self.open.as_mut().ok_or(TooLarge)?;
        open.digest.update(data);
        open.size += data.len() as u64;
        self.written += data.len() as u64;
        small(open.size).map(|_| ())
    }

    /// Ends the open entry; returns its data descriptor (empty if none was open).
    ///
    /// # Errors
    /// The entry would pass the format's limits.
    pub fn end(&mut self) -> Result<Bytes, TooLarge> {
        let Some(open) = self.open.take() else { return Ok(Bytes::new()) };
        let crc = open.digest.finalize();
        let size = small(open.size)?;
        let mut out = BytesMut::with_capacity(16);
        out.put_u32_le(0x0807_4b50);
        out.put_u32_le(crc);
        out.put_u32_le(size);
        out.put_u32_le(size);
        self.entries.push(Entry { name: open.name, crc, size, offset: open.offset });
        Ok(self.counted(out))
    }

    /// A whole small entry (header, contents and descriptor) in one piece.
    ///
    /// # Errors
    /// The archive would pass the format's limits.
    pub fn whole(&mut self, name: &str, contents: &[u8]) -> Result<Bytes, TooLarge> {
        let mut out = BytesMut::new();
        out.extend_from_slice(&self.start(name)?);
        self.data(contents)?;
        out.extend_from_slice(contents);
        out.extend_from_slice(&self.end()?);
        Ok(out.freeze())
    }

    /// Ends the archive: the central directory and its end record.
    ///
    /// # Errors
    /// The archive would pass the format's limits.
    pub fn finish(mut self) -> Result<Bytes, TooLarge> {
        let mut out = BytesMut::new();
        out.extend_from_slice(&self.end()?);
        let start = small(self.written)?;
        let mut directory = BytesMut::new();
        for e in &self.entries {
            directory.put_u32_le(0x0201_4b50);
            directory.put_u16_le(VERSION); // made by: MS-DOS attributes, 2.0
            directory.put_u16_le(VERSION);
            directory.put_u16_le(FLAGS);
            directory.put_u16_le(0);
            directory.put_u16_le(self.time);
            directory.put_u16_le(self.date);
            directory.put_u32_le(e.crc);
            directory.put_u32_le(e.size);
            directory.put_u32_le(e.size);
            directory.put_u16_le(u16::try_from(e.name.len()).map_err(|_| TooLarge)?);
            directory.put_u16_le(0); // extra
            directory.put_u16_le(0); // comment
            directory.put_u16_le(0); // disk
            directory.put_u16_le(0); // internal attributes
            directory.put_u32_le(0); // external attributes
            directory.put_u32_le(e.offset);
            directory.put_slice(e.name.as_bytes());
        }
        let count = u16::try_from(self.entries.len()).map_err(|_| TooLarge)?;
        let size = small(directory.len() as u64)?;
        out.extend_from_slice(&directory);
        out.put_u32_le(0x0605_4b50);
        out.put_u16_le(0);
        out.put_u16_le(0);
        out.put_u16_le(count);
        out.put_u16_le(count);
        out.put_u32_le(size);
        out.put_u32_le(start);
        out.put_u16_le(0);
        Ok(out.freeze())
    }
}

/// Reads back a stored archive as this module writes it: each entry's name and contents, or
/// `None` when the bytes are not such an archive or a checksum does not match. For tests and
/// tools that check a bundle; the server never reads archives.
#[must_use]
pub fn entries(archive: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let slice = |i: usize, n: usize| archive.get(i..i.checked_add(n)?);
    let u16_at = |i: usize| slice(i, 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let u32_at = |i: usize| slice(i, 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let end = archive.len().checked_sub(22)?;
    if u32_at(end)? != 0x0605_4b50 {
        return None;
    }
    let count = usize::from(u16_at(end + 10)?);
    let mut at = usize::try_from(u32_at(end + 16)?).ok()?;
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        if u32_at(at)? != 0x0201_4b50 {
            return None;
        }
        let crc = u32_at(at + 16)?;
        let size = usize::try_from(u32_at(at + 24)?).ok()?;
        let name_len = usize::from(u16_at(at + 28)?);
        let local = usize::try_from(u32_at(at + 42)?).ok()?;
        let name = String::from_utf8(slice(at + 46, name_len)?.to_vec()).ok()?;
        if u32_at(local)? != 0x0403_4b50 {
            return None;
        }
        let data = slice(local + 30 + usize::from(u16_at(local + 26)?), size)?;
        if CRC32.checksum(data) != crc {
            return None;
        }
        out.push((name, data.to_vec()));
        at += 46 + name_len;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> NaiveDateTime {
        "2026-11-25T10:30:08".parse().unwrap()
    }

    #[test]
    fn entries_written_in_pieces_read_back_whole() {
        let mut z = ZipWriter::new(at());
        let mut archive = Vec::new();
        archive.extend_from_slice(&z.whole("index.html", b"<p>hello</p>").unwrap());
        archive.extend_from_slice(&z.start("documents/cv.pdf").unwrap());
        for piece in [&b"%PDF-1.7 "[..], b"second piece", b""] {
            z.data(piece).unwrap();
            archive.extend_from_slice(piece);
        }
        archive.extend_from_slice(&z.start("empty.txt").unwrap());
        archive.extend_from_slice(&z.finish().unwrap());
        let read = entries(&archive).unwrap();
        assert_eq!(
            read,
            vec![
                ("index.html".to_owned(), b"<p>hello</p>".to_vec()),
                ("documents/cv.pdf".to_owned(), b"%PDF-1.7 second piece".to_vec()),
                ("empty.txt".to_owned(), Vec::new()),
            ]
        );
    }

    #[test]
    fn the_checksum_is_the_standard_one() {
        // The check value of CRC-32/ISO-HDLC, the checksum ZIP uses.
        assert_eq!(CRC32.checksum(b"123456789"), 0xcbf4_3926);
    }

    #[test]
    fn data_outside_an_entry_is_refused() {
        let mut z = ZipWriter::new(at());
        assert!(z.data(b"x").is_err());
    }

    #[test]
    fn a_damaged_archive_reads_as_none() {
        let mut z = ZipWriter::new(at());
        let mut archive = z.whole("a.txt", b"abc").unwrap().to_vec();
        archive.extend_from_slice(&z.finish().unwrap());
        let at = archive.iter().position(|b| *b == b'b').unwrap();
        archive[at] = b'x';
        assert!(entries(&archive).is_none());
        assert!(entries(b"not a zip").is_none());
    }
}
