//! Errors of the storage layer. Callers see what went wrong in words a
//! person can act on; the driver's own error stays in the source chain.

/// Everything that can fail in `prelevo-store`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL names no engine Prelevo knows.
    #[error("unsupported database URL '{0}': use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    /// The database could not be reached or opened.
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    /// A migration failed; the schema is left as it was before it.
    #[error("database migration failed: {0}")]
    Migration(String),
    /// A row that the caller named does not exist for this creditor.
    #[error("{entity} '{id}' not found")]
    NotFound { entity: &'static str, id: String },
    /// A uniqueness rule refused the write.
    #[error("{entity} already exists: {detail}")]
    Conflict {
        entity: &'static str,
        detail: String,
    },
    /// A stored value no longer satisfies the domain's rules.
    #[error("corrupt {entity} row '{id}': {reason}")]
    Corrupt {
        entity: &'static str,
        id: String,
        reason: String,
    },
    /// A job or outbox lease was lost to another worker.
    #[error("lease on {entity} {id} is no longer held by this worker")]
    LeaseLost { entity: &'static str, id: i64 },
    /// A write was attempted through the read-only connections of point
    /// reads (a programming error: writes go through the pool).
    #[error("a write was attempted on a read-only connection")]
    ReadOnly,
    /// The database could not be rewritten (`Store::compact`); it is left
    /// as it was.
    #[error("cannot compact the database: {0}")]
    Compact(String),
    /// The pool could not hand out a connection in time.
    #[error("no database connection available: {0}")]
    Pool(#[from] r2d2::Error),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
}

impl StoreError {
    /// `Ok` when a statement that names one row by key changed it, else
    /// [`StoreError::NotFound`] for that row.
    pub(crate) fn unless_changed(
        changed: usize,
        entity: &'static str,
        id: impl ToString,
    ) -> Result<(), StoreError> {
        if changed == 0 {
            return Err(StoreError::NotFound {
                entity,
                id: id.to_string(),
            });
        }
        Ok(())
    }

    /// Maps a unique-violation to [`StoreError::Conflict`], leaves others alone.
    pub(crate) fn conflict_on_unique(
        entity: &'static str,
        detail: impl Into<String>,
    ) -> impl FnOnce(diesel::result::Error) -> StoreError {
        let detail = detail.into();
        move |error| match error {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => StoreError::Conflict { entity, detail },
            other => StoreError::Database(other),
        }
    }
}
