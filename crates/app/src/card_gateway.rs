//! The card gateway port: the payment service that holds the card behind a
//! token. Prelevo never sees a card number; it asks the gateway what card a
//! token stands for, and asks it to forget a token the creditor deletes.

use std::collections::HashMap;
use std::sync::Mutex;

use prelevo_domain::{CardBrand, CardExpiry, CardLast4, CardToken};

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

/// A card gateway.
pub trait CardGateway: Send + Sync {
    /// The card behind `token`; `Ok(None)` when this gateway cannot tell
    /// (the details given by the creditor are then kept as given).
    fn card(&self, token: &CardToken) -> Result<Option<GatewayCard>, CardGatewayError>;

    /// Asks the gateway to forget `token` (the creditor deleted the card).
    fn forget(&self, token: &CardToken) -> Result<(), CardGatewayError>;
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
}

/// A gateway held in memory, for tests and demonstrations: it knows the
/// cards it was given, forgets them on request, and can be switched off to
/// play an outage.
#[derive(Debug, Default)]
pub struct InMemoryGateway {
    state: Mutex<InMemoryState>,
}

#[derive(Debug, Default)]
struct InMemoryState {
    cards: HashMap<String, GatewayCard>,
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
}
