//! A list's total, counted up to a cap.

use crate::StoreError;

/// How far the dashboard counts a list's total. Counting every matching row costs a
/// scan of all of them on every page view (tens of milliseconds or more at a
/// million rows); past this many the dashboard says "more than".
pub const TALLY_CAP: u32 = 1_000;

/// How many rows match a list's filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tally {
    /// Exactly this many.
    Exact(u64),
    /// More than this many (the cap).
    MoreThan(u64),
}

impl Tally {
    /// More than `cap` when a row exists past it, else the exact `count`
    /// (then at most `cap` rows to count).
    pub(crate) fn counted(
        cap: u32,
        row_past_cap: bool,
        count: impl FnOnce() -> Result<i64, StoreError>,
    ) -> Result<Self, StoreError> {
        if row_past_cap {
            Ok(Self::MoreThan(u64::from(cap)))
        } else {
            count().map(|n| Self::Exact(u64::try_from(n).unwrap_or(0)))
        }
    }
}

/// The tally of one creditor's rows of `$table` in `$status` (or in any),
/// up to `$cap`, for every table with `creditor_id`, `status` and `id`
/// columns. A macro, not a function: each table and each engine's boxed
/// query is its own type.
macro_rules! tally_in_status {
    ($conn:expr, $tenant:expr, $table:ident, $status:expr, $cap:expr) => {{
        let (tenant, status, cap): (&str, Option<&str>, u32) = ($tenant, $status, $cap);
        macro_rules! in_status {
            () => {{
                let mut query = $table::table
                    .filter($table::creditor_id.eq(tenant.to_owned()))
                    .into_boxed();
                if let Some(status) = status {
                    query = query.filter($table::status.eq(status.to_owned()));
                }
                query
            }};
        }
        let past_cap: Option<String> = $crate::engine::on_each_engine!($conn, |c| in_status!()
            .select($table::id)
            .offset(i64::from(cap))
            .limit(1)
            .get_result(c)
            .optional())?;
        $crate::Tally::counted(cap, past_cap.is_some(), || {
            Ok($crate::engine::on_each_engine!($conn, |c| in_status!()
                .count()
                .get_result(c))?)
        })
    }};
}
pub(crate) use tally_in_status;
