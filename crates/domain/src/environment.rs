//! Which installation this is: pre-production (tests with the bank's test
//! platform) or production. Shown everywhere in the dashboard, and part of
//! every API key so a test key can never be mistaken for a live one.

/// The installation's environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Environment {
    /// Testing: keys start with `pk_test_`.
    #[default]
    PreProduction,
    /// Live: keys start with `pk_live_`.
    Production,
}

impl Environment {
    /// The code used in configuration and the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            Environment::PreProduction => "pre-production",
            Environment::Production => "production",
        }
    }

    /// How every API key of this environment starts.
    pub fn api_key_prefix(&self) -> &'static str {
        match self {
            Environment::PreProduction => "pk_test_",
            Environment::Production => "pk_live_",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_tell_their_environment() {
        assert_eq!(Environment::Production.api_key_prefix(), "pk_live_");
        assert_eq!(Environment::PreProduction.api_key_prefix(), "pk_test_");
        assert_eq!(Environment::default(), Environment::PreProduction);
    }
}
