use std::time::Duration;

use jiff::SignedDuration;
use prelevo_app::creditors::create_creditor;
use prelevo_app::mail::{FileMailer, OutgoingEmail, SmtpMailer, parse_sender};
use prelevo_app::outbox::{deliver_ready, queue_email};
use prelevo_domain::Clock;
use prelevo_store::Actor;
use prelevo_testkit::{SmtpSink, TestStore, on_both_engines};

use crate::{clock, input};

fn welcome() -> OutgoingEmail {
    OutgoingEmail {
        to: "billing@acme.example".into(),
        subject: "Notification importante — Échec de transaction".into(),
        text: "Bonjour,\n1 transaction a échoué.".into(),
        html: Some("<p>1 transaction a échoué.</p>".into()),
    }
}

fn a_queued_email_is_sent_through_smtp_after_commit(store: &TestStore) {
    let clock = clock();
    let created = create_creditor(store, &clock, &Actor::Cli, &input("Acme", 1)).unwrap();
    let tenant = store.tenant(created.id);
    let id = tenant
        .write(|tx| queue_email(tx, &welcome(), clock.now()))
        .unwrap();
    let sink = SmtpSink::start();
    let mailer = SmtpMailer::from_url(
        &sink.url(),
        parse_sender("Prelevo <no-reply@prelevo.test>").unwrap(),
    )
    .unwrap();
    assert_eq!(deliver_ready(store, &clock, &mailer, "w", 10).unwrap(), 1);
    let received = sink.wait_for(1, Duration::from_secs(5));
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].recipients, ["billing@acme.example"]);
    let data = &received[0].data;
    assert!(
        data.contains("Subject: Notification importante =?utf-8?"),
        "{data}"
    );
    assert!(data.contains("multipart/alternative"), "{data}");
    // Delivered once: a second pass finds nothing to send.
    assert_eq!(deliver_ready(store, &clock, &mailer, "w", 10).unwrap(), 0);
    assert_eq!(store.outbox_counts().unwrap().done, 1);
    // Once sent, the outbox keeps its recipient and subject, not its body
    // (a one-time link in it would outlive the send).
    let (state, kept) = store.outbox_message(id).unwrap().unwrap();
    assert_eq!(state, "done");
    let kept: OutgoingEmail = serde_json::from_str(&kept).unwrap();
    assert_eq!(
        kept,
        OutgoingEmail {
            text: String::new(),
            html: None,
            ..welcome()
        }
    );
}

fn an_unreachable_server_is_retried_later(store: &TestStore) {
    let clock = clock();
    let created = create_creditor(store, &clock, &Actor::Cli, &input("Acme", 1)).unwrap();
    store
        .tenant(created.id)
        .write(|tx| queue_email(tx, &welcome(), clock.now()))
        .unwrap();
    let closed =
        SmtpMailer::from_url("smtp://127.0.0.1:1", parse_sender("a@b.example").unwrap()).unwrap();
    assert_eq!(deliver_ready(store, &clock, &closed, "w", 10).unwrap(), 0);
    assert_eq!(store.outbox_counts().unwrap().queued, 1);
    // Not before its back-off…
    let sink = SmtpSink::start();
    let open = SmtpMailer::from_url(&sink.url(), parse_sender("a@b.example").unwrap()).unwrap();
    assert_eq!(deliver_ready(store, &clock, &open, "w", 10).unwrap(), 0);
    // …then delivered.
    clock.advance(SignedDuration::from_secs(10)).unwrap();
    assert_eq!(deliver_ready(store, &clock, &open, "w", 10).unwrap(), 1);
}

fn the_file_mailer_writes_an_eml_per_message(store: &TestStore) {
    let clock = clock();
    let created = create_creditor(store, &clock, &Actor::Cli, &input("Acme", 1)).unwrap();
    store
        .tenant(created.id)
        .write(|tx| queue_email(tx, &welcome(), clock.now()))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mailer = FileMailer::new(dir.path(), parse_sender("a@b.example").unwrap()).unwrap();
    assert_eq!(deliver_ready(store, &clock, &mailer, "w", 10).unwrap(), 1);
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
    assert!(text.contains("To: billing@acme.example"), "{text}");
}

fn a_bad_recipient_is_dead_without_retry(store: &TestStore) {
    let clock = clock();
    let created = create_creditor(store, &clock, &Actor::Cli, &input("Acme", 1)).unwrap();
    let mut bad = welcome();
    bad.to = "not an address".into();
    store
        .tenant(created.id)
        .write(|tx| queue_email(tx, &bad, clock.now()))
        .unwrap();
    let sink = SmtpSink::start();
    let mailer = SmtpMailer::from_url(&sink.url(), parse_sender("a@b.example").unwrap()).unwrap();
    deliver_ready(store, &clock, &mailer, "w", 10).unwrap();
    assert_eq!(store.outbox_counts().unwrap().dead, 1);
    assert!(sink.messages().is_empty());
}

/// The mail server's own answer decides: a mailbox it refuses for good
/// (5xx) is not tried again; one it defers (4xx) is, after a back-off.
fn a_refused_mailbox_is_dead_and_a_busy_one_retried(store: &TestStore) {
    let clock = clock();
    let created = create_creditor(store, &clock, &Actor::Cli, &input("Acme", 1)).unwrap();
    let tenant = store.tenant(created.id);
    let mut ids = Vec::new();
    for to in ["unknown@acme.example", "busy@acme.example"] {
        let email = OutgoingEmail {
            to: to.into(),
            ..welcome()
        };
        ids.push(
            tenant
                .write(|tx| queue_email(tx, &email, clock.now()))
                .unwrap(),
        );
    }
    let sink = SmtpSink::start();
    let mailer = SmtpMailer::from_url(&sink.url(), parse_sender("a@b.example").unwrap()).unwrap();
    assert_eq!(deliver_ready(store, &clock, &mailer, "w", 10).unwrap(), 0);
    let counts = store.outbox_counts().unwrap();
    assert_eq!((counts.dead, counts.queued), (1, 1));
    assert_eq!(store.outbox_message(ids[0]).unwrap().unwrap().0, "dead");
    assert_eq!(store.outbox_message(ids[1]).unwrap().unwrap().0, "queued");
    // Past the back-off, another pass leaves the refused one dead.
    clock.advance(SignedDuration::from_mins(1)).unwrap();
    deliver_ready(store, &clock, &mailer, "w", 10).unwrap();
    let counts = store.outbox_counts().unwrap();
    assert_eq!((counts.dead, counts.queued), (1, 1));
    assert!(sink.messages().is_empty());

    // A permanent refusal of the sending itself (the server wants a login:
    // its configuration to mend) is tried again, not dead.
    let locked =
        SmtpMailer::from_url(&sink.url(), parse_sender("locked@b.example").unwrap()).unwrap();
    let third = tenant
        .write(|tx| queue_email(tx, &welcome(), clock.now()))
        .unwrap();
    assert_eq!(deliver_ready(store, &clock, &locked, "w", 10).unwrap(), 0);
    assert_eq!(store.outbox_message(third).unwrap().unwrap().0, "queued");
}

/// A slow mail server (three minutes a message): while the second message
/// goes out, the third one's lease, taken with the batch, lapses and
/// another instance takes it back and sends it. The first worker must then
/// leave it: each message once.
fn a_message_taken_back_by_another_instance_is_sent_once(store: &TestStore) {
    use std::sync::Mutex;

    use prelevo_app::mail::{MailError, Mailer};

    struct Slow<'a> {
        store: &'a TestStore,
        clock: &'a prelevo_domain::FixedClock,
        sent: Mutex<Vec<String>>,
    }
    impl Mailer for Slow<'_> {
        fn send(&self, email: &OutgoingEmail) -> Result<(), MailError> {
            let count = self
                .sent
                .lock()
                .map(|mut sent| {
                    sent.push(email.subject.clone());
                    sent.len()
                })
                .unwrap_or(0);
            self.clock.advance(SignedDuration::from_mins(3)).unwrap();
            if count == 2 {
                // Meanwhile the other instance recovers the lapsed leases
                // and delivers what it took back.
                self.store.recover_expired_outbox(self.clock.now()).unwrap();
                deliver_ready(self.store, self.clock, self, "other", 10).unwrap();
            }
            Ok(())
        }
    }

    let clock = clock();
    let created = create_creditor(store, &clock, &Actor::Cli, &input("Acme", 1)).unwrap();
    let tenant = store.tenant(created.id);
    for subject in ["one", "two", "three"] {
        let email = OutgoingEmail {
            subject: subject.into(),
            ..welcome()
        };
        tenant
            .write(|tx| queue_email(tx, &email, clock.now()))
            .unwrap();
    }
    let mailer = Slow {
        store,
        clock: &clock,
        sent: Mutex::new(Vec::new()),
    };
    deliver_ready(store, &clock, &mailer, "first", 10).unwrap();
    let mut sent = mailer.sent.into_inner().unwrap();
    sent.sort();
    assert_eq!(sent, ["one", "three", "two"], "each message once");
    assert_eq!(store.outbox_counts().unwrap().done, 3);
}

on_both_engines!(
    a_message_taken_back_by_another_instance_is_sent_once,
    a_queued_email_is_sent_through_smtp_after_commit,
    an_unreachable_server_is_retried_later,
    the_file_mailer_writes_an_eml_per_message,
    a_bad_recipient_is_dead_without_retry,
    a_refused_mailbox_is_dead_and_a_busy_one_retried,
);
