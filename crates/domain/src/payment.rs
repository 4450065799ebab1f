//! Payments (PRODUCT.md §4): their kinds, their states and what moves them.

use crate::codes::code_enum;

code_enum!(
    /// What a payment moves, and how.
    PaymentKind, "a payment kind: sepa_direct_debit, card, refund or transfer", {
        /// Collected from the debtor's account on a SEPA mandate (pain.008).
        SepaDirectDebit => "sepa_direct_debit",
        /// Charged to a card alias through the card gateway.
        Card => "card",
        /// Paid back to a debtor by credit transfer (pain.001).
        Refund => "refund",
        /// Paid to the creditor's own account by credit transfer (pain.001).
        Transfer => "transfer",
    }
);

/// A payment's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentStatus {
    /// Accepted, not sent to the bank yet; the creditor may still cancel
    /// or change it ("A exécuter"). A plan's coming instalments wait here.
    ToExecute,
    /// In a file sent to the bank, waiting for its answer ("En cours
    /// d'exécution").
    Executing,
    /// Accepted by the bank ("Exécuté").
    Executed,
    /// Cancelled by the creditor before it was sent ("Non exécuté").
    NotExecuted,
    /// Returned by the bank with a reason code, an R-transaction ("Rejeté").
    Rejected,
}

/// What happens to a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentEvent {
    /// The creditor cancels it (API, dashboard, or its plan stopping).
    Cancel,
    /// The creditor changes its amount, date or remittance text.
    Amend,
    /// The file holding it is marked as sent to the bank.
    Send,
    /// The bank accepted it: a positive status, or its settlement date
    /// passed without a return.
    Execute,
    /// The bank returned it. A return may follow its execution (the debtor's
    /// bank has days, the debtor weeks, to send the money back).
    Reject,
}

/// A transition the payment's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a payment that is {from} cannot {event}")]
pub struct PaymentTransitionError {
    /// The state it was in.
    pub from: &'static str,
    /// What was attempted.
    pub event: &'static str,
}

impl PaymentStatus {
    /// Every state, in the order of the seed.
    pub const ALL: [PaymentStatus; 5] = [
        PaymentStatus::ToExecute,
        PaymentStatus::Executing,
        PaymentStatus::Executed,
        PaymentStatus::NotExecuted,
        PaymentStatus::Rejected,
    ];

    /// Parses the stored and API code.
    pub fn parse(input: &str) -> Option<PaymentStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == input)
    }

    /// The stored and API code.
    pub fn as_str(&self) -> &'static str {
        match self {
            PaymentStatus::ToExecute => "to_execute",
            PaymentStatus::Executing => "executing",
            PaymentStatus::Executed => "executed",
            PaymentStatus::NotExecuted => "not_executed",
            PaymentStatus::Rejected => "rejected",
        }
    }

    /// True while the creditor may cancel or change it (not sent yet).
    pub fn is_pending(&self) -> bool {
        *self == PaymentStatus::ToExecute
    }

    /// True when it is over for good (no event moves it any more).
    pub fn is_final(&self) -> bool {
        matches!(self, PaymentStatus::NotExecuted | PaymentStatus::Rejected)
    }

    /// The state after `event`, or why it cannot happen.
    pub fn apply(self, event: PaymentEvent) -> Result<Self, PaymentTransitionError> {
        use PaymentEvent as E;
        use PaymentStatus as S;
        match (self, event) {
            (S::ToExecute, E::Cancel) => Ok(S::NotExecuted),
            (S::ToExecute, E::Amend) => Ok(S::ToExecute),
            (S::ToExecute, E::Send) => Ok(S::Executing),
            (S::Executing, E::Execute) => Ok(S::Executed),
            (S::Executing | S::Executed, E::Reject) => Ok(S::Rejected),
            (from, event) => Err(PaymentTransitionError {
                from: from.as_str(),
                event: match event {
                    E::Cancel => "be cancelled",
                    E::Amend => "be changed",
                    E::Send => "be sent",
                    E::Execute => "be executed",
                    E::Reject => "be rejected",
                },
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use PaymentEvent as E;
    use PaymentStatus as S;

    const EVENTS: [PaymentEvent; 5] = [E::Cancel, E::Amend, E::Send, E::Execute, E::Reject];

    #[test]
    fn the_life_of_a_collection() {
        let sent = S::ToExecute.apply(E::Amend).and_then(|s| s.apply(E::Send));
        assert_eq!(sent, Ok(S::Executing));
        assert_eq!(S::Executing.apply(E::Execute), Ok(S::Executed));
        assert_eq!(S::Executing.apply(E::Reject), Ok(S::Rejected));
        // A return after settlement.
        assert_eq!(S::Executed.apply(E::Reject), Ok(S::Rejected));
        assert_eq!(S::ToExecute.apply(E::Cancel), Ok(S::NotExecuted));
    }

    #[test]
    fn illegal_transitions_are_refused_with_a_message() {
        let refused = S::Executing.apply(E::Cancel).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "a payment that is executing cannot be cancelled"
        );
        assert!(S::Executed.apply(E::Amend).is_err());
        assert!(S::ToExecute.apply(E::Execute).is_err());
        assert!(S::ToExecute.apply(E::Reject).is_err());
        assert!(S::Executed.apply(E::Send).is_err());
        for event in EVENTS {
            assert!(S::NotExecuted.apply(event).is_err(), "{event:?}");
            assert!(S::Rejected.apply(event).is_err(), "{event:?}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for status in S::ALL {
            assert_eq!(S::parse(status.as_str()), Some(status));
        }
        assert_eq!(S::parse("sent"), None);
        assert_eq!(
            PaymentKind::parse("sepa_direct_debit"),
            Ok(PaymentKind::SepaDirectDebit)
        );
        assert!(PaymentKind::parse("cheque").is_err());
    }

    proptest! {
        /// Whatever happens to a payment, only pending ones are cancelled or
        /// changed, nothing leaves a final state, and a payment reaches the
        /// bank's answer only through a sent file.
        #[test]
        fn any_history_keeps_the_rules(events in prop::collection::vec(0..EVENTS.len(), 0..20)) {
            let mut status = S::ToExecute;
            let mut sent = false;
            for i in events {
                let event = EVENTS[i];
                match status.apply(event) {
                    Ok(next) => {
                        prop_assert!(!status.is_final());
                        if matches!(event, E::Cancel | E::Amend) {
                            prop_assert!(status.is_pending());
                        }
                        if matches!(next, S::Executed | S::Rejected) {
                            prop_assert!(sent);
                        }
                        sent |= event == E::Send;
                        status = next;
                    }
                    Err(_) => prop_assert!(
                        status.is_final() || !matches!((status, event), (S::ToExecute, E::Cancel | E::Amend | E::Send))
                    ),
                }
            }
        }
    }
}
