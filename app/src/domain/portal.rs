//! The applicant portal's shared types: what an applicant sees of their own applications,
//! and the rules for what they may still do with each.
//!
//! Everything here is the applicant's own data, shown only to the holder of a portal link
//! for their address. It must never carry equal-opportunities answers (the portal does not
//! show them; the access bundle of the rights-requests work will) or anything staff wrote.

use super::ApplicationId;
use super::application::{Reference, Status};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How long a portal link works (PRODUCT §2.2: links expire; the issue asks for 7 days).
pub const LINK_DAYS: i64 = 7;

/// The reserve-list consent of one application, as the applicant sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReserveListState {
    /// When the live consent was given, if there is one.
    pub given_at: Option<DateTime<Utc>>,
    /// When the live consent ends, if there is one.
    pub expires_at: Option<DateTime<Utc>>,
}

/// One application in the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalApplication {
    /// Its id (used in the portal's forms; the portal checks it belongs to the address).
    pub id: ApplicationId,
    /// The reference the applicant was given.
    pub reference: Reference,
    /// The vacancy's title.
    pub vacancy_title: String,
    /// Sent or withdrawn.
    pub status: Status,
    /// The employer's decision, once made.
    pub decided: Option<Decided>,
    /// When it was sent.
    pub submitted_at: DateTime<Utc>,
    /// When the applicant withdrew it, if they did.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// The reserve-list consent.
    pub reserve_list: ReserveListState,
    /// The referees, once the employer has asked for them.
    pub referees: Option<super::references::PortalReferees>,
}

impl PortalApplication {
    /// Its status in plain words.
    #[must_use]
    pub fn status_words(&self) -> &'static str {
        match (self.status, self.decided) {
            (Status::Submitted, Some(d)) => d.words(),
            (status, _) => status_words(status),
        }
    }

    /// Whether the applicant may still withdraw it (not once withdrawn or decided).
    #[must_use]
    pub fn can_withdraw(&self) -> bool {
        self.status == Status::Submitted && self.decided.is_none()
    }

    /// Whether the applicant may give reserve-list consent (not after withdrawing: a
    /// withdrawn application is not considered for anything).
    #[must_use]
    pub fn can_join_reserve_list(&self) -> bool {
        self.status == Status::Submitted && self.reserve_list.given_at.is_none()
    }
}

/// A decision the employer has made on a sent application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decided {
    /// Rejected.
    Unsuccessful,
    /// The applicant turned the offer down.
    OfferDeclined,
    /// Appointed.
    Hired,
}

impl Decided {
    /// From the stored outcome.
    #[must_use]
    pub fn from_outcome(outcome: &str) -> Option<Self> {
        match outcome {
            "rejected" => Some(Self::Unsuccessful),
            "offer_declined" => Some(Self::OfferDeclined),
            "hired" => Some(Self::Hired),
            _ => None,
        }
    }

    /// In the words an applicant reads.
    #[must_use]
    pub const fn words(self) -> &'static str {
        match self {
            Self::Unsuccessful => "Unsuccessful: we will not be taking your application further",
            Self::OfferDeclined => "You turned down our offer",
            Self::Hired => "Appointed",
        }
    }
}

/// A status in the words an applicant reads.
#[must_use]
pub const fn status_words(status: Status) -> &'static str {
    match status {
        Status::Draft => "Not sent yet",
        Status::Submitted => "Received: we are considering your application",
        Status::Withdrawn => "Withdrawn by you",
    }
}

/// The person's contact details as held on their applications (the newest one's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ContactDetails {
    /// Full name.
    pub full_name: String,
    /// Preferred name, or empty.
    pub preferred_name: String,
    /// Email address.
    pub email: String,
    /// Phone number, or empty.
    pub phone: String,
    /// `email` or `phone`.
    pub contact_method: String,
}

/// Everything the portal shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalView {
    /// The employer's name.
    pub organisation: String,
    /// The person's contact details.
    pub contact: ContactDetails,
    /// Their applications, newest first.
    pub applications: Vec<PortalApplication>,
    /// The words of the reserve-list consent, as shown when it is given.
    pub reserve_list_wording: String,
    /// When this portal link stops working.
    pub link_expires_at: DateTime<Utc>,
    /// How long an application is kept after the decision (or withdrawal), in months, from
    /// configuration.
    pub retention_months: u32,
    /// Copies of their data HR released in answer to their access requests, newest first.
    pub released: Vec<ReleasedCopy>,
}

/// A copy of the person's data HR released for one access request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleasedCopy {
    /// The request's reference, like `RR-7KX2-93QF`.
    pub reference: String,
    /// When it was released.
    pub released_on: chrono::NaiveDate,
}

impl PortalView {
    /// The holder's application with this id (as it came in a path); `None` for a malformed
    /// id or one that is not theirs.
    #[must_use]
    pub fn application(&self, id: &str) -> Option<PortalApplication> {
        let id: ApplicationId = id.parse().ok()?;
        self.applications.iter().find(|a| a.id == id).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(status: Status, given: bool) -> PortalApplication {
        let at = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).unwrap_or_default();
        PortalApplication {
            id: ApplicationId::from_uuid(uuid::Uuid::nil()),
            reference: Reference::from_random(7),
            vacancy_title: "Clerk".into(),
            status,
            decided: None,
            submitted_at: at,
            withdrawn_at: None,
            reserve_list: ReserveListState {
                given_at: given.then_some(at),
                expires_at: given.then_some(at),
            },
            referees: None,
        }
    }

    #[test]
    fn only_a_sent_application_can_be_withdrawn_or_join_the_reserve_list() {
        assert!(app(Status::Submitted, false).can_withdraw());
        assert!(app(Status::Submitted, false).can_join_reserve_list());
        assert!(!app(Status::Submitted, true).can_join_reserve_list(), "already on it");
        assert!(!app(Status::Withdrawn, false).can_withdraw());
        let rejected = PortalApplication {
            decided: Some(Decided::Unsuccessful),
            ..app(Status::Submitted, false)
        };
        assert!(!rejected.can_withdraw(), "a decided application cannot be withdrawn");
        assert_eq!(
            rejected.status_words(),
            "Unsuccessful: we will not be taking your application further"
        );
        assert!(!app(Status::Withdrawn, false).can_join_reserve_list());
    }

    #[test]
    fn every_status_has_plain_words() {
        for s in [Status::Draft, Status::Submitted, Status::Withdrawn] {
            assert!(!status_words(s).is_empty());
        }
        assert_eq!(app(Status::Withdrawn, false).status_words(), "Withdrawn by you");
    }
}
