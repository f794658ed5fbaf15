//! The mail outbox's delivery rules on both backends: retries with back-off, giving up,
//! leases, batches, and delivery through an SMTP relay.

use super::helpers::{Kind, TestDb};
use chrono::Duration;
use server::db::{self, Database};
use server::mail::{DeliveryError, Dispatcher, NewMessage, Outbox, Transport};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// A transport that fails a set number of times, then records deliveries.
#[derive(Default)]
struct Flaky {
    failures_left: Mutex<u32>,
    permanent: bool,
    delivered: Mutex<Vec<Uuid>>,
}

#[async_trait::async_trait]
impl Transport for Flaky {
    async fn deliver(&self, id: Uuid, _message: lettre::Message) -> Result<(), DeliveryError> {
        let mut left = self.failures_left.lock().unwrap();
        if *left > 0 {
            *left -= 1;
            return Err(if self.permanent {
                DeliveryError::Permanent("refused".into())
            } else {
                DeliveryError::Temporary("down".into())
            });
        }
        self.delivered.lock().unwrap().push(id);
        Ok(())
    }
}

fn message(to: &str) -> NewMessage {
    NewMessage {
        id: Uuid::new_v4(),
        purpose: "test",
        to: to.to_owned(),
        subject: "Hello".into(),
        body: "A body with a link https://example.org/x".into(),
        staff: None,
        application: None,
    }
}

async fn outbox_retries_with_back_off_then_delivers(db: Database) {
    let clock = super::helpers::TestClock::at("2026-11-23T09:00:00Z");
    let flaky = Arc::new(Flaky { failures_left: Mutex::new(2), ..Flaky::default() });
    let outbox = Outbox::new();
    let d = dispatcher(&db, &outbox, flaky.clone(), clock.clone());
    let m = message("someone@example.org");
    {
        let mut conn = db.acquire().await.unwrap();
        outbox.store(conn.conn(), &m, "2026-11-23T09:00:00Z".parse().unwrap()).await.unwrap();
    }
    assert_eq!(d.run_once().await.unwrap().retrying, 1);
    assert_eq!(d.run_once().await.unwrap(), server::mail::Pass::default(), "not due for 30 s");
    clock.set("2026-11-23T09:00:30Z");
    assert_eq!(d.run_once().await.unwrap().retrying, 1);
    clock.set("2026-11-23T09:01:29Z");
    assert_eq!(d.run_once().await.unwrap(), server::mail::Pass::default(), "then 60 s");
    clock.set("2026-11-23T09:01:30Z");
    assert_eq!(d.run_once().await.unwrap().sent, 1);
    assert_eq!(*flaky.delivered.lock().unwrap(), [m.id]);
    let mut conn = db.acquire().await.unwrap();
    let row = &db::mail::recent(conn.conn(), 1).await.unwrap()[0];
    assert_eq!(row.attempts, 3);
    assert!(row.sent_at.is_some() && row.body.is_none() && row.last_error.is_none());
}

async fn outbox_gives_up_on_permanent_failures_and_bad_addresses(db: Database) {
    let clock = super::helpers::TestClock::at("2026-11-23T09:00:00Z");
    let flaky =
        Arc::new(Flaky { failures_left: Mutex::new(1), permanent: true, ..Flaky::default() });
    let outbox = Outbox::new();
    let d = dispatcher(&db, &outbox, flaky, clock.clone());
    {
        let mut conn = db.acquire().await.unwrap();
        outbox
            .store(conn.conn(), &message("someone@example.org"), clock_now(&clock))
            .await
            .unwrap();
        outbox.store(conn.conn(), &message("not an address"), clock_now(&clock)).await.unwrap();
    }
    let pass = d.run_once().await.unwrap();
    assert_eq!(pass.failed, 2);
    let mut conn = db.acquire().await.unwrap();
    for row in db::mail::recent(conn.conn(), 5).await.unwrap() {
        assert!(row.failed_at.is_some() && row.body.is_none(), "{row:?}");
        assert!(!row.last_error.unwrap_or_default().contains('@'), "no address in the error");
    }
}

async fn a_claimed_message_is_not_delivered_twice(db: Database) {
    let now: chrono::DateTime<chrono::Utc> = "2026-11-23T09:00:00Z".parse().unwrap();
    let mut conn = db.acquire().await.unwrap();
    db::mail::insert(conn.conn(), &message("a@example.org"), now).await.unwrap();
    let first =
        db::mail::claim_due(conn.conn(), now, now + Duration::minutes(2), 10).await.unwrap();
    assert_eq!(first.len(), 1);
    let second =
        db::mail::claim_due(conn.conn(), now, now + Duration::minutes(2), 10).await.unwrap();
    assert!(second.is_empty(), "held by the first claimant");
    let later = now + Duration::minutes(3);
    let taken_over =
        db::mail::claim_due(conn.conn(), later, later + Duration::minutes(2), 10).await.unwrap();
    assert_eq!(taken_over.len(), 1, "a dead claimant's lease runs out");
}

/// More messages than one batch, one of them to a bad address, delivered to `.eml` files: every
/// good one arrives once (the bad one alone fails), no half-written file is left, and every
/// body is discarded.
async fn outbox_delivers_in_batches_and_fails_only_the_bad_message(db: Database) {
    let clock = super::helpers::TestClock::at("2026-11-23T09:00:00Z");
    let folder = tempfile::tempdir().unwrap();
    let transport = Arc::new(server::mail::FolderTransport::new(folder.path().join("mail")));
    let outbox = Outbox::new();
    let d = dispatcher(&db, &outbox, transport.clone(), clock.clone());
    let total = transport.batch() * 2 + 3;
    let mut good = Vec::new();
    {
        let mut conn = db.acquire().await.unwrap();
        for i in 0..total {
            let m = message(if i == 70 { "not an address" } else { "someone@example.org" });
            outbox.store(conn.conn(), &m, clock_now(&clock)).await.unwrap();
            if i != 70 {
                good.push(m.id);
            }
        }
    }
    let pass = d.run_once().await.unwrap();
    assert_eq!((pass.sent, pass.failed, pass.retrying), (total - 1, 1, 0));
    let mut files: Vec<String> = std::fs::read_dir(folder.path().join("mail"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = good.iter().map(|id| format!("{id}.eml")).collect();
    expected.sort();
    assert_eq!(files, expected, "each good message once, nothing partial");
    assert_eq!(d.run_once().await.unwrap(), server::mail::Pass::default(), "nothing twice");
    let mut conn = db.acquire().await.unwrap();
    let rows = db::mail::recent(conn.conn(), 500).await.unwrap();
    assert_eq!(rows.len(), total);
    assert!(
        rows.iter().all(|r| r.body.is_none() && (r.sent_at.is_some() != r.failed_at.is_some()))
    );
}

/// A dispatcher over `transport` with the test's sender address.
fn dispatcher(
    db: &Database,
    outbox: &Outbox,
    transport: Arc<dyn Transport>,
    clock: Arc<super::helpers::TestClock>,
) -> Dispatcher {
    Dispatcher::new(db.clone(), outbox, transport, "Shortlist <no-reply@example.org>", clock)
        .unwrap()
}

fn clock_now(clock: &super::helpers::TestClock) -> chrono::DateTime<chrono::Utc> {
    use app::ports::Clock as _;
    clock.now()
}

conformance!(
    outbox_retries_with_back_off_then_delivers,
    outbox_gives_up_on_permanent_failures_and_bad_addresses,
    a_claimed_message_is_not_delivered_twice,
    outbox_delivers_in_batches_and_fails_only_the_bad_message,
);

/// A one-connection SMTP relay that answers RCPT with `rcpt_reply` and returns what it
/// received.
async fn fake_relay(rcpt_reply: &'static str) -> (u16, tokio::task::JoinHandle<String>) {
    use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        let mut seen = String::new();
        write.write_all(b"220 relay ready\r\n").await.unwrap();
        let mut in_data = false;
        while let Ok(Some(line)) = lines.next_line().await {
            seen.push_str(&line);
            seen.push('\n');
            let reply: &str = if in_data {
                if line != "." {
                    continue;
                }
                in_data = false;
                "250 queued\r\n"
            } else {
                match line.get(..4).unwrap_or_default().to_ascii_uppercase().as_str() {
                    "EHLO" | "HELO" => "250 relay\r\n",
                    "RCPT" => rcpt_reply,
                    "DATA" => {
                        in_data = true;
                        "354 go ahead\r\n"
                    }
                    "QUIT" => {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    }
                    _ => "250 ok\r\n",
                }
            };
            write.write_all(reply.as_bytes()).await.unwrap();
        }
        seen
    });
    (port, task)
}

async fn smtp_dispatcher(port: u16, db: &Database) -> (Dispatcher, Outbox) {
    let transport = Arc::new(
        server::mail::SmtpTransport::from_url(&format!("smtp://127.0.0.1:{port}")).unwrap(),
    );
    let outbox = Outbox::new();
    let clock = super::helpers::TestClock::at("2026-11-23T09:00:00Z");
    let d = dispatcher(db, &outbox, transport, clock);
    (d, outbox)
}

#[tokio::test]
async fn mail_is_sent_through_an_smtp_relay_and_a_refusal_is_final() {
    let test_db = TestDb::new(Kind::Sqlite).await;
    let db = test_db.database().await;
    let now: chrono::DateTime<chrono::Utc> = "2026-11-23T09:00:00Z".parse().unwrap();

    let (port, relay) = fake_relay("250 ok\r\n").await;
    let (d, outbox) = smtp_dispatcher(port, &db).await;
    {
        let mut conn = db.acquire().await.unwrap();
        outbox.store(conn.conn(), &message("someone@example.org"), now).await.unwrap();
    }
    assert_eq!(d.run_once().await.unwrap().sent, 1);
    drop(d);
    let seen =
        tokio::time::timeout(std::time::Duration::from_secs(10), relay).await.unwrap().unwrap();
    assert!(seen.contains("RCPT TO:<someone@example.org>"), "{seen}");
    assert!(seen.contains("Subject: Hello") && seen.contains("https://example.org/x"), "{seen}");

    let (port, relay) = fake_relay("550 no such mailbox\r\n").await;
    let (d, outbox) = smtp_dispatcher(port, &db).await;
    {
        let mut conn = db.acquire().await.unwrap();
        outbox.store(conn.conn(), &message("gone@example.org"), now).await.unwrap();
    }
    assert_eq!(d.run_once().await.unwrap().failed, 1, "a 5xx reply is permanent");
    drop(d);
    relay.abort();
}
