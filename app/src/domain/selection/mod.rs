//! Selection: the rules behind the pipeline board and the candidate page — who a candidate is
//! shown as, what a selector may see of colleagues' scores, which stage moves make sense, and
//! the forms selectors fill in (score sheets, moderation, rejection, interviews, reveals).
//!
//! Pure: "now", the vacancy's stages and the organisation's reasons are parameters; nothing
//! here stores, renders or logs. Two promises of the product hang on this module and are
//! tested here first:
//! - [`identity_hidden`]: in a name-blind sift a candidate is "Candidate 17" until they pass
//!   the sift (or HR reveals them early with a reason).
//! - [`sees_colleagues`]: scoring is independent — a selector sees colleagues' scores and
//!   evidence for a candidate only after submitting their own (or choosing to moderate).
//!
//! Equal-opportunities answers have no type here, and must never get one: nothing a selector
//! is shown is built from them.

mod forms;
pub mod settings;
mod view;

pub use forms::{
    InterviewInput, InterviewPlan, ModerationInput, RejectInput, ScoreSheetInput, parse_score,
};
pub use view::{
    BOARD_COLUMN, CandidateIdentity, CandidatePage, CandidateRow, ColleagueSheet, HistoryEntry,
    HoldRow, Holds, InterviewRow, NoteRow, PAGE_SIZE, PipelineFilter, PipelinePage, ScoreLine,
    SheetView, Sort, StageCount, TeamMember, Viewer,
};

use super::vacancy_edit::Stage;
use serde::{Deserialize, Serialize};

/// The published scoring scale: each score with the descriptor selectors score against.
pub const SCALE: [(i32, &str); 7] = [
    (1, "No evidence"),
    (2, "Very little evidence"),
    (3, "Some evidence, with significant gaps"),
    (4, "Meets the criterion"),
    (5, "Meets the criterion well"),
    (6, "Strong evidence throughout"),
    (7, "Exceptional evidence"),
];

/// The most characters of evidence per criterion, and of a note.
pub const MAX_EVIDENCE: usize = 4000;
/// The most characters of a note on a candidate.
pub const MAX_NOTE: usize = 5000;
/// The most characters of feedback in a rejection letter.
pub const MAX_FEEDBACK: usize = 2000;
/// The most characters of a reason (moderation, early reveal).
pub const MAX_REASON: usize = 1000;

/// How a candidate is named to selectors who may not know who they are.
#[must_use]
pub fn candidate_label(number: i32) -> String {
    format!("Candidate {number}")
}

/// Whether selectors must not see who this candidate is: the vacancy sifts name-blind, the
/// candidate has not passed the sift (still at Applied or Sift), and nobody revealed them.
/// Everyone on the selection pages is bound by it, HR included; HR lifts it for one candidate
/// only by revealing with a recorded reason.
#[must_use]
pub const fn identity_hidden(name_blind: bool, stage: Stage, revealed: bool) -> bool {
    name_blind && !revealed && matches!(stage, Stage::Applied | Stage::Sift)
}

/// Whether a selector may see colleagues' submitted score sheets for a candidate: once their
/// own sheet is submitted, or (for whoever decides) once they have chosen to moderate.
/// Colleagues' unsubmitted sheets are never shown to anyone.
#[must_use]
pub const fn sees_colleagues(own_submitted: bool, moderating: bool) -> bool {
    own_submitted || moderating
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Standing {
    /// In the pipeline.
    Active,
    /// Rejected by the employer.
    Rejected,
    /// Found appointable, but there was no post for them (unsuccessful; the reserve list may
    /// keep them, with their consent).
    Appointable,
    /// Withdrawn by the applicant (or by staff on their behalf).
    Withdrawn,
    /// Turned the offer down.
    OfferDeclined,
    /// Appointed.
    Hired,
}

impl Standing {
    /// From the stored status and outcome, and whether the rejection found them appointable.
    #[must_use]
    pub fn from_stored(status: &str, outcome: Option<&str>, appointable: bool) -> Self {
        match (status, outcome) {
            ("withdrawn", _) => Self::Withdrawn,
            (_, Some("rejected")) if appointable => Self::Appointable,
            (_, Some("rejected")) => Self::Rejected,
            (_, Some("offer_declined")) => Self::OfferDeclined,
            (_, Some("hired")) => Self::Hired,
            _ => Self::Active,
        }
    }

    /// In words, for staff.
    #[must_use]
    pub const fn words(self) -> &'static str {
        match self {
            Self::Active => "In progress",
            Self::Rejected => "Rejected",
            Self::Appointable => "Appointable, not appointed",
            Self::Withdrawn => "Withdrawn",
            Self::OfferDeclined => "Offer declined",
            Self::Hired => "Hired",
        }
    }

    /// Whether decisions may still be made on it.
    #[must_use]
    pub const fn active(self) -> bool {
        matches!(self, Self::Active)
    }
}

/// Why a decision cannot be made, in words for the person trying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Blocked {
    /// A rights request is pending: the application is frozen.
    Restricted,
    /// The application has ended (rejected, withdrawn, declined, hired).
    Ended,
    /// Someone else changed the candidate since the form was opened.
    Changed,
    /// The move does not make sense from here.
    NotAllowed,
}

impl Blocked {
    /// The code in `?error=` after a redirect.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Restricted => "restricted",
            Self::Ended => "ended",
            Self::Changed => "changed",
            Self::NotAllowed => "not_allowed",
        }
    }

    /// The message the candidate page shows for it.
    #[must_use]
    pub const fn message(self) -> &'static str {
        match self {
            Self::Restricted => {
                "This application is restricted while a rights request is dealt with: it cannot be moved, scored or contacted"
            }
            Self::Ended => "This application has ended, so no more decisions can be made on it",
            Self::Changed => {
                "This candidate changed since you opened the page. Check the latest details below and try again"
            }
            Self::NotAllowed => "That move is not possible from the candidate's current stage",
        }
    }

    /// From a code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Restricted, Self::Ended, Self::Changed, Self::NotAllowed]
            .into_iter()
            .find(|b| b.code() == code)
    }
}

/// Whether a candidate at `from` may be moved to `to` on a vacancy with `stages`. Moves go
/// either way between the vacancy's own stages (a candidate moved to interview by mistake can
/// go back to sift), except: the stages after Offer need the offer accepted, and Hired is
/// reached only from them — nobody is hired past the right-to-work check.
#[must_use]
pub fn may_move(from: Stage, to: Stage, stages: &[Stage], offer_accepted: bool) -> bool {
    if from == to || !stages.contains(&to) || !stages.contains(&from) {
        return false;
    }
    match to {
        Stage::PreEmploymentChecks => offer_accepted,
        Stage::Hired => offer_accepted && from == Stage::PreEmploymentChecks,
        _ => from != Stage::Hired,
    }
}

/// A sheet's total: the weighted mean of its scores × 100, rounded (so 4.25 is 425).
/// `None` when there is nothing to weigh.
#[must_use]
pub fn sheet_total(scores: &[(i32, i32)]) -> Option<i32> {
    let weights: i32 = scores.iter().map(|(_, w)| *w).sum();
    if weights <= 0 {
        return None;
    }
    let sum: i32 = scores.iter().map(|(s, w)| s * w).sum();
    // Rounded half up in integer arithmetic: (2·100·sum + weights) / (2·weights).
    Some((200 * sum + weights) / (2 * weights))
}

/// A score × 100 as people read it: "4.25".
#[must_use]
pub fn score_words(hundredths: i32) -> String {
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// One of the organisation's rejection reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// Stored code.
    pub code: String,
    /// Words staff choose from.
    pub words: String,
}

/// Shortlist's rejection letter, used until the organisation writes its own. Placeholders:
/// `{name}`, `{vacancy}`, `{feedback}`, `{organisation}`.
pub const DEFAULT_REJECTION_TEMPLATE: &str = "Dear {name},\n\n\
Thank you for applying for the role of {vacancy}. We have considered your application \
carefully and we are sorry to tell you that we will not be taking it further.\n\n\
{feedback}\n\n\
Thank you for your interest in working with us.\n\n\
{organisation}";

/// The rejection letter's body: the template with its placeholders filled. Text is plain (the
/// message is `text/plain`), so nothing typed can become markup; an empty feedback leaves no
/// gap.
#[must_use]
pub fn rejection_letter(
    template: &str,
    name: &str,
    vacancy: &str,
    feedback: Option<&str>,
    organisation: &str,
) -> String {
    let feedback = feedback.map(|f| format!("Feedback from the panel:\n{f}")).unwrap_or_default();
    let filled = template
        .replace("{name}", name)
        .replace("{vacancy}", vacancy)
        .replace("{organisation}", organisation)
        .replace("{feedback}", &feedback);
    // Collapse the blank lines an empty placeholder leaves behind.
    let mut out = String::with_capacity(filled.len());
    let mut blank_run = 0;
    for line in filled.lines() {
        blank_run = if line.trim().is_empty() { blank_run + 1 } else { 0 };
        if blank_run <= 1 {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests;
