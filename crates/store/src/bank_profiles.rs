//! The bank profile of a creditor's collection account, and the numbering
//! of its bank files.

use diesel::prelude::*;
use jiff::civil::Time;
use prelevo_domain::{BankProfile, FirstCollection, Pain008Version};

use crate::engine::on_each_engine;
use crate::schema::creditors;
use crate::{StoreError, TenantTx};

impl TenantTx<'_, '_> {
    /// The creditor's bank profile.
    pub fn bank_profile(&mut self) -> Result<BankProfile, StoreError> {
        let tenant = self.tenant().to_owned();
        let (version, first, batch, cutoff, max, limit): (String, String, bool, String, i64, i64) =
            on_each_engine!(self.conn, |c| creditors::table
                .filter(creditors::id.eq(&tenant))
                .select((
                    creditors::pain008_version,
                    creditors::first_collection,
                    creditors::batch_booking,
                    creditors::cutoff_time,
                    creditors::max_file_transactions,
                    creditors::collection_limit_cents,
                ))
                .get_result(c))?;
        let corrupt = |reason: String| StoreError::Corrupt {
            entity: "creditor",
            id: tenant.clone(),
            reason,
        };
        BankProfile::new(
            Pain008Version::parse(&version).map_err(|e| corrupt(e.to_string()))?,
            FirstCollection::parse(&first).map_err(|e| corrupt(e.to_string()))?,
            batch,
            cutoff
                .parse::<Time>()
                .map_err(|e| corrupt(format!("cut-off {cutoff:?}: {e}")))?,
            max,
            limit,
        )
        .map_err(|e| corrupt(e.to_string()))
    }

    /// Saves the creditor's bank profile.
    pub fn save_bank_profile(&mut self, profile: &BankProfile) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        let changed = on_each_engine!(self.conn, |c| diesel::update(
            creditors::table.filter(creditors::id.eq(&tenant))
        )
        .set((
            creditors::pain008_version.eq(profile.pain008_version.as_str()),
            creditors::first_collection.eq(profile.first_collection.as_str()),
            creditors::batch_booking.eq(profile.batch_booking),
            creditors::cutoff_time.eq(profile.cutoff.to_string()),
            creditors::max_file_transactions.eq(i64::from(profile.max_file_transactions())),
            creditors::collection_limit_cents.eq(profile.collection_limit().minor()),
        ))
        .execute(c))?;
        StoreError::unless_changed(changed, "creditor", tenant)
    }

    /// Takes the creditor's next bank-file number (for message ids). On
    /// PostgreSQL the update locks the creditor's row until commit, so two
    /// runs cannot make files at once.
    pub fn take_file_number(&mut self) -> Result<i64, StoreError> {
        let tenant = self.tenant().to_owned();
        on_each_engine!(self.conn, |c| diesel::update(
            creditors::table.filter(creditors::id.eq(&tenant))
        )
        .set(creditors::file_sequence.eq(creditors::file_sequence + 1))
        .execute(c))?;
        Ok(on_each_engine!(self.conn, |c| creditors::table
            .filter(creditors::id.eq(&tenant))
            .select(creditors::file_sequence)
            .get_result(c))?)
    }
}
