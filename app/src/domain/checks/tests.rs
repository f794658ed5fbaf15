use super::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn boxes(s: &str) -> [String; 3] {
    if s.is_empty() {
        return [String::new(), String::new(), String::new()];
    }
    let d = day(s);
    [d.format("%-d").to_string(), d.format("%-m").to_string(), d.format("%Y").to_string()]
}

fn fields(problems: &[FieldError]) -> Vec<&str> {
    problems.iter().map(|p| p.field.as_str()).collect()
}

const TODAY: &str = "2026-11-24";

#[test]
fn dbs_details_go_six_months_after_the_decision_clamped_to_month_ends() {
    for (decided, months, until) in [
        ("2026-05-24", 6, "2026-11-24"),
        ("2026-08-31", 6, "2027-02-28"),
        ("2027-08-31", 6, "2028-02-29"),
        ("2026-02-28", 6, "2026-08-28"),
        ("2026-01-31", 1, "2026-02-28"),
        ("2026-11-24", 12, "2027-11-24"),
    ] {
        assert_eq!(dbs_details_until(day(decided), months), day(until), "{decided} + {months}");
        assert!(dbs_details_due(day(decided), months, day(until)));
        assert!(!dbs_details_due(day(decided), months, day(until) - chrono::Duration::days(1)));
    }
}

#[test]
fn checks_belong_to_the_offer_stage_and_after() {
    let from_offer: Vec<Stage> = Stage::ALL.into_iter().filter(|s| at_offer_stage(*s)).collect();
    assert_eq!(from_offer, vec![Stage::Offer, Stage::PreEmploymentChecks, Stage::Hired]);
}

fn rtw(check_type: &str, checked: &str, outcome: &str, expires: &str) -> RtwInput {
    RtwInput {
        check_type: check_type.into(),
        checked: boxes(checked),
        outcome: outcome.into(),
        expires: boxes(expires),
    }
}

#[test]
fn a_complete_right_to_work_check_is_accepted() {
    let ok = rtw("online", "2026-11-20", "time_limited", "2028-03-31").validate(day(TODAY));
    assert_eq!(
        ok,
        Ok(RtwCheck {
            check_type: RtwCheckType::Online,
            checked_on: day("2026-11-20"),
            outcome: RtwOutcome::TimeLimited,
            expires_on: Some(day("2028-03-31")),
        })
    );
    let unlimited = rtw("manual", TODAY, "unlimited", "").validate(day(TODAY)).expect("valid");
    assert_eq!(unlimited.expires_on, None);
}

#[test]
fn right_to_work_problems_name_their_fields() {
    let cases: &[(RtwInput, &[&str])] = &[
        (rtw("", "", "", ""), &["rtw_type", "rtw_checked_day", "rtw_outcome"]),
        (rtw("passport", "2026-11-20", "unlimited", ""), &["rtw_type"]),
        // A check cannot be dated in the future, nor years back.
        (rtw("manual", "2026-11-25", "unlimited", ""), &["rtw_checked_day"]),
        (rtw("manual", "2023-01-01", "unlimited", ""), &["rtw_checked_day"]),
        // Time-limited needs its end date, in the future; others must not have one.
        (rtw("manual", TODAY, "time_limited", ""), &["rtw_expires_day"]),
        (rtw("manual", TODAY, "time_limited", "2026-11-01"), &["rtw_expires_day"]),
        (rtw("manual", TODAY, "unlimited", "2027-01-01"), &["rtw_expires_day"]),
    ];
    for (input, expected) in cases {
        let problems = input.validate(day(TODAY)).expect_err("refused");
        assert_eq!(fields(&problems), *expected, "{input:?}");
    }
    let mut malformed = rtw("manual", "", "unlimited", "");
    malformed.checked = ["31".into(), "2".into(), "2026".into()];
    let problems = malformed.validate(day(TODAY)).expect_err("refused");
    assert_eq!(problems[0].message, "Date checked must be a real date");
}

fn dbs(level: &str, number: &str, issued: &str, outcome: &str, information: &str) -> DbsInput {
    DbsInput {
        level: level.into(),
        certificate_number: number.into(),
        issued: boxes(issued),
        outcome: outcome.into(),
        information: information.into(),
    }
}

#[test]
fn a_dbs_check_is_accepted_with_spaces_in_the_number() {
    let ok = dbs("enhanced", "0012 3456 7890", "2026-11-01", "clear", "").validate(day(TODAY));
    assert_eq!(
        ok,
        Ok(DbsCheck {
            level: DbsLevel::Enhanced,
            certificate_number: "001234567890".into(),
            issued_on: day("2026-11-01"),
            outcome: DbsOutcome::Clear,
            information: None,
        })
    );
}

#[test]
fn dbs_problems_name_their_fields() {
    let long = "x".repeat(MAX_DBS_INFORMATION + 1);
    let cases: &[(DbsInput, &[&str])] = &[
        (dbs("", "", "", "", ""), &["dbs_level", "dbs_number", "dbs_issued_day", "dbs_outcome"]),
        (dbs("basic", "12345", "2026-11-01", "clear", ""), &["dbs_number"]),
        (dbs("basic", "00123456789X", "2026-11-01", "clear", ""), &["dbs_number"]),
        (dbs("basic", "001234567890", "2027-01-01", "clear", ""), &["dbs_issued_day"]),
        // A decision other than clear must say what was disclosed and how it was weighed.
        (dbs("basic", "001234567890", "2026-11-01", "suitable", " "), &["dbs_information"]),
        (dbs("basic", "001234567890", "2026-11-01", "not_suitable", ""), &["dbs_information"]),
        (dbs("basic", "001234567890", "2026-11-01", "suitable", &long), &["dbs_information"]),
    ];
    for (input, expected) in cases {
        let problems = input.validate(day(TODAY)).expect_err("refused");
        assert_eq!(fields(&problems), *expected, "{input:?}");
    }
}

fn export() -> HireExport {
    let at = |s: &str| DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Utc);
    HireExport {
        schema: HIRE_SCHEMA.into(),
        exported_at: at("2026-11-24T10:00:00Z"),
        application_reference: "SL-7KX2-93QF".into(),
        vacancy: HireVacancy {
            id: "v1".into(),
            title: "Records Officer".into(),
            team: "Information, Governance".into(),
            location: "Leeds".into(),
            job_family: None,
        },
        person: HirePerson {
            full_name: "=HYPERLINK(\"x\")".into(),
            preferred_name: None,
            email: "a@example.org".into(),
            phone: Some("+44 113 496 0000".into()),
            preferred_contact: Some("email".into()),
        },
        employment: HireEmployment {
            earliest_start: Some(day("2027-01-04")),
            notice_period: Some("One month".into()),
            salary_expectation: Some(32_000),
        },
        right_to_work: None,
        dbs: Some(HireDbs {
            certificate_number: "001234567890".into(),
            issued_on: day("2026-11-01"),
            outcome: "clear".into(),
            level: None,
        }),
        hired_at: at("2026-11-23T09:30:00Z"),
    }
}

#[test]
fn the_csv_has_one_header_and_one_row_matching_the_columns() {
    let csv = export().csv();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 2);
    let header: Vec<String> = HIRE_CSV_COLUMNS.iter().map(|c| format!("\"{c}\"")).collect();
    assert_eq!(lines[0], header.join(","));
    // Quoted commas, a neutralised formula, empty optional fields.
    assert!(lines[1].contains("\"Information, Governance\""), "{}", lines[1]);
    assert!(lines[1].contains("\"'=HYPERLINK(\"\"x\"\")\""), "{}", lines[1]);
    assert!(
        lines[1]
            .starts_with("\"shortlist.hire/1\",\"2026-11-24T10:00:00Z\",\"SL-7KX2-93QF\",\"v1\",")
    );
    assert!(
        lines[1]
            .ends_with(",\"001234567890\",\"2026-11-01\",\"clear\",\"\",\"2026-11-23T09:30:00Z\"")
    );
}

#[test]
fn the_json_names_every_csv_column() {
    let json = serde_json::to_value(export()).expect("json");
    for column in HIRE_CSV_COLUMNS {
        let mut at = &json;
        for part in column.split('.') {
            at = at.get(part).unwrap_or(&serde_json::Value::Null);
        }
        let parent = column.rsplit_once('.').map(|(p, _)| p);
        // Either present, or its parent object is absent (right_to_work: null).
        assert!(
            !at.is_null()
                || json.pointer(&format!("/{}", column.replace('.', "/"))).is_some()
                || parent.is_some_and(|p| json.get(p).is_some_and(serde_json::Value::is_null)),
            "{column}"
        );
    }
}
