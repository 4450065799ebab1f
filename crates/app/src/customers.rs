//! Customers (subscribers): created, changed, suspended, reactivated and
//! struck off, every change audited; a struck-off customer refuses any
//! change. Suspensions and strikes are domain events other modules (plans,
//! payments) react to.

use prelevo_domain::{
    CardAlias, CardAliasId, CardStatus, Civility, Clock, Customer, CustomerCode, CustomerDetails,
    CustomerEvent, CustomerFieldError, CustomerId, CustomerStatus, EmailAddress, Health,
    LastOutcome, Locale, MandateId, MandateStatus, PaymentMethodRef, TEXT_FIELD_MAX, country_field,
    text_field,
};
use prelevo_store::{
    Actor, CustomerFilter, ListedCustomer, ListedMandate, MandateFilter, Position, StoreError,
    TALLY_CAP, Tally, TenantStore, TenantTx,
};
use serde_json::json;

use crate::AppError;
use crate::audit::{Audited, record_change};
use crate::fields::Fields;

/// A customer's fields as given (API body, form, CSV line). For a change,
/// `None` keeps the current value and `Some("")` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerInput {
    /// The creditor's reference for the customer (required on creation).
    pub code: Option<String>,
    /// `mr`, `mrs` or `none`.
    pub civility: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Given name.
    pub first_name: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// Address line 1.
    pub address_line1: Option<String>,
    /// Address line 2.
    pub address_line2: Option<String>,
    /// Address line 3.
    pub address_line3: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// City.
    pub city: Option<String>,
    /// ISO country code.
    pub country: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Landline.
    pub phone: Option<String>,
    /// Mobile.
    pub mobile: Option<String>,
    /// `fr` or `en`.
    pub language: Option<String>,
    /// The id of the customer who pays for this one (`""`: nobody).
    pub payer_id: Option<String>,
}

/// Short free-text fields (postal code, phones).
const SHORT_FIELD_MAX: usize = 30;

/// The new value of an optional text field: given (possibly cleared) or kept.
fn text(
    fields: &mut Fields,
    name: &str,
    given: Option<&str>,
    current: Option<&String>,
    max: usize,
) -> Option<String> {
    match given {
        Some(value) => fields.take(name, text_field(Some(value), max)).flatten(),
        None => current.cloned(),
    }
}

fn details(
    fields: &mut Fields,
    input: &CustomerInput,
    current: Option<&CustomerDetails>,
) -> Option<CustomerDetails> {
    let keep = |f: fn(&CustomerDetails) -> Option<&String>| current.and_then(f);
    let civility = match (input.civility.as_deref(), current) {
        (Some(c), _) => fields.take("civility", Civility::parse(c)),
        (None, Some(d)) => Some(d.civility),
        (None, None) => Some(Civility::None),
    };
    let email = match input.email.as_deref().map(str::trim) {
        Some("") => Some(None),
        Some(e) => fields.take("email", EmailAddress::parse(e)).map(Some),
        None => Some(current.and_then(|d| d.email.clone())),
    };
    let language = match input.language.as_deref().map(str::trim) {
        Some("") => Some(None),
        Some(l) => fields.take("language", Locale::parse(l)).map(Some),
        None => Some(current.and_then(|d| d.language)),
    };
    let country = match input.country.as_deref() {
        Some(c) => fields.take("country", country_field(Some(c))),
        None => Some(current.and_then(|d| d.country.clone())),
    };
    let last_name = text(
        fields,
        "last_name",
        input.last_name.as_deref(),
        keep(|d| d.last_name.as_ref()),
        TEXT_FIELD_MAX,
    );
    let first_name = text(
        fields,
        "first_name",
        input.first_name.as_deref(),
        keep(|d| d.first_name.as_ref()),
        TEXT_FIELD_MAX,
    );
    let company = text(
        fields,
        "company",
        input.company.as_deref(),
        keep(|d| d.company.as_ref()),
        TEXT_FIELD_MAX,
    );
    let address = [
        text(
            fields,
            "address_line1",
            input.address_line1.as_deref(),
            keep(|d| d.address[0].as_ref()),
            TEXT_FIELD_MAX,
        ),
        text(
            fields,
            "address_line2",
            input.address_line2.as_deref(),
            keep(|d| d.address[1].as_ref()),
            TEXT_FIELD_MAX,
        ),
        text(
            fields,
            "address_line3",
            input.address_line3.as_deref(),
            keep(|d| d.address[2].as_ref()),
            TEXT_FIELD_MAX,
        ),
    ];
    let postal_code = text(
        fields,
        "postal_code",
        input.postal_code.as_deref(),
        keep(|d| d.postal_code.as_ref()),
        SHORT_FIELD_MAX,
    );
    let city = text(
        fields,
        "city",
        input.city.as_deref(),
        keep(|d| d.city.as_ref()),
        TEXT_FIELD_MAX,
    );
    let phone = text(
        fields,
        "phone",
        input.phone.as_deref(),
        keep(|d| d.phone.as_ref()),
        SHORT_FIELD_MAX,
    );
    let mobile = text(
        fields,
        "mobile",
        input.mobile.as_deref(),
        keep(|d| d.mobile.as_ref()),
        SHORT_FIELD_MAX,
    );
    // Checked whatever else is wrong, so that every error is reported (and
    // on what was given: a name too long is not also a missing one).
    let given = |value: Option<&str>, kept: Option<&String>| {
        value.map_or(kept.is_some(), |v| !v.trim().is_empty())
    };
    let named = given(input.last_name.as_deref(), keep(|d| d.last_name.as_ref()))
        || given(input.company.as_deref(), keep(|d| d.company.as_ref()));
    if !named {
        fields.push("last_name", CustomerFieldError::Unnamed);
    }
    let (Some(civility), Some(country), Some(email), Some(language), true) =
        (civility, country, email, language, named)
    else {
        return None;
    };
    Some(CustomerDetails {
        civility,
        last_name,
        first_name,
        company,
        address,
        postal_code,
        city,
        country,
        email,
        phone,
        mobile,
        language,
    })
}

/// The customer named by `text` in `field`, when it is one of this
/// creditor's and not struck off; otherwise the field's error is recorded.
pub(crate) fn live_customer(
    tx: &mut TenantTx<'_, '_>,
    fields: &mut Fields,
    field: &str,
    text: &str,
) -> Result<Option<Customer>, AppError> {
    let Some(id) = fields.take(field, CustomerId::parse(text.trim())) else {
        return Ok(None);
    };
    match tx.customer(&id) {
        Ok(c) if c.status == CustomerStatus::StruckOff => {
            fields.push(field, format!("customer {id} is struck off"));
            Ok(None)
        }
        Ok(c) => Ok(Some(c)),
        Err(StoreError::NotFound { .. }) => {
            fields.push(field, format!("no customer {id}"));
            Ok(None)
        }
        Err(other) => Err(other.into()),
    }
}

/// The payer named in `input`: another live customer of this creditor.
fn payer(
    tx: &mut TenantTx<'_, '_>,
    fields: &mut Fields,
    input: Option<&str>,
    current: Option<&CustomerId>,
    this: &CustomerId,
) -> Result<Option<Option<CustomerId>>, AppError> {
    let Some(given) = input.map(str::trim) else {
        return Ok(Some(current.cloned()));
    };
    if given.is_empty() {
        return Ok(Some(None));
    }
    if given == this.as_str() {
        fields.push("payer_id", "a customer cannot pay for themselves");
        return Ok(None);
    }
    Ok(live_customer(tx, fields, "payer_id", given)?.map(|payer| Some(payer.id)))
}

impl Audited for Customer {
    const ENTITY: &'static str = "customer";

    fn audit_id(&self) -> &str {
        self.id.as_str()
    }

    fn snapshot(&self) -> serde_json::Value {
        let c = self;
        let d = &c.details;
        json!({
            "code": c.code.as_str(),
            "civility": d.civility.as_str(),
            "last_name": d.last_name,
            "first_name": d.first_name,
            "company": d.company,
            "address": d.address,
            "postal_code": d.postal_code,
            "city": d.city,
            "country": d.country,
            "email": d.email.as_ref().map(EmailAddress::as_str),
            "phone": d.phone,
            "mobile": d.mobile,
            "language": d.language.as_ref().map(Locale::as_str),
            "status": c.status.as_str(),
            "payer_id": c.payer_id.as_ref().map(CustomerId::as_str),
            "payment_method": c.payment_method.kind(),
        })
    }

    fn changed_at(&self) -> jiff::Timestamp {
        self.updated_at
    }
}

/// Creates a customer; its code must be new for this creditor.
pub fn create_customer(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    input: &CustomerInput,
) -> Result<Customer, AppError> {
    tenant.write(|tx| create_customer_in(tx, clock, actor, input))
}

/// [`create_customer`] inside the caller's transaction (an import applies
/// many lines in one); nothing is written when a field is refused.
pub(crate) fn create_customer_in(
    tx: &mut TenantTx<'_, '_>,
    clock: &dyn Clock,
    actor: &Actor,
    input: &CustomerInput,
) -> Result<Customer, AppError> {
    let customer = checked_customer(tx, input, clock.now())?;
    tx.insert_customer(&customer).map_err(|e| match e {
        StoreError::Conflict { .. } => AppError::Conflict(format!(
            "customer code {} is already used by another customer",
            customer.code
        )),
        other => other.into(),
    })?;
    record_change(tx, actor, "created", None, &customer)?;
    Ok(customer)
}

/// The new customer `input` describes, created `now`: every field checked
/// (all refusals at once), nothing stored yet.
pub(crate) fn checked_customer(
    tx: &mut TenantTx<'_, '_>,
    input: &CustomerInput,
    now: jiff::Timestamp,
) -> Result<Customer, AppError> {
    let id = crate::ids::fresh_id(CustomerId::from_body)?;
    let mut fields = Fields::default();
    let code = match input.code.as_deref() {
        Some(code) => fields.take("reference", CustomerCode::parse(code)),
        None => {
            fields.push("reference", "is required");
            None
        }
    };
    let details = details(&mut fields, input, None);
    let payer_id = payer(tx, &mut fields, input.payer_id.as_deref(), None, &id)?;
    let (code, details, payer_id) = fields.finish(match (code, details, payer_id) {
        (Some(c), Some(d), Some(p)) => Some((c, d, p)),
        _ => None,
    })?;
    Ok(Customer {
        id,
        code,
        details,
        status: CustomerStatus::Active,
        payer_id,
        payment_method: PaymentMethodRef::None,
        last_outcome: LastOutcome::Unknown,
        created_at: now,
        updated_at: now,
    })
}

/// Changes a customer's details; a struck-off customer refuses.
pub fn update_customer(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    id: &CustomerId,
    input: &CustomerInput,
) -> Result<Customer, AppError> {
    tenant.write(|tx| {
        let before = tx.customer(id)?;
        before
            .status
            .apply(CustomerEvent::Edit)
            .map_err(|e| AppError::Conflict(e.to_string()))?;
        let mut fields = Fields::default();
        let code = match input.code.as_deref() {
            Some(code) => fields.take("reference", CustomerCode::parse(code)),
            None => Some(before.code.clone()),
        };
        let details = details(&mut fields, input, Some(&before.details));
        let payer_id = payer(
            tx,
            &mut fields,
            input.payer_id.as_deref(),
            before.payer_id.as_ref(),
            id,
        )?;
        let (code, details, payer_id) = fields.finish(match (code, details, payer_id) {
            (Some(c), Some(d), Some(p)) => Some((c, d, p)),
            _ => None,
        })?;
        let after = Customer {
            code,
            details,
            payer_id,
            updated_at: clock.now(),
            ..before.clone()
        };
        tx.save_customer(&after).map_err(|e| match e {
            StoreError::Conflict { .. } => AppError::Conflict(format!(
                "customer code {} is already used by another customer",
                after.code
            )),
            other => other.into(),
        })?;
        record_change(tx, actor, "updated", Some(&before), &after)?;
        Ok(after)
    })
}

/// Suspends, reactivates or strikes off a customer, and records the domain
/// event (`customer.suspended`, `customer.reactivated`,
/// `customer.struck_off`) for the modules that stop or resume collections.
pub fn change_customer_status(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    id: &CustomerId,
    event: CustomerEvent,
) -> Result<Customer, AppError> {
    let (action, kind) = match event {
        CustomerEvent::Suspend => ("suspended", "customer.suspended"),
        CustomerEvent::Reactivate => ("reactivated", "customer.reactivated"),
        CustomerEvent::StrikeOff => ("struck_off", "customer.struck_off"),
        CustomerEvent::Edit => return Err(AppError::invalid("status", "not a status change")),
    };
    tenant.write(|tx| {
        let before = tx.customer(id)?;
        let status = before
            .status
            .apply(event)
            .map_err(|e| AppError::Conflict(e.to_string()))?;
        let after = Customer {
            status,
            updated_at: clock.now(),
            ..before.clone()
        };
        tx.save_customer(&after)?;
        crate::events::publish(
            tx,
            kind,
            id.as_str(),
            &json!({ "status": status.as_str() }),
            after.updated_at,
        )?;
        record_change(tx, actor, action, Some(&before), &after)?;
        Ok(after)
    })
}

/// A customer as a list shows it: with its payment method's health on the
/// creditor's today.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerWithHealth {
    /// The customer.
    pub customer: Customer,
    /// Its payment method's health.
    pub health: Health,
}

/// A page of customers matching `filter` (and `health`, on the creditor's
/// today), newest first, each with its health — one query for the page.
pub fn list_customers(
    tenant: &TenantStore,
    clock: &dyn Clock,
    filter: &CustomerFilter,
    health: Option<Health>,
    position: Position<CustomerId>,
    limit: i64,
) -> Result<Vec<CustomerWithHealth>, AppError> {
    tenant.read(|tx| {
        let (filter, today) = on_creditor_today(tx, clock, filter, health)?;
        let listed = tx.customers(&filter, position, limit)?;
        Ok(listed
            .into_iter()
            .map(|l: ListedCustomer| CustomerWithHealth {
                health: l.health(today),
                customer: l.customer,
            })
            .collect())
    })
}

/// How many customers match `filter` (and `health`, on the creditor's
/// today), counted up to [`TALLY_CAP`]: a list's total.
pub fn tally_customers(
    tenant: &TenantStore,
    clock: &dyn Clock,
    filter: &CustomerFilter,
    health: Option<Health>,
) -> Result<Tally, AppError> {
    tenant.read(|tx| {
        let (filter, _) = on_creditor_today(tx, clock, filter, health)?;
        Ok(tx.tally_customers(&filter, TALLY_CAP)?)
    })
}

/// `filter` narrowed to `health` on the creditor's today, and that day.
fn on_creditor_today(
    tx: &mut TenantTx<'_, '_>,
    clock: &dyn Clock,
    filter: &CustomerFilter,
    health: Option<Health>,
) -> Result<(CustomerFilter, jiff::civil::Date), AppError> {
    let today = clock.today_in(tx.creditor()?.timezone.tz());
    let filter = CustomerFilter {
        health: health.map(|h| (h, today)),
        ..filter.clone()
    };
    Ok((filter, today))
}

/// The health of `customer`'s payment method on the creditor's today.
pub fn customer_health(
    tenant: &TenantStore,
    clock: &dyn Clock,
    customer: &Customer,
) -> Result<Health, AppError> {
    tenant.read(|tx| {
        let today = clock.today_in(tx.creditor()?.timezone.tz());
        let method = tx.payment_method_facts(customer)?;
        Ok(prelevo_domain::health(method, customer.last_outcome, today))
    })
}

/// Most mandates the customer page shows (a customer rarely has more than
/// a handful; the mandate list finds the rest).
const FILE_MANDATES: i64 = 50;

/// Everything the customer page shows: identity, payment method and its
/// health, mandates, card aliases, who pays for them and whom they pay for.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerFile {
    /// The customer.
    pub customer: Customer,
    /// Its payment method's health today.
    pub health: Health,
    /// The customer who pays for this one.
    pub payer: Option<Customer>,
    /// The customers this one pays for.
    pub payees: Vec<Customer>,
    /// Its mandates, newest first.
    pub mandates: Vec<ListedMandate>,
    /// Its card aliases, newest first.
    pub card_aliases: Vec<CardAlias>,
}

/// One customer's file, read in one transaction.
pub fn customer_file(
    tenant: &TenantStore,
    clock: &dyn Clock,
    id: &CustomerId,
) -> Result<CustomerFile, AppError> {
    tenant.read(|tx| {
        let today = clock.today_in(tx.creditor()?.timezone.tz());
        let customer = tx.customer(id)?;
        let method = tx.payment_method_facts(&customer)?;
        let payer = customer
            .payer_id
            .as_ref()
            .map(|p| tx.customer(p))
            .transpose()?;
        let of_customer = MandateFilter {
            customer_id: Some(id.clone()),
            ..MandateFilter::default()
        };
        Ok(CustomerFile {
            health: prelevo_domain::health(method, customer.last_outcome, today),
            payer,
            payees: tx.paid_by(id)?,
            mandates: tx.mandates(&of_customer, Position::Start, FILE_MANDATES)?,
            card_aliases: tx.card_aliases_of(id)?,
            customer,
        })
    })
}

/// A payment method to give a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MethodChoice {
    /// None: nothing is collected from them.
    None,
    /// They pay by transfer or cheque, recorded by hand.
    Manual,
    /// One of their mandates (active, or waiting for its reference).
    Mandate(String),
    /// One of their active card aliases.
    Card(String),
}

/// Gives a customer who is not struck off a new payment method, replacing
/// the old one (which stays on file).
pub fn set_payment_method(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    id: &CustomerId,
    choice: &MethodChoice,
) -> Result<Customer, AppError> {
    tenant.write(|tx| {
        let before = tx.customer(id)?;
        if before.status == CustomerStatus::StruckOff {
            return Err(AppError::Conflict(format!(
                "customer {} is struck off: it cannot be changed",
                before.code
            )));
        }
        let method = match choice {
            MethodChoice::None => PaymentMethodRef::None,
            MethodChoice::Manual => PaymentMethodRef::Manual,
            MethodChoice::Mandate(text) => {
                let mandate_id =
                    MandateId::parse(text).map_err(|e| AppError::invalid("mandate_id", e))?;
                let mandate = tx.mandate(&mandate_id)?;
                if mandate.customer_id != *id {
                    return Err(AppError::invalid(
                        "mandate_id",
                        "is another customer's mandate",
                    ));
                }
                if !matches!(
                    mandate.status,
                    MandateStatus::Active | MandateStatus::PendingReference
                ) {
                    return Err(AppError::Conflict(format!(
                        "mandate {mandate_id} is {}: it cannot be used",
                        mandate.status.as_str()
                    )));
                }
                PaymentMethodRef::Mandate(mandate_id)
            }
            MethodChoice::Card(text) => {
                let card_id =
                    CardAliasId::parse(text).map_err(|e| AppError::invalid("card_alias_id", e))?;
                let card = tx.card_alias(&card_id)?;
                if card.customer_id != *id {
                    return Err(AppError::invalid(
                        "card_alias_id",
                        "is another customer's card",
                    ));
                }
                if card.status != CardStatus::Active {
                    return Err(AppError::Conflict(format!(
                        "card alias {card_id} is deleted: it cannot be used"
                    )));
                }
                PaymentMethodRef::Card(card_id)
            }
        };
        let mut after = before.clone();
        after.payment_method = method;
        after.updated_at = clock.now();
        tx.save_customer(&after)?;
        record_change(tx, actor, "payment_method_set", Some(&before), &after)?;
        Ok(after)
    })
}
