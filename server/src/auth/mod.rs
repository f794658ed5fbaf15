//! Staff authentication: password rules and hashing ([`password`]), server-side sessions
//! ([`sessions`]), single-use set-password links ([`links`]) and the tokens both use ([`token`]).
//!
//! This module decides who someone is; `app::domain::access` decides what they may do. Nothing
//! here ever logs or returns a password, a session token or a hash of either.

pub mod links;
pub mod password;
pub mod second_factor;
pub mod sessions;
pub mod token;
pub mod totp;
