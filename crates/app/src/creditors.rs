//! Creditor use cases: register, list, show, change. Every field is parsed
//! by the domain's types; every refusal names its field; every change is
//! audited in the same transaction.

use prelevo_domain::{
    Bic, Clock, Creditor, CreditorId, CreditorKey, CreditorName, CreditorSettings,
    CreditorTimeZone, FirstCollection, Iban, Locale, MandateProfile, NewCreditor, PostalAddress,
    SettingsPatch, TEXT_FIELD_MAX, UmrPattern, country_field, text_field,
};
use prelevo_store::{Actor, Store, TenantStore, TenantTx};

use crate::AppError;
use crate::audit::{Change, record};
use crate::fields::Fields;

/// A creditor as typed by a person or a script: strings, checked here.
#[derive(Debug, Clone, Default)]
pub struct CreditorInput {
    /// Name on bank files.
    pub name: String,
    /// SEPA creditor identifier.
    pub ics: String,
    /// Collection account IBAN.
    pub iban: String,
    /// Collection account BIC (optional).
    pub bic: Option<String>,
    /// IANA time zone; Europe/Paris when absent.
    pub timezone: Option<String>,
    /// `fr` or `en`; French when absent.
    pub language: Option<String>,
    /// Settings that differ from the defaults.
    pub settings: SettingsPatch,
}

/// A change to an existing creditor; `None` keeps a value.
#[derive(Debug, Clone, Default)]
pub struct CreditorChange {
    /// New name.
    pub name: Option<String>,
    /// New collection IBAN.
    pub iban: Option<String>,
    /// New BIC; `Some(None)` removes it.
    pub bic: Option<Option<String>>,
    /// New time zone.
    pub timezone: Option<String>,
    /// New language.
    pub language: Option<String>,
    /// Settings to change.
    pub settings: SettingsPatch,
}

fn audit(
    tx: &mut TenantTx<'_, '_>,
    actor: &Actor,
    action: &str,
    before: Option<&Creditor>,
    after: &Creditor,
    clock: &dyn Clock,
) -> Result<(), AppError> {
    record(
        tx,
        actor,
        &Change {
            entity: "creditor",
            entity_id: after.id.as_str(),
            action,
            before,
            after: Some(after),
        },
        clock.now(),
    )
}

/// Parses a new creditor, reporting every invalid field at once.
pub fn parse_new_creditor(input: &CreditorInput) -> Result<NewCreditor, AppError> {
    let mut fields = Fields::default();
    let name = fields.take("name", CreditorName::parse(&input.name));
    let ics = fields.take("ics", CreditorId::parse(&input.ics));
    let iban = fields.take("iban", Iban::parse(&input.iban));
    let bic = fields.optional("bic", input.bic.as_deref(), Bic::parse);
    let timezone = fields
        .optional(
            "timezone",
            input.timezone.as_deref(),
            CreditorTimeZone::parse,
        )
        .map(Option::unwrap_or_default);
    let language = fields
        .optional("language", input.language.as_deref(), Locale::parse)
        .map(Option::unwrap_or_default);
    let settings = fields.settings(&CreditorSettings::default(), &input.settings);
    let all = (|| {
        Some(NewCreditor {
            name: name?,
            ics: ics?,
            iban: iban?,
            bic: bic?,
            timezone: timezone?,
            language: language?,
            settings: settings?,
        })
    })();
    fields.finish(all)
}

/// Registers a creditor (platform operation: the installation's operator).
pub fn create_creditor(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    input: &CreditorInput,
) -> Result<Creditor, AppError> {
    let new = parse_new_creditor(input)?;
    store.create_creditor(&new, clock.now(), |tx, creditor| {
        audit(tx, actor, "created", None, creditor, clock)?;
        Ok(creditor.clone())
    })
}

/// Every creditor of the installation (platform operation).
pub fn list_creditors(store: &Store) -> Result<Vec<Creditor>, AppError> {
    Ok(store.list_creditors()?)
}

/// Resolves `--creditor` (an id or an ICS); when absent, the only creditor.
pub fn resolve_creditor(store: &Store, wanted: Option<&str>) -> Result<CreditorKey, AppError> {
    match wanted {
        Some(wanted) => store
            .find_creditor(wanted)?
            .ok_or_else(|| AppError::NotFound(format!("no creditor has the id or ICS '{wanted}'"))),
        None => {
            let mut all = store.list_creditors()?;
            match (all.pop(), all.is_empty()) {
                (Some(only), true) => Ok(only.id),
                (None, _) => Err(AppError::NotFound(
                    "no creditor yet: create one with `prelevo creditor create`".into(),
                )),
                (Some(_), false) => Err(AppError::invalid(
                    "creditor",
                    "several creditors exist: name one with --creditor <id or ICS>",
                )),
            }
        }
    }
}

/// The tenant's own creditor.
pub fn show_creditor(tenant: &TenantStore) -> Result<Creditor, AppError> {
    tenant.read(|tx| Ok(tx.creditor()?))
}

/// Applies a change, all of it or nothing, and audits before/after.
pub fn update_creditor(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    change: &CreditorChange,
) -> Result<Creditor, AppError> {
    tenant.write(|tx| {
        let before = tx.creditor()?;
        let mut fields = Fields::default();
        let name = fields.optional("name", change.name.as_deref(), CreditorName::parse);
        let iban = fields.optional("iban", change.iban.as_deref(), Iban::parse);
        let bic = match &change.bic {
            Some(bic) => fields.optional("bic", bic.as_deref(), Bic::parse).map(Some),
            None => Some(None),
        };
        let timezone = fields.optional(
            "timezone",
            change.timezone.as_deref(),
            CreditorTimeZone::parse,
        );
        let language = fields.optional("language", change.language.as_deref(), Locale::parse);
        let settings = fields.settings(&before.settings, &change.settings);
        let after = (|| {
            let mut after = before.clone();
            after.name = name?.unwrap_or(after.name);
            after.iban = iban?.unwrap_or(after.iban);
            if let Some(bic) = bic? {
                after.bic = bic;
            }
            after.timezone = timezone?.unwrap_or(after.timezone);
            after.language = language?.unwrap_or(after.language);
            after.settings = settings?;
            Some(after)
        })();
        let mut after = fields.finish(after)?;
        if after == before {
            return Ok(after);
        }
        after.updated_at = clock.now();
        tx.save_creditor(&after)?;
        // A pending file carries the creditor's name, account and local
        // time: made again by the next run, not sent with stale details.
        if (&after.name, &after.iban, &after.bic, &after.timezone)
            != (&before.name, &before.iban, &before.bic, &before.timezone)
        {
            crate::bank_files::discard_pending_files(tx, after.updated_at, actor)?;
        }
        audit(tx, actor, "updated", Some(&before), &after, clock)?;
        Ok(after)
    })
}

/// A change to the creditor's mandate settings; `None` keeps a value and
/// `Some("")` clears an address part.
#[derive(Debug, Clone, Default)]
pub struct MandateProfileChange {
    /// Street and number.
    pub address_line1: Option<String>,
    /// Building, floor…
    pub address_line2: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// City.
    pub city: Option<String>,
    /// ISO country.
    pub country: Option<String>,
    /// Pattern of generated references, e.g. `RUM-{yyyy}-{seq:6}`.
    pub umr_pattern: Option<String>,
    /// `frst` or `rcur`.
    pub first_collection: Option<String>,
}

/// The creditor's mandate settings.
pub fn mandate_profile(tenant: &TenantStore) -> Result<MandateProfile, AppError> {
    Ok(tenant.read(|tx| tx.mandate_profile())?)
}

fn profile_snapshot(p: &MandateProfile) -> serde_json::Value {
    serde_json::json!({
        "address": p.address.lines(),
        "umr_pattern": p.umr_pattern.as_str(),
        "first_collection": p.first_collection.as_str(),
    })
}

/// Changes the creditor's mandate settings; audited.
pub fn update_mandate_profile(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    change: &MandateProfileChange,
) -> Result<MandateProfile, AppError> {
    tenant.write(|tx| {
        let before = tx.mandate_profile()?;
        let mut fields = Fields::default();
        let mut part =
            |name: &str, given: &Option<String>, current: &Option<String>, max| match given {
                None => Some(current.clone()),
                Some(text) => fields.take(name, text_field(Some(text), max)),
            };
        let old = &before.address;
        let line1 = part(
            "address_line1",
            &change.address_line1,
            &old.line1,
            TEXT_FIELD_MAX,
        );
        let line2 = part(
            "address_line2",
            &change.address_line2,
            &old.line2,
            TEXT_FIELD_MAX,
        );
        let postal_code = part("postal_code", &change.postal_code, &old.postal_code, 16);
        let city = part("city", &change.city, &old.city, TEXT_FIELD_MAX);
        let country = match &change.country {
            None => Some(old.country.clone()),
            Some(text) => fields.take("country", country_field(Some(text))),
        };
        let pattern = match &change.umr_pattern {
            None => Some(before.umr_pattern.clone()),
            Some(text) => fields.take("umr_pattern", UmrPattern::parse(text)),
        };
        let first = match &change.first_collection {
            None => Some(before.first_collection),
            Some(text) => fields.take("first_collection", FirstCollection::parse(text)),
        };
        let after = fields.finish(
            match (line1, line2, postal_code, city, country, pattern, first) {
                (
                    Some(line1),
                    Some(line2),
                    Some(postal_code),
                    Some(city),
                    Some(country),
                    Some(umr_pattern),
                    Some(first_collection),
                ) => Some(MandateProfile {
                    address: PostalAddress {
                        line1,
                        line2,
                        postal_code,
                        city,
                        country,
                    },
                    umr_pattern,
                    first_collection,
                }),
                _ => None,
            },
        )?;
        tx.save_mandate_profile(&after)?;
        let creditor_id = tx.creditor()?.id;
        record(
            tx,
            actor,
            &Change {
                entity: "creditor",
                entity_id: creditor_id.as_str(),
                action: "mandate_profile_changed",
                before: Some(&profile_snapshot(&before)),
                after: Some(&profile_snapshot(&after)),
            },
            clock.now(),
        )?;
        Ok(after)
    })
}
