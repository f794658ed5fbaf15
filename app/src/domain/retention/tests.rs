use super::*;
use chrono::TimeZone as _;

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
}

fn facts(state: State) -> Facts {
    Facts { state, reserve_list: None, legal_hold: false, erasure_granted_at: None }
}

fn consent(expires: DateTime<Utc>, withdrawn: Option<DateTime<Utc>>) -> Option<Consent> {
    Some(Consent { expires_at: expires, withdrawn_at: withdrawn })
}

const P: Periods =
    Periods { unsuccessful_months: 6, hired_months: 6, draft_days: 30, stalled_days: 90 };

/// Every row of PRODUCT §3.3 that concerns an application, with its expected answer.
#[test]
fn every_row_of_the_retention_table() {
    let decided = at(2026, 3, 10);
    let rejected = State::Unsuccessful { decided_at: decided };
    let rows: Vec<(&str, Facts, Retention)> = vec![
        (
            "in progress",
            facts(State::InProgress { vacancy_closed_at: None }),
            Retention::While(Rule::InProgress),
        ),
        (
            "in progress, vacancy closed: the process ends 90 days later, then 6 months",
            facts(State::InProgress { vacancy_closed_at: Some(at(2026, 1, 1)) }),
            Retention::Until(at(2026, 10, 1), Rule::Stalled),
        ),
        ("unsuccessful", facts(rejected), Retention::Until(at(2026, 9, 10), Rule::Unsuccessful)),
        (
            "reserve-list consent ending after the 6 months",
            Facts { reserve_list: consent(at(2027, 3, 10), None), ..facts(rejected) },
            Retention::Until(at(2027, 3, 10), Rule::ReserveList),
        ),
        (
            "reserve-list consent ending before the 6 months: never less than 6 months",
            Facts { reserve_list: consent(at(2026, 5, 1), None), ..facts(rejected) },
            Retention::Until(at(2026, 9, 10), Rule::Unsuccessful),
        ),
        (
            "hired, not yet handed over",
            facts(State::Hired { handed_over_at: None }),
            Retention::While(Rule::AwaitingHandOver),
        ),
        (
            "hired and handed over",
            facts(State::Hired { handed_over_at: Some(at(2026, 4, 1)) }),
            Retention::Until(at(2026, 10, 1), Rule::Hired),
        ),
        (
            "legal hold",
            Facts { legal_hold: true, ..facts(rejected) },
            Retention::While(Rule::LegalHold),
        ),
        (
            "erasure request granted",
            Facts { erasure_granted_at: Some(at(2026, 4, 2)), ..facts(rejected) },
            Retention::Until(at(2026, 4, 2), Rule::Erasure),
        ),
        (
            "draft",
            facts(State::Draft { last_change: at(2026, 1, 31) }),
            Retention::Until(at(2026, 3, 2), Rule::Draft),
        ),
    ];
    let wrong: Vec<String> = rows
        .into_iter()
        .filter_map(|(name, f, want)| {
            let got = retention(&f, &P);
            (got != want).then(|| format!("{name}: expected {want:?}, got {got:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn consent_withdrawn_before_the_six_months_changes_nothing_and_after_them_ends_at_once() {
    let f = |withdrawn| Facts {
        reserve_list: consent(at(2027, 3, 10), Some(withdrawn)),
        ..facts(State::Unsuccessful { decided_at: at(2026, 3, 10) })
    };
    assert_eq!(
        retention(&f(at(2026, 5, 1)), &P),
        Retention::Until(at(2026, 9, 10), Rule::Unsuccessful)
    );
    assert_eq!(
        retention(&f(at(2026, 11, 1)), &P),
        Retention::Until(at(2026, 11, 1), Rule::ReserveList)
    );
    assert!(retention(&f(at(2026, 11, 1)), &P).due(at(2026, 11, 1)));
}

#[test]
fn a_legal_hold_outlasting_the_consent_keeps_everything_then_the_rules_resume() {
    let held = Facts {
        legal_hold: true,
        reserve_list: consent(at(2027, 1, 1), None),
        ..facts(State::Unsuccessful { decided_at: at(2026, 3, 10) })
    };
    // During the hold the consent expires; nothing is due however late it is.
    assert_eq!(retention(&held, &P), Retention::While(Rule::LegalHold));
    assert!(!retention(&held, &P).due(at(2030, 1, 1)));
    // Released: the later of the two dates, already past, so it is due at once.
    let released = Facts { legal_hold: false, ..held };
    assert_eq!(retention(&released, &P), Retention::Until(at(2027, 1, 1), Rule::ReserveList));
    assert!(retention(&released, &P).due(at(2027, 6, 1)));
    // A hold wins over a granted erasure request too (a claim is an exception to erasure).
    let both = Facts { erasure_granted_at: Some(at(2026, 4, 1)), ..held };
    assert_eq!(retention(&both, &P), Retention::While(Rule::LegalHold));
}

#[test]
fn a_reversed_decision_resets_the_clock() {
    let first = facts(State::Unsuccessful { decided_at: at(2026, 3, 10) });
    // Reversed: back in progress, nothing is due.
    let reversed = facts(State::InProgress { vacancy_closed_at: None });
    // Decided again later: the six months run from the new decision.
    let again = facts(State::Unsuccessful { decided_at: at(2026, 6, 20) });
    assert_eq!(retention(&first, &P).until(), Some(at(2026, 9, 10)));
    assert_eq!(retention(&reversed, &P), Retention::While(Rule::InProgress));
    assert_eq!(retention(&again, &P).until(), Some(at(2026, 12, 20)));
}

#[test]
fn month_ends_and_leap_days() {
    assert_eq!(months_after(at(2026, 8, 31), 6), at(2027, 2, 28));
    assert_eq!(months_after(at(2027, 8, 31), 6), at(2028, 2, 29), "2028 is a leap year");
    assert_eq!(months_after(at(2028, 2, 29), 12), at(2029, 2, 28));
    assert_eq!(months_after(at(2026, 3, 31), 6), at(2026, 9, 30));
    let decided_on_a_leap_day = facts(State::Unsuccessful { decided_at: at(2028, 2, 29) });
    assert_eq!(retention(&decided_on_a_leap_day, &P).until(), Some(at(2028, 8, 29)));
    // The draft period counts days, not months.
    assert_eq!(
        retention(&facts(State::Draft { last_change: at(2028, 2, 1) }), &P).until(),
        Some(at(2028, 3, 2))
    );
}

#[test]
fn the_periods_are_configuration() {
    let longer =
        Periods { unsuccessful_months: 12, hired_months: 24, draft_days: 7, stalled_days: 30 };
    let f = facts(State::Unsuccessful { decided_at: at(2026, 3, 10) });
    assert_eq!(retention(&f, &longer).until(), Some(at(2027, 3, 10)));
    let hired = facts(State::Hired { handed_over_at: Some(at(2026, 1, 15)) });
    assert_eq!(retention(&hired, &longer).until(), Some(at(2028, 1, 15)));
    let stalled = facts(State::InProgress { vacancy_closed_at: Some(at(2026, 1, 1)) });
    assert_eq!(retention(&stalled, &longer).until(), Some(at(2027, 1, 31)));
    assert_eq!(Periods::default(), P);
}

#[test]
fn due_is_from_the_instant_on_and_rules_round_trip() {
    let r = Retention::Until(at(2026, 9, 10), Rule::Unsuccessful);
    assert!(!r.due(at(2026, 9, 10) - Duration::seconds(1)));
    assert!(r.due(at(2026, 9, 10)));
    assert!(!Retention::While(Rule::InProgress).due(at(2100, 1, 1)));
    for rule in Rule::ALL {
        assert_eq!(Rule::from_code(rule.code()), Some(rule));
        assert!(!rule.words().is_empty());
    }
}

#[test]
fn hr_reads_the_date_and_the_rule_in_one_line() {
    // 28 February 2027: six months after 31 August 2026, the month's last day.
    let r = retention(&facts(State::Unsuccessful { decided_at: at(2026, 8, 31) }), &P);
    assert_eq!(
        r.summary(),
        "Kept until 28 February 2027 — Unsuccessful: kept for the period after the decision"
    );
    let held =
        Facts { legal_hold: true, ..facts(State::Unsuccessful { decided_at: at(2026, 8, 31) }) };
    assert_eq!(
        retention(&held, &P).summary(),
        "No deletion date yet — Legal hold: kept until the hold is released"
    );
}

#[test]
fn the_default_six_months_can_end_before_a_late_tribunal_claim() {
    let law = ClaimWindow::default();
    // Decided 15 March 2027: 3 months less a day, 12 weeks of conciliation, one month more.
    let decided = at(2027, 3, 15);
    assert_eq!(law.latest_claim(decided), at(2027, 7, 15) + Duration::days(83));
    assert!(law.outlasts(&P), "six months is shorter than the longest claim window");
    let eight = Periods { unsuccessful_months: 8, ..P };
    assert!(!law.outlasts(&eight), "eight months covers it");
    let no_conciliation = ClaimWindow { conciliation_weeks: 0, extension_months: 0, ..law };
    assert!(!no_conciliation.outlasts(&P));
}

#[test]
fn the_schedule_follows_the_configured_periods() {
    let periods =
        Periods { unsuccessful_months: 9, hired_months: 12, draft_days: 14, stalled_days: 60 };
    let rows = schedule::schedule(&periods, 18);
    let find = |c: &str| rows.iter().find(|r| r.category == c).expect(c);
    assert_eq!(find("Applications").kept_for, "9 months");
    assert!(find("Applications").from.contains("60 days after the vacancy closes"));
    assert_eq!(find("Unsent applications (drafts)").kept_for, "14 days");
    assert_eq!(find("Hires").kept_for, "12 months");
    assert!(
        find("Reserve list").kept_for.contains("18 months")
            && find("Reserve list").kept_for.contains("9 months")
    );
    let csv = schedule::to_csv(&rows);
    assert!(csv.starts_with("\"Data\",\"Includes\""));
    assert_eq!(csv.lines().count(), rows.len() + 1);
    assert!(csv.contains(
        "\"Steps before entering a contract, at the applicant's request (Article 6(1)(b))\""
    ));
}
