//! References from outside, on both backends: HR asks for referees only from the offer stage
//! and only once; the applicant is emailed and names referees in the portal, each with a
//! recorded consent, no more than were asked for; bad input changes nothing; HR sees the
//! referees at any stage once asked, the hiring manager only from the offer, the panel never;
//! and the purge takes referees with the application.

use super::applicant::count;
use super::helpers::{Kind, TestApp};
use super::portal::{Holder, mails_to, portal_path};
use super::retention::{purge_as_of, search};
use super::selection::{Team, move_to, page, post};

async fn referees_are_named_in_the_portal(kind: Kind) {
    let app = TestApp::spawn(kind).await;
    let t = Team::new(&app).await;
    let email = "ada.quill@example.com";
    let ada = t.apply("Ada Quillfeather", email).await;
    let base = format!("/staff/candidates/{ada}");
    let request = format!("{base}/references/request");
    let receipt =
        mails_to(&app, email, 2).await.into_iter().find(|m| m.contains("/portal/open/")).unwrap();
    let holder = Holder::open(&app, &portal_path(&receipt)).await;
    let name_one = |name: &'static str, address: &'static str, consent: &'static str| {
        let (holder, ada) = (&holder, ada.clone());
        async move {
            holder
                .call(
                    "portal-referee",
                    &[
                        ("application", &ada),
                        ("referee_name", name),
                        ("referee_email", address),
                        ("relationship", "My line manager <b>2021–2024</b>"),
                        ("organisation", "Leeds Records Office"),
                        ("consent", consent),
                    ],
                )
                .await
        }
    };

    // Before the offer: not for HR to ask, not for the applicant to answer.
    assert!(post(&app, &t.hr, &request, &[("wanted", "2")]).await.ends_with("?error=not_offer"));
    let (status, _, body) = name_one("Rowan Ashdown", "rowan@example.org", "yes").await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("We have not asked for referees"), "{body}");
    let (_, html) = holder.page("/portal").await;
    assert!(!html.contains("Name a referee"));
    for step_to in ["sift", "interview", "offer"] {
        move_to(&t, &ada, step_to).await;
    }

    // The hiring manager and panel cannot ask; HR asks once, for 1 to 4.
    for who in [&t.hm, &t.panel] {
        assert_eq!(post(&app, who, &request, &[("wanted", "2")]).await, "status 403");
    }
    assert!(post(&app, &t.hr, &request, &[("wanted", "9")]).await.ends_with("?error=form"));
    let (_, html) = page(&app, &t.hr, &format!("{base}?error=form")).await;
    assert!(html.contains("Choose between 1 and 4 referees"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM applications WHERE references_requested_at IS NOT NULL")
            .await,
        0
    );
    assert!(
        post(&app, &t.hr, &request, &[("wanted", "2")])
            .await
            .ends_with("?done=references_requested#checks")
    );
    assert!(
        post(&app, &t.hr, &request, &[("wanted", "3")])
            .await
            .ends_with("?error=references_requested")
    );
    let asked = mails_to(&app, email, 3)
        .await
        .into_iter()
        .find(|m| m.contains("Your referees for"))
        .expect("the applicant is told");
    assert!(asked.contains("/portal/sign-in") && asked.contains("2 referees"), "{asked}");

    // The applicant names referees: consent required, bad input refused, nothing stored.
    let (status, _, body) = name_one("Rowan Ashdown", "rowan@example.org", "").await;
    assert_eq!(status, 422);
    assert!(body.contains("Tick the box to agree"), "{body}");
    let (status, _, body) = name_one("Rowan Ashdown", email, "yes").await;
    assert_eq!(status, 422);
    assert!(body.contains("you cannot be your own referee"), "{body}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM referees").await, 0);
    let (status, to, _) = name_one("Rowan Ashdown", "Rowan@Example.org", "yes").await;
    assert_eq!(
        (status, to.as_deref().unwrap_or_default().contains("done=referee")),
        (200, true),
        "{to:?}"
    );
    let (status, _, body) = name_one("Rowan Again", "rowan@example.org", "yes").await;
    assert_eq!(status, 422);
    assert!(body.contains("already named this referee"), "{body}");
    let (status, _, _) = name_one("Sam Birchfield", "sam@example.org", "yes").await;
    assert_eq!(status, 200);
    let (status, _, body) = name_one("Third Person", "third@example.org", "yes").await;
    assert_eq!(status, 422, "no more than asked for");
    assert!(body.contains("already named all the referees"), "{body}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM referees WHERE consent_version = 1 AND consent_at IS NOT NULL"
        )
        .await,
        2
    );
    let (_, html) = holder.page("/portal").await;
    assert!(html.contains("You have named 2") && !html.contains("Name a referee"), "{html}");

    // Who sees them: HR and, at the offer, the hiring manager; never the panel. Text, not markup.
    for (who, sees) in [(&t.hr, true), (&t.hm, true), (&t.panel, false)] {
        let (_, html) = page(&app, who, &base).await;
        assert_eq!(html.contains("rowan@example.org"), sees, "{}", who.email);
        if sees {
            assert!(html.contains("My line manager &lt;b&gt;2021–2024&lt;/b&gt;"));
        }
    }

    // Rejected, then purged six months on: the referees go with the application.
    super::retention::reject(&t, &ada).await;
    // (The journey gave reserve-list consent for 12 months, so it is kept until then.)
    let counts = purge_as_of(&app, "2028-01-01T00:00:00Z").await;
    assert_eq!(counts.applications, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM referees").await, 0);
    let hits = search(
        &app.db,
        &["rowan@example.org".into(), "birchfield".into(), "leeds records office".into()],
    )
    .await;
    assert!(hits.is_empty(), "left behind: {hits:#?}");
}

#[tokio::test]
async fn referees_are_named_in_the_portal_on_sqlite() {
    referees_are_named_in_the_portal(Kind::Sqlite).await;
}

#[tokio::test]
async fn referees_are_named_in_the_portal_on_postgres() {
    referees_are_named_in_the_portal(Kind::Postgres).await;
}
