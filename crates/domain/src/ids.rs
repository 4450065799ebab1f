//! Opaque row identifiers with a type prefix (`cred_…`), as the API shows
//! them. A value that exists has the right prefix and a sane body.

use std::fmt;

/// Why a string is not an identifier of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The prefix names another kind of object.
    #[error("must start with '{expected}_'")]
    WrongPrefix {
        /// The prefix this kind of id has.
        expected: &'static str,
    },
    /// The part after the prefix is empty, too long or has other characters.
    #[error("must be '{prefix}_' followed by 1 to 64 lowercase letters or digits")]
    BadBody {
        /// The prefix this kind of id has.
        prefix: &'static str,
    },
}

/// Checks `value` is `<prefix>_<1..=64 of [0-9a-z]>`.
fn check(value: &str, prefix: &'static str) -> Result<(), IdError> {
    let body = value
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('_'))
        .ok_or(IdError::WrongPrefix { expected: prefix })?;
    let sane = (1..=64).contains(&body.len())
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase());
    if sane {
        Ok(())
    } else {
        Err(IdError::BadBody { prefix })
    }
}

macro_rules! prefixed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The prefix that every id of this kind starts with.
            pub const PREFIX: &'static str = $prefix;

            /// Parses an id, checking its prefix and body.
            pub fn parse(value: &str) -> Result<Self, IdError> {
                check(value, $prefix)?;
                Ok(Self(value.to_owned()))
            }

            /// Builds an id from a fresh random or time-ordered body
            /// (`[0-9a-z]`, as a simple-format UUID is).
            pub fn from_body(body: &str) -> Result<Self, IdError> {
                Self::parse(&format!("{}_{}", $prefix, body))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(value: String) -> Result<Self, IdError> {
                check(&value, $prefix)?;
                Ok(Self(value))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = IdError;
            fn from_str(value: &str) -> Result<Self, IdError> {
                Self::parse(value)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

prefixed_id!(
    /// A creditor (tenant), e.g. `cred_0193…`.
    CreditorKey,
    "cred"
);
prefixed_id!(
    /// A user of the dashboard, e.g. `usr_0193…`.
    UserId,
    "usr"
);
prefixed_id!(
    /// A customer (subscriber) of a creditor, e.g. `cus_0193…`.
    CustomerId,
    "cus"
);
prefixed_id!(
    /// A SEPA mandate, e.g. `mdt_0193…`.
    MandateId,
    "mdt"
);
prefixed_id!(
    /// A card alias, e.g. `card_0193…`.
    CardAliasId,
    "card"
);
prefixed_id!(
    /// A payment (a collection, card charge, refund or transfer), e.g. `pay_0193…`.
    PaymentId,
    "pay"
);
prefixed_id!(
    /// A plan of instalments ("échéancier"), e.g. `plan_0193…`.
    PlanId,
    "plan"
);
prefixed_id!(
    /// A bank file (a pain.008 sent or to send), e.g. `file_0193…`.
    BankFileId,
    "file"
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_its_own_prefix_only() {
        assert!(CreditorKey::parse("cred_0193a1b2c3").is_ok());
        assert_eq!(
            CreditorKey::parse("usr_0193a1b2c3"),
            Err(IdError::WrongPrefix { expected: "cred" })
        );
        assert_eq!(
            CreditorKey::parse("cred_"),
            Err(IdError::BadBody { prefix: "cred" })
        );
        assert_eq!(
            CreditorKey::parse("cred_ABC"),
            Err(IdError::BadBody { prefix: "cred" })
        );
        assert!(CreditorKey::parse("credx_1").is_err());
    }

    #[test]
    fn serde_goes_through_parse() {
        let id: Result<CreditorKey, _> = serde_json::from_str("\"cred_12ab\"");
        assert!(id.is_ok());
        let bad: Result<CreditorKey, _> = serde_json::from_str("\"cred_../etc\"");
        assert!(bad.is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics_and_round_trips(s in ".{0,80}") {
            if let Ok(id) = CreditorKey::parse(&s) {
                prop_assert_eq!(id.as_str(), s.as_str());
            }
        }

        #[test]
        fn every_sane_body_is_accepted(body in "[0-9a-z]{1,64}") {
            let id = CreditorKey::from_body(&body).unwrap();
            prop_assert_eq!(id.to_string(), format!("cred_{body}"));
        }
    }
}
