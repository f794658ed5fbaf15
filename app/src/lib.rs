//! Shortlist's shared crate: what the browser and the server both compile.
//!
//! It holds the pages and components, the server functions (the wire API), the shared
//! types, and pure domain rules. Built twice: as an rlib with feature `ssr` for the server,
//! and as a cdylib with feature `hydrate` for the browser.
//!
//! It must never depend on a database driver, object storage or anything else that only a
//! server has: those live in `server`, behind the *ports* this crate declares (see [`ports`]).
//! Every server function authorises first, then calls a port; business rules that need
//! storage belong behind a port, pure ones in [`domain`].

pub mod domain;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ports;
pub mod shell;

pub use shell::{App, shell};

/// Entry point of the browser bundle: attaches the reactive system to the server-rendered HTML.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
