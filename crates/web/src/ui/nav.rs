//! The dashboard's sections, in menu order (PRODUCT.md). The menu shows
//! only the sections already built, so nothing links to a missing page.

use prelevo_domain::Permission;

/// One entry of the main menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// Balance and account statements (§10).
    Balance,
    /// Collection orders (§2).
    Orders,
    /// SEPA mandates and card aliases (§3).
    MandatesAndCards,
    /// Payments (§4).
    Payments,
    /// Instalment plans (§5).
    Plans,
    /// The pain.008 files for the bank, "Fichiers bancaires" (§12).
    BankFiles,
    /// Subscribers (§6).
    Subscribers,
    /// Returns and their processing (§7).
    Returns,
    /// Letters after a rejection (§7.6).
    Circulars,
    /// Payments waiting for an action (§8).
    ActionCenter,
    /// Scheduled and past exports (§11).
    Exports,
    /// The creditor's settings (§1).
    Settings,
    /// Team members and invitations (§1).
    Team,
    /// API keys (§1).
    ApiKeys,
    /// The audit log (§1).
    Audit,
}

impl Section {
    /// Every section, in menu order.
    pub const ALL: [Section; 15] = [
        Section::Balance,
        Section::Orders,
        Section::MandatesAndCards,
        Section::Payments,
        Section::Plans,
        Section::BankFiles,
        Section::Subscribers,
        Section::Returns,
        Section::Circulars,
        Section::ActionCenter,
        Section::Exports,
        Section::Settings,
        Section::Team,
        Section::ApiKeys,
        Section::Audit,
    ];

    /// Whether its pages exist; flip it in the change that adds them.
    pub fn is_built(self) -> bool {
        matches!(
            self,
            Section::MandatesAndCards
                | Section::Payments
                | Section::Plans
                | Section::BankFiles
                | Section::Subscribers
                | Section::Settings
                | Section::Team
                | Section::ApiKeys
                | Section::Audit
        )
    }

    /// The path of its first page.
    pub fn path(self) -> &'static str {
        match self {
            Section::Balance => "/balance",
            Section::Orders => "/orders",
            Section::MandatesAndCards => "/mandates",
            Section::Payments => "/payments",
            Section::Plans => "/plans",
            Section::BankFiles => "/bank-files",
            Section::Subscribers => "/subscribers",
            Section::Returns => "/returns",
            Section::Circulars => "/circulars",
            Section::ActionCenter => "/action-center",
            Section::Exports => "/exports",
            Section::Settings => "/settings",
            Section::Team => "/team",
            Section::ApiKeys => "/api-keys",
            Section::Audit => "/audit",
        }
    }

    /// What a member needs to see the section.
    pub fn needs(self) -> Permission {
        match self {
            Section::Team => Permission::ManageTeam,
            Section::ApiKeys => Permission::ManageApiKeys,
            Section::Audit => Permission::ViewAudit,
            _ => Permission::Read,
        }
    }

    /// The built sections, in menu order.
    pub fn built() -> impl Iterator<Item = Section> {
        Section::ALL.into_iter().filter(|s| s.is_built())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn the_built_sections_are_listed_in_menu_order() {
        let built: Vec<_> = Section::built().collect();
        assert_eq!(
            built,
            [
                Section::MandatesAndCards,
                Section::Payments,
                Section::Plans,
                Section::BankFiles,
                Section::Subscribers,
                Section::Settings,
                Section::Team,
                Section::ApiKeys,
                Section::Audit
            ]
        );
    }

    #[test]
    fn paths_are_distinct() {
        let paths: HashSet<_> = Section::ALL.iter().map(|s| s.path()).collect();
        assert_eq!(paths.len(), Section::ALL.len());
    }
}
