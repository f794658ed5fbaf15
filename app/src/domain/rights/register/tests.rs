use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

fn log(kind: &str, date: (&str, &str, &str), verified: &str, note: &str, email: &str) -> LogInput {
    LogInput {
        kind: kind.to_owned(),
        received_day: date.0.to_owned(),
        received_month: date.1.to_owned(),
        received_year: date.2.to_owned(),
        verified: verified.to_owned(),
        verification_note: note.to_owned(),
        email: email.to_owned(),
        details: String::new(),
    }
}

fn fields(problems: &[FieldError]) -> Vec<&str> {
    problems.iter().map(|p| p.field.as_str()).collect()
}

#[test]
fn a_logged_request_gets_its_deadline_and_a_lower_case_address() {
    let today = d("2027-02-10");
    let r = log("access", ("31", "1", "2027"), "email_on_file", "", " Ada.Quill@Example.com ")
        .validate(today)
        .expect("valid");
    assert_eq!(r.kind, RequestKind::Access);
    assert_eq!(r.email, "ada.quill@example.com");
    // 28 February 2027 is a Sunday: the next working day.
    assert_eq!(r.due, d("2027-03-01"));
    assert_eq!(r.verification_note, None);
}

#[test]
fn bad_log_forms_say_what_to_fix_for_each_field() {
    let today = d("2027-02-10");
    let all_wrong = log("gossip", ("", "", ""), "portal", "", "not-an-address");
    let problems = all_wrong.validate(today).expect_err("refused");
    assert_eq!(fields(&problems), ["kind", "received_day", "verified", "email"]);
    // The portal logs its own requests; staff may not claim it.
    let future = log("erasure", ("11", "2", "2027"), "other", "", "a@example.com");
    let problems = future.validate(today).expect_err("refused");
    assert_eq!(fields(&problems), ["received_day", "verification_note"]);
    assert_eq!(problems[0].message, "Date received must be today or in the past");
    let old = log("erasure", ("9", "2", "2026"), "documents", "", "a@example.com");
    assert_eq!(
        old.validate(today).expect_err("too old")[0].message,
        "Date received must be within the last year"
    );
    let not_a_date = log("erasure", ("30", "2", "2027"), "documents", "", "a@example.com");
    assert_eq!(
        not_a_date.validate(today).expect_err("30 February")[0].message,
        "Date received must be a real date"
    );
    let control = LogInput {
        details: "Please \u{0007}".to_owned(),
        ..log("access", ("1", "2", "2027"), "documents", "", "a@example.com")
    };
    assert_eq!(fields(&control.validate(today).expect_err("control")), ["details"]);
    let long = LogInput {
        verification_note: "x".repeat(MAX_NOTE + 1),
        ..log("access", ("1", "2", "2027"), "other", "", "a@example.com")
    };
    assert_eq!(fields(&long.validate(today).expect_err("long")), ["verification_note"]);
}

#[test]
fn markup_is_kept_as_text_not_refused() {
    let r = LogInput {
        details: "<script>alert(1)</script> please send my data".to_owned(),
        ..log("access", ("1", "2", "2027"), "documents", "", "a@example.com")
    };
    let stored = r.validate(d("2027-02-10")).expect("valid");
    assert_eq!(stored.details.as_deref(), Some("<script>alert(1)</script> please send my data"));
}

#[test]
fn extensions_run_from_receipt_need_a_reason_and_only_grow() {
    let received = d("2027-01-31");
    let ok = ExtendInput { months: "2".into(), reason: "Many applications to search".into() };
    let (months, reason, due) = ok.validate(received, 0).expect("valid");
    assert_eq!((months, reason.as_str()), (2, "Many applications to search"));
    // Three months after 31 January is 30 April 2027, a Friday.
    assert_eq!(due, d("2027-04-30"));
    let none = ExtendInput { months: "3".into(), reason: String::new() };
    assert_eq!(fields(&none.validate(received, 0).expect_err("refused")), ["months", "reason"]);
    let shorter = ExtendInput { months: "1".into(), reason: "x".into() };
    assert_eq!(
        shorter.validate(received, 1).expect_err("not longer")[0].message,
        "The extension must be longer than the one already given"
    );
    assert!(ExtendInput { months: "2".into(), reason: "x".into() }.validate(received, 1).is_ok());
}

#[test]
fn closing_needs_an_outcome_a_reason_for_refusal_and_a_sensible_date() {
    let received = d("2027-01-10");
    let today = d("2027-02-10");
    let close = |outcome: &str, note: &str, day: &str| CloseInput {
        outcome: outcome.into(),
        note: note.into(),
        day: day.into(),
        month: "2".into(),
        year: "2027".into(),
    };
    assert_eq!(
        close("completed", "", "10").validate(received, today),
        Ok((Outcome::Completed, None, d("2027-02-10")))
    );
    assert_eq!(
        fields(&close("refused", "", "5").validate(received, today).expect_err("why")),
        ["note"]
    );
    assert_eq!(
        fields(&close("", "", "11").validate(received, today).expect_err("x")),
        ["outcome", "closed_day"]
    );
    let before = CloseInput { month: "1".into(), ..close("withdrawn", "", "9") };
    assert_eq!(
        before.validate(received, today).expect_err("before receipt")[0].message,
        "Date closed must be on or after the date the request was received"
    );
}

#[test]
fn urgency_counts_whole_days_to_the_deadline() {
    let due = d("2027-03-01");
    assert_eq!(Urgency::of(due, false, d("2027-02-21")), Urgency::OnTime);
    assert_eq!(Urgency::of(due, false, d("2027-02-22")), Urgency::OnTime, "a week to go");
    assert_eq!(Urgency::of(due, false, d("2027-02-23")), Urgency::DueSoon, "six days to go");
    assert_eq!(Urgency::of(due, false, d("2027-03-01")), Urgency::DueSoon, "due today");
    assert_eq!(Urgency::of(due, false, d("2027-03-02")), Urgency::Overdue);
    assert_eq!(Urgency::of(due, true, d("2027-09-02")), Urgency::Closed);
    assert!(Show::Urgent.keeps(Urgency::Overdue) && !Show::Urgent.keeps(Urgency::OnTime));
    assert!(!Show::Open.keeps(Urgency::Closed) && Show::All.keeps(Urgency::Closed));
    assert_eq!(Show::from_query(Some("<b>")), Show::Open);
}

#[test]
fn codes_round_trip() {
    for o in Outcome::ALL {
        assert_eq!(Outcome::from_code(o.code()), Some(o));
    }
    for v in [
        Verification::PortalSignIn,
        Verification::EmailOnFile,
        Verification::Documents,
        Verification::Other,
    ] {
        assert_eq!(Verification::from_code(v.code()), Some(v));
    }
}

#[test]
fn references_look_like_application_ones_with_their_own_prefix() {
    let r = new_reference(0x0123_4567_89ab_cdef);
    assert_eq!(r.len(), 12);
    assert!(r.starts_with("RR-") && r.as_bytes()[7] == b'-', "{r}");
    assert_ne!(new_reference(1), new_reference(2));
}

#[test]
fn a_portal_request_is_received_today_from_the_holder() {
    let today = d("2027-01-29");
    let r = PortalRequestInput { kind: "erasure".into(), details: " Please delete it ".into() }
        .validate("Ada@Example.com", today)
        .expect("valid");
    assert_eq!(
        (r.kind, r.received, r.verified),
        (RequestKind::Erasure, today, Verification::PortalSignIn)
    );
    assert_eq!(r.email, "ada@example.com");
    assert_eq!(r.details.as_deref(), Some("Please delete it"));
    // No 29 February in 2027; the last day, the 28th, is a Sunday: Monday 1 March.
    assert_eq!(r.due, d("2027-03-01"));
    let none = PortalRequestInput::default().validate("ada@example.com", today);
    assert_eq!(fields(&none.expect_err("no kind")), ["kind"]);
    let long = PortalRequestInput { kind: "access".into(), details: "word ".repeat(301) };
    assert_eq!(fields(&long.validate("a@example.com", today).expect_err("long")), ["details"]);
}

#[test]
fn only_a_register_reference_looks_like_one() {
    for bits in [0, 1, u64::MAX, 0x1234_5678_9abc_def0] {
        assert!(looks_like_reference(&new_reference(bits)));
    }
    assert!(looks_like_reference("RR-2222-2222"));
    for not in
        ["rr-2222-2222", "RR-2222 2222", "RR-22222222", "SL-2222-2222", "RR-<b>x</b>", "RR-", ""]
    {
        assert!(!looks_like_reference(not), "{not}");
    }
}
