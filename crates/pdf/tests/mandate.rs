//! Renders mandate forms and reads the text back out of the PDF, as a
//! reader copying from it (or a bank's OCR-free check) would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use jiff::civil::date;
use prelevo_domain::{Bic, CreditorId, Iban, Locale, MandateKind, MandateRef, Scheme};
use prelevo_pdf::{MandateForm, mandate_pdf};

/// Owned values a form borrows from.
struct Fixture {
    creditor_name: String,
    creditor_address: Vec<String>,
    creditor_id: CreditorId,
    reference: MandateRef,
    debtor_name: String,
    debtor_address: Vec<String>,
    iban: Iban,
    bic: Option<Bic>,
    place: Option<String>,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            creditor_name: "Eaux de Provence SA".to_owned(),
            creditor_address: vec![
                "12 avenue des Platanes".to_owned(),
                "13100 Aix-en-Provence".to_owned(),
                "France".to_owned(),
            ],
            creditor_id: CreditorId::parse("FR69ZZZ651190").unwrap(),
            reference: MandateRef::parse("RUM-2026-000123").unwrap(),
            debtor_name: "Jean Dupont".to_owned(),
            debtor_address: vec![
                "3 rue du Moulin".to_owned(),
                "69002 Lyon".to_owned(),
                "France".to_owned(),
            ],
            iban: Iban::parse("FR7630006000011234567890189").unwrap(),
            bic: Some(Bic::parse("AGRIFRPP").unwrap()),
            place: Some("Villeurbanne".to_owned()),
        }
    }

    fn form(&self, scheme: Scheme, kind: MandateKind) -> MandateForm<'_> {
        MandateForm {
            creditor_name: &self.creditor_name,
            creditor_address: &self.creditor_address,
            creditor_id: &self.creditor_id,
            reference: &self.reference,
            debtor_name: &self.debtor_name,
            debtor_address: &self.debtor_address,
            iban: &self.iban,
            bic: self.bic.as_ref(),
            scheme,
            kind,
            signed_on: date(2026, 3, 7),
            signature_place: self.place.as_deref(),
        }
    }
}

/// Renders, checks the bytes are a PDF, and returns its text with every
/// run of whitespace made one space (lines wrap wherever the layout says).
fn render_text(form: &MandateForm<'_>, locale: Locale) -> String {
    let pdf = mandate_pdf(form, locale).unwrap();
    assert_valid_pdf(&pdf);
    text_of(&pdf)
}

fn assert_valid_pdf(pdf: &[u8]) {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF header");
    assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"), "no PDF trailer");
}

fn text_of(pdf: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(pdf).unwrap();
    collapse(&text)
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[track_caller]
fn assert_has(text: &str, expected: &str) {
    let expected = collapse(expected);
    assert!(
        text.contains(&expected),
        "missing {expected:?} in the PDF text:\n{text}"
    );
}

/// What every form shows, whatever the language or scheme.
#[track_caller]
fn assert_common_fields(text: &str) {
    for expected in [
        "Eaux de Provence SA",
        "12 avenue des Platanes",
        "13100 Aix-en-Provence",
        "FR69ZZZ651190",
        "RUM-2026-000123",
        "Jean Dupont",
        "3 rue du Moulin",
        "69002 Lyon",
        "FR76 3000 6000 0112 3456 7890 189",
        "AGRIFRPP",
        "Villeurbanne",
    ] {
        assert_has(text, expected);
    }
}

const FR_AUTHORISATION: &str = "En signant ce formulaire de mandat, vous autorisez (A) Eaux de \
    Provence SA à envoyer des instructions à votre banque pour débiter votre compte, et (B) votre \
    banque à débiter votre compte conformément aux instructions de Eaux de Provence SA.";
const FR_CORE_RIGHTS: &str = "Vous bénéficiez du droit d'être remboursé par votre banque suivant \
    les conditions décrites dans la convention que vous avez passée avec elle. Une demande de \
    remboursement doit être présentée dans les 8 semaines suivant la date de débit de votre compte \
    pour un prélèvement autorisé.";
const FR_B2B_RIGHTS: &str = "Ce mandat est destiné uniquement aux transactions entre entreprises. \
    Vous n'avez pas droit à un remboursement par votre banque une fois votre compte débité, mais \
    vous avez le droit de demander à votre banque de ne pas débiter votre compte jusqu'au jour de \
    l'échéance.";
const FR_NOTE: &str = "Vos droits concernant le présent mandat sont expliqués dans un document que \
    vous pouvez obtenir auprès de votre banque.";

const EN_AUTHORISATION: &str = "By signing this mandate form, you authorise (A) Eaux de Provence \
    SA to send instructions to your bank to debit your account and (B) your bank to debit your \
    account in accordance with the instructions from Eaux de Provence SA.";
const EN_CORE_RIGHTS: &str = "As part of your rights, you are entitled to a refund from your bank \
    under the terms and conditions of your agreement with your bank. A refund must be claimed \
    within 8 weeks starting from the date on which your account was debited.";
const EN_B2B_RIGHTS: &str = "This mandate is only intended for business-to-business \
    transactions. You are not entitled to a refund from your bank after your account has been \
    debited, but you are entitled to request your bank not to debit your account up until the \
    day on which the payment is due.";
const EN_NOTE: &str = "Your rights are explained in a statement that you can obtain from your \
    bank.";

#[test]
fn french_core_recurrent_mandate() {
    let fixture = Fixture::new();
    let text = render_text(
        &fixture.form(Scheme::Core, MandateKind::Recurrent),
        Locale::Fr,
    );
    assert_common_fields(&text);
    for expected in [
        "Mandat de prélèvement SEPA",
        "Référence unique du mandat (RUM)",
        "Identifiant créancier SEPA (ICS)",
        "CORE",
        "Signé à Villeurbanne Le 07/03/2026",
        "☒ Paiement récurrent/répétitif",
        "☐ Paiement ponctuel",
        FR_AUTHORISATION,
        FR_CORE_RIGHTS,
        FR_NOTE,
    ] {
        assert_has(&text, expected);
    }
    assert!(!text.contains("interentreprises"), "{text}");
    assert!(!text.contains("entre entreprises"), "{text}");
}

#[test]
fn english_core_recurrent_mandate() {
    let fixture = Fixture::new();
    let text = render_text(
        &fixture.form(Scheme::Core, MandateKind::Recurrent),
        Locale::En,
    );
    assert_common_fields(&text);
    for expected in [
        "SEPA Direct Debit Mandate",
        "Mandate reference",
        "Creditor identifier",
        "CORE",
        "Signed at Villeurbanne Date 2026-03-07",
        "☒ Recurrent payment",
        "☐ One-off payment",
        EN_AUTHORISATION,
        EN_CORE_RIGHTS,
        EN_NOTE,
    ] {
        assert_has(&text, expected);
    }
    assert!(!text.contains("business-to-business"), "{text}");
}

#[test]
fn french_b2b_one_off_mandate() {
    let fixture = Fixture::new();
    let text = render_text(&fixture.form(Scheme::B2b, MandateKind::OneOff), Locale::Fr);
    assert_common_fields(&text);
    for expected in [
        "Mandat de prélèvement SEPA interentreprises (B2B)",
        "Référence unique du mandat (RUM)",
        "Identifiant créancier SEPA (ICS)",
        "Signé à Villeurbanne Le 07/03/2026",
        "☐ Paiement récurrent/répétitif",
        "☒ Paiement ponctuel",
        FR_AUTHORISATION,
        FR_B2B_RIGHTS,
        FR_NOTE,
    ] {
        assert_has(&text, expected);
    }
    // The CORE refund right must not be promised on a B2B mandate.
    assert!(!text.contains("8 semaines"), "{text}");
}

#[test]
fn english_b2b_one_off_mandate() {
    let fixture = Fixture::new();
    let text = render_text(&fixture.form(Scheme::B2b, MandateKind::OneOff), Locale::En);
    assert_common_fields(&text);
    for expected in [
        "SEPA Business-to-Business Direct Debit Mandate",
        "Mandate reference",
        "Creditor identifier",
        "B2B",
        "Signed at Villeurbanne Date 2026-03-07",
        "☐ Recurrent payment",
        "☒ One-off payment",
        EN_AUTHORISATION,
        EN_B2B_RIGHTS,
        EN_NOTE,
    ] {
        assert_has(&text, expected);
    }
    assert!(!text.contains("8 weeks"), "{text}");
}

#[test]
fn accented_names_come_out_as_typed() {
    let mut fixture = Fixture::new();
    fixture.debtor_name = "Hélène Müller-Ørsted".to_owned();
    fixture.creditor_name = "Crèche « Les Écureuils » & Cie".to_owned();
    fixture.debtor_address = vec!["Straße Œuvre 5".to_owned(), "Łódź".to_owned()];
    fixture.place = Some("Besançon".to_owned());
    let text = render_text(
        &fixture.form(Scheme::Core, MandateKind::Recurrent),
        Locale::Fr,
    );
    for expected in [
        "Hélène Müller-Ørsted",
        "Crèche « Les Écureuils » & Cie",
        "Straße Œuvre 5",
        "Łódź",
        "Besançon",
        "(A) Crèche « Les Écureuils » & Cie à envoyer",
    ] {
        assert_has(&text, expected);
    }
}

#[test]
fn typst_syntax_in_user_text_is_printed_not_run() {
    let hostile = r#"#panic("boom") *x* $y$ <z>"#;
    let mut fixture = Fixture::new();
    fixture.debtor_name = hostile.to_owned();
    fixture.creditor_name = "_ACME_ [link](x) #let a = 1 // c".to_owned();
    fixture.debtor_address = vec![r"\ #sys.inputs @ref ```raw```".to_owned()];
    fixture.creditor_address = vec!["= Heading".to_owned(), "- item".to_owned()];
    fixture.place = Some("#{1 + 1}".to_owned());
    for locale in [Locale::Fr, Locale::En] {
        let text = render_text(&fixture.form(Scheme::B2b, MandateKind::OneOff), locale);
        for expected in [
            hostile,
            "_ACME_ [link](x) #let a = 1 // c",
            r"\ #sys.inputs @ref ```raw```",
            "= Heading",
            "- item",
            "#{1 + 1}",
        ] {
            assert_has(&text, expected);
        }
    }
}

#[test]
fn optional_fields_may_be_missing() {
    let mut fixture = Fixture::new();
    fixture.bic = None;
    fixture.place = None;
    fixture.creditor_address = Vec::new();
    fixture.debtor_address = Vec::new();
    let text = render_text(&fixture.form(Scheme::Core, MandateKind::OneOff), Locale::En);
    assert_has(&text, "FR76 3000 6000 0112 3456 7890 189");
    assert_has(&text, "2026-03-07");
    assert!(!text.contains("AGRIFRPP"), "{text}");
    assert!(!text.contains("Aix-en-Provence"), "{text}");
}

#[test]
fn rendering_twice_gives_the_same_valid_pdf() {
    let fixture = Fixture::new();
    let form = fixture.form(Scheme::Core, MandateKind::Recurrent);
    let first = mandate_pdf(&form, Locale::Fr).unwrap();
    let second = mandate_pdf(&form, Locale::Fr).unwrap();
    assert_valid_pdf(&first);
    assert_valid_pdf(&second);
    assert_eq!(text_of(&first), text_of(&second));
    // No creation date nor random id is written: the same form gives the
    // same bytes, so a stored copy can be checked against a re-render.
    assert!(first == second, "two renders differ");
}

#[test]
fn concurrent_renders_all_succeed() {
    let fixture = Fixture::new();
    std::thread::scope(|scope| {
        let handles: Vec<_> = [Locale::Fr, Locale::En, Locale::Fr, Locale::En]
            .into_iter()
            .map(|locale| {
                let form = fixture.form(Scheme::Core, MandateKind::Recurrent);
                scope.spawn(move || mandate_pdf(&form, locale))
            })
            .collect();
        for handle in handles {
            assert_valid_pdf(&handle.join().unwrap().unwrap());
        }
    });
}
