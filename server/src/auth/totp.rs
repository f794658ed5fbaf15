//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps — what every
//! authenticator app speaks) and single-use recovery codes.
//!
//! Pure functions: the caller supplies the time and the last step it accepted, and stores what
//! these return. A code is accepted for the current step and one step either side (clock
//! drift), and only for a step later than the last one accepted, so a code cannot be replayed.
//! Recovery codes are 50 random bits each, stored only as SHA-256 digests.
//!
//! Nothing here logs, and secrets live in [`Zeroizing`] buffers.

use aws_lc_rs::hmac;
use chrono::{DateTime, Utc};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Bytes of secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;
/// Recovery codes issued at enrolment.
pub const RECOVERY_CODES: usize = 10;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding: how authenticator apps take a secret typed by hand.
#[must_use]
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// A new random secret.
#[must_use]
pub fn new_secret() -> Zeroizing<Vec<u8>> {
    Zeroizing::new(crate::documents::random_bytes::<SECRET_BYTES>().to_vec())
}

/// The step `now` falls in.
#[must_use]
pub fn step_at(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(STEP_SECONDS)
}

/// The HOTP value of `secret` at `counter` (RFC 4226 §5.3).
#[must_use]
pub fn code_at(secret: &[u8], counter: i64) -> u32 {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let tag = hmac::sign(&key, &counter.to_be_bytes());
    let mac = tag.as_ref();
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let binary =
        u32::from_be_bytes([mac[offset], mac[offset + 1], mac[offset + 2], mac[offset + 3]])
            & 0x7fff_ffff;
    binary % 10u32.pow(DIGITS)
}

/// Checks a typed code against `secret` at `now`; returns the step it matched, which the
/// caller stores as the new last step. `None` for a wrong, malformed or replayed code.
#[must_use]
pub fn verify(
    secret: &[u8],
    typed: &str,
    now: DateTime<Utc>,
    last_step: Option<i64>,
) -> Option<i64> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if digits.len() != DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let typed: u32 = digits.parse().ok()?;
    let current = step_at(now);
    // Compare every candidate, so the time taken does not say which step matched.
    let mut matched = None;
    for step in [current - 1, current, current + 1] {
        let equal = aws_lc_rs::constant_time::verify_slices_are_equal(
            &code_at(secret, step).to_be_bytes(),
            &typed.to_be_bytes(),
        )
        .is_ok();
        if equal && last_step.is_none_or(|last| step > last) {
            matched = Some(step);
        }
    }
    matched
}

/// The `otpauth://` URI an authenticator app reads from the QR code.
#[must_use]
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> Zeroizing<String> {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    Zeroizing::new(format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        enc(issuer).replace('+', "%20"),
        enc(account).replace('+', "%20"),
        base32(secret),
        enc(issuer).replace('+', "%20"),
    ))
}

/// The QR code of `text` as an SVG image (dark modules on white, with a quiet zone).
#[must_use]
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(200, 200)
                .dark_color(qrcode::render::svg::Color("#0b0c0c"))
                .light_color(qrcode::render::svg::Color("#ffffff"))
                .quiet_zone(true)
                .build();
            // Inline in HTML: drop the XML declaration, keep the <svg> element.
            svg.find("<svg").map_or(svg.clone(), |at| svg[at..].to_owned())
        }
        // Only for data beyond a QR code's capacity, which an otpauth URI never reaches; the
        // page still shows the key to type in.
        Err(_) => String::new(),
    }
}

/// New recovery codes, as shown to the person once: ten groups like `k7m2p-9xq4d`.
#[must_use]
pub fn new_recovery_codes() -> Vec<Zeroizing<String>> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let raw = base32(&crate::documents::random_bytes::<7>()).to_ascii_lowercase();
            Zeroizing::new(format!("{}-{}", &raw[..5], &raw[5..10]))
        })
        .collect()
}

/// The digest a recovery code is stored and looked up by: case, spaces and dashes ignored.
/// `None` when the text cannot be a recovery code.
#[must_use]
pub fn recovery_digest(typed: &str) -> Option<[u8; 32]> {
    let norm: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if norm.len() != 10
        || !norm.bytes().all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
    {
        return None;
    }
    Some(Sha256::digest(norm.as_bytes()).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    /// RFC 6238 appendix B, SHA-1 rows (8 digits there; the last 6 are ours).
    #[test]
    fn matches_the_rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (t, expected8) in [
            (59_i64, 94_287_082_u32),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            let now = Utc.timestamp_opt(t, 0).unwrap();
            assert_eq!(code_at(secret, step_at(now)), expected8 % 1_000_000, "t={t}");
        }
    }

    #[test]
    fn base32_matches_rfc_4648() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn accepts_adjacent_steps_once_and_refuses_replays_and_junk() {
        let secret = b"12345678901234567890";
        let now = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        let step = step_at(now);
        let code = |s: i64| format!("{:06}", code_at(secret, s));
        assert_eq!(verify(secret, &code(step), now, None), Some(step));
        assert_eq!(verify(secret, &code(step - 1), now, None), Some(step - 1));
        assert_eq!(verify(secret, &code(step + 1), now, None), Some(step + 1));
        assert_eq!(verify(secret, &code(step - 2), now, None), None, "too old");
        assert_eq!(verify(secret, &code(step), now, Some(step)), None, "replayed");
        assert_eq!(verify(secret, &code(step - 1), now, Some(step - 1)), None, "replayed");
        let spaced = format!("{} {}", &code(step)[..3], &code(step)[3..]);
        assert_eq!(verify(secret, &spaced, now, None), Some(step), "spaces are ignored");
        for junk in ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦"] {
            assert_eq!(verify(secret, junk, now, None), None, "{junk}");
        }
    }

    #[test]
    fn recovery_codes_are_distinct_and_found_however_typed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let digests: std::collections::BTreeSet<_> =
            codes.iter().map(|c| recovery_digest(c).unwrap()).collect();
        assert_eq!(digests.len(), RECOVERY_CODES);
        let first = codes[0].as_str();
        let typed = format!(" {} ", first.to_uppercase().replace('-', " "));
        assert_eq!(recovery_digest(&typed), recovery_digest(first));
        assert_eq!(recovery_digest("123456"), None);
    }

    #[test]
    fn the_enrolment_uri_and_qr_code_carry_the_secret() {
        let uri = otpauth_uri("Acme Ltd", "hm@example.org", b"12345678901234567890");
        assert!(uri.starts_with(
            "otpauth://totp/Acme%20Ltd:hm%40example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&"
        ));
        let svg = qr_svg(&uri);
        assert!(svg.starts_with("<svg") && svg.contains("<path"), "{}", &svg[..40]);
    }
}
