//! What the pipeline board and the candidate page show one selector. The server builds these
//! already cut to the viewer: a hidden identity is `None`, colleagues' scores the viewer may
//! not see yet are `None` — never sent and hidden by the page.

use super::{Reason, Standing};
use crate::domain::vacancy_edit::Stage;
use crate::domain::{ApplicationId, StaffId, VacancyId};
use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// How the board's list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sort {
    /// Candidate number (the order applications arrived).
    #[default]
    Number,
    /// Highest score first (unscored last).
    Score,
}

/// The board's filter, from its GET form (so a filtered board has a shareable address and
/// works with JavaScript off). Unknown values are ignored, never an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineFilter {
    /// Only this stage.
    pub stage: Option<Stage>,
    /// Only candidates whose score (final, else average) is at least this × 100.
    pub min_score: Option<i32>,
    /// Only candidates the viewer has not submitted a score sheet for.
    pub unscored_by_me: bool,
    /// Also list rejected, withdrawn and other ended applications.
    pub include_ended: bool,
    /// Order.
    pub sort: Sort,
    /// Which page of a one-stage list (from 1).
    pub page: usize,
}

/// How many candidates each column of the whole board shows (the column links to its full,
/// paged list).
pub const BOARD_COLUMN: usize = 20;
/// How many candidates a page of one stage's list shows.
pub const PAGE_SIZE: usize = 100;

impl PipelineFilter {
    /// From the query's values.
    #[must_use]
    pub fn from_query(
        stage: Option<&str>,
        min_score: Option<&str>,
        unscored: Option<&str>,
        ended: Option<&str>,
        sort: Option<&str>,
        page: Option<&str>,
    ) -> Self {
        Self {
            stage: stage.and_then(Stage::from_code),
            min_score: min_score.and_then(super::parse_score).map(|s| s * 100),
            unscored_by_me: unscored == Some("yes"),
            include_ended: ended == Some("yes"),
            sort: if sort == Some("score") { Sort::Score } else { Sort::Number },
            page: page
                .and_then(|p| p.parse().ok())
                .filter(|p| (1..=10_000).contains(p))
                .unwrap_or(1),
        }
    }

    /// What the page shows of the candidates passing the filter (already sorted): on the whole
    /// board, the first [`BOARD_COLUMN`] of each stage; for one stage, page `page` of
    /// [`PAGE_SIZE`]. Returns the rows and the number of pages.
    #[must_use]
    pub fn cut(&self, rows: Vec<CandidateRow>) -> (Vec<CandidateRow>, usize) {
        if self.stage.is_some() {
            let pages = rows.len().div_ceil(PAGE_SIZE).max(1);
            let page = self.page.min(pages);
            let shown = rows.into_iter().skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE).collect();
            return (shown, pages);
        }
        let mut per_stage: std::collections::HashMap<Stage, usize> =
            std::collections::HashMap::new();
        let shown = rows
            .into_iter()
            .filter(|r| {
                let n = per_stage.entry(r.stage).or_insert(0);
                *n += 1;
                *n <= BOARD_COLUMN
            })
            .collect();
        (shown, 1)
    }

    /// Whether a candidate passes the filter (the viewer's visibility already applied to
    /// `score`: a score the viewer may not see yet never passes a minimum).
    #[must_use]
    pub fn keeps(&self, row: &CandidateRow) -> bool {
        self.stage.is_none_or(|s| s == row.stage)
            && (self.include_ended || row.standing.active())
            && self.min_score.is_none_or(|min| row.score.is_some_and(|s| s >= min))
            && (!self.unscored_by_me || !row.scored_by_me)
    }
}

/// One stage column's heading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageCount {
    /// The stage.
    pub stage: Stage,
    /// Candidates in it who are still in the process.
    pub count: usize,
    /// Candidates in it passing the filter (the column shows at most [`BOARD_COLUMN`]).
    pub matching: usize,
}

/// One candidate on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateRow {
    /// The application.
    pub id: ApplicationId,
    /// "Candidate 17", or their name once selectors may know it.
    pub label: String,
    /// Per-vacancy number.
    pub number: i32,
    /// Stage.
    pub stage: Stage,
    /// In progress or how it ended.
    pub standing: Standing,
    /// Final score, else the average of submitted sheets (× 100) — `None` when there is none
    /// or the viewer may not see colleagues' scores yet.
    pub score: Option<i32>,
    /// Whether `score` is the moderated final score.
    pub moderated: bool,
    /// Submitted score sheets.
    pub sheets: i64,
    /// People who score this vacancy (its hiring manager and panel).
    pub scorers: i64,
    /// Whether the viewer has submitted their sheet.
    pub scored_by_me: bool,
    /// A rights request is pending.
    pub restricted: bool,
    /// Its retention date and rule in one line (HR, auditors), else `None`.
    pub retention: Option<String>,
}

/// The pipeline board of one vacancy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelinePage {
    /// The vacancy.
    pub vacancy: VacancyId,
    /// Its title.
    pub title: String,
    /// Whether its sift is name-blind.
    pub name_blind: bool,
    /// Its stages with their counts, in order.
    pub stages: Vec<StageCount>,
    /// Applications that have ended, by how.
    pub ended: Vec<(Standing, usize)>,
    /// The filter applied.
    pub filter: PipelineFilter,
    /// The candidates passing it that this page shows (see [`PipelineFilter::cut`]).
    pub candidates: Vec<CandidateRow>,
    /// How many candidates pass the filter.
    pub matching: usize,
    /// Pages of a one-stage list.
    pub pages: usize,
    /// Whether the viewer makes decisions (bulk reject at sift).
    pub can_decide: bool,
    /// The rejection reasons to choose from.
    pub reasons: Vec<Reason>,
    /// Legal holds on the whole vacancy (for those who see retention), newest first.
    pub holds: Option<Holds>,
}

/// A legal hold as HR sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldRow {
    /// Its id (the release form posts to it).
    pub id: String,
    /// Whether it covers the whole vacancy (shown on a candidate's page too).
    pub whole_vacancy: bool,
    /// Why it was placed.
    pub reason: String,
    /// "Placed by … on …".
    pub placed: String,
    /// "Released by … on …", or `None` while in force.
    pub released: Option<String>,
}

/// The legal holds on a page, and whether the viewer may place and release them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holds {
    /// Newest first.
    pub rows: Vec<HoldRow>,
    /// May the viewer place and release holds (HR)?
    pub can_manage: bool,
}

impl Holds {
    /// Whether any hold is in force.
    #[must_use]
    pub fn in_force(&self) -> bool {
        self.rows.iter().any(|h| h.released.is_none())
    }
}

/// Who the candidate is and what identifies them: hidden in a name-blind sift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateIdentity {
    /// Full name.
    pub full_name: String,
    /// What they like to be called.
    pub preferred_name: Option<String>,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: Option<String>,
    /// Right to work, in words.
    pub right_to_work: String,
    /// Notice period.
    pub notice_period: String,
    /// Earliest start date, in words.
    pub earliest_start: String,
    /// Salary expectation, in words.
    pub salary_expectation: String,
    /// Where they heard of the role.
    pub source: String,
    /// Screening questions: question, answer, and whether it is the one the post needs.
    pub screening: Vec<(String, String, Option<bool>)>,
    /// The CV's original file name and size in bytes, if one was uploaded.
    pub cv: Option<(String, i64)>,
}

/// One criterion on a score sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreLine {
    /// The criterion.
    pub criterion: String,
    /// Its weight.
    pub weight: i32,
    /// The score given, if any.
    pub score: Option<i32>,
    /// Evidence notes.
    pub evidence: String,
}

/// The viewer's own score sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetView {
    /// One line per criterion.
    pub lines: Vec<ScoreLine>,
    /// Whether it has been submitted (then it is final).
    pub submitted: bool,
    /// Weighted mean × 100, once complete.
    pub total: Option<i32>,
}

/// A colleague's submitted sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColleagueSheet {
    /// Who scored.
    pub scorer: String,
    /// Weighted mean × 100.
    pub total: Option<i32>,
    /// One line per criterion.
    pub lines: Vec<ScoreLine>,
}

/// One entry of the stage history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When, UK time in words.
    pub at: String,
    /// Who ("The applicant" when nobody on staff).
    pub by: String,
    /// What happened.
    pub what: String,
}

/// A note on the candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteRow {
    /// When, in words.
    pub at: String,
    /// Author.
    pub author: String,
    /// Whether it records an interview.
    pub interview: bool,
    /// The note, shown as text.
    pub text: String,
}

/// An interview arranged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterviewRow {
    /// When, in words.
    pub starts: String,
    /// Where.
    pub place: String,
    /// Who sits on the panel.
    pub panel: Vec<String>,
}

/// Someone on the vacancy's team (hiring manager or panel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    /// Account.
    pub id: StaffId,
    /// Name.
    pub name: String,
}

/// Everything the candidate page shows one viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidatePage {
    /// The application.
    pub id: ApplicationId,
    /// Its vacancy.
    pub vacancy: VacancyId,
    /// The vacancy's title.
    pub vacancy_title: String,
    /// "Candidate 17" or their name.
    pub label: String,
    /// Per-vacancy number.
    pub number: i32,
    /// Stage.
    pub stage: Stage,
    /// In progress or how it ended.
    pub standing: Standing,
    /// The version decisions must name.
    pub version: i32,
    /// A rights request is pending.
    pub restricted: bool,
    /// Who they are, or `None` while hidden by a name-blind sift.
    pub identity: Option<CandidateIdentity>,
    /// Each criterion with the candidate's answer.
    pub answers: Vec<(String, String)>,
    /// The covering statement.
    pub covering_statement: String,
    /// Reasonable adjustments asked for (HR only).
    pub adjustments: Option<String>,
    /// Stage history, oldest first.
    pub history: Vec<HistoryEntry>,
    /// Notes, oldest first.
    pub notes: Vec<NoteRow>,
    /// Interviews arranged.
    pub interviews: Vec<InterviewRow>,
    /// The viewer's own sheet (when they may score).
    pub my_sheet: Option<SheetView>,
    /// Colleagues' submitted sheets, or `None` until the viewer may see them.
    pub colleagues: Option<Vec<ColleagueSheet>>,
    /// How many sheets have been submitted.
    pub sheets_submitted: i64,
    /// Whether the viewer has chosen to moderate.
    pub moderating: bool,
    /// The moderated final score (× 100) and its reason.
    pub final_score: Option<(i32, String)>,
    /// The offer's answer, if given.
    pub offer_response: Option<String>,
    /// Stages the viewer may move the candidate to.
    pub moves: Vec<Stage>,
    /// Rejection reasons (for those who decide).
    pub reasons: Vec<Reason>,
    /// The vacancy's team (the interview panel is chosen from it).
    pub team: Vec<TeamMember>,
    /// May the viewer score?
    pub can_score: bool,
    /// May the viewer decide (move, reject, offer, interview, moderate)?
    pub can_decide: bool,
    /// May the viewer reveal the identity early (HR, while hidden)?
    pub can_reveal: bool,
    /// May the viewer find the candidate appointable, not appointed (those who decide, at
    /// [`crate::domain::reserve::may_mark_appointable`] stages)?
    pub can_mark_appointable: bool,
    /// For a candidate found appointable: whether they are on the reserve list, in words.
    pub reserve_status: Option<String>,
    /// Its retention date and rule in one line, with the holds on it (HR, auditors).
    pub retention: Option<(String, Holds)>,
    /// Pre-employment checks and the hand-over, for HR from the offer stage on.
    pub checks: Option<crate::domain::checks::ChecksSection>,
    /// The referees, for HR and (from the offer on) the hiring manager.
    pub references: Option<crate::domain::references::ReferencesSection>,
    /// Problems with the viewer's last refused form on this page.
    pub problems: Vec<FieldError>,
    /// That form's fields as typed, to show again.
    pub typed: Vec<(String, String)>,
}

impl CandidatePage {
    /// The value to show in field `name`: as typed in a refused form, else `stored`.
    #[must_use]
    pub fn typed_or(&self, name: &str, stored: &str) -> String {
        if self.problems.is_empty() {
            return stored.to_owned();
        }
        self.typed
            .iter()
            .find(|(k, _)| k == name)
            .map_or_else(|| stored.to_owned(), |(_, v)| v.clone())
    }
}

/// What the viewer may do on a vacancy's selection pages, decided from their session by
/// [`crate::domain::access::authorise`] (never from the request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    /// Who.
    pub staff: StaffId,
    /// May score.
    pub can_score: bool,
    /// May decide.
    pub can_decide: bool,
    /// May see reasonable adjustments.
    pub sees_adjustments: bool,
    /// May reveal identities before the sift is passed.
    pub can_reveal: bool,
    /// May see retention dates and legal holds.
    pub sees_retention: bool,
    /// May place and release legal holds.
    pub manages_retention: bool,
    /// May record pre-employment checks and hand hires over (HR).
    pub manages_checks: bool,
    /// May see and ask for references at any stage (HR).
    pub references_any_stage: bool,
    /// May see references once the candidate reaches the offer (HR, the hiring manager).
    pub references_at_offer: bool,
}

impl Viewer {
    /// The viewer for `vacancy`'s candidates.
    ///
    /// # Errors
    /// As [`crate::domain::access::authorise`] for `ViewCandidates`: sign-in required, not
    /// found (not assigned), forbidden.
    pub fn for_vacancy(
        actor: &crate::domain::access::Actor,
        vacancy: VacancyId,
    ) -> Result<Self, crate::error::AppError> {
        use crate::domain::access::{Action, authorise, signed_in};
        authorise(actor, Action::ViewCandidates(vacancy))?;
        let me = signed_in(actor)?;
        let may = |a| authorise(actor, a).is_ok();
        Ok(Self {
            staff: me.id,
            can_score: may(Action::ScoreCandidates(vacancy)),
            can_decide: may(Action::DecideCandidates(vacancy)),
            sees_adjustments: may(Action::ViewAdjustments(vacancy)),
            can_reveal: may(Action::RevealIdentityEarly(vacancy)),
            sees_retention: may(Action::ViewRetention),
            manages_retention: may(Action::ManageRetention),
            manages_checks: may(Action::ManageChecks(vacancy)),
            references_any_stage: may(Action::ViewReferences { vacancy, at_offer_stage: false }),
            references_at_offer: may(Action::ViewReferences { vacancy, at_offer_stage: true }),
        })
    }
}
