//! The card gateway port: the payment service that holds the card behind a
//! token. Prelevo never sees a card number; it asks the gateway what card a
//! token stands for, charges a token, and asks it to forget a token the
//! creditor deletes.

use std::collections::HashMap;
use std::sync::Mutex;

use prelevo_domain::{CardBrand, CardExpiry, CardLast4, CardToken, Money};

/// What the gateway holds under a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayCard {
    /// The network.
    pub brand: CardBrand,
    /// The last four digits.
    pub last4: CardLast4,
    /// The expiry month.
    pub expiry: CardExpiry,
}

/// Why the gateway could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardGatewayError {
    /// The gateway holds no card under this token.
    #[error("the card gateway holds no card under this token")]
    UnknownToken,
    /// The gateway did not answer.
    #[error("the card gateway did not answer: {0}")]
    Unavailable(String),
}

/// One charge to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeRequest<'a> {
    /// The card.
    pub token: &'a CardToken,
    /// How much.
    pub amount: Money,
    /// The same key for every attempt at the same payment: a gateway that
    /// already answered it answers the same again and charges nothing more.
    pub idempotency_key: &'a str,
    /// The text on the cardholder's statement, when there is one.
    pub description: Option<&'a str>,
}

/// How the gateway answered a charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeOutcome {
    /// Charged; the gateway's reference of the transaction.
    Approved {
        /// The gateway's transaction reference.
        reference: String,
    },
    /// Refused by the issuer or the gateway.
    Declined {
        /// The gateway's decline code (`insufficient_funds`, `expired_card`…).
        code: String,
        /// Its explanation.
        reason: String,
    },
}

/// A card gateway.
pub trait CardGateway: Send + Sync {
    /// The card behind `token`; `Ok(None)` when this gateway cannot tell
    /// (the details given by the creditor are then kept as given).
    fn card(&self, token: &CardToken) -> Result<Option<GatewayCard>, CardGatewayError>;

    /// Asks the gateway to forget `token` (the creditor deleted the card).
    fn forget(&self, token: &CardToken) -> Result<(), CardGatewayError>;

    /// Whether this gateway takes charges: without a connector, card
    /// payments wait "to execute" rather than being sent nowhere.
    fn can_charge(&self) -> bool;

    /// Charges the card, once per idempotency key.
    fn charge(&self, request: &ChargeRequest<'_>) -> Result<ChargeOutcome, CardGatewayError>;
}

/// No gateway connector configured: tokens are registered with the details
/// the creditor gives, and deleting one only deletes it in Prelevo.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnconnectedGateway;

impl CardGateway for UnconnectedGateway {
    fn card(&self, _token: &CardToken) -> Result<Option<GatewayCard>, CardGatewayError> {
        Ok(None)
    }

    fn forget(&self, _token: &CardToken) -> Result<(), CardGatewayError> {
        Ok(())
    }

    fn can_charge(&self) -> bool {
        false
    }

    fn charge(&self, _request: &ChargeRequest<'_>) -> Result<ChargeOutcome, CardGatewayError> {
        Err(CardGatewayError::Unavailable(
            "no card gateway connector is configured".into(),
        ))
    }
}

/// A gateway held in memory, for tests and demonstrations: it knows the
/// cards it was given, charges them (declining the tokens it was told to),
/// answers a repeated idempotency key as the first time, forgets cards on
/// request, and can be switched off to play an outage.
#[derive(Debug, Default)]
pub struct InMemoryGateway {
    state: Mutex<InMemoryState>,
}

#[derive(Debug, Default)]
struct InMemoryState {
    cards: HashMap<String, GatewayCard>,
    declines: HashMap<String, String>,
    charges: HashMap<String, (Money, ChargeOutcome)>,
    down: bool,
}

impl InMemoryGateway {
    /// Tokenises a card: `token` now stands for `card`.
    pub fn hold(&self, token: &str, card: GatewayCard) {
        if let Ok(mut state) = self.state.lock() {
            state.cards.insert(token.to_owned(), card);
        }
    }

    /// Whether `token` is still held.
    pub fn holds(&self, token: &str) -> bool {
        self.state
            .lock()
            .is_ok_and(|state| state.cards.contains_key(token))
    }

    /// Charges to `token` are declined with `code` from now on.
    pub fn decline(&self, token: &str, code: &str) {
        if let Ok(mut state) = self.state.lock() {
            state.declines.insert(token.to_owned(), code.to_owned());
        }
    }

    /// How many distinct charges were made (approved or declined).
    pub fn charges_made(&self) -> usize {
        self.state.lock().map_or(0, |state| state.charges.len())
    }

    /// Makes every call fail (`true`) or answer again (`false`).
    pub fn set_down(&self, down: bool) {
        if let Ok(mut state) = self.state.lock() {
            state.down = down;
        }
    }

    fn with_state<T>(
        &self,
        work: impl FnOnce(&mut InMemoryState) -> Result<T, CardGatewayError>,
    ) -> Result<T, CardGatewayError> {
        let mut state = self
            .state
            .lock()
            .map_err(|_| CardGatewayError::Unavailable("state poisoned".into()))?;
        if state.down {
            return Err(CardGatewayError::Unavailable("switched off".into()));
        }
        work(&mut state)
    }
}

impl CardGateway for InMemoryGateway {
    fn card(&self, token: &CardToken) -> Result<Option<GatewayCard>, CardGatewayError> {
        self.with_state(|state| {
            state
                .cards
                .get(token.as_str())
                .cloned()
                .map(Some)
                .ok_or(CardGatewayError::UnknownToken)
        })
    }

    fn forget(&self, token: &CardToken) -> Result<(), CardGatewayError> {
        self.with_state(|state| {
            state.cards.remove(token.as_str());
            Ok(())
        })
    }

    fn can_charge(&self) -> bool {
        true
    }

    fn charge(&self, request: &ChargeRequest<'_>) -> Result<ChargeOutcome, CardGatewayError> {
        self.with_state(|state| {
            if let Some((_, outcome)) = state.charges.get(request.idempotency_key) {
                return Ok(outcome.clone());
            }
            if !state.cards.contains_key(request.token.as_str()) {
                return Err(CardGatewayError::UnknownToken);
            }
            let outcome = match state.declines.get(request.token.as_str()) {
                Some(code) => ChargeOutcome::Declined {
                    code: code.clone(),
                    reason: "declined by the issuer".into(),
                },
                None => ChargeOutcome::Approved {
                    reference: format!("ch_{}", state.charges.len() + 1),
                },
            };
            state.charges.insert(
                request.idempotency_key.to_owned(),
                (request.amount, outcome.clone()),
            );
            Ok(outcome)
        })
    }
}

#[cfg(test)]
mod tests {
    use prelevo_domain::Currency;

    use super::*;

    fn visa() -> GatewayCard {
        GatewayCard {
            brand: CardBrand::parse("visa").unwrap(),
            last4: CardLast4::parse("4242").unwrap(),
            expiry: CardExpiry::new(12, 2030).unwrap(),
        }
    }

    #[test]
    fn a_key_is_charged_once_and_declines_are_kept() {
        let gateway = InMemoryGateway::default();
        gateway.hold("tok_a", visa());
        gateway.hold("tok_b", visa());
        gateway.decline("tok_b", "insufficient_funds");
        let (a, b) = (
            CardToken::parse("tok_a").unwrap(),
            CardToken::parse("tok_b").unwrap(),
        );
        let request = |token, key| ChargeRequest {
            token,
            amount: Money::from_minor(990, Currency::EUR),
            idempotency_key: key,
            description: None,
        };
        let first = gateway.charge(&request(&a, "pay_1")).unwrap();
        assert!(matches!(first, ChargeOutcome::Approved { .. }));
        assert_eq!(gateway.charge(&request(&a, "pay_1")).unwrap(), first);
        assert_eq!(gateway.charges_made(), 1, "the same key charges once");
        let declined = gateway.charge(&request(&b, "pay_2")).unwrap();
        assert!(
            matches!(&declined, ChargeOutcome::Declined { code, .. } if code == "insufficient_funds")
        );
        gateway.set_down(true);
        assert!(matches!(
            gateway.charge(&request(&a, "pay_3")),
            Err(CardGatewayError::Unavailable(_))
        ));
        assert!(!UnconnectedGateway.can_charge());
        assert!(UnconnectedGateway.charge(&request(&a, "pay_4")).is_err());
    }
}
