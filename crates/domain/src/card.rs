//! Card aliases (PRODUCT.md §3.2): the gateway's token for a card, never
//! the card number. A field that looks like a card number (PAN) is refused
//! wherever card details are entered.

use jiff::ToSpan;
use jiff::civil::Date;

/// Why card details were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// A field holds what looks like a full card number.
    #[error("looks like a card number: store the gateway's token, never the number")]
    LooksLikeCardNumber,
    /// The last four digits are not four digits.
    #[error("must be the last 4 digits of the card")]
    BadLast4,
    /// Month outside 1–12, or a year out of range.
    #[error("is not a valid expiry (month 1–12, year 2000–2099)")]
    BadExpiry,
    /// The token is empty or too long.
    #[error("must be the gateway's token: 1 to 255 visible characters")]
    BadToken,
}

/// True when `text` holds 13 to 19 digits (spaces, dots and dashes
/// ignored) that pass the Luhn check: a card number, which Prelevo must
/// never store.
pub fn looks_like_card_number(text: &str) -> bool {
    let digits: Vec<u32> = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.'))
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()
        .unwrap_or_default();
    (13..=19).contains(&digits.len()) && luhn(&digits)
}

fn luhn(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| match (!i.is_multiple_of(2), d * 2) {
            (true, doubled) if doubled > 9 => doubled - 9,
            (true, doubled) => doubled,
            (false, _) => d,
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A card's expiry month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CardExpiry {
    year: i16,
    month: i8,
}

impl CardExpiry {
    /// The expiry `month`/`year` (four-digit year).
    pub fn new(month: i64, year: i64) -> Result<CardExpiry, CardError> {
        let month = i8::try_from(month).map_err(|_| CardError::BadExpiry)?;
        let year = i16::try_from(year).map_err(|_| CardError::BadExpiry)?;
        if !(1..=12).contains(&month) || !(2000..=2099).contains(&year) {
            return Err(CardError::BadExpiry);
        }
        Ok(CardExpiry { year, month })
    }

    /// The month, 1–12.
    pub fn month(&self) -> i8 {
        self.month
    }

    /// The year.
    pub fn year(&self) -> i16 {
        self.year
    }

    /// The last day the card works: the last day of its expiry month.
    pub fn last_valid_day(&self) -> Date {
        Date::new(self.year, self.month, 1)
            .ok()
            .and_then(|first| first.checked_add(1.month()).ok())
            .and_then(|next| next.checked_sub(1.day()).ok())
            .unwrap_or(Date::MAX)
    }

    /// True once the expiry month has ended.
    pub fn is_expired(&self, today: Date) -> bool {
        today > self.last_valid_day()
    }

    /// True when the card expires in less than 30 days.
    pub fn expires_soon(&self, today: Date) -> bool {
        !self.is_expired(today)
            && today
                .checked_add(30.days())
                .is_ok_and(|limit| self.last_valid_day() < limit)
    }

    /// Months since year 0 (`year × 12 + month − 1`): expiries compare as
    /// numbers, which lets a database filter them.
    pub fn month_index(&self) -> i32 {
        i32::from(self.year) * 12 + i32::from(self.month) - 1
    }
}

/// The month indexes ([`CardExpiry::month_index`]) that split a day's
/// cards: below `expired_below` a card is expired, below `soon_below` it
/// expires soon, from `soon_below` on it is fine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiryBands {
    /// The first month index still valid today.
    pub expired_below: i32,
    /// The first month index that does not expire within 30 days.
    pub soon_below: i32,
}

impl ExpiryBands {
    /// The bands on `today`.
    pub fn on(today: Date) -> ExpiryBands {
        let index = |d: Date| i32::from(d.year()) * 12 + i32::from(d.month()) - 1;
        // A card ends on its month's last day, so it is still valid
        // through today's month, and expires within 30 days exactly when
        // its month comes before the month of today + 30 days.
        let limit = today.checked_add(30.days()).unwrap_or(Date::MAX);
        ExpiryBands {
            expired_below: index(today),
            soon_below: index(limit),
        }
    }
}

/// The last four digits of a card.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CardLast4(String);

impl CardLast4 {
    /// Four digits, nothing else.
    pub fn parse(input: &str) -> Result<CardLast4, CardError> {
        let trimmed = input.trim();
        if trimmed.len() == 4 && trimmed.bytes().all(|b| b.is_ascii_digit()) {
            Ok(CardLast4(trimmed.to_owned()))
        } else if looks_like_card_number(trimmed) {
            Err(CardError::LooksLikeCardNumber)
        } else {
            Err(CardError::BadLast4)
        }
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The gateway's token for a card.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CardToken(String);

impl CardToken {
    /// A token: 1 to 255 visible ASCII characters, and not a card number.
    pub fn parse(input: &str) -> Result<CardToken, CardError> {
        let trimmed = input.trim();
        if looks_like_card_number(trimmed) {
            return Err(CardError::LooksLikeCardNumber);
        }
        if trimmed.is_empty()
            || trimmed.len() > 255
            || !trimmed.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(CardError::BadToken);
        }
        Ok(CardToken(trimmed.to_owned()))
    }

    /// The token.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who deleted a card alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardDeletion {
    /// The creditor's team or API.
    ByCreditor,
    /// The platform (the gateway withdrew the token).
    ByPlatform,
    /// Prelevo, once the expiry month ended.
    Expired,
}

impl CardDeletion {
    /// The stored and API code.
    pub fn as_str(&self) -> &'static str {
        match self {
            CardDeletion::ByCreditor => "by_creditor",
            CardDeletion::ByPlatform => "by_platform",
            CardDeletion::Expired => "expired",
        }
    }

    /// Parses the stored code.
    pub fn parse(input: &str) -> Option<CardDeletion> {
        [
            CardDeletion::ByCreditor,
            CardDeletion::ByPlatform,
            CardDeletion::Expired,
        ]
        .into_iter()
        .find(|d| d.as_str() == input)
    }
}

/// A card alias's state: active ("Actif") or deleted ("Effacé").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardStatus {
    /// Usable.
    Active,
    /// Deleted, for the reason given.
    Deleted(CardDeletion),
}

/// A card alias that is already deleted cannot be deleted again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this card alias is already deleted")]
pub struct CardAlreadyDeleted;

impl CardStatus {
    /// The stored and API code: `active` or `deleted`.
    pub fn as_str(&self) -> &'static str {
        match self {
            CardStatus::Active => "active",
            CardStatus::Deleted(_) => "deleted",
        }
    }

    /// The state after a deletion.
    pub fn delete(self, why: CardDeletion) -> Result<CardStatus, CardAlreadyDeleted> {
        match self {
            CardStatus::Active => Ok(CardStatus::Deleted(why)),
            CardStatus::Deleted(_) => Err(CardAlreadyDeleted),
        }
    }
}

crate::codes::code_enum!(
    /// A card's network.
    CardBrand, "a card brand: visa, mastercard, amex, cb or other", {
        /// Visa.
        Visa => "visa",
        /// Mastercard.
        Mastercard => "mastercard",
        /// American Express.
        Amex => "amex",
        /// Cartes Bancaires.
        Cb => "cb",
        /// Any other network.
        Other => "other",
    }
);

/// A card stored at the gateway, known to Prelevo by its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardAlias {
    /// `card_…`
    pub id: crate::CardAliasId,
    /// The customer whose card it is.
    pub customer_id: crate::CustomerId,
    /// The gateway's token.
    pub token: CardToken,
    /// The network.
    pub brand: CardBrand,
    /// The last four digits.
    pub last4: CardLast4,
    /// The expiry month.
    pub expiry: CardExpiry,
    /// The name on the card.
    pub holder: Option<String>,
    /// Active or deleted.
    pub status: CardStatus,
    /// When it was deleted.
    pub deleted_at: Option<jiff::Timestamp>,
    /// Created.
    pub created_at: jiff::Timestamp,
    /// Last changed.
    pub updated_at: jiff::Timestamp,
}

impl CardAlias {
    /// Deletes it.
    pub fn delete(
        &mut self,
        why: CardDeletion,
        at: jiff::Timestamp,
    ) -> Result<(), CardAlreadyDeleted> {
        self.status = self.status.delete(why)?;
        self.deleted_at = Some(at);
        Ok(())
    }

    /// Deletes it once its expiry month has ended; `false` when still valid
    /// (or already deleted).
    pub fn delete_if_expired(&mut self, today: Date, at: jiff::Timestamp) -> bool {
        self.status == CardStatus::Active
            && self.expiry.is_expired(today)
            && self.delete(CardDeletion::Expired, at).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn card_numbers_are_recognised() {
        assert!(looks_like_card_number("4111 1111 1111 1111"));
        assert!(looks_like_card_number("5500-0000-0000-0004"));
        assert!(looks_like_card_number("378282246310005"));
        assert!(!looks_like_card_number("4111 1111 1111 1112"), "Luhn fails");
        assert!(!looks_like_card_number("1234"));
        assert!(!looks_like_card_number("tok_4111111111111111"));
        assert_eq!(
            CardToken::parse("4111111111111111"),
            Err(CardError::LooksLikeCardNumber)
        );
        assert_eq!(
            CardLast4::parse("4111111111111111"),
            Err(CardError::LooksLikeCardNumber)
        );
        assert_eq!(CardLast4::parse("12345"), Err(CardError::BadLast4));
        assert_eq!(CardLast4::parse(" 4242 ").unwrap().as_str(), "4242");
        assert_eq!(CardToken::parse("tok_1Nx").unwrap().as_str(), "tok_1Nx");
        assert_eq!(CardToken::parse("tok x"), Err(CardError::BadToken));
    }

    #[test]
    fn expiry_counts_to_the_end_of_the_month() {
        let expiry = CardExpiry::new(2, 2028).unwrap();
        assert_eq!(expiry.last_valid_day(), date(2028, 2, 29));
        assert!(!expiry.is_expired(date(2028, 2, 29)));
        assert!(expiry.is_expired(date(2028, 3, 1)));
        assert!(expiry.expires_soon(date(2028, 1, 31)));
        assert!(
            !expiry.expires_soon(date(2028, 1, 30)),
            "30 days before: not yet"
        );
        assert!(
            !expiry.expires_soon(date(2028, 3, 1)),
            "expired, not expiring"
        );
        assert_eq!(CardExpiry::new(13, 2028), Err(CardError::BadExpiry));
        assert_eq!(CardExpiry::new(12, 1999), Err(CardError::BadExpiry));
    }

    #[test]
    fn a_deleted_alias_stays_deleted() {
        let deleted = CardStatus::Active.delete(CardDeletion::Expired).unwrap();
        assert_eq!(deleted.as_str(), "deleted");
        assert_eq!(
            deleted.delete(CardDeletion::ByCreditor),
            Err(CardAlreadyDeleted)
        );
        assert_eq!(
            CardDeletion::parse("by_platform"),
            Some(CardDeletion::ByPlatform)
        );
    }

    #[test]
    fn an_alias_is_deleted_after_its_expiry_month() {
        let mut alias = CardAlias {
            id: crate::CardAliasId::from_body("0123456789abcdef0123456789abcdef").unwrap(),
            customer_id: crate::CustomerId::from_body("0123456789abcdef0123456789abcdef").unwrap(),
            token: CardToken::parse("tok_1").unwrap(),
            brand: CardBrand::parse("cb").unwrap(),
            last4: CardLast4::parse("4242").unwrap(),
            expiry: CardExpiry::new(11, 2026).unwrap(),
            holder: None,
            status: CardStatus::Active,
            deleted_at: None,
            created_at: jiff::Timestamp::UNIX_EPOCH,
            updated_at: jiff::Timestamp::UNIX_EPOCH,
        };
        assert!(!alias.delete_if_expired(date(2026, 11, 30), jiff::Timestamp::UNIX_EPOCH));
        assert!(alias.delete_if_expired(date(2026, 12, 1), jiff::Timestamp::UNIX_EPOCH));
        assert_eq!(alias.status, CardStatus::Deleted(CardDeletion::Expired));
        assert!(!alias.delete_if_expired(date(2026, 12, 2), jiff::Timestamp::UNIX_EPOCH));
        assert_eq!(
            alias.delete(CardDeletion::ByCreditor, jiff::Timestamp::UNIX_EPOCH),
            Err(CardAlreadyDeleted)
        );
    }

    proptest! {
        #[test]
        fn a_valid_number_with_one_digit_changed_is_not_a_card(body in proptest::collection::vec(0u32..10, 15), position in 0usize..15, delta in 1u32..10) {
            // Complete `body` with its Luhn check digit.
            let check = (0..10).find(|c| { let mut d = body.clone(); d.push(*c); luhn(&d) }).unwrap();
            let mut digits = body.clone();
            digits.push(check);
            let text: String = digits.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect();
            prop_assert!(looks_like_card_number(&text));
            digits[position] = (digits[position] + delta) % 10;
            let changed: String = digits.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect();
            prop_assert!(!looks_like_card_number(&changed));
        }
    }

    proptest! {
        #[test]
        fn expiry_bands_agree_with_the_expiry_rules(
            month in 1i64..=12, year in 2020i64..2040, offset in 0i64..8000
        ) {
            let expiry = CardExpiry::new(month, year).unwrap();
            let today = jiff::civil::date(2020, 1, 1).checked_add(offset.days()).unwrap();
            let bands = ExpiryBands::on(today);
            let index = expiry.month_index();
            prop_assert_eq!(expiry.is_expired(today), index < bands.expired_below);
            prop_assert_eq!(
                expiry.expires_soon(today),
                bands.expired_below <= index && index < bands.soon_below
            );
        }
    }
}
