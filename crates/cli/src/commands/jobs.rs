//! `prelevo jobs status`

use clap::Subcommand;
use prelevo_store::JobState;

use crate::CliError;
use crate::commands::open_store;

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Jobs and outbox messages per state.
    Status,
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
    }
}
