use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::SignedDuration;
use prelevo_app::card_gateway::UnconnectedGateway;
use prelevo_app::jobs::{
    BackgroundJob, JobContext, JobError, JobRegistry, WorkerOptions, WorkerPool, enqueue,
    enqueue_platform,
};
use prelevo_domain::{Clock, FixedClock};
use prelevo_store::{Actor, NewAuditEvent, NewJob, Store};
use prelevo_testkit::{TestStore, on_both_engines};
use serde::{Deserialize, Serialize};

use crate::clock;

/// A job with a visible effect: it writes one audit entry for its number.
#[derive(Serialize, Deserialize)]
struct RecordVisit {
    n: u32,
}

impl BackgroundJob for RecordVisit {
    const KIND: &'static str = "test.record_visit";

    fn run(&self, ctx: &JobContext<'_>) -> Result<(), JobError> {
        let tenant = ctx
            .tenant
            .as_ref()
            .ok_or(JobError::Permanent("no tenant".into()))?;
        let n = self.n.to_string();
        tenant.write(|tx| {
            tx.record_audit(
                &NewAuditEvent {
                    actor: Actor::System,
                    entity: "visit",
                    entity_id: &n,
                    action: "recorded",
                    before: None,
                    after: None,
                },
                ctx.clock.now(),
            )
        })?;
        Ok(())
    }
}

/// Fails (retryably) on its first `failures` attempts.
#[derive(Serialize, Deserialize)]
struct Flaky {
    failures: i32,
}

impl BackgroundJob for Flaky {
    const KIND: &'static str = "test.flaky";
    const MAX_ATTEMPTS: i32 = 5;

    fn run(&self, ctx: &JobContext<'_>) -> Result<(), JobError> {
        if ctx.attempt <= self.failures {
            Err(JobError::Retryable(format!(
                "attempt {} failed",
                ctx.attempt
            )))
        } else {
            Ok(())
        }
    }
}

/// Always refuses: retrying cannot help.
#[derive(Serialize, Deserialize)]
struct Broken;

impl BackgroundJob for Broken {
    const KIND: &'static str = "test.broken";

    fn run(&self, _: &JobContext<'_>) -> Result<(), JobError> {
        Err(JobError::Permanent("payload makes no sense".into()))
    }
}

/// Takes a while: shutdown must wait for it.
#[derive(Serialize, Deserialize)]
struct Slow {
    millis: u64,
}

impl BackgroundJob for Slow {
    const KIND: &'static str = "test.slow";

    fn run(&self, _: &JobContext<'_>) -> Result<(), JobError> {
        std::thread::sleep(Duration::from_millis(self.millis));
        Ok(())
    }
}

fn registry() -> JobRegistry {
    JobRegistry::default()
        .register::<RecordVisit>()
        .register::<Flaky>()
        .register::<Broken>()
        .register::<Slow>()
}

fn start(store: &Store, clock: &Arc<FixedClock>, workers: usize) -> WorkerPool {
    let clock: Arc<dyn Clock> = clock.clone();
    WorkerPool::start(
        store.clone(),
        clock,
        registry(),
        Arc::new(UnconnectedGateway),
        WorkerOptions {
            workers,
            idle_poll: Duration::from_millis(20),
            ..WorkerOptions::default()
        },
    )
    .unwrap()
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn four_workers_run_each_job_exactly_once(store: &TestStore) {
    let tenant = crate::new_tenant(store, 1);
    let clock = Arc::new(clock());
    tenant
        .write(|tx| {
            for n in 0..200 {
                enqueue(tx, &RecordVisit { n }, clock.now(), clock.now(), None)?;
            }
            Ok::<_, prelevo_app::AppError>(())
        })
        .unwrap();
    let pool = start(store, &clock, 4);
    wait_until("200 jobs done", || store.job_counts().unwrap().done == 200);
    pool.shutdown();
    let visits = tenant
        .read(|tx| tx.audit_events(&Default::default(), prelevo_store::Position::Start, 1_000))
        .unwrap();
    let mut per_n: BTreeMap<String, usize> = BTreeMap::new();
    for event in visits.iter().filter(|e| e.entity == "visit") {
        *per_n.entry(event.entity_id.clone()).or_default() += 1;
    }
    assert_eq!(per_n.len(), 200);
    assert!(per_n.values().all(|&runs| runs == 1));
}

fn a_retryable_failure_waits_its_back_off_on_the_clock(store: &TestStore) {
    let clock = Arc::new(clock());
    let id = enqueue_platform(
        store,
        &Flaky { failures: 2 },
        clock.now(),
        clock.now(),
        None,
    )
    .unwrap()
    .unwrap();
    let pool = start(store, &clock, 1);
    let status = |store: &Store| store.job_status(id).unwrap().unwrap();
    wait_until("first failure", || {
        status(store).1 == 1 && status(store).0 == "queued"
    });
    // The retry is due 10 s later on the clock: nothing happens before.
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(status(store).1, 1);
    clock.advance(SignedDuration::from_secs(10)).unwrap();
    wait_until("second failure", || {
        status(store).1 == 2 && status(store).0 == "queued"
    });
    clock.advance(SignedDuration::from_secs(20)).unwrap();
    wait_until("success", || status(store).0 == "done");
    pool.shutdown();
    assert_eq!(status(store).1, 3);
}

fn permanent_failures_and_unknown_kinds_are_dead_at_once(store: &TestStore) {
    let clock = Arc::new(clock());
    enqueue_platform(store, &Broken, clock.now(), clock.now(), None).unwrap();
    store
        .enqueue_platform_job(
            &NewJob {
                kind: "test.no_such_kind",
                payload: "{}",
                priority: 0,
                max_attempts: 5,
                run_at: clock.now(),
                dedup_key: None,
            },
            clock.now(),
        )
        .unwrap();
    let pool = start(store, &clock, 1);
    wait_until("two dead jobs", || store.job_counts().unwrap().dead == 2);
    pool.shutdown();
    let (_, attempts, error) = store.job_status(2).unwrap().unwrap();
    assert_eq!(attempts, 1);
    assert_eq!(
        error.as_deref(),
        Some("no handler for job kind 'test.no_such_kind'")
    );
}

fn shutdown_lets_the_running_job_finish(store: &TestStore) {
    let clock = Arc::new(clock());
    enqueue_platform(store, &Slow { millis: 400 }, clock.now(), clock.now(), None).unwrap();
    let pool = start(store, &clock, 1);
    wait_until("the job to start", || {
        store.job_counts().unwrap().running == 1
    });
    pool.shutdown();
    let counts = store.job_counts().unwrap();
    assert_eq!((counts.running, counts.done), (0, 1));
}

/// A long job renews its lease as it goes; a worker whose lease another
/// took is stopped at its next renewal.
fn a_long_job_keeps_its_lease_alive(store: &TestStore) {
    let store: &Store = store;
    let clock = clock();
    let t0 = clock.now();
    let ten = SignedDuration::from_mins(10);
    enqueue_platform(store, &RecordVisit { n: 1 }, t0, t0, None).unwrap();
    let claimed = store.claim_jobs("w1", t0, t0 + ten, 1).unwrap();
    let ctx = JobContext {
        store,
        clock: &clock,
        tenant: None,
        job_id: claimed[0].id,
        attempt: 1,
        card_gateway: &UnconnectedGateway,
        worker: "w1",
        lease: ten,
    };
    clock.set(t0 + SignedDuration::from_mins(9));
    ctx.keep_alive().unwrap();
    // Past the first lease, the job is still this worker's.
    let later = t0 + SignedDuration::from_mins(15);
    assert_eq!(store.recover_expired_jobs(later).unwrap(), 0);
    assert!(
        store
            .claim_jobs("w2", later, later + ten, 1)
            .unwrap()
            .is_empty()
    );
    // Once the renewed lease expires another worker takes it, and the
    // first one stops at its next renewal.
    let lapsed = t0 + SignedDuration::from_mins(20);
    assert_eq!(store.recover_expired_jobs(lapsed).unwrap(), 1);
    assert_eq!(
        store
            .claim_jobs("w2", lapsed, lapsed + ten, 1)
            .unwrap()
            .len(),
        1
    );
    clock.set(lapsed);
    assert!(ctx.keep_alive().is_err());
}

on_both_engines!(
    a_long_job_keeps_its_lease_alive,
    four_workers_run_each_job_exactly_once,
    a_retryable_failure_waits_its_back_off_on_the_clock,
    permanent_failures_and_unknown_kinds_are_dead_at_once,
    shutdown_lets_the_running_job_finish,
);
