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
use crate::card_gateway::{CardGateway, CardGatewayError, GatewayCard};
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

/// What the gateway holds under the input's token, asked before any
/// transaction opens (a network call never holds a database lock).
fn ask_gateway(
    gateway: &dyn CardGateway,
    token: &str,
) -> Result<Result<Option<GatewayCard>, CardGatewayError>, AppError> {
    let Ok(token) = CardToken::parse(token) else {
        // The field check reports it with the others.
        return Ok(Ok(None));
    };
    match gateway.card(&token) {
        Err(CardGatewayError::Unavailable(why)) => Err(AppError::Upstream(format!(
            "the card gateway did not answer ({why}); nothing was registered"
        ))),
        answer => Ok(answer),
    }
}

/// Registers a card alias and makes it the customer's payment method. When
/// the gateway knows the token, the brand, last four digits and expiry
/// given must be the gateway's.
pub fn create_card_alias(
    tenant: &TenantStore,
    clock: &dyn Clock,
    gateway: &dyn CardGateway,
    actor: &Actor,
    input: &CardAliasInput,
) -> Result<CardAlias, AppError> {
    let id = crate::ids::fresh_id(CardAliasId::from_body)?;
    let now = clock.now();
    let held = ask_gateway(gateway, &input.token)?;
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
        match &held {
            Err(e) => fields.push("token", e),
            Ok(Some(card)) => {
                if brand.as_ref().is_some_and(|b| *b != card.brand) {
                    fields.push(
                        "brand",
                        format!("the gateway's card is {}", card.brand.as_str()),
                    );
                }
                if last4.as_ref().is_some_and(|l| *l != card.last4) {
                    fields.push(
                        "last4",
                        format!("the gateway's card ends in {}", card.last4.as_str()),
                    );
                }
                if expiry.as_ref().is_some_and(|e| *e != card.expiry) {
                    fields.push(
                        "expiry",
                        format!(
                            "the gateway's card expires {:02}/{}",
                            card.expiry.month(),
                            card.expiry.year()
                        ),
                    );
                }
            }
            Ok(None) => {}
        }
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
    crate::events::publish(
        tx,
        "card_alias.deleted",
        after.id.as_str(),
        &json!({ "customer_id": after.customer_id.as_str(), "why": why.as_str() }),
        at,
    )?;
    record_change(tx, actor, "deleted", Some(before), &after)?;
    Ok(after)
}

/// Deletes a card alias at the creditor's request, after the gateway has
/// forgotten its token (if the gateway does not answer, nothing changes).
pub fn delete_card_alias(
    tenant: &TenantStore,
    clock: &dyn Clock,
    gateway: &dyn CardGateway,
    actor: &Actor,
    id: &CardAliasId,
) -> Result<CardAlias, AppError> {
    let alias = tenant.read(|tx| tx.card_alias(id))?;
    if alias.status != CardStatus::Active {
        return Err(AppError::Conflict(format!(
            "card alias {id} is already deleted"
        )));
    }
    match gateway.forget(&alias.token) {
        Ok(()) | Err(CardGatewayError::UnknownToken) => {}
        Err(e) => {
            return Err(AppError::Upstream(format!(
                "{e}; the card alias was not deleted"
            )));
        }
    }
    tenant.write(|tx| {
        let before = tx.card_alias(id)?;
        delete_in(tx, actor, &before, CardDeletion::ByCreditor, clock.now())
    })
}

/// Deletes the card alias of `token` because the gateway (the platform)
/// deleted the card; an alias already deleted is left as it is.
pub fn card_deleted_by_platform(
    tenant: &TenantStore,
    clock: &dyn Clock,
    token: &str,
) -> Result<Option<CardAlias>, AppError> {
    let token = CardToken::parse(token).map_err(|e| AppError::invalid("token", e))?;
    tenant.write(|tx| match tx.card_alias_by_token(&token)? {
        Some(before) if before.status == CardStatus::Active => Ok(Some(delete_in(
            tx,
            &Actor::System,
            &before,
            CardDeletion::ByPlatform,
            clock.now(),
        )?)),
        _ => Ok(None),
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
