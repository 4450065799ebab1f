//! Labels of domain codes, from one place: each code maps to one Fluent key
//! (`role-admin`, `membership-invited`, `env-preproduction`, `nav-team`…),
//! translated in `locales/*/main.ftl`. Templates call `layout.label(x)`.

use prelevo_domain::{
    ApiScope, BankFileStatus, CardStatus, CustomerStatus, DiscardReason, Environment, Frequency,
    Health, Locale, MandateStatus, MembershipStatus, PaymentKind, PaymentMethodRef, PaymentStatus,
    PlanStatus, Role, StopReason,
};

use super::i18n::translate;
use super::nav::Section;

/// A value shown to people under a translated name.
pub trait Label {
    /// Its Fluent message key.
    fn label_key(&self) -> &'static str;

    /// Its name in `locale`.
    fn label(&self, locale: Locale) -> String {
        translate(locale, self.label_key())
    }
}

impl Label for Role {
    fn label_key(&self) -> &'static str {
        match self {
            Role::Admin => "role-admin",
            Role::Operator => "role-operator",
            Role::Viewer => "role-viewer",
        }
    }
}

impl Label for MembershipStatus {
    fn label_key(&self) -> &'static str {
        match self {
            MembershipStatus::Invited => "membership-invited",
            MembershipStatus::Active => "membership-active",
            MembershipStatus::Deactivated => "membership-deactivated",
        }
    }
}

impl Label for ApiScope {
    fn label_key(&self) -> &'static str {
        match self {
            ApiScope::Read => "scope-read",
            ApiScope::Write => "scope-write",
        }
    }
}

/// A language is named in itself ("Français", "English") in every locale.
impl Label for Locale {
    fn label_key(&self) -> &'static str {
        match self {
            Locale::Fr => "locale-fr",
            Locale::En => "locale-en",
        }
    }
}

impl Label for Environment {
    fn label_key(&self) -> &'static str {
        match self {
            Environment::PreProduction => "env-preproduction",
            Environment::Production => "env-production",
        }
    }
}

impl Label for Section {
    fn label_key(&self) -> &'static str {
        match self {
            Section::Balance => "nav-balance",
            Section::Orders => "nav-orders",
            Section::MandatesAndCards => "nav-mandates",
            Section::Payments => "nav-payments",
            Section::Plans => "nav-plans",
            Section::BankFiles => "nav-bank-files",
            Section::Subscribers => "nav-subscribers",
            Section::Returns => "nav-returns",
            Section::Circulars => "nav-circulars",
            Section::ActionCenter => "nav-action-center",
            Section::Exports => "nav-exports",
            Section::Settings => "nav-settings",
            Section::Team => "nav-team",
            Section::ApiKeys => "nav-api-keys",
            Section::Audit => "nav-audit",
        }
    }
}

impl Label for CustomerStatus {
    fn label_key(&self) -> &'static str {
        match self {
            CustomerStatus::Active => "customer-active",
            CustomerStatus::Suspended => "customer-suspended",
            CustomerStatus::StruckOff => "customer-struck-off",
        }
    }
}

impl Label for MandateStatus {
    fn label_key(&self) -> &'static str {
        match self {
            MandateStatus::PendingReference => "mandate-pending-reference",
            MandateStatus::Active => "mandate-active",
            MandateStatus::Revoked => "mandate-revoked",
            MandateStatus::Expired => "mandate-expired",
        }
    }
}

impl Label for CardStatus {
    fn label_key(&self) -> &'static str {
        match self {
            CardStatus::Active => "card-active",
            CardStatus::Deleted(_) => "card-deleted",
        }
    }
}

impl Label for Health {
    fn label_key(&self) -> &'static str {
        match self {
            Health::Active => "health-active",
            Health::InsufficientFunds => "health-insufficient-funds",
            Health::Invalid => "health-invalid",
            Health::ExpiringSoon => "health-expiring-soon",
            Health::Expired => "health-expired",
            Health::Manual => "health-manual",
            Health::None => "health-none",
        }
    }
}

impl Label for PaymentMethodRef {
    fn label_key(&self) -> &'static str {
        match self {
            PaymentMethodRef::None => "method-none",
            PaymentMethodRef::Manual => "method-manual",
            PaymentMethodRef::Mandate(_) => "method-mandate",
            PaymentMethodRef::Card(_) => "method-card",
        }
    }
}

impl Label for PaymentStatus {
    fn label_key(&self) -> &'static str {
        match self {
            PaymentStatus::ToExecute => "payment-to-execute",
            PaymentStatus::Executing => "payment-executing",
            PaymentStatus::Executed => "payment-executed",
            PaymentStatus::NotExecuted => "payment-not-executed",
            PaymentStatus::Rejected => "payment-rejected",
        }
    }
}

impl Label for PaymentKind {
    fn label_key(&self) -> &'static str {
        match self {
            PaymentKind::SepaDirectDebit => "kind-sepa-direct-debit",
            PaymentKind::Card => "kind-card",
            PaymentKind::Refund => "kind-refund",
            PaymentKind::Transfer => "kind-transfer",
        }
    }
}

impl Label for PlanStatus {
    fn label_key(&self) -> &'static str {
        match self {
            PlanStatus::Active => "plan-active",
            PlanStatus::Inactive => "plan-inactive",
        }
    }
}

impl Label for Frequency {
    fn label_key(&self) -> &'static str {
        match self {
            Frequency::Weekly => "frequency-weekly",
            Frequency::Monthly => "frequency-monthly",
            Frequency::Quarterly => "frequency-quarterly",
            Frequency::HalfYearly => "frequency-half-yearly",
            Frequency::Yearly => "frequency-yearly",
        }
    }
}

impl Label for StopReason {
    fn label_key(&self) -> &'static str {
        match self {
            StopReason::ByCreditor => "stop-by-creditor",
            StopReason::MandateRevoked => "stop-mandate-revoked",
            StopReason::MandateExpired => "stop-mandate-expired",
            StopReason::CardDeleted => "stop-card-deleted",
            StopReason::CustomerSuspended => "stop-customer-suspended",
            StopReason::CustomerStruckOff => "stop-customer-struck-off",
        }
    }
}

impl Label for DiscardReason {
    fn label_key(&self) -> &'static str {
        match self {
            DiscardReason::PaymentCancelled => "discard-payment-cancelled",
            DiscardReason::PaymentChanged => "discard-payment-changed",
            DiscardReason::PlanChanged => "discard-plan-changed",
            DiscardReason::PlanStopped => "discard-plan-stopped",
            DiscardReason::MandateChanged => "discard-mandate-changed",
            DiscardReason::CreditorChanged => "discard-creditor-changed",
            DiscardReason::ByCreditor => "discard-by-creditor",
            DiscardReason::Recorded(_) => "discard-other",
        }
    }

    /// Words kept before reasons had codes are shown as kept.
    fn label(&self, locale: Locale) -> String {
        match self {
            DiscardReason::Recorded(words) => words.clone(),
            known => translate(locale, known.label_key()),
        }
    }
}

impl Label for BankFileStatus {
    fn label_key(&self) -> &'static str {
        match self {
            BankFileStatus::Pending => "file-pending",
            BankFileStatus::Sent => "file-sent",
            BankFileStatus::Discarded => "file-discarded",
        }
    }
}

#[cfg(test)]
mod tests {
    use prelevo_domain::MembershipStatus as M;

    use super::*;

    fn all_labels() -> Vec<&'static dyn Label> {
        let mut all: Vec<&'static dyn Label> = vec![
            &Role::Admin,
            &Role::Operator,
            &Role::Viewer,
            &M::Invited,
            &M::Active,
            &M::Deactivated,
            &ApiScope::Read,
            &ApiScope::Write,
            &Locale::Fr,
            &Locale::En,
            &Environment::PreProduction,
            &Environment::Production,
        ];
        all.extend(Section::ALL.iter().map(|s| s as &dyn Label));
        all.extend(Health::ALL.iter().map(|h| h as &dyn Label));
        all.extend([
            &CustomerStatus::Active as &dyn Label,
            &CustomerStatus::Suspended,
            &CustomerStatus::StruckOff,
            &MandateStatus::PendingReference,
            &MandateStatus::Active,
            &MandateStatus::Revoked,
            &MandateStatus::Expired,
            &CardStatus::Active,
            &PaymentMethodRef::None,
            &PaymentMethodRef::Manual,
            &BankFileStatus::Pending,
            &BankFileStatus::Sent,
            &BankFileStatus::Discarded,
        ]);
        all.extend(PaymentStatus::ALL.iter().map(|s| s as &dyn Label));
        all.extend(PaymentKind::ALL.iter().map(|k| k as &dyn Label));
        all.extend(Frequency::ALL.iter().map(|f| f as &dyn Label));
        all.extend([&PlanStatus::Active as &dyn Label, &PlanStatus::Inactive]);
        all.extend([
            &DiscardReason::PaymentCancelled as &dyn Label,
            &DiscardReason::PaymentChanged,
            &DiscardReason::PlanChanged,
            &DiscardReason::PlanStopped,
            &DiscardReason::MandateChanged,
            &DiscardReason::CreditorChanged,
            &DiscardReason::ByCreditor,
        ]);
        all
    }

    #[test]
    fn every_code_has_a_translated_label_in_both_languages() {
        for value in all_labels() {
            for locale in [Locale::Fr, Locale::En] {
                let label = value.label(locale);
                assert_ne!(
                    label,
                    value.label_key(),
                    "{} in {locale:?}",
                    value.label_key()
                );
            }
        }
    }

    #[test]
    fn labels_read_naturally() {
        assert_eq!(Role::Admin.label(Locale::Fr), "Administrateur");
        assert_eq!(Role::Viewer.label(Locale::En), "Viewer");
        assert_eq!(M::Invited.label(Locale::Fr), "Invitation envoyée");
        assert_eq!(
            Environment::PreProduction.label(Locale::Fr),
            "Pré-production"
        );
        assert_eq!(Environment::Production.label(Locale::En), "Production");
        assert_eq!(Locale::En.label(Locale::Fr), "English");
        assert_eq!(Section::ApiKeys.label(Locale::Fr), "Clés d'API");
        // The seed's names.
        assert_eq!(CustomerStatus::StruckOff.label(Locale::Fr), "Radié");
        assert_eq!(
            MandateStatus::PendingReference.label(Locale::Fr),
            "En attente de référence"
        );
        assert_eq!(Health::Invalid.label(Locale::Fr), "Informations invalides");
        assert_eq!(Health::ExpiringSoon.label(Locale::En), "Expiring soon");
        assert_eq!(PaymentStatus::ToExecute.label(Locale::Fr), "A exécuter");
        assert_eq!(
            PaymentStatus::Executing.label(Locale::Fr),
            "En cours d'exécution"
        );
        assert_eq!(PaymentStatus::NotExecuted.label(Locale::Fr), "Non exécuté");
    }
}
