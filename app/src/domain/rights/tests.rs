use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

#[test]
fn one_month_to_the_corresponding_date_or_the_months_last_day_then_a_working_day() {
    // (received, due): every row worked out by hand from a calendar.
    let rows = [
        ("2026-10-31", "2026-11-30"), // 30 November, a Monday
        ("2027-03-31", "2027-04-30"), // no 31 April: the last day, a Friday
        ("2028-01-31", "2028-02-29"), // leap year: 29 February, a Tuesday
        ("2027-01-31", "2027-03-01"), // 28 February 2027 is a Sunday
        ("2026-09-03", "2026-10-05"), // 3 October 2026 is a Saturday
        ("2026-11-26", "2026-12-29"), // Sat 26, Sun 27, Mon 28 (Boxing Day's substitute)
        ("2027-02-26", "2027-03-30"), // Good Friday 26 March, then Easter Monday 29 March
        ("2027-04-30", "2027-06-01"), // Sun 30 May, then the spring bank holiday on 31 May
        ("2027-11-27", "2027-12-29"), // Mon 27 and Tue 28 December 2027 are substitutes
        ("2027-12-01", "2028-01-04"), // 1 January 2028 is a Saturday: Monday 3 is the holiday
    ];
    for (received, due) in rows {
        assert_eq!(due_date(d(received)), d(due), "received {received}");
    }
}

#[test]
fn an_extension_adds_one_or_two_months_and_no_more() {
    assert_eq!(extended_due_date(d("2027-03-31"), 2), Some(d("2027-06-30")));
    assert_eq!(extended_due_date(d("2027-11-30"), 2), Some(d("2028-02-29")));
    assert_eq!(extended_due_date(d("2027-11-30"), 1), Some(d("2028-01-31")));
    assert_eq!(extended_due_date(d("2027-11-30"), 0), None);
    assert_eq!(extended_due_date(d("2027-11-30"), 3), None);
}

#[test]
fn bank_holidays_of_england_and_wales() {
    let expect = |year: i32, days: &[&str]| {
        let mut got = bank_holidays(year);
        got.sort();
        let want: Vec<NaiveDate> = days.iter().map(|s| d(s)).collect();
        assert_eq!(got, want, "{year}");
    };
    // 2026 and 2027 as published on GOV.UK.
    expect(
        2026,
        &[
            "2026-01-01",
            "2026-04-03",
            "2026-04-06",
            "2026-05-04",
            "2026-05-25",
            "2026-08-31",
            "2026-12-25",
            "2026-12-28",
        ],
    );
    expect(
        2027,
        &[
            "2027-01-01",
            "2027-03-26",
            "2027-03-29",
            "2027-05-03",
            "2027-05-31",
            "2027-08-30",
            "2027-12-27",
            "2027-12-28",
        ],
    );
    // Computed by the regular rules (Good Friday 14 April 2028, Christmas on a Monday).
    expect(
        2028,
        &[
            "2028-01-03",
            "2028-04-14",
            "2028-04-17",
            "2028-05-01",
            "2028-05-29",
            "2028-08-28",
            "2028-12-25",
            "2028-12-26",
        ],
    );
}

#[test]
fn kinds_round_trip() {
    for k in RequestKind::ALL {
        assert_eq!(RequestKind::from_code(k.code()), Some(k));
        assert!(!k.words().is_empty());
    }
    assert_eq!(RequestKind::from_code("deletion"), None);
}
