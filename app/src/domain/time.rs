//! Showing instants to people in the UK.
//!
//! Shortlist stores every instant in UTC and shows it in UK civil time (GMT in winter,
//! BST in summer). The rule is small and fixed by law (the Summer Time Order 2002: from
//! 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October), so it
//! is written here rather than pulling a whole time-zone database into the browser bundle.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc, Weekday};

/// The last Sunday of a month, at 01:00 UTC.
fn last_sunday_0100_utc(year: i32, month: u32) -> Option<DateTime<Utc>> {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let last_day = first_of_next.pred_opt()?;
    let back = last_day.weekday().num_days_from_sunday();
    let sunday = last_day - Duration::days(i64::from(back));
    debug_assert_eq!(sunday.weekday(), Weekday::Sun);
    Some(Utc.from_utc_datetime(&sunday.and_hms_opt(1, 0, 0)?))
}

/// Converts a UTC instant to UK civil time, returning the local wall-clock time and whether
/// British Summer Time applies.
#[must_use]
pub fn to_uk(at: DateTime<Utc>) -> (chrono::NaiveDateTime, bool) {
    let year = at.year();
    let bst = match (last_sunday_0100_utc(year, 3), last_sunday_0100_utc(year, 10)) {
        (Some(start), Some(end)) => at >= start && at < end,
        _ => false,
    };
    let offset = if bst { Duration::hours(1) } else { Duration::zero() };
    ((at + offset).naive_utc(), bst)
}

/// The UTC instant of a UK wall-clock time. When the clocks go back the hour from 1am to 2am
/// happens twice, and the first (BST) one is meant; when they go forward the hour from 1am
/// to 2am does not exist, and the answer is `None`.
#[must_use]
pub fn from_uk(local: chrono::NaiveDateTime) -> Option<DateTime<Utc>> {
    let as_gmt = Utc.from_utc_datetime(&local);
    let as_bst = as_gmt - Duration::hours(1);
    if to_uk(as_bst) == (local, true) {
        Some(as_bst)
    } else if to_uk(as_gmt) == (local, false) {
        Some(as_gmt)
    } else {
        None
    }
}

/// A date and time the way GOV.UK writes them: "5 December 2026 at 11:59pm".
#[must_use]
pub fn format_uk_datetime(at: DateTime<Utc>) -> String {
    let (local, _) = to_uk(at);
    let (pm, hour12) = local.hour12();
    let suffix = if pm { "pm" } else { "am" };
    let time = match (local.hour(), local.minute()) {
        (0, 0) => "midnight".to_owned(),
        (12, 0) => "midday".to_owned(),
        (_, 0) => format!("{hour12}{suffix}"),
        (_, m) => format!("{hour12}:{m:02}{suffix}"),
    };
    format!("{} at {time}", format_uk_date(at))
}

/// The UK civil date at `at` (what "today" means to staff and applicants).
#[must_use]
pub fn uk_date(at: DateTime<Utc>) -> chrono::NaiveDate {
    to_uk(at).0.date()
}

/// A date the way GOV.UK writes it: "5 December 2026" (in UK civil time).
#[must_use]
pub fn format_uk_date(at: DateTime<Utc>) -> String {
    format_day(to_uk(at).0.date())
}

/// A calendar day as GOV.UK writes dates: "3 March 2026".
#[must_use]
pub fn format_day(day: chrono::NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn winter_is_gmt_and_summer_is_bst() {
        assert_eq!(format_uk_datetime(utc("2026-12-05T23:59:00Z")), "5 December 2026 at 11:59pm");
        assert_eq!(format_uk_datetime(utc("2026-07-01T11:00:00Z")), "1 July 2026 at midday");
        assert_eq!(format_uk_datetime(utc("2026-07-01T22:59:00Z")), "1 July 2026 at 11:59pm");
        // 23:30 UTC in summer is already the next day in London.
        assert_eq!(format_uk_date(utc("2026-07-01T23:30:00Z")), "2 July 2026");
    }

    #[test]
    fn changes_over_at_one_in_the_morning_utc_on_the_last_sundays() {
        // 2026: BST from 29 March to 25 October.
        assert!(!to_uk(utc("2026-03-29T00:59:59Z")).1);
        assert!(to_uk(utc("2026-03-29T01:00:00Z")).1);
        assert!(to_uk(utc("2026-10-25T00:59:59Z")).1);
        assert!(!to_uk(utc("2026-10-25T01:00:00Z")).1);
        // 2027: 28 March and 31 October (a month whose last day is a Sunday).
        assert!(to_uk(utc("2027-10-31T00:30:00Z")).1);
        assert!(!to_uk(utc("2027-10-31T01:00:00Z")).1);
    }

    #[test]
    fn uk_wall_clock_times_convert_back_to_the_instant() {
        let local = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(from_uk(local("2026-12-05 23:59")), Some(utc("2026-12-05T23:59:00Z")));
        assert_eq!(from_uk(local("2026-07-01 12:00")), Some(utc("2026-07-01T11:00:00Z")));
        // Clocks go forward at 1am on 29 March 2026: 1:30am never happens.
        assert_eq!(from_uk(local("2026-03-29 01:30")), None);
        assert_eq!(from_uk(local("2026-03-29 02:00")), Some(utc("2026-03-29T01:00:00Z")));
        // Clocks go back at 2am on 25 October 2026: 1:30am happens twice; the first is meant.
        assert_eq!(from_uk(local("2026-10-25 01:30")), Some(utc("2026-10-25T00:30:00Z")));
        for at in ["2026-01-10T00:00:00Z", "2026-06-30T23:59:00Z", "2027-10-31T00:30:00Z"] {
            assert_eq!(from_uk(to_uk(utc(at)).0), Some(utc(at)), "{at}");
        }
    }

    #[test]
    fn midnight_and_minutes_read_naturally() {
        assert_eq!(format_uk_datetime(utc("2026-01-10T00:00:00Z")), "10 January 2026 at midnight");
        assert_eq!(format_uk_datetime(utc("2026-01-10T09:05:00Z")), "10 January 2026 at 9:05am");
        assert_eq!(format_uk_datetime(utc("2026-01-10T17:00:00Z")), "10 January 2026 at 5pm");
    }
}
