//! Card aliases: one creditor's, through its tenant handle only.

use diesel::prelude::*;
use jiff::civil::Date;
use prelevo_domain::{
    CardAlias, CardAliasId, CardBrand, CardDeletion, CardExpiry, CardLast4, CardStatus, CardToken,
    CustomerId,
};

use crate::engine::on_each_engine;
use crate::schema::card_aliases;
use crate::sql_types::DbInstant;
use crate::{Position, StoreError, TenantTx};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = card_aliases, treat_none_as_null = true)]
struct CardAliasRow {
    id: String,
    creditor_id: String,
    customer_id: String,
    token: String,
    brand: String,
    last4: String,
    expiry_month: i32,
    expiry_year: i32,
    holder: Option<String>,
    status: String,
    deletion: Option<String>,
    deleted_at: Option<DbInstant>,
    created_at: DbInstant,
    updated_at: DbInstant,
}

impl CardAliasRow {
    fn from_domain(a: &CardAlias, creditor: &str) -> Self {
        Self {
            id: a.id.as_str().to_owned(),
            creditor_id: creditor.to_owned(),
            customer_id: a.customer_id.as_str().to_owned(),
            token: a.token.as_str().to_owned(),
            brand: a.brand.as_str().to_owned(),
            last4: a.last4.as_str().to_owned(),
            expiry_month: a.expiry.month().into(),
            expiry_year: a.expiry.year().into(),
            holder: a.holder.clone(),
            status: a.status.as_str().to_owned(),
            deletion: match a.status {
                CardStatus::Deleted(why) => Some(why.as_str().to_owned()),
                CardStatus::Active => None,
            },
            deleted_at: a.deleted_at.map(DbInstant::from),
            created_at: a.created_at.into(),
            updated_at: a.updated_at.into(),
        }
    }

    /// Decodes a row through the domain's constructors.
    fn into_domain(self) -> Result<CardAlias, StoreError> {
        let id = self.id.clone();
        let corrupt = |reason: String| StoreError::Corrupt {
            entity: "card alias",
            id: id.clone(),
            reason,
        };
        let status = card_status(&self.status, self.deletion.as_deref()).map_err(corrupt)?;
        Ok(CardAlias {
            id: CardAliasId::parse(&self.id).map_err(|e| corrupt(e.to_string()))?,
            customer_id: CustomerId::parse(&self.customer_id)
                .map_err(|e| corrupt(e.to_string()))?,
            token: CardToken::parse(&self.token).map_err(|e| corrupt(e.to_string()))?,
            brand: CardBrand::parse(&self.brand).map_err(|e| corrupt(e.to_string()))?,
            last4: CardLast4::parse(&self.last4).map_err(|e| corrupt(e.to_string()))?,
            expiry: CardExpiry::new(self.expiry_month.into(), self.expiry_year.into())
                .map_err(|e| corrupt(e.to_string()))?,
            holder: self.holder,
            status,
            deleted_at: self.deleted_at.map(DbInstant::get),
            created_at: self.created_at.get(),
            updated_at: self.updated_at.get(),
        })
    }
}

/// Which card aliases a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardAliasFilter {
    /// One customer's.
    pub customer_id: Option<CustomerId>,
    /// Only active ones (`true`) or only deleted ones (`false`).
    pub active: Option<bool>,
}

/// A card's state from its `status` and `deletion` columns.
pub(crate) fn card_status(status: &str, deletion: Option<&str>) -> Result<CardStatus, String> {
    match (status, deletion) {
        ("active", _) => Ok(CardStatus::Active),
        ("deleted", Some(why)) => CardDeletion::parse(why)
            .map(CardStatus::Deleted)
            .ok_or_else(|| format!("deletion {why:?}")),
        (other, _) => Err(format!("status {other:?}")),
    }
}

impl TenantTx<'_, '_> {
    /// Stores a new card alias; a token already known to this creditor is a
    /// conflict.
    pub fn insert_card_alias(&mut self, alias: &CardAlias) -> Result<(), StoreError> {
        let row = CardAliasRow::from_domain(alias, self.tenant());
        on_each_engine!(self.conn, |c| diesel::insert_into(card_aliases::table)
            .values(&row)
            .execute(c))
        .map_err(StoreError::conflict_on_unique(
            "card alias",
            "this gateway token".to_owned(),
        ))?;
        Ok(())
    }

    /// Saves a changed card alias of this creditor.
    pub fn save_card_alias(&mut self, alias: &CardAlias) -> Result<(), StoreError> {
        let row = CardAliasRow::from_domain(alias, self.tenant());
        let tenant = self.tenant().to_owned();
        let changed = on_each_engine!(self.conn, |c| diesel::update(
            card_aliases::table
                .filter(card_aliases::creditor_id.eq(&tenant))
                .filter(card_aliases::id.eq(alias.id.as_str()))
        )
        .set(&row)
        .execute(c))?;
        StoreError::unless_changed(changed, "card alias", &alias.id)
    }

    /// One of this creditor's card aliases.
    pub fn card_alias(&mut self, id: &CardAliasId) -> Result<CardAlias, StoreError> {
        let tenant = self.tenant().to_owned();
        let row: Option<CardAliasRow> = on_each_engine!(self.conn, |c| card_aliases::table
            .filter(card_aliases::creditor_id.eq(&tenant))
            .filter(card_aliases::id.eq(id.as_str()))
            .select(CardAliasRow::as_select())
            .get_result(c)
            .optional())?;
        row.ok_or_else(|| StoreError::NotFound {
            entity: "card alias",
            id: id.to_string(),
        })?
        .into_domain()
    }

    /// The card alias registered under `token`, if any.
    pub fn card_alias_by_token(
        &mut self,
        token: &CardToken,
    ) -> Result<Option<CardAlias>, StoreError> {
        let tenant = self.tenant().to_owned();
        let row: Option<CardAliasRow> = on_each_engine!(self.conn, |c| card_aliases::table
            .filter(card_aliases::creditor_id.eq(&tenant))
            .filter(card_aliases::token.eq(token.as_str()))
            .select(CardAliasRow::as_select())
            .get_result(c)
            .optional())?;
        row.map(CardAliasRow::into_domain).transpose()
    }

    /// A page of card aliases matching `filter`, newest first.
    pub fn card_aliases(
        &mut self,
        filter: &CardAliasFilter,
        position: Position<CardAliasId>,
        limit: i64,
    ) -> Result<Vec<CardAlias>, StoreError> {
        let tenant = self.tenant().to_owned();
        let rows: Vec<CardAliasRow> = on_each_engine!(self.conn, |c| {
            let mut query = card_aliases::table
                .filter(card_aliases::creditor_id.eq(&tenant))
                .select(CardAliasRow::as_select())
                .limit(limit)
                .into_boxed();
            if let Some(customer) = &filter.customer_id {
                query = query.filter(card_aliases::customer_id.eq(customer.as_str().to_owned()));
            }
            if let Some(active) = filter.active {
                query = query.filter(card_aliases::status.eq(if active {
                    "active"
                } else {
                    "deleted"
                }));
            }
            match &position {
                Position::Start => query.order(card_aliases::id.desc()),
                Position::After(id) => query
                    .filter(card_aliases::id.lt(id.as_str().to_owned()))
                    .order(card_aliases::id.desc()),
                Position::Before(id) => query
                    .filter(card_aliases::id.gt(id.as_str().to_owned()))
                    .order(card_aliases::id.asc()),
            }
            .load(c)
        })?;
        let mut found = rows
            .into_iter()
            .map(CardAliasRow::into_domain)
            .collect::<Result<Vec<_>, _>>()?;
        if matches!(position, Position::Before(_)) {
            found.reverse();
        }
        Ok(found)
    }

    /// A customer's card aliases, newest first.
    pub fn card_aliases_of(&mut self, customer: &CustomerId) -> Result<Vec<CardAlias>, StoreError> {
        let tenant = self.tenant().to_owned();
        let rows: Vec<CardAliasRow> = on_each_engine!(self.conn, |c| card_aliases::table
            .filter(card_aliases::creditor_id.eq(&tenant))
            .filter(card_aliases::customer_id.eq(customer.as_str()))
            .order(card_aliases::id.desc())
            .select(CardAliasRow::as_select())
            .load(c))?;
        rows.into_iter().map(CardAliasRow::into_domain).collect()
    }

    /// Active aliases whose expiry month ended before `today`'s month.
    pub fn expired_card_aliases(
        &mut self,
        today: Date,
        limit: i64,
    ) -> Result<Vec<CardAlias>, StoreError> {
        let tenant = self.tenant().to_owned();
        let (year, month) = (i32::from(today.year()), i32::from(today.month()));
        let rows: Vec<CardAliasRow> = on_each_engine!(self.conn, |c| card_aliases::table
            .filter(card_aliases::creditor_id.eq(&tenant))
            .filter(card_aliases::status.eq("active"))
            .filter(
                card_aliases::expiry_year
                    .lt(year)
                    .or(card_aliases::expiry_year
                        .eq(year)
                        .and(card_aliases::expiry_month.lt(month))),
            )
            .order(card_aliases::id.asc())
            .limit(limit)
            .select(CardAliasRow::as_select())
            .load(c))?;
        rows.into_iter().map(CardAliasRow::into_domain).collect()
    }
}
