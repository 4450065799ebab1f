//! Customers: one creditor's, through its tenant handle only.

use diesel::prelude::*;
use prelevo_domain::{
    CardAliasId, Civility, Customer, CustomerCode, CustomerDetails, CustomerId, CustomerStatus,
    EmailAddress, LastOutcome, Locale, MandateId, PaymentMethodRef, ReasonCode,
};

use crate::engine::on_each_engine;
use crate::schema::customers;
use crate::sql_types::DbInstant;
use crate::{Position, StoreError, TenantTx};

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
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = customers, treat_none_as_null = true)]
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
fn contains_pattern(text: &str) -> String {
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
        let (last_outcome, last_reason_code) = match c.last_outcome {
            LastOutcome::Unknown => (None, None),
            LastOutcome::Succeeded => (Some("succeeded".to_owned()), None),
            LastOutcome::Failed(code) => {
                (Some("failed".to_owned()), Some(code.as_str().to_owned()))
            }
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

/// The boxed query of a tenant's customers matching a filter, written once
/// and expanded inside each engine's arm.
macro_rules! matching {
    ($tenant:expr, $filter:expr) => {{
        let filter: &CustomerFilter = $filter;
        let mut query = customers::table
            .filter(customers::creditor_id.eq($tenant))
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
        query
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
        if changed == 0 {
            return Err(StoreError::NotFound {
                entity: "customer",
                id: customer.id.to_string(),
            });
        }
        Ok(())
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

    /// A page of customers matching `filter`, newest first.
    pub fn customers(
        &mut self,
        filter: &CustomerFilter,
        position: Position<CustomerId>,
        limit: i64,
    ) -> Result<Vec<Customer>, StoreError> {
        let tenant = self.tenant().to_owned();
        let rows: Vec<CustomerRow> = on_each_engine!(self.conn, |c| {
            let query = matching!(&tenant, filter)
                .select(CustomerRow::as_select())
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
            .map(CustomerRow::into_domain)
            .collect::<Result<Vec<_>, _>>()?;
        if matches!(position, Position::Before(_)) {
            found.reverse();
        }
        Ok(found)
    }

    /// How many customers match `filter`.
    pub fn count_customers(&mut self, filter: &CustomerFilter) -> Result<i64, StoreError> {
        let tenant = self.tenant().to_owned();
        Ok(on_each_engine!(self.conn, |c| matching!(&tenant, filter)
            .count()
            .get_result(c))?)
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
