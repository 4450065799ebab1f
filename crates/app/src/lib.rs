//! Prelevo's use cases. Each takes a store handle (tenant-scoped where the
//! work is a creditor's), a [`prelevo_domain::Clock`] and the ports it needs,
//! opens one transaction, applies the domain's decision, writes the audit
//! and outbox rows, and commits.

mod audit;
mod background;
mod emails;
mod error;
mod events;
mod fields;
mod ids;
pub mod import_file;
mod passwords;
mod renewal;
mod secrets;

pub mod access;
pub mod bank_files;
pub mod bank_profile;
pub mod card_aliases;
pub mod card_charges;
pub mod card_gateway;
pub mod collection_run;
pub mod creditors;
pub mod customers;
pub mod daily;
pub mod documents;
pub mod exports;
pub mod jobs;
pub mod mail;
pub mod mandate_import;
pub mod mandates;
pub mod outbox;
pub mod payments;
pub mod plan_import;
pub mod plans;

pub use error::{AppError, ErrorKind, FieldError};
pub use secrets::{constant_time_eq as secrets_equal, new_secret, sha256_hex};
