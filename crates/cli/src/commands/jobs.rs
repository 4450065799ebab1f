//! `prelevo jobs status|dead|retry`

use clap::Subcommand;
use prelevo_domain::{Clock, SystemClock};
use prelevo_store::JobState;

use crate::CliError;
use crate::commands::open_store;

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Jobs and outbox messages per state.
    Status,
    /// The jobs that failed their last attempt, the latest first, with
    /// their last error.
    Dead {
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Queue a dead job again, due now and with all its attempts, once
    /// what made it fail is mended (a day's collection run that died is run
    /// again this way, card gateway included).
    Retry {
        /// The job's id (`prelevo jobs dead`).
        id: i64,
    },
}

pub fn run(database_url: &str, json: bool, command: JobsCommand) -> Result<(), CliError> {
    let store = open_store(database_url)?;
    match command {
        JobsCommand::Status => {
            let jobs = store.job_counts()?;
            let outbox = store.outbox_counts()?;
            if json {
                let by_state = |c: prelevo_store::JobCounts| {
                    JobState::ALL
                        .iter()
                        .map(|s| (s.code(), c.get(*s)))
                        .collect::<std::collections::BTreeMap<_, _>>()
                };
                return crate::output::json(&serde_json::json!({
                    "jobs": by_state(jobs),
                    "outbox": by_state(outbox),
                }));
            }
            println!("{:<10} {:>10} {:>10}", "state", "jobs", "outbox");
            for state in JobState::ALL {
                println!(
                    "{:<10} {:>10} {:>10}",
                    state.code(),
                    jobs.get(state),
                    outbox.get(state)
                );
            }
            Ok(())
        }
        JobsCommand::Dead { limit } => {
            let dead = store.dead_jobs(limit.clamp(1, 1_000))?;
            if json {
                let listed: Vec<_> = dead
                    .iter()
                    .map(|j| {
                        serde_json::json!({
                            "id": j.id,
                            "kind": j.kind,
                            "creditor_id": j.creditor_id,
                            "attempts": j.attempts,
                            "last_error": j.last_error,
                            "died_at": j.finished_at.map(|at| at.to_string()),
                        })
                    })
                    .collect();
                return crate::output::json(&serde_json::json!({ "dead": listed }));
            }
            for j in &dead {
                println!(
                    "{}\t{}\t{}\t{} attempts\t{}\t{}",
                    j.id,
                    j.kind,
                    j.creditor_id.as_deref().unwrap_or("-"),
                    j.attempts,
                    j.finished_at
                        .map_or_else(|| "-".to_owned(), |at| at.to_string()),
                    j.last_error.as_deref().unwrap_or("")
                );
            }
            Ok(())
        }
        JobsCommand::Retry { id } => {
            if !store.retry_dead_job(id, SystemClock.now())? {
                return Err(CliError::invalid(format!(
                    "job {id} is not dead (unknown, or queued, running or done): nothing to retry"
                )));
            }
            if json {
                return crate::output::json(&serde_json::json!({ "queued": id }));
            }
            println!("job {id} queued again");
            Ok(())
        }
    }
}
