use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};
use prelevo_store::{JobCounts, NewJob, StoreError};
use prelevo_testkit::{TestStore, on_both_engines};

use crate::t0;

fn job<'a>(kind: &'a str, priority: i32, run_at: Timestamp) -> NewJob<'a> {
    NewJob {
        kind,
        payload: "{}",
        priority,
        max_attempts: 3,
        run_at,
        dedup_key: None,
    }
}

fn lease(from: Timestamp) -> Timestamp {
    from + SignedDuration::from_mins(5)
}

fn a_job_runs_once_and_is_done(store: &TestStore) {
    store
        .enqueue_platform_job(&job("a", 0, t0()), t0())
        .unwrap();
    let claimed = store.claim_jobs("w1", t0(), lease(t0()), 10).unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].attempts, 1);
    assert!(
        store
            .claim_jobs("w2", t0(), lease(t0()), 10)
            .unwrap()
            .is_empty()
    );
    store.complete_job(claimed[0].id, "w1", t0()).unwrap();
    assert_eq!(
        store.job_counts().unwrap(),
        JobCounts {
            done: 1,
            ..JobCounts::default()
        }
    );
}

fn a_dedup_key_enqueues_once(store: &TestStore) {
    let keyed = NewJob {
        dedup_key: Some("collect:2026-11-30"),
        ..job("collect", 0, t0())
    };
    assert!(store.enqueue_platform_job(&keyed, t0()).unwrap().is_some());
    assert!(store.enqueue_platform_job(&keyed, t0()).unwrap().is_none());
    assert_eq!(store.job_counts().unwrap().queued, 1);
    // In bulk too: a used key and a key repeated within the batch count once.
    let other = NewJob {
        dedup_key: Some("collect:2026-12-01"),
        ..keyed.clone()
    };
    let batch = [keyed.clone(), other.clone(), other, job("plain", 0, t0())];
    assert_eq!(store.enqueue_platform_jobs(&batch, t0()).unwrap(), 2);
    assert_eq!(store.job_counts().unwrap().queued, 3);
}

fn jobs_wait_for_their_time_and_priority_orders_them(store: &TestStore) {
    let later = t0() + SignedDuration::from_mins(1);
    store
        .enqueue_platform_job(&job("low", 0, t0()), t0())
        .unwrap();
    store
        .enqueue_platform_job(&job("high", 10, t0()), t0())
        .unwrap();
    store
        .enqueue_platform_job(&job("later", 99, later), t0())
        .unwrap();
    let kinds = |claimed: Vec<prelevo_store::ClaimedJob>| -> Vec<String> {
        claimed.into_iter().map(|j| j.kind).collect()
    };
    // With a limit of one, the highest priority goes first; "later" waits.
    assert_eq!(
        kinds(store.claim_jobs("w", t0(), lease(t0()), 1).unwrap()),
        ["high"]
    );
    assert_eq!(
        kinds(store.claim_jobs("w", t0(), lease(t0()), 5).unwrap()),
        ["low"]
    );
    assert_eq!(
        kinds(store.claim_jobs("w", later, lease(later), 5).unwrap()),
        ["later"]
    );
}

fn a_failed_job_is_retried_at_its_time_then_dies(store: &TestStore) {
    store
        .enqueue_platform_job(&job("flaky", 0, t0()), t0())
        .unwrap();
    let mut now = t0();
    let mut id = 0;
    for attempt in 1..=3 {
        let claimed = store.claim_jobs("w", now, lease(now), 1).unwrap();
        assert_eq!(claimed.len(), 1, "attempt {attempt}");
        assert_eq!(claimed[0].attempts, attempt);
        id = claimed[0].id;
        let retry_at = (attempt < 3).then(|| now + SignedDuration::from_secs(30));
        store
            .fail_job(claimed[0].id, "w", now, "bank unreachable", retry_at)
            .unwrap();
        if let Some(at) = retry_at {
            assert!(
                store
                    .claim_jobs("w", now, lease(now), 1)
                    .unwrap()
                    .is_empty()
            );
            now = at;
        }
    }
    let counts = store.job_counts().unwrap();
    assert_eq!(counts.dead, 1);
    let (state, attempts, error) = store.job_status(id).unwrap().unwrap();
    assert_eq!((state.as_str(), attempts), ("dead", 3));
    assert_eq!(error.as_deref(), Some("bank unreachable"));
}

fn an_expired_lease_is_taken_over(store: &TestStore) {
    store
        .enqueue_platform_job(&job("slow", 0, t0()), t0())
        .unwrap();
    let first = store.claim_jobs("w1", t0(), lease(t0()), 1).unwrap();
    let later = t0() + SignedDuration::from_mins(6);
    // Until a worker runs the recovery, the job stays with its dead worker.
    assert!(
        store
            .claim_jobs("w2", later, lease(later), 1)
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.recover_expired_jobs(later).unwrap(), 1);
    let second = store.claim_jobs("w2", later, lease(later), 1).unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].id, first[0].id);
    assert_eq!(second[0].attempts, 2);
    let stale = store.complete_job(first[0].id, "w1", later);
    assert!(
        matches!(stale, Err(StoreError::LeaseLost { .. })),
        "{stale:?}"
    );
    store.complete_job(second[0].id, "w2", later).unwrap();
}

fn a_heartbeat_keeps_the_lease(store: &TestStore) {
    store
        .enqueue_platform_job(&job("long", 0, t0()), t0())
        .unwrap();
    let claimed = store.claim_jobs("w1", t0(), lease(t0()), 1).unwrap();
    let at4 = t0() + SignedDuration::from_mins(4);
    store
        .extend_job_lease(claimed[0].id, "w1", lease(at4))
        .unwrap();
    let at6 = t0() + SignedDuration::from_mins(6);
    assert_eq!(store.recover_expired_jobs(at6).unwrap(), 0);
    assert!(
        store
            .claim_jobs("w2", at6, lease(at6), 1)
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        store.extend_job_lease(claimed[0].id, "w2", lease(at6)),
        Err(StoreError::LeaseLost { .. })
    ));
}

fn a_lease_lost_on_the_last_attempt_is_dead(store: &TestStore) {
    let once = NewJob {
        max_attempts: 1,
        ..job("once", 0, t0())
    };
    store.enqueue_platform_job(&once, t0()).unwrap();
    store.claim_jobs("w1", t0(), lease(t0()), 1).unwrap();
    let later = t0() + SignedDuration::from_mins(10);
    assert_eq!(store.recover_expired_jobs(later).unwrap(), 1);
    assert!(
        store
            .claim_jobs("w2", later, lease(later), 1)
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.job_counts().unwrap().dead, 1);
}

/// Several workers on one database: every job is claimed and completed by
/// exactly one of them.
fn concurrent_workers_run_each_job_exactly_once(store: &TestStore) {
    const JOBS: usize = 400;
    let batch: Vec<NewJob<'_>> = (0..JOBS).map(|_| job("count", 0, t0())).collect();
    assert_eq!(store.enqueue_platform_jobs(&batch, t0()).unwrap(), JOBS);
    let runs: Arc<Mutex<BTreeMap<i64, usize>>> = Arc::default();
    std::thread::scope(|scope| {
        for worker in 0..4 {
            let runs = Arc::clone(&runs);
            let store = &**store;
            scope.spawn(move || {
                let name = format!("worker-{worker}");
                loop {
                    let claimed = store.claim_jobs(&name, t0(), lease(t0()), 3).unwrap();
                    if claimed.is_empty() {
                        break;
                    }
                    for j in claimed {
                        *runs.lock().unwrap().entry(j.id).or_default() += 1;
                        store.complete_job(j.id, &name, t0()).unwrap();
                    }
                }
            });
        }
    });
    let runs = runs.lock().unwrap();
    assert_eq!(runs.len(), JOBS);
    assert!(runs.values().all(|&n| n == 1), "a job ran twice");
    assert_eq!(store.job_counts().unwrap().done, JOBS as i64);
}
fn a_dead_job_can_be_queued_again(store: &TestStore) {
    store
        .enqueue_platform_job(&job("fragile", 0, t0()), t0())
        .unwrap();
    store
        .enqueue_platform_job(&job("healthy", 0, t0()), t0())
        .unwrap();
    let claimed = store.claim_jobs("w", t0(), lease(t0()), 2).unwrap();
    let (dying, healthy) = (claimed[0].clone(), claimed[1].clone());
    store
        .fail_job(dying.id, "w", t0(), "payload cannot be read", None)
        .unwrap();
    let dead = store.dead_jobs(10).unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].id, dying.id);
    assert_eq!(dead[0].kind, dying.kind);
    assert_eq!(dead[0].attempts, 1);
    assert_eq!(
        dead[0].last_error.as_deref(),
        Some("payload cannot be read")
    );
    assert_eq!(dead[0].finished_at, Some(t0()));
    // A job that is not dead is left as it is.
    assert!(!store.retry_dead_job(healthy.id, t0()).unwrap());
    assert!(!store.retry_dead_job(dying.id + 100, t0()).unwrap());
    let later = t0() + SignedDuration::from_hours(1);
    assert!(store.retry_dead_job(dying.id, later).unwrap());
    assert!(!store.retry_dead_job(dying.id, later).unwrap(), "once");
    assert!(store.dead_jobs(10).unwrap().is_empty());
    // Queued for now, with all its attempts again.
    let again = store.claim_jobs("w2", later, lease(later), 10).unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!((again[0].id, again[0].attempts), (dying.id, 1));
}

on_both_engines!(
    a_job_runs_once_and_is_done,
    a_dedup_key_enqueues_once,
    jobs_wait_for_their_time_and_priority_orders_them,
    a_failed_job_is_retried_at_its_time_then_dies,
    an_expired_lease_is_taken_over,
    a_heartbeat_keeps_the_lease,
    a_lease_lost_on_the_last_attempt_is_dead,
    concurrent_workers_run_each_job_exactly_once,
    a_dead_job_can_be_queued_again,
);
