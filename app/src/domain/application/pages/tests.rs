//! Each page's validation, field by field.

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn about(name: &str, email: &str, phone: &str, method: &str) -> AboutYouInput {
    AboutYouInput {
        full_name: name.into(),
        preferred_name: String::new(),
        email: email.into(),
        phone: phone.into(),
        contact_method: method.into(),
    }
}

fn fields(e: &[FieldError]) -> Vec<&str> {
    e.iter().map(|f| f.field.as_str()).collect()
}

#[test]
fn about_you_accepts_a_real_person_and_keeps_markup_as_text() {
    let ok = about("  Ada <b>Lovelace</b> ", "Ada@Example.ORG ", "", "email").validate().unwrap();
    assert_eq!(ok.full_name, "Ada <b>Lovelace</b>");
    assert_eq!(ok.email, "ada@example.org");
    assert_eq!(ok.phone, None);
}

#[test]
fn about_you_names_each_problem_in_field_order() {
    let e = about("", "not-an-email", "12", "fax").validate().unwrap_err();
    assert_eq!(fields(&e), ["full_name", "email", "phone", "contact_method"]);
    let e = about("A", "a@b.co", "", "phone").validate().unwrap_err();
    assert_eq!(e[0].message, "Enter a phone number, or choose to be contacted by email");
    let e = about(&"x".repeat(201), "a@b.co", "", "email").validate().unwrap_err();
    assert_eq!(e[0].message, "Full name must be 200 characters or fewer");
    let e = about("A\u{0}B", "a@b.co", "", "email").validate().unwrap_err();
    assert_eq!(fields(&e), ["full_name"]);
    assert!(about("A", "a@b.co", "+44 (0)7700 900-982", "phone").validate().is_ok());
}

fn date(d: &str, m: &str, y: &str) -> Result<NaiveDate, FieldError> {
    parse_date_input("start", "Earliest start date", d, m, y, today())
}

#[test]
fn date_inputs_follow_the_gov_uk_messages() {
    assert_eq!(date("1", "12", "2026").unwrap(), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
    assert_eq!(date("", "", "").unwrap_err().message, "Enter your earliest start date");
    assert_eq!(date("", "", "").unwrap_err().field, "start_day");
    assert_eq!(
        date("1", "", "2026").unwrap_err().message,
        "Earliest start date must include a month"
    );
    assert_eq!(date("1", "", "2026").unwrap_err().field, "start_month");
    assert_eq!(
        date("", "", "2027").unwrap_err().message,
        "Earliest start date must include a day and month"
    );
    assert_eq!(
        date("31", "2", "2027").unwrap_err().message,
        "Earliest start date must be a real date"
    );
    assert_eq!(
        date("29", "2", "2027").unwrap_err().message,
        "Earliest start date must be a real date"
    );
    assert!(date("29", "2", "2028").is_ok(), "a leap day is a real date");
    assert_eq!(date("1", "1", "27").unwrap_err().message, "Year must include 4 numbers");
    assert_eq!(
        date("1st", "Jan", "2027").unwrap_err().message,
        "Earliest start date must be a real date"
    );
    assert_eq!(
        date("-1", "1", "2027").unwrap_err().message,
        "Earliest start date must be a real date"
    );
    assert_eq!(
        date("22", "11", "2026").unwrap_err().message,
        "Earliest start date must be today or in the future"
    );
    assert!(date("23", "11", "2026").is_ok());
    assert_eq!(date("1", "1", "2030").unwrap_err().field, "start_year");
    assert!(date("99999999999999999999", "1", "2027").is_err());
}

#[test]
fn salary_expectations_forgive_pound_signs_and_commas() {
    assert_eq!(parse_pounds("£32,000"), Some(32_000));
    assert_eq!(parse_pounds("32000.00"), Some(32_000));
    assert_eq!(parse_pounds("32k"), None);
    assert_eq!(parse_pounds("-5"), None);
    assert_eq!(parse_pounds("999999999999"), None);
}

#[test]
fn eligibility_collects_every_problem() {
    let input = EligibilityInput {
        right_to_work: "maybe".into(),
        notice_period: String::new(),
        start_day: "31".into(),
        start_month: "2".into(),
        start_year: "2027".into(),
        salary: "lots".into(),
        screening: vec!["yes".into(), "perhaps".into()],
    };
    let questions = ["Driving licence?".to_owned(), "CIPP?".to_owned(), "Weekends?".to_owned()];
    let e = input.validate(today(), &questions).unwrap_err();
    assert_eq!(
        fields(&e),
        ["right_to_work", "notice_period", "start_day", "salary", "screening_2", "screening_3"]
    );
    assert_eq!(e[4].message, "Select yes or no: CIPP?");
}

#[test]
fn screening_answers_are_kept_in_question_order() {
    let input = EligibilityInput {
        right_to_work: "yes".into(),
        notice_period: "None".into(),
        start_day: "1".into(),
        start_month: "2".into(),
        start_year: "2027".into(),
        salary: String::new(),
        screening: vec!["no".into(), "yes".into()],
    };
    let two = ["A?".to_owned(), "B?".to_owned()];
    assert_eq!(input.validate(today(), &two).unwrap().screening, vec![false, true]);
    // A vacancy without questions ignores any answers sent (a forged field).
    assert!(input.validate(today(), &[]).unwrap().screening.is_empty());
}

#[test]
fn answers_respect_each_criterion_word_limit() {
    let criteria = vec![
        Criterion { position: 1, text: "a".into(), word_limit: 50 },
        Criterion { position: 2, text: "b".into(), word_limit: 60 },
    ];
    let ok = vec!["word ".repeat(50), "fine".to_owned()];
    assert!(validate_answers(&criteria, &ok).is_ok());
    let e = validate_answers(&criteria, &["word ".repeat(51), String::new()]).unwrap_err();
    assert_eq!(e[0].message, "Your answer to criterion 1 must be 50 words or fewer (you have 51)");
    assert_eq!(e[1].message, "Enter your answer to criterion 2");
    // One enormous "word" is still refused.
    let e = validate_answers(&criteria, &["x".repeat(5000), "y".into()]).unwrap_err();
    assert_eq!(fields(&e), ["answer_1"]);
    // A forged post with the wrong number of answers.
    assert!(validate_answers(&criteria, &["only one".into()]).is_err());
}

#[test]
fn source_and_adjustments_need_details_only_when_they_apply() {
    let s = SourceInput { source: "other".into(), source_other: String::new() };
    assert_eq!(fields(&s.validate().unwrap_err()), ["source_other"]);
    let s = SourceInput { source: "job_board".into(), source_other: "ignored".into() };
    assert_eq!(s.validate().unwrap(), ("job_board".into(), None));
    assert!(SourceInput { source: "<script>".into(), ..Default::default() }.validate().is_err());
    let a = AdjustmentsInput { needed: "yes".into(), details: " ".into() };
    assert_eq!(fields(&a.validate().unwrap_err()), ["adjustments"]);
    let a = AdjustmentsInput { needed: "no".into(), details: "ignored".into() };
    assert_eq!(a.validate().unwrap(), (false, None));
}
