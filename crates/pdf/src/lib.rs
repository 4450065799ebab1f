//! Prelevo's printable documents. For now one: the SEPA Direct Debit
//! mandate form, in French or English, for the CORE or B2B scheme, as a PDF
//! whose text can be selected and searched.
//!
//! The layout is a typst template (`templates/mandate.typ`) compiled in
//! process with typst-as-lib and written out by typst-pdf. The fonts are
//! kept in `fonts/` (licences in `fonts/LICENSES.md`) and compiled into the
//! binary (Libertinus Serif for text, DejaVu Sans Mono for identifiers and
//! the check boxes), so the output does not depend on the fonts of the
//! machine.
//!
//! Everything the template prints arrives as typst *data* in `sys.inputs`,
//! never spliced into the template's markup: a debtor called
//! `#panic("x")` is printed as such. The fixed wording of each language
//! lives in one table per locale (the `labels` module).

#![deny(missing_docs)]

mod labels;

use std::sync::LazyLock;

use prelevo_domain::{Bic, CreditorId, Iban, Locale, MandateKind, MandateRef, Scheme};
use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::{Bytes, Dict, IntoValue, Str, Value};
use typst::text::Font;
use typst_as_lib::{TypstAsLibError, TypstEngine, TypstTemplateMainFile};

use crate::labels::Labels;

/// What a mandate form shows: the parties, the account, the mandate's
/// terms and the signature. Borrowed, so callers keep their own types.
#[derive(Debug, Clone, Copy)]
pub struct MandateForm<'a> {
    /// The creditor's name, as the debtor knows it.
    pub creditor_name: &'a str,
    /// The creditor's postal address, one line per entry; may be empty.
    pub creditor_address: &'a [String],
    /// The creditor's SEPA identifier (ICS).
    pub creditor_id: &'a CreditorId,
    /// The Unique Mandate Reference (RUM / UMR).
    pub reference: &'a MandateRef,
    /// The account holder's name.
    pub debtor_name: &'a str,
    /// The debtor's postal address, one line per entry (street lines,
    /// "postal code city", country); may be empty.
    pub debtor_address: &'a [String],
    /// The account to debit; printed in groups of four.
    pub iban: &'a Iban,
    /// The debtor's bank, when known (optional in SEPA since 2016).
    pub bic: Option<&'a Bic>,
    /// CORE or B2B: decides the title and the refund wording.
    pub scheme: Scheme,
    /// Recurrent or one-off: the box ticked under "type of payment".
    pub kind: MandateKind,
    /// The day the debtor signed.
    pub signed_on: jiff::civil::Date,
    /// The town where the debtor signed, when known.
    pub signature_place: Option<&'a str>,
}

/// Why a mandate form could not be rendered. Neither should happen with
/// the shipped template; both carry typst's messages for the logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// The template did not compile or lay out.
    #[error("the mandate template failed: {0}")]
    Template(String),
    /// The laid-out document could not be written as PDF.
    #[error("the mandate could not be written as PDF: {0}")]
    Export(String),
}

/// Renders a mandate form as an A4 PDF in the given language (one page
/// unless the addresses run to dozens of lines).
///
/// Thread-safe; the typst engine and its fonts are loaded once per process,
/// on first use.
pub fn mandate_pdf(form: &MandateForm<'_>, locale: Locale) -> Result<Vec<u8>, PdfError> {
    let Warned { output, .. } = compile(form, locale);
    let document = output.map_err(template_error)?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|diagnostics| PdfError::Export(messages(&diagnostics)))
}

/// The template, compiled into the binary so deployment is one file.
const TEMPLATE: &str = include_str!("../templates/mandate.typ");

/// The font files, in the weights and styles the template uses: only the
/// families it names, so nothing falls back to another font unnoticed.
const FONT_FILES: [&[u8]; 5] = [
    include_bytes!("../fonts/LibertinusSerif-Regular.otf"),
    include_bytes!("../fonts/LibertinusSerif-Bold.otf"),
    include_bytes!("../fonts/LibertinusSerif-Italic.otf"),
    include_bytes!("../fonts/DejaVuSansMono.ttf"),
    include_bytes!("../fonts/DejaVuSansMono-Bold.ttf"),
];

/// Parsing the fonts and building typst's standard library costs tens of
/// milliseconds: done once, shared by every render.
static ENGINE: LazyLock<TypstEngine<TypstTemplateMainFile>> = LazyLock::new(|| {
    TypstEngine::builder()
        .main_file(TEMPLATE)
        .fonts(fonts())
        .build()
});

fn fonts() -> Vec<Font> {
    FONT_FILES
        .into_iter()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect()
}

fn compile(
    form: &MandateForm<'_>,
    locale: Locale,
) -> Warned<Result<typst_layout::PagedDocument, TypstAsLibError>> {
    ENGINE.compile_with_input(inputs(form, Labels::of(locale)))
}

/// The template's `sys.inputs`: every string it prints, already worded and
/// formatted for the locale.
fn inputs(form: &MandateForm<'_>, labels: &Labels) -> Dict {
    let title = labels.title(form.scheme);
    dict([
        ("title", title.into_value()),
        ("lang", labels.lang.into_value()),
        ("scheme", form.scheme.as_str().into_value()),
        ("reference", form.reference.as_str().into_value()),
        (
            "legal",
            labels
                .legal_text(form.scheme, form.creditor_name)
                .into_value(),
        ),
        (
            "recurrent",
            matches!(form.kind, MandateKind::Recurrent).into_value(),
        ),
        ("place", form.signature_place.into_value()),
        ("date", labels.date(form.signed_on).into_value()),
        (
            "creditor",
            Value::Dict(dict([
                ("name", form.creditor_name.into_value()),
                ("address", form.creditor_address.to_vec().into_value()),
                ("id", form.creditor_id.as_str().into_value()),
            ])),
        ),
        (
            "debtor",
            Value::Dict(dict([
                ("name", form.debtor_name.into_value()),
                ("address", form.debtor_address.to_vec().into_value()),
                ("iban", form.iban.grouped().into_value()),
                ("bic", form.bic.map(Bic::as_str).into_value()),
            ])),
        ),
        ("labels", Value::Dict(label_dict(labels))),
    ])
}

fn label_dict(labels: &Labels) -> Dict {
    dict([
        ("reference", labels.reference),
        ("debtor", labels.debtor),
        ("creditor", labels.creditor),
        ("name", labels.name),
        ("address", labels.address),
        ("creditor_id", labels.creditor_id),
        ("iban", labels.iban),
        ("bic", labels.bic),
        ("payment_type", labels.payment_type),
        ("recurrent", labels.recurrent),
        ("one_off", labels.one_off),
        ("place", labels.place),
        ("date", labels.date),
        ("signature", labels.signature),
        ("rights_note", labels.rights_note),
    ])
}

fn dict<V: IntoValue, const N: usize>(entries: [(&str, V); N]) -> Dict {
    entries
        .into_iter()
        .map(|(key, value)| (Str::from(key), value.into_value()))
        .collect()
}

fn template_error(error: TypstAsLibError) -> PdfError {
    PdfError::Template(match error {
        TypstAsLibError::TypstSource(diagnostics) => messages(&diagnostics),
        other => other.to_string(),
    })
}

fn messages(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The font families the template names.
    const FAMILIES: [&str; 2] = ["Libertinus Serif", "DejaVu Sans Mono"];

    #[test]
    fn both_families_are_embedded() {
        let fonts = fonts();
        for family in FAMILIES {
            assert!(
                fonts.iter().any(|f| f.info().family == family),
                "{family} missing"
            );
        }
        assert!(
            fonts
                .iter()
                .all(|f| FAMILIES.contains(&f.info().family.as_str()))
        );
    }

    #[test]
    fn the_template_compiles_without_warnings() {
        let creditor_id = CreditorId::parse("FR69ZZZ651190").unwrap();
        let reference = MandateRef::parse("RUM-2026-0001").unwrap();
        let iban = Iban::parse("FR7630006000011234567890189").unwrap();
        let bic = Bic::parse("AGRIFRPP").unwrap();
        let address = vec!["1 rue de la Paix".to_owned(), "75002 Paris".to_owned()];
        for (scheme, kind, bic, place) in [
            (
                Scheme::Core,
                MandateKind::Recurrent,
                Some(&bic),
                Some("Paris"),
            ),
            (Scheme::B2b, MandateKind::OneOff, None, None),
        ] {
            for locale in [Locale::Fr, Locale::En] {
                let form = MandateForm {
                    creditor_name: "ACME",
                    creditor_address: &[],
                    creditor_id: &creditor_id,
                    reference: &reference,
                    debtor_name: "Jean Dupont",
                    debtor_address: &address,
                    iban: &iban,
                    bic,
                    scheme,
                    kind,
                    signed_on: jiff::civil::date(2026, 3, 7),
                    signature_place: place,
                };
                let Warned { output, warnings } = compile(&form, locale);
                let document = output.unwrap();
                // A warning here is usually a font the template names but
                // the engine lacks, which would silently fall back.
                assert!(warnings.is_empty(), "{:?}", messages(&warnings));
                assert_eq!(document.pages().len(), 1, "{scheme:?} {locale:?}");
            }
        }
    }
}
