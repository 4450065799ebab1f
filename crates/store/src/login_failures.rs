//! Failed-login counters per account and per client address, in the
//! database so that every instance counts together.

use diesel::prelude::*;
use prelevo_domain::FailureCount;

use crate::engine::on_each_engine;
use crate::schema::login_failures;
use crate::sql_types::DbInstant;
use crate::{PlatformTx, StoreError};

impl PlatformTx<'_, '_> {
    /// The failures counted under `key` (e.g. `account:a@b.example`).
    pub fn login_failures(&mut self, key: &str) -> Result<Option<FailureCount>, StoreError> {
        let row: Option<(i32, DbInstant, Option<DbInstant>)> =
            on_each_engine!(self.conn, |c| login_failures::table
                .select((
                    login_failures::failures,
                    login_failures::window_start,
                    login_failures::locked_until,
                ))
                .filter(login_failures::throttle_key.eq(key))
                .get_result(c)
                .optional())?;
        Ok(
            row.map(|(failures, window_start, locked_until)| FailureCount {
                failures: u32::try_from(failures).unwrap_or(0),
                window_start: window_start.get(),
                locked_until: locked_until.map(DbInstant::get),
            }),
        )
    }

    /// Stores the failures counted under `key`.
    pub fn save_login_failures(
        &mut self,
        key: &str,
        count: &FailureCount,
    ) -> Result<(), StoreError> {
        let failures = i32::try_from(count.failures).unwrap_or(i32::MAX);
        let window_start = DbInstant::from(count.window_start);
        let locked_until = count.locked_until.map(DbInstant::from);
        on_each_engine!(self.conn, |c| diesel::insert_into(login_failures::table)
            .values((
                login_failures::throttle_key.eq(key),
                login_failures::failures.eq(failures),
                login_failures::window_start.eq(window_start),
                login_failures::locked_until.eq(locked_until),
            ))
            .on_conflict(login_failures::throttle_key)
            .do_update()
            .set((
                login_failures::failures.eq(failures),
                login_failures::window_start.eq(window_start),
                login_failures::locked_until.eq(locked_until),
            ))
            .execute(c))?;
        Ok(())
    }

    /// Forgets the failures under `key` (after a successful login).
    pub fn clear_login_failures(&mut self, key: &str) -> Result<(), StoreError> {
        on_each_engine!(self.conn, |c| diesel::delete(
            login_failures::table.filter(login_failures::throttle_key.eq(key))
        )
        .execute(c))?;
        Ok(())
    }
}
