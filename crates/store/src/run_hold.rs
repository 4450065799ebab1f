//! The hold on a creditor's collection run: one run of a creditor's day at
//! a time, whoever starts it (the server's daily job, `prelevo collect`).
//! A hold lapses at its time, so a run that crashed frees the day.

use diesel::prelude::*;
use jiff::Timestamp;

use crate::engine::on_each_engine;
use crate::schema::creditors;
use crate::sql_types::DbInstant;
use crate::{StoreError, TenantTx};

impl TenantTx<'_, '_> {
    /// Takes or renews the hold on this creditor's collection run for
    /// `holder` until `until`: when no one holds it, its hold lapsed
    /// before `now`, or `holder` holds it already. Otherwise answers who
    /// holds it, and until when.
    pub fn hold_collection_run(
        &mut self,
        holder: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<Option<(String, Timestamp)>, StoreError> {
        let tenant = self.tenant().to_owned();
        let (now, until) = (DbInstant::from(now), DbInstant::from(until));
        let taken = on_each_engine!(self.conn, |c| diesel::update(
            creditors::table.filter(creditors::id.eq(&tenant)).filter(
                creditors::run_held_by
                    .is_null()
                    .or(creditors::run_held_by.eq(holder))
                    .or(creditors::run_held_until.lt(now))
            )
        )
        .set((
            creditors::run_held_by.eq(holder),
            creditors::run_held_until.eq(until),
        ))
        .execute(c))?;
        if taken == 1 {
            return Ok(None);
        }
        let held: (Option<String>, Option<DbInstant>) = on_each_engine!(self.conn, |c| {
            creditors::table
                .filter(creditors::id.eq(&tenant))
                .select((creditors::run_held_by, creditors::run_held_until))
                .get_result(c)
        })?;
        match held {
            (Some(by), Some(until)) => Ok(Some((by, until.get()))),
            _ => Err(StoreError::NotFound {
                entity: "creditor",
                id: tenant,
            }),
        }
    }

    /// Ends `holder`'s hold on this creditor's collection run (one it no
    /// longer has is left alone).
    pub fn release_collection_run(&mut self, holder: &str) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        on_each_engine!(self.conn, |c| diesel::update(
            creditors::table
                .filter(creditors::id.eq(&tenant))
                .filter(creditors::run_held_by.eq(holder))
        )
        .set((
            creditors::run_held_by.eq(None::<String>),
            creditors::run_held_until.eq(None::<DbInstant>),
        ))
        .execute(c))?;
        Ok(())
    }
}
