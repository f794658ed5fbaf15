//! Rights requests under UK GDPR (PRODUCT §2.8): the kinds of request and their deadlines.
//!
//! A request must be answered within one month of receipt, extendable by two further months
//! with a reason. The ICO's reading, which this follows: the month runs from the day of receipt
//! to the corresponding date of the next month; when the next month has no such date (received
//! 31 January), the last day of that month; and when the date falls on a weekend or a bank
//! holiday, the next working day. Bank holidays are England and Wales's regular ones, computed
//! for any year (Easter by the Gregorian computus, substitute days at Christmas and New Year).
//! One-off changes proclaimed for a single year (an extra holiday, or a regular one moved, as in
//! 2022) are not known here: in such a year a deadline near one may be a day out.
//!
//! Pure: no clock, no database. The register ([`register`]) stores what these functions answer.

use chrono::{Datelike as _, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// What the person asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RequestKind {
    /// A copy of their data (subject access).
    Access,
    /// Correct inaccurate data.
    Rectification,
    /// Erase their data.
    Erasure,
    /// Restrict processing while something is resolved.
    Restriction,
    /// Object to processing.
    Objection,
    /// Withdraw a consent.
    ConsentWithdrawal,
}

impl RequestKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [Self; 6] = [
        Self::Access,
        Self::Rectification,
        Self::Erasure,
        Self::Restriction,
        Self::Objection,
        Self::ConsentWithdrawal,
    ];

    /// Storage code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Rectification => "rectification",
            Self::Erasure => "erasure",
            Self::Restriction => "restriction",
            Self::Objection => "objection",
            Self::ConsentWithdrawal => "consent_withdrawal",
        }
    }

    /// From a storage code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// As the applicant chooses it in the portal.
    #[must_use]
    pub const fn portal_words(self) -> &'static str {
        match self {
            Self::Access => "Send me a copy of the data you hold about me",
            Self::Rectification => "Correct data about me that is wrong",
            Self::Erasure => "Delete my data",
            Self::Restriction => "Stop using my data for now, but keep it",
            Self::Objection => "Stop using my data for something I object to",
            Self::ConsentWithdrawal => "Withdraw something I agreed to",
        }
    }

    /// In plain words.
    #[must_use]
    pub const fn words(self) -> &'static str {
        match self {
            Self::Access => "Access to their data",
            Self::Rectification => "Correction of their data",
            Self::Erasure => "Erasure of their data",
            Self::Restriction => "Restriction of processing",
            Self::Objection => "Objection to processing",
            Self::ConsentWithdrawal => "Withdrawal of consent",
        }
    }
}

/// The longest extension, in months beyond the first.
pub const MAX_EXTENSION_MONTHS: u32 = 2;

/// When a request received on `received` must be answered.
#[must_use]
pub fn due_date(received: NaiveDate) -> NaiveDate {
    working_day_on_or_after(months_after(received, 1))
}

/// When a request received on `received` must be answered once extended by `extra_months`
/// (1 or 2); `None` for any other extension.
#[must_use]
pub fn extended_due_date(received: NaiveDate, extra_months: u32) -> Option<NaiveDate> {
    (1..=MAX_EXTENSION_MONTHS)
        .contains(&extra_months)
        .then(|| working_day_on_or_after(months_after(received, 1 + extra_months)))
}

/// The corresponding date `months` later, or the last day of that month.
fn months_after(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

/// `day` if it is a working day in England and Wales, else the next one.
#[must_use]
pub fn working_day_on_or_after(day: NaiveDate) -> NaiveDate {
    let mut d = day;
    while is_weekend(d) || is_bank_holiday(d) {
        match d.succ_opt() {
            Some(next) => d = next,
            None => return d,
        }
    }
    d
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Whether `d` is a regular bank holiday in England and Wales.
#[must_use]
pub fn is_bank_holiday(d: NaiveDate) -> bool {
    bank_holidays(d.year()).contains(&d)
}

/// The regular bank holidays of England and Wales in `year`.
#[must_use]
pub fn bank_holidays(year: i32) -> Vec<NaiveDate> {
    let on = |m: u32, day: u32| NaiveDate::from_ymd_opt(year, m, day);
    let mut days = Vec::with_capacity(8);
    // New Year's Day, or the Monday after it falls at a weekend.
    if let Some(new_year) = on(1, 1) {
        days.push(match new_year.weekday() {
            Weekday::Sat => new_year + chrono::Duration::days(2),
            Weekday::Sun => new_year + chrono::Duration::days(1),
            _ => new_year,
        });
    }
    if let Some(easter) = easter_sunday(year) {
        days.push(easter - chrono::Duration::days(2));
        days.push(easter + chrono::Duration::days(1));
    }
    // Early May (first Monday), spring (last Monday of May), summer (last Monday of August).
    days.extend(NaiveDate::from_weekday_of_month_opt(year, 5, Weekday::Mon, 1));
    days.extend(last_monday(year, 5));
    days.extend(last_monday(year, 8));
    // Christmas and Boxing Day, with their substitutes when either falls at a weekend.
    if let Some(christmas) = on(12, 25) {
        let plus = |n: i64| christmas + chrono::Duration::days(n);
        match christmas.weekday() {
            Weekday::Fri => days.extend([christmas, plus(3)]),
            Weekday::Sat => days.extend([plus(2), plus(3)]),
            Weekday::Sun => days.extend([plus(1), plus(2)]),
            _ => days.extend([christmas, plus(1)]),
        }
    }
    days
}

fn last_monday(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 5)
        .or_else(|| NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 4))
}

/// Easter Sunday in the Gregorian calendar (the anonymous computus).
fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

pub mod rectify;
pub mod register;

#[cfg(test)]
mod tests;
