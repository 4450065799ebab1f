//! Every word printed on the mandate form, one table per language.
//!
//! The legal sentences follow the EPC mandate specimens (EPC392-08) and
//! their French versions; a bank may refuse a mandate whose wording drifts,
//! so change them only against those texts.

use prelevo_domain::{Locale, Scheme};

/// Where the creditor's name goes in [`Labels::authorisation`]. Replaced in
/// Rust with a literal substitution, so a name is never read as a pattern.
pub(crate) const CREDITOR: &str = "{creditor}";

/// How a language writes a date.
#[derive(Debug, Clone, Copy)]
pub(crate) enum DateStyle {
    /// 07/03/2026.
    DayMonthYear,
    /// 2026-03-07 (ISO 8601), unambiguous for English readers on both
    /// sides of the Atlantic.
    Iso,
}

/// The fixed texts of one language.
#[derive(Debug)]
pub(crate) struct Labels {
    /// The `lang` given to typst (hyphenation, quotes).
    pub lang: &'static str,
    /// How dates are written.
    pub dates: DateStyle,
    /// Title of a CORE mandate.
    pub title_core: &'static str,
    /// Title of a B2B mandate.
    pub title_b2b: &'static str,
    /// Label of the Unique Mandate Reference.
    pub reference: &'static str,
    /// Heading of the debtor block.
    pub debtor: &'static str,
    /// Heading of the creditor block.
    pub creditor: &'static str,
    /// A party's name.
    pub name: &'static str,
    /// A party's postal address.
    pub address: &'static str,
    /// The creditor's SEPA identifier (ICS).
    pub creditor_id: &'static str,
    /// The debtor's account number.
    pub iban: &'static str,
    /// The debtor's bank code.
    pub bic: &'static str,
    /// Heading of the type-of-payment choice.
    pub payment_type: &'static str,
    /// A recurrent mandate.
    pub recurrent: &'static str,
    /// A one-off mandate.
    pub one_off: &'static str,
    /// Where the debtor signs.
    pub place: &'static str,
    /// When the debtor signs.
    pub date: &'static str,
    /// The signature area.
    pub signature: &'static str,
    /// The authorisation sentence, with [`CREDITOR`] twice.
    pub authorisation: &'static str,
    /// The refund right of the CORE scheme.
    pub core_rights: &'static str,
    /// The B2B scheme's statement: business only, no refund.
    pub b2b_rights: &'static str,
    /// The closing note on where the debtor's rights are explained.
    pub rights_note: &'static str,
}

const FR: Labels = Labels {
    lang: "fr",
    dates: DateStyle::DayMonthYear,
    title_core: "Mandat de prélèvement SEPA",
    title_b2b: "Mandat de prélèvement SEPA interentreprises (B2B)",
    reference: "Référence unique du mandat (RUM)",
    debtor: "Débiteur",
    creditor: "Créancier",
    name: "Nom",
    address: "Adresse",
    creditor_id: "Identifiant créancier SEPA (ICS)",
    iban: "IBAN",
    bic: "BIC",
    payment_type: "Type de paiement",
    recurrent: "Paiement récurrent/répétitif",
    one_off: "Paiement ponctuel",
    place: "Signé à",
    date: "Le",
    signature: "Signature",
    authorisation: "En signant ce formulaire de mandat, vous autorisez (A) {creditor} à envoyer \
        des instructions à votre banque pour débiter votre compte, et (B) votre banque à débiter \
        votre compte conformément aux instructions de {creditor}.",
    core_rights: "Vous bénéficiez du droit d'être remboursé par votre banque suivant les \
        conditions décrites dans la convention que vous avez passée avec elle. Une demande de \
        remboursement doit être présentée dans les 8 semaines suivant la date de débit de votre \
        compte pour un prélèvement autorisé.",
    b2b_rights: "Ce mandat est destiné uniquement aux transactions entre entreprises. Vous \
        n'avez pas droit à un remboursement par votre banque une fois votre compte débité, mais \
        vous avez le droit de demander à votre banque de ne pas débiter votre compte jusqu'au \
        jour de l'échéance.",
    rights_note: "Vos droits concernant le présent mandat sont expliqués dans un document que \
        vous pouvez obtenir auprès de votre banque.",
};

const EN: Labels = Labels {
    lang: "en",
    dates: DateStyle::Iso,
    title_core: "SEPA Direct Debit Mandate",
    title_b2b: "SEPA Business-to-Business Direct Debit Mandate",
    reference: "Mandate reference",
    debtor: "Debtor",
    creditor: "Creditor",
    name: "Name",
    address: "Address",
    creditor_id: "Creditor identifier",
    iban: "IBAN",
    bic: "BIC",
    payment_type: "Type of payment",
    recurrent: "Recurrent payment",
    one_off: "One-off payment",
    place: "Signed at",
    date: "Date",
    signature: "Signature",
    authorisation: "By signing this mandate form, you authorise (A) {creditor} to send \
        instructions to your bank to debit your account and (B) your bank to debit your account \
        in accordance with the instructions from {creditor}.",
    core_rights: "As part of your rights, you are entitled to a refund from your bank under the \
        terms and conditions of your agreement with your bank. A refund must be claimed within 8 \
        weeks starting from the date on which your account was debited.",
    b2b_rights: "This mandate is only intended for business-to-business transactions. You are \
        not entitled to a refund from your bank after your account has been debited, but you are \
        entitled to request your bank not to debit your account up until the day on which the \
        payment is due.",
    rights_note: "Your rights are explained in a statement that you can obtain from your bank.",
};

impl Labels {
    /// The table of a locale.
    pub(crate) fn of(locale: Locale) -> &'static Labels {
        match locale {
            Locale::Fr => &FR,
            Locale::En => &EN,
        }
    }

    /// The title for a scheme.
    pub(crate) fn title(&self, scheme: Scheme) -> &'static str {
        match scheme {
            Scheme::Core => self.title_core,
            Scheme::B2b => self.title_b2b,
        }
    }

    /// The legal paragraph printed above the form: authorisation, then the
    /// scheme's refund rule.
    pub(crate) fn legal_text(&self, scheme: Scheme, creditor_name: &str) -> String {
        let rights = match scheme {
            Scheme::Core => self.core_rights,
            Scheme::B2b => self.b2b_rights,
        };
        format!(
            "{} {rights}",
            self.authorisation.replace(CREDITOR, creditor_name)
        )
    }

    /// A date as people of this language write it.
    pub(crate) fn date(&self, date: jiff::civil::Date) -> String {
        let (y, m, d) = (date.year(), date.month(), date.day());
        match self.dates {
            DateStyle::DayMonthYear => format!("{d:02}/{m:02}/{y:04}"),
            DateStyle::Iso => format!("{y:04}-{m:02}-{d:02}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_creditor_appears_twice_in_each_authorisation() {
        for locale in [Locale::Fr, Locale::En] {
            let labels = Labels::of(locale);
            assert_eq!(labels.authorisation.matches(CREDITOR).count(), 2);
            let text = labels.legal_text(Scheme::Core, "ACME {creditor} SA");
            // The substitution is one pass: a name holding the placeholder
            // is printed as written, not expanded again.
            assert_eq!(text.matches("ACME {creditor} SA").count(), 2, "{text}");
        }
    }

    #[test]
    fn no_line_continuation_leaves_double_spaces() {
        for locale in [Locale::Fr, Locale::En] {
            for scheme in [Scheme::Core, Scheme::B2b] {
                let labels = Labels::of(locale);
                let text = labels.legal_text(scheme, "X");
                assert!(!text.contains("  "), "{text}");
                assert!(!labels.rights_note.contains("  "));
            }
        }
    }

    #[test]
    fn the_schemes_differ_on_the_refund_right() {
        let fr = Labels::of(Locale::Fr);
        assert!(fr.legal_text(Scheme::Core, "X").contains("8 semaines"));
        assert!(
            fr.legal_text(Scheme::B2b, "X")
                .contains("transactions entre entreprises")
        );
        let en = Labels::of(Locale::En);
        assert!(en.legal_text(Scheme::Core, "X").contains("within 8 weeks"));
        assert!(!en.legal_text(Scheme::B2b, "X").contains("8 weeks"));
    }

    #[test]
    fn dates_follow_the_language() {
        let day = date(2026, 3, 7);
        assert_eq!(Labels::of(Locale::Fr).date(day), "07/03/2026");
        assert_eq!(Labels::of(Locale::En).date(day), "2026-03-07");
    }
}
