//! Staff accounts, sessions and the audit log against SQLite and PostgreSQL: session rotation,
//! sign-out, deactivation, idle and absolute timeouts (with a set clock), and the audit log's
//! append-and-read behaviour.

use super::conformance::vacancy;
use super::helpers::{Kind, TestDb};
use app::domain::{
    StaffId, VacancyId,
    access::{OrgRole, VacancyRole},
};
use chrono::{DateTime, Duration, Utc};
use server::auth::sessions::{self, Refusal, SessionPolicy};
use server::db::{
    Database,
    audit::{self, AuditEntry, Outcome},
    staff::{self, StaffRecord},
    vacancies::{self, Status},
};
use uuid::Uuid;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

const T0: &str = "2026-11-23T09:00:00Z";

fn person(email: &str, org_role: Option<OrgRole>) -> StaffRecord {
    StaffRecord {
        id: StaffId::from_uuid(Uuid::new_v4()),
        email: email.to_owned(),
        display_name: "A colleague".to_owned(),
        password_hash: None,
        org_role,
        created_at: at(T0),
        deactivated_at: None,
    }
}

async fn add(db: &Database, s: &StaffRecord) {
    let mut conn = db.acquire().await.unwrap();
    assert!(staff::insert(conn.conn(), s).await.unwrap());
}

conformance!(
    emails_are_unique_whatever_their_case,
    a_member_carries_their_roles_and_vacancy_assignments,
    signing_in_rotates_the_session,
    signing_out_ends_the_session_on_the_server,
    a_deactivated_members_live_session_is_refused_at_once,
    sessions_end_after_the_idle_timeout_unless_used,
    sessions_end_at_the_absolute_timeout_however_busy,
    only_digests_of_tokens_are_stored,
    the_audit_log_keeps_every_entry_in_order,
);

async fn emails_are_unique_whatever_their_case(db: Database) {
    add(&db, &person("HR.Lead@Example.org ", Some(OrgRole::HrAdmin))).await;
    let mut conn = db.acquire().await.unwrap();
    assert!(!staff::insert(conn.conn(), &person("hr.lead@example.org", None)).await.unwrap());
    let found = staff::by_email(conn.conn(), "  HR.LEAD@example.ORG").await.unwrap().unwrap();
    assert_eq!(found.email, "hr.lead@example.org");
    assert_eq!(found.org_role, Some(OrgRole::HrAdmin));
    assert!(staff::by_email(conn.conn(), "someone.else@example.org").await.unwrap().is_none());
}

async fn a_member_carries_their_roles_and_vacancy_assignments(db: Database) {
    let hm = person("manager@example.org", None);
    add(&db, &hm).await;
    let v = vacancy("Analyst", Status::Published, "2026-12-31T23:59:00Z");
    let w = vacancy("Clerk", Status::Published, "2026-12-31T23:59:00Z");
    let mut conn = db.acquire().await.unwrap();
    for rec in [&v, &w] {
        assert!(vacancies::insert(conn.conn(), rec).await.unwrap());
    }
    let (v, w) = (VacancyId::from_uuid(v.id), VacancyId::from_uuid(w.id));
    staff::assign(conn.conn(), hm.id, v, VacancyRole::PanelMember).await.unwrap();
    staff::assign(conn.conn(), hm.id, v, VacancyRole::HiringManager).await.unwrap();
    staff::assign(conn.conn(), hm.id, w, VacancyRole::PanelMember).await.unwrap();
    let m = staff::member(conn.conn(), hm.id).await.unwrap().unwrap();
    assert_eq!(m.org_role, None);
    assert_eq!(m.vacancies.get(&v), Some(&VacancyRole::HiringManager), "re-assigning replaces");
    assert_eq!(m.vacancies.get(&w), Some(&VacancyRole::PanelMember));
    staff::unassign(conn.conn(), hm.id, w).await.unwrap();
    let m = staff::member(conn.conn(), hm.id).await.unwrap().unwrap();
    assert_eq!(m.vacancies.len(), 1);
    // An unknown vacancy cannot be assigned.
    let ghost = VacancyId::from_uuid(Uuid::new_v4());
    assert!(staff::assign(conn.conn(), hm.id, ghost, VacancyRole::PanelMember).await.is_err());
    assert!(
        staff::member(conn.conn(), StaffId::from_uuid(Uuid::new_v4())).await.unwrap().is_none()
    );
}

async fn signing_in_rotates_the_session(db: Database) {
    let hr = person("hr@example.org", Some(OrgRole::Hr));
    add(&db, &hr).await;
    let policy = SessionPolicy::default();
    let first = sessions::start(&db, hr.id, None, at(T0)).await.unwrap();
    let second = sessions::start(&db, hr.id, Some(first.expose()), at(T0)).await.unwrap();
    assert_ne!(first, second);
    assert!(first.expose().len() >= 43, "at least 256 bits, base64url");
    assert_eq!(
        sessions::resolve(&db, first.expose(), policy, at(T0)).await.unwrap(),
        Err(Refusal::Unknown),
        "the pre-sign-in session is gone"
    );
    let member = sessions::resolve(&db, second.expose(), policy, at(T0)).await.unwrap().unwrap();
    assert_eq!(member.id, hr.id);
}

async fn signing_out_ends_the_session_on_the_server(db: Database) {
    let hr = person("hr@example.org", Some(OrgRole::Hr));
    add(&db, &hr).await;
    let token = sessions::start(&db, hr.id, None, at(T0)).await.unwrap();
    let other_device = sessions::start(&db, hr.id, None, at(T0)).await.unwrap();
    sessions::end(&db, token.expose()).await.unwrap();
    let policy = SessionPolicy::default();
    assert_eq!(
        sessions::resolve(&db, token.expose(), policy, at(T0)).await.unwrap(),
        Err(Refusal::Unknown)
    );
    assert!(sessions::resolve(&db, other_device.expose(), policy, at(T0)).await.unwrap().is_ok());
    // Signing out twice, or with garbage, is harmless.
    sessions::end(&db, token.expose()).await.unwrap();
    sessions::end(&db, "not a token").await.unwrap();
}

async fn a_deactivated_members_live_session_is_refused_at_once(db: Database) {
    let hm = person("manager@example.org", None);
    add(&db, &hm).await;
    let policy = SessionPolicy::default();
    let laptop = sessions::start(&db, hm.id, None, at(T0)).await.unwrap();
    let phone = sessions::start(&db, hm.id, None, at(T0)).await.unwrap();
    assert!(sessions::resolve(&db, laptop.expose(), policy, at(T0)).await.unwrap().is_ok());
    assert!(sessions::deactivate(&db, hm.id, at(T0)).await.unwrap());
    for token in [&laptop, &phone] {
        assert_eq!(
            sessions::resolve(&db, token.expose(), policy, at(T0)).await.unwrap(),
            Err(Refusal::Unknown),
            "every session ended with the deactivation"
        );
    }
    // A session started by some other path after deactivation still resolves to nobody.
    let late = sessions::start(&db, hm.id, None, at(T0)).await.unwrap();
    assert_eq!(
        sessions::resolve(&db, late.expose(), policy, at(T0)).await.unwrap(),
        Err(Refusal::Deactivated)
    );
    let mut conn = db.acquire().await.unwrap();
    assert!(!staff::set_password_hash(conn.conn(), hm.id, "$argon2id$x").await.unwrap());
}

async fn sessions_end_after_the_idle_timeout_unless_used(db: Database) {
    let hr = person("hr@example.org", Some(OrgRole::Hr));
    add(&db, &hr).await;
    let policy = SessionPolicy::default();
    let t = sessions::start(&db, hr.id, None, at(T0)).await.unwrap();
    // Used every 29 minutes for two hours: stays alive.
    let mut now = at(T0);
    for _ in 0..4 {
        now += Duration::minutes(29);
        assert!(sessions::resolve(&db, t.expose(), policy, now).await.unwrap().is_ok(), "{now}");
    }
    // Then 30 minutes of silence ends it, and it stays ended.
    now += Duration::minutes(30);
    assert_eq!(sessions::resolve(&db, t.expose(), policy, now).await.unwrap(), Err(Refusal::Idle));
    assert_eq!(
        sessions::resolve(&db, t.expose(), policy, now).await.unwrap(),
        Err(Refusal::Unknown)
    );
}

async fn sessions_end_at_the_absolute_timeout_however_busy(db: Database) {
    let hr = person("hr@example.org", Some(OrgRole::Hr));
    add(&db, &hr).await;
    let policy = SessionPolicy::default();
    let t = sessions::start(&db, hr.id, None, at(T0)).await.unwrap();
    let mut now = at(T0);
    while now < at(T0) + Duration::hours(12) - Duration::minutes(20) {
        now += Duration::minutes(20);
        assert!(sessions::resolve(&db, t.expose(), policy, now).await.unwrap().is_ok(), "{now}");
    }
    let deadline = at(T0) + Duration::hours(12);
    assert_eq!(
        sessions::resolve(&db, t.expose(), policy, deadline).await.unwrap(),
        Err(Refusal::Expired)
    );
}

async fn only_digests_of_tokens_are_stored(db: Database) {
    let hr = person("hr@example.org", Some(OrgRole::Hr));
    add(&db, &hr).await;
    let t = sessions::start(&db, hr.id, None, at(T0)).await.unwrap();
    let mut conn = db.acquire().await.unwrap();
    let stored: Vec<Vec<u8>> = match conn.conn() {
        server::db::Conn::Sqlite(c) => sqlx::query_scalar("SELECT token_hash FROM staff_sessions")
            .fetch_all(&mut *c)
            .await
            .unwrap(),
        server::db::Conn::Postgres(c) => {
            sqlx::query_scalar("SELECT token_hash FROM staff_sessions")
                .fetch_all(&mut *c)
                .await
                .unwrap()
        }
    };
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].len(), 32);
    assert_ne!(stored[0], t.expose().as_bytes());
    assert!(!String::from_utf8_lossy(&stored[0]).contains(t.expose()));
}

async fn the_audit_log_keeps_every_entry_in_order(db: Database) {
    let admin = person("admin@example.org", Some(OrgRole::HrAdmin));
    add(&db, &admin).await;
    let vacancy = VacancyId::from_uuid(Uuid::new_v4());
    let entries = [
        AuditEntry {
            at: at(T0),
            actor: None,
            action: "staff.sign_in",
            object_type: Some("staff"),
            object_id: Some(admin.id.as_uuid()),
            vacancy: None,
            client_addr: Some("192.0.2.10".into()),
            outcome: Outcome::Refused,
        },
        AuditEntry {
            at: at(T0) + Duration::seconds(5),
            actor: Some(admin.id),
            action: "staff.sign_in",
            object_type: Some("staff"),
            object_id: Some(admin.id.as_uuid()),
            vacancy: None,
            client_addr: Some("192.0.2.10".into()),
            outcome: Outcome::Ok,
        },
        AuditEntry {
            at: at(T0) + Duration::seconds(9),
            actor: Some(admin.id),
            action: "vacancy.view",
            object_type: Some("vacancy"),
            object_id: Some(vacancy.as_uuid()),
            vacancy: Some(vacancy),
            client_addr: None,
            outcome: Outcome::Ok,
        },
    ];
    let mut conn = db.acquire().await.unwrap();
    for e in &entries {
        audit::append(conn.conn(), e).await.unwrap();
    }
    let all = audit::recent(conn.conn(), None, 10).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].action, "vacancy.view", "newest first");
    assert_eq!(all[0].vacancy, Some(vacancy));
    assert_eq!(all[2].outcome, Outcome::Refused);
    assert_eq!(all[2].actor, None);
    assert_eq!(all[2].client_addr.as_deref(), Some("192.0.2.10"));
    assert!(all[0].id > all[1].id && all[1].id > all[2].id);
    let mine = audit::recent(conn.conn(), Some(admin.id), 10).await.unwrap();
    assert_eq!(mine.len(), 2);
    assert_eq!(audit::recent(conn.conn(), None, 1).await.unwrap().len(), 1);
}
