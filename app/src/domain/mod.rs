//! Pure domain rules and the types that cross the wire.
//!
//! Nothing here does I/O or reads a clock: time is always a parameter, so rules can be
//! tested across months in milliseconds. Types here are what server functions return;
//! they must never carry a field that the receiving page is not allowed to show.

pub mod access;
pub mod application;
pub mod audit;
pub mod checks;
pub mod disclosure;
pub mod ids;
pub mod monitoring;
pub mod password;
pub mod portal;
pub mod references;
pub mod reports;
pub mod reserve;
pub mod retention;
pub mod rights;
pub mod selection;
pub mod staff;
pub mod time;
pub mod vacancy;
pub mod vacancy_edit;

pub use ids::{ApplicationId, StaffId, VacancyId};
pub use vacancy::{SalaryBand, VacancyDetail, VacancySummary};
