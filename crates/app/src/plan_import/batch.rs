//! What one batch of plan lines finds stored, read in three queries: the
//! plans, customers and mandates its lines name.

use std::collections::HashMap;

use jiff::Timestamp;
use prelevo_domain::{Clock, Customer, Mandate, Plan, PlanReference};
use prelevo_store::TenantTx;

use crate::AppError;
use crate::import_file::{Line, customers_named, mandates_named, parsed_cells};
use crate::plans::{CreationRules, creation_rules};

/// The stored plans, customers and mandates a batch's lines name.
pub(super) struct Known {
    /// Plans by reference.
    pub plans: HashMap<String, Plan>,
    /// Customers by code.
    pub customers: HashMap<String, Customer>,
    /// Mandates by reference (UMR).
    pub mandates: HashMap<String, Mandate>,
    /// When the same file was imported before, if ever.
    pub imported_before: Option<Timestamp>,
    /// What a new plan is checked and moved on against.
    pub rules: CreationRules,
}

impl Known {
    /// Reads what `lines` name (their well-formed references).
    pub fn read(
        tx: &mut TenantTx<'_, '_>,
        clock: &dyn Clock,
        lines: &[Line],
        imported_before: Option<Timestamp>,
    ) -> Result<Self, AppError> {
        let plans = tx
            .plans_by_references(&parsed_cells(lines, "plan_reference", PlanReference::parse))?
            .into_iter()
            .filter_map(|p| Some((p.reference.as_ref()?.as_str().to_owned(), p)))
            .collect();
        Ok(Self {
            plans,
            customers: customers_named(tx, lines, "customer_reference")?,
            mandates: mandates_named(tx, lines, "mandate_reference")?,
            imported_before,
            rules: creation_rules(tx, clock)?,
        })
    }
}
