//! Printable documents: the signed mandate form as PDF, in the creditor's
//! language or the one asked.

use prelevo_domain::{Locale, MandateId};
use prelevo_pdf::{MandateForm, mandate_pdf};
use prelevo_store::TenantStore;

use crate::AppError;

/// A rendered document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The file name to offer, e.g. `mandate-RUM-2026-000042.pdf`.
    pub file_name: String,
    /// The PDF.
    pub bytes: Vec<u8>,
}

/// The SEPA mandate form of one of this creditor's mandates. A mandate
/// still waiting for its reference has no form yet.
pub fn mandate_document(
    tenant: &TenantStore,
    id: &MandateId,
    language: Option<Locale>,
) -> Result<Document, AppError> {
    let (creditor, profile, mandate) = tenant
        .read(|tx| Ok::<_, AppError>((tx.creditor()?, tx.mandate_profile()?, tx.mandate(id)?)))?;
    // A mandate waiting for its reference (`pending_reference`) has none.
    let Some(reference) = mandate.reference.as_ref() else {
        return Err(AppError::Conflict(format!(
            "mandate {id} has no reference yet: give it one before printing it"
        )));
    };
    let debtor_address = mandate.debtor_address.lines();
    let creditor_address = profile.address.lines();
    let form = MandateForm {
        creditor_name: creditor.name.as_str(),
        creditor_address: &creditor_address,
        creditor_id: &creditor.ics,
        reference,
        debtor_name: &mandate.debtor.name,
        debtor_address: &debtor_address,
        iban: &mandate.debtor.iban,
        bic: mandate.debtor.bic.as_ref(),
        scheme: mandate.scheme,
        kind: mandate.kind,
        signed_on: mandate.signed_on,
        signature_place: mandate.signature_place.as_deref(),
    };
    let bytes = mandate_pdf(&form, language.unwrap_or(creditor.language))
        .map_err(|e| AppError::System(e.to_string()))?;
    Ok(Document {
        file_name: format!("mandate-{reference}.pdf"),
        bytes,
    })
}
