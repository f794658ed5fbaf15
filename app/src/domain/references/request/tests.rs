use super::*;
use chrono::TimeZone;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")
}

fn filled() -> ReferenceInput {
    ReferenceInput {
        referee_role: "Head of Service".into(),
        capacity: "I was their line manager".into(),
        from_month: "3".into(),
        from_year: "2021".into(),
        to_month: "06".into(),
        to_year: "2024".into(),
        still: String::new(),
        applicant_role: "Caseworker".into(),
        reemploy: "yes".into(),
        concerns: "no".into(),
        concerns_details: String::new(),
        statement: "Reliable, careful and kind to the people we served.".into(),
    }
}

fn fields(input: &ReferenceInput) -> Vec<String> {
    input.validate(today()).expect_err("refused").into_iter().map(|p| p.field).collect()
}

#[test]
fn a_complete_reference_is_stored_with_months_as_year_and_month() {
    let ok = filled().validate(today()).expect("valid");
    assert_eq!(ok.worked_from, "2021-03");
    assert_eq!(ok.worked_to.as_deref(), Some("2024-06"));
    assert_eq!(ok.reemploy, Reemploy::Yes);
    assert_eq!(ok.referee_role.as_deref(), Some("Head of Service"));
    let still = ReferenceInput {
        still: "yes".into(),
        to_month: "99".into(),
        referee_role: " ".into(),
        ..filled()
    };
    let ok = still.validate(today()).expect("still working together ignores the end boxes");
    assert_eq!((ok.worked_to, ok.referee_role), (None, None));
}

#[test]
fn an_empty_form_names_every_required_field() {
    assert_eq!(
        fields(&ReferenceInput::default()),
        [
            "capacity",
            "from_month",
            "to_month",
            "applicant_role",
            "reemploy",
            "concerns",
            "statement"
        ]
    );
}

#[test]
fn months_must_be_real_not_in_the_future_and_in_order() {
    let case = |from: (&str, &str), to: (&str, &str)| {
        fields(&ReferenceInput {
            from_month: from.0.into(),
            from_year: from.1.into(),
            to_month: to.0.into(),
            to_year: to.1.into(),
            ..filled()
        })
    };
    assert_eq!(case(("13", "2021"), ("6", "2024")), ["from_month"]);
    assert_eq!(case(("0", "2021"), ("6", "2024")), ["from_month"]);
    assert_eq!(case(("3", "21"), ("6", "2024")), ["from_year"]);
    assert_eq!(case(("3", ""), ("6", "2024")), ["from_year"]);
    assert_eq!(case(("", "2021"), ("6", "2024")), ["from_month"]);
    assert_eq!(case(("3", "2021"), ("12", "2026")), ["to_month"], "next month is the future");
    assert!(filled().validate(today()).is_ok());
    let this_month = ReferenceInput { to_month: "11".into(), to_year: "2026".into(), ..filled() };
    assert!(this_month.validate(today()).is_ok(), "this month is allowed");
    assert_eq!(case(("6", "2024"), ("3", "2021")), ["to_month"], "end before start");
    assert_eq!(case(("3", "1900"), ("6", "2024")), ["from_year"]);
    assert_eq!(case(("3", "2021"), ("", "")), ["to_month"], "an end or 'still' is needed");
    assert_eq!(case(("x", "2021"), ("6", "2024")), ["from_month"]);
}

#[test]
fn the_statement_has_a_word_limit_and_markup_is_kept_as_text() {
    let long = ReferenceInput { statement: "word ".repeat(STATEMENT_WORDS + 1), ..filled() };
    let problems = long.validate(today()).expect_err("too long");
    assert_eq!(problems[0].field, "statement");
    assert!(problems[0].message.contains("501"), "{}", problems[0].message);
    let markup = ReferenceInput { statement: "<script>alert(1)</script> Good".into(), ..filled() };
    assert_eq!(
        markup.validate(today()).expect("text").statement,
        "<script>alert(1)</script> Good",
        "stored as typed; pages escape it"
    );
    let control = ReferenceInput { capacity: "Manager\u{7}".into(), ..filled() };
    assert_eq!(fields(&control), ["capacity"]);
    let unknown = ReferenceInput { reemploy: "maybe".into(), ..filled() };
    assert_eq!(fields(&unknown), ["reemploy"]);
}

#[test]
fn a_known_reason_not_to_employ_needs_its_details() {
    let yes = ReferenceInput { concerns: "yes".into(), ..filled() };
    assert_eq!(fields(&yes), ["concerns_details"]);
    let told = ReferenceInput {
        concerns: "yes".into(),
        concerns_details: " Dismissed for gross misconduct in 2024 ".into(),
        ..filled()
    };
    assert_eq!(
        told.validate(today()).expect("valid").concerns.as_deref(),
        Some("Dismissed for gross misconduct in 2024")
    );
    let no = ReferenceInput { concerns_details: "ignored".into(), ..filled() };
    assert_eq!(no.validate(today()).expect("valid").concerns, None, "no means none recorded");
    let long = ReferenceInput {
        concerns: "yes".into(),
        concerns_details: "x".repeat(REASON_CHARS + 1),
        ..filled()
    };
    assert_eq!(fields(&long), ["concerns_details"]);
}

#[test]
fn a_reason_for_declining_is_optional_and_bounded() {
    assert_eq!(decline_reason("  "), Ok(None));
    assert_eq!(decline_reason(" I never managed them "), Ok(Some("I never managed them".into())));
    assert_eq!(decline_reason(&"x".repeat(REASON_CHARS + 1)).expect_err("long")[0].field, "reason");
}

#[test]
fn months_read_as_words() {
    assert_eq!(worked_words("2021-03", Some("2024-06")), "March 2021 to June 2024");
    assert_eq!(worked_words("2021-03", None), "March 2021 to now");
    assert_eq!(month_words("garbage"), "garbage");
}

#[test]
fn staff_read_where_each_request_stands() {
    let at = |d: u32| Utc.with_ymd_and_hms(2026, 11, d, 10, 0, 0).single().expect("time");
    let now = at(20);
    let none =
        RequestFacts { requested_at: None, expires_at: None, reminded_at: None, answered: None };
    assert_eq!(none.words(now), "Not asked yet");
    let sent = RequestFacts { requested_at: Some(at(1)), expires_at: Some(at(29)), ..none };
    assert_eq!(sent.words(now), "Asked 1 November 2026; link works until 29 November 2026");
    let reminded = RequestFacts { reminded_at: Some(at(8)), ..sent };
    assert_eq!(
        reminded.words(now),
        "Asked 1 November 2026, reminded 8 November 2026; link works until 29 November 2026"
    );
    let lapsed = RequestFacts { expires_at: Some(at(19)), ..sent };
    assert_eq!(lapsed.words(now), "No answer: the link ended 19 November 2026");
    let given = RequestFacts { answered: Some((at(10), false)), ..lapsed };
    assert!(given.words(now).starts_with("Reference received 10 November 2026"));
    let declined = RequestFacts { answered: Some((at(10), true)), ..sent };
    assert!(declined.words(now).starts_with("Declined 10 November 2026"));
}

#[test]
fn a_referee_may_be_asked_again_only_once_their_link_ended_unanswered() {
    let at = |d: u32| Utc.with_ymd_and_hms(2026, 11, d, 10, 0, 0).single().expect("time");
    let never =
        RequestFacts { requested_at: None, expires_at: None, reminded_at: None, answered: None };
    assert!(never.askable(at(20)));
    let open = RequestFacts { requested_at: Some(at(1)), expires_at: Some(at(29)), ..never };
    assert!(!open.askable(at(20)), "the request is still open");
    assert!(open.askable(at(29)), "its link ended at that instant");
    let answered = RequestFacts { answered: Some((at(10), false)), ..open };
    assert!(!answered.askable(at(30)), "they gave a reference");
    let declined = RequestFacts { answered: Some((at(10), true)), ..open };
    assert!(!declined.askable(at(30)), "declining is an answer too");
}
