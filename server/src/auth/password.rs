//! Staff passwords: the policy (NIST SP 800-63B / OWASP ASVS 5.0 L2) and Argon2id hashing.
//!
//! Policy: 8 to 128 characters, any characters, no composition rules, paste allowed; a password
//! that zxcvbn judges easy to guess (score below 3 of 4: common passwords, dictionary words,
//! keyboard patterns, dates, the person's own email) is refused with a clear message.
//!
//! Hashing runs on the blocking thread pool, never on the async runtime: one Argon2id hash
//! with the OWASP parameters (19 MiB, 2 passes) takes tens of milliseconds of CPU. Checking a
//! sign-in for an unknown email verifies against a dummy hash made with the same parameters, so
//! unknown emails take as long as wrong passwords.
//!
//! Passwords never leave this module except as PHC-format Argon2id hashes.

use app::{domain::password::PasswordProblem, error::AppError};
use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString},
};
use std::sync::OnceLock;
use zeroize::Zeroizing;

/// Fewest characters a password may have.
pub const MIN_CHARS: usize = 8;
/// Most characters a password may have (long enough for any passphrase, short enough that
/// hashing cost stays bounded).
pub const MAX_CHARS: usize = 128;

/// Argon2id with OWASP's recommended minimum: m = 19 MiB, t = 2, p = 1.
fn hasher() -> Argon2<'static> {
    #[expect(clippy::expect_used, reason = "constant parameters, checked by a unit test")]
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks a new password against the policy. `personal` holds things about the person
/// (their email address and its parts) that must not make up the password.
///
/// # Errors
/// The first problem found; [`PasswordProblem::message`] says it in words.
pub fn check_policy(password: &str, personal: &[&str]) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars == 0 {
        return Err(PasswordProblem::Missing);
    }
    if chars < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    // zxcvbn discounts the person's details but can still rate "name + year" as strong; a
    // password that contains their name or email is refused outright.
    let lower = password.to_lowercase();
    let contains_personal = personal
        .iter()
        .flat_map(|p| p.split(|c: char| !c.is_alphanumeric()))
        .filter(|part| part.chars().count() >= 4)
        .any(|part| lower.contains(&part.to_lowercase()));
    if contains_personal {
        return Err(PasswordProblem::Personal);
    }
    let mut inputs: Vec<&str> = personal.to_vec();
    inputs.extend(["shortlist", "recruitment", "careers"]);
    if zxcvbn::zxcvbn(password, &inputs).score() < zxcvbn::Score::Three {
        return Err(PasswordProblem::Guessable);
    }
    Ok(())
}

/// Hashes a password with Argon2id and a random salt, off the async runtime.
///
/// # Errors
/// Internal, if the blocking pool is gone or hashing fails.
pub async fn hash(password: Zeroizing<String>) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(&crate::documents::random_bytes::<16>())
            .map_err(AppError::internal)?;
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(AppError::internal)
    })
    .await
    .map_err(AppError::internal)?
}

/// Checks a password against a stored hash; with no stored hash (unknown email, or an account
/// whose password is not set yet) it does the same work against a dummy hash and returns
/// `false`, so timing does not reveal which emails have accounts.
pub async fn verify(password: Zeroizing<String>, stored: Option<String>) -> bool {
    let result = tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let phc = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return false;
        };
        hasher().verify_password(password.as_bytes(), &parsed).is_ok() && known
    })
    .await;
    result.unwrap_or(false)
}

/// A hash of a random password, made once per process with the same parameters as real ones.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let secret = crate::documents::random_bytes::<32>();
        let salt = SaltString::encode_b64(&crate::documents::random_bytes::<16>());
        // Failure is unreachable with constant parameters; an empty (unparsable) dummy would
        // still verify nothing.
        salt.and_then(|s| hasher().hash_password(&secret, &s).map(|h| h.to_string()))
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn z(s: &str) -> Zeroizing<String> {
        Zeroizing::new(s.to_owned())
    }

    fn message(r: Result<(), PasswordProblem>) -> String {
        r.expect_err("expected a refusal").message().to_owned()
    }

    #[test]
    fn length_is_8_to_128_characters_not_bytes() {
        assert_eq!(message(check_policy("", &[])), "Enter a password");
        assert!(message(check_policy("Xk9#qLm", &[])).contains("8 characters or more"));
        assert!(message(check_policy(&"x".repeat(129), &[])).contains("128 characters or fewer"));
        // Seven two-byte characters are seven characters, however many bytes.
        assert!(message(check_policy("ééééééé", &[])).contains("8 characters or more"));
        // 128 characters of a strong passphrase are fine.
        let long: String = "correct horse battery staple ".repeat(5).chars().take(128).collect();
        assert!(check_policy(&long, &[]).is_ok());
    }

    #[test]
    fn common_and_guessable_passwords_are_refused_whatever_their_case() {
        for weak in [
            "password",
            "PASSWORD1",
            "Password123",
            "qwertyuiop",
            "iloveyou1",
            "12345678",
            "letmein!",
            "Summer2026",
        ] {
            assert!(message(check_policy(weak, &[])).contains("harder to guess"), "{weak}");
        }
    }

    #[test]
    fn the_persons_own_email_does_not_make_a_password() {
        let email = "jordan.reeve@example.org";
        for weak in ["jordanreeve2026", "Reeve-lantern-otter", "my example.org pass"] {
            assert!(message(check_policy(weak, &[email])).contains("name or email"), "{weak}");
        }
        // Short fragments such as "org" do not count.
        assert!(check_policy("vivid-otter-lantern-org", &[email]).is_ok());
    }

    #[test]
    fn passphrases_and_random_passwords_pass_without_composition_rules() {
        for good in ["correct horse battery staple", "vivid-otter-lantern-42", "q8#Lm2!vR0pz"] {
            assert!(check_policy(good, &[]).is_ok(), "{good}");
        }
    }

    #[test]
    fn argon2_parameters_are_valid() {
        let _ = hasher();
        assert!(dummy_hash().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    }

    #[tokio::test]
    async fn hashes_are_argon2id_salted_and_verify() {
        let a = hash(z("vivid-otter-lantern-42")).await.unwrap();
        let b = hash(z("vivid-otter-lantern-42")).await.unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "each hash has its own salt");
        assert!(!a.contains("vivid"));
        assert!(verify(z("vivid-otter-lantern-42"), Some(a.clone())).await);
        assert!(!verify(z("vivid-otter-lantern-43"), Some(a)).await);
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify_even_with_the_dummy_password() {
        assert!(!verify(z("anything at all"), None).await);
        assert!(!verify(z(""), None).await);
        assert!(!verify(z("x"), Some("not a hash".into())).await);
    }
}
