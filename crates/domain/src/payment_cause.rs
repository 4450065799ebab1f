//! Why a payment's state changed: a stable code with its details, kept in
//! the payment's history and put into words in each reader's language.

use jiff::civil::Date;

use crate::{Currency, Money, StopReason};

/// Why a payment's state changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentCause {
    /// The creditor cancelled it.
    CancelledByCreditor,
    /// The creditor changed it.
    ChangedByCreditor(PaymentAmendment),
    /// Its plan's terms changed: the instalment was made again.
    PlanChanged,
    /// Its plan stopped.
    PlanStopped(StopReason),
    /// It went to the bank in the file of this message id.
    SentInFile {
        /// The file's message id.
        message_id: String,
    },
    /// Its charge went to the card gateway.
    ChargeSent,
    /// The card gateway approved its charge.
    ChargeApproved {
        /// The gateway's reference.
        reference: String,
    },
    /// The card gateway declined its charge.
    ChargeDeclined {
        /// The gateway's code.
        code: String,
        /// The gateway's words.
        reason: String,
    },
    /// It was too late for the bank on its due date: moved to the first
    /// date a file made now reaches.
    MovedLate {
        /// The due date before.
        from: Date,
        /// The due date after.
        to: Date,
    },
    /// Its settlement date passed without a return.
    Settled {
        /// The settlement (due) date.
        due_on: Date,
    },
    /// A cause kept in words (history recorded before causes had codes),
    /// shown as it was kept.
    Recorded(String),
}

/// What a creditor's change of a payment changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentAmendment {
    /// The amount, before and after.
    pub amount: Option<(Money, Money)>,
    /// The due date, before and after.
    pub due_on: Option<(Date, Date)>,
    /// Whether the remittance text changed.
    pub remittance: bool,
}

impl PaymentAmendment {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.amount.is_none() && self.due_on.is_none() && !self.remittance
    }
}

impl PaymentCause {
    /// The stable code kept in the history and given by the API.
    pub fn code(&self) -> &str {
        match self {
            PaymentCause::CancelledByCreditor => "cancelled_by_creditor",
            PaymentCause::ChangedByCreditor(_) => "changed_by_creditor",
            PaymentCause::PlanChanged => "plan_changed",
            PaymentCause::PlanStopped(_) => "plan_stopped",
            PaymentCause::SentInFile { .. } => "sent_in_file",
            PaymentCause::ChargeSent => "charge_sent",
            PaymentCause::ChargeApproved { .. } => "charge_approved",
            PaymentCause::ChargeDeclined { .. } => "charge_declined",
            PaymentCause::MovedLate { .. } => "moved_late",
            PaymentCause::Settled { .. } => "settled",
            PaymentCause::Recorded(words) => words,
        }
    }

    /// The details kept beside the code, by name (amounts in minor units,
    /// dates `YYYY-MM-DD`).
    pub fn details(&self) -> Vec<(&'static str, String)> {
        match self {
            PaymentCause::ChangedByCreditor(change) => {
                let mut details = Vec::new();
                if let Some((from, to)) = change.amount {
                    details.push(("amount_from", from.minor().to_string()));
                    details.push(("amount_to", to.minor().to_string()));
                    details.push(("currency", to.currency().as_str().to_owned()));
                }
                if let Some((from, to)) = change.due_on {
                    details.push(("due_from", from.to_string()));
                    details.push(("due_to", to.to_string()));
                }
                if change.remittance {
                    details.push(("remittance", "changed".to_owned()));
                }
                details
            }
            PaymentCause::PlanStopped(reason) => vec![("reason", reason.as_str().to_owned())],
            PaymentCause::SentInFile { message_id } => vec![("message_id", message_id.clone())],
            PaymentCause::ChargeApproved { reference } => vec![("reference", reference.clone())],
            PaymentCause::ChargeDeclined { code, reason } => {
                vec![("code", code.clone()), ("reason", reason.clone())]
            }
            PaymentCause::MovedLate { from, to } => {
                vec![("from", from.to_string()), ("to", to.to_string())]
            }
            PaymentCause::Settled { due_on } => vec![("due_on", due_on.to_string())],
            PaymentCause::CancelledByCreditor
            | PaymentCause::PlanChanged
            | PaymentCause::ChargeSent
            | PaymentCause::Recorded(_) => Vec::new(),
        }
    }

    /// The cause kept as `code` with `details`. A code this version does
    /// not know, or details it cannot read, give [`PaymentCause::Recorded`]
    /// with the code: shown as kept rather than lost.
    pub fn from_stored(code: &str, details: &[(String, String)]) -> PaymentCause {
        let get = |name: &str| {
            details
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        let date = |name: &str| get(name).and_then(|value| value.parse::<Date>().ok());
        let text = |name: &str| get(name).map(str::to_owned);
        let known = match code {
            "cancelled_by_creditor" => Some(PaymentCause::CancelledByCreditor),
            "changed_by_creditor" => amendment(&get).map(PaymentCause::ChangedByCreditor),
            "plan_changed" => Some(PaymentCause::PlanChanged),
            "plan_stopped" => get("reason")
                .and_then(|reason| StopReason::parse(reason).ok())
                .map(PaymentCause::PlanStopped),
            "sent_in_file" => {
                text("message_id").map(|message_id| PaymentCause::SentInFile { message_id })
            }
            "charge_sent" => Some(PaymentCause::ChargeSent),
            "charge_approved" => {
                text("reference").map(|reference| PaymentCause::ChargeApproved { reference })
            }
            "charge_declined" => text("code").map(|code| PaymentCause::ChargeDeclined {
                code,
                reason: text("reason").unwrap_or_default(),
            }),
            "moved_late" => date("from")
                .zip(date("to"))
                .map(|(from, to)| PaymentCause::MovedLate { from, to }),
            "settled" => date("due_on").map(|due_on| PaymentCause::Settled { due_on }),
            _ => None,
        };
        known.unwrap_or_else(|| PaymentCause::Recorded(code.to_owned()))
    }
}

/// The amendment of stored details; `None` when one is unreadable.
fn amendment<'a>(get: &impl Fn(&str) -> Option<&'a str>) -> Option<PaymentAmendment> {
    let amount = match (get("amount_from"), get("amount_to"), get("currency")) {
        (None, None, None) => None,
        (Some(from), Some(to), Some(currency)) => {
            let currency = Currency::parse(currency).ok()?;
            let cents = |value: &str| value.parse::<i64>().ok();
            Some((
                Money::from_minor(cents(from)?, currency),
                Money::from_minor(cents(to)?, currency),
            ))
        }
        _ => return None,
    };
    let due_on = match (get("due_from"), get("due_to")) {
        (None, None) => None,
        (Some(from), Some(to)) => Some((from.parse().ok()?, to.parse().ok()?)),
        _ => return None,
    };
    let amendment = PaymentAmendment {
        amount,
        due_on,
        remittance: get("remittance").is_some(),
    };
    // A change that changed nothing was never kept: its details are lost.
    (!amendment.is_empty()).then_some(amendment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn stored(cause: &PaymentCause) -> PaymentCause {
        let details: Vec<(String, String)> = cause
            .details()
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
        PaymentCause::from_stored(cause.code(), &details)
    }

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn every_cause_reads_back_as_it_was_kept() {
        let eur = |cents| Money::from_minor(cents, Currency::EUR);
        let causes = [
            PaymentCause::CancelledByCreditor,
            PaymentCause::ChangedByCreditor(PaymentAmendment {
                amount: Some((eur(4990), eur(5990))),
                due_on: Some((date("2026-12-02"), date("2026-12-09"))),
                remittance: true,
            }),
            PaymentCause::ChangedByCreditor(PaymentAmendment {
                remittance: true,
                ..PaymentAmendment::default()
            }),
            PaymentCause::PlanChanged,
            PaymentCause::PlanStopped(StopReason::MandateRevoked),
            PaymentCause::SentInFile {
                message_id: "PRLV-20261201-000001".into(),
            },
            PaymentCause::ChargeSent,
            PaymentCause::ChargeApproved {
                reference: "ch_42".into(),
            },
            PaymentCause::ChargeDeclined {
                code: "insufficient_funds".into(),
                reason: "declined by the issuer".into(),
            },
            PaymentCause::MovedLate {
                from: date("2026-12-01"),
                to: date("2026-12-03"),
            },
            PaymentCause::Settled {
                due_on: date("2026-12-02"),
            },
        ];
        for cause in causes {
            assert_eq!(stored(&cause), cause);
        }
    }

    #[test]
    fn words_kept_before_codes_and_unreadable_details_are_shown_as_kept() {
        let old = "sent to the bank in file PRLV-20261201-000001";
        assert_eq!(
            PaymentCause::from_stored(old, &[]),
            PaymentCause::Recorded(old.into())
        );
        let bad_date = [("due_on".to_owned(), "2 December".to_owned())];
        assert_eq!(
            PaymentCause::from_stored("settled", &bad_date),
            PaymentCause::Recorded("settled".into())
        );
        assert_eq!(
            PaymentCause::from_stored("changed_by_creditor", &[]),
            PaymentCause::Recorded("changed_by_creditor".into())
        );
        let half_amount = [("amount_from".to_owned(), "100".to_owned())];
        assert_eq!(
            PaymentCause::from_stored("changed_by_creditor", &half_amount),
            PaymentCause::Recorded("changed_by_creditor".into())
        );
    }

    proptest! {
        #[test]
        fn any_stored_code_and_details_read_without_panicking(
            code in "[a-z_ ]{0,30}",
            details in proptest::collection::vec(("[a-z_]{1,12}", ".{0,20}"), 0..6),
        ) {
            let cause = PaymentCause::from_stored(&code, &details);
            // What reads back is kept the same way again.
            prop_assert_eq!(stored(&cause), cause);
        }
    }
}
