//! One batch of import lines: what they find stored, read in two queries,
//! and what they create, written at the batch's end in a few multi-row
//! statements instead of several statements per line.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::Date;
use prelevo_domain::{Clock, Customer, CustomerCode, Mandate, PaymentMethodRef};
use prelevo_store::{Actor, TenantTx};

use crate::AppError;
use crate::audit::creation;
use crate::import_file::{Line, customers_named, mandates_named};

/// The stored mandates and customers a batch's lines name.
pub(super) struct Known {
    /// The creditor's today (a signature date may not be later).
    pub today: Date,
    /// Mandates by reference.
    pub mandates: HashMap<String, Mandate>,
    /// Customers by code.
    pub customers: HashMap<String, Customer>,
    /// When the same file was imported before, if ever.
    pub imported_before: Option<Timestamp>,
}

impl Known {
    /// Reads what `lines` name (their well-formed references and codes).
    pub fn read(
        tx: &mut TenantTx<'_, '_>,
        clock: &dyn Clock,
        lines: &[Line],
        imported_before: Option<Timestamp>,
    ) -> Result<Self, AppError> {
        Ok(Self {
            today: clock.today_in(tx.creditor()?.timezone.tz()),
            mandates: mandates_named(tx, lines, "reference")?,
            customers: customers_named(tx, lines, "customer_reference")?,
            imported_before,
        })
    }
}

/// A creation to record in the audit log, in line order.
enum Created {
    Customer(usize),
    Mandate(usize),
}

/// What a batch's lines create, to write at its end.
#[derive(Default)]
pub(super) struct Creations {
    /// New customers, each with its payment method (its latest new mandate).
    customers: Vec<Customer>,
    /// Their positions by code.
    by_code: HashMap<String, usize>,
    /// New mandates.
    mandates: Vec<Mandate>,
    /// Stored customers whose payment method becomes a new mandate.
    holders: Vec<Customer>,
    /// The audit log's order.
    log: Vec<Created>,
}

impl Creations {
    /// The customers the batch creates, in line order.
    pub fn new_customers(&self) -> &[Customer] {
        &self.customers
    }

    /// The customer with `code` created by an earlier line of the batch.
    pub fn customer(&self, code: &CustomerCode) -> Option<&Customer> {
        self.by_code.get(code.as_str()).map(|&i| &self.customers[i])
    }

    /// Adds `mandate`, which becomes the payment method of `holder`: a new
    /// customer when `new_customer`, else one stored or created earlier in
    /// the batch.
    pub fn add(&mut self, mandate: Mandate, mut holder: Customer, new_customer: bool) {
        holder.payment_method = PaymentMethodRef::Mandate(mandate.id.clone());
        holder.updated_at = mandate.created_at;
        let code = holder.code.as_str().to_owned();
        if new_customer {
            self.by_code.insert(code, self.customers.len());
            self.log.push(Created::Customer(self.customers.len()));
            self.customers.push(holder);
        } else if let Some(&i) = self.by_code.get(&code) {
            self.customers[i] = holder;
        } else if let Some(stored) = self.holders.iter_mut().find(|h| h.id == holder.id) {
            *stored = holder;
        } else {
            self.holders.push(holder);
        }
        self.log.push(Created::Mandate(self.mandates.len()));
        self.mandates.push(mandate);
    }

    /// Writes the creations in `tx`: customers, mandates, payment methods,
    /// then the audit entries in line order.
    pub fn write(self, tx: &mut TenantTx<'_, '_>, actor: &Actor) -> Result<(), AppError> {
        tx.insert_customers(&self.customers)?;
        tx.insert_mandates(&self.mandates)?;
        for holder in &self.holders {
            tx.save_payment_method(holder)?;
        }
        let entries = self
            .log
            .iter()
            .map(|created| match *created {
                Created::Customer(i) => creation(actor, &self.customers[i]),
                Created::Mandate(i) => creation(actor, &self.mandates[i]),
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        tx.record_audits(&entries)?;
        Ok(())
    }
}
