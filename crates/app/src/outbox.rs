//! The outbox: queue a message inside a use case's transaction; a delivery
//! worker sends it after commit and records the outcome, retrying with
//! back-off. Delivery is at least once: a crash between sending and
//! recording sends that message again on restart.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use prelevo_domain::Clock;
use prelevo_store::{ClaimedMessage, NewOutboxMessage, PlatformTx, Store, StoreError, TenantTx};

use crate::AppError;
use crate::background::{LEASE_RECOVERY_EVERY, Periodic, pause};
use crate::jobs::retry_delay;

/// How long a claimed message is leased, from its claim and again before
/// it is sent.
const OUTBOX_LEASE: SignedDuration = SignedDuration::from_mins(5);
use crate::mail::{MailError, Mailer, OutgoingEmail};

const EMAIL: &str = "email";
const EMAIL_ATTEMPTS: i32 = 8;

/// Queues `email` in this transaction: it is sent only if the change commits.
pub fn queue_email(
    tx: &mut TenantTx<'_, '_>,
    email: &OutgoingEmail,
    now: Timestamp,
) -> Result<i64, AppError> {
    Ok(tx.push_outbox(&email_message(&encode(email)?), now)?)
}

/// Queues an email about a person (no creditor), e.g. a password link.
pub fn queue_platform_email(
    tx: &mut PlatformTx<'_, '_>,
    email: &OutgoingEmail,
    now: Timestamp,
) -> Result<i64, AppError> {
    Ok(tx.push_outbox(&email_message(&encode(email)?), now)?)
}

fn encode(email: &OutgoingEmail) -> Result<String, AppError> {
    serde_json::to_string(email).map_err(|source| AppError::Encoding {
        what: "email",
        source,
    })
}

fn email_message(payload: &str) -> NewOutboxMessage<'_> {
    NewOutboxMessage {
        kind: EMAIL,
        payload,
        max_attempts: EMAIL_ATTEMPTS,
    }
}

/// Sends up to `limit` ready messages; returns how many were delivered.
pub fn deliver_ready(
    store: &Store,
    clock: &dyn Clock,
    mailer: &dyn Mailer,
    worker: &str,
    limit: i64,
) -> Result<usize, AppError> {
    let now = clock.now();
    let claimed = store.claim_outbox(worker, now, now + OUTBOX_LEASE, limit)?;
    let mut delivered = 0;
    for message in claimed {
        // Renewed before each send: behind slow sends the batch's lease
        // could lapse, another instance take the message back and send it
        // too. One taken back is left to that instance.
        match store.extend_outbox_lease(message.id, worker, clock.now() + OUTBOX_LEASE) {
            Ok(()) => {}
            Err(StoreError::LeaseLost { .. }) => {
                tracing::warn!(id = message.id, "message taken back by another worker");
                continue;
            }
            Err(error) => return Err(error.into()),
        }
        match send(mailer, &message) {
            Ok(()) => match store.mark_outbox_sent(
                message.id,
                worker,
                clock.now(),
                &sent_record(&message.payload),
            ) {
                Ok(()) => delivered += 1,
                // Sent, but its lease lapsed during the send: the rest of
                // the batch goes on.
                Err(StoreError::LeaseLost { .. }) => {
                    tracing::error!(id = message.id, "sent after its lease lapsed");
                }
                Err(error) => return Err(error.into()),
            },
            Err(error) => {
                let retry_at = match error {
                    MailError::Transport(_) if message.attempts < message.max_attempts => {
                        Some(clock.now() + retry_delay(message.attempts))
                    }
                    _ => None,
                };
                tracing::warn!(id = message.id, %error, retry = retry_at.is_some(), "delivery failed");
                store.fail_outbox(
                    message.id,
                    worker,
                    clock.now(),
                    &error.to_string(),
                    retry_at,
                )?;
            }
        }
    }
    Ok(delivered)
}

fn send(mailer: &dyn Mailer, message: &ClaimedMessage) -> Result<(), MailError> {
    match message.kind.as_str() {
        EMAIL => {
            let email: OutgoingEmail = serde_json::from_str(&message.payload)
                .map_err(|e| MailError::Invalid(format!("stored email cannot be read: {e}")))?;
            mailer.send(&email)
        }
        other => Err(MailError::Invalid(format!("unknown outbox kind '{other}'"))),
    }
}

/// What a sent email keeps in the outbox: its recipient and subject. Its
/// body goes: a password or invitation link in it must not outlive the
/// send in the database.
fn sent_record(payload: &str) -> String {
    serde_json::from_str::<OutgoingEmail>(payload)
        .ok()
        .map(|email| OutgoingEmail {
            text: String::new(),
            html: None,
            ..email
        })
        .and_then(|kept| serde_json::to_string(&kept).ok())
        .unwrap_or_else(|| "{}".to_owned())
}

fn deliver_until_stopped(
    store: &Store,
    clock: &dyn Clock,
    mailer: &dyn Mailer,
    worker: &str,
    poll: Duration,
    stop: &AtomicBool,
) {
    let mut recovery = Periodic::new(LEASE_RECOVERY_EVERY);
    while !stop.load(Ordering::SeqCst) {
        let now = clock.now();
        if recovery.due(now)
            && let Err(error) = store.recover_expired_outbox(now)
        {
            tracing::warn!(%error, "cannot recover expired outbox leases");
        }
        match deliver_ready(store, clock, mailer, worker, 20) {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "outbox delivery failed"),
        }
        pause(stop, poll);
    }
}

/// A thread that delivers the outbox until shut down.
pub struct OutboxWorker {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl OutboxWorker {
    /// Starts delivering, polling every `poll` when idle.
    pub fn start(
        store: Store,
        clock: Arc<dyn Clock>,
        mailer: Arc<dyn Mailer>,
        poll: Duration,
    ) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let name = format!("{}-outbox", crate::ids::process_name());
        let thread = std::thread::Builder::new()
            .name(name.clone())
            .spawn(move || {
                deliver_until_stopped(&store, clock.as_ref(), mailer.as_ref(), &name, poll, &flag);
            })?;
        Ok(Self { stop, thread })
    }

    /// Finishes the current batch and stops.
    pub fn shutdown(self) {
        self.stop.store(true, Ordering::SeqCst);
        if self.thread.join().is_err() {
            tracing::error!("the outbox worker thread panicked");
        }
    }
}
