//! Deciding what an uploaded file is from its bytes, as they stream past.
//!
//! The name and the type the browser declares are ignored: a renamed program says `.pdf` as
//! easily as a real PDF. [`Inspector`] sees every chunk once, keeps only the first 8 KiB and the
//! last 256 KiB (enough for a ZIP's central directory), counts the size against the limit and
//! checks plain text incrementally, so a file of any size is judged in bounded memory.
//!
//! Accepted: PDF (header and end-of-file marker), DOCX and ODT (ZIP containers with their
//! required parts, checked for decompression bombs: declared sizes, ratios, overlapping entries
//! and entry counts), RTF, and UTF-8 plain text. Everything else is refused with a reason the
//! applicant can act on. This module never executes, parses deeply or decompresses anything.

use std::fmt;

const HEAD: usize = 8 * 1024;
const TAIL: usize = 256 * 1024;
/// The most entries a document's ZIP container may have.
const MAX_ENTRIES: usize = 5_000;
/// The most a document's ZIP container may expand to.
const MAX_EXPANDED: u64 = 256 * 1024 * 1024;
/// The highest compression ratio of any one entry (XML compresses well; 100:1 is generous).
const MAX_RATIO: u64 = 100;

/// The kinds of document accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// PDF.
    Pdf,
    /// Word (Office Open XML).
    Docx,
    /// OpenDocument text.
    Odt,
    /// Rich Text Format.
    Rtf,
    /// UTF-8 plain text.
    Txt,
}

impl DocKind {
    /// The media type it is served with.
    #[must_use]
    pub const fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Rtf => "application/rtf",
            Self::Txt => "text/plain; charset=utf-8",
        }
    }

    /// From a stored media type.
    #[must_use]
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        [Self::Pdf, Self::Docx, Self::Odt, Self::Rtf, Self::Txt]
            .into_iter()
            .find(|k| k.media_type() == media_type)
    }

    /// What people call it.
    #[must_use]
    pub const fn words(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Docx => "Word document",
            Self::Odt => "OpenDocument text",
            Self::Rtf => "Rich Text Format",
            Self::Txt => "Plain text",
        }
    }
}

/// Why a file was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Larger than the configured limit (bytes).
    TooLarge(u64),
    /// No bytes at all.
    Empty,
    /// A program (Windows, Linux or macOS executable, or a script).
    Executable,
    /// A ZIP that would expand far beyond any document (or is built to mislead).
    Bomb,
    /// A document with macros.
    Macros,
    /// Starts like an accepted type but is cut short or malformed.
    Damaged,
    /// Not one of the accepted types.
    NotAllowed,
}

impl Refusal {
    /// The message shown with the upload field (GOV.UK file-upload wording).
    #[must_use]
    pub fn message(self) -> String {
        match self {
            Self::TooLarge(limit) => {
                format!("The selected file must be smaller than {}", megabytes(limit))
            }
            Self::Empty => "The selected file is empty".to_owned(),
            Self::Executable => "The selected file is a program, not a document. Upload your CV \
                                 as a PDF, DOCX, ODT, RTF or TXT file"
                .to_owned(),
            Self::Bomb => "The selected file could not be checked safely because it expands to \
                           far more than a document would. Save it again as a PDF and upload that"
                .to_owned(),
            Self::Macros => "The selected file contains macros. Save it as a PDF or a DOCX \
                             without macros and upload that"
                .to_owned(),
            Self::Damaged => "The selected file is damaged or incomplete. Save it again and \
                              upload it"
                .to_owned(),
            Self::NotAllowed => "The selected file must be a PDF, DOCX, ODT, RTF or TXT".to_owned(),
        }
    }

    /// A short code for logs and the audit trail (never the file's name).
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::TooLarge(_) => "too-large",
            Self::Empty => "empty",
            Self::Executable => "executable",
            Self::Bomb => "zip-bomb",
            Self::Macros => "macros",
            Self::Damaged => "damaged",
            Self::NotAllowed => "not-allowed",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

fn megabytes(bytes: u64) -> String {
    let mb = bytes / (1024 * 1024);
    if mb * 1024 * 1024 == bytes {
        format!("{mb}MB")
    } else {
        format!("{}KB", bytes.div_ceil(1024))
    }
}

/// Watches an upload go past and decides what it is.
#[derive(Debug)]
pub struct Inspector {
    limit: u64,
    size: u64,
    head: Vec<u8>,
    tail: Vec<u8>,
    text: TextCheck,
}

#[derive(Debug)]
struct TextCheck {
    plausible: bool,
    carry: Vec<u8>,
}

impl TextCheck {
    fn feed(&mut self, chunk: &[u8]) {
        if !self.plausible {
            return;
        }
        let mut bytes = std::mem::take(&mut self.carry);
        bytes.extend_from_slice(chunk);
        let (valid, rest) = match std::str::from_utf8(&bytes) {
            Ok(s) => (s, &[][..]),
            Err(e) if e.error_len().is_none() => {
                let (ok, rest) = bytes.split_at(e.valid_up_to());
                (std::str::from_utf8(ok).unwrap_or_default(), rest)
            }
            Err(_) => {
                self.plausible = false;
                return;
            }
        };
        if valid.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')) {
            self.plausible = false;
            return;
        }
        self.carry = rest.to_vec();
    }
}

impl Inspector {
    /// An inspector refusing anything over `limit` bytes.
    #[must_use]
    pub fn new(limit: u64) -> Self {
        Self {
            limit,
            size: 0,
            head: Vec::with_capacity(HEAD),
            tail: Vec::new(),
            text: TextCheck { plausible: true, carry: Vec::new() },
        }
    }

    /// Bytes seen so far.
    #[must_use]
    pub const fn size(&self) -> u64 {
        self.size
    }

    /// Looks at the next chunk.
    ///
    /// # Errors
    /// [`Refusal::TooLarge`] as soon as the limit is passed, so the rest need not be read.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), Refusal> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(Refusal::TooLarge(self.limit));
        }
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.tail.extend_from_slice(chunk);
        if self.tail.len() > 2 * TAIL {
            self.tail.drain(..self.tail.len() - TAIL);
        }
        self.text.feed(chunk);
        Ok(())
    }

    /// Decides, once every byte has been seen.
    ///
    /// # Errors
    /// Why the file is not accepted.
    pub fn finish(mut self) -> Result<DocKind, Refusal> {
        if self.tail.len() > TAIL {
            self.tail.drain(..self.tail.len() - TAIL);
        }
        let head = self.head.as_slice();
        if self.size == 0 {
            return Err(Refusal::Empty);
        }
        const PROGRAMS: &[&[u8]] = &[
            b"MZ",
            b"\x7fELF",
            b"\xca\xfe\xba\xbe",
            b"\xfe\xed\xfa\xce",
            b"\xfe\xed\xfa\xcf",
            b"\xce\xfa\xed\xfe",
            b"\xcf\xfa\xed\xfe",
            b"#!",
            b"\0asm",
        ];
        if PROGRAMS.iter().any(|p| head.starts_with(p)) {
            return Err(Refusal::Executable);
        }
        if head.starts_with(b"%PDF-") {
            let end = &self.tail[self.tail.len().saturating_sub(1024)..];
            return if end.windows(5).any(|w| w == b"%%EOF") {
                Ok(DocKind::Pdf)
            } else {
                Err(Refusal::Damaged)
            };
        }
        if head.starts_with(b"{\\rtf") {
            return Ok(DocKind::Rtf);
        }
        if head.starts_with(b"PK\x03\x04") {
            return zip_document(head, &self.tail, self.size);
        }
        if self.text.plausible && self.text.carry.is_empty() {
            return Ok(DocKind::Txt);
        }
        Err(Refusal::NotAllowed)
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at + 2).map(|s| u64::from(u16::from_le_bytes([s[0], s[1]])))
}

fn u32_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at + 4).map(|s| u64::from(u32::from_le_bytes([s[0], s[1], s[2], s[3]])))
}

struct Entry {
    name: Vec<u8>,
    offset: u64,
    compressed: u64,
    expanded: u64,
}

/// Reads the central directory of a ZIP whose last bytes are `tail`, and decides whether it is
/// a DOCX or an ODT that is safe to keep.
fn zip_document(head: &[u8], tail: &[u8], size: u64) -> Result<DocKind, Refusal> {
    // The end-of-central-directory record: 22 bytes plus a comment of up to 64 KiB.
    let search_from = tail.len().saturating_sub(22 + 65_535);
    let eocd = (search_from..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..i + 4] == *b"PK\x05\x06")
        .ok_or(Refusal::Damaged)?;
    let entries = u16_at(tail, eocd + 10).ok_or(Refusal::Damaged)?;
    let cd_size = u32_at(tail, eocd + 12).ok_or(Refusal::Damaged)?;
    let cd_offset = u32_at(tail, eocd + 16).ok_or(Refusal::Damaged)?;
    if entries == 0xFFFF || cd_offset == 0xFFFF_FFFF {
        // ZIP64: no word-processing document needs it.
        return Err(Refusal::NotAllowed);
    }
    let entries = usize::try_from(entries).map_err(|_| Refusal::Damaged)?;
    if entries > MAX_ENTRIES {
        return Err(Refusal::Bomb);
    }
    let tail_start = size - tail.len() as u64;
    if cd_offset < tail_start || cd_offset + cd_size > size {
        // A central directory larger than 256 KiB: no real document has one.
        return Err(if cd_offset + cd_size > size { Refusal::Damaged } else { Refusal::Bomb });
    }
    let mut at = usize::try_from(cd_offset - tail_start).map_err(|_| Refusal::Damaged)?;
    let mut list = Vec::with_capacity(entries);
    for _ in 0..entries {
        if tail.get(at..at + 4) != Some(b"PK\x01\x02") {
            return Err(Refusal::Damaged);
        }
        let compressed = u32_at(tail, at + 20).ok_or(Refusal::Damaged)?;
        let expanded = u32_at(tail, at + 24).ok_or(Refusal::Damaged)?;
        let name_len = usize::try_from(u16_at(tail, at + 28).ok_or(Refusal::Damaged)?).unwrap_or(0);
        let extra_len =
            usize::try_from(u16_at(tail, at + 30).ok_or(Refusal::Damaged)?).unwrap_or(0);
        let comment_len =
            usize::try_from(u16_at(tail, at + 32).ok_or(Refusal::Damaged)?).unwrap_or(0);
        let offset = u32_at(tail, at + 42).ok_or(Refusal::Damaged)?;
        let name = tail.get(at + 46..at + 46 + name_len).ok_or(Refusal::Damaged)?.to_vec();
        if compressed == 0xFFFF_FFFF || expanded == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            return Err(Refusal::NotAllowed);
        }
        list.push(Entry { name, offset, compressed, expanded });
        at += 46 + name_len + extra_len + comment_len;
    }
    let mut total = 0u64;
    for e in &list {
        total += e.expanded;
        if e.expanded > 0 && (e.compressed == 0 || e.expanded / e.compressed.max(1) > MAX_RATIO) {
            return Err(Refusal::Bomb);
        }
    }
    if total > MAX_EXPANDED {
        return Err(Refusal::Bomb);
    }
    // Entries must not share bytes: overlapping entries are how the worst bombs are built.
    let mut spans: Vec<(u64, u64)> = list
        .iter()
        .map(|e| (e.offset, e.offset + 30 + e.name.len() as u64 + e.compressed))
        .collect();
    spans.sort_unstable();
    if spans.windows(2).any(|w| w[1].0 < w[0].1) || spans.last().is_some_and(|l| l.1 > cd_offset) {
        return Err(Refusal::Bomb);
    }
    let has = |n: &[u8]| list.iter().any(|e| e.name == n);
    if has(b"word/vbaProject.bin") {
        return Err(Refusal::Macros);
    }
    if has(b"[Content_Types].xml") && has(b"word/document.xml") {
        return Ok(DocKind::Docx);
    }
    // ODF: the first entry is an uncompressed "mimetype" naming the document type.
    const ODT: &[u8] = b"application/vnd.oasis.opendocument.text";
    if head.get(30..38) == Some(b"mimetype")
        && head.get(38..38 + ODT.len()) == Some(ODT)
        && has(b"content.xml")
    {
        return Ok(DocKind::Odt);
    }
    Err(Refusal::NotAllowed)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn judge(bytes: &[u8]) -> Result<DocKind, Refusal> {
        judge_in(bytes, 4096)
    }

    fn judge_in(bytes: &[u8], chunk: usize) -> Result<DocKind, Refusal> {
        let mut i = Inspector::new(10 * 1024 * 1024);
        for c in bytes.chunks(chunk) {
            i.feed(c)?;
        }
        i.finish()
    }

    /// A ZIP of stored entries: (name, data, declared expanded size override, method).
    pub(crate) fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        zip_with(entries, None)
    }

    fn zip_with(entries: &[(&str, &[u8])], declared: Option<(u32, u16)>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in entries {
            let offset = out.len() as u32;
            let (expanded, method) = declared.unwrap_or((data.len() as u32, 0));
            let local = |sig: &[u8], v: &mut Vec<u8>| {
                v.extend_from_slice(sig);
            };
            local(b"PK\x03\x04", &mut out);
            out.extend_from_slice(&[20, 0, 0, 0]);
            out.extend_from_slice(&method.to_le_bytes());
            out.extend_from_slice(&[0; 8]); // time, date, crc
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&expanded.to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0]);
            central.extend_from_slice(&method.to_le_bytes());
            central.extend_from_slice(&[0; 8]);
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&expanded.to_le_bytes());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 12]); // extra, comment, disk, attrs
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_offset = out.len() as u32;
        let cd_size = central.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        let n = entries.len() as u16;
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&cd_size.to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    /// A minimal well-formed DOCX container.
    pub(crate) fn docx() -> Vec<u8> {
        zip(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")])
    }

    /// A small real PDF (one blank page).
    pub(crate) const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n\
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n\
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n\
trailer<</Root 1 0 R>>\n%%EOF\n";

    #[test]
    fn accepts_each_document_type_by_content_in_any_chunking() {
        for chunk in [1, 7, 4096] {
            assert_eq!(judge_in(PDF, chunk), Ok(DocKind::Pdf));
            assert_eq!(judge_in(&docx(), chunk), Ok(DocKind::Docx));
            assert_eq!(
                judge_in("Curriculum vitae\n\nRésumé – ok\r\n".as_bytes(), chunk),
                Ok(DocKind::Txt)
            );
        }
        let odt = zip(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", b"<x/>"),
        ]);
        assert_eq!(judge(&odt), Ok(DocKind::Odt));
        assert_eq!(judge(b"{\\rtf1\\ansi Hello}"), Ok(DocKind::Rtf));
    }

    #[test]
    fn refuses_programs_whatever_they_are_called() {
        assert_eq!(
            judge(b"MZ\x90\0\x03\0\0\0 This program cannot be run in DOS mode"),
            Err(Refusal::Executable)
        );
        assert_eq!(judge(b"\x7fELF\x02\x01\x01"), Err(Refusal::Executable));
        assert_eq!(judge(b"#!/bin/sh\nrm -rf /\n"), Err(Refusal::Executable));
    }

    #[test]
    fn refuses_zip_bombs_by_ratio_total_and_overlap() {
        // One entry claiming to expand 10,000-fold.
        let bomb = zip_with(
            &[("[Content_Types].xml", &[0; 100]), ("word/document.xml", &[0; 100])],
            Some((1_000_000, 8)),
        );
        assert_eq!(judge(&bomb), Err(Refusal::Bomb));
        // Overlapping entries: the second's offset points inside the first.
        let mut overlap = docx();
        let cd = overlap.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        let second =
            cd + 4 + overlap[cd + 4..].windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        overlap[second + 42..second + 46].copy_from_slice(&5u32.to_le_bytes());
        assert_eq!(judge(&overlap), Err(Refusal::Bomb));
    }

    #[test]
    fn refuses_other_containers_macros_and_damage() {
        assert_eq!(judge(&zip(&[("payload.exe", b"MZ")])), Err(Refusal::NotAllowed));
        let docm = zip(&[
            ("[Content_Types].xml", b"x"),
            ("word/document.xml", b"x"),
            ("word/vbaProject.bin", b"x"),
        ]);
        assert_eq!(judge(&docm), Err(Refusal::Macros));
        let cut = &docx()[..40];
        assert_eq!(judge(cut), Err(Refusal::Damaged));
        assert_eq!(judge(&PDF[..PDF.len() - 8]), Err(Refusal::Damaged));
        assert_eq!(judge(b""), Err(Refusal::Empty));
        assert_eq!(
            judge(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a]),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(judge(b"text with a NUL\0 inside"), Err(Refusal::NotAllowed));
        assert_eq!(judge(&[b'a', 0xff, b'b']), Err(Refusal::NotAllowed));
    }

    #[test]
    fn stops_at_the_limit_without_reading_the_rest() {
        let mut i = Inspector::new(10);
        assert!(i.feed(b"0123456789").is_ok());
        assert_eq!(i.feed(b"x"), Err(Refusal::TooLarge(10)));
        assert_eq!(
            Refusal::TooLarge(10 * 1024 * 1024).message(),
            "The selected file must be smaller than 10MB"
        );
    }

    #[test]
    fn media_types_round_trip() {
        for k in [DocKind::Pdf, DocKind::Docx, DocKind::Odt, DocKind::Rtf, DocKind::Txt] {
            assert_eq!(DocKind::from_media_type(k.media_type()), Some(k));
        }
    }
}
