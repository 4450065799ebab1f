//! Creditor use cases: register, list, show, change. Every field is parsed
//! by the domain's types; every refusal names its field; every change is
//! audited in the same transaction.

use prelevo_domain::{
    Bic, Clock, Creditor, CreditorId, CreditorKey, CreditorName, CreditorSettings,
    CreditorTimeZone, Iban, Locale, NewCreditor, SettingsPatch,
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
        audit(tx, actor, "updated", Some(&before), &after, clock)?;
        Ok(after)
    })
}
