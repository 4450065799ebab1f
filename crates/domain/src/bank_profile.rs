//! What the creditor's bank accepts for its collection account (PRODUCT.md
//! §12): the pain.008 version, FRST or not, batch booking, the cut-off, and
//! how many collections and how large one may be.

use jiff::civil::Time;

use crate::codes::code_enum;
use crate::{Currency, FirstCollection, Money, SubmissionRule};

code_enum!(
    /// The pain.008 message version a creditor's bank accepts.
    Pain008Version, "a pain.008 version: pain.008.001.02 or pain.008.001.08", {
        /// pain.008.001.02 (2009), still the most common in France.
        V02 => "pain.008.001.02",
        /// pain.008.001.08 (2019), the EPC's version since November 2023.
        V08 => "pain.008.001.08",
    }
);

/// The largest amount of one SEPA collection (EPC: 999 999 999,99 €).
pub const MAX_SEPA_COLLECTION_CENTS: i64 = 99_999_999_999;

/// A bank setting outside what a bank file can carry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BankProfileError {
    /// Files of no collection, or of more than a bank takes.
    #[error("the most collections per file is between 1 and {max} (got {got})")]
    MaxTransactions {
        /// The largest accepted value.
        max: u32,
        /// The refused value.
        got: i64,
    },
    /// A collection limit of zero or over the scheme's maximum.
    #[error("the collection limit is between 0,01 and 999 999 999,99 EUR (got {got} cents)")]
    CollectionLimit {
        /// The refused value, in cents.
        got: i64,
    },
}

/// The bank profile of a creditor's collection account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankProfile {
    /// The pain.008 version of its files.
    pub pain008_version: Pain008Version,
    /// FRST/FNAL on first and last collections, or RCUR throughout.
    pub first_collection: FirstCollection,
    /// Whether each payment block is booked as one entry (`BtchBookg`).
    pub batch_booking: bool,
    /// The bank's cut-off time on the day before the due date (D-1).
    pub cutoff: Time,
    max_file_transactions: u32,
    collection_limit: Money,
}

impl BankProfile {
    /// The most collections one file may hold, whatever the bank says: a
    /// million keeps a file under a gigabyte.
    pub const MAX_FILE_TRANSACTIONS: u32 = 1_000_000;

    /// A profile, its limits checked.
    pub fn new(
        pain008_version: Pain008Version,
        first_collection: FirstCollection,
        batch_booking: bool,
        cutoff: Time,
        max_file_transactions: i64,
        collection_limit_cents: i64,
    ) -> Result<Self, BankProfileError> {
        let max_file_transactions = u32::try_from(max_file_transactions)
            .ok()
            .filter(|n| (1..=Self::MAX_FILE_TRANSACTIONS).contains(n))
            .ok_or(BankProfileError::MaxTransactions {
                max: Self::MAX_FILE_TRANSACTIONS,
                got: max_file_transactions,
            })?;
        if !(1..=MAX_SEPA_COLLECTION_CENTS).contains(&collection_limit_cents) {
            return Err(BankProfileError::CollectionLimit {
                got: collection_limit_cents,
            });
        }
        Ok(Self {
            pain008_version,
            first_collection,
            batch_booking,
            cutoff,
            max_file_transactions,
            collection_limit: Money::from_minor(collection_limit_cents, Currency::EUR),
        })
    }

    /// The most collections in one file.
    pub fn max_file_transactions(&self) -> u32 {
        self.max_file_transactions
    }

    /// The largest amount of one payment.
    pub fn collection_limit(&self) -> Money {
        self.collection_limit
    }

    /// When a file must reach the bank for a due date: D-1 at the cut-off.
    pub fn submission_rule(&self) -> SubmissionRule {
        SubmissionRule::d_minus_1(self.cutoff)
    }
}

impl Default for BankProfile {
    /// pain.008.001.08, FRST on first collections, batch booking, a 16:00
    /// cut-off, 100 000 collections per file, 10 000 € per collection.
    fn default() -> Self {
        Self {
            pain008_version: Pain008Version::V08,
            first_collection: FirstCollection::Frst,
            batch_booking: true,
            cutoff: Time::constant(16, 0, 0, 0),
            max_file_transactions: 100_000,
            collection_limit: Money::from_minor(1_000_000, Currency::EUR),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_checked() {
        let profile = |n, limit| {
            BankProfile::new(
                Pain008Version::V02,
                FirstCollection::Rcur,
                false,
                Time::constant(11, 30, 0, 0),
                n,
                limit,
            )
        };
        assert!(profile(1, 1).is_ok());
        assert_eq!(
            profile(0, 100),
            Err(BankProfileError::MaxTransactions {
                max: 1_000_000,
                got: 0
            })
        );
        assert!(profile(1_000_001, 100).is_err());
        assert_eq!(
            profile(10, 0),
            Err(BankProfileError::CollectionLimit { got: 0 })
        );
        assert!(profile(10, MAX_SEPA_COLLECTION_CENTS + 1).is_err());
        let ok = profile(500, 2_500).unwrap();
        assert_eq!(ok.max_file_transactions(), 500);
        assert_eq!(ok.collection_limit().minor(), 2_500);
        assert_eq!(ok.submission_rule().lead_business_days(), 1);
    }

    #[test]
    fn versions_have_their_message_names_as_codes() {
        assert_eq!(
            Pain008Version::parse("pain.008.001.02"),
            Ok(Pain008Version::V02)
        );
        assert_eq!(Pain008Version::V08.as_str(), "pain.008.001.08");
        assert!(Pain008Version::parse("pain.008.003.02").is_err());
    }
}
