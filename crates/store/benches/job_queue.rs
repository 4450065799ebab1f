//! Job queue throughput: enqueue N jobs, then claim and complete them with
//! 1 and 4 worker threads, on SQLite and on a durable PostgreSQL (fsync on,
//! as in production). Prints a Markdown table for docs/PERFORMANCE.md.
//!
//!     cargo bench -p prelevo-store --bench job_queue            # N = 100000
//!     JOBS=20000 cargo bench -p prelevo-store --bench job_queue
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use jiff::{SignedDuration, Timestamp};
use prelevo_store::{NewJob, PoolOptions, Store};
use prelevo_testkit::{Durability, start_postgres};

fn now() -> Timestamp {
    "2026-11-30T09:00:00Z".parse().unwrap()
}

fn enqueue(store: &Store, n: usize) -> f64 {
    let job = NewJob {
        kind: "bench",
        payload: "{\"n\":1}",
        priority: 0,
        max_attempts: 3,
        run_at: now(),
        dedup_key: None,
    };
    let batch = vec![job; 1_000];
    let started = Instant::now();
    let mut done = 0;
    while done < n {
        let size = batch.len().min(n - done);
        done += store.enqueue_platform_jobs(&batch[..size], now()).unwrap();
    }
    n as f64 / started.elapsed().as_secs_f64()
}

fn run(store: &Store, workers: usize, n: usize) -> f64 {
    let started = Instant::now();
    std::thread::scope(|scope| {
        for w in 0..workers {
            scope.spawn(move || {
                let name = format!("bench-{w}");
                let lease = now() + SignedDuration::from_mins(10);
                loop {
                    let claimed = store.claim_jobs(&name, now(), lease, 1).unwrap();
                    let Some(job) = claimed.into_iter().next() else {
                        break;
                    };
                    store.complete_job(job.id, &name, now()).unwrap();
                }
            });
        }
    });
    let counts = store.job_counts().unwrap();
    assert_eq!(counts.done as usize, n, "every job done exactly once");
    n as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let n: usize = std::env::var("JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let options = PoolOptions {
        max_size: 8,
        ..PoolOptions::default()
    };
    let postgres = start_postgres(Durability::Durable);
    println!(
        "| engine | workers | jobs | enqueue (jobs/s, 1000 per transaction) | claim + complete (jobs/s) |"
    );
    println!("|---|---|---|---|---|");
    for workers in [1, 4] {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let sqlite = Store::open(&url, &options).unwrap();
        let (e, r) = (enqueue(&sqlite, n), run(&sqlite, workers, n));
        println!("| SQLite | {workers} | {n} | {e:.0} | {r:.0} |");

        let url = postgres.create_database(&format!("bench_jobs_{workers}"));
        let pg = Store::open(&url, &options).unwrap();
        let (e, r) = (enqueue(&pg, n), run(&pg, workers, n));
        println!("| PostgreSQL | {workers} | {n} | {e:.0} | {r:.0} |");
    }
}
