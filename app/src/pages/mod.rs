//! Pages and the server functions they call.
//!
//! One module per page. Every server function here authorises first (public pages say so
//! explicitly), then calls a port from [`crate::ports::Services`]; it holds no business rule.
//! Pages that applicants use must work with JavaScript off, so their routes render with
//! `SsrMode::Async` (the whole page arrives as HTML, with no streamed `<template>` to swap).

pub mod apply;
pub mod audit;
pub mod candidate;
pub mod careers;
pub mod checks;
pub mod components;
pub mod holds;
pub mod not_found;
pub mod pipeline;
pub mod portal;
pub mod reference;
pub mod reports;
pub mod reserve;
pub mod reserve_list;
pub mod retention;
pub mod rights;
pub mod settings;
pub mod staff;
pub mod two_factor;
pub mod users;
pub mod vacancies;
pub mod vacancy;
