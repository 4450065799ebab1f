use jiff::Timestamp;
use prelevo_store::{NewJob, PoolOptions, Store};
use prelevo_testkit::{TestStore, on_both_engines};

use crate::{prelevo, stderr, stdout};

/// A dead job is listed with its error, queued again by `jobs retry`, and
/// a job that is not dead is refused with exit code 2.
fn a_dead_job_is_listed_and_queued_again(store: &TestStore) {
    let db = Store::open(store.url(), &PoolOptions::one_command()).unwrap();
    let at: Timestamp = "2026-11-30T09:00:00Z".parse().unwrap();
    let job = NewJob {
        kind: "collections.run",
        payload: "{}",
        priority: 0,
        max_attempts: 1,
        run_at: at,
        dedup_key: None,
    };
    db.enqueue_platform_job(&job, at).unwrap();
    let claimed = db
        .claim_jobs("w", at, at + jiff::SignedDuration::from_mins(5), 1)
        .unwrap();
    let id = claimed[0].id;
    db.fail_job(id, "w", at, "card gateway refused the key", None)
        .unwrap();

    let listed = prelevo(store.url(), &["--json", "jobs", "dead"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let listed: serde_json::Value = serde_json::from_str(&stdout(&listed)).unwrap();
    assert_eq!(listed["dead"][0]["id"], id);
    assert_eq!(listed["dead"][0]["kind"], "collections.run");
    assert_eq!(
        listed["dead"][0]["last_error"],
        "card gateway refused the key"
    );

    let retried = prelevo(store.url(), &["jobs", "retry", &id.to_string()]);
    assert!(retried.status.success(), "{}", stderr(&retried));
    assert_eq!(db.job_counts().unwrap().queued, 1);
    assert_eq!(db.job_counts().unwrap().dead, 0);

    let again = prelevo(store.url(), &["jobs", "retry", &id.to_string()]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stderr(&again).contains("is not dead"), "{}", stderr(&again));
}

on_both_engines!(a_dead_job_is_listed_and_queued_again);
