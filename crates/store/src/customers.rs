//! Customers: one creditor's, through its tenant handle only.

use diesel::prelude::*;
use jiff::civil::Date;
use prelevo_domain::{
    CardAliasId, CardExpiry, Civility, Customer, CustomerCode, CustomerDetails, CustomerId,
    CustomerStatus, EmailAddress, ExpiryBands, FailureEffect, Health, LastOutcome, Locale,
    MandateId, MandateStatus, MethodFacts, PaymentMethodRef, ReasonCode, failure_effect,
};

use crate::card_aliases::card_status;
use crate::engine::on_each_engine;
use crate::schema::{card_aliases, customers, mandates};
use crate::sql_types::DbInstant;
use crate::{Position, StoreError, Tally, TenantTx};

/// Which customers a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerFilter {
    /// In this state.
    pub status: Option<CustomerStatus>,
    /// Whose code, name, company or email contains this text (any case).
    pub text: Option<String>,
    /// Created at or after.
    pub created_from: Option<jiff::Timestamp>,
    /// Created before.
    pub created_to: Option<jiff::Timestamp>,
    /// Whose payment method is of this kind (`none`, `manual`, `mandate`,
    /// `card`).
    pub payment_method: Option<String>,
    /// Whose payment method has this health on a given day.
    pub health: Option<(Health, Date)>,
}

/// A customer with the facts of its payment method, read in the same query
/// (a list shows every row's health without one query per row).
#[derive(Debug, Clone, PartialEq)]
pub struct ListedCustomer {
    /// The customer.
    pub customer: Customer,
    /// What its payment method is and its state.
    pub method: MethodFacts,
}

impl ListedCustomer {
    /// The payment method's health on `today`.
    pub fn health(&self, today: Date) -> Health {
        prelevo_domain::health(self.method, self.customer.last_outcome, today)
    }
}

/// The payment method's columns read beside a customer: the mandate's
/// status, or the card's status, deletion reason, expiry month and year.
type MethodColumns = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i32>,
    Option<i32>,
);

fn method_facts(customer: &Customer, columns: MethodColumns) -> Result<MethodFacts, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        entity: "customer",
        id: customer.id.to_string(),
        reason: format!("payment method: {reason}"),
    };
    let (mandate_status, card, deletion, month, year) = columns;
    Ok(match &customer.payment_method {
        PaymentMethodRef::None => MethodFacts::None,
        PaymentMethodRef::Manual => MethodFacts::Manual,
        PaymentMethodRef::Mandate(_) => {
            let status = mandate_status.ok_or_else(|| corrupt("mandate missing".into()))?;
            MethodFacts::Mandate(
                MandateStatus::parse(&status)
                    .ok_or_else(|| corrupt(format!("status {status:?}")))?,
            )
        }
        PaymentMethodRef::Card(_) => match (card, month, year) {
            (Some(status), Some(month), Some(year)) => MethodFacts::Card(
                card_status(&status, deletion.as_deref()).map_err(corrupt)?,
                CardExpiry::new(i64::from(month), i64::from(year))
                    .map_err(|e| corrupt(e.to_string()))?,
            ),
            _ => return Err(corrupt("card alias missing".into())),
        },
    })
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(
    table_name = customers,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
struct CustomerRow {
    id: String,
    creditor_id: String,
    code: String,
    civility: String,
    last_name: Option<String>,
    first_name: Option<String>,
    company: Option<String>,
    address_line1: Option<String>,
    address_line2: Option<String>,
    address_line3: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    country: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    mobile: Option<String>,
    language: Option<String>,
    status: String,
    payer_id: Option<String>,
    search_text: String,
    payment_method: String,
    payment_method_id: Option<String>,
    last_outcome: Option<String>,
    last_reason_code: Option<String>,
    /// Derived from `last_reason_code` (see [`effect_key`]), for the health
    /// filters; never read back.
    last_failure_effect: Option<String>,
    created_at: DbInstant,
    updated_at: DbInstant,
}

/// What the text search looks in, lower-cased.
fn search_text(c: &Customer) -> String {
    let d = &c.details;
    [
        Some(c.code.as_str()),
        d.last_name.as_deref(),
        d.first_name.as_deref(),
        d.company.as_deref(),
        d.email.as_ref().map(EmailAddress::as_str),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
    .to_lowercase()
}

/// `LIKE` pattern matching `text` anywhere, its wildcards taken literally.
pub(crate) fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

impl CustomerRow {
    fn from_domain(c: &Customer, creditor: &str) -> Self {
        let d = &c.details;
        let [line1, line2, line3] = d.address.clone();
        let (last_outcome, last_reason_code, last_failure_effect) = match c.last_outcome {
            LastOutcome::Unknown => (None, None, None),
            LastOutcome::Succeeded => (Some("succeeded".to_owned()), None, None),
            LastOutcome::Failed(code) => (
                Some("failed".to_owned()),
                Some(code.as_str().to_owned()),
                Some(effect_key(failure_effect(code)).to_owned()),
            ),
        };
        let payment_method_id = match &c.payment_method {
            PaymentMethodRef::Mandate(id) => Some(id.as_str().to_owned()),
            PaymentMethodRef::Card(id) => Some(id.as_str().to_owned()),
            PaymentMethodRef::None | PaymentMethodRef::Manual => None,
        };
        Self {
            id: c.id.as_str().to_owned(),
            creditor_id: creditor.to_owned(),
            code: c.code.as_str().to_owned(),
            civility: c.details.civility.as_str().to_owned(),
            last_name: d.last_name.clone(),
            first_name: d.first_name.clone(),
            company: d.company.clone(),
            address_line1: line1,
            address_line2: line2,
            address_line3: line3,
            postal_code: d.postal_code.clone(),
            city: d.city.clone(),
            country: d.country.clone(),
            email: d.email.as_ref().map(|e| e.as_str().to_owned()),
            phone: d.phone.clone(),
            mobile: d.mobile.clone(),
            language: d.language.map(|l| l.as_str().to_owned()),
            status: c.status.as_str().to_owned(),
            payer_id: c.payer_id.as_ref().map(|p| p.as_str().to_owned()),
            search_text: search_text(c),
            payment_method: c.payment_method.kind().to_owned(),
            payment_method_id,
            last_outcome,
            last_reason_code,
            last_failure_effect,
            created_at: c.created_at.into(),
            updated_at: c.updated_at.into(),
        }
    }

    /// Decodes a row through the domain's constructors.
    fn into_domain(self) -> Result<Customer, StoreError> {
        let id = self.id.clone();
        let corrupt = |reason: String| StoreError::Corrupt {
            entity: "customer",
            id: id.clone(),
            reason,
        };
        let payment_method = match (self.payment_method.as_str(), self.payment_method_id) {
            ("none", _) => PaymentMethodRef::None,
            ("manual", _) => PaymentMethodRef::Manual,
            ("mandate", Some(m)) => {
                PaymentMethodRef::Mandate(MandateId::parse(&m).map_err(|e| corrupt(e.to_string()))?)
            }
            ("card", Some(c)) => {
                PaymentMethodRef::Card(CardAliasId::parse(&c).map_err(|e| corrupt(e.to_string()))?)
            }
            (other, _) => return Err(corrupt(format!("payment method {other:?}"))),
        };
        let last_outcome = match (self.last_outcome.as_deref(), self.last_reason_code) {
            (None, _) => LastOutcome::Unknown,
            (Some("succeeded"), _) => LastOutcome::Succeeded,
            (Some("failed"), Some(code)) => {
                LastOutcome::Failed(ReasonCode::parse(&code).map_err(|e| corrupt(e.to_string()))?)
            }
            (Some(other), _) => return Err(corrupt(format!("last outcome {other:?}"))),
        };
        Ok(Customer {
            id: CustomerId::parse(&self.id).map_err(|e| corrupt(e.to_string()))?,
            code: CustomerCode::parse(&self.code).map_err(|e| corrupt(e.to_string()))?,
            details: CustomerDetails {
                civility: Civility::parse(&self.civility).map_err(|e| corrupt(e.to_string()))?,
                last_name: self.last_name,
                first_name: self.first_name,
                company: self.company,
                address: [self.address_line1, self.address_line2, self.address_line3],
                postal_code: self.postal_code,
                city: self.city,
                country: self.country,
                email: self
                    .email
                    .as_deref()
                    .map(EmailAddress::parse)
                    .transpose()
                    .map_err(|e| corrupt(e.to_string()))?,
                phone: self.phone,
                mobile: self.mobile,
                language: self
                    .language
                    .as_deref()
                    .map(Locale::parse)
                    .transpose()
                    .map_err(|e| corrupt(e.to_string()))?,
            },
            status: CustomerStatus::parse(&self.status)
                .ok_or_else(|| corrupt(format!("status {:?}", self.status)))?,
            payer_id: self
                .payer_id
                .as_deref()
                .map(CustomerId::parse)
                .transpose()
                .map_err(|e| corrupt(e.to_string()))?,
            payment_method,
            last_outcome,
            created_at: self.created_at.get(),
            updated_at: self.updated_at.get(),
        })
    }
}

/// The boxed query of a tenant's customers matching a filter, each beside
/// its payment method's row, written once and expanded inside each
/// engine's arm.
macro_rules! matching {
    ($tenant:expr, $filter:expr) => {{
        let filter: &CustomerFilter = $filter;
        // Ids are prefixed by type, so a payment method id matches at most
        // one of the two joins. The joins go by primary key alone (with the
        // creditor in the join condition, SQLite may pick a creditor-wide
        // index and scan it for every row); a method of another creditor
        // would drop the row, never show it.
        let mut query = customers::table
            .left_join(mandates::table.on(mandates::id.nullable().eq(customers::payment_method_id)))
            .left_join(
                card_aliases::table
                    .on(card_aliases::id.nullable().eq(customers::payment_method_id)),
            )
            .filter(customers::creditor_id.eq($tenant))
            .filter(
                mandates::creditor_id
                    .nullable()
                    .is_null()
                    .or(mandates::creditor_id.eq(customers::creditor_id)),
            )
            .filter(
                card_aliases::creditor_id
                    .nullable()
                    .is_null()
                    .or(card_aliases::creditor_id.eq(customers::creditor_id)),
            )
            .into_boxed();
        if let Some(status) = filter.status {
            query = query.filter(customers::status.eq(status.as_str()));
        }
        if let Some(text) = filter.text.as_deref().filter(|t| !t.trim().is_empty()) {
            query = query.filter(
                customers::search_text
                    .like(contains_pattern(text))
                    .escape('\\'),
            );
        }
        if let Some(from) = filter.created_from {
            query = query.filter(customers::created_at.ge(DbInstant::from(from)));
        }
        if let Some(to) = filter.created_to {
            query = query.filter(customers::created_at.lt(DbInstant::from(to)));
        }
        if let Some(kind) = &filter.payment_method {
            query = query.filter(customers::payment_method.eq(kind.clone()));
        }
        if let Some((health, today)) = filter.health {
            query = with_health!(query, health, today);
        }
        query
    }};
}

/// The stored name of what a failed collection says about the method.
fn effect_key(effect: FailureEffect) -> &'static str {
    match effect {
        FailureEffect::InsufficientFunds => "insufficient_funds",
        FailureEffect::Invalid => "invalid",
        FailureEffect::NoEffect => "no_effect",
    }
}

/// Narrows a joined customer query to one payment-method health: the SQL
/// twin of `prelevo_domain::health`, proven equal to it by the store's
/// tests.
macro_rules! with_health {
    ($query:expr, $health:expr, $today:expr) => {{
        let bands = ExpiryBands::on($today);
        let expiry = card_aliases::expiry_year * 12 + card_aliases::expiry_month - 1;
        let mandate = customers::payment_method.eq("mandate");
        let card = customers::payment_method.eq("card");
        let active_card = card
            .and(card_aliases::status.eq("active"))
            .and(expiry.ge(bands.expired_below));
        let usable = mandate.and(mandates::status.eq("active")).or(active_card);
        let failed_with = |effect| customers::last_failure_effect.eq(effect_key(effect));
        let unharmed = customers::last_failure_effect
            .is_null()
            .or(customers::last_failure_effect.eq(effect_key(FailureEffect::NoEffect)));
        match $health {
            Health::None => $query.filter(
                customers::payment_method.eq("none").or(card
                    .and(card_aliases::status.eq("deleted"))
                    .and(card_aliases::deletion.ne("expired"))),
            ),
            Health::Manual => $query.filter(customers::payment_method.eq("manual")),
            Health::Expired => $query.filter(
                mandate.and(mandates::status.eq("expired")).or(card.and(
                    card_aliases::deletion.eq("expired").or(card_aliases::status
                        .eq("active")
                        .and(expiry.lt(bands.expired_below))),
                )),
            ),
            Health::Invalid => $query.filter(
                mandate
                    .and(mandates::status.eq_any(["revoked", "pending_reference"]))
                    .or(usable.and(failed_with(FailureEffect::Invalid))),
            ),
            Health::InsufficientFunds => {
                $query.filter(usable.and(failed_with(FailureEffect::InsufficientFunds)))
            }
            Health::ExpiringSoon => {
                $query.filter(active_card.and(expiry.lt(bands.soon_below)).and(unharmed))
            }
            Health::Active => $query.filter(
                mandate
                    .and(mandates::status.eq("active"))
                    .or(active_card.and(expiry.ge(bands.soon_below)))
                    .and(unharmed),
            ),
        }
    }};
}

impl TenantTx<'_, '_> {
    /// Stores a new customer; a code already used by this creditor is a
    /// conflict.
    pub fn insert_customer(&mut self, customer: &Customer) -> Result<(), StoreError> {
        let row = CustomerRow::from_domain(customer, self.tenant());
        on_each_engine!(self.conn, |c| diesel::insert_into(customers::table)
            .values(&row)
            .execute(c))
        .map_err(StoreError::conflict_on_unique(
            "customer",
            format!("customer code {}", customer.code),
        ))?;
        Ok(())
    }

    /// Stores new customers in one statement (an import's batch). A code
    /// already used is a conflict, and then none of them is stored.
    pub fn insert_customers(&mut self, new: &[Customer]) -> Result<(), StoreError> {
        if new.is_empty() {
            return Ok(());
        }
        let tenant = self.tenant().to_owned();
        let rows: Vec<CustomerRow> = new
            .iter()
            .map(|c| CustomerRow::from_domain(c, &tenant))
            .collect();
        on_each_engine!(self.conn, |c| diesel::insert_into(customers::table)
            .values(&rows)
            .execute(c))
        .map_err(StoreError::conflict_on_unique(
            "customer",
            "a customer code of the batch",
        ))?;
        Ok(())
    }

    /// This creditor's customers with these codes (any order).
    pub fn customers_by_codes(
        &mut self,
        codes: &[CustomerCode],
    ) -> Result<Vec<Customer>, StoreError> {
        let tenant = self.tenant().to_owned();
        let codes: Vec<&str> = codes.iter().map(CustomerCode::as_str).collect();
        let rows: Vec<CustomerRow> = on_each_engine!(self.conn, |c| customers::table
            .filter(customers::creditor_id.eq(&tenant))
            .filter(customers::code.eq_any(&codes))
            .select(CustomerRow::as_select())
            .load(c))?;
        rows.into_iter().map(CustomerRow::into_domain).collect()
    }

    /// Saves a changed customer of this creditor.
    pub fn save_customer(&mut self, customer: &Customer) -> Result<(), StoreError> {
        let row = CustomerRow::from_domain(customer, self.tenant());
        let tenant = self.tenant().to_owned();
        let changed = on_each_engine!(self.conn, |c| diesel::update(
            customers::table
                .filter(customers::creditor_id.eq(&tenant))
                .filter(customers::id.eq(customer.id.as_str()))
        )
        .set(&row)
        .execute(c))
        .map_err(StoreError::conflict_on_unique(
            "customer",
            format!("customer code {}", customer.code),
        ))?;
        StoreError::unless_changed(changed, "customer", &customer.id)?;
        // The mandates keep their customer's reference (for their lists):
        // a new reference is written on them, an unchanged one writes nothing.
        let code = customer.code.as_str();
        on_each_engine!(self.conn, |c| diesel::update(
            mandates::table
                .filter(mandates::creditor_id.eq(&tenant))
                .filter(mandates::customer_id.eq(customer.id.as_str()))
                .filter(
                    mandates::customer_code
                        .ne(code)
                        .or(mandates::customer_code.is_null())
                )
        )
        .set(mandates::customer_code.eq(code))
        .execute(c))?;
        Ok(())
    }

    /// Saves a customer's new payment method alone: a full save rewrites
    /// every index of the table, this only the method's columns.
    pub fn save_payment_method(&mut self, customer: &Customer) -> Result<(), StoreError> {
        let row = CustomerRow::from_domain(customer, self.tenant());
        let tenant = self.tenant().to_owned();
        let changed = on_each_engine!(self.conn, |c| diesel::update(
            customers::table
                .filter(customers::creditor_id.eq(&tenant))
                .filter(customers::id.eq(customer.id.as_str()))
        )
        .set((
            customers::payment_method.eq(&row.payment_method),
            customers::payment_method_id.eq(&row.payment_method_id),
            customers::updated_at.eq(row.updated_at),
        ))
        .execute(c))?;
        StoreError::unless_changed(changed, "customer", &customer.id)
    }

    /// One of this creditor's customers.
    pub fn customer(&mut self, id: &CustomerId) -> Result<Customer, StoreError> {
        let tenant = self.tenant().to_owned();
        let row: Option<CustomerRow> = on_each_engine!(self.conn, |c| customers::table
            .filter(customers::creditor_id.eq(&tenant))
            .filter(customers::id.eq(id.as_str()))
            .select(CustomerRow::as_select())
            .get_result(c)
            .optional())?;
        row.ok_or_else(|| StoreError::NotFound {
            entity: "customer",
            id: id.to_string(),
        })?
        .into_domain()
    }

    /// The customer with this code, if any.
    pub fn customer_by_code(
        &mut self,
        code: &CustomerCode,
    ) -> Result<Option<Customer>, StoreError> {
        let tenant = self.tenant().to_owned();
        let row: Option<CustomerRow> = on_each_engine!(self.conn, |c| customers::table
            .filter(customers::creditor_id.eq(&tenant))
            .filter(customers::code.eq(code.as_str()))
            .select(CustomerRow::as_select())
            .get_result(c)
            .optional())?;
        row.map(CustomerRow::into_domain).transpose()
    }

    /// A page of customers matching `filter`, newest first, each with its
    /// payment method's facts.
    pub fn customers(
        &mut self,
        filter: &CustomerFilter,
        position: Position<CustomerId>,
        limit: i64,
    ) -> Result<Vec<ListedCustomer>, StoreError> {
        let tenant = self.tenant().to_owned();
        let rows: Vec<(CustomerRow, MethodColumns)> = on_each_engine!(self.conn, |c| {
            let query = matching!(&tenant, filter)
                .select((
                    CustomerRow::as_select(),
                    (
                        mandates::status.nullable(),
                        card_aliases::status.nullable(),
                        card_aliases::deletion.nullable(),
                        card_aliases::expiry_month.nullable(),
                        card_aliases::expiry_year.nullable(),
                    ),
                ))
                .limit(limit);
            match &position {
                Position::Start => query.order(customers::id.desc()),
                Position::After(id) => query
                    .filter(customers::id.lt(id.as_str().to_owned()))
                    .order(customers::id.desc()),
                Position::Before(id) => query
                    .filter(customers::id.gt(id.as_str().to_owned()))
                    .order(customers::id.asc()),
            }
            .load(c)
        })?;
        let mut found = rows
            .into_iter()
            .map(|(row, columns)| {
                let customer = row.into_domain()?;
                let method = method_facts(&customer, columns)?;
                Ok(ListedCustomer { customer, method })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        if matches!(position, Position::Before(_)) {
            found.reverse();
        }
        Ok(found)
    }

    /// The facts of a customer's payment method (for its health).
    pub fn payment_method_facts(&mut self, customer: &Customer) -> Result<MethodFacts, StoreError> {
        Ok(match &customer.payment_method {
            PaymentMethodRef::None => MethodFacts::None,
            PaymentMethodRef::Manual => MethodFacts::Manual,
            PaymentMethodRef::Mandate(id) => MethodFacts::Mandate(self.mandate(id)?.status),
            PaymentMethodRef::Card(id) => {
                let card = self.card_alias(id)?;
                MethodFacts::Card(card.status, card.expiry)
            }
        })
    }

    /// How many customers match `filter`.
    pub fn count_customers(&mut self, filter: &CustomerFilter) -> Result<i64, StoreError> {
        let tenant = self.tenant().to_owned();
        Ok(on_each_engine!(self.conn, |c| matching!(&tenant, filter)
            .count()
            .get_result(c))?)
    }

    /// How many customers match `filter`, counted up to `cap`: a
    /// list's total, whose cost stays bounded at any size.
    pub fn tally_customers(
        &mut self,
        filter: &CustomerFilter,
        cap: u32,
    ) -> Result<Tally, StoreError> {
        let tenant = self.tenant().to_owned();
        let past_cap: Option<String> = on_each_engine!(self.conn, |c| matching!(&tenant, filter)
            .select(customers::id)
            .offset(i64::from(cap))
            .limit(1)
            .get_result(c)
            .optional())?;
        Tally::counted(cap, past_cap.is_some(), || self.count_customers(filter))
    }

    /// The customers `payer` pays for.
    pub fn paid_by(&mut self, payer: &CustomerId) -> Result<Vec<Customer>, StoreError> {
        let tenant = self.tenant().to_owned();
        let rows: Vec<CustomerRow> = on_each_engine!(self.conn, |c| customers::table
            .filter(customers::creditor_id.eq(&tenant))
            .filter(customers::payer_id.eq(payer.as_str()))
            .order(customers::code.asc())
            .select(CustomerRow::as_select())
            .load(c))?;
        rows.into_iter().map(CustomerRow::into_domain).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_patterns_take_wildcards_literally() {
        assert_eq!(contains_pattern(" Du%pont_ "), "%du\\%pont\\_%");
        assert_eq!(contains_pattern("a\\b"), "%a\\\\b%");
    }
}
