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
