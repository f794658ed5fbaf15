//! Staff authentication: password rules and hashing ([`password`]) and server-side sessions
//! ([`sessions`]).
//!
//! This module decides who someone is; `app::domain::access` decides what they may do. Nothing
//! here ever logs or returns a password, a session token or a hash of either.

pub mod password;
pub mod sessions;
