//! The vacancy editor's rules, table by table.

use super::input::parse_time;
use super::*;
use chrono::NaiveTime;

const HM: &str = "0d4f1d3a-3a43-4d1b-9c2b-2c5f7a1e9b01";
const PANEL: &str = "0d4f1d3a-3a43-4d1b-9c2b-2c5f7a1e9b02";

fn now() -> DateTime<Utc> {
    "2026-11-23T09:00:00Z".parse().unwrap()
}

fn team() -> Vec<StaffId> {
    vec![HM.parse().unwrap(), PANEL.parse().unwrap()]
}

fn pairs(extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let base = [
        ("title", "Payroll officer"),
        ("team", "Finance"),
        ("location", "Leeds, hybrid"),
        ("salary_min", "£28,000"),
        ("salary_max", "32000"),
        ("closes_day", "5"),
        ("closes_month", "12"),
        ("closes_year", "2026"),
        ("closes_time", "5pm"),
        ("summary", "Run the monthly payroll."),
        ("description", "First paragraph.\n\nSecond."),
        ("posts", "2"),
        ("job_family", "Finance"),
        ("location_tags", "Leeds, Remote, leeds"),
        ("name_blind", "yes"),
        ("stage", "interview"),
        ("criterion_1_text", "Payroll experience"),
        ("criterion_1_weight", "3"),
        ("criterion_1_words", "250"),
        ("criterion_2_text", ""),
        ("criterion_2_weight", "1"),
        ("criterion_2_words", "250"),
        ("question_1_text", "Do you hold a CIPP qualification?"),
        ("question_1_expected", "yes"),
        (&*format!("role_{HM}"), "hiring_manager"),
        (&*format!("role_{PANEL}"), "panel_member"),
    ];
    let mut out: Vec<(String, String)> =
        base.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    for (k, v) in extra {
        out.retain(|(name, _)| name != k);
        out.push(((*k).to_owned(), (*v).to_owned()));
    }
    out
}

fn fields(extra: &[(&str, &str)]) -> Vec<String> {
    VacancyInput::from_pairs(&pairs(extra))
        .validate(now(), false, &team())
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect()
}

#[test]
fn a_complete_form_becomes_a_vacancy() {
    let spec = VacancyInput::from_pairs(&pairs(&[])).validate(now(), false, &team()).unwrap();
    assert_eq!(spec.salary, SalaryBand::new(28_000, 32_000).unwrap());
    assert_eq!(spec.closes_at, "2026-12-05T17:00:00Z".parse::<DateTime<Utc>>().unwrap());
    assert_eq!(spec.location_tags, vec!["Leeds", "Remote"]);
    assert_eq!(
        spec.stages,
        vec![
            Stage::Applied,
            Stage::Sift,
            Stage::Interview,
            Stage::Offer,
            Stage::PreEmploymentChecks,
            Stage::Hired
        ]
    );
    assert_eq!(
        spec.criteria,
        vec![CriterionSpec { text: "Payroll experience".into(), weight: 3, word_limit: 250 }]
    );
    assert_eq!(spec.questions[0].expected, Some(true));
    assert_eq!(spec.roles.len(), 2);
    assert!(publish_problems(&spec, now()).is_empty());
    // And back: the editor shows what was stored.
    let again = VacancyInput::from_spec(&spec).validate(now(), false, &team()).unwrap();
    assert_eq!(again, spec);
}

#[test]
fn closing_times_are_uk_wall_clock_times() {
    let summer = [("closes_month", "7"), ("closes_year", "2027"), ("closes_time", "12:30")];
    let spec = VacancyInput::from_pairs(&pairs(&summer)).validate(now(), false, &team()).unwrap();
    assert_eq!(spec.closes_at, "2027-07-05T11:30:00Z".parse::<DateTime<Utc>>().unwrap());
    for (raw, ok) in [
        ("23:59", true),
        ("9am", true),
        ("12pm", true),
        ("midday", true),
        ("24:00", false),
        ("13pm", false),
        ("midnight", false),
        ("soon", false),
        ("", false),
    ] {
        assert_eq!(parse_time(raw).is_ok(), ok, "{raw}");
    }
    assert_eq!(parse_time("12am").unwrap(), NaiveTime::from_hms_opt(0, 0, 0).unwrap());
    // Today, but already past.
    assert_eq!(
        fields(&[("closes_day", "23"), ("closes_month", "11"), ("closes_time", "08:00")]),
        vec!["closes_time"]
    );
    // The hour the clocks skip.
    assert_eq!(
        fields(&[
            ("closes_day", "28"),
            ("closes_month", "3"),
            ("closes_year", "2027"),
            ("closes_time", "1:30am")
        ]),
        vec!["closes_time"]
    );
    assert_eq!(fields(&[("closes_day", "31"), ("closes_month", "2")]), vec!["closes_day"]);
}

#[test]
fn every_field_says_what_is_wrong() {
    assert_eq!(fields(&[("title", "  ")]), vec!["title"]);
    assert_eq!(fields(&[("title", &"x".repeat(201))]), vec!["title"]);
    assert_eq!(fields(&[("team", "a\u{0}b")]), vec!["team"]);
    assert_eq!(fields(&[("salary_min", "")]), vec!["salary_min"]);
    assert_eq!(fields(&[("salary_min", "lots")]), vec!["salary_min"]);
    assert_eq!(fields(&[("salary_max", "1000")]), vec!["salary_max"]);
    assert_eq!(fields(&[("posts", "0")]), vec!["posts"]);
    assert_eq!(fields(&[("posts", "1.5")]), vec!["posts"]);
    assert_eq!(fields(&[("name_blind", "maybe")]), vec!["name_blind"]);
    assert_eq!(fields(&[("dbs_level", "very_enhanced")]), vec!["dbs_level"]);
    assert_eq!(fields(&[("stage", "hired")]), vec!["stages"]);
    assert_eq!(fields(&[("criterion_1_text", "")]), vec!["criterion_1_text"]);
    assert_eq!(fields(&[("criterion_1_weight", "11")]), vec!["criterion_1_weight"]);
    assert_eq!(fields(&[("criterion_1_words", "20")]), vec!["criterion_1_words"]);
    assert_eq!(fields(&[("question_1_expected", "perhaps")]), vec!["question_1_expected"]);
    let eleven: Vec<String> = (1..=11).map(|i| format!("Place {i}")).collect();
    assert_eq!(fields(&[("location_tags", &eleven.join(","))]), vec!["location_tags"]);
    assert_eq!(fields(&[("location_tags", &"x".repeat(81))]), vec!["location_tags"]);
    // Someone who may not be given a role (unknown, or a forged id).
    assert_eq!(
        fields(&[("role_6f1c1c1e-2d2b-4c39-9b7e-1f0a7d0b5a11", "panel_member")]),
        vec!["roles"]
    );
    assert_eq!(fields(&[(&*format!("role_{PANEL}"), "owner")]), vec!["roles"]);
}

#[test]
fn markup_is_kept_as_typed() {
    let spec = VacancyInput::from_pairs(&pairs(&[("title", "<script>alert(1)</script>")]))
        .validate(now(), false, &team())
        .unwrap();
    assert_eq!(spec.title, "<script>alert(1)</script>");
}

#[test]
fn a_published_vacancy_keeps_its_criteria_questions_and_stages() {
    let broken = [("criterion_1_weight", "99"), ("stage", "bogus"), ("question_1_expected", "x")];
    let spec = VacancyInput::from_pairs(&pairs(&broken)).validate(now(), true, &team()).unwrap();
    assert!(spec.criteria.is_empty() && spec.questions.is_empty() && spec.stages.is_empty());
}

#[test]
fn publishing_needs_a_hiring_manager_and_criteria() {
    let no_manager = [(&*format!("role_{HM}"), "none")];
    let spec =
        VacancyInput::from_pairs(&pairs(&no_manager)).validate(now(), false, &team()).unwrap();
    let problems: Vec<_> = publish_problems(&spec, now()).into_iter().map(|p| p.field).collect();
    assert_eq!(problems, vec!["roles"]);
    let later = spec.closes_at + chrono::Duration::seconds(1);
    assert_eq!(publish_problems(&spec, later).len(), 2);
}

#[test]
fn rows_beyond_the_limit_are_ignored() {
    let input = VacancyInput::from_pairs(&pairs(&[
        ("criterion_21_text", "extra"),
        ("criterion_0_text", "zero"),
    ]));
    assert_eq!(input.criteria.len(), 1);
}

#[test]
fn a_new_vacancy_starts_with_the_default_pipeline() {
    let input = VacancyInput::new_vacancy();
    let mut problems = Vec::new();
    assert_eq!(input.stages(&mut problems), Stage::ALL.to_vec());
    assert!(problems.is_empty());
}

#[test]
fn status_reads_as_staff_expect() {
    let closes = now() + chrono::Duration::days(1);
    assert_eq!(VacancyStatus::Published.words(closes, now()), "Open for applications");
    assert_eq!(VacancyStatus::Published.words(now(), now()), "Closing date passed");
    for s in [VacancyStatus::Draft, VacancyStatus::Published, VacancyStatus::Closed] {
        assert_eq!(VacancyStatus::from_code(s.code()), Some(s));
    }
    for s in Stage::ALL {
        assert_eq!(Stage::from_code(s.code()), Some(s));
    }
}
