//! Creditors: created and listed by the platform, read and changed by
//! their own tenant handle.

use diesel::prelude::*;
use jiff::Timestamp;
use prelevo_domain::{
    Bic, Creditor, CreditorId, CreditorKey, CreditorName, CreditorSettings, CreditorTimeZone,
    EmailAddress, FirstCollection, Iban, Locale, MandateProfile, NewCreditor, PostalAddress,
    SettingsPatch, UmrPattern,
};

use crate::engine::on_each_engine;
use crate::schema::creditors;
use crate::sql_types::DbInstant;
use crate::{Store, StoreError, TenantTx};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = creditors)]
struct CreditorRow {
    id: String,
    name: String,
    ics: String,
    iban: String,
    bic: Option<String>,
    timezone: String,
    language: String,
    representation_delay_days: i32,
    max_rejections: i32,
    insufficient_funds_retry_interval_hours: i32,
    insufficient_funds_retry_cap: i32,
    billing_contact_email: Option<String>,
    pre_notification_days: i32,
    created_at: DbInstant,
    updated_at: DbInstant,
}

impl CreditorRow {
    fn from_domain(c: &Creditor) -> Self {
        let s = &c.settings;
        Self {
            id: c.id.as_str().to_owned(),
            name: c.name.as_str().to_owned(),
            ics: c.ics.as_str().to_owned(),
            iban: c.iban.as_str().to_owned(),
            bic: c.bic.as_ref().map(|b| b.as_str().to_owned()),
            timezone: c.timezone.name().to_owned(),
            language: c.language.as_str().to_owned(),
            representation_delay_days: to_i32(s.representation_delay_days()),
            max_rejections: to_i32(s.max_rejections()),
            insufficient_funds_retry_interval_hours: to_i32(
                s.insufficient_funds_retry_interval_hours(),
            ),
            insufficient_funds_retry_cap: to_i32(s.insufficient_funds_retry_cap()),
            billing_contact_email: s.billing_contact_email().map(|e| e.as_str().to_owned()),
            pre_notification_days: to_i32(s.pre_notification_days()),
            created_at: c.created_at.into(),
            updated_at: c.updated_at.into(),
        }
    }

    /// Decodes a row through the domain's constructors: a stored value that
    /// no longer passes them is reported, never used.
    fn into_domain(self) -> Result<Creditor, StoreError> {
        let id = self.id.clone();
        let corrupt = move |reason: String| StoreError::Corrupt {
            entity: "creditor",
            id: id.clone(),
            reason,
        };
        let settings = CreditorSettings::default()
            .apply(&SettingsPatch {
                representation_delay_days: Some(self.representation_delay_days.into()),
                max_rejections: Some(self.max_rejections.into()),
                insufficient_funds_retry_interval_hours: Some(
                    self.insufficient_funds_retry_interval_hours.into(),
                ),
                insufficient_funds_retry_cap: Some(self.insufficient_funds_retry_cap.into()),
                billing_contact_email: Some(
                    self.billing_contact_email
                        .as_deref()
                        .map(EmailAddress::parse)
                        .transpose()
                        .map_err(|e| corrupt(format!("billing_contact_email: {e}")))?,
                ),
                pre_notification_days: Some(self.pre_notification_days.into()),
            })
            .map_err(|e| corrupt(format!("{}: {e}", e.field)))?;
        Ok(Creditor {
            id: CreditorKey::parse(&self.id).map_err(|e| corrupt(format!("id: {e}")))?,
            name: CreditorName::parse(&self.name).map_err(|e| corrupt(format!("name: {e}")))?,
            ics: CreditorId::parse(&self.ics).map_err(|e| corrupt(format!("ics: {e}")))?,
            iban: Iban::parse(&self.iban).map_err(|e| corrupt(format!("iban: {e}")))?,
            bic: self
                .bic
                .as_deref()
                .map(Bic::parse)
                .transpose()
                .map_err(|e| corrupt(format!("bic: {e}")))?,
            timezone: CreditorTimeZone::parse(&self.timezone)
                .map_err(|e| corrupt(format!("timezone: {e}")))?,
            language: Locale::parse(&self.language)
                .map_err(|e| corrupt(format!("language: {e}")))?,
            settings,
            created_at: self.created_at.get(),
            updated_at: self.updated_at.get(),
        })
    }
}

/// Settings are small ranged numbers (see `CreditorSettings`).
fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

fn fresh_creditor_key() -> Result<CreditorKey, StoreError> {
    CreditorKey::from_body(&uuid::Uuid::now_v7().simple().to_string()).map_err(|e| {
        StoreError::Corrupt {
            entity: "creditor",
            id: String::new(),
            reason: e.to_string(),
        }
    })
}

impl Store {
    /// **Platform operation.** Creates a creditor, then runs `then` in the
    /// same transaction with a handle bound to it (to write its audit entry):
    /// both happen, or neither.
    pub fn create_creditor<T, E>(
        &self,
        new: &NewCreditor,
        now: Timestamp,
        then: impl FnOnce(&mut TenantTx<'_, '_>, &Creditor) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let creditor = Creditor {
            id: fresh_creditor_key()?,
            name: new.name.clone(),
            ics: new.ics.clone(),
            iban: new.iban.clone(),
            bic: new.bic.clone(),
            timezone: new.timezone.clone(),
            language: new.language,
            settings: new.settings.clone(),
            created_at: now,
            updated_at: now,
        };
        let row = CreditorRow::from_domain(&creditor);
        self.pools.write(|conn| {
            on_each_engine!(conn, |c| diesel::insert_into(creditors::table)
                .values(&row)
                .execute(c))
            .map_err(StoreError::conflict_on_unique(
                "creditor",
                format!("a creditor with ICS {} is already registered", creditor.ics),
            ))?;
            let mut tx = TenantTx {
                conn,
                creditor: &creditor.id,
            };
            then(&mut tx, &creditor)
        })
    }

    /// **Platform operation.** Every creditor, oldest first (for the
    /// installation's operator: `prelevo creditor list`).
    pub fn list_creditors(&self) -> Result<Vec<Creditor>, StoreError> {
        let rows: Vec<CreditorRow> = self.pools.with_conn(|conn| {
            Ok::<_, StoreError>(on_each_engine!(conn, |c| creditors::table
                .select(CreditorRow::as_select())
                .order(creditors::id)
                .load(c))?)
        })?;
        rows.into_iter().map(CreditorRow::into_domain).collect()
    }

    /// **Platform operation.** Finds a creditor by its id (`cred_…`) or its
    /// ICS, as the CLI's `--creditor` accepts either.
    pub fn find_creditor(&self, id_or_ics: &str) -> Result<Option<CreditorKey>, StoreError> {
        let wanted = id_or_ics.trim();
        let ics = CreditorId::parse(wanted).map(|i| i.as_str().to_owned());
        let found: Option<String> = self.pools.with_conn(|conn| {
            Ok::<_, StoreError>(on_each_engine!(conn, |c| creditors::table
                .select(creditors::id)
                .filter(
                    creditors::id
                        .eq(wanted)
                        .or(creditors::ics.eq(ics.as_deref().unwrap_or(wanted)))
                )
                .get_result(c)
                .optional())?)
        })?;
        found
            .map(|id| {
                CreditorKey::parse(&id).map_err(|e| StoreError::Corrupt {
                    entity: "creditor",
                    id,
                    reason: e.to_string(),
                })
            })
            .transpose()
    }
}

impl TenantTx<'_, '_> {
    /// This tenant's own creditor record.
    pub fn creditor(&mut self) -> Result<Creditor, StoreError> {
        let tenant = self.tenant().to_owned();
        let row: Option<CreditorRow> = on_each_engine!(self.conn, |c| creditors::table
            .select(CreditorRow::as_select())
            .filter(creditors::id.eq(&tenant))
            .get_result(c)
            .optional())?;
        row.ok_or(StoreError::NotFound {
            entity: "creditor",
            id: tenant,
        })?
        .into_domain()
    }

    /// Takes the creditor's next mandate number (for a generated UMR) and
    /// its UMR pattern, if it chose one. The number is used up even if the
    /// transaction that took it fails; numbers only need to be unique.
    pub fn take_mandate_number(&mut self) -> Result<(i64, Option<String>), StoreError> {
        let tenant = self.tenant().to_owned();
        // The update first: on PostgreSQL it locks the row until commit.
        on_each_engine!(self.conn, |c| diesel::update(
            creditors::table.filter(creditors::id.eq(&tenant))
        )
        .set(creditors::umr_next.eq(creditors::umr_next + 1))
        .execute(c))?;
        let (next, pattern): (i64, Option<String>) =
            on_each_engine!(self.conn, |c| creditors::table
                .filter(creditors::id.eq(&tenant))
                .select((creditors::umr_next, creditors::umr_pattern))
                .get_result(c))?;
        Ok((next - 1, pattern))
    }

    /// The creditor's mandate settings: address, UMR pattern (the default
    /// one when it chose none), first-collection rule.
    pub fn mandate_profile(&mut self) -> Result<MandateProfile, StoreError> {
        let tenant = self.tenant().to_owned();
        type Columns = (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
        );
        let (line1, line2, postal_code, city, country, pattern, first): Columns =
            on_each_engine!(self.conn, |c| creditors::table
                .filter(creditors::id.eq(&tenant))
                .select((
                    creditors::address_line1,
                    creditors::address_line2,
                    creditors::postal_code,
                    creditors::city,
                    creditors::country,
                    creditors::umr_pattern,
                    creditors::first_collection,
                ))
                .get_result(c))?;
        let corrupt = |reason: String| StoreError::Corrupt {
            entity: "creditor",
            id: tenant.clone(),
            reason,
        };
        Ok(MandateProfile {
            address: PostalAddress {
                line1,
                line2,
                postal_code,
                city,
                country,
            },
            umr_pattern: pattern
                .as_deref()
                .map(UmrPattern::parse)
                .transpose()
                .map_err(|e| corrupt(e.to_string()))?
                .unwrap_or_default(),
            first_collection: FirstCollection::parse(&first).map_err(|e| corrupt(e.to_string()))?,
        })
    }

    /// Saves the creditor's mandate settings.
    pub fn save_mandate_profile(&mut self, profile: &MandateProfile) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        let a = &profile.address;
        on_each_engine!(self.conn, |c| diesel::update(
            creditors::table.filter(creditors::id.eq(&tenant))
        )
        .set((
            creditors::address_line1.eq(a.line1.clone()),
            creditors::address_line2.eq(a.line2.clone()),
            creditors::postal_code.eq(a.postal_code.clone()),
            creditors::city.eq(a.city.clone()),
            creditors::country.eq(a.country.clone()),
            creditors::umr_pattern.eq(Some(profile.umr_pattern.as_str().to_owned())),
            creditors::first_collection.eq(profile.first_collection.as_str()),
        ))
        .execute(c))?;
        Ok(())
    }

    /// Saves this tenant's creditor record. The id is the tenant's: a record
    /// of another creditor is refused, never written.
    pub fn save_creditor(&mut self, creditor: &Creditor) -> Result<(), StoreError> {
        let tenant = self.tenant().to_owned();
        if creditor.id.as_str() != tenant {
            return Err(StoreError::NotFound {
                entity: "creditor",
                id: creditor.id.to_string(),
            });
        }
        let row = CreditorRow::from_domain(creditor);
        let updated = on_each_engine!(self.conn, |c| diesel::update(
            creditors::table.filter(creditors::id.eq(&tenant))
        )
        .set(&row)
        .execute(c))?;
        StoreError::unless_changed(updated, "creditor", tenant)
    }
}
