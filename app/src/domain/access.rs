//! Who may do what: the one place that answers "may this person do this action on this
//! object". Every server function and staff handler asks [`authorise`] before it does
//! anything else, and lists only what [`Actor::vacancy_scope`] allows.
//!
//! Pure: the caller builds the [`Actor`] from the server-side session (never from anything the
//! browser sends) and the facts the rule needs (such as whether a candidate is at offer stage).
//! This module must never read a database or trust a role claimed by a request.
//!
//! The rules follow PRODUCT §1 and §3.1: HR sees every vacancy; hiring managers and panel
//! members see only the vacancies they are assigned to; reasonable adjustments and
//! pre-employment checks are for HR alone; references reach the hiring manager only at offer
//! stage; the auditor sees reports and logs but never a candidate record; nobody sees an
//! individual's equal-opportunities answers, so there is no action for that at all.

use super::{StaffId, VacancyId};
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An organisation-wide role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgRole {
    /// Runs recruitment and administers Shortlist: staff accounts, settings, the audit log.
    HrAdmin,
    /// Runs recruitment: vacancies, candidates, checks, retention, rights requests, reports.
    Hr,
    /// Reads reports, purge logs, the rights register and the audit log; no candidate record.
    Auditor,
}

impl OrgRole {
    /// The name stored in the database.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::HrAdmin => "hr_admin",
            Self::Hr => "hr",
            Self::Auditor => "auditor",
        }
    }

    /// Reads a stored name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        [Self::HrAdmin, Self::Hr, Self::Auditor].into_iter().find(|r| r.as_str() == s)
    }
}

/// A role on one vacancy, assigned by HR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VacancyRole {
    /// Runs the vacancy's selection: everything a panel member does, plus stage moves,
    /// rejections and offers.
    HiringManager,
    /// Reads and scores the vacancy's applications.
    PanelMember,
}

impl VacancyRole {
    /// The name stored in the database.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::HiringManager => "hiring_manager",
            Self::PanelMember => "panel_member",
        }
    }

    /// Reads a stored name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        [Self::HiringManager, Self::PanelMember].into_iter().find(|r| r.as_str() == s)
    }
}

/// A signed-in, active staff member, as the server's session store describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    /// Their account.
    pub id: StaffId,
    /// Their name as colleagues see it.
    pub display_name: String,
    /// Their organisation-wide role, if any.
    pub org_role: Option<OrgRole>,
    /// Their role on each vacancy they are assigned to.
    pub vacancies: BTreeMap<VacancyId, VacancyRole>,
}

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// Nobody signed in (applicants and referees prove themselves with links, not accounts).
    SignedOut,
    /// A staff member with a live session.
    Staff(StaffMember),
}

/// Which second-factor step a part-signed-in person still has to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PendingStage {
    /// Enter a code from their authenticator app (or a recovery code).
    Verify,
    /// Enrol an authenticator app (the organisation requires one and they have none).
    Enrol,
}

/// Someone who has given a correct password but not yet their second factor. They are not
/// signed in: this grants nothing but the pages that finish signing in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingSignIn {
    /// Whose password it was.
    pub staff: StaffId,
    /// What is left to do.
    pub stage: PendingStage,
}

/// Which vacancies a staff member may list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VacancyScope {
    /// None.
    Nothing,
    /// Every vacancy (HR, and the auditor for vacancy facts without candidates).
    All,
    /// Only these.
    Assigned(Vec<VacancyId>),
}

/// Something a staff member may try to do. Actions on a vacancy's candidates name the vacancy
/// the candidate belongs to, as stored — never as claimed by the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Invite staff, change roles and vacancy assignments, deactivate accounts.
    ManageStaff,
    /// Change organisation settings (retention periods, privacy notice, reasons, sources).
    ManageSettings,
    /// Browse the audit log.
    ViewAuditLog,
    /// Download the audit log as CSV.
    ExportAuditLog,
    /// Create, edit, publish and close vacancies; assign hiring managers and panels; see reserve
    /// lists and the candidates on them who match a vacancy, and invite them to apply.
    ManageVacancies,
    /// See a vacancy's set-up (not its candidates).
    ViewVacancy(VacancyId),
    /// See a vacancy's candidates: identity (outside a name-blind sift), answers, CV, scores,
    /// notes, stage history.
    ViewCandidates(VacancyId),
    /// Score a vacancy's candidates and write notes.
    ScoreCandidates(VacancyId),
    /// Move a vacancy's candidates between stages, reject, make offers, moderate scores.
    DecideCandidates(VacancyId),
    /// Reveal a candidate's identity before they pass a name-blind sift (with a reason).
    RevealIdentityEarly(VacancyId),
    /// See reasonable-adjustment requests.
    ViewAdjustments(VacancyId),
    /// Record right-to-work and DBS checks; hand hires over.
    ManageChecks(VacancyId),
    /// Request and read references. `at_offer_stage` is the candidate's stage, as stored.
    ViewReferences {
        /// The candidate's vacancy.
        vacancy: VacancyId,
        /// Whether the candidate has reached the offer stage.
        at_offer_stage: bool,
    },
    /// Legal holds, retention overrides, on-demand purges.
    ManageRetention,
    /// Read the purge log and what is due for deletion.
    ViewRetention,
    /// Log and handle rights requests, release access bundles.
    ManageRightsRequests,
    /// Read the rights-request register.
    ViewRightsRegister,
    /// Run anonymised reports.
    RunReports,
}

impl Actor {
    /// The vacancies this actor may list.
    #[must_use]
    pub fn vacancy_scope(&self) -> VacancyScope {
        match self {
            Self::SignedOut => VacancyScope::Nothing,
            Self::Staff(s) if s.org_role.is_some() => VacancyScope::All,
            Self::Staff(s) if s.vacancies.is_empty() => VacancyScope::Nothing,
            Self::Staff(s) => VacancyScope::Assigned(s.vacancies.keys().copied().collect()),
        }
    }
}

/// The signed-in staff member, for staff pages that any staff member may open (their own
/// home page, sign-out).
///
/// # Errors
/// [`AppError::SignInRequired`] when nobody is signed in.
pub fn signed_in(actor: &Actor) -> Result<&StaffMember, AppError> {
    match actor {
        Actor::Staff(s) => Ok(s),
        Actor::SignedOut => Err(AppError::SignInRequired),
    }
}

/// Decides whether `actor` may do `action`.
///
/// # Errors
/// [`AppError::SignInRequired`] when nobody is signed in; [`AppError::NotFound`] when the
/// action concerns a vacancy the staff member is not assigned to (so its existence is not
/// confirmed); [`AppError::Forbidden`] otherwise.
pub fn authorise(actor: &Actor, action: Action) -> Result<(), AppError> {
    let Actor::Staff(staff) = actor else {
        return Err(AppError::SignInRequired);
    };
    if allowed(staff, action) {
        return Ok(());
    }
    match vacancy_of(action) {
        Some(v) if staff.org_role.is_none() && !staff.vacancies.contains_key(&v) => {
            Err(AppError::NotFound)
        }
        _ => Err(AppError::Forbidden),
    }
}

fn vacancy_of(action: Action) -> Option<VacancyId> {
    use Action as A;
    match action {
        A::ViewVacancy(v)
        | A::ViewCandidates(v)
        | A::ScoreCandidates(v)
        | A::DecideCandidates(v)
        | A::RevealIdentityEarly(v)
        | A::ViewAdjustments(v)
        | A::ManageChecks(v)
        | A::ViewReferences { vacancy: v, .. } => Some(v),
        A::ManageStaff
        | A::ManageSettings
        | A::ViewAuditLog
        | A::ExportAuditLog
        | A::ManageVacancies
        | A::ManageRetention
        | A::ViewRetention
        | A::ManageRightsRequests
        | A::ViewRightsRegister
        | A::RunReports => None,
    }
}

fn allowed(staff: &StaffMember, action: Action) -> bool {
    use Action as A;
    use OrgRole::{Auditor, Hr, HrAdmin};
    let on = |v: VacancyId| staff.vacancies.get(&v).copied();
    match staff.org_role {
        Some(HrAdmin) => true,
        Some(Hr) => !matches!(
            action,
            A::ManageStaff | A::ManageSettings | A::ViewAuditLog | A::ExportAuditLog
        ),
        Some(Auditor) => matches!(
            action,
            A::ViewAuditLog
                | A::ExportAuditLog
                | A::ViewRetention
                | A::ViewRightsRegister
                | A::RunReports
                | A::ViewVacancy(_)
        ),
        None => match action {
            A::ViewVacancy(v) | A::ViewCandidates(v) | A::ScoreCandidates(v) => on(v).is_some(),
            A::DecideCandidates(v) => on(v) == Some(VacancyRole::HiringManager),
            A::ViewReferences { vacancy, at_offer_stage } => {
                at_offer_stage && on(vacancy) == Some(VacancyRole::HiringManager)
            }
            // Selectors have no organisation-wide power and none of HR's vacancy powers. A new
            // action is denied to them until granted above; the table test makes every new
            // action get a row, so that choice is always made on purpose.
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    const V: VacancyId = VacancyId::from_uuid(Uuid::from_u128(1));
    const W: VacancyId = VacancyId::from_uuid(Uuid::from_u128(2));

    fn staff(org_role: Option<OrgRole>, on: &[(VacancyId, VacancyRole)]) -> Actor {
        Actor::Staff(StaffMember {
            id: StaffId::from_uuid(Uuid::from_u128(99)),
            display_name: "A colleague".to_owned(),
            org_role,
            vacancies: on.iter().copied().collect(),
        })
    }

    /// The columns of the table below, in order.
    fn actors() -> Vec<(&'static str, Actor)> {
        vec![
            ("signed out", Actor::SignedOut),
            ("hr_admin", staff(Some(OrgRole::HrAdmin), &[])),
            ("hr", staff(Some(OrgRole::Hr), &[])),
            ("auditor", staff(Some(OrgRole::Auditor), &[])),
            ("hiring manager of V", staff(None, &[(V, VacancyRole::HiringManager)])),
            ("panel member of V", staff(None, &[(V, VacancyRole::PanelMember)])),
            ("hiring manager of W only", staff(None, &[(W, VacancyRole::HiringManager)])),
            ("staff with no role", staff(None, &[])),
        ]
    }

    /// Every action, each on vacancy V. The exhaustive match makes a new action a compile
    /// error here until it has a row in the table.
    fn row(action: Action) -> &'static str {
        // Columns: signed out, hr_admin, hr, auditor, HM of V, panel of V, HM of W, no role.
        // Y = allowed, s = sign in required, F = forbidden, N = not found (not assigned).
        match action {
            Action::ManageStaff => "sYFFFFFF",
            Action::ManageSettings => "sYFFFFFF",
            Action::ViewAuditLog => "sYFYFFFF",
            Action::ExportAuditLog => "sYFYFFFF",
            Action::ManageVacancies => "sYYFFFFF",
            Action::ViewVacancy(_) => "sYYYYYNN",
            Action::ViewCandidates(_) => "sYYFYYNN",
            Action::ScoreCandidates(_) => "sYYFYYNN",
            Action::DecideCandidates(_) => "sYYFYFNN",
            Action::RevealIdentityEarly(_) => "sYYFFFNN",
            Action::ViewAdjustments(_) => "sYYFFFNN",
            Action::ManageChecks(_) => "sYYFFFNN",
            Action::ViewReferences { at_offer_stage: true, .. } => "sYYFYFNN",
            Action::ViewReferences { at_offer_stage: false, .. } => "sYYFFFNN",
            Action::ManageRetention => "sYYFFFFF",
            Action::ViewRetention => "sYYYFFFF",
            Action::ManageRightsRequests => "sYYFFFFF",
            Action::ViewRightsRegister => "sYYYFFFF",
            Action::RunReports => "sYYYFFFF",
        }
    }

    fn every_action() -> Vec<Action> {
        vec![
            Action::ManageStaff,
            Action::ManageSettings,
            Action::ViewAuditLog,
            Action::ExportAuditLog,
            Action::ManageVacancies,
            Action::ViewVacancy(V),
            Action::ViewCandidates(V),
            Action::ScoreCandidates(V),
            Action::DecideCandidates(V),
            Action::RevealIdentityEarly(V),
            Action::ViewAdjustments(V),
            Action::ManageChecks(V),
            Action::ViewReferences { vacancy: V, at_offer_stage: true },
            Action::ViewReferences { vacancy: V, at_offer_stage: false },
            Action::ManageRetention,
            Action::ViewRetention,
            Action::ManageRightsRequests,
            Action::ViewRightsRegister,
            Action::RunReports,
        ]
    }

    #[test]
    fn every_action_for_every_kind_of_actor_matches_the_table() {
        let actors = actors();
        let mut wrong = Vec::new();
        for action in every_action() {
            let expected = row(action);
            assert_eq!(expected.len(), actors.len(), "{action:?}: one letter per actor");
            for ((who, actor), want) in actors.iter().zip(expected.chars()) {
                let got = match authorise(actor, action) {
                    Ok(()) => 'Y',
                    Err(AppError::SignInRequired) => 's',
                    Err(AppError::Forbidden) => 'F',
                    Err(AppError::NotFound) => 'N',
                    Err(other) => panic!("unexpected {other:?}"),
                };
                if got != want {
                    wrong.push(format!("{action:?} by {who}: expected {want}, got {got}"));
                }
            }
        }
        assert!(wrong.is_empty(), "authorisation differs from the table:\n{}", wrong.join("\n"));
    }

    #[test]
    fn assignment_to_one_vacancy_grants_nothing_on_another() {
        let hm = staff(None, &[(V, VacancyRole::HiringManager)]);
        for action in every_action() {
            let on_w = match action {
                Action::ViewVacancy(_) => Action::ViewVacancy(W),
                Action::ViewCandidates(_) => Action::ViewCandidates(W),
                Action::ScoreCandidates(_) => Action::ScoreCandidates(W),
                Action::DecideCandidates(_) => Action::DecideCandidates(W),
                Action::ViewReferences { at_offer_stage, .. } => {
                    Action::ViewReferences { vacancy: W, at_offer_stage }
                }
                other => other,
            };
            if vacancy_of(on_w) == Some(W) {
                assert_eq!(authorise(&hm, on_w), Err(AppError::NotFound), "{on_w:?}");
            }
        }
    }

    #[test]
    fn scope_lists_only_assigned_vacancies_for_selectors() {
        assert_eq!(Actor::SignedOut.vacancy_scope(), VacancyScope::Nothing);
        assert_eq!(staff(Some(OrgRole::Hr), &[]).vacancy_scope(), VacancyScope::All);
        assert_eq!(staff(None, &[]).vacancy_scope(), VacancyScope::Nothing);
        assert_eq!(
            staff(None, &[(W, VacancyRole::PanelMember), (V, VacancyRole::HiringManager)])
                .vacancy_scope(),
            VacancyScope::Assigned(vec![V, W])
        );
    }

    #[test]
    fn role_names_round_trip() {
        for r in [OrgRole::HrAdmin, OrgRole::Hr, OrgRole::Auditor] {
            assert_eq!(OrgRole::parse(r.as_str()), Some(r));
        }
        for r in [VacancyRole::HiringManager, VacancyRole::PanelMember] {
            assert_eq!(VacancyRole::parse(r.as_str()), Some(r));
        }
        assert_eq!(OrgRole::parse("HR_ADMIN"), None);
        assert_eq!(VacancyRole::parse("owner"), None);
    }
}
