//! A bank file's life: made by the daily run, then sent to the bank, or
//! discarded before that when one of its payments changed.

/// A bank file's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BankFileStatus {
    /// Made, waiting to be sent; its payments are still `to_execute`.
    Pending,
    /// Sent to the bank: its payments are `executing`.
    Sent,
    /// Dropped before sending (a payment in it was cancelled or changed);
    /// its payments go into the next file.
    Discarded,
}

/// What happens to a bank file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BankFileEvent {
    /// It is marked as sent (or written to the bank's folder).
    Send,
    /// It is dropped.
    Discard,
}

/// A transition the file's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a bank file that is {from} cannot be {event}")]
pub struct BankFileTransitionError {
    /// The state it was in.
    pub from: &'static str,
    /// What was attempted.
    pub event: &'static str,
}

impl BankFileStatus {
    /// Parses the stored and API code.
    pub fn parse(input: &str) -> Option<BankFileStatus> {
        [Self::Pending, Self::Sent, Self::Discarded]
            .into_iter()
            .find(|s| s.as_str() == input)
    }

    /// The stored and API code.
    pub fn as_str(&self) -> &'static str {
        match self {
            BankFileStatus::Pending => "pending",
            BankFileStatus::Sent => "sent",
            BankFileStatus::Discarded => "discarded",
        }
    }

    /// The state after `event`: only a pending file is sent or discarded.
    pub fn apply(self, event: BankFileEvent) -> Result<Self, BankFileTransitionError> {
        match (self, event) {
            (BankFileStatus::Pending, BankFileEvent::Send) => Ok(BankFileStatus::Sent),
            (BankFileStatus::Pending, BankFileEvent::Discard) => Ok(BankFileStatus::Discarded),
            (from, event) => Err(BankFileTransitionError {
                from: from.as_str(),
                event: match event {
                    BankFileEvent::Send => "sent",
                    BankFileEvent::Discard => "discarded",
                },
            }),
        }
    }
}

/// Why a pending bank file was discarded: its collections wait for the
/// next file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiscardReason {
    /// A payment in it was cancelled.
    PaymentCancelled,
    /// A payment in it was changed.
    PaymentChanged,
    /// A plan with a payment in it changed its terms.
    PlanChanged,
    /// A plan with a payment in it stopped.
    PlanStopped,
    /// A mandate with a collection in it changed.
    MandateChanged,
    /// The creditor's name, account or time zone, which the file carries,
    /// changed.
    CreditorChanged,
    /// The creditor discarded it (it missed the bank's cut-off, say).
    ByCreditor,
    /// A reason kept in words before reasons had codes, shown as kept.
    Recorded(String),
}

impl DiscardReason {
    /// The stable code kept with the file and given by the API.
    pub fn code(&self) -> &str {
        match self {
            DiscardReason::PaymentCancelled => "payment_cancelled",
            DiscardReason::PaymentChanged => "payment_changed",
            DiscardReason::PlanChanged => "plan_changed",
            DiscardReason::PlanStopped => "plan_stopped",
            DiscardReason::MandateChanged => "mandate_changed",
            DiscardReason::CreditorChanged => "creditor_changed",
            DiscardReason::ByCreditor => "by_creditor",
            DiscardReason::Recorded(words) => words,
        }
    }

    /// The reason kept as `stored`; what is not a code reads as kept.
    pub fn from_stored(stored: &str) -> DiscardReason {
        match stored {
            "payment_cancelled" => DiscardReason::PaymentCancelled,
            "payment_changed" => DiscardReason::PaymentChanged,
            "plan_changed" => DiscardReason::PlanChanged,
            "plan_stopped" => DiscardReason::PlanStopped,
            "mandate_changed" => DiscardReason::MandateChanged,
            "creditor_changed" => DiscardReason::CreditorChanged,
            "by_creditor" => DiscardReason::ByCreditor,
            words => DiscardReason::Recorded(words.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_pending_file_moves() {
        use BankFileEvent as E;
        use BankFileStatus as S;
        assert_eq!(S::Pending.apply(E::Send), Ok(S::Sent));
        assert_eq!(S::Pending.apply(E::Discard), Ok(S::Discarded));
        for from in [S::Sent, S::Discarded] {
            for event in [E::Send, E::Discard] {
                assert!(from.apply(event).is_err());
            }
        }
        assert_eq!(
            S::Sent.apply(E::Send).unwrap_err().to_string(),
            "a bank file that is sent cannot be sent"
        );
        for s in [S::Pending, S::Sent, S::Discarded] {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn discard_reasons_read_back_and_old_words_stay() {
        for reason in [
            DiscardReason::PaymentCancelled,
            DiscardReason::PaymentChanged,
            DiscardReason::PlanChanged,
            DiscardReason::PlanStopped,
            DiscardReason::MandateChanged,
            DiscardReason::CreditorChanged,
            DiscardReason::ByCreditor,
        ] {
            assert_eq!(DiscardReason::from_stored(reason.code()), reason);
        }
        assert_eq!(
            DiscardReason::from_stored("a payment in it was changed"),
            DiscardReason::Recorded("a payment in it was changed".into())
        );
    }
}
