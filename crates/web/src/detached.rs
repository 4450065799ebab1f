//! Requests that run to their end even when their client goes away (an
//! idempotent POST: its answer must be kept for the retry). The server
//! waits for them when it stops, so that a deploy does not cut one off
//! between its change and the keeping of its answer.

use std::sync::Arc;

use tokio::sync::{OwnedRwLockReadGuard, RwLock};

/// The requests running on their own.
#[derive(Debug, Default)]
pub(crate) struct DetachedRequests(Arc<RwLock<()>>);

/// Held by one such request until it ends.
pub(crate) type Running = OwnedRwLockReadGuard<()>;

impl DetachedRequests {
    /// Marks a request as running until the guard is dropped.
    pub(crate) async fn hold(&self) -> Running {
        Arc::clone(&self.0).read_owned().await
    }

    /// Resolves once every request marked running has ended.
    pub(crate) async fn all_done(&self) {
        drop(self.0.write().await);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn stopping_waits_for_the_requests_still_running() {
        let detached = DetachedRequests::default();
        let running = detached.hold().await;
        let waited = tokio::time::timeout(Duration::from_millis(50), detached.all_done()).await;
        assert!(waited.is_err(), "a request still runs");
        drop(running);
        let waited = tokio::time::timeout(Duration::from_secs(5), detached.all_done()).await;
        assert!(waited.is_ok(), "none runs any more");
    }
}
