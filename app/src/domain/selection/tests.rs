use super::*;
use crate::domain::StaffId;
use crate::domain::vacancy_edit::Stage::{
    Applied, Assessment, Hired, Interview, Offer, PreEmploymentChecks, Sift,
};
use chrono::{TimeZone as _, Utc};
use uuid::Uuid;

#[test]
fn name_blind_hides_identity_until_the_sift_is_passed_or_revealed() {
    for stage in Stage::ALL {
        let in_sift = matches!(stage, Applied | Sift);
        assert_eq!(identity_hidden(true, stage, false), in_sift, "{stage:?}");
        assert!(!identity_hidden(true, stage, true), "revealed at {stage:?}");
        assert!(!identity_hidden(false, stage, false), "not blind at {stage:?}");
    }
}

#[test]
fn colleagues_scores_show_only_after_submitting_or_choosing_to_moderate() {
    assert!(!sees_colleagues(false, false));
    assert!(sees_colleagues(true, false));
    assert!(sees_colleagues(false, true));
}

#[test]
fn moves_stay_within_the_vacancy_and_hiring_needs_an_accepted_offer() {
    let all = Stage::ALL;
    let short = [Applied, Sift, Offer, PreEmploymentChecks, Hired];
    assert!(may_move(Applied, Sift, &all, false));
    assert!(may_move(Sift, Interview, &all, false));
    assert!(may_move(Interview, Sift, &all, false), "a mistaken move can be undone");
    assert!(!may_move(Sift, Sift, &all, false), "no move to the same stage");
    assert!(!may_move(Sift, Interview, &short, false), "not a stage of this vacancy");
    assert!(!may_move(Offer, PreEmploymentChecks, &all, false), "offer not accepted");
    assert!(may_move(Offer, PreEmploymentChecks, &all, true));
    assert!(!may_move(Offer, Hired, &all, true), "hired only after the checks");
    assert!(may_move(PreEmploymentChecks, Hired, &all, true));
    assert!(!may_move(Hired, Assessment, &all, true), "nobody leaves Hired");
}

#[test]
fn a_sheet_total_is_the_weighted_mean_in_hundredths() {
    assert_eq!(sheet_total(&[(4, 1), (6, 1)]), Some(500));
    assert_eq!(sheet_total(&[(7, 3), (1, 1)]), Some(550));
    assert_eq!(sheet_total(&[(5, 1), (4, 2)]), Some(433), "4.333… rounds down");
    assert_eq!(sheet_total(&[(5, 2), (4, 1)]), Some(467), "4.666… rounds up");
    assert_eq!(sheet_total(&[]), None);
    assert_eq!(score_words(433), "4.33");
    assert_eq!(score_words(700), "7.00");
}

#[test]
fn a_submitted_sheet_needs_every_score_and_a_draft_does_not() {
    let pairs = |action: &str, s2: &str| {
        vec![
            ("score_1".to_owned(), "5".to_owned()),
            ("evidence_1".to_owned(), "Led the <b>migration</b>".to_owned()),
            ("score_2".to_owned(), s2.to_owned()),
            ("action".to_owned(), action.to_owned()),
        ]
    };
    let draft = ScoreSheetInput::from_pairs(&pairs("save", ""), 2);
    assert_eq!(
        draft.validate(2),
        Ok(vec![(Some(5), "Led the <b>migration</b>".to_owned()), (None, String::new())]),
        "markup is kept as typed text"
    );
    let submit = ScoreSheetInput::from_pairs(&pairs("submit", ""), 2);
    let problems = submit.validate(2).unwrap_err();
    assert_eq!(problems[0].field, "score_2");
    assert_eq!(problems[0].message, "Choose a score for criterion 2");
    for bad in ["0", "8", "4.5", "five", "-1"] {
        let p = ScoreSheetInput::from_pairs(&pairs("submit", bad), 2).validate(2).unwrap_err();
        assert_eq!(p[0].message, "Score for criterion 2 must be from 1 to 7", "{bad}");
    }
    let long = ScoreSheetInput {
        scores: vec!["3".to_owned()],
        evidence: vec!["x".repeat(MAX_EVIDENCE + 1)],
        submit: true,
    };
    assert_eq!(long.validate(1).unwrap_err()[0].field, "evidence_1");
}

#[test]
fn moderation_needs_a_score_on_the_scale_and_a_reason() {
    let m = |score: &str, reason: &str| {
        ModerationInput { score: score.to_owned(), reason: reason.to_owned() }.validate()
    };
    assert_eq!(m("4.5", "Panel agreed"), Ok((450, "Panel agreed".to_owned())));
    assert_eq!(m("7", "x"), Ok((700, "x".to_owned())));
    assert_eq!(m("1.25", "x"), Ok((125, "x".to_owned())));
    for bad in ["0.5", "7.01", "4.", ".5", "4.555", "abc", "", "10"] {
        assert_eq!(m(bad, "x").unwrap_err()[0].field, "final_score", "{bad}");
    }
    assert_eq!(m("4", "  ").unwrap_err()[0].field, "final_reason");
}

#[test]
fn rejection_needs_a_reason_from_the_list() {
    let reasons = vec![Reason { code: "criteria".to_owned(), words: "Criteria".to_owned() }];
    let r = |reason: &str, feedback: &str| {
        RejectInput { reason: reason.to_owned(), feedback: feedback.to_owned() }.validate(&reasons)
    };
    assert_eq!(r("criteria", ""), Ok(("criteria".to_owned(), None)));
    assert_eq!(
        r("criteria", " Good answers "),
        Ok(("criteria".to_owned(), Some("Good answers".to_owned())))
    );
    assert_eq!(r("", "").unwrap_err()[0].message, "Select the reason for rejecting");
    assert_eq!(r("made_up", "").unwrap_err()[0].field, "reason");
    assert_eq!(r("criteria", &"x".repeat(MAX_FEEDBACK + 1)).unwrap_err()[0].field, "feedback");
}

#[test]
fn an_interview_is_in_the_future_with_a_place_and_a_panel_from_the_team() {
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
    let member = StaffId::from_uuid(Uuid::from_u128(7));
    let stranger = StaffId::from_uuid(Uuid::from_u128(8));
    let input = |day: &str, time: &str, place: &str, panel: Vec<String>| InterviewInput {
        day: day.to_owned(),
        month: "12".to_owned(),
        year: "2026".to_owned(),
        time: time.to_owned(),
        place: place.to_owned(),
        panel,
    };
    let ok = input("2", "2:30pm", "Room 4", vec![member.to_string()]).validate(now, &[member]);
    assert_eq!(
        ok,
        Ok(InterviewPlan {
            starts_at: Utc.with_ymd_and_hms(2026, 12, 2, 14, 30, 0).unwrap(),
            place: "Room 4".to_owned(),
            panel: vec![member],
        })
    );
    let field =
        |r: Result<InterviewPlan, Vec<crate::error::FieldError>>| r.unwrap_err()[0].field.clone();
    assert_eq!(
        field(input("32", "10:00", "Room", vec![member.to_string()]).validate(now, &[member])),
        "interview_day"
    );
    assert_eq!(
        field(input("2", "25:00", "Room", vec![member.to_string()]).validate(now, &[member])),
        "interview_time"
    );
    assert_eq!(
        field(input("2", "10:00", " ", vec![member.to_string()]).validate(now, &[member])),
        "place"
    );
    assert_eq!(
        field(input("2", "10:00", "Room", vec![stranger.to_string()]).validate(now, &[member])),
        "panel"
    );
    assert_eq!(field(input("2", "10:00", "Room", vec![]).validate(now, &[member])), "panel");
}

#[test]
fn the_rejection_letter_fills_placeholders_and_leaves_no_gap_without_feedback() {
    let with = rejection_letter(
        DEFAULT_REJECTION_TEMPLATE,
        "Sam",
        "Analyst",
        Some("Strong answers."),
        "Example Council",
    );
    assert!(with.starts_with("Dear Sam,"));
    assert!(with.contains("the role of Analyst."));
    assert!(with.contains("Feedback from the panel:\nStrong answers."));
    assert!(with.ends_with("Example Council"));
    let without =
        rejection_letter(DEFAULT_REJECTION_TEMPLATE, "Sam", "Analyst", None, "Example Council");
    assert!(!without.contains("Feedback"));
    assert!(!without.contains("\n\n\n"), "{without}");
}

#[test]
fn standing_and_blocked_codes_round_trip() {
    assert_eq!(Standing::from_stored("withdrawn", None, false), Standing::Withdrawn);
    assert_eq!(Standing::from_stored("submitted", Some("rejected"), false), Standing::Rejected);
    assert_eq!(Standing::from_stored("submitted", Some("rejected"), true), Standing::Appointable);
    assert_eq!(Standing::from_stored("submitted", Some("hired"), false), Standing::Hired);
    assert_eq!(Standing::from_stored("submitted", None, false), Standing::Active);
    for b in [Blocked::Restricted, Blocked::Ended, Blocked::Changed, Blocked::NotAllowed] {
        assert_eq!(Blocked::from_code(b.code()), Some(b));
    }
}

#[test]
fn the_board_filter_reads_its_query_and_ignores_nonsense() {
    let f = PipelineFilter::from_query(
        Some("sift"),
        Some("5"),
        Some("yes"),
        None,
        Some("score"),
        Some("2"),
    );
    assert_eq!(f.stage, Some(Sift));
    assert_eq!(f.min_score, Some(500));
    assert!(f.unscored_by_me);
    assert_eq!(f.sort, Sort::Score);
    let junk = PipelineFilter::from_query(
        Some("<script>"),
        Some("99"),
        Some("1"),
        Some("x"),
        Some("?"),
        Some("0"),
    );
    assert_eq!(junk, PipelineFilter { page: 1, ..PipelineFilter::default() });
    assert_eq!(f.page, 2);
    let row = CandidateRow {
        id: crate::domain::ApplicationId::from_uuid(Uuid::from_u128(1)),
        label: candidate_label(3),
        number: 3,
        stage: Sift,
        standing: Standing::Active,
        score: None,
        moderated: false,
        sheets: 0,
        scorers: 2,
        scored_by_me: false,
        restricted: false,
        retention: None,
    };
    assert!(PipelineFilter::default().keeps(&row));
    assert!(!f.keeps(&row), "a score the viewer cannot see never passes a minimum");
    let ended = CandidateRow { standing: Standing::Rejected, ..row };
    assert!(!PipelineFilter::default().keeps(&ended));
    assert!(PipelineFilter { include_ended: true, ..PipelineFilter::default() }.keeps(&ended));
}

#[test]
fn the_board_shows_a_column_of_each_stage_and_one_stage_pages_through_all() {
    let rows: Vec<CandidateRow> = (1..=250)
        .map(|n| CandidateRow {
            id: crate::domain::ApplicationId::from_uuid(Uuid::from_u128(n)),
            label: candidate_label(i32::try_from(n).unwrap()),
            number: i32::try_from(n).unwrap(),
            stage: if n % 2 == 0 { Applied } else { Sift },
            standing: Standing::Active,
            score: None,
            moderated: false,
            sheets: 0,
            scorers: 1,
            scored_by_me: false,
            restricted: false,
            retention: None,
        })
        .collect();
    let (board, pages) = PipelineFilter::default().cut(rows.clone());
    assert_eq!(pages, 1);
    assert_eq!(board.iter().filter(|r| r.stage == Applied).count(), BOARD_COLUMN);
    assert_eq!(board.iter().filter(|r| r.stage == Sift).count(), BOARD_COLUMN);
    let sift: Vec<CandidateRow> = rows.into_iter().filter(|r| r.stage == Sift).collect();
    let one = |page| PipelineFilter { stage: Some(Sift), page, ..PipelineFilter::default() };
    let (first, pages) = one(1).cut(sift.clone());
    assert_eq!((first.len(), pages), (PAGE_SIZE, 2));
    let (second, _) = one(2).cut(sift.clone());
    assert_eq!(second.len(), 125 - PAGE_SIZE);
    let (beyond, _) = one(9).cut(sift);
    assert_eq!(beyond, second, "a page past the end shows the last page");
}
