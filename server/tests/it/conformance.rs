//! The store conformance suite: every test here runs against SQLite and PostgreSQL, and both
//! must behave identically. Test names show the backend (`conformance::postgres::…`).

use super::helpers::{Kind, TestDb};
use app::domain::VacancyId;
use chrono::{DateTime, Duration, Utc};
use server::db::{
    Database,
    keys::{self, KeyState},
    vacancies::{self, Status, VacancyRecord},
};
use uuid::Uuid;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

pub fn vacancy(title: &str, status: Status, closes_at: &str) -> VacancyRecord {
    let now = at("2026-11-01T09:00:00Z");
    VacancyRecord {
        id: Uuid::new_v4(),
        title: title.to_owned(),
        team: "Finance".to_owned(),
        location: "Leeds".to_owned(),
        salary_min: 30_000,
        salary_max: 35_000,
        summary: "A summary.".to_owned(),
        description: "First paragraph.\n\nSecond paragraph.".to_owned(),
        posts: 1,
        status,
        closes_at: at(closes_at),
        published_at: (status != Status::Draft).then_some(now),
        created_at: now,
    }
}

async fn insert(db: &Database, v: &VacancyRecord) {
    let mut tx = db.begin().await.unwrap();
    assert!(vacancies::insert(tx.conn(), v).await.unwrap());
    tx.commit().await.unwrap();
}

conformance!(
    migrations_are_idempotent,
    careers_list_shows_only_published_vacancies_still_open_closing_soonest_first,
    a_vacancy_leaves_the_list_at_its_closing_instant,
    vacancy_pages_show_advertised_vacancies_and_hide_drafts_and_unknown_ids,
    inserting_the_same_vacancy_twice_changes_nothing,
    the_schema_refuses_impossible_vacancies,
    text_is_stored_exactly_as_given,
    data_keys_are_created_once_and_destroyed_for_good,
    transactions_roll_back_when_not_committed,
);

async fn migrations_are_idempotent(db: Database) {
    db.migrate().await.unwrap();
    db.migrate().await.unwrap();
    db.ping().await.unwrap();
}

async fn careers_list_shows_only_published_vacancies_still_open_closing_soonest_first(
    db: Database,
) {
    insert(&db, &vacancy("Later", Status::Published, "2026-12-20T23:59:00Z")).await;
    insert(&db, &vacancy("Sooner", Status::Published, "2026-12-01T12:00:00Z")).await;
    insert(&db, &vacancy("Draft", Status::Draft, "2026-12-10T12:00:00Z")).await;
    insert(&db, &vacancy("Closed by HR", Status::Closed, "2026-12-10T12:00:00Z")).await;
    insert(&db, &vacancy("Past", Status::Published, "2026-11-01T12:00:00Z")).await;
    let mut conn = db.acquire().await.unwrap();
    let open = vacancies::open_at(conn.conn(), at("2026-11-23T09:00:00Z")).await.unwrap();
    let titles: Vec<_> = open.iter().map(|v| v.title.as_str()).collect();
    assert_eq!(titles, ["Sooner", "Later"]);
    assert_eq!(open[0].salary.describe(), "£30,000 to £35,000 a year");
}

async fn a_vacancy_leaves_the_list_at_its_closing_instant(db: Database) {
    let v = vacancy("Edge", Status::Published, "2026-12-01T12:00:00Z");
    insert(&db, &v).await;
    let mut conn = db.acquire().await.unwrap();
    let just_before = v.closes_at - Duration::milliseconds(1);
    assert_eq!(vacancies::open_at(conn.conn(), just_before).await.unwrap().len(), 1);
    assert!(vacancies::open_at(conn.conn(), v.closes_at).await.unwrap().is_empty());
    let detail =
        vacancies::advertised(conn.conn(), VacancyId::from_uuid(v.id), v.closes_at, notice())
            .await
            .unwrap();
    assert!(!detail.unwrap().open_for_applications, "closed vacancy still open for applications");
}

async fn vacancy_pages_show_advertised_vacancies_and_hide_drafts_and_unknown_ids(db: Database) {
    let published = vacancy("Published", Status::Published, "2026-12-01T12:00:00Z");
    let draft = vacancy("Draft", Status::Draft, "2026-12-01T12:00:00Z");
    let closed = vacancy("Closed", Status::Closed, "2026-12-01T12:00:00Z");
    for v in [&published, &draft, &closed] {
        insert(&db, v).await;
    }
    let now = at("2026-11-23T09:00:00Z");
    let mut conn = db.acquire().await.unwrap();
    let get = |id: Uuid| VacancyId::from_uuid(id);
    let p = vacancies::advertised(conn.conn(), get(published.id), now, notice())
        .await
        .unwrap()
        .unwrap();
    assert!(p.open_for_applications);
    assert_eq!(p.paragraphs(), ["First paragraph.", "Second paragraph."]);
    assert!(
        vacancies::advertised(conn.conn(), get(draft.id), now, notice()).await.unwrap().is_none()
    );
    assert!(
        vacancies::advertised(conn.conn(), get(Uuid::new_v4()), now, notice())
            .await
            .unwrap()
            .is_none()
    );
    let c =
        vacancies::advertised(conn.conn(), get(closed.id), now, notice()).await.unwrap().unwrap();
    assert!(!c.open_for_applications, "a vacancy closed by HR takes no applications");
}

async fn inserting_the_same_vacancy_twice_changes_nothing(db: Database) {
    let now = at("2026-11-23T09:00:00Z");
    assert_eq!(server::seed::seed_demo(&db, now).await.unwrap(), 3);
    assert_eq!(server::seed::seed_demo(&db, now + Duration::days(1)).await.unwrap(), 0);
    let mut conn = db.acquire().await.unwrap();
    assert_eq!(vacancies::count(conn.conn()).await.unwrap(), 3);
    assert_eq!(vacancies::open_at(conn.conn(), now).await.unwrap().len(), 3);
}

async fn the_schema_refuses_impossible_vacancies(db: Database) {
    let mut bad = vacancy("Upside down pay", Status::Published, "2026-12-01T12:00:00Z");
    bad.salary_max = bad.salary_min - 1;
    let mut unpublished =
        vacancy("Published without a date", Status::Published, "2026-12-01T12:00:00Z");
    unpublished.published_at = None;
    let mut untitled = vacancy("", Status::Draft, "2026-12-01T12:00:00Z");
    untitled.title = String::new();
    for v in [bad, unpublished, untitled] {
        let mut tx = db.begin().await.unwrap();
        assert!(vacancies::insert(tx.conn(), &v).await.is_err(), "accepted {:?}", v.title);
    }
    let mut conn = db.acquire().await.unwrap();
    assert_eq!(vacancies::count(conn.conn()).await.unwrap(), 0);
}

async fn text_is_stored_exactly_as_given(db: Database) {
    let mut v = vacancy(
        "<script>alert('x')</script> & “Quotes” — Café",
        Status::Published,
        "2026-12-01T12:00:00Z",
    );
    v.summary = "Line one\nline two, with emoji 🦀 and 'single' \"double\" quotes".to_owned();
    insert(&db, &v).await;
    let mut conn = db.acquire().await.unwrap();
    let open = vacancies::open_at(conn.conn(), at("2026-11-23T09:00:00Z")).await.unwrap();
    assert_eq!(open[0].title, v.title);
    assert_eq!(open[0].summary, v.summary);
}

async fn data_keys_are_created_once_and_destroyed_for_good(db: Database) {
    let app = Uuid::new_v4();
    let mut conn = db.acquire().await.unwrap();
    assert_eq!(keys::state(conn.conn(), app).await.unwrap(), KeyState::Missing);
    assert!(keys::insert_if_absent(conn.conn(), app, b"first").await.unwrap(), "stored");
    assert!(!keys::insert_if_absent(conn.conn(), app, b"second").await.unwrap(), "kept the first");
    assert_eq!(keys::state(conn.conn(), app).await.unwrap(), KeyState::Live(b"first".to_vec()));
    keys::destroy(conn.conn(), app, at("2026-11-23T09:00:00Z")).await.unwrap();
    keys::destroy(conn.conn(), app, at("2026-11-24T09:00:00Z")).await.unwrap();
    assert_eq!(keys::state(conn.conn(), app).await.unwrap(), KeyState::Destroyed);
    // A destroyed key can never be replaced by a fresh one.
    assert!(!keys::insert_if_absent(conn.conn(), app, b"third").await.unwrap());
    assert_eq!(keys::state(conn.conn(), app).await.unwrap(), KeyState::Destroyed);
    // Destroying a key that never existed also blocks creating one later.
    let never = Uuid::new_v4();
    keys::destroy(conn.conn(), never, at("2026-11-23T09:00:00Z")).await.unwrap();
    assert!(!keys::insert_if_absent(conn.conn(), never, b"late").await.unwrap());
    assert_eq!(keys::state(conn.conn(), never).await.unwrap(), KeyState::Destroyed);
}

async fn transactions_roll_back_when_not_committed(db: Database) {
    {
        let mut tx = db.begin().await.unwrap();
        let v = vacancy("Never committed", Status::Published, "2026-12-01T12:00:00Z");
        assert!(vacancies::insert(tx.conn(), &v).await.unwrap());
        // Dropped without commit.
    }
    let mut conn = db.acquire().await.unwrap();
    assert_eq!(vacancies::count(conn.conn()).await.unwrap(), 0);
}

/// A privacy notice for reads that need one (its content is the careers adapter's concern).
fn notice() -> app::domain::vacancy::PrivacyNotice {
    app::domain::vacancy::PrivacyNotice {
        organisation: "Shortlist demo employer".into(),
        custom: None,
        retention_months: 6,
        reserve_list_months: 12,
    }
}
