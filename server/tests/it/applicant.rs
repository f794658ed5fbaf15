//! A simulated applicant for the integration tests: an open vacancy to apply to, the
//! journey's server functions called as the browser calls them (with JavaScript on), uploads,
//! and a look into the database to prove what was and was not stored. Shared by the
//! journey, portal and vacancy tests.

use super::applying::EO_MARKER;
use super::helpers::TestApp;
use app::error::AppError;
use server::db::{
    applications, on_conn,
    vacancies::{self, Status},
};
use uuid::Uuid;

/// A small real PDF (one blank page), as a browser would upload it.
pub(super) const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n\
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n\
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n\
trailer<</Root 1 0 R>>\n%%EOF\n";

/// An open vacancy with two criteria; returns its id.
pub(super) async fn open_vacancy(app: &TestApp, closes_at: &str) -> Uuid {
    let rec = super::conformance::vacancy("Payroll Officer", Status::Published, closes_at);
    let mut conn = app.db.acquire().await.unwrap();
    vacancies::insert(conn.conn(), &rec).await.unwrap();
    applications::set_criteria(
        conn.conn(),
        rec.id,
        &[("Experience of payroll".into(), 2, 50), ("Attention to detail".into(), 1, 60)],
    )
    .await
    .unwrap();
    rec.id
}

/// A page of the journey: the server function, its fields, and the page it leads to.
type Page<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);

/// What a server function answered.
#[derive(Debug)]
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) location: Option<String>,
    pub(super) body: String,
}

impl Answer {
    pub(super) fn error(&self) -> Option<AppError> {
        serde_json::from_str(&self.body).ok()
    }

    pub(super) fn fields(&self) -> Vec<String> {
        match self.error() {
            Some(AppError::Validation(list)) => list.into_iter().map(|f| f.field).collect(),
            other => panic!("expected a validation error, got {other:?} ({})", self.body),
        }
    }
}

/// One applicant: a browser with the draft's cookie.
pub(super) struct Applicant<'a> {
    pub(super) app: &'a TestApp,
    pub(super) id: String,
    pub(super) cookie: String,
}

pub(super) fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub(super) fn form(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

impl<'a> Applicant<'a> {
    /// Starts a draft for `vacancy` as the browser does with JavaScript on.
    pub(super) async fn start(app: &'a TestApp, vacancy: Uuid) -> Self {
        let res = app.post("/api/apply-start", &format!("vacancy={vacancy}")).await;
        assert_eq!(res.status(), 200, "{:?}", res.text().await);
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        let cookie = cookie.split(';').next().unwrap().to_owned();
        let id = location.trim_start_matches("/apply/").trim_end_matches("/about-you").to_owned();
        Self { app, id, cookie }
    }

    /// Calls a server function as the browser does with JavaScript on.
    pub(super) async fn call(&self, endpoint: &str, pairs: &[(&str, &str)]) -> Answer {
        let mut all = vec![("application", self.id.as_str())];
        all.extend_from_slice(pairs);
        self.raw(endpoint, &form(&all), "application/json").await
    }

    pub(super) async fn raw(&self, endpoint: &str, body: &str, accept: &str) -> Answer {
        let res = self
            .app
            .client
            .post(format!("{}/api/{endpoint}", self.app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", accept)
            .header("origin", &self.app.base)
            .header("cookie", &self.cookie)
            // As a browser does for a same-origin form post (Referrer-Policy: same-origin);
            // without JavaScript, a refused form is sent back to this page.
            .header("referer", format!("{}/apply/{}/about-you", self.app.base, self.id))
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
        Answer { status, location, body: res.text().await.unwrap() }
    }

    /// Uploads a CV and statement as a multipart form.
    pub(super) async fn upload(&self, statement: &str, file_name: &str, bytes: &[u8]) -> Answer {
        let boundary = "----shortlist-test-boundary";
        let mut body = Vec::new();
        for (name, value) in [("application", self.id.as_str()), ("covering_statement", statement)]
        {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"{file_name}\"\r\n\
                 Content-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let res = self
            .app
            .client
            .post(format!("{}/api/apply-cv", self.app.base))
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .header("accept", "application/json")
            .header("origin", &self.app.base)
            .header("cookie", &self.cookie)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
        Answer { status, location, body: res.text().await.unwrap() }
    }

    /// A page of the journey, as HTML.
    pub(super) async fn page(&self, step: &str) -> (u16, String) {
        let res = self
            .app
            .client
            .get(format!("{}/apply/{}/{step}", self.app.base, self.id))
            .header("accept", "text/html")
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    /// Fills in every page with valid answers, then sends; returns the reference.
    pub(super) async fn complete(&self, name: &str, email: &str) -> String {
        self.fill(name, email).await;
        self.send().await
    }

    /// Declares and sends a filled-in application; returns the reference.
    pub(super) async fn send(&self) -> String {
        let sent = self.call("apply-submit", &[("declaration", "yes")]).await;
        assert_eq!(
            sent.location.as_deref(),
            Some(format!("/apply/{}/confirmation", self.id).as_str()),
            "{}",
            sent.body
        );
        let html = self
            .app
            .client
            .get(format!("{}/apply/{}/confirmation", self.app.base, self.id))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let at = html.find("SL-").expect("a reference on the confirmation page");
        html[at..at + 12].to_owned()
    }

    pub(super) async fn fill(&self, name: &str, email: &str) {
        let steps: Vec<Page<'_>> = vec![
            (
                "apply-about-you",
                vec![("full_name", name), ("email", email), ("contact_method", "email")],
                "eligibility",
            ),
            (
                "apply-eligibility",
                vec![
                    ("right_to_work", "yes"),
                    ("notice_period", "1 month"),
                    ("start_day", "1"),
                    ("start_month", "2"),
                    ("start_year", "2027"),
                    ("salary", "£32,000"),
                    // Ignored where the vacancy asks no screening question.
                    ("screening_1", "yes"),
                ],
                "cv",
            ),
        ];
        for (endpoint, pairs, next) in steps {
            let a = self.call(endpoint, &pairs).await;
            assert_eq!(
                a.location.as_deref(),
                Some(format!("/apply/{}/{next}", self.id).as_str()),
                "{endpoint}: {}",
                a.body
            );
        }
        let up = self.upload("I have run payroll for 300 people.", "cv.pdf", PDF).await;
        assert_eq!(
            up.location.as_deref(),
            Some(format!("/apply/{}/person-specification", self.id).as_str()),
            "{}",
            up.body
        );
        let rest: Vec<Page<'_>> = vec![
            (
                "apply-answers",
                vec![
                    ("answers[0]", "Five years of monthly payroll."),
                    ("answers[1]", "Reconciled every run."),
                ],
                "source",
            ),
            ("apply-source", vec![("source", "job_board")], "adjustments"),
            ("apply-adjustments", vec![("adjustments_needed", "no")], "reserve-list"),
            ("apply-reserve-list", vec![("reserve_list", "yes")], "monitoring"),
            (
                "apply-monitoring",
                vec![("ethnic_group", "white"), ("sex", "prefer_not"), ("age_band", "35_44")],
                "monitoring-ethnicity",
            ),
            (
                "apply-ethnicity",
                vec![("ethnicity", "white_other"), ("ethnicity_other", EO_MARKER)],
                "check",
            ),
        ];
        for (endpoint, pairs, next) in rest {
            let a = self.call(endpoint, &pairs).await;
            assert_eq!(
                a.location.as_deref(),
                Some(format!("/apply/{}/{next}", self.id).as_str()),
                "{endpoint}: {}",
                a.body
            );
        }
    }
}

/// A single number from the database (tests check what was and was not stored).
pub(super) async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.db.acquire().await.unwrap();
    let (n,): (i64,) = on_conn!(conn.conn(), c => sqlx::query_as(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&mut *c).await).unwrap();
    n
}
