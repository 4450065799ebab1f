//! Card aliases: registered from the gateway's token (never a card
//! number: a field that looks like one is refused), deleted by the
//! creditor, or deleted once their expiry month has ended. Registering one
//! makes it the customer's payment method; deleting it leaves the customer
//! without one.

use prelevo_domain::{
    CardAlias, CardAliasId, CardBrand, CardDeletion, CardExpiry, CardLast4, CardStatus, CardToken,
    Clock, PaymentMethodRef, TEXT_FIELD_MAX, looks_like_card_number, text_field,
};
use prelevo_store::{Actor, StoreError, TenantStore, TenantTx};
use serde_json::json;

use crate::AppError;
use crate::audit::{Audited, record_change};
use crate::customers::live_customer;
use crate::fields::Fields;

/// A card alias's fields as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardAliasInput {
    /// The customer whose card it is.
    pub customer_id: String,
    /// The gateway's token.
    pub token: String,
    /// `visa`, `mastercard`, `amex`, `cb` or `other`.
    pub brand: String,
    /// The last four digits.
    pub last4: String,
    /// Expiry month, 1–12.
    pub expiry_month: i64,
    /// Expiry year, four digits.
    pub expiry_year: i64,
    /// The name on the card.
    pub holder: Option<String>,
}

impl Audited for CardAlias {
    const ENTITY: &'static str = "card_alias";

    fn audit_id(&self) -> &str {
        self.id.as_str()
    }

    fn snapshot(&self) -> serde_json::Value {
        let a = self;
        json!({
            "customer_id": a.customer_id.as_str(),
            "brand": a.brand.as_str(),
            "last4": a.last4.as_str(),
            "expiry": format!("{:02}/{}", a.expiry.month(), a.expiry.year()),
            "status": a.status.as_str(),
        })
    }

    fn changed_at(&self) -> jiff::Timestamp {
        self.updated_at
    }
}

/// Registers a card alias and makes it the customer's payment method.
pub fn create_card_alias(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    input: &CardAliasInput,
) -> Result<CardAlias, AppError> {
    let id = CardAliasId::from_body(&uuid::Uuid::now_v7().simple().to_string())
        .map_err(|e| AppError::System(e.to_string()))?;
    let now = clock.now();
    tenant.write(|tx| {
        let mut fields = Fields::default();
        let customer = live_customer(tx, &mut fields, "customer_id", &input.customer_id)?;
        let token = fields.take("token", CardToken::parse(&input.token));
        let brand = fields.take("brand", CardBrand::parse(&input.brand));
        let last4 = fields.take("last4", CardLast4::parse(&input.last4));
        let expiry = fields.take(
            "expiry",
            CardExpiry::new(input.expiry_month, input.expiry_year),
        );
        let holder = match input.holder.as_deref() {
            Some(h) if looks_like_card_number(h) => {
                fields.push(
                    "holder",
                    "looks like a card number: never send card numbers",
                );
                None
            }
            holder => fields.take("holder", text_field(holder, TEXT_FIELD_MAX)),
        };
        let checked = match (customer, token, brand, last4, expiry, holder) {
            (Some(c), Some(t), Some(b), Some(l), Some(e), Some(h)) => Some((c, t, b, l, e, h)),
            _ => None,
        };
        let (customer, token, brand, last4, expiry, holder) = fields.finish(checked)?;
        let alias = CardAlias {
            id: id.clone(),
            customer_id: customer.id.clone(),
            token,
            brand,
            last4,
            expiry,
            holder,
            status: CardStatus::Active,
            deleted_at: None,
            created_at: now,
            updated_at: now,
        };
        tx.insert_card_alias(&alias).map_err(|e| match e {
            StoreError::Conflict { .. } => {
                AppError::Conflict("this gateway token is already registered".into())
            }
            other => other.into(),
        })?;
        record_change(tx, actor, "created", None, &alias)?;
        let mut holder_customer = customer;
        holder_customer.payment_method = PaymentMethodRef::Card(alias.id.clone());
        holder_customer.updated_at = now;
        tx.save_customer(&holder_customer)?;
        Ok(alias)
    })
}

/// Deletes `alias` in `tx` for `why`, and takes it off its customer.
fn delete_in(
    tx: &mut TenantTx<'_, '_>,
    actor: &Actor,
    before: &CardAlias,
    why: CardDeletion,
    at: jiff::Timestamp,
) -> Result<CardAlias, AppError> {
    let mut after = before.clone();
    after
        .delete(why, at)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    after.updated_at = at;
    tx.save_card_alias(&after)?;
    let mut customer = tx.customer(&after.customer_id)?;
    if customer.payment_method == PaymentMethodRef::Card(after.id.clone()) {
        customer.payment_method = PaymentMethodRef::None;
        customer.updated_at = at;
        tx.save_customer(&customer)?;
    }
    tx.record_domain_event(
        "card_alias.deleted",
        after.id.as_str(),
        &json!({ "customer_id": after.customer_id.as_str(), "why": why.as_str() }).to_string(),
        at,
    )?;
    record_change(tx, actor, "deleted", Some(before), &after)?;
    Ok(after)
}

/// Deletes a card alias at the creditor's request.
pub fn delete_card_alias(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    id: &CardAliasId,
) -> Result<CardAlias, AppError> {
    tenant.write(|tx| {
        let before = tx.card_alias(id)?;
        delete_in(tx, actor, &before, CardDeletion::ByCreditor, clock.now())
    })
}

/// Most card aliases deleted per transaction; the job goes on until none is
/// left, so a month's expiries never make one huge transaction.
const EXPIRY_BATCH: i64 = 500;

/// Deletes this creditor's card aliases whose expiry month has ended (on
/// the creditor's today); returns how many. Running it again deletes
/// nothing more.
pub fn delete_expired_card_aliases(
    tenant: &TenantStore,
    clock: &dyn Clock,
) -> Result<usize, AppError> {
    let mut deleted = 0;
    loop {
        let batch = tenant.write(|tx| {
            let today = clock.today_in(tx.creditor()?.timezone.tz());
            let expired = tx.expired_card_aliases(today, EXPIRY_BATCH)?;
            for alias in &expired {
                delete_in(
                    tx,
                    &Actor::System,
                    alias,
                    CardDeletion::Expired,
                    clock.now(),
                )?;
            }
            Ok::<_, AppError>(expired.len())
        })?;
        deleted += batch;
        // Deleted aliases leave the candidates: a short batch was the last.
        if i64::try_from(batch).unwrap_or(i64::MAX) < EXPIRY_BATCH {
            return Ok(deleted);
        }
    }
}
