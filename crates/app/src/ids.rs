//! Fresh row identifiers: a time-ordered UUID (v7) as the body, so ids sort
//! by creation and lists can page by id.

use prelevo_domain::IdError;

use crate::AppError;

/// A new id of the kind `from_body` builds.
pub(crate) fn fresh_id<T>(from_body: fn(&str) -> Result<T, IdError>) -> Result<T, AppError> {
    from_body(&uuid::Uuid::now_v7().simple().to_string())
        .map_err(|e| AppError::System(e.to_string()))
}

/// A name for this process's workers in lease columns, unique across hosts
/// and restarts: the pid alone repeats (every container is pid 1), and a
/// worker taking another's name would never notice it lost a lease.
pub(crate) fn process_name() -> String {
    let random = uuid::Uuid::now_v7().simple().to_string();
    // The last hex digits of a v7 UUID are random.
    let tail = random.get(20..).unwrap_or(&random);
    format!("prelevo-{}-{tail}", std::process::id())
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_processes_never_share_a_worker_name() {
        let (a, b) = (super::process_name(), super::process_name());
        assert_ne!(a, b);
        assert!(
            a.starts_with(&format!("prelevo-{}-", std::process::id())),
            "{a}"
        );
    }
}
