//! How the payment and plan pages name a payment method: a mandate by its
//! UMR, a card by its network and last four digits — what a customer
//! service agent reads to the customer, not Prelevo's ids.

use prelevo_domain::Instrument;
use prelevo_store::{StoreError, TenantTx};

/// The method `instrument` as a page names it; `None` for the creditor's
/// own account (a transfer has no debtor's method). A mandate still
/// without its UMR is named by its id.
pub(super) fn method_name(
    tx: &mut TenantTx<'_, '_>,
    instrument: &Instrument,
) -> Result<Option<String>, StoreError> {
    Ok(match instrument {
        Instrument::Mandate(id) => {
            let mandate = tx.mandate(id)?;
            Some(
                mandate
                    .reference
                    .map_or_else(|| id.to_string(), |umr| umr.as_str().to_owned()),
            )
        }
        Instrument::Card(id) => {
            let card = tx.card_alias(id)?;
            Some(format!(
                "{} •••• {}",
                card.brand.as_str(),
                card.last4.as_str()
            ))
        }
        Instrument::OwnAccount => None,
    })
}
