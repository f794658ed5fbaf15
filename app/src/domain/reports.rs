//! Anonymised reports (PRODUCT §2.9): the recruitment funnel and the diversity funnel.
//!
//! The funnel is computed here from plain per-application facts that the server gathers from
//! held applications and from the anonymised facts purges leave behind, so a period's totals
//! do not change when its applications are purged. The diversity funnel's figures arrive
//! already protected (see [`crate::domain::disclosure`]); this module only shapes and words
//! them.
//!
//! Nothing here may carry an application id, a name or a single person's monitoring answers:
//! these types cross the wire to HR and auditors.

use crate::domain::disclosure::{Figure, Published};
use crate::domain::vacancy_edit::Stage;
use crate::error::{AppError, FieldError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The steps of both funnels. Stages a vacancy adds count towards the step they belong to
/// (an assessment is interviewing; pre-employment checks follow an offer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Step {
    /// Sent an application.
    Applied,
    /// Reached the sift.
    Sifted,
    /// Reached interview or assessment.
    Interviewed,
    /// Offered the post.
    Offered,
    /// Appointed.
    Hired,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Self; 5] =
        [Self::Applied, Self::Sifted, Self::Interviewed, Self::Offered, Self::Hired];

    /// The step a pipeline stage belongs to.
    #[must_use]
    pub const fn of(stage: Stage) -> Self {
        match stage {
            Stage::Applied => Self::Applied,
            Stage::Sift => Self::Sifted,
            Stage::Interview | Stage::Assessment => Self::Interviewed,
            Stage::Offer | Stage::PreEmploymentChecks => Self::Offered,
            Stage::Hired => Self::Hired,
        }
    }

    /// Column heading.
    #[must_use]
    pub const fn words(self) -> &'static str {
        match self {
            Self::Applied => "Applied",
            Self::Sifted => "Sifted",
            Self::Interviewed => "Interviewed",
            Self::Offered => "Offered",
            Self::Hired => "Hired",
        }
    }

    /// Position in [`Self::ALL`].
    #[must_use]
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The step of a stored stage code (an unknown or missing one counts as applied).
    #[must_use]
    pub fn of_code(code: Option<&str>) -> Self {
        code.and_then(Stage::from_code).map_or(Self::Applied, Self::of)
    }

    /// The code the anonymised facts store.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Sifted => "sifted",
            Self::Interviewed => "interviewed",
            Self::Offered => "offered",
            Self::Hired => "hired",
        }
    }

    /// The step of a stored code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// The furthest step an application has reached: the stage it is at now (its code), or any
/// step it moved to before (`moves`, as for [`days_in_steps`]), whichever is further — a move
/// back does not undo how far it got.
#[must_use]
pub fn furthest(stage: Option<&str>, moves: &[(Step, DateTime<Utc>)]) -> Step {
    moves.iter().map(|(s, _)| *s).fold(Step::of_code(stage), Step::max)
}

/// The whole days an application spent in each step before its next move, from its moves in
/// time order (the step each went to, and when). The last step has no end, so no figure.
#[must_use]
pub fn days_in_steps(moves: &[(Step, DateTime<Utc>)]) -> Vec<(Step, i64)> {
    moves.windows(2).map(|w| (w[0].0, (w[1].1 - w[0].1).num_days())).collect()
}

/// Whole days from sending to the decision, for an application that was hired.
#[must_use]
pub fn days_to_hire(
    hired: bool,
    sent: DateTime<Utc>,
    decided: Option<DateTime<Utc>>,
) -> Option<i64> {
    if hired { decided.map(|d| (d - sent).num_days()) } else { None }
}

/// [`days_in_steps`] as the anonymised facts keep it once the application is purged:
/// `sifted:3,interviewed:10` — durations only, never a date.
#[must_use]
pub fn encode_step_days(days: &[(Step, i64)]) -> String {
    days.iter().map(|(s, d)| format!("{}:{d}", s.code())).collect::<Vec<_>>().join(",")
}

/// Reads what [`encode_step_days`] wrote (pieces that do not parse are left out).
#[must_use]
pub fn decode_step_days(text: &str) -> Vec<(Step, i64)> {
    text.split(',')
        .filter_map(|piece| {
            let (step, days) = piece.split_once(':')?;
            Some((Step::from_code(step.trim())?, days.trim().parse().ok()?))
        })
        .collect()
}

/// A month, `YYYY-MM`, as reports filter and facts store them.
#[must_use]
pub fn month_of(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

fn parse_month(text: &str) -> Option<(i32, u32)> {
    let (y, m) = text.trim().split_once('-')?;
    let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
    ((2000..=2100).contains(&y) && (1..=12).contains(&m) && text.trim().len() == 7)
        .then_some((y, m))
}

/// The funnel report's filter. Empty fields mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelFilter {
    /// First month applied, `YYYY-MM`.
    pub from: String,
    /// Last month applied, `YYYY-MM`.
    pub to: String,
    /// One vacancy's id.
    pub vacancy: Option<crate::domain::VacancyId>,
    /// One job family.
    pub family: Option<String>,
    /// One location tag.
    pub location: Option<String>,
}

impl FunnelFilter {
    /// Reads the filter form; an empty period means the twelve months up to `today`.
    ///
    /// # Errors
    /// A validation error for a month that is not `YYYY-MM`, a period that ends before it
    /// starts, or a vacancy that is not an id.
    pub fn parse(
        from: &str,
        to: &str,
        vacancy: &str,
        family: &str,
        location: &str,
        today: NaiveDate,
    ) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let mut month = |field: &str, text: &str, default: String| {
            if text.trim().is_empty() {
                return default;
            }
            if parse_month(text).is_none() {
                errors.push(FieldError::new(
                    field,
                    "Enter a month as year and month, for example 2026-04",
                ));
            }
            text.trim().to_owned()
        };
        let year_ago = today.checked_sub_months(chrono::Months::new(11)).unwrap_or(today);
        let from = month("from", from, month_of(year_ago));
        let to = month("to", to, month_of(today));
        if errors.is_empty() && from > to {
            errors.push(FieldError::new(
                "to",
                "The last month must be the same as or after the first month",
            ));
        }
        let vacancy = match vacancy.trim() {
            "" => None,
            v => match uuid::Uuid::parse_str(v) {
                Ok(id) => Some(crate::domain::VacancyId::from_uuid(id)),
                Err(_) => {
                    errors.push(FieldError::new("vacancy", "Choose a vacancy from the list"));
                    None
                }
            },
        };
        let text = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(Self { from, to, vacancy, family: text(family), location: text(location) })
    }

    /// The filter in words, for the page, the CSV and the audit log (no personal data).
    #[must_use]
    pub fn describe(&self, vacancy_title: Option<&str>) -> String {
        let mut out = format!("applied {} to {}", self.from, self.to);
        if let Some(t) = vacancy_title {
            out.push_str(&format!("; vacancy {t}"));
        }
        if let Some(f) = &self.family {
            out.push_str(&format!("; job family {f}"));
        }
        if let Some(l) = &self.location {
            out.push_str(&format!("; location {l}"));
        }
        out
    }
}

/// One application as the funnel counts it: held, or the anonymised facts of a purged one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunnelFact {
    /// The furthest step reached.
    pub reached: Step,
    /// Hired (appointed), as opposed to only reaching the hired step's neighbours.
    pub hired: bool,
    /// The rejection reason, if rejected.
    pub rejection_reason: Option<String>,
    /// Where the applicant heard of the vacancy.
    pub source: Option<String>,
    /// Days from sending to the hire decision (kept in the anonymised facts after a purge).
    pub days_to_hire: Option<i64>,
    /// Days spent in each step before moving on (kept in the anonymised facts after a purge).
    pub days_in_step: Vec<(Step, i64)>,
    /// Whether this is a purged application's anonymised facts.
    pub purged: bool,
}

/// One row of the funnel table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRow {
    /// The step.
    pub step: Step,
    /// Applications that reached it (or went further).
    pub reached: u64,
    /// Percentage of the previous step's that reached this one.
    pub conversion: Option<u64>,
    /// Applications whose furthest step was this one.
    pub stopped_here: u64,
    /// Median days spent in this step before moving on (held applications).
    pub median_days: Option<i64>,
}

/// Applications and hires by source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRow {
    /// The source, or "Not given".
    pub source: String,
    /// Applications.
    pub applications: u64,
    /// Hires.
    pub hires: u64,
}

/// The recruitment funnel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelReport {
    /// The filter in words.
    pub described: String,
    /// Applications counted.
    pub total: u64,
    /// Of which purged (counted through their anonymised facts).
    pub purged: u64,
    /// One row per step.
    pub steps: Vec<StepRow>,
    /// Rejections by reason, most first.
    pub reasons: Vec<(String, u64)>,
    /// Applications and hires by source, most first.
    pub sources: Vec<SourceRow>,
    /// Median days from sending to hire (held applications).
    pub median_days_to_hire: Option<i64>,
}

fn median(mut v: Vec<i64>) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    Some(v[v.len() / 2])
}

/// Counts the funnel.
#[must_use]
pub fn funnel(facts: &[FunnelFact], described: String) -> FunnelReport {
    let mut reached = [0u64; 5];
    let mut stopped = [0u64; 5];
    let mut days: [Vec<i64>; 5] = Default::default();
    let mut reasons = std::collections::BTreeMap::<String, u64>::new();
    let mut sources = std::collections::BTreeMap::<String, (u64, u64)>::new();
    let mut to_hire = Vec::new();
    for f in facts {
        for r in reached.iter_mut().take(f.reached.index() + 1) {
            *r += 1;
        }
        stopped[f.reached.index()] += 1;
        for (s, d) in &f.days_in_step {
            days[s.index()].push(*d);
        }
        if let Some(r) = &f.rejection_reason {
            *reasons.entry(r.clone()).or_default() += 1;
        }
        let source = f.source.clone().unwrap_or_else(|| "Not given".to_owned());
        let entry = sources.entry(source).or_default();
        entry.0 += 1;
        entry.1 += u64::from(f.hired);
        to_hire.extend(f.days_to_hire);
    }
    let steps = Step::ALL
        .iter()
        .map(|&step| {
            let i = step.index();
            StepRow {
                step,
                reached: reached[i],
                conversion: (i > 0 && reached[i - 1] > 0)
                    .then(|| (reached[i] * 100 + reached[i - 1] / 2) / reached[i - 1]),
                stopped_here: stopped[i],
                median_days: median(std::mem::take(&mut days[i])),
            }
        })
        .collect();
    let mut reasons: Vec<(String, u64)> = reasons.into_iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut sources: Vec<SourceRow> = sources
        .into_iter()
        .map(|(source, (applications, hires))| SourceRow { source, applications, hires })
        .collect();
    sources
        .sort_by(|a, b| b.applications.cmp(&a.applications).then_with(|| a.source.cmp(&b.source)));
    FunnelReport {
        described,
        total: facts.len() as u64,
        purged: facts.iter().filter(|f| f.purged).count() as u64,
        steps,
        reasons,
        sources,
        median_days_to_hire: median(to_hire),
    }
}

/// Choices for the funnel filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportChoices {
    /// Every vacancy (id, title).
    pub vacancies: Vec<(crate::domain::VacancyId, String)>,
    /// Every job family in use.
    pub families: Vec<String>,
    /// Every location tag in use.
    pub locations: Vec<String>,
}

/// The funnel page's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelPage {
    /// The report.
    pub report: FunnelReport,
    /// The filter as applied (defaults filled in).
    pub filter: FunnelFilter,
    /// Choices for the filter form.
    pub choices: ReportChoices,
}

/// The diversity funnel's filter: a calendar year and, optionally, one job family. Periods are
/// whole years so that no two reports differ by a few weeks' applicants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiversityFilter {
    /// The year applied.
    pub year: i32,
    /// One job family.
    pub family: Option<String>,
}

impl DiversityFilter {
    /// Reads the filter form; an empty year means `today`'s.
    ///
    /// # Errors
    /// A validation error when the year is not a year.
    pub fn parse(year: &str, family: &str, today: NaiveDate) -> Result<Self, AppError> {
        let year = match year.trim() {
            "" => today.year(),
            y => match y.parse::<i32>() {
                Ok(y) if (2000..=2100).contains(&y) => y,
                _ => return Err(AppError::field("year", "Enter a year, for example 2026")),
            },
        };
        let family = (!family.trim().is_empty()).then(|| family.trim().to_owned());
        Ok(Self { year, family })
    }

    /// The filter in words.
    #[must_use]
    pub fn describe(&self) -> String {
        match &self.family {
            Some(f) => format!("applied in {}; job family {f}", self.year),
            None => format!("applied in {}; whole organisation", self.year),
        }
    }
}

/// One monitoring question's protected table: categories (rows) × furthest step (columns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionTable {
    /// The question, short.
    pub question: String,
    /// Row labels.
    pub categories: Vec<String>,
    /// The protected figures: rows = categories, columns = [`Step::ALL`] (furthest step).
    pub figures: Published,
}

impl QuestionTable {
    /// "Reached at least this step" for a category — shown only when every furthest-step
    /// figure it adds up is shown (so it reveals nothing the table does not).
    #[must_use]
    pub fn reached(&self, row: usize, step: Step) -> Figure {
        if step == Step::Applied {
            return self.figures.row_total(row);
        }
        let mut sum = 0;
        for col in step.index()..Step::ALL.len() {
            match self.figures.figure(row, col) {
                Figure::Shown(n) => sum += n,
                _ => return Figure::Withheld,
            }
        }
        Figure::Shown(sum)
    }
}

/// The diversity funnel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiversityReport {
    /// The filter in words.
    pub described: String,
    /// The suppression threshold.
    pub threshold: u32,
    /// Whether shown counts are rounded to the nearest 5.
    pub rounded: bool,
    /// Whether shown counts carry their cell key's small change.
    #[serde(default)]
    pub perturbed: bool,
    /// One table per question.
    pub tables: Vec<QuestionTable>,
}

impl DiversityReport {
    /// The plain-English note on what is suppressed and why.
    #[must_use]
    pub fn note(&self) -> String {
        let hidden: usize = self.tables.iter().map(|t| t.figures.suppressed()).sum();
        let mut note = format!(
            "To protect the people counted, any figure below {t} is shown as “fewer than {t}” \
             (zero included), and some larger figures are withheld so that the hidden ones cannot \
             be worked out from totals, or by comparing this report with the whole organisation or \
             another job family. {hidden} figures are hidden in this report. Percentages are given \
             only where the base is {t} or more. Figures cover applications still held: \
             monitoring answers are deleted with the application.",
            t = self.threshold
        );
        if self.perturbed {
            note.push_str(
                " Each shown figure may differ from the true count by up to 2 (never below \
                 the threshold), by an amount fixed by the people counted in it: the same \
                 figure stays the same each time the report is run, but comparing reports from \
                 before and after someone moves on cannot tell which categories they are in. \
                 Totals are changed the same way, so they may not add up exactly.",
            );
        }
        if self.rounded {
            note.push_str(" Shown figures are rounded to the nearest 5.");
        }
        note
    }
}

/// The diversity page's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiversityPage {
    /// The report.
    pub report: DiversityReport,
    /// The filter as applied.
    pub filter: DiversityFilter,
    /// Job families to choose from.
    pub families: Vec<String>,
}

/// One CSV field: quoted, and a leading formula character neutralised (spreadsheets run
/// `=`, `+`, `-`, `@` as formulas).
#[must_use]
pub fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The funnel as CSV: one section per table, each row labelled.
#[must_use]
pub fn funnel_csv(r: &FunnelReport) -> String {
    let mut out = format!("\"Funnel\",{}\r\n", csv_field(&r.described));
    out.push_str("\"Step\",\"Reached\",\"Conversion from previous step (%)\",\"Furthest step for\",\"Median days in step\"\r\n");
    let opt = |o: Option<i64>| o.map(|d| d.to_string()).unwrap_or_default();
    for s in &r.steps {
        out.push_str(&format!(
            "{},{},{},{},{}\r\n",
            csv_field(s.step.words()),
            s.reached,
            s.conversion.map(|c| c.to_string()).unwrap_or_default(),
            s.stopped_here,
            opt(s.median_days)
        ));
    }
    out.push_str(&format!("\"Median days to hire\",{}\r\n", opt(r.median_days_to_hire)));
    out.push_str("\"Rejection reason\",\"Rejections\"\r\n");
    for (reason, n) in &r.reasons {
        out.push_str(&format!("{},{n}\r\n", csv_field(reason)));
    }
    out.push_str("\"Source\",\"Applications\",\"Hires\"\r\n");
    for s in &r.sources {
        out.push_str(&format!("{},{},{}\r\n", csv_field(&s.source), s.applications, s.hires));
    }
    out
}

/// The diversity funnel as CSV: every figure as published (never a suppressed count).
#[must_use]
pub fn diversity_csv(r: &DiversityReport) -> String {
    let mut out = format!("\"Diversity funnel\",{}\r\n", csv_field(&r.described));
    out.push_str(&format!("\"Note\",{}\r\n", csv_field(&r.note())));
    for t in &r.tables {
        out.push_str(&format!("{},\"Furthest step: Applied\",\"Sifted\",\"Interviewed\",\"Offered\",\"Hired\",\"Total\"\r\n", csv_field(&t.question)));
        let rows = t.categories.iter().map(String::as_str).chain(std::iter::once("Total"));
        for (i, label) in rows.enumerate() {
            let cells: Vec<String> =
                (0..=Step::ALL.len()).map(|j| csv_field(&t.figures.figure(i, j).words())).collect();
            out.push_str(&format!("{},{}\r\n", csv_field(label), cells.join(",")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn fact(reached: Step, hired: bool, reason: Option<&str>, source: &str) -> FunnelFact {
        FunnelFact {
            reached,
            hired,
            rejection_reason: reason.map(str::to_owned),
            source: Some(source.to_owned()),
            days_to_hire: hired.then_some(30),
            days_in_step: vec![(Step::Applied, 3)],
            purged: false,
        }
    }

    #[test]
    fn the_furthest_step_counts_moves_back_as_no_step_back() {
        let moves = [
            (Step::Sifted, at("2026-01-02T00:00:00Z")),
            (Step::Interviewed, at("2026-01-09T00:00:00Z")),
            (Step::Sifted, at("2026-01-10T00:00:00Z")),
        ];
        assert_eq!(furthest(Some("sift"), &moves), Step::Interviewed);
        assert_eq!(furthest(Some("offer"), &moves), Step::Offered);
        assert_eq!(furthest(None, &[]), Step::Applied);
    }

    #[test]
    fn reaching_a_step_counts_every_step_before_it() {
        let facts = vec![
            fact(Step::Applied, false, Some("Experience"), "Website"),
            fact(Step::Interviewed, false, Some("Interview"), "Website"),
            fact(Step::Hired, true, None, "Job board"),
            fact(Step::Sifted, false, Some("Experience"), "Website"),
        ];
        let r = funnel(&facts, String::new());
        let reached: Vec<u64> = r.steps.iter().map(|s| s.reached).collect();
        assert_eq!(reached, [4, 3, 2, 1, 1]);
        assert_eq!(r.steps[1].conversion, Some(75));
        assert_eq!(r.steps[0].stopped_here, 1);
        assert_eq!(r.reasons[0], ("Experience".to_owned(), 2));
        assert_eq!(r.sources[0], SourceRow { source: "Website".into(), applications: 3, hires: 0 });
        assert_eq!(r.sources[1].hires, 1);
        assert_eq!(r.median_days_to_hire, Some(30));
        assert_eq!(r.steps[0].median_days, Some(3));
    }

    #[test]
    fn step_days_survive_their_stored_form() {
        let moves = [
            (Step::Applied, at("2026-01-01T09:00:00Z")),
            (Step::Sifted, at("2026-01-04T10:00:00Z")),
            (Step::Interviewed, at("2026-01-14T09:59:00Z")),
        ];
        let days = days_in_steps(&moves);
        assert_eq!(days, [(Step::Applied, 3), (Step::Sifted, 9)]);
        let stored = encode_step_days(&days);
        assert_eq!(stored, "applied:3,sifted:9");
        assert_eq!(decode_step_days(&stored), days);
        assert_eq!(decode_step_days(""), []);
        assert_eq!(decode_step_days("sifted:x,nowhere:2,hired:4"), [(Step::Hired, 4)]);
        assert_eq!(days_in_steps(&moves[..1]), []);
        for step in Step::ALL {
            assert_eq!(Step::from_code(step.code()), Some(step));
        }
        assert_eq!(Step::of_code(Some("assessment")), Step::Interviewed);
        assert_eq!(Step::of_code(None), Step::Applied);
        let sent = at("2026-01-01T09:00:00Z");
        assert_eq!(days_to_hire(true, sent, Some(at("2026-02-01T08:00:00Z"))), Some(30));
        assert_eq!(days_to_hire(false, sent, Some(at("2026-02-01T08:00:00Z"))), None);
    }

    #[test]
    fn stages_map_to_steps_in_order() {
        let steps: Vec<Step> = Stage::ALL.iter().map(|s| Step::of(*s)).collect();
        assert!(steps.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(Step::of(Stage::Assessment), Step::Interviewed);
        assert_eq!(Step::of(Stage::PreEmploymentChecks), Step::Offered);
    }

    #[test]
    fn filters_refuse_bad_months_and_ids_and_default_to_a_year() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let f = FunnelFilter::parse("", "", "", "", "", today).unwrap();
        assert_eq!((f.from.as_str(), f.to.as_str()), ("2025-12", "2026-11"));
        for (from, to, vacancy) in
            [("2026-13", "", ""), ("26-01", "", ""), ("2026-05", "2026-04", ""), ("", "", "<b>")]
        {
            assert!(
                matches!(
                    FunnelFilter::parse(from, to, vacancy, "", "", today),
                    Err(AppError::Validation(_))
                ),
                "{from} {to} {vacancy}"
            );
        }
        assert!(DiversityFilter::parse("twenty", "", today).is_err());
        assert_eq!(
            DiversityFilter::parse("", " Finance ", today).unwrap().family.as_deref(),
            Some("Finance")
        );
    }

    #[test]
    fn csv_fields_cannot_start_a_formula() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("Website"), "\"Website\"");
    }
}
