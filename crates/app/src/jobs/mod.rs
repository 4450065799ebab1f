//! Background jobs: a trait each job implements, a registry that maps a
//! stored kind to its handler, and a pool of worker threads.
//!
//! **Jobs must be idempotent**: a job whose worker dies after doing its work
//! but before recording it is run again, so running it twice must change
//! nothing more than running it once.

mod registry;
mod retry;
mod worker;

pub use registry::{BackgroundJob, JobContext, JobError, JobRegistry, enqueue, enqueue_platform};
pub use retry::retry_delay;
pub use worker::{WorkerOptions, WorkerPool};
