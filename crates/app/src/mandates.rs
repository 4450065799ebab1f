//! Mandates: created (with the creditor's reference, a generated one, or
//! none yet), given a reference, amended when the bank details change,
//! revoked, and expired after 36 months of dormancy. Every change is
//! audited; a revocation or an expiry is a domain event (`mandate.revoked`,
//! `mandate.expired`) that plans and payments react to.

use jiff::civil::Date;
use prelevo_domain::{
    Bic, Clock, Customer, DEFAULT_UMR_PATTERN, DebtorAccount, DebtorAddress, Iban, Mandate,
    MandateId, MandateKind, MandateRef, MandateStatus, PaymentMethodRef, Scheme, SignatureMethod,
    TEXT_FIELD_MAX, UmrPattern, country_field, text_field,
};
use prelevo_store::{Actor, StoreError, TenantStore, TenantTx};
use serde_json::json;

use crate::AppError;
use crate::audit::{Audited, record_change};
use crate::customers::live_customer;
use crate::fields::Fields;

/// Refuses an account a SEPA direct debit cannot reach: one outside the
/// SEPA zone (no BIC makes the scheme reach it, so every collection would
/// fail), and one in a SEPA country outside the EEA without its bank's BIC
/// (the EEA's "IBAN only" rule does not cover it; the payment would be
/// refused later, when nobody is looking at the mandate any more).
fn check_reach(fields: &mut Fields, iban: &Iban, bic: Option<&Bic>) {
    let country = iban.country_code();
    if !iban.is_sepa() {
        fields.push(
            "iban",
            format!(
                "is an account in {country}, outside the SEPA zone: a SEPA direct debit cannot reach it"
            ),
        );
    } else if iban.needs_bic() && bic.is_none() {
        fields.push(
            "bic",
            format!("is required for an account in {country} (in SEPA but outside the EEA)"),
        );
    }
}

/// Where a new mandate's reference (UMR) comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceChoice {
    /// The creditor's own.
    Given(String),
    /// Generated from the creditor's pattern.
    Generate,
    /// Set later: the mandate waits in `pending_reference`.
    Later,
}

/// A new mandate's fields as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MandateInput {
    /// The customer it belongs to.
    pub customer_id: String,
    /// Its reference.
    pub reference: ReferenceChoice,
    /// `CORE` (default) or `B2B`.
    pub scheme: Option<String>,
    /// `recurrent` (default) or `one_off`.
    pub kind: Option<String>,
    /// The account holder's name (default: the customer's name).
    pub debtor_name: Option<String>,
    /// Address line 1.
    pub debtor_address_line1: Option<String>,
    /// Address line 2.
    pub debtor_address_line2: Option<String>,
    /// Postal code.
    pub debtor_postal_code: Option<String>,
    /// City.
    pub debtor_city: Option<String>,
    /// ISO country.
    pub debtor_country: Option<String>,
    /// The account.
    pub iban: String,
    /// The bank; may be left out for an IBAN of the EEA.
    pub bic: Option<String>,
    /// `YYYY-MM-DD`, not after today.
    pub signed_on: String,
    /// Where it was signed.
    pub signature_place: Option<String>,
    /// How it was signed.
    pub signature_method: String,
}

impl Audited for Mandate {
    const ENTITY: &'static str = "mandate";

    fn audit_id(&self) -> &str {
        self.id.as_str()
    }

    fn snapshot(&self) -> serde_json::Value {
        let m = self;
        json!({
            "customer_id": m.customer_id.as_str(),
            "reference": m.reference.as_ref().map(MandateRef::as_str),
            "scheme": m.scheme.as_str(),
            "kind": m.kind.as_str(),
            "status": m.status.as_str(),
            "debtor_name": m.debtor.name,
            "iban": m.debtor.iban.masked(),
            "bic": m.debtor.bic.as_ref().map(Bic::as_str),
            "signature_date": m.signed_on.to_string(),
            "signature_method": m.signature_method.as_str(),
            "revocation_reason": m.revocation.as_ref().map(|r| r.reason.clone()),
        })
    }

    fn changed_at(&self) -> jiff::Timestamp {
        self.updated_at
    }
}

fn conflict(error: StoreError) -> AppError {
    match error {
        StoreError::Conflict { detail, .. } => {
            AppError::Conflict(format!("{detail} is already used by another mandate"))
        }
        other => other.into(),
    }
}

/// A generated reference not used yet (a creditor's own references may
/// happen to match the pattern: the next number is tried then).
fn generate_reference(
    tx: &mut TenantTx<'_, '_>,
    on: Date,
    customer_code: &str,
) -> Result<MandateRef, AppError> {
    for _ in 0..100 {
        let (number, pattern) = tx.take_mandate_number()?;
        let pattern = UmrPattern::parse(pattern.as_deref().unwrap_or(DEFAULT_UMR_PATTERN))
            .map_err(|e| AppError::invalid("umr_pattern", e))?;
        let reference = pattern
            .render(u64::try_from(number).unwrap_or_default(), on, customer_code)
            .map_err(|e| AppError::invalid("reference", format!("the generated reference {e}")))?;
        if tx.mandate_by_reference(&reference)?.is_none() {
            return Ok(reference);
        }
    }
    Err(AppError::Conflict(
        "no free reference after 100 numbers: check the UMR pattern".into(),
    ))
}

/// Creates a mandate for a customer who is not struck off, and makes it
/// the customer's payment method.
pub fn create_mandate(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    input: &MandateInput,
) -> Result<Mandate, AppError> {
    tenant.write(|tx| create_mandate_in(tx, clock, actor, input))
}

/// [`create_mandate`] inside the caller's transaction (an import applies
/// many lines in one); nothing is written when a field is refused.
pub(crate) fn create_mandate_in(
    tx: &mut TenantTx<'_, '_>,
    clock: &dyn Clock,
    actor: &Actor,
    input: &MandateInput,
) -> Result<Mandate, AppError> {
    let today = clock.today_in(tx.creditor()?.timezone.tz());
    let mut fields = Fields::default();
    let customer = live_customer(tx, &mut fields, "customer_id", &input.customer_id)?;
    let (mandate, mut holder) = checked_mandate(tx, fields, customer, input, today, clock.now())?;
    tx.insert_mandate(&mandate).map_err(conflict)?;
    record_change(tx, actor, "created", None, &mandate)?;
    holder.payment_method = PaymentMethodRef::Mandate(mandate.id.clone());
    holder.updated_at = mandate.created_at;
    tx.save_payment_method(&holder)?;
    Ok(mandate)
}

/// The new mandate `input` describes for `customer` (already checked live,
/// refusals so far in `fields`), created `now`: every field checked (all
/// refusals at once), nothing stored but a generated reference's number.
/// Answers it with its customer.
pub(crate) fn checked_mandate(
    tx: &mut TenantTx<'_, '_>,
    mut fields: Fields,
    customer: Option<Customer>,
    input: &MandateInput,
    today: Date,
    now: jiff::Timestamp,
) -> Result<(Mandate, Customer), AppError> {
    let id = crate::ids::fresh_id(MandateId::from_body)?;
    {
        let given = match &input.reference {
            ReferenceChoice::Given(text) => {
                fields.take("reference", MandateRef::parse(text)).map(Some)
            }
            ReferenceChoice::Generate | ReferenceChoice::Later => Some(None),
        };
        let scheme = fields.take(
            "scheme",
            Scheme::parse(input.scheme.as_deref().unwrap_or("CORE")),
        );
        let kind = fields.take(
            "kind",
            MandateKind::parse(input.kind.as_deref().unwrap_or("recurrent")),
        );
        let iban = fields.take("iban", Iban::parse(&input.iban));
        let bic = fields.optional("bic", input.bic.as_deref(), Bic::parse);
        if let (Some(iban), Some(bic)) = (&iban, &bic) {
            check_reach(&mut fields, iban, bic.as_ref());
        }
        let signed_on = match input.signed_on.trim().parse::<Date>() {
            Ok(d) if d > today => {
                fields.push("signature_date", format!("{d} is in the future"));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                fields.push("signature_date", "must be a date YYYY-MM-DD");
                None
            }
        };
        let method = fields.take(
            "signature_method",
            SignatureMethod::parse(&input.signature_method),
        );
        let debtor_name = fields
            .take(
                "debtor_name",
                text_field(input.debtor_name.as_deref(), TEXT_FIELD_MAX),
            )
            .flatten()
            .or_else(|| customer.as_ref().map(|c| c.details.display_name()));
        let address = DebtorAddress {
            line1: fields
                .take(
                    "debtor_address_line1",
                    text_field(input.debtor_address_line1.as_deref(), TEXT_FIELD_MAX),
                )
                .flatten(),
            line2: fields
                .take(
                    "debtor_address_line2",
                    text_field(input.debtor_address_line2.as_deref(), TEXT_FIELD_MAX),
                )
                .flatten(),
            postal_code: fields
                .take(
                    "debtor_postal_code",
                    text_field(input.debtor_postal_code.as_deref(), 30),
                )
                .flatten(),
            city: fields
                .take(
                    "debtor_city",
                    text_field(input.debtor_city.as_deref(), TEXT_FIELD_MAX),
                )
                .flatten(),
            country: fields
                .take(
                    "debtor_country",
                    country_field(input.debtor_country.as_deref()),
                )
                .flatten(),
        };
        let place = fields
            .take(
                "signature_place",
                text_field(input.signature_place.as_deref(), TEXT_FIELD_MAX),
            )
            .flatten();
        let checked = match (
            customer,
            given,
            scheme,
            kind,
            iban,
            bic,
            signed_on,
            method,
            debtor_name,
        ) {
            (Some(c), Some(g), Some(s), Some(k), Some(i), Some(b), Some(d), Some(m), Some(n)) => {
                Some((c, g, s, k, i, b, d, m, n))
            }
            _ => None,
        };
        let (customer, given, scheme, kind, iban, bic, signed_on, method, debtor_name) =
            fields.finish(checked)?;
        let reference = match (&input.reference, given) {
            (ReferenceChoice::Generate, _) => {
                Some(generate_reference(tx, today, customer.code.as_str())?)
            }
            (_, given) => given,
        };
        let mandate = Mandate {
            id: id.clone(),
            customer_id: customer.id.clone(),
            status: if reference.is_some() {
                MandateStatus::Active
            } else {
                MandateStatus::PendingReference
            },
            reference,
            scheme,
            kind,
            debtor: DebtorAccount {
                name: debtor_name,
                iban,
                bic,
            },
            debtor_address: address,
            signed_on,
            signature_place: place,
            signature_method: method,
            first_collection_pending: true,
            last_collection_on: None,
            amendment: Default::default(),
            revocation: None,
            expired_on: None,
            created_at: now,
            updated_at: now,
        };
        Ok((mandate, customer))
    }
}

/// Applies `change` to a mandate of this creditor, saves it and audits it
/// under `action`; `event` names the domain event to record, if any.
fn change_mandate(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    id: &MandateId,
    action: &str,
    event: Option<&str>,
    change: impl FnOnce(&mut Mandate) -> Result<(), AppError>,
) -> Result<Mandate, AppError> {
    tenant.write(|tx| change_mandate_in(tx, clock, actor, id, action, event, change))
}

/// [`change_mandate`] inside the caller's transaction.
fn change_mandate_in(
    tx: &mut TenantTx<'_, '_>,
    clock: &dyn Clock,
    actor: &Actor,
    id: &MandateId,
    action: &str,
    event: Option<&str>,
    change: impl FnOnce(&mut Mandate) -> Result<(), AppError>,
) -> Result<Mandate, AppError> {
    {
        let before = tx.mandate(id)?;
        let mut after = before.clone();
        change(&mut after)?;
        after.updated_at = clock.now();
        tx.save_mandate(&after).map_err(conflict)?;
        crate::bank_files::discard_files_of_mandate(tx, id, after.updated_at, actor)?;
        if let Some(kind) = event {
            crate::events::publish(
                tx,
                kind,
                id.as_str(),
                &json!({ "customer_id": after.customer_id.as_str() }),
                after.updated_at,
            )?;
        }
        record_change(tx, actor, action, Some(&before), &after)?;
        Ok(after)
    }
}

fn refused(e: prelevo_domain::MandateTransitionError) -> AppError {
    AppError::Conflict(e.to_string())
}

/// Sets (or changes) a mandate's reference; a change of an active mandate's
/// reference is reported to the bank with the original.
pub fn set_mandate_reference(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    id: &MandateId,
    reference: &str,
) -> Result<Mandate, AppError> {
    let reference = MandateRef::parse(reference).map_err(|e| AppError::invalid("reference", e))?;
    change_mandate(tenant, clock, actor, id, "reference_set", None, |m| {
        m.set_reference(reference).map_err(refused)
    })
}

/// New bank details (IBAN, BIC) or debtor name, as an amendment the next
/// collection carries.
pub fn change_bank_details(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    id: &MandateId,
    debtor_name: Option<&str>,
    iban: Option<&str>,
    bic: Option<Option<&str>>,
) -> Result<Mandate, AppError> {
    tenant.write(|tx| change_bank_details_in(tx, clock, actor, id, debtor_name, iban, bic))
}

/// [`change_bank_details`] inside the caller's transaction.
pub(crate) fn change_bank_details_in(
    tx: &mut TenantTx<'_, '_>,
    clock: &dyn Clock,
    actor: &Actor,
    id: &MandateId,
    debtor_name: Option<&str>,
    iban: Option<&str>,
    bic: Option<Option<&str>>,
) -> Result<Mandate, AppError> {
    change_mandate_in(tx, clock, actor, id, "amended", None, |m| {
        let mut fields = Fields::default();
        let name = match debtor_name {
            Some(n) => fields
                .take("debtor_name", text_field(Some(n), TEXT_FIELD_MAX))
                .flatten(),
            None => Some(m.debtor.name.clone()),
        };
        if name.is_none() && debtor_name.is_some() {
            fields.push("debtor_name", "is required");
        }
        let iban = match iban {
            Some(i) => fields.take("iban", Iban::parse(i)),
            None => Some(m.debtor.iban.clone()),
        };
        let bic = match bic {
            Some(b) => fields.optional("bic", b, Bic::parse),
            None => Some(m.debtor.bic.clone()),
        };
        if let (Some(iban), Some(bic)) = (&iban, &bic) {
            check_reach(&mut fields, iban, bic.as_ref());
        }
        let after = fields.finish(match (name, iban, bic) {
            (Some(name), Some(iban), Some(bic)) => Some(DebtorAccount { name, iban, bic }),
            _ => None,
        })?;
        m.change_bank_details(after).map_err(refused)
    })
}

/// Revokes a mandate (why, and who through `actor`): plans and payments on
/// it stop (domain event `mandate.revoked`).
pub fn revoke_mandate(
    tenant: &TenantStore,
    clock: &dyn Clock,
    actor: &Actor,
    id: &MandateId,
    reason: &str,
) -> Result<Mandate, AppError> {
    if reason.trim().is_empty() {
        return Err(AppError::invalid("reason", "is required"));
    }
    let at = clock.now();
    change_mandate(
        tenant,
        clock,
        actor,
        id,
        "revoked",
        Some("mandate.revoked"),
        |m| m.revoke(reason, at).map_err(refused),
    )
}

/// Most mandates examined per run of the dormancy job and creditor; the job
/// runs again until none is left.
const DORMANCY_BATCH: i64 = 500;

/// Expires this creditor's mandates that had no collection for 36 months
/// on the creditor's today; returns how many expired. Running it twice the
/// same day expires nothing more.
pub fn expire_dormant_mandates(tenant: &TenantStore, clock: &dyn Clock) -> Result<usize, AppError> {
    let mut expired = 0;
    loop {
        let batch = tenant.write(|tx| {
            let today = clock.today_in(tx.creditor()?.timezone.tz());
            let mut done = 0;
            let candidates = tx.dormancy_candidates(today, DORMANCY_BATCH)?;
            let examined = candidates.len();
            for before in candidates {
                let mut after = before.clone();
                if after.expire_if_dormant(today).map_err(refused)? {
                    after.updated_at = clock.now();
                    tx.save_mandate(&after)?;
                    crate::events::publish(
                        tx,
                        "mandate.expired",
                        after.id.as_str(),
                        &json!({ "customer_id": after.customer_id.as_str(), "on": today.to_string() }),
                        after.updated_at,
                    )?;
                    record_change(tx, &Actor::System, "expired", Some(&before), &after)?;
                    done += 1;
                }
            }
            Ok::<_, AppError>((done, examined))
        })?;
        expired += batch.0;
        // A full batch with nothing expired holds only month-end margins.
        if batch.1 < usize::try_from(DORMANCY_BATCH).unwrap_or(usize::MAX) || batch.0 == 0 {
            return Ok(expired);
        }
    }
}
