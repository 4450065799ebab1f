//! Mandates: one creditor's, through its tenant handle only.

use std::collections::HashMap;

use diesel::prelude::*;
use jiff::ToSpan;
use jiff::civil::Date;
use prelevo_domain::{
    Amendment, Bic, CustomerId, DebtorAccount, DebtorAddress, Iban, Mandate, MandateId,
    MandateKind, MandateRef, MandateStatus, OriginalAccount, Revocation, Scheme, SignatureMethod,
};

use crate::customers::contains_pattern;
use crate::engine::on_each_engine;
use crate::schema::{customers, mandates};
use crate::sql_types::DbInstant;
use crate::{Position, StoreError, Tally, TenantTx};

/// Which mandates a list shows (the seed's search: customer reference,
/// name, UMR, IBAN fragment; status; signature dates).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MandateFilter {
    /// In this state.
    pub status: Option<MandateStatus>,
    /// Of this customer.
    pub customer_id: Option<CustomerId>,
    /// Of the customer with this code (exact).
    pub customer_code: Option<String>,
    /// Whose reference starts with this text.
    pub reference: Option<String>,
    /// Whose debtor name contains this text (any case).
    pub name: Option<String>,
    /// Whose IBAN ends with these four characters.
    pub iban_last4: Option<String>,
    /// Signed on or after.
    pub signed_from: Option<Date>,
    /// Signed on or before.
    pub signed_to: Option<Date>,
}

/// A mandate with its customer's reference, as lists and exports show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedMandate {
    /// The mandate.
    pub mandate: Mandate,
    /// Its customer's reference (code).
    pub customer_code: String,
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(
    table_name = mandates,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
struct MandateRow {
    id: String,
    creditor_id: String,
    customer_id: String,
    reference: Option<String>,
    scheme: String,
    kind: String,
    status: String,
    debtor_name: String,
    debtor_address_line1: Option<String>,
    debtor_address_line2: Option<String>,
    debtor_postal_code: Option<String>,
    debtor_city: Option<String>,
    debtor_country: Option<String>,
    iban: String,
    iban_last4: String,
    bic: Option<String>,
    signed_on: String,
    signature_place: Option<String>,
    signature_method: String,
    first_collection_pending: bool,
    last_collection_on: Option<String>,
    original_reference: Option<String>,
    original_debtor_name: Option<String>,
    original_account: Option<String>,
    original_debtor_agent: Option<String>,
    revoked_at: Option<DbInstant>,
    revocation_reason: Option<String>,
    expired_on: Option<String>,
    created_at: DbInstant,
    updated_at: DbInstant,
}

fn day(date: Date) -> String {
    date.to_string()
}

impl MandateRow {
    fn from_domain(m: &Mandate, creditor: &str) -> Self {
        let a = &m.amendment;
        Self {
            id: m.id.as_str().to_owned(),
            creditor_id: creditor.to_owned(),
            customer_id: m.customer_id.as_str().to_owned(),
            reference: m.reference.as_ref().map(|r| r.as_str().to_owned()),
            scheme: m.scheme.as_str().to_owned(),
            kind: m.kind.as_str().to_owned(),
            status: m.status.as_str().to_owned(),
            debtor_name: m.debtor.name.clone(),
            debtor_address_line1: m.debtor_address.line1.clone(),
            debtor_address_line2: m.debtor_address.line2.clone(),
            debtor_postal_code: m.debtor_address.postal_code.clone(),
            debtor_city: m.debtor_address.city.clone(),
            debtor_country: m.debtor_address.country.clone(),
            iban: m.debtor.iban.as_str().to_owned(),
            iban_last4: m.debtor.iban.last4().to_owned(),
            bic: m.debtor.bic.as_ref().map(|b| b.as_str().to_owned()),
            signed_on: day(m.signed_on),
            signature_place: m.signature_place.clone(),
            signature_method: m.signature_method.as_str().to_owned(),
            first_collection_pending: m.first_collection_pending,
            last_collection_on: m.last_collection_on.map(day),
            original_reference: a.original_reference.as_ref().map(|r| r.as_str().to_owned()),
            original_debtor_name: a.original_debtor_name.clone(),
            original_account: a.original_account.as_ref().map(|o| o.as_str().to_owned()),
            original_debtor_agent: a
                .original_debtor_agent
                .as_ref()
                .map(|b| b.as_str().to_owned()),
            revoked_at: m.revocation.as_ref().map(|r| r.at.into()),
            revocation_reason: m.revocation.as_ref().map(|r| r.reason.clone()),
            expired_on: m.expired_on.map(day),
            created_at: m.created_at.into(),
            updated_at: m.updated_at.into(),
        }
    }

    /// Decodes a row through the domain's constructors.
    fn into_domain(self) -> Result<Mandate, StoreError> {
        let id = self.id.clone();
        let corrupt = |reason: String| StoreError::Corrupt {
            entity: "mandate",
            id: id.clone(),
            reason,
        };
        let date = |text: &str| text.parse::<Date>().map_err(|e| corrupt(e.to_string()));
        let optional_date = |text: Option<String>| text.as_deref().map(date).transpose();
        let bic = |text: Option<String>| {
            text.as_deref()
                .map(Bic::parse)
                .transpose()
                .map_err(|e| corrupt(e.to_string()))
        };
        let reference = |text: Option<String>| {
            text.as_deref()
                .map(MandateRef::parse)
                .transpose()
                .map_err(|e| corrupt(e.to_string()))
        };
        let original_account = match self.original_account.as_deref() {
            None => None,
            Some("SMNDA") => Some(OriginalAccount::Smnda),
            Some(iban) => Some(OriginalAccount::Iban(
                Iban::parse(iban).map_err(|e| corrupt(e.to_string()))?,
            )),
        };
        let revocation = match (self.revoked_at, self.revocation_reason) {
            (Some(at), reason) => Some(Revocation {
                at: at.get(),
                reason: reason.unwrap_or_default(),
            }),
            (None, _) => None,
        };
        Ok(Mandate {
            id: MandateId::parse(&self.id).map_err(|e| corrupt(e.to_string()))?,
            customer_id: CustomerId::parse(&self.customer_id)
                .map_err(|e| corrupt(e.to_string()))?,
            reference: reference(self.reference)?,
            scheme: Scheme::parse(&self.scheme).map_err(|e| corrupt(e.to_string()))?,
            kind: MandateKind::parse(&self.kind).map_err(|e| corrupt(e.to_string()))?,
            status: MandateStatus::parse(&self.status)
                .ok_or_else(|| corrupt(format!("status {:?}", self.status)))?,
            debtor: DebtorAccount {
                name: self.debtor_name,
                iban: Iban::parse(&self.iban).map_err(|e| corrupt(e.to_string()))?,
                bic: bic(self.bic)?,
            },
            debtor_address: DebtorAddress {
                line1: self.debtor_address_line1,
                line2: self.debtor_address_line2,
                postal_code: self.debtor_postal_code,
                city: self.debtor_city,
                country: self.debtor_country,
            },
            signed_on: date(&self.signed_on)?,
            signature_place: self.signature_place,
            signature_method: SignatureMethod::parse(&self.signature_method)
                .map_err(|e| corrupt(e.to_string()))?,
            first_collection_pending: self.first_collection_pending,
            last_collection_on: optional_date(self.last_collection_on)?,
            amendment: Amendment {
                original_reference: reference(self.original_reference)?,
                original_debtor_name: self.original_debtor_name,
                original_account,
                original_debtor_agent: bic(self.original_debtor_agent)?,
            },
            revocation,
            expired_on: optional_date(self.expired_on)?,
            created_at: self.created_at.get(),
            updated_at: self.updated_at.get(),
        })
    }
}

/// The search key of a mandate's reference: upper case.
fn reference_key(mandate: &Mandate) -> Option<String> {
    mandate
        .reference
        .as_ref()
        .map(|r| r.as_str().to_uppercase())
}

/// The keys from `prefix` (included) to the first key after every key
/// that starts with it (excluded), or `None` for an empty prefix.
fn prefix_range(prefix: &str) -> Option<(String, String)> {
    let from = prefix.trim().to_uppercase();
    let mut until: Vec<char> = from.chars().collect();
    // The last character that can be incremented; a prefix of only
    // char::MAX cannot be bounded (no reference holds such characters).
    while let Some(last) = until.pop() {
        if let Some(next) = char::from_u32(u32::from(last) + 1) {
            until.push(next);
            return Some((from, until.into_iter().collect()));
        }
    }
    None
}

/// The boxed query of a tenant's mandates matching a filter.
macro_rules! matching {
    ($tenant:expr, $filter:expr) => {{
        let filter: &MandateFilter = $filter;
        let tenant: &str = $tenant;
        let mut query = mandates::table
            .filter(mandates::creditor_id.eq(tenant.to_owned()))
            .into_boxed();
        if let Some(status) = filter.status {
            query = query.filter(mandates::status.eq(status.as_str()));
        }
        if let Some(customer) = &filter.customer_id {
            query = query.filter(mandates::customer_id.eq(customer.as_str().to_owned()));
        }
        if let Some((from, until)) = filter.reference.as_deref().and_then(prefix_range) {
            query = query.filter(
                mandates::reference_key
                    .ge(from)
                    .and(mandates::reference_key.lt(until)),
            );
        }
        if let Some(name) = filter.name.as_deref().filter(|n| !n.trim().is_empty()) {
            query = query.filter(
                diesel::dsl::sql::<diesel::sql_types::Text>("lower(debtor_name)")
                    .like(contains_pattern(name))
                    .escape('\\'),
            );
        }
        if let Some(last4) = &filter.iban_last4 {
            query = query.filter(mandates::iban_last4.eq(last4.trim().to_uppercase()));
        }
        if let Some(from) = filter.signed_from {
            query = query.filter(mandates::signed_on.ge(day(from)));
        }
        if let Some(to) = filter.signed_to {
            query = query.filter(mandates::signed_on.le(day(to)));
        }
        query
    }};
}

impl TenantTx<'_, '_> {
    /// Stores a new mandate; a reference already used by this creditor is a
    /// conflict.
    pub fn insert_mandate(&mut self, mandate: &Mandate) -> Result<(), StoreError> {
        let row = MandateRow::from_domain(mandate, self.tenant());
        let key = mandates::reference_key.eq(reference_key(mandate));
        let mut codes = self.holder_codes(std::slice::from_ref(mandate))?;
        let code = mandates::customer_code.eq(codes.remove(mandate.customer_id.as_str()));
        on_each_engine!(self.conn, |c| diesel::insert_into(mandates::table)
            .values((&row, key.clone(), code.clone()))
            .execute(c))
        .map_err(StoreError::conflict_on_unique(
            "mandate",
            format!(
                "mandate reference {}",
                row.reference.as_deref().unwrap_or("")
            ),
        ))?;
        Ok(())
    }

    /// Stores new mandates, 900 per statement (an import's batch). A
    /// reference already used is a conflict, and then none is stored.
    pub fn insert_mandates(&mut self, new: &[Mandate]) -> Result<(), StoreError> {
        if new.is_empty() {
            return Ok(());
        }
        let tenant = self.tenant().to_owned();
        let codes = self.holder_codes(new)?;
        // 33 columns: 900 rows stay under SQLite's 32 766 variables.
        for chunk in new.chunks(900) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|m| {
                    (
                        MandateRow::from_domain(m, &tenant),
                        mandates::reference_key.eq(reference_key(m)),
                        mandates::customer_code.eq(codes.get(m.customer_id.as_str()).cloned()),
                    )
                })
                .collect();
            on_each_engine!(self.conn, |c| diesel::insert_into(mandates::table)
                .values(rows)
                .execute(c))
            .map_err(StoreError::conflict_on_unique(
                "mandate",
                "a mandate reference of the batch",
            ))?;
        }
        Ok(())
    }

    /// The references of the customers `new` mandates belong to, by
    /// customer id, read from the customers' rows (a mandate keeps its
    /// customer's reference for its lists; one query for a whole batch).
    fn holder_codes(&mut self, new: &[Mandate]) -> Result<HashMap<String, String>, StoreError> {
        let tenant = self.tenant().to_owned();
        let ids: Vec<&str> = new.iter().map(|m| m.customer_id.as_str()).collect();
        let mut codes = HashMap::new();
        // Under both engines' limits on bound values.
        for chunk in ids.chunks(10_000) {
            let found: Vec<(String, String)> = on_each_engine!(self.conn, |c| customers::table
                .filter(customers::creditor_id.eq(&tenant))
                .filter(customers::id.eq_any(chunk))
                .select((customers::id, customers::code))
                .load(c))?;
            codes.extend(found);
        }
        Ok(codes)
    }

    /// This creditor's mandates with these references (any order).
    pub fn mandates_by_references(
        &mut self,
        references: &[MandateRef],
    ) -> Result<Vec<Mandate>, StoreError> {
        let tenant = self.tenant().to_owned();
        let references: Vec<&str> = references.iter().map(MandateRef::as_str).collect();
        let rows: Vec<MandateRow> = on_each_engine!(self.conn, |c| mandates::table
            .filter(mandates::creditor_id.eq(&tenant))
            .filter(mandates::reference.eq_any(&references))
            .select(MandateRow::as_select())
            .load(c))?;
        rows.into_iter().map(MandateRow::into_domain).collect()
    }

    /// Saves a changed mandate of this creditor.
    pub fn save_mandate(&mut self, mandate: &Mandate) -> Result<(), StoreError> {
        let row = MandateRow::from_domain(mandate, self.tenant());
        let tenant = self.tenant().to_owned();
        let changed = on_each_engine!(self.conn, |c| diesel::update(
            mandates::table
                .filter(mandates::creditor_id.eq(&tenant))
                .filter(mandates::id.eq(mandate.id.as_str()))
        )
        .set((&row, mandates::reference_key.eq(reference_key(mandate))))
        .execute(c))
        .map_err(StoreError::conflict_on_unique(
            "mandate",
            format!(
                "mandate reference {}",
                row.reference.as_deref().unwrap_or("")
            ),
        ))?;
        StoreError::unless_changed(changed, "mandate", &mandate.id)
    }

    /// One of this creditor's mandates.
    pub fn mandate(&mut self, id: &MandateId) -> Result<Mandate, StoreError> {
        let tenant = self.tenant().to_owned();
        let row: Option<MandateRow> = on_each_engine!(self.conn, |c| mandates::table
            .filter(mandates::creditor_id.eq(&tenant))
            .filter(mandates::id.eq(id.as_str()))
            .select(MandateRow::as_select())
            .get_result(c)
            .optional())?;
        row.ok_or_else(|| StoreError::NotFound {
            entity: "mandate",
            id: id.to_string(),
        })?
        .into_domain()
    }

    /// The mandate with this reference, if any.
    pub fn mandate_by_reference(
        &mut self,
        reference: &MandateRef,
    ) -> Result<Option<Mandate>, StoreError> {
        let tenant = self.tenant().to_owned();
        let row: Option<MandateRow> = on_each_engine!(self.conn, |c| mandates::table
            .filter(mandates::creditor_id.eq(&tenant))
            .filter(mandates::reference.eq(reference.as_str()))
            .select(MandateRow::as_select())
            .get_result(c)
            .optional())?;
        row.map(MandateRow::into_domain).transpose()
    }

    /// `filter` with its customer reference resolved to the customer's id
    /// (an equality the mandate index serves, where a sub-query let SQLite
    /// scan every mandate); `None` when no such customer can match.
    fn by_customer_id(
        &mut self,
        filter: &MandateFilter,
    ) -> Result<Option<MandateFilter>, StoreError> {
        let Some(code) = filter.customer_code.as_deref().map(str::trim) else {
            return Ok(Some(filter.clone()));
        };
        let tenant = self.tenant().to_owned();
        let owner: Option<String> = on_each_engine!(self.conn, |c| customers::table
            .filter(customers::creditor_id.eq(&tenant))
            .filter(customers::code.eq(code))
            .select(customers::id)
            .get_result(c)
            .optional())?;
        let Some(owner) = owner.and_then(|id| CustomerId::parse(&id).ok()) else {
            return Ok(None);
        };
        if filter
            .customer_id
            .as_ref()
            .is_some_and(|given| *given != owner)
        {
            return Ok(None);
        }
        Ok(Some(MandateFilter {
            customer_id: Some(owner),
            customer_code: None,
            ..filter.clone()
        }))
    }

    /// A page of mandates matching `filter`, newest first, each with its
    /// customer's reference.
    pub fn mandates(
        &mut self,
        filter: &MandateFilter,
        position: Position<MandateId>,
        limit: i64,
    ) -> Result<Vec<ListedMandate>, StoreError> {
        let Some(filter) = self.by_customer_id(filter)? else {
            return Ok(Vec::new());
        };
        let filter = &filter;
        let tenant = self.tenant().to_owned();
        let rows: Vec<(MandateRow, Option<String>)> = on_each_engine!(self.conn, |c| {
            let query = matching!(&tenant, filter)
                .select((MandateRow::as_select(), mandates::customer_code))
                .limit(limit);
            match &position {
                Position::Start => query.order(mandates::id.desc()),
                Position::After(id) => query
                    .filter(mandates::id.lt(id.as_str().to_owned()))
                    .order(mandates::id.desc()),
                Position::Before(id) => query
                    .filter(mandates::id.gt(id.as_str().to_owned()))
                    .order(mandates::id.asc()),
            }
            .load(c)
        })?;
        let mut found = rows
            .into_iter()
            .map(|(row, customer_code)| {
                Ok(ListedMandate {
                    mandate: row.into_domain()?,
                    customer_code: customer_code.unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        if matches!(position, Position::Before(_)) {
            found.reverse();
        }
        Ok(found)
    }

    /// How many mandates match `filter`.
    pub fn count_mandates(&mut self, filter: &MandateFilter) -> Result<i64, StoreError> {
        let Some(filter) = self.by_customer_id(filter)? else {
            return Ok(0);
        };
        let filter = &filter;
        let tenant = self.tenant().to_owned();
        Ok(on_each_engine!(self.conn, |c| matching!(&tenant, filter)
            .count()
            .get_result(c))?)
    }

    /// How many mandates match `filter`, counted up to `cap`: a
    /// list's total, whose cost stays bounded at any size.
    pub fn tally_mandates(
        &mut self,
        filter: &MandateFilter,
        cap: u32,
    ) -> Result<Tally, StoreError> {
        let Some(resolved) = self.by_customer_id(filter)? else {
            return Ok(Tally::Exact(0));
        };
        let resolved = &resolved;
        let tenant = self.tenant().to_owned();
        let past_cap: Option<String> =
            on_each_engine!(self.conn, |c| matching!(&tenant, resolved)
                .select(mandates::id)
                .offset(i64::from(cap))
                .limit(1)
                .get_result(c)
                .optional())?;
        Tally::counted(cap, past_cap.is_some(), || self.count_mandates(filter))
    }

    /// Active mandates that may be dormant on `today`: their last
    /// collection (or signature) is about 36 months old or more. The domain
    /// decides ([`Mandate::expire_if_dormant`]); this only narrows the rows.
    pub fn dormancy_candidates(
        &mut self,
        today: Date,
        limit: i64,
    ) -> Result<Vec<Mandate>, StoreError> {
        let tenant = self.tenant().to_owned();
        // A few days of margin for month ends (29–31 → 28).
        let cutoff = today
            .checked_sub(prelevo_domain::DORMANCY_MONTHS.months())
            .and_then(|d| d.checked_add(3.days()))
            .map(day)
            .map_err(|e| StoreError::Corrupt {
                entity: "date",
                id: today.to_string(),
                reason: e.to_string(),
            })?;
        let rows: Vec<MandateRow> = on_each_engine!(self.conn, |c| mandates::table
            .filter(mandates::creditor_id.eq(&tenant))
            .filter(mandates::status.eq(MandateStatus::Active.as_str()))
            .filter(
                diesel::dsl::sql::<diesel::sql_types::Text>(
                    "coalesce(last_collection_on, signed_on)"
                )
                .le(cutoff.clone()),
            )
            // Oldest first: the month-end margin's rows, which may not be
            // due yet, come last, so a batch of them means none is left.
            .order((
                diesel::dsl::sql::<diesel::sql_types::Text>(
                    "coalesce(last_collection_on, signed_on)"
                ),
                mandates::id,
            ))
            .limit(limit)
            .select(MandateRow::as_select())
            .load(c))?;
        rows.into_iter().map(MandateRow::into_domain).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_prefixes_become_key_ranges() {
        assert_eq!(
            prefix_range(" rum-2026 "),
            Some(("RUM-2026".to_owned(), "RUM-2027".to_owned()))
        );
        assert_eq!(prefix_range("  "), None);
    }
}
